"""Live-source state in the store: feed cursors, article URLs met, the fetch queue.

``SourcesMixin`` adds these methods to ``Store`` (the SQL lives here, the transactions are the
store's). A fetched article goes into ``source_queue`` with its URL marked ``queued`` in one
transaction; once its report is stored the queue row goes and the URL becomes ``stored``. A
killed run therefore finds every fetched page either stored or still queued: nothing is
fetched twice and nothing fetched is lost.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sitrep.models import Report, parse_day
from sitrep.store.schema import now

URL_STATUSES = ("queued", "stored", "unchanged", "skipped", "failed")


@dataclass(frozen=True)
class FeedState:
    """What the store remembers of one feed or sitemap."""

    url: str
    kind: str | None
    etag: str | None
    last_modified: str | None
    failures: int
    reason: str | None


@dataclass(frozen=True)
class UrlState:
    """What the store remembers of one article URL (canonical form)."""

    url: str
    status: str
    stamp: str | None
    report_id: str | None
    etag: str | None
    last_modified: str | None
    attempts: int
    reason: str | None


def report_to_json(report: Report) -> str:
    """A Report as JSON (dates as ISO strings), for the fetch queue."""
    fields = asdict(report)
    fields["published"] = report.published.isoformat() if report.published else None
    return json.dumps(fields, ensure_ascii=False)


def report_from_json(text: str) -> Report:
    fields = json.loads(text)
    fields["published"] = parse_day(fields.get("published"))
    return Report(**fields)


class SourcesMixin:
    """Feed and URL state methods of ``Store``; see the module docstring."""

    _transaction: Any
    _reading: Any

    def feed_state(self, url: str) -> FeedState | None:
        """The stored cursor of a feed, or None for a feed never fetched."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT url, kind, etag, last_modified, failures, reason"
                " FROM source_feeds WHERE url = ?",
                (url,),
            ).fetchone()
        return FeedState(*row) if row else None

    def save_feed_fetch(
        self,
        url: str,
        *,
        kind: str | None,
        outlet: str | None,
        etag: str | None,
        last_modified: str | None,
        entries: int,
        changed: bool,
    ) -> None:
        """Record a good fetch of a feed (``changed``: False for a 304 answer)."""
        stamp = now()
        with self._transaction(f"cannot save the state of feed {url}") as conn:
            conn.execute(
                "INSERT INTO source_feeds(url, kind, outlet, etag, last_modified, entries,"
                " checked_at, changed_at, failures, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)"
                " ON CONFLICT(url) DO UPDATE SET kind = coalesce(excluded.kind, kind),"
                " outlet = coalesce(excluded.outlet, outlet),"
                " etag = CASE WHEN ? THEN excluded.etag ELSE etag END,"
                " last_modified = CASE WHEN ? THEN excluded.last_modified ELSE last_modified END,"
                " entries = CASE WHEN ? THEN excluded.entries ELSE entries END,"
                " checked_at = excluded.checked_at,"
                " changed_at = CASE WHEN ? THEN excluded.changed_at ELSE changed_at END,"
                " failures = 0, reason = NULL",
                (url, kind, outlet, etag, last_modified, entries, stamp, stamp) + (changed,) * 4,
            )

    def save_feed_failure(self, url: str, reason: str) -> None:
        """Record a failed fetch of a feed; its cursor is kept for the next round."""
        stamp = now()
        with self._transaction(f"cannot save the state of feed {url}") as conn:
            conn.execute(
                "INSERT INTO source_feeds(url, checked_at, failures, reason) VALUES (?, ?, 1, ?)"
                " ON CONFLICT(url) DO UPDATE SET checked_at = excluded.checked_at,"
                " failures = failures + 1, reason = excluded.reason",
                (url, stamp, reason),
            )

    def url_state(self, url: str) -> UrlState | None:
        """What became of an article URL, or None for one never met."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT url, status, stamp, report_id, etag, last_modified, attempts, reason"
                " FROM source_urls WHERE url = ?",
                (url,),
            ).fetchone()
        return UrlState(*row) if row else None

    def mark_url(
        self,
        url: str,
        status: str,
        *,
        feed_url: str | None = None,
        stamp: str | None = None,
        report_id: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        kind: str | None = None,
        reason: str | None = None,
    ) -> None:
        """Record what became of an article URL; a failure adds one to its attempts."""
        if status not in URL_STATUSES:
            raise ValueError(f"unknown URL status {status!r}")
        with self._transaction(f"cannot record {url}") as conn:
            _upsert_url(
                conn, url, status, feed_url, stamp, report_id, etag, last_modified, kind, reason
            )

    def retryable_urls(self, max_attempts: int) -> list[tuple[str, str | None, str | None]]:
        """(URL, feed URL, stamp) of articles that failed for a passing reason (timeout, lost
        connection, 5xx/429 answer) fewer than ``max_attempts`` times, oldest first."""
        with self._reading() as conn:
            found = conn.execute(
                "SELECT url, feed_url, stamp FROM source_urls WHERE status = 'failed'"
                " AND attempts < ? AND (kind IN ('timeout', 'connection', 'http 429')"
                " OR kind LIKE 'http 5%') ORDER BY updated_at, url",
                (max_attempts,),
            ).fetchall()
        return [(row[0], row[1], row[2]) for row in found]

    def enqueue_report(
        self,
        url: str,
        report: Report,
        *,
        feed_url: str | None = None,
        stamp: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Keep a fetched report for extraction and mark its URL ``queued``, in one transaction."""
        with self._transaction(f"cannot queue {url}") as conn:
            _upsert_url(
                conn, url, "queued", feed_url, stamp, report.id, etag, last_modified, None, None
            )
            conn.execute(
                "INSERT INTO source_queue(url, report, added_at) VALUES (?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET report = excluded.report",
                (url, report_to_json(report), now()),
            )

    def queued_reports(self) -> Iterator[tuple[str, Report]]:
        """(URL, report) of each fetched report not yet extracted, oldest first."""
        with self._reading() as conn:
            found = conn.execute("SELECT url, report FROM source_queue ORDER BY seq").fetchall()
        for url, text in found:
            yield url, report_from_json(text)

    def finish_queued(
        self,
        url: str,
        status: str = "stored",
        *,
        kind: str | None = None,
        reason: str | None = None,
    ) -> None:
        """A queued report went through (stored, or found stored already) or could not be
        extracted (``failed`` with a kind and reason): dequeue its URL."""
        if status not in URL_STATUSES:
            raise ValueError(f"unknown URL status {status!r}")
        with self._transaction(f"cannot dequeue {url}") as conn:
            conn.execute("DELETE FROM source_queue WHERE url = ?", (url,))
            conn.execute(
                "UPDATE source_urls SET status = ?, kind = ?, reason = ?, updated_at = ?"
                " WHERE url = ?",
                (status, kind, reason, now(), url),
            )

    def source_stats(self) -> dict[str, Any]:
        """Counts of article URLs by status, failures by kind, feeds and queued reports."""
        with self._reading() as conn:
            statuses = dict(
                conn.execute("SELECT status, count(*) FROM source_urls GROUP BY status").fetchall()
            )
            failures = dict(
                conn.execute(
                    "SELECT coalesce(kind, 'other'), count(*) FROM source_urls"
                    " WHERE status = 'failed' GROUP BY 1 ORDER BY 2 DESC"
                ).fetchall()
            )
            feeds = conn.execute("SELECT count(*) FROM source_feeds").fetchone()[0]
            queued = conn.execute("SELECT count(*) FROM source_queue").fetchone()[0]
        return {"feeds": feeds, "urls": statuses, "failed": failures, "queued": queued}


def _upsert_url(
    conn: sqlite3.Connection,
    url: str,
    status: str,
    feed_url: str | None,
    stamp: str | None,
    report_id: str | None,
    etag: str | None,
    last_modified: str | None,
    kind: str | None,
    reason: str | None,
) -> None:
    stamp_now = now()
    failed = status == "failed"
    conn.execute(
        "INSERT INTO source_urls(url, feed_url, status, stamp, report_id, etag, last_modified,"
        " kind, reason, attempts, first_seen, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(url) DO UPDATE SET status = excluded.status,"
        " feed_url = coalesce(excluded.feed_url, feed_url),"
        " stamp = coalesce(excluded.stamp, stamp),"
        " report_id = coalesce(excluded.report_id, report_id),"
        " etag = coalesce(excluded.etag, etag),"
        " last_modified = coalesce(excluded.last_modified, last_modified),"
        " kind = excluded.kind, reason = excluded.reason,"
        " attempts = CASE WHEN ? THEN attempts + 1 ELSE 0 END,"
        " updated_at = excluded.updated_at",
        (
            url,
            feed_url,
            status,
            stamp,
            report_id,
            etag,
            last_modified,
            kind,
            reason,
            int(failed),
            stamp_now,
            stamp_now,
            failed,
        ),
    )
