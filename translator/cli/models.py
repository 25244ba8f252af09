"""``translator models``: list, install and remove translation models."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from translator.cli.app import (
    download_bar,
    fail,
    models_app,
)
from translator.errors import TranslatorError

if TYPE_CHECKING:
    pass


@models_app.command("list")
def models_list_cli() -> None:
    """List the installed Argos translation models.

    Example: translator models list
    """
    from translator.engines.packages import installed_models, packages_dir

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
    from translator.engines.packages import install_file, install_from_index

    try:
        if what.endswith(".argosmodel") or Path(what).exists():
            info = install_file(what)
        else:
            from_code, _, to_code = what.partition("-")
            info = install_from_index(from_code, to_code or "en", download_bar(what))
    except TranslatorError as error:
        fail(error)
    typer.echo(f"installed {info.name} {info.version} in {info.path}")


@models_app.command("remove")
def models_remove_cli(
    name: Annotated[str, typer.Argument(help="The pair to remove, such as da-en.")],
) -> None:
    """Remove an installed model.

    Example: translator models remove da-en
    """
    from translator.engines.packages import remove_model

    try:
        info = remove_model(name)
    except TranslatorError as error:
        fail(error)
    typer.echo(f"removed {info.name} {info.version} from {info.path}")
