"""Translate one file: read it (or standard input), check the output, translate, write.

This is the CLI's ``translate`` as a library call. The output is checked before any
translation starts (never an input, a folder or an unwritable place), and written
atomically.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from translator.pipeline import Translation, Translator
from translator.textfile import check_output, decode, read_text, write_atomic

STDIN = "-"


def read_source(path: str | os.PathLike[str]) -> tuple[str, str]:
    """Read an article from ``path`` (``-``: standard input); return (text, name).

    Raises:
        InputFileError: missing, a folder, unreadable, empty, binary or undecodable.
    """
    if str(path) == STDIN:
        return decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>"
    return read_text(path), str(path)


def render(result: Translation, as_json: bool = False) -> str:
    """The text to write for ``result``: the English article, or the whole result as JSON."""
    if as_json:
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return result.text


def translate_file(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    translator: Translator | None = None,
    as_json: bool = False,
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
        options: :class:`Translator` options, when ``translator`` is not given.

    Raises:
        TranslatorError: the input, the output, the language or the model (a subclass
            says which).
    """
    target = check_output(output, path) if output is not None else None
    text, name = read_source(path)
    if translator is None:
        options.setdefault("inter_threads", 1)  # one article is one batch
        options.setdefault("release_detector", True)
        translator = Translator(**options)
    result = translator.translate(text, name)
    if target is not None:
        write_atomic(target, render(result, as_json))
    return result


__all__ = ["STDIN", "read_source", "render", "translate_file"]
