"""Read input files whatever their encoding, and write outputs atomically."""

from __future__ import annotations

import glob
import os
import secrets
import stat
import tempfile
from pathlib import Path

from translator.errors import InputFileError, OutputFileError

PARTIAL = ".partial"  # the suffix of a file being written
# Windows-1252 decodes almost any byte string; these C1 controls show it was not meant.
_CONTROL = {chr(c) for c in range(32)} - set("\t\n\r\f\v")


def decode(data: bytes, name: str | os.PathLike[str]) -> str:
    """Decode ``data`` as UTF-8 (with or without BOM), else Windows-1252/Latin-1.

    Line endings are kept as they are.

    Raises:
        InputFileError: empty, binary or undecodable data.
    """
    if not data.strip():
        raise InputFileError(path=name, problem="empty file")
    if b"\0" in data:
        raise InputFileError(path=name, problem="binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    controls = sum(1 for char in text if char in _CONTROL)
    if controls > max(2, len(text) // 100):
        raise InputFileError(path=name, problem="binary file (control characters)")
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """Read and decode a text file; see :func:`decode`.

    Raises:
        InputFileError: missing, a folder, unreadable, empty, binary or undecodable.
    """
    source = Path(path)
    if source.is_dir():
        raise InputFileError(path=source, problem="is a folder, not a file")
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path=source, problem="no such file") from None
    except OSError as error:
        raise InputFileError(path=source, problem=error.strerror or str(error)) from None
    return decode(data, source)


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
            raise OutputFileError(path=target, problem="the output would overwrite the input")
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


def write_atomic(path: str | os.PathLike[str], data: str | bytes, clean: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    A reader sees either the old file or the whole new one, never half of it. A
    temporary file left by a writer that was killed is removed by the next write
    (``clean``); a caller writing many files in one folder cleans once with
    :func:`remove_partials` instead, since each check lists the folder. The file gets
    the permissions any tool gives (``0666`` less the umask), or keeps those of the file
    it replaces. A symbolic link is written through; a device or FIFO is written to
    directly, never replaced.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    target = Path(path)
    if target.is_symlink():
        target = target.resolve()
    if target.exists() and not target.is_file():
        with open(target, "wb") as out:  # /dev/null, a FIFO: write through
            out.write(payload)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if clean:
        for stale in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL}"):
            stale.unlink(missing_ok=True)
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}{PARTIAL}"
    try:
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
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
        stale.unlink(missing_ok=True)
