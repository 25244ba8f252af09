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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from translator.errors import LanguageDetectionError
from translator.resources import data_lines

SCANDINAVIAN = ("da", "nb", "nn", "sv")
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


class _LazyProbabilities(Mapping[str, list[float]]):
    """langdetect's n-gram → per-language probability table, built only for n-grams asked for.

    langdetect builds the whole table (55 languages) up front, which costs about 0.4 s at
    every start; a text needs a few hundred entries. The values are the same.
    """

    def __init__(self, profiles: list[dict[str, Any]]) -> None:
        self._profiles = [(p["freq"], p["n_words"]) for p in profiles]
        self._size = len(profiles)
        self._known: set[str] = set().union(*(freq for freq, _ in self._profiles))
        self._cache: dict[str, list[float]] = {}

    def __contains__(self, word: object) -> bool:
        return word in self._known

    def __getitem__(self, word: str) -> list[float]:
        if word not in self._cache:
            if word not in self._known:
                raise KeyError(word)
            probabilities = [0.0] * self._size
            if 1 <= len(word) <= 3:
                for index, (freq, n_words) in enumerate(self._profiles):
                    if word in freq:
                        probabilities[index] = freq[word] / n_words[len(word) - 1]
            self._cache[word] = probabilities
        return self._cache[word]

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


@functools.cache
def _factory() -> Any:
    """A seeded langdetect factory over all its profiles, in langdetect's own order."""
    from langdetect import detector_factory

    directory = detector_factory.PROFILES_DIRECTORY
    profiles = []
    for name in os.listdir(directory):  # langdetect's order, which breaks its ties
        path = os.path.join(directory, name)
        if not name.startswith(".") and os.path.isfile(path):
            with open(path, encoding="utf-8") as data:
                profiles.append(json.load(data))
    factory = detector_factory.DetectorFactory()
    factory.langlist = [profile["name"] for profile in profiles]
    factory.word_lang_prob_map = _LazyProbabilities(profiles)
    factory.seed = 0
    return factory


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
