"""Episodes on the web: the toll chart, the episode page, its API, and the offline base map.

The view and template tests render an episode dict assembled from the hand-made store of
``conftest_web`` (``Episode.to_dict()`` plus the store's event items, claims and sources); the
API tests read the same episode back through the real store and app.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from conftest_web import (
    DemoStore,
    EpisodeDemo,
    build_demo_store,
    build_episode_store,
    episode_objects,
)
from sitrep import web
from sitrep.api import app as app_module
from sitrep.api import create_app, schemas, views
from sitrep.store import Store
from test_api import get_json, scan

# ---------------------------------------------------------------- an episode dict


@pytest.fixture(scope="module")
def assembled(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoStore, dict[str, Any]]:
    """The demo store with the Brenn shelling added, and the episode as the page receives it."""
    demo = build_demo_store(tmp_path_factory.mktemp("assembled") / "demo.db")
    extractions, events, episode, _ = episode_objects(demo)
    with Store(demo.path) as store:
        for extraction in extractions:
            store.add_extraction(extraction)
        store.save_events(events)
        data = episode.to_dict()
        items = store.events(limit=100)["items"]
        data["event_items"] = [e for e in items if e["id"] in episode.event_ids]
        details = [store.event(event_id) for event_id in episode.event_ids]
        data["sources"] = [s for d in details if d for s in d["sources"]]
        data["claims"] = [c for d in details if d for c in d["claims"]]
        data["quotes"] = [q for d in details if d for q in d["quotes"]]
    return demo, data


def figure_of(data: dict[str, Any], measure: str) -> dict[str, Any]:
    return next(f for f in data["figures"] if f["measure"] == measure)


def render(template: str, data: dict[str, Any], **extra: Any) -> str:
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/episodes/x",
            "query_string": b"",
            "headers": [],
            "scheme": "http",
            "server": ("testserver", 80),
        }
    )
    env = app_module._templates()
    return env.get_template(template).render(data=data, request=request, **extra)


# ---------------------------------------------------------------- the toll chart


def test_chart_has_one_series_per_claimant_side(assembled: tuple[DemoStore, dict]) -> None:
    _, data = assembled
    chart = views.toll_chart(figure_of(data, "killed"), data)
    assert chart is not None
    assert [s.side for s in chart.series] == ["XNA", "XSA"]  # the victims' own side first
    north, south = chart.series
    assert [p.label for p in north.points] == ["12", "19", "19"]
    assert [p.label for p in south.points] == [">40", "40", "60"]
    assert (chart.additions, chart.undated) == (1, 0)  # "12 more" is never a toll
    assert [p.derived for p in north.points] == [False, False, True]
    assert chart.has_derived
    for series in chart.series:
        xs = [p.x for p in series.points]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)
        assert all(chart.x_start <= x <= chart.x_end for x in xs)
        assert all(chart.y_top <= p.y <= chart.y_base for p in series.points)
    # Higher figures sit higher on the page (smaller y); equal figures at equal height.
    assert south.points[2].y < south.points[1].y < north.points[1].y < north.points[0].y
    assert north.points[1].y == north.points[2].y
    assert [t.label for t in chart.x_ticks] == ["3 Mar", "4 Mar", "5 Mar", "6 Mar"]
    assert chart.y_ticks[0].label == "0" and int(chart.y_ticks[-1].label) >= 60
    assert chart.title == "Killed on the XNA side: each side's figures as reported"
    assert "XNA: 12 on 2025-03-03, 19 on 2025-03-05, 19 on 2025-03-06." in chart.desc
    assert chart.year == "2025"


def test_chart_points_link_to_their_sentences(assembled: tuple[DemoStore, dict]) -> None:
    demo, data = assembled
    chart = views.toll_chart(figure_of(data, "killed"), data)
    assert chart is not None
    first = chart.series[0].points[0]
    assert first.href == views.claim_href(demo.report_a, demo.claim_north)
    assert "Ministry of Defence of Northland" in first.title and "1 report" in first.title
    assert "sum of the parts stated" in chart.series[0].points[2].title
    # The derived point's parts are linked from the history table.
    derived = figure_of(data, "killed")["history"][5]
    links = views.history_links(derived, data)
    assert len(links) == 2 and all("claim=" in link.href for link in links)


def test_chart_spreads_same_day_figures_and_skips_what_it_cannot_draw() -> None:
    def entry(day: str | None, value: int | None, toll: str | None = None) -> dict[str, Any]:
        return {
            "reported": day,
            "claimant_country": "THA",
            "claimant_side": "THA",
            "value": value,
            "qualifier": "exact",
            "low": value,
            "high": value,
            "toll": toll,
            "claimants": ["Thai army"],
            "reports": 1,
            "claim_ids": [],
        }

    figure = {
        "measure": "killed",
        "victim_country": "THA",
        "history": [
            entry("2025-07-24", 12),
            entry("2025-07-24", 14),
            entry("2025-07-25", 15),
            entry(None, 20),
            entry("2025-07-25", 3, "incremental"),
        ],
    }
    chart = views.toll_chart(figure)
    assert chart is not None
    (series,) = chart.series
    assert series.label == "Thailand"
    xs = [p.x for p in series.points]
    assert len(xs) == 3 and xs[0] < xs[1] < xs[2]
    assert (chart.additions, chart.undated) == (1, 1)
    assert views.toll_chart({"measure": "killed", "history": []}) is None
    assert (
        views.toll_chart({"measure": "killed", "history": [entry("2025-07-24", 3, "incremental")]})
        is None
    )


def test_each_side_keeps_its_colour_on_every_chart(assembled: tuple[DemoStore, dict]) -> None:
    _, data = assembled
    wounded = figure_of(data, "wounded")
    # A second chart where Southland speaks first: its colour must not change.
    flipped = {
        **wounded,
        "victim_country": "XSA",
        "history": [
            {**h, "claimant_side": side, "claimant_country": side}
            for h, side in zip(wounded["history"] * 2, ("XSA", "XNA"), strict=True)
        ],
    }
    episode = {**data, "figures": [*data["figures"], flipped]}
    colours: dict[str, set[str]] = {}
    for figure in episode["figures"]:
        chart = views.toll_chart(figure, episode)
        assert chart is not None
        for series in chart.series:
            colours.setdefault(series.side, set()).add(series.css_class)
    assert all(len(found) == 1 for found in colours.values()), colours
    assert len({next(iter(found)) for found in colours.values()}) == len(colours)


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((19, "exact"), "19"),
        ((19, "at_least", 19, None), "≥19"),
        ((40, "more_than", 41, None), ">40"),
        ((30, "about"), "~30"),
        ((None, "range", 10, 20), "10–20"),
        ((None, "vague", 3, None), "3"),
        ((None, "vague"), "?"),
        ((1500, "exact"), "1,500"),
    ],
)
def test_short_hedge(args: tuple[Any, ...], text: str) -> None:
    assert views.short_hedge(*args) == text


def test_victim_label_names_non_state_sides() -> None:
    assert views.victim_label({"victim_country": "AFG", "victim_side": "AFG"}) == "Afghanistan"
    assert views.victim_label({"victim_country": "SDN", "victim_side": "Rapid Support Forces"}) == (
        "Rapid Support Forces"
    )
    assert views.victim_label({"victim_country": None, "victim_side": None}) == ""
    assert views.victim_label({"victim_country": "THA"}) == "Thailand"


def test_episode_titles_and_grades() -> None:
    item = {"types": ["shelling", "armed_clash"], "places": ["Brenn", "Kessel crossing"]}
    assert views.episode_title(item) == "Shelling, armed clash — Brenn, Kessel crossing"
    detail = {
        "places": [{"name": "Kessel crossing"}],
        "event_items": [{"type": "armed_clash"}, {"type": "shelling"}, {"type": "armed_clash"}],
    }
    assert views.episode_title(detail) == "Armed clash, shelling — Kessel crossing"
    assert views.episode_title({}) == "Episode"
    assert views.grade_label("single_source") == "single source"
    assert "victims' own side" in views.grade_meaning("admitted")
    assert views.grade_meaning("nonsense") == ""


def test_map_countries_are_base_map_ids() -> None:
    items = [{"countries": ["THA", "KHM"]}, {"countries": ["tha", "XNA"]}, {}]
    assert views.map_countries(items) == ["764", "116"]
    assert views.numeric_country_code("AFG") == "004"  # zero-padded, as in world-atlas


# ---------------------------------------------------------------- the episode page


def test_episode_page_renders_charts_grades_and_links(assembled: tuple[DemoStore, dict]) -> None:
    demo, data = assembled
    html = render("episode.html", data, leaflet=True, tile_url=None, basemap=web.basemap_assets())
    page = scan(html)
    assert not page.unbalanced and not page.stack, (page.unbalanced, page.stack)
    assert page.style_elements == 0 and not page.inline_styles and not page.handlers
    sections = re.findall(r'<section class="figure episode-figure.*?</section>', html, re.S)
    assert len(sections) == 2
    killed, wounded = sections
    assert 'data-measure="killed"' in killed and 'data-grade="admitted"' in killed
    assert killed.count('<g class="series') == 2 and wounded.count('<g class="series') == 1
    assert "Northland, the victims&#39; own side, states 19" in killed
    assert ">confirmed</span>" in wounded and "a medical service" in wounded
    assert "Contradiction" in killed and "Contradiction" not in wounded
    assert re.search(r'<svg class="toll-chart"[^>]*role="img"[^>]*aria-labelledby=', killed)
    assert "<desc id=" in killed and '<polyline class="line"' in killed
    assert "Not drawn: 1 addition such as “12 more”, which is not a total" in killed
    assert "sum of stated parts" in killed  # legend for the hollow point
    claim_link = f"/reports/{demo.report_a}?claim={demo.claim_north}#claim-{demo.claim_north}"
    assert claim_link in killed
    for event_id in (demo.clash_id, "e-shell000001"):
        assert f'href="/events/{event_id}"' in html
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert block
    map_data = json.loads(block.group(1))
    assert len(map_data["markers"]) == 2
    assert map_data["basemap"] == web.basemap_assets()
    assert 'svg class="timeline"' in html


def test_episode_page_without_history_or_map_library(assembled: tuple[DemoStore, dict]) -> None:
    _, data = assembled
    bare = {**data, "figures": [{**f, "history": []} for f in data["figures"]]}
    html = render("episode.html", bare, leaflet=False, tile_url=None, basemap=None)
    assert 'class="toll-chart"' not in html
    assert 'id="map-missing"' in html and "leaflet.js" not in html
    assert "Brenn" in html  # the events are still listed


# ---------------------------------------------------------------- the API over the real store


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> EpisodeDemo:
    return build_episode_store(tmp_path_factory.mktemp("episodes") / "episodes.db")


@pytest.fixture(scope="module")
def client(stored: EpisodeDemo) -> TestClient:
    with TestClient(create_app(stored.demo.path)) as test_client:
        yield test_client


def test_episode_list_item(client: TestClient, stored: EpisodeDemo) -> None:
    page = get_json(client, "/api/episodes")
    schemas.EpisodePage.model_validate(page)
    assert [e["id"] for e in page["items"]] == [stored.episode.id]
    item = page["items"][0]
    assert (item["date_start"], item["date_end"]) == ("2025-03-02", "2025-03-06")
    assert item["n_events"] == 2 and item["contradiction"] is True
    assert set(item["types"]) == {"armed_clash", "shelling"}
    tolls = {(t["measure"], t["victim_country"]): t for t in item["tolls"]}
    assert (
        tolls[("killed", "XNA")]["best"] == 19 and tolls[("killed", "XNA")]["grade"] == "admitted"
    )
    assert tolls[("wounded", "XNA")]["grade"] == "confirmed"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("country=xna", True),
        ("type=shelling", True),
        ("type=protest", False),
        ("actor=army%20of%20southland", True),
        ("date_from=2025-03-06", True),
        ("date_to=2025-03-01", False),
        ("date_from=2024-01-01&date_to=2024-12-31", False),
    ],
)
def test_episode_filters(client: TestClient, stored: EpisodeDemo, query: str, found: bool) -> None:
    page = get_json(client, f"/api/episodes?{query}")
    assert ([e["id"] for e in page["items"]] == [stored.episode.id]) is found, query
    assert page["total"] == (1 if found else 0)


def test_episode_detail(client: TestClient, stored: EpisodeDemo) -> None:
    detail = get_json(client, f"/api/episodes/{stored.episode.id}")
    schemas.EpisodeDetail.model_validate(detail)
    assert [e["id"] for e in detail["event_items"]] == [stored.shelling_id, stored.demo.clash_id]
    killed = next(f for f in detail["figures"] if f["measure"] == "killed")
    assert killed["grade"] == "admitted" and killed["grade_reason"]
    steps = [(h["reported"], h["claimant_side"], h["value"], h["toll"]) for h in killed["history"]]
    assert steps[0] == ("2025-03-03", "XNA", 12, None)
    assert ("2025-03-06", "XNA", 12, "incremental") in steps
    claim_ids = {c["id"] for c in detail["claims"]}
    assert {stored.demo.claim_north, stored.claim_north_19, stored.claim_more} <= claim_ids
    assert all(c["report_id"] for c in detail["claims"])
    assert {s["report_id"] for s in detail["sources"]} >= {stored.report_d, stored.report_e}
    body = get_json(client, "/api/episodes/p-nothing", 404)
    assert body["status"] == 404 and "p-nothing" in body["error"]


def test_events_link_up_to_their_episode(client: TestClient, stored: EpisodeDemo) -> None:
    for event_id in (stored.demo.clash_id, stored.shelling_id):
        assert get_json(client, f"/api/events/{event_id}")["episode"] == stored.episode.id
        html = client.get(f"/events/{event_id}").text
        assert f'href="/episodes/{stored.episode.id}"' in html
    items = get_json(client, "/api/events?q=airstrike")["items"]
    assert [e.get("episode") for e in items] == [None]


def test_episode_pages_render_the_api_dicts(client: TestClient, stored: EpisodeDemo) -> None:
    for page, api in [
        ("/episodes?country=XNA", "/api/episodes?country=XNA"),
        (f"/episodes/{stored.episode.id}", f"/api/episodes/{stored.episode.id}"),
    ]:
        sep = "&" if "?" in page else "?"
        assert get_json(client, f"{page}{sep}_format=json") == get_json(client, api), page
    for url in ("/episodes", f"/episodes/{stored.episode.id}", "/episodes?type=shelling"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = scan(response.text)
        assert not page.unbalanced and not page.stack, (url, page.unbalanced, page.stack)
        assert page.style_elements == 0 and not page.inline_styles and not page.handlers, url
    listing = client.get("/episodes").text
    assert f'href="/episodes/{stored.episode.id}"' in listing
    assert ">admitted</span>" in listing and ">confirmed</span>" in listing
    assert '<select name="type">' in listing and '<option value="shelling">' in listing
    assert client.get("/episodes/p-nothing").status_code == 404


# ---------------------------------------------------------------- the offline base map


def test_map_data_names_the_base_map_only_without_tiles(
    stored: EpisodeDemo, tmp_path: Path
) -> None:
    def map_data(client: TestClient, url: str) -> dict[str, Any]:
        html = client.get(url).text
        block = re.search(
            r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S
        )
        assert block, url
        return json.loads(block.group(1))

    with TestClient(create_app(stored.demo.path)) as plain:
        data = map_data(plain, "/map")
        assert data["basemap"] == {"shapes": web.BASEMAP_URL, "decoder": web.TOPOJSON_URL}
        assert data["countries"] == []  # user-assigned codes (XNA, XSA) have no shapes
        html = plain.get("/map").text
        assert f'<script src="{web.TOPOJSON_URL}"></script>' in html
        assert plain.get(web.BASEMAP_URL).status_code == 200
        plain.app.state.basemap = (tmp_path / "missing.json", tmp_path / "missing.js")
        assert map_data(plain, "/map")["basemap"] is None
        assert web.TOPOJSON_URL not in plain.get("/map").text
    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    with TestClient(create_app(stored.demo.path, tile_url=tiles)) as tiled:
        assert map_data(tiled, "/map")["basemap"] is None
        assert map_data(tiled, f"/episodes/{stored.episode.id}")["tile_url"] == tiles


def test_timeline_of_a_few_days_has_day_ticks() -> None:
    items = [
        {"id": "a", "type": "armed_clash", "date_start": "2025-10-11"},
        {"id": "b", "type": "border_closure", "date_start": "2025-10-13"},
    ]
    timeline = views.timeline_layout(items)
    assert [t.label for t in timeline.ticks] == ["11 Oct", "12 Oct", "13 Oct"]
    months = views.timeline_layout([*items, {"id": "c", "type": "x", "date_start": "2025-12-30"}])
    assert [t.label for t in months.ticks] == ["Nov 2025", "Dec 2025"]


# ---------------------------------------------------------------- facets


def test_facets_are_counted_again_after_any_write(tmp_path: Path) -> None:
    from sitrep.models import Actor, Event

    def event(event_id: str, event_type: str, actor: str) -> Event:
        return Event(
            event_id,
            event_type,
            None,
            None,
            (),
            (Actor(actor, actor, "XNA", "person"),),
            (),
            (),
            (),
        )

    path = tmp_path / "facets.db"
    with Store(path) as writer, Store.open_readonly(path) as reader:
        writer.save_events([event("e-1", "protest", "Ada Moss")])
        assert reader.facets()["types"] == [("protest", 1)]
        assert reader.facets() == writer.facets()
        # A commit by another connection, then one by the same connection.
        writer.save_events([event("e-2", "riot", "Ada Moss")])
        assert reader.facets()["types"] == [("protest", 1), ("riot", 1)]
        writer.facets()
        writer.save_events([event("e-3", "riot", "Bo Lind")])
        assert writer.facets()["types"] == [("riot", 2), ("protest", 1)]
        assert writer.facets()["actors"] == [("Ada Moss", 2), ("Bo Lind", 1)]
        assert reader.facets(limit=1)["actors"] == [("Ada Moss", 2)]
        # What the caller gets is its own copy.
        reader.facets()["types"].clear()
        assert reader.facets()["types"]
