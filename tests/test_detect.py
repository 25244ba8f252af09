from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from translator import detect_language
from translator.errors import LanguageDetectionError

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Natos generalsekretær siger, at en atomtrussel er set mange gange før.", "da"),
        ("Jeg ved ikke, hvad han mener om det, men vi får se i morgen.", "da"),
        ("Regjeringen sier at den ikke vil gjøre noe med saken før etter valget.", "nb"),
        ("Eg veit ikkje kva han meiner om dette, men vi får sjå i morgon.", "nn"),
        ("Regeringen säger att den inte kommer att göra något före valet.", "sv"),
        ("The government says it will not act before the election.", "en"),
        ("Die Regierung sagt, dass sie vor der Wahl nichts tun wird.", "de"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text).language == language


def test_detection_is_deterministic() -> None:
    text = "Kulturen skal også tilgodeses i Ørestaden."
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_no_letters_is_an_error() -> None:
    with pytest.raises(LanguageDetectionError):
        detect_language("12345 --- !!!")


def confusion() -> Counter[tuple[str, str]]:
    rows = (DATA / "langid_dev.tsv").read_text("utf-8").splitlines()[1:]
    counts: Counter[tuple[str, str]] = Counter()
    for row in rows:
        gold, text = row.split("\t", 1)
        if gold in ("da", "nb", "nn", "sv"):
            counts[(gold, detect_language(text).language)] += 1
    return counts


def test_danish_recall_and_scandinavian_false_danish_on_ud_dev() -> None:
    counts = confusion()
    danish = sum(n for (gold, _), n in counts.items() if gold == "da")
    others = sum(n for (gold, _), n in counts.items() if gold != "da")
    false_danish = sum(n for (gold, found), n in counts.items() if gold != "da" and found == "da")
    assert counts[("da", "da")] / danish >= 0.99
    assert false_danish / others <= 0.01


SAMPLE = [
    row.split("\t", 1)[1]
    for row in (DATA / "langid_dev.tsv").read_text("utf-8").splitlines()[1:400:20]
]


@pytest.mark.parametrize("text", SAMPLE)
def test_lazy_tables_give_langdetects_own_probabilities(text: str) -> None:
    from langdetect import DetectorFactory, detect_langs

    from translator.detect import _langdetect

    DetectorFactory.seed = 0
    assert _langdetect(text) == {g.lang: g.prob for g in detect_langs(text)}
