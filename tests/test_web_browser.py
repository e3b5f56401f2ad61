"""The web UI in real headless Chromium (Debian's ``chromium``, driven by Playwright).

Run with ``pytest -m browser tests/test_web_browser.py``. The seeds test builds its store with
the real pipeline over ``examples/`` and ``../shared/seeds``; the others use the hand-made
store of ``conftest_web``. Screenshots go to ``build/screenshots/`` (paths are printed);
``SITREP_UPDATE_SCREENSHOT=1`` also refreshes ``docs/screenshot-event.png`` and
``docs/screenshot-episode.png`` for the README.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from conftest_web import DemoStore, EpisodeDemo, build_demo_store, build_episode_store
from sitrep.api import create_app

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCREENSHOTS = ROOT / "build" / "screenshots"

if not CHROMIUM.exists():
    pytest.skip(
        "no /usr/bin/chromium: install Debian's chromium (apt-get install -y chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """Run ``app`` with uvicorn in a thread on a free loopback port; yield its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


class Page:
    """A browser page that records console errors and CSP violations."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on(
            "console",
            lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
        )

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    opened = Page(browser)
    try:
        yield opened
    finally:
        opened.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


# ---------------------------------------------------------------- the founding example


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sitrep.process import build_store

    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is missing (the shared corpus sits beside the project)")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    summary = build_store(db, [ROOT / "examples", seeds])
    assert summary.added >= 2, summary
    return db


def test_border_clash_shows_both_sides_figures(page: Page, seeds_store: Path) -> None:
    with served(create_app(seeds_store)) as base:
        p = page.page
        p.goto(f"{base}/events")
        # Narrow the list the way a reader would: October 2025, Pakistan, armed clashes.
        p.fill("input[name=date_from]", "2025-10-01")
        p.fill("input[name=date_to]", "2025-10-31")
        p.select_option("select[name=country]", "PAK")
        p.select_option("select[name=type]", "armed_clash")
        p.click("form.filters button[type=submit]")
        p.wait_for_url("**/events?*")
        rows = p.locator("table.events tbody tr")
        assert rows.count() >= 1, "no armed clash involving Pakistan in October 2025"
        # The clash is the one most outlets reported.
        reports = [int(rows.nth(i).locator("td").nth(4).inner_text()) for i in range(rows.count())]
        row = rows.nth(reports.index(max(reports)))
        row.locator("a.event-link").click()
        p.wait_for_url("**/events/e-*")
        event_url = p.url

        figure = p.locator('section.figure[data-measure="killed"][data-victim="PAK"]')
        assert figure.count() == 1, "one 'killed' figure for the Pakistani side"
        assert figure.is_visible()
        assert "Contradiction" in figure.locator("h3").inner_text()
        sides = figure.locator("thead th.side").all_inner_texts()
        values = figure.locator("td.value").all_inner_texts()
        claimants = figure.locator("td.claimants").all_inner_texts()
        columns = list(zip(sides, values, claimants, strict=True))
        print("killed, Pakistani side:", columns)

        # Each side's own figure, with the claimant named: 23 by Pakistan, 58 by Afghanistan.
        def column_of(side: str, value: str) -> int:
            for index, (shown_side, shown, who) in enumerate(columns):
                if shown_side == side and shown.strip() == value:
                    assert who.strip() and who.strip() != "unnamed", (side, value, who)
                    return index
            raise AssertionError(f"no {side} column with {value}: {columns}")

        pakistan, afghanistan = column_of("Pakistan", "23"), column_of("Afghanistan", "58")
        cells = figure.locator("td.value")
        assert cells.nth(pakistan).is_visible() and cells.nth(afghanistan).is_visible()
        assert "Pakistan" in claimants[pakistan]
        shot = screenshot(page, "event-border-clash")
        if os.environ.get("SITREP_UPDATE_SCREENSHOT") == "1":
            # The README's picture: the top of the event page, down through the figures.
            target = ROOT / "docs" / "screenshot-event.png"
            top = {"x": 0, "y": 0, "width": 1280, "height": 1200}
            p.screenshot(path=str(target), full_page=True, clip=top)
            print(f"screenshot: {target}")
        assert shot.stat().st_size > 10_000

        # Follow the Pakistani claim to its report: the source sentence is highlighted.
        link = figure.locator("tbody tr").last.locator("td").nth(pakistan).locator("a").first
        sentence = link.get_attribute("title")
        assert sentence and "23" in sentence
        link.click()
        p.wait_for_url("**/reports/r-*")
        marked = p.locator("mark.claim.is-target")
        assert marked.count() == 1
        assert marked.is_visible()
        assert " ".join(marked.inner_text().split()) == " ".join(sentence.split())
        assert p.evaluate("location.hash") == f"#{marked.get_attribute('id')}"
        highlight = marked.evaluate("node => getComputedStyle(node).backgroundColor")
        plain = p.locator("mark.claim:not(.is-target)")
        if plain.count():
            assert highlight != plain.first.evaluate(
                "node => getComputedStyle(node).backgroundColor"
            )
        screenshot(page, "report-highlight")
        assert not page.csp_violations(), page.csp_violations()

        # Up to the story the clash is part of: each side's toll over time, side by side.
        p.goto(event_url)
        p.locator("a.episode-link").click()
        p.wait_for_url("**/episodes/*")
        killed = p.locator('section.episode-figure[data-measure="killed"][data-victim="PAK"]')
        assert killed.count() == 1
        series = killed.locator("svg.toll-chart g.series")
        shown = {
            series.nth(i).get_attribute("data-side"): series.nth(i)
            .locator("text.value")
            .all_text_contents()
            for i in range(series.count())
        }
        print("killed, Pakistani side, over time:", shown)
        assert "23" in shown.get("PAK", []) and "58" in shown.get("AFG", []), shown
        assert killed.locator(".badge.grade").is_visible()
        p.wait_for_selector("#map[data-basemap]")
        assert p.locator("#map .leaflet-basemap-pane path.country").count() > 200
        assert p.locator("#map path.marker").count() >= 1
        screenshot(page, "episode-border-clash")
        if os.environ.get("SITREP_UPDATE_SCREENSHOT") == "1":
            target = ROOT / "docs" / "screenshot-episode.png"
            top = {"x": 0, "y": 0, "width": 1280, "height": 1400}
            p.screenshot(path=str(target), full_page=True, clip=top)
            print(f"screenshot: {target}")
        assert not page.csp_violations(), page.csp_violations()


# ---------------------------------------------------------------- hand-made store


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    return build_demo_store(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture(scope="module")
def demo_base(demo: DemoStore) -> Iterator[str]:
    with served(create_app(demo.path)) as base:
        yield base


def test_injected_script_does_not_run(page: Page, demo: DemoStore, demo_base: str) -> None:
    p = page.page
    for url in (f"/reports/{demo.report_b}", f"/events/{demo.clash_id}", "/claims"):
        p.goto(demo_base + url)
        flags = p.evaluate("[window.__pwned, window.__pwned2, window.__pwned3, document.title]")
        assert flags[:3] == [None, None, None], (url, flags)
        assert flags[3] != "pwned"
    p.goto(f"{demo_base}/reports/{demo.report_b}")
    text = p.locator(".report-text").inner_text()
    assert "<script>window.__pwned = true; document.title = 'pwned';</script>" in text
    assert '<img src=x onerror="window.__pwned2 = true">' in text
    assert p.locator(".report-text script, .report-text img").count() == 0
    assert p.locator("h1").inner_text() == "Crossing <b>closed</b> after clash"
    screenshot(page, "report-injection")
    assert not page.csp_violations(), page.csp_violations()


def test_map_draws_markers_without_tiles(page: Page, demo: DemoStore, demo_base: str) -> None:
    p = page.page
    p.goto(f"{demo_base}/map")
    if p.locator("#map-missing").count():
        pytest.fail("Leaflet is not installed: run scripts/fetch_assets.sh")
    p.wait_for_selector("#map[data-markers]")
    expected = p.evaluate(
        "JSON.parse(document.getElementById('map-data').textContent).markers.length"
    )
    assert int(p.get_attribute("#map", "data-markers")) == expected > 0
    assert p.locator("#map path.marker").count() == expected
    assert p.locator("#map .leaflet-tile").count() == 0
    # The offline base map: Natural Earth country shapes in their own pane, under the markers.
    p.wait_for_selector("#map[data-basemap]")
    assert p.get_attribute("#map", "data-basemap").isdigit(), p.get_attribute(
        "#map", "data-basemap"
    )
    shapes = p.locator("#map .leaflet-basemap-pane svg path.country")
    assert shapes.count() == int(p.get_attribute("#map", "data-basemap")) > 200
    assert p.locator("#map .leaflet-overlay-pane path.marker").count() == expected
    assert p.locator("#map .leaflet-overlay-pane path.country").count() == 0
    z_index = "(sel) => Number(getComputedStyle(document.querySelector(sel)).zIndex)"
    assert p.evaluate(z_index, "#map .leaflet-basemap-pane") < p.evaluate(
        z_index, "#map .leaflet-overlay-pane"
    )
    # The shapes are drawn where the markers are: a border region, not an empty sea.
    assert p.locator("#map .leaflet-basemap-pane path.country[d*='M']").count() > 0
    p.locator("#map path.marker.contradicted").first.click(force=True)
    popup = p.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Kessel crossing" in popup.inner_text()
    screenshot(page, "map-plain")
    assert not page.csp_violations(), page.csp_violations()


def test_map_without_base_map_draws_a_graticule(
    page: Page, demo: DemoStore, tmp_path: Path
) -> None:
    app = create_app(demo.path)
    app.state.basemap = (tmp_path / "missing.json", tmp_path / "missing.js")
    with served(app) as base:
        p = page.page
        p.goto(f"{base}/map")
        p.wait_for_selector("#map[data-markers]")
        assert p.locator("#map path.graticule").count() > 30
        assert p.locator("#map path.country").count() == 0
        assert p.locator("#map path.marker").count() == int(p.get_attribute("#map", "data-markers"))
        assert not page.errors, page.errors


def test_event_filters_are_choices_from_the_data(
    page: Page, demo: DemoStore, demo_base: str
) -> None:
    import httpx

    facets = httpx.get(f"{demo_base}/api/facets").json()
    p = page.page
    p.goto(f"{demo_base}/events")
    for name, key in (("type", "types"), ("country", "countries"), ("actor", "actors")):
        offered = p.eval_on_selector_all(
            f"select[name={name}] option", "nodes => nodes.map(n => n.value).filter(Boolean)"
        )
        assert offered == [value for value, _ in facets[key]], name
    assert p.locator("input[name=type], input[name=country], input[name=actor]").count() == 0
    p.select_option("select[name=type]", "airstrike")
    p.click("form.filters button[type=submit]")
    p.wait_for_url("**/events?*type=airstrike*")
    links = p.locator("table.events a.event-link").all_inner_texts()
    assert links and all(text.strip().startswith("Airstrike") for text in links), links
    assert p.eval_on_selector("select[name=type]", "node => node.value") == "airstrike"
    p.select_option("select[name=type]", "")
    p.select_option("select[name=country]", "XNA")
    p.click("form.filters button[type=submit]")
    p.wait_for_url("**/events?*country=XNA*")
    links = p.locator("table.events a.event-link").all_inner_texts()
    assert len(links) == 1 and "Kessel crossing" in links[0], links
    assert not page.csp_violations(), page.csp_violations()


def test_map_keeps_markers_when_tiles_fail(page: Page, demo: DemoStore) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png"
    with served(create_app(demo.path, tile_url=unreachable)) as base:
        p = page.page
        p.goto(f"{base}/map")
        p.wait_for_selector("#map[data-markers]")
        assert p.locator("#map .leaflet-tile").count() > 0  # it tried
        assert p.locator("#map path.marker").count() == int(p.get_attribute("#map", "data-markers"))
        assert p.locator("#map path.marker").first.is_visible()
        assert not page.csp_violations(), page.csp_violations()


def test_timeline_links_to_events(page: Page, demo: DemoStore, demo_base: str) -> None:
    p = page.page
    p.goto(f"{demo_base}/timeline")
    dots = p.locator("svg.timeline circle.dot")
    assert dots.count() == len(demo.filler_ids) - 1 + 2  # every dated event
    p.locator(f'svg.timeline a[href="/events/{demo.clash_id}"]').click()
    p.wait_for_url(f"**/events/{demo.clash_id}")
    assert "Kessel crossing" in p.locator("h1").inner_text()
    assert not page.csp_violations(), page.csp_violations()


def test_static_assets_are_served(demo_base: str) -> None:
    import httpx

    for path in ("/static/sitrep.css", "/static/map.js", "/static/favicon.svg"):
        assert httpx.get(demo_base + path).status_code == 200, path
    response = httpx.get(demo_base + "/static/vendor/leaflet/leaflet.js")
    assert response.status_code == 200, "Leaflet is missing: run scripts/fetch_assets.sh"


# ---------------------------------------------------------------- an episode


@pytest.fixture(scope="module")
def episode_demo(tmp_path_factory: pytest.TempPathFactory) -> EpisodeDemo:
    return build_episode_store(tmp_path_factory.mktemp("episode") / "episode.db")


def test_episode_page_shows_each_sides_toll_and_the_map(
    page: Page, episode_demo: EpisodeDemo
) -> None:
    import httpx

    with served(create_app(episode_demo.demo.path)) as base:
        detail = httpx.get(f"{base}/api/episodes/{episode_demo.episode.id}").json()
        p = page.page
        p.goto(f"{base}/episodes")
        p.locator(f'a.episode-link[href="/episodes/{episode_demo.episode.id}"]').click()
        p.wait_for_url(f"**/episodes/{episode_demo.episode.id}")

        for figure in detail["figures"]:
            section = p.locator(
                f'section.episode-figure[data-measure="{figure["measure"]}"]'
                f'[data-victim="{figure["victim_country"] or ""}"]'
                f'[data-victim-side="{figure.get("victim_side") or ""}"]'
            )
            assert section.count() == 1 and section.is_visible()
            drawn = [h for h in figure["history"] if h["toll"] != "incremental" and h["reported"]]
            sides = {h["claimant_side"] or h["claimant_country"] or "" for h in drawn}
            chart = section.locator("svg.toll-chart")
            assert chart.is_visible()
            assert chart.locator("g.series").count() == len(sides), figure["measure"]
            assert chart.locator("circle.point").count() == len(drawn)
            assert chart.locator("text.value").count() == len(drawn)
            title = chart.locator("title").first.text_content() or ""
            assert title.startswith(figure["measure"].capitalize()), title
            badge = section.locator(".badge.grade")
            assert badge.is_visible()
            assert badge.inner_text() == figure["grade"].replace("_", " ")
            assert figure["grade_reason"] in section.locator(".grade-line").inner_text()
        killed = p.locator('section.episode-figure[data-measure="killed"]')
        labels = killed.locator("g.series").first.locator("text.value").all_text_contents()
        assert labels == ["12", "19", "19"], labels
        assert killed.locator("circle.point.derived").count() == 1

        # The episode's events on the map, over the country shapes.
        p.wait_for_selector("#map[data-basemap]")
        assert p.locator("#map .leaflet-basemap-pane path.country").count() > 200
        assert p.locator("#map path.marker").count() == len(detail["event_items"]) == 2
        assert p.locator("svg.timeline circle.dot").count() == 2
        shot = screenshot(page, "episode")
        assert shot.stat().st_size > 20_000
        assert not page.csp_violations(), page.csp_violations()

        # Down to the sentence behind a point of the chart...
        point = killed.locator("g.series").first.locator("a").first
        href = point.get_attribute("href")
        assert href and f"claim={episode_demo.demo.claim_north}" in href
        point.click()
        p.wait_for_url("**/reports/r-*")
        marked = p.locator("mark.claim.is-target")
        assert marked.count() == 1 and marked.is_visible()
        assert "12 Northland soldiers dead" in marked.inner_text()

        # ... and from an event up to its episode.
        p.goto(f"{base}/events/{episode_demo.shelling_id}")
        p.locator("a.episode-link").click()
        p.wait_for_url(f"**/episodes/{episode_demo.episode.id}")
        assert not page.csp_violations(), page.csp_violations()
