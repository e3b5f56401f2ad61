"""The write steps of ``Store``: each takes a connection inside an open transaction.

They are module functions so a test can observe a step or make it fail half-way.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence

from sitrep.models import Episode, Event, Extraction, Place, Report
from sitrep.store import rows
from sitrep.store.errors import StoreError


def _columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


_REPORT_COLUMNS = _columns(
    """
    id source text body_start published outlet title url extractor_version added_at
    """
)
_FRAME_COLUMNS = _columns(
    """
    id report_id key type trigger start end date_start date_end date_granularity date_text
    published link_start link_end countries places actors claim_ids terms is_primary
    extractor_version added_at
    """
)
_CLAIM_COLUMNS = _columns(
    """
    id report_id frame_id frame_key measure value qualifier low high quantity_text
    victim_text victim_name victim_country victim_type claimant_text claimant_name
    claimant_country claimant_type sentence start end quantity_start quantity_end
    period_start period_end period_granularity period_text negated published
    extractor_version added_at
    """
)
_TOLL_COLUMNS = _columns("toll part_of as_of statistic")
_QUOTE_COLUMNS = _columns(
    """
    id report_id text start end speaker_text speaker_name speaker_country speaker_type
    extractor_version added_at
    """
)
_EPISODE_COLUMNS = _columns(
    """
    id date_start date_end countries types places actors actor_search figures tolls event_ids
    report_ids sources n_events n_reports n_claims headline lat lon contradiction digest
    saved_at
    """
)
_EVENT_COLUMNS = _columns(
    """
    id type date_start date_end countries places actors actor_search figures frame_ids
    report_ids sources n_reports n_claims headline lat lon contradiction has_killed
    killed_low killed_best killed_high digest saved_at
    """
)


def _insert_sql(table: str, columns: Sequence[str], *, or_ignore: bool = True) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    return f"{verb} INTO {table} ({names}) VALUES ({marks})"


def _upsert_sql(table: str, columns: Sequence[str]) -> str:
    """Insert a row of ``table`` keyed by ``id``, or update every other column of it."""
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    return (
        f"{_insert_sql(table, columns, or_ignore=False)} ON CONFLICT (id) DO UPDATE SET {updates}"
    )


def _new_digest(conn: sqlite3.Connection, table: str, item_id: str, content: object) -> str | None:
    """The digest of ``content`` (a JSON-ready dict) to save in the row ``item_id`` of
    ``table``; None when the row already holds it (re-saving it is a no-op)."""
    digest = hashlib.sha1(rows.to_json(content).encode("utf-8")).hexdigest()
    saved = conn.execute(f"SELECT digest FROM {table} WHERE id = ?", (item_id,)).fetchone()
    return None if saved and saved["digest"] == digest else digest


def check_belongs(extraction: Extraction) -> None:
    report_id = extraction.report.id
    parts = [*extraction.claims, *extraction.quotes, *extraction.frames]
    for part in parts:
        if part.report_id != report_id:
            kind = type(part).__name__.lower()
            raise StoreError(
                f"cannot add report {extraction.report.source}: {kind} {part.id} belongs to"
                f" report {part.report_id}, not {report_id}"
            )


def insert_report(
    conn: sqlite3.Connection,
    extraction: Extraction,
    stamp: str,
    *,
    original: str | None = None,
    minhash: bytes | None = None,
) -> bool:
    """Insert the report row; ``minhash`` is a blob from ``rows.pack_minhash``."""
    r = extraction.report
    columns = _REPORT_COLUMNS
    values: tuple[object, ...] = (
        r.id,
        r.source,
        r.text,
        r.body_start,
        rows.iso(r.published),
        r.outlet,
        r.title,
        r.url,
        extraction.extractor_version,
        stamp,
    )
    if original is not None or minhash is not None:
        # Named only when set, so a store held at an older schema still takes plain reports.
        root = original_root(conn, r, original) if original is not None else None
        columns += ("original_id", "minhash")
        values += (root, minhash)
    return conn.execute(_insert_sql("reports", columns), values).rowcount == 1


def original_root(conn: sqlite3.Connection, report: Report, original: str) -> str:
    """The stored report a near-copy counts as: ``original``, or the report it copies."""
    if original == report.id:
        raise StoreError(f"cannot add report {report.source}: it cannot be a near-copy of itself")
    found = conn.execute(
        "SELECT coalesce(original_id, id) FROM reports WHERE id = ?", (original,)
    ).fetchone()
    if found is None:
        raise StoreError(
            f"cannot add report {report.source}: its original {original!r} is not stored"
        )
    return str(found[0])


def insert_frames(conn: sqlite3.Connection, extraction: Extraction, stamp: str) -> None:
    published = extraction.report.published
    values = []
    for f in extraction.frames:
        window = rows.link_window(f, published)
        values.append(
            (
                f.id,
                f.report_id,
                f.key,
                f.type,
                f.trigger,
                f.start,
                f.end,
                *rows.span_values(f.date),
                rows.iso(f.published),
                rows.iso(window[0]) if window else None,
                rows.iso(window[1]) if window else None,
                rows.to_json(sorted(f.countries)),
                rows.to_json([p.to_dict() for p in f.places]),
                rows.to_json([a.to_dict() for a in f.actors]),
                rows.to_json(list(f.claim_ids)),
                rows.to_json(list(f.terms)),
                int(f.primary),
                extraction.extractor_version,
                stamp,
            )
        )
    conn.executemany(_insert_sql("frames", _FRAME_COLUMNS), values)


def insert_claims(conn: sqlite3.Connection, extraction: Extraction, stamp: str) -> None:
    frame_ids = {f.key: f.id for f in extraction.frames}
    published = rows.iso(extraction.report.published)
    values = []
    for c in extraction.claims:
        q = c.quantity
        values.append(
            (
                c.id,
                c.report_id,
                frame_ids.get(int(c.frame)) if c.frame is not None else None,
                c.frame,
                c.measure,
                q.value,
                q.qualifier,
                q.low,
                q.high,
                q.text,
                *rows.actor_values(c.victim),
                *rows.actor_values(c.claimant),
                c.sentence,
                c.start,
                c.end,
                c.quantity_start,
                c.quantity_end,
                *rows.span_values(c.period),
                int(c.negated),
                published,
                extraction.extractor_version,
                stamp,
            )
        )
    columns = _CLAIM_COLUMNS
    if any(
        c.toll is not None or c.part_of is not None or c.as_of or c.statistic
        for c in extraction.claims
    ):
        # Named only when set, so a store held at an older schema still takes plain claims.
        columns += _TOLL_COLUMNS
        values = [
            (*row, c.toll, c.part_of, rows.iso(c.as_of), int(c.statistic))
            for row, c in zip(values, extraction.claims, strict=True)
        ]
    conn.executemany(_insert_sql("claims", columns), values)


def insert_quotes(conn: sqlite3.Connection, extraction: Extraction, stamp: str) -> None:
    values = [
        (
            q.id,
            q.report_id,
            q.text,
            q.start,
            q.end,
            *rows.actor_values(q.speaker),
            extraction.extractor_version,
            stamp,
        )
        for q in extraction.quotes
    ]
    conn.executemany(_insert_sql("quotes", _QUOTE_COLUMNS), values)


def insert_places(conn: sqlite3.Connection, extraction: Extraction, stamp: str) -> None:
    report_id = extraction.report.id
    for mention in extraction.places:
        place_id = _upsert_place(conn, mention.place, stamp)
        conn.execute(
            _insert_sql(
                "place_mentions",
                ("report_id", "place_id", "start", "end", "text", "extractor_version", "added_at"),
            ),
            (
                report_id,
                place_id,
                mention.start,
                mention.end,
                mention.text,
                extraction.extractor_version,
                stamp,
            ),
        )


def _upsert_place(conn: sqlite3.Connection, place: Place, stamp: str) -> str:
    place_id = rows.place_id(place)
    columns = ("id", "name", "country", "admin1", "lat", "lon", "kind", "added_at")
    values = (place.name, place.country, place.admin1, place.lat, place.lon, place.kind)
    conn.execute(_insert_sql("places", columns), (place_id, *values, stamp))
    return place_id


def insert_cited_outlets(conn: sqlite3.Connection, extraction: Extraction, stamp: str) -> None:
    outlets = dict.fromkeys(o for o in extraction.cited_outlets if o)
    conn.executemany(
        _insert_sql(
            "cited_outlets", ("report_id", "outlet", "position", "extractor_version", "added_at")
        ),
        [
            (extraction.report.id, outlet, position, extraction.extractor_version, stamp)
            for position, outlet in enumerate(outlets)
        ],
    )


def assign(conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]], stamp: str) -> None:
    for frame_id, event_id in pairs:
        frame = conn.execute(
            "SELECT seq, countries, link_start, link_end FROM frames WHERE id = ?", (frame_id,)
        ).fetchone()
        if frame is None:
            raise StoreError(f"cannot assign unknown frame {frame_id} to event {event_id}")
        conn.execute(
            "INSERT INTO frame_events (frame_id, event_id, assigned_at) VALUES (?, ?, ?)"
            " ON CONFLICT (frame_id) DO UPDATE SET event_id = excluded.event_id,"
            " assigned_at = excluded.assigned_at WHERE event_id != excluded.event_id",
            (frame_id, event_id, stamp),
        )
        days = rows.window_days(frame["link_start"], frame["link_end"])
        conn.executemany(
            "INSERT OR IGNORE INTO frame_days (country, day, seq, frame_id) VALUES (?, ?, ?, ?)",
            [
                (country, day, frame["seq"], frame_id)
                for country in rows.from_json(frame["countries"])
                for day in days
            ],
        )


def save_event(conn: sqlite3.Connection, event: Event, stamp: str) -> None:
    ids_json = rows.to_json(list(event.report_ids))
    missing = conn.execute(
        "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM reports)", (ids_json,)
    ).fetchone()
    if missing:
        raise StoreError(f"event {event.id} cites report {missing[0]}, which is not stored")
    frames_json = rows.to_json(list(event.frame_ids))
    linked = dict(
        conn.execute(
            "SELECT frame_id, event_id FROM frame_events"
            " WHERE frame_id IN (SELECT value FROM json_each(?))",
            (frames_json,),
        ).fetchall()
    )
    # frames linked to the event already are left alone (re-assigning them is a no-op)
    assign(conn, [(f, event.id) for f in event.frame_ids if linked.get(f) != event.id], stamp)

    digest = _new_digest(conn, "events", event.id, event.to_dict())
    if digest is None:
        return

    n_claims = conn.execute(
        "SELECT count(*) FROM claims WHERE frame_id IN (SELECT value FROM json_each(?))",
        (frames_json,),
    ).fetchone()[0]
    countries = rows.event_countries(event)
    lat, lon = rows.event_point(event.places)
    killed = rows.killed_summary(event.figures)
    values = (
        event.id,
        event.type,
        rows.iso(event.date_start),
        rows.iso(event.date_end),
        rows.to_json(countries),
        rows.to_json([p.to_dict() for p in event.places]),
        rows.to_json([a.to_dict() for a in event.actors]),
        rows.actor_search_text(event),
        rows.to_json([f.to_dict() for f in event.figures]),
        frames_json,
        ids_json,
        rows.to_json(list(event.sources)),
        len(event.report_ids),
        n_claims,
        _headline(conn, frames_json, ids_json),
        lat,
        lon,
        int(any(f.contradiction for f in event.figures)),
        int(killed is not None),
        killed["low"] if killed else None,
        killed["best"] if killed else None,
        killed["high"] if killed else None,
        digest,
        stamp,
    )
    conn.execute(_upsert_sql("events", _EVENT_COLUMNS), values)
    for table in ("event_countries", "event_reports", "event_places"):
        conn.execute(f"DELETE FROM {table} WHERE event_id = ?", (event.id,))
    conn.executemany(
        "INSERT INTO event_countries (event_id, country, position) VALUES (?, ?, ?)",
        [(event.id, country, i) for i, country in enumerate(countries)],
    )
    conn.executemany(
        "INSERT INTO event_reports (event_id, report_id, position) VALUES (?, ?, ?)",
        [(event.id, report_id, i) for i, report_id in enumerate(dict.fromkeys(event.report_ids))],
    )
    place_ids = dict.fromkeys(_upsert_place(conn, place, stamp) for place in event.places)
    conn.executemany(
        "INSERT INTO event_places (event_id, place_id, position) VALUES (?, ?, ?)",
        [(event.id, place_id, i) for i, place_id in enumerate(place_ids)],
    )


def _headline(conn: sqlite3.Connection, frames_json: str, reports_json: str) -> str | None:
    """The title of the earliest report whose main event this is, else its first sentence."""
    found = conn.execute(
        'SELECT r.title, substr(r.text, f.start + 1, f."end" - f.start) AS sentence,'
        " f.is_primary FROM frames f JOIN reports r ON r.id = f.report_id"
        " WHERE f.id IN (SELECT value FROM json_each(?))"
        " ORDER BY f.is_primary DESC, r.published IS NULL, r.published, f.seq",
        (frames_json,),
    ).fetchall()
    for row in found:
        if row["is_primary"] and row["title"]:
            return rows.headline_text(row["title"])
    if found:
        return rows.headline_text(found[0]["sentence"])
    title = conn.execute(
        "SELECT title FROM reports WHERE id IN (SELECT value FROM json_each(?))"
        " AND title IS NOT NULL ORDER BY published IS NULL, published, id LIMIT 1",
        (reports_json,),
    ).fetchone()
    return rows.headline_text(title["title"]) if title else None


def assign_episode(
    conn: sqlite3.Connection, episode_id: str, event_ids: Sequence[str], stamp: str
) -> None:
    """Record that ``event_ids`` (in this order) make up the episode."""
    conn.executemany(
        "INSERT INTO episode_events (event_id, episode_id, position, assigned_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET"
        " episode_id = excluded.episode_id, position = excluded.position,"
        " assigned_at = excluded.assigned_at"
        " WHERE episode_id != excluded.episode_id OR position != excluded.position",
        [(event_id, episode_id, i, stamp) for i, event_id in enumerate(event_ids)],
    )


def save_episode(conn: sqlite3.Connection, episode: Episode, stamp: str) -> None:
    """Insert or replace an episode row, its membership and its filter tables."""
    assign_episode(conn, episode.id, episode.event_ids, stamp)
    digest = _new_digest(conn, "episodes", episode.id, episode.to_dict())
    if digest is None:
        return
    events_json = rows.to_json(list(episode.event_ids))
    found = conn.execute(
        "SELECT type, headline, n_reports, date_start FROM events"
        " WHERE id IN (SELECT value FROM json_each(?))"
        " ORDER BY n_reports DESC, date_start IS NULL, date_start, id",
        (events_json,),
    ).fetchall()
    types = list(dict.fromkeys(row["type"] for row in found))
    headline = next((row["headline"] for row in found if row["headline"]), None)
    n_claims = conn.execute(
        "SELECT count(*) FROM claims WHERE frame_id IN (SELECT fe.frame_id FROM frame_events fe"
        " WHERE fe.event_id IN (SELECT value FROM json_each(?)))",
        (events_json,),
    ).fetchone()[0]
    countries = rows.event_countries(episode)
    lat, lon = rows.event_point(episode.places)
    values = (
        episode.id,
        rows.iso(episode.date_start),
        rows.iso(episode.date_end),
        rows.to_json(countries),
        rows.to_json(types),
        rows.to_json([p.to_dict() for p in episode.places]),
        rows.to_json([a.to_dict() for a in episode.actors]),
        rows.actor_search_text(episode),
        rows.to_json([f.to_dict() for f in episode.figures]),
        rows.to_json(rows.episode_tolls(episode.figures)),
        events_json,
        rows.to_json(list(episode.report_ids)),
        rows.to_json(list(episode.sources)),
        len(episode.event_ids),
        len(episode.report_ids),
        n_claims,
        headline,
        lat,
        lon,
        int(any(f.contradiction for f in episode.figures)),
        digest,
        stamp,
    )
    conn.execute(_upsert_sql("episodes", _EPISODE_COLUMNS), values)
    for table in ("episode_countries", "episode_types"):
        conn.execute(f"DELETE FROM {table} WHERE episode_id = ?", (episode.id,))
    conn.executemany(
        "INSERT INTO episode_countries (episode_id, country, position) VALUES (?, ?, ?)",
        [(episode.id, country, i) for i, country in enumerate(countries)],
    )
    conn.executemany(
        "INSERT INTO episode_types (episode_id, type) VALUES (?, ?)",
        [(episode.id, type_) for type_ in types],
    )
