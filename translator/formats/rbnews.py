"""Ritzau's own XML: ``RBNews`` items, alone or in a news queue response.

Ritzau's news queue serves ``XMLNewsQueuedResponse`` → ``ListOfRBNews`` → ``RBNews``.
An item's prose is its ``headline``, ``subtitle``, ``ContentShort`` and ``content``
(HTML paragraphs, escaped in the XML); ``town`` (the dateline), ``byLine``, ``origin``,
codes and flags are kept. An item with ``Annuleret`` true was withdrawn: never
translated. A translation gets a new ``NewsID`` (``-en``), ``version`` 1, and the
editor's note in ``TilRedaktionen``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from translator.errors import WireFormatError
from translator.formats.wirebase import ID_SUFFIX, WireItem, note_for
from translator.formats.xmlio import local, text_of
from translator.formats.xmlsplice import escape
from translator.formats.xmlwire import XmlWireDocument, child

__all__ = ["RBNewsDocument"]

_PROSE = ("headline", "subtitle")
_HTML = ("ContentShort", "content")


class RBNewsDocument(XmlWireDocument):
    """A Ritzau ``RBNews`` item or news queue response."""

    format = "rbnews"

    def read(self, root: ET.Element) -> None:
        name = local(root.tag)
        if name == "RBNews":
            items = [root]
        elif name in ("ListOfRBNews", "XMLNewsQueuedResponse"):
            items = [e for e in root.iter() if local(e.tag) == "RBNews"]
        else:
            raise WireFormatError(path=self.name, problem=f"not Ritzau XML (root <{name}>)")
        for position, element in enumerate(items, 1):
            key = text_of(child(element, "NewsID")).strip() or f"item {position}"
            cancelled = text_of(child(element, "Annuleret")).strip().lower() == "true"
            item = WireItem(key, None, cancelled)
            self.add(element, item, [e for n in _PROSE if (e := child(element, n)) is not None])
            for part in _HTML:
                found = child(element, part)
                if found is not None:
                    self.add_escaped_html(item, found)

    def mark(self, index: int) -> None:
        root, item = self.item_root(index), self.items[index]
        news_id = child(root, "NewsID")
        if news_id is not None:
            self.xml.replace_inner(news_id, escape(item.key + ID_SUFFIX))
        version = child(root, "version")
        if version is not None:
            self.xml.replace_inner(version, "1")
        note = escape(note_for(item))
        editors = child(root, "TilRedaktionen")
        if editors is None:
            self.note_after(root, ("byLine",), f"<TilRedaktionen>{note}</TilRedaktionen>")
            return
        before = text_of(editors).strip()
        text = f"{escape(before)} {note}" if before else note
        self.xml.replace(editors, f"<TilRedaktionen>{text}</TilRedaktionen>")
