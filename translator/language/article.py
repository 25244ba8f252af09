"""Parse wire copy into blocks and render it back: metadata, headline, paragraphs, byline.

Every line of the input becomes one :class:`Block`. A block keeps the parts that are
not translated (the metadata prefix, a quote dash, indentation, the line ending)
verbatim around its prose, so rendering a parsed article with the prose unchanged
gives back the input byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["blank", "metadata", "headline", "paragraph", "dash_quote", "byline"]

# " date 2022-09 " (Ritzau exports) or "KØBENHAVN (Ritzau):" datelines before the headline.
_METADATA = re.compile(
    r"^(\s*(?:date\s+\d{4}-\d{2}(?:-\d{2})?(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\s+"
    r"|[A-ZÆØÅ][A-ZÆØÅ .-]+ \([^)]+\):\s+))(.*)$",
    re.S,
)
_BYLINE = re.compile(r"^\s*/[^/\s][^/]{0,40}(?:/[^/]{0,40})*/?\s*$")
_DASH = re.compile(r"^(\s*[-–—]\s+)(\S.*)$", re.S)
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)


@dataclass(frozen=True)
class Block:
    """One line of an article: ``prefix + text + suffix`` is the line as given.

    Attributes:
        kind: ``blank``, ``metadata`` (a dateline on its own line), ``headline``,
            ``paragraph``, ``dash_quote`` or ``byline``.
        prefix: Kept verbatim: metadata, quote dash, indentation.
        text: The prose to translate (empty for blank lines and bylines).
        suffix: Kept verbatim: trailing spaces and the line ending.
    """

    kind: BlockKind
    prefix: str
    text: str
    suffix: str


@dataclass(frozen=True)
class Article:
    """A parsed article: its blocks in order."""

    blocks: tuple[Block, ...]

    @property
    def prose(self) -> str:
        """The translatable text, one block a line (for language detection)."""
        return "\n".join(block.text for block in self.blocks if block.text)


def _split_edges(line: str) -> tuple[str, str, str]:
    match = _EDGES.match(line)
    assert match is not None  # the pattern matches any string
    return match.group(1), match.group(2), match.group(3)


def parse(text: str) -> Article:
    """Parse ``text`` into an :class:`Article`; any text parses."""
    lines = text.splitlines(keepends=True)
    filled = [i for i, line in enumerate(lines) if line.strip()]
    blocks = []
    for i, line in enumerate(lines):
        lead, body, trail = _split_edges(line)
        if not body:
            blocks.append(Block("blank", "", "", line))
        elif filled and i == filled[-1] and _BYLINE.match(line):
            blocks.append(
                Block("byline", line.rstrip("\r\n"), "", line[len(line.rstrip("\r\n")) :])
            )
        elif (dash := _DASH.match(body)) is not None:
            blocks.append(Block("dash_quote", lead + dash.group(1), dash.group(2), trail))
        elif i == filled[0]:
            # The added space lets a metadata line of its own match; it is taken off again.
            metadata = _METADATA.match(lead + body + " ")
            if metadata is None:
                blocks.append(Block("headline", lead, body, trail))
            elif metadata.group(2):
                blocks.append(Block("headline", metadata.group(1), metadata.group(2)[:-1], trail))
            else:  # a metadata line of its own; the headline follows
                blocks.append(Block("metadata", lead + body, "", trail))
        else:
            blocks.append(Block("paragraph", lead, body, trail))
    return Article(tuple(blocks))


def render(article: Article, texts: Sequence[str] | None = None) -> str:
    """Render ``article``, with ``texts`` (one per block) in place of the blocks' prose."""
    texts = texts if texts is not None else [block.text for block in article.blocks]
    return "".join(b.prefix + t + b.suffix for b, t in zip(article.blocks, texts, strict=True))


@dataclass(frozen=True)
class Unit:
    """A piece of an article and its English, in order: the sources of an article's
    units joined are the article, their targets joined are its translation.

    Attributes:
        source: The Danish (or, when not ``translatable``, the text kept as it is:
            datelines, dashes, spaces, line endings, bylines).
        target: The English (equal to ``source`` when not ``translatable``).
        translatable: Whether the unit is a segment the model translated.
        notes: What a reviewer should know: glossary terms, repairs, problems left.
    """

    source: str
    target: str
    translatable: bool = False
    notes: tuple[str, ...] = ()


def kept(text: str) -> Unit:
    """A unit that is not translated."""
    return Unit(text, text)


def joined(units: Sequence[Unit]) -> list[Unit]:
    """``units`` with neighbouring untranslated ones merged and empty ones dropped."""
    merged: list[Unit] = []
    for unit in units:
        if not unit.source and not unit.translatable:
            continue
        if merged and not unit.translatable and not merged[-1].translatable:
            merged[-1] = kept(merged[-1].source + unit.source)
        else:
            merged.append(unit)
    return merged
