"""Glossary files: TSV (``da<TAB>en`` header, one entry a line) and TBX termbases.

A glossary file is UTF-8 TSV. Its first line that is not a ``#`` comment is the header,
naming the languages (``da<TAB>en``) and any extra columns: ``note``, and ``avoid``
(English forms the target replaces, ``|``-separated: ``United States|USA`` for ``US``;
as a termbase's deprecated terms). Each further line is one entry. Later files override
earlier entries for the same Danish term.
A file ending in ``.tbx`` is read as a TBX termbase (:mod:`translator.formats.tbx`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from translator.errors import GlossaryError
from translator.formats import tbx
from translator.language.glossary import Entry, Glossary, Problem
from translator.resources import DEFAULT_GLOSSARY, default_glossary_text


def parse(text: str, origin: str = "<glossary>") -> Glossary:
    """Parse glossary TSV ``text``.

    Raises:
        GlossaryError: a missing header or a malformed line.
    """
    entries: dict[str, Entry] = {}
    header: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if header is None:
            header = [c.strip() for c in columns]
            if header[:2] != ["da", "en"]:
                raise GlossaryError(path=origin, line=number, problem="header must be 'da<TAB>en'")
            continue
        if len(columns) < 2 or not columns[0].strip() or not columns[1].strip():
            raise GlossaryError(
                path=origin, line=number, problem="expected 'Danish<TAB>English' with both filled"
            )
        source, target = columns[0].strip(), columns[1].strip()
        note = _column(header, columns, "note", 2)
        avoid = tuple(f.strip() for f in _column(header, columns, "avoid").split("|") if f.strip())
        earlier = entries.get(source)
        if earlier is not None and earlier.target != target:
            problem = (
                f"'{source}' → '{target}' conflicts with {earlier.origin} ('{earlier.target}')"
            )
            raise GlossaryError(path=origin, line=number, problem=problem)
        entries[source] = Entry(source, target, note, f"{origin}:{number}", avoid)
    if header is None:
        raise GlossaryError(path=origin, line=1, problem="no header line 'da<TAB>en'")
    return Glossary(entries)


def _column(header: list[str], columns: list[str], name: str, default: int = -1) -> str:
    """The ``name`` column of a line ("" when it has none); ``default``: its place in
    files whose header does not name it."""
    index = header.index(name) if name in header else default
    return columns[index].strip() if 0 <= index < len(columns) else ""


def _is_tbx(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() == ".tbx"


def load(path: str | os.PathLike[str]) -> Glossary:
    """Load a glossary file: TSV, or TBX when it ends in ``.tbx``.

    Raises:
        GlossaryError: the file cannot be read, is not UTF-8 or is malformed.
    """
    if _is_tbx(path):
        return tbx.load(path)
    try:
        text = Path(path).read_text("utf-8-sig")  # a byte-order mark is no part of the header
    except UnicodeDecodeError as error:
        line = Path(path).read_bytes()[: error.start].count(b"\n") + 1
        raise GlossaryError(path=path, line=line, problem="not UTF-8") from None
    except OSError as error:
        raise GlossaryError(path=path, line=0, problem=error.strerror or str(error)) from None
    return parse(text, str(path))


def build(paths: Sequence[str | os.PathLike[str]] = (), default: bool = True) -> Glossary:
    """Return the effective glossary: the default one (if ``default``), then ``paths``."""
    glossary = parse(default_glossary_text(), DEFAULT_GLOSSARY) if default else Glossary()
    for path in paths:
        glossary = glossary.merged(load(path))
    return glossary


def check_file(path: str | os.PathLike[str]) -> list[Problem]:
    """Report a glossary file's problems: encoding, header, empty fields, duplicates, conflicts."""
    if _is_tbx(path):
        return tbx.check(path)
    return _check_tsv(path)


def _check_tsv(path: str | os.PathLike[str]) -> list[Problem]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [Problem(raw[: error.start].count(b"\n") + 1, "not UTF-8 (save the file as UTF-8)")]
    problems: list[Problem] = []
    seen: dict[str, tuple[int, str]] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = [c.strip() for c in line.split("\t")]
        if not header_seen:
            header_seen = True
            if columns[:2] != ["da", "en"]:
                problems.append(Problem(number, "header must start with 'da<TAB>en'"))
            continue
        if len(columns) < 2:
            problems.append(Problem(number, "no tab: expected 'Danish<TAB>English'"))
            continue
        source, target = columns[0], columns[1]
        if not source or not target:
            problems.append(Problem(number, "empty Danish or English field"))
            continue
        if source in seen:
            first, first_target = seen[source]
            kind = (
                "duplicate of" if first_target == target else f"conflicts ('{first_target}') with"
            )
            problems.append(Problem(number, f"'{source}' {kind} line {first}"))
        else:
            seen[source] = (number, target)
    if not header_seen:
        problems.append(Problem(1, "no header line 'da<TAB>en'"))
    return problems
