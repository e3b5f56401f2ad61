"""Pure helpers that turn the store's data dicts into what the HTML pages show.

Nothing here does I/O. The JSON API returns the store's dicts as they are; the pages render
the same dicts through these helpers (registered as Jinja filters and globals).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

N_TYPE_COLOURS = 12
DAY_TICKS_MAX_DAYS = 31  # timelines spanning at most this many days get day ticks
HEDGES = {
    "more_than": "more than {v}",
    "at_least": "at least {v}",
    "about": "about {v}",
    "up_to": "up to {v}",
}


# ---------------------------------------------------------------- numbers and names


def hedge(
    value: int | None, qualifier: str | None, low: int | None = None, high: int | None = None
) -> str:
    """A stated figure as a reader would say it: 'more than 200', 'about 30', '10–20'."""
    if qualifier == "range" and low is not None and high is not None:
        return f"{low:,}–{high:,}"
    if value is None:
        if qualifier == "vague" and low is not None:
            return f"unstated number (at least {low:,})"
        return "unstated number" if qualifier == "vague" else "unknown"
    template = HEDGES.get(qualifier or "exact")
    return template.format(v=f"{value:,}") if template else f"{value:,}"


def figure_range(low: int | None, best: int | None, high: int | None) -> str:
    """'23 (23–58)': best first, then the span of credible claims; 'or more' when unbounded."""
    if best is None and low is None and high is None:
        return "—"
    best_text = f"{best:,}" if best is not None else "?"
    low_text = f"{low:,}" if low is not None else "?"
    high_text = f"{high:,}" if high is not None else "or more"
    if high is not None and low == high:
        return best_text if best == low else f"{best_text} ({low_text})"
    separator = "–" if high is not None else " "
    return f"{best_text} ({low_text}{separator}{high_text})"


@lru_cache(maxsize=512)
def country_name(iso3: str | None) -> str:
    """Readable country name for an ISO 3166-1 alpha-3 code (the code itself if unknown)."""
    if not iso3:
        return ""
    try:
        import pycountry  # loads its database on first use only
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return iso3
    found = pycountry.countries.get(alpha_3=iso3.upper())
    if found is None:
        return iso3
    return getattr(found, "common_name", None) or found.name


def actor_label(actor: Mapping[str, Any] | str | None) -> str:
    """Name of an actor dict (or the mention text when unresolved); strings pass through."""
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return str(actor.get("name") or actor.get("text") or "")


def side_label(group: Mapping[str, Any]) -> str:
    """Which side a claim group speaks for: its country's name, else the claimant side."""
    country = group.get("claimant_country")
    if country:
        return country_name(country)
    return str(group.get("claimant_side") or "unattributed")


def source_name(source: str | None) -> str:
    """The last part of a report's source path or URL, for short link labels."""
    if not source:
        return ""
    return source.rstrip("/").replace("\\", "/").rsplit("/", 1)[-1] or source


def type_label(event_type: str | None) -> str:
    return (event_type or "unknown").replace("_", " ")


@lru_cache(maxsize=1)
def taxonomy_order() -> tuple[str, ...]:
    """Event types in the order of the bundled ``event_types.toml`` (its ``[types.*]``)."""
    path = Path(__file__).resolve().parents[1] / "data" / "event_types.toml"
    try:
        with path.open("rb") as handle:
            return tuple(tomllib.load(handle).get("types", {}))
    except (OSError, tomllib.TOMLDecodeError):
        return ()


def type_class(event_type: str | None) -> str:
    """A stable colour class for an event type: its place in the taxonomy, else a hash."""
    order = taxonomy_order()
    if event_type in order:
        return f"type-c{order.index(event_type) % N_TYPE_COLOURS}"
    digest = hashlib.sha1((event_type or "").encode("utf-8")).digest()
    return f"type-c{digest[0] % N_TYPE_COLOURS}"


# ---------------------------------------------------------------- links


def claim_href(report_id: str, claim_id: str) -> str:
    """Link to a claim in its report: ``?claim=`` marks it server-side, the fragment scrolls."""
    return f"/reports/{report_id}?{urlencode({'claim': claim_id})}#claim-{claim_id}"


def quote_href(report_id: str, quote_id: str) -> str:
    return f"/reports/{report_id}?{urlencode({'quote': quote_id})}#quote-{quote_id}"


def page_url(path: str, filters: Mapping[str, Any], offset: int, limit: int) -> str:
    """URL of another page of a listing, keeping its filters."""
    params = {k: v for k, v in filters.items() if v not in (None, "")}
    params["limit"] = limit
    if offset:
        params["offset"] = offset
    return f"{path}?{urlencode(params)}"


def next_offset(total: int, limit: int, offset: int) -> int | None:
    return offset + limit if offset + limit < total else None


def prev_offset(limit: int, offset: int) -> int | None:
    return max(0, offset - limit) if offset > 0 else None


# ---------------------------------------------------------------- event page

# Deaths and injuries lead the event page; other measures keep the store's order.
MEASURE_FIRST = {"killed": 0, "wounded": 1}


def ordered_figures(figures: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Figures in reading order: killed, wounded, then the rest; known victim sides and
    contradictions first within a measure."""
    return sorted(
        figures,
        key=lambda f: (
            MEASURE_FIRST.get(str(f.get("measure")), len(MEASURE_FIRST)),
            f.get("victim_country") is None,
            not f.get("contradiction"),
        ),
    )


def rule_reason(rule: str | None, reason: str | None) -> str:
    """The rule's reason without a repeated 'rule:' prefix."""
    text = (reason or "").strip()
    if rule and text.lower().startswith(f"{rule.lower()}:"):
        text = text[len(rule) + 1 :].strip()
    return text


def date_span(first: str | None, last: str | None) -> str:
    """'2025-10-12' or '2025-10-12 → 2025-10-13'."""
    if first and last and first != last:
        return f"{first} → {last}"
    return first or last or "—"


@dataclass(frozen=True)
class ClaimLink:
    href: str
    label: str
    sentence: str


@dataclass(frozen=True)
class SideColumn:
    """One claimant side's claim group of a figure, as a column of the figure table."""

    side: str
    group: Mapping[str, Any]
    links: tuple[ClaimLink, ...]


def figure_columns(figure: Mapping[str, Any], event: Mapping[str, Any]) -> list[SideColumn]:
    """The figure's claim groups as side-by-side columns, each with links to its claims.

    Claims are looked up in the event dict's ``claims`` (which carry their report ids).
    """
    claims = {c["id"]: c for c in event.get("claims") or () if c.get("id")}
    columns = []
    for group in figure.get("claims") or ():
        links = []
        for claim_id in group.get("claim_ids") or ():
            claim = claims.get(claim_id)
            if claim is None or not claim.get("report_id"):
                continue
            label = claim.get("outlet") or source_name(claim.get("source")) or claim["report_id"]
            if claim.get("published"):
                label = f"{label}, {claim['published']}"
            links.append(
                ClaimLink(
                    claim_href(claim["report_id"], claim_id), label, claim.get("sentence", "")
                )
            )
        columns.append(SideColumn(side_label(group), group, tuple(links)))
    # The victim side's own account first, then the other sides by name.
    victim = figure.get("victim_country")
    return sorted(
        columns,
        key=lambda c: (victim is None or c.group.get("claimant_country") != victim, c.side),
    )


# ---------------------------------------------------------------- report text with marks


@dataclass(frozen=True)
class Span:
    """A stretch of report text to wrap in a tag; ``anchor`` is its HTML id."""

    start: int
    end: int
    tag: str
    classes: tuple[str, ...] = ()
    anchor: str | None = None
    title: str | None = None
    order: int = field(default=0, compare=False)


def report_spans(
    report: Mapping[str, Any], target_claim: str | None = None, target_quote: str | None = None
) -> list[Span]:
    """Spans of a report dict: header, claim sentences (with their quantities) and quotes."""
    spans: list[Span] = []
    body_start = int(report.get("body_start") or 0)
    if body_start > 0:
        spans.append(Span(0, body_start, "span", ("report-header",), title="header lines"))
    for claim in report.get("claims") or ():
        classes = ["claim"]
        if claim.get("id") and claim["id"] == target_claim:
            classes.append("is-target")
        value = claim.get("value")
        title = f"{claim.get('measure', 'claim')}: {value if value is not None else '?'}"
        spans.append(
            Span(
                int(claim["start"]),
                int(claim["end"]),
                "mark",
                tuple(classes),
                f"claim-{claim['id']}" if claim.get("id") else None,
                title,
            )
        )
        if claim.get("quantity_start") is not None and claim.get("quantity_end") is not None:
            spans.append(
                Span(int(claim["quantity_start"]), int(claim["quantity_end"]), "strong", ("qty",))
            )
    for quote in report.get("quotes") or ():
        classes = ["quote"]
        if quote.get("id") and quote["id"] == target_quote:
            classes.append("is-target")
        speaker = actor_label(quote.get("speaker"))
        spans.append(
            Span(
                int(quote["start"]),
                int(quote["end"]),
                "mark",
                tuple(classes),
                f"quote-{quote['id']}" if quote.get("id") else None,
                f"quote: {speaker}" if speaker else "quote",
            )
        )
    return spans


def _open_tag(span: Span, first: bool) -> str:
    classes = list(span.classes) if first else [*span.classes, "cont"]
    attrs = []
    if first and span.anchor:
        attrs.append(f' id="{escape(span.anchor)}"')
    if classes:
        attrs.append(f' class="{escape(" ".join(classes))}"')
    if span.title:
        attrs.append(f' title="{escape(span.title)}"')
    return f"<{span.tag}{''.join(attrs)}>"


def mark_text(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` as HTML with each span wrapped in its tag, every text slice escaped.

    Spans may nest or cross: crossing ones are closed and reopened around the crossing, and
    only the first piece of a span carries its id. Spans outside the text are dropped.
    """
    valid = [
        Span(s.start, s.end, s.tag, s.classes, s.anchor, s.title, order=i)
        for i, s in enumerate(spans)
        if 0 <= s.start < s.end <= len(text)
    ]
    starts: dict[int, list[Span]] = {}
    for span in valid:
        starts.setdefault(span.start, []).append(span)
    cuts = sorted({0, len(text)} | {s.start for s in valid} | {s.end for s in valid})

    out: list[str] = []
    stack: list[Span] = []  # open spans, innermost last
    opened: set[int] = set()  # orders of spans whose first piece was emitted
    for i, pos in enumerate(cuts):
        # Close every span ending here; spans above them in the stack close and reopen.
        ending = {s.order for s in stack if s.end == pos}
        reopen: list[Span] = []
        while ending:
            top = stack.pop()
            out.append(f"</{top.tag}>")
            if top.order in ending:
                ending.discard(top.order)
            else:
                reopen.append(top)
        # Open reopened and new spans outermost first (latest end first) so they nest.
        to_open = reopen + starts.get(pos, [])
        to_open.sort(key=lambda s: (-s.end, s.order))
        for span in to_open:
            out.append(_open_tag(span, span.order not in opened))
            opened.add(span.order)
            stack.append(span)
        if i + 1 < len(cuts):
            out.append(str(escape(text[pos : cuts[i + 1]])))
    while stack:
        out.append(f"</{stack.pop().tag}>")
    return Markup("".join(out))


def marked_report(
    report: Mapping[str, Any], target_claim: str | None = None, target_quote: str | None = None
) -> Markup:
    """The report's full text as escaped HTML with claim sentences and quotes marked."""
    return mark_text(
        str(report.get("text") or ""), report_spans(report, target_claim, target_quote)
    )


# ---------------------------------------------------------------- timeline


@dataclass(frozen=True)
class TimelineDot:
    x: float
    y: float
    r: float
    css_class: str
    href: str
    title: str


@dataclass(frozen=True)
class TimelineTick:
    x: float
    label: str


@dataclass(frozen=True)
class TimelineLane:
    y: float
    label: str
    css_class: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    axis_y: float
    x_start: float
    x_end: float
    dots: tuple[TimelineDot, ...]
    ticks: tuple[TimelineTick, ...]
    lanes: tuple[TimelineLane, ...]
    undated: int


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _month_ticks(first: date, last: date, max_ticks: int = 12) -> list[date]:
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, -(-months // max_ticks))
    ticks = []
    year, month = first.year, first.month
    for _ in range(0, months + 1, step):
        ticks.append(date(year, month, 1))
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return ticks


def timeline_layout(
    items: Sequence[Mapping[str, Any]], width: int = 960, lane_height: int = 44
) -> Timeline:
    """Lay events out on a date axis: one lane per type, dot area by best killed figure."""
    dated = [(d, item) for item in items if (d := _parse_date(item.get("date_start")))]
    undated = len(items) - len(dated)
    types = sorted({str(item.get("type") or "unknown") for _, item in dated})
    left, right, top = 176, 40, 20
    height = top + lane_height * max(1, len(types)) + 40
    axis_y = top + lane_height * max(1, len(types)) + 6
    if not dated:
        return Timeline(width, height, axis_y, left, width - right, (), (), (), undated)

    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    span_days = max(1, (last - first).days)
    ticks = [t for t in _month_ticks(first, last) if first <= t <= last] or [first]
    short = span_days <= DAY_TICKS_MAX_DAYS  # an episode's few days: a tick per day or so
    if short:
        ticks = _day_ticks(first, last)

    def x_of(day: date) -> float:
        return left + (width - left - right) * (day - first).days / span_days

    lane_of = {t: i for i, t in enumerate(types)}
    dots = []
    for day, item in sorted(dated, key=lambda p: (p[0], str(p[1].get("id")))):
        killed = item.get("killed") or {}
        best = killed.get("best") if isinstance(killed, Mapping) else None
        radius = 4.0 + min(16.0, (max(0, best or 0) ** 0.5) * 1.2)
        event_type = str(item.get("type") or "unknown")
        where = ", ".join(item.get("places") or ()) or "place unknown"
        figure = f"; killed: {best}" if best is not None else ""
        dots.append(
            TimelineDot(
                round(x_of(day), 1),
                top + lane_height * lane_of[event_type] + lane_height / 2,
                round(radius, 1),
                type_class(event_type),
                f"/events/{item['id']}",
                f"{day.isoformat()} {type_label(event_type)} — {where}{figure}",
            )
        )
    tick_labels = [
        TimelineTick(round(x_of(t), 1), f"{t.day} {t:%b}" if short else f"{t:%b %Y}") for t in ticks
    ]
    if len(dated) and first == last:
        tick_labels = [TimelineTick(round(x_of(first), 1), first.isoformat())]
    lanes = [
        TimelineLane(top + lane_height * i + lane_height / 2, type_label(t), type_class(t))
        for i, t in enumerate(types)
    ]
    return Timeline(
        width,
        height,
        axis_y,
        left,
        width - right,
        tuple(dots),
        tuple(tick_labels),
        tuple(lanes),
        undated,
    )


# ---------------------------------------------------------------- map


def map_markers(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Events with coordinates as plain marker dicts for the map's JSON block."""
    markers = []
    for item in items:
        lat, lon = item.get("lat"), item.get("lon")
        if lat is None or lon is None:
            continue
        killed = item.get("killed") or {}
        markers.append(
            {
                "id": item["id"],
                "lat": float(lat),
                "lon": float(lon),
                "type": type_label(item.get("type")),
                "css_class": type_class(item.get("type")),
                "date": item.get("date_start"),
                "places": list(item.get("places") or ()),
                "headline": item.get("headline") or "",
                "killed": killed.get("best") if isinstance(killed, Mapping) else None,
                "contradiction": bool(item.get("contradiction")),
                "href": f"/events/{item['id']}",
            }
        )
    return markers


# ---------------------------------------------------------------- filters as choices


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool


def choices(pairs: Iterable[Sequence[Any]] | None, selected: str | None, kind: str) -> list[Choice]:
    """Options of a filter from a facet's ``[value, count]`` pairs; ``kind`` is ``type``,
    ``country`` or ``actor`` (how values are shown). A selected value that the facet lacks
    (typed into the URL) is kept as the first option so the form shows what is applied."""
    options = []
    wanted = (selected or "").strip()
    found = False
    for value, count in pairs or ():
        value = str(value)
        is_selected = bool(wanted) and (
            value.upper() == wanted.upper() if kind == "country" else value == wanted
        )
        found = found or is_selected
        options.append(Choice(value, f"{_choice_label(value, kind)} ({count:,})", is_selected))
    if wanted and not found:
        options.insert(0, Choice(wanted, _choice_label(wanted, kind), True))
    return options


def _choice_label(value: str, kind: str) -> str:
    if kind == "type":
        return type_label(value)
    if kind == "country":
        name = country_name(value)
        return f"{name} ({value.upper()})" if name and name != value else value
    return value


# ---------------------------------------------------------------- episodes

GRADE_LABELS = {
    "admitted": "admitted",
    "confirmed": "confirmed",
    "contested": "contested",
    "single_source": "single source",
}
GRADE_MEANINGS = {
    "admitted": "the victims' own side states this figure",
    "confirmed": "an independent body (UN agency, NGO, hospital, medical service) states it",
    "contested": "one side's claim, disputed by the other side",
    "single_source": "one source states it and no one else confirms or disputes it",
}
SHORT_HEDGES = {"more_than": ">{v}", "at_least": "≥{v}", "about": "~{v}", "up_to": "≤{v}"}
N_SERIES_COLOURS = 6


def victim_label(figure: Mapping[str, Any]) -> str:
    """Whose losses a figure counts: a non-state side by its name ("the RSF"), else the
    victims' country by its name; empty when unknown."""
    side, country = figure.get("victim_side"), figure.get("victim_country")
    if side and side != country and not _is_iso3(str(side)):
        return str(side)
    if country:
        return country_name(country)
    return str(side or "")


def _is_iso3(text: str) -> bool:
    return len(text) == 3 and text.isalpha() and text.isupper()


def grade_label(grade: str | None) -> str:
    return GRADE_LABELS.get(grade or "", (grade or "ungraded").replace("_", " "))


def grade_meaning(grade: str | None) -> str:
    return GRADE_MEANINGS.get(grade or "", "")


def short_hedge(
    value: int | None, qualifier: str | None, low: int | None = None, high: int | None = None
) -> str:
    """A figure in a few characters, for chart labels: '19', '≥19', '>40', '~30', '10–20'."""
    if qualifier == "range" and low is not None and high is not None:
        return f"{low:,}–{high:,}"
    shown = value if value is not None else low
    if shown is None:
        return "?"
    template = SHORT_HEDGES.get(qualifier or "exact")
    return template.format(v=f"{shown:,}") if template else f"{shown:,}"


def _names(values: Iterable[Any]) -> list[str]:
    """Names from a list of strings or place/actor dicts."""
    out = []
    for value in values or ():
        name = value if isinstance(value, str) else actor_label(value)
        if name and name not in out:
            out.append(name)
    return out


def episode_types(episode: Mapping[str, Any]) -> list[str]:
    """The types of an episode's events: its ``types``, else those of its ``event_items``."""
    types = [str(t) for t in episode.get("types") or ()]
    for item in episode.get("event_items") or ():
        if item.get("type") and item["type"] not in types:
            types.append(str(item["type"]))
    return list(dict.fromkeys(types))


def episode_title(episode: Mapping[str, Any]) -> str:
    """'Shelling, armed clash — Kessel crossing, Port Alder' for a list item or a detail."""
    types = [type_label(t) for t in episode_types(episode)[:3]]
    kinds = ", ".join(types).capitalize() if types else "Episode"
    places = _names(episode.get("places") or ())
    return f"{kinds} — {', '.join(places[:3])}" if places else kinds


def _claim_index(episode: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {c["id"]: c for c in episode.get("claims") or () if c.get("id")}


def _claim_links(
    claim_ids: Iterable[str], claims: Mapping[str, Mapping[str, Any]]
) -> list[ClaimLink]:
    links = []
    for claim_id in claim_ids or ():
        claim = claims.get(claim_id)
        if claim is None or not claim.get("report_id"):
            continue
        label = claim.get("outlet") or source_name(claim.get("source")) or claim["report_id"]
        if claim.get("published"):
            label = f"{label}, {claim['published']}"
        links.append(
            ClaimLink(claim_href(claim["report_id"], claim_id), label, claim.get("sentence", ""))
        )
    return links


def history_links(entry: Mapping[str, Any], episode: Mapping[str, Any]) -> list[ClaimLink]:
    """Links to the sentences of one history entry's claims (and of the parts it sums)."""
    ids = list(entry.get("claim_ids") or ()) + list(entry.get("derived_from") or ())
    return _claim_links(dict.fromkeys(ids), _claim_index(episode))


def _stated(entry: Mapping[str, Any], say: Callable[..., str]) -> str:
    return say(entry.get("value"), entry.get("qualifier"), entry.get("low"), entry.get("high"))


def _side_key(entry: Mapping[str, Any]) -> str:
    return str(entry.get("claimant_side") or entry.get("claimant_country") or "")


def _side_name(entry: Mapping[str, Any]) -> str:
    side = entry.get("claimant_side")
    if isinstance(side, str) and _is_iso3(side):
        return country_name(side)
    if side:
        return str(side)
    return side_label(entry)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    label: str
    label_y: float
    title: str
    href: str | None
    derived: bool


@dataclass(frozen=True)
class ChartSeries:
    side: str
    label: str
    css_class: str
    points: tuple[ChartPoint, ...]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class ChartTick:
    at: float
    label: str


@dataclass(frozen=True)
class TollChart:
    width: int
    height: int
    x_start: float
    x_end: float
    y_top: float
    y_base: float
    series: tuple[ChartSeries, ...]
    x_ticks: tuple[ChartTick, ...]
    y_ticks: tuple[ChartTick, ...]
    title: str
    desc: str
    year: str
    additions: int  # incremental figures ("12 more"): not tolls, so not drawn
    undated: int  # figures with no as-of date, not drawn

    @property
    def has_derived(self) -> bool:
        return any(p.derived for s in self.series for p in s.points)


def side_colours(episode: Mapping[str, Any]) -> dict[str, str]:
    """A colour class per claimant side of an episode's figures, the same on every chart:
    sides in alphabetical order of their key, unattributed last."""
    sides = {_side_key(h) for f in episode.get("figures") or () for h in f.get("history") or ()}
    ordered = sorted(sides, key=lambda side: (side == "", side))
    return {side: f"series-{i % N_SERIES_COLOURS}" for i, side in enumerate(ordered)}


def _nice_step(top: int, max_ticks: int = 5) -> int:
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top / (step * factor) <= max_ticks:
                return step * factor
        step *= 10


def _day_ticks(first: date, last: date, max_ticks: int = 8) -> list[date]:
    span = (last - first).days
    step = max(1, -(-span // max_ticks)) if span else 1
    return [date.fromordinal(first.toordinal() + k) for k in range(0, span + 1, step)]


def toll_chart(
    figure: Mapping[str, Any],
    episode: Mapping[str, Any] | None = None,
    *,
    width: int = 760,
    height: int = 240,
) -> TollChart | None:
    """Each claimant side's reported figures over time, laid out for an SVG line chart.

    One series per claimant side, one point per reported figure (its value, else its lower
    bound) at its as-of date, in the order reported; incremental figures ("12 more") are not
    tolls and are left out (counted in ``additions``), as are figures with no as-of date
    (``undated``). Each side keeps one colour on every chart of the episode
    (:func:`side_colours`). None when nothing can be drawn.
    """
    claims = _claim_index(episode or {})
    colours = side_colours(episode or {"figures": [figure]})
    drawn: list[tuple[date, int, int, Mapping[str, Any]]] = []
    additions = undated = 0
    for order, entry in enumerate(figure.get("history") or ()):
        day = _parse_date(entry.get("reported"))
        value = entry.get("value") if entry.get("value") is not None else entry.get("low")
        if entry.get("toll") == "incremental" or day is None or value is None:
            if entry.get("toll") == "incremental":
                additions += 1
            elif value is not None:
                undated += 1
            continue
        drawn.append((day, int(value), order, entry))
    if not drawn:
        return None

    left, right, top, bottom = 56.0, 24.0, 28.0, 44.0
    first, last = min(d for d, *_ in drawn), max(d for d, *_ in drawn)
    span = max(1, (last - first).days)
    pad = 0.5 if first != last else 1.0  # half a day either side keeps end labels inside
    x_span = width - left - right

    def x_of(day: date, shift: float = 0.0) -> float:
        offset = (day - first).days + pad + shift
        return round(left + x_span * offset / (span + 2 * pad), 1)

    top_value = max(v for _, v, _, _ in drawn)
    step = _nice_step(max(1, top_value))
    y_max = max(step, -(-top_value // step) * step)
    y_base = height - bottom

    def y_of(value: float) -> float:
        return round(y_base - (y_base - top) * value / y_max, 1)

    victim = figure.get("victim_country")
    by_side: dict[str, list[tuple[date, int, int, Mapping[str, Any]]]] = {}
    for item in sorted(drawn, key=lambda d: (d[0], d[2])):
        by_side.setdefault(_side_key(item[3]), []).append(item)
    sides = sorted(
        by_side,
        key=lambda s: (
            victim is None or by_side[s][0][3].get("claimant_country") != victim,
            _side_name(by_side[s][0][3]),
        ),
    )
    # Labels go above the highest point of a day and below the others, so they do not collide.
    day_top: dict[date, int] = {}
    for day, value, _, _ in drawn:
        day_top[day] = max(day_top.get(day, value), value)

    series = []
    for index, side in enumerate(sides):
        items = by_side[side]
        same_day: dict[date, int] = {}
        for day, *_ in items:
            same_day[day] = same_day.get(day, 0) + 1
        seen: dict[date, int] = {}
        points = []
        for day, value, _, entry in items:
            k, n = seen.get(day, 0), same_day[day]
            seen[day] = k + 1
            shift = (k - (n - 1) / 2) * min(0.25, 0.8 / n) if n > 1 else 0.0
            y = y_of(value)
            label = _stated(entry, short_hedge)
            derived = bool(entry.get("derived_from"))
            claimants = "; ".join(entry.get("claimants") or ()) or "unnamed"
            n_reports = int(entry.get("reports") or 0)
            title = (
                f"{_side_name(entry)}, {day.isoformat()}: "
                f"{_stated(entry, hedge)}"
                f" ({claimants}; {n_reports} report{'' if n_reports == 1 else 's'})"
                + (" — sum of the parts stated" if derived else "")
                + (" — running total" if entry.get("toll") == "cumulative" else "")
            )
            links = _claim_links(entry.get("claim_ids") or (), claims)
            points.append(
                ChartPoint(
                    x_of(day, shift),
                    y,
                    label,
                    round(y - 9, 1) if value >= day_top[day] else round(y + 17, 1),
                    title,
                    links[0].href if links else None,
                    derived,
                )
            )
        series.append(
            ChartSeries(
                side,
                _side_name(items[0][3]),
                colours.get(side, f"series-{index % N_SERIES_COLOURS}"),
                tuple(points),
            )
        )

    measure = str(figure.get("measure") or "figure")
    victim_name = victim_label(figure)
    title = f"{measure.capitalize()}" + (f" on the {victim_name} side" if victim_name else "")
    title += ": each side's figures as reported"
    desc = " ".join(
        f"{s.label}: "
        + ", ".join(
            f"{_stated(e, short_hedge)} on {d.isoformat()}" for d, _, _, e in by_side[s.side]
        )
        + "."
        for s in series
    )
    ticks = [ChartTick(x_of(d), f"{d.day} {d.strftime('%b')}") for d in _day_ticks(first, last)]
    y_ticks = [ChartTick(y_of(v), f"{v:,}") for v in range(0, y_max + 1, step)]
    years = sorted({first.year, last.year})
    return TollChart(
        width,
        height,
        left,
        width - right,
        top,
        y_base,
        tuple(series),
        tuple(ticks),
        tuple(y_ticks),
        title,
        desc,
        "–".join(str(y) for y in years),
        additions,
        undated,
    )


@lru_cache(maxsize=512)
def numeric_country_code(iso3: str) -> str | None:
    """ISO 3166-1 numeric code ("764" for THA), the id of a country in the base map."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a dependency
        return None
    found = pycountry.countries.get(alpha_3=iso3.upper())
    return str(found.numeric) if found is not None else None


def map_countries(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Numeric codes of the countries the items involve, to shade them on the base map."""
    codes = []
    for item in items:
        for iso3 in item.get("countries") or ():
            code = numeric_country_code(str(iso3))
            if code and code not in codes:
                codes.append(code)
    return codes
