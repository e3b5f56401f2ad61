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

:class:`DuplicateDetector` finds syndicated copies (MinHash over word 5-grams with LSH
banding) so that reconciliation counts their claims once; :func:`build_event` turns a cluster
of frames and their claims into an :class:`~sitrep.models.Event`.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
import tomllib
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from sitrep import reconcile as reconciliation
from sitrep.models import Actor, Event, EventFrame, Place, SourcedClaim, content_id

# --- event taxonomy ------------------------------------------------------------------------


@dataclass(frozen=True)
class EventType:
    """One entry of ``event_types.toml`` (see the schema at the top of that file)."""

    name: str
    label: str
    family: str
    priority: int = 0
    triggers: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    acled_disorder_type: str = ""
    acled_event_type: str = ""
    acled_sub_event_type: str = ""
    civilian_targeting: bool = False
    ucdp_type_of_violence: int = 0
    description: str = ""


@dataclass(frozen=True)
class EventFamily:
    name: str
    window_days: int = 1
    compatible_with: frozenset[str] = frozenset()
    description: str = ""


@dataclass(frozen=True)
class EventTaxonomy:
    """Event types, their families and the codebook tables of ``event_types.toml``."""

    types: Mapping[str, EventType]
    families: Mapping[str, EventFamily]
    codebook: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def family(self, type_name: str) -> EventFamily | None:
        spec = self.types.get(type_name)
        return self.families.get(spec.family) if spec else None

    def relation(self, a: str, b: str) -> str:
        """``same``, ``family``, ``compatible``, ``other`` (either is unknown/other) or
        ``incompatible``."""
        fa, fb = self.family(a), self.family(b)
        if fa is None or fb is None or fa.name == "other" or fb.name == "other":
            return "other"
        if a == b:
            return "same"
        if fa.name == fb.name:
            return "family"
        if fb.name in fa.compatible_with or fa.name in fb.compatible_with:
            return "compatible"
        return "incompatible"

    def cross_type_window(self, a: str, b: str) -> int | None:
        """Days two frames of different related types may be apart (``None``: no limit)."""
        windows = [f.window_days for f in (self.family(a), self.family(b)) if f is not None]
        return min(windows) if windows else None


class TaxonomyError(ValueError):
    """``event_types.toml`` is malformed; the message names the file and the entry."""


def parse_event_types(data: Mapping[str, Any], origin: str = "event_types.toml") -> EventTaxonomy:
    """Build the taxonomy from the parsed TOML tables."""
    families = {
        name: EventFamily(
            name=name,
            window_days=int(spec.get("window_days", 1)),
            compatible_with=frozenset(spec.get("compatible_with", ())),
            description=str(spec.get("description", "")),
        )
        for name, spec in data.get("families", {}).items()
    }
    types: dict[str, EventType] = {}
    for name, spec in data.get("types", {}).items():
        family = spec.get("family")
        if family not in families:
            raise TaxonomyError(f"{origin}: type {name!r} names unknown family {family!r}")
        types[name] = EventType(
            name=name,
            label=str(spec.get("label", name)),
            family=family,
            priority=int(spec.get("priority", 0)),
            triggers=tuple(str(t).lower() for t in spec.get("triggers", ())),
            phrases=tuple(str(p).lower() for p in spec.get("phrases", ())),
            acled_disorder_type=str(spec.get("acled_disorder_type", "")),
            acled_event_type=str(spec.get("acled_event_type", "")),
            acled_sub_event_type=str(spec.get("acled_sub_event_type", "")),
            civilian_targeting=bool(spec.get("civilian_targeting", False)),
            ucdp_type_of_violence=int(spec.get("ucdp_type_of_violence", 0)),
            description=str(spec.get("description", "")),
        )
    codebook = {k: dict(v) for k, v in data.get("codebook", {}).items()}
    return EventTaxonomy(types=types, families=families, codebook=codebook)


def load_event_types(path: Path | None = None) -> EventTaxonomy:
    """Read a taxonomy file (default: the bundled ``data/event_types.toml``)."""
    path = path or Path(str(resources.files("sitrep") / "data" / "event_types.toml"))
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read event types: {exc}") from exc
    return parse_event_types(data, str(path))


@cache
def default_event_types() -> EventTaxonomy:
    """The bundled taxonomy with the user's ``$SITREP_DATA/event_types.toml`` merged in."""
    from sitrep.knowledge import merged_data

    return parse_event_types(merged_data("event_types.toml"))


# --- configuration -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkConfig:
    """Thresholds and evidence weights of the linker.

    Evidence is in units of text similarity: a frame's score for an event is the cosine of
    its terms with the event's term centroid plus the mean, over the event's candidate frames,
    of the adjustments below; it joins the best-scoring event whose score reaches
    ``threshold``. Agreement (same day, type, town, actors) adds little or nothing by
    default: in a conflict one town sees the same kind of event day after day, so agreement
    does not tell two events apart, while disagreement does. The defaults were fitted on the
    ECB+ corpus and on synthetic conflict reports (``bench/ecb_clustering.py``,
    ``bench/linking_scale.py``).
    """

    threshold: float = 0.2
    """Minimum score for a link."""
    terms_weight: float = 1.0
    """Multiplies the IDF-weighted cosine of the frames' terms."""
    background_terms: float = 0.6
    """Factor on text evidence when a frame is not its report's primary event: report-level
    terms describe the main story, not the events it mentions in passing."""
    event_terms_share: float = 1.0
    """Share of the event's term centroid in text evidence (the rest is the cosine with the
    candidate frame itself): a centroid weighs what all the event's reports say, so one
    report that happens to share words with a look-alike event does not decide."""
    window_days: int = 2
    """Two frames whose known dates (spans) are further apart than this never link."""
    max_event_days: int = 2
    """An event's frames' own dates span fewer days than this (a battle may last a few
    days; reports of one place on successive days are otherwise separate events)."""
    publication_lag_days: int = 3
    """A frame with no date of its own may describe any of the days this long before its
    report's publication."""
    same_day: float = 0.0
    """Evidence when the two frames' dates overlap."""
    per_day_apart: float = 0.08
    """Evidence removed per day between the two frames' dates (within the window)."""
    same_type: float = 0.0
    """Evidence for the same event type (``other`` never counts as a type)."""
    same_family: float = -0.024
    """Evidence for different types of one family (armed_clash ~ shelling)."""
    compatible_family: float = -0.036
    """Evidence for types of compatible families (combat ~ violence against civilians)."""
    incompatible_type: float = -0.09
    """Evidence for types that cannot describe one event (protest vs air strike)."""
    same_place: float = 0.03
    """Evidence for a shared named place below province level (town, district, crossing)."""
    same_admin1: float = 0.0
    """Evidence for a shared province (admin1) when at most one frame names a town."""
    same_country: float = 0.0
    """Evidence for a shared country (of places or actors) and nothing more specific."""
    different_places: float = -0.1
    """Evidence when both frames name towns (or districts, crossings) and share none."""
    near_km: float = 0.0
    """Named towns this close (great-circle km, from their coordinates) do not count as
    different places: reports of one clash name the village or the nearby town (0: off)."""
    different_admin1: float = -0.05
    """Evidence when both frames name provinces (of their towns or themselves), share none
    and at most one of them names a town."""
    disjoint_countries: float = -0.02
    """Evidence when both frames name countries and none is shared. Mild: a frame's
    countries are every country its sentences name (background mentions, ambiguous
    gazetteer hits), so two reports of one event often name disjoint sets; on ECB+ a
    stronger penalty split more true events than it kept look-alikes apart."""
    shared_actors: float = 0.0
    """Evidence when all actor sides of the smaller frame appear in the other."""
    max_date_span_days: int = 7
    """Frames whose date spans more days are indexed as imprecisely dated."""
    candidate_limit: int = 200
    """At most this many candidate frames are scored per added frame."""
    bucket_size: int = 48
    """Each index bucket keeps its most recent this-many frames (bounds cost per frame)."""
    signature_terms: int = 20
    """A frame is indexed under its this-many most salient uncommon terms (its term
    signature); frames without a usable date or country are looked up by them."""
    max_countries: int = 4
    """At most this many countries of a frame are used to look up candidates."""
    split_ratio: float = 0.6
    """An event is split in two when its reports fall into two groups whose mean similarity
    across the groups is below this share of their mean similarity within them (0 never
    splits); similarity here is over names, numbers, dates and headline words. Reports join
    events one at a time, so two look-alike events can merge through their first reports;
    the split undoes that once each side has enough reports."""
    split_min_reports: int = 5
    """Each side of a split has at least this many reports (primary frames)."""
    split_max_reports: int = 64
    """Events with more reports than this are no longer checked for a split (the check
    costs the square of the event's size, and is only run as the event grows by a quarter)."""
    absorb_max_reports: int = 3
    """After a report joins an event, other candidate events of at most this many reports
    move into it when each of their frames now scores it at least ``threshold`` with no
    disagreeing event type (0 never). A report that arrives before the rest of its event's
    coverage starts an event of its own; once that coverage has gathered, it fits."""


def link_settings(assignments: Iterable[str], base: LinkConfig | None = None) -> LinkConfig:
    """``base`` (default: the defaults) with ``FIELD=VALUE`` overrides ("near_km=15",
    "absorb_max_reports=0"), each value read as the field's own type; ``ValueError`` names
    the bad assignment and the known fields."""
    config = base or LinkConfig()
    known = {f.name: type(getattr(config, f.name)) for f in fields(config)}
    changes: dict[str, float | int] = {}
    for assignment in assignments:
        name, _, value = (part.strip() for part in assignment.partition("="))
        if name not in known or not value:
            raise ValueError(
                f"link setting {assignment!r}: expected FIELD=VALUE, FIELD one of "
                + ", ".join(sorted(known))
            )
        try:
            changes[name] = known[name](value)
        except ValueError:
            kind = "an integer" if known[name] is int else "a number"
            raise ValueError(f"link setting {assignment!r}: {value!r} is not {kind}") from None
    return replace(config, **changes)


# --- term statistics -----------------------------------------------------------------------


Vector = tuple[dict[str, float], float]  # term weights and their norm


_WEIGHTED_COPY = re.compile(r"[a-z]:")  # a term that repeats another under a prefix


class TermStats:
    """Document frequencies of terms over the reports seen (each report counted once)."""

    def __init__(self, *, cache_size: int = 20_000) -> None:
        self.documents = 0
        self.df: Counter[str] = Counter()
        self._reports: set[str] = set()
        self._vectors: OrderedDict[str, tuple[int, Vector]] = OrderedDict()
        self._cache_size = cache_size

    def observe(self, frame: EventFrame) -> None:
        if frame.report_id in self._reports:
            return
        self._reports.add(frame.report_id)
        self.documents += 1
        self.df.update(set(frame.terms))

    def idf(self, term: str) -> float:
        return math.log((self.documents + 1) / (self.df.get(term, 0) + 1)) + 1.0

    @property
    def epoch(self) -> int:
        """Changes each time the number of reports grows by 5%: cached vectors are reweighted
        then, so scoring a candidate does not recompute its vector every time."""
        return int(math.log(self.documents + 1) / math.log(1.05))

    def vector(self, terms: Sequence[str]) -> Vector:
        """Sublinear tf x idf weights and their Euclidean norm."""
        weights = {t: (1.0 + math.log(n)) * self.idf(t) for t, n in Counter(terms).items() if t}
        return weights, math.sqrt(sum(w * w for w in weights.values()))

    def frame_vector(self, frame: EventFrame) -> Vector:
        """``vector(frame.terms)``, cached per frame for the current epoch."""
        epoch = self.epoch
        hit = self._vectors.get(frame.id)
        if hit is not None and hit[0] == epoch:
            self._vectors.move_to_end(frame.id)
            return hit[1]
        vector = self.vector(frame.terms)
        self._vectors[frame.id] = (epoch, vector)
        self._vectors.move_to_end(frame.id)
        if len(self._vectors) > self._cache_size:
            self._vectors.popitem(last=False)
        return vector

    def centroid_cosine(self, vector: Vector, centroid: EventTerms) -> float:
        """Cosine of a frame's vector and an event's IDF-weighted term centroid."""
        weights, norm = vector
        if not norm or not centroid.frames:
            return 0.0
        tf, idf = centroid.tf, self.idf
        dot = sum(w * tf[t] * idf(t) for t, w in weights.items() if t in tf)
        if not dot:
            return 0.0
        return dot / (norm * centroid.norm(idf, self.epoch))

    def signature(self, terms: Sequence[str], size: int, max_share: float = 0.05) -> list[str]:
        """The report's ``size`` most salient terms (``terms`` come most salient first),
        skipping terms found in more than ``max_share`` of the reports seen (once there are
        enough reports to tell) and weighted copies ("e:name", see ``report_terms``)."""
        limit = max(20.0, max_share * self.documents)
        picked = [
            t
            for t in dict.fromkeys(terms)
            if not _WEIGHTED_COPY.match(t) and self.df.get(t, 0) <= limit
        ]
        return picked[:size]


def cosine(a: Vector, b: Vector) -> float:
    (wa, na), (wb, nb) = a, b
    if not na or not nb:
        return 0.0
    if len(wa) > len(wb):
        wa, wb = wb, wa
    return sum(w * wb[t] for t, w in wa.items() if t in wb) / (na * nb)


class EventTerms:
    """An event's term centroid: per term, the sum over its frames of the frame's sublinear
    term frequency divided by that frame's norm, so each report weighs alike. IDF weights are
    applied when it is compared (:meth:`TermStats.centroid_cosine`), so they stay current.
    """

    __slots__ = ("_epoch", "_norm_sq", "_pending", "frames", "tf")

    def __init__(self) -> None:
        self.frames = 0
        self.tf: dict[str, float] = {}
        self._epoch: int | None = None  # TermStats.epoch of the IDF weights in _norm_sq
        self._norm_sq = 0.0
        self._pending: dict[str, float] = {}  # term -> its weight before the latest frames

    def add(self, terms: Sequence[str]) -> None:
        counts = Counter(t for t in terms if t)
        if not counts:
            return
        weights = {t: 1.0 + math.log(n) for t, n in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        for term, weight in weights.items():
            before = self.tf.get(term, 0.0)
            self._pending.setdefault(term, before)
            self.tf[term] = before + weight / norm
        self.frames += 1

    def norm(self, idf: Callable[[str], float], epoch: int) -> float:
        """Norm of the IDF-weighted centroid: recomputed when ``epoch`` changes, otherwise
        updated for the terms of the frames added since (so its cost does not grow with the
        event)."""
        if self._epoch != epoch:
            self._norm_sq = sum((w * idf(t)) ** 2 for t, w in self.tf.items())
            self._epoch = epoch
        else:
            for term, before in self._pending.items():
                self._norm_sq += (self.tf[term] ** 2 - before**2) * idf(term) ** 2
        self._pending.clear()
        return math.sqrt(max(self._norm_sq, 0.0))


# --- dates ---------------------------------------------------------------------------------


def reference_span(frame: EventFrame, lag_days: int = 0) -> tuple[date, date] | None:
    """The frame's date span; else the ``lag_days`` before its report's publication (news
    reports what happened up to then); else ``None``."""
    if frame.date is not None:
        return frame.date.start, frame.date.end
    if frame.published is not None:
        return frame.published - timedelta(days=lag_days), frame.published
    return None


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
    """

    def __init__(self, store: Any, *, config: LinkConfig | None = None) -> None:
        self.store = store
        self.config = config or LinkConfig()
        self.term_stats = TermStats()
        self._by_report: dict[str, list[tuple[EventFrame, str]]] = {}
        self._recent: dict[str, deque[tuple[EventFrame, str]]] = {}
        self._dates = EventDates()
        self._dates_read: set[str] = set()
        self._centroids: dict[str, EventTerms] = {}
        self._in_centroid: set[str] = set()  # frame ids already counted in a centroid

    def _read_event(self, event_id: str) -> None:
        """Dates and term centroid of an event linked in an earlier session, read once."""
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
        self._by_report.setdefault(frame.report_id, []).append((frame, event_id))
        for country in sorted(frame.countries)[: self.config.max_countries]:
            recent = self._recent.get(country)
            if recent is None:
                recent = self._recent[country] = deque(maxlen=self.config.bucket_size)
            recent.append((frame, event_id))
        self._dates.widen(event_id, frame, self.config.publication_lag_days)
        self._count_terms(event_id, frame)
        self.term_stats.observe(frame)


# --- linker --------------------------------------------------------------------------------


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
        config: LinkConfig = LinkConfig(),
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
            if (
                event_id not in members
                and own_span is not None
                and not self._fits_event_dates(frame, own_span, event_id)
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
        for member in members:
            relation = self.taxonomy.relation(frame.type, member.type)
            span = reference_span(member, lag)
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
        parts["place"] = self._place_evidence(Whereabouts.of([frame]), Whereabouts.of(kept))
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

    def _type_evidence(self, relation: str) -> float:
        cfg = self.config
        return {
            "same": cfg.same_type,
            "family": cfg.same_family,
            "compatible": cfg.compatible_family,
            "other": 0.0,
            "incompatible": cfg.incompatible_type,
        }[relation]

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
                    towns.add(_place_key(p))
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


def _place_key(place: Place) -> tuple[str, str | None]:
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


# --- near-duplicate reports ----------------------------------------------------------------

_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = 5) -> set[str]:
    """The text's word ``size``-grams (lowercased; the whole text when it is shorter)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


@cache
def _unpacker(count: int) -> struct.Struct:
    return struct.Struct(f">{count}I")


def minhash(grams: set[str], count: int) -> tuple[int, ...]:
    """MinHash signature: for each of ``count`` hash functions, the least hash of any gram.

    The ``count`` independent 32-bit hash functions are consecutive slices of one
    SHAKE-128 digest per gram, so a report costs one hash call per gram.
    """
    unpack = _unpacker(count).unpack
    rows = [unpack(hashlib.shake_128(g.encode("utf-8")).digest(4 * count)) for g in grams]
    return tuple(map(min, zip(*rows, strict=True)))


class DuplicateDetector:
    """Finds near-copies (syndicated reports): MinHash of word 5-grams, LSH banding.

    ``check`` costs the same whatever the number of reports added: the text is hashed once
    and only reports that share an LSH band are compared (by estimated Jaccard similarity).
    """

    def __init__(self, *, threshold: float = 0.8, permutations: int = 128, bands: int = 32):
        if permutations % bands:
            raise ValueError("permutations must be a multiple of bands")
        self.threshold = threshold
        self.permutations = permutations
        self.bands = bands
        self._rows = permutations // bands
        self._signatures: dict[str, tuple[int, ...]] = {}
        self._original: dict[str, str] = {}
        self._order: dict[str, int] = {}
        self._buckets: dict[tuple[int, tuple[int, ...]], list[str]] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def signature(self, text: str) -> tuple[int, ...] | None:
        grams = shingles(text)
        return minhash(grams, self.permutations) if grams else None

    def check(self, report_id: str, text: str) -> str | None:
        """The original report id when ``text`` is a near-copy of an added report."""
        signature = self.signature(text)
        return self._match(report_id, signature) if signature else None

    def add(self, report_id: str, text: str) -> str | None:
        """Remember a report; returns (and records) its original when it is a near-copy."""
        if report_id in self._signatures:
            return self._original.get(report_id)
        signature = self.signature(text)
        if signature is None:
            return None
        original = self._match(report_id, signature)
        self.load(report_id, signature, original)
        return original

    def signature_of(self, report_id: str) -> tuple[int, ...] | None:
        """The signature remembered for a report (to store it without hashing again)."""
        return self._signatures.get(report_id)

    def load(self, report_id: str, signature: Sequence[int], original: str | None = None) -> None:
        """Remember a report from a stored ``signature(text)`` (no rehashing on restart)."""
        if report_id in self._signatures or len(signature) != self.permutations:
            return
        signature = tuple(signature)
        if original:
            self._original[report_id] = original
        self._signatures[report_id] = signature
        self._order[report_id] = len(self._order)
        for band, key in self._band_keys(signature):
            self._buckets.setdefault((band, key), []).append(report_id)

    def original_of(self, report_id: str) -> str | None:
        return self._original.get(report_id)

    def _band_keys(self, signature: tuple[int, ...]) -> Iterator[tuple[int, tuple[int, ...]]]:
        r = self._rows
        for band in range(self.bands):
            yield band, signature[band * r : (band + 1) * r]

    def _match(self, report_id: str, signature: tuple[int, ...]) -> str | None:
        seen: set[str] = set()
        best: tuple[int, str] | None = None  # (order added, original report id)
        for band_key in self._band_keys(signature):
            for other in self._buckets.get(band_key, ()):
                if other == report_id or other in seen:
                    continue
                seen.add(other)
                theirs = self._signatures[other]
                same = sum(x == y for x, y in zip(signature, theirs, strict=True))
                if same / self.permutations >= self.threshold:
                    root = self._original.get(other, other)
                    if root == report_id:
                        continue
                    rank = self._order[root]
                    if best is None or rank < best[0]:
                        best = (rank, root)
        return best[1] if best else None


# --- events --------------------------------------------------------------------------------

_SPECIFICITY = {"crossing": 0, "city": 1, "district": 2, "admin1": 3, "region": 4, "country": 5}


def build_event(
    event_id: str,
    frames: Sequence[EventFrame],
    claims: Sequence[SourcedClaim],
    *,
    rule: str = "conservative",
    sources: Mapping[str, str] | None = None,
) -> Event:
    """An Event from its frames and the claims of those frames.

    ``sources`` maps report ids to their source paths/URLs; reports missing from it take the
    source of one of their claims.
    """
    type_votes: Counter[str] = Counter()
    for f in frames:
        type_votes[f.type] += 2 if f.primary else 1
    first_seen = {t: i for i, t in reversed(list(enumerate(f.type for f in frames)))}
    event_type = (
        max(type_votes, key=lambda t: (type_votes[t], t != "other", -first_seen[t]))
        if type_votes
        else "other"
    )

    spans = [(f.date.start, f.date.end) for f in frames if f.date is not None]
    if not spans:
        spans = [(f.published, f.published) for f in frames if f.published is not None]
    date_start = min((s for s, _ in spans), default=None)
    date_end = max((e for _, e in spans), default=None)

    place_counts: Counter[tuple[str, str | None]] = Counter()
    place_of: dict[tuple[str, str | None], Place] = {}
    for f in frames:
        for p in f.places:
            key = _place_key(p)
            place_counts[key] += 1
            place_of.setdefault(key, p)
    order = list(place_of)
    places = tuple(
        place_of[k]
        for k in sorted(
            order,
            key=lambda k: (_SPECIFICITY.get(place_of[k].kind, 6), -place_counts[k], order.index(k)),
        )
    )

    actors: dict[tuple[str, str | None], Actor] = {}
    for f in frames:
        for a in f.actors:
            actors.setdefault(((a.name or a.text).casefold(), a.country), a)

    report_ids = tuple(dict.fromkeys(f.report_id for f in frames))
    source_of = dict(sources or {})
    for sc in claims:
        source_of.setdefault(sc.claim.report_id, sc.source)
    return Event(
        id=event_id,
        type=event_type,
        date_start=date_start,
        date_end=date_end,
        places=places,
        actors=tuple(actors.values()),
        frame_ids=tuple(f.id for f in frames),
        report_ids=report_ids,
        sources=tuple(source_of[r] for r in report_ids if r in source_of),
        figures=reconciliation.reconcile(claims, rule=rule),
    )
