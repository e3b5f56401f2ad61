"""Group events into episodes, one event at a time.

An episode is what a reader follows as one story: one attack and its aftermath, or one
continuous run of fighting between the same sides (a five-day border war is one episode of
many events). :class:`EpisodeGrouper` takes each new or changed event as an
:class:`EventSketch` (its dates, countries, provinces, reports and words) and puts it in an
episode, under the rules of :class:`~sitrep.link.config.EpisodeConfig`:

- dates: events whose dates overlap or are at most ``max_gap_days`` apart, in the same
  theatre, are one episode; an episode never spans more than ``max_days``;
- theatre: a shared country, and a shared province when both name provinces, except that a
  war between two countries spans provinces (``theatre``);
- two events of one report are one story unless their dates are too far apart or their
  places disagree: an unknown date or place neither confirms nor refutes (``same_report``);
- an event with no usable date otherwise joins the episode of its theatre whose words it
  shares most (``text_threshold``), given evidence beyond a shared country: a shared town
  or province, or a war between states; two stories of one country that each name towns
  and share none stay apart, and with only a country in common the words must say twice
  as much unless the episode holds the event's kind of violence. Joining through an
  undated event, the words must match that event too, not only the episode's centroid
  (a large centroid is close to any report of its kind in its theatre);
- a report that bridges two episodes merges them; the older episode keeps its id, so ids
  stay stable as reports arrive (``take_regrouped`` lists the merges).

Lookups go through buckets by (country, day), by country and by report, each keeping a
bounded number of recent events, so adding an event costs the same however many are known.
:func:`build_episode` turns an episode's events and claims into an
:class:`~sitrep.models.Episode` with each side's running toll reconciled.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from sitrep import reconcile as reconciliation
from sitrep.link.config import EpisodeConfig
from sitrep.link.events import ranked_places
from sitrep.link.index import (
    day_gap,
    is_antecedent,
    months_fit,
    months_meet,
    yearless_months,
)
from sitrep.link.terms import EventTerms, TermStats, Vector, cosine
from sitrep.models import Actor, Episode, Event, EventFrame, SourcedClaim, content_id

DEFAULT_EPISODE_CONFIG = EpisodeConfig()
_VECTOR_CACHE = 4096  # term vectors of undated events kept for pairwise matches


class SketchSource(Protocol):
    """Where a grouper finds the events and episodes of earlier runs, read when first met
    (so opening a store's grouper costs nothing, whatever the store holds)."""

    def first_born(self) -> int:
        """A creation order above that of every stored episode."""
        ...

    def episode_of(self, event_id: str) -> str | None:
        """The stored episode of an event."""
        ...

    def episode(self, episode_id: str) -> tuple[int | None, list[EventSketch]]:
        """A stored episode's creation order and the sketches of its events, in order."""
        ...

    def bucket(self, kind: str, key: Any) -> list[str]:
        """Stored events that may belong in a lookup bucket, oldest first: ``day`` (country,
        day ordinal), ``recent`` and ``undated`` (country), ``report`` (report id)."""
        ...


@dataclass(frozen=True)
class EventSketch:
    """What the grouper needs to know of an event."""

    id: str
    span: tuple[date, date] | None  # None: no usable date
    countries: frozenset[str]
    admin1s: frozenset[tuple[str, str | None]]
    report_ids: frozenset[str]
    frame_terms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (frame id, terms)
    types: frozenset[str] = frozenset()  # event types of its frames ("other" left out)
    months: frozenset[int] = frozenset()  # months of days its undated reports name yearless
    # an earlier event its reports name, with a time of its own in one of them, and no
    # report's main event
    antecedent: bool = False
    localities: frozenset[tuple[str, str | None]] = frozenset()  # towns, districts, sites

    @classmethod
    def of(
        cls, event: Event, frames: Sequence[EventFrame], config: EpisodeConfig | None = None
    ) -> EventSketch:
        """The sketch of an event built from ``frames`` (``build_event``)."""
        config = config or DEFAULT_EPISODE_CONFIG
        span: tuple[date, date] | None = None
        if event.date_start is not None:
            end = event.date_end or event.date_start
            if (end - event.date_start).days <= config.max_span_days:
                span = (event.date_start, end)
        countries = {c for f in frames for c in f.countries}
        countries |= {p.country for p in event.places if p.country}
        admin1s: set[tuple[str, str | None]] = set()
        localities: set[tuple[str, str | None]] = set()
        for frame in frames:
            for p in frame.places:
                if p.admin1:
                    admin1s.add((p.admin1.casefold(), p.country))
                elif p.kind == "admin1":
                    admin1s.add((p.name.casefold(), p.country))
                if p.kind not in {"country", "admin1", "region"}:
                    localities.add((p.name.casefold(), p.country))
        return cls(
            id=event.id,
            span=span,
            countries=frozenset(countries),
            admin1s=frozenset(admin1s),
            report_ids=frozenset(event.report_ids) | {f.report_id for f in frames},
            frame_terms=tuple((f.id, f.terms) for f in frames),
            types=frozenset(t for t in (event.type, *(f.type for f in frames)) if t) - {"other"},
            months=frozenset(m for f in frames for m in yearless_months(f)),
            antecedent=any(is_antecedent(f) for f in frames) and not any(f.primary for f in frames),
            localities=frozenset(localities),
        )

    @classmethod
    def of_frames(
        cls, event_id: str, frames: Sequence[EventFrame], config: EpisodeConfig | None = None
    ) -> EventSketch:
        """The sketch of an event from its frames alone (dates as ``build_event`` gives
        them: the frames' own, else their reports' publication dates)."""
        spans = [(f.date.start, f.date.end) for f in frames if f.date is not None]
        if not spans:
            spans = [(f.published, f.published) for f in frames if f.published is not None]
        start = min((s for s, _ in spans), default=None)
        end = max((e for _, e in spans), default=None)
        event = Event(event_id, "", start, end, (), (), (), (), ())
        return cls.of(event, frames, config)

    @property
    def terms(self) -> list[str]:
        return [t for _, terms in self.frame_terms for t in terms]


class EpisodeGrouper:
    """Incremental episode grouping: ``add`` an event's sketch, get its episode id."""

    def __init__(
        self,
        config: EpisodeConfig = DEFAULT_EPISODE_CONFIG,
        *,
        term_stats: TermStats | None = None,
        source: SketchSource | None = None,
    ) -> None:
        self.config = config
        self.term_stats = term_stats or TermStats()
        self._own_stats = term_stats is None
        self.regrouped: list[tuple[str, str]] = []
        """(from episode, to episode) each time two episodes merged; the first is gone."""
        self._start(source)

    def _start(self, source: SketchSource | None) -> None:
        """Hold nothing yet: what ``source`` has is read when first met."""
        self._source = source
        self._warmed: set[tuple[str, Any]] = set()  # buckets read from the source
        self._met: set[str] = set()  # episodes read from the source or made since
        self._born_offset = source.first_born() if source is not None else 0
        self._sketches: dict[str, EventSketch] = {}
        self._episode_of: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}  # episode id -> event ids, in order joined
        self._born: dict[str, int] = {}  # episode id -> creation order (older keeps its id)
        self._spans: dict[str, tuple[date, date]] = {}  # episode id -> its dated events' span
        self._centroids: dict[str, EventTerms] = {}
        self._types: dict[str, frozenset[str]] = {}  # episode id -> its events' types
        self._counted: set[str] = set()  # frame ids already in an episode centroid
        self._days: dict[tuple[str, int], deque[str]] = {}
        self._recent: dict[str, deque[str]] = {}  # country -> recent event ids
        self._undated: dict[str, deque[str]] = {}  # country -> recent events with no date
        self._by_report: dict[str, list[str]] = {}
        self._vectors: dict[str, tuple[int, EventSketch, Vector]] = {}

    def __len__(self) -> int:
        return len(self._members)

    def held(self) -> int:
        """How many events the grouper holds (its own and those read from its source)."""
        return len(self._sketches)

    def forget(self, source: SketchSource) -> None:
        """Drop every event and episode held, once ``source`` has them all (saved, with
        their creation order): they are read back when next met, as by a grouper opened
        on ``source`` anew. The term statistics are kept."""
        if self.regrouped:
            raise ValueError("take_regrouped() before forget(): merges not yet saved")
        self._start(source)

    # --- reads ----------------------------------------------------------------------------

    def episode_of(self, event_id: str) -> str | None:
        return self._episode_of.get(event_id)

    def born(self, episode_id: str) -> int:
        """The order in which the episode was made (older first; -1 when unknown)."""
        return self._born.get(episode_id, -1)

    def events_of(self, episode_id: str) -> list[str]:
        return list(self._members.get(episode_id, ()))

    def episodes(self) -> dict[str, list[str]]:
        """Every episode id with its event ids, oldest episode first."""
        ordered = sorted(self._members, key=self._born.__getitem__)
        return {episode_id: list(self._members[episode_id]) for episode_id in ordered}

    def take_regrouped(self) -> list[tuple[str, str]]:
        """Merges since the last call, as (from episode, to episode)."""
        moves, self.regrouped = self.regrouped, []
        return moves

    # --- writes ---------------------------------------------------------------------------

    def add_all(self, sketches: Iterable[EventSketch]) -> dict[str, str]:
        """Add (or update) events in order; event id -> episode id."""
        return {sketch.id: self.add(sketch) for sketch in sketches}

    def add(self, sketch: EventSketch) -> str:
        """Add an event, or update it after it changed; returns its episode id."""
        cfg = self.config
        self._meet_event(sketch.id)
        self._sketches[sketch.id] = sketch
        self._index(sketch)
        if self._own_stats:
            for frame_id, terms in sketch.frame_terms:
                self.term_stats.observe(_TermsOnly(frame_id, terms))
        previous = self._episode_of.get(sketch.id)
        candidates = self._candidates(sketch)
        if previous is not None:
            candidates.insert(0, previous)
        chosen: list[str] = []
        span = sketch.span
        for episode_id in sorted(dict.fromkeys(candidates), key=self._born.__getitem__):
            joined = _union(span, self._spans.get(episode_id))
            if joined is not None and (joined[1] - joined[0]).days >= cfg.max_days:
                continue
            chosen.append(episode_id)
            span = joined
        if not chosen:
            target = content_id("p", sketch.id)
            while target in self._members:  # an id freed earlier and taken again
                target = content_id("p", target)
            self._met.add(target)
            self._born[target] = self._born_offset + len(self._born)
            self._members[target] = []
            self._centroids[target] = EventTerms()
        else:
            target = chosen[0]
            for other in chosen[1:]:
                self._merge(other, target)
        if previous is not None and previous != target and previous in self._members:
            self._leave(sketch.id, previous)
        if self._episode_of.get(sketch.id) != target:
            self._members[target].append(sketch.id)
            self._episode_of[sketch.id] = target
        if sketch.span is not None:
            self._spans[target] = _union(sketch.span, self._spans.get(target)) or sketch.span
        self._types[target] = self._types.get(target, frozenset()) | sketch.types
        centroid = self._centroids[target]
        for frame_id, terms in sketch.frame_terms:
            if frame_id not in self._counted:
                self._counted.add(frame_id)
                centroid.add(terms)
        return target

    def load(
        self, sketch: EventSketch, episode_id: str, *, born: int | None = None, index: bool = True
    ) -> None:
        """Remember an event grouped by an earlier run into ``episode_id`` (no regrouping);
        load episodes oldest first so that merges keep the older id (or give ``born``, the
        episode's creation order). ``index=False``: not put in the lookup buckets (those
        read it from the source)."""
        self._sketches[sketch.id] = sketch
        if index:
            self._index(sketch)
        if episode_id not in self._members:
            self._born[episode_id] = (
                born if born is not None else self._born_offset + len(self._born)
            )
            self._members[episode_id] = []
            self._centroids[episode_id] = EventTerms()
        if self._episode_of.get(sketch.id) != episode_id:
            self._members[episode_id].append(sketch.id)
            self._episode_of[sketch.id] = episode_id
        if sketch.span is not None:
            self._spans[episode_id] = (
                _union(sketch.span, self._spans.get(episode_id)) or sketch.span
            )
        self._types[episode_id] = self._types.get(episode_id, frozenset()) | sketch.types
        for frame_id, terms in sketch.frame_terms:
            if self._own_stats:
                self.term_stats.observe(_TermsOnly(frame_id, terms))
            if frame_id not in self._counted:
                self._counted.add(frame_id)
                self._centroids[episode_id].add(terms)

    def remove(self, event_id: str) -> str | None:
        """Forget an event (it was merged into another); returns the episode it left."""
        self._meet_event(event_id)
        self._sketches.pop(event_id, None)
        episode_id = self._episode_of.get(event_id)
        if episode_id is not None:
            self._leave(event_id, episode_id)
        elif self._source is not None:
            # an event of an earlier run, gone from the store: its episode was read without
            # it, and has to be saved again (or deleted, when nothing is left of it)
            episode_id = self._source.episode_of(event_id)
        return episode_id

    def exists(self, episode_id: str) -> bool:
        return episode_id in self._members

    # --- internals ------------------------------------------------------------------------

    def _leave(self, event_id: str, episode_id: str) -> None:
        members = self._members.get(episode_id, [])
        if event_id in members:
            members.remove(event_id)
        if self._episode_of.get(event_id) == episode_id:
            del self._episode_of[event_id]
        if not members:
            self._drop(episode_id)
        else:
            spans = [s.span for e in members if (s := self._sketches.get(e)) and s.span]
            if spans:
                self._spans[episode_id] = (min(s[0] for s in spans), max(s[1] for s in spans))
            else:
                self._spans.pop(episode_id, None)

    def _drop(self, episode_id: str) -> None:
        self._members.pop(episode_id, None)
        self._spans.pop(episode_id, None)
        self._centroids.pop(episode_id, None)
        self._types.pop(episode_id, None)
        self._born.pop(episode_id, None)

    def _merge(self, source: str, target: str) -> None:
        for event_id in self._members.get(source, ()):
            self._episode_of[event_id] = target
            self._members[target].append(event_id)
        span = _union(self._spans.get(source), self._spans.get(target))
        if span is not None:
            self._spans[target] = span
        self._centroids[target].absorb(self._centroids.get(source) or EventTerms())
        self._types[target] = self._types.get(target, frozenset()) | self._types.get(
            source, frozenset()
        )
        self._drop(source)
        self.regrouped.append((source, target))

    def _index(self, sketch: EventSketch) -> None:
        for kind, key in self._keys(sketch):
            self._warm(kind, key)
            self._put(kind, key, sketch.id)

    def _keys(self, sketch: EventSketch) -> list[tuple[str, Any]]:
        """The lookup buckets an event is kept in."""
        countries = sorted(sketch.countries)[: self.config.max_countries]
        keys: list[tuple[str, Any]] = []
        if sketch.span is not None:
            first, last = sketch.span
            for i in range((last - first).days + 1):
                day = (first + timedelta(days=i)).toordinal()
                keys.extend(("day", (country, day)) for country in countries)
        for country in countries:
            keys.append(("recent", country))
            if sketch.span is None:
                keys.append(("undated", country))
        keys.extend(("report", report_id) for report_id in sketch.report_ids)
        return keys

    def _put(self, kind: str, key: Any, event_id: str) -> None:
        if kind == "report":
            known = self._by_report.setdefault(key, [])
            if event_id not in known:
                known.append(event_id)
            return
        buckets = {"day": self._days, "recent": self._recent, "undated": self._undated}[kind]
        _push(buckets, key, event_id, self.config.bucket_size)

    # --- events and episodes of earlier runs, read when first met -------------------------

    def _warm(self, kind: str, key: Any) -> None:
        """Fill a lookup bucket with the source's events, the first time it is used."""
        if self._source is None or (kind, key) in self._warmed:
            return
        self._warmed.add((kind, key))
        found = self._source.bucket(kind, key)
        for event_id in found:
            self._meet_event(event_id)
        for event_id in found:
            sketch = self._sketches.get(event_id)
            if sketch is not None and (kind, key) in self._keys(sketch):
                self._put(kind, key, event_id)

    def _meet_event(self, event_id: str) -> None:
        """Read the stored episode of an event not met yet."""
        if self._source is None or event_id in self._sketches:
            return
        episode_id = self._source.episode_of(event_id)
        if episode_id is not None:
            self._meet_episode(episode_id)

    def _meet_episode(self, episode_id: str) -> None:
        if self._source is None or episode_id in self._met:
            return
        self._met.add(episode_id)
        born, sketches = self._source.episode(episode_id)
        for sketch in sketches:
            if sketch.id not in self._sketches:
                self.load(sketch, episode_id, born=born, index=False)

    def _candidates(self, sketch: EventSketch) -> list[str]:
        """Episodes the event belongs with, in the order found."""
        cfg = self.config
        found: list[str] = []
        countries = sorted(sketch.countries)[: cfg.max_countries]
        seen: set[str] = {sketch.id}
        if sketch.span is not None:
            first = sketch.span[0] - timedelta(days=cfg.max_gap_days)
            last = sketch.span[1] + timedelta(days=cfg.max_gap_days)
            for i in range((last - first).days + 1):
                day = (first + timedelta(days=i)).toordinal()
                for country in countries:
                    self._warm("day", (country, day))
                    for event_id in self._days.get((country, day), ()):
                        if event_id in seen:
                            continue
                        seen.add(event_id)
                        other = self._sketches.get(event_id)
                        if other is not None and self._near(sketch, other):
                            found.append(self._episode_of[event_id])
        if cfg.same_report:
            for report_id in sorted(sketch.report_ids):
                self._warm("report", report_id)
                for event_id in self._by_report.get(report_id, ()):
                    other = self._sketches.get(event_id)
                    if event_id == sketch.id or other is None or event_id not in self._episode_of:
                        continue
                    if self._same_story(sketch, other):
                        found.append(self._episode_of[event_id])
        if cfg.text_threshold > 0:
            found += self._similar(sketch, countries)
        return [e for e in found if e in self._members]

    def _similar(self, sketch: EventSketch, countries: Sequence[str]) -> list[str]:
        """Episodes of the event's theatre whose words it matches: for an undated event, any
        such episode; for a dated one, episodes with no dated event."""
        stats = self.term_stats
        vector: tuple[dict[str, float], float] | None = None  # computed once it is needed
        best: tuple[float, str] | None = None
        for country in countries:
            # a dated event only looks for episodes with no dated event: among undated events
            recent = self._recent if sketch.span is None else self._undated
            self._warm("recent" if sketch.span is None else "undated", country)
            for event_id in recent.get(country, ()):
                episode_id = self._episode_of.get(event_id)
                other = self._sketches.get(event_id)
                if episode_id is None or other is None or event_id == sketch.id:
                    continue
                if sketch.span is not None and episode_id in self._spans:
                    continue
                placed = self._placed_together(sketch, other)
                if placed is None:
                    continue
                if not self._months_fit(sketch, self._spans.get(episode_id)) or (
                    not self._months_agree(sketch, other)
                ):
                    continue
                if (
                    sketch.antecedent or self._of_antecedents(episode_id)
                ) and not self._time_confirms(sketch, episode_id):
                    continue
                centroid = self._centroids.get(episode_id)
                if centroid is None or not centroid.frames:
                    continue
                if vector is None:
                    vector = stats.vector(sketch.terms)
                score = stats.centroid_cosine(vector, centroid)
                if other.span is None:
                    # undated events join without bound, and a large centroid is close to
                    # any report of its kind of violence in its theatre: the words must
                    # also match the undated event that places it there
                    score = min(score, cosine(vector, self._vector_of(other)))
                same_type = bool(sketch.types & self._types.get(episode_id, frozenset()))
                if same_type:
                    score += self.config.same_type_bonus
                # with no shared place below the country, the words must say it twice as
                # strongly unless the episode holds the event's kind of violence
                needed = self.config.text_threshold * (1 if placed or same_type else 2)
                if score >= needed and (best is None or score > best[0]):
                    best = (score, episode_id)
        return [best[1]] if best else []

    def _same_story(self, a: EventSketch, b: EventSketch) -> bool:
        """Two events of one report: one story unless their dates are too far apart or their
        places disagree (an unknown date or place neither confirms nor refutes). An
        antecedent event (what led to the report's story) is not one of its story for being
        named in it: its dates or words decide."""
        if a.antecedent or b.antecedent:
            return False
        if (
            a.span is not None
            and b.span is not None
            and day_gap(a.span, b.span) > self.config.max_gap_days
        ):
            return False
        if not self._months_agree(a, b):
            return False
        return not a.countries or not b.countries or self._theatre(a, b)

    def _time_confirms(self, sketch: EventSketch, episode_id: str) -> bool:
        """Whether an episode's dates, or the months its undated reports name, agree with the
        event's dates or named months. Words alone do not put an earlier event a report tells
        of into a story, nor a story into an earlier event's episode: they share the
        report's words."""
        span = self._spans.get(episode_id)
        named = {
            m
            for event_id in self._members.get(episode_id, ())
            if (other := self._sketches.get(event_id)) is not None
            for m in other.months
        }
        gap = self.config.max_gap_days
        if sketch.span is not None:
            if span is not None:
                return day_gap(sketch.span, span) <= gap
            return bool(named) and months_fit(named, sketch.span, gap)
        if not sketch.months:
            return False
        if span is not None:
            return months_fit(sketch.months, span, gap)
        return bool(named) and months_meet(sketch.months, named)

    def _of_antecedents(self, episode_id: str) -> bool:
        """An episode of antecedent events only (see ``EventSketch.antecedent``)."""
        members = [self._sketches.get(e) for e in self._members.get(episode_id, ())]
        return bool(members) and all(m is not None and m.antecedent for m in members)

    def _months_agree(self, a: EventSketch, b: EventSketch) -> bool:
        """Whether the months named by undated events' reports agree with the other event's
        dates, or with the months its own reports name (``months_meet``)."""
        if a.span is None and b.span is None:
            return months_meet(a.months, b.months)
        return self._months_fit(a, b.span) and self._months_fit(b, a.span)

    def _months_fit(self, sketch: EventSketch, span: tuple[date, date] | None) -> bool:
        """An undated event whose reports name days without a year ("on December 7") fits
        only dates near those months (``months_fit``)."""
        if sketch.span is not None or span is None:
            return True
        return months_fit(sketch.months, span, self.config.max_gap_days)

    def _near(self, a: EventSketch, b: EventSketch) -> bool:
        if a.span is None or b.span is None:
            return False
        return day_gap(a.span, b.span) <= self.config.max_gap_days and self._theatre(a, b)

    def _vector_of(self, sketch: EventSketch) -> Vector:
        """The event's term vector under the current weights (cached per epoch)."""
        epoch = self.term_stats.epoch
        hit = self._vectors.get(sketch.id)
        if hit is None or hit[0] != epoch or hit[1] is not sketch:
            if len(self._vectors) >= _VECTOR_CACHE:  # bounded: start again
                self._vectors.clear()
            hit = (epoch, sketch, self.term_stats.vector(sketch.terms))
            self._vectors[sketch.id] = hit
        return hit[2]

    def _placed_together(self, a: EventSketch, b: EventSketch) -> bool | None:
        """For events that dates do not join, what their places say about one story.

        None (apart): other theatres, or two stories of one country that each name towns
        and share none (two undated shootings in two cities are two stories). True: a
        shared town, site or province, or a story of two or more countries (a war between
        states: its theatre is theirs). False: only a country is shared, so the words must
        say more."""
        if not self._theatre(a, b):
            return None
        if a.localities & b.localities:
            return True
        international = len(a.countries) > 1 or len(b.countries) > 1
        if a.localities and b.localities and not international:
            return None
        return international or bool(a.admin1s & b.admin1s)

    def _theatre(self, a: EventSketch, b: EventSketch) -> bool:
        shared = a.countries & b.countries
        if not shared:
            return False
        mode = self.config.theatre
        if mode == "country":
            return True
        if a.admin1s and b.admin1s and not a.admin1s & b.admin1s:
            return mode == "auto" and len(shared) >= 2
        return True


@dataclass(frozen=True)
class _TermsOnly:
    """The two fields of a frame that ``TermStats.observe`` reads."""

    id: str
    terms: tuple[str, ...]

    @property
    def report_id(self) -> str:
        return self.id


def _push(buckets: dict[Any, deque[str]], key: object, event_id: str, size: int) -> None:
    bucket = buckets.get(key)
    if bucket is None:
        bucket = buckets[key] = deque(maxlen=size)
    if event_id not in bucket:
        bucket.append(event_id)


def _union(a: tuple[date, date] | None, b: tuple[date, date] | None) -> tuple[date, date] | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a[0], b[0]), max(a[1], b[1])


def build_episode(
    episode_id: str,
    events: Sequence[Event],
    claims: Sequence[SourcedClaim],
    *,
    rule: str = "conservative",
    sources: Mapping[str, str] | None = None,
) -> Episode:
    """An Episode from its events and its claims (the events' claims and the claims its
    reports make about the whole story), figures reconciled with ``rule``."""
    starts = [e.date_start for e in events if e.date_start]
    ends = [e.date_end or e.date_start for e in events if e.date_start]
    places = ranked_places(event.places for event in events)
    actors: dict[tuple[str, str | None], Actor] = {}
    for event in events:
        for a in event.actors:
            actors.setdefault(((a.name or a.text).casefold(), a.country), a)
    report_ids = tuple(dict.fromkeys(r for e in events for r in e.report_ids))
    source_of = dict(sources or {})
    for event in events:
        if len(event.report_ids) == len(event.sources):
            for report_id, source in zip(event.report_ids, event.sources, strict=True):
                source_of.setdefault(report_id, source)
    for sc in claims:
        source_of.setdefault(sc.claim.report_id, sc.source)
    return Episode(
        id=episode_id,
        event_ids=tuple(e.id for e in events),
        date_start=min(starts, default=None),
        date_end=max((d for d in ends if d), default=None),
        places=places,
        actors=tuple(actors.values()),
        report_ids=report_ids,
        sources=tuple(dict.fromkeys(source_of[r] for r in report_ids if r in source_of)),
        figures=reconciliation.reconcile_episode(claims, rule=rule),
    )
