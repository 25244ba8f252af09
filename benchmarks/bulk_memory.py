"""Peak RSS of `translator bulk` on 1,000 versus 20,000 generated articles.

Builds the tiny test package (tests/tiny_argos.py) in a temporary Argos folder, writes
JSONL archives of short Danish articles (real UD sentences plus a unique headline each),
runs the CLI in a child process for each size and prints the child's peak RSS.

Run: python benchmarks/bulk_memory.py [SIZES...]   (default 1000 20000)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import tiny_argos  # noqa: E402

SENTENCES = [
    s for s in (ROOT / "tests/data/da_ddt_dev_sentences.txt").read_text("utf-8").splitlines() if s
]
MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def article(i: int) -> str:
    pick = [SENTENCES[(i * 7 + k) % len(SENTENCES)] for k in range(4)]
    return f"Nato-chefen taler i dag nummer {i}\n\n{pick[0]} {pick[1]}\n\n- {pick[2]}, siger han.\n"


def main(sizes: list[int]) -> None:
    work = Path(tempfile.mkdtemp(prefix="bulk-memory-"))
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages")}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(work / name.lower())
    training = "\n".join(SENTENCES)
    package = tiny_argos.build_package(work / "build", training)
    translator = [sys.executable, "-m", "translator"]
    subprocess.run([*translator, "models", "install", str(package)], env=env, check=True)
    print("| articles | peak RSS (MiB) | wall (s) |\n|---|---|---|")
    for size in sizes:
        source = work / f"in{size}.jsonl"
        with open(source, "w", encoding="utf-8") as out:
            for i in range(size):
                out.write(json.dumps({"text": article(i)}) + "\n")
        command = [*translator, "bulk", str(source), str(work / f"out{size}.jsonl"), "--quiet"]
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, *command], env=env, capture_output=True, text=True
        )
        wall = time.monotonic() - started
        peak_kib = int(done.stdout.strip().splitlines()[-1])
        print(f"| {size:,} | {peak_kib / 1024:.1f} | {wall:.0f} |", flush=True)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 20000])
