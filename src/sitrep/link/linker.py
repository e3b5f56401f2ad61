"""Link event frames across reports into events, one frame at a time.

A :class:`Linker` takes each new :class:`~sitrep.models.EventFrame`, asks a
:class:`FrameIndex` for already-linked frames that could describe the same event, scores them
and either joins the best-scoring event or starts a new one. Batch linking is this same loop,
so adding frames one by one and all at once give the same events.

A frame scores an event by the cosine of its ``terms`` with the event's term centroid (IDF
learned from the reports the index has seen, applied when compared; each report weighs
alike) plus adjustments, all in :class:`LinkConfig`, from the event's candidate frames:

- dates: the frame's own date, else the days before its report's publication; two known dates
  further apart than the window never link, and a frame never stretches an event's own dates
  beyond ``max_event_days`` (so reports of one town on successive days do not chain into one
  long event); an unknown date neither confirms nor refutes; days apart count against;
- event type: different types of one family (armed_clash ~ shelling, within one battle day),
  compatible or incompatible families (``data/event_types.toml``) count against, the mean
  over the event's frames; ``other`` is neutral;
- place, against all the places of the event's frames: a shared town; different towns,
  provinces or countries count against;
- actors: shared actor sides (country, else name).

Agreement adds little or nothing by default (one town sees the same kind of event day after
day), disagreement counts against. Frames of one report never share an event.

Near-copies are found in :mod:`sitrep.link.duplicates`, events are built in
:mod:`sitrep.link.events` and grouped into episodes in :mod:`sitrep.link.episodes`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sitrep.link.config import LinkConfig
from sitrep.link.index import (
    FrameIndex,
    MemoryFrameIndex,
    day_gap,
    months_fit,
    months_meet,
    reference_span,
    yearless_months,
)
from sitrep.link.taxonomy import EventTaxonomy, default_event_types
from sitrep.link.terms import _WEIGHTED_COPY, EventTerms, Vector, cosine
from sitrep.models import Actor, EventFrame, Place, content_id

DEFAULT_LINK_CONFIG = LinkConfig()
_WHEREABOUTS_CACHE = 8192  # frames whose whereabouts a linker keeps


@dataclass(frozen=True)
class Evidence:
    """Why a frame would (not) link to another or to an event: evidence per component and
    the total."""

    total: float
    parts: Mapping[str, float]
    blocked: str | None = None  # reason the pair can never link

    @property
    def linkable(self) -> bool:
        return self.blocked is None


class Linker:
    """Incremental event linking: ``add`` one frame, get its event id."""

    def __init__(
        self,
        index: FrameIndex | None = None,
        *,
        config: LinkConfig = DEFAULT_LINK_CONFIG,
        taxonomy: EventTaxonomy | None = None,
    ) -> None:
        self.config = config
        self.index: FrameIndex = index if index is not None else MemoryFrameIndex(config)
        self.taxonomy = taxonomy or default_event_types()
        self.regrouped: list[tuple[str, str]] = []
        """(from event, to event) each time linked frames moved: a split (to a new event) or
        a small event absorbed (from then on empty); callers rebuild both events."""
        self._checkpoints = (
            split_checkpoints(config.split_min_reports, config.split_max_reports)
            if config.split_ratio > 0.0
            else frozenset()
        )
        self._reports: Counter[str] = Counter()  # event id -> primary frames linked to it
        self._places: dict[str, tuple[EventFrame, Whereabouts]] = {}  # by frame id
        self._frame_months: dict[str, tuple[EventFrame, frozenset[int]]] = {}  # by frame id
        self._type_weights = {
            "same": config.same_type,
            "family": config.same_family,
            "compatible": config.compatible_family,
            "other": 0.0,
            "incompatible": config.incompatible_type,
        }

    def add(self, frame: EventFrame) -> str:
        """Link one frame; returns its event id (a new one when nothing matches)."""
        cfg = self.config
        blocked: set[str] = set()
        members: dict[str, list[EventFrame]] = {}
        own_vector = self.index.term_stats.frame_vector(frame)
        own_span = reference_span(frame, cfg.publication_lag_days)
        for other, event_id in self.index.candidates(frame):
            if other.id == frame.id:
                return event_id  # already linked: re-adding changes nothing
            if other.report_id == frame.report_id:
                blocked.add(event_id)  # a report never describes one event in two frames
                continue
            if event_id in blocked:
                continue
            if event_id not in members and (
                not self._fits_event_dates(frame, own_span, event_id)
                if own_span is not None
                else not self._fits_event_months(frame, event_id)
            ):
                blocked.add(event_id)
                continue
            members.setdefault(event_id, []).append(other)
        eligible = []
        scores: dict[str, float] = {}
        for event_id, frames in members.items():
            if event_id in blocked:
                continue
            evidence = self.event_evidence(
                frame, frames, own_vector=own_vector, event_terms=self._event_terms(event_id)
            )
            if evidence.linkable:
                scores[event_id] = evidence.total
                if evidence.total >= cfg.threshold:
                    eligible.append((-evidence.total, event_id))
        best_event = min(eligible)[1] if eligible else None
        event_id = best_event or content_id("e", frame.id)
        self.index.add(frame, event_id)
        if best_event is not None and frame.primary and cfg.absorb_max_reports > 0:
            self._absorb(event_id, [*members[event_id], frame], members, scores)
        if frame.primary and self._checkpoints:
            if best_event is None or event_id in self._reports:
                self._reports[event_id] += 1
            else:  # an event of an earlier session: count what the index holds
                linked = self.index.event_frames(event_id)
                self._reports[event_id] = sum(f.primary for f in linked)
            if self._reports[event_id] in self._checkpoints:
                moved = self._split(event_id)
                if moved is not None and frame.id in moved[0]:
                    return moved[1]
        return event_id

    def forget(self) -> None:
        """Drop the per-event report counts held (recounted from the index when next
        needed)."""
        self._reports.clear()

    def event_of(self, frame_id: str) -> str | None:
        """The event a linked frame belongs to now (a split may have moved it)."""
        return self.index.event_of(frame_id)

    def take_regrouped(self) -> list[tuple[str, str]]:
        """Moves of linked frames since the last call, as (from event, to event); a from
        event left without frames no longer exists."""
        moves, self.regrouped = self.regrouped, []
        return moves

    def _split(self, event_id: str) -> tuple[set[str], str] | None:
        """Split the event when its reports form two groups that are not alike (see
        ``LinkConfig.split_ratio``); returns the moved frame ids and their new event id."""
        cfg = self.config
        frames = [f for f in self.index.event_frames(event_id) if f.primary]
        groups = two_groups(self._split_vectors(frames), cfg.split_min_reports)
        if groups is None or groups[2] >= cfg.split_ratio:
            return None
        first, second, _ = groups
        # the group with the event's first report keeps the event's id
        moving = [frames[i] for i in (second if 0 in first else first)]
        new_id = content_id("e", moving[0].id)
        self.index.move(moving, event_id, new_id)
        self._reports[event_id] -= len(moving)
        self._reports[new_id] += len(moving)
        self.regrouped.append((event_id, new_id))
        return {f.id for f in moving}, new_id

    def _split_vectors(self, frames: Sequence[EventFrame]) -> list[Vector]:
        """The frames' prefixed terms (names, numbers, dates, headline words; see
        ``report_terms``): two look-alike events share the words of their kind ("patch",
        "flaw"; "arrest", "drunk driving") but not who, when and what the headline says.
        All terms when a frame has none (frames not built by the sitrep pipeline)."""
        stats = self.index.term_stats
        marked = [[t for t in f.terms if _WEIGHTED_COPY.match(t)] for f in frames]
        if not all(marked):
            return [stats.frame_vector(f) for f in frames]
        return [stats.vector(terms) for terms in marked]

    def _absorb(
        self,
        event_id: str,
        linked: list[EventFrame],
        members: Mapping[str, list[EventFrame]],
        scores: Mapping[str, float],
    ) -> None:
        """Move small candidate events into ``event_id`` when they now fit it (see
        ``LinkConfig.absorb_max_reports``). ``linked``: the event's candidate frames and the
        frame just added; ``scores``: that frame's evidence for each candidate event.

        Only events the new frame itself scored at least half the threshold are considered,
        and their frames are read in full only once the frames seen among the candidates fit,
        so the cost per added report stays bounded.
        """
        cfg = self.config
        centroid = self._event_terms(event_id)
        reports = {f.report_id for f in linked}
        for other_id, seen in members.items():
            if other_id == event_id or scores.get(other_id, -math.inf) < cfg.threshold / 2:
                continue
            seen_primary = [f for f in seen if f.primary]
            if not seen_primary or len(seen_primary) > cfg.absorb_max_reports:
                continue
            if not self._fits(seen_primary, event_id, linked, centroid, reports):
                continue
            frames = self.index.event_frames(other_id)
            primary = [f for f in frames if f.primary]
            if len(primary) > cfg.absorb_max_reports or not self._fits(
                primary, event_id, linked, centroid, reports
            ):
                continue
            reports |= {f.report_id for f in self.index.event_frames(event_id)}
            if any(f.report_id in reports for f in frames):
                continue
            self.index.move(frames, other_id, event_id)
            centroid = self._event_terms(event_id)
            reports |= {f.report_id for f in frames}
            if event_id in self._reports:  # else counted from the index when next needed
                self._reports[event_id] += len(primary)
            self._reports.pop(other_id, None)
            self.regrouped.append((other_id, event_id))

    def _fits(
        self,
        frames: Sequence[EventFrame],
        event_id: str,
        linked: Sequence[EventFrame],
        centroid: EventTerms | None,
        reports: set[str],
    ) -> bool:
        """Whether every frame would join the event now: within its dates, from another
        report, no disagreeing event type, evidence at least ``threshold``."""
        cfg = self.config
        for frame in frames:
            if frame.report_id in reports:
                return False
            span = reference_span(frame, cfg.publication_lag_days)
            if span is not None and not self._fits_event_dates(frame, span, event_id):
                return False
            if span is None and not self._fits_event_months(frame, event_id):
                return False
            evidence = self.event_evidence(frame, linked, event_terms=centroid)
            if (
                not evidence.linkable
                or evidence.parts.get("type", 0.0) < 0.0
                or evidence.total < cfg.threshold
            ):
                return False
        return True

    def _event_terms(self, event_id: str) -> EventTerms | None:
        lookup = getattr(self.index, "event_terms", None)  # optional for other indexes
        return lookup(event_id) if lookup is not None else None

    def _fits_event_dates(
        self, frame: EventFrame, own_span: tuple[date, date], event_id: str
    ) -> bool:
        """Whether the frame's dates agree with the whole event's, not just one frame's:
        otherwise reports of a place a day apart would chain into one long event."""
        span, own_dates = self.index.event_span(event_id)
        if span is None:
            return True
        if own_dates and frame.date is not None:
            first, last = min(span[0], own_span[0]), max(span[1], own_span[1])
            return (last - first).days < self.config.max_event_days
        return day_gap(own_span, span) <= self.config.window_days

    def _fits_event_months(self, frame: EventFrame, event_id: str) -> bool:
        """Whether an undated frame whose report names days without a year ("on December
        7") can be about the event: the event's dates are near one of those months."""
        months = yearless_months(frame)
        if not months:
            return True
        span, _ = self.index.event_span(event_id)
        return span is None or months_fit(months, span, self.config.window_days)

    def add_all(self, frames: Iterable[EventFrame]) -> dict[str, str]:
        """Link frames in order (the same loop as ``add``); frame id -> event id."""
        return {frame.id: self.add(frame) for frame in frames}

    def evidence(
        self,
        a: EventFrame,
        b: EventFrame,
        *,
        own_vector: Vector | None = None,
        event_terms: EventTerms | None = None,
    ) -> Evidence:
        """Score the hypothesis that frames ``a`` and ``b`` describe one event; with
        ``event_terms`` (the centroid of ``b``'s event) text evidence compares ``a`` with
        the whole event."""
        return self.event_evidence(a, [b], own_vector=own_vector, event_terms=event_terms)

    def event_evidence(
        self,
        frame: EventFrame,
        members: Sequence[EventFrame],
        *,
        own_vector: Vector | None = None,
        event_terms: EventTerms | None = None,
    ) -> Evidence:
        """Score the hypothesis that ``frame`` describes the event of ``members`` (frames of
        one event) and ``event_terms`` (its term centroid).

        Type and date evidence is the mean over the members (those within the date window);
        place and actors compare with all the members' places and actors together, so an
        event reported from two nearby towns matches a report naming either.
        """
        cfg = self.config
        parts: dict[str, float] = {}
        if any(m.report_id == frame.report_id for m in members):
            return Evidence(-math.inf, parts, "same report")
        lag = cfg.publication_lag_days
        own_span = reference_span(frame, lag)
        types: list[float] = []
        dates: list[float] = []
        kept: list[EventFrame] = []
        blocked = ""
        own_months = self._months(frame) if own_span is None else frozenset()
        for member in members:
            relation = self.taxonomy.relation(frame.type, member.type)
            span = reference_span(member, lag)
            # an undated report that names days without their year ("on December 7") is
            # about those months: it cannot be about an event months away
            if (own_span is None) != (span is None):
                months = own_months if own_span is None else self._months(member)
                known = span if span is not None else own_span
                assert known is not None
                if not months_fit(months, known, cfg.window_days):
                    blocked = blocked or "the days its report names are months away"
                    continue
            elif own_span is None and not months_meet(own_months, self._months(member)):
                blocked = blocked or "the days the two reports name are months apart"
                continue
            if own_span is not None and span is not None:
                gap = day_gap(own_span, span)
                window = cfg.window_days
                if relation in ("family", "compatible"):
                    cross = self.taxonomy.cross_type_window(frame.type, member.type)
                    window = min(window, cross) if cross is not None else window
                if gap > window:
                    blocked = blocked or f"dates {gap} days apart"
                    continue
                dates.append(cfg.same_day if gap == 0 else -cfg.per_day_apart * gap)
            types.append(self._type_evidence(relation))
            kept.append(member)
        if not kept:
            return Evidence(-math.inf, parts, blocked or "no frames")
        parts["type"] = sum(types) / len(types)
        if dates:
            parts["date"] = sum(dates) / len(dates)
        parts["place"] = self._place_evidence(self._whereabouts([frame]), self._whereabouts(kept))
        parts["actors"] = self._actor_evidence(frame, kept)

        stats = self.index.term_stats
        vector = own_vector or stats.frame_vector(frame)
        share = cfg.event_terms_share if event_terms is not None and event_terms.frames else 0.0
        similarity = 0.0
        if share > 0.0 and event_terms is not None:
            similarity += share * stats.centroid_cosine(vector, event_terms)
        if share < 1.0:
            closest = max(cosine(vector, stats.frame_vector(m)) for m in kept)
            similarity += (1.0 - share) * closest
        primary = frame.primary and any(m.primary for m in kept)
        factor = 1.0 if primary else cfg.background_terms
        parts["terms"] = cfg.terms_weight * similarity * factor
        return Evidence(sum(parts.values()), parts)

    def _whereabouts(self, frames: Sequence[EventFrame]) -> Whereabouts:
        """``Whereabouts.of(frames)`` from each frame's, kept per frame (a frame is compared
        again with each event it is a candidate of)."""
        cache = self._places
        parts = []
        for frame in frames:
            hit = cache.get(frame.id)
            if hit is None or (
                hit[0] is not frame
                and (hit[0].places, hit[0].actors) != (frame.places, frame.actors)
            ):
                if len(cache) >= _WHEREABOUTS_CACHE:
                    cache.clear()
                hit = cache[frame.id] = (frame, Whereabouts.of([frame]))
            parts.append(hit[1])
        if len(parts) == 1:
            return parts[0]
        return Whereabouts(
            frozenset().union(*(p.towns for p in parts)),
            frozenset().union(*(p.admin1s for p in parts)),
            frozenset().union(*(p.countries for p in parts)),
            frozenset().union(*(p.points for p in parts)),
        )

    def _months(self, frame: EventFrame) -> frozenset[int]:
        """``yearless_months(frame)``, kept per frame."""
        hit = self._frame_months.get(frame.id)
        if hit is None or (hit[0] is not frame and hit[0].terms != frame.terms):
            if len(self._frame_months) >= _WHEREABOUTS_CACHE:
                self._frame_months.clear()
            hit = self._frame_months[frame.id] = (frame, yearless_months(frame))
        return hit[1]

    def _type_evidence(self, relation: str) -> float:
        return self._type_weights[relation]

    def _place_evidence(self, a: Whereabouts, b: Whereabouts) -> float:
        cfg = self.config
        if a.towns & b.towns:
            return cfg.same_place
        if a.countries and b.countries and not a.countries & b.countries:
            return cfg.disjoint_countries
        if a.towns and b.towns:
            if cfg.near_km > 0 and a.near(b, cfg.near_km):
                return 0.0  # nearby towns: one event is often placed at either
            return cfg.different_places  # named towns, even in one province, none shared
        if a.admin1s & b.admin1s:
            return cfg.same_admin1
        if a.admin1s and b.admin1s:
            return cfg.different_admin1
        if a.countries & b.countries:
            return cfg.same_country
        return 0.0

    def _actor_evidence(self, frame: EventFrame, members: Sequence[EventFrame]) -> float:
        sides_a = {s for x in frame.actors if (s := _actor_side(x))}
        sides_b = {s for m in members for x in m.actors if (s := _actor_side(x))}
        if not sides_a or not sides_b:
            return 0.0
        shared = len(sides_a & sides_b) / min(len(sides_a), len(sides_b))
        return self.config.shared_actors * shared


def split_checkpoints(min_reports: int, max_reports: int) -> frozenset[int]:
    """Event sizes at which a split is tried: from twice ``min_reports``, each a quarter
    larger than the last, up to ``max_reports`` (so the cost per added report stays flat)."""
    sizes: set[int] = set()
    size = 2 * max(1, min_reports)
    while size <= max_reports:
        sizes.add(size)
        size = max(size + 1, math.floor(size * 1.25))
    return frozenset(sizes)


def two_groups(
    vectors: Sequence[Vector], min_size: int
) -> tuple[list[int], list[int], float] | None:
    """Two groups of ``vectors`` by spherical 2-means, seeded with the least similar pair,
    and the ratio of their mean similarity across to their mean similarity within; ``None``
    when either group would have fewer than ``min_size`` members."""
    n = len(vectors)
    if n < 2 * min_size:
        return None
    sim = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            sim[i][j] = sim[j][i] = cosine(vectors[i], vectors[j])
    a, b = min(((i, j) for i in range(n) for j in range(i + 1, n)), key=lambda p: sim[p[0]][p[1]])
    side = [sim[k][b] > sim[k][a] for k in range(n)]
    for _ in range(10):
        sums: tuple[dict[str, float], dict[str, float]] = ({}, {})
        for k, (weights, norm) in enumerate(vectors):
            target = sums[side[k]]
            for t, w in weights.items():
                target[t] = target.get(t, 0.0) + w / norm
        centroids = [(c, math.sqrt(sum(w * w for w in c.values()))) for c in sums]
        regrouped = [cosine(v, centroids[1]) > cosine(v, centroids[0]) for v in vectors]
        if regrouped == side:
            break
        side = regrouped
    first = [k for k in range(n) if not side[k]]
    second = [k for k in range(n) if side[k]]
    if min(len(first), len(second)) < min_size:
        return None

    def mean(xs: list[int], ys: list[int]) -> float:
        values = [sim[x][y] for x in xs for y in ys if x != y]
        return sum(values) / len(values) if values else 0.0

    within = (mean(first, first) + mean(second, second)) / 2
    across = mean(first, second)
    return first, second, (across / within if within > 0 else 1.0)


@dataclass(frozen=True)
class Whereabouts:
    """Where some frames place their event: towns (anything below a province), provinces
    and countries."""

    towns: frozenset[tuple[str, str | None]]
    admin1s: frozenset[tuple[str, str | None]]
    countries: frozenset[str]
    points: frozenset[tuple[float, float]] = frozenset()  # (lat, lon) of the towns

    @classmethod
    def of(cls, frames: Iterable[EventFrame]) -> Whereabouts:
        towns: set[tuple[str, str | None]] = set()
        admin1s: set[tuple[str, str | None]] = set()
        countries: set[str] = set()
        points: set[tuple[float, float]] = set()
        for frame in frames:
            for p in frame.places:
                if p.kind not in ("country", "admin1"):
                    towns.add(place_key(p))
                    if p.lat is not None and p.lon is not None:
                        points.add((p.lat, p.lon))
            admin1s |= _admin1s(frame)
            countries |= frame.countries
        return cls(frozenset(towns), frozenset(admin1s), frozenset(countries), frozenset(points))

    def near(self, other: Whereabouts, km: float) -> bool:
        """Whether a town of one lies within ``km`` of a town of the other."""
        return any(distance_km(a, b) <= km for a in self.points for b in other.points)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def place_key(place: Place) -> tuple[str, str | None]:
    return place.name.casefold(), place.country


def _admin1s(frame: EventFrame) -> set[tuple[str, str | None]]:
    found = set()
    for p in frame.places:
        if p.admin1:
            found.add((p.admin1.casefold(), p.country))
        elif p.kind == "admin1":
            found.add((p.name.casefold(), p.country))
    return found


def _actor_side(actor: Actor) -> str | None:
    return actor.country or (actor.name.casefold() if actor.name else None)
