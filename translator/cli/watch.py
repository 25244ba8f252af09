"""``translator watch``: translate each item dropped into an inbox."""

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from translator.cli.app import (
    BeamOption,
    DeviceOption,
    GlossaryOption,
    MaxLengthOption,
    ModelOption,
    NoDefaultGlossary,
    NoTmOption,
    OfflineOption,
    QuoteStyleOption,
    TmOption,
    app,
    fail,
    translator_options,
)
from translator.errors import TranslatorError


@app.command("watch")
def watch_cli(
    inbox: Annotated[Path, typer.Argument(help="The folder items arrive in.")],
    outbox: Annotated[Path, typer.Argument(help="The folder translations are written to.")],
    poll: Annotated[
        float, typer.Option("--poll", min=0.05, help="Seconds between scans (network shares).")
    ] = 1.0,
    settle: Annotated[
        float,
        typer.Option(
            "--settle", min=0.0, help="Seconds a file must stay unchanged before it is read."
        ),
    ] = 1.0,
    no_events: Annotated[
        bool, typer.Option("--no-events", help="Scan only; ignore file events (watchfiles).")
    ] = False,
    offline: OfflineOption = False,
    model: ModelOption = None,
    device: DeviceOption = "cpu",
    glossary: GlossaryOption = None,
    no_default_glossary: NoDefaultGlossary = False,
    quote_style: QuoteStyleOption = "source",
    beam_size: BeamOption = 4,
    max_decoding_length: MaxLengthOption = None,
    tm: TmOption = None,
    no_tm: NoTmOption = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No line per item.")] = False,
) -> None:
    """Translate each item (text or a wire document) that arrives in INBOX, until stopped.

    Translations go to OUTBOX under the item's name; originals move to INBOX/done/ or
    INBOX/failed/; OUTBOX/_report.jsonl has a line per item. Ctrl-C or SIGTERM finishes
    the item in flight, then exits 0.

    Example: translator watch inbox/ outbox/ --poll 2
    """
    from translator.bulk.watch import WatchOptions, watch
    from translator.pipeline import Translator

    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    options = translator_options(
        glossary, no_default_glossary, quote_style, beam_size, max_decoding_length, tm, no_tm,
        offline, model=model, device=device,
    )  # fmt: skip
    try:
        translator = Translator(**options)
        translator.engine_for("da")  # the model loads once, before the first item
        if not quiet:
            typer.echo(f"watching {inbox} (Ctrl-C to stop)", err=True)
        for handled in watch(
            inbox, outbox, translator, WatchOptions(poll, settle, not no_events), stop
        ):
            if not quiet:
                result = handled.result
                reason = f": {result.reason}" if result.reason else ""
                typer.echo(
                    f"{result.status}: {result.id}{reason} ({handled.delay:.1f} s)", err=True
                )
    except TranslatorError as error:
        fail(error)
    sys.stderr.flush()
