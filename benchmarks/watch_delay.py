"""The delay from the end of a write into a watched inbox to the translation on disk.

Runs ``translator watch`` (the real command, the model loaded once) on a fresh inbox,
drops the example article in ``--repeat`` times (written in one go, as a mail gateway
or an FTP server finishes a file) and prints the median and worst delay.

    python benchmarks/watch_delay.py [--poll 1] [--settle 1] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nato-stoltenberg.da.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poll", type=float, default=1.0)
    parser.add_argument("--settle", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-events", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp())
    inbox, outbox = root / "in", root / "out"
    command = [sys.executable, "-m", "translator", "watch", str(inbox), str(outbox), "--quiet"]
    command += ["--poll", str(args.poll), "--settle", str(args.settle), "--no-tm"]
    command += ["--no-events"] if args.no_events else []
    text = EXAMPLE.read_text("utf-8")
    delays = []
    with subprocess.Popen(command) as watcher:
        while not inbox.is_dir():
            time.sleep(0.05)
        time.sleep(3)  # the model loads once, before the first item
        for number in range(args.repeat):
            name = f"item{number}.txt"
            (inbox / name).write_text(text, "utf-8")
            written = time.monotonic()
            while not (outbox / name).exists():
                time.sleep(0.01)
            delays.append(time.monotonic() - written)
        watcher.terminate()
    print(
        f"poll {args.poll} s, settle {args.settle} s, events {not args.no_events}: "
        f"median {statistics.median(delays):.2f} s, worst {max(delays):.2f} s "
        f"over {len(delays)} items"
    )


if __name__ == "__main__":
    main()
