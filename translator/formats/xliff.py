"""XLIFF 1.2 and 2.0: send machine translations for post-editing, take the edits back.

One ``<file>`` per article, one unit per piece of the article in order (see
:class:`translator.language.article.Unit`): each translated sentence is a unit whose target is
the machine translation, in state ``needs-review-translation`` (1.2) or ``initial``
(2.0), with glossary terms and repairs as notes; everything kept as it is (dateline,
quote dashes, spaces, line endings, byline) is a ``translate="no"`` unit. Joining the
units' texts rebuilds the article byte for byte, so :func:`merge` can write the
reviewed English article.

A unit counts as reviewed when a person changed its target (each translated unit
carries a checksum of the machine's English, ``tr:mt``) or set a reviewed state
(1.2: ``translated``, ``signed-off``, ``final``; 2.0: ``reviewed``, ``final``).
"""

from __future__ import annotations

import hashlib
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from translator import __version__
from translator.errors import ExchangeFileError, OutputFileError
from translator.formats.xmlio import SPACE, check_text, local, parse, serialize, text_of
from translator.io import check_output, unique_output_name, write_atomic
from translator.language.article import Unit

Version = Literal["1.2", "2.0"]
VERSIONS: tuple[Version, ...] = ("1.2", "2.0")
NS = {
    "1.2": "urn:oasis:names:tc:xliff:document:1.2",
    "2.0": "urn:oasis:names:tc:xliff:document:2.0",
}
#: Our own namespace, for the checksum of the machine translation on each unit.
TR = "urn:translator:xliff"
_MT = f"{{{TR}}}mt"
_INITIAL = {"1.2": "needs-review-translation", "2.0": "initial"}
_REVIEWED = {"1.2": {"translated", "signed-off", "final"}, "2.0": {"reviewed", "final"}}


@dataclass(frozen=True)
class Document:
    """One article in an XLIFF file.

    Attributes:
        original: The article's name (its file or id).
        units: Its pieces in order.
        reviewed: For each unit, whether a person reviewed it (read files only).
    """

    original: str
    units: list[Unit]
    reviewed: tuple[bool, ...] = ()

    def text(self) -> str:
        """The English article: the reviewed or machine targets and the kept pieces."""
        return "".join(u.target if u.translatable and u.target else u.source for u in self.units)


def document(name: str, source: str, units: Sequence[Unit]) -> Document:
    """The document of one translated article (``units`` of its translation; a text
    passed through untranslated is one kept unit)."""
    return Document(name, list(units) if units else [Unit(source, source)] if source else [])


def write(
    path: str | os.PathLike[str], documents: Sequence[Document], version: Version = "1.2"
) -> None:
    """Write ``documents`` to ``path`` as one XLIFF file (atomically).

    Raises:
        ExchangeFileError: a text holds a character XML cannot carry.
    """
    ET.register_namespace("", NS[version])
    ET.register_namespace("tr", TR)
    root = ET.Element(f"{{{NS[version]}}}xliff", version=version)
    if version == "2.0":
        root.set("srcLang", "da")
        root.set("trgLang", "en")
    for number, document in enumerate(documents, start=1):
        _file(root, document, version, number, path)
    ET.indent(root)  # between elements only: no source or target text changes
    write_atomic(path, '<?xml version="1.0" encoding="UTF-8"?>\n' + serialize(root) + "\n")


def _file(
    root: ET.Element, document: Document, version: Version, number: int, path: object
) -> None:
    ns = f"{{{NS[version]}}}"
    original = check_text(document.original, str(path))
    if version == "1.2":
        file = ET.SubElement(root, f"{ns}file", original=original, datatype="plaintext")
        file.set("source-language", "da")
        file.set("target-language", "en")
        header = ET.SubElement(file, f"{ns}header")
        tool = ET.SubElement(header, f"{ns}tool")
        tool.attrib.update(
            {"tool-id": "translator", "tool-name": "translator", "tool-version": __version__}
        )
        parent = ET.SubElement(file, f"{ns}body")
    else:
        parent = ET.SubElement(root, f"{ns}file", id=f"f{number}", original=original)
    for index, unit in enumerate(document.units, start=1):
        _unit(parent, unit, version, index, str(path))


def _unit(parent: ET.Element, unit: Unit, version: Version, index: int, path: str) -> None:
    source, target = check_text(unit.source, path), check_text(unit.target, path)
    make = _unit_12 if version == "1.2" else _unit_20
    element = make(parent, unit, f"{{{NS[version]}}}", index, source, target)
    if unit.translatable:
        element.set(_MT, _checksum(unit.target))
    else:
        element.set("translate", "no")


def _unit_12(
    parent: ET.Element, unit: Unit, ns: str, index: int, source: str, target: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{ns}trans-unit", id=str(index))
    element.set(SPACE, "preserve")
    ET.SubElement(element, f"{ns}source").text = source
    target_element = ET.SubElement(element, f"{ns}target")
    target_element.text = target
    if unit.translatable:
        target_element.set("state", _INITIAL["1.2"])
        for note in unit.notes:
            ET.SubElement(element, f"{ns}note", {"from": "translator"}).text = note
    return element


def _unit_20(
    parent: ET.Element, unit: Unit, ns: str, index: int, source: str, target: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{ns}unit", id=f"u{index}")
    if unit.translatable and unit.notes:
        notes = ET.SubElement(element, f"{ns}notes")
        for note in unit.notes:
            ET.SubElement(notes, f"{ns}note", category="translator").text = note
    segment = ET.SubElement(element, f"{ns}segment")
    if unit.translatable:
        segment.set("state", _INITIAL["2.0"])
    for name, text in (("source", source), ("target", target)):
        part = ET.SubElement(segment, f"{ns}{name}")
        part.set(SPACE, "preserve")
        part.text = text
    return element


def read(path: str | os.PathLike[str]) -> list[Document]:
    """The articles of the XLIFF file at ``path`` (1.2 or 2.0), with each unit's target
    as the file has it now and whether a person reviewed it.

    Raises:
        ExchangeFileError: the file is not well-formed XLIFF 1.2 or 2.0, or declares
            XML entities.
    """
    root = parse(path)
    version = root.get("version", "")
    if local(root.tag) != "xliff" or version not in NS or root.tag != f"{{{NS[version]}}}xliff":
        raise ExchangeFileError(path=path, problem="not an XLIFF 1.2 or 2.0 file")
    ns = f"{{{NS[version]}}}"
    documents = []
    for file in root.iter(f"{ns}file"):
        units, reviewed = [], []
        tag = "trans-unit" if version == "1.2" else "unit"
        for element in file.iter(f"{ns}{tag}"):
            unit, done = _read_unit(element, version, ns)  # type: ignore[arg-type]
            units.append(unit)
            reviewed.append(done)
        documents.append(Document(file.get("original", ""), units, tuple(reviewed)))
    return documents


def _read_unit(element: ET.Element, version: Version, ns: str) -> tuple[Unit, bool]:
    translatable = element.get("translate", "yes") != "no"
    parts = [element] if version == "1.2" else _parts_20(element, ns)
    if not parts:
        return Unit("", "", translatable), False
    source, target, states = _joined(parts, version, ns)
    if not translatable:
        return Unit(source, source), False
    if "\n" not in source and "\r" not in source:  # a line break would add a paragraph
        target = _LINE_BREAK.sub(" ", target)
    machine = element.get(_MT)
    edited = machine is not None and _checksum(target) != machine
    signed = bool(states) and all(state in _REVIEWED[version] for state in states)
    return Unit(source, target, True), bool(target.strip()) and (edited or signed)


def _joined(parts: list[ET.Element], version: Version, ns: str) -> tuple[str, str, list[str]]:
    """The source and target of a unit's parts joined (2.0: the segments a CAT tool
    split it into, and the ignorable text between them), and the segments' states."""
    sources, targets, states = [], [], []
    for part in parts:
        source = text_of(part.find(f"{ns}source"))
        target_element = part.find(f"{ns}target")
        sources.append(source)
        ignorable = local(part.tag) == "ignorable"  # whitespace between segments
        missing = source if ignorable else ""
        targets.append(text_of(target_element) if target_element is not None else missing)
        state_holder = target_element if version == "1.2" else part
        if not ignorable:
            states.append(state_holder.get("state", "") if state_holder is not None else "")
    return "".join(sources), "".join(targets), states


_LINE_BREAK = re.compile(r"[ \t]*(?:\r\n|\r|\n|\u2028|\u2029)[ \t]*")


def _parts_20(element: ET.Element, ns: str) -> list[ET.Element]:
    return [child for child in element if child.tag in (f"{ns}segment", f"{ns}ignorable")]


def merge(path: str | os.PathLike[str], output: str | os.PathLike[str]) -> list[Path]:
    """Write the English article of each document in the XLIFF file at ``path``: to
    ``output`` when there is one, else into the folder ``output`` under names made from
    each document's ``original`` (as ``bulk`` names outputs). The written paths.

    Raises:
        ExchangeFileError: the file is not XLIFF.
        OutputFileError: ``output`` cannot be written.
    """
    documents = read(path)
    if len(documents) == 1:
        target = check_output(output, path)
        write_atomic(target, documents[0].text())
        return [target]
    taken: set[str] = set()
    written = []
    folder = Path(output).resolve()
    for document in documents:
        name = unique_output_name(document.original or "article", taken)
        taken.add(name.casefold())
        target = check_output(Path(output) / name, path)
        if not target.resolve().is_relative_to(folder):  # a symbolic link inside it
            problem = f"would be written outside {output} (through a symbolic link)"
            raise OutputFileError(path=Path(output) / name, problem=problem)
        write_atomic(target, document.text())
        written.append(target)
    return written


def reviewed_segments(documents: Sequence[Document]) -> Iterator[tuple[str, str, str]]:
    """(Danish, reviewed English, article) of every reviewed unit."""
    for document in documents:
        for unit, reviewed in zip(document.units, document.reviewed, strict=True):
            if reviewed:
                yield unit.source, unit.target, document.original


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
