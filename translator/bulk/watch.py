"""Watch an inbox: translate each item that arrives, the moment it is whole.

An item is any file the inbox receives (text, or a wire document: Ritzau XML,
NewsML-G2, NITF, ninjs), except what is still being written: dotfiles, ``*.tmp``,
``*.part`` and the like are ignored, and a file is read only once its size and
modification time have stayed the same for ``settle`` seconds. Its translation is
written atomically into the outbox under the item's name, a line goes to the report
(as ``bulk``'s: ``OUTBOX/_report.jsonl``), and the original moves to ``INBOX/done/``
(or ``INBOX/failed/``). Whatever arrived while the watcher was down is picked up when
it starts; an item the report already holds with the same content is moved, not
translated again. The inbox is scanned every ``poll`` seconds; with the optional
``watchfiles`` package (``translator[watch]``) a scan also follows each file event at
once, and ``poll`` is only the fallback (network shares send no events).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from translator.bulk.items import ItemResult, translate_items
from translator.bulk.report import Report
from translator.bulk.sources import REPORT_NAME, Item
from translator.errors import OutputFileError, TranslatorError
from translator.io import digest, read_noted, write_atomic
from translator.pipeline import Translator

__all__ = ["WatchOptions", "Watched", "watch"]

#: Names a writer uses while a file is unfinished.
PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
DONE, FAILED = "done", "failed"


@dataclass(frozen=True)
class WatchOptions:
    """How the inbox is watched.

    Attributes:
        poll: Seconds between scans (the only way on network shares).
        settle: Seconds a file's size and modification time must stay unchanged.
        events: Wake on file events too, when ``watchfiles`` is installed.
        max_bytes: Larger files fail (moved to ``failed/``).
        batch_size: Items translated together when many arrive at once.
    """

    poll: float = 1.0
    settle: float = 1.0
    events: bool = True
    max_bytes: int = 5_000_000
    batch_size: int = 32


@dataclass(frozen=True)
class Watched:
    """One item handled: its result, where it went, and how long it waited.

    Attributes:
        result: As in a bulk run.
        output: The translation's path (``None`` when none was written).
        moved_to: Where the original is now.
        delay: Seconds from the file's last change to its translation on disk.
    """

    result: ItemResult
    output: Path | None
    moved_to: Path
    delay: float


def watch(
    inbox: str | os.PathLike[str],
    outbox: str | os.PathLike[str],
    translator: Translator,
    options: WatchOptions | None = None,
    stop: threading.Event | None = None,
) -> Iterator[Watched]:
    """Translate what arrives in ``inbox`` into ``outbox`` until ``stop`` is set.

    The item in flight is always finished (written, reported and moved) before this
    returns. Yields each item handled.

    Raises:
        OutputFileError: a folder cannot be made, or ``outbox`` is inside ``inbox``.
        OutputLockedError: another watcher or bulk run writes to ``outbox``.
    """
    options = options or WatchOptions()
    stop = stop or threading.Event()
    source, target = Path(inbox), Path(outbox)
    _prepare(source, target)
    report = Report(target / REPORT_NAME)
    done = {(e["id"], e.get("digest")) for e, _ in report.state.entries if e["status"] != "failed"}
    key = translator.settings_key()
    seen: dict[Path, tuple[int, int, float]] = {}  # path → (size, mtime, since)
    wake = _waker(source, options, stop)
    try:
        while not stop.is_set():
            ready = _settled(source, seen, options.settle)
            for start in range(0, len(ready), options.batch_size):
                batch = ready[start : start + options.batch_size]
                yield from _handle(batch, source, target, translator, report, done, key, options)
                for path in batch:
                    seen.pop(path, None)
            if not ready:
                wake()
    finally:
        report.close()


def _prepare(source: Path, target: Path) -> None:
    for folder in (source, source / DONE, source / FAILED, target):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputFileError(path=folder, problem=error.strerror or str(error)) from None
    if target.resolve() == source.resolve() or target.resolve().is_relative_to(source.resolve()):
        raise OutputFileError(path=target, problem="the outbox must not be inside the inbox")


def _candidates(source: Path) -> list[Path]:
    """The inbox's files that may be items (not hidden, not unfinished), by name."""
    try:
        entries = sorted(os.scandir(source), key=lambda e: e.name)
    except OSError:
        return []
    return [
        Path(entry.path)
        for entry in entries
        if entry.is_file(follow_symlinks=False)
        and not entry.name.startswith(".")
        and not entry.name.lower().endswith(PARTIAL_SUFFIXES)
    ]


def _settled(source: Path, seen: dict[Path, tuple[int, int, float]], settle: float) -> list[Path]:
    """The candidates whose size and mtime have not changed for ``settle`` seconds."""
    now, ready = time.monotonic(), []
    present = set()
    for path in _candidates(source):
        try:
            info = path.stat()
        except OSError:
            continue
        present.add(path)
        size, mtime = info.st_size, info.st_mtime_ns
        previous = seen.get(path)
        if previous is None or previous[:2] != (size, mtime):
            seen[path] = (size, mtime, now)
        elif now - previous[2] >= settle and size > 0:
            ready.append(path)
    for gone in set(seen) - present:
        del seen[gone]
    return ready


def _handle(
    batch: list[Path],
    source: Path,
    target: Path,
    translator: Translator,
    report: Report,
    done: set[tuple[str, str | None]],
    key: str,
    options: WatchOptions,
) -> Iterator[Watched]:
    """Translate, write, report and move one batch of settled items."""
    items, changed = [], {}
    for path in batch:
        changed[path.name] = path.stat().st_mtime
        try:
            text, notes = read_noted(path, options.max_bytes)
        except TranslatorError as error:
            items.append(Item(path.name, problem=str(error.fields.get("problem", error))))
            continue
        items.append(Item(path.name, text, notes=tuple(notes)))
    marks = {i.id: digest(f"{key}\n{i.text}") if i.text is not None else "" for i in items}
    todo = [i for i in items if (i.id, marks[i.id]) not in done]
    results = {r.id: r for r in translate_items(translator, todo)}
    for item in items:
        result = results.get(item.id)
        if result is None:  # translated before a restart: only the move was left to do
            moved = _move(source / item.id, source / DONE)
            yield Watched(ItemResult(item.id, "translated", "done before"), None, moved, 0.0)
            continue
        output = None
        if result.translation is not None:
            output = target / _output_name(target, item.id, report.state.outputs)
            write_atomic(output, result.translation.text)
            report.state.outputs.add(output.name.casefold())
        report.add(result, output.name if output else None, None, (0, marks[item.id]))
        report.sync()
        done.add((item.id, marks[item.id]))
        folder = FAILED if result.status == "failed" else DONE
        moved = _move(source / item.id, source / folder)
        yield Watched(result, output, moved, time.time() - changed[item.id])


def _output_name(target: Path, name: str, ours: set[str]) -> str:
    """The item's own name, unless a file we did not write has it (then one beside it)."""
    if name.casefold() in ours or not (target / name).exists():
        return name
    stem, dot, suffix = name.rpartition(".")
    return f"{stem or suffix}~{digest(name + str(time.time()))}{dot}{suffix if stem else ''}"


def _move(path: Path, folder: Path) -> Path:
    """Move ``path`` into ``folder``, never over a file already there."""
    destination = folder / path.name
    serial = 0
    while destination.exists():
        serial += 1
        destination = folder / f"{path.stem}~{serial}{path.suffix}"
    os.replace(path, destination)
    return destination


def _waker(source: Path, options: WatchOptions, stop: threading.Event) -> Callable[[], None]:
    """A function that waits until the next scan is due: the poll interval, or sooner
    when ``watchfiles`` reports a change."""
    interval = options.poll
    if options.events:
        try:
            import watchfiles
        except ImportError:
            pass
        else:
            changes = watchfiles.watch(
                source,
                stop_event=stop,
                rust_timeout=int(interval * 1000),
                yield_on_timeout=True,
                debounce=50,
                recursive=False,
            )

            def wait_for_events() -> None:
                next(changes, None)

            return wait_for_events

    def wait() -> None:
        stop.wait(interval)

    return wait
