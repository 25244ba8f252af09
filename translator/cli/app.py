"""The ``translator`` command: a thin Typer layer over the library.

Exit codes, one meaning each: 0 success; 1 bad input or output, glossary, memory or
engine error (bulk: some item failed); 2 usage (a bad option or argument); 3 the
language is not Danish (or English, which passes through) and no ``--from`` forces it;
4 no model installed and none could be installed; 5 the model cannot be loaded (a
corrupt package, an unknown device or compute type); 130 interrupted.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from translator.engines.base import SOURCE_LANGUAGE
from translator.errors import TranslatorError

CORES = os.cpu_count() or 1
app = typer.Typer(
    help="Offline Danish→English translation of news wire copy on Argos Translate models.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def group(help: str) -> typer.Typer:
    """A command group with plain help: Rich's help formatting costs ``--help`` 0.15 s."""
    return typer.Typer(help=help, no_args_is_help=True, rich_markup_mode=None)


models_app = group("List, install and remove Argos translation models.")
glossary_app = group("Check and show glossaries.")
tm_app = group("Export and import the translation memory as TMX 1.4b.")
xliff_app = group("Take post-edited XLIFF back: into the memory, or as the English article.")
app.add_typer(models_app, name="models")
app.add_typer(glossary_app, name="glossary")
app.add_typer(tm_app, name="tm")
app.add_typer(xliff_app, name="xliff")

GlossaryOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--glossary", "-g", help="Glossary (TSV, or TBX if .tbx) over the default (repeatable)."
    ),
]
TmOption = Annotated[
    Path | None,
    typer.Option(
        "--tm",
        help="Translation memory (SQLite) to use instead of the default one "
        "($TRANSLATOR_TM, else $XDG_DATA_HOME/translator/memory.sqlite).",
    ),
]
NoTmOption = Annotated[
    bool, typer.Option("--no-tm", help="Use no translation memory (no human segments either).")
]


def one_of(*choices: str) -> Callable[[str], str]:
    """An option callback that accepts only ``choices``."""

    def check(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter("must be " + " or ".join(f"'{c}'" for c in choices))
        return value

    return check


XliffVersionOption = Annotated[
    str,
    typer.Option("--xliff-version", callback=one_of("1.2", "2.0"), help="XLIFF 1.2 or 2.0."),
]


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        callback=one_of("auto", "text", "rbnews", "newsml", "nitf", "ninjs"),
        help="auto: wire formats (Ritzau XML, NewsML-G2, NITF, ninjs) by content; "
        "text; or one of rbnews, newsml, nitf, ninjs.",
    ),
]


QuoteStyleOption = Annotated[
    str,
    typer.Option(
        "--quote-style",
        callback=one_of("source", "english"),
        help="source: keep the marks; english: “…” with ‘…’ inside.",
    ),
]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Never download a model; fail if none is installed.")
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="An installed model by name (translator models list) instead of the newest LANG→en.",
    ),
]
DeviceOption = Annotated[str, typer.Option("--device", help="cpu or cuda.")]
BeamOption = Annotated[int, typer.Option("--beam-size", min=1, help="Beam width.")]
MaxLengthOption = Annotated[
    int | None,
    typer.Option("--max-decoding-length", min=1, help="Cap on output tokens a sentence."),
]
NoDefaultGlossary = Annotated[
    bool, typer.Option("--no-default-glossary", help="Do not apply the shipped news glossary.")
]


def fail(error: TranslatorError) -> NoReturn:
    hint = error.hint_text()
    typer.echo(f"error: {error}" + (f"; {hint}" if hint else ""), err=True)
    raise typer.Exit(error.exit_code)


def _version(value: bool) -> None:
    if value:
        from translator import __version__

        typer.echo(f"translator {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Offline Danish→English translation of news wire copy."""
    # Messages and listings never fail on a stream that cannot carry æ, ø, å (LANG=C on
    # an old system, PYTHONIOENCODING=ascii); a translation is checked in write_out.
    for stream in (sys.stdout, sys.stderr):
        if not _carries(stream, "æøå“”„»«–"):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="backslashreplace")


def _carries(stream: Any, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def write_out(text: str) -> None:
    """Write a command's result to standard output, whole or not at all: a stream that
    cannot carry it, a full disk or a closed pipe is one line and exit code 1."""
    from translator.errors import OutputFileError

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError) as error:
        char = text[error.start] if isinstance(error, UnicodeEncodeError) else "text"
        problem = (
            f"the {encoding} stream cannot carry {char!r}; set PYTHONIOENCODING=utf-8 "
            "(or LANG=C.UTF-8), or write to a file with -o"
        )
        fail(OutputFileError(path="standard output", problem=problem))
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed it: nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(1) from None
    except OSError as error:
        fail(OutputFileError(path="standard output", problem=error.strerror or str(error)))


def download_bar(name: str) -> Callable[[int, int | None], None]:
    """A progress callback that tells, then shows a download bar on stderr."""
    from tqdm import tqdm

    bars: list[tqdm[bytes]] = []  # made at the first byte, once the index has answered

    def update(done: int, total: int | None) -> None:
        if not bars:
            notice = f"notice: no {name} model is installed; installing it from the Argos index"
            typer.echo(notice, err=True)
            bars.append(tqdm(desc=f"downloading {name}", total=total, unit="B", unit_scale=True))
        bars[0].update(done - bars[0].n)
        if total is not None and done >= total:
            bars[0].close()

    return update


def translator_options(
    glossary: list[Path] | None,
    no_default_glossary: bool,
    quote_style: str,
    beam_size: int,
    max_decoding_length: int | None,
    tm: Path | None,
    no_tm: bool,
    offline: bool,
    model: str | None = None,
    **decoding: Any,
) -> dict[str, Any]:
    """The Translator options that ``translate`` and ``bulk`` share; ``decoding`` are
    further :class:`~translator.engines.base.DecodingOptions` fields."""
    from translator.engines.base import DecodingOptions

    return {
        "glossaries": list(glossary or []),
        "default_glossary": not no_default_glossary,
        "quote_style": quote_style,
        "decoding": DecodingOptions(beam_size, max_decoding_length, **decoding),
        "translation_memory": None if no_tm else memory_path(tm),
        "install": not offline,
        "model": model,
        "progress": download_bar(f"{SOURCE_LANGUAGE}-en"),
    }


def memory_path(tm: Path | None) -> Path | None:
    """``tm``, else the default memory; None (with a warning) when the default one
    cannot be opened (a read-only home): translation goes on without it."""
    from translator.memory import TranslationMemory, default_path

    if tm is not None:
        return tm
    try:
        TranslationMemory(default_path()).close()
    except TranslatorError as error:
        typer.echo(f"warning: {error}; translating without a translation memory", err=True)
        return None
    return default_path()
