"""Wire formats in, the same format out: Ritzau XML, NewsML-G2, NITF and ninjs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import CopyEngine
from typer.testing import CliRunner

from translator import Translator
from translator.bulk import run
from translator.cli import app
from translator.engines.argos import ArgosEngine
from translator.errors import CancelledItemError, UnsupportedLanguageError, WireFormatError
from translator.formats.wire import detect, load
from translator.wire import translate_wire

FORMATS = Path(__file__).resolve().parents[2] / "shared" / "formats"
DANISH = FORMATS / "danish"
IPTC = FORMATS / "iptc"
SCHEMAS = IPTC / "schemas"
pytestmark = pytest.mark.skipif(not FORMATS.is_dir(), reason="../shared/formats is not here")
#: Elements a translation adds (the editor's note, the link to the original).
ADDED = {"edNote", "link", "ed-msg"}


@cache
def _xsd(name: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


def schema_errors(text: str, format: str) -> list[str]:
    """What IPTC's own schema finds wrong in ``text`` (none: valid)."""
    if format == "ninjs":
        import jsonschema

        data = json.loads(text)
        version = "3.1" if "pubStatus" in data else "2.2" if "headlines" in data else "1.6"
        schema = json.loads((SCHEMAS / f"ninjs-schema_{version}.json").read_text("utf-8"))
        return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]
    from lxml import etree

    name = "NewsML-G2_2.30-spec-All-Power.xsd" if format == "newsml" else "nitf-3-6.xsd"
    schema = _xsd(name)
    schema.validate(etree.fromstring(text.encode("utf-8")))
    return [str(error) for error in schema.error_log]


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def shape(text: str) -> list[tuple[str, dict[str, str]]]:
    """Every element in order with its attributes, the ones a translation changes and
    the elements it adds left out."""
    changed = {"guid", "version", "{http://www.w3.org/XML/1998/namespace}lang", "tag"}
    changed |= {"id-string", "baselang", "{http://www.w3.org/2001/XMLSchema-instance}nil"}
    return [
        (local(e.tag), {k: v for k, v in e.attrib.items() if k not in changed})
        for e in ET.fromstring(text).iter()
        if local(e.tag) not in ADDED
    ]


@pytest.fixture(scope="module")
def copying(copy_model: Path) -> Translator:
    """Danish in, the same words out: the structure is all that changes."""
    return Translator(ArgosEngine(copy_model), source_language="da")


def translate(translator: Translator, path: Path, text: str | None = None) -> Any:
    return translate_wire(translator, [text or path.read_text("utf-8")], [str(path)])[0]


@pytest.mark.parametrize(
    ("name", "format"),
    [
        ("ritzau-rbnews-item.xml", "rbnews"),
        ("ritzau-rbnews-queue.xml", "rbnews"),
        ("newsml-g2-item.xml", "newsml"),
        ("nitf-3.6-item.xml", "nitf"),
        ("ninjs-1.6-item.json", "ninjs"),
        ("ninjs-2.2-item.json", "ninjs"),
        ("ninjs-3.1-item.json", "ninjs"),
    ],
)
def test_each_danish_fixture_is_recognised_and_comes_back_in_its_format(
    copying: Translator, name: str, format: str
) -> None:
    path = DANISH / name
    original = path.read_text("utf-8")
    assert detect(original) == format
    result = translate(copying, path)
    assert result.translated
    if format == "ninjs":
        before, after = json.loads(original), json.loads(result.text)
        assert after["language"] == "en" and after["uri"] == before["uri"] + "-en"
        assert {k: v for k, v in after.items() if k in ("type", "byline", "by", "subject")} == {
            k: v for k, v in before.items() if k in ("type", "byline", "by", "subject")
        }
        assert "Machine translated" in (after.get("ednote") or after.get("edNote"))
    else:
        assert shape(result.text) == shape(original)
        assert "Machine translated" in result.text
        assert 'xml:lang="da"' not in result.text.split("<subject")[0]
    if format != "rbnews":
        assert schema_errors(original, format) == []
        assert schema_errors(result.text, format) == []


def test_newsml_links_the_original_and_its_version(copying: Translator) -> None:
    result = translate(copying, DANISH / "newsml-g2-item.xml")
    meta = ET.fromstring(result.text).find("{*}itemMeta")
    assert meta is not None
    link = meta.find("{*}link")
    assert link is not None
    assert (
        link.get("residref") == "urn:newsml:ritzau.dk:20220921:3f2b6c1e-5d4a-4c8e-9b7f-2a1d0e9c8b70"
    )
    assert link.get("version") == "1"
    assert [local(e.tag) for e in meta][-2:] == ["edNote", "link"]  # where the schema wants them


def test_only_prose_changes_in_ritzau_xml(copying: Translator) -> None:
    original = (DANISH / "ritzau-rbnews-item.xml").read_text("utf-8")
    result = translate(copying, DANISH / "ritzau-rbnews-item.xml").text
    kept = ("town", "origin", "byLine", "section", "strapline", "IPTCList", "PublishDate")
    for name in kept:
        before = ET.fromstring(original).find(name)
        after = ET.fromstring(result).find(name)
        assert before is not None and after is not None
        assert ET.tostring(after) == ET.tostring(before)
    assert ET.fromstring(result).findtext("NewsID", "").endswith("-en")


@pytest.mark.parametrize(
    ("name", "language"),
    [
        ("newsml-g2-tt_sample.xml", "sv"),
        ("nitf-3.x-ntb_sample.xml", "nb-no"),
        ("ninjs-2.1-ntb_text.json", "nb-no"),
        ("ninjs-3.0-ntb_text.json", "nb-no"),
        ("ninjs-3.0-dpa_text.json", "de"),
    ],
)
def test_items_in_other_languages_are_reported_and_never_translated(
    name: str, language: str
) -> None:
    engine = CopyEngine()
    result = translate(Translator(engine), IPTC / name)
    if isinstance(result, UnsupportedLanguageError):
        assert result.fields["language"] == language
    else:  # a message with an item of another kind beside the Swedish one
        assert any(f"language '{language}'" in w for w in result.warnings)
        assert 'xml:lang="sv"' in result.text
    assert all("Hej" not in batch for batch in engine.calls)


@pytest.mark.parametrize(
    "name", ["newsml-g2-listing2_text_document.xml", "ninjs-1.4-ninjsExSimpleText1.json"]
)
def test_english_items_pass_through_unchanged(name: str) -> None:
    original = (IPTC / name).read_text("utf-8")
    result = translate(Translator(CopyEngine()), IPTC / name)
    assert not result.translated
    assert result.text == original


def test_a_queue_translates_the_danish_items_and_passes_the_english_one(
    tmp_path: Path,
) -> None:
    results = list(
        run(DANISH / "ritzau-rbnews-queue.xml", tmp_path / "out", Translator(CopyEngine()))
    )
    assert [r.status for r in results] == ["translated", "translated", "passed"]
    outputs = sorted((tmp_path / "out" / "ritzau-rbnews-queue").glob("*.en.xml"))
    assert len(outputs) == 3
    for output in outputs:
        assert ET.fromstring(output.read_text("utf-8")).tag == "RBNews"


def test_a_withdrawn_item_is_not_translated(tmp_path: Path) -> None:
    text = (DANISH / "ritzau-rbnews-item.xml").read_text("utf-8")
    text = text.replace("<Annuleret>false</Annuleret>", "<Annuleret>true</Annuleret>")
    engine = CopyEngine()
    result = translate(Translator(engine), tmp_path / "item.xml", text)
    assert isinstance(result, CancelledItemError)
    assert engine.calls == []
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "item.xml").write_text(text, "utf-8")
    (found,) = run(tmp_path / "in", tmp_path / "out", Translator(CopyEngine()))
    assert (found.status, found.reason) == ("skipped", "withdrawn by the agency")


def test_inline_markup_stays_around_its_words(copying: Translator) -> None:
    text = (DANISH / "nitf-3.6-item.xml").read_text("utf-8")
    text = text.replace("<p>Interviewet med Stoltenberg", "<p>Interviewet med <em>Stoltenberg</em>")
    text = text.replace("i New York.", 'i <a href="https://x.dk/?a=1&amp;b=2">New York</a>.')
    result = translate(copying, Path("item.xml"), text)
    assert "<em>Stoltenberg</em>" in result.text
    assert '<a href="https://x.dk/?a=1&amp;b=2">New York</a>' in result.text
    assert schema_errors(result.text, "nitf") == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]>'
            "<RBNews><headline>&a;</headline></RBNews>",
            "entities",
        ),
        ("<RBNews><headline>Hej</RBNews>", "not well-formed"),
        ("<nitf>" + "<block>" * 300 + "</block>" * 300 + "</nitf>", "nested deeper"),
        ('{"uri": "x", "headline": ' + "[" * 100_000 + "]" * 100_000 + "}", "too deeply"),
    ],
)
def test_hostile_documents_are_refused_in_one_line(text: str, problem: str) -> None:
    with pytest.raises(WireFormatError) as caught:
        load(text, "evil.xml")
    assert problem in str(caught.value) and "evil.xml" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_malformed_item_in_a_batch_fails_alone(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "good.xml").write_text((DANISH / "nitf-3.6-item.xml").read_text("utf-8"), "utf-8")
    (inbox / "bad.xml").write_text("<nitf><body>", "utf-8")
    (inbox / "other.json").write_text('{"not": "ninjs"}', "utf-8")
    results = {r.id: r.status for r in run(inbox, tmp_path / "out", Translator(CopyEngine()))}
    assert results == {"bad.xml": "failed", "good.xml": "translated", "other.json": "failed"}
    assert (tmp_path / "out" / "good.en.xml").is_file()


def test_translate_prints_ritzau_xml_in_english(installed_model: Path) -> None:
    result = CliRunner().invoke(
        app, ["translate", str(DANISH / "ritzau-rbnews-item.xml"), "--quiet", "--no-tm"]
    )
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout)
    assert root.tag == "RBNews" and root.findtext("NewsID", "").endswith("-en")
    assert root.findtext("town") == "København"


def test_translate_writes_a_schema_valid_newsml_item(installed_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(
        app, ["translate", str(DANISH / "newsml-g2-item.xml"), "-o", str(out), "-q", "--no-tm"]
    )
    assert result.exit_code == 0, result.output
    assert schema_errors(out.read_text("utf-8"), "newsml") == []


def test_format_text_forces_the_text_path(copying: Translator, tmp_path: Path) -> None:
    from translator.files import translate_file

    result = translate_file(DANISH / "nitf-3.6-item.xml", translator=copying, format="text")
    assert result.sentences > 0 and "Machine translated" not in result.text


def test_a_language_declared_inside_a_body_does_not_break_the_item(copying: Translator) -> None:
    text = (DANISH / "nitf-3.6-item.xml").read_text("utf-8")
    text = text.replace("<p>Interviewet med", '<p xml:lang="da">Interviewet med')
    result = translate(copying, Path("item.xml"), text)
    assert result.translated and schema_errors(result.text, "nitf") == []


def test_a_jsonl_record_whose_id_ends_in_json_is_text(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    text = "Statsministeren sagde i dag, at regeringen vil bruge penge på nye boliger i byerne."
    source.write_text(json.dumps({"id": "a.json", "text": text}) + "\n", "utf-8")
    results = list(run(source, tmp_path / "out.jsonl", Translator(CopyEngine()), id_field="id"))
    assert [r.status for r in results] == ["translated"]


def test_a_forced_format_that_does_not_fit_is_one_line(copying: Translator) -> None:
    (result,) = translate_wire(copying, ["<nitf/>"], ["x.xml"], ["ninjs"])
    assert isinstance(result, WireFormatError) and "x.xml" in str(result)
