"""``translator bulk``: many articles, with progress, a report and resume."""

import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from translator.cli.app import (
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
    one_of,
    translator_options,
)
from translator.engines.base import SOURCE_LANGUAGE
from translator.errors import TranslatorError

if TYPE_CHECKING:
    from translator.bulk import Backend
    from translator.formats.xliff import Version


@app.command("bulk")
def bulk_cli(
    source: Annotated[
        Path,
        typer.Argument(
            help="Folder, .zip, .tar(.gz/.bz2/.xz), .jsonl(.gz), or one wire document "
            "(.xml, .json: each item on its own)."
        ),
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
    model: ModelOption = None,
    device: DeviceOption = "cpu",
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
            callback=one_of("local", "ray"),
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
    format: FormatOption = "auto",
) -> None:
    """Translate a whole folder or archive; rerun the same command to resume.

    Exit code 0 when every item was translated or intentionally skipped, 1 when any failed.

    Example: translator bulk archive.tar.gz translated/ --jobs 2
    """
    import time

    from tqdm import tqdm

    from translator import bulk
    from translator.bulk.ray import RayOptions
    from translator.bulk.sources import count_items
    from translator.pipeline import Translator

    started = time.monotonic()
    running: Generator[bulk.ItemResult, None, None] | None = None
    options = translator_options(
        glossary, no_default_glossary, quote_style, beam_size, max_decoding_length, tm, no_tm,
        offline, model=model, device=device,
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
            ray=RayOptions(ray_address, actors, threads_per_actor, gpus_per_actor), format=format,
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
        fail(error)
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
        f"skipped (other language, withdrawn) {counts['skipped']}, failed {counts['failed']} "
        f"in {time.monotonic() - started:.1f} s",
        err=True,
    )
    for item_id, reason in summary.failures[:20]:
        typer.echo(f"failed: {item_id}: {reason}", err=True)
    if summary.failed:
        raise typer.Exit(1)
