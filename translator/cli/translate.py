"""``translator translate`` (one article) and ``translator detect``."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from translator.cli.app import (
    CORES,
    BeamOption,
    DeviceOption,
    FormatOption,
    GlossaryOption,
    MaxLengthOption,
    ModelOption,
    NoDefaultGlossary,
    NoTmOption,
    OfflineOption,
    QuoteStyleOption,
    TmOption,
    XliffVersionOption,
    app,
    fail,
    translator_options,
    write_out,
)
from translator.errors import TranslatorError

if TYPE_CHECKING:
    from translator.formats.xliff import Version


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
    model: ModelOption = None,
    glossary: GlossaryOption = None,
    no_default_glossary: NoDefaultGlossary = False,
    quote_style: QuoteStyleOption = "source",
    beam_size: BeamOption = 4,
    max_decoding_length: MaxLengthOption = None,
    compute_type: Annotated[
        str, typer.Option("--compute-type", help="CTranslate2 compute type.")
    ] = "auto",
    device: DeviceOption = "cpu",
    threads: Annotated[
        int,
        typer.Option("--threads", min=0, max=CORES * 4, help="Threads (0: one per core)."),
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
    format: FormatOption = "auto",
) -> None:
    """Translate one Danish article to English.

    A wire item (Ritzau XML, NewsML-G2, NITF, ninjs) comes back in its own format, only
    its prose translated.

    Human translations in the translation memory (from ``xliff import`` or ``tm
    import``) win over the model's.

    Example: translator translate examples/nato-stoltenberg.da.txt -o nato.en.txt
    """
    from translator.files import render, translate_file

    options = translator_options(
        glossary, no_default_glossary, quote_style, beam_size, max_decoding_length, tm, no_tm,
        offline, model=model, compute_type=compute_type, device=device, intra_threads=threads,
        inter_threads=1,  # one article is one batch
    )  # fmt: skip
    try:
        result = translate_file(
            path, output, as_json=as_json, source_language=source_language, max_bytes=max_bytes,
            xliff=xliff, format=format,
            xliff_version=cast("Version", xliff_version), **options,
        )  # fmt: skip
    except TranslatorError as error:
        fail(error)
    if not quiet:
        for warning in result.warnings:
            typer.echo(f"{'notice' if not result.translated else 'warning'}: {warning}", err=True)
    if output is None:
        write_out(render(result, as_json))


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
    from translator.files import read_source
    from translator.language.article import parse
    from translator.language.detect import detect_language

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
