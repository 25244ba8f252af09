"""Shared fixtures: an isolated Argos home, the tiny real Argos package, fake engines."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

# Before anything imports argostranslate.settings (which creates folders under $HOME and
# reads these once): point every Argos folder at a throw-away place.
_HOME = Path(tempfile.mkdtemp(prefix="translator-tests-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(_HOME / _name.lower())
os.environ["ARGOS_PACKAGES_DIR"] = str(_HOME / "packages")
os.environ["ARGOS_PACKAGE_INDEX"] = "http://127.0.0.1:9/"  # nothing listens: offline

import pytest  # noqa: E402
import tiny_argos  # noqa: E402

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "nato-stoltenberg.da.txt"


@pytest.fixture(autouse=True)
def own_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own default translation memory (the CLI uses one unless --no-tm)."""
    path = tmp_path / "default-memory.sqlite"
    monkeypatch.setenv("TRANSLATOR_TM", str(path))
    return path


@pytest.fixture(scope="session")
def argos_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny real da→en package as an .argosmodel file, built once per run."""
    training = (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8")
    training += EXAMPLE.read_text("utf-8")
    return tiny_argos.build_package(tmp_path_factory.mktemp("argos"), training)


@pytest.fixture(scope="session")
def installed_model(argos_package: Path) -> Path:
    """The tiny package installed into the test ARGOS_PACKAGES_DIR; its folder."""
    from translator.engines.packages import install_file

    return install_file(argos_package).path


@pytest.fixture(scope="session")
def copy_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny real package whose model copies its input, unpacked; its folder."""
    import zipfile

    folder = tmp_path_factory.mktemp("copy")
    training = (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8") + EXAMPLE.read_text("utf-8")
    package = tiny_argos.build_package(folder, training, copy=True)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder / "unpacked")
    return folder / "unpacked" / tiny_argos.PACKAGE_NAME


@pytest.fixture()
def example_text() -> str:
    return EXAMPLE.read_text("utf-8")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture()
def index_server(tmp_path: Path, argos_package: Path) -> Iterator[str]:
    """A package index and its package served on 127.0.0.1."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(argos_package, root / "da_en.argosmodel")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Handler(*a, directory=str(root))
    )
    base = f"http://127.0.0.1:{server.server_port}/"
    entry = {
        "package_version": "0.1",
        "argos_version": "1.0",
        "from_code": "da",
        "to_code": "en",
        "from_name": "Danish",
        "to_name": "English",
        "links": [base + "da_en.argosmodel"],
    }
    (root / "index.json").write_text(json.dumps([entry]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    server.server_close()


class CopyEngine:
    """Returns each sentence unchanged: a perfect engine for checking structure."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def translate_batch(self, sentences: list[str]) -> list[str]:
        self.calls.append(list(sentences))
        return list(sentences)


@pytest.fixture()
def copy_engine() -> CopyEngine:
    return CopyEngine()


def run_python(script: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` from the project root in a fresh interpreter (the tests' environment)."""
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ},
        timeout=120,
    )
