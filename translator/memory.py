"""A persistent translation memory: SQLite, keyed by model, decoding options and sentence.

Re-running a job on text seen before takes each sentence's English from here instead
of decoding it again. The key names the exact model (a checksum of its files) and the
decoding options, so a different model or beam size never reuses an old translation.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from translator.errors import TranslatorError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    engine TEXT NOT NULL,   -- model checksum and decoding options
    source TEXT NOT NULL,   -- the sentence as sent to the engine
    target TEXT NOT NULL,
    PRIMARY KEY (engine, source)
) WITHOUT ROWID
"""
_CHUNK = 500  # SQLite's limit on bound variables is 999 in old builds


class TranslationMemory:
    """Sentences translated before, in an SQLite file; safe to share between threads."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as error:
            raise TranslatorError(
                detail=f"{self.path}: not a translation memory: {error}"
            ) from None
        self._lock = threading.Lock()

    def lookup(self, engine: str, sentences: Iterable[str]) -> dict[str, str]:
        """Return the known English of ``sentences`` for ``engine``."""
        wanted = list(sentences)
        found: dict[str, str] = {}
        with self._lock:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT source, target FROM memory WHERE engine = ? AND source IN ({marks})",
                    [engine, *chunk],
                )
                found.update(rows)
        return found

    def store(self, engine: str, pairs: Iterable[tuple[str, str]]) -> None:
        """Remember ``(sentence, English)`` pairs for ``engine``; one transaction."""
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO memory VALUES (?, ?, ?)",
                ((engine, source, target) for source, target in pairs),
            )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
