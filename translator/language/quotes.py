"""Find the quotations in Danish text and restyle their marks.

Inline quotations are „…“, “…”, »…«, «…», "…", and '…' inside another quotation.
An apostrophe is never a quotation mark (``FN's``, ``90'erne``, ``Macron's``). Marks
that do not pair up are reported, and their text is translated as plain text.
Dash-quote paragraphs (``- Dem, der …, sagde Putin``) are found by :mod:`article`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# opening mark → the closing marks it pairs with
PAIRS: dict[str, str] = {"„": "“”", "“": "”“", "»": "«", "«": "»", '"': '"”', "'": "'", "‘": "’"}
CLOSERS = frozenset("“”«»\"'’")
QuoteStyle = Literal["source", "english"]
_ENGLISH = {0: ("“", "”"), 1: ("‘", "’")}
_BEFORE_OPEN = " \t\n([{—–-/„“»«\"'‘"


@dataclass(frozen=True)
class Quote:
    """A quotation: ``text[start:end]`` runs from its opening mark to its closing mark."""

    start: int
    end: int
    opening: str
    closing: str
    depth: int

    def inner(self, text: str) -> str:
        """The quoted words, without the marks."""
        return text[self.start + 1 : self.end - 1]


@dataclass(frozen=True)
class QuoteRecord:
    """A quotation of the source and its English.

    Attributes:
        kind: ``dash`` (a dash-quote paragraph) or ``inline`` („…“, "…", »…« …).
        source: The quoted Danish words.
        translation: The quoted English words.
        block: Index of the line (block) the quotation is in.
    """

    kind: Literal["dash", "inline"]
    source: str
    translation: str
    block: int


@dataclass(frozen=True)
class QuoteScan:
    """The quotations found in a text, and the positions of marks that did not pair."""

    quotes: tuple[Quote, ...]
    stray: tuple[int, ...]


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def find_quotes(text: str, quoted: bool = False) -> QuoteScan:
    """Find the quotations in ``text``, outermost first within each position.

    Args:
        text: The text to scan.
        quoted: The whole text is itself a quotation (a dash-quote paragraph), so '…'
            can open an inner quotation at its top level.
    """
    stack: list[tuple[int, str]] = []
    quotes: list[Quote] = []
    stray: list[int] = []
    for i, char in enumerate(text):
        if char not in PAIRS and char not in CLOSERS:
            continue
        if char in "'’" and _is_apostrophe(text, i):
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if stack and char in PAIRS[stack[-1][1]] and not before.isspace():
            start, opening = stack.pop()
            quotes.append(Quote(start, i + 1, opening, char, len(stack)))
        elif _opens(char, before, after, bool(stack) or quoted):
            stack.append((i, char))
        elif char not in "'’":  # a lone single mark is a genitive apostrophe (Jesus' ord)
            stray.append(i)
    stray.extend(start for start, _ in stack)
    return QuoteScan(tuple(sorted(quotes, key=lambda q: q.start)), tuple(sorted(stray)))


def _opens(char: str, before: str, after: str, inner: bool) -> bool:
    """Whether ``char`` opens a quotation there ('…' only inside another quotation)."""
    return (
        char in PAIRS
        and (before in _BEFORE_OPEN or before.isspace())
        and not after.isspace()
        and (char not in "'‘" or inner)
    )


def marks(quote: Quote, style: QuoteStyle, quoted: bool = False) -> tuple[str, str]:
    """The opening and closing marks to write for ``quote`` in ``style``.

    English marks alternate with depth: “…‘…“…”…’…”. ``quoted``: the text around it is
    itself a quotation (a dash-quote paragraph), so its top level is already inner.
    """
    if style == "english":
        return _ENGLISH[(quote.depth + quoted) % 2]
    return quote.opening, quote.closing


def restyle(text: str, found: tuple[Quote, ...], wanted: list[tuple[str, str]]) -> str:
    """Replace the marks of ``found`` quotations in ``text`` with ``wanted`` pairs."""
    chars = list(text)
    for quote, (opening, closing) in zip(found, wanted, strict=True):
        chars[quote.start] = opening
        chars[quote.end - 1] = closing
    return "".join(chars)
