"""translator: offline Danish→English translation of news wire copy on Argos Translate models.

Example:
    >>> from translator import Translator  # doctest: +SKIP
    >>> Translator().translate(open("article.da.txt").read()).text  # doctest: +SKIP
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from translator.bulk.ray import RayOptions as RayOptions
    from translator.bulk.watch import WatchOptions as WatchOptions
    from translator.bulk.watch import watch as watch
    from translator.engines.base import ConstrainedEngine as ConstrainedEngine
    from translator.engines.base import DecodingOptions as DecodingOptions
    from translator.engines.base import Engine as Engine
    from translator.engines.base import Hypothesis as Hypothesis
    from translator.engines.base import SearchEngine as SearchEngine
    from translator.engines.base import engine_for_language as engine_for_language
    from translator.engines.base import engine_from_package as engine_from_package
    from translator.engines.packages import ensure_model as ensure_model
    from translator.errors import TranslatorError as TranslatorError
    from translator.files import translate_file as translate_file
    from translator.guarantees import GUARANTEES as GUARANTEES
    from translator.guarantees import Guarantee as Guarantee
    from translator.guarantees import Problem as Problem
    from translator.language.article import Unit as Unit
    from translator.language.detect import Detection as Detection
    from translator.language.detect import detect_language as detect_language
    from translator.language.glossary import Glossary as Glossary
    from translator.language.quotes import QuoteRecord as QuoteRecord
    from translator.language.segment import split_sentences as split_sentences
    from translator.markup import translate_html as translate_html
    from translator.memory import StoredSegment as StoredSegment
    from translator.memory import TranslationMemory as TranslationMemory
    from translator.pipeline import DEFAULT_GUARANTEES as DEFAULT_GUARANTEES
    from translator.pipeline import Repair as Repair
    from translator.pipeline import Translation as Translation
    from translator.pipeline import Translator as Translator
    from translator.wire import translate_wire as translate_wire

# Names load on first use, so that ``translator --help`` imports none of the pipeline.
_WHERE = {
    "Unit": "translator.language.article",
    "RayOptions": "translator.bulk.ray",
    "StoredSegment": "translator.memory",
    "TranslationMemory": "translator.memory",
    "Detection": "translator.language.detect",
    "detect_language": "translator.language.detect",
    "DecodingOptions": "translator.engines.base",
    "Engine": "translator.engines.base",
    "Hypothesis": "translator.engines.base",
    "SearchEngine": "translator.engines.base",
    "ConstrainedEngine": "translator.engines.base",
    "engine_for_language": "translator.engines.base",
    "engine_from_package": "translator.engines.base",
    "TranslatorError": "translator.errors",
    "translate_file": "translator.files",
    "translate_html": "translator.markup",
    "translate_wire": "translator.wire",
    "watch": "translator.bulk.watch",
    "WatchOptions": "translator.bulk.watch",
    "Glossary": "translator.language.glossary",
    "GUARANTEES": "translator.guarantees",
    "Guarantee": "translator.guarantees",
    "Problem": "translator.guarantees",
    "ensure_model": "translator.engines.packages",
    "DEFAULT_GUARANTEES": "translator.pipeline",
    "Repair": "translator.pipeline",
    "Translation": "translator.pipeline",
    "Translator": "translator.pipeline",
    "QuoteRecord": "translator.language.quotes",
    "split_sentences": "translator.language.segment",
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
    "ConstrainedEngine",
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
    "translate_html",
    "translate_wire",
    "watch",
    "WatchOptions",
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
