"""One hostile item never stops or hangs a bulk run, and a rerun does not fail on it."""

from __future__ import annotations

import gzip
import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk import run_bulk

DANISH = "Det er ikke nyt, at Rusland truer med atomvåben, siger han til avisen i dag.\n"


def _statuses(results: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {r.id: r.status for r in results}


def test_a_fifo_in_the_input_fails_alone_and_never_hangs(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(DANISH, "utf-8")
    os.mkfifo(source / "pipe.txt")  # reading it would block for ever
    for _ in range(2):  # the rerun too
        results = run_bulk(source, tmp_path / "out")
    assert _statuses(results) == {"a.txt": "translated", "pipe.txt": "failed"}
    assert "FIFO" in next(r.reason for r in results if r.id == "pipe.txt")


def test_an_output_name_that_is_an_input_folder_gets_another_name(tmp_path: Path) -> None:
    source = tmp_path / "in"
    (source / "sub.en.txt").mkdir(parents=True)
    (source / "sub.txt").write_text(DANISH, "utf-8")
    (source / "sub.en.txt" / "inner.txt").write_text(DANISH, "utf-8")
    results = run_bulk(source, tmp_path / "out")
    assert set(_statuses(results).values()) == {"translated"}
    out = tmp_path / "out"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt") if p.is_file())
    assert "sub.en.txt/inner.en.txt" in written
    assert any(name.startswith("sub~") and name.endswith(".en.txt") for name in written)


def test_names_too_long_in_bytes_are_shortened(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    folder, leaf = "æ" * 150, "ø" * 140  # 300 and 280 bytes: over the 255 a name may have
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(f"{folder}/{leaf}.txt", DANISH)
        zipped.writestr("ok.txt", DANISH)
    results = run_bulk(archive, tmp_path / "out")
    assert set(_statuses(results).values()) == {"translated"}
    for path in (tmp_path / "out").rglob("*"):
        assert len(path.name.encode()) <= 255


def test_a_path_over_the_system_limit_fails_that_item_only(tmp_path: Path) -> None:
    archive = tmp_path / "in.zip"
    deep = "/".join(["d" * 200] * 25) + "/a.txt"  # 5,000 bytes: over PATH_MAX
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(deep, DANISH)
        zipped.writestr("ok.txt", DANISH)
    for _ in range(2):
        results = run_bulk(archive, tmp_path / "out")
    assert _statuses(results) == {deep: "failed", "ok.txt": "translated"}
    assert "cannot be written" in next(r.reason for r in results if r.id == deep)


def test_a_deeply_nested_record_fails_alone(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    deep = '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    good = json.dumps({"id": "ok", "text": DANISH})
    source.write_text(f"{deep}\n{good}\n", "utf-8")
    results = run_bulk(source, tmp_path / "out.jsonl", id_field="id")
    assert _statuses(results) == {"line 1": "failed", "ok": "translated"}
    assert "nested too deeply" in results[0].reason


@pytest.mark.parametrize("size", [20_000_000])
def test_one_huge_line_in_a_small_gzip_is_bounded_by_max_bytes(tmp_path: Path, size: int) -> None:
    source = tmp_path / "in.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"id": "huge", "text": "a" * size}) + "\n")
        out.write(json.dumps({"id": "ok", "text": DANISH}) + "\n")
    assert source.stat().st_size < 100_000
    results = run_bulk(source, tmp_path / "out.jsonl", id_field="id", max_bytes=10_000)
    assert _statuses(results) == {"line 1": "failed", "ok": "translated"}
    assert "larger than --max-bytes" in results[0].reason


def test_a_truncated_gzip_keeps_every_readable_record(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as out:
        for number in range(118):
            out.write(json.dumps({"id": f"r{number}", "text": DANISH}) + "\n")
    data = source.read_bytes()
    source.write_bytes(data[: len(data) * 2 // 3])
    results = run_bulk(source, tmp_path / "out.jsonl", id_field="id")
    translated = [r for r in results if r.status == "translated"]
    assert translated and len(translated) < 118
    assert [r.status for r in results[len(translated) :]] == ["failed"]


def test_an_item_that_crashes_the_pipeline_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug that raises on one input (here: planted) fails that item, not its batch."""
    from conftest import CopyEngine

    from translator import Translator, bulk

    real = Translator.translate_results

    def crashing(self, texts, names):  # type: ignore[no-untyped-def]
        if any("BOOM" in t for t in texts):
            raise RecursionError("a bug\nsecond line")
        return real(self, texts, names)

    monkeypatch.setattr(Translator, "translate_results", crashing)
    source = tmp_path / "in"
    source.mkdir()
    for number in range(7):
        (source / f"a{number}.txt").write_text(DANISH, "utf-8")
    (source / "a3.txt").write_text(DANISH.replace("Rusland", "BOOM Rusland"), "utf-8")
    translator = Translator(CopyEngine(), source_language="da")
    results = list(bulk.run(source, tmp_path / "out", translator, batch_size=8))
    statuses = _statuses(results)
    assert statuses.pop("a3.txt") == "failed"
    assert set(statuses.values()) == {"translated"} and len(statuses) == 6
    reason = next(r.reason for r in results if r.id == "a3.txt")
    assert reason == "cannot be translated: RecursionError: a bug"


_NAME_PART = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"),
    min_size=1,
    max_size=120,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(_NAME_PART, min_size=1, max_size=4))
def test_any_member_name_is_translated_or_fails_alone(tmp_path: Path, parts: list[str]) -> None:
    """Member names as a hostile archive has them (any characters, any case, long in
    bytes, deep): each item is translated or fails alone, and every output stays
    inside the output folder with names a file system takes."""
    import shutil
    import uuid

    work = tmp_path / uuid.uuid4().hex
    work.mkdir()
    archive = work / "in.zip"
    name = "/".join(parts) + ".txt"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(name, DANISH)
        zipped.writestr("ok.txt", DANISH)
    results = run_bulk(archive, work / "out")
    statuses = _statuses(results)
    assert statuses.pop("ok.txt") == "translated"
    assert set(statuses.values()) <= {"translated", "failed"}
    out = (work / "out").resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out)
        assert len(path.name.encode("utf-8", "surrogateescape")) <= 255
    shutil.rmtree(work)
