from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from translator.engines import packages as argos
from translator.errors import ModelInstallError, ModelNotInstalledError


@pytest.fixture()
def packages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty packages folder of its own for one test."""
    folder = tmp_path / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(folder))
    return folder


def test_install_list_remove(packages: Path, argos_package: Path) -> None:
    info = argos.install_file(argos_package)
    assert (info.name, info.version) == ("da-en", "0.1")
    assert (info.path / "model" / "model.bin").is_file()
    assert [m.name for m in argos.installed_models()] == ["da-en"]
    assert argos.find_model("da") == info
    argos.remove_model("da-en")
    assert argos.installed_models() == []
    with pytest.raises(ModelNotInstalledError):
        argos.remove_model("da-en")


def test_reinstall_replaces(packages: Path, argos_package: Path) -> None:
    argos.install_file(argos_package)
    argos.install_file(argos_package)
    assert len(argos.installed_models()) == 1


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"this is not a zip file", "not a zip archive"),
        ("zip-without-model", "missing model/model.bin"),
        ("two-top-folders", "one top-level folder"),
        ("truncated", "not a zip archive"),
    ],
)
def test_bad_package_files_leave_nothing(
    packages: Path, argos_package: Path, tmp_path: Path, content: object, problem: str
) -> None:
    bad = tmp_path / "bad.argosmodel"
    if content == "zip-without-model":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("pkg/metadata.json", json.dumps({"from_code": "da", "to_code": "en"}))
            archive.writestr("pkg/sentencepiece.model", b"x")
    elif content == "two-top-folders":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("a/metadata.json", "{}")
            archive.writestr("b/model/model.bin", "x")
    elif content == "truncated":
        data = argos_package.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    else:
        assert isinstance(content, bytes)
        bad.write_bytes(content)
    with pytest.raises(ModelInstallError) as raised:
        argos.install_file(bad)
    assert problem in str(raised.value) and str(bad) in str(raised.value)
    assert _contents(packages) == []


def _contents(folder: Path) -> list[Path]:
    return list(folder.iterdir()) if folder.exists() else []


def test_install_from_index_over_http(
    packages: Path, index_server: str, argos_package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_server)
    seen: list[tuple[int, int | None]] = []
    info = argos.install_from_index("da", "en", lambda done, total: seen.append((done, total)))
    assert info.name == "da-en"
    assert (info.path / "model" / "model.bin").is_file()
    assert seen[-1] == (argos_package.stat().st_size, argos_package.stat().st_size)


def test_index_without_the_pair(
    packages: Path, index_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index_server)
    with pytest.raises(ModelInstallError, match="no sv→en package"):
        argos.install_from_index("sv", "en")


def test_unreachable_index(packages: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    with pytest.raises(ModelInstallError, match="cannot read the package index"):
        argos.install_from_index("da", "en")
    assert _contents(packages) == []


def _metadata(**fields: str) -> bytes:
    return json.dumps({"from_code": "da", "to_code": "en", **fields}).encode()


def _altered(package: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of ``package`` with the member ending in ``name`` replaced by ``data``."""
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            out.writestr(info, data if info.filename.endswith(name) else source.read(info))
    return target


@pytest.mark.parametrize(
    ("member", "data", "problem"),
    [
        ("model/model.bin", b"\x00corrupt weights", "the model does not load"),
        (
            "metadata.json",
            json.dumps({"from_code": "Danish!", "to_code": "en"}).encode(),
            "from_code must be a language code",
        ),  # fmt: skip
        (
            "metadata.json",
            json.dumps({"from_code": "da", "to_code": "en", "package_version": "new"}).encode(),
            "package_version",
        ),  # fmt: skip
    ],
    ids=["corrupt-weights", "bad-language-code", "bad-version"],
)
def test_a_package_that_does_not_load_never_replaces_a_working_one(
    packages: Path, argos_package: Path, tmp_path: Path, member: str, data: bytes, problem: str
) -> None:
    working = argos.install_file(argos_package)
    bad = _altered(argos_package, tmp_path / "bad.argosmodel", member, data)
    with pytest.raises(ModelInstallError, match=problem):
        argos.install_file(bad)
    assert argos.installed_models() == [working]
    assert (working.path / "model" / "model.bin").read_bytes() != b"\x00corrupt weights"
