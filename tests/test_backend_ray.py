"""bulk --backend ray on a local Ray (no cluster needed): the same bytes as a local run,
the same resume after the driver is killed, every item reported when an actor dies."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_bulk import ENGLISH, NORWEGIAN, _signal_after, danish_article

from translator import bulk
from translator.bulk.ray import RayOptions
from translator.pipeline import Translator

ray = pytest.importorskip("ray")  # the 'ray' extra; .ci/run installs it


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One local Ray for the in-process runs (the CLI runs start their own), on
    loopback only as the product's own."""
    from translator.bulk.ray import _loopback

    _loopback(ray)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def articles(n: int) -> dict[str, str]:
    texts = {f"a/{i:03}.txt": danish_article(i) for i in range(n)}
    texts["en.txt"], texts["no.txt"] = ENGLISH, NORWEGIAN
    texts["z/empty.txt"] = ""
    return texts


def make_input(folder: Path, kind: str, texts: dict[str, str]) -> Path:
    if kind == "folder":
        for name, text in texts.items():
            (folder / "in" / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / "in" / name).write_text(text, "utf-8")
        return folder / "in"
    if kind == "tar":
        path = folder / "in.tar.gz"
        with tarfile.open(path, "w:gz") as archive:
            for name, text in texts.items():
                data = text.encode()
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
        return path
    path = folder / "in.jsonl"
    lines = [json.dumps({"id": name, "text": text}) + "\n" for name, text in texts.items()]
    path.write_text("".join(lines), "utf-8")
    return path


def outputs(target: Path) -> dict[str, bytes]:
    if target.is_file():
        return {target.name: target.read_bytes()}
    return {
        p.relative_to(target).as_posix(): p.read_bytes()
        for p in sorted(target.rglob("*"))
        if p.is_file() and p.name != "_report.jsonl"
    }


@pytest.mark.parametrize("kind", ["folder", "tar", "jsonl"])
def test_ray_output_is_byte_identical_to_local(
    tmp_path: Path, installed_model: Path, local_ray: None, kind: str
) -> None:
    source = make_input(tmp_path, kind, articles(10))
    name = "out.jsonl" if kind == "jsonl" else "out"
    id_field = {"id_field": "id"} if kind == "jsonl" else {}
    local = list(
        bulk.run(source, tmp_path / "local" / name, Translator(), batch_size=3, **id_field)
    )
    remote = list(
        bulk.run(
            source, tmp_path / "ray" / name, Translator(), batch_size=3, backend="ray",
            ray=RayOptions(actors=2), **id_field,
        )
    )  # fmt: skip
    assert [(r.id, r.status, r.reason) for r in remote] == [
        (r.id, r.status, r.reason) for r in local
    ]
    assert {r.status for r in remote} == {"translated", "passed", "skipped", "failed"}
    assert outputs(tmp_path / "ray" / name) == outputs(tmp_path / "local" / name)


def _cli(source: Path, target: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "translator", "bulk", str(source), str(target), "--quiet",
        "--batch-size", "2", "--backend", "ray", "--actors", "2", *extra,
    ]  # fmt: skip


def test_killed_driver_resumes_to_the_same_output(
    tmp_path: Path, installed_model: Path, local_ray: None
) -> None:
    source = make_input(tmp_path, "jsonl", articles(40))
    whole, cut = tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    list(bulk.run(source, whole, Translator(), batch_size=2))  # the local reference
    process = subprocess.Popen(_cli(source, cut), env=os.environ)
    _signal_after(process, tmp_path / "cut.jsonl.report.jsonl", 6, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it could be killed"
    done = (tmp_path / "cut.jsonl.report.jsonl").read_text("utf-8").count("\n")
    assert 6 <= done < 43
    rerun = subprocess.run(_cli(source, cut), env=os.environ)
    assert rerun.returncode == 1  # the empty item fails, as in a local run
    assert cut.read_bytes() == whole.read_bytes()


def _actor_pids() -> list[int]:
    """Processes of Ray Data actors (Ray names them ``ray::MapWorker(...)``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"MapWorker" in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:  # the process ended meanwhile
            continue
    return pids


def test_a_dead_actor_costs_no_item(tmp_path: Path, installed_model: Path, local_ray: None) -> None:
    source = make_input(tmp_path, "folder", articles(40))
    target = tmp_path / "out"
    process = subprocess.Popen(_cli(source, target), env=os.environ)
    deadline, killed = time.monotonic() + 120, False
    while time.monotonic() < deadline and process.poll() is None and not killed:
        report = target / "_report.jsonl"
        if report.exists() and report.read_text("utf-8").count("\n") >= 4:
            pids = _actor_pids()
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed = True
        time.sleep(0.05)
    assert killed, "no actor was found to kill"
    assert process.wait(timeout=300) == 1  # the empty file fails, as in a local run
    lines = (target / "_report.jsonl").read_text("utf-8").splitlines()
    assert len({json.loads(line)["id"] for line in lines}) == 43
    local = tmp_path / "local"
    list(bulk.run(source, local, Translator(), batch_size=2))
    assert outputs(target) == outputs(local)


_PROBE = """
import os
from translator.bulk.ray import _ray
ray = _ray(None)
parents = {}
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        parents[pid] = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1]
    except OSError:
        continue
mine = {str(os.getpid())}  # this Ray's processes: this one and its descendants
while True:
    more = {pid for pid, parent in parents.items() if parent in mine} - mine
    if not more:
        break
    mine |= more
ours = set()
for pid in mine:
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
            if link.startswith("socket:["):
                ours.add(link[8:-1])
    except OSError:
        continue
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    for line in open(table).read().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in ours:  # LISTEN, a socket of Ray's
            print(fields[1].split(":")[0])
ray.shutdown()
"""


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc")
def test_the_local_ray_listens_on_loopback_only() -> None:
    """The Ray that --backend ray starts without --ray-address: nothing leaves the machine."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=300, check=True
    )
    listening = set(done.stdout.split())
    loopback = {"0100007F", "0000000000000000FFFF00000100007F", "00000000000000000000000001000000"}
    assert listening, done.stderr  # Ray's servers were found
    assert listening <= loopback, listening
