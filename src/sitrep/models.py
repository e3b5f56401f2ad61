"""Frozen dataclasses shared by every stage: reports in, claims/quotes/events out.

Everything here is plain data with no I/O. ``to_dict`` gives the JSON shape used by the
CLI, the API and the evaluation contract (``../shared/CONTRACT.md``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

ActorType = Literal[
    "state_forces", "government", "armed_group", "civilians", "media", "organization", "person"
]
ACTOR_TYPES: tuple[str, ...] = (
    "state_forces",
    "government",
    "armed_group",
    "civilians",
    "media",
    "organization",
    "person",
)
Qualifier = Literal["exact", "more_than", "at_least", "about", "up_to", "range", "vague"]
Granularity = Literal["day", "week", "month", "year", "unknown"]


def parse_day(value: object) -> date | None:
    """An ISO date (or datetime) string, a date, or nothing."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def content_id(prefix: str, *parts: object) -> str:
    """Stable short id from content, so re-ingesting the same thing yields the same id."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:12]}"


@dataclass(frozen=True)
class Report:
    """One news report as read from disk or a feed; ``text`` is exactly what was read.

    ``body_start`` is the offset where the extractable body begins (after a date line or
    share/boilerplate lines); all offsets anywhere in sitrep index into ``text``.
    """

    source: str
    text: str
    body_start: int = 0
    published: date | None = None
    outlet: str | None = None
    title: str | None = None
    url: str | None = None

    @property
    def id(self) -> str:
        return content_id("r", self.text)

    @property
    def body(self) -> str:
        return self.text[self.body_start :]


@dataclass(frozen=True)
class Actor:
    """Who did, suffered or said something. ``text`` is the mention; the rest is resolved."""

    text: str
    name: str | None = None
    country: str | None = None
    type: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "name": self.name, "country": self.country, "type": self.type}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Actor:
        return cls(
            d.get("text") or d.get("name") or "", d.get("name"), d.get("country"), d.get("type")
        )

    @property
    def side(self) -> str | None:
        """The side an actor is on when figures are reconciled: a state's actors are their
        country; a non-state armed group is itself (the RSF and Sudan's army are two sides)."""
        if self.type == "armed_group":
            return self.name or (f"{self.country} armed group" if self.country else None)
        return self.country or self.name


@dataclass(frozen=True)
class Quantity:
    """A stated amount: ``value`` as written, ``low``/``high`` the bounds it implies."""

    value: int | None
    qualifier: str = "exact"
    low: int | None = None
    high: int | None = None
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "qualifier": self.qualifier,
            "low": self.low,
            "high": self.high,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Quantity:
        """The quantity of a ``to_dict()`` (or of a dict that embeds its keys)."""
        return cls(d.get("value"), d.get("qualifier") or "exact", d.get("low"), d.get("high"))


@dataclass(frozen=True)
class DateSpan:
    """A resolved date expression: ``start``..``end`` inclusive, at ``granularity``."""

    start: date
    end: date
    granularity: str = "day"
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "granularity": self.granularity,
            "text": self.text,
        }


@dataclass(frozen=True)
class Place:
    """A geocoded place. ``kind``: country, admin1, district, city, crossing, region."""

    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str = "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "country": self.country,
            "admin1": self.admin1,
            "lat": self.lat,
            "lon": self.lon,
            "kind": self.kind,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Place:
        return cls(
            d["name"],
            d.get("country"),
            d.get("admin1"),
            d.get("lat"),
            d.get("lon"),
            d.get("kind") or "unknown",
        )


@dataclass(frozen=True)
class Mention:
    """Something found at ``start``..``end`` of a report's text (offsets into ``Report.text``)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Claim:
    """A figure asserted by someone about someone, anchored to its sentence."""

    report_id: str
    measure: str
    quantity: Quantity
    victim: Actor | None
    claimant: Actor
    sentence: str
    start: int
    end: int
    quantity_start: int
    quantity_end: int
    frame: int | None = None  # key of the report-level event frame it belongs to
    period: DateSpan | None = None  # the period of a statistic, when its dates resolve
    statistic: bool = False  # a figure over a period ("143 attacks in August"), not an event
    negated: bool = False  # "denied that 50 were killed": kept out of figures
    # How the figure counts: None for a plain figure, "cumulative" for a running total
    # ("rose to 32", "so far", "in all"), "incremental" for an addition ("12 more",
    # "another five"), never to be taken as the total, "local" for a count the report gives
    # place by place ("two killed in Kotli"), a part of the side's toll.
    toll: str | None = None
    # Claims that state parts of one total ("13 civilians and six soldiers") share this key:
    # the quantity_start of the first part in the sentence.
    part_of: int | None = None
    as_of: date | None = None  # the date the sentence gives for a running toll ("by Saturday")

    @property
    def id(self) -> str:
        return content_id("c", self.report_id, self.quantity_start, self.quantity_end, self.measure)

    def to_dict(self) -> dict[str, Any]:
        q = self.quantity
        return {
            "id": self.id,
            "measure": self.measure,
            "value": q.value,
            "qualifier": q.qualifier,
            "low": q.low,
            "high": q.high,
            "quantity_text": q.text,
            "victim": self.victim.to_dict() if self.victim else None,
            "claimant": self.claimant.to_dict(),
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "period": self.period.to_dict() if self.period else None,
            "statistic": self.statistic,
            "toll": self.toll,
            "part_of": self.part_of,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }


@dataclass(frozen=True)
class Quote:
    report_id: str
    text: str
    start: int
    end: int
    speaker: Actor | None

    @property
    def id(self) -> str:
        return content_id("q", self.report_id, self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker.to_dict() if self.speaker else None,
        }


@dataclass(frozen=True)
class EventFrame:
    """What one report says about one event: type, when, where, who, and its claims.

    ``key`` is unique within the report; ``id`` is global and content-derived.
    """

    report_id: str
    key: int
    type: str
    trigger: str
    start: int  # offsets of the sentence that introduced the frame
    end: int
    date: DateSpan | None = None
    places: tuple[Place, ...] = ()
    actors: tuple[Actor, ...] = ()
    claim_ids: tuple[str, ...] = ()
    published: date | None = None  # the report's publication date, for date windows
    terms: tuple[str, ...] = ()  # salient lemmas/names of the report, for text similarity
    primary: bool = True  # the report's main event (False for background events it mentions)

    @cached_property  # linking asks for it again for every candidate
    def id(self) -> str:
        return content_id("f", self.report_id, self.key)

    @cached_property
    def countries(self) -> frozenset[str]:
        found = {p.country for p in self.places if p.country}
        found |= {a.country for a in self.actors if a.country}
        return frozenset(found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "trigger": self.trigger,
            "start": self.start,
            "end": self.end,
            "date": self.date.to_dict() if self.date else None,
            "places": [p.to_dict() for p in self.places],
            "actors": [a.to_dict() for a in self.actors],
            "claims": list(self.claim_ids),
            "published": self.published.isoformat() if self.published else None,
            "primary": self.primary,
        }


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one report."""

    report: Report
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()
    places: tuple[PlaceMention, ...] = ()
    frames: tuple[EventFrame, ...] = ()
    cited_outlets: tuple[str, ...] = ()
    extractor_version: str = ""

    def to_dict(self, event_of_frame: dict[str, str] | None = None) -> dict[str, Any]:
        """The CONTRACT's per-document JSON; ``event_of_frame`` maps frame ids to event ids."""
        event_of_frame = event_of_frame or {}
        frame_ids = {f.key: f.id for f in self.frames}
        claims = []
        for c in self.claims:
            d = c.to_dict()
            fid = frame_ids.get(int(c.frame)) if c.frame is not None else None
            d["frame"] = fid
            d["event"] = event_of_frame.get(fid) if fid else None
            claims.append(d)
        r = self.report
        return {
            "source": r.source,
            "report_id": r.id,
            "published": r.published.isoformat() if r.published else None,
            "outlet": r.outlet,
            "title": r.title,
            "url": r.url,
            "cited_outlets": list(self.cited_outlets),
            "claims": claims,
            "quotes": [q.to_dict() for q in self.quotes],
            "places": [
                {**p.place.to_dict(), "text": p.text, "start": p.start, "end": p.end}
                for p in self.places
            ],
            "frames": [f.to_dict() for f in self.frames],
            "extractor_version": self.extractor_version,
        }


@dataclass(frozen=True)
class ClaimGroup:
    """All claims of one figure by one claimant side with one value."""

    claimant_side: str | None
    claimant_country: str | None
    quantity: Quantity
    claim_ids: tuple[str, ...]
    report_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    claimants: tuple[str, ...]
    first_reported: date | None = None
    last_reported: date | None = None

    @property
    def reports(self) -> int:
        return len(self.report_ids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claimant_side": self.claimant_side,
            "claimant_country": self.claimant_country,
            "claimants": list(self.claimants),
            **self.quantity.to_dict(),
            "reports": self.reports,
            "report_ids": list(self.report_ids),
            "outlets": list(self.outlets),
            "claim_ids": list(self.claim_ids),
            "first_reported": self.first_reported.isoformat() if self.first_reported else None,
            "last_reported": self.last_reported.isoformat() if self.last_reported else None,
        }

    @classmethod
    def from_dict(cls, g: Mapping[str, Any]) -> ClaimGroup:
        return cls(
            claimant_side=g.get("claimant_side"),
            claimant_country=g.get("claimant_country"),
            quantity=Quantity.from_dict(g),
            claim_ids=tuple(g.get("claim_ids") or ()),
            report_ids=tuple(g.get("report_ids") or ()),
            outlets=tuple(g.get("outlets") or ()),
            claimants=tuple(g.get("claimants") or ()),
            first_reported=parse_day(g.get("first_reported")),
            last_reported=parse_day(g.get("last_reported")),
        )


@dataclass(frozen=True)
class Figure:
    """One reconciled figure: an event's measure for one victim side."""

    measure: str
    victim_country: str | None  # the victims' country (CONTRACT); see victim_side
    groups: tuple[ClaimGroup, ...]
    contradiction: bool
    low: int | None
    best: int | None
    high: int | None
    rule: str
    reason: str
    victim_side: str | None = None  # differs from the country for non-state armed groups

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "victim_country": self.victim_country,
            "victim_side": self.victim_side,
            "claims": [g.to_dict() for g in self.groups],
            "contradiction": self.contradiction,
            "low": self.low,
            "best": self.best,
            "high": self.high,
            "rule": self.rule,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Figure:
        """The inverse of ``to_dict``."""
        return cls(
            measure=d["measure"],
            victim_country=d.get("victim_country"),
            groups=tuple(ClaimGroup.from_dict(g) for g in d.get("claims") or ()),
            contradiction=bool(d.get("contradiction")),
            low=d.get("low"),
            best=d.get("best"),
            high=d.get("high"),
            rule=d.get("rule") or "",
            reason=d.get("reason") or "",
            victim_side=d.get("victim_side"),
        )


@dataclass(frozen=True)
class Event:
    """A real-world event, possibly reported by many outlets (a cluster of frames)."""

    id: str
    type: str
    date_start: date | None
    date_end: date | None
    places: tuple[Place, ...]
    actors: tuple[Actor, ...]
    frame_ids: tuple[str, ...]
    report_ids: tuple[str, ...]
    sources: tuple[str, ...]
    figures: tuple[Figure, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "date_start": self.date_start.isoformat() if self.date_start else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "places": [p.to_dict() for p in self.places],
            "actors": [a.to_dict() for a in self.actors],
            "frames": list(self.frame_ids),
            "reports": list(self.report_ids),
            "sources": list(self.sources),
            "figures": [f.to_dict() for f in self.figures],
        }


@dataclass(frozen=True)
class SourcedClaim:
    """A claim with the facts about its report that linking and reconciliation need."""

    claim: Claim
    source: str
    outlet: str | None = None
    published: date | None = None
    original: str | None = None  # report id of the original when this report is a near-copy


@dataclass(frozen=True)
class TollEntry:
    """One step of a side's running toll: a figure as reported on a day (see ``EpisodeFigure``).

    ``toll`` is the claims' ``Claim.toll``; ``derived_from`` names the claims whose stated
    parts were summed into this figure ("13 civilians and six soldiers" -> 19).
    """

    reported: date | None
    claimant_side: str | None
    claimant_country: str | None
    quantity: Quantity
    toll: str | None = None
    derived_from: tuple[str, ...] | None = None
    claimants: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    claim_ids: tuple[str, ...] = ()

    @property
    def reports(self) -> int:
        return len(self.report_ids)

    def to_dict(self) -> dict[str, Any]:
        return {
            "reported": self.reported.isoformat() if self.reported else None,
            "claimant_country": self.claimant_country,
            "claimant_side": self.claimant_side,
            **self.quantity.to_dict(),
            "toll": self.toll,
            "derived_from": list(self.derived_from) if self.derived_from is not None else None,
            "claimants": list(self.claimants),
            "reports": self.reports,
            "report_ids": list(self.report_ids),
            "claim_ids": list(self.claim_ids),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TollEntry:
        derived = d.get("derived_from")
        return cls(
            reported=parse_day(d.get("reported")),
            claimant_side=d.get("claimant_side"),
            claimant_country=d.get("claimant_country"),
            quantity=Quantity.from_dict(d),
            toll=d.get("toll"),
            derived_from=tuple(derived) if derived is not None else None,
            claimants=tuple(d.get("claimants") or ()),
            report_ids=tuple(d.get("report_ids") or ()),
            claim_ids=tuple(d.get("claim_ids") or ()),
        )


GRADES: tuple[str, ...] = ("admitted", "confirmed", "contested", "single_source")


@dataclass(frozen=True)
class EpisodeFigure(Figure):
    """A Figure of an episode: also each side's ``history`` in the order reported and an
    evidence ``grade`` (one of :data:`GRADES`) with its reason."""

    history: tuple[TollEntry, ...] = ()
    grade: str | None = None
    grade_reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d["history"] = [h.to_dict() for h in self.history]
        d["grade"] = self.grade
        d["grade_reason"] = self.grade_reason
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EpisodeFigure:
        """The inverse of ``to_dict``."""
        base = Figure.from_dict(d)
        return cls(
            **{f: getattr(base, f) for f in base.__dataclass_fields__},
            history=tuple(TollEntry.from_dict(h) for h in d.get("history") or ()),
            grade=d.get("grade"),
            grade_reason=d.get("grade_reason") or "",
        )


@dataclass(frozen=True)
class Episode:
    """What a reader follows as one story: the events of one attack and its aftermath, or of
    one continuous run of fighting between the same sides (see ``sitrep.link.episodes``)."""

    id: str
    event_ids: tuple[str, ...]
    date_start: date | None
    date_end: date | None
    places: tuple[Place, ...]
    actors: tuple[Actor, ...]
    report_ids: tuple[str, ...]
    sources: tuple[str, ...]
    figures: tuple[EpisodeFigure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "events": list(self.event_ids),
            "date_start": self.date_start.isoformat() if self.date_start else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "places": [p.to_dict() for p in self.places],
            "actors": [a.to_dict() for a in self.actors],
            "reports": list(self.report_ids),
            "sources": list(self.sources),
            "figures": [f.to_dict() for f in self.figures],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Episode:
        """The inverse of ``to_dict``."""
        return cls(
            id=d["id"],
            event_ids=tuple(d.get("events") or ()),
            date_start=parse_day(d.get("date_start")),
            date_end=parse_day(d.get("date_end")),
            places=tuple(Place.from_dict(p) for p in d.get("places") or ()),
            actors=tuple(Actor.from_dict(a) for a in d.get("actors") or ()),
            report_ids=tuple(d.get("reports") or ()),
            sources=tuple(d.get("sources") or ()),
            figures=tuple(EpisodeFigure.from_dict(f) for f in d.get("figures") or ()),
        )
