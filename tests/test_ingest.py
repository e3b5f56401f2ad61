"""Tests for sitrep.ingest: header rules, HTML, JSON Lines, bad input, walking, laziness."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from sitrep.ingest import (
    IngestError,
    count_inputs,
    read_html_report,
    read_reports,
    read_text_report,
)
from sitrep.models import Report

BODY = "Rockets struck two villages near the river crossing overnight, officials said.\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def only(items: object) -> Report | IngestError:
    found = list(items)  # type: ignore[call-overload]
    assert len(found) == 1, found
    return found[0]


def report_of(path: Path, **kwargs: int) -> Report:
    item = only(read_reports([path], **kwargs))
    assert isinstance(item, Report), item
    return item


def error_of(path: Path | str, **kwargs: int) -> IngestError:
    item = only(read_reports([path], **kwargs))
    assert isinstance(item, IngestError), item
    return item


# --- plain text and header lines ---------------------------------------------------------


def test_text_without_header_is_all_body(tmp_path: Path) -> None:
    report = report_of(write(tmp_path, "a.txt", BODY))
    assert report.text == BODY
    assert report.body_start == 0
    assert report.published is None and report.outlet is None and report.title is None
    assert report.source == str(tmp_path / "a.txt")


def test_share_line_is_skipped_and_names_the_outlet(tmp_path: Path) -> None:
    text = "Share this @riverpost.example.com\n" + BODY
    report = report_of(write(tmp_path, "a.txt", text))
    assert report.text == text
    assert report.body_start == len("Share this @riverpost.example.com\n")
    assert report.body == BODY
    assert report.outlet == "riverpost.example.com"
    assert report.published is None


def test_date_line_then_share_lines(tmp_path: Path) -> None:
    head = "date 2024-06-03\nShare on Facebook\n  Follow us @hillgazette\n\n"
    report = report_of(write(tmp_path, "a.txt", head + BODY))
    assert report.published == date(2024, 6, 3)
    assert report.body_start == len(head)
    assert report.text[report.body_start :].startswith("Rockets struck")
    assert report.outlet is None  # a handle without a domain names no outlet


def test_date_line_continuing_with_the_dateline(tmp_path: Path) -> None:
    text = " date 2024-06-03 RIVERTON / HILLSIDE — Shelling hit the market.\n\nMore follows.\n"
    report = report_of(write(tmp_path, "a.txt", text))
    assert report.published == date(2024, 6, 3)
    assert report.body_start == text.index("RIVERTON")
    assert report.body.startswith("RIVERTON / HILLSIDE — Shelling")


def test_date_line_with_colon_time_and_separator(tmp_path: Path) -> None:
    text = "Date: 2024-06-03T08:30:00Z | Shelling hit the market.\n"
    report = report_of(write(tmp_path, "a.txt", text))
    assert report.published == date(2024, 6, 3)
    assert report.body.startswith("Shelling hit")


def test_impossible_date_is_not_a_header(tmp_path: Path) -> None:
    text = "date 2024-13-40 is not a day\n" + BODY
    report = report_of(write(tmp_path, "a.txt", text))
    assert report.published is None
    assert report.body_start == 0


def test_title_outlet_url_fields_in_any_order(tmp_path: Path) -> None:
    head = (
        "URL: https://www.valleytimes.example/news/1\n"
        "Title: Two villages shelled\n"
        "outlet: Valley Times\n"
        "date 2024-06-04\n"
    )
    report = report_of(write(tmp_path, "a.txt", head + BODY))
    assert report.title == "Two villages shelled"
    assert report.outlet == "Valley Times"
    assert report.url == "https://www.valleytimes.example/news/1"
    assert report.published == date(2024, 6, 4)
    assert report.body_start == len(head)


def test_outlet_falls_back_to_the_url_host() -> None:
    report = read_text_report("url: https://www.valleytimes.example/a\n" + BODY, "mem")
    assert report.outlet == "valleytimes.example"
    assert report.body == BODY


def test_markdown_title_line(tmp_path: Path) -> None:
    text = "# Two villages shelled\n\n" + BODY
    report = report_of(write(tmp_path, "a.md", text))
    assert report.title == "Two villages shelled"
    assert report.body == BODY


def test_story_lines_that_resemble_share_lines_are_kept() -> None:
    text = "Share prices fell after the attack on the refinery, traders said.\n"
    assert read_text_report(text, "mem").body_start == 0
    long_line = "Share this: " + "the shelling went on all night " * 5 + "\n"
    assert read_text_report(long_line, "mem").body_start == 0


def test_header_lines_stop_at_the_first_story_line() -> None:
    text = BODY + "Share on Facebook\n"
    report = read_text_report(text, "mem")
    assert report.body_start == 0
    assert report.outlet is None


def test_crlf_line_ends_are_kept_and_offsets_exact(tmp_path: Path) -> None:
    text = "date 2024-06-03\r\nShare this @riverpost.example\r\n" + BODY.replace("\n", "\r\n")
    report = report_of(write(tmp_path, "a.txt", text))
    assert report.text == text
    assert report.body.startswith("Rockets struck")
    assert report.published == date(2024, 6, 3)
    assert report.outlet == "riverpost.example"


def test_utf8_bom_is_dropped_and_offsets_follow(tmp_path: Path) -> None:
    text = "date 2024-06-03\n" + BODY
    report = report_of(write(tmp_path, "a.txt", b"\xef\xbb\xbf" + text.encode()))
    assert report.text == text
    assert report.body_start == len("date 2024-06-03\n")


def test_only_header_lines_is_an_error(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "a.txt", "date 2024-06-03\nShare this @x.example\n"))
    assert error.reason == "no report text after the header lines"


def test_read_text_report_rejects_empty_text() -> None:
    with pytest.raises(ValueError, match="empty"):
        read_text_report(" \n ", "mem")


# --- HTML --------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="{charset}">
<title>Market shelled in river town | Valley Times</title>
<meta property="og:title" content="Market shelled in river town">
<meta property="og:site_name" content="Valley Times">
<meta property="og:url" content="https://www.valleytimes.example/world/market">
<meta name="date" content="2024-06-05">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Market shelled in river town</h1>
<p>Artillery fire struck a crowded market in the river town on Wednesday morning, the
district governor said, leaving at least {killed} people dead and dozens wounded.</p>
<p>Rescue teams were still searching the rubble in the afternoon, according to the
regional health office, which said hospitals had asked for blood donations.</p>
</article>
<footer>All rights reserved, Valley Times</footer>
</body></html>
"""


def test_html_page(tmp_path: Path) -> None:
    report = report_of(write(tmp_path, "page.html", PAGE.format(charset="utf-8", killed="12")))
    assert report.source == str(tmp_path / "page.html")
    assert report.title == "Market shelled in river town"
    assert report.published == date(2024, 6, 5)
    assert report.outlet == "Valley Times"
    assert report.url == "https://www.valleytimes.example/world/market"
    assert "at least 12 people dead" in report.text
    assert "Home" not in report.text and "All rights reserved" not in report.text
    assert report.body.startswith("Artillery fire struck")  # repeated headline skipped
    start = report.text.index("at least 12")
    assert report.text[start : start + 11] == "at least 12"


def test_html_is_sniffed_in_a_file_named_explicitly(tmp_path: Path) -> None:
    path = write(tmp_path, "saved_page.dat", PAGE.format(charset="utf-8", killed="7"))
    report = report_of(path)
    assert report.title == "Market shelled in river town"
    assert "at least 7 people" in report.body


def test_html_in_declared_legacy_charset(tmp_path: Path) -> None:
    page = PAGE.format(charset="iso-8859-1", killed="12").replace("river town", "rivière town")
    report = report_of(write(tmp_path, "page.htm", page.encode("latin-1")))
    assert "rivière" in report.text


def test_html_without_main_text_is_an_error(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "page.html", "<html><body><nav></nav></body></html>"))
    assert "no main text" in error.reason


def test_read_html_report_in_memory() -> None:
    report = read_html_report(PAGE.format(charset="utf-8", killed="3"), "mem.html")
    assert report.source == "mem.html"
    assert report.published == date(2024, 6, 5)
    with pytest.raises(ValueError):
        read_html_report("", "mem.html")


def test_importing_ingest_does_not_import_trafilatura() -> None:
    code = "import sys, sitrep.ingest; print('trafilatura' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# --- JSON Lines --------------------------------------------------------------------------


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_jsonl_good_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "batch.jsonl",
        jsonl(
            {"text": BODY, "url": "https://a.example/1", "title": "T1", "published": "2024-06-01"},
            {"text": "date 2024-06-02\n" + BODY, "outlet": "Hill Gazette"},
            {"text": BODY, "published": "2024-06-03T10:15:00+03:00", "source": "wire-17"},
            {"text": BODY, "id": 42},
        ),
    )
    first, second, third, fourth = read_reports([path])
    assert isinstance(first, Report)
    assert first.source == f"{path}:1"
    assert (first.url, first.title, first.published) == (
        "https://a.example/1",
        "T1",
        date(2024, 6, 1),
    )
    assert isinstance(second, Report)
    assert second.published == date(2024, 6, 2)  # from the header line inside "text"
    assert second.body == BODY and second.outlet == "Hill Gazette"
    assert isinstance(third, Report)
    assert third.source == "wire-17" and third.published == date(2024, 6, 3)
    assert isinstance(fourth, Report) and fourth.source == "42"


def test_record_fields_win_over_header_lines(tmp_path: Path) -> None:
    text = "date 2024-06-02\nShare this @other.example\n" + BODY
    path = write(
        tmp_path, "a.ndjson", jsonl({"text": text, "published": "2024-06-09", "outlet": "X"})
    )
    report = report_of(path)
    assert report.published == date(2024, 6, 9)
    assert report.outlet == "X"
    assert report.body == BODY


def test_jsonl_bad_lines_are_reported_and_reading_goes_on(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "batch.jsonl",
        jsonl(
            {"text": "first " + BODY},
            "{not json",
            "[1, 2]",
            {"title": "no text"},
            {"text": "   "},
            {"text": BODY, "published": "last Tuesday"},
            {"text": BODY, "title": 5},
            "",
            {"text": "last " + BODY},
        ),
    )
    items = list(read_reports([path]))
    assert [type(item).__name__ for item in items] == ["Report"] + ["IngestError"] * 6 + ["Report"]
    errors = items[1:7]
    assert [e.source for e in errors] == [f"{path}:{n}" for n in range(2, 8)]
    assert "not valid JSON" in errors[0].reason
    assert errors[1].reason == "expected a JSON object, got array"
    assert errors[2].reason == errors[3].reason == 'missing or empty "text"'
    assert 'bad "published"' in errors[4].reason and "last Tuesday" in errors[4].reason
    assert errors[5].reason == '"title" must be a string, got number'
    assert items[-1].source == f"{path}:9"  # the blank line 8 still counts
    assert items[-1].text.startswith("last")


def test_jsonl_line_over_the_limit(tmp_path: Path) -> None:
    long_record = json.dumps({"text": "x" * 500})
    path = write(tmp_path, "a.jsonl", jsonl({"text": "short"}, long_record, {"text": "after"}))
    items = list(read_reports([path], max_bytes=200))
    assert isinstance(items[1], IngestError)
    assert (
        items[1].reason == f"line is {len(long_record)} bytes, over the limit of 200 (--max-bytes)"
    )
    assert [r.text for r in items if isinstance(r, Report)] == ["short", "after"]


def test_jsonl_bad_encoding_on_one_line(tmp_path: Path) -> None:
    content = jsonl({"text": "ok"}).encode() + '{"text": "café"}\n'.encode("latin-1")
    content += jsonl({"text": "also ok"}).encode()
    items = list(read_reports([write(tmp_path, "a.jsonl", content)]))
    assert isinstance(items[1], IngestError) and "not valid UTF-8" in items[1].reason
    assert isinstance(items[2], Report)


def test_empty_and_binary_jsonl(tmp_path: Path) -> None:
    assert error_of(write(tmp_path, "a.jsonl", "\n\n")).reason == "empty file"
    assert "binary" in error_of(write(tmp_path, "b.jsonl", b"\x00\x01" * 40)).reason


# --- bad input ---------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    error = error_of(tmp_path / "nope.txt")
    assert error.reason == "no such file or directory"
    assert str(error) == f"{tmp_path / 'nope.txt'}: no such file or directory"


def test_binary_files(tmp_path: Path) -> None:
    assert error_of(write(tmp_path, "a.txt", b"abc\x00def" * 10)).reason == "binary file, not text"
    pdf = error_of(write(tmp_path, "b.txt", b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n"))
    assert pdf.reason == "binary file (PDF), not text"


def test_latin1_file_names_the_likely_encoding(tmp_path: Path) -> None:
    text = "Les tirs ont touché le marché de la ville, a déclaré le préfet.\n"
    error = error_of(write(tmp_path, "a.txt", text.encode("cp1252")))
    assert error.reason.startswith("not valid UTF-8 at byte ")
    assert error.reason.endswith("(looks like Latin-1/cp1252); re-encode as UTF-8")


def test_utf16_file(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "a.txt", BODY.encode("utf-16")))
    assert error.reason == "not valid UTF-8 (looks like UTF-16); re-encode as UTF-8"
    assert "UTF-16" in error_of(write(tmp_path, "b.txt", BODY.encode("utf-16-le"))).reason


def test_non_latin_legacy_encoding_is_not_called_latin1(tmp_path: Path) -> None:
    text = "Обстрел рынка в приречном городе унёс жизни двенадцати человек.\n" * 3
    error = error_of(write(tmp_path, "a.txt", text.encode("cp1251")))
    assert error.reason.startswith("not valid UTF-8")
    assert "Latin-1" not in error.reason


def test_damaged_utf8_file(tmp_path: Path) -> None:
    data = ("Frontière, blessés, réfugiés: " + BODY).encode() + b"\xff tail\n"
    error = error_of(write(tmp_path, "a.txt", data))
    bad_at = data.index(b"\xff")
    assert "mostly UTF-8" in error.reason and f"at byte {bad_at}:" in error.reason


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", "\ufeff \n".encode()])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert error_of(write(tmp_path, "a.txt", content)).reason == "empty file"


def test_oversize_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", BODY * 10)
    size = path.stat().st_size
    error = error_of(path, max_bytes=100)
    assert error.reason == f"file is {size} bytes, over the limit of 100 (--max-bytes)"
    assert isinstance(only(read_reports([path], max_bytes=size)), Report)


def test_unreadable_file_via_open_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = write(tmp_path, "locked.txt", BODY)
    real_open = Path.open

    def guarded_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", guarded_open)
    items = list(read_reports([locked, write(tmp_path, "ok.txt", BODY)]))
    assert isinstance(items[0], IngestError) and items[0].reason == "permission denied"
    assert isinstance(items[1], Report)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_mode(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", BODY)
    path.chmod(0)
    try:
        assert error_of(path).reason == "permission denied"
    finally:
        path.chmod(0o644)


def test_error_string_is_one_line() -> None:
    error = IngestError("a.txt", "first\nsecond")
    assert str(error) == "a.txt: first second"


# --- folders, laziness, counting ---------------------------------------------------------


def make_tree(root: Path) -> None:
    write(root, "b.txt", BODY)
    write(root, "a.md", BODY)
    write(root, "sub/c.jsonl", jsonl({"text": BODY}, {"text": BODY}))
    write(root, "sub/deeper/d.htm", PAGE.format(charset="utf-8", killed="4"))
    write(root, "c.html", PAGE.format(charset="utf-8", killed="5"))
    write(root, "notes.csv", "a,b\n")
    write(root, "image.png", b"\x89PNG\r\n")
    write(root, ".hidden.txt", BODY)
    write(root, ".git/x.txt", BODY)


def test_folder_walk_order_and_selection(tmp_path: Path) -> None:
    make_tree(tmp_path)
    sources = [item.source for item in read_reports([tmp_path])]
    # a.md is documentation beside the reports: walked folders take .txt, HTML and JSONL
    assert sources == [
        str(tmp_path / "b.txt"),
        str(tmp_path / "c.html"),
        f"{tmp_path / 'sub/c.jsonl'}:1",
        f"{tmp_path / 'sub/c.jsonl'}:2",
        str(tmp_path / "sub/deeper/d.htm"),
    ]


def test_paths_mix_files_folders_and_missing(tmp_path: Path) -> None:
    make_tree(tmp_path / "tree")
    odd = write(tmp_path, "notes.csv", BODY)  # named explicitly: read whatever its suffix
    items = list(read_reports([odd, tmp_path / "missing", tmp_path / "tree" / "sub"]))
    assert isinstance(items[0], Report) and items[0].text == BODY
    assert isinstance(items[1], IngestError)
    assert len(items) == 2 + 3
    assert isinstance(only(read_reports(str(odd))), Report)  # one path as a plain string


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", BODY)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [item.source for item in read_reports([tmp_path])] == [str(tmp_path / "a.txt")]


def test_paths_are_consumed_lazily(tmp_path: Path) -> None:
    first = write(tmp_path, "a.txt", BODY)
    consumed: list[Path] = []

    def paths():  # type: ignore[no-untyped-def]
        for path in (first, tmp_path / "b.txt"):
            consumed.append(path)
            yield path

    stream = read_reports(paths())
    assert isinstance(next(stream), Report)
    assert consumed == [first]


def test_files_are_read_only_when_reached(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "first " + BODY)
    later = write(tmp_path, "b.txt", "old " + BODY)
    (tmp_path / "z").mkdir()
    stream = read_reports([tmp_path])
    assert next(stream).text.startswith("first")
    later.write_text("new " + BODY, encoding="utf-8")  # changed after the first yield
    write(tmp_path, "z/late.txt", "late " + BODY)  # added to a folder not yet listed
    rest = list(stream)
    assert [r.text.split()[0] for r in rest] == ["new", "late"]


def test_file_deleted_before_it_is_reached(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", BODY)
    later = write(tmp_path, "b.txt", BODY)
    stream = read_reports([tmp_path])
    next(stream)
    later.unlink()
    error = only(stream)
    assert isinstance(error, IngestError) and error.reason == "no such file or directory"


def test_count_inputs(tmp_path: Path) -> None:
    make_tree(tmp_path / "tree")
    odd = write(tmp_path, "notes.csv", BODY)
    assert count_inputs([tmp_path / "tree"]) == 4
    assert count_inputs([tmp_path / "tree", odd, tmp_path / "missing"]) == 6
    assert count_inputs([]) == 0
