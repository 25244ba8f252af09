"""Translation quality of translator against the bare model it wraps, on a real model.

    python benchmarks/quality.py --model ../shared/models/translate-da_en-europarl-0_1.argosmodel
    python benchmarks/quality.py --model FILE.argosmodel --limit 200 --check
    python benchmarks/quality.py --model FILE.argosmodel --no-alone --repeat 2 --gate  # CI

Paths, on the same sentences (one sentence per text, source language forced to da):
  a  the bare engine: one translate_batch, no glossary, quotes or numbers;
  b  Translator with the default glossary and every guarantee;
  c  Translator with each guarantee alone (glossary, quotes, numbers).
Per path: chrF and BLEU (sacrebleu), the share of sentences repaired and by which
technique, compliance per guarantee (present / reported / silently missing), degenerate
outputs (a word or n-gram 3 times in a row where the source has none), silent
truncations and sentences/s (with ``--repeat N``, the fastest of N interleaved runs of a
and b), and the share of sentences keeping every glossary term, quotation and number,
judged independently of the guarantees' code (``benchmarks/judge.py``). ``--check`` exits 1
when one of the issue's targets is missed; ``--gate`` (CI) when the figures fall below
this release's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from judge import Judge, keeps_numbers, keeps_quotes  # noqa: E402

from translator import Translator  # noqa: E402
from translator.engines.argos import ArgosEngine  # noqa: E402
from translator.guarantees import Segment, repair  # noqa: E402
from translator.guarantees.fluency import repeated  # noqa: E402

DATA = ROOT.parent / "shared" / "corpora" / "flores200_devtest"
ALONE = ("glossary", "quotes", "numbers")
GUARDED = ("glossary", "quotes", "numbers")


def unpack(model: Path, folder: Path) -> Path:
    """Unpack an .argosmodel (a zip with one top folder); return the package folder."""
    with zipfile.ZipFile(model) as archive:
        archive.extractall(folder)
    return next(p.parent for p in folder.glob("*/metadata.json"))


def compliance(translator: Translator, sources: list[str], outputs: list[str], reported: set[int]):
    """Per guarantee: (sentences with spans, present, reported, silently missing)."""
    table = {}
    for guarantee in translator.guarantees:
        if guarantee.name not in GUARDED:
            continue
        counts = Counter()
        for index, (source, output) in enumerate(zip(sources, outputs, strict=True)):
            found = guarantee.find(source, False)
            if not found.spans:
                continue
            segment = Segment(source, spans={guarantee.name: found.spans})
            counts["with"] += 1
            if not guarantee.check(segment, guarantee.normalize(segment, output)):
                counts["present"] += 1
            elif index in reported:
                counts["reported"] += 1
            else:
                counts["silent"] += 1
        table[guarantee.name] = counts
    return table


def run_translator(engine, sources, **options):
    translator = Translator(engine, source_language="da", **options)
    started = time.perf_counter()
    results = translator.translate_many(sources)
    seconds = time.perf_counter() - started
    outputs = [r.text for r in results]
    techniques = Counter()
    reported = set()
    repaired = set()
    for index, result in enumerate(results):
        for fix in result.repairs:
            if fix.technique:
                techniques[fix.technique] += 1
                repaired.add(index)
            if fix.left:
                reported.add(index)
    return translator, outputs, seconds, techniques, repaired, reported


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="an .argosmodel file")
    parser.add_argument("--data", type=Path, default=DATA, help="PREFIX of PREFIX.da/PREFIX.en")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--gate", action="store_true", help="exit 1 on a regression from this release (CI)"
    )
    parser.add_argument("--no-alone", action="store_true", help="skip the c paths")
    parser.add_argument(
        "--repeat", type=int, default=1, help="time a and b N times, interleaved; keep the fastest"
    )
    parser.add_argument("--candidates", type=int, default=repair.CANDIDATES, help=argparse.SUPPRESS)
    parser.add_argument("--margin", type=float, default=repair.SCORE_MARGIN, help=argparse.SUPPRESS)
    args = parser.parse_args()
    repair.CANDIDATES, repair.SCORE_MARGIN = args.candidates, args.margin

    sources = Path(f"{args.data}.da").read_text("utf-8").splitlines()
    references = Path(f"{args.data}.en").read_text("utf-8").splitlines()
    if args.limit:
        sources, references = sources[: args.limit], references[: args.limit]
    sources = [s.strip() for s in sources]

    with tempfile.TemporaryDirectory() as folder:
        engine = ArgosEngine(unpack(args.model, Path(folder)))
        engine.translate_batch(sources[:8])  # warm up
        bare_seconds = seconds = float("inf")
        for _ in range(args.repeat):  # a shared machine is noisy: the fastest run counts
            started = time.perf_counter()
            bare_hyps = engine.search(sources)
            bare_seconds = min(bare_seconds, time.perf_counter() - started)
            translator, outputs, taken, techniques, repaired, reported = run_translator(
                engine, sources
            )
            seconds = min(seconds, taken)
        bare = [h[0].text for h in bare_hyps]
        bare_cut = {i for i, h in enumerate(bare_hyps) if not h[0].finished}
        rows = [("b", outputs, seconds, techniques, repaired, reported)]
        if not args.no_alone:
            for name in ALONE:
                result = run_translator(engine, sources, guarantees=[name, "fluency"])
                rows.append((f"c:{name}", *result[1:]))

    def scores(outputs):
        return (
            sacrebleu.corpus_chrf(outputs, [references]).score,
            sacrebleu.corpus_bleu(outputs, [references]).score,
        )

    def degenerate(outputs):
        return {
            i
            for i, (s, o) in enumerate(zip(sources, outputs, strict=True))
            if repeated(o) and not repeated(s)
        }

    n = len(sources)
    chrf_a, bleu_a = scores(bare)
    degenerate_a = degenerate(bare)
    print(f"{n} sentences from {args.data.name}, model {args.model.name}, beam 4")
    print(
        f"{'path':<12}{'chrF':>7}{'BLEU':>7}{'repaired':>10}{'degen.':>8}{'sent/s':>8}  techniques"
    )
    print(
        f"{'a bare':<12}{chrf_a:7.2f}{bleu_a:7.2f}{'-':>10}{len(degenerate_a):8d}"
        f"{n / bare_seconds:8.1f}"
    )
    failed = []
    for name, outputs, seconds, techniques, repaired, reported in rows:
        chrf, bleu = scores(outputs)
        share = 100 * len(repaired) / n
        by = ", ".join(f"{k} {v}" for k, v in sorted(techniques.items())) or "none"
        print(
            f"{name:<12}{chrf:7.2f}{bleu:7.2f}{share:9.1f}%{len(degenerate(outputs)):8d}"
            f"{n / seconds:8.1f}  {by}"
        )
        if name == "b":
            b_outputs, b_chrf, b_bleu, b_speed = outputs, chrf, bleu, n / seconds
            b_repaired, b_reported = repaired, reported

    print("\ncompliance (sentences with the guarantee's spans: present / reported / silent)")
    table_a = compliance(translator, sources, bare, set())
    table_b = compliance(translator, sources, b_outputs, b_reported)
    silent = 0
    for name in table_b:
        a, b = table_a[name], table_b[name]
        print(
            f"  {name:<9} a: {a['present']}/{a['with']} present   "
            f"b: {b['present']}/{b['with']} present, {b['reported']} reported, "
            f"{b['silent']} silent"
        )
        silent += b["silent"]
    degenerate_by_repair = degenerate(b_outputs) & b_repaired
    silent_cuts = {i for i in bare_cut if i not in b_reported and i not in b_repaired}
    print(
        f"\ndegenerate outputs: a {len(degenerate_a)}, b {len(degenerate(b_outputs))} "
        f"({len(degenerate_by_repair)} caused by a repair)"
    )
    print(f"cut at the length bound: a {len(bare_cut)}, b silently {len(silent_cuts)}")
    print(f"speed: b {b_speed / (n / bare_seconds):.0%} of the bare batch's sentences/s")

    judge = Judge((e.source, e.target) for e in translator.glossary.entries.values())
    print("\nkept, judged independently (sentences keeping every item / sentences with items)")
    kept = {}
    for label, keeps in (
        ("terms", judge.keeps_terms),
        ("quotations", keeps_quotes),
        ("numbers", keeps_numbers),
    ):
        row = []
        for outputs in (bare, b_outputs):
            verdicts = [keeps(s, o) for s, o in zip(sources, outputs, strict=True)]
            judged = [v for v in verdicts if v is not None]
            row.append((sum(judged), len(judged)))
        (ka, na), (kb, nb) = row
        kept[label] = kb / nb if nb else 1.0
        print(
            f"  {label:<11} a {ka}/{na} ({ka / max(na, 1):.1%})   b {kb}/{nb} ({kb / max(nb, 1):.1%})"
        )
    changed = [i for i in range(n) if b_outputs[i] != bare[i]]
    if changed:
        refs = [[references[i] for i in changed]]
        chrf_changed_a = sacrebleu.corpus_chrf([bare[i] for i in changed], refs).score
        chrf_changed_b = sacrebleu.corpus_chrf([b_outputs[i] for i in changed], refs).score
    else:
        chrf_changed_a = chrf_changed_b = 0.0
    print(
        f"sentences b changed: {len(changed)}; their chrF a {chrf_changed_a:.2f}, b {chrf_changed_b:.2f}"
    )

    speed = b_speed / (n / bare_seconds)
    # The issue's targets (--check), and CI's gate (--gate): no regression from what this
    # release measured, so that a change which loses quality, keeps fewer guarantees or
    # slows the repairs down does not land (the speed floor allows for a noisy machine).
    if args.gate:
        kept_floor = {"terms": 0.98, "quotations": 0.98, "numbers": 0.96}
        speed_floor = 0.70
    else:
        kept_floor = {"terms": 0.99, "quotations": 0.99, "numbers": 0.98}
        speed_floor = 0.80
    targets = [
        ("chrF b >= chrF a", b_chrf >= chrf_a),
        ("BLEU b >= BLEU a - 0.2", b_bleu >= bleu_a - 0.2),
        ("every guarantee present or reported", silent == 0),
        *(
            (f"{name} kept in >= {floor:.0%} of sentences", kept[name] >= floor)
            for name, floor in kept_floor.items()
        ),
        ("changed sentences: chrF b >= chrF a - 2", chrf_changed_b >= chrf_changed_a - 2),
        ("degenerate outputs b <= a", len(degenerate(b_outputs)) <= len(degenerate_a)),
        ("0 degenerate outputs caused by a repair", not degenerate_by_repair),
        ("0 silent truncations", not silent_cuts),
        (f"b >= {speed_floor:.0%} of the bare batch's sentences/s", speed >= speed_floor),
    ]
    print()
    for label, ok in targets:
        print(f"  {'ok  ' if ok else 'MISS'} {label}")
        if not ok:
            failed.append(label)
    return 1 if (args.check or args.gate) and failed else 0


if __name__ == "__main__":
    sys.exit(main())
