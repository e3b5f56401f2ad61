"""``Store``: the SQLite record of reports, claims, quotes, frames and events.

Writes are one transaction each (``BEGIN IMMEDIATE``, so a writer takes the lock before it
reads and never fails half-way on a lock upgrade). Reads return JSON-ready dicts and run in one
read transaction each, so ``items`` and ``total`` of a page come from the same snapshot; in WAL
mode they never wait for a writer.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypedDict

from sitrep.models import Event, EventFrame, Extraction, SourcedClaim
from sitrep.store import rows, write
from sitrep.store.bands import BandsMixin
from sitrep.store.episodes import EpisodesMixin
from sitrep.store.errors import StoreError, StoreQueryError
from sitrep.store.facets import DEFAULT_FACET_LIMIT, FacetCache, Facets
from sitrep.store.schema import APPLICATION_ID, MIGRATIONS, Migration, migrate, now, user_version
from sitrep.store.sources import SourcesMixin

BUSY_TIMEOUT_MS = 5000
FRAME_CACHE = 4096  # parsed frames a Store keeps (a few KB each)
CLAIM_CACHE = 8192  # parsed claims a Store keeps


class Page(TypedDict):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


PathLike = str | os.PathLike[str]


class Store(SourcesMixin, EpisodesMixin, BandsMixin):
    """Open (creating and migrating if needed) a sitrep database. Usable as a context manager."""

    def __init__(self, path: PathLike, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self._open(path, readonly=False, migrations=migrations)

    @classmethod
    def open_readonly(cls, path: PathLike) -> Store:
        """Open an existing, up-to-date database for reading only (the web server's way)."""
        store = cls.__new__(cls)
        store._open(path, readonly=True, migrations=MIGRATIONS)
        return store

    # --- opening --------------------------------------------------------------------------

    def _open(self, path: PathLike, *, readonly: bool, migrations: Sequence[Migration]) -> None:
        self.path = os.fspath(path)
        self.readonly = readonly
        self._lock = threading.RLock()
        self._batched = False  # inside batch(): writes join its transaction
        self._frames: dict[str, EventFrame] = {}  # parsed frame rows, see _frame
        self._claims: dict[str, SourcedClaim] = {}  # parsed claim rows, see _sourced_claim
        latest = migrations[-1].version if migrations else 0
        conn = _connect(self.path, readonly)
        try:
            _check_identity(conn, self.path, readonly=readonly, latest=latest)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")  # durable enough under WAL
                migrate(conn, migrations)
            conn.create_function("sitrep_casefold", 1, rows.casefold, deterministic=True)
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.readonly else "read-write"
        return f"Store({self.path!r}, {mode})"

    @property
    def schema_version(self) -> int:
        with self._lock:
            return user_version(self._conn)

    @property
    def journal_mode(self) -> str:
        with self._lock:
            return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])

    # --- transactions ---------------------------------------------------------------------

    def _require_writable(self, what: str) -> None:
        if self.readonly:
            raise StoreError(f"{what}: {self.path} is open read-only")

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        self._require_writable(what)
        with self._lock:
            conn = self._conn
            if self._batched:
                try:
                    yield conn  # batch() commits, or rolls back everything on an error
                except sqlite3.Error as exc:
                    raise StoreError(f"{what}: {exc}") from exc
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{what}: {exc}") from exc
                raise

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Make every write inside one transaction: all are stored or, on an error or a crash,
        none (batching reports keeps a store of whole reports, at fewer commits)."""
        with self._lock:
            if self._batched:
                yield
                return
            with self._transaction("cannot write a batch"):
                self._batched = True
                try:
                    yield
                except BaseException:
                    self._frames.clear()  # frames read inside the batch are rolled back
                    self._claims.clear()
                    raise
                finally:
                    self._batched = False

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            if conn.in_transaction:  # nested inside another read or a write
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    # --- writes ---------------------------------------------------------------------------

    def has_report(self, report_id: str) -> bool:
        with self._lock:
            found = self._conn.execute("SELECT 1 FROM reports WHERE id = ?", (report_id,))
            return found.fetchone() is not None

    def add_extraction(
        self,
        extraction: Extraction,
        *,
        original: str | None = None,
        minhash: Sequence[int] | None = None,
    ) -> bool:
        """Store a report and everything extracted from it; False if it was already stored.

        ``original`` is the id of a stored report this one is a near-copy of (a copy of a copy
        is recorded as a copy of the first); ``minhash`` is the MinHash signature of the
        report's body, kept for ``iter_minhashes``. Re-adding a report changes nothing.
        """
        report = extraction.report
        what = f"cannot add report {report.source}"
        self._require_writable(what)
        write.check_belongs(extraction)
        signature = None
        if minhash is not None:
            try:
                signature = rows.pack_minhash(minhash)
            except ValueError as exc:
                raise StoreError(f"{what}: {exc}") from None
        if self.has_report(report.id):
            return False
        stamp = now()
        with self._transaction(what) as conn:
            inserted = write.insert_report(
                conn, extraction, stamp, original=original, minhash=signature
            )
            if not inserted:
                return False  # another writer stored it since the check above
            write.insert_frames(conn, extraction, stamp)
            write.insert_claims(conn, extraction, stamp)
            write.insert_quotes(conn, extraction, stamp)
            write.insert_places(conn, extraction, stamp)
            write.insert_cited_outlets(conn, extraction, stamp)
        return True

    def assign_frames(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record which event each frame belongs to (re-assigning moves the frame)."""
        pairs = list(pairs)
        with self._transaction("cannot assign frames to events") as conn:
            write.assign(conn, pairs, now())

    def save_events(self, events: Iterable[Event]) -> None:
        """Insert or replace events with their figures; their frames are assigned to them."""
        stamp = now()
        with self._transaction("cannot save events") as conn:
            for event in events:
                write.save_event(conn, event, stamp)

    def delete_events(self, event_ids: Iterable[str]) -> int:
        """Remove events (e.g. merged into another by the linker); returns how many went."""
        ids = list(event_ids)
        with self._transaction("cannot delete events") as conn:
            deleted = conn.execute(
                "DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))",
                (rows.to_json(ids),),
            )
            return deleted.rowcount

    # --- linking support ------------------------------------------------------------------

    def linked_frames(
        self,
        *,
        date_from: date | None,
        date_to: date | None,
        countries: Iterable[str],
        limit: int = 200,
    ) -> list[tuple[EventFrame, str]]:
        """Already-linked frames near a date window that share a country, newest first.

        A frame is matched on its date, else its report's publication date (a date spanning
        more than ``LINK_WINDOW_MAX_DAYS`` counts as none). ``date_from=None`` asks for frames
        with no date at all; ``date_to=None`` means the single day ``date_from``. Each country
        is an index range scan that stops after ``limit`` distinct frames, so the cost depends
        on ``limit`` and the countries, not on how many frames are stored.
        """
        _check_page(limit, 0)
        if date_from is None:
            low = high = rows.UNDATED_DAY
        else:
            low = date_from.isoformat()
            high = (date_to or date_from).isoformat()
        newest: dict[str, tuple[str, int]] = {}
        with self._reading() as conn:
            for country in dict.fromkeys(countries):
                seen = 0
                cursor = conn.execute(
                    "SELECT day, seq, frame_id FROM frame_days"
                    " WHERE country = ? AND day BETWEEN ? AND ? ORDER BY day DESC, seq DESC",
                    (country, low, high),
                )
                for day, seq, frame_id in cursor:
                    if frame_id in newest:
                        newest[frame_id] = max(newest[frame_id], (day, seq))
                        continue
                    newest[frame_id] = (day, seq)
                    seen += 1
                    if seen >= limit:
                        break
                cursor.close()
            chosen = sorted(newest, key=newest.__getitem__, reverse=True)[:limit]
            chosen_json = rows.to_json(chosen)
            event_of = dict(
                conn.execute(
                    "SELECT frame_id, event_id FROM frame_events"
                    " WHERE frame_id IN (SELECT value FROM json_each(?))",
                    (chosen_json,),
                ).fetchall()
            )
            parsed = self._frames
            missing = [frame_id for frame_id in event_of if frame_id not in parsed]
            if missing:  # parse only the frames not parsed before (whole rows are costly)
                for row in conn.execute(
                    "SELECT * FROM frames WHERE id IN (SELECT value FROM json_each(?))",
                    (rows.to_json(missing),),
                ):
                    self._frame(row)
            found = {}
            for frame_id in chosen:
                event_id = event_of.get(frame_id)
                if event_id is not None:
                    frame = parsed.get(frame_id) or self._frame_by_id(conn, frame_id)
                    found[frame_id] = (frame, event_id)
        return list(found.values())

    def frames_of_event(self, event_id: str) -> list[EventFrame]:
        with self._reading() as conn:
            found = conn.execute(
                "SELECT f.* FROM frames f JOIN frame_events fe ON fe.frame_id = f.id"
                " WHERE fe.event_id = ? ORDER BY f.seq",
                (event_id,),
            )
            return [self._frame(row) for row in found]

    def _frame(self, row: sqlite3.Row) -> EventFrame:
        """The frame of a row. A stored frame never changes, so each is parsed once (linking
        reads the same candidates again and again); at most FRAME_CACHE are kept."""
        frame = self._frames.get(row["id"])
        if frame is None:
            if len(self._frames) >= FRAME_CACHE:
                self._frames.clear()
            frame = self._frames[row["id"]] = rows.frame_from_row(row)
        return frame

    def _sourced_claim(self, row: sqlite3.Row) -> SourcedClaim:
        """The claim of a row joined with its report. Neither changes once stored, so each
        is parsed once (an event's claims are read again each time it grows); at most
        CLAIM_CACHE are kept."""
        claim = self._claims.get(row["id"])
        if claim is None:
            if len(self._claims) >= CLAIM_CACHE:
                self._claims.clear()
            claim = self._claims[row["id"]] = rows.sourced_claim_from_row(row)
        return claim

    def _frame_by_id(self, conn: sqlite3.Connection, frame_id: str) -> EventFrame:
        row = conn.execute("SELECT * FROM frames WHERE id = ?", (frame_id,)).fetchone()
        return self._frame(row)

    def event_of_frame(self, frame_id: str) -> str | None:
        """The event a frame is linked to (``None``: not linked)."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT event_id FROM frame_events WHERE frame_id = ?", (frame_id,)
            ).fetchone()
        return row[0] if row else None

    def event_claims(self, event_id: str) -> list[SourcedClaim]:
        with self._reading() as conn:
            found = conn.execute(_EVENT_CLAIMS_SQL, (event_id,))
            return [self._sourced_claim(row) for row in found]

    def iter_minhashes(self) -> Iterator[tuple[str, str | None, tuple[int, ...]]]:
        """(report id, original id, MinHash signature) of each report stored with a signature,
        in the order added: what a duplicate detector needs to recognise copies across runs."""
        # Reports are never deleted, so rowid order is the order they were added.
        found = self._conn.execute(
            "SELECT id, original_id, minhash FROM reports WHERE minhash IS NOT NULL ORDER BY rowid"
        )
        for row in found:
            yield row["id"], row["original_id"], self._signature(row)

    # --- reads for the CLI, API and pages ---------------------------------------------------

    def events(
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
        """Events overlapping the date window, newest first (undated last), then by id."""
        _check_page(limit, offset)
        where, params = _listing_filters(
            "e", "event", date_from=date_from, date_to=date_to, country=country, actor=actor
        )
        if type:
            where.append("e.type = ?")
            params.append(type)
        return self._search_page(
            q=q,
            table="events e",
            fts=("claims_fts", "events_fts"),
            matching=f"(e.id IN ({EVENTS_OF_MATCHING_CLAIMS})"
            " OR e.seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?))",
            where=where,
            params=params,
            select="SELECT e.*, ee.episode_id AS episode FROM events e"
            " LEFT JOIN episode_events ee ON ee.event_id = e.id",
            order="e.date_start DESC, e.id",
            limit=limit,
            offset=offset,
            item=lambda row: {**rows.event_summary(row), "episode": row["episode"]},
        )

    def event(self, event_id: str) -> dict[str, Any] | None:
        """``Event.to_dict()`` with its summary fields, sources, claims and quotes."""
        with self._reading() as conn:
            row = conn.execute("SELECT * FROM events WHERE id = ?", (event_id,)).fetchone()
            if row is None:
                return None
            d = rows.event_from_row(row).to_dict()
            summary = rows.event_summary(row)
            for key in ("countries", "headline", "lat", "lon", "n_reports", "n_claims"):
                d[key] = summary[key]
            d["contradiction"] = summary["contradiction"]
            d["killed"] = summary["killed"]
            episode = conn.execute(
                "SELECT episode_id FROM episode_events WHERE event_id = ?", (event_id,)
            ).fetchone()
            d["episode"] = episode[0] if episode else None
            d["sources"] = [
                dict(source)
                for source in conn.execute(
                    "SELECT r.id AS report_id, r.source, r.outlet, r.published, r.title, r.url,"
                    " r.original_id AS original"
                    " FROM event_reports er JOIN reports r ON r.id = er.report_id"
                    " WHERE er.event_id = ? ORDER BY er.position",
                    (event_id,),
                )
            ]
            d["claims"] = [rows.claim_dict(c) for c in conn.execute(_EVENT_CLAIMS_SQL, (event_id,))]
            d["quotes"] = [
                rows.quote_dict(quote)
                for quote in conn.execute(
                    "SELECT q.*, r.source FROM event_reports er"
                    " JOIN quotes q ON q.report_id = er.report_id"
                    " JOIN reports r ON r.id = er.report_id"
                    " WHERE er.event_id = ? ORDER BY er.position, q.start",
                    (event_id,),
                )
            ]
        return d

    def claims(
        self,
        *,
        q: str | None = None,
        event_id: str | None = None,
        measure: str | None = None,
        country: str | None = None,
        claimant: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Claims, newest report first. ``q`` is an FTS5 query over claim sentences (plain
        words work; text that is not valid FTS5 is searched as quoted words). ``country``
        matches the victim's or the claimant's; ``claimant`` is a case-insensitive substring
        of the claimant's name or mention."""
        _check_page(limit, offset)
        where: list[str] = []
        params: list[Any] = []
        if event_id:
            where.append("c.frame_id IN (SELECT frame_id FROM frame_events WHERE event_id = ?)")
            params.append(event_id)
        if measure:
            where.append("c.measure = ?")
            params.append(measure)
        if country:
            where.append("(c.victim_country = ? OR c.claimant_country = ?)")
            params += [country.strip().upper()] * 2
        if claimant and claimant.strip():
            where.append(
                "instr(sitrep_casefold(coalesce(c.claimant_name, '') || char(31)"
                " || c.claimant_text), ?) > 0"
            )
            params.append(rows.casefold(claimant.strip()))
        return self._search_page(
            q=q,
            table="claims c",
            fts="claims_fts",
            where=where,
            params=params,
            select=_CLAIM_SELECT,
            order="c.published DESC, c.report_id, c.start, c.id",
            limit=limit,
            offset=offset,
            item=rows.claim_dict,
        )

    def quotes(
        self,
        *,
        q: str | None = None,
        event_id: str | None = None,
        speaker: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Quotes, newest report first; ``q`` is an FTS5 query over the quoted text."""
        _check_page(limit, offset)
        where: list[str] = []
        params: list[Any] = []
        if event_id:
            where.append("q.report_id IN (SELECT report_id FROM event_reports WHERE event_id = ?)")
            params.append(event_id)
        if speaker and speaker.strip():
            where.append(
                "instr(sitrep_casefold(coalesce(q.speaker_name, '') || char(31)"
                " || coalesce(q.speaker_text, '')), ?) > 0"
            )
            params.append(rows.casefold(speaker.strip()))
        return self._search_page(
            q=q,
            table="quotes q",
            fts="quotes_fts",
            where=where,
            params=params,
            select="SELECT q.*, r.source, r.outlet, r.published FROM quotes q"
            " JOIN reports r ON r.id = q.report_id",
            order="r.published DESC, q.report_id, q.start, q.id",
            limit=limit,
            offset=offset,
            item=lambda row: {
                **rows.quote_dict(row),
                "outlet": row["outlet"],
                "published": row["published"],
            },
        )

    def _search_page(
        self,
        *,
        q: str | None,
        table: str,
        fts: str | Sequence[str],
        where: list[str],
        params: list[Any],
        select: str,
        order: str,
        limit: int,
        offset: int,
        item: Callable[[sqlite3.Row], dict[str, Any]],
        matching: str | None = None,
    ) -> Page:
        """One page of ``table`` rows under ``where`` and an optional FTS5 query ``q`` over
        ``fts`` (one table or several), with the total count. A row matches ``q`` when it meets
        ``matching`` (each ``?`` stands for the query); by default when its ``seq`` is a rowid
        of the first table."""
        alias = table.split()[-1]
        tables = (fts,) if isinstance(fts, str) else tuple(fts)
        if matching is None:
            first = tables[0]
            matching = f"{alias}.seq IN (SELECT rowid FROM {first} WHERE {first} MATCH ?)"
        with self._reading() as conn:
            match = self._match_expression(conn, q, tables)
            if match:
                where = [*where, matching]
                params = [*params, *[match] * matching.count("?")]
            clause = f" WHERE {' AND '.join(where)}" if where else ""
            total = conn.execute(f"SELECT count(*) FROM {table}{clause}", params).fetchone()[0]
            found = conn.execute(
                f"{select}{clause} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset]
            )
            items = [item(row) for row in found]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def report(self, report_id: str) -> dict[str, Any] | None:
        """A report's text with the spans found in it, for highlighting."""
        with self._reading() as conn:
            row = conn.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
            if row is None:
                return None
            claims = conn.execute(
                'SELECT id, start, "end", quantity_start, quantity_end, measure, value'
                " FROM claims WHERE report_id = ? ORDER BY start, quantity_start, id",
                (report_id,),
            )
            quotes = conn.execute(
                "SELECT * FROM quotes WHERE report_id = ? ORDER BY start, id", (report_id,)
            )
            places = conn.execute(
                'SELECT m.start, m."end", m.text, p.* FROM place_mentions m'
                " JOIN places p ON p.id = m.place_id WHERE m.report_id = ? ORDER BY m.start",
                (report_id,),
            )
            outlets = conn.execute(
                "SELECT outlet FROM cited_outlets WHERE report_id = ? ORDER BY position",
                (report_id,),
            )
            events = conn.execute(
                "SELECT id FROM events WHERE id IN (SELECT fe.event_id FROM frames f"
                " JOIN frame_events fe ON fe.frame_id = f.id WHERE f.report_id = ?)"
                " OR id IN (SELECT event_id FROM event_reports WHERE report_id = ?)"
                " ORDER BY date_start DESC, id",
                (report_id, report_id),
            )
            return {
                "id": row["id"],
                "source": row["source"],
                "outlet": row["outlet"],
                "published": row["published"],
                "title": row["title"],
                "url": row["url"],
                "original": row["original_id"],
                "text": row["text"],
                "body_start": row["body_start"],
                "extractor_version": row["extractor_version"],
                "added_at": row["added_at"],
                "claims": [dict(c) for c in claims],
                "quotes": [
                    {
                        "id": quote["id"],
                        "start": quote["start"],
                        "end": quote["end"],
                        "speaker": rows.actor_dict(quote, "speaker"),
                    }
                    for quote in quotes
                ],
                "places": [
                    {
                        "name": p["name"],
                        "country": p["country"],
                        "admin1": p["admin1"],
                        "lat": p["lat"],
                        "lon": p["lon"],
                        "kind": p["kind"],
                        "text": p["text"],
                        "start": p["start"],
                        "end": p["end"],
                    }
                    for p in places
                ],
                "cited_outlets": [o["outlet"] for o in outlets],
                "events": [e["id"] for e in events],
            }

    def actors(self, *, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        """Named claimants and victims with how often each appears in either role."""
        _check_page(limit, offset)
        needle = rows.casefold(q.strip()) if q and q.strip() else None
        with self._reading() as conn:
            params = {"q": needle, "limit": limit, "offset": offset}
            total = conn.execute(f"SELECT count(*) FROM ({_ACTORS_SQL})", params).fetchone()[0]
            found = conn.execute(
                f"{_ACTORS_SQL} ORDER BY as_claimant + as_victim DESC, name, country, type"
                " LIMIT :limit OFFSET :offset",
                params,
            )
            items = [dict(row) for row in found]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def places(self, *, q: str | None = None, limit: int = 50, offset: int = 0) -> Page:
        """Places mentioned in reports or located events, busiest first."""
        _check_page(limit, offset)
        where, params = "", []
        if q and q.strip():
            where = " WHERE instr(sitrep_casefold(p.name), ?) > 0"
            params.append(rows.casefold(q.strip()))
        with self._reading() as conn:
            total = conn.execute(f"SELECT count(*) FROM places p{where}", params).fetchone()[0]
            found = conn.execute(
                "SELECT p.name, p.country, p.admin1, p.lat, p.lon, p.kind,"
                " (SELECT count(*) FROM event_places ep WHERE ep.place_id = p.id) AS n_events"
                f" FROM places p{where} ORDER BY n_events DESC, p.name, p.id LIMIT ? OFFSET ?",
                [*params, limit, offset],
            )
            items = [dict(row) for row in found]
        return Page(items=items, total=total, limit=limit, offset=offset)

    def facets(self, *, limit: int = DEFAULT_FACET_LIMIT) -> Facets:
        """Choices for list filters: event types, countries and named actors, with counts
        (counted again only when the database has changed since the last call)."""
        cache = self.__dict__.setdefault("_facet_cache", FacetCache())
        with self._reading() as conn:
            return cache.facets(conn, limit=limit)

    def stats(self) -> dict[str, int]:
        with self._reading() as conn:
            return {
                table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("reports", "claims", "quotes", "frames", "events", "places")
            }

    # --- streaming, for exporters ---------------------------------------------------------

    def iter_events(self) -> Iterator[Event]:
        """Every event, newest first, rebuilt one row at a time."""
        for row in self._conn.execute("SELECT * FROM events ORDER BY date_start DESC, id"):
            yield rows.event_from_row(row)

    def iter_claims(self) -> Iterator[dict[str, Any]]:
        """Every claim as a ``claims()`` item, in the order they were stored."""
        for row in self._conn.execute(f"{_CLAIM_SELECT} ORDER BY c.seq"):
            yield rows.claim_dict(row)

    def iter_frames(self) -> Iterator[tuple[EventFrame, str | None]]:
        """Every frame with its event id (None if not linked), in the order stored."""
        found = self._conn.execute(
            "SELECT f.*, fe.event_id FROM frames f"
            " LEFT JOIN frame_events fe ON fe.frame_id = f.id ORDER BY f.seq"
        )
        for row in found:
            yield rows.frame_from_row(row), row["event_id"]

    # --- helpers --------------------------------------------------------------------------

    def _match_expression(
        self, conn: sqlite3.Connection, q: str | None, tables: Sequence[str]
    ) -> str | None:
        """A valid FTS5 expression for ``q``: as given if valid, else its words quoted."""
        if q is None or not q.strip():
            return None
        query = q.strip()
        error: sqlite3.Error | None = None
        for candidate in (query, rows.fts_fallback(query)):
            if candidate is None:
                continue
            try:
                for table in tables:
                    conn.execute(
                        f"SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT 1", (candidate,)
                    ).fetchall()
            except sqlite3.OperationalError as exc:
                error = exc
                continue
            return candidate
        raise StoreQueryError(
            f'cannot search for {query!r} ({error}): use words, "quoted phrases", '
            "AND, OR, NOT and prefix*"
        )


# --- SQL shared by several methods ----------------------------------------------------------

# The events with a claim matching a full-text query (``?``), by way of their reports.
EVENTS_OF_MATCHING_CLAIMS = (
    "SELECT er.event_id FROM event_reports er WHERE er.report_id IN"
    " (SELECT c.report_id FROM claims c WHERE c.seq IN"
    " (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?))"
)

_CLAIM_SELECT = (
    "SELECT c.*, r.source, r.outlet, fe.event_id AS event, ee.episode_id AS episode FROM claims c"
    " JOIN reports r ON r.id = c.report_id"
    " LEFT JOIN frame_events fe ON fe.frame_id = c.frame_id"
    " LEFT JOIN episode_events ee ON ee.event_id = fe.event_id"
)

_EVENT_CLAIMS_SQL = (
    "SELECT c.*, r.source, r.outlet, r.original_id, fe.event_id AS event FROM frame_events fe"
    " JOIN claims c ON c.frame_id = fe.frame_id JOIN reports r ON r.id = c.report_id"
    " WHERE fe.event_id = ? ORDER BY c.published, c.report_id, c.start, c.id"
)

_ACTORS_SQL = """
SELECT name, country, type, sum(claimant) AS as_claimant, sum(victim) AS as_victim FROM (
    SELECT claimant_name AS name, claimant_country AS country, claimant_type AS type,
           1 AS claimant, 0 AS victim
    FROM claims WHERE claimant_name IS NOT NULL
    UNION ALL
    SELECT victim_name, victim_country, victim_type, 0, 1
    FROM claims WHERE victim_name IS NOT NULL
)
WHERE :q IS NULL OR instr(sitrep_casefold(name), :q) > 0
GROUP BY name, country, type
"""


# --- opening --------------------------------------------------------------------------------


def _connect(path: str, readonly: bool) -> sqlite3.Connection:
    memory = path == ":memory:" or path == ""
    if not memory:
        file = Path(path)
        if file.is_dir():
            raise StoreError(f"{path} is a folder, not a sitrep database")
        if readonly and not file.exists():
            raise StoreError(f"{path}: no such sitrep database")
        if not readonly and not file.parent.exists():
            raise StoreError(f"cannot create {path}: folder {file.parent} does not exist")
    try:
        if readonly and not memory:
            uri = f"{Path(path).resolve().as_uri()}?mode=ro"
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        return sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {path}: {exc}") from exc


def _check_identity(conn: sqlite3.Connection, path: str, *, readonly: bool, latest: int) -> None:
    """Refuse files that are not sitrep databases, or whose schema this code cannot use."""
    try:
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = user_version(conn)
        n_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a sitrep database ({exc})") from exc
    fresh = application_id == 0 and version == 0 and n_objects == 0
    if fresh:
        if readonly:
            raise StoreError(f"{path} is not a sitrep database (it is empty)")
        return
    if application_id != APPLICATION_ID:
        raise StoreError(f"{path} is not a sitrep database")
    if version > latest:
        raise StoreError(
            f"{path} has schema version {version}, newer than this sitrep knows ({latest}):"
            " upgrade sitrep"
        )
    if readonly and version < latest:
        raise StoreError(
            f"{path} has schema version {version} and needs version {latest}:"
            " open it once for writing to upgrade it"
        )


# --- argument checks ------------------------------------------------------------------------


def _day(value: date | str | None, name: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise StoreQueryError(f"{name} must be a date like 2025-03-04, not {value!r}") from None


def _listing_filters(
    alias: str,
    kind: str,
    *,
    date_from: date | str | None,
    date_to: date | str | None,
    country: str | None,
    actor: str | None,
) -> tuple[list[str], list[Any]]:
    """The conditions (and their parameters) that the event and episode lists share, over
    the table ``alias`` of ``kind`` "event" or "episode": overlapping the date window, in
    the country (its ``{kind}_countries`` table), naming the actor."""
    where: list[str] = []
    params: list[Any] = []
    start, end = _day(date_from, "date_from"), _day(date_to, "date_to")
    if start:
        where.append(f"coalesce({alias}.date_end, {alias}.date_start) >= ?")
        params.append(start)
    if end:
        where.append(f"{alias}.date_start <= ?")
        params.append(end)
    if country:
        where.append(f"{alias}.id IN (SELECT {kind}_id FROM {kind}_countries WHERE country = ?)")
        params.append(country.strip().upper())
    if actor and actor.strip():
        where.append(f"instr({alias}.actor_search, ?) > 0")
        params.append(rows.casefold(actor.strip()))
    return where, params


def _check_page(limit: int, offset: int) -> None:
    for name, value in (("limit", limit), ("offset", offset)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise StoreQueryError(f"{name} must be a whole number >= 0, not {value!r}")
