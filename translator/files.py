"""Translate one file: read it (or standard input), check the output, translate, write.

This is the CLI's ``translate`` as a library call. The output is checked before any
translation starts (never an input, a folder or an unwritable place), and written
atomically.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from translator.engines.base import DecodingOptions
from translator.errors import OutputFileError, TranslatorError
from translator.formats import xliff as xliff_mod
from translator.formats.xliff import Version
from translator.io import (
    check_output,
    decode_noted,
    read_limited,
    read_noted,
    write_atomic,
)
from translator.pipeline import Translation, Translator
from translator.wire import is_wire, translate_wire

#: The largest article ``translate`` reads unless told otherwise (as ``bulk``).
DEFAULT_MAX_BYTES = 5_000_000

STDIN = "-"


def read_source(
    path: str | os.PathLike[str], max_bytes: int | None = DEFAULT_MAX_BYTES
) -> tuple[str, str, list[str]]:
    """Read an article from ``path`` (``-``: standard input), at most ``max_bytes``.

    Returns:
        The text, a name for messages, and notes on its decoding (bad bytes replaced).

    Raises:
        InputFileError: missing, a folder, unreadable, empty, binary or undecodable.
    """
    if str(path) == STDIN:
        data = read_limited(sys.stdin.buffer, max_bytes, "<stdin>")
        text, notes = decode_noted(data, "<stdin>")
        return text, "<stdin>", notes
    text, notes = read_noted(path, max_bytes)
    return text, str(path), notes


def render(result: Translation, as_json: bool = False) -> str:
    """The text to write for ``result``: the English article, or the whole result as JSON."""
    if as_json:
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return result.text


def _outputs(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None,
    xliff: str | os.PathLike[str] | None,
    translator: Translator | None,
    options: dict[str, Any],
) -> tuple[Path | None, Path | None]:
    """The output and XLIFF paths, checked: never the input, the memory or each other."""
    memory = translator.translation_memory if translator is not None else None
    stored = memory.path if memory is not None else options.get("translation_memory")
    protected = [path, *([stored] if stored is not None else [])]
    target = check_output(output, *protected) if output is not None else None
    xliff_target = check_output(xliff, *protected) if xliff is not None else None
    if target is not None and target == xliff_target:
        raise OutputFileError(path=xliff, problem="the XLIFF would overwrite the output")
    return target, xliff_target


def translate_file(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    translator: Translator | None = None,
    as_json: bool = False,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    xliff: str | os.PathLike[str] | None = None,
    xliff_version: Version = "1.2",
    format: str = "auto",
    **options: Any,
) -> Translation:
    """Translate the article in ``path`` and write it to ``output`` (atomically).

    Args:
        path: The article, or ``-`` for standard input.
        output: Where to write the English; ``None`` writes nothing (use the result).
        translator: The translator to use; by default one is made from ``options``
            for a single article (one model replica with every core, detection tables
            freed before the model loads).
        as_json: Write the whole result as JSON instead of the English text.
        max_bytes: Refuse a larger article (``None``: no limit).
        xliff: Also write the article for post-editing here, as XLIFF.
        xliff_version: ``1.2`` or ``2.0``.
        format: ``auto`` (a wire document, Ritzau XML, NewsML-G2, NITF or ninjs, is
            recognised by content and written back in its format), ``text``, or one of
            ``rbnews``, ``newsml``, ``nitf``, ``ninjs`` (forced).
        options: :class:`Translator` options, when ``translator`` is not given.

    Raises:
        TranslatorError: the input, the output, the language or the model (a subclass
            says which).
    """
    target, xliff_target = _outputs(path, output, xliff, translator, options)
    text, name, notes = read_source(path, max_bytes)
    wire = is_wire(text, format)
    if wire and xliff_target is not None:
        raise OutputFileError(path=xliff_target, problem="XLIFF is written for text articles only")
    if translator is None:
        options.setdefault("decoding", DecodingOptions(inter_threads=1))  # one article, one batch
        options.setdefault("release_detector", True)
        translator = Translator(**options)
    if wire:
        found = translate_wire(translator, [text], [name], [format])[0]
        if isinstance(found, TranslatorError):
            raise found
        result = found
    else:
        result = translator.translate(text, name)
    result.warnings[:0] = notes
    if xliff_target is not None:
        xliff_mod.write(xliff_target, [xliff_mod.document(name, text, result.units)], xliff_version)
    if target is not None:
        write_atomic(target, render(result, as_json))
    return result


__all__ = ["STDIN", "read_source", "render", "translate_file"]
