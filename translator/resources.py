"""Read the data files shipped inside the package (abbreviations, glossaries, markers)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

DEFAULT_GLOSSARY = "news.da-en.tsv"


@functools.cache
def data_lines(name: str) -> tuple[str, ...]:
    """Return the entries of ``translator/data/<name>``: one per line, ``#`` lines skipped."""
    text = resources.files("translator").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def default_glossary_text() -> str:
    """Return the text of the shipped default glossary ``news.da-en.tsv``.

    An installed package has it as ``translator.glossaries``; a source checkout has
    it in the top-level ``glossaries/`` folder.
    """
    try:
        folder = resources.files("translator.glossaries")
    except ModuleNotFoundError:
        return (Path(__file__).parent.parent / "glossaries" / DEFAULT_GLOSSARY).read_text("utf-8")
    return folder.joinpath(DEFAULT_GLOSSARY).read_text("utf-8")
