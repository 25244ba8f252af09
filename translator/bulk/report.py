"""The report of a bulk run: one fsynced line per finished item, and resuming from it.

The report (``OUTPUT/_report.jsonl`` by default) is also the progress manifest. A rerun
of the same command reads it, trusts a line only when its output is on disk, skips what
is done and goes on, so nothing is translated twice and nothing is lost.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from translator.bulk.sources import REPORT_NAME, Item
from translator.errors import (
    ArchiveError,
    OutputLockedError,
)
from translator.io import (
    digest,
)

if TYPE_CHECKING:
    pass

from translator.bulk.items import BulkSummary, ItemResult


@dataclass
class ReportState:
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
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return None
    return entry if entry.get("status") in ("translated", "passed", "skipped", "failed") else None


def read_report(path: Path) -> ReportState:
    """Read a report left by an earlier run; a last line cut off by a crash does not count.

    Raises:
        ArchiveError: the file is not a report of ours (its first line is not one).
    """
    state = ReportState()
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


class Appended:
    """A file written at its end and made durable on demand."""

    _file: IO[Any]

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self.sync()
        self._file.close()


class Report(Appended):
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
            self.state = read_report(path)
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


class JsonlOutput(Appended):
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "ab")  # noqa: SIM115  # cut back by Resume when needed

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


class Resume:
    """Decide, item by item, what an earlier run did that need not be done again.

    An item is done when the report holds it (by id and repeat) with the same digest
    (of its text and the translator's settings: model, decoding, glossary, quote style,
    guarantees) and a status other than ``failed``. A folder output redoes just the
    items that changed or failed, under their old output names. A JSONL output is
    positional: the longest unchanged prefix is kept and everything after the first
    changed item is written again (output and report cut back to that point).
    """

    def __init__(self, manifest: Report, jsonl: JsonlOutput | None, key: str, folder: Path) -> None:
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
                if not within(self.folder, output).is_file():
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


def previous_summary(
    destination: str | os.PathLike[str], report: str | os.PathLike[str] | None = None
) -> BulkSummary:
    """What an earlier, interrupted run of the same command already did (read only)."""
    target = Path(destination)
    path = Path(report) if report else default_report(target, target.name.endswith(".jsonl"))
    state = read_report(path)
    state.summary.damaged = state.damaged
    return state.summary


def default_report(target: Path, to_jsonl: bool) -> Path:
    return target.with_name(target.name + ".report.jsonl") if to_jsonl else target / REPORT_NAME


def within(folder: Path, relative: str) -> Path:
    """``folder / relative``, refusing any path that would land outside ``folder``."""
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ArchiveError(path=relative, problem="output path outside the output folder")
    return path
