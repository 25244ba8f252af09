"""Translate news wire documents (Ritzau XML, NewsML-G2, NITF, ninjs) into the same format.

Each item of a document is translated as one article (its headline, subtitle and body
in reading order, so that a paragraph is translated in its context and the glossary,
quotation and number guarantees hold as for text); every item of every document of a
call goes to the decoder in one batch. An item the agency withdrew, or one that
declares another language, is never translated; an English one passes through. The
document is written back by its format (:mod:`translator.formats.wire`): only prose
changes, and a translation says what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from translator.errors import CancelledItemError, TranslatorError, UnsupportedLanguageError
from translator.formats.wire import detect, load
from translator.formats.wirebase import WireDocument
from translator.markup import FieldsTranslation, translate_fields
from translator.pipeline import Translation, Translator

__all__ = ["is_wire", "translate_documents", "translate_wire"]


def is_wire(text: str, format: str | None = None) -> bool:
    """Whether ``text`` is read as a wire document (``format``: ``auto``/``None`` by
    content, ``text`` never, a format name always)."""
    if format in (None, "auto"):
        return text.lstrip("\ufeff \t\r\n")[:1] in ("<", "{") and detect(text) is not None
    return format != "text"


def translate_wire(
    translator: Translator,
    texts: Sequence[str],
    names: Sequence[str],
    formats: Sequence[str | None] | None = None,
) -> list[Translation | TranslatorError]:
    """Read and translate wire documents; a failure (unreadable, another language, a
    withdrawn item) is returned in its place.

    Returns:
        Per document, a :class:`Translation` whose ``text`` is the document in English.
    """
    wanted = list(formats) if formats is not None else [None] * len(texts)
    loaded: list[WireDocument | TranslatorError] = []
    for text, name, format in zip(texts, names, wanted, strict=True):
        try:
            loaded.append(load(text, name, None if format in (None, "auto") else format))  # type: ignore[arg-type]
        except TranslatorError as error:
            loaded.append(error)
    documents = [d for d in loaded if isinstance(d, WireDocument)]
    done = iter(translate_documents(translator, documents))
    return [d if isinstance(d, TranslatorError) else next(done) for d in loaded]


@dataclass
class _Plan:
    """What becomes of each item of one document."""

    document: WireDocument
    english: list[list[str] | None] = field(default_factory=list)
    found: list[tuple[str, FieldsTranslation]] = field(default_factory=list)
    skipped: list[tuple[str, TranslatorError]] = field(default_factory=list)  # (key, why)
    failure: TranslatorError | None = None


def translate_documents(
    translator: Translator, documents: Sequence[WireDocument]
) -> list[Translation | TranslatorError]:
    """Translate wire documents, every item of every one in one batch.

    Returns:
        Per document, a :class:`Translation` whose ``text`` is the document in English
        (warnings name each item not translated and why), or, when no item could be
        translated, the reason (:class:`UnsupportedLanguageError`,
        :class:`CancelledItemError`) or the error that stopped an item.
    """
    plans = [_Plan(d, [None] * len(d.items)) for d in documents]
    jobs = [(plan, index) for plan in plans for index in _to_translate(plan)]
    fields = [[(f.value, f.html) for f in p.document.items[i].fields] for p, i in jobs]
    results = translate_fields(translator, fields, [_source(p.document, i) for p, i in jobs])
    for (plan, index), result in zip(jobs, results, strict=True):
        key = plan.document.items[index].key
        if isinstance(result, UnsupportedLanguageError):
            plan.skipped.append((key, result))
        elif isinstance(result, TranslatorError):
            plan.failure = plan.failure or result
        else:
            plan.found.append((key, result))
            if result.translation.translated:
                plan.english[index] = result.english
    return [_outcome(plan) for plan in plans]


def _to_translate(plan: _Plan) -> list[int]:
    """The items of a document to translate; the others go to ``plan.skipped``."""
    todo = []
    for index, item in enumerate(plan.document.items):
        source = _source(plan.document, index)
        if item.cancelled:
            withdrawn = CancelledItemError(source=source, reason="cancelled")
            plan.skipped.append((item.key, withdrawn))
        elif item.declared_foreign:
            why = UnsupportedLanguageError(
                source=source, language=item.declared_foreign, probability=1.0, unsure=", declared"
            )
            plan.skipped.append((item.key, why))
        elif item.fields and not item.declared_english:
            todo.append(index)
    return todo


def _source(document: WireDocument, index: int) -> str:
    if len(document.items) == 1:
        return document.name
    return f"{document.name} [{document.items[index].key}]"


def _outcome(plan: _Plan) -> Translation | TranslatorError:
    """One document's translation, or why it has none."""
    document, found = plan.document, plan.found
    if plan.failure is not None:
        return plan.failure
    if not found:
        if plan.skipped:
            return plan.skipped[0][1]
        return Translation(document.render(plan.english), "en", 1.0, translated=False)
    multiple = len(document.items) > 1
    warnings = [f"{key}: not translated: {why}" for key, why in plan.skipped]
    for key, f in found:
        warnings += [f"{key}: {w}" if multiple else w for w in f.translation.warnings]
    return _combined(document.render(plan.english), [f.translation for _, f in found], warnings)


def _combined(text: str, translations: list[Translation], warnings: list[str]) -> Translation:
    """One translation of a document from those of its items."""
    translated = [t for t in translations if t.translated]
    return Translation(
        text=text,
        source_language=translated[0].source_language if translated else "en",
        confidence=min(t.confidence for t in translations),
        warnings=warnings,
        glossary_hits=[h for t in translations for h in t.glossary_hits],
        quotes=[q for t in translations for q in t.quotes],
        translated=bool(translated),
        sentences=sum(t.sentences for t in translations),
        repairs=[r for t in translations for r in t.repairs],
        human_segments=sum(t.human_segments for t in translations),
        units=[u for t in translations for u in t.units],
    )
