"""translator: offline Danish→English translation of news wire copy on Argos Translate models.

Example:
    >>> from translator import Translator  # doctest: +SKIP
    >>> Translator().translate(open("article.da.txt").read()).text  # doctest: +SKIP
"""

from translator.detect import Detection as Detection
from translator.detect import detect_language as detect_language
from translator.engine import Engine as Engine
from translator.errors import TranslatorError as TranslatorError
from translator.glossary import Glossary as Glossary
from translator.pipeline import QuoteRecord as QuoteRecord
from translator.pipeline import Translation as Translation
from translator.pipeline import Translator as Translator
from translator.segment import split_sentences as split_sentences

__version__ = "0.1.0"

__all__ = [
    "Detection",
    "Engine",
    "Glossary",
    "QuoteRecord",
    "Translation",
    "Translator",
    "TranslatorError",
    "__version__",
    "detect_language",
    "split_sentences",
]
