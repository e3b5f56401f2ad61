"""The JSON API and the HTML pages, through FastAPI's TestClient on a hand-made store."""

from __future__ import annotations

import inspect
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from conftest_web import DemoStore, build_demo_store
from sitrep.api import create_app, schemas, serve, views
from sitrep.api.security import SettingsError, content_security_policy, tile_source
from sitrep.store import StoreError

TOKEN = "t0ken-for-tests-0123456789"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    return build_demo_store(tmp_path_factory.mktemp("store") / "demo.db")


@pytest.fixture(scope="module")
def client(demo: DemoStore) -> TestClient:
    with TestClient(create_app(demo.path)) as test_client:
        yield test_client


def get_json(client: TestClient, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


# ---------------------------------------------------------------- HTML inspection


class PageScan(HTMLParser):
    """Collects what the CSP cares about and checks that tags are balanced."""

    VOID: ClassVar[set[str]] = {
        "meta",
        "link",
        "input",
        "br",
        "img",
        "hr",
        "source",
        "wbr",
        "area",
        "col",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.inline_styles: list[str] = []
        self.handlers: list[str] = []
        self.style_elements = 0
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.text: list[str] = []
        self.script_bodies: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script = True
        if tag == "style":
            self.style_elements += 1
        if "style" in attributes:
            self.inline_styles.append(tag)
        self.handlers += [name for name in attributes if name.startswith("on")]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.unbalanced.append(tag)
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        (self.script_bodies if self._in_script else self.text).append(data)


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    parser.close()
    return parser


# ---------------------------------------------------------------- events


def test_events_newest_first_with_undated_last(client: TestClient, demo: DemoStore) -> None:
    page = get_json(client, "/api/events")
    ids = [e["id"] for e in page["items"]]
    assert ids[:2] == [demo.clash_id, demo.strike_id]
    assert ids[-1] == demo.filler_ids[-1]  # the undated one
    assert page["total"] == len(ids) == 2 + len(demo.filler_ids)
    dates = [e["date_start"] for e in page["items"] if e["date_start"]]
    assert dates == sorted(dates, reverse=True)
    clash = page["items"][0]
    assert clash["contradiction"] is True
    assert clash["killed"] == {"low": 12, "best": 12, "high": None}
    assert clash["headline"] == "Clash at the Kessel crossing"


def test_pagination_is_stable_and_complete(client: TestClient) -> None:
    everything = [e["id"] for e in get_json(client, "/api/events?limit=100")["items"]]
    paged, offset = [], 0
    while offset is not None:
        page = get_json(client, f"/api/events?limit=2&offset={offset}")
        assert page["limit"] == 2 and page["offset"] == offset
        paged += [e["id"] for e in page["items"]]
        offset = page["next_offset"]
    assert paged == everything
    assert len(set(paged)) == len(paged)
    again = [e["id"] for e in get_json(client, "/api/events?limit=100")["items"]]
    assert again == everything


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_from=2025-01-01", {"e-clash000001"}),
        ("date_from=2024-11-01&date_to=2024-12-31", {"e-strike00001"}),
        ("country=xna", {"e-clash000001"}),
        ("actor=army%20of%20southland", {"e-clash000001"}),
        ("type=airstrike", {"e-strike00001"}),
        ("q=airstrike", {"e-strike00001"}),
        ("q=soldiers&type=armed_clash", {"e-clash000001"}),
        ("type=no_such_type", set()),
    ],
)
def test_event_filters(client: TestClient, query: str, expected: set[str]) -> None:
    page = get_json(client, f"/api/events?{query}")
    assert {e["id"] for e in page["items"]} == expected
    assert page["total"] == len(expected)


def test_filters_are_echoed(client: TestClient) -> None:
    page = get_json(client, "/api/events?country=xna&date_from=2025-01-01&q=")
    assert page["filters"] == {"country": "XNA", "date_from": "2025-01-01"}


def test_event_detail_has_figures_claims_quotes_sources(
    client: TestClient, demo: DemoStore
) -> None:
    event = get_json(client, f"/api/events/{demo.clash_id}")
    killed = next(f for f in event["figures"] if f["measure"] == "killed")
    assert killed["contradiction"] is True
    assert (killed["low"], killed["best"], killed["high"]) == (12, 12, None)
    values = {(g["claimant_country"], g["value"], g["qualifier"]) for g in killed["claims"]}
    assert values == {("XNA", 12, "exact"), ("XSA", 40, "more_than"), ("XSA", 40, "exact")}
    assert {c["id"] for c in event["claims"]} >= {demo.claim_north, demo.claim_south}
    assert all(c["report_id"] in (demo.report_a, demo.report_b) for c in event["claims"])
    assert [s["report_id"] for s in event["sources"]] == [demo.report_a, demo.report_b]
    assert {q["text"] for q in event["quotes"]} == {
        "We will not yield an inch of the valley,",
        "The crossing is closed,",
    }
    assert event["places"][0]["name"] == "Kessel crossing"


def test_unknown_event_and_report_are_json_404(client: TestClient) -> None:
    for url in ("/api/events/e-nothing", "/api/reports/r-nothing"):
        body = get_json(client, url, 404)
        assert body["status"] == 404
        assert "nothing" in body["error"]
    assert get_json(client, "/api/no-such-route", 404)["status"] == 404


def test_facets_offer_the_stored_values_with_counts(client: TestClient) -> None:
    facets = get_json(client, "/api/facets")
    # Most frequent first, ties by value.
    assert facets["types"] == [
        ["shelling", 4],
        ["protest", 3],
        ["airstrike", 1],
        ["armed_clash", 1],
    ]
    # Fillers are at Port Alder; the clash involves both sides.
    assert facets["countries"] == [["XSA", 9], ["XNA", 1]]
    assert dict(facets["actors"]) == {
        "Ministry of Defence of Northland": 1,
        "Army of Southland": 1,
        "Harbor Daily": 1,
    }
    assert get_json(client, "/api/facets?limit=1")["types"] == [["shelling", 4]]
    assert get_json(client, "/api/facets?limit=0", 422)["status"] == 422


def test_event_list_filters_are_choices_from_the_data(client: TestClient) -> None:
    html = client.get("/events?type=airstrike").text
    selects = dict(re.findall(r'<select name="(\w+)">(.*?)</select>', html, re.S))
    assert set(selects) == {"country", "actor", "type"}
    assert 'name="country" value=' not in html and 'name="type" value=' not in html
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', selects["type"]))
    assert options[""] == "any type" and options["armed_clash"] == "armed clash (1)"
    assert re.search(r'<option value="airstrike" selected>', selects["type"])
    countries = re.findall(r'<option value="([^"]+)"', selects["country"])
    assert countries == ["XSA", "XNA"]
    assert '<option value="Army of Southland">' in selects["actor"]
    # A value typed into the URL that the data lacks is still shown as the applied filter.
    typed = client.get("/events?type=riot").text
    assert '<option value="riot" selected>riot</option>' in typed
    assert 'name="q"' in html  # the one free-text search box stays


def test_choices_view_helper() -> None:
    pairs = [["PAK", 3], ["AFG", 2]]
    shown = views.choices(pairs, "pak", "country")
    assert [(c.value, c.selected) for c in shown] == [("PAK", True), ("AFG", False)]
    assert shown[0].label == "Pakistan (PAK) (3)"
    assert [c.value for c in views.choices(pairs, "IRN", "country")] == ["IRN", "PAK", "AFG"]
    assert views.choices(None, None, "type") == []
    assert views.choices([["armed_clash", 1]], None, "type")[0].label == "armed clash (1)"


# ---------------------------------------------------------------- claims, reports, lists


def test_claims_full_text_search_and_filters(client: TestClient, demo: DemoStore) -> None:
    found = get_json(client, "/api/claims?q=soldiers")
    assert found["total"] == 2
    assert all("soldiers" in c["sentence"] for c in found["items"])
    assert {c["id"] for c in found["items"]} == {demo.claim_north, demo.claim_south}
    phrase = get_json(client, '/api/claims?q="more than 40"')
    assert [c["value"] for c in phrase["items"]] == [40]
    wounded = get_json(client, "/api/claims?measure=wounded")
    assert [c["value"] for c in wounded["items"]] == [7]
    by_claimant = get_json(client, "/api/claims?claimant=southland")
    assert {c["claimant"]["name"] for c in by_claimant["items"]} == {"Army of Southland"}
    of_event = get_json(client, f"/api/claims?event_id={demo.strike_id}")
    assert [c["value"] for c in of_event["items"]] == [3]
    assert of_event["items"][0]["event"] == demo.strike_id


def test_bad_search_query_is_400(client: TestClient) -> None:
    body = get_json(client, "/api/claims?q=(((", 400)
    assert body["status"] == 400 and "search" in body["error"]


def test_report_has_text_and_spans(client: TestClient, demo: DemoStore) -> None:
    report = get_json(client, f"/api/reports/{demo.report_a}")
    claim = next(c for c in report["claims"] if c["id"] == demo.claim_north)
    assert report["text"][claim["start"] : claim["end"]] == demo.sentence_north
    assert report["text"][claim["quantity_start"] : claim["quantity_end"]] == "12"
    assert report["events"] == [demo.clash_id]
    assert report["body_start"] == report["text"].index("RIVERTON")


def test_actors_places_stats(client: TestClient) -> None:
    actors = get_json(client, "/api/actors?q=southland")
    assert [a["name"] for a in actors["items"]] == ["Army of Southland"]
    assert actors["items"][0]["as_claimant"] == 2
    places = get_json(client, "/api/places?q=kessel")
    assert [p["name"] for p in places["items"]] == ["Kessel crossing"]
    assert places["items"][0]["n_events"] == 1
    stats = get_json(client, "/api/stats")
    assert (stats["reports"], stats["claims"], stats["quotes"]) == (3, 5, 2)


@pytest.mark.parametrize(
    ("url", "status", "word"),
    [
        ("/api/events?date_from=2025-13-01", 400, "date_from"),
        ("/api/events?date_to=yesterday", 400, "date_to"),
        ("/api/events?date_from=2025-02-01&date_to=2025-01-01", 400, "after"),
        ("/api/events?country=Northland", 400, "country"),
        ("/api/events?limit=0", 422, "limit"),
        ("/api/events?limit=100000", 422, "limit"),
        ("/api/events?offset=-1", 422, "offset"),
        ("/api/claims?limit=abc", 422, "limit"),
    ],
)
def test_bad_parameters_are_json_errors(
    client: TestClient, url: str, status: int, word: str
) -> None:
    body = get_json(client, url, status)
    assert body["status"] == status
    assert word in body["error"]
    assert "\n" not in body["error"]


# ---------------------------------------------------------------- documentation


def test_openapi_documents_every_api_route(client: TestClient) -> None:
    spec = get_json(client, "/api/openapi.json")
    api_routes = {
        route.path
        for route in client.app.routes
        if isinstance(route, APIRoute) and route.path.startswith("/api/")
    }
    assert api_routes == {
        "/api/events",
        "/api/events/{event_id}",
        "/api/episodes",
        "/api/episodes/{episode_id}",
        "/api/facets",
        "/api/claims",
        "/api/reports/{report_id}",
        "/api/actors",
        "/api/places",
        "/api/stats",
    }
    assert set(spec["paths"]) == api_routes
    for path, operations in spec["paths"].items():
        get = operations["get"]
        assert get["summary"], path
        assert "$ref" in get["responses"]["200"]["content"]["application/json"]["schema"], path
    filters = {"date_from", "date_to", "country", "actor", "type", "q", "limit", "offset"}
    for path in ("/api/events", "/api/episodes"):
        parameters = spec["paths"][path]["get"]["parameters"]
        assert {p["name"] for p in parameters} == filters, path
        assert all(p.get("description") for p in parameters), path
    for name in ("EpisodeSummary", "EpisodeDetail", "EpisodeFigureOut", "HistoryPoint"):
        documented = spec["components"]["schemas"][name]["properties"]
        assert all(
            field.get("description") or "$ref" in field or field.get("title")
            for field in documented.values()
        ), name
    history = spec["components"]["schemas"]["HistoryPoint"]["properties"]
    assert {"reported", "toll", "derived_from", "claim_ids"} <= set(history)
    grade = spec["components"]["schemas"]["EpisodeFigureOut"]["properties"]["grade"]
    assert all(word in grade["description"] for word in ("admitted", "confirmed", "contested"))
    assert client.get("/docs").status_code == 404  # the Swagger page would load a CDN


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/api/events", schemas.EventPage),
        ("/api/events/e-clash000001", schemas.EventDetail),
        ("/api/claims", schemas.ClaimPage),
        ("/api/actors", schemas.ActorPage),
        ("/api/places", schemas.PlacePage),
        ("/api/stats", schemas.StatsOut),
        ("/api/facets", schemas.FacetsOut),
    ],
)
def test_responses_match_documented_models(
    client: TestClient, url: str, model: type[BaseModel]
) -> None:
    model.model_validate(get_json(client, url), strict=False)


def test_report_response_matches_model(client: TestClient, demo: DemoStore) -> None:
    schemas.ReportDetail.model_validate(get_json(client, f"/api/reports/{demo.report_b}"))


# ---------------------------------------------------------------- one dict, two renderers


def test_pages_render_the_api_dicts(client: TestClient, demo: DemoStore) -> None:
    pairs = [
        ("/events?country=XNA", "/api/events?country=XNA"),
        (f"/events/{demo.clash_id}", f"/api/events/{demo.clash_id}"),
        ("/claims?q=soldiers", "/api/claims?q=soldiers"),
        (f"/reports/{demo.report_a}", f"/api/reports/{demo.report_a}"),
        ("/actors", "/api/actors"),
        ("/places", "/api/places"),
    ]
    for page, api in pairs:
        sep = "&" if "?" in page else "?"
        assert get_json(client, f"{page}{sep}_format=json") == get_json(client, api), page


def test_html_pages_render(client: TestClient, demo: DemoStore) -> None:
    for url in [
        "/events",
        "/events?q=airstrike&date_from=&country=",
        f"/events/{demo.clash_id}",
        f"/events/{demo.strike_id}",
        f"/reports/{demo.report_a}",
        "/claims?q=soldiers",
        "/actors",
        "/places",
        "/map",
        "/timeline",
        "/api",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["content-type"].startswith("text/html")
        page = scan(response.text)
        assert not page.unbalanced and not page.stack, (url, page.unbalanced, page.stack)
    assert client.get("/", follow_redirects=False).headers["location"] == "/events"


def test_html_error_page(client: TestClient) -> None:
    response = client.get("/events/<script>alert(1)</script>")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert client.get("/events?date_from=nope").status_code == 400


def test_event_page_shows_sides_contradiction_and_claim_links(
    client: TestClient, demo: DemoStore
) -> None:
    html = client.get(f"/events/{demo.clash_id}").text
    figure = re.search(
        r'<section class="figure contradicted"[^>]*data-measure="killed".*?</section>', html, re.S
    )
    assert figure, "killed figure with the contradiction class"
    block = figure.group(0)
    assert "Contradiction" in block  # in words, not only colour
    assert "more than 40" in block and ">12<" in block and ">40<" in block
    assert "Ministry of Defence of Northland" in block and "Army of Southland" in block
    assert "rule <code>conservative</code>" in block
    assert f"/reports/{demo.report_a}?claim={demo.claim_north}#claim-{demo.claim_north}" in block
    wounded = re.search(
        r'<section class="figure"[^>]*data-measure="wounded".*?</section>', html, re.S
    )
    assert wounded and "Contradiction" not in wounded.group(0)
    assert "Ada Moss" in html  # quotes with speakers


def test_report_page_marks_and_targets_the_claim(client: TestClient, demo: DemoStore) -> None:
    html = client.get(f"/reports/{demo.report_a}?claim={demo.claim_north}").text
    target = re.search(
        rf'<mark id="claim-{demo.claim_north}" class="([^"]*)"[^>]*>(.*?)</mark>', html, re.S
    )
    assert target and "is-target" in target.group(1).split()
    marked = re.sub(r"<[^>]+>", "", target.group(2))
    assert marked == demo.sentence_north
    assert '<strong class="qty">12</strong>' in target.group(2)
    others = re.findall(r'<mark id="claim-[^"]+" class="([^"]*)"', html)
    assert sum("is-target" in c.split() for c in others) == 1
    assert 'class="quote"' in html


# ---------------------------------------------------------------- security


def test_security_headers_everywhere(client: TestClient, demo: DemoStore) -> None:
    for url in ["/events", f"/api/events/{demo.clash_id}", "/static/sitrep.css", "/nope"]:
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"


def test_report_html_is_escaped(client: TestClient, demo: DemoStore) -> None:
    for url in [f"/reports/{demo.report_b}", f"/events/{demo.clash_id}", "/claims"]:
        html = client.get(url).text
        page = scan(html)
        assert all(s.get("src") or s.get("type") == "application/json" for s in page.scripts), url
        assert not page.handlers, (url, page.handlers)
        assert "window.__pwned" not in "".join(page.script_bodies), url
        assert "<b>closed</b>" not in html
    report = client.get(f"/reports/{demo.report_b}").text
    assert "&lt;script&gt;window.__pwned = true;" in report
    assert "&lt;img src=x onerror=" in report
    text = "".join(scan(report).text)
    assert "<script>window.__pwned = true;" in text  # shown to the reader as text
    assert 'href="javascript:' not in report  # unsafe report URLs are not links
    event = client.get(f"/events/{demo.clash_id}").text
    assert "the spokesman &lt;img src=x onerror=" in event


def test_no_inline_script_or_style_on_any_page(client: TestClient, demo: DemoStore) -> None:
    for url in [
        "/events",
        f"/events/{demo.clash_id}",
        f"/reports/{demo.report_a}",
        "/claims",
        "/actors",
        "/places",
        "/map",
        "/timeline",
        "/api",
        "/events/nope",
    ]:
        page = scan(client.get(url).text)
        assert page.style_elements == 0 and not page.inline_styles, url
        assert not page.handlers, url
        for script in page.scripts:
            assert script.get("src") or script.get("type") == "application/json", url


def test_read_only_by_default(client: TestClient, demo: DemoStore) -> None:
    for method, url in [
        ("post", "/api/events"),
        ("put", f"/api/events/{demo.clash_id}"),
        ("delete", f"/api/reports/{demo.report_a}"),
        ("post", "/events"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
    assert get_json(client, "/api/events", 200)
    body = client.post("/api/events").json()
    assert body["status"] == 405
    assert client.post("/api/ingest", json={"text": "x"}).status_code == 404
    assert client.app.state.readers.reader().readonly is True
    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"


def test_settings_are_checked(demo: DemoStore, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no sitrep store"):
        create_app(tmp_path / "missing.db")
    not_a_store = tmp_path / "notes.db"
    not_a_store.write_text("shopping list\n")
    with pytest.raises(StoreError, match="not a sitrep database"):
        create_app(not_a_store)
    with pytest.raises(ValueError, match="at least 16"):
        create_app(demo.path, ingest_token="short")
    with pytest.raises(SettingsError, match=r"\{z\}"):
        create_app(demo.path, tile_url="https://tiles.example.org/tile.png")
    with pytest.raises(SettingsError, match="http"):
        create_app(demo.path, tile_url="file:///{z}/{x}/{y}.png")


# ---------------------------------------------------------------- ingest


@pytest.fixture
def ingest_client(demo: DemoStore) -> TestClient:
    with TestClient(create_app(demo.path, ingest_token=TOKEN)) as test_client:
        yield test_client


def test_ingest_requires_the_token(ingest_client: TestClient) -> None:
    body = {"text": "A report."}
    missing = ingest_client.post("/api/ingest", json=body)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["status"] == 401
    wrong = ingest_client.post("/api/ingest", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    basic = ingest_client.post(
        "/api/ingest", json=body, headers={"Authorization": f"Basic {TOKEN}"}
    )
    assert basic.status_code == 401
    # Unauthenticated garbage is refused before the body is even parsed.
    junk = ingest_client.post("/api/ingest", content=b"{not json")
    assert junk.status_code == 401
    assert "/api/ingest" in ingest_client.get("/api/openapi.json").json()["paths"]


def test_ingest_runs_the_real_pipeline(ingest_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    bad = ingest_client.post("/api/ingest", json={"title": "no text"}, headers=auth)
    assert bad.status_code == 422 and "text" in bad.json()["error"]
    bad_date = ingest_client.post(
        "/api/ingest", json={"text": "x", "published": "May"}, headers=auth
    )
    assert bad_date.status_code == 422 and "published" in bad_date.json()["error"]

    payload = [
        {
            "text": "Harbor officials said 17 dockworkers were killed when a shell hit "
            "the Port Alder terminal on Tuesday.",
            "url": "https://example.org/1",
            "published": "2025-01-02",
            "outlet": "Harbor Daily",
            "title": "One",
        },
        {"text": "A second short report with no figures at all."},
    ]
    response = ingest_client.post("/api/ingest", json=payload, headers=auth)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["received"] == 2 and out["result"]["added"] == 2
    assert out["result"]["claims"] >= 1
    again = ingest_client.post("/api/ingest", json=payload, headers=auth).json()
    assert again["result"]["added"] == 0 and again["result"]["unchanged"] == 2
    claims = ingest_client.get("/api/claims", params={"q": "dockworkers"}).json()["items"]
    assert [(c["measure"], c["value"]) for c in claims] == [("killed", 17)]
    assert claims[0]["outlet"] == "Harbor Daily"
    report = ingest_client.get(f"/api/reports/{out['report_ids'][0]}").json()
    assert report["source"] == "https://example.org/1"


# ---------------------------------------------------------------- map and tiles


def test_map_page_embeds_markers_as_json(client: TestClient, tmp_path: Path) -> None:
    vendor = tmp_path / "leaflet"
    vendor.mkdir()
    (vendor / "leaflet.js").write_text("/* stand-in */")
    (vendor / "leaflet.css").write_text("/* stand-in */")
    saved = client.app.state.leaflet_dir
    client.app.state.leaflet_dir = vendor
    try:
        html = client.get("/map").text
    finally:
        client.app.state.leaflet_dir = saved
    assert '<script src="/static/vendor/leaflet/leaflet.js"></script>' in html
    assert '<script src="/static/map.js"></script>' in html and 'id="map"' in html
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert block
    data = json.loads(block.group(1))
    assert data["tile_url"] is None
    kessel = next(m for m in data["markers"] if m["places"] == ["Kessel crossing"])
    assert (kessel["lat"], kessel["lon"], kessel["killed"]) == (45.12, 20.25, 12)
    assert kessel["href"] == "/events/e-clash000001" and kessel["contradiction"] is True


def test_map_page_without_leaflet_lists_places(client: TestClient, tmp_path: Path) -> None:
    saved = client.app.state.leaflet_dir
    client.app.state.leaflet_dir = tmp_path / "no-leaflet"
    try:
        html = client.get("/map").text
    finally:
        client.app.state.leaflet_dir = saved
    assert 'id="map-missing"' in html and "Leaflet" in html
    assert "leaflet.js" not in html and 'id="map"' not in html
    assert "Kessel crossing" in html and "Port Alder" in html


def test_tile_url_setting_reaches_csp_and_map(
    demo: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SITREP_TILE_URL", "https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    with TestClient(create_app(demo.path)) as tiled:
        response = tiled.get("/map")
    csp = response.headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in csp
    assert "https://{s}.tiles.example.org/{z}/{x}/{y}.png" in response.text
    assert 'class="map with-tiles"' in response.text or 'id="map-missing"' in response.text


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("https://tiles-{s}.example.org/{z}/{x}/{y}.png", "https:"),
        (None, None),
    ],
)
def test_tile_source(url: str | None, source: str | None) -> None:
    assert tile_source(url) == source
    assert ("img-src 'self' data:" + (f" {source}" if source else "") + ";") in (
        content_security_policy(url)
    )


# ---------------------------------------------------------------- view helpers


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((200, "more_than"), "more than 200"),
        ((23, "exact"), "23"),
        ((1500, "about"), "about 1,500"),
        ((5, "at_least"), "at least 5"),
        ((10, "up_to"), "up to 10"),
        ((None, "range", 10, 20), "10–20"),
        ((None, "vague"), "unstated number"),
    ],
)
def test_hedge(args: tuple[Any, ...], text: str) -> None:
    assert views.hedge(*args) == text


def test_figure_range() -> None:
    assert views.figure_range(23, 23, 58) == "23 (23–58)"
    assert views.figure_range(12, 12, None) == "12 (12 or more)"
    assert views.figure_range(7, 7, 7) == "7"
    assert views.figure_range(None, None, None) == "—"


def test_country_name() -> None:
    assert views.country_name("PAK") == "Pakistan"
    assert views.country_name("XNA") == "XNA"
    assert views.country_name(None) == ""


def test_mark_text_nests_crossing_spans_and_escapes() -> None:
    text = "a <b> c & d e f"
    spans = [
        views.Span(2, 9, "mark", ("claim",), "claim-1"),  # "<b> c &"
        views.Span(6, 13, "mark", ("quote",), "quote-1"),  # "c & d e" crosses the first
        views.Span(2, 9, "mark", ("claim",), "claim-2"),  # same span as claim-1
        views.Span(6, 7, "strong", ("qty",)),
        views.Span(10, 99, "mark", ("claim",), "out-of-range"),
    ]
    html = str(views.mark_text(text, spans))
    page = scan(html)
    assert not page.unbalanced and not page.stack
    assert "".join(page.text) == text
    assert "&lt;b&gt;" in html and "&amp;" in html and "<b>" not in html
    assert html.count('id="quote-1"') == 1 and html.count('id="claim-1"') == 1
    assert html.count('id="claim-2"') == 1 and "out-of-range" not in html
    assert 'class="quote cont"' in html  # the crossing span continues after the cut
    assert html.index('id="claim-1"') < html.index('id="claim-2"')


def test_timeline_layout() -> None:
    items = [
        {"id": "a", "type": "armed_clash", "date_start": "2025-01-01", "killed": {"best": 100}},
        {"id": "b", "type": "airstrike", "date_start": "2025-03-01", "killed": None},
        {"id": "c", "type": "airstrike", "date_start": None},
    ]
    timeline = views.timeline_layout(items, width=600)
    assert timeline.undated == 1
    by_href = {d.href: d for d in timeline.dots}
    first, last = by_href["/events/a"], by_href["/events/b"]
    assert first.x == timeline.x_start and last.x == timeline.x_end
    assert first.r > last.r
    assert first.y != last.y  # one lane per type
    assert {lane.label for lane in timeline.lanes} == {"armed clash", "airstrike"}
    assert next(t.label for t in timeline.ticks) == "Jan 2025"


def test_figure_columns_put_the_victim_side_first_and_link_claims() -> None:
    figure = {
        "victim_country": "PAK",
        "claims": [
            {"claimant_country": "AFG", "value": 58, "claim_ids": ["c-2"]},
            {"claimant_country": "PAK", "value": 23, "claim_ids": ["c-1", "c-missing"]},
            {"claimant_country": None, "claimant_side": None, "value": 40, "claim_ids": []},
        ],
    }
    event = {
        "claims": [
            {
                "id": "c-1",
                "report_id": "r-1",
                "outlet": "Harbor Daily",
                "published": "2025-10-12",
                "sentence": "The army said 23 soldiers died.",
            },
            {"id": "c-2", "report_id": "r-2", "source": "../in/b.txt", "sentence": "58 killed."},
        ]
    }
    columns = views.figure_columns(figure, event)
    assert [c.side for c in columns] == ["Pakistan", "Afghanistan", "unattributed"]
    assert [link.href for link in columns[0].links] == ["/reports/r-1?claim=c-1#claim-c-1"]
    assert columns[0].links[0].label == "Harbor Daily, 2025-10-12"
    assert columns[1].links[0].label == "b.txt"
    assert columns[2].links == ()


def test_type_colours_are_distinct_across_the_taxonomy() -> None:
    types = views.taxonomy_order()
    assert "armed_clash" in types
    assert len({views.type_class(t) for t in types}) == min(len(types), views.N_TYPE_COLOURS)
    assert views.type_class("not_in_the_taxonomy") == views.type_class("not_in_the_taxonomy")
