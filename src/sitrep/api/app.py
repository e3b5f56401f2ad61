"""The FastAPI app: a JSON API and HTML pages rendered from the same store query results.

Each route makes one read call on the store and gets a plain dict; ``/api/...`` returns it
as JSON, the page routes render it with Jinja2 (autoescape on), and ``?_format=json`` on a
page returns the very dict the page was rendered from.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, is_dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from sitrep import web
from sitrep.api import schemas, views
from sitrep.api.security import (
    SecurityHeadersMiddleware,
    bearer_token,
    security_headers,
    token_matches,
    validate_tile_url,
)
from sitrep.models import Report
from sitrep.store import Store

log = logging.getLogger("sitrep.api")

MAX_PAGE = 500
MAX_MAP_ITEMS = 2000
MAX_INGEST_BYTES = 20 * 1024 * 1024
FACET_LIMIT = 200  # choices per filter (types, countries, actors), most frequent first
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": schemas.ErrorOut, "description": "A filter or query is malformed."},
    422: {"model": schemas.ErrorOut, "description": "A parameter fails validation."},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": schemas.ErrorOut, "description": "No such item."},
    **ERRORS,
}


# ---------------------------------------------------------------- query parameters


class _Params(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, values: Any) -> Any:
        # HTML forms send empty fields as "": treat them as not given.
        if isinstance(values, dict):
            return {k: v for k, v in values.items() if v != ""}
        return values


class Paging(_Params):
    limit: int = Field(50, ge=1, le=MAX_PAGE, description="Items per page.")
    offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip.")


class EventFilters(Paging):
    date_from: str | None = Field(None, description="Events ending on or after, YYYY-MM-DD.")
    date_to: str | None = Field(None, description="Events starting on or before, YYYY-MM-DD.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 code, e.g. PAK.")
    actor: str | None = Field(None, max_length=200, description="Actor name.")
    type: str | None = Field(None, max_length=100, description="Event type, e.g. armed_clash.")
    q: str | None = Field(None, max_length=500, description="Text search over events.")


class EpisodeFilters(EventFilters):
    date_from: str | None = Field(None, description="Episodes ending on or after, YYYY-MM-DD.")
    date_to: str | None = Field(None, description="Episodes starting on or before, YYYY-MM-DD.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-3 code, e.g. THA.")
    actor: str | None = Field(None, max_length=200, description="Actor name.")
    type: str | None = Field(
        None, max_length=100, description="Type of one of its events, e.g. shelling."
    )
    q: str | None = Field(None, max_length=500, description="Text search over episodes.")


class FacetLimit(_Params):
    limit: int = Field(
        FACET_LIMIT, ge=1, le=MAX_PAGE, description="Most frequent values per facet."
    )


class MapFilters(EventFilters):
    limit: int = Field(MAX_PAGE, ge=1, le=MAX_MAP_ITEMS, description="Events to draw.")


class ClaimFilters(Paging):
    q: str | None = Field(None, max_length=500, description="FTS5 query over claim sentences.")
    event_id: str | None = Field(None, max_length=100)
    measure: str | None = Field(None, max_length=50, description="killed, wounded, ...")
    country: str | None = Field(None, description="Victim or claimant country, alpha-3.")
    claimant: str | None = Field(None, max_length=200, description="Claimant name.")


class NameSearch(Paging):
    q: str | None = Field(None, max_length=200, description="Substring of the name.")


class ReportTarget(_Params):
    claim: str | None = Field(None, max_length=100, description="Claim to highlight.")
    quote: str | None = Field(None, max_length=100, description="Quote to highlight.")


def _iso_date(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: expected a date as YYYY-MM-DD, got {value!r}") from None


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) != 3 or not value.isalpha():
        raise HTTPException(
            400, f"country: expected an ISO 3166-1 alpha-3 code like PAK, got {value!r}"
        )
    return value.upper()


def _event_query(filters: EventFilters) -> dict[str, Any]:
    date_from = _iso_date("date_from", filters.date_from)
    date_to = _iso_date("date_to", filters.date_to)
    if date_from and date_to and date_from > date_to:
        raise HTTPException(400, "date_from is after date_to")
    return {
        "date_from": date_from,
        "date_to": date_to,
        "country": _country(filters.country),
        "actor": filters.actor,
        "type": filters.type,
        "q": filters.q,
        "limit": filters.limit,
        "offset": filters.offset,
    }


def _shown_filters(query: dict[str, Any]) -> dict[str, Any]:
    """The filters actually applied, JSON-ready (for echoing back and for page links)."""
    return {
        k: (v.isoformat() if isinstance(v, date) else v)
        for k, v in query.items()
        if k not in ("limit", "offset") and v not in (None, "")
    }


def _page(page: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
    limit = int(page.get("limit", query.get("limit", 50)))
    offset = int(page.get("offset", query.get("offset", 0)))
    total = int(page.get("total", 0))
    return {
        **page,
        "limit": limit,
        "offset": offset,
        "next_offset": views.next_offset(total, limit, offset),
        "filters": _shown_filters(query),
    }


# ---------------------------------------------------------------- store access


class StoreAccess:
    """One read-only store per worker thread, so reads run side by side (WAL readers)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._local = threading.local()
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    def reader(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.open_readonly(self.db_path)
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for store in opened:
            with suppress(Exception):  # closing at shutdown must not mask the real exit
                store.close()


def _call(store: Store, name: str, **kwargs: Any) -> Any:
    """Run one store read; a malformed query (StoreQueryError is a ValueError) is a 400."""
    try:
        return getattr(store, name)(**kwargs)
    except ValueError as exc:
        raise HTTPException(400, str(exc) or "malformed query") from None


# ---------------------------------------------------------------- rendering


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


class JSONOut(JSONResponse):
    """JSON that also accepts dates and dataclasses (store dicts should not need it)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, separators=(",", ":"), default=_json_default
        ).encode("utf-8")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.query_params.get("_format") == "json"


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(web.TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        hedge=views.hedge,
        country_name=views.country_name,
        actor_label=views.actor_label,
        type_label=views.type_label,
        type_class=views.type_class,
        side_label=views.side_label,
        source_name=views.source_name,
    )
    env.globals.update(
        figure_range=views.figure_range,
        figure_columns=views.figure_columns,
        ordered_figures=views.ordered_figures,
        rule_reason=views.rule_reason,
        date_span=views.date_span,
        claim_href=views.claim_href,
        quote_href=views.quote_href,
        page_url=views.page_url,
        prev_offset=views.prev_offset,
        marked_report=views.marked_report,
        timeline_layout=views.timeline_layout,
        map_markers=views.map_markers,
        toll_chart=views.toll_chart,
        choices=views.choices,
        episode_title=views.episode_title,
        episode_types=views.episode_types,
        history_links=views.history_links,
        grade_label=views.grade_label,
        grade_meaning=views.grade_meaning,
        short_hedge=views.short_hedge,
        map_countries=views.map_countries,
        victim_label=views.victim_label,
    )
    return env


# ---------------------------------------------------------------- the app


def create_app(
    db_path: Path | str,
    *,
    tile_url: str | None = None,
    ingest_token: str | None = None,
    rule: str = "conservative",
) -> FastAPI:
    """The sitrep web app over the store at ``db_path``; read-only unless a token is set.

    ``tile_url`` (else ``$SITREP_TILE_URL``) is a Leaflet tile URL template; without one the
    map draws its markers over the bundled offline base map (country borders and coastlines
    from Natural Earth), or over a plain graticule when that was not fetched.
    ``ingest_token`` (else ``$SITREP_INGEST_TOKEN``) enables ``POST /api/ingest`` for
    bearer-token holders.
    """
    db_path = Path(db_path)
    if not db_path.is_file():
        raise FileNotFoundError(f"no sitrep store at {db_path}")
    Store.open_readonly(db_path).close()  # fail now, with the store's message, if unusable
    tile_url = validate_tile_url(
        tile_url if tile_url is not None else os.environ.get("SITREP_TILE_URL")
    )
    if ingest_token is None:
        ingest_token = os.environ.get("SITREP_INGEST_TOKEN") or None
    if ingest_token is not None and len(ingest_token) < 16:
        raise ValueError("ingest token must be at least 16 characters long")

    readers = StoreAccess(db_path)
    templates = _templates()
    closers: list[Callable[[], None]] = [readers.close]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        for close in closers:
            close()

    app = FastAPI(
        title="sitrep",
        summary="Sourced, attributed casualty figures and events from news reports.",
        description=(
            "Read-only JSON API over a sitrep store. Every list is paginated with `limit` and "
            '`offset` in a stable order; errors are JSON `{"error": ..., "status": ...}`.'
        ),
        version=_version(),
        docs_url=None,  # the Swagger page loads scripts from a CDN: our CSP forbids that
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.readers = readers
    app.state.leaflet_dir = web.LEAFLET_DIR
    app.state.basemap = (web.BASEMAP_FILE, web.TOPOJSON_FILE)
    app.state.tile_url = tile_url
    app.add_middleware(SecurityHeadersMiddleware, headers=security_headers(tile_url))
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")

    def render(
        request: Request, template: str, data: dict[str, Any], *, status: int = 200, **extra: Any
    ) -> Response:
        if request.query_params.get("_format") == "json":
            return JSONOut(data, status_code=status)
        html = templates.get_template(template).render(data=data, request=request, **extra)
        return HTMLResponse(html, status_code=status)

    def error_response(request: Request, status: int, message: str) -> Response:
        body = {"error": message, "status": status}
        headers = {"www-authenticate": "Bearer"} if status == 401 else None
        if _wants_json(request):
            return JSONOut(body, status_code=status, headers=headers)
        html = templates.get_template("error.html").render(data=body, request=request)
        return HTMLResponse(html, status_code=status, headers=headers)

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc.errors()))

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error_response(request, 500, "internal error; see the server log")

    def map_assets() -> dict[str, Any]:
        """What a page with a map needs: Leaflet present?, tile URL, offline base map."""
        return {
            "leaflet": web.leaflet_available(app.state.leaflet_dir),
            "tile_url": app.state.tile_url,
            "basemap": None if app.state.tile_url else web.basemap_assets(*app.state.basemap),
        }

    # ------------------------------------------------------------ data functions

    def events_data(filters: EventFilters) -> dict[str, Any]:
        query = _event_query(filters)
        return _page(_call(readers.reader(), "events", **query), query)

    def detail_data(kind: str, item_id: str) -> dict[str, Any]:
        """The store's detail of one ``kind`` ("event", "episode", "report"); 404 if absent."""
        found = _call(readers.reader(), kind, **{f"{kind}_id": item_id})
        if found is None:
            raise HTTPException(404, f"no {kind} with id {item_id!r}")
        return found

    def episodes_data(filters: EpisodeFilters) -> dict[str, Any]:
        query = _event_query(filters)
        return _page(_call(readers.reader(), "episodes", **query), query)

    def facets_data(limit: int = FACET_LIMIT) -> dict[str, Any]:
        found = _call(readers.reader(), "facets", limit=limit)
        return {key: [list(pair) for pair in pairs] for key, pairs in found.items()}

    def claims_data(filters: ClaimFilters) -> dict[str, Any]:
        query = filters.model_dump()
        query["country"] = _country(filters.country)
        return _page(_call(readers.reader(), "claims", **query), query)

    def names_data(kind: str, search: NameSearch) -> dict[str, Any]:
        query = search.model_dump()
        return _page(_call(readers.reader(), kind, **query), query)

    # ------------------------------------------------------------ JSON API

    @app.get(
        "/api/events",
        response_model=schemas.EventPage,
        responses=ERRORS,
        tags=["events"],
        summary="List events, newest first, with filters and text search",
    )
    def api_events(filters: Annotated[EventFilters, Query()]) -> Response:
        return JSONOut(events_data(filters))

    @app.get(
        "/api/events/{event_id}",
        response_model=schemas.EventDetail,
        responses=NOT_FOUND,
        tags=["events"],
        summary="One event: figures with their claim groups, claims, quotes, places, sources",
    )
    def api_event(event_id: str) -> Response:
        return JSONOut(detail_data("event", event_id))

    @app.get(
        "/api/episodes",
        response_model=schemas.EpisodePage,
        responses=ERRORS,
        tags=["episodes"],
        summary="List episodes (stories of several events), newest first, with filters",
    )
    def api_episodes(filters: Annotated[EpisodeFilters, Query()]) -> Response:
        return JSONOut(episodes_data(filters))

    @app.get(
        "/api/episodes/{episode_id}",
        response_model=schemas.EpisodeDetail,
        responses=NOT_FOUND,
        tags=["episodes"],
        summary="One episode: graded figures with each side's history, events, claims, sources",
    )
    def api_episode(episode_id: str) -> Response:
        return JSONOut(detail_data("episode", episode_id))

    @app.get(
        "/api/facets",
        response_model=schemas.FacetsOut,
        responses=ERRORS,
        tags=["events"],
        summary="Filter choices: event types, countries and named actors with event counts",
    )
    def api_facets(facet_limit: Annotated[FacetLimit, Query()]) -> Response:
        return JSONOut(facets_data(facet_limit.limit))

    @app.get(
        "/api/claims",
        response_model=schemas.ClaimPage,
        responses=ERRORS,
        tags=["claims"],
        summary="Search claims (FTS5 over claim sentences) with filters",
    )
    def api_claims(filters: Annotated[ClaimFilters, Query()]) -> Response:
        return JSONOut(claims_data(filters))

    @app.get(
        "/api/reports/{report_id}",
        response_model=schemas.ReportDetail,
        responses=NOT_FOUND,
        tags=["reports"],
        summary="A report's full text with the offsets of its claims and quotes",
    )
    def api_report(report_id: str) -> Response:
        return JSONOut(detail_data("report", report_id))

    @app.get(
        "/api/actors",
        response_model=schemas.ActorPage,
        responses=ERRORS,
        tags=["actors"],
        summary="Actors with how often they claim and suffer figures",
    )
    def api_actors(search: Annotated[NameSearch, Query()]) -> Response:
        return JSONOut(names_data("actors", search))

    @app.get(
        "/api/places",
        response_model=schemas.PlacePage,
        responses=ERRORS,
        tags=["places"],
        summary="Geocoded places with their number of events",
    )
    def api_places(search: Annotated[NameSearch, Query()]) -> Response:
        return JSONOut(names_data("places", search))

    @app.get(
        "/api/stats",
        response_model=schemas.StatsOut,
        tags=["store"],
        summary="Counts of reports, claims, quotes and events",
    )
    def api_stats() -> Response:
        return JSONOut(readers.reader().stats())

    if ingest_token is not None:
        closers.append(_add_ingest_route(app, db_path, ingest_token, rule))

    # ------------------------------------------------------------ pages

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/events", status_code=307)

    @app.get("/events", include_in_schema=False)
    def events_page(request: Request, filters: Annotated[EventFilters, Query()]) -> Response:
        data = events_data(filters)
        return render(request, "events.html", data, section="events", facets=facets_data())

    @app.get("/events/{event_id}", include_in_schema=False)
    def event_page(request: Request, event_id: str) -> Response:
        return render(request, "event.html", detail_data("event", event_id), section="events")

    @app.get("/episodes", include_in_schema=False)
    def episodes_page(request: Request, filters: Annotated[EpisodeFilters, Query()]) -> Response:
        data = episodes_data(filters)
        return render(request, "episodes.html", data, section="episodes", facets=facets_data())

    @app.get("/episodes/{episode_id}", include_in_schema=False)
    def episode_page(request: Request, episode_id: str) -> Response:
        return render(
            request,
            "episode.html",
            detail_data("episode", episode_id),
            section="episodes",
            **map_assets(),
        )

    @app.get("/reports/{report_id}", include_in_schema=False)
    def report_page(
        request: Request, report_id: str, target: Annotated[ReportTarget, Query()]
    ) -> Response:
        data = detail_data("report", report_id)
        return render(request, "report.html", data, target=target, section="events")

    @app.get("/claims", include_in_schema=False)
    def claims_page(request: Request, filters: Annotated[ClaimFilters, Query()]) -> Response:
        return render(request, "claims.html", claims_data(filters), section="claims")

    @app.get("/actors", include_in_schema=False)
    def actors_page(request: Request, search: Annotated[NameSearch, Query()]) -> Response:
        return render(request, "actors.html", names_data("actors", search), section="actors")

    @app.get("/places", include_in_schema=False)
    def places_page(request: Request, search: Annotated[NameSearch, Query()]) -> Response:
        return render(request, "places.html", names_data("places", search), section="places")

    @app.get("/map", include_in_schema=False)
    def map_page(request: Request, filters: Annotated[MapFilters, Query()]) -> Response:
        return render(request, "map.html", events_data(filters), section="map", **map_assets())

    @app.get("/timeline", include_in_schema=False)
    def timeline_page(request: Request, filters: Annotated[MapFilters, Query()]) -> Response:
        return render(request, "timeline.html", events_data(filters), section="timeline")

    @app.get("/api", include_in_schema=False)
    def api_page(request: Request) -> Response:
        return render(request, "api.html", app.openapi(), section="api")

    return app


MAX_INGEST_URLS = 100


class IngestUrls(BaseModel):
    """Article URLs for the server to fetch (as `sitrep watch` does: robots.txt, rate limit,
    timeouts, size cap), extract and ingest."""

    model_config = ConfigDict(extra="forbid")

    urls: list[str] = Field(min_length=1, max_length=MAX_INGEST_URLS)
    filter: bool = Field(True, description="Skip pages without violence or conflict vocabulary.")


def _add_ingest_route(app: FastAPI, db_path: Path, token: str, rule: str) -> Callable[[], None]:
    """``POST /api/ingest``: only exists when a token is configured; opens the db read-write.

    The body is a report, a list of reports, or ``{"urls": [...]}``: pages fetched with the
    settings in ``app.state.watch_settings`` (``WatchSettings()`` when unset).
    Returns the function that closes the read-write store at shutdown.
    """
    adapter = TypeAdapter(schemas.IngestReport | list[schemas.IngestReport] | IngestUrls)
    writer_lock = threading.Lock()
    opened: dict[str, Any] = {}  # the read-write store and the extractor, made on first use

    def process(reports: list[Report]) -> Any:
        from sitrep.nlp.pipeline import Extractor
        from sitrep.process import ingest_reports

        with writer_lock:
            if "store" not in opened:
                opened["store"] = Store(db_path)
                # Loading the language model takes seconds: do it once, not per request.
                opened["extractor"] = Extractor()
            summary = ingest_reports(
                opened["store"], reports, extractor=opened["extractor"], rule=rule
            )
            return summary.to_dict()

    @app.post(
        "/api/ingest",
        response_model=schemas.IngestOut,
        responses={
            401: {"model": schemas.ErrorOut, "description": "Missing or wrong bearer token."},
            413: {"model": schemas.ErrorOut, "description": "Body too large."},
            422: {"model": schemas.ErrorOut, "description": "Body is not valid reports."},
        },
        tags=["ingest"],
        summary="Ingest reports (requires `Authorization: Bearer <token>`)",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": adapter.json_schema()}},
            }
        },
    )
    async def api_ingest(request: Request) -> Response:
        # Authenticate before reading or validating anything of the body.
        if not token_matches(bearer_token(request.headers.get("authorization")), token):
            raise HTTPException(401, "a valid 'Authorization: Bearer <token>' header is required")
        body = await _read_limited(request, MAX_INGEST_BYTES)
        try:
            parsed = adapter.validate_json(body)
        except ValidationError as exc:
            raise HTTPException(422, _validation_message(exc.errors())) from None
        if isinstance(parsed, IngestUrls):
            return await _ingest_urls(parsed)
        items = parsed if isinstance(parsed, list) else [parsed]
        reports = [_to_report(item) for item in items]
        result = await run_in_threadpool(process, reports)
        out = {"received": len(reports), "report_ids": [r.id for r in reports], "result": result}
        return JSONOut(json.loads(json.dumps(out, default=_lenient)))

    async def _ingest_urls(body: IngestUrls) -> Response:
        from sitrep.ingest.relevance import RelevanceFilter
        from sitrep.watch import HttpClient, WatchSettings, fetch_reports

        def fetch() -> tuple[list[Report], list[str], int]:
            settings = getattr(app.state, "watch_settings", None) or WatchSettings()
            relevance = RelevanceFilter(enabled=body.filter)
            with HttpClient(settings) as client:  # fetched outside the writer lock
                reports, failures = fetch_reports(body.urls, client, relevance)
            return reports, failures, relevance.skipped

        reports, failures, skipped = await run_in_threadpool(fetch)
        result = await run_in_threadpool(process, reports) if reports else None
        out = {
            "received": len(body.urls),
            "report_ids": [r.id for r in reports],
            "result": {**(result or {}), "skipped": skipped, "failed": failures},
        }
        return JSONOut(json.loads(json.dumps(out, default=_lenient)))

    def close() -> None:
        with writer_lock:
            store = opened.pop("store", None)
        if store is not None:
            store.close()

    return close


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"body larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"body larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _to_report(item: schemas.IngestReport) -> Report:
    published = None
    if item.published:
        try:
            published = date.fromisoformat(item.published)
        except ValueError:
            raise HTTPException(
                422, f"published: expected a date as YYYY-MM-DD, got {item.published!r}"
            ) from None
    text_id = Report(source="", text=item.text).id
    return Report(
        source=item.url or f"api:{text_id}",
        text=item.text,
        published=published,
        outlet=item.outlet,
        title=item.title,
        url=item.url,
    )


def _lenient(value: Any) -> Any:
    if callable(getattr(value, "to_dict", None)):
        return value.to_dict()
    try:
        return _json_default(value)
    except TypeError:
        return str(value)


def _validation_message(errors: Iterable[Any]) -> str:
    """One line naming each bad field: 'limit: Input should be less than or equal to 500'."""
    parts = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "body", "path")]
        where = ".".join(loc) or "request"
        parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _version() -> str:
    try:
        from sitrep import __version__
    except ImportError:  # pragma: no cover
        return "0"
    return str(__version__)


def serve(
    db_path: Path | str,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    tile_url: str | None = None,
    ingest_token: str | None = None,
    rule: str = "conservative",
    log_level: str = "info",
) -> None:
    """Serve the app with uvicorn; binds to loopback unless another host is given."""
    import uvicorn

    app = create_app(db_path, tile_url=tile_url, ingest_token=ingest_token, rule=rule)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"sitrep serve: listening on {host}, reachable from other machines", file=sys.stderr)
    uvicorn.run(
        app, host=host, port=port, log_level=log_level, server_header=False, proxy_headers=False
    )
