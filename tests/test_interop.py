"""TMX, XLIFF and TBX: what we write is read back by translate-toolkit (an independent
reader), round trips keep every segment, reviewed work flows back, hostile XML is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE, CopyEngine
from test_cli import run
from translate.storage import tmx as toolkit_tmx
from translate.storage import xliff as toolkit_xliff
from translate.storage import xliff2 as toolkit_xliff2

from translator import Translator
from translator.errors import ExchangeFileError, GlossaryError, OutputFileError
from translator.formats import tmx, xliff
from translator.memory import HUMAN, MACHINE, StoredSegment, TranslationMemory

RECORD = '{"text": "Yes.", "technique": "", "fixed": [], "left": []}'

CRLF_ARTICLE = EXAMPLE.read_text("utf-8").replace("\n", "\r\n")
DANISH_LINE = "Det er ikke nyt, at Rusland truer med atomvåben, siger han.\n"


def translated(text: str, **options: object) -> object:
    return Translator(CopyEngine(), source_language="da", **options).translate(text, "nato.txt")  # type: ignore[arg-type]


def memory_with_both_origins(path: Path) -> TranslationMemory:
    memory = TranslationMemory(path)
    memory.store(
        [
            StoredSegment("Han kom.", "He came.", article="a.txt"),
            StoredSegment('Hun gik <hjem> & "sov".', "She went <home> & 'slept'.\r\nOK"),
            StoredSegment("Ja.", "Yes.", MACHINE, "model-1", "da|rules|plain", RECORD),
        ]
    )
    return memory


def test_tmx_round_trip_keeps_every_field(tmp_path: Path) -> None:
    memory = memory_with_both_origins(tmp_path / "a.sqlite")
    assert tmx.export(memory, tmp_path / "tm.tmx").written == 3
    again = TranslationMemory(tmp_path / "b.sqlite")
    assert tmx.import_file(tmp_path / "tm.tmx", again, origin="recorded").written == 3
    assert list(again.segments()) == list(memory.segments())


def test_translate_toolkit_reads_our_tmx(tmp_path: Path) -> None:
    memory = memory_with_both_origins(tmp_path / "a.sqlite")
    tmx.export(memory, tmp_path / "tm.tmx")
    store = toolkit_tmx.tmxfile.parsefile(str(tmp_path / "tm.tmx"))
    pairs = [(unit.source, unit.target) for unit in store.units]
    assert pairs == [(s.source, s.target) for s in memory.segments()]


def test_tmx_import_marks_human_and_skips_units_without_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "cat.tmx"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd"><tmx version="1.4">'
        '<header srclang="da-DK" creationtool="x" creationtoolversion="1" segtype="sentence"'
        ' o-tmf="x" adminlang="en" datatype="plaintext"/><body>'
        '<tu><prop type="x-origin">machine</prop>'
        '<tuv xml:lang="da-DK"><seg>God <bpt i="1">&lt;b&gt;</bpt>morgen<ept i="1">&lt;/b&gt;'
        '</ept>.</seg></tuv><tuv xml:lang="en-GB"><seg>Good morning.</seg></tuv></tu>'
        '<tu><tuv xml:lang="da"><seg>Kun dansk.</seg></tuv><tuv xml:lang="de"><seg>Nur.</seg>'
        "</tuv></tu></body></tmx>",
        "utf-8",
    )
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    assert tmx.import_file(path, memory).written == 1
    (row,) = memory.segments()
    assert (row.source, row.target, row.origin) == ("God <b>morgen</b>.", "Good morning.", HUMAN)


@pytest.mark.parametrize("version", ["1.2", "2.0"])
@pytest.mark.parametrize("text", [EXAMPLE.read_text("utf-8"), CRLF_ARTICLE])
def test_xliff_rebuilds_the_article_byte_for_byte(tmp_path: Path, version: str, text: str) -> None:
    result = translated(text)
    path = tmp_path / "a.xlf"
    xliff.write(path, [xliff.document("nato.txt", text, result.units)], version)  # type: ignore[attr-defined, arg-type]
    (document,) = xliff.read(path)
    assert document.text() == result.text  # type: ignore[attr-defined]
    assert "".join(u.source for u in document.units) == text
    assert not any(document.reviewed)
    xliff.merge(path, tmp_path / "merged.txt")
    assert (tmp_path / "merged.txt").read_bytes() == result.text.encode()  # type: ignore[attr-defined]


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_translate_toolkit_reads_our_xliff(tmp_path: Path, version: str) -> None:
    text = EXAMPLE.read_text("utf-8")
    result = translated(text)
    path = tmp_path / "a.xlf"
    xliff.write(path, [xliff.document("nato.txt", text, result.units)], version)  # type: ignore[attr-defined, arg-type]
    reader = toolkit_xliff.xlifffile if version == "1.2" else toolkit_xliff2.Xliff2File
    store = reader.parsefile(str(path))
    ours = [(u.source, u.target) for u in result.units]  # type: ignore[attr-defined]
    assert [(u.source, u.target) for u in store.units] == ours


def reviewed_copy(path: Path, source: str, new: str) -> None:
    """Edit the target of the unit with ``source``, as a reviewer's tool would."""
    import xml.etree.ElementTree as ET

    tree = ET.parse(path)
    for holder in tree.iter():
        children = {child.tag.rpartition("}")[2]: child for child in holder}
        if "source" in children and children["source"].text == source:
            children["target"].text = new
    for prefix, uri in (("", xliff.NS["1.2"]), ("", xliff.NS["2.0"]), ("tr", xliff.TR)):
        if uri in path.read_text("utf-8"):
            ET.register_namespace(prefix, uri)
    tree.write(path, encoding="utf-8", xml_declaration=True)


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_an_edited_target_comes_back_as_a_human_segment(tmp_path: Path, version: str) -> None:
    text, tm = EXAMPLE.read_text("utf-8"), tmp_path / "tm.sqlite"
    result = Translator(CopyEngine(), source_language="da", translation_memory=tm).translate(text)
    unit = next(u for u in result.units if u.translatable and "farlig" in u.source)
    path = tmp_path / "a.xlf"
    xliff.write(path, [xliff.document("nato.txt", text, result.units)], version)  # type: ignore[arg-type]
    reviewed_copy(path, unit.source, "A reviewer wrote this.")
    documents = xliff.read(path)
    assert list(xliff.reviewed_segments(documents)) == [
        (unit.source, "A reviewer wrote this.", "nato.txt")
    ]
    memory = TranslationMemory(tm)
    memory.store(StoredSegment(s, t, article=a) for s, t, a in xliff.reviewed_segments(documents))
    again = Translator(CopyEngine(), source_language="da", translation_memory=tm).translate(text)
    assert "A reviewer wrote this." in again.text and again.human_segments == 1


EVIL = {
    "billion laughs": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file><body>'
    "<trans-unit id='1'><source>&c;</source></trans-unit></body></file></xliff>",
    "external entity": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    '<tmx version="1.4"><body><tu><tuv xml:lang="da"><seg>&e;</seg></tuv></tu></body></tmx>',
    "not xml": "this is not XML at all <",
}


@pytest.mark.parametrize("kind", list(EVIL))
@pytest.mark.parametrize("command", [["xliff", "import"], ["tm", "import"]])
def test_hostile_xml_is_refused_in_one_line(tmp_path: Path, kind: str, command: list[str]) -> None:
    path = tmp_path / "evil.xml"
    path.write_text(EVIL[kind], "utf-8")
    result = run(*command, str(path), "--tm", str(tmp_path / "tm.sqlite"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {path}: ")
    assert "root:" not in result.stderr  # /etc/passwd never read


def test_text_xml_cannot_carry_is_refused_before_writing(tmp_path: Path) -> None:
    from translator.language.article import Unit

    with pytest.raises(ExchangeFileError, match="U\\+0001"):
        xliff.write(tmp_path / "a.xlf", [xliff.Document("a", [Unit("a\x01", "b", True)])])
    assert not (tmp_path / "a.xlf").exists()


TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
<termEntry id="c1">
  <langSet xml:lang="da"><tig><term>Forsvarsalliancen</term></tig></langSet>
  <langSet xml:lang="en">
    <tig><term>the Atlantic pact</term>
      <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>the alliance</term>
      <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="c2"><langSet xml:lang="de"><tig><term>Bündnis</term></tig></langSet></termEntry>
</body></text></martif>
"""
TBX_3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
<conceptEntry id="k1">
  <langSec xml:lang="da-DK"><termSec><term>Statsministeriet</term></termSec></langSec>
  <langSec xml:lang="en-GB"><termSec><term>the Prime Minister's Office</term>
    <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec></langSec>
</conceptEntry></body></text></tbx>
"""


@pytest.mark.parametrize(
    ("content", "danish", "english"),
    [
        (TBX_BASIC, "Forsvarsalliancen", "the alliance"),
        (TBX_3, "Statsministeriet", "the Prime Minister's Office"),
    ],
)
def test_tbx_termbases_are_glossaries(
    tmp_path: Path, content: str, danish: str, english: str
) -> None:
    from translator.formats import glossary

    path = tmp_path / "terms.tbx"
    path.write_text(content, "utf-8")
    loaded = glossary.load(path)
    assert loaded.entries[danish].target == english
    assert glossary.check_file(path) == []


class Deprecating(CopyEngine):
    def translate_batch(self, sentences: list[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [s.replace("Forsvarsalliancen", "the Atlantic pact") for s in sentences]


def test_a_deprecated_english_term_becomes_the_preferred_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "terms.tbx"
    path.write_text(TBX_BASIC, "utf-8")
    translator = Translator(
        Deprecating(), source_language="da", glossaries=[path], default_glossary=False
    )
    kept = translator.translate(
        "Han talte om den nye aftale i dag, og Forsvarsalliancen var glad.\n"
    )
    assert "the alliance var glad" in kept.text and "Atlantic pact" not in kept.text
    # Where the Danish term is not there to want the preferred one, it is reported.
    other = Translator(
        CopyEngine(), source_language="da", glossaries=[path], default_glossary=False
    ).translate("Han talte om the Atlantic pact i dag, og det var godt for alle.\n")
    assert "the Atlantic pact" in other.text  # in the Danish too: kept
    assert not any("forbidden" in w for w in other.warnings)


def test_glossary_check_reports_a_tbx_conflict(tmp_path: Path) -> None:
    path = tmp_path / "terms.tbx"
    path.write_text(
        TBX_3.replace("</body>", TBX_3.split("<body>")[1].split("</body>")[0].replace(
            "the Prime Minister's Office", "the State Ministry").replace('"k1"', '"k2"')
            + "</body>"),
        "utf-8",
    )  # fmt: skip
    result = run("glossary", "check", str(path))
    assert result.exit_code == 1 and "conflicts with concept k1" in result.stdout
    from translator.formats import glossary

    with pytest.raises(GlossaryError, match="conflicts"):
        glossary.load(path)


def test_done_when_edit_import_translate(tmp_path: Path, installed_model: Path) -> None:
    """The issue's check: --xliff, edit one target, xliff import, translate shows it."""
    xlf = tmp_path / "a.xlf"
    first = run("translate", str(EXAMPLE), "--xliff", str(xlf))
    assert first.exit_code == 0, first.output
    (document,) = xliff.read(xlf)
    unit = next(u for u in document.units if u.translatable)
    reviewed_copy(xlf, unit.source, "An edited headline.")
    imported = run("xliff", "import", str(xlf))
    assert imported.exit_code == 0 and "1 reviewed segments" in imported.stderr
    again = run("translate", str(EXAMPLE))
    assert "An edited headline." in again.stdout
    assert again.stdout.replace("An edited headline.", unit.target) == first.stdout
    assert run("translate", str(EXAMPLE), "--no-tm").stdout == first.stdout


def test_done_when_tm_export_is_read_by_translate_toolkit(
    tmp_path: Path, installed_model: Path
) -> None:
    assert run("translate", str(EXAMPLE)).exit_code == 0
    exported = run("tm", "export", str(tmp_path / "tm.tmx"))
    assert exported.exit_code == 0
    count = int(exported.stderr.split()[1])
    store = toolkit_tmx.tmxfile.parsefile(str(tmp_path / "tm.tmx"))
    assert count == len(store.units) > 10


def test_bulk_writes_one_xliff_per_article(tmp_path: Path, installed_model: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    (source / "b.txt").write_text("This is an English text about the weather today.\n", "utf-8")
    result = run("bulk", str(source), str(tmp_path / "out"), "--xliff", str(tmp_path / "x"), "-q")
    assert result.exit_code == 0, result.output
    for name in ("a", "b"):
        (document,) = xliff.read(tmp_path / "x" / f"{name}.en.xlf")
        assert document.text() == (tmp_path / "out" / f"{name}.en.txt").read_text("utf-8")


def test_bulk_xliff_folder_is_checked_first_and_a_bad_text_fails_its_file_only(
    tmp_path: Path,
) -> None:
    from translator import bulk

    source = tmp_path / "in"
    source.mkdir()
    text = EXAMPLE.read_text("utf-8")
    (source / "a.txt").write_text(text, "utf-8")
    (source / "b.txt").write_text(text.replace("Nato-", "Nato\x0c-", 1), "utf-8")
    translator = Translator(CopyEngine(), source_language="da")
    with pytest.raises(OutputFileError):
        list(bulk.run(source, tmp_path / "out0", translator, xliff="/proc/xliff"))
    assert not (tmp_path / "out0").exists() or not any((tmp_path / "out0").iterdir())
    results = list(bulk.run(source, tmp_path / "out", translator, xliff=tmp_path / "x"))
    assert [r.status for r in results] == ["translated", "translated"]
    assert (tmp_path / "x" / "a.en.xlf").exists() and not (tmp_path / "x" / "b.en.xlf").exists()
    assert any("no XLIFF written" in w for w in results[1].translation.warnings)  # type: ignore[union-attr]
    assert (tmp_path / "out" / "b.en.txt").exists()


def _split_into_segments(path: Path, source: str) -> None:
    """Split the 2.0 unit holding ``source`` into two segments and an ignorable, as
    a CAT tool's segmentation does; the reviewer edits the second segment."""
    import xml.etree.ElementTree as ET

    ns = xliff.NS["2.0"]
    tree = ET.parse(path)
    for unit in tree.iter(f"{{{ns}}}unit"):
        segment = unit.find(f"{{{ns}}}segment")
        if segment is None or segment.find(f"{{{ns}}}source").text != source:
            continue
        target = segment.find(f"{{{ns}}}target").text or ""
        cut_source, cut_target = source.index(", ") + 1, target.index(" ", len(target) // 2)
        unit.remove(segment)
        rest = ("segment", source[cut_source + 1 :], "EDITED " + target[cut_target + 1 :])
        parts = [("segment", source[:cut_source], target[:cut_target]), ("ignorable", " ", None)]
        parts.append(rest)
        for tag, src, tgt in parts:
            part = ET.SubElement(unit, f"{{{ns}}}{tag}")
            ET.SubElement(part, f"{{{ns}}}source").text = src
            if tgt is not None:
                ET.SubElement(part, f"{{{ns}}}target").text = tgt
    ET.register_namespace("", ns)
    ET.register_namespace("tr", xliff.TR)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def test_a_unit_a_cat_tool_split_into_segments_keeps_every_segment(tmp_path: Path) -> None:
    text = EXAMPLE.read_text("utf-8")
    result = translated(text)
    unit = next(
        u for u in result.units if u.translatable and ", " in u.source and len(u.source) > 60
    )  # type: ignore[attr-defined]
    path = tmp_path / "a.xlf"
    xliff.write(path, [xliff.document("nato.txt", text, result.units)], "2.0")  # type: ignore[attr-defined]
    _split_into_segments(path, unit.source)
    (document,) = xliff.read(path)
    assert "".join(u.source for u in document.units) == text  # nothing lost
    (edited,) = [u for u, r in zip(document.units, document.reviewed, strict=True) if r]
    assert edited.source == unit.source and "EDITED" in edited.target
    assert edited.target.startswith(unit.target[: unit.target.index(" ", len(unit.target) // 2)])


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_a_line_break_in_a_human_target_adds_no_paragraph(tmp_path: Path, version: str) -> None:
    text = EXAMPLE.read_text("utf-8")
    result = translated(text)
    unit = next(u for u in result.units if u.translatable and len(u.source) > 40)  # type: ignore[attr-defined]
    path = tmp_path / "a.xlf"
    xliff.write(path, [xliff.document("nato.txt", text, result.units)], version)  # type: ignore[attr-defined, arg-type]
    reviewed_copy(path, unit.source, "A reviewer\nwrote this\r\n on two lines.")
    xliff.merge(path, tmp_path / "merged.txt")
    merged = (tmp_path / "merged.txt").read_text("utf-8")
    assert "A reviewer wrote this on two lines." in merged
    assert merged.count("\n") == result.text.count("\n")  # type: ignore[attr-defined]
    assert merged.endswith("/ritzau/Reuters")


def test_merge_into_a_folder_never_follows_a_link_out_of_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "merged"
    folder.mkdir()
    (folder / "sub").symlink_to(outside, target_is_directory=True)
    documents = [xliff.document(name, DANISH_LINE, translated(DANISH_LINE).units)  # type: ignore[attr-defined]
                 for name in ("a.txt", "sub/b.txt")]  # fmt: skip
    xliff.write(tmp_path / "two.xlf", documents)
    result = run("xliff", "merge", str(tmp_path / "two.xlf"), "-o", str(folder))
    assert result.exit_code == 1
    assert "outside" in result.stderr and "symbolic link" in result.stderr
    assert list(outside.iterdir()) == []


def test_bulk_xliff_gives_every_item_its_own_file(tmp_path: Path, installed_model: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    (source / "a.md").write_text(EXAMPLE.read_text("utf-8").replace("Putin", "Lavrov"), "utf-8")
    result = run("bulk", str(source), str(tmp_path / "out.jsonl"), "--xliff", str(tmp_path / "x"),
                 "--no-tm", "--quiet")  # fmt: skip
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "x").glob("*.xlf"))
    assert len(files) == 2
    originals = sorted(xliff.read(f)[0].original for f in files)
    assert originals == ["a.md", "a.txt"]
