"""``translator glossary``: check and show glossaries."""

from pathlib import Path
from typing import Annotated

import typer

from translator.cli.app import (
    GlossaryOption,
    NoDefaultGlossary,
    fail,
    glossary_app,
)
from translator.errors import InputFileError, TranslatorError


@glossary_app.command("check")
def glossary_check_cli(
    path: Annotated[Path, typer.Argument(help="The glossary TSV file to check.")],
) -> None:
    """Report duplicates, conflicts, empty fields and bad encoding, with line numbers.

    Example: translator glossary check my-terms.da-en.tsv
    """
    from translator.formats.glossary import check_file

    if not path.is_file():
        fail(InputFileError(path=path, problem="no such file"))
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
    from translator.formats.glossary import build

    try:
        effective = build([str(g) for g in glossary or []], not no_default_glossary)
    except TranslatorError as error:
        fail(error)
    typer.echo("da\ten\tnote\torigin")
    for entry in effective.entries.values():
        typer.echo(f"{entry.source}\t{entry.target}\t{entry.note}\t{entry.origin}")
