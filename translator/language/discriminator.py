"""Tell Danish from Bokmål, Nynorsk and Swedish with a trained, calibrated model.

Three kinds of evidence, each scored per language and combined by a small logistic
regression (all weights in ``data/scandinavian_model.json`` and
``data/scandinavian_ngrams.bin``, trained by ``benchmarks/train_detector.py``):

* character n-grams (1–5, inside case-folded words) and whole words, hashed into a
  fixed table and weighted by a logistic regression trained on
  ``../shared/corpora/langid_train.tsv``;
* word frequencies in everyday Danish, Bokmål and Swedish (``data/scandinavian_words.txt.gz``
  and ``data/scandinavian_lexicon.bin``, from wordfreq's lists), which carry no topic
  of their own;
* langdetect's Wikipedia n-gram profiles for ``da``, ``no`` and ``sv`` (passed in by
  :mod:`translator.language.detect`, which owns langdetect).

Letters only and case-folded: punctuation and capitals say more about where a
sentence came from (speech transcripts, parliament) than about its language.
Deterministic; the model loads in a few milliseconds.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

LANGUAGES = ("da", "nb", "nn", "sv")
# The languages of the lexicon and of langdetect's profiles, in this order.
LEXICON_LANGUAGES = ("da", "nb", "sv")
PROFILE_LANGUAGES = ("da", "no", "sv")
MAX_NGRAM = 5
HASH_BITS = 18
# A word the lexicon lists for one language but not another counts as this rare there
# (ten times rarer than the rarest listed word, in tenths of a power of ten).
LEXICON_FLOOR = 70
_TENTH = math.log(10) / 10
# Longer texts are judged on their first words: plenty of evidence, bounded time.
MAX_WORDS = 2000
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Model:
    ngram_weights: array[int]  # int8, HASH_BITS rows × len(LANGUAGES)
    ngram_scale: float
    ngram_bias: tuple[float, ...]
    lexicon: dict[str, int]  # word → its row in lexicon_values
    lexicon_values: array[int]  # uint8, per word and LEXICON_LANGUAGES: -10 × log10(frequency)
    combiner: tuple[tuple[float, ...], ...]  # one row of weights per language
    combiner_bias: tuple[float, ...]
    danish_bias: float
    temperature: float


def _data(name: str) -> bytes:
    return resources.files("translator").joinpath("data").joinpath(name).read_bytes()


@functools.cache
def _model() -> _Model:
    spec = json.loads(_data("scandinavian_model.json"))
    weights = array("b")
    weights.frombytes(_data("scandinavian_ngrams.bin"))
    listed = gzip.decompress(_data("scandinavian_words.txt.gz")).decode().split("\n")
    frequencies = array("B")
    frequencies.frombytes(_data("scandinavian_lexicon.bin"))
    return _Model(
        weights,
        spec["ngram_scale"],
        tuple(spec["ngram_bias"]),
        {word: row for row, word in enumerate(listed)},
        frequencies,
        tuple(tuple(row) for row in spec["combiner"]),
        tuple(spec["combiner_bias"]),
        spec["danish_bias"],
        spec["temperature"],
    )


def words(text: str) -> list[str]:
    """The case-folded words of ``text`` that the model reads (letters only)."""
    return _WORD.findall(text.casefold())[:MAX_WORDS]


def ngram_features(text_words: Sequence[str]) -> dict[int, float]:
    """Hashed n-gram and word features, log-scaled and L2-normalised (as trained)."""
    counts: Counter[int] = Counter()
    mask = (1 << HASH_BITS) - 1
    for word in text_words:
        padded = f" {word} "
        for n in range(1, MAX_NGRAM + 1):
            for start in range(len(padded) - n + 1):
                counts[zlib.crc32(padded[start : start + n].encode()) & mask] += 1
        counts[zlib.crc32(f"W{word}".encode()) & mask] += 1
    values = {key: math.log1p(count) for key, count in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
    return {key: value / norm for key, value in values.items()}


def lexicon_scores(text_words: Sequence[str]) -> list[float]:
    """Sum of log word frequencies per lexicon language (natural log), known words only."""
    model = _model()
    width = len(LEXICON_LANGUAGES)
    totals = [0.0] * width
    for word in text_words:
        row = model.lexicon.get(word)
        if row is not None:
            for i in range(width):
                totals[i] -= model.lexicon_values[row * width + i] * _TENTH
    return totals


def _relative(scores: Sequence[float]) -> list[float]:
    """Scores relative to the best one, scaled as the combiner was trained."""
    best = max(scores)
    return [(score - best) / 10 for score in scores]


def combine(text_words: Sequence[str], profile_scores: Sequence[float]) -> list[float]:
    """The combiner's inputs: n-gram logits, lexicon and profile scores (as trained)."""
    model = _model()
    logits = list(model.ngram_bias)
    width = len(LANGUAGES)
    for key, value in ngram_features(text_words).items():
        row = key * width
        for i in range(width):
            logits[i] += value * model.ngram_weights[row + i] * model.ngram_scale
    return logits + _relative(lexicon_scores(text_words)) + _relative(profile_scores)


def scores(text_words: Sequence[str], profile_scores: Sequence[float]) -> list[float]:
    """The combiner's logits for da, nb, nn and sv (of a text's :func:`words`), before the
    Danish bias."""
    model = _model()
    inputs = combine(text_words, profile_scores)
    return [
        bias + sum(w * x for w, x in zip(row, inputs, strict=True))
        for row, bias in zip(model.combiner, model.combiner_bias, strict=True)
    ]


def probabilities(text_words: Sequence[str], profile_scores: Sequence[float]) -> dict[str, float]:
    """Calibrated probabilities of da, nb, nn and sv for a Scandinavian text.

    Args:
        text_words: The text's :func:`words`.
        profile_scores: Log-likelihoods of ``text`` under langdetect's ``da``, ``no``
            and ``sv`` profiles (see :func:`translator.language.detect.profile_scores`).
    """
    model = _model()
    logits = scores(text_words, profile_scores)
    logits[LANGUAGES.index("da")] += model.danish_bias
    return softmax([logit / model.temperature for logit in logits])


def softmax(logits: Sequence[float]) -> dict[str, float]:
    """Probabilities from da, nb, nn and sv logits."""
    top = max(logits)
    exps = [math.exp(logit - top) for logit in logits]
    total = sum(exps)
    return {language: e / total for language, e in zip(LANGUAGES, exps, strict=True)}


def model_checksum() -> str:
    """A checksum of the shipped model files (part of the detector's version)."""
    digest = zlib.crc32(_data("scandinavian_model.json"))
    digest = zlib.crc32(_data("scandinavian_ngrams.bin"), digest)
    digest = zlib.crc32(_data("scandinavian_words.txt.gz"), digest)
    return f"{zlib.crc32(_data('scandinavian_lexicon.bin'), digest):08x}"
