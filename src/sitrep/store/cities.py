"""The SQLite file of the geonames city index that ``sitrep.nlp.geo`` builds once per install
and opens read-only (the SQL lives here, with the store's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

CityDbError = sqlite3.Error  # a cache file that cannot be written or read
CityDbDamaged = sqlite3.DatabaseError  # a cache file damaged after it was opened
CityRows = tuple[Sequence[Sequence[Any]], Sequence[tuple[str, int, int]]]  # cities, keys

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE city (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT, admin1 TEXT,
    population INTEGER NOT NULL, latitude REAL NOT NULL, longitude REAL NOT NULL
);
CREATE TABLE city_key (
    key TEXT NOT NULL, alternate INTEGER NOT NULL, city INTEGER NOT NULL,
    PRIMARY KEY (key, alternate, city)
) WITHOUT ROWID;
"""
_QUERY = (
    "SELECT k.alternate, c.name, c.country, c.admin1, c.population, c.latitude,"
    " c.longitude FROM city_key AS k JOIN city AS c ON c.id = k.city"
    " WHERE k.key = ? ORDER BY k.alternate, k.city"
)


def _fill(db: sqlite3.Connection, build: Callable[[], CityRows], meta: dict[str, str]) -> None:
    rows, keys = build()
    numbered = ((n, *row) for n, row in enumerate(rows))
    with db:
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?)", numbered)
        db.executemany("INSERT INTO city_key VALUES (?, ?, ?)", keys)
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())


def write_city_db(path: Path, build: Callable[[], CityRows], meta: dict[str, str]) -> None:
    """Write the index (cities and (key, alternate, city) entries from ``build``) to ``path``."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode = OFF")  # a private temporary file: no journal
        db.execute("PRAGMA synchronous = OFF")
        _fill(db, build, meta)
    finally:
        db.close()


def open_city_db(path: Path, signature: str) -> sqlite3.Connection | None:
    """The cached index at ``path`` if it is whole and built for ``signature``."""
    if not path.is_file():
        return None
    try:
        # immutable: a cache file is never changed in place, only replaced
        db = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
    except sqlite3.Error:
        return None
    try:
        found = db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        if found is not None and found[0] == signature:
            db.execute(_QUERY, ("",)).fetchall()  # every table is there and readable
            return db
    except sqlite3.Error:
        pass
    db.close()
    return None


def memory_city_db(build: Callable[[], CityRows], meta: dict[str, str]) -> sqlite3.Connection:
    """The index built in memory (no cache folder to keep it in)."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    _fill(db, build, meta)
    return db


def city_matches(db: sqlite3.Connection, key: str) -> list[tuple[Any, ...]]:
    """(alternate, name, country, admin1, population, latitude, longitude) of the cities
    with ``key`` as their own name (alternate 0) or an alternate name (1), in file order."""
    return db.execute(_QUERY, (key,)).fetchall()
