"""Pages from the web (a live fetch or an archive record) as Reports.

A fetched page carries what a file does not: the URL it came from, the charset its server
declared and a date (a feed's, or the archive's capture time). The page's own metadata wins
where it has some; these fill the gaps.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from sitrep.ingest.decode import SNIFF_BYTES, binary_reason, declared_charset
from sitrep.ingest.errors import InputProblem
from sitrep.ingest.header import outlet_of_url
from sitrep.ingest.html_page import read_html_report
from sitrep.models import Report

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def media_type(content_type: str | None) -> str:
    """``text/html`` of ``text/html; charset=utf-8``; empty when not given."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_html_type(content_type: str | None) -> bool:
    """True for an HTML media type, or none given (the bytes then decide)."""
    kind = media_type(content_type)
    return not kind or kind in HTML_TYPES


def decode_page(data: bytes, content_type: str | None = None) -> str:
    """Page bytes as text: the server's charset, else the page's ``<meta>``, else UTF-8.

    Web pages are often slightly off their declared charset, so bad bytes become U+FFFD
    instead of losing the page; an unknown charset falls back to UTF-8.
    """
    charset = None
    if content_type and (match := _CHARSET.search(content_type)):
        charset = match.group(1).lower()
    charset = charset or declared_charset(data) or "utf-8"
    try:
        return data.decode(charset, errors="replace").removeprefix("\ufeff")
    except LookupError:
        return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def report_from_page(
    data: bytes,
    url: str,
    *,
    content_type: str | None = None,
    published: date | None = None,
    outlet: str | None = None,
    title: str | None = None,
) -> Report:
    """The Report of a fetched page; InputProblem (one line) when it holds no report.

    ``source`` and ``url`` are the page's URL. ``published``, ``outlet`` and ``title`` (from a
    feed entry or an archive record) are used when the page's metadata lacks them; an outlet
    named by the user's source list wins over the page's site name.
    """
    if not is_html_type(content_type):
        raise InputProblem(f"not an HTML page ({media_type(content_type)})")
    if not data.strip():
        raise InputProblem("empty page")
    if reason := binary_reason(data[:SNIFF_BYTES]):
        raise InputProblem(reason)
    report = read_html_report(decode_page(data, content_type), url)
    return replace(
        report,
        url=url,
        published=report.published or published,
        outlet=outlet or report.outlet or outlet_of_url(url),
        title=report.title or title,
    )
