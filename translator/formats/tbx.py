"""TBX termbases as glossaries: TBX-Basic / TBX 2008 (``martif``) and TBX v3 (``tbx``).

For each concept (``termEntry`` / ``conceptEntry``), every Danish term maps to the
concept's preferred English term: the first marked ``preferredTerm`` (by
``administrativeStatus`` or ``normativeAuthorization``), else the first English term not
marked deprecated, superseded or forbidden. English terms so marked become forbidden:
a warning names them when they appear in a translation.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from translator.errors import ExchangeFileError, GlossaryError
from translator.formats.xmlio import LANG, local, parse, text_of
from translator.language.glossary import Entry, Glossary, Problem

_CONCEPTS = ("termEntry", "conceptEntry")
_LANGUAGES = ("langSet", "langSec")
_TERMS = ("tig", "ntig", "termSec")
_STATUS = ("administrativeStatus", "normativeAuthorization")
_REJECTED = ("deprecated", "superseded", "forbidden")


@dataclass(frozen=True)
class Concept:
    """One concept of a termbase: its id, line-free position, and terms by language."""

    id: str
    danish: list[str]
    english: list[tuple[str, str]]  # (term, status: preferred, admitted, rejected or "")

    @property
    def preferred(self) -> str | None:
        """The English term Danish terms become, or None if the concept has no usable one."""
        usable = [term for term, status in self.english if status != "rejected"]
        chosen = [term for term, status in self.english if status == "preferred"]
        return (chosen or usable)[0] if chosen or usable else None


def concepts(path: str | os.PathLike[str]) -> list[Concept]:
    """The concepts of the TBX file at ``path``.

    Raises:
        ExchangeFileError: not well-formed XML, entities declared, or not TBX.
    """
    root = parse(path)
    if local(root.tag) not in ("martif", "tbx"):
        raise ExchangeFileError(path=path, problem="not a TBX file (no <martif> or <tbx> root)")
    elements = (e for e in root.iter() if local(e.tag) in _CONCEPTS)
    return [_concept(element, number) for number, element in enumerate(elements, start=1)]


def _concept(element: ET.Element, number: int) -> Concept:
    """One concept entry: its Danish terms and its English terms with their status."""
    danish: list[str] = []
    english: list[tuple[str, str]] = []
    for language_set in (e for e in element if local(e.tag) in _LANGUAGES):
        language = (language_set.get(LANG) or "").split("-")[0].lower()
        for term_group in (e for e in language_set.iter() if local(e.tag) in _TERMS):
            term = text_of(_first(term_group, "term")).strip()
            if term and language == "da":
                danish.append(term)
            elif term and language == "en":
                english.append((term, _status(term_group)))
    return Concept(element.get("id") or f"#{number}", danish, english)


def _first(element: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in element.iter() if local(e.tag) == name), None)


def _status(term_group: ET.Element) -> str:
    for note in term_group.iter():
        if local(note.tag) in ("termNote", "descrip") and note.get("type") in _STATUS:
            value = text_of(note).lower()
            if "preferred" in value:
                return "preferred"
            if any(word in value for word in _REJECTED):
                return "rejected"
            return "admitted"
    return ""


def load(path: str | os.PathLike[str]) -> Glossary:
    """The glossary of the TBX file at ``path``.

    Raises:
        GlossaryError: a concept gives one Danish term two English ones, or the file
            is not a readable TBX file.
    """
    problems = check(path)
    if problems:
        raise GlossaryError(path=path, line=problems[0].line, problem=problems[0].message)
    entries: dict[str, Entry] = {}
    forbidden: dict[str, str] = {}
    for concept in concepts(path):
        preferred = concept.preferred
        if preferred is None:
            continue
        for term in concept.danish:
            entries[term] = Entry(term, preferred, "", f"{path}:{concept.id}")
        for term, status in concept.english:
            if status == "rejected":
                forbidden[term] = preferred
    return Glossary(entries, forbidden)


def check(path: str | os.PathLike[str]) -> list[Problem]:
    """A TBX file's problems: unreadable, concepts without Danish or usable English
    terms, a Danish term given two English ones. Lines are 0: positions are concepts."""
    try:
        found = concepts(path)
    except ExchangeFileError as error:
        return [Problem(0, str(error).split(": ", 1)[-1])]
    problems = []
    seen: dict[str, tuple[str, str]] = {}
    for concept in found:
        if not concept.danish:
            continue  # a concept for other languages: not ours to judge
        preferred = concept.preferred
        if preferred is None:
            problems.append(Problem(0, f"concept {concept.id}: no usable English term"))
            continue
        for term in concept.danish:
            earlier = seen.setdefault(term, (concept.id, preferred))
            if earlier[1] != preferred:
                problems.append(
                    Problem(0, f"concept {concept.id}: '{term}' → '{preferred}' conflicts with "
                               f"concept {earlier[0]} ('{earlier[1]}')")
                )  # fmt: skip
    return problems
