"""Security headers, the tile-server allowance in the CSP, and bearer-token checks."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_PLACEHOLDER = re.compile(r"\{[a-z]+\}")


class SettingsError(ValueError):
    """A setting (tile URL, token) is unusable; the message says which and why."""


def validate_tile_url(tile_url: str | None) -> str | None:
    """The tile URL template if usable (http(s) with {z}, {x}, {y}), None when unset."""
    if tile_url is None or not tile_url.strip():
        return None
    tile_url = tile_url.strip()
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"tile URL must start with http:// or https://, got {tile_url!r}")
    missing = [p for p in ("{z}", "{x}", "{y}") if p not in tile_url]
    if missing:
        raise SettingsError(f"tile URL lacks {', '.join(missing)}: {tile_url!r}")
    return tile_url


def tile_source(tile_url: str | None) -> str | None:
    """The CSP source expression that allows images from the tile server.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``; a
    placeholder anywhere else in the host cannot be expressed, so the scheme alone is allowed.
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    host = parts.netloc
    if host.startswith("{") and "}." in host:
        host = "*" + host[host.index("}") + 1 :]
    if _PLACEHOLDER.search(host) or "{" in host or "}" in host:
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str | None = None) -> str:
    """A strict policy: only our own scripts and styles, no inline code, no framing."""
    img = ["'self'", "data:"]
    source = tile_source(tile_url)
    if source:
        img.append(source)
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(img),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def security_headers(tile_url: str | None = None) -> dict[str, str]:
    return {
        "content-security-policy": content_security_policy(tile_url),
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "geolocation=(), camera=(), microphone=()",
    }


class SecurityHeadersMiddleware:
    """Pure ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        self.names = {k.lower().encode("latin-1") for k in headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() not in self.names
                ]
                message = {**message, "headers": kept + self.raw_headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, None when absent/malformed."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so timing does not leak how much of a guess was right."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
