"""Web archives: WARC files written here with warcio, whole and damaged."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sitrep.ingest import IngestError, count_inputs, read_reports
from sitrep.models import Report

PAGES = [
    (
        "http://daily.example/world/market-shelled",
        "Market shelled",
        "Artillery fire hit the central market of the river town on Tuesday morning. The"
        " provincial governor said seven civilians were killed and nineteen wounded.",
    ),
    (
        "http://daily.example/world/convoy",
        "Convoy ambushed",
        "Insurgents ambushed a supply convoy on the mountain road, killing four soldiers, the"
        " army said on Wednesday. Two trucks were burned.",
    ),
    (
        "http://daily.example/world/drone",
        "Drone strike",
        "A drone strike on a farmhouse killed three men late on Thursday, local officials said."
        " The militia they belonged to vowed revenge.",
    ),
]


def html(title: str, text: str, day: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{day}">' if day else ""
    return (
        f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
        f"<p>{text}</p></article></body></html>"
    ).encode()


def response(
    writer: WARCWriter,
    url: str,
    body: bytes,
    content_type: str = "text/html",
    status: str = "200 OK",
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-06-02T09:30:00Z"},
    )
    writer.write_record(record)


def write_warc(path: Path, *, gzip: bool, extra: bool = True) -> list[int]:
    """Three HTML pages among other records; returns each record's start offset."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzip)
    offsets = []
    for n, (url, title, text) in enumerate(PAGES):
        if extra:
            offsets.append(buffer.tell())
            writer.write_record(
                writer.create_warc_record(
                    url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
                )
            )
            offsets.append(buffer.tell())
            response(writer, url + ".png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
            offsets.append(buffer.tell())
            response(writer, url + "/old", b"", status="404 Not Found")
        offsets.append(buffer.tell())
        response(writer, url, html(title, text, "2024-06-01" if n == 0 else None))
    path.write_bytes(buffer.getvalue())
    return offsets


def items(path: Path) -> list[Report | IngestError]:
    return list(read_reports([path]))


@pytest.mark.parametrize("gzip", [False, True])
def test_html_records_become_reports(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    write_warc(path, gzip=gzip)
    found = items(path)
    assert all(isinstance(item, Report) for item in found)  # image, 404, request: passed over
    assert [r.url for r in found] == [url for url, _, _ in PAGES]
    assert [r.source for r in found] == [url for url, _, _ in PAGES]
    assert found[0].published == date(2024, 6, 1)  # the page's own date
    assert found[1].published == date(2024, 6, 2)  # else the capture date
    assert "seven civilians were killed" in found[0].body
    assert found[1].outlet == "daily.example"


def test_truncated_last_record_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    write_warc(path, gzip=True, extra=False)
    path.write_bytes(path.read_bytes()[:-30])
    found = items(path)
    assert [type(item).__name__ for item in found] == ["Report", "Report", "IngestError"]
    assert "truncated" in str(found[2]) and str(found[2]).count("\n") == 0


def test_broken_gzip_member_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    offsets = write_warc(path, gzip=True, extra=False)
    data = bytearray(path.read_bytes())
    middle = (offsets[1] + offsets[2]) // 2
    data[middle : middle + 16] = b"\xff" * 16  # damage the second record's compressed bytes
    path.write_bytes(bytes(data))
    found = items(path)
    reports = [item for item in found if isinstance(item, Report)]
    errors = [item for item in found if isinstance(item, IngestError)]
    assert [r.url for r in reports] == [PAGES[0][0], PAGES[2][0]]
    assert len(errors) == 1 and "bad WARC record" in errors[0].reason


def test_damaged_plain_record_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "damaged.warc"
    offsets = write_warc(path, gzip=False, extra=False)
    data = path.read_bytes()
    # Cut the second record inside its WARC headers: the third must still be read.
    damaged = data[: offsets[1] + 40] + b"\r\n\r\n" + data[offsets[2] :]
    path.write_bytes(damaged)
    found = items(path)
    assert [r.url for r in found if isinstance(r, Report)] == [PAGES[0][0], PAGES[2][0]]
    assert sum(isinstance(item, IngestError) for item in found) == 1


def test_not_a_warc_and_oversized_records(tmp_path: Path) -> None:
    fake = tmp_path / "notes.warc"
    fake.write_text("shopping list\n")
    assert [e.reason for e in items(fake)] == ["not a WARC file (no WARC/1.x record at the start)"]
    path = tmp_path / "crawl.warc"
    write_warc(path, gzip=False, extra=False)
    found = list(read_reports([path], max_bytes=100))
    assert all("over 100 bytes" in e.reason for e in found) and len(found) == 3


def test_folders_take_warc_files(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    write_warc(folder / "a.warc.gz", gzip=True)
    (folder / "skip.gz").write_bytes(b"\x1f\x8b")
    assert count_inputs([folder]) == 1
    assert len(items(folder)) == 3


def test_ingest_command_reads_archives_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    url, title, text = PAGES[0]
    response(writer, url, html(title, text))
    sport = "The visitors won the league match two goals to nil with a late header."
    response(writer, "http://daily.example/sport/match", html("Match report", sport))
    path.write_bytes(buffer.getvalue() + b"\x1f\x8b\x08garbage")
    db = tmp_path / "w.db"
    command = [sys.executable, "-c", "from sitrep.cli import app; app()", "ingest", str(path)]
    result = subprocess.run(
        [*command, "--db", str(db), "--quiet"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1  # the broken tail is reported
    assert (
        "1 added" in result.stderr
        and "1 report(s) skipped by the relevance filter" in result.stderr
    )
    assert result.stderr.count("bad WARC record") == 1
    unfiltered = subprocess.run(
        [*command, "--db", str(db), "--quiet", "--no-filter"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "1 added, 1 unchanged" in unfiltered.stderr
