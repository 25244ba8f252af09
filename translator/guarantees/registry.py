"""The registry of guarantees: name → the class that keeps it, loaded on first use."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from translator.errors import UnknownGuaranteeError
from translator.guarantees.base import Guarantee, Settings

# name → "module:Class": the guarantees, in the order they run. One line per guarantee.
GUARANTEES = {
    "glossary": "translator.guarantees.terms:GlossaryGuarantee",
    "quotes": "translator.guarantees.quotation:QuoteGuarantee",
    "numbers": "translator.guarantees.numbers:NumberGuarantee",
    "fluency": "translator.guarantees.fluency:FluencyGuarantee",
}


def build(names: Sequence[str], settings: Settings) -> list[Guarantee]:
    """Create the guarantees called ``names`` (keys of :data:`GUARANTEES`).

    Raises:
        UnknownGuaranteeError: a name that is not registered.
    """
    made: list[Guarantee] = []
    for name in names:
        if name not in GUARANTEES:
            raise UnknownGuaranteeError(name=name, known=", ".join(GUARANTEES))
        module_name, _, class_name = GUARANTEES[name].partition(":")
        made.append(getattr(importlib.import_module(module_name), class_name)(settings))
    return made
