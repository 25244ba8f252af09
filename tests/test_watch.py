"""The watched inbox: every item translated once, none read half-written, none lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CopyEngine

from translator import Translator
from translator.bulk.watch import Watched, WatchOptions, watch

ITEM = "Statsministeren sagde i dag, at regeringen vil bruge 2,5 mia. kroner på nye boliger.\n"
FAST = WatchOptions(poll=0.05, settle=0.3, events=False)


class Watcher:
    """``watch`` on a thread, collecting what it handles."""

    def __init__(self, inbox: Path, outbox: Path, options: WatchOptions = FAST) -> None:
        inbox.mkdir(parents=True, exist_ok=True)
        self.engine = CopyEngine()
        self.stop = threading.Event()
        self.handled: list[Watched] = []
        translator = Translator(self.engine, source_language="da")
        self.thread = threading.Thread(
            target=lambda: self.handled.extend(watch(inbox, outbox, translator, options, self.stop))
        )
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.handled) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.handled) >= count, f"handled {len(self.handled)} of {count}"

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


@pytest.fixture()
def folders(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    yield tmp_path / "in", tmp_path / "out"


def test_a_dropped_file_is_translated_and_moved_to_done(folders: tuple[Path, Path]) -> None:
    inbox, outbox = folders
    watcher = Watcher(inbox, outbox)
    try:
        (inbox / "a.txt").write_text(ITEM, "utf-8")
        watcher.wait_for(1)
    finally:
        watcher.close()
    assert (outbox / "a.txt").read_text("utf-8").startswith("Statsministeren")
    assert (inbox / "done" / "a.txt").is_file() and not (inbox / "a.txt").exists()
    (line,) = (outbox / "_report.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["status"] == "translated"


def test_a_slow_writer_is_never_read_half_written(folders: tuple[Path, Path]) -> None:
    inbox, outbox = folders
    watcher = Watcher(inbox, outbox, WatchOptions(poll=0.05, settle=0.6, events=False))
    try:
        time.sleep(0.2)
        with open(inbox / "slow.txt", "w", encoding="utf-8") as out:
            for chunk in (ITEM[:20], ITEM[20:50], ITEM[50:]):
                out.write(chunk)
                out.flush()
                time.sleep(0.4)
        watcher.wait_for(1)
    finally:
        watcher.close()
    assert len(watcher.handled) == 1
    assert all(batch == [ITEM.strip()] for batch in watcher.engine.calls)
    assert (outbox / "slow.txt").read_text("utf-8") == ITEM


def test_a_file_renamed_into_the_inbox_and_partial_names_are_ignored(
    folders: tuple[Path, Path], tmp_path: Path
) -> None:
    inbox, outbox = folders
    watcher = Watcher(inbox, outbox)
    try:
        time.sleep(0.1)
        (inbox / ".hidden.txt").write_text(ITEM, "utf-8")
        (inbox / "b.txt.part").write_text(ITEM, "utf-8")
        staged = tmp_path / "staged.txt"
        staged.write_text(ITEM, "utf-8")
        os.replace(staged, inbox / "b.txt")
        watcher.wait_for(1)
        time.sleep(0.5)
    finally:
        watcher.close()
    assert [h.result.id for h in watcher.handled] == ["b.txt"]
    assert (inbox / ".hidden.txt").exists() and (inbox / "b.txt.part").exists()


def test_a_burst_of_fifty_items_each_translated_once(folders: tuple[Path, Path]) -> None:
    inbox, outbox = folders
    watcher = Watcher(inbox, outbox)
    try:
        inbox.mkdir(parents=True, exist_ok=True)
        for number in range(50):
            (inbox / f"item{number:02}.txt").write_text(f"Nummer {number}. {ITEM}", "utf-8")
        watcher.wait_for(50)
    finally:
        watcher.close()
    assert sorted(h.result.id for h in watcher.handled) == [f"item{n:02}.txt" for n in range(50)]
    assert len(list(outbox.glob("item*.txt"))) == 50
    assert len(list((inbox / "done").iterdir())) == 50


def test_a_bad_item_goes_to_failed_and_the_next_is_translated(folders: tuple[Path, Path]) -> None:
    inbox, outbox = folders
    watcher = Watcher(inbox, outbox)
    try:
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "bad.xml").write_text("<nitf><body>", "utf-8")
        (inbox / "good.txt").write_text(ITEM, "utf-8")
        watcher.wait_for(2)
    finally:
        watcher.close()
    assert (inbox / "failed" / "bad.xml").is_file() and (inbox / "done" / "good.txt").is_file()
    assert not (outbox / "bad.xml").exists()


def test_a_file_in_the_outbox_that_is_not_ours_is_never_overwritten(
    folders: tuple[Path, Path],
) -> None:
    inbox, outbox = folders
    outbox.mkdir(parents=True)
    (outbox / "a.txt").write_text("mine", "utf-8")
    watcher = Watcher(inbox, outbox)
    try:
        (inbox / "a.txt").write_text(ITEM, "utf-8")
        watcher.wait_for(1)
    finally:
        watcher.close()
    assert (outbox / "a.txt").read_text("utf-8") == "mine"
    assert watcher.handled[0].output is not None and watcher.handled[0].output.is_file()


SCRIPT = """
import sys, threading
from pathlib import Path
from translator import Translator
from translator.bulk.watch import WatchOptions, watch
from translator.engines.argos import ArgosEngine
translator = Translator(ArgosEngine(Path(sys.argv[3])), source_language="da")
for handled in watch(sys.argv[1], sys.argv[2], translator, WatchOptions(0.05, 0.2, False)):
    print(handled.result.id, flush=True)
"""


def test_kill_9_and_restart_translate_each_item_exactly_once(
    folders: tuple[Path, Path], copy_model: Path
) -> None:
    inbox, outbox = folders
    inbox.mkdir(parents=True)
    for number in range(30):
        (inbox / f"item{number:02}.txt").write_text(f"Nummer {number}. {ITEM}", "utf-8")
    command = [sys.executable, "-c", SCRIPT, str(inbox), str(outbox), str(copy_model)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as first:
        assert first.stdout is not None
        first.stdout.readline()  # it has started handling items
        first.send_signal(signal.SIGKILL)
    assert len(list((inbox / "done").glob("*.txt"))) < 30  # killed part way
    with subprocess.Popen(command, stdout=subprocess.DEVNULL) as second:
        deadline = time.monotonic() + 120
        while len(list((inbox / "done").glob("*.txt"))) < 30 and time.monotonic() < deadline:
            time.sleep(0.1)
        second.terminate()
    lines = [json.loads(x) for x in (outbox / "_report.jsonl").read_text("utf-8").splitlines()]
    ids = sorted(line["id"] for line in lines)
    assert ids == [f"item{n:02}.txt" for n in range(30)]  # each reported exactly once
    assert len(list(outbox.glob("item*.txt"))) == 30
    assert not list(inbox.glob("*.txt"))


def test_the_command_translates_a_dropped_file_and_stops_cleanly_on_sigterm(
    folders: tuple[Path, Path], installed_model: Path
) -> None:
    inbox, outbox = folders
    command = [sys.executable, "-m", "translator", "watch", str(inbox), str(outbox)]
    command += ["--poll", "0.1", "--settle", "0.2", "--offline", "--no-tm"]
    with subprocess.Popen(command, stderr=subprocess.PIPE, text=True) as watcher:
        try:
            deadline = time.monotonic() + 60
            while not inbox.is_dir() and time.monotonic() < deadline:
                time.sleep(0.05)
            (inbox / "a.txt").write_text(ITEM, "utf-8")
            while not (outbox / "a.txt").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            watcher.send_signal(signal.SIGTERM)
        _, stderr = watcher.communicate(timeout=30)
    assert watcher.returncode == 0, stderr
    assert (outbox / "a.txt").read_text("utf-8").strip()
    assert "translated: a.txt" in stderr and "Traceback" not in stderr
