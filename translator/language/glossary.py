"""Glossaries: Danish terms, the English that must replace them, and how they match.

Reading glossary files (TSV, TBX) is :mod:`translator.formats.glossary`'s job.

Matching follows Danish inflection: whole words only; the term as written, capitalised
or in capitals (``Nato``, ``NATO``); the genitive ``-s``/``'s`` (``Natos``, ``FN's``);
hyphenated compounds (``Nato-chefen``); longer terms before shorter ones
(``FN's Generalforsamling`` before ``FN``). Nothing matches inside another word
(``Putinsk`` is not ``Putin``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_GENITIVE = ("s", "'s", "’s", "'", "’")
# Placeholder shapes that MT engines leave behind; none may reach the output.
DEBRIS = re.compile(r"⟦[^⟧]*⟧|__T\d+__|###T?\d+###|\[\[\d+\]\]|⟨\d+⟩|\bTERM\d+\b")


@dataclass(frozen=True)
class Entry:
    """One glossary entry: ``source`` (Danish) becomes ``target`` (English); ``avoid``:
    English forms a translation of ``source`` may take that become ``target``
    (``United States`` for ``US``)."""

    source: str
    target: str
    note: str = ""
    origin: str = ""
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """An occurrence of an entry in a text.

    Attributes:
        start: Offset of the first character of the term.
        end: Offset after the term and its genitive ending.
        entry: The entry matched.
        form: The text as found (``Natos``).
        genitive: Whether the Danish genitive ending was found.
        compound: Whether a hyphen joins the term to a following word (``Nato-chefen``).
    """

    start: int
    end: int
    entry: Entry
    form: str
    genitive: bool
    compound: bool

    @property
    def target(self) -> str:
        """The English form: the entry's target, with ``'s`` for a genitive."""
        target = self.entry.target
        if not self.genitive:
            return target
        return target + ("'" if target.endswith("s") else "'s")


@dataclass
class GlossaryHit:
    """How often an entry was found in an article, and in which forms."""

    term: str
    target: str
    count: int
    forms: list[str]


@dataclass(frozen=True)
class Problem:
    """A problem found by :func:`check_file`."""

    line: int
    message: str


@dataclass
class Glossary:
    """A set of entries with a matcher for Danish text."""

    entries: dict[str, Entry] = field(default_factory=dict)
    #: English terms a termbase marks deprecated or forbidden → the term to use instead.
    forbidden: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._pattern: re.Pattern[str] | None = None
        self._by_form: dict[str, Entry] = {}

    def merged(self, other: Glossary) -> Glossary:
        """Return a glossary with ``other``'s entries over this one's."""
        return Glossary({**self.entries, **other.entries}, {**self.forbidden, **other.forbidden})

    def _compile(self) -> re.Pattern[str]:
        if self._pattern is None:
            for entry in self.entries.values():
                for form in _case_variants(entry.source):
                    self._by_form.setdefault(form, entry)
            alternatives = sorted(self._by_form, key=len, reverse=True)
            body = "|".join(re.escape(form) for form in alternatives) or r"(?!)"
            genitive = "|".join(re.escape(ending) for ending in _GENITIVE)
            self._pattern = re.compile(
                rf"(?<![\w])(?P<term>{body})(?P<gen>{genitive})?(?![\w])(?P<hyphen>-(?=\w))?"
            )
        return self._pattern

    def find(self, text: str) -> list[Match]:
        """Return the non-overlapping matches in ``text``, left to right.

        Invisible characters inside a term (zero-width space, soft hyphen) and
        no-break spaces between its words do not defeat a match.
        """
        if _INVISIBLE.search(text):
            clean, offsets = _visible(text)
            return [
                Match(offsets[m.start], offsets[m.end - 1] + 1, m.entry,
                      text[offsets[m.start] : offsets[m.end - 1] + 1], m.genitive, m.compound)
                for m in self.find(clean)
            ]  # fmt: skip
        found = []
        for m in self._compile().finditer(text):
            gen = m.group("gen") or ""
            if gen in ("'", "’") and not m.group("term").endswith(("s", "S", "x", "z")):
                # A bare apostrophe is a genitive only after s/x/z; else it closes a quote.
                end = m.end("term")
                gen = ""
            else:
                end = m.end("gen") if gen else m.end("term")
            entry = self._by_form[m.group("term")]
            compound = bool(m.group("hyphen"))
            found.append(Match(m.start(), end, entry, text[m.start() : end], bool(gen), compound))
        return found


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f]")


def _visible(text: str) -> tuple[str, list[int]]:
    """``text`` without invisible characters (no-break spaces made spaces), and for each
    character kept, its offset in ``text``."""
    chars, offsets = [], []
    for index, char in enumerate(text):
        if char in "\u00a0\u202f":
            char = " "
        elif _INVISIBLE.match(char):
            continue
        chars.append(char)
        offsets.append(index)
    return "".join(chars), offsets


def _case_variants(term: str) -> list[str]:
    variants = [term, term[:1].upper() + term[1:], term.upper()]
    return list(dict.fromkeys(variants))


def count_term(text: str, term: str) -> int:
    """Count whole-word occurrences of ``term`` in ``text`` (case-sensitive)."""
    return len(re.findall(rf"(?<![\w]){re.escape(term)}(?![^\W_])", text))


def hits_summary(matches: Iterable[Match]) -> list[GlossaryHit]:
    """Summarise matches per entry: term, target, count and the forms seen."""
    hits: dict[str, GlossaryHit] = {}
    for match in matches:
        hit = hits.setdefault(
            match.entry.source, GlossaryHit(match.entry.source, match.entry.target, 0, [])
        )
        hit.count += 1
        if match.form not in hit.forms:
            hit.forms.append(match.form)
    return list(hits.values())
