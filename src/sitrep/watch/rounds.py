"""Rounds of ``sitrep watch``: poll each source, fetch what is new, ingest it.

A round: reports left queued by an interrupted run are ingested first; then each source is
fetched (conditionally, with the cursor the store keeps), its entries compared with the URLs
already met (canonical form, and the feed's stamp of the item), new and changed articles are
fetched, their main text extracted, passed through the relevance filter and queued in the
store; the queue is then ingested through ``ReportWriter``, the one writer of every ingest
path. A feed's cursor is saved only after all its entries were dealt with, so a kill never
hides an entry behind a 304 answer. Transient article failures (timeouts, 5xx) are tried again
in later rounds, up to ``max_attempts``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sitrep.ingest.errors import InputProblem
from sitrep.ingest.feeds import Feed, FeedEntry, Source, read_feed
from sitrep.ingest.relevance import RelevanceFilter
from sitrep.ingest.webpage import report_from_page
from sitrep.models import Extraction, Report
from sitrep.watch.client import Fetched, FetchFailure, HttpClient, WatchSettings, canonical_url

if TYPE_CHECKING:  # the store, linker and extractor load lazily
    from sitrep.link import EpisodeConfig, LinkConfig
    from sitrep.nlp.pipeline import Extractor
    from sitrep.process import ReportWriter
    from sitrep.store import Store
    from sitrep.store.sources import UrlState

MAX_CHILD_SITEMAPS = 50


@dataclass
class RoundSummary:
    """What one round did: sources polled, articles fetched, new reports, skips, failures."""

    number: int = 0
    feeds: int = 0
    feeds_unchanged: int = 0  # 304 answers
    entries: int = 0
    repeated: int = 0  # entries met before, not fetched again
    fetched: int = 0
    new: int = 0  # reports stored
    unchanged: int = 0  # fetched, but the text was stored already (or a 304)
    skipped: int = 0  # dropped by the relevance filter
    queued: int = 0  # left for the next run (stopped before ingesting them)
    failed: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    claims: int = 0
    seconds: float = 0.0

    def fail(self, failure: FetchFailure | str, kind: str) -> str:
        line = str(failure)
        self.failed[kind] += 1
        self.failures.append(line)
        return line

    def line(self) -> str:
        """The one-line account of the round printed on a terminal."""
        failed = sum(self.failed.values())
        kinds = ", ".join(f"{kind} {n}" for kind, n in self.failed.most_common())
        parts = [
            f"round {self.number}" if self.number else "round",
            f"{self.feeds} feeds ({self.feeds_unchanged} unchanged)",
            f"{self.entries} entries ({self.repeated} seen before)",
            f"{self.fetched} fetched",
            f"{self.new} new",
            f"{self.unchanged} unchanged",
            f"{self.skipped} skipped by the filter",
            f"{failed} failed" + (f" ({kinds})" if kinds else ""),
        ]
        if self.queued:
            parts.append(f"{self.queued} queued for the next run")
        return " · ".join(parts) + f" · {self.seconds:.1f}s"

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "feeds": self.feeds,
            "feeds_unchanged": self.feeds_unchanged,
            "entries": self.entries,
            "repeated": self.repeated,
            "fetched": self.fetched,
            "new": self.new,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "queued": self.queued,
            "failed": dict(self.failed),
            "failures": list(self.failures),
        }


Progress = Callable[[int, int], None]  # (articles done, articles known so far)


class Watcher:
    """Runs rounds over sources into one store; ``stop()`` ends the round after the current
    report (a signal handler calls it)."""

    def __init__(
        self,
        store: Store,
        *,
        settings: WatchSettings | None = None,
        extractor: Extractor | None = None,
        relevance: RelevanceFilter | None = None,
        rule: str = "conservative",
        link_config: LinkConfig | None = None,
        episode_config: EpisodeConfig | None = None,
        client: HttpClient | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or WatchSettings()
        self.client = client or HttpClient(self.settings)
        self.relevance = relevance or RelevanceFilter()
        self._extractor = extractor
        self.rule = rule
        self.link_config = link_config
        self.episode_config = episode_config
        self.on_failure = on_failure
        self.on_progress = on_progress
        self.stopping = False
        self.rounds = 0
        self._writer: ReportWriter | None = None

    def stop(self) -> None:
        """Finish the report at hand, then end the round (and the watch)."""
        self.stopping = True

    # ---- a round -------------------------------------------------------------------------

    def run_round(self, sources: Iterable[Source]) -> RoundSummary:
        """Poll every source once and ingest what is new."""
        self.rounds += 1
        summary = RoundSummary(number=self.rounds)
        started = time.monotonic()
        self._done = self._known = 0
        self.ingest_queue(summary)
        self._retry_failed(summary)
        handled: set[str] = set()
        for source in sources:
            if self.stopping:
                break
            self._poll(source.url, source.outlet, summary, handled, depth=0)
        self.ingest_queue(summary)
        summary.seconds = time.monotonic() - started
        return summary

    def _poll(
        self,
        url: str,
        outlet: str | None,
        summary: RoundSummary,
        handled: set[str],
        depth: int,
    ) -> None:
        """Fetch one feed or sitemap and deal with its entries; its cursor is saved last."""
        store = self.store
        summary.feeds += 1
        state = store.feed_state(url)
        answer = self.client.get(
            url,
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
        )
        if isinstance(answer, FetchFailure):
            store.save_feed_failure(url, answer.reason)
            self._report(summary.fail(FetchFailure(url, answer.kind, answer.reason), answer.kind))
            return
        if answer.status == 304:
            summary.feeds_unchanged += 1
            store.save_feed_fetch(
                url,
                kind=None,
                outlet=outlet,
                etag=None,
                last_modified=None,
                entries=0,
                changed=False,
            )
            return
        feed = read_feed(answer.body, url)
        if not isinstance(feed, Feed):
            store.save_feed_failure(url, feed.reason)
            self._report(summary.fail(feed, "malformed feed"))
            return
        summary.entries += len(feed.entries)
        complete = self._entries(feed.entries, url, outlet, summary, handled)
        if depth == 0:
            for child in feed.sitemaps[:MAX_CHILD_SITEMAPS]:
                if self.stopping:
                    complete = False
                    break
                self._poll(child, outlet, summary, handled, depth=1)
        if complete:
            # An index is always fetched whole: its children change without it changing.
            conditional = feed.kind != "sitemapindex"
            store.save_feed_fetch(
                url,
                kind=feed.kind,
                outlet=outlet,
                etag=answer.etag if conditional else None,
                last_modified=answer.last_modified if conditional else None,
                entries=len(feed.entries or feed.sitemaps),
                changed=True,
            )

    def _entries(
        self,
        entries: Iterable[FeedEntry],
        feed_url: str,
        outlet: str | None,
        summary: RoundSummary,
        handled: set[str],
    ) -> bool:
        """Fetch the entries not met before (or changed); False when stopped part-way."""
        todo: list[tuple[FeedEntry, str, UrlState | None]] = []
        for entry in entries:
            canonical = canonical_url(entry.url)
            if canonical in handled:
                continue
            handled.add(canonical)
            state = self.store.url_state(canonical)
            if self._wanted(entry, state):
                todo.append((entry, canonical, state))
            else:
                summary.repeated += 1
        self._known += len(todo)
        for entry, canonical, state in todo:
            if self.stopping:
                return False
            self._article(entry, canonical, state, feed_url, outlet, summary)
            self._done += 1
            if self.on_progress:
                self.on_progress(self._done, self._known)
        return True

    def _wanted(self, entry: FeedEntry, state: UrlState | None) -> bool:
        if state is None:
            return True
        if state.status == "queued":
            return False
        if state.status == "failed":
            return False  # retried by _retry_failed while attempts remain
        return bool(entry.stamp) and bool(state.stamp) and entry.stamp != state.stamp

    def _retry_failed(self, summary: RoundSummary) -> None:
        for url, feed_url, stamp in self.store.retryable_urls(self.settings.max_attempts):
            if self.stopping:
                return
            entry = FeedEntry(url, stamp=stamp or "")
            self._known += 1
            self._article(entry, url, self.store.url_state(url), feed_url, None, summary)
            self._done += 1

    def _article(
        self,
        entry: FeedEntry,
        canonical: str,
        state: UrlState | None,
        feed_url: str | None,
        outlet: str | None,
        summary: RoundSummary,
    ) -> None:
        """Fetch one article and queue its report (or record why not)."""
        store = self.store
        changed = state is not None and state.status != "failed"
        answer = self.client.get(
            entry.url,
            etag=state.etag if changed and state else None,
            last_modified=state.last_modified if changed and state else None,
        )
        if isinstance(answer, FetchFailure):
            store.mark_url(
                canonical, "failed", feed_url=feed_url, kind=answer.kind, reason=answer.reason
            )
            self._report(
                summary.fail(FetchFailure(entry.url, answer.kind, answer.reason), answer.kind)
            )
            return
        if answer.status == 304:  # asked conditionally, so the URL was met before
            summary.unchanged += 1
            status = state.status if state is not None else "unchanged"
            store.mark_url(canonical, status, feed_url=feed_url, stamp=entry.stamp)
            return
        summary.fetched += 1
        report = page_report(answer, entry, outlet)
        if isinstance(report, str):
            store.mark_url(
                canonical,
                "failed",
                feed_url=feed_url,
                stamp=entry.stamp,
                kind="no report",
                reason=report,
            )
            self._report(summary.fail(f"{entry.url}: {report}", "no report"))
            return
        validators = {"etag": answer.etag, "last_modified": answer.last_modified}
        if not self.relevance.relevant(report):
            summary.skipped += 1
            store.mark_url(
                canonical,
                "skipped",
                feed_url=feed_url,
                stamp=entry.stamp,
                report_id=report.id,
                **validators,
            )
            return
        if store.has_report(report.id):
            summary.unchanged += 1
            store.mark_url(
                canonical,
                "unchanged",
                feed_url=feed_url,
                stamp=entry.stamp,
                report_id=report.id,
                **validators,
            )
            return
        store.enqueue_report(canonical, report, feed_url=feed_url, stamp=entry.stamp, **validators)

    def _report(self, line: str) -> None:
        if self.on_failure:
            self.on_failure(line)

    # ---- ingesting the queue --------------------------------------------------------------

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            from sitrep.nlp.pipeline import Extractor

            self._extractor = Extractor()
        return self._extractor

    def ingest_queue(self, summary: RoundSummary) -> None:
        """Extract and store every queued report (oldest first) through ``ReportWriter``."""
        queued = list(self.store.queued_reports())
        if not queued or self.stopping:  # stopped: the queue waits, kept, for the next run
            summary.queued = len(queued)
            return
        urls: dict[str, list[str]] = {}
        for url, report in queued:
            urls.setdefault(report.id, []).append(url)
        writer = self._report_writer()

        def reports() -> Iterator[Report]:
            for _, report in queued:
                if self.stopping:
                    return
                yield report

        def written(extraction: Extraction) -> None:
            stored = writer.write(extraction)
            summary.new += int(stored)
            summary.unchanged += int(not stored)
            summary.claims += len(extraction.claims) if stored else 0
            for number, url in enumerate(urls.pop(extraction.report.id, ())):
                self.store.finish_queued(url, "stored" if number == 0 else "unchanged")

        try:
            for extraction in self.extractor.extract(reports()):
                written(extraction)
        except Exception:
            # One bad report must not block the queue for good: go on one report at a time,
            # so the one that fails is found and set aside with its reason.
            for _, report in queued:
                if self.stopping or report.id not in urls:
                    continue
                try:
                    (extraction,) = self.extractor.extract([report])
                except Exception as error:
                    detail = " ".join(str(error).split())[:160]
                    reason = f"extraction failed ({type(error).__name__}: {detail})"
                    for url in urls.pop(report.id):
                        self.store.finish_queued(url, "failed", kind="extraction", reason=reason)
                        self._report(summary.fail(f"{url}: {reason}", "extraction"))
                    continue
                written(extraction)
        summary.queued = sum(len(left) for left in urls.values())

    def _report_writer(self) -> ReportWriter:
        if self._writer is None:
            from sitrep.process import ReportWriter

            self._writer = ReportWriter(
                self.store,
                rule=self.rule,
                link_config=self.link_config,
                episode_config=self.episode_config,
            )
        return self._writer


def page_report(answer: Fetched, entry: FeedEntry, outlet: str | None) -> Report | str:
    """The Report of a fetched page, or the one-line reason it holds none."""
    try:
        return report_from_page(
            answer.body,
            answer.url,
            content_type=answer.content_type,
            published=entry.published,
            outlet=outlet,
            title=entry.title,
        )
    except InputProblem as problem:
        return str(problem)


def fetch_reports(
    urls: Iterable[str], client: HttpClient, relevance: RelevanceFilter | None = None
) -> tuple[list[Report], list[str]]:
    """Reports of a list of article URLs (the API's URL ingest), and one line per failure.

    Reports the relevance filter rejects are counted by it and left out.
    """
    reports: list[Report] = []
    failures: list[str] = []
    for url in dict.fromkeys(urls):
        answer = client.get(url)
        if isinstance(answer, FetchFailure):
            failures.append(str(answer))
            continue
        report = page_report(answer, FeedEntry(url), None)
        if isinstance(report, str):
            failures.append(f"{url}: {report}")
        elif relevance is None or relevance.relevant(report):
            reports.append(report)
    return reports, failures
