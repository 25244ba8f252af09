"""The guarantee protocol and the values guarantees exchange with the pipeline.

:class:`Guarantee` is the protocol (the steps are described in :mod:`translator.guarantees`);
:class:`BaseGuarantee` gives its defaults; :class:`Segment`, :class:`Span`,
:class:`Problem`, :class:`Edit` and :class:`Anchor` are what the steps take and return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from translator.engines.base import Alignment


@dataclass(frozen=True)
class Span:
    """A protected span of the source: ``text[start:end]``, with what was found there."""

    start: int
    end: int
    value: Any = None

    def shifted(self, offset: int) -> Span:
        """The same span, ``offset`` characters to the left."""
        return Span(self.start - offset, self.end - offset, self.value)


@dataclass(frozen=True)
class Found:
    """What a guarantee found in a block: its spans, and notices about the source."""

    spans: list[Span] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class Segment:
    """A unit of translation (a sentence, or sentences one quotation joins).

    Attributes:
        text: The Danish.
        quoted: The unit lies in a dash-quote paragraph (it is itself a quotation).
        line: The line (block) number of the article, from 1, for warnings.
        spans: The protected spans of each guarantee, by guarantee name.
    """

    text: str
    quoted: bool = False
    line: int = 1
    spans: dict[str, list[Span]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Something a guarantee found wrong with an English output.

    Attributes:
        guarantee: The guarantee's name (``glossary``, ``quotes`` …).
        kind: What is wrong, as a short key (``missing``, ``source-spelling`` …).
        detail: The words for a person (``'NATO' 0× instead of 1×``).
        repairable: Whether another hypothesis or alignment placement can fix it.
    """

    guarantee: str
    kind: str
    detail: str
    repairable: bool = True

    def __str__(self) -> str:
        return f"{self.guarantee}: {self.detail}"


@dataclass(frozen=True)
class Edit:
    """Replace ``output[start:end]`` by ``text`` (an insertion when start == end)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Anchor:
    """Where a constrained re-decode may force ``text`` into an output: the model's own
    words before ``start`` are kept, ``text`` follows, and the model writes the rest.

    Attributes:
        start: The offset in the output where ``text`` goes.
        text: What must appear there (a term, a quotation mark, a number).
        item: Which protected item it restores (anchors of one item are alternatives).
    """

    start: int
    text: str
    item: str


@dataclass(frozen=True)
class Settings:
    """What guarantees may need from the translator's options."""

    glossary: Any = None
    quote_style: str = "source"


class Guarantee(Protocol):
    """A property every translation must keep (see the module docstring)."""

    name: str

    def find(self, text: str, quoted: bool) -> Found:
        """The protected spans of a block of Danish, and notices about it."""
        ...

    def normalize(self, segment: Segment, output: str) -> str:
        """``output`` with the deterministic, wording-neutral fixes applied."""
        ...

    def check(self, segment: Segment, output: str) -> list[Problem]:
        """What is wrong with ``output`` (after :meth:`normalize`) as the English of ``segment``."""
        ...

    def place(self, segment: Segment, output: str, alignment: Alignment) -> list[Edit]:
        """Edits to the raw ``output`` that restore what is missing, by alignment."""
        ...

    def anchors(self, segment: Segment, output: str, alignment: Alignment) -> list[Anchor]:
        """Where a constrained re-decode of ``segment`` may force what ``output`` lacks."""
        ...

    def summary(self, pairs: Sequence[tuple[Segment, str]]) -> list[Any]:
        """What the guarantee reports for an article's (segment, final English) pairs."""
        ...

    def notes(self, segment: Segment) -> list[str]:
        """Notes for a reviewer of ``segment`` (the terms it holds)."""
        ...


class BaseGuarantee:
    """Defaults for a guarantee: protects nothing, changes nothing, reports nothing."""

    name = "base"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def find(self, text: str, quoted: bool) -> Found:
        return Found()

    def normalize(self, segment: Segment, output: str) -> str:
        return output

    def check(self, segment: Segment, output: str) -> list[Problem]:
        return []

    def place(self, segment: Segment, output: str, alignment: Alignment) -> list[Edit]:
        return []

    def anchors(self, segment: Segment, output: str, alignment: Alignment) -> list[Anchor]:
        return []

    def summary(self, pairs: Sequence[tuple[Segment, str]]) -> list[Any]:
        return []

    def notes(self, segment: Segment) -> list[str]:
        return []

    def spans(self, segment: Segment) -> list[Span]:
        """This guarantee's spans in ``segment``."""
        return segment.spans.get(self.name, [])


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply ``edits`` to ``text``; an edit overlapping an earlier one is dropped."""
    kept: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if kept and edit.start < kept[-1].end:
            continue
        kept.append(edit)
    for edit in reversed(kept):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text
