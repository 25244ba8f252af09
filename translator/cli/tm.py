"""``translator tm``: the translation memory as TMX."""

from pathlib import Path
from typing import Annotated

import typer

from translator.cli.app import (
    TmOption,
    fail,
    one_of,
    tm_app,
)
from translator.errors import TranslatorError


@tm_app.command("export")
def tm_export_cli(
    path: Annotated[Path, typer.Argument(help="The TMX file to write.")],
    tm: TmOption = None,
) -> None:
    """Write the translation memory as TMX 1.4b (origin, model, dates as props).

    Example: translator tm export tm.tmx
    """
    from translator.formats import tmx
    from translator.io import check_output
    from translator.memory import TranslationMemory, default_path

    try:
        memory = tm or default_path()
        target = check_output(path, memory)  # the memory itself is never the output
        done = tmx.export(TranslationMemory(memory), target)
    except TranslatorError as error:
        fail(error)
    for line in done.skipped:
        typer.echo(f"warning: {path}: skipped the segment {line}", err=True)
    typer.echo(f"wrote {done.written} segments to {path}", err=True)


@tm_app.command("import")
def tm_import_cli(
    paths: Annotated[list[Path], typer.Argument(help="TMX files to add.")],
    tm: TmOption = None,
    origin: Annotated[
        str,
        typer.Option(
            "--origin",
            callback=one_of("human", "recorded"),
            help="human: every unit is a human translation; recorded: keep the origin "
            "translator wrote (a round trip).",
        ),
    ] = "human",
) -> None:
    """Add the da→en units of TMX files to the translation memory (as human, by default).

    Example: translator tm import reviewed.tmx
    """
    from translator.formats import tmx
    from translator.memory import TranslationMemory, default_path

    try:
        memory = TranslationMemory(tm or default_path())
        for path in paths:
            done = tmx.import_file(path, memory, origin)  # type: ignore[arg-type]
            for line in done.skipped:
                typer.echo(f"warning: {path}: skipped the unit {line}", err=True)
            typer.echo(f"{path}: {done.written} segments added", err=True)
    except TranslatorError as error:
        fail(error)
