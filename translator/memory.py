"""A persistent, segment-level translation memory in SQLite.

Each row is one segment: the Danish sentence as the article has it, its final English
(after every guarantee), where that English came from (``machine`` or ``human``), the
model and settings that produced a machine segment, the article it came from, and when
it was created and last changed. A human segment wins over machine output everywhere
and machine output never overwrites it. Detections are remembered too, by a checksum of
the detector and the text.

Memories written by translator 0.2 (schema 1: engine-level sentences plus final
English under a ``final:`` key) are migrated on open: their final English becomes
machine segments, the engine-level rows are dropped.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from translator.errors import TranslationMemoryError

SCHEMA_VERSION = 2
MACHINE, HUMAN = "machine", "human"
_SEGMENTS = """
CREATE TABLE IF NOT EXISTS segments (
    source TEXT NOT NULL,    -- the Danish segment as written
    target TEXT NOT NULL,    -- its final English
    origin TEXT NOT NULL CHECK (origin IN ('machine', 'human')),
    model TEXT NOT NULL,     -- machine: model checksum and decoding options; human: ''
    settings TEXT NOT NULL,  -- machine: language, guarantee rules, context; human: ''
    record TEXT NOT NULL,    -- machine: the repair record (JSON); human: ''
    article TEXT NOT NULL,   -- the article it came from
    created TEXT NOT NULL,   -- ISO 8601, UTC
    changed TEXT NOT NULL,
    PRIMARY KEY (source, origin, model, settings)
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
_UPSERT = """
INSERT INTO segments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, origin, model, settings) DO UPDATE SET
    target = excluded.target, record = excluded.record, article = excluded.article,
    changed = excluded.changed
"""
_CHUNK = 500  # SQLite's limit on bound variables is 999 in old builds
# The tables (and their columns) of every schema translator wrote: anything else in a
# database means it is not ours, and it is refused before a single write.
_OURS = {
    "segments": ("source", "target", "origin", "model", "settings", "record", "article",
                 "created", "changed"),
    "detections": ("key", "language", "probability", "margin", "note"),
    "memory": ("engine", "source", "target"),  # schema 1
}  # fmt: skip


@dataclass(frozen=True)
class StoredSegment:
    """One segment of the memory (see the module docstring for the fields)."""

    source: str
    target: str
    origin: str = HUMAN
    model: str = ""
    settings: str = ""
    record: str = ""
    article: str = ""
    created: str = ""
    changed: str = ""


def now() -> str:
    """The current time as the memory writes it (ISO 8601, UTC, seconds)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_path() -> Path:
    """The memory ``translate`` and ``bulk`` use unless told otherwise: ``$TRANSLATOR_TM``,
    else ``translator/memory.sqlite`` under ``$XDG_DATA_HOME`` (``~/.local/share``)."""
    if os.environ.get("TRANSLATOR_TM"):
        return Path(os.environ["TRANSLATOR_TM"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "translator" / "memory.sqlite"


class TranslationMemory:
    """Segments translated before, in an SQLite file; safe to share between threads."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            _check_ours(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=60)
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise TranslationMemoryError(
                    path=self.path,
                    problem=f"schema {version} is newer than this translator's ({SCHEMA_VERSION})",
                )
            self._db.execute("PRAGMA journal_mode=WAL")
            with self._db:
                self._migrate()
        except (sqlite3.Error, OSError) as error:
            raise TranslationMemoryError(path=self.path, problem=str(error)) from None
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master")}
        self._db.execute(_SEGMENTS)
        self._db.execute(_DETECTIONS)
        if "memory" in tables:  # schema 1
            stamp = now()
            rows = self._db.execute("SELECT engine, source, target FROM memory").fetchall()
            for engine, source, target in rows:
                if isinstance(engine, str) and engine.startswith("final:"):
                    try:
                        row = _from_schema_1(engine, source, target, stamp)
                    except (ValueError, KeyError, TypeError, AttributeError):
                        continue  # a damaged row is as if absent: translated again
                    self._db.execute(_UPSERT, row)
            self._db.execute("DROP TABLE memory")
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(detections)")}
        if "note" not in columns:
            self._db.execute("ALTER TABLE detections ADD COLUMN note TEXT NOT NULL DEFAULT ''")
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def human(self, sources: Iterable[str]) -> dict[str, str]:
        """The human English of those ``sources`` that have one."""
        return dict(self._select("target", "origin = 'human'", [], sources))

    def machine(self, model: str, settings: str, sources: Iterable[str]) -> dict[str, str]:
        """The repair records (JSON) of ``sources`` translated by ``model`` with ``settings``."""
        condition = "origin = 'machine' AND model = ? AND settings = ?"
        return dict(self._select("record", condition, [model, settings], sources))

    def _select(
        self, column: str, condition: str, values: list[str], sources: Iterable[str]
    ) -> Iterator[tuple[str, str]]:
        wanted = list(dict.fromkeys(sources))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT source, {column} FROM segments WHERE {condition} AND source IN "
            query += f"({marks})"
            for source, value in self._read(query, [*values, *chunk]):
                if isinstance(source, str) and isinstance(value, str):  # else damaged
                    yield source, value

    def _read(self, query: str, values: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows of ``query``; a damaged database is one line naming the file."""
        try:
            with self._lock:
                return self._db.execute(query, values).fetchall()
        except sqlite3.Error as error:
            raise TranslationMemoryError(path=self.path, problem=f"damaged: {error}") from None

    def store(self, segments: Iterable[StoredSegment]) -> int:
        """Add or update ``segments`` in one transaction; the number written.

        A segment replaces the one of the same source, origin, model and settings
        (keeping its creation time), so machine output never touches a human segment.
        """
        stamp = now()
        rows = [
            (s.source, s.target, s.origin, s.model, s.settings, s.record, s.article,
             s.created or stamp, s.changed or stamp)
            for s in segments
        ]  # fmt: skip
        try:
            with self._lock, self._db:
                self._db.executemany(_UPSERT, rows)
        except sqlite3.Error as error:
            raise TranslationMemoryError(path=self.path, problem=str(error)) from None
        return len(rows)

    def segments(self) -> Iterator[StoredSegment]:
        """Every segment, human ones first, each group in source order."""
        rows = self._read(
            "SELECT * FROM segments ORDER BY origin = 'machine', source, model, settings"
        )
        for row in rows:
            if all(isinstance(value, str) for value in row):  # else a damaged row
                yield StoredSegment(*row)

    def detection(self, key: str) -> tuple[str, float, float, str] | None:
        """The remembered (language, probability, margin, note) of a text, by its ``key``."""
        rows = self._read(
            "SELECT language, probability, margin, note FROM detections WHERE key = ?", (key,)
        )
        try:
            return (str(rows[0][0]), float(rows[0][1]), float(rows[0][2]), str(rows[0][3]))
        except (IndexError, TypeError, ValueError):
            return None  # none, or a damaged row: detected again

    def store_detection(self, key: str, found: tuple[str, float, float, str]) -> None:
        """Remember the (language, probability, margin, note) of a text."""
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO detections (key, language, probability, margin, note)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (key, *found),
                )
        except sqlite3.Error as error:
            raise TranslationMemoryError(path=self.path, problem=str(error)) from None

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()


def valid_record(segment: StoredSegment) -> bool:
    """Whether a machine segment's record reads back: a JSON object with the English
    (``text``, ``technique``: strings; ``fixed``, ``left``: lists of problems) and
    settings of the form ``language|rules|context``."""
    import json

    try:
        data = json.loads(segment.record)
    except ValueError:
        return False
    fields = {"text": str, "technique": str, "fixed": list, "left": list}
    if not isinstance(data, dict) or segment.settings.count("|") < 2:
        return False
    if not all(isinstance(data.get(key), kind) for key, kind in fields.items()):
        return False
    return all(isinstance(p, list) for p in [*data["fixed"], *data["left"]])


def _check_ours(path: Path) -> None:
    """Refuse a database that translator did not write, having opened it read-only.

    Raises:
        TranslationMemoryError: it has tables (or columns) of no schema of ours.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    from urllib.request import pathname2url

    db = sqlite3.connect(f"file:{pathname2url(str(path.resolve()))}?mode=ro", uri=True)
    try:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = {
            name: tuple(
                row[0] for row in db.execute("SELECT name FROM pragma_table_info(?)", (name,))
            )
            for name in names
            if not name.startswith("sqlite_")
        }
    finally:
        db.close()
    foreign = [
        name
        for name, columns in tables.items()
        if name not in _OURS or not set(columns) <= set(_OURS[name])
    ]
    if foreign:
        problem = f"a database of something else (table '{foreign[0]}'); nothing was changed"
        raise TranslationMemoryError(path=path, problem=problem)


def _from_schema_1(engine: str, source: str, record: str, stamp: str) -> tuple[str, ...]:
    """A schema-1 final row (``final:<lang>:<model>|<rules>|<forced>``, ``<quoted>\\t<text>``)
    as a schema-2 machine segment."""
    import json

    _, language, key = engine.split(":", 2)
    model, _, rules = key.partition("|")
    quoted, _, text = source.partition("\t")
    settings = segment_settings(language, rules, quoted == "1")
    return (text, json.loads(record)["text"], MACHINE, model, settings, record, "", stamp, stamp)


def segment_settings(language: str, rules: str, quoted: bool) -> str:
    """The ``settings`` of a machine segment: source language, guarantee rules, context."""
    return f"{language}|{rules}|{'quoted' if quoted else 'plain'}"
