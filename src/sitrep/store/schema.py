"""The store's schema as one ordered list of migrations, and the code that applies them.

The schema version lives in SQLite's ``user_version`` (read on every open) and each applied
migration is also recorded in ``schema_migrations`` with the time it ran. To change the schema,
append a ``Migration`` with the next version number; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sitrep.store.errors import StoreError

# PRAGMA application_id marks a file as a sitrep store: the bytes "SITR".
APPLICATION_ID = int.from_bytes(b"SITR", "big")


@dataclass(frozen=True)
class Migration:
    """One schema step: ``sql`` is a script of statements run in a single transaction."""

    version: int
    name: str
    sql: str


_CORE = """
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
);

CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    text TEXT NOT NULL,
    body_start INTEGER NOT NULL,
    published TEXT,
    outlet TEXT,
    title TEXT,
    url TEXT,
    extractor_version TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX reports_by_published ON reports(published);

CREATE TABLE cited_outlets (
    report_id TEXT NOT NULL REFERENCES reports(id),
    outlet TEXT NOT NULL,
    position INTEGER NOT NULL,
    extractor_version TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (report_id, outlet)
);
CREATE INDEX cited_outlets_by_outlet ON cited_outlets(outlet);

CREATE TABLE frames (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    report_id TEXT NOT NULL REFERENCES reports(id),
    "key" INTEGER NOT NULL,
    type TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    date_start TEXT,
    date_end TEXT,
    date_granularity TEXT,
    date_text TEXT,
    published TEXT,
    link_start TEXT,            -- the days the frame is matched on when linking
    link_end TEXT,
    countries TEXT NOT NULL,    -- JSON list of ISO3 codes
    places TEXT NOT NULL,       -- JSON list of Place dicts
    actors TEXT NOT NULL,       -- JSON list of Actor dicts
    claim_ids TEXT NOT NULL,    -- JSON list
    terms TEXT NOT NULL,        -- JSON list
    is_primary INTEGER NOT NULL,
    extractor_version TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX frames_by_report ON frames(report_id, "key");
CREATE INDEX frames_by_date ON frames(date_start);

CREATE TABLE claims (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    report_id TEXT NOT NULL REFERENCES reports(id),
    frame_id TEXT REFERENCES frames(id),
    frame_key INTEGER,
    measure TEXT NOT NULL,
    value INTEGER,
    qualifier TEXT NOT NULL,
    low INTEGER,
    high INTEGER,
    quantity_text TEXT NOT NULL,
    victim_text TEXT,
    victim_name TEXT,
    victim_country TEXT,
    victim_type TEXT,
    claimant_text TEXT NOT NULL,
    claimant_name TEXT,
    claimant_country TEXT,
    claimant_type TEXT,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    quantity_start INTEGER NOT NULL,
    quantity_end INTEGER NOT NULL,
    period_start TEXT,
    period_end TEXT,
    period_granularity TEXT,
    period_text TEXT,
    negated INTEGER NOT NULL,
    published TEXT,             -- the report's, copied for ordering without a join
    extractor_version TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX claims_by_report ON claims(report_id, start);
CREATE INDEX claims_by_frame ON claims(frame_id);
CREATE INDEX claims_by_measure ON claims(measure);
CREATE INDEX claims_by_victim_country ON claims(victim_country);
CREATE INDEX claims_by_claimant_country ON claims(claimant_country);
CREATE INDEX claims_by_claimant_name ON claims(claimant_name);
CREATE INDEX claims_by_victim_name ON claims(victim_name);
CREATE INDEX claims_by_published ON claims(published DESC, report_id, start, id);

CREATE TABLE quotes (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    report_id TEXT NOT NULL REFERENCES reports(id),
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    speaker_text TEXT,
    speaker_name TEXT,
    speaker_country TEXT,
    speaker_type TEXT,
    extractor_version TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX quotes_by_report ON quotes(report_id, start);

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    country TEXT,
    admin1 TEXT,
    lat REAL,
    lon REAL,
    kind TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE INDEX places_by_name ON places(name);

CREATE TABLE place_mentions (
    report_id TEXT NOT NULL REFERENCES reports(id),
    place_id TEXT NOT NULL REFERENCES places(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (report_id, start, "end", place_id)
);
CREATE INDEX place_mentions_by_place ON place_mentions(place_id);

-- Which event each frame belongs to (the event may not be saved yet).
CREATE TABLE frame_events (
    frame_id TEXT PRIMARY KEY REFERENCES frames(id),
    event_id TEXT NOT NULL,
    assigned_at TEXT NOT NULL
);
CREATE INDEX frame_events_by_event ON frame_events(event_id);

-- Linking index: one row per (country, day) a linked frame covers, newest first by seq.
CREATE TABLE frame_days (
    country TEXT NOT NULL,
    day TEXT NOT NULL,          -- ISO day, or '' for frames with no date at all
    seq INTEGER NOT NULL,       -- frames.seq: later-added frames sort first within a day
    frame_id TEXT NOT NULL REFERENCES frames(id),
    PRIMARY KEY (country, day, seq)
) WITHOUT ROWID;

CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    type TEXT NOT NULL,
    date_start TEXT,
    date_end TEXT,
    countries TEXT NOT NULL,    -- JSON list of ISO3, also in event_countries
    places TEXT NOT NULL,       -- JSON list of Place dicts
    actors TEXT NOT NULL,       -- JSON list of Actor dicts
    actor_search TEXT NOT NULL, -- casefolded names and mentions, for substring filters
    figures TEXT NOT NULL,      -- JSON list of Figure dicts
    frame_ids TEXT NOT NULL,
    report_ids TEXT NOT NULL,
    sources TEXT NOT NULL,
    n_reports INTEGER NOT NULL,
    n_claims INTEGER NOT NULL,
    headline TEXT,
    lat REAL,
    lon REAL,
    contradiction INTEGER NOT NULL,
    has_killed INTEGER NOT NULL,
    killed_low INTEGER,
    killed_best INTEGER,
    killed_high INTEGER,
    digest TEXT NOT NULL,       -- hash of the saved content: re-saving it is a no-op
    saved_at TEXT NOT NULL
);
-- SQLite sorts NULL lowest, so DESC puts undated events last.
CREATE INDEX events_by_date ON events(date_start DESC, id);
CREATE INDEX events_by_type ON events(type, date_start DESC, id);

CREATE TABLE event_countries (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, country)
);
CREATE INDEX event_countries_by_country ON event_countries(country, event_id);

CREATE TABLE event_reports (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    report_id TEXT NOT NULL REFERENCES reports(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, report_id)
);
CREATE INDEX event_reports_by_report ON event_reports(report_id);

CREATE TABLE event_places (
    event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    place_id TEXT NOT NULL REFERENCES places(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, place_id)
);
CREATE INDEX event_places_by_place ON event_places(place_id);
"""


def _fts(table: str, column: str) -> str:
    """An external-content FTS5 index over ``table.column``, kept in sync by triggers."""
    fts = f"{table}_fts"
    return f"""
CREATE VIRTUAL TABLE {fts} USING fts5(
    {column}, content='{table}', content_rowid='seq',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
    INSERT INTO {fts}(rowid, {column}) VALUES (new.seq, new.{column});
END;
CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
    INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.seq, old.{column});
END;
CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} BEGIN
    INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.seq, old.{column});
    INSERT INTO {fts}(rowid, {column}) VALUES (new.seq, new.{column});
END;
INSERT INTO {fts}({fts}) VALUES ('rebuild');
"""


# A syndicated copy points at the report it copies (never at another copy), so reconciliation
# can count it once; its MinHash signature (little-endian unsigned 64-bit ints) lets the next
# run's duplicate detector recognise copies of reports stored by earlier runs.
_NEAR_COPIES = """
ALTER TABLE reports ADD COLUMN original_id TEXT REFERENCES reports(id);
ALTER TABLE reports ADD COLUMN minhash BLOB;
CREATE INDEX reports_by_original ON reports(original_id) WHERE original_id IS NOT NULL;
"""

# Episodes (events grouped into one story, see sitrep.link.episodes) and the toll fields of
# claims (sitrep.models.Claim: toll, part_of, as_of).
_EPISODES = """
ALTER TABLE claims ADD COLUMN toll TEXT;          -- cumulative | incremental | NULL
ALTER TABLE claims ADD COLUMN part_of INTEGER;    -- shared by the parts of one total
ALTER TABLE claims ADD COLUMN as_of TEXT;         -- the date a running toll is given for
ALTER TABLE claims ADD COLUMN statistic INTEGER;  -- 1: a figure over a period, not of an event

CREATE TABLE episodes (
    seq INTEGER PRIMARY KEY,    -- creation order: when two episodes merge the older id stays
    id TEXT NOT NULL UNIQUE,
    date_start TEXT,
    date_end TEXT,
    countries TEXT NOT NULL,    -- JSON list of ISO3, also in episode_countries
    types TEXT NOT NULL,        -- JSON list of its events' types, also in episode_types
    places TEXT NOT NULL,       -- JSON list of Place dicts
    actors TEXT NOT NULL,       -- JSON list of Actor dicts
    actor_search TEXT NOT NULL, -- casefolded names and mentions, for substring filters
    figures TEXT NOT NULL,      -- JSON list of EpisodeFigure dicts (with history and grade)
    tolls TEXT NOT NULL,        -- JSON list of {measure, victim_country, low, best, high, grade}
    event_ids TEXT NOT NULL,
    report_ids TEXT NOT NULL,
    sources TEXT NOT NULL,
    n_events INTEGER NOT NULL,
    n_reports INTEGER NOT NULL,
    n_claims INTEGER NOT NULL,
    headline TEXT,
    lat REAL,
    lon REAL,
    contradiction INTEGER NOT NULL,
    digest TEXT NOT NULL,       -- hash of the saved content: re-saving it is a no-op
    saved_at TEXT NOT NULL
);
CREATE INDEX episodes_by_date ON episodes(date_start DESC, id);

-- Which episode each event belongs to (one row per event; the episode may not be saved yet).
CREATE TABLE episode_events (
    event_id TEXT PRIMARY KEY,
    episode_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    assigned_at TEXT NOT NULL
);
CREATE INDEX episode_events_by_episode ON episode_events(episode_id, position);

CREATE TABLE episode_countries (
    episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    country TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (episode_id, country)
);
CREATE INDEX episode_countries_by_country ON episode_countries(country, episode_id);

CREATE TABLE episode_types (
    episode_id TEXT NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    PRIMARY KEY (episode_id, type)
);
CREATE INDEX episode_types_by_type ON episode_types(type, episode_id);
"""

# Live sources (`sitrep watch`): each feed's cursor (validators for conditional requests), each
# article URL met (canonical form) with what became of it, and the fetched reports waiting for
# extraction, so a killed run resumes without fetching or storing anything twice.
_SOURCES = """
CREATE TABLE source_feeds (
    url TEXT PRIMARY KEY,
    kind TEXT,                  -- rss, atom, sitemap, sitemapindex
    outlet TEXT,
    etag TEXT,
    last_modified TEXT,
    entries INTEGER NOT NULL DEFAULT 0,
    checked_at TEXT,
    changed_at TEXT,
    failures INTEGER NOT NULL DEFAULT 0,
    reason TEXT                 -- the last fetch's failure, NULL after a good fetch
);

CREATE TABLE source_urls (
    url TEXT PRIMARY KEY,       -- canonical URL
    feed_url TEXT,
    status TEXT NOT NULL,       -- queued, stored, unchanged, skipped, failed
    stamp TEXT,                 -- what the feed said of the item (changes when it is updated)
    report_id TEXT,             -- content hash of the text extracted from the page
    etag TEXT,
    last_modified TEXT,
    kind TEXT,                  -- failure kind: timeout, http 500, robots.txt, ...
    reason TEXT,                -- one-line failure reason
    attempts INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX source_urls_by_status ON source_urls(status);
CREATE INDEX source_urls_by_report ON source_urls(report_id) WHERE report_id IS NOT NULL;

CREATE TABLE source_queue (
    seq INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE REFERENCES source_urls(url),
    report TEXT NOT NULL,       -- the fetched Report as JSON, waiting for extraction
    added_at TEXT NOT NULL
);
"""


# The LSH band keys of each report's MinHash signature, so that a writer finds the near-copy
# candidates of a new report by index instead of holding every signature in memory. Reports
# stored before this migration get their keys the first time a writer opens the store.
_BANDS = """
CREATE TABLE report_bands (
    band_key INTEGER NOT NULL,  -- 64-bit hash of (band number, that band of the signature)
    report_id TEXT NOT NULL
);
CREATE INDEX report_bands_by_key ON report_bands(band_key);
CREATE INDEX report_bands_by_report ON report_bands(report_id);
"""


# An episode grouper reads the events of a country saved last (``recent_grouped_events``):
# an index on the country alone is ordered by rowid, which grows as event rows are saved.
_RECENT_EVENTS = """
CREATE INDEX event_countries_recent ON event_countries(country);
"""


MIGRATIONS: list[Migration] = [
    Migration(1, "core tables", _CORE),
    Migration(
        2,
        "full-text search over claim sentences, quotes and event headlines",
        _fts("claims", "sentence") + _fts("quotes", "text") + _fts("events", "headline"),
    ),
    Migration(3, "near-copies: original report and MinHash signature", _NEAR_COPIES),
    Migration(4, "episodes and toll fields of claims", _EPISODES),
    Migration(5, "live sources: feed state, seen URLs, failures", _SOURCES),
    Migration(6, "near-copy band keys: LSH buckets looked up in the store", _BANDS),
    Migration(
        7, "events of a country in the order saved, for episodes loaded on demand", _RECENT_EVENTS
    ),
]


def check_migrations(migrations: Sequence[Migration]) -> None:
    """Versions must run 1, 2, 3, ... with no gap or repeat."""
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(
                f"migration {migration.name!r} has version {migration.version}, expected {expected}"
            )


check_migrations(MIGRATIONS)

LATEST_VERSION = MIGRATIONS[-1].version


def statements(script: str) -> Iterator[str]:
    """Split a script into complete statements (trigger bodies contain semicolons)."""
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n\t;"):
                yield buffer.strip()
            buffer = ""
    if buffer.strip(" \n\t;"):
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:80]}")


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply pending migrations, each in its own transaction; returns the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Safe against another
    process migrating the same file at once: the version is re-read under the write lock.
    """
    check_migrations(migrations)
    applied: list[int] = []
    for migration in migrations:
        if user_version(conn) >= migration.version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            if user_version(conn) >= migration.version:
                conn.execute("COMMIT")
                continue
            for statement in statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, now()),
            )
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise StoreError(
                    f"could not apply schema migration {migration.version} "
                    f"({migration.name}): {exc}"
                ) from exc
            raise
        applied.append(migration.version)
    return applied


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
