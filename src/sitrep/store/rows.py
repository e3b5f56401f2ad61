"""Pure conversions between model objects and the store's flat row values (no SQL here)."""

from __future__ import annotations

import json
import operator
import struct
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sitrep.models import (
    Actor,
    Claim,
    DateSpan,
    Episode,
    EpisodeFigure,
    Event,
    EventFrame,
    Figure,
    Place,
    Quantity,
    Quote,
    SourcedClaim,
    content_id,
)

# A frame whose date spans more than this many days (a month, a year) says too little about
# *when* to be matched on it: for linking it falls back to its report's publication date.
LINK_WINDOW_MAX_DAYS = 31

# Undated frames are indexed under this day so they stay reachable with an index seek.
UNDATED_DAY = ""

# The most specific place with coordinates gives an event its map point.
_PLACE_KIND_RANK = {
    "crossing": 0,
    "city": 0,
    "district": 1,
    "admin1": 2,
    "region": 3,
    "unknown": 3,
    "country": 4,
}

HEADLINE_MAX_CHARS = 160

Row = Mapping[str, Any]


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str | None) -> Any:
    return json.loads(text) if text else None


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def parse_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# --- actors, places, dates ------------------------------------------------------------------


def actor_values(actor: Actor | None) -> tuple[str | None, str | None, str | None, str | None]:
    """(text, name, country, type); all None when there is no actor."""
    if actor is None:
        return (None, None, None, None)
    return (actor.text, actor.name, actor.country, actor.type)


def actor_from(row: Row, prefix: str) -> Actor | None:
    text = row[f"{prefix}_text"]
    if text is None:
        return None
    return Actor(
        text=text,
        name=row[f"{prefix}_name"],
        country=row[f"{prefix}_country"],
        type=row[f"{prefix}_type"],
    )


def actor_from_dict(d: Mapping[str, Any]) -> Actor:
    return Actor.from_dict(d)


def actor_dict(row: Row, prefix: str) -> dict[str, Any] | None:
    actor = actor_from(row, prefix)
    return actor.to_dict() if actor else None


def place_from_dict(d: Mapping[str, Any]) -> Place:
    return Place.from_dict(d)


def place_id(place: Place) -> str:
    return content_id("p", place.name, place.country, place.admin1, place.kind)


def span_from(row: Row, prefix: str) -> DateSpan | None:
    start = row[f"{prefix}_start"]
    if start is None:
        return None
    return DateSpan(
        start=date.fromisoformat(start),
        end=date.fromisoformat(row[f"{prefix}_end"] or start),
        granularity=row[f"{prefix}_granularity"] or "unknown",
        text=row[f"{prefix}_text"] or "",
    )


def span_values(span: DateSpan | None) -> tuple[str | None, str | None, str | None, str | None]:
    if span is None:
        return (None, None, None, None)
    return (span.start.isoformat(), span.end.isoformat(), span.granularity, span.text)


def casefold(text: str | None) -> str:
    """Case-insensitive matching for any script (SQLite's lower() only knows ASCII)."""
    return text.casefold() if text else ""


# --- near-copy signatures -------------------------------------------------------------------

# Fixed little-endian 8-byte words, so a database file reads the same on any machine.
_MINHASH_WORD = struct.Struct("<Q")


def pack_minhash(signature: Sequence[int]) -> bytes:
    """A MinHash signature as a blob; ValueError unless it is unsigned 64-bit integers."""
    values = []
    for value in signature:
        try:
            number = operator.index(value)  # any integer type (numpy's too), never a float
        except TypeError:
            number = -1
        if isinstance(value, bool) or not 0 <= number < 2**64:
            raise ValueError(f"MinHash values must be integers in 0..2**64-1, not {value!r}")
        values.append(number)
    if not values:
        raise ValueError("a MinHash signature needs at least one value")
    return struct.pack(f"<{len(values)}Q", *values)


def unpack_minhash(blob: object) -> tuple[int, ...]:
    """The signature stored by ``pack_minhash``; ValueError for a value it could not have made."""
    size = _MINHASH_WORD.size
    if not isinstance(blob, bytes) or not blob or len(blob) % size:
        shape = f"{len(blob)} bytes" if isinstance(blob, bytes) else type(blob).__name__
        raise ValueError(f"expected a whole number of {size}-byte words, found {shape}")
    return struct.unpack(f"<{len(blob) // size}Q", blob)


# --- claims and quotes ----------------------------------------------------------------------


def sourced_claim_from_row(row: Row) -> SourcedClaim:
    """A claim row joined with its report's ``source``, ``outlet`` and ``original_id``."""
    return SourcedClaim(
        claim=claim_from_row(row),
        source=row["source"],
        outlet=row["outlet"],
        published=parse_day(row["published"]),
        original=row["original_id"],
    )


def claim_from_row(row: Row) -> Claim:
    keys = set(row.keys())  # the toll columns exist from schema version 4 on
    return Claim(
        report_id=row["report_id"],
        measure=row["measure"],
        quantity=Quantity(
            value=row["value"],
            qualifier=row["qualifier"],
            low=row["low"],
            high=row["high"],
            text=row["quantity_text"],
        ),
        victim=actor_from(row, "victim"),
        claimant=actor_from(row, "claimant") or Actor(text=""),
        sentence=row["sentence"],
        start=row["start"],
        end=row["end"],
        quantity_start=row["quantity_start"],
        quantity_end=row["quantity_end"],
        frame=row["frame_key"],
        period=span_from(row, "period"),
        negated=bool(row["negated"]),
        toll=row["toll"] if "toll" in keys else None,
        part_of=row["part_of"] if "part_of" in keys else None,
        as_of=parse_day(row["as_of"]) if "as_of" in keys else None,
        statistic=bool(row["statistic"]) if "statistic" in keys else False,
    )


def claim_dict(row: Row) -> dict[str, Any]:
    """``Claim.to_dict()`` plus its frame and report facts (and ``event`` when selected)."""
    d = claim_from_row(row).to_dict()
    d["negated"] = bool(row["negated"])
    d["frame"] = row["frame_id"]
    d["report_id"] = row["report_id"]
    d["source"] = row["source"]
    d["outlet"] = row["outlet"]
    d["published"] = row["published"]
    keys = row.keys()
    for key in ("event", "episode"):  # when the query selects them
        if key in keys:
            d[key] = row[key]
    return d


def quote_dict(row: Row) -> dict[str, Any]:
    quote = Quote(
        report_id=row["report_id"],
        text=row["text"],
        start=row["start"],
        end=row["end"],
        speaker=actor_from(row, "speaker"),
    )
    d = quote.to_dict()
    d["report_id"] = row["report_id"]
    d["source"] = row["source"]
    return d


# --- frames ---------------------------------------------------------------------------------


def link_window(frame: EventFrame, report_published: date | None) -> tuple[date, date] | None:
    """The days a frame is matched on when linking: its date, else its publication date."""
    if frame.date and (frame.date.end - frame.date.start).days < LINK_WINDOW_MAX_DAYS:
        return (frame.date.start, max(frame.date.start, frame.date.end))
    published = frame.published or report_published
    return (published, published) if published else None


def window_days(start: str | None, end: str | None) -> list[str]:
    """ISO days of a stored link window (one sentinel day for undated frames)."""
    if start is None:
        return [UNDATED_DAY]
    first, last = date.fromisoformat(start), date.fromisoformat(end or start)
    return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]


def frame_from_row(row: Row) -> EventFrame:
    return EventFrame(
        report_id=row["report_id"],
        key=row["key"],
        type=row["type"],
        trigger=row["trigger"],
        start=row["start"],
        end=row["end"],
        date=span_from(row, "date"),
        places=tuple(place_from_dict(p) for p in from_json(row["places"]) or ()),
        actors=tuple(actor_from_dict(a) for a in from_json(row["actors"]) or ()),
        claim_ids=tuple(from_json(row["claim_ids"]) or ()),
        published=parse_day(row["published"]),
        terms=tuple(from_json(row["terms"]) or ()),
        primary=bool(row["is_primary"]),
    )


# --- events ---------------------------------------------------------------------------------


def event_countries(event: Event | Episode) -> list[str]:
    """Countries an event (or episode) involves: where it happened first, then its actors'
    countries."""
    found = [p.country for p in event.places if p.country]
    found += [a.country for a in event.actors if a.country]
    return list(dict.fromkeys(found))


def actor_label(actor: Actor) -> str:
    return actor.name or actor.text


def actor_search_text(event: Event | Episode) -> str:
    """All actor names and mentions of an event, casefolded, for substring filtering."""
    labels = {casefold(label) for a in event.actors for label in (a.name, a.text) if label}
    return "\x1f".join(sorted(labels))


def event_point(places: Sequence[Place]) -> tuple[float | None, float | None]:
    located = [p for p in places if p.lat is not None and p.lon is not None]
    if not located:
        return (None, None)
    best = min(located, key=lambda p: _PLACE_KIND_RANK.get(p.kind, 3))
    return (best.lat, best.lon)


def killed_summary(figures: Iterable[Figure]) -> dict[str, int | None] | None:
    """Killed across all victim sides: lows and bests add up; high is unbounded if any is."""
    killed = [f for f in figures if f.measure == "killed"]
    if not killed:
        return None

    def total(values: list[int | None]) -> int | None:
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    highs = [f.high for f in killed]
    return {
        "low": total([f.low for f in killed]),
        "best": total([f.best for f in killed]),
        "high": None if any(h is None for h in highs) else total(highs),
    }


def headline_text(text: str | None) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    if len(flat) <= HEADLINE_MAX_CHARS:
        return flat or None
    return flat[: HEADLINE_MAX_CHARS - 1].rstrip() + "…"


def figure_from_dict(d: Mapping[str, Any]) -> Figure:
    return Figure.from_dict(d)


def event_from_row(row: Row) -> Event:
    return Event(
        id=row["id"],
        type=row["type"],
        date_start=parse_day(row["date_start"]),
        date_end=parse_day(row["date_end"]),
        places=tuple(place_from_dict(p) for p in from_json(row["places"]) or ()),
        actors=tuple(actor_from_dict(a) for a in from_json(row["actors"]) or ()),
        frame_ids=tuple(from_json(row["frame_ids"]) or ()),
        report_ids=tuple(from_json(row["report_ids"]) or ()),
        sources=tuple(from_json(row["sources"]) or ()),
        figures=tuple(figure_from_dict(f) for f in from_json(row["figures"]) or ()),
    )


def event_summary(row: Row) -> dict[str, Any]:
    """The list-item shape of an event (``Store.events`` items)."""
    killed = None
    if row["has_killed"]:
        killed = {"low": row["killed_low"], "best": row["killed_best"], "high": row["killed_high"]}
    return {
        "id": row["id"],
        "type": row["type"],
        "date_start": row["date_start"],
        "date_end": row["date_end"],
        "countries": from_json(row["countries"]) or [],
        "places": [p["name"] for p in from_json(row["places"]) or ()],
        "actors": [actor_label(actor_from_dict(a)) for a in from_json(row["actors"]) or ()],
        "lat": row["lat"],
        "lon": row["lon"],
        "n_reports": row["n_reports"],
        "n_claims": row["n_claims"],
        "headline": row["headline"],
        "contradiction": bool(row["contradiction"]),
        "killed": killed,
    }


# --- full-text queries ----------------------------------------------------------------------


def fts_fallback(query: str) -> str | None:
    """Turn free text that is not valid FTS5 syntax into a conjunction of quoted words.

    Each whitespace-separated chunk with a letter or digit becomes one quoted phrase (so
    ``al-Shifa`` stays a phrase and ``AND(`` becomes the word "and"); None when nothing
    searchable is left.
    """
    phrases = []
    for chunk in query.split():
        bare = chunk.replace('"', "")
        if any(ch.isalnum() for ch in bare):
            phrases.append(f'"{bare}"')
    return " ".join(phrases) or None


# --- episodes -------------------------------------------------------------------------------

TOLL_MEASURES = ("killed", "wounded")  # the figures an episode list shows


def episode_tolls(figures: Iterable[Figure]) -> list[dict[str, Any]]:
    """The killed and wounded figures of an episode, for its list item."""
    return [
        {
            "measure": f.measure,
            "victim_country": f.victim_country,
            "victim_side": f.victim_side,
            "low": f.low,
            "best": f.best,
            "high": f.high,
            "grade": getattr(f, "grade", None),
        }
        for f in figures
        if f.measure in TOLL_MEASURES
    ]


def episode_from_row(row: Row) -> Episode:
    return Episode(
        id=row["id"],
        event_ids=tuple(from_json(row["event_ids"]) or ()),
        date_start=parse_day(row["date_start"]),
        date_end=parse_day(row["date_end"]),
        places=tuple(place_from_dict(p) for p in from_json(row["places"]) or ()),
        actors=tuple(actor_from_dict(a) for a in from_json(row["actors"]) or ()),
        report_ids=tuple(from_json(row["report_ids"]) or ()),
        sources=tuple(from_json(row["sources"]) or ()),
        figures=tuple(EpisodeFigure.from_dict(f) for f in from_json(row["figures"]) or ()),
    )


def episode_summary(row: Row) -> dict[str, Any]:
    """The list-item shape of an episode (``Store.episodes`` items)."""
    return {
        "id": row["id"],
        "date_start": row["date_start"],
        "date_end": row["date_end"],
        "countries": from_json(row["countries"]) or [],
        "places": [p["name"] for p in from_json(row["places"]) or ()],
        "actors": [actor_label(actor_from_dict(a)) for a in from_json(row["actors"]) or ()],
        "types": from_json(row["types"]) or [],
        "lat": row["lat"],
        "lon": row["lon"],
        "n_events": row["n_events"],
        "n_reports": row["n_reports"],
        "n_claims": row["n_claims"],
        "headline": row["headline"],
        "contradiction": bool(row["contradiction"]),
        "tolls": from_json(row["tolls"]) or [],
    }
