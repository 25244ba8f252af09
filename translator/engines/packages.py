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

from translator.engines.layout import BPE_FILE, read_layout, read_metadata
from translator.errors import ModelInstallError, ModelNotFoundError, ModelNotInstalledError

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes so far, total bytes or None) while a package downloads."""

# Files that mark a CTranslate2 model folder at the top of a zip archive.
_MODEL_FILES = frozenset({"model.bin", "config.json", "metadata.json"})
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

    @property
    def package(self) -> str:
        """The package's own name (its folder's): what ``--model NAME`` chooses."""
        return self.path.name


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


def installed_models() -> list[ModelInfo]:
    """List the installed translation packages, sorted by pair."""
    found = []
    for folder in sorted(packages_dir().iterdir()):
        metadata = read_metadata(folder) if folder.is_dir() else None
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


def find_named(name: str) -> ModelInfo:
    """Return the installed package called ``name`` (``models list`` shows the names).

    Raises:
        ModelNotFoundError: no package has that name.
    """
    for model in installed_models():
        if model.package == name:
            return model
    raise ModelNotFoundError(name=name)


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


def _extract(path: Path, staging: Path) -> Path:
    """Extract a zip archive into ``staging``; return the folder that holds the model
    (its single top-level folder, or ``staging`` when the files lie at the top)."""
    names = _member_names(path)
    unsafe = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts]
    if unsafe:
        raise ModelInstallError(source=path, problem=f"unsafe archive member {unsafe[0]}")
    tops = {PurePosixPath(name).parts[0] for name in names if name.strip("/")}
    at_top = [n for n in names if "/" not in n.strip("/")]
    if len(tops) != 1 and not any(PurePosixPath(n).name in _MODEL_FILES for n in at_top):
        raise ModelInstallError(
            source=path, problem="not an Argos package (expected one top-level folder)"
        )
    with zipfile.ZipFile(path) as archive:
        archive.extractall(staging)
    only = staging / tops.pop() if len(tops) == 1 else staging
    return only if only.is_dir() else staging


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
    """Load the model and translate one sentence with it ("" when that works), so that
    a corrupt package never replaces a working one."""
    import ctranslate2

    try:
        layout = read_layout(folder)
        pieces = layout.source(layout.tokenizer().encode(["Det er en prøve."]))
        model = ctranslate2.Translator(str(layout.model_dir), device="cpu", intra_threads=1)
        prefix = [[layout.target_prefix]] if layout.target_prefix else None
        model.translate_batch(pieces, beam_size=1, max_decoding_length=8, target_prefix=prefix)
    except (OSError, RuntimeError, ValueError) as error:
        return f"the model does not load: {str(error).splitlines()[0] if str(error) else error}"
    return ""


def install_file(
    path: str | os.PathLike[str],
    *,
    from_code: str | None = None,
    to_code: str | None = None,
    name: str | None = None,
) -> ModelInfo:
    """Install a model, replacing an installed copy of the same name.

    ``path`` is an ``.argosmodel`` file, or a CTranslate2 translation model with its
    SentencePiece model(s), as a folder or a zip archive (quickmt's ``model.bin``,
    ``config.json``, ``src.spm.model``, ``tgt.spm.model``; OPUS-MT conversions'
    ``source.spm``, ``target.spm``). A model folder is installed as an Argos package
    (argostranslate can use it too), after it has loaded and translated a sentence.

    Args:
        path: The file or folder.
        from_code: The source language, when the files do not say (``da``).
        to_code: The target language, when the files do not say (``en``).
        name: The installed package's name (default: the package's folder, or the
            folder's or archive's name); what ``--model NAME`` chooses.

    Raises:
        ModelInstallError: missing, corrupt, not a model, no languages, or it does not
            load; nothing is left in the packages folder and nothing is replaced.
    """
    source = Path(path)
    if not source.exists():
        raise ModelInstallError(source=source, problem="no such file or folder")
    target_root = packages_dir()
    staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target_root))
    try:
        unpacked = staging / "unpacked"
        if source.is_dir():
            folder = Path(shutil.copytree(source, unpacked / source.resolve().name))
        else:
            folder = _extract(source, unpacked)
        default = folder.name if folder != unpacked else source.stem
        package = _arrange(source, folder, staging / "package", from_code, to_code)
        metadata = read_metadata(package)
        problem = _metadata_problem(metadata) or _load_problem(package)
        if problem:
            raise ModelInstallError(source=source, problem=problem)
        final = target_root / _package_name(source, name or default)
        if final.exists():
            shutil.rmtree(final)
        os.replace(package, final)
    except (OSError, zipfile.BadZipFile) as error:
        raise ModelInstallError(source=source, problem=str(error)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return _info(metadata, final)


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _package_name(source: Path, name: str) -> str:
    if not _NAME.fullmatch(name):
        problem = f"'{name}' cannot name a package (letters, digits, '.', '_' and '-')"
        raise ModelInstallError(source=source, problem=problem)
    return name


def _arrange(
    source: Path, folder: Path, package: Path, from_code: str | None, to_code: str | None
) -> Path:
    """Move the model files of ``folder`` into ``package`` as an Argos package: the
    CTranslate2 files in ``model/``, the tokenizer beside them, ``metadata.json`` with
    the languages."""
    try:
        layout = read_layout(folder)
    except ValueError as error:
        raise ModelInstallError(source=source, problem=f"not an Argos package ({error})") from None
    package.mkdir()
    if layout.model_dir == folder:  # a CTranslate2 model folder
        tokenizers = {layout.source_tokenizer, layout.target_tokenizer, folder / "metadata.json"}
        (package / "model").mkdir()
        for item in folder.iterdir():
            if item not in tokenizers:
                os.replace(item, package / "model" / item.name)
        stem = BPE_FILE if layout.is_bpe else "sentencepiece.model"
        os.replace(layout.source_tokenizer, package / stem)
        if layout.target_tokenizer:
            os.replace(layout.target_tokenizer, package / "target.sentencepiece.model")
    else:
        for item in folder.iterdir():
            os.replace(item, package / item.name)
    metadata = read_metadata(folder) | read_metadata(package)
    metadata.update(_languages(source, metadata, from_code, to_code))
    metadata.setdefault("package_version", "1.0")
    metadata.setdefault("type", "translate")
    arranged = read_layout(package)
    for key in ("source_prefix", "target_prefix", "source_suffix"):
        if getattr(arranged, key) or key in metadata:
            metadata[key] = metadata.get(key, getattr(arranged, key))
    (package / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n", "utf-8")
    return package


_PAIR = re.compile(r"(?:^|[-_.])([a-z]{2,3})[-_]([a-z]{2,3})(?:[-_.]|$)")


def _languages(
    source: Path, metadata: dict[str, Any], from_code: str | None, to_code: str | None
) -> dict[str, str]:
    """The package's languages: as given, else as its metadata or its name says."""
    pair = _PAIR.search(source.name.lower().removesuffix(".zip"))
    found = {
        "from_code": from_code or metadata.get("from_code") or (pair and pair.group(1)),
        "to_code": to_code or metadata.get("to_code") or (pair and pair.group(2)),
    }
    if not all(found.values()):
        problem = "no languages in the files or the name: give them (--from da --to en)"
        raise ModelInstallError(source=source, problem=problem)
    return {key: str(value) for key, value in found.items()}


def _info(metadata: dict[str, Any], folder: Path) -> ModelInfo:
    version = str(metadata.get("package_version", ""))
    return ModelInfo(metadata["from_code"], metadata["to_code"], version, folder)


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
