"""Pydantic models that document the JSON API in the generated OpenAPI.

The routes return the store's dicts directly (no re-validation on the hot path); the test
suite validates real responses against these models so the documentation cannot drift.
Every model allows extra fields: the store may add more than is documented here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorOut(_Open):
    error: str = Field(description="What went wrong, in one line.")
    status: int = Field(description="The HTTP status code, repeated in the body.")


class ActorOut(_Open):
    text: str | None = Field(None, description="The mention as written.")
    name: str | None = Field(None, description="Canonical name from the actor catalog.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-3.")
    type: str | None = Field(None, description="state_forces, government, armed_group, ...")


class PlaceOut(_Open):
    name: str
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = Field(None, description="country, admin1, district, city, crossing...")


class KilledRange(_Open):
    low: int | None = None
    best: int | None = None
    high: int | None = Field(None, description="null when unbounded.")


class EventSummary(_Open):
    id: str
    type: str | None = None
    date_start: str | None = Field(None, description="ISO date.")
    date_end: str | None = None
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-3 codes.")
    places: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    n_reports: int = 0
    n_claims: int = 0
    headline: str | None = None
    contradiction: bool = Field(False, description="Sides give figures that cannot both hold.")
    killed: KilledRange | None = None
    episode: str | None = Field(None, description="Id of the episode the event belongs to.")


class PageMeta(_Open):
    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="Offset of the next page, if any.")
    filters: dict[str, Any] = Field(default_factory=dict, description="The filters applied.")


class EventPage(PageMeta):
    items: list[EventSummary]


class ClaimGroupOut(_Open):
    claimant_side: str | None = None
    claimant_country: str | None = None
    claimants: list[str] = Field(default_factory=list)
    value: int | None = None
    qualifier: str | None = None
    low: int | None = None
    high: int | None = None
    reports: int = 0
    report_ids: list[str] = Field(default_factory=list)
    outlets: list[str] = Field(default_factory=list)
    claim_ids: list[str] = Field(default_factory=list)
    first_reported: str | None = None
    last_reported: str | None = None


class FigureOut(_Open):
    measure: str
    victim_country: str | None = None
    claims: list[ClaimGroupOut] = Field(description="One group per claimant side and value.")
    contradiction: bool = False
    low: int | None = None
    best: int | None = None
    high: int | None = None
    rule: str | None = Field(None, description="Name of the reconciliation rule.")
    reason: str | None = Field(None, description="Why the rule chose `best`.")


class SourceOut(_Open):
    report_id: str
    source: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None


class ClaimOut(_Open):
    id: str
    measure: str | None = None
    value: int | None = None
    qualifier: str | None = None
    low: int | None = None
    high: int | None = None
    quantity_text: str | None = None
    victim: ActorOut | None = None
    claimant: ActorOut | None = None
    start: int | None = Field(None, description="Offset of the claim's sentence in the report.")
    end: int | None = None
    sentence: str | None = None
    period: dict[str, Any] | None = None
    report_id: str | None = None
    source: str | None = None
    outlet: str | None = None
    published: str | None = None
    event: str | None = Field(None, description="Id of the event the claim belongs to.")


class QuoteOut(_Open):
    id: str
    text: str | None = None
    start: int | None = None
    end: int | None = None
    speaker: ActorOut | str | None = None
    report_id: str | None = None
    source: str | None = None


class EventDetail(_Open):
    id: str
    type: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    places: list[PlaceOut] = Field(default_factory=list)
    actors: list[ActorOut] = Field(default_factory=list)
    frames: list[str] = Field(default_factory=list)
    reports: list[str] = Field(default_factory=list)
    sources: list[SourceOut] = Field(default_factory=list)
    figures: list[FigureOut] = Field(default_factory=list)
    claims: list[ClaimOut] = Field(default_factory=list)
    quotes: list[QuoteOut] = Field(default_factory=list)
    episode: str | None = Field(None, description="Id of the episode the event belongs to.")


class ClaimPage(PageMeta):
    items: list[ClaimOut]


class ReportClaimSpan(_Open):
    id: str
    start: int
    end: int
    quantity_start: int | None = None
    quantity_end: int | None = None
    measure: str | None = None
    value: int | None = None


class ReportQuoteSpan(_Open):
    id: str
    start: int
    end: int
    speaker: ActorOut | str | None = None


class ReportDetail(_Open):
    id: str
    source: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    url: str | None = None
    text: str = Field(description="The report's text exactly as read; offsets index into it.")
    body_start: int = 0
    claims: list[ReportClaimSpan] = Field(default_factory=list)
    quotes: list[ReportQuoteSpan] = Field(default_factory=list)
    events: list[str] = Field(default_factory=list)


class ActorSummary(_Open):
    name: str
    country: str | None = None
    type: str | None = None
    as_claimant: int = 0
    as_victim: int = 0


class ActorPage(PageMeta):
    items: list[ActorSummary]


class PlaceSummary(PlaceOut):
    n_events: int = 0


class PlacePage(PageMeta):
    items: list[PlaceSummary]


class StatsOut(_Open):
    reports: int | None = None
    claims: int | None = None
    quotes: int | None = None
    events: int | None = None


class IngestReport(BaseModel):
    """One report to ingest; ``text`` is required, the rest is optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2_000_000)
    url: str | None = Field(None, max_length=2_000)
    title: str | None = Field(None, max_length=1_000)
    published: str | None = Field(None, description="ISO date YYYY-MM-DD.")
    outlet: str | None = Field(None, max_length=200)


class IngestOut(_Open):
    received: int
    report_ids: list[str]
    result: Any = Field(None, description="What the processing step returned.")


# ---------------------------------------------------------------- episodes


class TollOut(_Open):
    measure: str = Field(description="killed or wounded.")
    victim_country: str | None = Field(None, description="The victims' side, ISO 3166-1 alpha-3.")
    low: int | None = None
    best: int | None = None
    high: int | None = Field(None, description="null when unbounded.")
    grade: str | None = Field(
        None, description="Evidence grade: admitted, confirmed, contested or single_source."
    )


class EpisodeSummary(_Open):
    id: str
    date_start: str | None = Field(None, description="ISO date.")
    date_end: str | None = None
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-3 codes.")
    places: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    types: list[str] = Field(default_factory=list, description="Types of its events.")
    lat: float | None = None
    lon: float | None = None
    n_events: int = 0
    n_reports: int = 0
    n_claims: int = 0
    headline: str | None = None
    contradiction: bool = Field(False, description="Sides give figures that cannot both hold.")
    tolls: list[TollOut] = Field(default_factory=list, description="Killed and wounded.")


class EpisodePage(PageMeta):
    items: list[EpisodeSummary]


class HistoryPoint(_Open):
    reported: str | None = Field(None, description="As-of date of the figure, YYYY-MM-DD.")
    claimant_country: str | None = None
    claimant_side: str | None = None
    value: int | None = None
    qualifier: str | None = None
    low: int | None = None
    high: int | None = None
    toll: str | None = Field(None, description="cumulative, incremental, or null for plain.")
    derived_from: list[str] | None = Field(
        None, description="Claim ids of the stated parts when the figure is their sum."
    )
    claimants: list[str] = Field(default_factory=list)
    reports: int = 0
    claim_ids: list[str] = Field(default_factory=list)


class EpisodeFigureOut(FigureOut):
    history: list[HistoryPoint] = Field(
        default_factory=list, description="Each claimant side's figures in the order reported."
    )
    grade: str | None = Field(
        None,
        description="admitted (the victims' own side states it), confirmed (an independent "
        "body states it), contested (one side's claim disputed by the other), single_source.",
    )
    grade_reason: str | None = Field(None, description="Why the figure has its grade.")


class EpisodeDetail(_Open):
    id: str
    date_start: str | None = None
    date_end: str | None = None
    places: list[PlaceOut | str] = Field(default_factory=list)
    actors: list[ActorOut | str] = Field(default_factory=list)
    figures: list[EpisodeFigureOut] = Field(default_factory=list)
    event_items: list[EventSummary] = Field(
        default_factory=list, description="The episode's events, as items of /api/events."
    )
    sources: list[SourceOut] = Field(default_factory=list)
    claims: list[ClaimOut] = Field(default_factory=list)
    quotes: list[QuoteOut] = Field(default_factory=list)


class FacetsOut(_Open):
    types: list[tuple[str, int]] = Field(description="[event type, events] pairs.")
    countries: list[tuple[str, int]] = Field(description="[ISO 3166-1 alpha-3, events] pairs.")
    actors: list[tuple[str, int]] = Field(description="[actor name, events] pairs.")
