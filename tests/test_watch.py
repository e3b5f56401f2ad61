"""`sitrep watch` against a real HTTP server on 127.0.0.1 started by the tests.

The server serves routes the tests set up (feeds, articles, robots.txt, slow, failing,
redirecting and oversized answers) and counts the requests it gets, so each test checks what
was fetched as well as what was stored. Timeouts and backoff are a fraction of a second.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sitrep.ingest.errors import InputProblem
from sitrep.ingest.feeds import Source, read_sources
from sitrep.ingest.relevance import RelevanceFilter
from sitrep.store import Store
from sitrep.watch import HttpClient, Watcher, WatchSettings, canonical_url
from sitrep.watch.ratelimit import HostRateLimiter

ROOT = Path(__file__).resolve().parents[1]
FAST = WatchSettings(timeout=0.4, retries=1, backoff=0.01, rate=0.0, max_bytes=50_000)


# ---- the server ------------------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    delay: float = 0.0
    location: str | None = None


@dataclass
class Site:
    """Routes by path, and how many requests each path got."""

    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    agents: set[str] = field(default_factory=set)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            site.hits[path] += 1
            site.agents.add(self.headers.get("User-Agent", ""))
            route = site.routes.get(path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.delay:
                time.sleep(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            if route.location:
                self.send_header("Location", route.location)
            if route.etag:
                self.send_header("ETag", route.etag)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    site.routes["/robots.txt"] = Route(
        b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


# ---- pages and feeds written for these tests ---------------------------------------------------

CONFLICT = [
    "Shelling struck the market town of Velka Ridge on Tuesday. Regional officials said four"
    " civilians were killed and eleven wounded when artillery rounds landed near the bus station.",
    "Gunmen ambushed a police convoy on the coast road on Friday, killing two officers, the"
    " interior ministry said. A third officer was wounded and taken to hospital.",
    "An air strike hit a warehouse on the edge of the city overnight. Rescue workers said at"
    " least six people died and the army said it had targeted a weapons depot.",
    "Rebels attacked an army post near the northern border on Sunday. The defence ministry said"
    " three soldiers were killed and five rebels captured after hours of fighting.",
    "A roadside bomb exploded beside a minibus in the valley on Monday, killing five passengers,"
    " local officials said. Eight more were injured in the blast.",
    "Militants stormed a village before dawn and abducted twelve farmers, residents said. The"
    " militia that holds the district denied any part in the kidnapping.",
]
SPORT = (
    "The home side won the cup final three goals to one on Saturday. Their captain scored twice"
    " in the second half and the coach praised a young defender who played the full match."
)


def page(title: str, text: str, day: str = "2025-03-04") -> bytes:
    paragraphs = "".join(f"<p>{sentence}.</p>" for sentence in text.split(". ") if sentence)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="{day}">'
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def rss(site: Site, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of (path, title, pubDate stamp) items."""
    body = "".join(
        f"<item><title>{title}</title><link>{site.url(path)}</link>"
        f"<guid>{site.url(path)}</guid><pubDate>{stamp}</pubDate></item>"
        for path, title, stamp in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test wire</title>'
        f"<link>{site.base}</link><description>t</description>{body}</channel></rss>"
    ).encode()


def stamp(day: int) -> str:
    return formatdate(1_700_000_000 + day * 86_400, usegmt=True)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "watch.db") as opened:
        yield opened


def watcher(store: Store, extractor, settings: WatchSettings = FAST, **kwargs) -> Watcher:
    return Watcher(store, settings=settings, extractor=extractor, **kwargs)


# ---- rounds ----------------------------------------------------------------------------------


def test_new_repeated_and_changed_items(site: Site, store: Store, extractor) -> None:
    for n in range(2):
        site.routes[f"/a{n}"] = Route(page(f"Report {n}", CONFLICT[n]))
    site.routes["/sport"] = Route(page("Cup final", SPORT))
    items = [
        ("/a0", "Report 0", stamp(0)),
        ("/a1", "Report 1", stamp(0)),
        ("/sport", "Cup", stamp(0)),
    ]
    site.routes["/feed.xml"] = Route(
        rss(site, items), content_type="application/rss+xml", etag='"v1"'
    )
    w = watcher(store, extractor)
    first = w.run_round([Source(site.url("/feed.xml"), outlet="Test Wire")])
    assert (first.fetched, first.new, first.skipped, sum(first.failed.values())) == (3, 2, 1, 0)
    assert store.stats()["reports"] == 2
    stored = store.report(store.url_state(canonical_url(site.url("/a0"))).report_id)
    assert stored["outlet"] == "Test Wire" and stored["url"] == site.url("/a0")
    assert stored["published"] == "2025-03-04"

    # The feed has not changed: a 304, and no article is asked for again.
    second = w.run_round([Source(site.url("/feed.xml"))])
    assert (second.feeds_unchanged, second.fetched) == (1, 0)
    assert site.hits["/a0"] == site.hits["/a1"] == site.hits["/sport"] == 1

    # New feed version: one new item, one changed item (new stamp, new text), one repeated.
    site.routes["/a2"] = Route(page("Report 2", CONFLICT[2]))
    site.routes["/a1"] = Route(page("Report 1", CONFLICT[1] + " A fourth officer later died."))
    items = [
        ("/a0", "Report 0", stamp(0)),
        ("/a1", "Report 1", stamp(1)),
        ("/a2", "Report 2", stamp(1)),
    ]
    site.routes["/feed.xml"] = Route(
        rss(site, items), content_type="application/rss+xml", etag='"v2"'
    )
    third = w.run_round([Source(site.url("/feed.xml"))])
    assert (third.repeated, third.fetched, third.new) == (1, 2, 2)
    assert site.hits["/a0"] == 1 and site.hits["/a1"] == 2 and site.hits["/a2"] == 1
    assert store.stats()["reports"] == 4
    assert store.source_stats()["urls"] == {"stored": 3, "skipped": 1}


def test_conditional_article_fetch_answers_304(site: Site, store: Store, extractor) -> None:
    site.routes["/a"] = Route(page("Report", CONFLICT[3]), etag='"page-1"')
    feed = lambda day: rss(site, [("/a", "Report", stamp(day))])  # noqa: E731
    site.routes["/feed.xml"] = Route(feed(0), content_type="application/rss+xml")
    w = watcher(store, extractor)
    assert w.run_round([Source(site.url("/feed.xml"))]).new == 1
    site.routes["/feed.xml"] = Route(feed(1), content_type="application/rss+xml")
    again = w.run_round([Source(site.url("/feed.xml"))])
    assert (again.fetched, again.unchanged, again.new) == (0, 1, 0)  # 304: not downloaded
    assert site.hits["/a"] == 2 and store.stats()["reports"] == 1


def test_each_failure_is_one_line_with_its_reason(site: Site, store: Store, extractor) -> None:
    site.routes["/private/a"] = Route(page("Hidden", CONFLICT[0]))
    site.routes["/slow"] = Route(page("Slow", CONFLICT[1]), delay=1.0)
    site.routes["/error"] = Route(b"oops", status=500, content_type="text/plain")
    site.routes["/big"] = Route(page("Big", CONFLICT[2] + " More." * 20_000))
    site.routes["/loop/a"] = Route(status=302, location="/loop/b")
    site.routes["/loop/b"] = Route(status=302, location="/loop/a")
    site.routes["/ok"] = Route(page("Fine", CONFLICT[4]))
    paths = ["/private/a", "/slow", "/error", "/big", "/loop/a", "/ok"]
    items = [(path, path, stamp(0)) for path in paths]
    site.routes["/feed.xml"] = Route(rss(site, items), content_type="application/rss+xml")
    site.routes["/broken.xml"] = Route(b"<rss><channel><item><title>cut", content_type="text/xml")
    lines: list[str] = []
    w = watcher(store, extractor, on_failure=lines.append)
    summary = w.run_round([Source(site.url("/feed.xml")), Source(site.url("/broken.xml"))])
    assert summary.new == 1
    assert summary.failed == Counter(
        {
            "robots.txt": 1,
            "timeout": 1,
            "http 500": 1,
            "size cap": 1,
            "redirect loop": 1,
            "malformed feed": 1,
        }
    )
    assert len(lines) == 6 and all("\n" not in line for line in lines)
    assert site.hits["/private/a"] == 0  # robots.txt is asked first
    assert site.hits["/slow"] == 2 and site.hits["/error"] == 2  # one retry each
    reasons = {path: store.url_state(canonical_url(site.url(path))) for path in paths[:5]}
    assert "robots.txt" in reasons["/private/a"].reason
    assert "timed out" in reasons["/slow"].reason
    assert reasons["/error"].reason == "HTTP 500 (2 tries)"
    assert "size cap" in reasons["/big"].reason
    assert "redirect loop" in reasons["/loop/a"].reason
    assert "malformed feed XML" in store.feed_state(site.url("/broken.xml")).reason
    assert any("sitrep/" in agent for agent in site.agents)

    # Passing failures are tried again next round; the server has recovered.
    site.routes["/error"] = Route(page("Recovered", CONFLICT[5]))
    site.routes["/slow"] = Route(page("Slow", CONFLICT[1]))
    again = w.run_round([Source(site.url("/feed.xml"))])
    assert again.new == 2 and sum(again.failed.values()) == 0
    assert site.hits["/private/a"] == 0 and site.hits["/big"] == 1 and site.hits["/loop/a"] == 1
    assert store.stats()["reports"] == 3


def test_sitemap_index_and_news_sitemap(site: Site, store: Store, extractor) -> None:
    site.routes["/n1"] = Route(page("News one", CONFLICT[0], day=""))
    news = (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
        f"<loc>{site.url('/n1')}</loc><news:news><news:publication_date>2025-02-01T08:00:00Z"
        "</news:publication_date><news:title>News one</news:title></news:news></url></urlset>"
    )
    index = (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/news.xml')}</loc></sitemap></sitemapindex>"
    )
    site.routes["/news.xml"] = Route(news.encode(), content_type="application/xml")
    site.routes["/index.xml"] = Route(index.encode(), content_type="application/xml")
    summary = watcher(store, extractor).run_round([Source(site.url("/index.xml"))])
    assert (summary.feeds, summary.new) == (2, 1)
    report = store.report(store.url_state(canonical_url(site.url("/n1"))).report_id)
    assert report["title"] == "News one"


# ---- the client ------------------------------------------------------------------------------


def test_rate_limit_spaces_requests_to_one_host() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = HostRateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    limiter.wait("a.example")
    limiter.wait("b.example")  # another host does not wait
    limiter.wait("a.example")
    limiter.wait("a.example", 5.0)  # a site's crawl delay longer than ours
    limiter.wait("a.example")
    assert slept == [2.0, 2.0, 5.0]


def test_canonical_urls_drop_fragments_and_tracking() -> None:
    assert canonical_url("HTTP://News.Example.org:80/a/b?utm_source=rss&id=7#top") == (
        "http://news.example.org/a/b?id=7"
    )
    assert canonical_url("https://x.example/p?page=2") != canonical_url(
        "https://x.example/p?page=3"
    )


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="timeout"):
        WatchSettings(timeout=0)
    with pytest.raises(ValueError, match="User-Agent"):
        WatchSettings(user_agent="two\nlines")


def test_unreachable_robots_txt_disallows(site: Site) -> None:
    site.routes["/robots.txt"] = Route(b"down", status=503, content_type="text/plain")
    site.routes["/a"] = Route(page("A", CONFLICT[0]))
    with HttpClient(FAST) as client:
        failure = client.get(site.url("/a"))
    assert failure.kind == "robots.txt" and site.hits["/a"] == 0


# ---- source lists ----------------------------------------------------------------------------


def test_source_lists_toml_and_opml(tmp_path: Path) -> None:
    toml = tmp_path / "sources.toml"
    toml.write_text(
        '[[source]]\nurl = "https://wire.example/rss"\noutlet = "Example Wire"\n\n'
        '[[source]]\nurl = "https://daily.example/sitemap-news.xml"\n'
    )
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="World">'
        '<outline text="Border Daily" type="rss" xmlUrl="https://border.example/feed"/>'
        "</outline></body></opml>"
    )
    sources = read_sources([str(toml), str(opml), "https://wire.example/rss"])
    assert sources == [
        Source("https://wire.example/rss", "Example Wire"),
        Source("https://daily.example/sitemap-news.xml"),
        Source("https://border.example/feed", "Border Daily"),
    ]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nurl = "ftp://nope"\n')
    with pytest.raises(InputProblem, match="source 1 needs url"):
        read_sources([str(bad)])
    with pytest.raises(InputProblem, match="no such file"):
        read_sources([str(tmp_path / "missing.toml")])


# ---- the command -----------------------------------------------------------------------------


def _sitrep(*args: str) -> list[str]:
    return [sys.executable, "-c", "from sitrep.cli import app; app()", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}


def test_watch_command_bad_input_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sitrep.cli import app

    runner = CliRunner()
    db = str(tmp_path / "w.db")
    cases = {
        "no such file": [str(tmp_path / "nope.toml")],
        "--interval must be above 0": ["https://wire.example/rss", "--interval", "0"],
        "timeout is out of range": ["https://wire.example/rss", "--timeout", "0"],
        "a .toml or .opml": [str(Path(__file__))],
    }
    for expected, args in cases.items():
        result = runner.invoke(app, ["watch", *args, "--db", db, "--once"])
        assert result.exit_code == 2, (args, result.output)
        assert expected in result.output and result.output.count("\n") == 1, result.output


def test_killed_watch_resumes_without_fetching_twice(site: Site, tmp_path: Path) -> None:
    paths = [f"/k{n}" for n in range(len(CONFLICT))]
    for n, path in enumerate(paths):
        site.routes[path] = Route(page(f"Report {n}", CONFLICT[n]), delay=0.15)
    items = [(path, path, stamp(0)) for path in paths]
    site.routes["/feed.xml"] = Route(rss(site, items), content_type="application/rss+xml")
    db = tmp_path / "killed.db"
    command = _sitrep(
        "watch", site.url("/feed.xml"), "--db", str(db), "--once", "--rate", "0", "--quiet"
    )
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while sum(site.hits[p] for p in paths) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.kill()  # SIGKILL: no chance to clean up
    process.wait(timeout=10)
    fetched_before = {p: site.hits[p] for p in paths}
    assert 3 <= sum(fetched_before.values()) < len(paths)

    resumed = subprocess.run(
        command, env=_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert resumed.returncode == 0, resumed.stderr
    with Store(db) as store:
        assert store.stats()["reports"] == len(paths)
        assert store.source_stats()["urls"] == {"stored": len(paths)}
        assert store.source_stats()["queued"] == 0
    # At most the page in flight when killed is asked for twice.
    assert sum(site.hits[p] for p in paths) <= len(paths) + 1
    assert "new" in resumed.stderr


def test_sigterm_finishes_the_report_at_hand(site: Site, tmp_path: Path) -> None:
    paths = [f"/t{n}" for n in range(4)]
    for n, path in enumerate(paths):
        site.routes[path] = Route(page(f"Report {n}", CONFLICT[n]), delay=0.3)
    items = [(path, path, stamp(0)) for path in paths]
    site.routes["/feed.xml"] = Route(rss(site, items), content_type="application/rss+xml")
    db = tmp_path / "term.db"
    command = _sitrep(
        "watch", site.url("/feed.xml"), "--db", str(db), "--interval", "3600", "--rate", "0"
    )
    process = subprocess.Popen(
        command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while site.hits[paths[0]] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "stopped" in stderr
    with Store(db) as store:
        states = store.source_stats()
    # The article being fetched was finished and kept; the rest wait for the next run.
    assert states["urls"].get("queued", 0) + states["urls"].get("stored", 0) >= 1
    assert sum(site.hits[p] for p in paths) < len(paths)


def test_filter_off_keeps_everything(site: Site, store: Store, extractor) -> None:
    site.routes["/sport"] = Route(page("Cup final", SPORT))
    site.routes["/feed.xml"] = Route(
        rss(site, [("/sport", "Cup", stamp(0))]), content_type="application/rss+xml"
    )
    summary = watcher(store, extractor, relevance=RelevanceFilter(enabled=False)).run_round(
        [Source(site.url("/feed.xml"))]
    )
    assert (summary.skipped, summary.new) == (0, 1)


def test_api_ingests_a_url_list(site: Site, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from sitrep.api.app import create_app

    token = "a-token-long-enough-for-the-api"
    db = tmp_path / "api.db"
    Store(db).close()
    site.routes["/a"] = Route(page("Report", CONFLICT[0]))
    site.routes["/sport"] = Route(page("Cup final", SPORT))
    urls = [site.url(p) for p in ("/a", "/sport", "/private/x", "/missing")]
    app = create_app(db, ingest_token=token)
    app.state.watch_settings = FAST
    auth = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        assert client.post("/api/ingest", json={"urls": urls}).status_code == 401
        response = client.post("/api/ingest", json={"urls": urls}, headers=auth)
        assert response.status_code == 200, response.text
        out = response.json()
        assert out["received"] == 4 and len(out["report_ids"]) == 1
        assert out["result"]["added"] == 1 and out["result"]["skipped"] == 1
        failed = out["result"]["failed"]
        assert len(failed) == 2 and "robots.txt" in failed[0] and "HTTP 404" in failed[1]
        bad = client.post("/api/ingest", json={"urls": []}, headers=auth)
        assert bad.status_code == 422
    assert site.hits["/private/x"] == 0


def test_atom_feed_entries_and_stamps() -> None:
    from sitrep.ingest.feeds import read_feed

    atom = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Border desk</title><id>urn:x</id><updated>2025-03-02T10:00:00Z</updated>"
        b'<entry><title>Crossing shelled</title><link href="https://desk.example/a"/>'
        b"<id>urn:a</id><updated>2025-03-02T09:00:00Z</updated>"
        b"<published>2025-03-01T22:00:00Z</published></entry>"
        b"<entry><title>No link</title><id>urn:b</id><updated>2025-03-02T08:00:00Z</updated>"
        b"</entry></feed>"
    )
    feed = read_feed(atom, "https://desk.example/atom")
    assert feed.kind == "atom" and feed.title == "Border desk"
    (entry,) = feed.entries  # an entry without a link to fetch is left out
    assert entry.url == "https://desk.example/a" and entry.title == "Crossing shelled"
    assert str(entry.published) == "2025-03-01" and entry.stamp == "2025-03-02T09:00:00Z"
    broken = read_feed(b'<?xml version="1.0"?><feed><entry><title>cut', "https://desk.example/x")
    assert "malformed feed XML" in broken.reason
    page = read_feed(b"<html><body>Hello</body></html>", "https://desk.example/")
    assert "an HTML page, not an RSS or Atom feed" in page.reason
    assert "not an RSS or Atom feed" in read_feed(b"plain words", "https://desk.example/").reason


class BreaksOn:
    """The real extractor, made to fail on reports holding ``marker`` (a parser bug)."""

    def __init__(self, extractor, marker: str) -> None:
        self.extractor = extractor
        self.marker = marker

    def extract(self, reports):
        for report in reports:
            if self.marker in report.text:
                raise ValueError("parser broke\non this page")
            yield from self.extractor.extract([report])


def test_a_report_that_breaks_extraction_is_set_aside(site: Site, store: Store, extractor) -> None:
    for n in range(3):
        site.routes[f"/b{n}"] = Route(page(f"Report {n}", CONFLICT[n]))
    items = [(f"/b{n}", f"Report {n}", stamp(0)) for n in range(3)]
    site.routes["/feed.xml"] = Route(rss(site, items), content_type="application/rss+xml")
    broken = BreaksOn(extractor, "Gunmen ambushed")  # CONFLICT[1]
    lines: list[str] = []
    summary = watcher(store, broken, on_failure=lines.append).run_round(
        [Source(site.url("/feed.xml"))]
    )
    assert (summary.new, summary.failed["extraction"], summary.queued) == (2, 1, 0)
    state = store.url_state(canonical_url(site.url("/b1")))
    assert state.status == "failed" and state.reason.startswith("extraction failed (ValueError")
    assert len(lines) == 1 and "\n" not in lines[0]
    assert store.source_stats()["queued"] == 0  # the queue is not blocked by it
