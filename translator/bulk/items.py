"""The pure step of a bulk run: a batch of items in, one result each out, in order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

from translator.bulk.sources import Item
from translator.errors import CancelledItemError, TranslatorError, UnsupportedLanguageError
from translator.io import WIRE_SUFFIXES
from translator.pipeline import Translation, Translator
from translator.wire import is_wire, translate_wire

Status = Literal["translated", "passed", "skipped", "failed"]


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

    Items that could not be read fail; English passes; other languages, and wire items
    the agency withdrew, are skipped. Wire documents (by content, or an ``.xml`` or
    ``.json`` id) come back in their own format.
    """
    outcomes = iter(_outcomes(translator, [item for item in items if item.text is not None]))
    results = []
    for item in items:
        if item.text is None:
            results.append(
                ItemResult(item.id, "failed", item.problem or "unreadable", None, item.record)
            )
        else:
            results.append(_result(item, next(outcomes)))
    return results


def translate_isolated(translator: Translator, items: list[Item]) -> list[ItemResult]:
    """:func:`translate_items`, where an item whose translation raises (a bug, an
    engine that crashes on one input) fails alone: the batch is halved until that item
    is found, and every other item keeps its result."""
    try:
        return translate_items(translator, items)
    except Exception as error:  # noqa: BLE001  # one bad item never stops a run
        if len(items) == 1:
            reason = f"cannot be translated: {type(error).__name__}: {error}".splitlines()[0]
            return [ItemResult(items[0].id, "failed", reason, None, items[0].record)]
        half = len(items) // 2
        return translate_isolated(translator, items[:half]) + translate_isolated(
            translator, items[half:]
        )


def _outcomes(translator: Translator, readable: list[Item]) -> list[Translation | TranslatorError]:
    """The outcome of each readable item, in order: texts and wire documents each in
    one batch."""
    wire = [_is_wire(item) for item in readable]
    texts = [i for i, w in zip(readable, wire, strict=True) if not w]
    documents = [i for i, w in zip(readable, wire, strict=True) if w]
    plain = iter(translator.translate_results([i.text or "" for i in texts], [i.id for i in texts]))
    wired = iter(_documents(translator, documents))
    return [next(wired) if w else next(plain) for w in wire]


def _documents(translator: Translator, items: list[Item]) -> list[Translation | TranslatorError]:
    formats = [i.format if i.format not in (None, "auto") else None for i in items]
    return translate_wire(translator, [i.text or "" for i in items], [i.id for i in items], formats)


def _is_wire(item: Item) -> bool:
    named = item.record is None and item.id.lower().endswith(WIRE_SUFFIXES)  # a file's name
    if item.format in (None, "auto") and named:
        return True
    return is_wire(item.text or "", item.format)


def _result(item: Item, outcome: Translation | TranslatorError) -> ItemResult:
    if isinstance(outcome, UnsupportedLanguageError):
        reason = f"language '{outcome.fields['language']}'"
        return ItemResult(item.id, "skipped", reason, None, item.record)
    if isinstance(outcome, CancelledItemError):
        return ItemResult(item.id, "skipped", "withdrawn by the agency", None, item.record)
    if isinstance(outcome, TranslatorError):  # one line in the report and the summary
        reason = "; ".join(str(outcome).splitlines())
        return ItemResult(item.id, "failed", reason, None, item.record)
    status: Status = "translated" if outcome.translated else "passed"
    outcome.warnings[:0] = item.notes
    return ItemResult(item.id, status, "", outcome, item.record)


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
            pool.submit(translate_isolated, translator, b) for b in islice(batches, 2 * workers)
        ]
        while pending:
            results = pending.pop(0).result()
            pending.extend(
                pool.submit(translate_isolated, translator, b) for b in islice(batches, 1)
            )
            yield from results
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while batch := list(islice(items, size)):
        yield batch
