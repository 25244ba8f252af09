"""Measure language detection and sentence splitting, on tuning text and on unseen text.

Run: python benchmarks/accuracy.py [--corpora ../shared/corpora]

Tuning text: ``langid_dev.tsv`` (UD dev sentences; the detector's Danish bias was set
on it, and the splitter's rules were written against ``da_ddt_dev_sentences.txt``).
Unseen text: FLORES-200 devtest Danish (Wikinews, Wikivoyage, Wikibooks: nothing was
tuned on it), and a 5-fold cross-validation of the Danish bias on the dev sentences
(the bias is chosen on four fifths and measured on the fifth). The detector's other
weights were trained on ``langid_train.tsv`` only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from langdetect import DetectorFactory, detect_langs

from translator import detect_language
from translator.errors import LanguageDetectionError
from translator.language import discriminator
from translator.language.detect import CONFIDENT, profile_scores
from translator.language.segment import boundary_scores

CORPORA = Path(__file__).parent.parent.parent / "shared" / "corpora"
LANGUAGES = ["da", "nb", "nn", "sv", "en", "de"]
NORDIC = ("nb", "nn", "sv")
BIASES = [round(0.1 * step, 1) for step in range(0, 31)]
Rows = list[tuple[str, str]]


def read_rows(path: Path) -> Rows:
    rows = [line.split("\t", 1) for line in path.read_text("utf-8").splitlines()[1:]]
    return [(gold, text) for gold, text in rows]


def ours(text: str) -> str:
    try:
        return detect_language(text).language
    except LanguageDetectionError:
        return "?"


def plain_langdetect(text: str) -> str:
    DetectorFactory.seed = 0
    try:
        return str(detect_langs(text)[0].lang)
    except Exception:  # noqa: BLE001 (langdetect raises bare exceptions on empty features)
        return "?"


def confusion(rows: Rows, detector: Callable[[str], str]) -> Counter[tuple[str, str]]:
    return Counter((gold, detector(text)) for gold, text in rows)


def rates(counts: Counter[tuple[str, str]]) -> str:
    def called_danish(gold: str) -> str:
        total = sum(n for (g, _), n in counts.items() if g == gold)
        return f"{counts[(gold, 'da')] / total:.2%}" if total else "-"

    others = ", ".join(f"{gold} {called_danish(gold)}" for gold in NORDIC)
    return f"Danish called Danish {called_danish('da')}; called Danish: {others}"


def table(counts: Counter[tuple[str, str]]) -> str:
    columns = LANGUAGES + ["no", "other"]
    lines = [
        "| gold \\ found | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for gold in LANGUAGES:
        row: Counter[str] = Counter()
        for (g, found), n in counts.items():
            if g == gold:
                row[found if found in columns else "other"] += n
        lines.append(f"| {gold} | " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def cross_validated_bias(rows: Rows, folds: int = 5) -> Counter[tuple[str, str]]:
    """Answers on each fifth of the Scandinavian dev rows with the bias set on the rest."""
    nordic = [(gold, text) for gold, text in rows if gold in discriminator.LANGUAGES]
    texts = [discriminator.words(text) for _, text in nordic]
    logits = [discriminator.scores(words, profile_scores(words)) for words in texts]

    def answer(row: int, bias: float) -> str:
        shifted = list(logits[row])
        shifted[0] += bias
        return discriminator.LANGUAGES[shifted.index(max(shifted))]

    def shortfall(members: Sequence[int], bias: float) -> float:
        counts = Counter((nordic[i][0], answer(i, bias)) for i in members)
        share = {
            g: counts[(g, "da")] / max(1, sum(n for (h, _), n in counts.items() if h == g))
            for g in discriminator.LANGUAGES
        }
        return max(0.99 - share["da"], max(share[g] for g in NORDIC) - 0.01)

    counts: Counter[tuple[str, str]] = Counter()
    for fold in range(folds):
        test = range(fold, len(nordic), folds)
        train = [i for i in range(len(nordic)) if i % folds != fold]
        bias = min(BIASES, key=lambda b: (round(shortfall(train, b), 6), b))
        counts.update((nordic[i][0], answer(i, bias)) for i in test)
    return counts


def calibration(rows: Rows) -> str:
    """How often Scandinavian answers are right, by stated probability."""
    bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 0.99), (0.99, 1.01)]
    tally = {edges: [0, 0] for edges in bins}
    for gold, text in rows:
        if gold not in discriminator.LANGUAGES:
            continue
        found = detect_language(text)
        if found.language not in discriminator.LANGUAGES:
            continue
        for low, high in bins:
            if low <= found.probability < high:
                tally[(low, high)][0] += 1
                tally[(low, high)][1] += found.language == gold
    lines = ["| stated probability | answers | right |", "|---|---|---|"]
    for (low, high), (n, right) in tally.items():
        share = f"{right / n:.1%}" if n else "-"
        lines.append(f"| {low:.2f}–{min(high, 1.0):.2f} | {n} | {share} |")
    return "\n".join(lines)


def documents(rows: Rows, size: int = 10) -> Counter[tuple[str, str]]:
    """Answers on documents of ``size`` consecutive sentences of one language."""
    by_language: dict[str, list[str]] = {}
    for gold, text in rows:
        by_language.setdefault(gold, []).append(text)
    docs = [
        (gold, " ".join(texts[i : i + size]))
        for gold, texts in by_language.items()
        for i in range(0, len(texts) - size + 1, size)
    ]
    return confusion(docs, ours)


def segmentation(corpora: Path) -> None:
    ddt = _lines(corpora / "da_ddt_dev_sentences.txt")
    flores = _lines(corpora / "flores200_devtest.da")
    cases = [
        ("da_ddt dev, one paragraph (tuning)", [ddt]),
        ("da_ddt dev, paragraphs of 3 (tuning)", [ddt[i : i + 3] for i in range(0, len(ddt), 3)]),
        ("da_ddt dev, paragraphs of 1-4", _varied(ddt)),
    ]
    for name, paragraphs in cases:
        p, r, f = boundary_scores(paragraphs)
        print(f"segmentation, {name}: P {p:.4f} R {r:.4f} F1 {f:.4f}")
    # A FLORES line may hold two sentences, so only recall of its end is measured.
    _, recall, _ = boundary_scores([flores])
    print(f"segmentation, FLORES devtest da (unseen), line ends found: R {recall:.4f}")


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]


def _varied(sentences: list[str]) -> list[list[str]]:
    paragraphs, start, size = [], 0, 1
    while start < len(sentences):
        paragraphs.append(sentences[start : start + size])
        start, size = start + size, size % 4 + 1
    return paragraphs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    args = parser.parse_args()
    segmentation(args.corpora)
    dev = read_rows(args.corpora / "langid_dev.tsv")
    flores = [("da", line) for line in _lines(args.corpora / "flores200_devtest.da")]
    started = time.perf_counter()
    tuned = confusion(dev, ours)
    per_sentence = (time.perf_counter() - started) / len(dev)
    print(
        f"\ndetection, langid_dev (tuning; {per_sentence * 1000:.1f} ms a sentence): {rates(tuned)}"
    )
    print(
        f"detection, langid_dev, Danish bias cross-validated (5 folds): {rates(cross_validated_bias(dev))}"
    )
    print(f"detection, FLORES devtest da (unseen), 1 sentence: {rates(confusion(flores, ours))}")
    print(f"detection, langid_dev documents of 10 sentences: {rates(documents(dev))}")
    print(f"detection, FLORES documents of 10 sentences (unseen): {rates(documents(flores))}")
    print(f"plain langdetect (seed 0), langid_dev: {rates(confusion(dev, plain_langdetect))}")
    print(
        f"\nlangid_dev, translator.detect_language (rows: gold; columns: answer)\n\n{table(tuned)}"
    )
    print(
        f"\ncalibration on langid_dev da/nb/nn/sv (flagged below {CONFIDENT}):\n\n{calibration(dev)}"
    )


if __name__ == "__main__":
    sys.exit(main())
