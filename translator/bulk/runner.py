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

import fcntl
import json
import os
from collections import Counter, deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from translator.bulk.sources import DEFAULT_MAX_BYTES, REPORT_NAME, Item, iter_items
from translator.errors import (
    ArchiveError,
    ExchangeFileError,
    OutputFileError,
    OutputLockedError,
    TranslatorError,
    UnsupportedLanguageError,
)
from translator.formats import xliff as xliff_mod
from translator.formats.xliff import Version
from translator.io import (
    TEXT_SUFFIXES,
    check_output,
    digest,
    remove_partials,
    unique_output_name,
    write_atomic,
)
from translator.pipeline import Translation, Translator

if TYPE_CHECKING:
    from translator.bulk.ray import RayOptions

Status = Literal["translated", "passed", "skipped", "failed"]
Backend = Literal["local", "ray"]


@dataclass(frozen=True)
class ItemResult:
    """What happened to one item of a bulk run.

    Attributes:
        id: The item's relative path or record id.
        status: ``translated``, ``passed`` (already English), ``skipped`` (another
            language) or ``failed``.
        reason: Why it was skipped or failed.
        translation: The translation, when there is one.
        record: The JSONL record it came from.
        resumed: Done by an earlier run, unchanged since: not translated again.
    """

    id: str
    status: Status
    reason: str = ""
    translation: Translation | None = None
    record: dict[str, Any] | None = None
    resumed: bool = False


@dataclass
class BulkSummary:
    """Counts of a bulk run, and the reasons of its failures."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    resumed: int = 0
    damaged: list[int] = field(default_factory=list)  # report lines skipped

    @property
    def failed(self) -> int:
        """How many items failed."""
        return self.counts["failed"]

    def add(self, item_id: str, status: str, reason: str) -> None:
        """Count one item's outcome."""
        self.counts[status] += 1
        if status == "failed":
            self.failures.append((item_id, reason))


def translate_items(translator: Translator, items: list[Item]) -> list[ItemResult]:
    """Translate a batch of items: the pure "records in, results out" step.

    Items that could not be read fail; English passes; other languages are skipped.
    """
    readable = [item for item in items if item.text is not None]
    outcomes = iter(
        translator.translate_results([i.text or "" for i in readable], [i.id for i in readable])
    )
    results = []
    for item in items:
        if item.text is None:
            results.append(
                ItemResult(item.id, "failed", item.problem or "unreadable", None, item.record)
            )
            continue
        outcome = next(outcomes)
        if isinstance(outcome, UnsupportedLanguageError):
            reason = f"language '{outcome.fields['language']}'"
            results.append(ItemResult(item.id, "skipped", reason, None, item.record))
        elif isinstance(outcome, TranslatorError):
            results.append(ItemResult(item.id, "failed", str(outcome), None, item.record))
        else:
            status: Status = "translated" if outcome.translated else "passed"
            outcome.warnings[:0] = item.notes
            results.append(ItemResult(item.id, status, "", outcome, item.record))
    return results


def translate_stream(
    translator: Translator, items: Iterable[Item], batch_size: int = 64, jobs: int = 1
) -> Iterator[ItemResult]:
    """Yield the results of ``items`` in order, ``batch_size`` items a batch.

    Batches are translated on ``jobs`` worker threads (the engine releases the GIL while
    decoding); results still come in input order, and no more than ``2 × jobs`` batches
    are held in memory. The caller's thread only waits, so Ctrl-C reaches it at once:
    the batches in flight are abandoned (their items are not reported, so a rerun does
    them), nothing waits for them.
    """
    batches = _batches(iter(items), batch_size)
    workers = max(1, jobs)
    pool = ThreadPoolExecutor(workers, thread_name_prefix="translator-bulk")
    try:
        pending = [
            pool.submit(translate_items, translator, b) for b in islice(batches, 2 * workers)
        ]
        while pending:
            results = pending.pop(0).result()
            pending.extend(pool.submit(translate_items, translator, b) for b in islice(batches, 1))
            yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while batch := list(islice(items, size)):
        yield batch


@dataclass
class _ReportState:
    entries: list[tuple[dict[str, Any], int]] = field(default_factory=list)  # (entry, line end)
    latest: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)  # (id, n) →
    summary: BulkSummary = field(default_factory=BulkSummary)
    outputs: set[str] = field(default_factory=set)  # output names taken, case-folded
    damaged: list[int] = field(default_factory=list)  # line numbers skipped
    size: int = 0  # bytes of complete lines


def _entry(line: bytes) -> dict[str, Any] | None:
    """A report line as a dict, or ``None`` when it is not one of ours."""
    try:
        entry = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return None
    return entry if entry.get("status") in ("translated", "passed", "skipped", "failed") else None


def _read_report(path: Path) -> _ReportState:
    """Read a report left by an earlier run; a last line cut off by a crash does not count.

    Raises:
        ArchiveError: the file is not a report of ours (its first line is not one).
    """
    state = _ReportState()
    if not path.exists():
        return state
    if not path.is_file():
        raise ArchiveError(path=path, problem="the report must be a regular file")
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    state.size = len(complete)
    end = 0
    for number, line in enumerate(complete.splitlines(keepends=True), start=1):
        end += len(line)
        entry = _entry(line)
        if entry is None:
            if number == 1:
                raise ArchiveError(path=path, problem="not a bulk report; refusing to append")
            state.damaged.append(number)
            continue
        state.entries.append((entry, end))
        occurrence = entry.get("n", 0)
        state.latest[(entry["id"], occurrence if isinstance(occurrence, int) else 0)] = entry
        if isinstance(entry.get("output"), str):
            state.outputs.add(entry["output"].casefold())
    for entry in state.latest.values():
        state.summary.add(entry["id"], entry["status"], str(entry.get("reason", "")))
    state.summary.resumed = sum(1 for e in state.latest.values() if e["status"] != "failed")
    return state


class _Appended:
    """A file written at its end and made durable on demand."""

    _file: IO[Any]

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self.sync()
        self._file.close()


class _Report(_Appended):
    """The report file, which doubles as the resume manifest, locked while a run writes.

    The lock is an OS file lock (``flock``) on the report itself: a second run on the
    same OUTPUT is refused, and a run killed with ``kill -9`` leaves no stale lock.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._file.close()
            problem = "another bulk run is writing this output; wait for it or stop it"
            raise OutputLockedError(path=path, problem=problem) from None
        try:
            self.state = _read_report(path)
        except ArchiveError:
            self._file.close()
            raise
        self._file.truncate(self.state.size)  # a line a crash cut off

    def truncate(self, size: int) -> None:
        """Forget every line after the first ``size`` bytes."""
        self._file.flush()
        self._file.truncate(size)

    def add(
        self, result: ItemResult, output: str | None, offset: int | None, mark: tuple[int, str]
    ) -> None:
        occurrence, digest = mark
        entry: dict[str, Any] = {"id": result.id, "status": result.status, "reason": result.reason}
        if occurrence:
            entry["n"] = occurrence  # the id's n-th repeat in the input
        entry["digest"] = digest
        if result.translation is not None:
            entry["source_language"] = result.translation.source_language
            if result.translation.warnings:
                entry["warnings"] = result.translation.warnings
        if output is not None:
            entry["output"] = output
        if offset is not None:
            entry["offset"] = offset
        # ASCII escapes: an id from a non-UTF-8 file name (a lone surrogate) stays readable.
        self._file.write(json.dumps(entry) + "\n")


class _JsonlOutput(_Appended):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "ab")  # noqa: SIM115  # cut back by _Resume when needed

    def truncate(self, offset: int) -> None:
        """Drop what was written after ``offset`` (appends then go on from there)."""
        self._file.flush()
        self._file.truncate(offset)

    def size(self) -> int:
        """How many bytes the file holds now."""
        self._file.flush()
        return os.fstat(self._file.fileno()).st_size

    def write(self, result: ItemResult) -> int:
        record: dict[str, Any] = dict(result.record) if result.record else {"id": result.id}
        translation = result.translation
        record.update(
            {
                "translation": translation.text if translation else None,
                "source_language": translation.source_language if translation else None,
                "confidence": translation.confidence if translation else None,
                "status": result.status,
                "warnings": translation.warnings if translation else [result.reason],
            }
        )
        if translation and translation.glossary_hits:
            record["glossary_hits"] = translation.to_dict()["glossary_hits"]
        # A lone surrogate from the input is written as its JSON escape (\\ud800).
        line = json.dumps(record, ensure_ascii=False) + "\n"
        self._file.write(line.encode("utf-8", errors="backslashreplace"))
        # To the OS before the report line is written: a killed run never leaves a
        # report ahead of its output (a power cut is handled by the resume's check).
        self._file.flush()
        return self._file.tell()


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
) -> Generator[ItemResult, None, None]:
    """Translate everything in ``source`` into ``destination``; yield each new result.

    ``destination`` is a folder (mirroring relative paths, ``name.en.txt``) or, when it
    ends in ``.jsonl``, one JSONL file. Items already in the report are skipped. With
    ``xliff`` (a folder), each translated article is also written there for
    post-editing (``name.en.xlf``, XLIFF ``xliff_version``). ``backend="ray"`` sends the
    batches to a pool of Ray actors (``ray`` says where and how many); everything else,
    and the output bytes, stay as with ``local``.

    Raises:
        ArchiveError: the input is missing, unsupported or corrupt, or the output would
            be inside the input in a way that cannot be excluded.
    """
    source_path, target = Path(source), Path(destination)
    to_jsonl = target.name.lower().endswith(".jsonl")
    report_path = Path(report) if report else _default_report(target, to_jsonl)
    _check_paths(source_path, target, report_path)
    if xliff is not None:
        _check_folder(Path(xliff))
    if not to_jsonl and target.is_dir():
        remove_partials(target)  # what a killed run was writing; once, not per file
    manifest = _Report(report_path)
    jsonl = _JsonlOutput(target) if to_jsonl else None
    resume = _Resume(manifest, jsonl, translator.settings_key(), target)
    items = iter_items(
        source_path,
        text_field=text_field,
        id_field=id_field,
        max_bytes=max_bytes,
        exclude=() if to_jsonl else (target,),  # an output folder inside the input
    )
    taken = manifest.state.outputs
    xliff_taken: set[str] = set()
    try:
        pending = 0
        todo = resume.todo(items)
        for result in _stream(translator, todo, batch_size, jobs, backend, ray):
            yield from resume.drain()
            mark = resume.next_mark()
            output, offset = None, None
            if jsonl is not None:
                offset = jsonl.write(result)
            elif result.translation is not None:
                output = resume.outputs.get((result.id, mark[0])) or unique_output_name(
                    result.id, taken
                )
                taken.add(output.casefold())
                write_atomic(_within(target, output), result.translation.text, clean=False)
            if xliff is not None and result.translation is not None:
                name = output or unique_output_name(result.id, xliff_taken)
                xliff_taken.add(name.casefold())
                _write_xliff(result, _within(Path(xliff), name.rpartition(".")[0] + ".xlf"),
                             xliff_version)  # fmt: skip
            manifest.add(result, output, offset, mark)
            yield result
            pending += 1
            if pending >= batch_size:
                if jsonl is not None:
                    jsonl.sync()  # the output is durable before the report says so
                manifest.sync()
                pending = 0
        yield from resume.drain()
        resume.finish()
    finally:
        if jsonl is not None:
            jsonl.close()
        manifest.close()


class _Resume:
    """Decide, item by item, what an earlier run did that need not be done again.

    An item is done when the report holds it (by id and repeat) with the same digest
    (of its text and the translator's settings: model, decoding, glossary, quote style,
    guarantees) and a status other than ``failed``. A folder output redoes just the
    items that changed or failed, under their old output names. A JSONL output is
    positional: the longest unchanged prefix is kept and everything after the first
    changed item is written again (output and report cut back to that point).
    """

    def __init__(
        self, manifest: _Report, jsonl: _JsonlOutput | None, key: str, folder: Path
    ) -> None:
        self.manifest, self.jsonl, self.key, self.folder = manifest, jsonl, key, folder
        self.state = manifest.state
        # What the output really holds: a report written ahead of its output (a crash
        # between the two) must not count items whose output never reached the disk.
        self.written = jsonl.size() if jsonl is not None else 0
        self.seen: Counter[str] = Counter()
        self.position = 0  # JSONL: the report entry the next item must match
        self.redoing = False
        # In input order: a resumed result, or the (repeat, digest) of an item to translate.
        self.queue: deque[ItemResult | tuple[int, str]] = deque()
        self.outputs: dict[tuple[str, int], str] = {}  # earlier output names, reused

    def todo(self, items: Iterable[Item]) -> Iterator[Item]:
        """The items to translate; the others become resumed results (see :meth:`drain`)."""
        for item in items:
            repeat = self.seen[item.id]
            self.seen[item.id] += 1
            content = item.text if item.text is not None else f"problem: {item.problem}"
            checksum = digest(f"{self.key}\n{content}")
            entry = self._match(item.id, repeat, checksum)
            if entry is not None:
                self.queue.append(
                    ItemResult(item.id, entry["status"], str(entry.get("reason", "")),
                               record=item.record, resumed=True)
                )  # fmt: skip
                continue
            self.queue.append((repeat, checksum))
            yield item

    def _match(self, item_id: str, repeat: int, digest: str) -> dict[str, Any] | None:
        def unchanged(entry: dict[str, Any]) -> bool:
            return entry["status"] != "failed" and entry.get("digest") == digest

        if self.jsonl is None:
            entry = self.state.latest.get((item_id, repeat))
            output = entry.get("output") if entry is not None else None
            if isinstance(output, str):
                self.outputs[(item_id, repeat)] = output
                if not _within(self.folder, output).is_file():
                    return None
            return entry if entry is not None and unchanged(entry) else None
        if not self.redoing and self.position < len(self.state.entries):
            entry = self.state.entries[self.position][0]
            on_disk = int(entry.get("offset", 0)) <= self.written
            same = (entry["id"], entry.get("n", 0)) == (item_id, repeat)
            if same and on_disk and unchanged(entry):
                self.position += 1
                return entry
        if not self.redoing:
            self.redoing = True
            self._cut()
        return None

    def _cut(self) -> None:
        """JSONL: drop output and report lines after the kept prefix."""
        assert self.jsonl is not None
        if self.position:
            entry, end = self.state.entries[self.position - 1]
            self.jsonl.truncate(int(entry.get("offset", 0)))
            self.manifest.truncate(end)
        else:
            self.jsonl.truncate(0)
            self.manifest.truncate(0)

    def drain(self) -> Iterator[ItemResult]:
        """The resumed results before the next item to translate, in input order."""
        while self.queue and isinstance(self.queue[0], ItemResult):
            yield self.queue.popleft()  # type: ignore[misc]

    def next_mark(self) -> tuple[int, str]:
        """The (repeat, digest) of the next translated item (after :meth:`drain`)."""
        mark = self.queue.popleft()
        assert not isinstance(mark, ItemResult)
        return mark

    def finish(self) -> None:
        """At the end: a JSONL output keeps no more than the items the input still has."""
        if self.jsonl is not None and not self.redoing:
            self._cut()


def _check_paths(source: Path, target: Path, report: Path) -> None:
    """Refuse, before any work, an output or report that is an input or cannot be written."""
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
    check_output(target if to_jsonl else target / REPORT_NAME, source)
    walked = (
        source.is_dir()
        and report.resolve().is_relative_to(source.resolve())
        and not report.resolve().is_relative_to(target.resolve())
        and report.suffix.lower() in TEXT_SUFFIXES
    )
    if report.resolve() == source.resolve() or walked:
        raise ArchiveError(path=report, problem="the report must not be an input")


def previous_summary(
    destination: str | os.PathLike[str], report: str | os.PathLike[str] | None = None
) -> BulkSummary:
    """What an earlier, interrupted run of the same command already did (read only)."""
    target = Path(destination)
    path = Path(report) if report else _default_report(target, target.name.endswith(".jsonl"))
    state = _read_report(path)
    state.summary.damaged = state.damaged
    return state.summary


def _default_report(target: Path, to_jsonl: bool) -> Path:
    return target.with_name(target.name + ".report.jsonl") if to_jsonl else target / REPORT_NAME


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


def _write_xliff(result: ItemResult, path: Path, version: Version) -> None:
    """An item's XLIFF; a text XML cannot carry fails that file only (a warning)."""
    translation = result.translation
    assert translation is not None
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


def _within(folder: Path, relative: str) -> Path:
    """``folder / relative``, refusing any path that would land outside ``folder``."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ArchiveError(path=relative, problem="output path outside the output folder")
    return path
