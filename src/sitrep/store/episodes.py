"""Episodes in the store: events grouped into one story, with each side's running toll.

``EpisodesMixin`` adds these methods to ``Store`` (the SQL lives here, the transactions are
the store's). ``episode_events`` records which episode each event belongs to; ``episodes``
holds the built episode (figures with their history and grade) and its list-item fields.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any

from sitrep.models import Episode, Event, SourcedClaim
from sitrep.store import rows, write
from sitrep.store.schema import now

if TYPE_CHECKING:
    from sitrep.store.store import Page

_CLAIM_COLUMNS = "c.*, r.source, r.outlet, r.original_id"

# The claims of an episode: those of its events' frames, and the claims in no frame of the
# reports whose main frame is in one of its events (a toll for the whole story).
_EPISODE_CLAIMS_SQL = f"""
SELECT {_CLAIM_COLUMNS}, fe.event_id AS event FROM episode_events ee
JOIN frame_events fe ON fe.event_id = ee.event_id
JOIN claims c ON c.frame_id = fe.frame_id JOIN reports r ON r.id = c.report_id
WHERE ee.episode_id = :episode
UNION ALL
SELECT {_CLAIM_COLUMNS}, NULL AS event FROM claims c JOIN reports r ON r.id = c.report_id
WHERE c.frame_id IS NULL AND c.report_id IN (
    SELECT f.report_id FROM episode_events ee JOIN frame_events fe ON fe.event_id = ee.event_id
    JOIN frames f ON f.id = fe.frame_id WHERE ee.episode_id = :episode AND f.is_primary = 1)
ORDER BY published, report_id, start, id
"""


class EpisodesMixin:
    """Episode reads and writes of ``Store``."""

    if TYPE_CHECKING:
        _conn: sqlite3.Connection

        def _transaction(self, what: str) -> AbstractContextManager[sqlite3.Connection]: ...
        def _reading(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _search_page(self, **query: Any) -> Page: ...
        def _sourced_claim(self, row: sqlite3.Row) -> SourcedClaim: ...

    # --- writes ---------------------------------------------------------------------------

    def save_episodes(self, episodes: Iterable[Episode]) -> None:
        """Insert or replace episodes with their figures; their events are assigned to them."""
        stamp = now()
        with self._transaction("cannot save episodes") as conn:
            for episode in episodes:
                write.save_episode(conn, episode, stamp)
                conn.execute(
                    "DELETE FROM episode_events WHERE episode_id = ?"
                    " AND event_id NOT IN (SELECT value FROM json_each(?))",
                    (episode.id, rows.to_json(list(episode.event_ids))),
                )

    def assign_episode(self, episode_id: str, event_ids: Iterable[str]) -> None:
        """Record that ``event_ids`` (in this order) make up the episode, before it is built
        (``episode_claims`` reads the membership)."""
        ids = list(event_ids)
        with self._transaction("cannot assign events to an episode") as conn:
            write.assign_episode(conn, episode_id, ids, now())

    def delete_episodes(self, episode_ids: Iterable[str]) -> int:
        """Remove episodes (merged into another, or left without events); how many went."""
        ids = rows.to_json(list(episode_ids))
        with self._transaction("cannot delete episodes") as conn:
            conn.execute(
                "DELETE FROM episode_events WHERE episode_id IN (SELECT value FROM json_each(?))",
                (ids,),
            )
            deleted = conn.execute(
                "DELETE FROM episodes WHERE id IN (SELECT value FROM json_each(?))", (ids,)
            )
            return deleted.rowcount

    # --- grouping support -----------------------------------------------------------------

    def episode_assignments(self) -> Iterator[tuple[str, str]]:
        """(event id, episode id) of every grouped event, oldest episode first: what an
        episode grouper needs to go on from an earlier run."""
        found = self._conn.execute(
            "SELECT ee.event_id, ee.episode_id FROM episode_events ee"
            " LEFT JOIN episodes p ON p.id = ee.episode_id"
            " ORDER BY p.seq IS NULL, p.seq, ee.episode_id, ee.position"
        )
        for row in found:
            yield row[0], row[1]

    def has_episodes(self) -> bool:
        with self._reading() as conn:
            return conn.execute("SELECT 1 FROM episode_events LIMIT 1").fetchone() is not None

    def last_episode_seq(self) -> int:
        """The creation order of the newest stored episode (0: none)."""
        with self._reading() as conn:
            return int(conn.execute("SELECT coalesce(max(seq), 0) FROM episodes").fetchone()[0])

    def episode_members(self, episode_id: str) -> tuple[int | None, list[str]]:
        """The episode's creation order (None: not saved yet) and its event ids in order."""
        with self._reading() as conn:
            seq = conn.execute("SELECT seq FROM episodes WHERE id = ?", (episode_id,)).fetchone()
            members = conn.execute(
                "SELECT event_id FROM episode_events WHERE episode_id = ? ORDER BY position",
                (episode_id,),
            ).fetchall()
        return (seq[0] if seq else None), [row[0] for row in members]

    def grouped_events_on_day(self, country: str, day: date, max_span_days: int) -> list[str]:
        """Grouped events of ``country`` whose dates (spanning at most ``max_span_days``)
        include ``day``, oldest episode first. An index range over the days before it."""
        first = date.fromordinal(day.toordinal() - max_span_days).isoformat()
        with self._reading() as conn:
            found = conn.execute(
                "SELECT e.id FROM events e JOIN episode_events ee ON ee.event_id = e.id"
                " LEFT JOIN episodes p ON p.id = ee.episode_id"
                " WHERE e.date_start BETWEEN ? AND ? AND coalesce(e.date_end, e.date_start) >= ?"
                " AND EXISTS (SELECT 1 FROM event_countries ec"
                " WHERE ec.event_id = e.id AND ec.country = ?)"
                " ORDER BY p.seq IS NULL, p.seq, ee.position",
                (first, day.isoformat(), day.isoformat(), country),
            ).fetchall()
        return [row[0] for row in found]

    def recent_grouped_events(
        self, country: str, limit: int, *, undated_over_days: int | None = None
    ) -> list[str]:
        """The ``limit`` grouped events of ``country`` saved last, newest first; with
        ``undated_over_days``, only those with no date or dates spanning more days."""
        undated = (
            ""
            if undated_over_days is None
            else " AND (e.date_start IS NULL OR julianday(coalesce(e.date_end, e.date_start))"
            " - julianday(e.date_start) > :days)"
        )
        with self._reading() as conn:
            found = conn.execute(
                "SELECT ec.event_id FROM event_countries ec JOIN events e ON e.id = ec.event_id"
                " JOIN episode_events ee ON ee.event_id = ec.event_id"
                f" WHERE ec.country = :country{undated} ORDER BY ec.rowid DESC LIMIT :limit",
                {"country": country, "limit": limit, "days": undated_over_days},
            ).fetchall()
        return [row[0] for row in found]

    def grouped_events_of_report(self, report_id: str) -> list[str]:
        """The grouped events a report is in, oldest episode first."""
        with self._reading() as conn:
            found = conn.execute(
                "SELECT er.event_id FROM event_reports er"
                " JOIN episode_events ee ON ee.event_id = er.event_id"
                " LEFT JOIN episodes p ON p.id = ee.episode_id WHERE er.report_id = ?"
                " ORDER BY p.seq IS NULL, p.seq, ee.position",
                (report_id,),
            ).fetchall()
        return [row[0] for row in found]

    def episode_of_event(self, event_id: str) -> str | None:
        with self._reading() as conn:
            row = conn.execute(
                "SELECT episode_id FROM episode_events WHERE event_id = ?", (event_id,)
            ).fetchone()
        return row[0] if row else None

    def events_of_episode(self, episode_id: str) -> list[Event]:
        """The saved events of an episode, in the order they joined it."""
        with self._reading() as conn:
            found = conn.execute(
                "SELECT e.* FROM episode_events ee JOIN events e ON e.id = ee.event_id"
                " WHERE ee.episode_id = ? ORDER BY ee.position",
                (episode_id,),
            )
            return [rows.event_from_row(row) for row in found]

    def events_by_id(self, event_ids: Iterable[str]) -> list[Event]:
        """The saved events among ``event_ids``, in that order."""
        ids = list(dict.fromkeys(event_ids))
        with self._reading() as conn:
            found = conn.execute(
                "SELECT * FROM events WHERE id IN (SELECT value FROM json_each(?))",
                (rows.to_json(ids),),
            )
            by_id = {row["id"]: rows.event_from_row(row) for row in found}
        return [by_id[event_id] for event_id in ids if event_id in by_id]

    def episode_claims(self, episode_id: str) -> list[SourcedClaim]:
        """Every claim of the episode (see ``_EPISODE_CLAIMS_SQL``), oldest report first."""
        with self._reading() as conn:
            found = conn.execute(_EPISODE_CLAIMS_SQL, {"episode": episode_id})
            return [self._sourced_claim(row) for row in found]

    # --- reads for the CLI, API and pages ---------------------------------------------------

    def episodes(
        self,
        *,
        date_from: date | str | None = None,
        date_to: date | str | None = None,
        country: str | None = None,
        actor: str | None = None,
        type: str | None = None,
        q: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Episodes overlapping the date window, newest first (undated last), then by id;
        ``type`` is the type of one of its events, ``q`` a full-text query over its claims'
        sentences and its events' headlines."""
        from sitrep.store.store import EVENTS_OF_MATCHING_CLAIMS, _check_page, _listing_filters

        _check_page(limit, offset)
        where, params = _listing_filters(
            "p", "episode", date_from=date_from, date_to=date_to, country=country, actor=actor
        )
        if type:
            where.append("p.id IN (SELECT episode_id FROM episode_types WHERE type = ?)")
            params.append(type)
        return self._search_page(
            q=q,
            table="episodes p",
            fts=("claims_fts", "events_fts"),
            matching="p.id IN (SELECT ee.episode_id FROM episode_events ee WHERE ee.event_id IN"
            f" ({EVENTS_OF_MATCHING_CLAIMS})"
            " OR ee.event_id IN (SELECT e.id FROM events e WHERE e.seq IN"
            " (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)))",
            where=where,
            params=params,
            select="SELECT p.* FROM episodes p",
            order="p.date_start DESC, p.id",
            limit=limit,
            offset=offset,
            item=rows.episode_summary,
        )

    def episode(self, episode_id: str) -> dict[str, Any] | None:
        """``Episode.to_dict()`` with its summary fields, its events as list items, sources,
        claims and quotes."""
        with self._reading() as conn:
            row = conn.execute("SELECT * FROM episodes WHERE id = ?", (episode_id,)).fetchone()
            if row is None:
                return None
            d = rows.episode_from_row(row).to_dict()
            summary = rows.episode_summary(row)
            for key in (
                "countries",
                "types",
                "headline",
                "lat",
                "lon",
                "n_events",
                "n_reports",
                "n_claims",
                "contradiction",
                "tolls",
            ):
                d[key] = summary[key]
            d["event_items"] = [
                {**rows.event_summary(event), "episode": episode_id}
                for event in conn.execute(
                    "SELECT e.* FROM episode_events ee JOIN events e ON e.id = ee.event_id"
                    " WHERE ee.episode_id = ? ORDER BY e.date_start DESC, e.id",
                    (episode_id,),
                )
            ]
            d["sources"] = [
                dict(source)
                for source in conn.execute(
                    "SELECT r.id AS report_id, r.source, r.outlet, r.published, r.title, r.url,"
                    " r.original_id AS original FROM reports r"
                    " WHERE r.id IN (SELECT value FROM json_each(?))"
                    " ORDER BY r.published IS NULL, r.published, r.id",
                    (row["report_ids"],),
                )
            ]
            d["claims"] = [
                rows.claim_dict(c)
                for c in conn.execute(_EPISODE_CLAIMS_SQL, {"episode": episode_id})
            ]
            d["quotes"] = [
                rows.quote_dict(quote)
                for quote in conn.execute(
                    "SELECT q.*, r.source FROM quotes q JOIN reports r ON r.id = q.report_id"
                    " WHERE q.report_id IN (SELECT value FROM json_each(?))"
                    " ORDER BY r.published IS NULL, r.published, q.report_id, q.start",
                    (row["report_ids"],),
                )
            ]
        return d

    def iter_episodes(self) -> Iterator[Episode]:
        """Every episode, newest first, rebuilt one row at a time."""
        for row in self._conn.execute("SELECT * FROM episodes ORDER BY date_start DESC, id"):
            yield rows.episode_from_row(row)
