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

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from translator.errors import ArchiveError, TranslatorError, UnsupportedLanguageError
from translator.pipeline import Translation, Translator
from translator.sources import DEFAULT_MAX_BYTES, REPORT_NAME, TEXT_SUFFIXES, Item, iter_items
from translator.textfile import remove_partials, write_atomic

Status = Literal["translated", "passed", "skipped", "failed"]
_UNSAFE_CHARS = re.compile(r"[^\w.\- ]+")


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
    """

    id: str
    status: Status
    reason: str = ""
    translation: Translation | None = None
    record: dict[str, Any] | None = None


@dataclass
class BulkSummary:
    """Counts of a bulk run, and the reasons of its failures."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    resumed: int = 0

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
            results.append(ItemResult(item.id, status, "", outcome, item.record))
    return results


def translate_stream(
    translator: Translator, items: Iterable[Item], batch_size: int = 64, jobs: int = 1
) -> Iterator[ItemResult]:
    """Yield the results of ``items`` in order, ``batch_size`` items a batch.

    With ``jobs`` > 1, that many batches are translated at once on threads (the engine
    releases the GIL while decoding); results still come in input order, and no more
    than ``2 × jobs`` batches are held in memory.
    """
    batches = _batches(iter(items), batch_size)
    if jobs <= 1:
        for batch in batches:
            yield from translate_items(translator, batch)
        return
    with ThreadPoolExecutor(jobs) as pool:
        pending = [pool.submit(translate_items, translator, b) for b in islice(batches, 2 * jobs)]
        while pending:
            results = pending.pop(0).result()
            pending.extend(pool.submit(translate_items, translator, b) for b in islice(batches, 1))
            yield from results


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while batch := list(islice(items, size)):
        yield batch


def output_name(item_id: str) -> str:
    """The relative output path of an item: ``a/b/name.txt`` → ``a/b/name.en.txt``."""
    path = PurePosixPath(item_id)
    parts = [_UNSAFE_CHARS.sub("_", part).strip(". ") or "_" for part in path.parts]
    name = parts[-1]
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix.lower()}" not in TEXT_SUFFIXES:
        stem, suffix = name, "txt"
    parts[-1] = f"{stem}.en.{suffix}"
    return "/".join(parts)


@dataclass
class _ReportState:
    done: set[str] = field(default_factory=set)
    offset: int = 0  # of the JSONL output, after the last reported item
    summary: BulkSummary = field(default_factory=BulkSummary)


def _read_report(path: Path) -> _ReportState:
    """Read a report left by an earlier run, dropping a last line cut off by a crash."""
    state = _ReportState()
    if not path.exists():
        return state
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if len(complete) != len(data):
        with open(path, "r+b") as out:
            out.truncate(len(complete))
    for line in complete.decode("utf-8").splitlines():
        entry = json.loads(line)
        state.done.add(entry["id"])
        state.summary.add(entry["id"], entry["status"], entry["reason"])
        state.offset = entry.get("offset", state.offset)
    state.summary.resumed = len(state.done)
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
    """The report file, which doubles as the resume manifest."""

    def __init__(self, path: Path) -> None:
        self.state = _read_report(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115

    def add(self, result: ItemResult, output: str | None, offset: int | None) -> None:
        entry: dict[str, Any] = {"id": result.id, "status": result.status, "reason": result.reason}
        if result.translation is not None:
            entry["source_language"] = result.translation.source_language
        if output is not None:
            entry["output"] = output
        if offset is not None:
            entry["offset"] = offset
        self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")


class _JsonlOutput(_Appended):
    def __init__(self, path: Path, offset: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "ab")  # noqa: SIM115
        self._file.truncate(offset)  # drop what was written after the last reported item
        self._file.seek(offset)

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
        self._file.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
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
) -> Iterator[ItemResult]:
    """Translate everything in ``source`` into ``destination``; yield each new result.

    ``destination`` is a folder (mirroring relative paths, ``name.en.txt``) or, when it
    ends in ``.jsonl``, one JSONL file. Items already in the report are skipped.

    Raises:
        ArchiveError: the input is missing, unsupported or corrupt, or the output would
            be inside the input in a way that cannot be excluded.
    """
    source_path, target = Path(source), Path(destination)
    to_jsonl = target.name.lower().endswith(".jsonl")
    if source_path.resolve() == target.resolve():
        raise ArchiveError(path=target, problem="the output must not be the input")
    report_path = Path(report) if report else _default_report(target, to_jsonl)
    if not to_jsonl and target.is_dir():
        remove_partials(target)  # what a killed run was writing; once, not per file
    manifest = _Report(report_path)
    jsonl = _JsonlOutput(target, manifest.state.offset) if to_jsonl else None
    items = iter_items(
        source_path,
        text_field=text_field,
        id_field=id_field,
        max_bytes=max_bytes,
        exclude=() if to_jsonl else (target,),  # an output folder inside the input
    )
    todo = (item for item in items if item.id not in manifest.state.done)
    try:
        pending = 0
        for result in translate_stream(translator, todo, batch_size, jobs):
            output, offset = None, None
            if jsonl is not None:
                offset = jsonl.write(result)
            elif result.translation is not None:
                output = output_name(result.id)
                write_atomic(_within(target, output), result.translation.text, clean=False)
            manifest.add(result, output, offset)
            yield result
            pending += 1
            if pending >= batch_size:
                if jsonl is not None:
                    jsonl.sync()  # the output is durable before the report says so
                manifest.sync()
                pending = 0
    finally:
        if jsonl is not None:
            jsonl.close()
        manifest.close()


def previous_summary(
    destination: str | os.PathLike[str], report: str | os.PathLike[str] | None = None
) -> BulkSummary:
    """What an earlier, interrupted run of the same command already did."""
    target = Path(destination)
    path = Path(report) if report else _default_report(target, target.name.endswith(".jsonl"))
    return _read_report(path).summary


def _default_report(target: Path, to_jsonl: bool) -> Path:
    return target.with_name(target.name + ".report.jsonl") if to_jsonl else target / REPORT_NAME


def _within(folder: Path, relative: str) -> Path:
    """``folder / relative``, refusing any path that would land outside ``folder``."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ArchiveError(path=relative, problem="output path outside the output folder")
    return path
