"""Throughput of translator against the limit, the bare CTranslate2 batch, on real articles.

    python benchmarks/throughput.py --model ../shared/models/translate-da_en-europarl-0_1.argosmodel
    python benchmarks/throughput.py --model FILE.argosmodel --profile   # where the time goes

The articles: the example article (``examples/nato-stoltenberg.da.txt``) and articles
built from real Danish UD sentences (a dateline, a headline, paragraphs, a byline), each
sentence used once. With the same model, sentences, beam (4) and ``max_decoding_length``
(argostranslate's 256) on every path, each path in its own process (so its peak RSS is
its own), interleaved over ``--repeats`` runs, medians:

  limit   one ctranslate2 ``translate_batch`` over every distinct sentence, nothing else
          (the best of four thread and batch settings);
  none    ``Translator.translate_many`` with no guarantee (detection, parsing, decoding,
          rendering);
  every   ``Translator.translate_many`` with the default glossary and every guarantee;
  bulk    ``translator.bulk.run`` over a folder of the articles, ``jobs`` 1 and 2, end to
          end but for process start and model load;
  argos   argostranslate's ``translate()`` per article, on the first 12 articles (its
          sentencizer replaced by ours, since MiniSBD downloads a model at run time).

Each row shows its wall time, sentences/s, its share of the limit and its peak RSS
against the bare process's. ``--profile`` instead runs ``every`` once under cProfile and
prints where its time goes. Without ``--model`` a base-size synthetic copy model is built
and measured (tests/tiny_argos.py): it never needs a repair.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
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
EXAMPLE = ROOT / "examples" / "nato-stoltenberg.da.txt"
BEAM = 4
ARGOS_ARTICLES = 12


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
    """The example article and ``count - 1`` wire articles of real Danish sentences
    (each used once): a dateline with the headline, paragraphs, a byline."""
    sentences = danish_sentences()
    if (count - 1) * per_article > len(sentences):
        raise SystemExit(f"only {len(sentences)} sentences: lower --articles or --sentences")
    articles = [EXAMPLE.read_text("utf-8")]
    for i in range(count - 1):
        headline, *body = sentences[i * per_article : (i + 1) * per_article]
        paragraphs = [" ".join(body[j : j + 2]) for j in range(0, len(body), 2)]
        articles.append(
            f" date {2000 + i % 25}-{1 + i % 12:02} {headline}\n\n"
            + "\n\n".join(paragraphs)
            + "\n\n/ritzau/\n"
        )
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

    articles = json.loads((work / "argos.json").read_text("utf-8"))
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


def _engine(max_length: int) -> Any:
    from translator.engines.argos import ArgosEngine
    from translator.engines.packages import find_model

    model = find_model("da")
    assert model is not None
    return ArgosEngine(model.path, beam_size=BEAM, max_decoding_length=max_length)


def _translator(max_length: int, guarantees: bool) -> Any:
    from translator import Translator

    if guarantees:
        return Translator(_engine(max_length))
    return Translator(_engine(max_length), guarantees=(), default_glossary=False)


def _translate_many(work: Path, max_length: int, guarantees: bool) -> dict[str, Any]:
    articles = json.loads((work / "articles.json").read_text("utf-8"))
    translator = _translator(max_length, guarantees)
    started = time.perf_counter()
    results = translator.translate_many(articles)
    seconds = time.perf_counter() - started
    repaired = sum(1 for r in results for repair in r.repairs if repair.technique)
    reported = sum(1 for r in results for repair in r.repairs if repair.left)
    return {"seconds": seconds, "rss": peak_rss_mib(), "repaired": repaired,
            "reported": reported, "sentences": sum(r.sentences for r in results)}  # fmt: skip


def measure_every(work: Path, max_length: int) -> dict[str, Any]:
    return _translate_many(work, max_length, True)


def measure_none(work: Path, max_length: int) -> dict[str, Any]:
    return _translate_many(work, max_length, False)


def _bulk(work: Path, max_length: int, jobs: int) -> dict[str, Any]:
    import shutil

    from translator.bulk import run

    translator = _translator(max_length, True)
    translator.settings_key()  # loads the model: process start and model load are excluded
    out = work / f"bulk-out-{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    results = list(run(work / "articles", out, translator, jobs=jobs))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss": peak_rss_mib(), "items": len(results)}


def measure_bulk1(work: Path, max_length: int) -> dict[str, Any]:
    return _bulk(work, max_length, 1)


def measure_bulk2(work: Path, max_length: int) -> dict[str, Any]:
    return _bulk(work, max_length, 2)


def unique_sentences(articles: list[str]) -> list[str]:
    """Every distinct sentence of ``articles``, as translator cuts them."""
    from translator import split_sentences

    return list(
        dict.fromkeys(
            s for a in articles for line in a.splitlines() for s in split_sentences(line.strip())
        )
    )


def measure_limit(work: Path, max_length: int) -> dict[str, Any]:
    import ctranslate2

    from translator.engines.packages import find_model
    from translator.engines.tokenizers import SentencePieceTokenizer

    unique = unique_sentences(json.loads((work / "articles.json").read_text("utf-8")))
    model = find_model("da")
    assert model is not None
    tokenizer = SentencePieceTokenizer(model.path / "sentencepiece.model")
    tokens = tokenizer.encode(unique)
    best: dict[str, Any] = {}
    cores = os.cpu_count() or 1
    for inter, intra in ((cores, 1), (1, cores)):
        translator = ctranslate2.Translator(
            str(model.path / "model"), inter_threads=inter, intra_threads=intra
        )
        for batch in (1024, 4096):
            started = time.perf_counter()
            translator.translate_batch(
                tokens, max_batch_size=batch, batch_type="tokens", beam_size=BEAM,
                max_decoding_length=max_length, length_penalty=0.2, replace_unknowns=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            if not best or seconds < best["seconds"]:
                best = {"seconds": seconds, "setting": f"{inter} × {intra} threads, {batch} tokens"}
        del translator
        gc.collect()
    return {**best, "sentences": len(unique), "rss": peak_rss_mib()}


MODES = {
    "limit": measure_limit,
    "none": measure_none,
    "every": measure_every,
    "bulk1": measure_bulk1,
    "bulk2": measure_bulk2,
    "argos": measure_argos,
}
LABELS = {
    "limit": "bare CTranslate2 batch of the same sentences (the limit)",
    "none": "`Translator.translate_many`, no guarantees",
    "every": "`Translator.translate_many`, every guarantee",
    "bulk1": "`translator bulk --jobs 1` (library run, end to end)",
    "bulk2": "`translator bulk --jobs 2` (library run, end to end)",
    "argos": f"argostranslate `translate()` per article (first {ARGOS_ARTICLES} articles)",
}
# What the profile reports: a label, then (file ending, function) pairs whose cumulative
# time it is (the first found).
PROFILE = [
    ("detection", [("language/detect.py", "detect_language")]),
    ("parsing and segment planning", [("pipeline.py", "_plan")]),
    ("first decode (CTranslate2)", [("pipeline.py", "_translate_sentences")]),
    ("guarantees: normalise and check", [("guarantees/repair.py", "judge")]),
    ("repair: constrained re-decodes", [("engines/argos.py", "complete")]),
    ("repair: scoring candidates", [("engines/argos.py", "score")]),
    ("repair: everything (search, place, force, choose)", [("guarantees/repair.py", "_repair")]),
    ("rendering", [("pipeline.py", "_finish")]),
]


def profile(work: Path, max_length: int) -> None:
    """Run ``every`` once under cProfile and print where its time goes."""
    articles = json.loads((work / "articles.json").read_text("utf-8"))
    translator = _translator(max_length, True)
    translator.settings_key()
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    translator.translate_many(articles)
    profiler.disable()
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    print(f"translate_many, every guarantee, {len(articles)} articles: {total:.2f} s (profiled)")
    print()
    print("| part | seconds | share |")
    print("|---|---|---|")
    for label, places in PROFILE:
        seconds = next(
            (
                value[3]
                for (path, _, name), value in stats.items()
                for ending, function in places
                if path.endswith(ending) and name == function
            ),
            0.0,
        )
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")


def child(mode: str, work: Path, max_length: int, env: dict[str, str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", mode, "--work", str(work),
               "--max-length", str(max_length)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def timed_cli(command: list[str], env: dict[str, str]) -> float:
    """Run a command; return its wall seconds."""
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)  # fmt: skip
    return time.perf_counter() - started


def prepare(args: argparse.Namespace, work: Path) -> None:
    """Install the model and write the articles (a JSON list and a folder of files)."""
    sys.path.insert(0, str(ROOT / "tests"))
    import tiny_argos

    from translator.engines.packages import install_file

    if args.model:
        install_file(args.model)
        print(f"model: {args.model.name}")
    else:
        started = time.perf_counter()
        training = "\n".join(danish_sentences())
        package = tiny_argos.build_package(
            work / "build", training, vocab_size=8000, layers=6, d_model=512, ffn=2048,
            heads=8, quantization="int8", copy=True,
        )  # fmt: skip
        install_file(package)
        print(f"built a base-size synthetic package in {time.perf_counter() - started:.0f} s")
    articles = make_articles(args.articles, args.sentences)
    (work / "articles.json").write_text(json.dumps(articles), "utf-8")
    (work / "argos.json").write_text(json.dumps(articles[:ARGOS_ARTICLES]), "utf-8")
    folder = work / "articles"
    folder.mkdir()
    for i, article in enumerate(articles):
        (folder / f"{i:04}.txt").write_text(article, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--sentences", type=int, default=3, help="sentences per built article")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--model", type=Path, help="measure this .argosmodel, not a synthetic one")
    parser.add_argument("--profile", action="store_true", help="profile `every` once instead")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(MODES[args.child](args.work, args.max_length)))
        return

    work = Path(tempfile.mkdtemp(prefix="throughput-"))
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages"),
           "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/"}  # fmt: skip
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(work / name.lower())
    os.environ.update(env)
    prepare(args, work)
    if args.profile:
        profile(work, args.max_length)
        return

    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    help_runs = []
    for repeat in range(args.repeats):
        for mode in MODES:
            runs[mode].append(child(mode, work, args.max_length, env))
        help_runs.append(timed_cli([sys.executable, "-m", "translator", "--help"], env))
        print(f"run {repeat + 1}/{args.repeats} done", file=sys.stderr)

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in runs[mode])

    sentences = runs["limit"][0]["sentences"]
    argos_sentences = len(unique_sentences(json.loads((work / "argos.json").read_text("utf-8"))))
    limit = sentences / median("limit", "seconds")
    bare_rss = median("limit", "rss")
    every = runs["every"][0]
    print()
    print(f"{args.articles} articles ({sentences} distinct sentences), beam {BEAM}, "
          f"max_decoding_length {args.max_length}, {os.cpu_count()} cores, "
          f"medians of {args.repeats} interleaved runs, each path in its own process")  # fmt: skip
    print()
    print("| path | wall (s) | sentences/s | share of the limit | peak RSS (MiB) | RSS vs bare |")
    print("|---|---|---|---|---|---|")
    for mode, label in LABELS.items():
        count = argos_sentences if mode == "argos" else sentences
        wall = median(mode, "seconds")
        rss = median(mode, "rss")
        print(f"| {label} | {wall:.1f} | {count / wall:.1f} | {count / wall / limit:.0%} "
              f"| {rss:.0f} | {rss / bare_rss:.2f}× |")  # fmt: skip
    print()
    print(f"- the limit's best setting: {runs['limit'][0]['setting']}")
    print(f"- segments repaired with every guarantee: {every['repaired']}; "
          f"left and reported: {every['reported']}")  # fmt: skip
    print(f"- `translator --help`: {statistics.median(help_runs):.3f} s")


if __name__ == "__main__":
    main()
