"""Header lines at the top of a report: date line, title/outlet/url fields, share lines.

Header handling never changes the text: it only finds ``body_start`` (where the story
begins) and the facts the header states, so every offset still points into the text as read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

from sitrep.ingest.errors import InputProblem
from sitrep.models import Report

BOM = "\ufeff"
MAX_BOILERPLATE_LINE = 120  # longer lines are story text, whatever they start with

_DATE_LINE = re.compile(
    r"date\b[ \t]*:?[ \t]*(\d{4}-\d{2}-\d{2})"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # an optional time
    r"(?![\w-])",
    re.IGNORECASE,
)
_AFTER_DATE = re.compile(r"[\s|:\u2013\u2014-]*")  # spaces and separators between date and story
_FIELD_LINE = re.compile(r"(title|outlet|url)[ \t]*:[ \t]*(\S.*)", re.IGNORECASE)
_MARKDOWN_TITLE = re.compile(r"#[ \t]+(\S.*?)[ \t#]*$")
_AT_DOMAIN = re.compile(r"@((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})(?![\w.-])", re.I)
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    """What the header lines of a text say, and where its body starts."""

    body_start: int = 0
    published: date | None = None
    outlet: str | None = None
    title: str | None = None
    url: str | None = None


@lru_cache(maxsize=1)
def boilerplate_patterns() -> tuple[re.Pattern[str], ...]:
    """The share/follow line patterns of ``sitrep/data/boilerplate.txt``."""
    text = resources.files("sitrep").joinpath("data/boilerplate.txt").read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(re.compile(line, re.IGNORECASE) for line in lines if line and line[0] != "#")


def parse_iso_date(value: str) -> date | None:
    """An ISO date or datetime string as a date; None when it is neither."""
    value = value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def outlet_of_url(url: str) -> str | None:
    """The host of ``url`` without ``www.``, lower-cased: how sitrep names an outlet's site."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return _bare_domain(host) if host and "." in host else None


def _bare_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def _outlet_in_line(line: str) -> str | None:
    if match := _AT_DOMAIN.search(line):
        return _bare_domain(match.group(1))
    if match := _URL.search(line):
        return outlet_of_url(match.group(0))
    return None


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def parse_header(text: str, *, title: str | None = None) -> Header:
    """Read the header lines at the top of ``text``.

    Header lines, in any order and mixed with blank lines: one ``date YYYY-MM-DD`` line (the
    story may continue on the same line), ``title:``/``outlet:``/``url:`` fields, a Markdown
    ``# Title`` line, a line equal to ``title`` (a page headline repeated in its main text),
    and short share/follow lines matching ``data/boilerplate.txt``. The body starts at the
    first non-space character of the first other line; with no header lines it starts at 0.
    """
    fields: dict[str, str] = {}
    published: date | None = None
    share_outlet: str | None = None
    title_line_seen = False
    consumed = False
    pos, size = 0, len(text)
    while pos < size:
        end = text.find("\n", pos)
        end = size if end < 0 else end
        line = text[pos:end]
        content = line.strip()
        start = pos + len(line) - len(line.lstrip())
        pos = end + 1
        if not content:
            continue
        if published is None and (match := _DATE_LINE.match(content)):
            published = parse_iso_date(match.group(1))
            if published is not None:
                consumed = True
                after_date = _AFTER_DATE.match(text, start + match.end(), end)
                body = after_date.end() if after_date else end
                if text[body:end].strip():
                    return _header(body, published, fields, share_outlet)
                continue
        if (match := _FIELD_LINE.match(content)) and match.group(1).lower() not in fields:
            fields[match.group(1).lower()] = match.group(2).strip()
        elif title is not None and not title_line_seen and _same_text(content, title):
            title_line_seen = True
        elif "title" not in fields and (match := _MARKDOWN_TITLE.match(content)):
            fields["title"] = match.group(1)
        elif len(content) <= MAX_BOILERPLATE_LINE and any(
            pattern.match(content) for pattern in boilerplate_patterns()
        ):
            share_outlet = share_outlet or _outlet_in_line(content)
        else:
            return _header(start if consumed else 0, published, fields, share_outlet)
        consumed = True
    return _header(size if consumed else 0, published, fields, share_outlet)


def _header(
    body_start: int, published: date | None, fields: dict[str, str], share_outlet: str | None
) -> Header:
    url = fields.get("url")
    outlet = fields.get("outlet") or share_outlet or (outlet_of_url(url) if url else None)
    return Header(body_start, published, outlet, fields.get("title"), url)


def read_text_report(text: str, source: str) -> Report:
    """A Report from plain text held in memory; header lines set ``body_start`` and metadata.

    A leading byte-order mark is dropped, so offsets index the text after it. Raises
    ``ValueError`` (one-line message) when there is no story text.
    """
    text = text.removeprefix(BOM)
    if not text.strip():
        raise InputProblem("empty text")
    header = parse_header(text)
    if not text[header.body_start :].strip():
        raise InputProblem("no report text after the header lines")
    return Report(
        source=source,
        text=text,
        body_start=header.body_start,
        published=header.published,
        outlet=header.outlet,
        title=header.title,
        url=header.url,
    )
