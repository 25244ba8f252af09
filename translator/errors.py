"""Errors raised by translator: every one subclasses :class:`TranslatorError`.

Each class's docstring is its message template; fields fill it in, so a message
names the file, the language found or the fix (``str(error)`` is one line).
"""

from __future__ import annotations

from typing import Any


class TranslatorError(Exception):
    """{detail}"""

    exit_code = 1

    def __init__(self, **fields: Any) -> None:
        self.fields = fields
        template = (self.__doc__ or "{detail}").strip().splitlines()[0]
        super().__init__(template.format(**fields))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields, so errors cross process boundaries (bulk workers).
        return (_rebuild, (type(self), self.fields))


class InputFileError(TranslatorError):
    """{path}: {problem}"""


class UnsupportedLanguageError(TranslatorError):
    """{source}: detected language '{language}' (probability {probability:.2f}); only Danish is translated (use --from {language} with an installed {language}→en model to force it)"""

    exit_code = 3


class LanguageDetectionError(TranslatorError):
    """{source}: cannot identify the language: {problem}"""

    exit_code = 3


class ModelNotInstalledError(TranslatorError):
    """no Argos {from_code}→{to_code} model is installed{reason}; install one with 'translator models install {from_code}-{to_code}' or, offline, 'translator models install FILE.argosmodel'"""

    exit_code = 2


class ModelInstallError(TranslatorError):
    """{source}: {problem}"""

    exit_code = 2


class ModelLoadError(TranslatorError):
    """{path}: cannot load the model: {problem}"""

    exit_code = 2


class GlossaryError(TranslatorError):
    """{path}:{line}: {problem}"""


class EngineError(TranslatorError):
    """translation engine failed: {problem}"""


class ArchiveError(TranslatorError):
    """{path}: {problem}"""


class UnknownGuaranteeError(TranslatorError):
    """unknown guarantee '{name}'; known: {known}"""


def _rebuild(cls: type[TranslatorError], fields: dict[str, Any]) -> TranslatorError:
    return cls(**fields)
