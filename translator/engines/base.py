"""The engine protocol, what an engine's search returns, and the lazy engine registry.

An engine is any object with ``translate_batch(sentences) -> translations``. The
pipeline sends it every sentence of many articles at once, so an engine should batch.
An engine may also offer ``search`` (see :class:`SearchEngine`): several scored
hypotheses per sentence, whether decoding finished, and a word alignment. The
guarantees use these to repair a sentence in its own context instead of translating
fragments of it; an engine without ``search`` still works, its problems are reported.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

#: The one language the translator writes.
TARGET_LANGUAGE = "en"
#: The language translated when none is forced.
SOURCE_LANGUAGE = "da"


@runtime_checkable
class Engine(Protocol):
    """Translates sentences; the only interface the pipeline needs.

    An engine may also carry a ``fingerprint`` string naming its model and decoding
    options (the translation memory's key); without one its type name is used.
    """

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """Return one translation per sentence, in order."""
        ...


@dataclass(frozen=True)
class Alignment:
    """Which source characters each run of target characters was translated from.

    Attributes:
        links: ``(source_start, source_end, target_start, target_end)`` per target
            piece: the piece's characters in the output and the source piece it
            attended to most.
    """

    links: tuple[tuple[int, int, int, int], ...]

    def words(self, start: int, end: int, text: str) -> list[tuple[int, int]]:
        """Each whole word of ``text`` linked to the source characters ``[start, end)``,
        left to right (however scattered: for choosing positions, not spans)."""
        found = set()
        for s0, s1, t0, t1 in self.links:
            if s0 < end and start < s1 and t1 > t0:
                t0, t1 = _whole_words(text, t0, t1)
                while t0 < t1 and not text[t0].isalnum():  # a mark before the word
                    t0 += 1
                if t0 < t1:
                    found.add((t0, t1))
        return sorted(found)

    def near(self, start: int, end: int, source: str, text: str) -> list[int]:
        """Where in ``text`` the source characters ``[start, end)`` belong when nothing
        aligns to them (a dropped word): after the words aligned to the nearest aligned
        source word before them, or before those of the nearest one after them."""
        points = []
        for before in reversed(list(re.finditer(r"\w+", source[:start]))):
            if words := self.words(*before.span(), text):
                points.append(words[-1][1])
                break
        for after in re.finditer(r"\w+", source[end:]):
            if words := self.words(end + after.start(), end + after.end(), text):
                points.append(words[0][0])
                break
        return points

    def target_span(
        self, start: int, end: int, text: str, exclusive: bool = False
    ) -> tuple[int, int] | None:
        """The whole words of ``text`` aligned to the source characters ``[start, end)``.

        Returns ``None`` when nothing aligns there, or when the aligned words are
        scattered over more than twice the source span's length (an unreliable link).
        With ``exclusive``, also when more than a quarter of the words in the span
        are aligned to source text outside ``[start, end)`` (a mark placed there
        would quote words the source did not quote).
        """
        hits = [(t0, t1) for s0, s1, t0, t1 in self.links if s0 < end and start < s1 and t1 > t0]
        if not hits:
            return None
        first, last = _whole_words(text, min(t0 for t0, _ in hits), max(t1 for _, t1 in hits))
        if last - first > 2 * (end - start) + 12:
            return None
        if exclusive and self._foreign_share(first, last, start, end) > 0.25:
            return None
        return first, last

    def _foreign_share(self, first: int, last: int, start: int, end: int) -> float:
        """The share of target pieces in ``[first, last)`` aligned outside ``[start, end)``."""
        within = [link for link in self.links if first <= link[2] and link[3] <= last]
        outside = [s0 for s0, s1, _, _ in within if not (s0 < end and start < s1)]
        return len(outside) / len(within) if within else 0.0


def _whole_words(text: str, first: int, last: int) -> tuple[int, int]:
    """``text[first:last]`` widened to whole words, without leading space."""
    while first > 0 and text[first - 1].isalnum():
        first -= 1
    while last < len(text) and text[last].isalnum():
        last += 1
    while first < last and text[first].isspace():
        first += 1
    return first, last


@dataclass(frozen=True)
class Hypothesis:
    """One translation of a sentence, as an engine's search found it.

    Attributes:
        text: The English.
        score: The decoder's length-normalised log-probability (higher is better);
            ``None`` when the engine gives none.
        finished: False when decoding stopped at the length bound, not at the end of
            the sentence (the translation is cut).
        alignment: The word alignment, when it was asked for and the engine gives one.
    """

    text: str
    score: float | None = None
    finished: bool = True
    alignment: Alignment | None = None


@runtime_checkable
class SearchEngine(Engine, Protocol):
    """An engine that can return several scored, aligned hypotheses per sentence."""

    def search(
        self, sentences: list[str], candidates: int = 1, alignment: bool = False
    ) -> list[list[Hypothesis]]:
        """Return up to ``candidates`` hypotheses per sentence, best first."""
        ...


@runtime_checkable
class ConstrainedEngine(SearchEngine, Protocol):
    """A search engine that can also continue a given English beginning (a target
    prefix) and score any English under the unconstrained model."""

    def complete(self, sentences: list[str], prefixes: list[str]) -> list[Hypothesis]:
        """The best translation of each sentence that begins with its prefix, aligned."""
        ...

    def score(self, sentences: list[str], outputs: list[str]) -> list[float]:
        """The model's length-normalised log-probability of each output (higher is better)."""
        ...


def search(
    engine: Engine, sentences: list[str], candidates: int = 1, alignment: bool = False
) -> list[list[Hypothesis]]:
    """Ask ``engine`` for hypotheses; an engine without ``search`` gives its one translation."""
    from translator.errors import EngineError

    try:
        if isinstance(engine, SearchEngine):
            found = engine.search(sentences, candidates, alignment)
            if len(found) == len(sentences) and all(found):
                return found
            raise EngineError(problem=f"search returned {len(found)} results for {len(sentences)}")
        outputs = engine.translate_batch(sentences)
    except (ValueError, TypeError, RuntimeError, KeyError, IndexError, AttributeError) as error:
        raise EngineError(problem=f"{type(error).__name__}: {error}") from None
    return [[Hypothesis(text)] for text in check_outputs(sentences, outputs)]


def check_engine(engine: object) -> Engine:
    """Return ``engine`` if it can translate.

    Raises:
        EngineError: it has no callable ``translate_batch``.
    """
    from translator.errors import EngineError

    if not callable(getattr(engine, "translate_batch", None)):
        raise EngineError(problem=f"{type(engine).__name__} has no translate_batch(sentences)")
    return engine  # type: ignore[return-value]


def fingerprint(engine: Engine) -> str:
    """What identifies an engine's output: its ``fingerprint`` attribute, else its type."""
    return str(getattr(engine, "fingerprint", None) or type(engine).__qualname__)


@dataclass(frozen=True)
class DecodingOptions:
    """How an Argos (CTranslate2) engine decodes; one object for every path.

    Attributes:
        beam_size: Beam width (argostranslate uses 4).
        max_decoding_length: Cap on output tokens a sentence (``None``: 256).
        compute_type: CTranslate2 compute type (``auto``, ``int8``, ``float32`` …).
        device: ``cpu`` or ``cuda``.
        intra_threads: Threads per batch (0: the cores left per batch).
        inter_threads: Batches decoded at once (0: one per core).
    """

    beam_size: int = 4
    max_decoding_length: int | None = None
    compute_type: str = "auto"
    device: str = "cpu"
    intra_threads: int = 0
    inter_threads: int = 0


# name → "module:Class"; imported only when asked for, since engines pull in heavy modules.
ENGINES = {"argos": "translator.engines.argos:ArgosEngine"}


def load_engine(name: str, **options: Any) -> Engine:
    """Create the engine registered as ``name`` with ``options``."""
    module_name, _, class_name = ENGINES[name].partition(":")
    engine: Engine = getattr(importlib.import_module(module_name), class_name)(**options)
    return engine


def engine_for_language(
    language: str = SOURCE_LANGUAGE,
    options: DecodingOptions | None = None,
    *,
    install: bool = False,
    progress: Callable[[int, int | None], None] | None = None,
    model: str | None = None,
) -> Engine:
    """Load the installed ``language``→English package as an engine.

    Args:
        language: The source language.
        options: How to decode.
        install: Download and install the package from the Argos index if missing.
        progress: Called with (bytes done, total or None) while downloading.
        model: The installed package of this name instead of the newest
            ``language``→English package (a model for several languages may name
            them as a group: ``gmq-en``).

    Raises:
        ModelNotInstalledError: no such package is installed (or could be installed).
        ModelNotFoundError: no package is called ``model``.
        ModelLoadError: the package is there but cannot be loaded.
    """
    from translator.engines.packages import ensure_model, find_named

    if model:
        return engine_from_package(find_named(model).path, options)
    found = ensure_model(language, TARGET_LANGUAGE, offline=not install, progress=progress)
    return engine_from_package(found.path, options)


def engine_from_package(
    package_dir: str | os.PathLike[str], options: DecodingOptions | None = None
) -> Engine:
    """Load the Argos package in ``package_dir`` (an unpacked ``.argosmodel``) as an engine."""
    return load_engine("argos", package_dir=package_dir, **asdict(options or DecodingOptions()))


def check_outputs(sentences: Sequence[str], outputs: object) -> list[str]:
    """Check what an engine returned for ``sentences``: a list of one string each.

    Raises:
        EngineError: a wrong count, a value that is not a string, or a line break
            (which would change the article's structure).
    """
    from translator.errors import EngineError

    if not isinstance(outputs, list) or len(outputs) != len(sentences):
        count = len(outputs) if isinstance(outputs, list) else type(outputs).__name__
        raise EngineError(problem=f"returned {count} translations for {len(sentences)} sentences")
    for output in outputs:
        if not isinstance(output, str):
            raise EngineError(problem=f"returned a {type(output).__name__}, not a string")
    return [" ".join(o.splitlines()) if "\n" in o or "\r" in o else o for o in outputs]
