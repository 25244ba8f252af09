"""Bulk runs: inputs, outputs, reports, bad items, archive safety and resuming."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE, CopyEngine
from test_pipeline import NORWEGIAN
from typer.testing import CliRunner

from translator import Translator, bulk
from translator.bulk.sources import iter_items
from translator.cli import app
from translator.errors import ArchiveError, OutputFileError, OutputLockedError

ENGLISH = "This is an English sentence about the weather, and it will rain tomorrow.\n"
SENTENCES = [s for s in (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8").splitlines() if s]


def danish_article(i: int) -> str:
    """A short Danish article made of real DDT sentences (varied per i)."""
    pick = [SENTENCES[(i * 7 + k) % len(SENTENCES)] for k in range(4)]
    return f"Nato-chefen taler {i}\n\n{pick[0]} {pick[1]}\n\n- {pick[2]}, siger han.\n\n/ritzau/\n"


FILES: dict[str, bytes] = {
    "a.txt": EXAMPLE.read_bytes(),
    "sub/b.txt": danish_article(1).encode("cp1252"),
    "sub/deeper/en.md": ENGLISH.encode(),
    "no.txt": NORWEGIAN.encode(),
    "empty.txt": b"",
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
    "notes.csv": b"ignored,not an article\n",
}
EXPECTED = {
    "a.txt": "translated",
    "sub/b.txt": "translated",
    "sub/deeper/en.md": "passed",
    "no.txt": "skipped",
    "empty.txt": "failed",
    "binary.txt": "failed",
}


def make_folder(root: Path) -> Path:
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def make_zip(path: Path, files: dict[str, bytes] = FILES) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def make_tar(path: Path, files: dict[str, bytes] = FILES) -> Path:
    mode = {".gz": "w:gz", ".tgz": "w:gz", ".bz2": "w:bz2", ".xz": "w:xz"}.get(path.suffix, "w")
    with tarfile.open(path, mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def report(path: Path) -> dict[str, dict[str, str]]:
    lines = path.read_text("utf-8").splitlines()
    return {entry["id"]: entry for entry in map(json.loads, lines)}


def run_bulk(source: Path, destination: Path, **options: object) -> list[bulk.ItemResult]:
    return list(bulk.run(source, destination, Translator(CopyEngine()), **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["folder", "zip", "tar", "tar.gz", "tgz", "tar.bz2", "tar.xz"])
def test_every_input_kind_mirrors_into_a_folder(tmp_path: Path, kind: str) -> None:
    if kind == "folder":
        source = make_folder(tmp_path / "in")
    elif kind == "zip":
        source = make_zip(tmp_path / "in.zip")
    else:
        source = make_tar(tmp_path / f"in.{kind}")
    out = tmp_path / "out"
    results = run_bulk(source, out)
    assert {r.id: r.status for r in results} == EXPECTED
    assert {k: v["status"] for k, v in report(out / "_report.jsonl").items()} == EXPECTED
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.en.*"))
    assert written == ["a.en.txt", "sub/b.en.txt", "sub/deeper/en.en.md"]
    assert (out / "sub/deeper/en.en.md").read_text("utf-8") == ENGLISH
    assert "Nato-chefen" not in (out / "sub/b.en.txt").read_text("utf-8")


def test_jsonl_in_and_out_carries_fields(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl.gz"
    lines = [
        json.dumps({"uid": "x1", "body": danish_article(2), "date": "2022-09-21"}),
        json.dumps({"uid": "x2", "body": ENGLISH}),
        "{not json",
        json.dumps({"uid": "x4", "title": "no body"}),
        json.dumps({"uid": "x5", "body": NORWEGIAN}),
    ]
    source.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    out = tmp_path / "out.jsonl"
    results = run_bulk(source, out, text_field="body", id_field="uid")
    assert [(r.id, r.status) for r in results] == [
        ("x1", "translated"),
        ("x2", "passed"),
        ("line 3", "failed"),
        ("x4", "failed"),
        ("x5", "skipped"),
    ]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert records[0]["date"] == "2022-09-21" and records[0]["status"] == "translated"
    assert {"translation", "source_language", "confidence", "warnings", "glossary_hits"} <= set(
        records[0]
    )
    assert "not JSON" in records[2]["warnings"][0]
    assert "no text in field 'body'" in records[3]["warnings"][0]
    assert set(report(tmp_path / "out.jsonl.report.jsonl")) == {"x1", "x2", "line 3", "x4", "x5"}


def test_oversized_items_are_reported(tmp_path: Path) -> None:
    source = make_folder(tmp_path / "in")
    results = run_bulk(source, tmp_path / "out", max_bytes=1000)
    reasons = {r.id: r.reason for r in results}
    assert "larger than --max-bytes" in reasons["a.txt"]
    assert reasons["sub/b.txt"] == ""


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/abs-evil.txt", "a/../../evil.txt"])
def test_zip_slip_is_refused(tmp_path: Path, name: str) -> None:
    source = make_zip(tmp_path / "in.zip", {name: danish_article(3).encode(), "ok.txt": b"Hej."})
    out = tmp_path / "deep" / "out"
    results = {r.id: r for r in run_bulk(source, out)}
    assert results[name].status == "failed" and "refused" in results[name].reason
    assert not (tmp_path / "deep" / "evil.en.txt").exists()
    assert not Path("/tmp/abs-evil.en.txt").exists()
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def _tar_with(path: Path, info: tarfile.TarInfo, data: bytes = b"") -> Path:
    with tarfile.open(path, "w") as archive:
        archive.addfile(info, io.BytesIO(data) if data else None)
        ok = tarfile.TarInfo("ok.txt")
        ok.size = 4
        archive.addfile(ok, io.BytesIO(b"Hej."))
    return path


@pytest.mark.parametrize(
    ("name", "kind", "reason"),
    [
        ("../evil.txt", tarfile.REGTYPE, "'..' in path refused"),
        ("/etc/evil.txt", tarfile.REGTYPE, "absolute path refused"),
        ("link.txt", tarfile.SYMTYPE, "link refused"),
        ("hard.txt", tarfile.LNKTYPE, "link refused"),
        ("dev.txt", tarfile.CHRTYPE, "device or special file refused"),
        ("fifo.txt", tarfile.FIFOTYPE, "device or special file refused"),
    ],
)
def test_tar_traversal_links_and_devices_are_refused(
    tmp_path: Path, name: str, kind: bytes, reason: str
) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    data = danish_article(4).encode() if kind == tarfile.REGTYPE else b""
    info.size = len(data)
    if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
        info.linkname = "/etc/passwd"
    source = _tar_with(tmp_path / "in.tar", info, data)
    out = tmp_path / "out"
    results = {r.id: r for r in run_bulk(source, out)}
    refused = results[name.removeprefix("./")]
    assert (refused.status, refused.reason) == ("failed", reason)
    assert results["ok.txt"].status != "failed"
    assert not (tmp_path / "evil.en.txt").exists()
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_zip_symlink_member_is_refused(tmp_path: Path) -> None:
    info = zipfile.ZipInfo("link.txt")
    info.external_attr = (0o120777) << 16
    with zipfile.ZipFile(tmp_path / "in.zip", "w") as archive:
        archive.writestr(info, "/etc/passwd")
    assert [(i.id, i.problem) for i in iter_items(tmp_path / "in.zip")] == [
        ("link.txt", "symbolic link refused")
    ]


def test_zip_bomb_is_bounded(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"a" * 200_000_000)
    assert (tmp_path / "bomb.zip").stat().st_size < 1_000_000
    items = list(iter_items(tmp_path / "bomb.zip", max_bytes=1000))
    assert [(i.id, i.problem) for i in items] == [
        ("bomb.txt", "larger than --max-bytes (1000 bytes)")
    ]


@pytest.mark.parametrize("name", ["broken.zip", "broken.tar.gz"])
def test_corrupt_archive_is_a_clear_error(tmp_path: Path, name: str) -> None:
    good = make_zip(tmp_path / "g.zip") if name.endswith("zip") else make_tar(tmp_path / "g.tar.gz")
    (tmp_path / name).write_bytes(good.read_bytes()[:200])
    with pytest.raises(ArchiveError, match=f"{name}: corrupt"):
        run_bulk(tmp_path / name, tmp_path / "out")


def test_output_inside_input_is_not_walked(tmp_path: Path) -> None:
    source = make_folder(tmp_path / "in")
    run_bulk(source, source / "translated")
    again = run_bulk(source, source / "translated2")
    assert {r.id for r in again} == set(EXPECTED)


def test_rerun_skips_finished_items_and_retries_failed_ones(tmp_path: Path) -> None:
    source = make_folder(tmp_path / "in")
    first = run_bulk(source, tmp_path / "out")
    again = run_bulk(source, tmp_path / "out")
    assert [(r.id, r.status) for r in again] == [(r.id, r.status) for r in first]
    redone = [r for r in again if not r.resumed]
    assert redone and {r.status for r in redone} == {"failed"}


def test_cli_exit_codes_and_summary(tmp_path: Path, installed_model: Path) -> None:
    runner = CliRunner()
    source = make_folder(tmp_path / "in")
    result = runner.invoke(app, ["bulk", str(source), str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 1
    assert (
        "translated 2, passed through (English) 1, skipped (other language, withdrawn) 1, failed 2"
        in (result.stderr)
    )
    assert "failed: binary.txt: binary file" in result.stderr
    (source / "empty.txt").unlink()
    (source / "binary.txt").unlink()
    result = runner.invoke(app, ["bulk", str(source), str(tmp_path / "out2"), "--quiet"])
    assert result.exit_code == 0, result.stderr
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    result = runner.invoke(app, ["bulk", str(broken), str(tmp_path / "out3"), "--quiet"])
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {broken}: corrupt")


def _signal_after(process: subprocess.Popen[bytes], report: Path, lines: int, signum: int) -> None:
    """Send ``signum`` to a bulk run once its report has ``lines`` lines."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if report.exists() and report.read_text("utf-8").count("\n") >= lines:
            process.send_signal(signum)
            return
        time.sleep(0.01)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "translator", "bulk", *args, "--quiet", "--batch-size", "4"]


@pytest.mark.parametrize("output", ["out", "out.jsonl"])
def test_resume_after_kill_9_is_byte_identical(
    tmp_path: Path, installed_model: Path, output: str
) -> None:
    source = tmp_path / "in.jsonl"
    articles = [danish_article(i) for i in range(160)]
    source.write_text("".join(json.dumps({"text": a}) + "\n" for a in articles), "utf-8")
    whole, interrupted = tmp_path / "whole" / output, tmp_path / "cut" / output
    subprocess.run(_cli(str(source), str(whole)), check=True, env=os.environ)
    process = subprocess.Popen(_cli(str(source), str(interrupted)), env=os.environ)
    report_path = (
        interrupted.with_name(output + ".report.jsonl")
        if output.endswith(".jsonl")
        else interrupted / "_report.jsonl"
    )
    _signal_after(process, report_path, 20, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    done = report_path.read_text("utf-8").count("\n")
    assert 20 <= done < 160
    subprocess.run(_cli(str(source), str(interrupted)), check=True, env=os.environ)
    if output.endswith(".jsonl"):
        assert interrupted.read_bytes() == whole.read_bytes()
    else:
        names = sorted(p.relative_to(whole).as_posix() for p in whole.rglob("*"))
        assert names == sorted(
            p.relative_to(interrupted).as_posix() for p in interrupted.rglob("*")
        )
        for name in names:
            if name != "_report.jsonl" and (whole / name).is_file():
                assert (whole / name).read_bytes() == (interrupted / name).read_bytes(), name
    assert report_path.read_text("utf-8").count("\n") == 160


def test_two_thousand_mixed_articles_end_to_end(tmp_path: Path, installed_model: Path) -> None:
    """Danish, English, Norwegian and broken files in one tar.gz, with the tiny real model."""
    files: dict[str, bytes] = {}
    for i in range(2000):
        kind = i % 10
        if kind < 6:
            files[f"da/{i:04}.txt"] = danish_article(i).encode()
        elif kind < 8:
            files[f"en/{i:04}.txt"] = ENGLISH.replace("tomorrow", f"on day {i}").encode()
        elif kind == 8:
            files[f"no/{i:04}.txt"] = NORWEGIAN.encode()
        else:
            files[f"bad/{i:04}.txt"] = [b"", b"\x00\x01\x02", b"   \n"][i % 3]
    source = make_tar(tmp_path / "archive.tar.gz", files)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["bulk", str(source), str(out), "--quiet"])
    assert result.exit_code == 1
    entries = report(out / "_report.jsonl")
    assert len(entries) == 2000
    statuses = {name: entry["status"] for name, entry in entries.items()}
    assert sum(s == "translated" for s in statuses.values()) == 1200
    assert sum(s == "passed" for s in statuses.values()) == 400
    assert sum(s == "skipped" for s in statuses.values()) == 200
    assert all(statuses[n] == "failed" for n in files if n.startswith("bad/"))
    assert len(list(out.rglob("*.en.txt"))) == 1600
    summary = "translated 1200, passed through (English) 400, skipped (other language, withdrawn)"
    assert f"{summary} 200, failed 200" in result.stderr


class _QuietEngine:
    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [s.upper() for s in sentences]


def _peak_traced_memory(tmp_path: Path, count: int) -> int:
    import tracemalloc

    source = tmp_path / f"in{count}.jsonl"
    with open(source, "w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"text": danish_article(i)}) + "\n")
    translator = Translator(_QuietEngine(), cache_size=1000)
    tracemalloc.start()
    for _ in bulk.run(source, tmp_path / f"out{count}.jsonl", translator, batch_size=64):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_stays_flat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Peak memory of a 5,000-article run is that of a 500-article run (streaming)."""
    from translator import pipeline
    from translator.language.detect import Detection

    # Detection costs ~7 ms an article and is not what is measured here.
    monkeypatch.setattr(pipeline, "detect_language", lambda text: Detection("da", 1.0))
    small = _peak_traced_memory(tmp_path, 500)
    large = _peak_traced_memory(tmp_path, 5_000)
    print(f"peak traced memory: {small} B for 500 articles, {large} B for 5,000")
    assert large < small * 1.25 + 500_000, (small, large)


def test_threads_give_the_same_results_as_one(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": danish_article(i)}) + "\n" for i in range(120)))
    one = list(bulk.run(source, tmp_path / "one.jsonl", Translator(CopyEngine()), batch_size=8))
    four = list(
        bulk.run(source, tmp_path / "four.jsonl", Translator(CopyEngine()), batch_size=8, jobs=4)
    )
    assert [r.id for r in four] == [r.id for r in one]
    assert (tmp_path / "four.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()


def _danish() -> Translator:
    """A copying translator that takes every text as Danish (short texts fool detection)."""
    return Translator(CopyEngine(), source_language="da")


def _folder_of(tmp_path: Path, names: dict[str, str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, text in names.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def test_names_the_sanitiser_joins_get_outputs_of_their_own(tmp_path: Path) -> None:
    source = _folder_of(
        tmp_path,
        {"a:b.txt": "Det regner.\n", "a_b.txt": "Det sner.\n", "x" * 250 + ".txt": "Ja.\n"},
    )
    results = list(bulk.run(source, tmp_path / "out", _danish()))
    assert [r.status for r in results] == ["translated"] * 3
    written = sorted(p.read_text("utf-8") for p in (tmp_path / "out").glob("*.en.txt"))
    assert written == ["Det regner.\n", "Det sner.\n", "Ja.\n"]
    assert all(len(p.name.encode()) <= 255 for p in (tmp_path / "out").iterdir())


def test_repeated_jsonl_ids_are_each_translated_and_resumed(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [{"id": "same", "text": "Det regner."}, {"id": "same", "text": "Det sner."}]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    first = list(bulk.run(source, tmp_path / "out", _danish(), id_field="id"))
    assert len(first) == 2 and len(list((tmp_path / "out").glob("*.en.txt"))) == 2
    again = list(bulk.run(source, tmp_path / "out", _danish(), id_field="id"))
    assert [r.resumed for r in again] == [True, True]  # neither dropped nor redone


def test_report_that_is_not_ours_is_refused_and_damaged_lines_skipped(tmp_path: Path) -> None:
    source = _folder_of(tmp_path, {"a.txt": "Det regner.\n", "b.txt": "Det sner.\n"})
    other = tmp_path / "notes.txt"
    other.write_text("my notes\nline two\n")
    with pytest.raises(ArchiveError, match="not a bulk report"):
        list(bulk.run(source, tmp_path / "out", _danish(), report=other))
    assert other.read_text() == "my notes\nline two\n"
    list(bulk.run(source, tmp_path / "out", _danish()))
    report = tmp_path / "out" / "_report.jsonl"
    first, second = report.read_bytes().splitlines(keepends=True)
    report.write_bytes(first + b"\xff garbage\n" + second)
    summary = bulk.previous_summary(tmp_path / "out")
    assert summary.damaged == [2] and summary.resumed == 2
    assert all(r.resumed for r in bulk.run(source, tmp_path / "out", _danish()))


def test_folder_report_lists_warnings(tmp_path: Path) -> None:
    source = _folder_of(tmp_path, {"a.txt": 'Han sagde "nej og gik.\n'})
    list(bulk.run(source, tmp_path / "out", _danish()))
    entry = json.loads((tmp_path / "out" / "_report.jsonl").read_text("utf-8"))
    assert any("unbalanced quotation mark" in w for w in entry["warnings"])


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    source = _folder_of(tmp_path, {"a.txt": "Det regner.\n", "b.txt": "Det sner.\n"})
    running = bulk.run(source, tmp_path / "out", _danish(), batch_size=1)
    next(running)  # the first run holds the output
    with pytest.raises(OutputLockedError, match="another bulk run"):
        list(bulk.run(source, tmp_path / "out", _danish()))
    assert len(list(running)) == 1  # the first run finishes undisturbed
    assert all(r.resumed for r in bulk.run(source, tmp_path / "out", _danish()))


def test_invalid_characters_fail_their_record_only(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = ['{"text": "Det regner."}', '{"text": "Det \\ud800 sner."}', '{"text": "Ja\\u0007."}']
    source.write_text("\n".join(lines) + "\n", "utf-8")
    results = list(bulk.run(source, tmp_path / "out.jsonl", _danish()))
    assert [r.status for r in results] == ["translated", "failed", "failed"]
    assert "U+D800" in results[1].reason and "U+0007" in results[2].reason


def test_a_truncated_archive_keeps_every_item_before_the_damage(tmp_path: Path) -> None:
    archive = tmp_path / "big.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for i in range(40):  # random bytes do not compress: the damage falls late
            data = f"Artikel {i}. ".encode() + os.urandom(3000).hex().encode()
            info = tarfile.TarInfo(f"a{i:02}.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) * 3 // 4])
    results = list(bulk.run(archive, tmp_path / "out", _danish(), batch_size=8))
    assert results[-1].status == "failed" and "corrupt tar archive" in results[-1].reason
    done = [r for r in results[:-1] if r.status == "translated"]
    assert len(done) >= 20 and len(list((tmp_path / "out").glob("*.en.txt"))) == len(done)


def test_an_encrypted_zip_member_fails_alone(tmp_path: Path) -> None:
    archive = tmp_path / "enc.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.txt", "Det regner i dag.")
        out.writestr("b.txt", "Det sner i dag.")
    data = bytearray(archive.read_bytes())
    data[data.find(b"PK\x03\x04", 1) + 6] |= 1  # b.txt's local header: "encrypted"
    data[data.rfind(b"PK\x01\x02") + 8] |= 1  # and its central directory entry
    archive.write_bytes(bytes(data))
    results = list(bulk.run(archive, tmp_path / "out", _danish()))
    assert [r.status for r in results] == ["translated", "failed"]
    assert "encrypted" in results[1].reason


def test_ctrl_c_stops_keeps_finished_items_and_resumes(
    tmp_path: Path, installed_model: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps({"text": danish_article(i)}) + "\n" for i in range(400)), "utf-8"
    )
    output = tmp_path / "out.jsonl"
    report = tmp_path / "out.jsonl.report.jsonl"
    # A shell running us in the background ignores SIGINT for its children: restore it.
    process = subprocess.Popen(
        _cli(str(source), str(output)),
        env=os.environ,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    _signal_after(process, report, 8, signal.SIGINT)
    assert process.wait(timeout=30) == 130, "Ctrl-C must end the run with exit code 130"
    kept = report.read_text("utf-8").count("\n")
    assert 8 <= kept < 400  # every item reported before the interrupt is still there
    subprocess.run(_cli(str(source), str(output)), check=True, env=os.environ)
    assert report.read_text("utf-8").count("\n") == 400
    assert output.read_text("utf-8").count("\n") == 400


def _new(results: object) -> list[str]:
    return [r.id for r in results if not r.resumed]  # type: ignore[attr-defined]


def test_rerun_redoes_changed_inputs_and_options_and_forgets_deleted_ones(
    tmp_path: Path,
) -> None:
    source = _folder_of(tmp_path, {"a.txt": "Han sagde „ja“.\n", "b.txt": "Det sner.\n"})
    out = tmp_path / "out"
    assert _new(bulk.run(source, out, _danish())) == ["a.txt", "b.txt"]
    (source / "b.txt").write_text("Det regner.\n", "utf-8")
    assert _new(bulk.run(source, out, _danish())) == ["b.txt"]
    assert (out / "b.en.txt").read_text("utf-8") == "Det regner.\n"  # the same output name
    english = Translator(CopyEngine(), source_language="da", quote_style="english")
    assert _new(bulk.run(source, out, english)) == ["a.txt", "b.txt"]
    assert (out / "a.en.txt").read_text("utf-8") == "Han sagde “ja”.\n"
    (source / "a.txt").unlink()
    assert [r.id for r in bulk.run(source, out, english)] == ["b.txt"]


def test_jsonl_rerun_after_a_change_equals_a_fresh_run(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"

    def write(texts: list[str]) -> None:
        source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")

    write(["Det regner.", "Det sner.", "Det blæser."])
    list(bulk.run(source, tmp_path / "out.jsonl", _danish()))
    write(["Det regner.", "Solen skinner.", "Det blæser."])
    assert _new(bulk.run(source, tmp_path / "out.jsonl", _danish())) == ["line 2", "line 3"]
    list(bulk.run(source, tmp_path / "fresh.jsonl", _danish()))
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "fresh.jsonl").read_bytes()
    write(["Det regner."])
    assert _new(bulk.run(source, tmp_path / "out.jsonl", _danish())) == []
    assert (tmp_path / "out.jsonl").read_text("utf-8").count("\n") == 1


def test_a_report_ahead_of_its_output_redoes_what_the_output_lacks(tmp_path: Path) -> None:
    """A crash can leave report lines whose output never reached the disk (a power cut
    between the two writes): those items are done again, not trusted."""
    source = tmp_path / "in.jsonl"
    texts = ["Det regner.", "Det sner.", "Det blæser.", "Solen skinner."]
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), "utf-8")
    out, fresh = tmp_path / "out.jsonl", tmp_path / "fresh.jsonl"
    list(bulk.run(source, fresh, _danish()))
    list(bulk.run(source, out, _danish()))
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:2]))  # the last two records lost, the report kept
    assert _new(bulk.run(source, out, _danish())) == ["line 3", "line 4"]
    assert out.read_bytes() == fresh.read_bytes()
    folder = make_folder(tmp_path / "in")
    run_bulk(folder, tmp_path / "out")
    lost = next((tmp_path / "out").rglob("*.en.txt"))
    kept = lost.read_bytes()
    lost.unlink()
    again = run_bulk(folder, tmp_path / "out")
    assert len([r for r in again if not r.resumed and r.status != "failed"]) == 1
    assert lost.read_bytes() == kept


@pytest.mark.parametrize("output", ["a-file.txt", "/proc/out", "/proc/out.jsonl"])
def test_unwritable_bulk_outputs_are_refused_before_any_work(tmp_path: Path, output: str) -> None:
    source = _folder_of(tmp_path, {"a.txt": "Det regner.\n"})
    (tmp_path / "a-file.txt").write_text("keep me")
    target = tmp_path / output if not output.startswith("/") else Path(output)
    with pytest.raises(OutputFileError):
        list(bulk.run(source, target, _danish()))
    assert (tmp_path / "a-file.txt").read_text() == "keep me"


def test_non_utf8_file_names_get_outputs_and_reports(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / os.fsdecode(b"k\xf8benhavn.txt")).write_text("Det regner.\n", "utf-8")
    (source / "kobenhavn.txt").write_text("Det sner.\n", "utf-8")
    first = list(bulk.run(source, tmp_path / "out", _danish()))
    assert [r.status for r in first] == ["translated", "translated"]
    assert len(list((tmp_path / "out").glob("*.en.txt"))) == 2
    again = list(bulk.run(source, tmp_path / "out", _danish()))  # the report reads back
    assert [r.resumed for r in again] == [True, True]
