from __future__ import annotations

from pathlib import Path

import pytest

from translator.errors import InputFileError
from translator.io import read_noted, read_text, write_atomic


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Æbler og øl på å.\n".encode(), "Æbler og øl på å.\n"),
        ("\ufeffÆbler\r\n".encode(), "Æbler\r\n"),
        ("Æbler og øl på å.\r\n".encode("cp1252"), "Æbler og øl på å.\r\n"),
        ("Søren «citat»\n".encode("latin-1"), "Søren «citat»\n"),
        ("Æbler og øl\r\n".encode("utf-16"), "Æbler og øl\r\n"),
        ("Æbler og øl\n".encode("utf-16-be").join([b"\xfe\xff", b""]), "Æbler og øl\n"),
    ],
)
def test_decodings(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    assert read_text(path) == expected


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_bytes(b"  \n\n"), "empty file"),
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary file"),
    ],
)
def test_bad_inputs(tmp_path: Path, make, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "in.txt"
    make(path)
    with pytest.raises(InputFileError) as raised:
        read_text(path)
    assert str(path) in str(raised.value) and problem in str(raised.value)
    assert "\n" not in str(raised.value)


def test_write_atomic_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.txt"
    write_atomic(target, "første")
    write_atomic(target, "anden")
    assert target.read_text("utf-8") == "anden"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_write_atomic_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    (tmp_path / ".a.txt.0f1e2d3c.partial").write_text("half")  # as write_atomic names them
    (tmp_path / ".a.txt.mine.partial").write_text("a user's")  # not ours: kept
    write_atomic(tmp_path / "a.txt", "whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.txt.mine.partial", "a.txt"]


def test_utf8_with_a_few_bad_bytes_stays_utf8_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes("Søren så en ål".encode() + b" \xff\xfe " + "på søen.\n".encode())
    text, notes = read_noted(path)
    assert text == "Søren så en ål \ufffd\ufffd på søen.\n"  # æ, ø, å intact: no mojibake
    assert notes == [f"{path}: 2 byte sequence(s) that are not UTF-8, the first at byte 18, "
                     "replaced by U+FFFD"]  # fmt: skip
