"""News outlets and agencies named in a report ("told Reuters", "according to Al Jazeera")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sitrep.knowledge import merged_data


@dataclass(frozen=True)
class Outlet:
    name: str
    aliases: tuple[str, ...]
    country: str | None
    kind: str
    domains: tuple[str, ...]


@lru_cache(maxsize=1)
def default_outlets() -> tuple[Outlet, ...]:
    data = merged_data("outlets.toml")
    return tuple(
        Outlet(
            name=o["name"],
            aliases=tuple(o.get("aliases", ())),
            country=o.get("country"),
            kind=o.get("kind", "online"),
            domains=tuple(o.get("domains", ())),
        )
        for o in data.get("outlet", [])
    )


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    canonical: dict[str, str] = {}
    for outlet in default_outlets():
        for alias in {outlet.name, *outlet.aliases}:
            canonical[alias] = outlet.name
    # Proper names: matched case-sensitively ("Dawn" the paper, not "dawn" the hour).
    # Longest alias first so "Al Jazeera English" wins over "Al Jazeera".
    names = sorted(canonical, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!x)x"), canonical
    pattern = re.compile(r"(?<![\w@.])(" + _trie(names) + r")(?![\w])")
    return pattern, canonical


def _trie(names: list[str]) -> str:
    """An alternation of ``names`` as a tree of their characters: the same matches as
    ``"|".join(names)`` longest first (branches differ in their first character, so at most
    one goes on, and a name may end where a longer one could continue, tried after it),
    without trying every name at every position."""
    tree: dict[str, dict] = {}
    for name in names:
        node = tree
        for ch in name:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + pattern(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


def find_outlets(text: str) -> tuple[str, ...]:
    """Canonical names of the outlets a text mentions, in order of first mention."""
    pattern, canonical = _matcher()
    seen: dict[str, None] = {}
    for m in pattern.finditer(text):
        seen.setdefault(canonical[m.group(1)], None)
    return tuple(seen)


def outlet_by_domain(domain: str) -> Outlet | None:
    domain = domain.lower().removeprefix("www.")
    for outlet in default_outlets():
        if any(domain == d or domain.endswith("." + d) for d in outlet.domains):
            return outlet
    return None


def outlet_named(text: str) -> Outlet | None:
    """The outlet a noun phrase names, when it is mostly the outlet's name ("Al Jazeera News")."""
    pattern, canonical = _matcher()
    m = pattern.search(text)
    if m is None or len(m.group(1)) < 0.5 * len(text.strip()):
        return None
    name = canonical[m.group(1)]
    return next((o for o in default_outlets() if o.name == name), None)
