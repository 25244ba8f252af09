"""What the XML wire formats share: fields read from elements, written back in place."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from abc import abstractmethod
from collections.abc import Sequence
from typing import Literal

from translator.formats.wirebase import Field, WireDocument, WireItem
from translator.formats.xmlio import LANG, local, text_of
from translator.formats.xmlsplice import XmlDocument, escape

__all__ = ["XmlWireDocument", "child", "children"]

#: How a field's English goes back: as the element's markup, or as its (escaped) text.
Mode = Literal["markup", "text"]
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")


def children(element: ET.Element | None, name: str) -> list[ET.Element]:
    """The children of ``element`` called ``name`` (any namespace)."""
    return [] if element is None else [e for e in element if local(e.tag) == name]


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    """The first child of ``element`` called ``name`` (any namespace), if any."""
    found = children(element, name)
    return found[0] if found else None


class XmlWireDocument(WireDocument):
    """An XML wire document; a format says where its items, fields and identity are."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__(name)
        self.xml = XmlDocument(text, name)
        self._roots: list[ET.Element] = []
        self._targets: list[list[tuple[ET.Element, Mode]]] = []
        self.read(self.xml.root)

    @abstractmethod
    def read(self, root: ET.Element) -> None:
        """Find the items (:meth:`add` each)."""

    @abstractmethod
    def mark(self, index: int) -> None:
        """Edit item ``index`` into a translation: language, identity, link, note."""

    def add(self, root: ET.Element, item: WireItem, elements: Sequence[ET.Element]) -> None:
        """Add an item whose prose is in ``elements``: an element with child elements
        is markup (its tags kept), one with only text is plain text."""
        targets: list[tuple[ET.Element, Mode]] = []
        for element in elements:
            markup = len(element) > 0
            value = self.xml.inner(element) if markup else text_of(element)
            if value.strip():
                item.fields.append(Field(local(element.tag), value, markup))
                targets.append((element, "markup" if markup else "text"))
        self._roots.append(root)
        self._targets.append(targets)
        self.items.append(item)

    def add_escaped_html(self, item: WireItem, element: ET.Element) -> None:
        """Add to the last item a field whose text is HTML (Ritzau's ``content``)."""
        value = text_of(element)
        if value.strip():
            item.fields.append(Field(local(element.tag), value, bool(_TAG.search(value))))
            self._targets[-1].append((element, "text"))

    def render(self, english: Sequence[Sequence[str] | None]) -> str:
        self.xml.clear()
        for index, texts in enumerate(english):
            if texts is None:
                continue
            for (element, mode), value in zip(self._targets[index], texts, strict=True):
                self.xml.replace_inner(element, value if mode == "markup" else escape(value))
            self.mark(index)
        return self.xml.render()

    def split(self) -> list[tuple[str, str]]:
        return [
            (item.key, self.xml.standalone(root))
            for item, root in zip(self.items, self._roots, strict=True)
        ]

    def item_root(self, index: int) -> ET.Element:
        """The element of item ``index``."""
        return self._roots[index]

    def translated_elements(self, index: int) -> list[ET.Element]:
        """The elements whose prose item ``index`` translates."""
        return [element for element, _ in self._targets[index]]

    def set_languages(self, index: int, language: str) -> None:
        """Every ``xml:lang="<language>"`` on an element that is, or holds, translated
        prose of item ``index`` says ``en``."""
        translated = self.translated_elements(index)
        inside = {id(e) for e in translated}
        within = {id(d) for e in translated for d in e.iter() if d is not e}  # rewritten whole
        for element in self.item_root(index).iter():
            if element.get(LANG, "").lower() != language.lower() or id(element) in within:
                continue
            if any(id(e) in inside for e in element.iter()):
                self.xml.set_attribute(element, "xml:lang", "en")

    def note_after(self, parent: ET.Element, after: Sequence[str], xml: str) -> None:
        """Insert ``xml`` into ``parent`` after its last child named in ``after`` (or as
        its first child), indented like its children."""
        kids = list(parent)
        last = max((i for i, k in enumerate(kids) if local(k.tag) in after), default=-1)
        if last >= 0:
            indent = self.xml.indent(kids[last])
            self.xml.insert(self.xml.span(kids[last]).end, f"\n{indent}{xml}" if indent else xml)
        elif kids:
            indent = self.xml.indent(kids[0])
            self.xml.insert(self.xml.span(kids[0]).start, f"{xml}\n{indent}" if indent else xml)
        else:
            self.xml.replace_inner(parent, xml)
