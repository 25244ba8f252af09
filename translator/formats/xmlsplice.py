"""Edit an XML document where it changes, and nowhere else.

A wire item must come back as it came, but for its prose: every element, attribute,
namespace prefix, comment and space as written. So the document is never serialised
again. It is read twice: by defusedxml (entity declarations refused), giving the tree
the formats read; and by expat, giving each element's place in the text. Edits replace
an element's content, set an attribute in a start tag, or insert new elements; the
document is then rendered as the original text with only those spans changed.
Everything is UTF-8 out; an XML declaration that names another encoding says UTF-8.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from translator.errors import WireFormatError

__all__ = ["MAX_DEPTH", "Span", "XmlDocument", "escape", "quoteattr"]

#: Deeper documents are refused (no news item nests anywhere near this).
MAX_DEPTH = 200
_DECLARATION = re.compile(r"""\A(\ufeff?\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])([^"']*)\2""")
_EMPTY = re.compile(rb"/\s*>\Z")


@dataclass(frozen=True)
class Span:
    """Where an element lies in the document's UTF-8 bytes.

    Attributes:
        start: Its start tag's ``<``.
        open_end: Just after its start tag.
        close_start: Its end tag's ``<`` (``open_end`` for an empty element ``<x/>``).
        end: Just after its end tag.
    """

    start: int
    open_end: int
    close_start: int
    end: int

    @property
    def empty(self) -> bool:
        """Written as ``<x/>``."""
        return self.open_end == self.end


class XmlDocument:
    """An XML document read safely, with each element's place, and edits to it.

    Args:
        text: The document.
        name: A name for messages (the file).

    Raises:
        WireFormatError: not well-formed, entity declarations, or nested too deeply.
    """

    def __init__(self, text: str, name: str) -> None:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import fromstring

        self.name = name
        self.data = text.lstrip("\ufeff").encode("utf-8", "surrogatepass")
        try:
            self.root: ET.Element = fromstring(self.data, forbid_dtd=False)
        except DefusedXmlException as error:
            problem = f"refused: the document declares XML entities ({type(error).__name__})"
            raise WireFormatError(path=name, problem=problem) from None
        except ET.ParseError as error:
            raise WireFormatError(path=name, problem=f"not well-formed XML: {error}") from None
        spans, scopes = _places(self.data, name)
        elements = list(self.root.iter())
        self._spans = {id(e): s for e, s in zip(elements, spans, strict=True)}
        self._scopes = {id(e): s for e, s in zip(elements, scopes, strict=True)}
        self._edits: list[tuple[int, int, int, bytes]] = []  # (start, end, order, bytes)

    # -- reading ----------------------------------------------------------------------

    def span(self, element: ET.Element) -> Span:
        """Where ``element`` lies."""
        return self._spans[id(element)]

    def inner(self, element: ET.Element) -> str:
        """The content of ``element`` as written (markup and references kept)."""
        span = self.span(element)
        return self.data[span.open_end : span.close_start].decode("utf-8", "surrogatepass")

    def prefix(self, element: ET.Element) -> str:
        """The namespace prefix ``element`` is written with (``nar:``), or ""."""
        span = self.span(element)
        name = _raw_name(self.data[span.start : span.open_end])
        return name.rpartition(":")[0] + ":" if ":" in name else ""

    def indent(self, element: ET.Element) -> str:
        """The spaces before ``element`` on its line ("" when it does not start a line)."""
        start = self.span(element).start
        line = self.data.rfind(b"\n", 0, start) + 1
        lead = self.data[line:start]
        return lead.decode() if not lead.strip() else ""

    # -- editing ----------------------------------------------------------------------

    def replace_inner(self, element: ET.Element, xml: str) -> None:
        """Replace the content of ``element`` with ``xml`` (markup as given)."""
        span = self.span(element)
        if span.empty:
            tag = self.data[span.start : span.open_end]
            opened = _EMPTY.sub(b">", tag).decode("utf-8", "surrogatepass")
            name = _raw_name(tag)
            self._edit(span.start, span.end, f"{opened}{xml}</{name}>")
        else:
            self._edit(span.open_end, span.close_start, xml)

    def set_attribute(self, element: ET.Element, name: str, value: str) -> None:
        """Set the attribute written ``name`` (``xml:lang``, ``guid``) in the start tag."""
        span = self.span(element)
        tag = self.data[span.start : span.open_end].decode("utf-8", "surrogatepass")
        found = re.search(rf"(\s{re.escape(name)}\s*=\s*)(\"[^\"]*\"|'[^']*')", tag)
        if found:
            start, end = span.start + _bytes(tag[: found.start(2)]), _bytes(tag[: found.end(2)])
            self._edit(start, span.start + end, quoteattr(value))
        else:
            at = span.start + _bytes(re.sub(r"\s*/?\s*>\Z", "", tag))
            self._edit(at, at, f" {name}={quoteattr(value)}")

    def clear(self) -> None:
        """Forget every edit."""
        self._edits.clear()

    def insert(self, at: int, xml: str) -> None:
        """Insert ``xml`` at byte offset ``at`` (from :meth:`span`)."""
        self._edit(at, at, xml)

    def replace(self, element: ET.Element, xml: str) -> None:
        """Replace the whole of ``element``, tags included."""
        span = self.span(element)
        self._edit(span.start, span.end, xml)

    def _edit(self, start: int, end: int, xml: str) -> None:
        self._edits.append((start, end, len(self._edits), xml.encode("utf-8", "surrogatepass")))

    def render(self) -> str:
        """The document with every edit made (and an XML declaration saying UTF-8)."""
        out, at = [], 0
        for start, end, _, data in sorted(self._edits):
            if start < at:  # never expected: edits come from disjoint elements
                raise WireFormatError(path=self.name, problem="overlapping edits")
            out += [self.data[at:start], data]
            at = end
        out.append(self.data[at:])
        text = b"".join(out).decode("utf-8", "surrogatepass")
        return _DECLARATION.sub(lambda m: f"{m[1]}{m[2]}UTF-8{m[2]}", text, count=1)

    def standalone(self, element: ET.Element) -> str:
        """``element`` as a document of its own: the namespaces it inherits declared on
        it, the rest as written."""
        span = self.span(element)
        tag = self.data[span.start : span.open_end].decode("utf-8", "surrogatepass")
        declared = set(re.findall(r"\sxmlns(?::([\w.-]+))?\s*=", tag))
        extra = "".join(
            f" xmlns{':' + prefix if prefix else ''}={quoteattr(uri)}"
            for prefix, uri in self._scopes[id(element)].items()
            if prefix not in declared and (prefix or uri)
        )
        cut = len(_raw_name(tag.encode())) + 1
        body = self.data[span.start + cut : span.end].decode("utf-8", "surrogatepass")
        return f'<?xml version="1.0" encoding="UTF-8"?>\n{tag[:cut]}{extra}{body}\n'


def _bytes(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _raw_name(tag: bytes) -> str:
    """The element name as written in a start tag (prefix included)."""
    found = re.match(rb"<([^\s/>]+)", tag)
    return found[1].decode("utf-8", "surrogatepass") if found else ""


def _places(data: bytes, name: str) -> tuple[list[Span], list[dict[str, str]]]:
    """Each element's :class:`Span`, and the namespaces in scope at it, in document order."""
    parser = xml.parsers.expat.ParserCreate("UTF-8", " ")
    spans: list[list[int]] = []
    scopes: list[dict[str, str]] = []
    stack: list[tuple[list[int], dict[str, str]]] = []
    declared: dict[str, str] = {}

    def declare(prefix: str | None, uri: str | None) -> None:
        declared[prefix or ""] = uri or ""

    def start(_name: str, _attributes: object) -> None:
        if len(stack) >= MAX_DEPTH:
            raise WireFormatError(path=name, problem=f"nested deeper than {MAX_DEPTH} elements")
        at = parser.CurrentByteIndex
        record = [at, _tag_end(data, at), -1, -1]
        scope = stack[-1][1] if stack else {}
        scopes.append(scope)  # what it inherits (its own declarations are in its tag)
        spans.append(record)
        stack.append((record, {**scope, **declared}))
        declared.clear()

    def end(_name: str) -> None:
        record, _ = stack.pop()
        if _EMPTY.search(data[record[0] : record[1]]):
            record[2] = record[3] = record[1]
        else:
            record[2] = parser.CurrentByteIndex
            record[3] = data.index(b">", record[2]) + 1

    parser.StartNamespaceDeclHandler = declare
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise WireFormatError(path=name, problem=f"not well-formed XML: {error}") from None
    return [Span(*record) for record in spans], scopes


def _tag_end(data: bytes, start: int) -> int:
    """Just after the start tag that begins at ``start`` (quotes may hold ``>``)."""
    quote = 0
    for at in range(start, len(data)):
        char = data[at]
        if quote:
            quote = 0 if char == quote else quote
        elif char in b"\"'":
            quote = char
        elif char == ord(">"):
            return at + 1
    return len(data)
