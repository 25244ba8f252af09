"""The ``translator`` command: a thin Typer layer over the library.

Exit codes, one meaning each: 0 success; 1 bad input or output, glossary, memory or
engine error (bulk: some item failed); 2 usage (a bad option or argument); 3 the
language is not Danish (or English, which passes through) and no ``--from`` forces it;
4 no model installed and none could be installed; 5 the model cannot be loaded (a
corrupt package, an unknown device or compute type); 130 interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from translator.engine import SOURCE_LANGUAGE
from translator.errors import InputFileError, TranslatorError

if TYPE_CHECKING:
    from translator.bulk import Backend
    from translator.xliff import Version

_CORES = os.cpu_count() or 1
app = typer.Typer(
    help="Offline Danish→English translation of news wire copy on Argos Translate models.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
models_app = typer.Typer(
    help="List, install and remove Argos translation models.", no_args_is_help=True
)
glossary_app = typer.Typer(help="Check and show glossaries.", no_args_is_help=True)
tm_app = typer.Typer(
    help="Export and import the translation memory as TMX 1.4b.", no_args_is_help=True
)
xliff_app = typer.Typer(
    help="Take post-edited XLIFF back: into the memory, or as the English article.",
    no_args_is_help=True,
)
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


def _one_of(*choices: str) -> Callable[[str], str]:
    """An option callback that accepts only ``choices``."""

    def check(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter("must be " + " or ".join(f"'{c}'" for c in choices))
        return value

    return check


XliffVersionOption = Annotated[
    str,
    typer.Option("--xliff-version", callback=_one_of("1.2", "2.0"), help="XLIFF 1.2 or 2.0."),
]


QuoteStyleOption = Annotated[
    str,
    typer.Option(
        "--quote-style",
        callback=_one_of("source", "english"),
        help="source: keep the marks; english: “…” with ‘…’ inside.",
    ),
]
OfflineOption = Annotated[
    bool, typer.Option("--offline", help="Never download a model; fail if none is installed.")
]
BeamOption = Annotated[int, typer.Option("--beam-size", min=1, help="Beam width.")]
MaxLengthOption = Annotated[
    int | None,
    typer.Option("--max-decoding-length", min=1, help="Cap on output tokens a sentence."),
]
NoDefaultGlossary = Annotated[
    bool, typer.Option("--no-default-glossary", help="Do not apply the shipped news glossary.")
]


def _fail(error: TranslatorError) -> NoReturn:
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


def _download_bar(name: str) -> Callable[[int, int | None], None]:
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


def _options(
    glossary: list[Path] | None,
    no_default_glossary: bool,
    quote_style: str,
    beam_size: int,
    max_decoding_length: int | None,
    tm: Path | None,
    no_tm: bool,
    offline: bool,
) -> dict[str, Any]:
    """The Translator options that ``translate`` and ``bulk`` share."""
    return {
        "glossaries": list(glossary or []),
        "default_glossary": not no_default_glossary,
        "quote_style": quote_style,
        "beam_size": beam_size,
        "max_decoding_length": max_decoding_length,
        "translation_memory": None if no_tm else _memory_path(tm),
        "install": not offline,
        "progress": _download_bar(f"{SOURCE_LANGUAGE}-en"),
    }


def _memory_path(tm: Path | None) -> Path | None:
    """``tm``, else the default memory; None (with a warning) when the default one
    cannot be opened (a read-only home): translation goes on without it."""
    from translator.translation_memory import TranslationMemory, default_path

    if tm is not None:
        return tm
    try:
        TranslationMemory(default_path()).close()
    except TranslatorError as error:
        typer.echo(f"warning: {error}; translating without a translation memory", err=True)
        return None
    return default_path()


@app.command("translate")
def translate_cli(
    path: Annotated[str, typer.Argument(help="The article to translate, or - for standard input.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write here (atomically) instead of to stdout."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole result as JSON.")
    ] = False,
    source_language: Annotated[
        str | None,
        typer.Option("--from", help="Force the source language (an installed LANG→en model)."),
    ] = None,
    offline: OfflineOption = False,
    glossary: GlossaryOption = None,
    no_default_glossary: NoDefaultGlossary = False,
    quote_style: QuoteStyleOption = "source",
    beam_size: BeamOption = 4,
    max_decoding_length: MaxLengthOption = None,
    compute_type: Annotated[
        str, typer.Option("--compute-type", help="CTranslate2 compute type.")
    ] = "auto",
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
    threads: Annotated[
        int,
        typer.Option("--threads", min=0, max=_CORES * 4, help="Threads (0: one per core)."),
    ] = 0,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Refuse a larger article.")
    ] = 5_000_000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No notices or warnings.")] = False,
    tm: TmOption = None,
    no_tm: NoTmOption = False,
    xliff: Annotated[
        Path | None,
        typer.Option("--xliff", help="Also write the article for post-editing as XLIFF here."),
    ] = None,
    xliff_version: XliffVersionOption = "1.2",
) -> None:
    """Translate one Danish article to English.

    Human translations in the translation memory (from ``xliff import`` or ``tm
    import``) win over the model's.

    Example: translator translate examples/nato-stoltenberg.da.txt -o nato.en.txt
    """
    from translator.files import render, translate_file

    options = _options(
        glossary, no_default_glossary, quote_style, beam_size, max_decoding_length, tm, no_tm,
        offline,
    )  # fmt: skip
    try:
        result = translate_file(
            path, output, as_json=as_json, source_language=source_language, max_bytes=max_bytes,
            compute_type=compute_type, device=device, threads=threads, xliff=xliff,
            xliff_version=cast("Version", xliff_version), **options,
        )  # fmt: skip
    except TranslatorError as error:
        _fail(error)
    if not quiet:
        for warning in result.warnings:
            typer.echo(f"{'notice' if not result.translated else 'warning'}: {warning}", err=True)
    if output is None:
        sys.stdout.write(render(result, as_json))


@app.command("bulk")
def bulk_cli(
    source: Annotated[
        Path, typer.Argument(help="Folder, .zip, .tar(.gz/.bz2/.xz) or .jsonl(.gz).")
    ],
    destination: Annotated[Path, typer.Argument(help="Output folder, or a .jsonl file.")],
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Report/manifest (default OUTPUT/_report.jsonl)."),
    ] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="JSONL text field.")] = "text",
    id_field: Annotated[
        str | None,
        typer.Option("--id-field", help="JSONL field with a stable id (default: line number)."),
    ] = None,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", min=1, help="Skip articles larger than this.")
    ] = 5_000_000,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Batches in flight (threads).")
    ] = 2,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Articles a batch.")] = 64,
    offline: OfflineOption = False,
    glossary: GlossaryOption = None,
    no_default_glossary: NoDefaultGlossary = False,
    quote_style: QuoteStyleOption = "source",
    beam_size: BeamOption = 4,
    max_decoding_length: MaxLengthOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    tm: TmOption = None,
    no_tm: NoTmOption = False,
    xliff: Annotated[
        Path | None,
        typer.Option("--xliff", help="Also write each article as XLIFF into this folder."),
    ] = None,
    xliff_version: XliffVersionOption = "1.2",
    backend: Annotated[
        str,
        typer.Option(
            "--backend",
            callback=_one_of("local", "ray"),
            help="local (threads) or ray (a Ray cluster).",
        ),
    ] = "local",
    ray_address: Annotated[
        str | None,
        typer.Option("--ray-address", help="Ray cluster to join (default: start a local one)."),
    ] = None,
    actors: Annotated[
        int, typer.Option("--actors", min=1, help="Ray: translators in the actor pool.")
    ] = 2,
    threads_per_actor: Annotated[
        int, typer.Option("--threads-per-actor", min=1, help="Ray: CPUs (threads) an actor.")
    ] = 1,
    gpus_per_actor: Annotated[
        float, typer.Option("--gpus-per-actor", min=0.0, help="Ray: GPUs an actor (cuda).")
    ] = 0.0,
) -> None:
    """Translate a whole folder or archive; rerun the same command to resume.

    Exit code 0 when every item was translated or intentionally skipped, 1 when any failed.

    Example: translator bulk archive.tar.gz translated/ --jobs 2
    """
    import time

    from tqdm import tqdm

    from translator import bulk
    from translator.backend_ray import RayOptions
    from translator.pipeline import Translator
    from translator.sources import count_items

    started = time.monotonic()
    running: Generator[bulk.ItemResult, None, None] | None = None
    options = _options(
        glossary, no_default_glossary, quote_style, beam_size, max_decoding_length, tm, no_tm,
        offline,
    )  # fmt: skip
    try:
        translator = Translator(**options)
        translator.engine_for(SOURCE_LANGUAGE)  # load (or install) the model before reading
        previous = bulk.previous_summary(destination, report)
        if previous.resumed and not quiet:
            typer.echo(f"resuming: {previous.resumed} items done before", err=True)
        for line in previous.damaged:
            typer.echo(f"warning: report line {line} is damaged; skipped", err=True)
        summary = bulk.BulkSummary()  # of the items the input has now
        results = running = bulk.run(
            source, destination, translator, report=report, text_field=text_field,
            id_field=id_field, max_bytes=max_bytes, batch_size=batch_size, jobs=jobs,
            xliff=xliff, xliff_version=cast("Version", xliff_version),
            backend=cast("Backend", backend),
            ray=RayOptions(ray_address, actors, threads_per_actor, gpus_per_actor),
        )  # fmt: skip
        total = None if quiet else count_items(source, (destination,))
        sentences = 0
        with tqdm(results, total=total, unit=" articles", file=sys.stderr, disable=quiet) as bar:
            for result in bar:
                if result.translation is not None:
                    sentences += result.translation.sentences
                    rate = sentences / max(time.monotonic() - started, 1e-9)
                    bar.set_postfix_str(f"{rate:.1f} sentences/s", refresh=False)
                summary.add(result.id, result.status, result.reason)
    except TranslatorError as error:
        _fail(error)
    except KeyboardInterrupt:
        # Every finished item is written and reported once the run is closed; the batch
        # being decoded is abandoned, not awaited (a rerun translates it).
        if running is not None:
            running.close()
        typer.echo("interrupted: rerun the same command to resume", err=True)
        sys.stderr.flush()
        os._exit(130)
    counts = summary.counts
    typer.echo(
        f"translated {counts['translated']}, passed through (English) {counts['passed']}, "
        f"skipped (other language) {counts['skipped']}, failed {counts['failed']} "
        f"in {time.monotonic() - started:.1f} s",
        err=True,
    )
    for item_id, reason in summary.failures[:20]:
        typer.echo(f"failed: {item_id}: {reason}", err=True)
    if summary.failed:
        raise typer.Exit(1)


@app.command("detect")
def detect_cli(
    paths: Annotated[list[str], typer.Argument(help="Files to identify (- for standard input).")],
) -> None:
    """Print each file's language, probability, margin and any doubt, under a header.

    probability: how likely the language is (calibrated for da/nb/nn/sv).
    margin: for Danish, Bokmål, Nynorsk and Swedish, the probability lead over the next
    of those four (0–1; a small margin is a close call); 0 for other languages.
    note: why the answer is unsure (short text, mixed languages, close call), if it is.

    Example: translator detect examples/nato-stoltenberg.da.txt
    """
    from translator.article import parse
    from translator.detect import detect_language
    from translator.files import read_source

    failed = False
    typer.echo("file\tlanguage\tprobability\tmargin\tnote")
    typer.echo(
        "# margin: probability lead over the next of da/nb/nn/sv (0-1); 0 for other languages",
        err=True,
    )
    for path in paths:
        try:
            text, name, _ = read_source(path)
            found = detect_language(parse(text).prose)
        except TranslatorError as error:
            typer.echo(f"error: {error}", err=True)
            failed = True
            continue
        typer.echo(
            f"{name}\t{found.language}\t{found.probability:.3f}\t{found.margin:.2f}"
            f"\t{found.note or '-'}"
        )
    if failed:
        raise typer.Exit(1)


@models_app.command("list")
def models_list_cli() -> None:
    """List the installed Argos translation models.

    Example: translator models list
    """
    from translator.packages import installed_models, packages_dir

    found = installed_models()
    if not found:
        typer.echo(f"no models installed in {packages_dir()}", err=True)
    for model in found:
        typer.echo(f"{model.name}\t{model.version}\t{model.path}")


@models_app.command("install")
def models_install_cli(
    what: Annotated[str, typer.Argument(help="A pair such as da-en, or an .argosmodel file.")],
) -> None:
    """Install a model from the Argos index (da-en) or from an offline .argosmodel file.

    Example: translator models install translate-da_en-1_0.argosmodel
    """
    from translator.packages import install_file, install_from_index

    try:
        if what.endswith(".argosmodel") or Path(what).exists():
            info = install_file(what)
        else:
            from_code, _, to_code = what.partition("-")
            info = install_from_index(from_code, to_code or "en", _download_bar(what))
    except TranslatorError as error:
        _fail(error)
    typer.echo(f"installed {info.name} {info.version} in {info.path}")


@models_app.command("remove")
def models_remove_cli(
    name: Annotated[str, typer.Argument(help="The pair to remove, such as da-en.")],
) -> None:
    """Remove an installed model.

    Example: translator models remove da-en
    """
    from translator.packages import remove_model

    try:
        info = remove_model(name)
    except TranslatorError as error:
        _fail(error)
    typer.echo(f"removed {info.name} {info.version} from {info.path}")


@tm_app.command("export")
def tm_export_cli(
    path: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    tm: TmOption = None,
) -> None:
    """Write the translation memory as TMX 1.4b (origin, model, dates as props).

    Example: translator tm export tm.tmx
    """
    from translator import tmx
    from translator.textfile import check_output
    from translator.translation_memory import TranslationMemory, default_path

    try:
        target = check_output(path)
        count = tmx.export(TranslationMemory(tm or default_path()), target)
    except TranslatorError as error:
        _fail(error)
    typer.echo(f"wrote {count} segments to {path}", err=True)


@tm_app.command("import")
def tm_import_cli(
    paths: Annotated[list[Path], typer.Argument(help="TMX files to add.")],
    tm: TmOption = None,
    origin: Annotated[
        str,
        typer.Option(
            "--origin",
            callback=_one_of("human", "recorded"),
            help="human: every unit is a human translation; recorded: keep the origin "
            "translator wrote (a round trip).",
        ),
    ] = "human",
) -> None:
    """Add the da→en units of TMX files to the translation memory (as human, by default).

    Example: translator tm import reviewed.tmx
    """
    from translator import tmx
    from translator.translation_memory import TranslationMemory, default_path

    try:
        memory = TranslationMemory(tm or default_path())
        for path in paths:
            count = tmx.import_file(path, memory, origin)  # type: ignore[arg-type]
            typer.echo(f"{path}: {count} segments added", err=True)
    except TranslatorError as error:
        _fail(error)


@xliff_app.command("import")
def xliff_import_cli(
    paths: Annotated[list[Path], typer.Argument(help="Reviewed XLIFF files.")],
    tm: TmOption = None,
) -> None:
    """Put the reviewed targets of XLIFF files into the translation memory as human.

    A unit counts as reviewed when its target was edited or its state says reviewed.

    Example: translator xliff import a.xlf
    """
    from translator import xliff
    from translator.translation_memory import StoredSegment, TranslationMemory, default_path

    try:
        memory = TranslationMemory(tm or default_path())
        for path in paths:
            reviewed = xliff.reviewed_segments(xliff.read(path))
            count = memory.store(StoredSegment(s, t, article=a) for s, t, a in reviewed)
            typer.echo(f"{path}: {count} reviewed segments added as human", err=True)
    except TranslatorError as error:
        _fail(error)


@xliff_app.command("merge")
def xliff_merge_cli(
    path: Annotated[Path, typer.Argument(help="A reviewed XLIFF file.")],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The English article (a folder for several)."),
    ],
) -> None:
    """Rebuild the English article(s) from an XLIFF file, reviewed targets included.

    Example: translator xliff merge a.xlf -o nato.en.txt
    """
    from translator import xliff

    try:
        xliff.merge(path, output)
    except TranslatorError as error:
        _fail(error)


@glossary_app.command("check")
def glossary_check_cli(
    path: Annotated[Path, typer.Argument(help="The glossary TSV file to check.")],
) -> None:
    """Report duplicates, conflicts, empty fields and bad encoding, with line numbers.

    Example: translator glossary check my-terms.da-en.tsv
    """
    from translator.glossary import check_file

    if not path.is_file():
        _fail(InputFileError(path=path, problem="no such file"))
    problems = check_file(path)
    for problem in problems:
        typer.echo(f"{path}:{problem.line}: {problem.message}")
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{path}: ok", err=True)


@glossary_app.command("show")
def glossary_show_cli(
    glossary: GlossaryOption = None, no_default_glossary: NoDefaultGlossary = False
) -> None:
    """Print the effective glossary (default, then --glossary files) as TSV.

    Example: translator glossary show -g my-terms.da-en.tsv
    """
    from translator.glossary import build

    try:
        effective = build([str(g) for g in glossary or []], not no_default_glossary)
    except TranslatorError as error:
        _fail(error)
    typer.echo("da\ten\tnote\torigin")
    for entry in effective.entries.values():
        typer.echo(f"{entry.source}\t{entry.target}\t{entry.note}\t{entry.origin}")
