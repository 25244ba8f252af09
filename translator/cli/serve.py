"""``translator serve``: the LibreTranslate-compatible HTTP service."""

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
from translator.errors import InputFileError, TranslatorError


def read_keys(path: Path | None) -> frozenset[str]:
    """The API keys in ``path``: one a line; blank lines and ``#`` comments skipped."""
    if path is None:
        return frozenset()
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(path=path, problem=f"cannot read the API keys: {error}") from None
    keys = frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    if not keys:
        raise InputFileError(path=path, problem="no API key in the file")
    return keys


@app.command("serve")
def serve_cli(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback unless told).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = 5000,
    api_keys: Annotated[
        Path | None,
        typer.Option("--api-keys", help="File of API keys, one a line: every request needs one."),
    ] = None,
    char_limit: Annotated[
        int, typer.Option("--char-limit", min=-1, help="Longest text a request may send (-1: any).")
    ] = 50_000,
    batch_limit: Annotated[
        int, typer.Option("--batch-limit", min=-1, help="Most texts in one request (-1: any).")
    ] = 256,
    max_queue: Annotated[
        int, typer.Option("--max-queue", min=1, help="Texts that may wait; more get 429.")
    ] = 2048,
    timeout: Annotated[
        float, typer.Option("--timeout", min=1, help="Seconds a request waits for its result.")
    ] = 120.0,
    cors: Annotated[
        list[str] | None,
        typer.Option("--cors-origin", help="Allow browser calls from this origin (repeatable)."),
    ] = None,
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
) -> None:
    """Serve LibreTranslate's HTTP API (and a page at /) with every guarantee.

    Requests that arrive together are translated in one batch. Needs the server extra:
    pip install 'translator[server]'.

    Example: translator serve --port 5000
    """
    try:
        from translator.server.run import is_loopback, serve
        from translator.server.service import ServerOptions, Service
    except ImportError as error:
        typer.echo(f"error: {error.name} is missing: pip install 'translator[server]'", err=True)
        raise typer.Exit(1) from None
    from translator.pipeline import Translator

    options = translator_options(
        glossary, no_default_glossary, quote_style, beam_size, max_decoding_length, tm, no_tm,
        offline, model=model, device=device,
        inter_threads=1,  # the batcher sends one batch at a time: every core on it
    )  # fmt: skip
    try:
        settings = ServerOptions(
            api_keys=read_keys(api_keys), char_limit=char_limit, batch_limit=batch_limit,
            max_queue=max_queue, timeout=timeout, cors_origins=tuple(cors or ()),
        )  # fmt: skip
        service = Service(Translator(**options), settings)
        service.load()
    except TranslatorError as error:
        fail(error)
    if not is_loopback(host):
        typer.echo(f"warning: listening on {host}: reachable from other machines", err=True)
    typer.echo(f"serving on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    serve(service, host, port, log_level="warning")
