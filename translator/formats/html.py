"""HTML fragments: the prose of each block with its inline markup, and rendering back.

An HTML fragment (a CMS field, a post, a wire body) is read into chunks: markup kept
exactly as written (every start tag with its attributes, comments, doctype, and what
is not translated: ``<script>``, ``<code>``, ``translate="no"`` …) and runs. A run is
the text of one block between block boundaries (``<p>``, ``<li>``, ``<br>`` …), with
the inline elements inside it (``<b>``, ``<a href>``, ``<q>`` …) as character spans of
that text. A run is translated as one line, in the context of its whole block;
:func:`render_run` puts each inline element back around the English words it was
placed on, never dropping, doubling or moving one outside its block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Fragment", "Inline", "Run", "parse", "place", "render_run"]

#: Elements that end a run of text (their tags are kept between runs).
BLOCK = frozenset(
    "address article aside blockquote body br caption dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr html li main nav ol "
    "option p section summary table tbody td tfoot th thead title tr ul "
    # NITF's blocks, for wire bodies
    "abstract block body.content bq hl1 hl2 media media-caption nitf-table note fn".split()
)
#: Elements whose content is kept as it is: code, scripts, what is not prose (and NITF's
#: bylines, datelines, credits and media references inside a body).
KEEP = frozenset(
    "script style code pre textarea kbd samp var svg math noscript template "
    "byline dateline tagline credit distributor copyrite media-reference media-metadata "
    "media-producer media-object".split()
)
#: Elements with no end tag.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
_WORD = re.compile(r"\w", re.UNICODE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Inline:
    """An inline element, or a marker with no content (``<img>``, a comment, a stray tag).

    Attributes:
        start: Where it opens in the run's text.
        end: Where it closes (``start`` for a marker).
        open: The start tag exactly as written (or the whole marker).
        close: The end tag; empty for a marker.
        parent: The index of the inline element around it in the run, or -1.
    """

    start: int
    end: int
    open: str
    close: str
    parent: int


@dataclass(frozen=True)
class Run:
    """The prose of one block: ``lead + text + trail`` with whitespace collapsed."""

    lead: str
    text: str
    trail: str
    inlines: tuple[Inline, ...] = ()


@dataclass
class Fragment:
    """A parsed fragment: markup kept as written, and runs of prose, in order."""

    chunks: list[str | Run] = field(default_factory=list)

    @property
    def runs(self) -> list[Run]:
        """The runs to translate, in order."""
        return [chunk for chunk in self.chunks if isinstance(chunk, Run)]

    def render(self, runs: Sequence[str]) -> str:
        """The fragment with each run replaced by the given HTML, in order."""
        rendered = iter(runs)
        return "".join(c if isinstance(c, str) else next(rendered) for c in self.chunks)


class _Reader(HTMLParser):
    """Cuts a fragment into kept markup and runs (see :class:`Fragment`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.fragment = Fragment()
        self._tokens: list[tuple[str, str, str]] = []  # (kind, raw, tag or text)
        self._keeping = ""  # the element whose content is kept, while inside it
        self._depth = 0
        self._end_tag = ""

    # -- kept markup ------------------------------------------------------------------

    def _keep(self, raw: str) -> None:
        self._flush()
        chunks = self.fragment.chunks
        if chunks and isinstance(chunks[-1], str):
            chunks[-1] += raw
        else:
            chunks.append(raw)

    def _flush(self) -> None:
        if not self._tokens:
            return
        tokens, self._tokens = self._tokens, []
        run = _build_run(tokens)
        if run is None:
            raw = "".join(raw for _, raw, _ in tokens)
            self._tokens = []
            self._keep(raw)
        else:
            self.fragment.chunks.append(run)

    # -- parser events ----------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if self._keeping:
            self._depth += tag == self._keeping
            self._keep(raw)
        elif tag in KEEP or _untranslated(attrs):
            if tag not in VOID:
                self._keeping, self._depth = tag, 1
            self._keep(raw)
        elif tag in BLOCK:
            self._keep(raw)
        elif tag in VOID:
            self._tokens.append(("marker", raw, tag))
        else:
            self._tokens.append(("open", raw, tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}/>"
        if self._keeping or tag in BLOCK:
            self._keep(raw)
        else:
            self._tokens.append(("marker", raw, tag))

    def parse_endtag(self, i: int) -> int:
        # The end tag as written: XML names keep their case (HTMLParser lowers them).
        close = self.rawdata.find(">", i)
        self._end_tag = self.rawdata[i : close + 1] if close > i else ""
        return super().parse_endtag(i)

    def handle_endtag(self, tag: str) -> None:
        raw = self._end_tag if self._end_tag.lower().startswith(f"</{tag}") else f"</{tag}>"
        self._end_tag = ""
        if self._keeping:
            if tag == self._keeping:
                self._depth -= 1
                if not self._depth:
                    self._keeping = ""
            self._keep(raw)
        elif tag in BLOCK:
            self._keep(raw)
        else:
            self._tokens.append(("close", raw, tag))

    def handle_data(self, data: str) -> None:
        if self._keeping:
            self._keep(data)
        else:
            self._tokens.append(("text", data, data))

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")

    def _reference(self, raw: str) -> None:
        if self._keeping:
            self._keep(raw)
        else:
            self._tokens.append(("text", raw, html.unescape(raw)))

    def handle_comment(self, data: str) -> None:
        raw = f"<!--{data}-->"
        if self._keeping or not self._tokens:
            self._keep(raw)
        else:
            self._tokens.append(("marker", raw, ""))

    def handle_decl(self, decl: str) -> None:
        self._keep(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._keep(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._keep(f"<![{data}]>")

    def close(self) -> None:
        super().close()
        if self.rawdata:  # an unfinished tag at the end: kept as text
            self._keep(self.rawdata)
            self.rawdata = ""
        self._flush()


def _untranslated(attrs: list[tuple[str, str | None]]) -> bool:
    """``translate="no"`` or ``class="notranslate"``: the content stays as written."""
    values = dict(attrs)
    return (values.get("translate") or "").lower() == "no" or "notranslate" in (
        values.get("class") or ""
    ).split()


def _build_run(tokens: list[tuple[str, str, str]]) -> Run | None:
    """The run the tokens make, or ``None`` when they hold no words (kept as written)."""
    text = ""
    # (open order, start, end, start tag, end tag, parent's open order) per inline
    found: list[tuple[int, int, int, str, str, int]] = []
    stack: list[tuple[int, int, str, str, int]] = []  # (order, start, raw, tag, parent)
    for order, (kind, raw, value) in enumerate(tokens):
        parent = stack[-1][0] if stack else -1
        if kind == "text":
            text += _SPACES.sub(" ", value)
        elif kind == "open":
            stack.append((order, len(text), raw, value, parent))
        elif kind == "close" and stack and stack[-1][3] == value:
            opened, start, start_tag, _, up = stack.pop()
            found.append((opened, start, len(text), start_tag, raw, up))
        else:  # a marker, or an end tag that closes nothing open here
            found.append((order, len(text), len(text), raw, "", parent))
    for opened, start, start_tag, _, up in stack:  # never closed in this block: a marker
        found.append((opened, start, start, start_tag, "", up))
    if not _WORD.search(text):
        return None
    lead = text[: len(text) - len(text.lstrip(" "))]
    body = text.strip(" ")
    return Run(lead, body, text[len(lead) + len(body) :], _inlines(found, len(lead), len(body)))


def _inlines(
    found: list[tuple[int, int, int, str, str, int]], shift: int, size: int
) -> tuple[Inline, ...]:
    """The inline elements in the order they open (a parent before its children), their
    offsets moved into the stripped text, each with its parent's index."""
    parent_of = {order: up for order, *_, up in found}
    index: dict[int, int] = {}
    inlines: list[Inline] = []
    for order, start, end, start_tag, end_tag, up in sorted(found):
        while up >= 0 and up not in index:  # an element left open: no parent of anything
            up = parent_of[up]
        if end_tag:
            index[order] = len(inlines)
        first, last = (min(max(0, at - shift), size) for at in (start, end))
        inlines.append(Inline(first, last, start_tag, end_tag, index.get(up, -1)))
    return tuple(inlines)


def parse(text: str) -> Fragment:
    """Read an HTML fragment; any text reads (markup that does not parse is kept as text)."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    return reader.fragment


Locate = Callable[[int, int], "tuple[int, int] | None"]


def place(run: Run, english: str, locate: Locate) -> tuple[list[tuple[int, int]], int]:
    """Where each inline element of ``run`` goes in ``english``.

    Args:
        run: The Danish run.
        english: Its English.
        locate: Maps a span of the Danish text to a span of the English (``None``: not
            known); a marker's position is asked as an empty span.

    Returns:
        A span of ``english`` per inline element, nested as in the Danish and never
        overlapping a sibling, and how many were placed by position only.
    """
    spans: list[tuple[int, int]] = []
    guessed = 0
    taken: dict[int, list[tuple[int, int]]] = {}  # the spans of each element's children
    for inline in run.inlines:
        found = locate(inline.start, inline.end)
        if found is None:
            guessed += 1
            found = _by_position(run.text, english, inline.start, inline.end)
        low, high = (0, len(english)) if inline.parent < 0 else spans[inline.parent]
        start = min(max(found[0], low), high)
        end = min(max(found[1], start), high) if inline.close else start
        if inline.close:
            for left, right in taken.get(inline.parent, []):
                if start < right and left < end:  # overlaps a sibling: cut back to its edge
                    start, end = (start, left) if start < left else (right, max(right, end))
            start, end = min(start, high), min(max(start, end), high)
            taken.setdefault(inline.parent, []).append((start, end))
        spans.append((start, end))
    return spans, guessed


def _by_position(source: str, english: str, start: int, end: int) -> tuple[int, int]:
    """A span of ``english`` at the same relative place as ``[start, end)`` in ``source``,
    widened to whole words."""
    scale = len(english) / max(1, len(source))
    first, last = round(start * scale), round(end * scale)
    while 0 < first < len(english) and english[first - 1].isalnum():
        first -= 1
    while last < len(english) and last > first and english[last - 1].isalnum():
        last += 1
    if start == end:
        last = first
    return first, last


def render_run(run: Run, english: str, spans: Sequence[tuple[int, int]]) -> str:
    """The run as HTML: ``english`` escaped, each inline element's tags at its span."""
    events: list[tuple[int, int, int, str]] = []
    depth = [0] * len(run.inlines)
    for index, (inline, (start, end)) in enumerate(zip(run.inlines, spans, strict=True)):
        depth[index] = depth[inline.parent] + 1 if inline.parent >= 0 else 0
        if not inline.close or start == end:
            events.append((start, 1, index, inline.open + inline.close))
        else:
            events.append((start, 2, depth[index] * 10_000 + index, inline.open))
            events.append((end, 0, -depth[index] * 10_000 - index, inline.close))
    events.sort()
    out, at = [run.lead], 0
    for position, _, _, markup in events:
        out.append(html.escape(english[at:position], quote=False))
        out.append(markup)
        at = position
    out.append(html.escape(english[at:], quote=False))
    out.append(run.trail)
    return "".join(out)
