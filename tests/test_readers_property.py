"""Property tests of every reader: any bytes give reports or one-line errors, never raise.

Text, HTML, JSON Lines, WARC (plain and gzip) files and feeds get random bytes, bytes built
from the pieces their formats are made of, and damaged copies of good files. A report that
comes out is whole (text, a body after its header), and ingesting the stream stores exactly
the reports that came out: never a partial one.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitrep.ingest import IngestError, read_reports
from sitrep.ingest.feeds import Feed, read_feed
from sitrep.models import Report

EXAMPLES = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

PIECES = [
    b"date 2024-05-01\n",
    b"title: Clash at the ford\n",
    b"# Heading\n",
    b"Share on X\n",
    b"\xef\xbb\xbf",
    b"<html><body><p>",
    b"</p></body></html>",
    b"<!doctype html>",
    b'<meta charset="latin-1">',
    b'{"text": "Two soldiers were killed.", "published": "2024-01-02"}\n',
    b'{"text": 5}\n',
    b"[1, 2]\n",
    b"\n",
    b"\r\n",
    b"Three civilians were killed in the shelling, officials said. ",
    b"\x00",
    b"\xff\xfe",
    b"\xe9t\xe9 ",
    b"%PDF-1.4",
    b'<?xml version="1.0"?>',
    b'<rss version="2.0"><channel><item><link>http://a.example/1</link>',
    b"</item></channel></rss>",
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://b.example/',
    b"</loc></url></urlset>",
    b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;",
    b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://c.example/"/>',
]
built = st.lists(st.sampled_from(PIECES) | st.binary(max_size=40), max_size=12).map(b"".join)
any_bytes = st.binary(max_size=3000) | built


def check_items(items: list[Report | IngestError]) -> None:
    for item in items:
        if isinstance(item, IngestError):
            assert item.reason and "\n" not in str(item)
        else:
            assert isinstance(item, Report)
            assert item.text.strip() and 0 <= item.body_start <= len(item.text)
            assert item.body.strip()


def read_file(name: str, data: bytes) -> list[Report | IngestError]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(read_reports([path], max_bytes=100_000))


@EXAMPLES
@given(any_bytes)
def test_text_reader(data: bytes) -> None:
    check_items(read_file("report.txt", data))


@EXAMPLES
@given(any_bytes)
def test_html_reader(data: bytes) -> None:
    check_items(read_file("page.html", data))


@EXAMPLES
@given(any_bytes)
def test_jsonl_reader(data: bytes) -> None:
    items = read_file("reports.jsonl", data)
    check_items(items)
    assert items  # an empty file is an error too, never silence


@EXAMPLES
@given(any_bytes)
def test_feed_reader(data: bytes) -> None:
    feed = read_feed(data, "http://feeds.example/rss")
    if isinstance(feed, IngestError):
        assert feed.reason and "\n" not in str(feed)
    else:
        assert isinstance(feed, Feed)
        assert all(entry.url.startswith(("http://", "https://")) for entry in feed.entries)


def good_warc(gzip: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    for n, text in enumerate(
        ["Four people were killed when a shell hit the square.", "The match ended in a draw."]
    ):
        body = f"<html><head><title>Page {n}</title></head><body><p>{text}</p></body></html>"
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"http://archive.example/{n}",
            "response",
            payload=io.BytesIO(body.encode()),
            http_headers=headers,
        )
        writer.write_record(record)
    return buffer.getvalue()


GOOD_WARCS = {False: good_warc(False), True: good_warc(True)}


@st.composite
def damaged_warc(draw: st.DrawFn) -> tuple[bool, bytes]:
    gzip = draw(st.booleans())
    data = bytearray(GOOD_WARCS[gzip])
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        if kind == "cut":
            del data[at:]
        elif kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=20))
        else:
            del data[at : at + draw(st.integers(1, 50))]
    return gzip, bytes(data)


@EXAMPLES
@given(damaged_warc() | st.tuples(st.booleans(), any_bytes))
def test_warc_reader(case: tuple[bool, bytes]) -> None:
    gzip, data = case
    items = read_file("crawl.warc.gz" if gzip else "crawl.warc", data)
    check_items(items)


@settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.sampled_from(["a.txt", "b.html", "c.jsonl", "d.warc"]),
    built | damaged_warc().map(lambda c: c[1]),
)
def test_only_whole_reports_are_stored(extractor, name: str, data: bytes) -> None:
    from sitrep.process import IngestSummary, ingest_reports, split_errors
    from sitrep.store import Store

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        read = [item for item in read_reports([path]) if isinstance(item, Report)]
        summary = IngestSummary()
        with Store(Path(folder) / "s.db") as store:
            reports = split_errors(read_reports([path]), summary)
            ingest_reports(store, reports, extractor=extractor, summary=summary)
            expected = {report.id: report for report in read}
            assert store.stats()["reports"] == len(expected)
            for report_id, report in expected.items():
                stored = store.report(report_id)
                assert stored is not None and stored["text"] == report.text
                assert stored["body_start"] == report.body_start
