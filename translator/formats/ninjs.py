"""IPTC's ninjs (news in JSON), versions 1.x, 2.x and 3.x.

ninjs 1.x has ``headline``, ``description_*`` and ``body_*`` strings (``_html`` ones are
HTML); 2.x and 3.x have ``headlines``, ``descriptions`` and ``bodies`` lists of objects
whose ``contenttype`` (2.x) or ``contentType`` (3.x) says whether the value is HTML. A
translation says ``language: en``, gets a new ``uri`` (``-en``) and version 1, an
association to the original, and the editor's note (``ednote`` / ``edNote``). Every
other field is kept, in order; the JSON is written with the input's indentation.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from typing import Any

from translator.errors import WireFormatError
from translator.formats.wirebase import ID_SUFFIX, Field, WireDocument, WireItem, note_for

__all__ = ["NinjsDocument"]

_LISTS = ("headlines", "descriptions", "bodies")
_V3_KEYS = {"versionCreated", "pubStatus", "edNote", "altIds", "copyrightHolder", "contentCreated"}
_INDENT = re.compile(r"\A\{\s*?\n([ \t]+)\S")


class NinjsDocument(WireDocument):
    """A ninjs item (1.x, 2.x or 3.x)."""

    format = "ninjs"

    def __init__(self, text: str, name: str) -> None:
        super().__init__(name)
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            problem = (
                f"not valid JSON: {error}" if isinstance(error, ValueError) else "nested too deeply"
            )
            raise WireFormatError(path=name, problem=problem) from None
        if not isinstance(data, dict) or not isinstance(data.get("uri"), str):
            raise WireFormatError(path=name, problem="not ninjs (no 'uri' string at the top)")
        self.data: dict[str, Any] = data
        self._text = text
        self.version = _version(data)
        found = _INDENT.match(text)
        self._indent = found[1] if found else None
        self._newline = text.endswith("\n")
        self._places: list[tuple[str, int | None]] = []  # (field, index in its list)
        language = data.get("language")
        item = WireItem(data["uri"], language.lower() if isinstance(language, str) else None)
        for key, value in sorted(data.items(), key=lambda pair: _rank(pair[0])):
            self._read(item, key, value)
        self.items.append(item)

    def _read(self, item: WireItem, key: str, value: Any) -> None:
        if key in _LISTS and isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, dict) and isinstance(entry.get("value"), str):
                    kind = entry.get("contentType", entry.get("contenttype", ""))
                    html = "html" in str(kind).lower()
                    item.fields.append(Field(f"{key}[{index}]", entry["value"], html))
                    self._places.append((key, index))
        elif isinstance(value, str) and (
            key == "headline" or key.startswith(("body_", "description_"))
        ):
            html = key.endswith("_html") or key.endswith("_xhtml")
            item.fields.append(Field(key, value, html))
            self._places.append((key, None))

    def render(self, english: Sequence[Sequence[str] | None]) -> str:
        texts = english[0] if english else None
        if texts is None:
            return self._text
        data = copy.deepcopy(self.data)
        for (key, index), value in zip(self._places, texts, strict=True):
            if index is None:
                data[key] = value
            else:
                data[key][index]["value"] = value
        self._mark(data)
        text = json.dumps(data, ensure_ascii=False, indent=self._indent)
        return text + "\n" if self._newline else text

    def _mark(self, data: dict[str, Any]) -> None:
        item = self.items[0]
        original = {"uri": item.key, **({"version": data["version"]} if "version" in data else {})}
        if isinstance(data.get("language"), str):
            original["language"] = data["language"]
            data["language"] = "en"
        data["uri"] = item.key + ID_SUFFIX
        if "version" in data:
            data["version"] = "1" if isinstance(data["version"], str) else 1
        note_key = "edNote" if self.version == 3 else "ednote"
        before = data.get(note_key)
        data[note_key] = f"{before} {note_for(item)}" if isinstance(before, str) else note_for(item)
        if self.version == 1:
            associations = data.setdefault("associations", {})
            if isinstance(associations, dict):
                associations.setdefault("original", original)
            return
        association = {"name": "original", **original}
        if self.version == 3:
            association["rel"] = "translatedFrom"
        associations = data.setdefault("associations", [])
        if isinstance(associations, list):
            associations.append(association)

    def split(self) -> list[tuple[str, str]]:
        return [(self.items[0].key, self._text)]


def _rank(key: str) -> int:
    """Reading order: headlines, then descriptions, then bodies."""
    return next(
        (rank for rank, lead in enumerate(("headline", "description")) if key.startswith(lead)), 2
    )


def _version(data: dict[str, Any]) -> int:
    """The ninjs major version: 3 (camelCase), 2 (lists) or 1."""
    standard = data.get("standard") or data.get("$standard") or {}
    declared = str(standard.get("version", "")) if isinstance(standard, dict) else ""
    if declared[:1] in ("1", "2", "3"):
        return int(declared[0])
    bodies = [b for b in data.get("bodies") or [] if isinstance(b, dict)]
    if _V3_KEYS & data.keys() or any("contentType" in b for b in bodies):
        return 3
    return 2 if any(key in data for key in _LISTS) else 1
