"""Where the linker finds candidate frames: in memory or in the store, by country and day."""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Protocol

from sitrep.link.config import LinkConfig
from sitrep.link.terms import EventTerms, TermStats
from sitrep.models import EventFrame


def reference_span(frame: EventFrame, lag_days: int = 0) -> tuple[date, date] | None:
    """The frame's date span; else the ``lag_days`` before its report's publication (news
    reports what happened up to then); else ``None``."""
    if frame.date is not None:
        return frame.date.start, frame.date.end
    if frame.published is not None:
        return frame.published - timedelta(days=lag_days), frame.published
    return None


YEARLESS_PREFIX = "e:@--"
"""Among a frame's terms, the month of year of a calendar day an undated report names ("on
December 7" -> "e:@--12", with or without its year): the report's date is unknown, yet what
it tells falls near one of those months."""


ANTECEDENT_TERM = "e:@antecedent"
"""Among a frame's terms: the frame is an earlier event its report names as what led to the
main one ("after a landmine explosion injured five soldiers"), not the report's story."""


def is_antecedent(frame: EventFrame) -> bool:
    """Whether the frame is an antecedent event of its report (``ANTECEDENT_TERM``)."""
    return ANTECEDENT_TERM in frame.terms


def yearless_months(frame: EventFrame) -> frozenset[int]:
    """The months of year of the calendar days an undated frame's report names."""
    return _yearless_months(frame.terms)


@lru_cache(maxsize=4096)
def _yearless_months(terms: tuple[str, ...]) -> frozenset[int]:
    # the linker asks again for each candidate event a frame is compared with
    n = len(YEARLESS_PREFIX)
    return frozenset(int(t[n:]) for t in terms if t.startswith(YEARLESS_PREFIX) and t[n:].isdigit())


def months_fit(months: Iterable[int], span: tuple[date, date], slack_days: int) -> bool:
    """Whether a report that names days in ``months`` (of unknown years) can be about
    something on ``span``: some such month, in any year, is at most ``slack_days`` from it
    (no months: nothing refutes it)."""
    months = set(months)
    if not months:
        return True
    for year in range(span[0].year - 1, span[1].year + 2):
        for month in months:
            first = date(year, month, 1)
            last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
            if day_gap((first, last), span) <= slack_days:
                return True
    return False


def months_meet(a: Iterable[int], b: Iterable[int]) -> bool:
    """Whether two undated reports that name days in months ``a`` and ``b`` (years unknown)
    can tell of one event: some month of each is the same or next to the other (no months
    on either side: nothing refutes it)."""
    a, b = set(a), set(b)
    if not a or not b:
        return True
    return any((x - y) % 12 in (0, 1, 11) for x in a for y in b)


def day_gap(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two spans; 0 when they overlap."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


class EventDates:
    """Per event: the union of its frames' own dates (``core``) and of their reference spans
    (``loose``, which counts publication dates too)."""

    def __init__(self) -> None:
        self._core: dict[str, tuple[date, date]] = {}
        self._loose: dict[str, tuple[date, date]] = {}

    def widen(self, event_id: str, frame: EventFrame, lag_days: int) -> None:
        if frame.date is not None:
            _extend(self._core, event_id, (frame.date.start, frame.date.end))
        span = reference_span(frame, lag_days)
        if span is not None:
            _extend(self._loose, event_id, span)

    def span(self, event_id: str) -> tuple[tuple[date, date] | None, bool]:
        """The event's dates and whether they are its frames' own (not publication) dates."""
        core = self._core.get(event_id)
        return (core, True) if core else (self._loose.get(event_id), False)

    def forget(self, event_id: str) -> None:
        self._core.pop(event_id, None)
        self._loose.pop(event_id, None)

    def __len__(self) -> int:
        """How many events have dates here (a frame's own dates are also its reference span,
        so every event in ``_core`` is in ``_loose``)."""
        return len(self._loose)


def recount_event(
    event_id: str,
    frames: Iterable[EventFrame],
    dates: EventDates,
    centroids: dict[str, EventTerms],
    lag_days: int,
) -> None:
    """Recompute an event's dates and term centroid from all its frames (after a split)."""
    dates.forget(event_id)
    centroid = centroids[event_id] = EventTerms()
    for frame in frames:
        dates.widen(event_id, frame, lag_days)
        centroid.add(frame.terms)


def _extend(spans: dict[str, tuple[date, date]], key: str, span: tuple[date, date]) -> None:
    known = spans.get(key)
    spans[key] = span if known is None else (min(known[0], span[0]), max(known[1], span[1]))


# --- indexes -------------------------------------------------------------------------------


class FrameIndex(Protocol):
    """Where the linker finds already-linked frames and records new links."""

    term_stats: TermStats

    def candidates(self, frame: EventFrame) -> Iterable[tuple[EventFrame, str]]:
        """Already-linked frames that could describe the same event, with their event ids."""
        ...

    def add(self, frame: EventFrame, event_id: str) -> None:
        """Record that ``frame`` belongs to ``event_id``."""
        ...

    def event_span(self, event_id: str) -> tuple[tuple[date, date] | None, bool]:
        """The event's dates known to the index and whether they are its frames' own dates
        (``False``: only publication dates); ``(None, False)`` when nothing is dated."""
        ...

    def event_terms(self, event_id: str) -> EventTerms | None:
        """The event's term centroid (``None``: unknown, text evidence is then pairwise)."""
        ...

    def event_of(self, frame_id: str) -> str | None:
        """The event a frame is linked to now (``None``: not linked)."""
        ...

    def event_frames(self, event_id: str) -> list[EventFrame]:
        """Every frame linked to the event, oldest first."""
        ...

    def move(self, frames: Sequence[EventFrame], source: str, target: str) -> None:
        """Re-link ``frames`` of event ``source`` to event ``target`` (an event split)."""
        ...


class MemoryFrameIndex:
    """In-memory index: buckets by (country, day), by term signature and by report.

    Every bucket keeps only its most recent ``bucket_size`` frames and a lookup reads a bounded
    number of buckets, so the cost of one lookup does not grow with the number of frames.
    """

    def __init__(self, config: LinkConfig | None = None) -> None:
        self.config = config or LinkConfig()
        self.term_stats = TermStats()
        self._frames: dict[str, tuple[EventFrame, str]] = {}
        self._buckets: dict[tuple[str, Any], deque[str]] = {}
        self._by_report: dict[str, list[str]] = {}
        self._dates = EventDates()
        self._centroids: dict[str, EventTerms] = {}
        self._members: dict[str, list[str]] = {}  # event id -> frame ids, oldest first

    def __len__(self) -> int:
        return len(self._frames)

    def event_of(self, frame_id: str) -> str | None:
        entry = self._frames.get(frame_id)
        return entry[1] if entry else None

    def add(self, frame: EventFrame, event_id: str) -> None:
        if frame.id in self._frames:
            return
        self._frames[frame.id] = (frame, event_id)
        self._by_report.setdefault(frame.report_id, []).append(frame.id)
        for key in self._keys(frame, for_lookup=False):
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = deque(maxlen=self.config.bucket_size)
            bucket.append(frame.id)
        self._dates.widen(event_id, frame, self.config.publication_lag_days)
        self._centroids.setdefault(event_id, EventTerms()).add(frame.terms)
        self._members.setdefault(event_id, []).append(frame.id)
        self.term_stats.observe(frame)

    def event_span(self, event_id: str) -> tuple[tuple[date, date] | None, bool]:
        return self._dates.span(event_id)

    def event_terms(self, event_id: str) -> EventTerms | None:
        return self._centroids.get(event_id)

    def event_frames(self, event_id: str) -> list[EventFrame]:
        return [self._frames[fid][0] for fid in self._members.get(event_id, ())]

    def move(self, frames: Sequence[EventFrame], source: str, target: str) -> None:
        moving = {f.id for f in frames}
        kept = [fid for fid in self._members.get(source, ()) if fid not in moving]
        self._members[source] = kept
        self._members.setdefault(target, []).extend(f.id for f in frames)
        for frame in frames:
            self._frames[frame.id] = (frame, target)
        for event_id in (source, target):
            lag = self.config.publication_lag_days
            recount_event(event_id, self.event_frames(event_id), self._dates, self._centroids, lag)

    def candidates(self, frame: EventFrame) -> Iterator[tuple[EventFrame, str]]:
        limit = self.config.candidate_limit
        seen: set[str] = set()
        ids = list(self._by_report.get(frame.report_id, ()))
        for key in self._keys(frame, for_lookup=True):
            ids.extend(reversed(self._buckets.get(key, ())))  # newest first
        for fid in ids:
            if fid in seen:
                continue
            seen.add(fid)
            yield self._frames[fid]
            if len(seen) >= limit:
                return

    def _keys(self, frame: EventFrame, *, for_lookup: bool) -> list[tuple[str, Any]]:
        """Bucket keys of a frame: where it is stored, or (``for_lookup``) where to look."""
        cfg = self.config
        countries = sorted(frame.countries)[: cfg.max_countries]
        span = reference_span(frame, cfg.publication_lag_days)
        precise = span is not None and (span[1] - span[0]).days < cfg.max_date_span_days
        keys: list[tuple[str, Any]] = []
        if precise and span is not None:
            pad = cfg.window_days if for_lookup else 0
            first, last = span[0] - timedelta(days=pad), span[1] + timedelta(days=pad)
            days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
            middle = span[0]
            days.sort(key=lambda d: abs((d - middle).days))  # nearest days first
            keys.extend(("day", (c, d.toordinal())) for d in days for c in countries)
        if for_lookup or not precise:
            keys.extend(("undated", c) for c in countries)
        if not for_lookup or not precise:
            # recent frames per country: how a frame with no usable date finds dated ones
            keys.extend(("country", c) for c in countries)
        if not for_lookup or not precise or not countries:
            signature = self.term_stats.signature(frame.terms, cfg.signature_terms)
            keys.extend(("term", t) for t in signature)
        return keys


class StoreFrameIndex:
    """Index backed by ``sitrep.store.Store``: candidates come from ``store.linked_frames``
    (same country, within the date window, plus frames with no date at all) and links go to
    ``store.assign_frames``.

    The store can only be asked by date, so a frame with no date of its own also looks at the
    frames of its countries linked earlier in this session. Term statistics are learned from
    the frames added and the candidates read in this session.

    What it holds of events (dates, term centroids) is a cache of the store: ``forget`` drops
    it, and an event is read back from its stored frames when next met, so a long run can keep
    its memory bounded.
    """

    RECENT_REPORTS = 64  # reports whose frames are kept for the next frames of the same report

    def __init__(self, store: Any, *, config: LinkConfig | None = None) -> None:
        self.store = store
        self.config = config or LinkConfig()
        self.term_stats = TermStats()
        self._by_report: OrderedDict[str, list[tuple[EventFrame, str]]] = OrderedDict()
        self._recent: dict[str, deque[tuple[EventFrame, str]]] = {}
        self._dates = EventDates()
        self._dates_read: set[str] = set()
        self._centroids: dict[str, EventTerms] = {}
        self._in_centroid: set[str] = set()  # frame ids already counted in a centroid

    def held(self) -> int:
        """How many events the index holds dates or a term centroid of."""
        return max(len(self._centroids), len(self._dates_read), len(self._dates))

    def forget(self) -> None:
        """Drop what is held of events (their dates and term centroids, read back from the
        store when next needed). The term statistics and the bounded recent frames of each
        country are kept."""
        self._by_report.clear()
        self._dates = EventDates()
        self._dates_read.clear()
        self._centroids.clear()
        self._in_centroid.clear()

    def _read_event(self, event_id: str) -> None:
        """Dates and term centroid of an event linked earlier (in an earlier session, or
        before ``forget``), read once."""
        if event_id in self._dates_read:
            return
        self._dates_read.add(event_id)
        for other in self.store.frames_of_event(event_id):
            self._dates.widen(event_id, other, self.config.publication_lag_days)
            self._count_terms(event_id, other)

    def _count_terms(self, event_id: str, frame: EventFrame) -> None:
        if frame.id not in self._in_centroid:
            self._in_centroid.add(frame.id)
            self._centroids.setdefault(event_id, EventTerms()).add(frame.terms)

    def event_span(self, event_id: str) -> tuple[tuple[date, date] | None, bool]:
        self._read_event(event_id)
        return self._dates.span(event_id)

    def event_terms(self, event_id: str) -> EventTerms | None:
        self._read_event(event_id)
        return self._centroids.get(event_id)

    def candidates(self, frame: EventFrame) -> Iterator[tuple[EventFrame, str]]:
        cfg = self.config
        yield from self._by_report.get(frame.report_id, ())
        countries = sorted(frame.countries)[: cfg.max_countries]
        if not countries:
            return
        found: list[tuple[EventFrame, str]] = []
        span = reference_span(frame, cfg.publication_lag_days)
        if span is not None:
            pad = timedelta(days=cfg.window_days)
            found += self.store.linked_frames(
                date_from=span[0] - pad,
                date_to=span[1] + pad,
                countries=countries,
                limit=cfg.candidate_limit,
            )
        else:
            for country in countries:
                found += reversed(self._recent.get(country, ()))
        found += self.store.linked_frames(
            date_from=None, date_to=None, countries=countries, limit=cfg.candidate_limit // 4
        )
        seen: set[str] = set()
        for other, event_id in found:
            if other.id in seen:
                continue
            seen.add(other.id)
            self.term_stats.observe(other)
            self._dates.widen(event_id, other, self.config.publication_lag_days)
            yield other, event_id

    def event_of(self, frame_id: str) -> str | None:
        return self.store.event_of_frame(frame_id)

    def event_frames(self, event_id: str) -> list[EventFrame]:
        return self.store.frames_of_event(event_id)

    def move(self, frames: Sequence[EventFrame], source: str, target: str) -> None:
        moving = {f.id for f in frames}
        self.store.assign_frames([(frame_id, target) for frame_id in moving])
        for linked in (*self._by_report.values(), *self._recent.values()):
            for i, (frame, _) in enumerate(linked):
                if frame.id in moving:
                    linked[i] = (frame, target)
        for event_id in (source, target):
            members = self.store.frames_of_event(event_id)
            lag = self.config.publication_lag_days
            recount_event(event_id, members, self._dates, self._centroids, lag)
            self._in_centroid |= {f.id for f in members}
            self._dates_read.add(event_id)

    def add(self, frame: EventFrame, event_id: str) -> None:
        self.store.assign_frames([(frame.id, event_id)])
        linked = self._by_report.get(frame.report_id)
        if linked is None:
            linked = self._by_report[frame.report_id] = []
            while len(self._by_report) > self.RECENT_REPORTS:
                self._by_report.popitem(last=False)
        linked.append((frame, event_id))
        for country in sorted(frame.countries)[: self.config.max_countries]:
            recent = self._recent.get(country)
            if recent is None:
                recent = self._recent[country] = deque(maxlen=self.config.bucket_size)
            recent.append((frame, event_id))
        self._dates.widen(event_id, frame, self.config.publication_lag_days)
        self._count_terms(event_id, frame)
        self.term_stats.observe(frame)
