"""Errors raised by translator: one class per failure, every one a :class:`TranslatorError`.

Each class's docstring is its message template; fields fill it in, so a message
names the file, the language found or the problem (``str(error)`` is one line). The
messages speak of the library, never of command-line flags: the CLI adds its own
hints (``hint``). Errors pickle (they cross process boundaries in bulk workers), and a
field missing from a template is written ``?``, never a ``KeyError``.
"""

from __future__ import annotations

from typing import Any


class _Missing:
    def __format__(self, spec: str) -> str:
        return "?"


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> _Missing:
        return _Missing()


class TranslatorError(Exception):
    """{detail}"""

    #: The CLI's exit code for this failure.
    exit_code = 1
    #: What the CLI adds after the message (a template over the same fields).
    hint = ""

    def __init__(self, **fields: Any) -> None:
        self.fields = fields
        template = (self.__doc__ or "{detail}").strip().splitlines()[0]
        super().__init__(template.format_map(_Fields(fields)))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.fields))

    def hint_text(self) -> str:
        """The CLI's hint for this error, filled in ("" when there is none)."""
        return self.hint.format_map(_Fields(self.fields))


def _rebuild(cls: type[TranslatorError], fields: dict[str, Any]) -> TranslatorError:
    return cls(**fields)


class InputFileError(TranslatorError):
    """{path}: {problem}"""


class OutputFileError(TranslatorError):
    """{path}: {problem}"""


class UnsupportedLanguageError(TranslatorError):
    """{source}: detected language '{language}' (probability {probability:.2f}{unsure}); only Danish is translated"""

    exit_code = 3
    hint = "use --from {language} with an installed {language}→en model to force it"


class LanguageDetectionError(TranslatorError):
    """{source}: cannot identify the language: {problem}"""

    exit_code = 3


class ModelNotInstalledError(TranslatorError):
    """no Argos {from_code}→{to_code} model is installed{reason}"""

    exit_code = 4
    hint = (
        "install one with 'translator models install {from_code}-{to_code}' or, offline, "
        "'translator models install FILE.argosmodel'"
    )


class ModelNotFoundError(TranslatorError):
    """no installed model is called '{name}'"""

    exit_code = 4
    hint = "'translator models list' shows the installed models and their names"


class ModelInstallError(TranslatorError):
    """{source}: {problem}"""

    exit_code = 4


class ModelLoadError(TranslatorError):
    """{path}: cannot load the model: {problem}"""

    exit_code = 5


class GlossaryError(TranslatorError):
    """{path}:{line}: {problem}"""


class EngineError(TranslatorError):
    """translation engine failed: {problem}"""


class ArchiveError(TranslatorError):
    """{path}: {problem}"""


class OutputLockedError(TranslatorError):
    """{path}: {problem}"""


class TranslationMemoryError(TranslatorError):
    """{path}: not a translation memory: {problem}"""


class UnknownGuaranteeError(TranslatorError):
    """unknown guarantee '{name}'; known: {known}"""


class ExchangeFileError(TranslatorError):
    """{path}: {problem}"""


class WireFormatError(TranslatorError):
    """{path}: {problem}"""


class CancelledItemError(TranslatorError):
    """{source}: the agency withdrew this item ({reason}); it is not translated"""

    exit_code = 3


class RequestError(TranslatorError):
    """{problem}"""

    #: The HTTP status the service answers with.
    status = 400


class AccessDeniedError(TranslatorError):
    """{problem}"""

    status = 403


class ServiceBusyError(TranslatorError):
    """Slowdown: {problem}"""

    status = 429


class RequestTimeoutError(TranslatorError):
    """Cannot translate text: no result within {seconds} s"""

    status = 500
