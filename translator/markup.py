"""Translate HTML fragments, keeping every tag and attribute.

Each fragment's runs of prose (see :mod:`translator.formats.html`) are translated as
the lines of one article, so a block is translated in its own context and the
glossary, quotation and number guarantees hold as for text. Inline elements go back
around the English of the words they wrapped: the whole segment or line when they
wrapped one, the same words when they are kept as written (names, numbers), else
where the decoder's attention puts them (the English forced as a target prefix, one
engine call for every fragment of a call); a warning names the few placed by
position only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from html import escape, unescape

from translator.engines.base import Alignment, ConstrainedEngine
from translator.errors import EngineError, TranslatorError
from translator.formats import html as html_mod
from translator.language.glossary import Glossary
from translator.pipeline import Translation, Translator

__all__ = ["FieldsTranslation", "translate_fields", "translate_html"]


@dataclass(frozen=True)
class _Piece:
    """A translatable unit of an article: where its Danish and English lie."""

    source: str
    target: str
    s0: int
    t0: int
    translatable: bool

    @property
    def s1(self) -> int:
        return self.s0 + len(self.source)

    @property
    def t1(self) -> int:
        return self.t0 + len(self.target)


@dataclass(frozen=True)
class FieldsTranslation:
    """An item of several fields translated as one article.

    Attributes:
        translation: The article's translation (``text``: the fields' English runs as
            lines), with its warnings, glossary hits and units.
        english: Each field's English, in order: HTML for an HTML field, plain text
            (lines kept) for a plain one.
    """

    translation: Translation
    english: list[str]


def translate_html(
    translator: Translator, fragments: Sequence[str], sources: Sequence[str] | None = None
) -> list[Translation | TranslatorError]:
    """Translate HTML fragments in one batch; a failure is returned in its place.

    Returns:
        Per fragment, its :class:`Translation` with ``text`` the English HTML, or the
        error that stopped it.
    """
    found = translate_fields(translator, [[(f, True)] for f in fragments], sources)
    return [
        r if isinstance(r, TranslatorError) else replace(r.translation, text=r.english[0])
        for r in found
    ]


def translate_fields(
    translator: Translator,
    items: Sequence[Sequence[tuple[str, bool]]],
    sources: Sequence[str] | None = None,
) -> list[FieldsTranslation | TranslatorError]:
    """Translate items made of fields, each item as one article, all in one batch.

    Args:
        translator: The translator.
        items: Per item, its fields in reading order: ``(value, is_html)``. An HTML
            field keeps its tags; a plain one keeps its lines.
        sources: A name per item, for messages.

    Returns:
        Per item, its :class:`FieldsTranslation` (an item passed through as English
        has its fields unchanged), or the error that stopped it.
    """
    parsed = [[_fragment(value, is_html) for value, is_html in item] for item in items]
    articles = ["\n".join(run.text for run in _runs(fragments)) for fragments in parsed]
    results = translator.translate_results(articles, sources)
    pieces = [_pieces(r) if isinstance(r, Translation) and r.translated else [] for r in results]
    alignments = _alignments(translator, parsed, pieces, results)
    done: list[FieldsTranslation | TranslatorError] = []
    for item, fragments, result, found in zip(items, parsed, results, pieces, strict=True):
        if isinstance(result, TranslatorError):
            done.append(result)
        elif not result.translated:
            done.append(FieldsTranslation(result, [value for value, _ in item]))
        else:
            translation, rendered = _render(
                translator.glossary, fragments, result, found, alignments
            )
            english = [
                text if is_html else _plain(text)
                for text, (_, is_html) in zip(rendered, item, strict=True)
            ]
            done.append(FieldsTranslation(translation, english))
    return done


def _fragment(value: str, is_html: bool) -> html_mod.Fragment:
    """An HTML field as it is; a plain one with each line a block of its own."""
    if is_html:
        return html_mod.parse(value)
    return html_mod.parse("<br>".join(escape(line, quote=False) for line in value.split("\n")))


def _plain(rendered: str) -> str:
    """A plain field's English, back from the HTML it was translated as."""
    return "\n".join(unescape(line) for line in rendered.split("<br>"))


def _runs(fragments: Sequence[html_mod.Fragment]) -> list[html_mod.Run]:
    return [run for fragment in fragments for run in fragment.runs]


def _pieces(result: Translation) -> list[_Piece]:
    """The article's units with their offsets in the Danish and the English."""
    found, s0, t0 = [], 0, 0
    for unit in result.units:
        found.append(_Piece(unit.source, unit.target, s0, t0, unit.translatable))
        s0, t0 = s0 + len(unit.source), t0 + len(unit.target)
    return found


def _partial(pieces: list[_Piece], start: int, end: int) -> list[_Piece]:
    """The translated units that ``[start, end)`` cuts into (covers only in part)."""
    return [
        p for p in pieces
        if p.translatable and p.s0 < max(end, start + 1) and start < p.s1
        and not (start <= p.s0 and p.s1 <= end)
    ]  # fmt: skip


def _alignments(
    translator: Translator,
    parsed: list[list[html_mod.Fragment]],
    pieces: list[list[_Piece]],
    results: Sequence[Translation | TranslatorError],
) -> dict[tuple[str, str], Alignment]:
    """The alignment of each unit an inline element cuts into, from one engine call."""
    pairs = list(dict.fromkeys(_cut(translator.glossary, parsed, pieces)))
    if not pairs:
        return {}
    language = next((r.source_language for r in results if isinstance(r, Translation)), "da")
    engine = translator.engine_for(language)
    if not isinstance(engine, ConstrainedEngine):
        return {}
    try:
        completed = engine.complete([s for s, _ in pairs], [t for _, t in pairs])
    except EngineError:
        return {}
    return {  # the links of the forced English only (the model may write on after it)
        pair: Alignment(tuple(link for link in found.alignment.links if link[3] <= len(pair[1])))
        for pair, found in zip(pairs, completed, strict=True)
        if found.alignment is not None and found.text.startswith(pair[1])
    }


def _cut(
    glossary: Glossary, parsed: list[list[html_mod.Fragment]], pieces: list[list[_Piece]]
) -> Iterator[tuple[str, str]]:
    """Each unit (Danish, English) that an inline element cuts into where its words are
    not found as written: those need the decoder's alignment."""
    for fragments, found in zip(parsed, pieces, strict=True):
        offset = 0
        for run in _runs(fragments) if found else []:
            for inline in run.inlines:
                start, end = offset + inline.start, offset + inline.end
                for piece in _partial(found, start, end):
                    if _verbatim(piece, start, end, glossary) is None:
                        yield piece.source, piece.target
            offset += len(run.text) + 1


def _verbatim(piece: _Piece, start: int, end: int, glossary: Glossary) -> tuple[int, int] | None:
    """Where the Danish words ``[start, end)`` of ``piece`` stand in its English when they
    are kept as written (a name, a number) or are one glossary term, if exactly once."""
    words = piece.source[max(0, start - piece.s0) : end - piece.s0].strip()
    if not words:
        return None
    forms = [words]
    matches = glossary.find(words)
    if len(matches) == 1 and matches[0].start == 0 and matches[0].end == len(words):
        forms.insert(0, matches[0].target)
    for form in forms:
        hits = [m.span() for m in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", piece.target)]
        if len(hits) == 1:
            return piece.t0 + hits[0][0], piece.t0 + hits[0][1]
    return None


def _render(
    glossary: Glossary,
    fragments: Sequence[html_mod.Fragment],
    result: Translation,
    pieces: list[_Piece],
    alignments: dict[tuple[str, str], Alignment],
) -> tuple[Translation, list[str]]:
    """The translation with its warnings, and each fragment rendered in English."""
    lines = result.text.split("\n")
    runs = _runs(fragments)
    if len(lines) != len(runs):  # never expected: the article's lines are kept
        raise EngineError(problem="the translation changed the fragment's block structure")
    rendered, offset, english_offset, guessed = [], 0, 0, 0
    for run, english in zip(runs, lines, strict=True):

        def locate(
            start: int, end: int, at: int = offset, to: int = english_offset
        ) -> tuple[int, int] | None:
            found = _locate(pieces, alignments, at + start, at + end, glossary)
            return None if found is None else (found[0] - to, found[1] - to)

        spans, unsure = html_mod.place(run, english, locate)
        guessed += unsure
        rendered.append(html_mod.render_run(run, english, spans))
        offset += len(run.text) + 1
        english_offset += len(english) + 1
    warnings = list(result.warnings)
    if guessed:
        warnings.append(f"{guessed} inline element(s) placed by position (no alignment)")
    out, at = [], 0
    for fragment in fragments:
        count = len(fragment.runs)
        out.append(fragment.render(rendered[at : at + count]))
        at += count
    return replace(result, warnings=warnings), out


def _locate(
    pieces: list[_Piece],
    alignments: dict[tuple[str, str], Alignment],
    start: int,
    end: int,
    glossary: Glossary,
) -> tuple[int, int] | None:
    """The English (article offsets) of the Danish ``[start, end)``; ``None`` if unknown."""
    touched = [p for p in pieces if p.s0 < max(end, start + 1) and start < p.s1]
    if not touched:
        touched = [p for p in pieces if p.s0 <= start <= p.s1][:1]
    spans = []
    for piece in touched:
        span = _piece_span(piece, start, end, glossary)
        if span is None:
            span = _aligned(piece, alignments.get((piece.source, piece.target)), start, end)
        if span is None:
            return None
        spans.append(span)
    return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None


def _piece_span(piece: _Piece, start: int, end: int, glossary: Glossary) -> tuple[int, int] | None:
    """The English of ``[start, end)`` within one unit, where no alignment is needed."""
    if start == end and start in (piece.s0, piece.s1):  # a marker at a unit's edge
        return (piece.t0,) * 2 if start == piece.s0 else (piece.t1,) * 2
    if not piece.translatable:  # kept as written: the same characters
        return piece.t0 + max(0, start - piece.s0), piece.t0 + min(end, piece.s1) - piece.s0
    if start <= piece.s0 and piece.s1 <= end:
        return piece.t0, piece.t1
    return _verbatim(piece, start, end, glossary)


def _aligned(
    piece: _Piece, alignment: Alignment | None, start: int, end: int
) -> tuple[int, int] | None:
    """The English of ``[start, end)`` within one unit, from the decoder's alignment."""
    if alignment is None:
        return None
    first, last = max(0, start - piece.s0), min(len(piece.source), end - piece.s0)
    if first == last:  # a marker: after the words aligned to the word before it
        points = alignment.near(first, last, piece.source, piece.target)
        return (piece.t0 + points[0],) * 2 if points else None
    hits = [(t0, t1) for s0, s1, t0, t1 in alignment.links if s0 < last and first < s1 and t0 < t1]
    if not hits:
        return None
    low, high = _words(piece.target, min(t for t, _ in hits), max(t for _, t in hits))
    return piece.t0 + low, piece.t0 + high


def _words(text: str, low: int, high: int) -> tuple[int, int]:
    """``text[low:high]`` widened to whole words; a piece's leading space is not a word."""
    high = min(high, len(text))
    while low < high and text[low].isspace():
        low += 1
    while low > 0 and text[low - 1].isalnum():
        low -= 1
    while high < len(text) and text[high].isalnum():
        high += 1
    return low, high
