"""Read and write the XML exchange formats (TMX, XLIFF, TBX), safely.

Files are read with defusedxml: entity declarations (billion laughs, external
entities) are refused, and any parse failure becomes one :class:`ExchangeFileError`
line naming the file. Text is written with ElementTree; carriage returns are written
as ``&#13;`` (a parser would otherwise turn CRLF into LF), and characters XML 1.0
cannot carry are refused before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from translator.errors import ExchangeFileError

XML_NS = "http://www.w3.org/XML/1998/namespace"
LANG = f"{{{XML_NS}}}lang"
SPACE = f"{{{XML_NS}}}space"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def parse(path: str | os.PathLike[str]) -> ET.Element:
    """The root element of the XML file at ``path``.

    Raises:
        ExchangeFileError: the file cannot be read, is not well-formed XML, or declares
            entities (refused: they are how XML bombs and file-reading attacks work).
    """
    from defusedxml.ElementTree import parse as defused_parse

    with _refusals(path):
        root = defused_parse(os.fspath(path), forbid_dtd=False).getroot()
    if root is None:
        raise ExchangeFileError(path=path, problem="no root element")
    return root


def iterparse(path: str | os.PathLike[str], tag: str) -> Iterator[ET.Element]:
    """Each ``tag`` element (local name) of a large file, freed after use."""
    from defusedxml.ElementTree import iterparse as defused_iterparse

    with _refusals(path):
        for _, element in defused_iterparse(os.fspath(path), forbid_dtd=False):
            if local(element.tag) == tag:
                yield element
                element.clear()


@contextlib.contextmanager
def _refusals(path: str | os.PathLike[str]) -> Iterator[None]:
    """Turn what reading XML can raise into one :class:`ExchangeFileError` line."""
    from defusedxml import DefusedXmlException

    try:
        yield
    except DefusedXmlException as error:
        problem = f"refused: the file declares XML entities ({type(error).__name__})"
        raise ExchangeFileError(path=path, problem=problem) from None
    except ET.ParseError as error:
        raise ExchangeFileError(path=path, problem=f"not well-formed XML: {error}") from None
    except OSError as error:
        raise ExchangeFileError(path=path, problem=error.strerror or str(error)) from None


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def text_of(element: ET.Element | None) -> str:
    """All the text inside ``element`` (inline markup dropped), or ""."""
    return "" if element is None else "".join(element.itertext())


def check_text(text: str, path: str | os.PathLike[str]) -> str:
    """``text``, if XML 1.0 can carry it.

    Raises:
        ExchangeFileError: ``text`` holds a control character or a lone surrogate.
    """
    bad = _ILLEGAL.search(text)
    if bad:
        problem = f"U+{ord(bad.group()):04X} cannot be written in XML (text {text[:40]!r})"
        raise ExchangeFileError(path=path, problem=problem)
    return text


def serialize(element: ET.Element) -> str:
    """``element`` as XML text, carriage returns kept."""
    return ET.tostring(element, encoding="unicode").replace("\r", "&#13;")
