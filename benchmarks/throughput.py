"""Throughput of translator against argostranslate's own path and CTranslate2's limit.

Builds a base-size synthetic Argos package the way the test fixtures build their tiny
ones (tests/tiny_argos.py): 6+6 layers, d_model 512, FFN 2048, 8 heads, int8, SentencePiece
trained on Danish text. Its weights are set by hand so that it copies its input: every
layer computes at full size, outputs are as long as inputs and end with </s>, and quote
marks and names survive as with a trained model (random weights would never emit </s>
and would drop quote marks, sending sentences through translator's repair pass). Then,
with the same model, sentences, beam (4) and max_decoding_length (argostranslate's 256)
on every path, measures in one run:

  a. argostranslate: translate() per article (its sentencizer replaced by ours, since
     MiniSBD downloads a model at run time);
  b. translator: Translator.translate_many, and `translator bulk` end to end;
  c. the limit: one ctranslate2 translate_batch over all unique sentences, with the best
     batch and thread settings found.

Each path runs in its own process so peak RSS is its own. Prints a Markdown table.

With ``--model FILE.argosmodel`` a real package (such as the trained
``../shared/models/translate-da_en-europarl-0_1.argosmodel``) is measured instead of the
synthetic one: the real model ends sentences, changes lengths and moves quotation marks,
so b then includes every guarantee's checks and repairs (default glossary on all paths).

Run: python benchmarks/throughput.py [--model FILE] [--articles 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parent.parent
DATA = ROOT / "tests" / "data"
BEAM = 4


def danish_sentences() -> list[str]:
    ddt = [s for s in (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8").splitlines() if s]
    langid = [
        row.split("\t", 1)[1]
        for row in (DATA / "langid_dev.tsv").read_text("utf-8").splitlines()[1:]
        if row.startswith("da\t")
    ]
    # langid's Danish rows come from the same treebank: keep each sentence once.
    return list(dict.fromkeys(s for s in ddt + langid if len(s.split()) >= 3))


def make_articles(count: int, per_article: int) -> list[str]:
    """Articles of real Danish sentences, every sentence used once (no duplicates)."""
    sentences = danish_sentences()
    if count * per_article > len(sentences):
        raise SystemExit(f"only {len(sentences)} sentences: lower --articles or --sentences")
    articles = []
    for i in range(count):
        s = sentences[i * per_article : (i + 1) * per_article]
        articles.append("\n\n".join(s) + "\n\n/ritzau/\n")
    return articles


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- one measurement per process -----------------------------------------------------------


def measure_argos(work: Path, max_length: int) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    started = time.perf_counter()
    import argostranslate.translate as argos
    from argostranslate import settings

    import_s = time.perf_counter() - started
    import ctranslate2

    from translator import split_sentences

    class OurSplitter:
        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text)

    class Capped:
        """argostranslate passes no max_decoding_length; cap it as the other paths."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def translate_batch(self, *args: Any, **kwargs: Any) -> Any:
            return self.inner.translate_batch(*args, max_decoding_length=max_length, **kwargs)

    articles = json.loads((work / "articles.json").read_text("utf-8"))
    translation = argos.get_translation_from_codes("da", "en")
    package = translation.underlying
    package.sentencizer = OurSplitter()
    started = time.perf_counter()
    package.translator = Capped(
        ctranslate2.Translator(
            str(package.pkg.package_path / "model"),
            device=settings.device,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
            compute_type=settings.compute_type,
        )
    )
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    outputs = [translation.translate(article) for article in articles]
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "import_s": import_s, "load_s": load_s, "rss": peak_rss_mib(),
            "outputs": len(outputs)}  # fmt: skip


def measure_library(work: Path, max_length: int) -> dict[str, Any]:
    from translator import Translator
    from translator.engines.argos import ArgosEngine
    from translator.engines.packages import find_model

    articles = json.loads((work / "articles.json").read_text("utf-8"))
    model = find_model("da")
    assert model is not None
    started = time.perf_counter()
    engine = ArgosEngine(
        model.path, beam_size=BEAM, max_decoding_length=max_length, length_ratio=None
    )
    load_s = time.perf_counter() - started
    translator = Translator(engine)
    started = time.perf_counter()
    results = translator.translate_many(articles)
    seconds = time.perf_counter() - started
    repaired = sum(1 for r in results for repair in r.repairs if repair.technique)
    return {"seconds": seconds, "load_s": load_s, "rss": peak_rss_mib(), "repaired": repaired,
            "sentences": sum(r.sentences for r in results)}  # fmt: skip


def measure_limit(work: Path, max_length: int) -> dict[str, Any]:
    import ctranslate2
    import sentencepiece

    from translator import split_sentences
    from translator.engines.packages import find_model

    articles = json.loads((work / "articles.json").read_text("utf-8"))
    unique = list(
        dict.fromkeys(s for a in articles for line in a.splitlines() for s in split_sentences(line))
    )
    model = find_model("da")
    assert model is not None
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(model.path / "sentencepiece.model")
    )
    tokens = processor.encode(unique, out_type=str)
    best: dict[str, Any] = {}
    cores = os.cpu_count() or 1
    for inter, intra in ((1, cores), (cores, 1)):
        translator = ctranslate2.Translator(
            str(model.path / "model"), inter_threads=inter, intra_threads=intra
        )
        for batch in (1024, 4096, 16384):
            started = time.perf_counter()
            translator.translate_batch(
                tokens, max_batch_size=batch, batch_type="tokens", beam_size=BEAM,
                max_decoding_length=max_length, length_penalty=0.2, replace_unknowns=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            if not best or seconds < best["seconds"]:
                best = {
                    "seconds": seconds,
                    "setting": f"inter {inter}, intra {intra}, batch {batch}",
                }
    return {**best, "sentences": len(unique), "rss": peak_rss_mib()}


MODES = {"argos": measure_argos, "library": measure_library, "limit": measure_limit}


def child(mode: str, work: Path, max_length: int, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--work", str(work),
               "--max-length", str(max_length)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def timed_cli(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, its peak RSS in MiB)."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", probe, *command], env=env, capture_output=True,
                          text=True, check=True)  # fmt: skip
    wall, rss = done.stdout.split()
    return float(wall), int(rss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=2, help="sentences per article")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--model", type=Path, help="measure this .argosmodel, not a synthetic one")
    parser.add_argument("--child")
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(MODES[args.child](args.work, args.max_length)))
        return

    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_argos

    from translator.engines.packages import install_file

    work = Path(tempfile.mkdtemp(prefix="throughput-"))
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages"),
           "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/"}  # fmt: skip
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(work / name.lower())
    os.environ.update(env)
    started = time.perf_counter()
    if args.model:
        install_file(args.model)
        print(f"model: {args.model.name}")
    else:
        training = "\n".join(danish_sentences())
        package = tiny_argos.build_package(
            work / "build", training, vocab_size=8000, layers=6, d_model=512, ffn=2048,
            heads=8, quantization="int8", copy=True,
        )  # fmt: skip
        install_file(package)
        print(
            f"built a base-size package in {time.perf_counter() - started:.0f} s "
            f"({package.stat().st_size / 2**20:.0f} MiB)"
        )
    articles = make_articles(args.articles, args.sentences)
    (work / "articles.json").write_text(json.dumps(articles), "utf-8")
    folder = work / "articles"
    folder.mkdir()
    for i, article in enumerate(articles):
        (folder / f"{i:04}.txt").write_text(article, "utf-8")
    (work / "one.txt").write_text(articles[0], "utf-8")
    english = "This is an English article about the weather in Copenhagen today.\n"
    (work / "english.txt").write_text(english, "utf-8")

    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    cli = [sys.executable, "-m", "translator"]
    no_tm = "--no-tm"  # a run must not reuse the previous run's segments
    bulk_runs, bulk2_runs, help_runs, first_output, passthrough = [], [], [], [], []
    for repeat in range(args.repeats):
        for mode in MODES:
            started = time.perf_counter()
            runs[mode].append(child(mode, work, args.max_length, env))
            print(f"  {mode}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        bulk_runs.append(timed_cli([*cli, "bulk", str(folder), str(work / f"out{repeat}"), "--quiet", no_tm,
                                    "--max-decoding-length",
                                    str(args.max_length)], env))  # fmt: skip
        bulk2_runs.append(timed_cli([*cli, "bulk", str(folder), str(work / f"jobs{repeat}"), "--quiet", no_tm,
                                     "--jobs", "2", "--max-decoding-length",
                                     str(args.max_length)], env))  # fmt: skip
        help_runs.append(timed_cli([*cli, "--help"], env)[0])
        # Everything `translate` does but load a model and decode: start, read, detect, write.
        passthrough.append(
            timed_cli([*cli, "translate", str(work / "english.txt"), "-q", no_tm], env)[0]
        )
        first_output.append(timed_cli([*cli, "translate", str(work / "one.txt"), "-q", no_tm,
                                       "--max-decoding-length", str(args.max_length)], env))  # fmt: skip
        print(f"run {repeat + 1}/{args.repeats} done", file=sys.stderr)

    tm = work / "tm.sqlite"

    def bulk_with_tm(output: str) -> float:
        command = [*cli, "bulk", str(folder), str(work / output), "--quiet", "--tm", str(tm),
                   "--max-decoding-length", str(args.max_length)]  # fmt: skip
        return timed_cli(command, env)[0]

    tm_first, tm_second = bulk_with_tm("tm1"), bulk_with_tm("tm2")

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[mode])

    sentences = runs["library"][0]["sentences"]
    rate_a = sentences / median("argos", "seconds")
    rate_b = sentences / median("library", "seconds")
    rate_c = runs["limit"][0]["sentences"] / median("limit", "seconds")
    rate_cli = sentences / statistics.median(w for w, _ in bulk_runs)
    rate_cli2 = sentences / statistics.median(w for w, _ in bulk2_runs)
    load_b = median("library", "load_s")
    startup = statistics.median(w for w, _ in first_output)
    print()
    print(f"{args.articles} articles, {sentences} sentences, beam {BEAM}, max_decoding_length "
          f"{args.max_length}, {os.cpu_count()} cores, medians of {args.repeats} runs")  # fmt: skip
    print()
    print("| path | sentences/s | vs argostranslate | vs limit | peak RSS (MiB) |")
    print("|---|---|---|---|---|")
    rows = [
        ("a. argostranslate translate() per article", rate_a, median("argos", "rss")),
        ("b. translator: Translator.translate_many", rate_b, median("library", "rss")),
        ("b. translator: `translator bulk` (CLI, end to end)", rate_cli,
         statistics.median(r for _, r in bulk_runs)),
        ("b. translator: `translator bulk --jobs 2` (threads)", rate_cli2,
         statistics.median(r for _, r in bulk2_runs)),
        ("c. limit: one CTranslate2 translate_batch", rate_c, median("limit", "rss")),
    ]  # fmt: skip
    for name, rate, rss in rows:
        print(f"| {name} | {rate:.1f} | {rate / rate_a:.2f}× | {rate / rate_c:.0%} | {rss:.0f} |")
    print()
    print(f"- the guarantees' extra cost: b runs at {rate_b / rate_c:.0%} of the bare batch c")
    print()
    print(f"- best limit setting: {runs['limit'][0]['setting']}")
    print(f"- import argostranslate.translate: {median('argos', 'import_s'):.2f} s")
    print(f"- `translator --help`: {statistics.median(help_runs):.3f} s")
    print(f"- `translator translate` one article, to first output: {startup:.2f} s "
          f"(model load {load_b:.2f} s; the rest is start-up and translation)")  # fmt: skip
    print(
        f"- `translator translate` start-up overhead (an English article, passed through: "
        f"start, imports, read, detect, write; no model): {statistics.median(passthrough):.2f} s"
    )
    print(f"- `translator translate` peak RSS: {statistics.median(r for _, r in first_output):.0f} MiB; "
          f"argostranslate path: {median('argos', 'rss'):.0f} MiB")  # fmt: skip
    print(f"- bulk with --tm: first run {tm_first:.1f} s, rerun on the unchanged archive "
          f"{tm_second:.1f} s ({tm_first / tm_second:.1f}× faster)")  # fmt: skip
    print(f"- sentences translator had to repair: {runs['library'][0]['repaired']}")


if __name__ == "__main__":
    main()
