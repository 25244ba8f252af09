"""Identify the language of an article: seeded langdetect plus a Scandinavian decision.

langdetect tells Danish from Norwegian poorly on short texts (it calls about 5 % of
Danish sentences Norwegian) and answers ``no`` for both Norwegian standards. When
langdetect's best guesses are Scandinavian, this module scores the text against the
marker words in ``data/scandinavian_markers.tsv`` and langdetect's own probabilities,
and answers ``da``, ``nb``, ``nn`` or ``sv`` with the margin over the runner-up.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translator.errors import LanguageDetectionError
from translator.resources import data_lines

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# How much langdetect's probability counts against one marker hit of weight 1.
_PRIOR_WEIGHT = 1.0
_MIN_SUFFIX_STEM = 2
# Ties go to Danish: this is a Danish translator, and a text with no telling marker
# is far more often Danish than Norwegian in its input.
DANISH_BIAS = 0.4


@dataclass(frozen=True)
class Detection:
    """The language of a text.

    Attributes:
        language: ISO 639-1 code (``da``, ``nb``, ``nn``, ``sv``, ``en``, ``de`` …).
        probability: langdetect's probability for the language family (0–1).
        margin: for Scandinavian answers, the score lead over the next Scandinavian
            language (higher is surer); 0.0 for other languages.
    """

    language: str
    probability: float
    margin: float = 0.0


_Table = dict[str, list[tuple[str, float]]]


@functools.cache
def _markers() -> tuple[_Table, _Table, _Table, _Table]:
    """Return (whole words, endings, inner letter groups, beginnings) → [(language, weight)]."""
    words: dict[str, list[tuple[str, float]]] = {}
    endings: dict[str, list[tuple[str, float]]] = {}
    inner: dict[str, list[tuple[str, float]]] = {}
    beginnings: dict[str, list[tuple[str, float]]] = {}
    for line in data_lines("scandinavian_markers.tsv")[1:]:
        marker, language, weight = line.split("\t")
        if marker.endswith("-"):
            table = beginnings
        else:
            table = {"-": endings, "~": inner}.get(marker[0], words)
        for code in ("nb", "nn") if language == "no" else (language,):
            table.setdefault(marker.strip("-~"), []).append((code, float(weight)))
    return words, endings, inner, beginnings


class _Probabilities(Mapping[str, list[float]]):
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
        self._rows: dict[str, list[float]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> list[float]:
        row = self._rows.get(word)
        if row is None:
            number = self._index[word]
            row = [0.0] * self._size
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


def release_tables() -> None:
    """Free langdetect's tables (about 20 MB); the next detection builds them again."""
    _factory.cache_clear()


def _langdetect(text: str) -> dict[str, float]:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()
    detector.append(text)
    try:
        return {guess.lang: guess.prob for guess in detector.get_probabilities()}
    except LangDetectException as error:
        raise LanguageDetectionError(source="text", problem=str(error)) from None


@functools.cache
def detector_version() -> str:
    """A checksum of what decides a detection: langdetect's version and our marker data."""
    from importlib.metadata import version

    data = "\n".join(data_lines("scandinavian_markers.tsv"))
    return hashlib.sha256(f"{version('langdetect')}\n{DANISH_BIAS}\n{data}".encode()).hexdigest()


def scandinavian_scores(text: str, priors: dict[str, float]) -> dict[str, float]:
    """Score ``text`` for da, nb, nn and sv from marker words and langdetect's ``priors``."""
    words, endings, inner, beginnings = _markers()
    scores = {
        "da": _PRIOR_WEIGHT * priors.get("da", 0.0) + DANISH_BIAS,
        "nb": _PRIOR_WEIGHT * priors.get("no", 0.0),
        "nn": _PRIOR_WEIGHT * priors.get("no", 0.0) * 0.5,
        "sv": _PRIOR_WEIGHT * priors.get("sv", 0.0),
    }
    for word in _WORD.findall(text.lower()):
        hits = list(words.get(word, []))
        for cut in range(_MIN_SUFFIX_STEM, len(word) - 1):
            hits += endings.get(word[cut:], []) + beginnings.get(word[: len(word) - cut], [])
        hits += [hit for group, found in inner.items() if group in word for hit in found]
        for language, weight in hits:
            scores[language] += weight
    return scores


def detect_language(text: str) -> Detection:
    """Identify the language of ``text``; deterministic.

    Args:
        text: Prose to identify (leave out datelines and bylines).

    Returns:
        The :class:`Detection`. Norwegian is ``nb`` or ``nn``, never ``no``.

    Raises:
        LanguageDetectionError: the text has no letters to judge by.
    """
    priors = _langdetect(text)
    best = max(priors, key=priors.__getitem__)
    nordic = priors.get("da", 0.0) + priors.get("no", 0.0) + priors.get("sv", 0.0)
    if best not in ("da", "no", "sv") and nordic < 0.5:
        return Detection(best, priors[best])
    scores = scandinavian_scores(text, priors)
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)
    winner, runner_up = ranked[0], ranked[1]
    return Detection(winner, nordic, round(scores[winner] - scores[runner_up], 3))
