"""A persistent translation memory: SQLite, keyed by model, decoding options and sentence.

Re-running a job on text seen before takes each sentence's English from here instead
of decoding it again, and each article's language instead of detecting it again. The
key names the exact model (a checksum of its files) and the decoding options, so a
different model or beam size never reuses an old translation.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from translator.errors import TranslationMemoryError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS memory (
    engine TEXT NOT NULL,   -- model checksum and decoding options
    source TEXT NOT NULL,   -- the sentence as sent to the engine
    target TEXT NOT NULL,
    PRIMARY KEY (engine, source)
) WITHOUT ROWID
"""
_DETECTIONS = """
CREATE TABLE IF NOT EXISTS detections (
    key TEXT PRIMARY KEY,   -- checksum of the detector's data and the text
    language TEXT NOT NULL,
    probability REAL NOT NULL,
    margin REAL NOT NULL,
    note TEXT NOT NULL DEFAULT ''  -- why the detection is unsure, if it is
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
            self._db.execute(_DETECTIONS)
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(detections)")}
            if "note" not in columns:  # a memory written before detections had notes
                self._db.execute("ALTER TABLE detections ADD COLUMN note TEXT NOT NULL DEFAULT ''")
        except sqlite3.Error as error:
            raise TranslationMemoryError(path=self.path, problem=str(error)) from None
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

    def detection(self, key: str) -> tuple[str, float, float, str] | None:
        """The remembered (language, probability, margin, note) of a text, by its ``key``."""
        with self._lock:
            row = self._db.execute(
                "SELECT language, probability, margin, note FROM detections WHERE key = ?", (key,)
            ).fetchone()
        return (str(row[0]), float(row[1]), float(row[2]), str(row[3])) if row else None

    def store_detection(self, key: str, found: tuple[str, float, float, str]) -> None:
        """Remember the (language, probability, margin, note) of a text."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO detections (key, language, probability, margin, note)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, *found),
            )

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()
