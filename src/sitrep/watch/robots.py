"""robots.txt, fetched once per site and read by the standard library's parser.

As RFC 9309 says: a robots.txt that is missing (4xx) allows everything; one that cannot be
reached (5xx, timeout, no connection) disallows everything until it can be read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

if TYPE_CHECKING:
    from sitrep.watch.client import Fetched, FetchFailure


class RobotsCache:
    """Answers "may this URL be fetched?" per site; ``fetch`` gets a robots.txt URL."""

    def __init__(self, fetch: Callable[[str], Fetched | FetchFailure], user_agent: str) -> None:
        self.fetch = fetch
        self.agent = user_agent.split("/", 1)[0].strip() or "*"
        self._sites: dict[str, RobotFileParser] = {}
        self.unreachable: dict[str, str] = {}  # site -> why its robots.txt could not be read

    def _parser(self, url: str) -> RobotFileParser:
        site = _site(url)
        parser = self._sites.get(site)
        if parser is None:
            parser = self._read(site)
            self._sites[site] = parser
        return parser

    def _read(self, site: str) -> RobotFileParser:
        from sitrep.watch.client import FetchFailure  # the client module imports this one

        robots_url = f"{site}/robots.txt"
        parser = RobotFileParser(robots_url)
        answer = self.fetch(robots_url)
        if isinstance(answer, FetchFailure):
            if answer.kind.startswith("http 4"):  # no robots.txt: everything is allowed
                parser.allow_all = True
            else:  # unreachable: 5xx, timeout, connection failure (RFC 9309 2.3.1.4)
                parser.disallow_all = True
                self.unreachable[site] = answer.reason
        else:
            parser.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        parser.modified()
        return parser

    def why_not(self, url: str) -> str | None:
        """None when the site's robots.txt lets this client fetch ``url``, else why not."""
        if self._parser(url).can_fetch(self.agent, url):
            return None
        if reason := self.unreachable.get(_site(url)):
            return f"robots.txt unreachable ({reason}), so nothing may be fetched"
        return "disallowed by the site's robots.txt"

    def allowed(self, url: str) -> bool:
        """True when the site's robots.txt lets this client fetch ``url``."""
        return self.why_not(url) is None

    def crawl_delay(self, url: str) -> float | None:
        """The site's Crawl-delay for this client, if it sets one."""
        delay = self._parser(url).crawl_delay(self.agent)
        return float(delay) if delay is not None else None


def _site(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "", "", "")).lower()
