"""translator: offline Danish→English translation of news wire copy on Argos Translate models.

Example:
    >>> from translator import Translator  # doctest: +SKIP
    >>> Translator().translate(open("article.da.txt").read()).text  # doctest: +SKIP
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from translator.article import Unit as Unit
    from translator.backend_ray import RayOptions as RayOptions
    from translator.detect import Detection as Detection
    from translator.detect import detect_language as detect_language
    from translator.engine import DecodingOptions as DecodingOptions
    from translator.engine import Engine as Engine
    from translator.engine import Hypothesis as Hypothesis
    from translator.engine import SearchEngine as SearchEngine
    from translator.engine import engine_for_language as engine_for_language
    from translator.engine import engine_from_package as engine_from_package
    from translator.errors import TranslatorError as TranslatorError
    from translator.files import translate_file as translate_file
    from translator.glossary import Glossary as Glossary
    from translator.guarantees import GUARANTEES as GUARANTEES
    from translator.guarantees import Guarantee as Guarantee
    from translator.guarantees import Problem as Problem
    from translator.packages import ensure_model as ensure_model
    from translator.pipeline import DEFAULT_GUARANTEES as DEFAULT_GUARANTEES
    from translator.pipeline import Repair as Repair
    from translator.pipeline import Translation as Translation
    from translator.pipeline import Translator as Translator
    from translator.quotes import QuoteRecord as QuoteRecord
    from translator.segment import split_sentences as split_sentences
    from translator.translation_memory import StoredSegment as StoredSegment
    from translator.translation_memory import TranslationMemory as TranslationMemory

# Names load on first use, so that ``translator --help`` imports none of the pipeline.
_WHERE = {
    "Unit": "translator.article",
    "RayOptions": "translator.backend_ray",
    "StoredSegment": "translator.translation_memory",
    "TranslationMemory": "translator.translation_memory",
    "Detection": "translator.detect",
    "detect_language": "translator.detect",
    "DecodingOptions": "translator.engine",
    "Engine": "translator.engine",
    "Hypothesis": "translator.engine",
    "SearchEngine": "translator.engine",
    "engine_for_language": "translator.engine",
    "engine_from_package": "translator.engine",
    "TranslatorError": "translator.errors",
    "translate_file": "translator.files",
    "Glossary": "translator.glossary",
    "GUARANTEES": "translator.guarantees",
    "Guarantee": "translator.guarantees",
    "Problem": "translator.guarantees",
    "ensure_model": "translator.packages",
    "DEFAULT_GUARANTEES": "translator.pipeline",
    "Repair": "translator.pipeline",
    "Translation": "translator.pipeline",
    "Translator": "translator.pipeline",
    "QuoteRecord": "translator.quotes",
    "split_sentences": "translator.segment",
}

__version__ = "0.3.0"

__all__ = [
    "DEFAULT_GUARANTEES",
    "GUARANTEES",
    "DecodingOptions",
    "Detection",
    "Engine",
    "Glossary",
    "Guarantee",
    "Hypothesis",
    "Problem",
    "QuoteRecord",
    "RayOptions",
    "Repair",
    "SearchEngine",
    "StoredSegment",
    "Translation",
    "TranslationMemory",
    "Translator",
    "TranslatorError",
    "Unit",
    "__version__",
    "detect_language",
    "engine_for_language",
    "engine_from_package",
    "ensure_model",
    "split_sentences",
    "translate_file",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'translator' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
