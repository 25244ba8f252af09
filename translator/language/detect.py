"""Identify the language of an article: seeded langdetect plus a trained Scandinavian model.

langdetect tells the language family well but Danish from Norwegian poorly (it calls
about 5 % of Danish sentences Norwegian) and answers ``no`` for both Norwegian
standards. When langdetect's best guesses are Scandinavian, the trained model in
:mod:`translator.language.discriminator` answers ``da``, ``nb``, ``nn`` or ``sv`` with a
calibrated probability.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translator.errors import LanguageDetectionError
from translator.language.discriminator import (
    PROFILE_LANGUAGES,
    model_checksum,
    probabilities,
    words,
)
from translator.language.segment import split_sentences

# Texts shorter than this are judged, but flagged: a few words rarely tell da from nb.
SHORT_TEXT = 40
# Below this Scandinavian probability an answer is flagged: on held-out sentences,
# answers under 0.7 were right about half the time, answers over 0.9 nineteen in twenty.
CONFIDENT = 0.7
# Below this share of langdetect's probability, the text's language family is unclear.
ONE_FAMILY = 0.9
# A text is checked for a second language in this many parts (at most), each judged
# with fewer of langdetect's sampling rounds (a language family, not a language): half
# the time of a full detection.
MIXED_PARTS = 4
PART_TRIALS = 3
MIXED_SENTENCES = 3  # the fewest sentences checked part by part
# A gram a profile has never seen counts as this probable (about half a count).
_UNSEEN = 1e-7


@dataclass(frozen=True)
class Detection:
    """The language of a text.

    Attributes:
        language: ISO 639-1 code (``da``, ``nb``, ``nn``, ``sv``, ``en``, ``de`` …).
        probability: How likely ``language`` is (0–1). For da/nb/nn/sv it is calibrated:
            of the answers given with probability 0.9, about nine in ten are right.
        margin: For Scandinavian answers, the probability lead over the next
            Scandinavian language (0–1; below 0.5 is a close call); 0.0 otherwise.
        note: Why the answer is unsure (a short text, mixed languages, a close call);
            empty when it is not.
    """

    language: str
    probability: float
    margin: float = 0.0
    note: str = ""

    @property
    def low_confidence(self) -> bool:
        """True when the answer should not be trusted blindly (see :attr:`note`)."""
        return bool(self.note)


class _Probabilities(Mapping[str, Any]):
    """langdetect's n-gram → per-language probability table, compact and expanded on demand.

    langdetect builds a dense table (55 probabilities for each of 87,000 n-grams) at
    every start: 0.4 s and about 30 MB. This keeps the non-zero entries in flat arrays
    (an n-gram's languages and probabilities side by side) and expands a row only when
    a text asks for it. The values are langdetect's own.
    """

    def __init__(self, profiles: list[Path]) -> None:
        self._size = len(profiles)
        self._index: dict[str, int] = {}  # n-gram → its row
        counts = array("I")
        # Two passes over the profiles, one profile in memory at a time: count, then fill.
        for _, gram, _ in _profile_entries(profiles):
            row = self._index.setdefault(gram, len(self._index))
            if row == len(counts):
                counts.append(0)
            counts[row] += 1
        self._starts = array("I", [0]) * (len(counts) + 1)
        for row, count in enumerate(counts):
            self._starts[row + 1] = self._starts[row] + count
        self._languages = array("B", [0]) * self._starts[-1]
        self._values = array("d", [0.0]) * self._starts[-1]
        cursor = array("I", self._starts[:-1])
        for language, gram, value in _profile_entries(profiles):
            row = self._index[gram]
            self._languages[cursor[row]] = language
            self._values[cursor[row]] = value
            cursor[row] += 1
        self._rows: dict[str, Any] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> Any:
        """The n-gram's probability per language, as a NumPy array."""
        row = self._rows.get(word)
        if row is None:
            import numpy

            number = self._index[word]
            row = numpy.zeros(self._size)
            for entry in range(self._starts[number], self._starts[number + 1]):
                row[self._languages[entry]] = self._values[entry]
            self._rows[word] = row
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def _profile_entries(profiles: list[Path]) -> Iterator[tuple[int, str, float]]:
    """(language number, n-gram, probability) for every n-gram of every profile."""
    for language, path in enumerate(profiles):
        profile = json.loads(path.read_text("utf-8"))
        n_words = profile["n_words"]
        for gram, count in profile["freq"].items():
            if 1 <= len(gram) <= 3:
                yield language, gram, count / n_words[len(gram) - 1]


@functools.cache
def _factory() -> Any:
    """A seeded langdetect factory over all its profiles, in langdetect's own order."""
    from langdetect import detector_factory

    directory = Path(detector_factory.PROFILES_DIRECTORY)
    # os.listdir's order is langdetect's order, which breaks its ties.
    profiles = [directory / n for n in os.listdir(directory) if not n.startswith(".")]
    profiles = [path for path in profiles if path.is_file()]
    factory = detector_factory.DetectorFactory()
    factory.langlist = [path.name for path in profiles]
    factory.word_lang_prob_map = _Probabilities(profiles)
    factory.seed = 0
    return factory


def profile_scores(
    text_words: Sequence[str], codes: Sequence[str] = PROFILE_LANGUAGES
) -> list[float]:
    """Log-likelihoods of a text (its :func:`~translator.language.discriminator.words`) under
    langdetect's profiles for ``codes``.

    Naive Bayes over the text's case-folded 1–3-letter n-grams, from the same Wikipedia
    n-gram tables langdetect samples from, but counted in full (no random sampling).
    """
    factory = _factory()
    table = factory.word_lang_prob_map
    columns = [factory.langlist.index(code) for code in codes]
    grams: dict[str, int] = {}
    for word in text_words:
        padded = f" {word} "
        for n in (1, 2, 3):
            for start in range(len(padded) - n + 1):
                gram = padded[start : start + n]
                if gram.strip() and gram in table:
                    grams[gram] = grams.get(gram, 0) + 1
    totals = [0.0] * len(columns)
    for gram, count in grams.items():
        row = table[gram]
        for i, column in enumerate(columns):
            totals[i] += count * math.log(row[column] + _UNSEEN)
    return totals


def release_tables() -> None:
    """Free langdetect's tables (about 20 MB); the next detection builds them again."""
    _factory.cache_clear()


def _langdetect(text: str, trials: int = 7) -> dict[str, float]:
    """langdetect's probabilities for ``text`` (``trials``: its sampling rounds; 7 is
    langdetect's own number, fewer is faster and coarser)."""
    from langdetect.lang_detect_exception import LangDetectException

    detector = _detector_type()(_factory())
    detector.n_trial = trials
    detector.append(text)
    try:
        return {guess.lang: float(guess.prob) for guess in detector.get_probabilities()}
    except LangDetectException as error:
        raise LanguageDetectionError(source="text", problem=str(error)) from None


@functools.cache
def _detector_type() -> Any:
    """langdetect's detector, its inner loop over the 55 languages done by NumPy.

    Each sampled n-gram multiplies 55 probabilities: a Python loop in langdetect, most
    of a detection's time. The arithmetic is the same, element by element and in the
    same order (the sum is taken in Python, left to right), and so is the random
    sequence, so the probabilities are langdetect's own to the last bit.
    """
    import numpy
    from langdetect.detector import Detector

    class VectorDetector(Detector):  # type: ignore[misc]
        def _init_probability(self) -> Any:
            return numpy.full(len(self.langlist), 1.0 / len(self.langlist))

        def _update_lang_prob(self, prob: Any, word: str | None, alpha: float) -> bool:
            if word is None or word not in self.word_lang_prob_map:
                return False
            prob *= alpha / self.BASE_FREQ + self.word_lang_prob_map[word]
            return True

        def _normalize_prob(self, prob: Any) -> float:
            prob /= sum(prob.tolist())
            return float(prob.max())

    return VectorDetector


@functools.cache
def detector_version() -> str:
    """A checksum of what decides a detection: langdetect's version and our model."""
    from importlib.metadata import version

    return hashlib.sha256(f"{version('langdetect')}\n{model_checksum()}".encode()).hexdigest()


#: ISO 639-2 for "undetermined": a text with no words to judge by.
UNDETERMINED = "und"
# Web and e-mail addresses say nothing of a text's language (and fool langdetect).
_ADDRESSES = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> Detection:
    """Identify the language of ``text``; deterministic.

    Args:
        text: Prose to identify (leave out datelines and bylines).

    Returns:
        The :class:`Detection`. Norwegian is ``nb`` or ``nn``, never ``no``; ``und``
        (with a note) for a text that is a web or e-mail address and little else.

    Raises:
        LanguageDetectionError: the text has no letters to judge by.
    """
    if not _LETTER.search(text):
        raise LanguageDetectionError(source="text", problem="no letters to judge by")
    words_left = _ADDRESSES.sub(" ", text)
    if len(_WORD.findall(words_left)) < 3:  # a URL, an e-mail address: no words
        note = "no words to identify (a web or e-mail address)"
        return Detection(UNDETERMINED, 0.0, 0.0, note)
    priors = _langdetect(words_left)
    family = _family(priors)
    if family != "nordic":
        note = _note(text, family, priors, 1.0)
        return Detection(family, priors[family], note=note)
    nordic = sum(priors.get(code, 0.0) for code in PROFILE_LANGUAGES)
    text_words = words(text)
    found = probabilities(text_words, profile_scores(text_words))
    ranked = sorted(found, key=found.__getitem__, reverse=True)
    winner, runner_up = ranked[0], ranked[1]
    probability = nordic * found[winner]
    margin = found[winner] - found[runner_up]
    note = _note(text, family, priors, found[winner])
    return Detection(winner, round(probability, 4), round(margin, 4), note)


def _family(priors: dict[str, float]) -> str:
    """``nordic`` when langdetect's answer is da/no/sv (or they share most of its
    probability), else its best language."""
    best = max(priors, key=priors.__getitem__)
    nordic = sum(priors.get(code, 0.0) for code in PROFILE_LANGUAGES)
    return "nordic" if best in PROFILE_LANGUAGES or nordic >= 0.5 else best


def _note(text: str, family: str, priors: dict[str, float], answer: float) -> str:
    """Why a detection is unsure, or "" when it is not.

    Args:
        text: The text judged.
        family: ``nordic`` or the language langdetect found.
        priors: langdetect's probabilities for the whole text.
        answer: The probability of the answer within its family.
    """
    if len(text.strip()) < SHORT_TEXT:
        return f"short text (under {SHORT_TEXT} characters)"
    share = sum(p for code, p in priors.items() if _family({code: p}) == family)
    # langdetect samples the whole text: a two-language mix shows in its probabilities;
    # one paragraph of another language in a longer text is sought part by part.
    other = _runner_up_family(priors, family) if share < ONE_FAMILY else _other_family(text, family)
    if share < ONE_FAMILY or other:
        return f"mixed: part of the text reads as {other or 'another language'}"
    if answer < CONFIDENT:
        return "close call between Scandinavian languages"
    return ""


def _runner_up_family(priors: dict[str, float], family: str) -> str:
    """The most probable language of another family than ``family``, or ""."""
    others = [code for code in priors if _family({code: 1.0}) != family]
    best = max(others, key=priors.__getitem__, default="")
    return _family_name(_family({best: 1.0})) if best else ""


def _family_name(family: str) -> str:
    return "Danish, Norwegian or Swedish" if family == "nordic" else family


def _other_family(text: str, family: str) -> str:
    """A language family other than ``family`` that a part of ``text`` reads as, or ""."""
    sentences = [s for line in text.splitlines() for s in split_sentences(line)]
    if len(sentences) < MIXED_SENTENCES:
        return ""  # one or two sentences: langdetect's probabilities already show a mix
    size = -(-len(sentences) // MIXED_PARTS)
    for start in range(0, len(sentences), size):
        part = " ".join(sentences[start : start + size])
        if len(part) < SHORT_TEXT:
            continue
        try:
            found = _family(_langdetect(part, PART_TRIALS))
        except LanguageDetectionError:
            continue
        if found != family:
            return _family_name(found)
    return ""
