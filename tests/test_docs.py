"""Every Python example in the README and the documentation runs, and the site builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, run_python

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCKS = [
    pytest.param(block, id=f"{page.relative_to(ROOT)}:{number}")
    for page in PAGES
    for number, block in enumerate(
        re.findall(r"```python\n(.*?)```", page.read_text("utf-8"), re.S), start=1
    )
]


def test_there_are_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("code", BLOCKS)
def test_example_in_docs_runs(code: str, installed_model: Path, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(code, "utf-8")
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_readme_is_short() -> None:
    """What it is, the two commands, one example per use; the rest is in docs/."""
    assert len((ROOT / "README.md").read_bytes()) <= 12 * 1024
