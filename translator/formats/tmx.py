"""TMX 1.4b export and import of the translation memory.

Each segment becomes a ``<tu>`` with a Danish and an English ``<tuv>``, its creation and
change dates, and ``<prop>``\\ s for what TMX has no attribute for: ``x-origin``
(``machine`` or ``human``), ``x-model``, ``x-settings``, ``x-article`` and ``x-record``
(a machine segment's repair record). CAT tools keep props they do not know, so a
memory survives a trip through them.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from translator import __version__
from translator.errors import ExchangeFileError
from translator.formats.xmlio import LANG, check_text, iterparse, local, serialize, text_of
from translator.io import write_atomic
from translator.memory import (
    HUMAN,
    MACHINE,
    StoredSegment,
    TranslationMemory,
    now,
    valid_record,
)

SOURCE, TARGET = "da", "en"
_PROPS = ("origin", "model", "settings", "article", "record")
Origin = Literal["human", "recorded"]


@dataclass
class Transfer:
    """What :func:`export` or :func:`import_file` wrote.

    Attributes:
        written: The segments written.
        skipped: One line for each segment left out: on export, one holding a character
            XML cannot carry (a control character, a lone surrogate); on import, a
            machine unit whose ``x-`` props are damaged.
    """

    written: int = 0
    skipped: list[str] = field(default_factory=list)


def export(memory: TranslationMemory, path: str | os.PathLike[str]) -> Transfer:
    """Write every segment of ``memory`` that XML can carry to ``path`` as TMX 1.4b."""
    done = Transfer()

    def chunks() -> Iterator[str]:
        header = ET.Element(
            "header",
            creationtool="translator", creationtoolversion=__version__, segtype="sentence",
            datatype="plaintext", adminlang="en", srclang=SOURCE, creationdate=_tmx_date(now()),
        )  # fmt: skip
        header.set("o-tmf", "translator-sqlite")
        yield '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
        yield f"{serialize(header)}\n<body>\n"
        for segment in memory.segments():
            try:
                unit = _unit(segment, path)
            except ExchangeFileError as error:
                done.skipped.append(f"{segment.source[:40]!r}: {error.fields['problem']}")
                continue
            yield serialize(unit) + "\n"
            done.written += 1
        yield "</body>\n</tmx>\n"

    write_atomic(path, chunks())
    return done


def _unit(segment: StoredSegment, path: str | os.PathLike[str]) -> ET.Element:
    unit = ET.Element(
        "tu", creationdate=_tmx_date(segment.created), changedate=_tmx_date(segment.changed)
    )
    for name in _PROPS:
        value = getattr(segment, name)
        if value:
            ET.SubElement(unit, "prop", type=f"x-{name}").text = check_text(value, path)
    for language, text in ((SOURCE, segment.source), (TARGET, segment.target)):
        variant = ET.SubElement(unit, "tuv", {LANG: language})
        ET.SubElement(variant, "seg").text = check_text(text, path)
    return unit


def import_file(
    path: str | os.PathLike[str], memory: TranslationMemory, origin: Origin = "human"
) -> Transfer:
    """Add the Danish–English units of the TMX file at ``path`` to ``memory``.

    Args:
        path: A TMX file (1.4b; other versions that use ``tu``/``tuv``/``seg`` too).
        memory: Where the segments go.
        origin: ``human`` marks every unit human (the default: a TMX from a CAT tool
            holds people's work); ``recorded`` keeps the ``x-origin``, model and
            settings this module wrote, for a round trip (a machine unit whose props
            are damaged is skipped, and said so).

    Returns:
        What was stored and skipped. Units without both a Danish and an English
        variant are left out.

    Raises:
        ExchangeFileError: the file is not well-formed, declares entities, or is not TMX.
    """
    segments = []
    done = Transfer()
    root_checked = False
    for unit in iterparse(path, "tu"):
        root_checked = True
        segment = _segment(unit, origin)
        if segment is not None and segment.origin == MACHINE and not valid_record(segment):
            done.skipped.append(f"{segment.source[:40]!r}: damaged x-record or x-settings")
        elif segment is not None:
            segments.append(segment)
    if not root_checked and not _is_tmx(path):
        raise ExchangeFileError(path=path, problem="not a TMX file (no <tmx> root)")
    done.written = memory.store(segments)
    return done


def _is_tmx(path: str | os.PathLike[str]) -> bool:
    from translator.formats.xmlio import parse

    return local(parse(path).tag) == "tmx"


def _texts(unit: ET.Element) -> dict[str, str]:
    """The Danish and English of a ``<tu>``, by language (the first of each)."""
    texts: dict[str, str] = {}
    for variant in unit:
        if local(variant.tag) != "tuv":
            continue
        language = (variant.get(LANG) or variant.get("lang") or "").split("-")[0].lower()
        seg = next((child for child in variant if local(child.tag) == "seg"), None)
        if language in (SOURCE, TARGET) and language not in texts and seg is not None:
            texts[language] = text_of(seg)
    return texts


def _segment(unit: ET.Element, origin: Origin) -> StoredSegment | None:
    texts = _texts(unit)
    if not texts.get(SOURCE, "").strip() or not texts.get(TARGET, "").strip():
        return None
    props = {(p.get("type") or "")[2:]: p.text or "" for p in unit if local(p.tag) == "prop"}
    fields = {"article": props.get("article", "")}
    if origin == "recorded" and props.get("origin") == MACHINE:
        fields.update(origin=MACHINE, model=props.get("model", ""))
        fields.update(settings=props.get("settings", ""), record=props.get("record", ""))
    else:
        fields["origin"] = HUMAN
    return StoredSegment(
        texts[SOURCE], texts[TARGET],
        created=_iso_date(unit.get("creationdate")), changed=_iso_date(unit.get("changedate")),
        **fields,
    )  # fmt: skip


def _tmx_date(iso: str) -> str:
    """``2026-11-26T18:00:00Z`` → TMX's ``20261126T180000Z``."""
    return iso.replace("-", "").replace(":", "")


def _iso_date(tmx: str | None) -> str:
    """TMX's ``20261126T180000Z`` → ``2026-11-26T18:00:00Z``; "" when absent or odd."""
    if not tmx or len(tmx) != 16 or tmx[8] != "T" or not tmx.endswith("Z"):
        return ""
    return f"{tmx[:4]}-{tmx[4:6]}-{tmx[6:8]}T{tmx[9:11]}:{tmx[11:13]}:{tmx[13:15]}Z"
