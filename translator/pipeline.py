"""The Translator: detect, segment, translate in large batches, guarantee, render.

For each article: parse it into blocks, detect its language once on its prose, then cut
each block into segments (sentences, merged so that no protected span of a guarantee
straddles two). The model translates every segment of all articles in a call in one
engine batch, from the Danish as written. Each active guarantee (see
:mod:`translator.guarantees`) normalises and checks the English; :mod:`translator.guarantees.repair`
repairs a failing segment in its own context or keeps the fluent translation and
reports the problem. The pipeline knows no guarantee by name.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, astuple, dataclass, field, replace
from typing import Any

from translator import guarantees as guarantees_mod
from translator.engines.base import (
    SOURCE_LANGUAGE,
    TARGET_LANGUAGE,
    DecodingOptions,
    Engine,
    Hypothesis,
    engine_for_language,
    fingerprint,
    search,
)
from translator.engines.packages import ProgressCallback
from translator.errors import (
    LanguageDetectionError,
    ModelLoadError,
    ModelNotInstalledError,
    TranslatorError,
    UnsupportedLanguageError,
)
from translator.formats import glossary as glossary_mod
from translator.guarantees import Guarantee, Problem, Segment, Span
from translator.guarantees import repair as repair_mod
from translator.guarantees.repair import Guard, Outcome, resolve
from translator.language import article as article_mod
from translator.language.detect import (
    UNDETERMINED,
    Detection,
    detect_language,
    detector_version,
    release_tables,
)
from translator.language.glossary import Glossary, GlossaryHit
from translator.language.quotes import QuoteRecord, QuoteStyle
from translator.language.segment import sentence_spans
from translator.memory import (
    HUMAN,
    MACHINE,
    StoredSegment,
    TranslationMemory,
    segment_settings,
)

__all__ = ["DEFAULT_GUARANTEES", "QuoteRecord", "Repair", "Translation", "Translator"]

#: The guarantees a Translator keeps unless told otherwise, in the order they run.
DEFAULT_GUARANTEES = ("glossary", "quotes", "numbers", "fluency")
#: The ``source_language`` of a text with no prose (ISO 639-2 "undetermined").
NO_LANGUAGE = UNDETERMINED
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Repair:
    """A segment whose English is not the model's first translation, or has a problem left.

    Attributes:
        line: The line of the article (from 1).
        technique: ``hypothesis``, ``alignment``, ``split``, or ``""`` (none worked).
        fixed: The problems the technique repaired.
        left: The problems still there (the model's fluent translation was kept).
    """

    line: int
    technique: str
    fixed: list[str]
    left: list[str]

    def warning(self) -> str:
        """The repair as one warning line."""
        left = "; ".join(self.left)
        if not self.technique:
            return f"line {self.line}: {left}; kept the model's translation"
        repaired = f"line {self.line}: repaired by {self.technique} ({'; '.join(self.fixed)})"
        return f"{repaired}; still: {left}" if left else repaired


@dataclass
class Translation:
    """The result of translating one article.

    Attributes:
        text: The English article (or the input itself when it was passed through).
        source_language: The language detected (or forced).
        confidence: The detection's probability.
        warnings: Notices, every repair and every problem left, one line each.
        glossary_hits: Each glossary term found, with its count and forms.
        quotes: Each quotation, with its English.
        translated: False when the text was passed through (already English).
        sentences: How many segments were translated.
        repairs: Each segment repaired or reported, with the technique used.
        human_segments: How many segments came from a human translation in the memory.
        units: The article piece by piece, Danish and English side by side: the
            translated segments and, between them, what is kept as it is (datelines,
            dashes, spaces, line endings). Empty when the text was passed through.
    """

    text: str
    source_language: str
    confidence: float
    warnings: list[str] = field(default_factory=list)
    glossary_hits: list[GlossaryHit] = field(default_factory=list)
    quotes: list[QuoteRecord] = field(default_factory=list)
    translated: bool = True
    sentences: int = 0
    repairs: list[Repair] = field(default_factory=list)
    human_segments: int = 0
    units: list[article_mod.Unit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready data."""
        return asdict(self)


@dataclass
class _Job:
    """One article on its way through the pipeline."""

    index: int
    name: str
    parsed: article_mod.Article
    detection: Detection
    language: str
    segments: list[list[Segment]] = field(default_factory=list)  # per block
    gaps: list[list[str]] = field(default_factory=list)  # text around segments, per block
    warnings: list[str] = field(default_factory=list)


class Translator:
    """Translate Danish news articles to English; reusable across many articles.

    Args:
        engine: Any object with ``translate_batch(list[str]) -> list[str]``. When
            omitted, the installed Argos package for the language is loaded on first use.
        decoding: How the Argos engine decodes (beam, length cap, compute type, device,
            threads); :class:`~translator.engines.base.DecodingOptions` defaults when
            omitted.
        glossaries: Glossary files applied over the default glossary, in order.
        default_glossary: Whether to start from the shipped ``news.da-en.tsv``.
        glossary: A glossary already built (overrides ``glossaries`` and
            ``default_glossary``); how a replica on another machine gets the same one.
        quote_style: ``source`` keeps the source's quotation marks; ``english`` writes
            “…” with ‘…’ inside.
        source_language: Force this source language instead of detecting it (the
            installed ``<language>→en`` package is used).
        model: The name of an installed model (``translator models list``) to use
            instead of the newest ``<language>→en`` package: a CTranslate2 model you
            installed, say.
        guarantees: The guarantees to keep (names in
            :data:`translator.guarantees.GUARANTEES`), in order.
        cache_size: How many translated sentences to keep in RAM (each is translated
            once while cached).
        translation_memory: An SQLite segment memory (created if missing): its human
            segments win over the model; machine segments are reused with the same
            model, decoding options and guarantee rules, and new ones are stored.
        install: Download and install a missing Argos package from the index.
        progress: Called with (bytes done, total or None) while a package downloads.
        release_detector: Free the language-detection tables before loading the model, for a
            one-shot run (the CLI's ``translate``); they are rebuilt (0.3 s) when needed.

    Example:
        >>> translator = Translator()  # doctest: +SKIP
        >>> translator.translate("Natos generalsekretær taler i dag.").text  # doctest: +SKIP
    """

    def __init__(
        self,
        engine: Engine | None = None,
        *,
        decoding: DecodingOptions | None = None,
        glossaries: Sequence[str | os.PathLike[str]] = (),
        default_glossary: bool = True,
        glossary: Glossary | None = None,
        quote_style: QuoteStyle = "source",
        guarantees: Sequence[str] = DEFAULT_GUARANTEES,
        source_language: str | None = None,
        model: str | None = None,
        cache_size: int = 100_000,
        translation_memory: str | os.PathLike[str] | None = None,
        release_detector: bool = False,
        install: bool = False,
        progress: ProgressCallback | None = None,
    ) -> None:
        from translator.engines.base import check_engine

        self._engines: dict[str, Engine] = {}
        self._engine_lock = threading.Lock()
        if engine is not None:
            self._engines[source_language or SOURCE_LANGUAGE] = check_engine(engine)
        self.decoding = decoding or DecodingOptions()
        self.glossary: Glossary = glossary or glossary_mod.build(glossaries, default_glossary)
        self.guarantee_names = tuple(guarantees)
        self.quote_style: QuoteStyle = quote_style
        settings = guarantees_mod.Settings(self.glossary, quote_style)
        self.guarantees: list[Guarantee] = guarantees_mod.build(guarantees, settings)
        self._guard = Guard(self.guarantees)
        # What decides a segment's final English besides the model: the memory's key.
        rules: list[object] = [list(guarantees), quote_style, sorted(
            (e.source, e.target, *e.avoid) for e in self.glossary.entries.values()
        )]  # fmt: skip
        if self.glossary.forbidden:
            rules.append(sorted(self.glossary.forbidden.items()))
        self._guard_key = hashlib.sha256(json.dumps(rules).encode()).hexdigest()[:16]
        self.source_language = source_language
        self.model = model
        self.release_detector = release_detector
        self.install = install
        self.progress = progress
        # Sentences translated so far, least recently used first; bounded so that memory
        # stays flat over archives of any size.
        self._cache: OrderedDict[tuple[str, str], Hypothesis] = OrderedDict()
        self.cache_size = cache_size
        self._cache_lock = threading.Lock()
        self.translation_memory = (
            TranslationMemory(translation_memory) if translation_memory is not None else None
        )

    def replica_options(self, **decoding: Any) -> dict[str, Any]:
        """Options that make another :class:`Translator` like this one, in another process
        or on another machine (the glossary travels built; the model is the installed
        package of the same name). ``decoding`` changes decoding options (threads).
        No translation memory: a replica is given one explicitly, if any."""
        return {
            "decoding": replace(self.decoding, **decoding),
            "glossary": self.glossary,
            "quote_style": self.quote_style,
            "guarantees": self.guarantee_names,
            "source_language": self.source_language,
            "model": self.model,
            "cache_size": self.cache_size,
            "install": self.install,
        }

    # -- engines -------------------------------------------------------------------------

    def engine_for(self, language: str) -> Engine:
        """Return (loading once) the engine translating ``language`` to English.

        Raises:
            ModelNotInstalledError: no ``language``→en Argos package is installed (and
                ``install`` is off or the download failed).
            ModelNotFoundError: the named ``model`` is not installed.
        """
        with self._engine_lock:  # threads of a bulk run must not load a model twice
            if language not in self._engines:
                self._engines[language] = engine_for_language(
                    language,
                    self.decoding,
                    install=self.install,
                    progress=self.progress,
                    model=self.model,
                )
            return self._engines[language]

    def _translate_sentences(
        self, language: str, sentences: Iterable[str], candidates: int = 1
    ) -> dict[str, list[Hypothesis]]:
        """Translate ``sentences``, each once, those not cached in one engine call.

        With ``candidates`` > 1 the call also returns that many hypotheses of each
        sentence, aligned: the beam search is the same, so the repair of a failing
        sentence needs no second decode. Only the first, unaligned, is cached.
        """
        wanted = list(dict.fromkeys(sentences))
        found: dict[str, list[Hypothesis]] = {}
        with self._cache_lock:  # bulk runs call this from several threads
            for sentence in wanted:
                key = (language, sentence)
                if key in self._cache:
                    self._cache.move_to_end(key)
                    found[sentence] = [self._cache[key]]
        todo = [sentence for sentence in wanted if sentence not in found]
        if not todo:
            return found
        outputs = search(self.engine_for(language), todo, candidates, alignment=candidates > 1)
        with self._cache_lock:
            for sentence, output in zip(todo, outputs, strict=True):
                found[sentence] = output
                self._cache[(language, sentence)] = replace(output[0], alignment=None)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return found

    def settings_key(self, language: str = SOURCE_LANGUAGE) -> str:
        """What decides an article's English besides its text: the model and decoding
        options, the guarantees and their rules (glossary, quote style), a forced
        language. Bulk runs redo an item when this changes."""
        forced = self.source_language if self.source_language != TARGET_LANGUAGE else None
        engine = fingerprint(self.engine_for(forced or language))
        return f"{engine}|{self._rules}"

    @property
    def _rules(self) -> str:
        return f"{self._guard_key}|{self.source_language or ''}"

    def _segment_settings(self, language: str, quoted: bool) -> str:
        return segment_settings(language, self._rules, quoted)

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
        names = list(sources) if sources is not None else _default_names(len(texts))
        results: list[Translation | TranslatorError | None] = [None] * len(texts)
        jobs = self._jobs(texts, names, results)
        if self.release_detector:
            release_tables()  # before the model loads: lowers the run's peak memory
        for language, group in _by_language(jobs).items():
            for job, done in zip(group, self._run_isolated(language, group), strict=True):
                results[job.index] = done
        return [r for r in results if r is not None]

    def _jobs(
        self,
        texts: Sequence[str],
        names: Sequence[str],
        results: list[Translation | TranslatorError | None],
    ) -> list[_Job]:
        """Start every article: the jobs to translate; the rest are settled in ``results``."""
        jobs = []
        for index, (text, name) in enumerate(zip(texts, names, strict=True)):
            outcome: _Job | Translation | TranslatorError
            try:
                outcome = self._start(index, text, name)
            except TranslatorError as error:
                outcome = error
            if isinstance(outcome, _Job):
                jobs.append(outcome)
            else:
                results[index] = outcome
        return jobs

    def _run_isolated(self, language: str, jobs: list[_Job]) -> list[Translation | TranslatorError]:
        """Translate ``jobs`` together; if that fails, each on its own, so that one
        article that breaks the engine fails alone and its neighbours are translated."""
        try:
            return list(self._run(language, jobs))
        except (ModelNotInstalledError, ModelLoadError) as error:
            return [error] * len(jobs)  # no article can succeed alone either
        except TranslatorError as error:
            if len(jobs) == 1:
                return [error]
        return [outcome for job in jobs for outcome in self._run_isolated(language, [job])]

    # -- steps ---------------------------------------------------------------------------

    def _start(self, index: int, text: str, name: str) -> _Job | Translation:
        """Parse and detect; pass English through; refuse other languages."""
        parsed = article_mod.parse(text)
        prose = parsed.prose
        if not _LETTER.search(prose):  # a byline, a dateline or digits: nothing to translate
            notice = f"{name}: no prose to translate; passed through unchanged"
            return Translation(text, NO_LANGUAGE, 1.0, [notice], translated=False)
        forced = self.source_language
        if forced is not None and forced != TARGET_LANGUAGE:  # forced: nothing to detect
            return _Job(index, name, parsed, Detection(forced, 1.0), forced)
        detection = Detection(forced, 1.0) if forced else self._detect(prose, name)
        if detection.language == NO_LANGUAGE:  # an address and little else
            notice = f"{name}: {detection.note}; passed through unchanged"
            return Translation(text, NO_LANGUAGE, 0.0, [notice], translated=False)
        if detection.language == TARGET_LANGUAGE:  # --from en too: English passes
            notice = f"{name}: the text is already English; passed through unchanged"
            if detection.note:
                notice += f" ({detection.note})"
            return Translation(
                text, TARGET_LANGUAGE, detection.probability, [notice], translated=False
            )
        if detection.language != SOURCE_LANGUAGE:
            raise UnsupportedLanguageError(
                source=name,
                language=detection.language,
                probability=detection.probability,
                unsure=f"; {detection.note}" if detection.note else "",
            )
        return _Job(index, name, parsed, detection, SOURCE_LANGUAGE)

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
                key, (detection.language, detection.probability, detection.margin, detection.note)
            )
        return detection

    def _plan(self, job: _Job) -> None:
        """Cut each block into segments and find every guarantee's spans in them."""
        job.segments, job.gaps, job.warnings = [], [], []
        if job.detection.low_confidence:
            job.warnings.append(
                f"language: Danish with probability {job.detection.probability:.2f} "
                f"({job.detection.note}); translated as Danish"
            )
        for number, block in enumerate(job.parsed.blocks, start=1):
            segments, gaps = (
                self._plan_block(block, number, job.warnings) if block.text else ([], [])
            )
            job.segments.append(segments)
            job.gaps.append(gaps)

    def _plan_block(
        self, block: article_mod.Block, line: int, warnings: list[str]
    ) -> tuple[list[Segment], list[str]]:
        """The segments of one block, and the text around them."""
        quoted = block.kind == "dash_quote"
        found = {g.name: g.find(block.text, quoted) for g in self.guarantees}
        warnings.extend(f"line {line}: {notice}" for f in found.values() for notice in f.notices)
        protected = [span for f in found.values() for span in f.spans]
        segments: list[Segment] = []
        gaps: list[str] = []
        position = 0
        for start, end in _merge_spans(sentence_spans(block.text), protected):
            gaps.append(block.text[position:start])
            position = end
            spans = {name: _within(f.spans, start, end) for name, f in found.items()}
            segments.append(Segment(block.text[start:end], quoted, line, spans))
        gaps.append(block.text[position:])
        return segments, gaps

    def _run(self, language: str, jobs: list[_Job]) -> list[Translation]:
        for job in jobs:
            self._plan(job)
        segments = [(s, job.name) for job in jobs for block in job.segments for s in block]
        damaged: set[str] = set()
        outcomes = iter(self._outcomes(language, segments, damaged))
        for job in jobs:
            job.warnings += [
                f"line {s.line}: a damaged translation-memory segment was ignored and replaced"
                for s in _flat(job)
                if _memory_key(s) in damaged
            ]
        return [self._finish(job, [next(outcomes) for _ in _flat(job)]) for job in jobs]

    def _outcomes(
        self, language: str, segments: list[tuple[Segment, str]], damaged: set[str]
    ) -> list[Outcome]:
        """Each segment's English: a human's from the translation memory, else the
        machine's remembered there, else translated and resolved by the guarantees (and
        then remembered). A remembered record that does not read back is added to
        ``damaged`` and translated again (which replaces it)."""
        if not segments:
            return []
        known = self._remembered(language, [segment for segment, _ in segments], damaged)
        todo = [(s, article) for s, article in segments if _memory_key(s) not in known]

        if todo:
            unique = _unique(todo)
            resolved = self._resolve(language, [s for s, _ in unique])
            for (segment, _), outcome in zip(unique, resolved, strict=True):
                known[_memory_key(segment)] = outcome
            self._remember(language, self.engine_for(language), unique, resolved)
        return [known[_memory_key(s)] for s, _ in segments]

    def _resolve(self, language: str, segments: list[Segment]) -> list[Outcome]:
        """Translate ``segments`` (with the beam, when a guarantee may need it) and let
        the guarantees choose each one's English."""

        def translate(sentences: list[str]) -> list[Hypothesis]:
            found = self._translate_sentences(language, sentences)
            return [found[s][0] for s in sentences]

        texts = [s.text for s in segments]
        candidates = repair_mod.CANDIDATES if self.guarantees else 1
        found = self._translate_sentences(language, texts, candidates)
        hypotheses = [found[text] for text in texts]
        return resolve(self._guard, self.engine_for(language), segments, hypotheses, translate)

    def _remember(
        self,
        language: str,
        engine: Engine,
        segments: list[tuple[Segment, str]],
        outcomes: list[Outcome],
    ) -> None:
        """Store the machine's outcomes in the translation memory, if there is one."""
        if self.translation_memory is None:
            return
        model = fingerprint(engine)
        self.translation_memory.store(
            StoredSegment(
                s.text, o.text, MACHINE, model, self._segment_settings(language, s.quoted),
                _outcome_to_json(o), article,
            )
            for (s, article), o in zip(segments, outcomes, strict=True)
        )  # fmt: skip

    def _remembered(
        self, language: str, segments: list[Segment], damaged: set[str]
    ) -> dict[str, Outcome]:
        """The outcomes the translation memory has for ``segments``, by memory key."""
        memory = self.translation_memory
        if memory is None:
            return {}
        human = memory.human(s.text for s in segments)
        known = {_memory_key(s): Outcome(human[s.text], HUMAN) for s in segments if s.text in human}
        model = fingerprint(self.engine_for(language))
        for quoted in (False, True):
            texts = [s.text for s in segments if s.quoted == quoted and s.text not in human]
            settings = self._segment_settings(language, quoted)
            _take_records(memory.machine(model, settings, texts), quoted, known, damaged)
        return known

    def _notes(self, segment: Segment, outcome: Outcome) -> tuple[Repair | None, list[str]]:
        """The repair of a segment (if any), and its notes for a reviewer."""
        notes = [note for g in self.guarantees for note in g.notes(segment)]
        if outcome.technique == HUMAN:
            return None, [*notes, "from the translation memory: a human translation"]
        if not outcome.technique and not outcome.problems:
            return None, notes
        repair = Repair(
            segment.line,
            outcome.technique,
            [str(p) for p in outcome.fixed],
            [str(p) for p in outcome.problems],
        )
        return repair, [*notes, repair.warning().split(": ", 1)[1]]

    def _finish(self, job: _Job, outcomes: list[Outcome]) -> Translation:
        texts, repairs, pairs, units = [], [], [], []
        done = iter(outcomes)
        for block, segments, gaps in zip(job.parsed.blocks, job.segments, job.gaps, strict=True):
            english = gaps[0] if gaps else ""
            units += [article_mod.kept(block.prefix), article_mod.kept(english)]
            for segment, gap in zip(segments, gaps[1:], strict=True):
                outcome = next(done)
                # An empty translation would turn a paragraph into a blank line: the
                # Danish stays instead (the fluency guarantee reports it).
                target = outcome.text if outcome.text.strip() else segment.text
                english += target + gap
                pairs.append((segment, outcome.text))
                repair, notes = self._notes(segment, outcome)
                if repair is not None:
                    repairs.append(repair)
                units += [
                    article_mod.Unit(segment.text, target, True, tuple(notes)),
                    article_mod.kept(gap),
                ]
            units.append(article_mod.kept(block.suffix))
            texts.append(english)
        translation = Translation(
            article_mod.render(job.parsed, texts),
            job.language,
            job.detection.probability,
            [*job.warnings, *(r.warning() for r in repairs)],
            sentences=len(outcomes),
            repairs=repairs,
            human_segments=sum(o.technique == HUMAN for o in outcomes),
            units=article_mod.joined(units),
        )
        for guarantee in self.guarantees:
            report = getattr(guarantee, "report_field", None)
            if report:
                setattr(translation, report, guarantee.summary(pairs))
        return translation


def _default_names(count: int) -> list[str]:
    return [f"text {i + 1}" for i in range(count)]


def _by_language(jobs: list[_Job]) -> dict[str, list[_Job]]:
    """The jobs grouped by source language, languages in order."""
    groups: dict[str, list[_Job]] = {}
    for job in sorted(jobs, key=lambda j: j.language):
        groups.setdefault(job.language, []).append(job)
    return groups


def _unique(segments: list[tuple[Segment, str]]) -> list[tuple[Segment, str]]:
    """Each segment once (by memory key), in the order first seen."""
    return list({_memory_key(s): (s, a) for s, a in segments}.values())


def _within(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The spans inside ``[start, end)``, shifted to start there."""
    return [s.shifted(start) for s in spans if start <= s.start and s.end <= end]


def _memory_key(segment: Segment) -> str:
    return f"{int(segment.quoted)}\t{segment.text}"


def _outcome_to_json(outcome: Outcome) -> str:
    return json.dumps(
        {
            "text": outcome.text,
            "technique": outcome.technique,
            "fixed": [astuple(p) for p in outcome.fixed],
            "left": [astuple(p) for p in outcome.problems],
        },
        ensure_ascii=False,
    )


def _take_records(
    records: dict[str, str], quoted: bool, known: dict[str, Outcome], damaged: set[str]
) -> None:
    """Remembered machine records into ``known``, by memory key; damaged ones' keys
    into ``damaged``."""
    for text, record in records.items():
        key = _memory_key(Segment(text, quoted))
        outcome = _outcome_from_json(record)
        if outcome is None:
            damaged.add(key)
        else:
            known[key] = outcome


def _outcome_from_json(value: str) -> Outcome | None:
    """The outcome a memory record holds; ``None`` when the record is damaged."""
    try:
        data = json.loads(value)
        outcome = Outcome(
            data["text"],
            data["technique"],
            [Problem(*p) for p in data["fixed"]],
            [Problem(*p) for p in data["left"]],
        )
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    if not isinstance(outcome.text, str) or not isinstance(outcome.technique, str):
        return None
    return outcome


def _flat(job: _Job) -> list[Segment]:
    return [segment for block in job.segments for segment in block]


def _merge_spans(spans: list[tuple[int, int]], protected: Sequence[Span]) -> list[tuple[int, int]]:
    """Join sentences so that no protected span runs across two of them."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and any(p.start < merged[-1][1] < p.end for p in protected):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
