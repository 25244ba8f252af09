"""IPTC's XML formats: NewsML-G2 items and messages, and NITF documents.

A NewsML-G2 ``newsItem`` (alone, or several in a ``newsMessage``) has its prose in
``contentMeta`` (``headline``, ``description``; the ``slugline`` is a code, kept) and
in ``contentSet``: an NITF or XHTML body in ``inlineXML``, or plain text in
``inlineData``. An NITF document's prose is its ``title``, its headlines (``hl1``,
``hl2``), ``abstract`` and ``body.content``. A translation says ``en`` wherever the
item declared its language, gets a new identity (guid or ``doc-id`` with ``-en``,
version 1), a link to the original (NewsML-G2: ``itemMeta/link``) and an editor's
note (NewsML-G2: ``edNote``; NITF: ``ed-msg``), each where its schema puts it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from translator.errors import WireFormatError
from translator.formats.wirebase import ID_SUFFIX, WireItem, note_for
from translator.formats.xmlio import LANG, local
from translator.formats.xmlsplice import escape, quoteattr
from translator.formats.xmlwire import XmlWireDocument, child, children

__all__ = ["NewsMLDocument", "NitfDocument"]

# itemMeta's sequence (NewsML-G2 2.30): edNote follows these, link follows all of them.
_BEFORE_NOTE = (
    "itemClass provider versionCreated firstCreated embargoed pubStatus role fileName "
    "generator profile service title edNote"
).split()
_BEFORE_LINK = [
    *_BEFORE_NOTE,
    *"memberOf instanceOf signal altRep deliverableOf hash expires origRep incomingFeedId "
    "metadataCreator link".split(),
]
_HEAD_BEFORE_DOCDATA = ("title", "meta", "tobject", "iim")
#: IPTC's item relation for "a translation of".
TRANSLATED_FROM = "irel:translatedFrom"


def nitf_prose(nitf: ET.Element) -> list[ET.Element]:
    """The elements of an NITF document that hold its prose, in reading order."""
    found = [e for e in [child(child(nitf, "head"), "title")] if e is not None]
    body = child(nitf, "body")
    head = child(body, "body.head")
    for element in head if head is not None else []:
        if local(element.tag) == "hedline":
            found += [e for e in element if local(e.tag) in ("hl1", "hl2")]
        elif local(element.tag) == "abstract":
            found.append(element)
    found += children(body, "body.content") if body is not None else []
    return found


def _xhtml_prose(html: ET.Element) -> list[ET.Element]:
    found = [e for e in [child(child(html, "head"), "title")] if e is not None]
    return found + [e for e in [child(html, "body")] if e is not None]


def _language(element: ET.Element) -> str | None:
    value = element.get(LANG) or element.get("baselang")
    return value.lower() if value else None


class NitfDocument(XmlWireDocument):
    """An NITF 3.x document, with or without its namespace."""

    format = "nitf"

    def read(self, root: ET.Element) -> None:
        if local(root.tag) != "nitf":
            raise WireFormatError(path=self.name, problem=f"not NITF (root <{local(root.tag)}>)")
        doc_id = root.find(".//{*}doc-id")
        key = (doc_id.get("id-string") if doc_id is not None else None) or "nitf"
        self.add(root, WireItem(key, _language(root)), nitf_prose(root))

    def mark(self, index: int) -> None:
        root, item = self.item_root(index), self.items[index]
        language = item.language or "da"
        self.set_languages(index, language)
        if (root.get("baselang") or "").lower() == language:
            self.xml.set_attribute(root, "baselang", "en")
        doc_id = root.find(".//{*}doc-id")
        if doc_id is not None and doc_id.get("id-string"):
            self.xml.set_attribute(doc_id, "id-string", item.key + ID_SUFFIX)
        head = child(root, "head")
        prefix = self.xml.prefix(root)
        message = f'<{prefix}ed-msg msg-type="translation" info={quoteattr(note_for(item))}/>'
        docdata = child(head, "docdata")
        if docdata is not None:
            self.note_after(docdata, [local(e.tag) for e in docdata], message)
        elif head is not None:
            docdata_xml = f"<{prefix}docdata>{message}</{prefix}docdata>"
            self.note_after(head, _HEAD_BEFORE_DOCDATA, docdata_xml)


class NewsMLDocument(XmlWireDocument):
    """A NewsML-G2 ``newsItem``, or a ``newsMessage`` carrying several."""

    format = "newsml"

    def read(self, root: ET.Element) -> None:
        name = local(root.tag)
        if name == "newsItem":
            items = [root]
        elif name == "newsMessage":
            items = [e for e in root.iter() if local(e.tag) == "newsItem"]
        else:
            raise WireFormatError(path=self.name, problem=f"not NewsML-G2 (root <{name}>)")
        for element in items:
            meta = child(element, "contentMeta")
            declared = [e.get("tag") for e in children(meta, "language")]
            language = next((t.lower() for t in declared if t), None) or _language(element)
            prose = children(meta, "headline") + children(meta, "description")
            content_set = child(element, "contentSet")
            for content in children(content_set, "inlineXML"):
                for body in content:
                    prose += nitf_prose(body) if local(body.tag) == "nitf" else _xhtml_prose(body)
            prose += children(content_set, "inlineData")
            key = element.get("guid") or f"item {len(self.items) + 1}"
            self.add(element, WireItem(key, language), prose)

    def mark(self, index: int) -> None:
        root, item = self.item_root(index), self.items[index]
        language = item.language or "da"
        self.set_languages(index, language)
        for tag in children(child(root, "contentMeta"), "language"):
            if (tag.get("tag") or "").lower() == language:
                self.xml.set_attribute(tag, "tag", "en")
        self.xml.set_attribute(root, "guid", item.key + ID_SUFFIX)
        original = root.get("version") or "1"
        self.xml.set_attribute(root, "version", "1")
        meta = child(root, "itemMeta")
        if meta is None:
            return
        prefix = self.xml.prefix(meta)
        note = f"<{prefix}edNote>{escape(note_for(item))}</{prefix}edNote>"
        self.note_after(meta, _BEFORE_NOTE, note)
        link = (
            f"<{prefix}link rel={quoteattr(TRANSLATED_FROM)} residref={quoteattr(item.key)}"
            f" version={quoteattr(original)}/>"
        )
        self.note_after(meta, _BEFORE_LINK, link)
