"""News feeds and sitemaps: what to fetch, as entries; and the user's lists of sources.

RSS and Atom are parsed by feedparser; sitemaps (plain, news and sitemap indexes) and OPML
source lists by lxml with entities and network access off. Every reader turns bad bytes into
an ``InputProblem`` with a one-line reason; ``read_feed`` gives an ``IngestError`` instead.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sitrep.ingest.errors import IngestError, InputProblem
from sitrep.ingest.header import parse_iso_date

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_ENTRIES = 10_000  # a feed or sitemap longer than this is cut (newest usually come first)


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed or sitemap: the article to fetch and what the feed says of it.

    ``stamp`` changes when the feed says the item changed (its update time, else a hash of
    its title and summary), so a repeated item is not fetched again and a changed one is.
    """

    url: str
    title: str | None = None
    published: date | None = None
    stamp: str = ""


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its kind, title, entries and (for a sitemap index) child sitemaps."""

    kind: str  # rss, atom, sitemap, sitemapindex
    title: str | None
    entries: tuple[FeedEntry, ...]
    sitemaps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    """A feed or sitemap to watch, with the outlet name its reports get (None: the page's)."""

    url: str
    outlet: str | None = None


def read_feed(data: bytes, url: str) -> Feed | IngestError:
    """``parse_feed`` with a bad feed as an IngestError (one line) instead of an exception."""
    try:
        return parse_feed(data, url)
    except InputProblem as problem:
        return IngestError(url, str(problem))


def parse_feed(data: bytes, url: str) -> Feed:
    """An RSS/Atom feed or a sitemap from its bytes; InputProblem says why it is neither."""
    if not data.strip():
        raise InputProblem("empty feed")
    root = _xml_root_name(data)
    if root in ("urlset", "sitemapindex"):
        return _parse_sitemap(data, root)
    if root is None:
        raise InputProblem("not XML, so not an RSS or Atom feed, nor a sitemap")
    if root.lower() == "html":
        raise InputProblem("an HTML page, not an RSS or Atom feed, nor a sitemap")
    return _parse_syndication(data, url)


def _xml_root_name(data: bytes) -> str | None:
    """The local name of the document's root element, or None when it is not XML."""
    from lxml import etree

    try:
        for _, element in etree.iterparse(
            io.BytesIO(data[:65536]),
            events=("start",),
            resolve_entities=False,
            no_network=True,
            recover=True,
        ):
            return etree.QName(element).localname
    except (etree.LxmlError, ValueError):
        return None
    return None


def _parse_sitemap(data: bytes, root_name: str) -> Feed:
    root = _parse_xml(data, "sitemap")
    if root_name == "sitemapindex":
        locations = [_text(child, "loc") for child in _children(root, "sitemap")]
        return Feed("sitemapindex", None, (), tuple(u for u in locations if u)[:MAX_ENTRIES])
    entries = []
    for item in _children(root, "url"):
        loc = _text(item, "loc")
        if not loc:
            continue
        lastmod = _text(item, "lastmod")
        news = item.find(f"{{{NEWS_NS}}}news")
        title = published_text = None
        if news is not None:
            title = _text(news, "title", NEWS_NS)
            published_text = _text(news, "publication_date", NEWS_NS)
        when = published_text or lastmod
        stamp = lastmod or published_text or ""
        entries.append(FeedEntry(loc, title, _day(when), stamp))
        if len(entries) >= MAX_ENTRIES:
            break
    return Feed("sitemap", None, tuple(entries))


def _parse_xml(data: bytes, what: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise InputProblem(f"malformed {what} XML ({_one_line(str(error))})") from None
    except (etree.LxmlError, ValueError) as error:
        raise InputProblem(f"unreadable {what} ({_one_line(str(error))})") from None


def _children(root: Any, name: str) -> Iterable[Any]:
    for child in root:
        if isinstance(child.tag, str) and child.tag in (f"{{{SITEMAP_NS}}}{name}", name):
            yield child


def _text(element: Any, name: str, namespace: str = SITEMAP_NS) -> str | None:
    found = element.find(f"{{{namespace}}}{name}")
    if found is None:
        found = element.find(name)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


def _parse_syndication(data: bytes, url: str) -> Feed:
    import feedparser

    try:
        parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url})
    except Exception as error:  # third-party parser on untrusted bytes: report, never crash
        raise InputProblem(f"could not parse the feed ({type(error).__name__})") from None
    version = parsed.get("version") or ""
    if not version:
        if _not_well_formed(parsed.get("bozo_exception")):
            reason = _one_line(str(parsed.get("bozo_exception") or "not well-formed"))
            raise InputProblem(f"malformed feed XML ({reason})")
        raise InputProblem("not an RSS or Atom feed, nor a sitemap")
    entries = []
    for item in parsed.entries[:MAX_ENTRIES]:
        link = _entry_link(item)
        if not link:
            continue
        title = (item.get("title") or "").strip() or None
        # dict.get: plain lookups, without feedparser's deprecated updated->published mapping
        when = dict.get(item, "published_parsed") or dict.get(item, "updated_parsed")
        stamp = dict.get(item, "updated") or dict.get(item, "published") or _digest(title, item)
        entries.append(FeedEntry(link, title, _struct_day(when), str(stamp)))
    if parsed.get("bozo") and not entries and _not_well_formed(parsed.get("bozo_exception")):
        # feedparser recovers what it can from broken XML; with nothing recovered, say why
        reason = _one_line(str(parsed.get("bozo_exception") or "not well-formed"))
        raise InputProblem(f"malformed feed XML ({reason})")
    kind = "atom" if version.startswith("atom") else "rss"
    title = (parsed.feed.get("title") or "").strip() or None
    return Feed(kind, title, tuple(entries))


def _not_well_formed(error: object) -> bool:
    """True for an XML syntax error (not a mere charset override feedparser notes)."""
    from xml.sax import SAXException

    return isinstance(error, SAXException)


def _entry_link(item: Any) -> str | None:
    link = (item.get("link") or "").strip()
    if link.startswith(("http://", "https://")):
        return link
    identifier = (item.get("id") or "").strip()
    return identifier if identifier.startswith(("http://", "https://")) else None


def _digest(title: str | None, item: Any) -> str:
    summary = item.get("summary") or ""
    return hashlib.sha1(f"{title}\x1f{summary}".encode()).hexdigest()[:16]


def _struct_day(value: Any) -> date | None:
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC).date() if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def _day(value: str | None) -> date | None:
    return parse_iso_date(value.replace("Z", "+00:00")) if value else None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:160]


# ---- source lists ----------------------------------------------------------------------------


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def read_sources(values: Iterable[str]) -> list[Source]:
    """The sources named on a command line: URLs as they are, files (TOML/OPML) read.

    Raises InputProblem (one line) for a file that is missing, unreadable or malformed.
    """
    sources: list[Source] = []
    for value in values:
        if is_url(value):
            sources.append(Source(value))
        else:
            sources.extend(read_source_file(Path(value)))
    first: dict[str, Source] = {}
    for source in sources:  # a URL named twice keeps its first place and any outlet given
        known = first.get(source.url)
        if known is None or (known.outlet is None and source.outlet is not None):
            first[source.url] = Source(source.url, source.outlet)
    return list(first.values())


def read_source_file(path: Path) -> list[Source]:
    """Sources of a TOML (``[[source]] url = ..., outlet = ...``) or OPML file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputProblem(
            f"{path}: no such file (a source is a URL or a .toml/.opml file)"
        ) from None
    except OSError as error:
        raise InputProblem(f"{path}: cannot read ({error.strerror or error})") from None
    if path.suffix.lower() == ".toml":
        return _toml_sources(data, path)
    if path.suffix.lower() in (".opml", ".xml") or data.lstrip().startswith(b"<"):
        return _opml_sources(data, path)
    raise InputProblem(f"{path}: a source list must be a .toml or .opml file")


def _toml_sources(data: bytes, path: Path) -> list[Source]:
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputProblem(f"{path}: not valid TOML ({_one_line(str(error))})") from None
    items = table.get("source", [])
    if not isinstance(items, list):
        raise InputProblem(f"{path}: expected [[source]] tables")
    sources = []
    for number, item in enumerate(items, start=1):
        url = item.get("url") if isinstance(item, dict) else None
        if not isinstance(url, str) or not is_url(url.strip()):
            raise InputProblem(f'{path}: source {number} needs url = "http(s)://..."')
        outlet = item.get("outlet")
        if outlet is not None and not isinstance(outlet, str):
            raise InputProblem(f"{path}: source {number}: outlet must be a string")
        sources.append(Source(url.strip(), (outlet or "").strip() or None))
    if not sources:
        raise InputProblem(f"{path}: no [[source]] with a url")
    return sources


def _opml_sources(data: bytes, path: Path) -> list[Source]:
    try:
        root = _parse_xml(data, "OPML")
    except InputProblem as problem:
        raise InputProblem(f"{path}: {problem}") from None
    sources = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if is_url(url):
            outlet = (outline.get("title") or outline.get("text") or "").strip() or None
            sources.append(Source(url, outlet))
    if not sources:
        raise InputProblem(f"{path}: no <outline xmlUrl=...> feed in the OPML file")
    return sources
