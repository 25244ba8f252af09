"""Find, install and remove Argos Translate packages (``.argosmodel``).

Packages live where Argos keeps them (``ARGOS_PACKAGES_DIR``, else
``~/.local/share/argos-translate/packages``), so packages installed with Argos's own
tools are found and ours are found by Argos. The index and package metadata come from
``argostranslate.package``. Installing is done here rather than with
``argostranslate.package.install_from_path``: that imports ``argostranslate.translate``
(about 6 s and 750 MB) and extracts straight into the packages folder, which leaves a
half-installed package behind when the archive is corrupt. Here an archive is checked,
extracted into a temporary folder beside the target and renamed into place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from translator.errors import ModelInstallError, ModelNotInstalledError

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None) while a package downloads."""

_REQUIRED = ("metadata.json", "model/model.bin")
_TIMEOUT_S = 30
_CHUNK = 1 << 16


@dataclass(frozen=True)
class ModelInfo:
    """An installed Argos package."""

    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def name(self) -> str:
        """The pair as ``da-en``."""
        return f"{self.from_code}-{self.to_code}"


def packages_dir() -> Path:
    """Return the folder Argos installs packages into (created if missing)."""
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured:
        path = Path(configured)
    else:
        from argostranslate import settings

        path = Path(settings.package_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_metadata(folder: Path) -> dict[str, Any] | None:
    try:
        metadata = json.loads((folder / "metadata.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return metadata if isinstance(metadata, dict) else None


def installed_models() -> list[ModelInfo]:
    """List the installed translation packages, sorted by pair."""
    found = []
    for folder in sorted(packages_dir().iterdir()):
        metadata = _read_metadata(folder) if folder.is_dir() else None
        if metadata and metadata.get("from_code") and metadata.get("to_code"):
            if metadata.get("type", "translate") == "translate":
                found.append(
                    ModelInfo(
                        metadata["from_code"],
                        metadata["to_code"],
                        str(metadata.get("package_version", "")),
                        folder,
                    )
                )
    return found


def find_model(from_code: str, to_code: str = "en") -> ModelInfo | None:
    """Return the installed ``from_code``→``to_code`` package with the highest version."""
    matches = [m for m in installed_models() if (m.from_code, m.to_code) == (from_code, to_code)]
    return max(matches, key=lambda m: _version_key(m.version)) if matches else None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _member_names(path: Path) -> list[str]:
    """The member names of a zip archive whose members all read back intact."""
    if not zipfile.is_zipfile(path):
        raise ModelInstallError(source=path, problem="not an Argos package (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ModelInstallError(source=path, problem=f"corrupt archive: {error}") from None
    if bad is not None:
        raise ModelInstallError(source=path, problem=f"corrupt archive member {bad}")
    return names


def _check_archive(path: Path) -> str:
    """Validate an ``.argosmodel`` archive; return its single top-level folder name."""
    names = _member_names(path)
    tops = {PurePosixPath(name).parts[0] for name in names if name.strip("/")}
    unsafe = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts]
    if len(tops) != 1 or unsafe:
        raise ModelInstallError(
            source=path, problem="not an Argos package (expected one top-level folder)"
        )
    top = tops.pop()
    missing = [f for f in _REQUIRED if f"{top}/{f}" not in names]
    if missing or not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & set(names):
        missing = missing or ["sentencepiece.model"]
        raise ModelInstallError(
            source=path, problem=f"not an Argos package (missing {', '.join(missing)})"
        )
    return top


_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?")
_VERSION = re.compile(r"\d+(?:\.\d+)*")


def _metadata_problem(metadata: dict[str, Any] | None) -> str:
    """What is wrong with a package's ``metadata.json`` ("" when nothing)."""
    if not metadata:
        return "metadata.json is missing or not a JSON object"
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not _CODE.fullmatch(metadata[key]):
            return f"metadata.json: {key} must be a language code such as 'da'"
    version = metadata.get("package_version", "0")
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        return "metadata.json: package_version must be a version such as '1.9'"
    return ""


def _load_problem(folder: Path) -> str:
    """Load the package's SentencePiece and CTranslate2 models once ("" when both load),
    so that a corrupt package never replaces a working one."""
    import ctranslate2
    import sentencepiece

    try:
        if (folder / "sentencepiece.model").exists():  # old packages have bpe.model
            sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
        ctranslate2.Translator(str(folder / "model"), device="cpu", intra_threads=1)
    except (OSError, RuntimeError, ValueError) as error:
        return f"the model does not load: {str(error).splitlines()[0] if str(error) else error}"
    return ""


def install_file(path: str | os.PathLike[str]) -> ModelInfo:
    """Install an ``.argosmodel`` file, replacing an installed copy of the same package.

    Raises:
        ModelInstallError: the file is missing, corrupt or not an Argos package; nothing
            is left in the packages folder.
    """
    source = Path(path)
    if not source.is_file():
        raise ModelInstallError(source=source, problem="no such file")
    top = _check_archive(source)
    target_root = packages_dir()
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target_root))
    try:
        with zipfile.ZipFile(source) as archive:
            archive.extractall(staging)
        metadata = _read_metadata(staging / top)
        problem = _metadata_problem(metadata) or _load_problem(staging / top)
        if problem:
            raise ModelInstallError(source=source, problem=problem)
        assert metadata is not None
        final = target_root / top
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging / top, final)
    except (OSError, zipfile.BadZipFile) as error:
        raise ModelInstallError(source=source, problem=str(error)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ModelInfo(
        metadata["from_code"], metadata["to_code"], str(metadata.get("package_version", "")), final
    )


def remove_model(name: str) -> ModelInfo:
    """Remove the installed package for the pair ``name`` (``da-en``).

    Raises:
        ModelNotInstalledError: no such package is installed.
    """
    from_code, _, to_code = name.partition("-")
    model = find_model(from_code, to_code or "en")
    if model is None:
        raise ModelNotInstalledError(from_code=from_code, to_code=to_code or "en", reason="")
    shutil.rmtree(model.path)
    return model


def index_url() -> str:
    """Return the address of the Argos package index (``ARGOS_PACKAGE_INDEX`` overrides)."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX")
    if base is None:
        from argostranslate import settings

        base = str(settings.package_index)
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def _fetch_index() -> list[dict[str, Any]]:
    url = index_url()
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as response:
            index = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as error:
        problem = f"cannot read the package index: {error}"
        raise ModelInstallError(source=url, problem=problem) from None
    if not isinstance(index, list):
        raise ModelInstallError(source=url, problem="the package index is not a list")
    return index


def install_from_index(
    from_code: str, to_code: str = "en", progress: ProgressCallback | None = None
) -> ModelInfo:
    """Download the ``from_code``→``to_code`` package from the Argos index and install it.

    Raises:
        ModelInstallError: the index or the download failed, or the index has no such pair.
    """
    from argostranslate.package import AvailablePackage

    available = [AvailablePackage(entry) for entry in _fetch_index()]
    matches = [p for p in available if (p.from_code, p.to_code) == (from_code, to_code)]
    if not matches:
        raise ModelInstallError(
            source=index_url(), problem=f"the index has no {from_code}→{to_code} package"
        )
    package = max(matches, key=lambda p: _version_key(p.package_version))
    with tempfile.TemporaryDirectory() as folder:
        download = Path(folder) / f"{from_code}_{to_code}.argosmodel"
        _download(package.links, download, progress)
        return install_file(download)


def ensure_model(
    from_code: str,
    to_code: str = "en",
    *,
    offline: bool = False,
    progress: ProgressCallback | None = None,
) -> ModelInfo:
    """Return the installed ``from_code``→``to_code`` package; install it from the index if missing.

    Args:
        from_code: The source language (``da``).
        to_code: The target language.
        offline: Never download: fail when the package is not installed.
        progress: Called with (bytes done, total bytes or None) while downloading.

    Raises:
        ModelNotInstalledError: not installed, and offline or the download failed.
    """
    found = find_model(from_code, to_code)
    if found is not None:
        return found
    if offline:
        raise ModelNotInstalledError(from_code=from_code, to_code=to_code, reason="")
    try:
        return install_from_index(from_code, to_code, progress)
    except ModelInstallError as error:
        reason = f" and the download failed ({error})"
        raise ModelNotInstalledError(from_code=from_code, to_code=to_code, reason=reason) from None


def _download(links: list[str], target: Path, progress: ProgressCallback | None) -> None:
    problems = []
    for link in links:
        try:
            with (
                urllib.request.urlopen(link, timeout=_TIMEOUT_S) as response,
                open(target, "wb") as out,
            ):
                total = int(response.headers.get("Content-Length") or 0) or None
                done = 0
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            return
        except (urllib.error.URLError, OSError) as error:
            problems.append(f"{link}: {error}")
    raise ModelInstallError(source="download", problem="; ".join(problems) or "no links")
