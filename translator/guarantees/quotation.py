"""The quotation guarantee: quotations stay quotations, with the marks the style asks for.

Models write '…' for „…“ and "…", or move and drop marks. An output with the source's
quotations in any marks is restyled (no repair); one that lost a quotation gets
another hypothesis, else its marks are placed around the words aligned to the quoted
Danish. Dash-quote paragraphs (``- Dem, der …``) are quotations as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from translator.engines.base import Alignment
from translator.guarantees.base import Anchor, BaseGuarantee, Edit, Found, Problem, Segment, Span
from translator.language.quotes import Quote, QuoteRecord, QuoteStyle, find_quotes, marks, restyle

_LONE_SINGLE = re.compile(r"(?<=[.,!?;:])['’]|^['‘]|['’]$")


_EDGE = " \t-–—"
_WORD = re.compile(r"\w+")
_MARKS = "\"'“”‘’„‚«»‹›"
# The mark forced by a constrained re-decode: the one models write most (restyled after).
_FORCED = '"'
_COPIED = "„‚»«\"'"
_END = ".!?…"


def _placed(
    source: str, quote: Quote, output: str, span: tuple[int, int] | None
) -> tuple[int, int] | None:
    """Where the marks of ``quote`` go in ``output``, given the ``span`` aligned to it.

    The alignment is least sure at a span's edges, so an edge the sentence itself
    fixes (the quotation opens or closes the sentence) is taken from the sentence.
    """
    opens = quote.depth == 0 and not source[: quote.start].strip(_EDGE)
    closes = quote.depth == 0 and not source[quote.end :].strip(_END + " ")
    if span is None and not (opens and closes):
        return None
    start, end = span or (0, len(output))
    if opens:
        start = len(output) - len(output.lstrip(_EDGE))
    if closes:
        end = len(output.rstrip())
        if quote.inner(source).rstrip()[-1:] not in _END:
            end = len(output.rstrip().rstrip(_END))
    return (start, end) if start < end else None


def _mark_positions(source: str, quote: Quote, output: str, alignment: Alignment) -> list[int]:
    """Where to force a mark of ``quote``: the opening one before the words aligned to
    its first word (again, over a Danish mark the model copied), else the closing one
    after those aligned to its last word. The closing one follows in the next round."""
    words = list(_WORD.finditer(source, quote.start + 1, quote.end - 1))
    opened = alignment.words(words[0].start(), words[0].end(), output) if words else []
    closed = alignment.words(words[-1].start(), words[-1].end(), output) if words else []
    if not opened or not closed:
        return []
    placed = _placed(source, quote, output, (opened[0][0], len(output)))
    start = placed[0] if placed else opened[0][0]
    before = output[:start].rstrip()
    if not before or before[-1] not in _MARKS:
        return [start]
    found = [len(before) - 1] if before[-1] in _COPIED else []
    end = _closing(alignment.target_span(words[-1].start(), words[-1].end(), output), closed, start)
    span = _placed(source, quote, output, (start, end)) if end else None
    if span is not None and output[span[1] :].lstrip()[:1] not in _MARKS:
        found.append(span[1])
    return found


def _closing(
    strict: tuple[int, int] | None, closed: list[tuple[int, int]], start: int
) -> int | None:
    """Where the last quoted word ends: its reliable span, else its last aligned word."""
    if strict and strict[1] > start:
        return strict[1]
    ends = [end for _, end in closed if end > start]
    return ends[-1] if ends else None


class QuoteGuarantee(BaseGuarantee):
    """The English has the source's quotations, nested the same way."""

    name = "quotes"
    report_field = "quotes"

    def find(self, text: str, quoted: bool) -> Found:
        scan = find_quotes(text, True)  # '…' counts at the top level, as in the English
        notices = (
            [f"unbalanced quotation mark at column {scan.stray[0] + 1}; translated as plain text"]
            if scan.stray
            else []
        )
        return Found([Span(q.start, q.end, q) for q in scan.quotes], notices)

    def _quotes(self, segment: Segment) -> list[Quote]:
        return [span.value for span in self.spans(segment)]

    def _wanted(self, segment: Segment) -> list[tuple[str, str]]:
        style: QuoteStyle = "english" if self.settings.quote_style == "english" else "source"
        return [marks(q, style, segment.quoted) for q in self._quotes(segment)]

    def normalize(self, segment: Segment, output: str) -> str:
        # The model's marks are judged permissively: '…' counts at the top level too.
        found = find_quotes(output, True).quotes
        if [q.depth for q in found] != [q.depth for q in self._quotes(segment)]:
            return output
        return restyle(output, found, self._wanted(segment))

    def check(self, segment: Segment, output: str) -> list[Problem]:
        quotes = self._quotes(segment)
        if not quotes:
            return []  # a quotation the model added takes nothing from the source
        scan = find_quotes(output, True)
        if [q.depth for q in scan.quotes] == [q.depth for q in quotes] and not scan.stray:
            return []
        detail = f"{len(scan.quotes)} quotation(s) instead of {len(quotes)}"
        return [Problem(self.name, "quotation", detail)]

    def place(self, segment: Segment, output: str, alignment: Alignment) -> list[Edit]:
        quotes = self._quotes(segment)
        if not quotes:
            return []
        scan = find_quotes(output, True)
        edits = [Edit(q.start, q.start + 1, "") for q in scan.quotes]
        edits += [Edit(q.end - 1, q.end, "") for q in scan.quotes]
        edits += [Edit(i, i + 1, "") for i in scan.stray]
        # a single mark after punctuation or at an edge closes a quotation, never a genitive
        edits += [Edit(m.start(), m.end(), "") for m in _LONE_SINGLE.finditer(output)]
        for quote, (opening, closing) in zip(quotes, self._wanted(segment), strict=True):
            aligned = alignment.target_span(quote.start + 1, quote.end - 1, output, exclusive=True)
            span = _placed(segment.text, quote, output, aligned)
            if span is None:
                return []
            edits += [Edit(span[0], span[0], opening), Edit(span[1], span[1], closing)]
        return edits

    def anchors(self, segment: Segment, output: str, alignment: Alignment) -> list[Anchor]:
        if not self.check(segment, output):
            return []
        found = []
        for number, quote in enumerate(self._quotes(segment)):
            if quote.depth == 0:  # nested marks follow once the outer ones stand
                where = _mark_positions(segment.text, quote, output, alignment)
                found += [Anchor(start, _FORCED, f"{self.name}:{number}") for start in where]
        return found

    def summary(self, pairs: Sequence[tuple[Segment, str]]) -> list[QuoteRecord]:
        records: list[QuoteRecord] = []
        dash: dict[int, list[tuple[str, str]]] = {}
        for segment, output in pairs:
            inner = [q for q in self._quotes(segment) if q.depth == 0]
            found = [q for q in find_quotes(output, True).quotes if q.depth == 0]
            for source, english in zip(inner, found, strict=False):
                records.append(
                    QuoteRecord(
                        "inline",
                        source.inner(segment.text),
                        english.inner(output),
                        segment.line - 1,
                    )
                )
            if segment.quoted:
                dash.setdefault(segment.line, []).append((segment.text, output))
        for line, parts in dash.items():
            records.append(
                QuoteRecord(
                    "dash", " ".join(p[0] for p in parts), " ".join(p[1] for p in parts), line - 1
                )
            )
        return sorted(records, key=lambda r: r.block)
