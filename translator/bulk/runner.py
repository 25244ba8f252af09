"""Translate whole archives: stream items, batch them, write atomically, resume after a crash.

The report (``OUTPUT/_report.jsonl`` by default) is also the progress manifest: one
fsynced line per finished item, in input order. A rerun of the same command reads it,
skips what is done and goes on, so nothing is translated twice and nothing is lost. A
folder output is written file by file (temporary file, then rename). A JSONL output is
appended in input order and fsynced before the report line that covers it; a rerun cuts
it back to the last reported offset, so the result is byte-identical to an
uninterrupted run's.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from translator.bulk.sources import DEFAULT_MAX_BYTES, REPORT_NAME, Item, iter_items
from translator.errors import (
    ArchiveError,
    ExchangeFileError,
    OutputFileError,
)
from translator.formats import xliff as xliff_mod
from translator.formats.xliff import Version
from translator.io import (
    ARTICLE_SUFFIXES,
    check_output,
    digest,
    output_name,
    remove_partials,
    unique_output_name,
    write_atomic,
)
from translator.pipeline import Translator
from translator.wire import is_wire

if TYPE_CHECKING:
    from translator.bulk.ray import RayOptions

from translator.bulk.items import ItemResult, translate_stream
from translator.bulk.report import JsonlOutput, Report, Resume, default_report, within

Backend = Literal["local", "ray"]


def run(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    translator: Translator,
    *,
    report: str | os.PathLike[str] | None = None,
    text_field: str = "text",
    id_field: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 64,
    jobs: int = 1,
    xliff: str | os.PathLike[str] | None = None,
    xliff_version: Version = "1.2",
    backend: Backend = "local",
    ray: RayOptions | None = None,
    format: str = "auto",
) -> Generator[ItemResult, None, None]:
    """Translate everything in ``source`` into ``destination``; yield each new result.

    ``destination`` is a folder (mirroring relative paths, ``name.en.txt``) or, when it
    ends in ``.jsonl``, one JSONL file. Items already in the report are skipped. With
    ``xliff`` (a folder), each translated article is also written there for
    post-editing (``name.en.xlf``, XLIFF ``xliff_version``). ``backend="ray"`` sends the
    batches to a pool of Ray actors (``ray`` says where and how many); everything else,
    and the output bytes, stay as with ``local``. Wire documents (``.xml``, ``.json``,
    or by content) are written back in their format (``format`` forces ``text`` or one
    format for every item); one wire document as ``source`` is read item by item.

    Raises:
        ArchiveError: the input is missing, unsupported or corrupt, or the output would
            be inside the input in a way that cannot be excluded.
    """
    source_path, target = Path(source), Path(destination)
    to_jsonl = target.name.lower().endswith(".jsonl")
    report_path = Path(report) if report else default_report(target, to_jsonl)
    _check_paths(source_path, target, report_path, translator)
    if xliff is not None:
        _check_folder(Path(xliff))
    if not to_jsonl and target.is_dir():
        remove_partials(target)  # what a killed run was writing; once, not per file
    manifest = Report(report_path)
    jsonl = JsonlOutput(target) if to_jsonl else None
    resume = Resume(manifest, jsonl, translator.settings_key(), target)
    items = _formatted(
        iter_items(
            source_path,
            text_field=text_field,
            id_field=id_field,
            max_bytes=max_bytes,
            exclude=() if to_jsonl else (target,),  # an output folder inside the input
        ),
        format,
    )
    taken = manifest.state.outputs
    xliff_taken: set[str] = set()
    try:
        pending = 0
        todo = resume.todo(items)
        for result in _stream(translator, todo, batch_size, jobs, backend, ray):
            yield from resume.drain()
            mark = resume.next_mark()
            earlier = resume.outputs.get((result.id, mark[0]))
            result, output, offset = _write(result, jsonl, (source_path, target), earlier, taken)
            if xliff is not None and result.translation is not None:
                _write_xliff(result, Path(xliff), output, xliff_taken, xliff_version)
            manifest.add(result, output, offset, mark)
            yield result
            pending += 1
            if pending >= batch_size:
                _sync(jsonl, manifest)
                pending = 0
        yield from resume.drain()
        resume.finish()
    except OSError as error:  # a full disk: what was written stays, a rerun resumes
        problem = f"cannot be written ({error.strerror or error}); rerun to resume"
        raise OutputFileError(path=target, problem=problem) from None
    finally:
        with contextlib.suppress(OSError):  # a full disk fails the last flush too
            if jsonl is not None:
                jsonl.close()
            manifest.close()


def _foreign(output: Path, report: Path) -> bool:
    """Whether a JSONL output holds data that no bulk run's report accounts for."""
    try:
        return output.stat().st_size > 0 and (not report.is_file() or report.stat().st_size == 0)
    except OSError:
        return False


# What a full or failing disk says: the run stops (a rerun resumes). Any other failure
# to write one output (a name too long, a folder in the way) fails that item only.
_DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})


def _write(
    result: ItemResult,
    jsonl: JsonlOutput | None,
    paths: tuple[Path, Path],
    earlier: str | None,
    taken: set[str],
) -> tuple[ItemResult, str | None, int | None]:
    """Write a result to the JSONL output (its offset after) or, translated, to its
    file (its name); the result, failed if its file cannot be written."""
    if jsonl is not None:
        return result, None, jsonl.write(result)
    if result.translation is None:
        return result, None, None
    return (*_write_output(result, paths, earlier, taken), None)


def _write_output(
    result: ItemResult, paths: tuple[Path, Path], earlier: str | None, taken: set[str]
) -> tuple[ItemResult, str | None]:
    """Write a translated item under the output folder (``paths``: the input and the
    output); the result (failed, if its output cannot be written) and its name."""
    assert result.translation is not None
    source, target = paths
    output = earlier or unique_output_name(result.id, taken)
    # A folder has that name: one written already, or an input folder's mirror to come.
    while _is_dir(within(target, output)) or _is_dir(source / output):
        taken.add(output.casefold())
        output = unique_output_name(result.id, taken)
    taken.add(output.casefold())
    try:
        write_atomic(within(target, output), result.translation.text, clean=False)
    except OutputFileError as error:
        if error.fields.get("errno") in _DISK_ERRORS:
            raise
        reason = f"output {output} cannot be written: {error.fields['problem']}"
        return replace(result, status="failed", reason=reason, translation=None), None
    return result, output


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long: no folder has it
        return False


def _formatted(items: Iterator[Item], format: str) -> Iterator[Item]:
    """``items``, each to be read as ``format`` unless that is ``auto``."""
    return items if format == "auto" else (replace(item, format=format) for item in items)


def _check_paths(source: Path, target: Path, report: Path, translator: Translator) -> None:
    """Refuse, before any work, an output or report that is an input or the memory, or
    cannot be written."""
    if source.resolve() == target.resolve():
        raise ArchiveError(path=target, problem="the output must not be the input")
    to_jsonl = target.name.lower().endswith(".jsonl")
    folder = target.parent if to_jsonl else target
    if folder.exists() and not folder.is_dir():
        raise OutputFileError(path=folder, problem="exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        problem = f"cannot be written ({error.strerror or error})"
        raise OutputFileError(path=target, problem=problem) from None
    _check_memory(target if to_jsonl else target / REPORT_NAME, source, report, translator)
    if to_jsonl and _foreign(target, report):
        problem = "exists, and no report of a bulk run says it wrote it; nothing was changed"
        raise OutputFileError(path=target, problem=problem + " (choose another output)")
    walked = (
        source.is_dir()
        and report.resolve().is_relative_to(source.resolve())
        and not report.resolve().is_relative_to(target.resolve())
        and report.suffix.lower() in ARTICLE_SUFFIXES
    )
    if report.resolve() == source.resolve() or walked:
        raise ArchiveError(path=report, problem="the report must not be an input")


def _check_memory(output: Path, source: Path, report: Path, translator: Translator) -> None:
    """Refuse an output that is the input or the memory, and a report that is the memory."""
    memory = translator.translation_memory
    check_output(output, source, *([memory.path] if memory is not None else []))
    if memory is not None and report.resolve() == memory.path.resolve():
        raise ArchiveError(path=report, problem="the report must not be the memory")


def _stream(
    translator: Translator,
    items: Iterable[Item],
    batch_size: int,
    jobs: int,
    backend: Backend,
    ray: RayOptions | None,
) -> Iterator[ItemResult]:
    """The results of ``items`` in order, from local threads or from Ray actors."""
    if backend == "ray":
        from translator.bulk import ray as backend_ray

        options = ray or backend_ray.RayOptions()
        return backend_ray.stream(translator, items, batch_size, options)
    return translate_stream(translator, items, batch_size, jobs)


def _sync(jsonl: JsonlOutput | None, manifest: Report) -> None:
    """The output made durable, then the report that says so."""
    if jsonl is not None:
        jsonl.sync()
    manifest.sync()


def _write_xliff(
    result: ItemResult, folder: Path, output: str | None, taken: set[str], version: Version
) -> None:
    """An item's XLIFF beside its output's name (or a name of its own, unique in
    ``taken``); a text XML cannot carry fails that file only (a warning)."""
    translation = result.translation
    assert translation is not None
    if is_wire(translation.text):
        translation.warnings.append("no XLIFF written: XLIFF is written for text articles only")
        return
    stem = (output or output_name(result.id)).rpartition(".")[0]
    name, serial = f"{stem}.xlf", 0
    while name.casefold() in taken:  # a.txt and a.json, a repeated id: one file each
        serial += 1
        name = f"{stem}~{digest(f'{result.id}#{serial}')}.xlf"
    taken.add(name.casefold())
    path = within(folder, name)
    document = xliff_mod.document(result.id, translation.text, translation.units)
    try:
        xliff_mod.write(path, [document], version)
    except ExchangeFileError as error:
        translation.warnings.append(f"no XLIFF written: {error}")


def _check_folder(folder: Path) -> None:
    """Refuse, before any work, a folder that cannot be made or written to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputFileError(path=folder, problem=error.strerror or str(error)) from None
    if not os.access(folder, os.W_OK):
        raise OutputFileError(path=folder, problem="the folder cannot be written to")
