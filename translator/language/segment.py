"""Split Danish paragraphs into sentences with rules and an abbreviation list.

A boundary is a run of whitespace after ``.``, ``!``, ``?`` or ``…`` (and any closing
quotes or brackets) when the next word opens a sentence: a capital, a digit, an opening
quote or a dash. It is not a boundary after a known abbreviation (``bl.a.``, ``kl.``),
an initial (``H.C. Andersen``, ``J. F. Kennedy``) or an ordinal (``21. september``).
Headlines and captions often lack a full stop, so a capitalised function word from
``data/da_sentence_starters.txt`` followed by a lower-case word also starts a sentence.
A line break always ends a sentence, as in the article parser: every line of wire copy
(headline, paragraph, dash-quote, list item) is a block of its own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from translator.resources import data_lines

_TOKEN = re.compile(r"\S+")
_END = re.compile(r"[.!?…]+[\"'”’»«)\]]*$")
_CLOSERS = "\"'”’»«)]"
_OPENERS = "\"'“„«»‘([-–—"
_INITIALS = re.compile(r"^(?:[A-ZÆØÅ]\.)+$")
_ORDINAL = re.compile(r"^\d{1,2}\.$")
_LIST_MARK = re.compile(r"^(?:\d{1,3}|[a-zA-Z])[.)]$")
_LINE_BREAK = re.compile(r"[\r\n]")


@functools.cache
def _abbreviations() -> tuple[frozenset[str], frozenset[str]]:
    """Return (abbreviations that never end a sentence, those that may)."""
    inner: set[str] = set()
    final: set[str] = set()
    for line in data_lines("da_abbreviations.txt"):
        word, _, kind = line.partition("\t")
        (final if kind.strip() == "final" else inner).add(word.lower())
    return frozenset(inner), frozenset(final)


@functools.cache
def _starters() -> frozenset[str]:
    return frozenset(data_lines("da_sentence_starters.txt"))


@functools.cache
def _glue() -> frozenset[str]:
    return frozenset(data_lines("da_sentence_glue.txt"))


def _is_caps(word: str) -> bool:
    """A word in capitals of three letters or more (not "I", "EU")."""
    return sum(c.isalpha() for c in word) >= 3 and _is_upper(word)


def _is_upper(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _opens_sentence(word: str) -> bool:
    first = word[0]
    return first.isupper() or first.isdigit() or first in _OPENERS


def _is_boundary(prev: str, nxt: str, after: str | None, before: str | None) -> bool:
    """Decide whether a sentence ends between the words ``prev`` and ``nxt``."""
    if _END.search(prev):
        return _opens_sentence(nxt) and _ends_with_stop(prev, nxt)
    # No final punctuation: a headline in capitals ends before an ordinary word ...
    if _headline_ends(prev, nxt, after, before):
        return True
    if not (prev[-1].isalpha() and prev[-1].islower()) or prev.lower() in _glue():
        return False
    # ... and a capitalised function word (or a headline in capitals) starts a sentence.
    if _is_caps(nxt):
        return after is not None and after[0].isupper()
    return nxt in _starters() and (after is None or after[0].islower())


def _headline_ends(prev: str, nxt: str, after: str | None, before: str | None) -> bool:
    """Whether a headline in capitals ends after ``prev``: before a capitalised ordinary
    word ("Natten", or "I" before a lower-case word; "SKANDALE I DR" is one headline),
    and not after an acronym inside a sentence ("om NATO Koncernen")."""
    if not (_is_caps(prev) and prev[-1].isalpha() and nxt[0].isupper()):
        return False
    if before is not None and not _is_upper(before):
        return False
    if any(c.islower() for c in nxt):
        return True
    return not _is_caps(nxt) and after is not None and after[0].islower()


def _ends_with_stop(prev: str, nxt: str) -> bool:
    """Whether ``prev``'s final punctuation ends the sentence before ``nxt`` (not an
    abbreviation, initials or an ordinal)."""
    if prev[-1] in _CLOSERS or prev[-1] in "!?…":
        return True
    core = prev.lstrip(_OPENERS)
    inner, final = _abbreviations()
    if core.lower() in inner:
        return False
    if core.lower() in final:
        return nxt[0].isupper()
    if _INITIALS.match(core) and nxt[0].isupper():
        return False
    return not (_ORDINAL.match(core) and not nxt[0].isupper())


def _line_start(text: str, position: int) -> bool:
    while position and text[position - 1] in " \t":
        position -= 1
    return not position or text[position - 1] in "\r\n"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the sentences in ``text``.

    Sentences exclude the whitespace between them; the text between two spans is
    whitespace only.
    """
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    spans: list[tuple[int, int]] = []
    start: int | None = None
    start_index = 0
    for i, (begin, end) in enumerate(words):
        if start is None:
            start, start_index = begin, i
        if i + 1 == len(words):
            spans.append((start, end))
            break
        nxt = text[words[i + 1][0] : words[i + 1][1]]
        after = text[words[i + 2][0] : words[i + 2][1]] if i + 2 < len(words) else None
        word = text[begin:end]
        if _LINE_BREAK.search(text, end, words[i + 1][0]):
            boundary = True
        elif begin == start and _LIST_MARK.match(word) and _line_start(text, begin):
            boundary = False  # "1." or "a)" opening a line is a list item's number
        else:
            before = text[words[i - 1][0] : words[i - 1][1]] if i > start_index else None
            boundary = _is_boundary(word, nxt, after, before)
        if boundary:
            spans.append((start, end))
            start = None
    return spans


def split_sentences(text: str) -> list[str]:
    """Split Danish ``text`` into sentences.

    Args:
        text: A paragraph (or any run of Danish prose).

    Returns:
        The sentences in order, without the whitespace between them.

    Example:
        >>> split_sentences("Det sker bl.a. kl. 10.30 i dag. Hvad nu?")
        ['Det sker bl.a. kl. 10.30 i dag.', 'Hvad nu?']
    """
    return [text[a:b] for a, b in sentence_spans(text)]


def boundary_scores(paragraphs: Sequence[Sequence[str]]) -> tuple[float, float, float]:
    """Precision, recall and F1 of sentence boundaries on a document of gold sentences.

    Args:
        paragraphs: The gold sentences, paragraph by paragraph. The document is the
            sentences of each paragraph joined by a space, paragraphs by a blank line.
    """
    text = "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)
    expected, position = set(), 0
    for paragraph in paragraphs:
        for sentence in paragraph:
            position += len(sentence)
            expected.add(position)
            position += 1
        position += 1  # a blank line is one character more than a space
    expected.discard(len(text))
    found = {end for _, end in sentence_spans(text)[:-1]}
    hits = len(expected & found)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected) if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1
