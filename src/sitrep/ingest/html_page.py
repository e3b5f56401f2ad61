"""HTML pages: the main text and metadata via trafilatura (imported on first use)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitrep.ingest.errors import InputProblem
from sitrep.ingest.header import outlet_of_url, parse_header, parse_iso_date
from sitrep.models import Report

if TYPE_CHECKING:
    from trafilatura.settings import Document


def read_html_report(html: str, source: str) -> Report:
    """A Report from an HTML page held in memory.

    ``Report.text`` is the page's main text as trafilatura extracts it (comments left out),
    so for HTML every offset indexes that extracted text, not the markup. Title, date, site
    name (else host) and canonical URL come from the page's metadata; a headline repeated at
    the top of the main text, and share lines, are skipped via ``body_start``. Raises
    ``ValueError`` (one-line message) when the page has no main text.
    """
    if not html.strip():
        raise InputProblem("empty file")
    document = _extract(html)
    text = (document.text or "").strip("\n") if document is not None else ""
    if not text.strip():
        raise InputProblem("no main text found in the HTML page")
    title = (document.title or "").strip() or None
    header = parse_header(text, title=title)
    if not text[header.body_start :].strip():
        raise InputProblem("no report text in the HTML page after its headline")
    url = (document.url or "").strip() or None
    published = parse_iso_date(document.date) if document.date else None
    return Report(
        source=source,
        text=text,
        body_start=header.body_start,
        published=published or header.published,
        outlet=_outlet(document.sitename, document.hostname, url) or header.outlet,
        title=title or header.title,
        url=url or header.url,
    )


def _extract(html: str) -> Document | None:
    import trafilatura  # costly import, kept off the plain-text path

    try:
        return trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as error:  # third-party parser on untrusted markup: report, never crash
        raise InputProblem(f"could not parse the HTML page ({type(error).__name__})") from None


def _outlet(sitename: str | None, hostname: str | None, url: str | None) -> str | None:
    if sitename and sitename.strip():
        return sitename.strip()
    if hostname and hostname.strip():
        return hostname.strip().lower().removeprefix("www.")
    return outlet_of_url(url) if url else None
