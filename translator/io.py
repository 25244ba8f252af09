"""Read input files whatever their encoding, and write outputs atomically."""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import re
import secrets
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from translator.errors import InputFileError, OutputFileError

PARTIAL = ".partial"  # the suffix of a file being written
# Only the temporaries write_atomic names (.NAME.<8 hex>.partial) are ever cleaned up:
# a user's own .something.partial file is never touched.
_OURS = re.compile(r"\..+\.[0-9a-f]{8}" + re.escape(PARTIAL), re.S)
# Windows-1252 decodes almost any byte string; these C1 controls show it was not meant.
_CONTROL = {chr(c) for c in range(32)} - set("\t\n\r\f\v")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def decode(data: bytes, name: str | os.PathLike[str]) -> str:
    """Decode ``data``; see :func:`decode_noted` (this drops its notes)."""
    return decode_noted(data, name)[0]


def decode_noted(data: bytes, name: str | os.PathLike[str]) -> tuple[str, list[str]]:
    """Decode ``data``, and say what was not clean.

    UTF-16 with a byte-order mark; UTF-8 (with or without BOM); UTF-8 with a few bad
    bytes is read as UTF-8 with those bytes replaced (U+FFFD) and a note naming the first
    position, never re-decoded whole; text with no UTF-8 multi-byte character at all but
    bytes that are not UTF-8 is legacy Windows-1252/Latin-1. Line endings are kept.

    Returns:
        The text, and notes (one line each) for the warnings.

    Raises:
        InputFileError: empty, binary or undecodable data.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), name), []
        except UnicodeDecodeError as error:
            raise InputFileError(path=name, problem=f"bad UTF-16 at byte {error.start}") from None
    if not data.strip():
        raise InputFileError(path=name, problem="empty file")
    if b"\0" in data:
        raise InputFileError(path=name, problem="binary file (contains NUL bytes)")
    notes = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _UTF8_MULTIBYTE.search(data):  # UTF-8 after all, with some damage
            text = data.decode("utf-8-sig", errors="replace")
            bad = text.count("\ufffd")
            notes.append(
                f"{name}: {bad} byte sequence(s) that are not UTF-8, the first at byte "
                f"{error.start}, replaced by U+FFFD"
            )
        else:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    return _checked(text, name), notes


def _checked(text: str, name: str | os.PathLike[str]) -> str:
    if not text.strip():
        raise InputFileError(path=name, problem="empty file")
    controls = sum(1 for char in text if char in _CONTROL)
    if controls > max(2, len(text) // 100):
        raise InputFileError(path=name, problem="binary file (control characters)")
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """Read and decode a text file; see :func:`read_noted`."""
    return read_noted(path)[0]


def read_noted(path: str | os.PathLike[str], max_bytes: int | None = None) -> tuple[str, list[str]]:
    """Read and decode a text file, with notes; see :func:`decode_noted`.

    Args:
        path: The file.
        max_bytes: Refuse a file larger than this; no more than this is ever read
            (``/dev/zero`` costs nothing).

    Raises:
        InputFileError: missing, a folder, unreadable, too large, empty, binary or
            undecodable.
    """
    source = Path(path)
    if source.is_dir():
        raise InputFileError(path=source, problem="is a folder, not a file")
    try:
        with open(source, "rb") as stream:
            data = read_limited(stream, max_bytes, source)
    except FileNotFoundError:
        raise InputFileError(path=source, problem="no such file") from None
    except OSError as error:
        raise InputFileError(path=source, problem=error.strerror or str(error)) from None
    return decode_noted(data, source)


def read_limited(stream: BinaryIO, max_bytes: int | None, name: str | os.PathLike[str]) -> bytes:
    """All of ``stream``, or an error once it passes ``max_bytes``.

    Raises:
        InputFileError: larger than ``max_bytes``.
    """
    data = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        problem = f"larger than the limit of {max_bytes} bytes (raise it with --max-bytes)"
        raise InputFileError(path=name, problem=problem)
    return data


def check_output(path: str | os.PathLike[str], *inputs: str | os.PathLike[str]) -> Path:
    """Refuse an output that cannot be written, or that would overwrite an input.

    Called before any work starts, so a bad ``-o`` costs nothing. A symbolic link is
    written through to its target; a device or FIFO (``/dev/null``) is written to
    directly, never replaced.

    Returns:
        The path to write (a link's target).

    Raises:
        OutputFileError: an input, a folder, or a place that cannot be written.
    """
    target = Path(path)
    resolved = target.resolve()
    for source in inputs:
        if str(source) != "-" and resolved == Path(source).resolve():
            problem = f"the output would overwrite the input {source}"
            raise OutputFileError(path=target, problem=problem)
    if resolved.is_dir():
        raise OutputFileError(path=target, problem="is a folder")
    if resolved.exists() and not resolved.is_file():
        if not os.access(resolved, os.W_OK):
            raise OutputFileError(path=target, problem="cannot be written (permission denied)")
        return resolved
    folder = resolved.parent
    if not folder.is_dir():
        raise OutputFileError(path=target, problem=f"no such folder: {folder}")
    try:  # the only sure test (read-only mounts, /proc, ACLs): create a file there
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".", suffix=PARTIAL)
        probe.close()
    except OSError as error:
        problem = f"cannot be written ({error.strerror or error})"
        raise OutputFileError(path=target, problem=problem) from None
    return resolved


def write_atomic(
    path: str | os.PathLike[str], data: str | bytes | Iterable[str], clean: bool = True
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader sees either the old file or the whole new one, never half of it. A
    temporary file left by a writer that was killed is removed by the next write
    (``clean``); a caller writing many files in one folder cleans once with
    :func:`remove_partials` instead, since each check lists the folder. The file gets
    the permissions any tool gives (``0666`` less the umask), or keeps those of the file
    it replaces. A symbolic link is written through; a device or FIFO is written to
    directly, never replaced. ``data`` may be an iterable of strings, written as they
    come (a large export need not be held in memory); if it raises, nothing is replaced.
    """
    chunks: Iterable[bytes]
    if isinstance(data, bytes):
        chunks = [data]
    elif isinstance(data, str):
        chunks = [data.encode("utf-8")]
    else:
        chunks = (chunk.encode("utf-8") for chunk in data)
    target = Path(path)
    try:
        _write_atomic(target, chunks, clean)
    except OSError as error:  # a full disk, a vanished folder, a read-only mount
        problem = f"cannot be written ({error.strerror or error}); nothing was replaced"
        raise OutputFileError(path=path, problem=problem, errno=error.errno) from None


def _write_atomic(target: Path, chunks: Iterable[bytes], clean: bool) -> None:
    if target.is_symlink():
        target = target.resolve()
    if target.exists() and not target.is_file():
        with open(target, "wb") as out:  # /dev/null, a FIFO: write through
            out.writelines(chunks)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if clean:
        for stale in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL}"):
            if _OURS.fullmatch(stale.name):
                stale.unlink(missing_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}{PARTIAL}"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as out:
            out.writelines(chunks)
            out.flush()
            if mode is not None:
                os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def remove_partials(folder: str | os.PathLike[str]) -> None:
    """Remove the temporaries that killed :func:`write_atomic` calls left under ``folder``."""
    for stale in Path(folder).rglob(f".*{PARTIAL}"):
        if _OURS.fullmatch(stale.name):
            stale.unlink(missing_ok=True)


#: The suffixes of the plain-text articles a folder or archive holds.
TEXT_SUFFIXES = (".txt", ".md")
#: The suffixes of wire documents (Ritzau XML, NewsML-G2, NITF; ninjs).
WIRE_SUFFIXES = (".xml", ".json")
#: Everything a folder or archive is read for.
ARTICLE_SUFFIXES = TEXT_SUFFIXES + WIRE_SUFFIXES
_UNSAFE_CHARS = re.compile(r"[^\w.\- ]+")


def output_name(item_id: str) -> str:
    """The relative output path of an item: ``a/b/name.txt`` → ``a/b/name.en.txt``
    (``.xml`` and ``.json`` are kept as well; any other suffix becomes ``.txt``).

    Characters a file system may refuse are replaced; a name whose characters were
    replaced, or that is too long for a file system (255 bytes), gets a short checksum
    of the id, so that two ids never share an output (``a:b.txt``, ``a_b.txt``).
    """
    path = PurePosixPath(item_id)
    parts = [_safe_part(part) for part in path.parts]
    name = parts[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in ARTICLE_SUFFIXES:
        stem, suffix = name, "txt"
    changed = [_safe_part(p) != p for p in path.parts]
    if any(changed) or len(f"{stem}.en.{suffix}".encode()) > _MAX_NAME:
        stem = f"{_clip(stem)}~{digest(item_id)}"
    parts[-1] = f"{stem}.en.{suffix}"
    return "/".join(parts)


def unique_output_name(item_id: str, taken: set[str]) -> str:
    """:func:`output_name`, with a checksum added if the name is taken already (ignoring
    case, as case-insensitive file systems do), e.g. by a repeated id."""
    name = output_name(item_id)
    serial = 0
    while name.casefold() in taken:
        serial += 1
        folder, _, leaf = name.rpartition("/")
        stem, _, suffix = leaf.rpartition(".en.")
        leaf = f"{_clip(stem)}~{digest(f'{item_id}#{serial}')}.en.{suffix}"
        name = f"{folder}/{leaf}" if folder else leaf
    return name


_MAX_NAME = 255


def _safe_part(part: str) -> str:
    return _clip(_UNSAFE_CHARS.sub("_", part).strip(". ")) or "_"


def _clip(stem: str) -> str:
    """At most 200 bytes of ``stem``, cut on a character boundary."""
    return stem.encode("utf-8")[:200].decode("utf-8", "ignore")


def digest(text: str) -> str:
    """A short checksum of ``text`` (any string, lone surrogates included)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
