"""``translator xliff``: post-edited XLIFF back into the memory or the article."""

from pathlib import Path
from typing import Annotated

import typer

from translator.cli.app import (
    TmOption,
    fail,
    xliff_app,
)
from translator.errors import TranslatorError


@xliff_app.command("import")
def xliff_import_cli(
    paths: Annotated[list[Path], typer.Argument(help="Reviewed XLIFF files.")],
    tm: TmOption = None,
) -> None:
    """Put the reviewed targets of XLIFF files into the translation memory as human.

    A unit counts as reviewed when its target was edited or its state says reviewed.

    Example: translator xliff import a.xlf
    """
    from translator.formats import xliff
    from translator.memory import StoredSegment, TranslationMemory, default_path

    try:
        memory = TranslationMemory(tm or default_path())
        for path in paths:
            reviewed = xliff.reviewed_segments(xliff.read(path))
            count = memory.store(StoredSegment(s, t, article=a) for s, t, a in reviewed)
            typer.echo(f"{path}: {count} reviewed segments added as human", err=True)
    except TranslatorError as error:
        fail(error)


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
    from translator.formats import xliff

    try:
        xliff.merge(path, output)
    except TranslatorError as error:
        fail(error)
