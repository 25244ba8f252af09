from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE, CopyEngine

from translator import Hypothesis, Translator
from translator.engines.argos import ArgosEngine
from translator.errors import TranslationMemoryError
from translator.memory import HUMAN, MACHINE, StoredSegment, TranslationMemory


class Fingerprinted(CopyEngine):
    def __init__(self, fingerprint: str) -> None:
        super().__init__()
        self.fingerprint = fingerprint


def test_second_translator_reuses_the_memory(tmp_path: Path, example_text: str) -> None:
    tm = tmp_path / "tm.sqlite"
    first_engine, second_engine = Fingerprinted("m1"), Fingerprinted("m1")
    first = Translator(first_engine, translation_memory=tm).translate(example_text)
    second = Translator(second_engine, translation_memory=tm).translate(example_text)
    assert first_engine.calls and second_engine.calls == []
    assert second.text == first.text


def test_another_model_does_not_reuse(tmp_path: Path, example_text: str) -> None:
    tm = tmp_path / "tm.sqlite"
    Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)
    other = Fingerprinted("m2")
    Translator(other, translation_memory=tm).translate(example_text)
    assert other.calls


def test_argos_fingerprint_names_model_and_options(installed_model: Path) -> None:
    assert ArgosEngine(installed_model).fingerprint == ArgosEngine(installed_model).fingerprint
    assert (
        ArgosEngine(installed_model).fingerprint
        != ArgosEngine(installed_model, beam_size=2).fingerprint
    )


def test_memory_round_trip(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    memory.store([StoredSegment("Hej.", "Hello."), StoredSegment("Nej.", "No.")])
    memory.store([StoredSegment("Ja.", "Yes.", MACHINE, "m1", "s", "{}")])
    assert memory.human(["Hej.", "Ja.", "Nej."]) == {"Hej.": "Hello.", "Nej.": "No."}
    assert memory.machine("m1", "s", ["Hej.", "Ja."]) == {"Ja.": "{}"}
    assert memory.machine("m2", "s", ["Ja."]) == {}
    rows = list(memory.segments())
    assert [r.origin for r in rows] == [HUMAN, HUMAN, MACHINE]
    assert all(r.created and r.created == r.changed for r in rows)
    memory.close()


def test_a_human_segment_wins_and_machine_output_never_replaces_it(
    tmp_path: Path, example_text: str
) -> None:
    tm = tmp_path / "tm.sqlite"
    first = Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)
    unit = next(u for u in first.units if u.translatable)
    TranslationMemory(tm).store([StoredSegment(unit.source, "A human wrote this.")])
    engine = Fingerprinted("m1")
    again = Translator(engine, translation_memory=tm).translate(example_text)
    assert "A human wrote this." in again.text and again.human_segments == 1
    assert unit.source not in [s for call in engine.calls for s in call]
    Translator(Fingerprinted("m2"), translation_memory=tm).translate(example_text)
    rows = [r for r in TranslationMemory(tm).segments() if r.source == unit.source]
    assert {(r.origin, r.target) for r in rows if r.origin == HUMAN} == {
        (HUMAN, "A human wrote this.")
    }


def test_machine_segments_name_their_article_model_and_settings(tmp_path: Path) -> None:
    tm = tmp_path / "tm.sqlite"
    text = "Han kom hjem i går, og bagefter spiste han aftensmad med børnene.\n"
    Translator(Fingerprinted("m1"), translation_memory=tm).translate(text, "a.txt")
    (row,) = TranslationMemory(tm).segments()
    assert (row.source, row.origin, row.model, row.article) == (
        text.strip(),
        MACHINE,
        "m1",
        "a.txt",
    )
    assert row.settings.startswith("da|") and row.settings.endswith("|plain")


def test_a_schema_1_memory_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    tm = tmp_path / "old.sqlite"
    db = sqlite3.connect(tm)
    db.execute("CREATE TABLE memory (engine TEXT, source TEXT, target TEXT)")
    record = '{"text": "He came.", "technique": "", "fixed": [], "left": []}'
    db.execute("INSERT INTO memory VALUES ('final:da:m1|rules|', '0\tHan kom.', ?)", (record,))
    db.execute("INSERT INTO memory VALUES ('da:m1', 'Han kom.', 'He came')")
    db.execute(
        "CREATE TABLE detections (key TEXT PRIMARY KEY, language TEXT, probability REAL,"
        " margin REAL)"
    )
    db.commit()
    db.close()
    (row,) = TranslationMemory(tm).segments()
    assert (row.source, row.target, row.origin, row.model, row.settings) == (
        "Han kom.",
        "He came.",
        MACHINE,
        "m1",
        "da|rules||plain",
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"not a database at all, just text" * 40, "not a database"), (None, "newer")],
)
def test_a_file_that_is_not_our_memory_is_refused(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    import sqlite3

    path = tmp_path / "tm.sqlite"
    if content is None:
        db = sqlite3.connect(path)
        db.execute("PRAGMA user_version = 99")
        db.close()
    else:
        path.write_bytes(content)
    with pytest.raises(TranslationMemoryError, match=problem):
        TranslationMemory(path)


def test_real_model_with_memory_gives_the_same_english(
    installed_model: Path, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text("utf-8")
    tm = tmp_path / "tm.sqlite"
    plain = Translator().translate(text)
    Translator(translation_memory=tm).translate(text)
    again = Translator(translation_memory=tm).translate(text)
    assert again.text == plain.text


def test_memory_remembers_detections(tmp_path: Path, monkeypatch, example_text: str) -> None:  # type: ignore[no-untyped-def]
    from translator import pipeline

    tm = tmp_path / "tm.sqlite"
    first = Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)

    def no_detection(text: str) -> None:
        raise AssertionError("detected again")

    monkeypatch.setattr(pipeline, "detect_language", no_detection)
    again = Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)
    assert (again.source_language, again.confidence) == (first.source_language, first.confidence)


class Repairing(Fingerprinted):
    """Drops quotation marks in its first hypothesis; the second keeps them."""

    def search(
        self, sentences: list[str], candidates: int = 1, alignment: bool = False
    ) -> list[list[Hypothesis]]:
        self.calls.append(list(sentences))
        damaged = [Hypothesis(s.replace("„", "").replace("“", ""), -1.0) for s in sentences]
        return [
            [d, Hypothesis(s, -1.1)][:candidates] for d, s in zip(damaged, sentences, strict=True)
        ]


def test_repairs_are_remembered_with_their_record(tmp_path: Path) -> None:
    tm, text = tmp_path / "tm.sqlite", "Han kaldte det „farligt“ i går.\n"
    first = Translator(Repairing("m1"), translation_memory=tm).translate(text)
    engine = Repairing("m1")
    second = Translator(engine, translation_memory=tm).translate(text)
    assert engine.calls == []  # neither the first pass nor the repair decoded again
    assert second.text == first.text == text
    assert second.repairs == first.repairs and first.repairs[0].technique == "hypothesis"


def test_other_guarantee_rules_do_not_reuse_final_english(tmp_path: Path) -> None:
    tm, text = tmp_path / "tm.sqlite", "Han kaldte det „farligt“ i går.\n"
    Translator(Fingerprinted("m1"), translation_memory=tm).translate(text)
    result = Translator(Fingerprinted("m1"), translation_memory=tm, quote_style="english")
    assert result.translate(text).text == "Han kaldte det “farligt” i går.\n"


@pytest.mark.parametrize(
    "tables",
    [
        ["CREATE TABLE users (name TEXT, password TEXT)"],
        ["CREATE TABLE segments (id INTEGER PRIMARY KEY, text TEXT)"],  # our name, not ours
        ["CREATE TABLE detections (key TEXT, language TEXT)", "CREATE TABLE notes (body TEXT)"],
    ],
    ids=["other-tables", "a-table-called-like-ours", "ours-and-others"],
)
def test_a_database_we_did_not_create_is_refused_untouched(
    tmp_path: Path, tables: list[str]
) -> None:
    """Every command that opens a memory refuses a foreign SQLite database without a
    single write: no table added or dropped, no WAL, no user_version."""
    import sqlite3

    from typer.testing import CliRunner

    from translator.cli import app

    foreign = tmp_path / "app.sqlite"
    db = sqlite3.connect(foreign)
    for statement in tables:
        db.execute(statement)
    first = tables[0].split()[2]
    db.execute(f"INSERT INTO {first} VALUES ({', '.join(['1'] * tables[0].count(','))}, 'x')")
    db.commit()
    db.close()
    before = foreign.read_bytes()
    article = tmp_path / "a.txt"
    article.write_text("Det er ikke nyt, at Rusland truer med atomvåben.\n", "utf-8")
    runner = CliRunner()
    for command in (
        ["tm", "export", str(tmp_path / "out.tmx"), "--tm", str(foreign)],
        ["translate", str(article), "--tm", str(foreign), "--offline"],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, result.output
        assert "a database of something else" in result.stderr
        assert result.stderr.count("\n") == 1
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "app.sqlite"]
