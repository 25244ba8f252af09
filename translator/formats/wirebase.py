"""What every wire format offers: an item's prose as fields, and the document written back.

A wire document (Ritzau ``RBNews``, NewsML-G2, NITF, ninjs) holds one or more items.
Each item offers its prose as :class:`Field` values (a headline, a body as HTML, a
plain-text description), in reading order, so that an item is translated as one
article. :meth:`WireDocument.render` writes the document back with the English of the
items translated and everything else as it was; the format adds what a translation
carries (the language ``en``, a new identity, a link to the original, an editor's
note).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["FORMATS", "ID_SUFFIX", "Field", "WireDocument", "WireFormat", "WireItem", "note_for"]

WireFormat = Literal["rbnews", "newsml", "nitf", "ninjs"]
FORMATS: tuple[WireFormat, ...] = ("rbnews", "newsml", "nitf", "ninjs")
#: What a translated item's identity gets appended.
ID_SUFFIX = "-en"


@dataclass(frozen=True)
class Field:
    """One piece of an item's prose.

    Attributes:
        name: What it is (``headline``, ``body_html`` …), for messages.
        value: An HTML (or XML) fragment when ``html``, else plain text (lines kept).
        html: Whether ``value`` is markup: tags and attributes are kept, text translated.
    """

    name: str
    value: str
    html: bool


@dataclass
class WireItem:
    """One news item of a document.

    Attributes:
        key: Its identity (``NewsID``, guid, uri) or position, for messages.
        language: The language it declares, lower case (``None``: declares none).
        cancelled: The agency withdrew it (Ritzau's ``Annuleret``): never translated.
        fields: Its prose, in reading order.
    """

    key: str
    language: str | None
    cancelled: bool = False
    fields: list[Field] = field(default_factory=list)

    @property
    def declared_english(self) -> bool:
        """It declares English: it passes through as it is."""
        return (self.language or "").split("-")[0] == "en"

    @property
    def declared_foreign(self) -> str | None:
        """The language it declares when that is neither Danish nor English."""
        primary = (self.language or "").split("-")[0]
        return None if primary in ("", "da", "en") else self.language


class WireDocument(ABC):
    """A wire document: its items, and the document written back."""

    format: WireFormat

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[WireItem] = []

    @abstractmethod
    def render(self, english: Sequence[Sequence[str] | None]) -> str:
        """The document with each item whose English is given translated (its fields'
        English, in order), every other item and everything else as it was."""

    @abstractmethod
    def split(self) -> list[tuple[str, str]]:
        """Each item as a document of its own: ``(key, text)``."""


def note_for(item: WireItem, language: str = "da") -> str:
    """The editor's note a translated item carries."""
    names = {"da": "Danish"}
    return f"Machine translated from {names.get(language, language)} (original: {item.key})."
