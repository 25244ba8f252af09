"""Every script in examples/ runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, run_python


@pytest.mark.parametrize("script", sorted((ROOT / "examples").glob("*.py")), ids=lambda p: p.name)
def test_example_runs(script: Path, installed_model: Path) -> None:
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_every_data_file_is_packaged() -> None:
    """pip install . ships translator/data/* and the glossaries (a wheel has only these)."""
    import fnmatch

    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    patterns = config["package-data"]["translator"]
    for path in (ROOT / "translator" / "data").iterdir():
        assert any(fnmatch.fnmatch(f"data/{path.name}", p) for p in patterns), path.name
    assert config["package-dir"]["translator.glossaries"] == "glossaries"
    assert config["package-data"]["translator.glossaries"] == ["*.tsv"]
