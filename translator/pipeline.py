"""The Translator: detect, protect, translate in large batches, verify, repair, render.

For each article: parse it into blocks, detect its language once on its prose, then cut
each block into units (sentences, merged so that no quotation straddles two). Each
unit goes to the engine with its glossary terms already in their English form. The
English of every unit is checked: each glossary target the right number of times, no
Danish spelling left, no placeholder debris, the same quotations with balanced marks.
A unit that fails is repaired in place when only a term's spelling is off, and else
translated again in pieces: the text between terms and quotation marks is translated
on its own and joined around the fixed terms and marks, which cannot then be lost.
Sentences of all articles in a call share one engine batch per pass.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from translator import article as article_mod
from translator import glossary as glossary_mod
from translator.detect import Detection, detect_language, detector_version, release_tables
from translator.engine import Engine
from translator.errors import (
    LanguageDetectionError,
    ModelNotInstalledError,
    TranslatorError,
    UnsupportedLanguageError,
)
from translator.glossary import DEBRIS, Glossary, GlossaryHit, Match
from translator.memory import TranslationMemory
from translator.quotes import DOUBLE_MARKS, Quote, QuoteStyle, find_quotes, marks, restyle
from translator.segment import sentence_spans

TARGET = "en"
_LETTER = re.compile(r"[^\W\d_]")
# Punctuation and spaces at the edges of a piece stay in place; engines drop them.
_EDGES = re.compile(r"^([\s,;:.!?)\]]*)(.*?)([\s,;:.!?(\[]*)$", re.S)


@dataclass(frozen=True)
class QuoteRecord:
    """A quotation of the source and its English.

    Attributes:
        kind: ``dash`` (a dash-quote paragraph) or ``inline`` („…“, "…", »…« …).
        source: The quoted Danish words.
        translation: The quoted English words.
        block: Index of the line (block) the quotation is in.
    """

    kind: Literal["dash", "inline"]
    source: str
    translation: str
    block: int


@dataclass
class Translation:
    """The result of translating one article.

    Attributes:
        text: The English article (or the input itself when it was passed through).
        source_language: The language detected (or forced).
        confidence: The detection's probability.
        warnings: Notices and every repair made, one line each.
        glossary_hits: Each glossary term found, with its count and forms.
        quotes: Each quotation, with its English.
        translated: False when the text was passed through (already English).
        sentences: How many sentences (units) were translated.
    """

    text: str
    source_language: str
    confidence: float
    warnings: list[str] = field(default_factory=list)
    glossary_hits: list[GlossaryHit] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    translated: bool = True
    sentences: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        return asdict(self)


@dataclass
class _Unit:
    """A sentence (or sentences joined by a quotation) and its translation state."""

    text: str
    matches: list[Match]
    quotes: tuple[Quote, ...]
    quoted: bool = False  # the unit lies in a dash-quote paragraph
    output: str = ""
    pieces: list[tuple[str, bool]] = field(default_factory=list)  # (text, translate it?)
    note: str = ""  # the repair made, for the warnings


@dataclass
class _Job:
    """One article on its way through the pipeline."""

    index: int
    parsed: article_mod.Article
    detection: Detection
    language: str
    units: list[list[_Unit]] = field(default_factory=list)  # per block
    gaps: list[list[str]] = field(default_factory=list)  # whitespace around units, per block
    warnings: list[str] = field(default_factory=list)


class Translator:
    """Translate Danish news articles to English; reusable across many articles.

    Args:
        engine: Any object with ``translate_batch(list[str]) -> list[str]``. When
            omitted, the installed Argos package for the language is loaded on first use.
        beam_size: Beam width of the Argos engine.
        max_decoding_length: Cap on output tokens per sentence of the Argos engine.
        compute_type: CTranslate2 compute type (``auto``, ``int8``, ``float32`` …).
        device: ``cpu`` or ``cuda``.
        threads: CTranslate2 threads per batch (0: the cores left per batch).
        inter_threads: Batches CTranslate2 decodes at once (0: one per core).
        glossaries: Glossary files applied over the default glossary, in order.
        default_glossary: Whether to start from the shipped ``news.da-en.tsv``.
        quote_style: ``source`` keeps the source's quotation marks; ``english`` writes
            “…” with ‘…’ inside.
        source_language: Force this source language instead of detecting it (the
            installed ``<language>→en`` package is used).
        memory_size: How many translated sentences to remember (each is translated
            once while remembered).
        translation_memory: An SQLite file of sentences translated before (created if
            missing), keyed by the model's checksum and the decoding options.
        low_memory: Free the language-detection tables before loading the model, for a
            one-shot run (the CLI's ``translate``); they are rebuilt (0.3 s) when needed.

    Example:
        >>> translator = Translator()  # doctest: +SKIP
        >>> translator.translate("Natos generalsekretær taler i dag.").text  # doctest: +SKIP
    """

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        beam_size: int = 4,
        max_decoding_length: int | None = None,
        compute_type: str = "auto",
        device: str = "cpu",
        threads: int = 0,
        inter_threads: int = 0,
        glossaries: Sequence[str] = (),
        default_glossary: bool = True,
        quote_style: QuoteStyle = "source",
        source_language: str | None = None,
        memory_size: int = 100_000,
        translation_memory: str | os.PathLike[str] | None = None,
        low_memory: bool = False,
    ) -> None:
        self._engines: dict[str, Engine] = {}
        self._engine_lock = threading.Lock()
        if engine is not None:
            self._engines[source_language or "da"] = engine
        self._engine_options: dict[str, Any] = {
            "beam_size": beam_size,
            "max_decoding_length": max_decoding_length,
            "compute_type": compute_type,
            "device": device,
            "intra_threads": threads,
            "inter_threads": inter_threads,
        }
        self.glossary: Glossary = glossary_mod.build(glossaries, default_glossary)
        self.quote_style: QuoteStyle = quote_style
        self.source_language = source_language
        self.low_memory = low_memory
        # Sentences translated so far, least recently used first; bounded so that memory
        # stays flat over archives of any size.
        self._memory: OrderedDict[tuple[str, str], str] = OrderedDict()
        self.memory_size = memory_size
        self._memory_lock = threading.Lock()
        self.translation_memory = (
            TranslationMemory(translation_memory) if translation_memory is not None else None
        )

    # -- engines -------------------------------------------------------------------------

    def engine_for(self, language: str) -> Engine:
        """Return (loading once) the engine translating ``language`` to English.

        Raises:
            ModelNotInstalledError: no ``language``→en Argos package is installed.
        """
        with self._engine_lock:  # threads of a bulk run must not load a model twice
            if language not in self._engines:
                from translator.engine import load_engine
                from translator.models import find_model

                model = find_model(language, TARGET)
                if model is None:
                    raise ModelNotInstalledError(from_code=language, to_code=TARGET, reason="")
                self._engines[language] = load_engine(
                    "argos", package_dir=model.path, **self._engine_options
                )
            return self._engines[language]

    def _translate_sentences(self, language: str, sentences: Iterable[str]) -> dict[str, str]:
        """Translate ``sentences``, each once, those not in memory in one engine call."""
        wanted = list(dict.fromkeys(sentences))
        found = {}
        with self._memory_lock:  # bulk runs call this from several threads
            for sentence in wanted:
                key = (language, sentence)
                if key in self._memory:
                    self._memory.move_to_end(key)
                    found[sentence] = self._memory[key]
        todo = [sentence for sentence in wanted if sentence not in found]
        if not todo:
            return found
        engine = self.engine_for(language)
        stored: dict[str, str] = {}
        if self.translation_memory is not None:
            engine_key = f"{language}:{fingerprint(engine)}"
            stored = self.translation_memory.lookup(engine_key, todo)
            todo = [sentence for sentence in todo if sentence not in stored]
        outputs = engine.translate_batch(todo) if todo else []
        if self.translation_memory is not None and todo:
            self.translation_memory.store(engine_key, zip(todo, outputs, strict=True))
        with self._memory_lock:
            for sentence, output in [*stored.items(), *zip(todo, outputs, strict=True)]:
                found[sentence] = self._memory[(language, sentence)] = output
            while len(self._memory) > self.memory_size:
                self._memory.popitem(last=False)
        return found

    # -- public API ----------------------------------------------------------------------

    def translate(self, text: str, source: str = "text") -> Translation:
        """Translate one article.

        Args:
            text: The article (wire copy or plain text).
            source: A name for the text in error messages (a file name).

        Raises:
            UnsupportedLanguageError: the text is neither Danish nor English.
            LanguageDetectionError: the text has nothing to identify.
            ModelNotInstalledError: no Argos package for the language is installed.
        """
        result = self.translate_results([text], [source])[0]
        if isinstance(result, TranslatorError):
            raise result
        return result

    def translate_many(self, texts: Sequence[str]) -> list[Translation]:
        """Translate many articles, batching their sentences together.

        Raises:
            TranslatorError: the first article that could not be translated.
        """
        results = self.translate_results(texts)
        for result in results:
            if isinstance(result, TranslatorError):
                raise result
        return [r for r in results if isinstance(r, Translation)]

    def translate_results(
        self, texts: Sequence[str], sources: Sequence[str] | None = None
    ) -> list[Translation | TranslatorError]:
        """Translate many articles; a failure is returned in its place, not raised.

        This is the pure "batch of records in → results out" step used by bulk runs.
        """
        names = (
            list(sources) if sources is not None else [f"text {i + 1}" for i in range(len(texts))]
        )
        results: list[Translation | TranslatorError | None] = [None] * len(texts)
        jobs: list[_Job] = []
        for index, (text, name) in enumerate(zip(texts, names, strict=True)):
            try:
                outcome = self._start(index, text, name)
            except TranslatorError as error:
                results[index] = error
                continue
            if isinstance(outcome, Translation):
                results[index] = outcome
            else:
                jobs.append(outcome)
        if self.low_memory:
            release_tables()  # before the model loads: lowers the run's peak memory
        for language in sorted({job.language for job in jobs}):
            group = [job for job in jobs if job.language == language]
            try:
                for job, translation in zip(group, self._run(language, group), strict=True):
                    results[job.index] = translation
            except TranslatorError as error:
                for job in group:
                    results[job.index] = error
        return [r for r in results if r is not None]

    # -- steps ---------------------------------------------------------------------------

    def _start(self, index: int, text: str, name: str) -> _Job | Translation:
        """Parse and detect; pass English through; refuse other languages."""
        parsed = article_mod.parse(text)
        prose = parsed.prose
        if not _LETTER.search(prose):
            raise LanguageDetectionError(source=name, problem="no text to translate")
        detection = self._detect(prose, name)
        if self.source_language is not None:
            return _Job(index, parsed, detection, self.source_language)
        if detection.language == TARGET:
            notice = f"{name}: the text is already English; passed through unchanged"
            return Translation(text, TARGET, detection.probability, [notice], translated=False)
        if detection.language != "da":
            raise UnsupportedLanguageError(
                source=name, language=detection.language, probability=detection.probability
            )
        return _Job(index, parsed, detection, "da")

    def _detect(self, prose: str, name: str) -> Detection:
        """Detect the language of ``prose``, or recall it from the translation memory."""
        memory = self.translation_memory
        key = (
            hashlib.sha256(f"{detector_version()}\n{prose}".encode()).hexdigest() if memory else ""
        )
        if memory is not None and (known := memory.detection(key)) is not None:
            return Detection(*known)
        try:
            detection = detect_language(prose)
        except LanguageDetectionError as error:
            raise LanguageDetectionError(source=name, problem=error.fields["problem"]) from None
        if memory is not None:
            memory.store_detection(
                key, (detection.language, detection.probability, detection.margin)
            )
        return detection

    def _plan(self, job: _Job) -> None:
        """Cut each block into units and rewrite their glossary terms into English."""
        for number, block in enumerate(job.parsed.blocks):
            units: list[_Unit] = []
            gaps: list[str] = []
            if block.text:
                quoted = block.kind == "dash_quote"
                scan = find_quotes(block.text, quoted)
                if scan.stray:
                    job.warnings.append(
                        f"line {number + 1}: unbalanced quotation mark at column "
                        f"{scan.stray[0] + 1}; translated as plain text"
                    )
                spans = _merge_spans(sentence_spans(block.text), scan.quotes)
                position = 0
                for start, end in spans:
                    gaps.append(block.text[position:start])
                    position = end
                    text = block.text[start:end]
                    inside = tuple(
                        Quote(q.start - start, q.end - start, q.opening, q.closing, q.depth)
                        for q in scan.quotes
                        if start <= q.start and q.end <= end
                    )
                    units.append(_Unit(text, self.glossary.find(text), inside, quoted))
                gaps.append(block.text[position:])
            job.units.append(units)
            job.gaps.append(gaps)

    def _run(self, language: str, jobs: list[_Job]) -> list[Translation]:
        for job in jobs:
            self._plan(job)
        units = [unit for job in jobs for block in job.units for unit in block]
        english = self._translate_sentences(language, (_rewrite(u) for u in units))
        failed = []
        for unit in units:
            output = english[_rewrite(unit)]
            problems = self._problems(unit, output)
            if problems and not _only_term_problems(problems):
                failed.append((unit, problems))
                continue
            if problems:
                output = self._respell(output)
                if self._problems(unit, output):
                    failed.append((unit, problems))
                    continue
                unit.note = f"repaired term spelling ({'; '.join(problems)})"
            unit.output = self._styled(unit, output)
        # Last resort: translate the text around terms and quotation marks on its own.
        for unit, _ in failed:
            unit.pieces = self._pieces(unit)
        english = self._translate_sentences(
            language,
            (
                s
                for unit, _ in failed
                for text, todo in unit.pieces
                if todo
                for s in _sentences(text)
            ),
        )
        for unit, problems in failed:
            unit.output = _join_pieces(unit, english)
            left = self._problems(unit, unit.output)
            unit.note = f"translated around terms and quotation marks ({'; '.join(problems)})"
            if left:
                unit.note += f"; still: {'; '.join(left)}"
        return [self._finish(job) for job in jobs]

    def _problems(self, unit: _Unit, output: str) -> list[str]:
        """What is wrong with ``output`` as the English of ``unit``: empty when nothing."""
        problems = []
        if DEBRIS.search(output) and not DEBRIS.search(unit.text):
            problems.append("placeholder debris")
        for target in dict.fromkeys(match.entry.target for match in unit.matches):
            wanted = sum(glossary_mod.count_term(m.entry.target, target) for m in unit.matches)
            found = glossary_mod.count_term(output, target)
            if found != wanted:
                problems.append(f"term '{target}' {found}× instead of {wanted}×")
        problems.extend(f"source spelling '{m.form}' left" for m in self._leftovers(output))
        scan = find_quotes(output, unit.quoted)
        if [q.depth for q in scan.quotes] != [q.depth for q in unit.quotes] or (
            scan.stray and not find_quotes(unit.text, unit.quoted).stray
        ):
            problems.append(f"{len(scan.quotes)} quotation(s) instead of {len(unit.quotes)}")
        return problems

    def _leftovers(self, output: str) -> list[Match]:
        """Glossary terms in ``output`` in a Danish spelling, not inside their target."""
        left = []
        for match in self.glossary.find(output):
            target = match.entry.target
            inside = any(
                t.start() <= match.start < t.end() for t in re.finditer(re.escape(target), output)
            )
            if not inside:
                left.append(match)
        return left

    def _respell(self, output: str) -> str:
        """Replace Danish spellings of glossary terms left in ``output`` by their targets."""
        parts = []
        position = 0
        for match in self._leftovers(output):
            parts.append(output[position : match.start] + match.target)
            position = match.end
        return "".join(parts) + output[position:]

    def _styled(self, unit: _Unit, output: str) -> str:
        """Give the quotations of ``output`` the marks the quote style asks for."""
        found = find_quotes(output, unit.quoted).quotes
        wanted = [marks(q, self.quote_style, unit.quoted) for q in unit.quotes]
        return restyle(output, found, wanted)

    def _pieces(self, unit: _Unit) -> list[tuple[str, bool]]:
        """Cut ``unit`` into text to translate and fixed terms and marks."""
        events: list[tuple[int, int, str]] = []
        for match in unit.matches:
            fixed = match.target + (" " if match.compound else "")
            events.append((match.start, match.end + (1 if match.compound else 0), fixed))
        for quote in unit.quotes:
            opening, closing = marks(quote, self.quote_style, unit.quoted)
            events.append((quote.start, quote.start + 1, opening))
            events.append((quote.end - 1, quote.end, closing))
        for stray in find_quotes(unit.text, unit.quoted).stray:
            events.append((stray, stray + 1, unit.text[stray]))
        pieces: list[tuple[str, bool]] = []
        position = 0
        for start, end, fixed in sorted(events):
            if start < position:
                continue  # a term that spans a quotation mark keeps the term
            pieces.extend(_text_pieces(unit.text[position:start]))
            pieces.append((fixed, False))
            position = end
        pieces.extend(_text_pieces(unit.text[position:]))
        return pieces

    def _finish(self, job: _Job) -> Translation:
        texts = []
        records: list[QuoteRecord] = []
        warnings = list(job.warnings)
        matches: list[Match] = []
        for number, (block, units, gaps) in enumerate(
            zip(job.parsed.blocks, job.units, job.gaps, strict=True)
        ):
            english = gaps[0] if gaps else ""
            for unit, gap in zip(units, gaps[1:], strict=True):
                english += unit.output + gap
                matches.extend(unit.matches)
                if unit.note:
                    warnings.append(f"line {number + 1}: {unit.note}")
                source_quotes = [q for q in unit.quotes if q.depth == 0]
                found = [q for q in find_quotes(unit.output, unit.quoted).quotes if q.depth == 0]
                for src, out in zip(source_quotes, found, strict=False):
                    records.append(
                        QuoteRecord("inline", src.inner(unit.text), out.inner(unit.output), number)
                    )
            texts.append(english)
            if block.kind == "dash_quote":
                records.append(QuoteRecord("dash", block.text, english, number))
        return Translation(
            article_mod.render(job.parsed, texts),
            job.language,
            job.detection.probability,
            warnings,
            glossary_mod.hits_summary(matches),
            sorted(records, key=lambda r: r.block),
            sentences=sum(len(units) for units in job.units),
        )


def _join_pieces(unit: _Unit, english: dict[str, str]) -> str:
    """Join the fixed pieces of ``unit`` and the ``english`` of the others."""
    out = []
    for text, todo in unit.pieces:
        if not todo:
            out.append(text)
            continue
        position = 0
        for start, end in sentence_spans(text):
            piece = DEBRIS.sub("", english[text[start:end]])
            piece = "".join(c for c in piece if c not in DOUBLE_MARKS).strip()
            out.append(text[position:start] + piece)
            position = end
        out.append(text[position:])
    return "".join(out)


def fingerprint(engine: Engine) -> str:
    """What identifies an engine's output: its ``fingerprint`` attribute, else its type."""
    return str(getattr(engine, "fingerprint", None) or type(engine).__qualname__)


def _rewrite(unit: _Unit) -> str:
    """The unit with each glossary term already in its English form."""
    parts = []
    position = 0
    for match in unit.matches:
        parts.append(unit.text[position : match.start] + match.target)
        position = match.end
    return "".join(parts) + unit.text[position:]


def _only_term_problems(problems: list[str]) -> bool:
    return all(p.startswith(("term ", "source spelling")) for p in problems)


def _merge_spans(spans: list[tuple[int, int]], quotes: tuple[Quote, ...]) -> list[tuple[int, int]]:
    """Join sentences so that no quotation runs across two of them."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and any(q.start < merged[-1][1] < q.end for q in quotes):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _text_pieces(text: str) -> list[tuple[str, bool]]:
    """Split ``text`` into its edges (kept) and its middle (translated if it has letters)."""
    match = _EDGES.match(text)
    assert match is not None
    lead, middle, trail = match.groups()
    pieces = [(lead, False)] if lead else []
    if middle:
        pieces.append((middle, bool(_LETTER.search(middle))))
    if trail:
        pieces.append((trail, False))
    return pieces


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
