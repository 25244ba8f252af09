"""Measure the Ray backend of bulk against the local one, and project cluster scaling.

Run (needs the 'ray' extra and a real model):

    python benchmarks/ray_overhead.py --model ../shared/models/translate-da_en-europarl-0_1.argosmodel

It builds articles of real Danish UD sentences (as benchmarks/throughput.py does),
installs the model into a temporary Argos folder, and times end-to-end CLI runs with no
translation memory, in turn (medians of --repeats): ``bulk`` local with 2 threads,
``bulk --backend ray`` with 2 actors of 1 thread, and with 1 actor (per-actor rate). The
Ray runs include starting a local Ray and its actors, as a one-machine user would pay.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from throughput import make_articles  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--sentences", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ray-overhead-"))
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages"),
           "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/", "RAY_USAGE_STATS_ENABLED": "0"}  # fmt: skip
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(work / name.lower())
    os.environ.update(env)
    from translator.engines.packages import install_file

    install_file(args.model)
    folder = work / "articles"
    folder.mkdir()
    for i, article in enumerate(make_articles(args.articles, args.sentences)):
        (folder / f"{i:04}.txt").write_text(article, "utf-8")
    sentences = args.articles * args.sentences
    tiny = work / "two-articles"
    tiny.mkdir()
    for path in sorted(folder.iterdir())[:2]:
        (tiny / path.name).write_bytes(path.read_bytes())
    base = [sys.executable, "-m", "translator", "bulk", str(folder)]
    modes = {
        "local, --jobs 2": ["--jobs", "2"],
        "ray, 2 actors x 1 thread": ["--backend", "ray", "--actors", "2"],
        "ray, 1 actor x 1 thread": ["--backend", "ray", "--actors", "1"],
    }
    times: dict[str, list[float]] = {mode: [] for mode in modes}
    fixed: list[float] = []  # a Ray run of 2 articles: start-up, actor, model load
    for repeat in range(args.repeats):
        for number, (mode, extra) in enumerate(modes.items()):
            out = work / f"out-{number}-{repeat}"
            times[mode].append(timed([*base, str(out), "--quiet", "--no-tm", *extra], env))
        start = [sys.executable, "-m", "translator", "bulk", str(tiny), str(work / f"t{repeat}")]
        fixed.append(timed([*start, "--quiet", "--no-tm", *modes["ray, 1 actor x 1 thread"]], env))
        print(f"run {repeat + 1}/{args.repeats} done", file=sys.stderr)
    same = all(
        (work / "out-0-0" / p.name).read_bytes() == p.read_bytes()
        for number in (1, 2)
        for p in (work / f"out-{number}-0").glob("*.en.txt")
    )
    rates = {mode: sentences / statistics.median(t) for mode, t in times.items()}
    print(f"ray outputs byte-identical to local: {same}")
    print(f"{args.articles} articles, {sentences} sentences, medians of {args.repeats}")
    print("| path | wall (s) | sentences/s | vs local |")
    print("|---|---|---|---|")
    local = rates["local, --jobs 2"]
    for mode, t in times.items():
        print(
            f"| {mode} | {statistics.median(t):.1f} | {rates[mode]:.1f} | {rates[mode] / local:.2f}x |"
        )
    start_up = statistics.median(fixed)
    one, two = (statistics.median(times[f"ray, {n} x 1 thread"]) for n in ("1 actor", "2 actors"))
    per_actor = sentences / (one - start_up)
    efficiency = sentences / (two - start_up) / (2 * per_actor)
    print(f"Ray start-up (a 2-article run): {start_up:.1f} s")
    print(
        f"steady per-actor rate {per_actor:.1f} sentences/s; 2 actors on these 2 cores, with "
        f"the driver beside them, reach {efficiency:.0%} of twice that"
    )
    for machines in (1, 4, 16, 64):
        for cores in (16,):
            projected = machines * cores * per_actor * efficiency
            print(
                f"projection: {machines} machines x {cores} cores -> about {projected:,.0f} sentences/s"
            )


if __name__ == "__main__":
    main()
