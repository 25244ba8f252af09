"""Measure sentence splitting and language detection on the UD dev corpora.

Run: python benchmarks/accuracy.py   (prints the figures the README reports)
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from langdetect import DetectorFactory, detect_langs

from translator import detect_language
from translator.segment import boundary_scores

DATA = Path(__file__).parent.parent / "tests" / "data"
LANGUAGES = ["da", "nb", "nn", "sv", "en", "de"]


def segmentation_scores() -> tuple[float, float, float]:
    gold = (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8").splitlines()
    return boundary_scores([line for line in gold if line])


def plain_langdetect(text: str) -> str:
    DetectorFactory.seed = 0
    try:
        return str(detect_langs(text)[0].lang)
    except Exception:  # noqa: BLE001 (langdetect raises bare exceptions on empty features)
        return "?"


def confusion(detector: object) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for row in (DATA / "langid_dev.tsv").read_text("utf-8").splitlines()[1:]:
        gold, text = row.split("\t", 1)
        try:
            found = detector(text)  # type: ignore[operator]
        except Exception:  # noqa: BLE001
            found = "?"
        counts[(gold, found)] += 1
    return counts


def table(counts: Counter[tuple[str, str]], title: str) -> str:
    columns = LANGUAGES + ["no", "other"]
    lines = [
        f"{title}",
        "",
        "| gold \\ found | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for gold in LANGUAGES:
        row = Counter()
        for (g, found), n in counts.items():
            if g == gold:
                row[found if found in columns else "other"] += n
        lines.append(f"| {gold} | " + " | ".join(str(row[c]) for c in columns) + " |")
    return "\n".join(lines)


def main() -> None:
    precision, recall, f1 = segmentation_scores()
    print(f"segmentation (da_ddt dev, 564 sentences): P {precision:.4f} R {recall:.4f} F1 {f1:.4f}")
    ours = confusion(lambda text: detect_language(text).language)
    base = confusion(plain_langdetect)
    for name, counts in (("translator.detect_language", ours), ("plain langdetect, seed 0", base)):
        danish = sum(n for (g, _), n in counts.items() if g == "da")
        nordic = sum(n for (g, _), n in counts.items() if g in ("nb", "nn", "sv"))
        false_da = sum(n for (g, f), n in counts.items() if g in ("nb", "nn", "sv") and f == "da")
        print(
            f"{name}: Danish recall {counts[('da', 'da')] / danish:.2%}, "
            f"nb/nn/sv called Danish {false_da / nordic:.2%} ({false_da}/{nordic})"
        )
    print()
    print(table(ours, "translator.detect_language (rows: gold; columns: answer)"))
    print()
    print(table(base, "plain langdetect (seed 0)"))


if __name__ == "__main__":
    sys.exit(main())
