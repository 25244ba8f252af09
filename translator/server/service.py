"""What the HTTP service does, apart from HTTP: translators, batching, detection, files.

One model is loaded once and shared: the translator for detected text, one that takes
the text as Danish when a client says so (``source=da``), and a few more for the
glossaries and quote styles that requests name (least recently used dropped). Every
translation goes through the :class:`~translator.server.batcher.Batcher`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import shutil
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from translator.engines.base import Hypothesis, search
from translator.errors import RequestError, RequestTimeoutError, TranslatorError
from translator.formats import glossary as glossary_mod
from translator.io import write_atomic
from translator.markup import translate_html
from translator.pipeline import Translation, Translator
from translator.server.batcher import Batcher, Results
from translator.wire import translate_wire

__all__ = ["FileStore", "ServerOptions", "Service"]

#: How a request names its translator: source mode, quote style, glossary digest.
Key = tuple[str, str, str]
SOURCES = ("auto", "da", "en")
QUOTE_STYLES = ("source", "english")


@dataclass(frozen=True)
class ServerOptions:
    """How the service behaves.

    Attributes:
        api_keys: Keys a request must carry (none: no key needed).
        char_limit: The longest text a request may send, in characters (-1: no limit).
        batch_limit: The most texts one request may send (-1: no limit).
        alternatives_limit: The most alternatives a request may ask for.
        max_queue: Texts that may wait for a batch at once; more get 429.
        max_body_bytes: The largest request body read (413 beyond it).
        timeout: Seconds a request waits for its translation (500 beyond it).
        window: Seconds a batch waits for other requests of the same moment.
        cors_origins: Origins allowed to call the API from a browser (none: no CORS).
        max_files: Translated files kept for download (oldest removed first).
    """

    api_keys: frozenset[str] = frozenset()
    char_limit: int = 50_000
    batch_limit: int = 256
    alternatives_limit: int = 3
    max_queue: int = 2048
    max_body_bytes: int = 10_000_000
    timeout: float = 120.0
    window: float = 0.005
    cors_origins: tuple[str, ...] = ()
    max_files: int = 200


class FileStore:
    """Translated files for download: only names this store wrote are ever served."""

    def __init__(self, limit: int = 200) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="translator-serve-"))
        self.limit = limit
        self._files: OrderedDict[str, Path] = OrderedDict()
        self._lock = threading.Lock()

    def save(self, name: str, text: str) -> str:
        """Keep ``text`` under a new download name (a random id, then ``name`` made safe)."""
        safe = re.sub(r"[^\w.-]+", "_", Path(name).name).strip("._")[:100] or "translation.txt"
        file_id = f"{uuid.uuid4().hex}.{safe}"
        path = self.folder / file_id
        write_atomic(path, text)
        with self._lock:
            self._files[file_id] = path
            while len(self._files) > self.limit:
                _, old = self._files.popitem(last=False)
                old.unlink(missing_ok=True)
        return file_id

    def path(self, file_id: str) -> Path | None:
        """The file saved as ``file_id``, or ``None`` when this store did not write it."""
        with self._lock:
            return self._files.get(file_id)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class Service:
    """The translators, the batcher and the files of one running service.

    Args:
        translator: The translator for detected text; its model, glossary, quote style
            and guarantees are every other translator's too.
        options: Limits and keys.
    """

    translator: Translator
    options: ServerOptions = field(default_factory=ServerOptions)

    def __post_init__(self) -> None:
        default = (self.translator.quote_style, "")
        self._translators: OrderedDict[Key, Translator] = OrderedDict(
            {("auto", *default): self.translator}
        )
        self._lock = threading.Lock()
        self.batcher = Batcher(
            self._run, window=self.options.window, max_queue=self.options.max_queue
        )
        self.files = FileStore(self.options.max_files)

    def load(self) -> None:
        """Load the model now (the first request does not wait for it)."""
        self.translator.engine_for("da")

    def close(self) -> None:
        """Finish the queued requests and remove the downloads."""
        self.batcher.close()
        self.files.close()

    def key(self, source: str, quote_style: str | None = None, glossary: str = "") -> Key:
        """The translator for a request: ``source`` ``auto`` or ``da``, a quote style and a
        TSV glossary over the service's own (both optional).

        Raises:
            RequestError: an unknown quote style, or a glossary that does not parse.
        """
        style = quote_style or self.translator.quote_style
        if style not in QUOTE_STYLES:
            raise RequestError(
                problem=f"Invalid request: quote_style must be one of {', '.join(QUOTE_STYLES)}"
            )
        digest = hashlib.sha256(glossary.encode()).hexdigest()[:16] if glossary else ""
        key = (source, style, digest)
        with self._lock:
            if key in self._translators:
                self._translators.move_to_end(key)
                return key
        self._add(key, glossary)
        return key

    def _add(self, key: Key, glossary: str) -> None:
        source, style, _ = key
        options = self.translator.replica_options()
        if glossary:
            try:
                extra = glossary_mod.parse(glossary, "glossary")
            except TranslatorError as error:
                raise RequestError(problem=f"Invalid request: {error}") from None
            options["glossary"] = self.translator.glossary.merged(extra)
        options.update(quote_style=style, source_language=None if source == "auto" else source)
        if self.translator.translation_memory is not None:  # the same memory, its own connection
            options["translation_memory"] = self.translator.translation_memory.path
        engine = self.translator.engine_for("da")
        with self._lock:
            self._translators[key] = Translator(engine, **options)
            while len(self._translators) > 8:
                oldest = next(iter(self._translators))
                if (
                    oldest[0] == "auto"
                    and oldest[2] == ""
                    and oldest[1] == self.translator.quote_style
                ):
                    self._translators.move_to_end(oldest)
                    continue
                self._translators.popitem(last=False)

    def _translator(self, key: Hashable) -> Translator:
        with self._lock:
            return self._translators.get(key) or self.translator  # type: ignore[call-overload]

    def _run(self, key: Hashable, kind: str, texts: list[str]) -> Results:
        translator = self._translator(key)
        if kind == "html":
            return translate_html(translator, texts)
        if kind == "wire":
            return translate_wire(translator, texts, [f"file {n + 1}" for n in range(len(texts))])
        return list(translator.translate_results(texts))

    async def translate(self, key: Key, texts: list[str], kind: str = "text") -> Results:
        """Translate ``texts`` in the next shared batch; a result or an error per text.

        Raises:
            ServiceBusyError: the queue is full.
            RequestTimeoutError: no result within the service's timeout.
        """
        future = self.batcher.submit(key, kind, texts)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.options.timeout)
        except asyncio.TimeoutError:
            raise RequestTimeoutError(seconds=self.options.timeout) from None

    def alternatives(self, key: Key, result: Translation, count: int) -> list[str]:
        """Up to ``count`` other translations of an article: each sentence's next-best
        hypotheses from the model (without the guarantees' repairs)."""
        translator = self._translator(key)
        segments = [unit.source for unit in result.units if unit.translatable]
        if not segments or count < 1:
            return []
        found = search(translator.engine_for(result.source_language), segments, count + 1)
        options: list[str] = []
        for rank in range(1, count + 1):
            hypotheses = iter(found)
            text = "".join(
                _pick(next(hypotheses), rank, unit.target) if unit.translatable else unit.target
                for unit in result.units
            )
            if text != result.text and text not in options:
                options.append(text)
        return options


def _pick(hypotheses: list[Hypothesis], rank: int, chosen: str) -> str:
    return hypotheses[rank].text if rank < len(hypotheses) else chosen


def file_kind(name: str) -> str:
    """``html`` for an HTML file name, ``text`` for a text file, ``wire`` for a wire
    document (``.xml``, ``.json``: Ritzau XML, NewsML-G2, NITF, ninjs); ``""`` else."""
    suffix = os.path.splitext(name)[1].lower()
    kinds = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
    return kinds.get(suffix, "wire" if suffix in (".xml", ".json") else "")
