"""One damaged record never poisons later runs: damaged TMX props are refused on import,
a damaged memory row is as if absent (and replaced), a damaged 0.2 row is dropped on
migration, export leaves out what XML cannot carry, damaged pages are one line."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import CopyEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cli import run

from translator import Translator
from translator.formats import tmx
from translator.memory import MACHINE, StoredSegment, TranslationMemory

ARTICLE = "Det er ikke nyt, at Rusland truer med atomvåben.\n\nHan kom hjem i går.\n"


def _damage(path: Path, record: str) -> None:
    """Put ``record`` in place of every machine segment's record."""
    db = sqlite3.connect(path)
    db.execute("UPDATE segments SET record = ? WHERE origin = 'machine'", (record,))
    db.commit()
    db.close()


def _memory_after_one_run(path: Path) -> Translator:
    translator = Translator(CopyEngine(), source_language="da", translation_memory=path)
    translator.translate(ARTICLE)
    return translator


@pytest.mark.parametrize(
    "record",
    ['{"text": "broken', "[]", '{"text": 3, "technique": "", "fixed": [], "left": []}', "null"],
    ids=["not-json", "not-an-object", "text-not-a-string", "null"],
)
def test_a_damaged_machine_row_is_translated_again_and_replaced(
    tmp_path: Path, record: str
) -> None:
    path = tmp_path / "tm.sqlite"
    first = _memory_after_one_run(path).translate(ARTICLE)
    _damage(path, record)
    again = Translator(CopyEngine(), source_language="da", translation_memory=path)
    result = again.translate(ARTICLE)
    assert result.text == first.text
    assert any("damaged translation-memory segment" in w for w in result.warnings)
    records = [s.record for s in TranslationMemory(path).segments()]
    assert all(json.loads(r)["text"] for r in records)  # replaced by sound ones


def test_damaged_tmx_props_are_refused_on_import_and_said(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "a.sqlite")
    good = '{"text": "He came.", "technique": "", "fixed": [], "left": []}'
    memory.store(
        [
            StoredSegment("Han kom.", "He came.", MACHINE, "m", "da|r|plain", good),
            StoredSegment("Hun gik.", "She went.", MACHINE, "m", "da|r|plain", good),
            StoredSegment("Ja.", "Yes.", MACHINE, "m", "da|r|plain", good),
        ]
    )
    tmx.export(memory, tmp_path / "tm.tmx")
    text = (tmp_path / "tm.tmx").read_text("utf-8")
    units = text.split("<tu ")  # the header, then Han kom., Hun gik., Ja.
    units[1] = re.sub(r'(type="x-record">)[^<]*', r"\1{&quot;text&quot;: &quot;He", units[1])
    units[2] = re.sub(r'(type="x-settings">)[^<]*', r"\1da", units[2])
    damaged = "<tu ".join(units)
    assert damaged != text
    (tmp_path / "damaged.tmx").write_text(damaged, "utf-8")
    target = tmp_path / "b.sqlite"
    result = run("tm", "import", str(tmp_path / "damaged.tmx"), "--origin", "recorded",
                 "--tm", str(target))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.count("skipped the unit") == 2
    assert [s.source for s in TranslationMemory(target).segments()] == ["Ja."]


def test_a_damaged_schema_1_row_is_dropped_on_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE memory (engine TEXT, source TEXT, target TEXT)")
    good = '{"text": "He came.", "technique": "", "fixed": [], "left": []}'
    db.execute("INSERT INTO memory VALUES ('final:da:m1|rules|', '0\tHan kom.', ?)", (good,))
    db.execute("INSERT INTO memory VALUES ('final:da', '0\tHun gik.', 'not json')")
    db.execute("INSERT INTO memory VALUES ('final:da:m1|r|', '0\tJa.', '{\"x\": 1}')")
    db.execute("INSERT INTO memory VALUES (NULL, NULL, NULL)")
    db.commit()
    db.close()
    assert [s.source for s in TranslationMemory(path).segments()] == ["Han kom."]


def test_export_leaves_out_what_xml_cannot_carry_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    memory = TranslationMemory(path)
    memory.store([StoredSegment("Han kom.", "He came."), StoredSegment("Bip\x07.", "Beep\x07.")])
    memory.close()
    result = run("tm", "export", str(tmp_path / "out.tmx"), "--tm", str(path))
    assert result.exit_code == 0, result.output
    assert "skipped the segment 'Bip\\x07.'" in result.stderr
    assert "wrote 1 segments" in result.stderr
    assert "He came." in (tmp_path / "out.tmx").read_text("utf-8")


def test_damaged_pages_are_one_line_and_the_file_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    memory = TranslationMemory(path)
    memory.store(StoredSegment(f"Sætning {i} " + "x" * 200, f"Sentence {i}") for i in range(400))
    memory.close()
    data = bytearray(path.read_bytes())
    data[8192:16384] = b"\xff" * 8192  # pages 3 and 4 (4 KiB pages)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = run("tm", "export", str(tmp_path / "out.tmx"), "--tm", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {path}: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert not (tmp_path / "out.tmx").exists()


_RECORDS = st.one_of(
    st.text(max_size=60),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=8,
    ).map(json.dumps),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(record=_RECORDS)
def test_any_damaged_record_reads_as_absent(tmp_path: Path, record: str) -> None:
    """Whatever a damaged row holds, the next translation is the clean one."""
    import uuid

    path = tmp_path / f"{uuid.uuid4().hex}.sqlite"
    first = _memory_after_one_run(path).translate(ARTICLE)
    _damage(path, record)
    again = Translator(CopyEngine(), source_language="da", translation_memory=path)
    assert again.translate(ARTICLE).text == first.text
