"""The command line: a thin Typer app over the library.

Holds: :mod:`~translator.cli.app` (the app, its shared options and error handling) and
one module per command group (:mod:`~translator.cli.translate`,
:mod:`~translator.cli.bulk`, :mod:`~translator.cli.models`, :mod:`~translator.cli.tm`,
:mod:`~translator.cli.xliff`, :mod:`~translator.cli.glossary`, :mod:`~translator.cli.serve`,
:mod:`~translator.cli.watch`). Each command parses its
options, calls one library function and turns a
:class:`~translator.errors.TranslatorError` into one line and an exit code. Heavy
modules are imported inside the commands, so ``--help`` stays fast.
May import: everything below it.
"""

# Importing the command modules registers their commands on the app.
from translator.cli import bulk, glossary, models, serve, tm, translate, watch, xliff  # noqa: F401
from translator.cli.app import app as app
