"""Batching across requests: what arrives within a few milliseconds is translated together.

One worker thread takes every request waiting (up to a bound on characters), groups
them by the translator they need and their kind (text, HTML, a wire document), and makes one
``translate`` call per group: sixteen clients at once cost one batch, not sixteen.
While a batch decodes, the next requests gather. The queue is bounded: a request that
would overflow it is refused at once (:class:`~translator.errors.ServiceBusyError`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field

from translator.errors import ServiceBusyError, TranslatorError
from translator.pipeline import Translation

__all__ = ["Batcher", "Results"]

Results = list["Translation | TranslatorError"]
#: Translates one group: (translator key, kind: text, html or wire, texts) → a result per text.
RunGroup = Callable[[Hashable, str, list[str]], Results]


@dataclass
class _Job:
    key: Hashable
    kind: str
    texts: list[str]
    future: Future[Results] = field(default_factory=Future)

    @property
    def size(self) -> int:
        return sum(len(text) for text in self.texts)


class Batcher:
    """Collects requests from many threads and translates them in shared batches.

    Args:
        run: Translates one group of texts (one translator, one kind: text, HTML, wire).
        window: Seconds to wait after the first request for others of the same moment.
        max_queue: Texts that may wait at once; more are refused.
        max_batch_chars: A batch takes waiting requests up to about this many characters.
    """

    def __init__(
        self,
        run: RunGroup,
        *,
        window: float = 0.005,
        max_queue: int = 1024,
        max_batch_chars: int = 200_000,
    ) -> None:
        self._run = run
        self.window = window
        self.max_queue = max_queue
        self.max_batch_chars = max_batch_chars
        self._pending: list[_Job] = []
        self._queued = 0
        self._closed = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="translator-batcher", daemon=True)
        self._thread.start()

    @property
    def queued(self) -> int:
        """How many texts wait for a batch."""
        return self._queued

    def submit(self, key: Hashable, kind: str, texts: list[str]) -> Future[Results]:
        """Queue ``texts``; the future gives a result per text, in order.

        Raises:
            ServiceBusyError: the queue is full, or the service is shutting down.
        """
        job = _Job(key, kind, list(texts))
        with self._wake:
            if self._closed:
                raise ServiceBusyError(problem="the service is shutting down")
            if self._queued and self._queued + len(job.texts) > self.max_queue:
                raise ServiceBusyError(problem=f"{self._queued} texts are waiting already")
            self._pending.append(job)
            self._queued += len(job.texts)
            self._wake.notify()
        return job.future

    def close(self, timeout: float | None = None) -> None:
        """Finish what is queued, then stop the worker."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if not self._pending:
                    return
            time.sleep(self.window)  # let the requests of the same moment arrive
            self._translate(self._take())

    def _take(self) -> list[_Job]:
        """The waiting jobs of the next batch, oldest first, up to the character bound."""
        with self._wake:
            taken: list[_Job] = []
            size = 0
            while self._pending and (
                not taken or size + self._pending[0].size <= self.max_batch_chars
            ):
                job = self._pending.pop(0)
                taken.append(job)
                size += job.size
                self._queued -= len(job.texts)
        return [job for job in taken if job.future.set_running_or_notify_cancel()]

    def _translate(self, jobs: list[_Job]) -> None:
        groups: dict[tuple[Hashable, str], list[_Job]] = {}
        for job in jobs:
            groups.setdefault((job.key, job.kind), []).append(job)
        for (key, kind), group in groups.items():
            texts = [text for job in group for text in job.texts]
            try:
                results = self._run(key, kind, texts)
            except Exception as error:  # noqa: BLE001 - every waiting request must hear of it
                for job in group:
                    job.future.set_exception(error)
                continue
            start = 0
            for job in group:
                job.future.set_result(results[start : start + len(job.texts)])
                start += len(job.texts)
