"""News wire documents: recognised by content, read by their format.

:func:`detect` tells Ritzau XML (``RBNews``, a news queue response), NewsML-G2
(``newsItem``, ``newsMessage``), NITF and ninjs apart by content; :func:`load` reads a
document into its format's :class:`~translator.formats.wirebase.WireDocument`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from translator.errors import WireFormatError
from translator.formats.newsml import NewsMLDocument, NitfDocument
from translator.formats.ninjs import NinjsDocument
from translator.formats.rbnews import RBNewsDocument
from translator.formats.wirebase import WireDocument, WireFormat

__all__ = ["detect", "load"]

_ROOT = re.compile(r"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")
_COMMENTS = re.compile(r"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>", re.S)
_ROOTS: dict[str, WireFormat] = {
    "RBNews": "rbnews",
    "ListOfRBNews": "rbnews",
    "XMLNewsQueuedResponse": "rbnews",
    "newsItem": "newsml",
    "newsMessage": "newsml",
    "nitf": "nitf",
}


def detect(text: str) -> WireFormat | None:
    """The wire format of ``text``, by content; ``None`` when it is none (plain text)."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        try:
            data = json.loads(text)
        except RecursionError:
            return "ninjs"  # too deep to read: the ninjs reader says so
        except ValueError:
            return None
        return "ninjs" if _is_ninjs(data) else None
    if not head.startswith("<"):
        return None
    found = _ROOT.search(_COMMENTS.sub("", head[:4096]))
    return _ROOTS.get(found[1]) if found else None


def _is_ninjs(data: object) -> bool:
    keys = {"headline", "headlines", "body_text", "body_html", "bodies", "type", "version"}
    return isinstance(data, dict) and "uri" in data and bool(keys & data.keys())


def load(text: str, name: str, format: WireFormat | None = None) -> WireDocument:
    """Read a wire document (``format`` forces one; else recognised by content).

    Raises:
        WireFormatError: not a wire document, not of ``format``, or not readable as one.
    """
    found = format or detect(text)
    if found is None:
        raise WireFormatError(path=name, problem="not a news wire document (" + _NAMES + ")")
    return _READERS[found](text, name)


_NAMES = "Ritzau RBNews, NewsML-G2, NITF or ninjs"
_READERS: dict[str, Callable[[str, str], WireDocument]] = {
    "rbnews": RBNewsDocument,
    "newsml": NewsMLDocument,
    "nitf": NitfDocument,
    "ninjs": NinjsDocument,
}
