"""Read the articles of a bulk input one at a time: folders, zip and tar archives, JSONL.

Every article becomes an :class:`Item`, in a stable order. What cannot be read (a
binary or empty file, an oversized one, a JSONL line that is not JSON, an archive member
with an unsafe path) becomes an item with a ``problem`` instead of text, so one bad file
never stops a run. Nothing is extracted to disk, and no more than ``max_bytes + 1`` bytes
of any member are ever decompressed, so a zip bomb costs nothing.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal, Protocol

from translator.errors import ArchiveError, InputFileError, TranslatorError
from translator.io import ARTICLE_SUFFIXES, WIRE_SUFFIXES, decode_noted, read_noted

TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
DEFAULT_MAX_BYTES = 5_000_000
# A folder holding this is the output of an earlier bulk run: never walked as input.
REPORT_NAME = "_report.jsonl"
InputKind = Literal["folder", "zip", "tar", "jsonl", "wire"]
# Lone surrogates (JSON allows "\ud800") and control characters are no article text.
_INVALID_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Item:
    """One article of a bulk input.

    Attributes:
        id: Its relative path (folders, archives) or its id field or line number (JSONL).
        text: The decoded text, or None when it could not be read.
        problem: Why it could not be read.
        record: The JSONL record it came from, carried through to the output.
        notes: What reading it noticed (bad bytes replaced), for its warnings.
        format: How to read it: ``None`` by content (and ``.xml``/``.json`` ids as wire
            documents), ``text``, or a wire format (``rbnews``, ``newsml`` …).
    """

    id: str
    text: str | None = None
    problem: str | None = None
    record: dict[str, Any] | None = field(default=None, compare=False)
    notes: tuple[str, ...] = ()
    format: str | None = None


def input_kind(path: Path) -> InputKind:
    """Tell what kind of bulk input ``path`` is, by type and name.

    Raises:
        ArchiveError: it does not exist or is of no supported kind.
    """
    name = path.name.lower()
    if path.is_dir():
        return "folder"
    if not path.exists():
        raise ArchiveError(path=path, problem="no such file or folder")
    if name.endswith(".zip"):
        return "zip"
    if name.endswith(TAR_SUFFIXES):
        return "tar"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WIRE_SUFFIXES):
        return "wire"
    supported = ", ".join((".zip",) + TAR_SUFFIXES + JSONL_SUFFIXES + WIRE_SUFFIXES)
    raise ArchiveError(path=path, problem=f"not a folder or a supported archive ({supported})")


def iter_items(
    path: str | os.PathLike[str],
    *,
    text_field: str = "text",
    id_field: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    exclude: tuple[Path, ...] = (),
) -> Iterator[Item]:
    """Yield the articles of the folder or archive at ``path``, in a stable order.

    Args:
        path: A folder of articles (``*.txt``, ``*.md``) and wire documents (``*.xml``,
            ``*.json``), a zip or tar archive of them, JSONL(.gz), or one wire document
            (each of its items becomes an item: ``queue/<NewsID>.xml``).
        text_field: The JSONL field holding the article.
        id_field: The JSONL field holding a stable id (default: the line number).
        max_bytes: Articles larger than this are reported, not read.
        exclude: Folders not to walk (an output folder inside the input); folders
            holding a bulk report (earlier outputs) are never walked either.

    Raises:
        ArchiveError: the input is missing, unsupported or corrupt.
    """
    source = Path(path)
    kind = input_kind(source)
    if kind == "folder":
        items = _folder(source, max_bytes, tuple(p.resolve() for p in exclude))
    elif kind == "zip":
        items = _zip(source, max_bytes)
    elif kind == "tar":
        items = _tar(source, max_bytes)
    elif kind == "wire":
        items = _wire(source, max_bytes)
    else:
        items = _jsonl(source, text_field, id_field, max_bytes)
    count = 0
    try:
        for item in items:
            count += 1
            yield item
    except ArchiveError as error:
        if not count:
            raise
        # Damage after the first item (a truncated archive): what came before is
        # translated and kept; the rest fails as one item that says why.
        yield Item(f"{source.name}: after item {count}", problem=str(error.fields["problem"]))


def count_items(path: str | os.PathLike[str], exclude: tuple[Path, ...] = ()) -> int:
    """How many items :func:`iter_items` will yield (for a progress bar); reads no text.

    Archives are listed, not decompressed, except tar: a compressed tar is read through
    once more (far cheaper than translating it).
    """
    source = Path(path)
    kind = input_kind(source)
    if kind == "folder":
        skip = tuple(p.resolve() for p in exclude)
        return sum(1 for _ in _folder(source, 0, skip, read=False))
    if kind == "wire":
        return sum(1 for _ in _wire(source, max_bytes=None))
    if kind == "jsonl":
        opener = gzip.open if source.name.lower().endswith(".gz") else open
        with opener(source, "rb") as raw:
            lines = _lines(raw, _COUNT_CHUNK)
            return sum(1 for _, line in lines if line is None or bool(line.strip()))
    return sum(1 for _ in (_zip if kind == "zip" else _tar)(source, 0, read=False))


def _article(item_id: str, data: bytes, max_bytes: int) -> Item:
    if len(data) > max_bytes:
        return Item(item_id, problem=f"larger than --max-bytes ({max_bytes} bytes)")
    try:
        text, notes = decode_noted(data, item_id)
    except InputFileError as error:
        return Item(item_id, problem=error.fields["problem"])
    return Item(item_id, text, notes=tuple(notes))


def _folder(
    root: Path, max_bytes: int, exclude: tuple[Path, ...], read: bool = True
) -> Iterator[Item]:
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(
            d
            for d in subfolders
            if (here / d).resolve() not in exclude and not (here / d / REPORT_NAME).exists()
        )
        for name in sorted(files):
            path = here / name
            if not name.lower().endswith(ARTICLE_SUFFIXES) or name.startswith("."):
                continue
            item_id = path.relative_to(root).as_posix()
            if path.is_symlink():
                yield Item(item_id, problem="symbolic link refused")
            elif not path.is_file():  # reading a FIFO or a device would hang or never end
                yield Item(item_id, problem="not a regular file (a FIFO or a device) refused")
            elif not read:
                yield Item(item_id)
            else:
                yield _file(item_id, path, max_bytes)


def _file(item_id: str, path: Path, max_bytes: int) -> Item:
    """A file of a folder as an item, never more than ``max_bytes`` of it read."""
    try:
        with open(path, "rb") as stream:
            data = _read_limited(stream, max_bytes)
    except OSError as error:
        return Item(item_id, problem=error.strerror or str(error))
    return _article(item_id, data, max_bytes)


def unsafe_name(name: str) -> str | None:
    """Why an archive member's name is unsafe to use as a path, or None."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        return "absolute path refused"
    if ".." in path.parts:
        return "'..' in path refused"
    return None


def _read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    return stream.read(max_bytes + 1)


def _zip(path: Path, max_bytes: int, read: bool = True) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(path=path, problem=f"corrupt zip archive: {error}") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            mode = info.external_attr >> 16
            problem = unsafe_name(info.filename)
            if problem is None and stat.S_ISLNK(mode):
                problem = "symbolic link refused"
            if problem is not None:
                yield Item(info.filename, problem=problem)
                continue
            if not info.filename.lower().endswith(ARTICLE_SUFFIXES):
                continue
            if not read:
                yield Item(info.filename)
                continue
            try:
                with archive.open(info) as member:
                    data = _read_limited(member, max_bytes)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError,
                    zlib.error) as error:  # fmt: skip  # RuntimeError: an encrypted member
                yield Item(info.filename, problem=f"unreadable archive member: {error}")
                continue
            yield _article(info.filename, data, max_bytes)


def _tar(path: Path, max_bytes: int, read: bool = True) -> Iterator[Item]:
    try:
        archive = tarfile.open(path, "r|*")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise ArchiveError(path=path, problem=f"corrupt tar archive: {error}") from None
    try:
        with archive:
            for info in archive:
                archive.members = []  # type: ignore[attr-defined]  # streaming: forget seen members
                if info.isdir():
                    continue
                name = info.name.removeprefix("./")
                problem = unsafe_name(name)
                if problem is None and (info.issym() or info.islnk()):
                    problem = "link refused"
                if problem is None and not info.isfile():
                    problem = "device or special file refused"
                if problem is not None:
                    yield Item(name, problem=problem)
                    continue
                if not name.lower().endswith(ARTICLE_SUFFIXES):
                    continue
                if not read:
                    yield Item(name)
                    continue
                member = archive.extractfile(info)
                data = _read_limited(member, max_bytes) if member else b""
                yield _article(name, data, max_bytes)
    except (tarfile.TarError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ArchiveError(path=path, problem=f"corrupt tar archive: {error}") from None


def _wire(path: Path, max_bytes: int | None) -> Iterator[Item]:
    """Each item of one wire document, as a document of its own."""
    from translator.formats.wire import load

    try:
        text, notes = read_noted(path, max_bytes)
        document = load(text, str(path))
    except TranslatorError as error:
        raise ArchiveError(path=path, problem=error.fields.get("problem", str(error))) from None
    suffix = path.suffix.lower()
    for key, item_text in document.split():
        yield Item(f"{path.stem}/{key}{suffix}", item_text, notes=tuple(notes))


def _jsonl(path: Path, text_field: str, id_field: str | None, max_bytes: int) -> Iterator[Item]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as raw:
            for number, line in _lines(raw, max_bytes):
                if line is None:
                    problem = f"larger than --max-bytes ({max_bytes} bytes)"
                    yield Item(f"line {number}", problem=problem)
                elif line.strip():
                    yield _record(line, number, text_field, id_field, max_bytes)
    except (OSError, EOFError, zlib.error) as error:
        raise ArchiveError(path=path, problem=f"unreadable JSONL: {error}") from None


_COUNT_CHUNK = 1 << 20


class _Lines(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _lines(raw: _Lines, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """The numbered lines of ``raw``; ``None`` for one longer than ``limit``, which is
    skipped without ever being held whole (a small .gz may hold one huge line)."""
    number = 0
    while line := raw.readline(limit + 2):
        number += 1
        if len(line) <= limit + 1 or line.endswith(b"\n"):
            yield number, line
            continue
        while (rest := raw.readline(_COUNT_CHUNK)) and not rest.endswith(b"\n"):
            pass
        yield number, None


def _record(
    line: bytes, number: int, text_field: str, id_field: str | None, max_bytes: int
) -> Item:
    fallback_id = f"line {number}"
    if len(line) > max_bytes:
        return Item(fallback_id, problem=f"larger than --max-bytes ({max_bytes} bytes)")
    try:
        record = json.loads(line)
    except ValueError as error:
        return Item(fallback_id, problem=f"not JSON: {error}")
    except RecursionError:
        return Item(fallback_id, problem="not JSON this program reads: nested too deeply")
    if not isinstance(record, dict):
        return Item(fallback_id, problem="not a JSON object")
    item_id = str(record.get(id_field, fallback_id)) if id_field else fallback_id
    if id_field and id_field not in record:
        return Item(item_id, problem=f"no '{id_field}' field", record=record)
    text = record.get(text_field)
    if not isinstance(text, str):
        return Item(item_id, problem=f"no text in field '{text_field}'", record=record)
    if not text.strip():
        return Item(item_id, problem="empty text", record=record)
    if bad := _INVALID_TEXT.search(text):
        problem = f"text has an invalid character U+{ord(bad.group()):04X} at {bad.start()}"
        return Item(item_id, problem=problem, record=record)
    return Item(item_id, text, record=record)
