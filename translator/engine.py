"""The engine protocol and the registry of engines that load lazily.

An engine is any object with ``translate_batch(sentences) -> translations``. The
pipeline sends it every sentence of many articles at once, so an engine should batch.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Engine(Protocol):
    """Translates sentences; the only interface the pipeline needs."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        """Return one translation per sentence, in order."""
        ...


# name → "module:Class"; imported only when asked for, since engines pull in heavy modules.
ENGINES = {"argos": "translator.engine_argos:ArgosEngine"}


def load_engine(name: str, **options: Any) -> Engine:
    """Create the engine registered as ``name`` with ``options``."""
    module_name, _, class_name = ENGINES[name].partition(":")
    engine: Engine = getattr(importlib.import_module(module_name), class_name)(**options)
    return engine
