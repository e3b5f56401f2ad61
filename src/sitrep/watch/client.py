"""The HTTP client of ``sitrep watch``: polite, bounded, and never raising on a bad answer.

Every request carries the User-Agent, waits its turn in the per-host rate limit, asks
robots.txt first (for every redirect hop), gives up after a timeout, retries timeouts, dropped
connections and 5xx/429 answers with exponential backoff, follows redirects itself (so a loop
is named as one) and stops reading past the size cap. Failures come back as ``FetchFailure``
with a short ``kind`` (for the summary) and a one-line ``reason`` (for the store).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from sitrep import __version__
from sitrep.watch.ratelimit import HostRateLimiter
from sitrep.watch.robots import RobotsCache

REDIRECTS = frozenset({301, 302, 303, 307, 308})
TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")


@dataclass(frozen=True)
class WatchSettings:
    """How politely and how patiently sources are fetched (all tunable from the CLI)."""

    user_agent: str = f"sitrep/{__version__} (conflict news monitor; honours robots.txt)"
    timeout: float = 15.0  # seconds per connect/read; a whole download gets four times this
    retries: int = 2  # extra attempts after a timeout, a dropped connection or a 5xx answer
    backoff: float = 2.0  # seconds before the first retry, doubled for each next one
    rate: float = 1.0  # least seconds between two requests to one host
    max_bytes: int = 5_000_000  # size cap of a page or feed
    max_redirects: int = 5
    max_attempts: int = 3  # rounds in which a transient article failure is tried again

    def __post_init__(self) -> None:
        checks = {
            "timeout": self.timeout > 0,
            "retries": self.retries >= 0,
            "backoff": self.backoff >= 0,
            "rate": self.rate >= 0,
            "max_bytes": self.max_bytes > 0,
            "max_redirects": self.max_redirects >= 0,
            "max_attempts": self.max_attempts >= 1,
        }
        for name, good in checks.items():
            if not good:
                raise ValueError(f"watch setting {name} is out of range: {getattr(self, name)}")
        if not self.user_agent.strip() or "\n" in self.user_agent:
            raise ValueError("the User-Agent must be one non-empty line")


@dataclass(frozen=True)
class Fetched:
    """A good answer: 200 with its body, or 304 (not modified) with none."""

    url: str  # after redirects
    status: int
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchFailure:
    """Why a URL could not be fetched: ``kind`` groups failures, ``reason`` is one line."""

    url: str
    kind: str
    reason: str
    transient: bool = False

    def __str__(self) -> str:
        return f"{self.url}: {self.reason}"


def canonical_url(url: str) -> str:
    """The form a URL is remembered by: normalised (courlan), without fragment or tracking
    parameters, so the same article met through two feeds is fetched once."""
    from courlan import normalize_url

    url = url.strip()
    try:
        parts = urlsplit(normalize_url(url))
    except (ValueError, AttributeError, TypeError):
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PARAMS)
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


class HttpClient:
    """Fetches URLs under ``WatchSettings``; ``clock``/``sleep`` are replaceable in tests."""

    def __init__(
        self,
        settings: WatchSettings | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or WatchSettings()
        self.sleep = sleep
        self.clock = clock
        self.limiter = HostRateLimiter(self.settings.rate, clock=clock, sleep=sleep)
        self.robots = RobotsCache(self._fetch_robots, self.settings.user_agent)
        timeout = httpx.Timeout(self.settings.timeout)
        self._http = httpx.Client(
            headers={"User-Agent": self.settings.user_agent},
            timeout=timeout,
            follow_redirects=False,
        )
        self.requests = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched | FetchFailure:
        """GET ``url`` (conditionally when validators are given), following redirects."""
        return self._get(url, etag=etag, last_modified=last_modified, check_robots=True)

    def _fetch_robots(self, url: str) -> Fetched | FetchFailure:
        return self._get(url, etag=None, last_modified=None, check_robots=False)

    def _get(
        self, url: str, *, etag: str | None, last_modified: str | None, check_robots: bool
    ) -> Fetched | FetchFailure:
        seen = [url]
        current = url
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(self.settings.max_redirects + 1):
            problem = _url_problem(current)
            if problem:
                return FetchFailure(current, "bad url", problem)
            if check_robots and (refusal := self.robots.why_not(current)):
                return FetchFailure(current, "robots.txt", refusal)
            answer = self._attempts(current, headers, check_robots)
            if not isinstance(answer, str):
                return answer
            target = urljoin(current, answer)
            if target in seen:
                hops = len(seen)
                return FetchFailure(url, "redirect loop", f"redirect loop after {hops} hop(s)")
            seen.append(target)
            current = target
        limit = self.settings.max_redirects
        return FetchFailure(url, "too many redirects", f"more than {limit} redirects")

    def _attempts(
        self, url: str, headers: dict[str, str], polite: bool
    ) -> Fetched | FetchFailure | str:
        """One URL with retries; a redirect comes back as its Location (a str)."""
        settings = self.settings
        failure: FetchFailure | None = None
        for attempt in range(settings.retries + 1):
            if attempt:
                self.sleep(settings.backoff * 2 ** (attempt - 1))
            host = urlsplit(url).netloc.lower()
            delay = self.robots.crawl_delay(url) if polite else None
            self.limiter.wait(host, delay)
            answer = self._once(url, headers)
            if not isinstance(answer, FetchFailure) or not answer.transient:
                return answer
            failure = answer
        assert failure is not None
        tries = settings.retries + 1
        return FetchFailure(failure.url, failure.kind, f"{failure.reason} ({tries} tries)", True)

    def _once(self, url: str, headers: dict[str, str]) -> Fetched | FetchFailure | str:
        settings = self.settings
        self.requests += 1
        started = self.clock()
        try:
            with self._http.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        return FetchFailure(
                            url, f"http {status}", f"HTTP {status} without Location"
                        )
                    return location
                if status == 304:
                    return Fetched(url, 304, etag=response.headers.get("etag"))
                if status >= 500 or status == 429:
                    return FetchFailure(url, f"http {status}", f"HTTP {status}", transient=True)
                if status != 200:
                    return FetchFailure(url, f"http {status}", f"HTTP {status}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > settings.max_bytes:
                    return _oversize(url, settings.max_bytes)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > settings.max_bytes:
                        return _oversize(url, settings.max_bytes)
                    if self.clock() - started > 4 * settings.timeout:
                        reason = f"download took over {4 * settings.timeout:g}s"
                        return FetchFailure(url, "timeout", reason, transient=True)
                    chunks.append(chunk)
                return Fetched(
                    url,
                    200,
                    b"".join(chunks),
                    response.headers.get("content-type"),
                    response.headers.get("etag"),
                    response.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            reason = f"timed out after {settings.timeout:g}s"
            return FetchFailure(url, "timeout", reason, transient=True)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
            return FetchFailure(url, "bad url", _one_line(error))
        except httpx.DecodingError as error:
            return FetchFailure(url, "bad encoding", f"undecodable body ({_one_line(error)})")
        except httpx.TransportError as error:
            reason = f"connection failed ({type(error).__name__}: {_one_line(error)})"
            return FetchFailure(url, "connection", reason, transient=True)


def _oversize(url: str, cap: int) -> FetchFailure:
    return FetchFailure(url, "size cap", f"over the size cap of {cap} bytes")


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"not a valid URL ({error})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    return None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:160] or type(error).__name__
