"""``translator models``: list, install and remove translation models."""

from pathlib import Path
from typing import Annotated

import typer

from translator.cli.app import (
    download_bar,
    fail,
    models_app,
)
from translator.errors import TranslatorError


@models_app.command("list")
def models_list_cli() -> None:
    """List the installed translation models: pair, version, name, folder.

    Example: translator models list
    """
    from translator.engines.packages import installed_models, packages_dir

    found = installed_models()
    if not found:
        typer.echo(f"no models installed in {packages_dir()}", err=True)
    for model in found:
        typer.echo(f"{model.name}\t{model.version}\t{model.package}\t{model.path}")


@models_app.command("install")
def models_install_cli(
    what: Annotated[
        str,
        typer.Argument(
            help="A pair such as da-en (from the Argos index), an .argosmodel file, or a "
            "CTranslate2 model folder or .zip with its SentencePiece model(s)."
        ),
    ],
    from_code: Annotated[
        str | None, typer.Option("--from", help="Source language, if the files do not say.")
    ] = None,
    to_code: Annotated[
        str | None, typer.Option("--to", help="Target language, if the files do not say.")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Install under this name (for --model NAME).")
    ] = None,
) -> None:
    """Install a model: from the Argos index (da-en), an offline .argosmodel file, or a
    CTranslate2 model you bring (a folder or .zip: quickmt's model.bin, config.json,
    src.spm.model, tgt.spm.model; OPUS-MT's source.spm, target.spm). It must load and
    translate a sentence before it replaces anything.

    Example: translator models install quickmt-da-en/ --name quickmt-da-en
    """
    from translator.engines.packages import install_file, install_from_index

    try:
        if what.endswith((".argosmodel", ".zip")) or Path(what).exists():
            info = install_file(what, from_code=from_code, to_code=to_code, name=name)
        else:
            pair_from, _, pair_to = what.partition("-")
            info = install_from_index(pair_from, pair_to or "en", download_bar(what))
    except TranslatorError as error:
        fail(error)
    typer.echo(f"installed {info.name} {info.version} as {info.package} in {info.path}")


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
