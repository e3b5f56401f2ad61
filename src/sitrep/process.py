"""Orchestration: reports → extraction → store → linking → reconciliation.

Reports are stored, linked and their events rebuilt in transactions of ``WRITE_BATCH`` whole
reports, so a crash leaves whole reports only, and a re-run skips what is stored
(content-hash ids) and resumes.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sitrep.ingest import IngestError, read_reports
from sitrep.link import (
    DuplicateDetector,
    EpisodeConfig,
    EpisodeGrouper,
    EventSketch,
    LinkConfig,
    Linker,
    MemoryFrameIndex,
    StoreFrameIndex,
    TermStats,
    build_episode,
    build_event,
)
from sitrep.link.terms import SeenIds
from sitrep.models import (
    Episode,
    Event,
    EventFrame,
    Extraction,
    Report,
    SourcedClaim,
    content_id,
)
from sitrep.nlp.pipeline import Extractor
from sitrep.store import Store

ProgressHook = Callable[[str, int], None]  # (what, how many) e.g. ("report", 1)
WRITE_BATCH = 32  # reports stored per transaction: a crash loses at most this many
WORKING_SET = 4096  # events a writer's linker and episode grouper hold between batches


@dataclass
class IngestSummary:
    """What one ingest run did."""

    added: int = 0
    unchanged: int = 0
    duplicates: int = 0
    claims: int = 0
    quotes: int = 0
    events_touched: int = 0  # events made or changed, each counted once
    errors: list[IngestError] = field(default_factory=list)
    _events_seen: SeenIds = field(default_factory=SeenIds, repr=False, compare=False)

    def touch_events(self, event_ids: Iterable[str]) -> None:
        """Count events made or changed (each once, in memory that does not grow with the
        run: ``SeenIds``)."""
        for event_id in event_ids:
            if not self._events_seen.add(event_id):
                self.events_touched += 1

    def drop_events(self, event_ids: Iterable[str]) -> None:
        """Events merged away: no longer counted."""
        for event_id in event_ids:
            if self._events_seen.add(event_id):
                self.events_touched -= 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "claims": self.claims,
            "quotes": self.quotes,
            "events_touched": self.events_touched,
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


def unstored(
    reports: Iterable[Report],
    store: Store,
    summary: IngestSummary,
    progress: ProgressHook | None = None,
) -> Iterator[Report]:
    """The reports not yet in the store (the others are counted unchanged): what a re-run
    skips before it costs a parse."""
    for report in reports:
        if store.has_report(report.id):
            summary.unchanged += 1
            if progress:
                progress("report", 1)
            continue
        yield report


def ingest_reports(
    store: Store,
    reports: Iterable[Report],
    *,
    extractor: Extractor | None = None,
    rule: str = "conservative",
    summary: IngestSummary | None = None,
    progress: ProgressHook | None = None,
    link_config: LinkConfig | None = None,
    episode_config: EpisodeConfig | None = None,
    working_set: int | None = None,
) -> IngestSummary:
    """Extract, store, link and reconcile reports not yet in the store (``link_config``,
    ``episode_config``: the linker's and the episode grouper's settings, defaults when None;
    ``working_set``: events the writer holds in memory, ``WORKING_SET`` when None)."""
    summary = summary or IngestSummary()
    extractor = extractor or Extractor()
    writer = ReportWriter(
        store,
        rule=rule,
        link_config=link_config,
        summary=summary,
        episode_config=episode_config,
        working_set=working_set,
    )

    pending: list[Extraction] = []
    for extraction in extractor.extract(unstored(reports, store, summary, progress)):
        pending.append(extraction)
        if len(pending) >= WRITE_BATCH:
            writer.write_all(pending)
            if progress:
                progress("report", len(pending))
            pending = []
    if pending:
        writer.write_all(pending)
        if progress:
            progress("report", len(pending))
    return summary


class ReportWriter:
    """The one writer of a store: each extraction is checked for near-copies, stored, linked,
    and the events it touched are rebuilt. Every ingest path (``ingest_reports``, distributed
    backfills) writes through it, in arrival order, so the same inputs give the same store.

    Memory stays bounded however long the run: once the linker or the episode grouper holds
    more than ``working_set`` events at the end of a batch, both let go of them (everything
    is saved by then) and read back from the store the events later reports meet."""

    def __init__(
        self,
        store: Store,
        *,
        rule: str = "conservative",
        link_config: LinkConfig | None = None,
        summary: IngestSummary | None = None,
        episode_config: EpisodeConfig | None = None,
        working_set: int | None = None,
    ) -> None:
        self.store = store
        self.rule = rule
        self.config = link_config or LinkConfig()
        self.summary = summary or IngestSummary()
        self.working_set = WORKING_SET if working_set is None else working_set
        self.index = index = StoreFrameIndex(store, config=self.config)
        self.linker = Linker(index, config=self.config)
        self.duplicates = stored_duplicates(store)
        self.episodes = StoredEpisodes(
            store, config=episode_config, rule=rule, term_stats=index.term_stats
        )

    def write_all(self, extractions: Iterable[Extraction]) -> int:
        """Write extractions in order in one transaction (all or, on a crash, none of them);
        how many were new. The episodes they touched are rebuilt once, at the end."""
        with self.store.batch():
            written = sum(self._write(extraction) for extraction in extractions)
            self.episodes.flush()
            self._bound_memory()
            return written

    def write(self, extraction: Extraction) -> bool:
        """Store, link and reconcile one extraction; False when its report was stored."""
        with self.store.batch():
            written = self._write(extraction)
            self.episodes.flush()
            self._bound_memory()
            return written

    def _bound_memory(self) -> None:
        """Let go of the events held once there are more than ``working_set`` (after a
        flush: the store has every one of them)."""
        held = max(self.index.held(), self.episodes.grouper.held())
        if held > self.working_set:
            self.index.forget()
            self.linker.forget()
            self.episodes.forget()

    def _write(self, extraction: Extraction) -> bool:
        """``write`` without rebuilding the episodes touched (``StoredEpisodes.flush``)."""
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
        summary.drop_events(emptied)
        rebuilt = []
        frames_of: dict[str, list[EventFrame]] = {}
        for event_id in sorted(touched):  # by id: events are saved in the same order every run
            frames = frames_of[event_id] = store.frames_of_event(event_id)
            event = rebuild_event(store, event_id, rule=self.rule, frames=frames)
            store.save_events([event])
            rebuilt.append(event)
        self.episodes.update(rebuilt, removed=emptied, flush=False, frames=frames_of)
        summary.added += 1
        summary.claims += len(extraction.claims)
        summary.quotes += len(extraction.quotes)
        summary.touch_events(sorted(touched))
        return True


class StoredEpisodes:
    """Keeps a store's episodes current as its events change: an ``EpisodeGrouper`` that
    goes on from the store's episodes (each read when one of its events is first met, so
    opening costs the same whatever the store holds); ``update`` regroups the events a
    report touched and ``flush`` rebuilds the episodes they are in, once per batch of reports
    (an episode touched by every report of a batch is read and reconciled once)."""

    def __init__(
        self,
        store: Store,
        *,
        config: EpisodeConfig | None = None,
        rule: str = "conservative",
        term_stats: TermStats | None = None,
    ) -> None:
        self.store = store
        self.rule = rule
        self.config = config or EpisodeConfig()
        source = StoreSketches(store, self.config) if store.has_episodes() else None
        self.grouper = EpisodeGrouper(self.config, term_stats=term_stats, source=source)
        self._dirty: set[str] = set()  # episodes to rebuild at the next flush
        self._fresh: dict[str, Event] = {}  # events rebuilt since the last flush

    def update(
        self,
        events: Sequence[Event],
        *,
        removed: Iterable[str] = (),
        flush: bool = True,
        frames: Mapping[str, Sequence[EventFrame]] | None = None,
    ) -> set[str]:
        """Regroup rebuilt ``events`` (and forget ``removed`` ones), then save the episodes
        touched (with ``flush=False``: at the next ``flush``); returns their ids. ``frames``:
        the events' frames when the caller has just read them."""
        store, grouper = self.store, self.grouper
        touched = {episode_id for e in removed if (episode_id := grouper.remove(e))}
        for event_id in removed:
            self._fresh.pop(event_id, None)
        for event in sorted(events, key=lambda e: e.id):  # the same store on every run
            members = frames.get(event.id) if frames is not None else None
            if members is None:
                members = store.frames_of_event(event.id)
            touched.add(grouper.add(EventSketch.of(event, members, self.config)))
            self._fresh[event.id] = event
        self._dirty |= touched
        self._dirty |= {source for source, _ in grouper.take_regrouped()}
        if flush:
            self.flush()
        return {episode_id for episode_id in touched if grouper.exists(episode_id)}

    def forget(self) -> None:
        """Let go of the events and episodes held (call after ``flush``, when the store has
        them all): they are read back from the store when next met."""
        self.grouper.forget(StoreSketches(self.store, self.config))

    def flush(self) -> set[str]:
        """Delete the episodes merged away or emptied since the last flush and rebuild the
        others touched, oldest first; returns the ids rebuilt."""
        store, grouper = self.store, self.grouper
        dirty, self._dirty = self._dirty, set()
        fresh, self._fresh = self._fresh, {}
        gone = {episode_id for episode_id in dirty if not grouper.exists(episode_id)}
        if gone:
            store.delete_episodes(gone)
        kept = sorted(dirty - gone, key=grouper.born)
        for episode_id in kept:
            members = grouper.events_of(episode_id)
            store.assign_episode(episode_id, members)
            built = {m: fresh[m] for m in members if m in fresh}
            built.update(
                (e.id, e) for e in store.events_by_id(m for m in members if m not in built)
            )
            episode = build_episode(
                episode_id,
                [built[m] for m in members if m in built],
                store.episode_claims(episode_id),
                rule=self.rule,
            )
            store.save_episodes([episode])
        return set(kept)


class StoreSketches:
    """The episodes of earlier runs, read from a store as an ``EpisodeGrouper`` meets them
    (``link.SketchSource``): every lookup is an index range, so its cost does not grow with
    the store."""

    def __init__(self, store: Store, config: EpisodeConfig) -> None:
        self.store = store
        self.config = config

    def first_born(self) -> int:
        return self.store.last_episode_seq() + 1

    def episode_of(self, event_id: str) -> str | None:
        return self.store.episode_of_event(event_id)

    def episode(self, episode_id: str) -> tuple[int | None, list[EventSketch]]:
        seq, members = self.store.episode_members(episode_id)
        return seq, [
            EventSketch.of(event, self.store.frames_of_event(event.id), self.config)
            for event in self.store.events_by_id(members)
        ]

    def bucket(self, kind: str, key: Any) -> list[str]:
        store, cfg = self.store, self.config
        if kind == "day":
            country, day = key
            return store.grouped_events_on_day(country, date.fromordinal(day), cfg.max_span_days)
        if kind == "report":
            return store.grouped_events_of_report(key)
        undated = cfg.max_span_days if kind == "undated" else None
        return store.recent_grouped_events(key, cfg.bucket_size, undated_over_days=undated)[::-1]


def stored_duplicates(store: Store) -> DuplicateDetector:
    """A near-copy detector over everything the store holds: candidates are looked up by the
    store's band keys (signatures are kept in the store, so nothing is rehashed, copies are
    caught across runs, and memory does not grow with the store)."""
    detector = DuplicateDetector(index=StoreBandIndex(store))
    while missing := store.reports_without_band_keys():  # stored before band keys were kept
        with store.batch():
            for report_id, signature in missing:
                store.add_band_keys(report_id, detector.band_keys(signature))
    return detector


class StoreBandIndex:
    """A near-copy detector's memory in the store: band keys in ``report_bands``, signatures
    and originals on the reports. Only the last few reports added are held, until the store
    has them."""

    def __init__(self, store: Store, *, recent: int = 256) -> None:
        self.store = store
        self._recent: OrderedDict[str, tuple[tuple[int, ...], str | None]] = OrderedDict()
        self._size = recent

    def __len__(self) -> int:
        return int(self.store.stats().get("reports", 0))

    def candidates(self, keys: Sequence[int]) -> list[tuple[str, str | None, tuple[int, ...]]]:
        return [(rid, original, sig) for rid, original, sig, _ in self.store.band_candidates(keys)]

    def remember(
        self, report_id: str, signature: tuple[int, ...], original: str | None, keys: list[int]
    ) -> None:
        self._recent[report_id] = (signature, original)
        while len(self._recent) > self._size:
            self._recent.popitem(last=False)
        self.store.add_band_keys(report_id, keys)

    def knows(self, report_id: str) -> bool:
        return report_id in self._recent or self.store.has_report(report_id)

    def signature_of(self, report_id: str) -> tuple[int, ...] | None:
        found = self._recent.get(report_id)
        return found[0] if found else None

    def original_of(self, report_id: str) -> str | None:
        found = self._recent.get(report_id)
        return found[1] if found else self.store.report_original(report_id)

    def order_of(self, report_id: str) -> int:
        position = self.store.report_position(report_id)
        return position if position is not None else sys.maxsize


def rebuild_event(
    store: Store,
    event_id: str,
    *,
    rule: str = "conservative",
    frames: Sequence[EventFrame] | None = None,
) -> Event:
    """Recompute an event from its frames and claims (after a link or with another rule);
    ``frames``: the event's frames when the caller has just read them."""
    if frames is None:
        frames = store.frames_of_event(event_id)
    claims = store.event_claims(event_id)
    return build_event(event_id, list(frames), claims, rule=rule)


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
    episode_config: EpisodeConfig | None = None,
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
        episode_config=episode_config,
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
        cls,
        extractor: Extractor,
        config: LinkConfig,
        *,
        rule: str = "conservative",
        episode_config: EpisodeConfig | None = None,
    ) -> CorpusRun:
        """A run whose linker uses ``config`` (and episodes ``episode_config``)."""
        return cls(
            extractor,
            rule=rule,
            linker=Linker(MemoryFrameIndex(config), config=config),
            episode_config=episode_config or EpisodeConfig(),
        )

    duplicates: DuplicateDetector = field(default_factory=DuplicateDetector)
    frames: list[EventFrame] = field(default_factory=list)
    claims: dict[str, list[SourcedClaim]] = field(default_factory=dict)  # by frame id
    sources: dict[str, str] = field(default_factory=dict)
    episode_config: EpisodeConfig = field(default_factory=EpisodeConfig)
    # claims in no frame, by the report's main frame: they belong to its episode
    story_claims: dict[str, list[SourcedClaim]] = field(default_factory=dict)
    main_frame: dict[str, str] = field(default_factory=dict)  # report id -> main frame id
    episode_of_event: dict[str, str] = field(default_factory=dict)  # set by episodes()
    # episodes grouped report by report, as a store's writer groups them (``_group``)
    grouper: EpisodeGrouper | None = None
    _moves_seen: int = 0

    def documents(self, reports: Iterable[Report]) -> Iterator[tuple[Extraction, dict[str, Any]]]:
        """Each extraction with its CONTRACT document (claims carry the event ids of the
        moment; ``events()`` has the final grouping, after any later split)."""
        for extraction in self.extractor.extract(reports):
            report = extraction.report
            original = self.duplicates.add(report.id, report.body)
            event_of_frame = self.linker.add_all(extraction.frames)
            self._group(event_of_frame.values())
            self.sources[report.id] = report.source
            frame_ids = {f.key: f.id for f in extraction.frames}
            self.frames.extend(extraction.frames)
            main = next((f.id for f in extraction.frames if f.primary), None)
            if main is not None:
                self.main_frame[report.id] = main
            for claim in extraction.claims:
                sourced = SourcedClaim(
                    claim, report.source, report.outlet, report.published, original
                )
                if claim.frame is not None:
                    self.claims.setdefault(frame_ids[claim.frame], []).append(sourced)
                elif main is not None:
                    self.story_claims.setdefault(main, []).append(sourced)
            yield extraction, extraction.to_dict(event_of_frame)

    def _episode_grouper(self) -> EpisodeGrouper:
        if self.grouper is None:
            stats = getattr(self.linker.index, "term_stats", None)
            self.grouper = EpisodeGrouper(self.episode_config, term_stats=stats)
        return self.grouper

    def _group(self, linked: Iterable[str]) -> None:
        """Regroup the events a report touched, as ``ReportWriter`` does: events an event
        split or absorption emptied leave, the others are sketched again, by id."""
        linker, grouper = self.linker, self._episode_grouper()
        if self._moves_seen > len(linker.regrouped):  # someone took the moves
            self._moves_seen = 0
        moves = linker.regrouped[self._moves_seen :]
        self._moves_seen = len(linker.regrouped)
        touched = set(linked)
        for source, target in moves:
            touched |= {source, target}
        frames = {event_id: linker.index.event_frames(event_id) for event_id in touched}
        for event_id in sorted(touched):
            if not frames[event_id]:
                grouper.remove(event_id)
        for event_id in sorted(touched):
            if members := frames[event_id]:
                event = build_event(event_id, members, [], rule=self.rule)
                grouper.add(EventSketch.of(event, members, self.episode_config))
        grouper.take_regrouped()

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

    def episodes(self, events: Sequence[Event] | None = None) -> list[Episode]:
        """The events (default: ``events()``) grouped into episodes, in the order of their
        first report; sets ``episode_of_event``."""
        events = list(self.events() if events is None else events)
        event_of = {f.id: self.linker.event_of(f.id) or content_id("e", f.id) for f in self.frames}
        frames_of: dict[str, list[EventFrame]] = {}
        for frame in self.frames:
            frames_of.setdefault(event_of[frame.id], []).append(frame)
        grouper = self._episode_grouper()
        for event in events:  # events the run did not group (given by the caller)
            if grouper.episode_of(event.id) is None:
                sketch = EventSketch.of(event, frames_of.get(event.id, []), self.episode_config)
                grouper.add(sketch)
        self.episode_of_event = {e.id: grouper.episode_of(e.id) or "" for e in events}
        claims: dict[str, list[SourcedClaim]] = {}
        for frame in self.frames:
            episode_id = self.episode_of_event.get(event_of[frame.id])
            if episode_id:
                bucket = claims.setdefault(episode_id, [])
                bucket += self.claims.get(frame.id, ())
                bucket += self.story_claims.get(frame.id, ())
        by_id = {e.id: e for e in events}
        return [
            build_episode(
                episode_id,
                [by_id[e] for e in members if e in by_id],
                claims.get(episode_id, []),
                rule=self.rule,
                sources=self.sources,
            )
            for episode_id, members in grouper.episodes().items()
            if any(e in by_id for e in members)
        ]

    def final_ids(self, document: dict[str, Any]) -> dict[str, Any]:
        """A CONTRACT document with each claim's final ``event`` and ``episode`` ids (after
        ``episodes()``): a claim in no frame takes the episode of its report's main event."""
        main = self.main_frame.get(str(document.get("report_id")))
        main_event = self.linker.event_of(main) if main else None
        for claim in document.get("claims", []):
            frame_id = claim.get("frame")
            event_id = self.linker.event_of(frame_id) if frame_id else None
            claim["event"] = event_id
            owner = event_id or main_event
            claim["episode"] = self.episode_of_event.get(owner) if owner else None
        return document
