from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from test_pipeline import NORWEGIAN
from typer.testing import CliRunner

from translator.cli import app

runner = CliRunner()


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]  # noqa: A002
    return runner.invoke(app, list(args), input=input)


def test_translate_example(installed_model: Path) -> None:
    result = run("translate", str(EXAMPLE), "--quiet")
    assert result.exit_code == 0, result.output
    source = EXAMPLE.read_text("utf-8")
    assert result.stdout.startswith(" date 2022-09 ")
    assert result.stdout.endswith("/ritzau/Reuters")
    assert result.stdout.count("\n\n") == source.count("\n\n")


def test_translate_json_and_output_file(installed_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run("translate", str(EXAMPLE), "--json", "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    assert data["source_language"] == "da"
    assert {"text", "confidence", "warnings", "glossary_hits", "quotes"} <= set(data)


def test_english_from_stdin_passes_through(installed_model: Path) -> None:
    text = "This is an English sentence about the weather.\n"
    result = run("translate", "-", input=text)
    assert result.exit_code == 0
    assert result.stdout == text
    assert "already English" in result.stderr


def test_norwegian_exits_3(installed_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "norsk.txt"
    path.write_text(NORWEGIAN, "utf-8")
    result = run("translate", str(path))
    assert result.exit_code == 3
    assert re.fullmatch(r"error: .*norsk\.txt: detected language 'nb'.*\n", result.stderr)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_bytes(b"\x00\x01\x02binary\x00"), "binary file"),
    ],
)
def test_bad_input_one_line_error(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "article.txt"
    make(path)
    result = run("translate", str(path))
    assert result.exit_code == 1
    assert (
        result.stderr.count("\n") == 1 and str(path) in result.stderr and problem in result.stderr
    )
    assert "Traceback" not in result.output


def test_output_never_overwrites_input(tmp_path: Path, installed_model: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Nato siger nej.\n", "utf-8")
    result = run("translate", str(path), "-o", str(path))
    assert result.exit_code == 1 and "overwrite the input" in result.stderr
    assert path.read_text("utf-8") == "Nato siger nej.\n"


@pytest.mark.parametrize(
    "command",
    [
        ["tm", "export", "{memory}", "--tm", "{memory}"],
        ["translate", "{article}", "-o", "{memory}", "--tm", "{memory}"],
        ["translate", "{article}", "--xliff", "{memory}", "--tm", "{memory}"],
        ["bulk", "{folder}", "{memory}.jsonl", "--tm", "{memory}.jsonl"],
    ],
)
def test_the_memory_is_never_an_output(
    tmp_path: Path, installed_model: Path, command: list[str]
) -> None:
    from translator.memory import TranslationMemory

    memory, article = tmp_path / "tm.sqlite", tmp_path / "in" / "a.txt"
    if command[0] == "bulk":
        memory = tmp_path / "tm"  # a memory named like a JSONL output: tm.jsonl
    TranslationMemory(f"{memory}.jsonl" if command[0] == "bulk" else memory).close()
    article.parent.mkdir()
    article.write_text("Nato siger nej.\n", "utf-8")
    args = [part.format(memory=memory, article=article, folder=article.parent) for part in command]
    memory = Path(f"{memory}.jsonl") if command[0] == "bulk" else memory
    before = memory.read_bytes()
    result = run(*args)
    assert result.exit_code == 1 and f"overwrite the input {memory}" in result.stderr
    assert memory.read_bytes() == before


def test_no_model_offline_exits_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "empty"))
    result = run("translate", str(EXAMPLE), "--offline")
    assert result.exit_code == 4
    assert "no Argos da→en model is installed" in result.stderr
    assert "models install FILE.argosmodel" in result.stderr


def test_no_model_and_no_network_exits_4(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    result = run("translate", str(EXAMPLE))
    assert result.exit_code == 4
    assert "download failed" in result.stderr and "FILE.argosmodel" in result.stderr


def test_missing_model_is_downloaded_then_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index_server: str
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "fresh"))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_server)
    result = run("translate", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "installing it from the Argos index" in result.stderr
    assert result.stdout.endswith("/ritzau/Reuters")


def test_models_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argos_package: Path
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "pk"))
    assert run("models", "install", str(argos_package)).exit_code == 0
    assert run("models", "list").stdout.startswith("da-en\t0.1\t")
    assert run("models", "remove", "da-en").exit_code == 0
    assert run("models", "list").stdout == ""
    bad = tmp_path / "bad.argosmodel"
    bad.write_text("nope")
    result = run("models", "install", str(bad))
    assert result.exit_code == 4 and "not a zip archive" in result.stderr


def test_unwritable_outputs_are_refused_before_translating(tmp_path: Path) -> None:
    """No model is installed here: a refusal after translating would say so instead."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    for target in (folder, tmp_path / "no" / "such" / "dir" / "x.txt", Path("/proc/x.txt")):
        result = run("translate", str(EXAMPLE), "-o", str(target), "--offline")
        assert result.exit_code == 1, (target, result.output)
        assert result.stderr.startswith(f"error: {target}: "), result.stderr


def test_outputs_get_usual_permissions_and_keep_special_files(
    tmp_path: Path, installed_model: Path
) -> None:
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.en.txt"
        assert run("translate", str(EXAMPLE), "-o", str(fresh)).exit_code == 0
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        private = tmp_path / "private.en.txt"
        private.write_text("old")
        private.chmod(0o600)
        assert run("translate", str(EXAMPLE), "-o", str(private)).exit_code == 0
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
        link = tmp_path / "link.en.txt"
        link.symlink_to(fresh)
        assert run("translate", str(EXAMPLE), "-o", str(link)).exit_code == 0
        assert link.is_symlink() and fresh.read_text("utf-8").endswith("/ritzau/Reuters")
        assert run("translate", str(EXAMPLE), "-o", "/dev/null").exit_code == 0
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        (["translate"], 2),  # usage: a missing argument
        (["translate", str(EXAMPLE), "--beam-size", "0"], 2),
        (["translate", str(EXAMPLE), "--device", "abacus"], 5),
        (["translate", str(EXAMPLE), "--compute-type", "int3"], 5),
    ],
    ids=["missing-argument", "bad-beam", "unknown-device", "bad-compute-type"],
)
def test_each_exit_code_has_one_meaning(
    arguments: list[str], code: int, installed_model: Path
) -> None:
    result = run(*arguments)
    assert result.exit_code == code, result.output
    if code == 5:
        assert result.stderr.startswith("error: ") and "cannot load the model" in result.stderr


def test_detect_command(tmp_path: Path) -> None:
    norsk = tmp_path / "norsk.txt"
    norsk.write_text(NORWEGIAN, "utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Jeg kommer hjem i morgen.\n", "utf-8")
    result = run("detect", str(EXAMPLE), str(norsk), str(short))
    assert result.exit_code == 0
    header, *rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert header == ["file", "language", "probability", "margin", "note"]
    assert [row[1] for row in rows] == ["da", "nb", "da"]
    assert [row[4] for row in rows][:2] == ["-", "-"] and "short text" in rows[2][4]
    assert "margin: probability lead" in result.stderr


def test_glossary_commands(tmp_path: Path) -> None:
    good = tmp_path / "good.tsv"
    good.write_text("da\ten\nSkat\tthe Danish Tax Agency\n", "utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("da\ten\nSkat\tTax\nSkat\tTaxes\n", "utf-8")
    assert run("glossary", "check", str(good)).exit_code == 0
    result = run("glossary", "check", str(bad))
    assert result.exit_code == 1 and f"{bad}:3:" in result.stdout
    shown = run("glossary", "show", "-g", str(good)).stdout
    assert "Skat\tthe Danish Tax Agency" in shown and "Nato\tNATO" in shown


def test_version() -> None:
    assert re.fullmatch(r"translator \d+\.\d+\.\d+\n", run("--version").stdout)


def command_names() -> list[str]:
    names = []
    for command in app.registered_commands:
        names.append(command.name or "")
    for group in app.registered_groups:
        assert group.typer_instance is not None
        names.extend(f"{group.name} {c.name}" for c in group.typer_instance.registered_commands)
    return names


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_and_is_in_readme(name: str) -> None:
    result = run(*name.split(), "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout
    assert f"translator {name}" in (ROOT / "README.md").read_text("utf-8")


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys; from translator.cli import app; "
        "heavy = {'argostranslate.translate', 'ctranslate2', 'sentencepiece', 'torch', "
        "'langdetect', 'tqdm', 'ray', 'translator.pipeline'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_loads() -> None:
    import translator

    assert all(getattr(translator, name) is not None for name in translator.__all__)
    assert set(translator.__all__) <= set(dir(translator))


def test_translate_refuses_a_huge_input_without_reading_it(tmp_path: Path) -> None:
    result = run("translate", "/dev/zero", "--max-bytes", "1000", "--offline")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: /dev/zero: larger than the limit of 1000 bytes")


def test_threads_are_bounded_by_the_machine() -> None:
    assert run("translate", str(EXAMPLE), "--threads", "100000").exit_code == 2


def test_from_en_passes_english_through_without_an_en_en_model(tmp_path: Path) -> None:
    article = tmp_path / "en.txt"
    article.write_text("NATO's chief spoke in Brussels on Tuesday.\n", "utf-8")
    result = run("translate", str(article), "--from", "en", "--offline", "--no-tm")
    assert result.exit_code == 0, result.output
    assert result.stdout == "NATO's chief spoke in Brussels on Tuesday.\n"
    assert "already English" in result.stderr
