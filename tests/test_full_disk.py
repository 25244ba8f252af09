"""Full disks, unwritable streams and files that are not ours: one line, the output
error's exit code, nothing half-written, nothing of the user's touched."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE
from test_cli import run

FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full here")


def _cli(*args: str, limit: int | None = None, **options: object) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """The command line in a process of its own; ``limit`` caps the size of any file it
    writes (a disk that fills up: writes past it fail with EFBIG)."""

    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    options.setdefault("stdout", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "translator", *args],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=cap,
        timeout=300,
        check=False,
        **options,  # type: ignore[arg-type]
    )


def _one_line_error(stderr: str, name: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and name in lines[0], stderr
    assert "Traceback" not in stderr


@needs_dev_full
@pytest.mark.parametrize(
    "args",
    [
        ["translate", str(EXAMPLE), "-o", str(FULL), "--no-tm"],
        ["translate", str(EXAMPLE), "--xliff", str(FULL), "-o", "OUT", "--no-tm"],
        ["tm", "export", str(FULL)],
    ],
    ids=["output", "xliff", "tm-export"],
)
def test_a_full_device_is_one_line(installed_model: Path, tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path / "out.txt") if a == "OUT" else a for a in args]
    result = run(*args, "--quiet") if args[0] == "translate" else run(*args)
    assert result.exit_code == 1, result.output
    _one_line_error(result.stderr, "/dev/full")


@needs_dev_full
def test_standard_output_on_a_full_disk_is_one_line(installed_model: Path) -> None:
    with open(FULL, "w") as full:
        done = _cli("translate", str(EXAMPLE), "--no-tm", "--quiet", stdout=full)
    assert done.returncode == 1
    _one_line_error(done.stderr, "standard output")


def test_a_stream_that_cannot_carry_danish(installed_model: Path, tmp_path: Path) -> None:
    """A translation the stream cannot carry is refused whole, with how to fix it;
    messages and listings write what the stream can carry."""
    ascii_env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    article = tmp_path / "søren.txt"
    article.write_text("Søren Ørsted siger, at æblerne er røde og grønne i år.\n", "utf-8")
    done = _cli("translate", str(article), "--no-tm", "--quiet", env=ascii_env)
    assert done.returncode == 1 and done.stdout == ""
    _one_line_error(done.stderr, "PYTHONIOENCODING=utf-8")
    listed = _cli("detect", str(article), str(tmp_path / "ø.txt"), env=ascii_env)
    assert "Traceback" not in listed.stderr
    assert "ren.txt\tda" in listed.stdout


def test_a_disk_that_fills_up_in_bulk_loses_nothing(installed_model: Path, tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    text = EXAMPLE.read_text("utf-8")
    for number in range(6):
        (source / f"a{number}.txt").write_text(text.replace("Putin", f"Putin {number}"), "utf-8")
    common = ["--no-tm", "--quiet", "--offline"]
    full = _cli("bulk", str(source), str(tmp_path / "out.jsonl"), *common, limit=6000)
    assert full.returncode == 1
    _one_line_error(full.stderr, "out.jsonl")
    assert "rerun to resume" in full.stderr
    again = _cli("bulk", str(source), str(tmp_path / "out.jsonl"), *common)
    assert again.returncode == 0, again.stderr
    clean = _cli("bulk", str(source), str(tmp_path / "clean.jsonl"), *common)
    assert clean.returncode == 0

    # Every item once, in order, each line whole (the random test model's repairs may
    # differ with the batch an item is decoded in, so the English is not compared).
    def records(name: str) -> list[tuple[str, str]]:
        lines = (tmp_path / name).read_text("utf-8").splitlines()
        return [(r["id"], r["status"]) for r in map(json.loads, lines)]

    assert records("out.jsonl") == records("clean.jsonl")
    assert [i for i, _ in records("out.jsonl")] == [f"a{n}.txt" for n in range(6)]


def test_a_jsonl_file_no_bulk_run_wrote_is_never_truncated(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    theirs = tmp_path / "theirs.jsonl"
    theirs.write_text('{"id": "precious", "text": "years of work"}\n', "utf-8")
    result = run("bulk", str(source), str(theirs), "--no-tm", "--quiet")
    assert result.exit_code == 1
    assert "no report of a bulk run says it wrote it" in result.stderr
    assert theirs.read_text("utf-8") == '{"id": "precious", "text": "years of work"}\n'


def test_only_our_own_temporary_files_are_cleaned_up(installed_model: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    mine = [tmp_path / ".out.txt.notes.partial", tmp_path / ".draft.partial"]
    stale = tmp_path / ".out.txt.0123abcd.partial"  # what a killed write_atomic left
    for path in [*mine, stale]:
        path.write_text("keep me", "utf-8")
    result = run("translate", str(EXAMPLE), "-o", str(target), "--no-tm", "--quiet")
    assert result.exit_code == 0, result.output
    assert all(p.read_text("utf-8") == "keep me" for p in mine)
    assert not stale.exists()
    folder = tmp_path / "folder"
    (folder / "sub").mkdir(parents=True)
    keep = folder / "sub" / ".their.partial"
    keep.write_text("keep me", "utf-8")
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(EXAMPLE.read_text("utf-8"), "utf-8")
    assert run("bulk", str(source), str(folder), "--no-tm", "--quiet").exit_code == 0
    assert keep.read_text("utf-8") == "keep me"
