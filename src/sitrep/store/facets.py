"""Choices for the filters of the event and episode lists, drawn from the stored events.

Each facet lists the values present in the store with how many events carry them, most
frequent first (ties by value), so a form can offer them instead of free-text boxes.
Counting actors reads every event's actor list (about 0.2 s for 10,000 events), so a
``FacetCache`` keeps a connection's last answer until something is committed to the file.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TypedDict

from sitrep.store.errors import StoreQueryError

DEFAULT_FACET_LIMIT = 200


class Facets(TypedDict):
    types: list[tuple[str, int]]
    countries: list[tuple[str, int]]
    actors: list[tuple[str, int]]


_TYPES_SQL = """
SELECT type AS value, count(*) AS n FROM events
GROUP BY type ORDER BY n DESC, value LIMIT ?
"""

_COUNTRIES_SQL = """
SELECT country AS value, count(*) AS n FROM event_countries
GROUP BY country ORDER BY n DESC, value LIMIT ?
"""

# Only catalog-resolved actors: unresolved mentions ("a spokesman") make poor choices.
_ACTORS_SQL = """
SELECT value, count(*) AS n FROM (
    SELECT DISTINCT e.id, json_extract(a.value, '$.name') AS value
    FROM events e, json_each(e.actors) a
    WHERE json_extract(a.value, '$.name') IS NOT NULL
      AND trim(json_extract(a.value, '$.name')) != ''
)
GROUP BY value ORDER BY n DESC, value LIMIT ?
"""


def event_facets(conn: sqlite3.Connection, *, limit: int = DEFAULT_FACET_LIMIT) -> Facets:
    """Event types, countries (ISO3) and named actors with their numbers of events."""
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise StoreQueryError(f"limit must be a whole number >= 1, not {limit!r}")

    def pairs(sql: str) -> list[tuple[str, int]]:
        return [(str(row[0]), int(row[1])) for row in conn.execute(sql, (limit,))]

    return Facets(
        types=pairs(_TYPES_SQL), countries=pairs(_COUNTRIES_SQL), actors=pairs(_ACTORS_SQL)
    )


class FacetCache:
    """The facets last counted on one connection, reused while the database is unchanged:
    ``PRAGMA data_version`` moves when another connection commits, ``total_changes`` when
    this one writes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._facets: Facets | None = None

    def facets(self, conn: sqlite3.Connection, *, limit: int = DEFAULT_FACET_LIMIT) -> Facets:
        stamp = (int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes, limit)
        with self._lock:
            if self._facets is None or self._stamp != stamp:
                self._facets = event_facets(conn, limit=limit)
                self._stamp = stamp
            found = self._facets
        return Facets(
            types=list(found["types"]),
            countries=list(found["countries"]),
            actors=list(found["actors"]),
        )
