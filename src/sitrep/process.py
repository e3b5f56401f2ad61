"""Orchestration: reports → extraction → store → linking → reconciliation.

Each report is stored in its own transaction before it is linked, so a crash leaves whole
reports only, and a re-run skips what is stored (content-hash ids) and resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitrep.ingest import IngestError, read_reports
from sitrep.link import (
    DuplicateDetector,
    LinkConfig,
    Linker,
    MemoryFrameIndex,
    StoreFrameIndex,
    build_event,
)
from sitrep.models import Event, EventFrame, Extraction, Report, SourcedClaim, content_id
from sitrep.nlp.pipeline import Extractor
from sitrep.store import Store

ProgressHook = Callable[[str, int], None]  # (what, how many) e.g. ("report", 1)


@dataclass
class IngestSummary:
    """What one ingest run did."""

    added: int = 0
    unchanged: int = 0
    duplicates: int = 0
    claims: int = 0
    quotes: int = 0
    events: set[str] = field(default_factory=set)
    errors: list[IngestError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "claims": self.claims,
            "quotes": self.quotes,
            "events_touched": len(self.events),
            "errors": [str(e) for e in self.errors],
        }


def split_errors(
    items: Iterable[Report | IngestError],
    summary: IngestSummary,
    on_error: Callable[[IngestError], None] | None = None,
) -> Iterator[Report]:
    for item in items:
        if isinstance(item, IngestError):
            summary.errors.append(item)
            if on_error is not None:
                on_error(item)
            continue
        yield item


def ingest_reports(
    store: Store,
    reports: Iterable[Report],
    *,
    extractor: Extractor | None = None,
    rule: str = "conservative",
    summary: IngestSummary | None = None,
    progress: ProgressHook | None = None,
    link_config: LinkConfig | None = None,
) -> IngestSummary:
    """Extract, store, link and reconcile reports not yet in the store (``link_config``:
    the linker's settings, its defaults when None)."""
    summary = summary or IngestSummary()
    extractor = extractor or Extractor()
    writer = ReportWriter(store, rule=rule, link_config=link_config, summary=summary)

    def new_reports() -> Iterator[Report]:
        for report in reports:
            if store.has_report(report.id):
                summary.unchanged += 1
                if progress:
                    progress("report", 1)
                continue
            yield report

    for extraction in extractor.extract(new_reports()):
        writer.write(extraction)
        if progress:
            progress("report", 1)
    return summary


class ReportWriter:
    """The one writer of a store: each extraction is checked for near-copies, stored, linked,
    and the events it touched are rebuilt. Every ingest path (``ingest_reports``, distributed
    backfills) writes through it, in arrival order, so the same inputs give the same store."""

    def __init__(
        self,
        store: Store,
        *,
        rule: str = "conservative",
        link_config: LinkConfig | None = None,
        summary: IngestSummary | None = None,
    ) -> None:
        self.store = store
        self.rule = rule
        self.config = link_config or LinkConfig()
        self.summary = summary or IngestSummary()
        self.linker = Linker(StoreFrameIndex(store, config=self.config), config=self.config)
        self.duplicates = stored_duplicates(store)

    def write(self, extraction: Extraction) -> bool:
        """Store, link and reconcile one extraction; False when its report was stored."""
        store, summary = self.store, self.summary
        report = extraction.report
        if store.has_report(report.id):
            summary.unchanged += 1
            return False
        original = self.duplicates.add(report.id, report.body)
        signature = self.duplicates.signature_of(report.id)
        if original is not None:
            summary.duplicates += 1
        store.add_extraction(extraction, original=original, minhash=signature)
        touched = set(self.linker.add_all(extraction.frames).values())
        moves = self.linker.take_regrouped()  # a split or an absorbed event moved reports
        for source, target in moves:
            touched |= {source, target}
        emptied = {source for source, _ in moves if not store.frames_of_event(source)}
        if emptied:
            store.delete_events(emptied)
        touched -= emptied
        summary.events -= emptied
        for event_id in touched:
            store.save_events([rebuild_event(store, event_id, rule=self.rule)])
        summary.added += 1
        summary.claims += len(extraction.claims)
        summary.quotes += len(extraction.quotes)
        summary.events |= touched
        return True


def stored_duplicates(store: Store) -> DuplicateDetector:
    """A near-copy detector that knows every report already stored (signatures are kept in
    the store, so nothing is rehashed and copies are caught across runs)."""
    detector = DuplicateDetector()
    for report_id, original, signature in store.iter_minhashes():
        detector.load(report_id, signature, original)
    return detector


def rebuild_event(store: Store, event_id: str, *, rule: str = "conservative") -> Event:
    """Recompute an event from its frames and claims (after a link or with another rule)."""
    frames = store.frames_of_event(event_id)
    claims = store.event_claims(event_id)
    return build_event(event_id, frames, claims, rule=rule)


def ingest_paths(
    paths: Sequence[str | Path],
    store: Store,
    *,
    extractor: Extractor | None = None,
    rule: str = "conservative",
    max_bytes: int = 5_000_000,
    on_error: Callable[[IngestError], None] | None = None,
    progress: ProgressHook | None = None,
    link_config: LinkConfig | None = None,
) -> IngestSummary:
    """Read files/folders and ingest every report in them; bad inputs are collected."""
    summary = IngestSummary()
    reports = split_errors(read_reports(paths, max_bytes=max_bytes), summary, on_error)
    return ingest_reports(
        store,
        reports,
        extractor=extractor,
        rule=rule,
        summary=summary,
        progress=progress,
        link_config=link_config,
    )


def build_store(
    db_path: str | Path, paths: Sequence[str | Path], *, rule: str = "conservative"
) -> IngestSummary:
    """Create (or extend) a store from files: what `make demo` and the browser tests use."""
    with Store(db_path) as store:
        return ingest_paths(paths, store, rule=rule)


@dataclass
class CorpusRun:
    """In-memory linking for `sitrep extract`: documents stream out, events gather."""

    extractor: Extractor
    rule: str = "conservative"
    linker: Linker = field(default_factory=lambda: Linker(MemoryFrameIndex()))

    @classmethod
    def with_link_config(
        cls, extractor: Extractor, config: LinkConfig, *, rule: str = "conservative"
    ) -> CorpusRun:
        """A run whose linker uses ``config``."""
        return cls(extractor, rule=rule, linker=Linker(MemoryFrameIndex(config), config=config))

    duplicates: DuplicateDetector = field(default_factory=DuplicateDetector)
    frames: list[EventFrame] = field(default_factory=list)
    claims: dict[str, list[SourcedClaim]] = field(default_factory=dict)  # by frame id
    sources: dict[str, str] = field(default_factory=dict)

    def documents(self, reports: Iterable[Report]) -> Iterator[tuple[Extraction, dict[str, Any]]]:
        """Each extraction with its CONTRACT document (claims carry the event ids of the
        moment; ``events()`` has the final grouping, after any later split)."""
        for extraction in self.extractor.extract(reports):
            report = extraction.report
            original = self.duplicates.add(report.id, report.body)
            event_of_frame = self.linker.add_all(extraction.frames)
            self.sources[report.id] = report.source
            frame_ids = {f.key: f.id for f in extraction.frames}
            self.frames.extend(extraction.frames)
            for claim in extraction.claims:
                if claim.frame is None:
                    continue
                self.claims.setdefault(frame_ids[claim.frame], []).append(
                    SourcedClaim(claim, report.source, report.outlet, report.published, original)
                )
            yield extraction, extraction.to_dict(event_of_frame)

    def events(self) -> list[Event]:
        frames: dict[str, list[EventFrame]] = {}
        claims: dict[str, list[SourcedClaim]] = {}
        for frame in self.frames:
            event_id = self.linker.event_of(frame.id) or content_id("e", frame.id)
            frames.setdefault(event_id, []).append(frame)
            claims.setdefault(event_id, []).extend(self.claims.get(frame.id, ()))
        return [
            build_event(eid, members, claims[eid], rule=self.rule, sources=self.sources)
            for eid, members in frames.items()
        ]
