"""The HTTP service under load against its limit, ``translate_many`` in one process.

On a real model (``--model``, such as ``../shared/models/translate-da_en-europarl-0_1.argosmodel``),
with every guarantee on both paths, the same articles of real Danish (UD Danish
sentences, 15 a article, each sentence used once): 1, 4 and 16 clients each send one
article a request (LibreTranslate's ``POST /translate``, ``source=da``) until every
article is done. Prints sentences/s and p50/p95 request latency per client count, the
share of the limit (``translate_many`` over the same articles in a fresh process), and
the latency of one article alone. The service runs in its own process with its
sentence cache off, so every round translates every sentence; rounds are interleaved
and the medians of ``--repeats`` rounds reported.

Run: python benchmarks/serve.py --model FILE.argosmodel [--repeats 3] [--articles 32]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from throughput import make_articles  # noqa: E402

CLIENTS = (1, 4, 16)
PER_ARTICLE = 15


def serve_child(port: int, inter_threads: int) -> None:
    """The service, as ``translator serve`` runs it, with the sentence cache off."""
    from translator import DecodingOptions, Translator
    from translator.server.run import serve
    from translator.server.service import Service

    decoding = DecodingOptions(inter_threads=inter_threads)
    service = Service(Translator(decoding=decoding, cache_size=0))
    service.load()
    serve(service, "127.0.0.1", port, log_level="warning")


def limit_child(work: Path) -> None:
    from translator import Translator

    articles = json.loads((work / "articles.json").read_text("utf-8"))
    translator = Translator(cache_size=0)
    translator.engine_for("da")
    translator.translate_many(articles[:1])  # warm, as the server is
    started = time.perf_counter()
    results = translator.translate_many(articles)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "sentences": sum(r.sentences for r in results)}))


def post(url: str, text: str) -> float:
    body = json.dumps({"q": text, "source": "da", "target": "en"}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as reply:
        json.load(reply)
    return time.perf_counter() - started


def load(url: str, articles: list[str], clients: int) -> dict[str, Any]:
    """Every article once, ``clients`` at a time; wall seconds and each request's latency."""
    todo: queue.Queue[str] = queue.Queue()
    for article in articles:
        todo.put(article)
    latencies: list[float] = []

    def client() -> None:
        while True:
            try:
                article = todo.get_nowait()
            except queue.Empty:
                return
            latencies.append(post(url, article))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("the server exited")
        try:
            with urllib.request.urlopen(base + "health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=False)
    parser.add_argument("--articles", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--port", type=int)
    parser.add_argument(
        "--inter-threads",
        type=int,
        default=1,
        help="the service's batches decoded at once (1: as translator serve)",
    )
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.child == "server":
        serve_child(args.port, args.inter_threads)
        return
    if args.child == "limit":
        limit_child(args.work)
        return
    if args.model is None:
        raise SystemExit("--model FILE.argosmodel is required (a real model)")

    from translator.engines.packages import install_file

    work = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(work / "packages"),
           "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/"}  # fmt: skip
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(work / name.lower())
    os.environ.update(env)
    install_file(args.model)
    articles = make_articles(args.articles, PER_ARTICLE)
    (work / "articles.json").write_text(json.dumps(articles), "utf-8")
    sentences = 0
    me = [sys.executable, __file__]

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [*me, "--child", "server", "--port", str(port), "--inter-threads", str(args.inter_threads)],
        env=env,
    )
    rows: dict[str, list[dict[str, Any]]] = {"limit": [], "alone": []}
    try:
        wait_until_up(base, server)
        post(base + "translate", articles[0])  # warm
        for round_ in range(args.repeats):
            limit = json.loads(subprocess.run(
                [*me, "--child", "limit", "--work", str(work)], env=env, check=True,
                capture_output=True, text=True,
            ).stdout)  # fmt: skip
            sentences = limit["sentences"]
            rows["limit"].append(limit)
            rows["alone"].append(
                {"seconds": post(base + "translate", articles[round_ % len(articles)])}
            )
            for clients in CLIENTS:
                rows.setdefault(str(clients), []).append(
                    load(base + "translate", articles, clients)
                )
            print(f"round {round_ + 1}/{args.repeats} done", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(60)

    limit_rate = sentences / statistics.median(r["seconds"] for r in rows["limit"])
    alone = statistics.median(r["seconds"] for r in rows["alone"])
    print(f"model {args.model.name}, {len(articles)} articles of {PER_ARTICLE} sentences "
          f"({sentences} segments), beam 4, every guarantee, medians of {args.repeats} rounds")  # fmt: skip
    print()
    print("| path | sentences/s | share of the limit | p50 latency | p95 latency |")
    print("|---|---|---|---|---|")
    print(f"| translate_many, one process (the limit) | {limit_rate:.1f} | 100 % | - | - |")
    for clients in CLIENTS:
        runs = rows[str(clients)]
        rate = sentences / statistics.median(r["seconds"] for r in runs)
        p50 = statistics.median(statistics.median(r["latencies"]) for r in runs)
        p95 = statistics.median(statistics.quantiles(r["latencies"], n=20)[-1] for r in runs)
        print(f"| serve, {clients} client(s) | {rate:.1f} | {rate / limit_rate:.0%} | "
              f"{p50:.2f} s | {p95:.2f} s |")  # fmt: skip
    print()
    print(f"one {PER_ARTICLE}-sentence article alone: {alone:.2f} s")


if __name__ == "__main__":
    main()
