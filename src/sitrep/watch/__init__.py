"""Live sources: follow news feeds and sitemaps, fetch new articles, ingest them.

``Watcher.run_round`` does one round over a list of ``Source``; ``HttpClient`` is the polite
HTTP client (robots.txt, per-host rate limit, timeouts, retries, size cap) it fetches with.
"""

from sitrep.watch.client import (
    Fetched,
    FetchFailure,
    HttpClient,
    WatchSettings,
    canonical_url,
)
from sitrep.watch.rounds import RoundSummary, Watcher, fetch_reports

__all__ = [
    "FetchFailure",
    "Fetched",
    "HttpClient",
    "RoundSummary",
    "WatchSettings",
    "Watcher",
    "canonical_url",
    "fetch_reports",
]
