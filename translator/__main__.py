"""``python -m translator`` runs the command-line interface."""

from translator.cli import app

app(prog_name="translator")
