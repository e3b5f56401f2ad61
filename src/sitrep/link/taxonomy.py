"""The event taxonomy: types, their families and the codebook of ``event_types.toml``."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class EventType:
    """One entry of ``event_types.toml`` (see the schema at the top of that file)."""

    name: str
    label: str
    family: str
    priority: int = 0
    triggers: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    acled_disorder_type: str = ""
    acled_event_type: str = ""
    acled_sub_event_type: str = ""
    civilian_targeting: bool = False
    ucdp_type_of_violence: int = 0
    description: str = ""


@dataclass(frozen=True)
class EventFamily:
    name: str
    window_days: int = 1
    compatible_with: frozenset[str] = frozenset()
    description: str = ""


@dataclass(frozen=True)
class EventTaxonomy:
    """Event types, their families and the codebook tables of ``event_types.toml``."""

    types: Mapping[str, EventType]
    families: Mapping[str, EventFamily]
    codebook: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def family(self, type_name: str) -> EventFamily | None:
        spec = self.types.get(type_name)
        return self.families.get(spec.family) if spec else None

    def relation(self, a: str, b: str) -> str:
        """``same``, ``family``, ``compatible``, ``other`` (either is unknown/other) or
        ``incompatible``."""
        fa, fb = self.family(a), self.family(b)
        if fa is None or fb is None or fa.name == "other" or fb.name == "other":
            return "other"
        if a == b:
            return "same"
        if fa.name == fb.name:
            return "family"
        if fb.name in fa.compatible_with or fa.name in fb.compatible_with:
            return "compatible"
        return "incompatible"

    def cross_type_window(self, a: str, b: str) -> int | None:
        """Days two frames of different related types may be apart (``None``: no limit)."""
        windows = [f.window_days for f in (self.family(a), self.family(b)) if f is not None]
        return min(windows) if windows else None


class TaxonomyError(ValueError):
    """``event_types.toml`` is malformed; the message names the file and the entry."""


def parse_event_types(data: Mapping[str, Any], origin: str = "event_types.toml") -> EventTaxonomy:
    """Build the taxonomy from the parsed TOML tables."""
    families = {
        name: EventFamily(
            name=name,
            window_days=int(spec.get("window_days", 1)),
            compatible_with=frozenset(spec.get("compatible_with", ())),
            description=str(spec.get("description", "")),
        )
        for name, spec in data.get("families", {}).items()
    }
    types: dict[str, EventType] = {}
    for name, spec in data.get("types", {}).items():
        family = spec.get("family")
        if family not in families:
            raise TaxonomyError(f"{origin}: type {name!r} names unknown family {family!r}")
        types[name] = EventType(
            name=name,
            label=str(spec.get("label", name)),
            family=family,
            priority=int(spec.get("priority", 0)),
            triggers=tuple(str(t).lower() for t in spec.get("triggers", ())),
            phrases=tuple(str(p).lower() for p in spec.get("phrases", ())),
            acled_disorder_type=str(spec.get("acled_disorder_type", "")),
            acled_event_type=str(spec.get("acled_event_type", "")),
            acled_sub_event_type=str(spec.get("acled_sub_event_type", "")),
            civilian_targeting=bool(spec.get("civilian_targeting", False)),
            ucdp_type_of_violence=int(spec.get("ucdp_type_of_violence", 0)),
            description=str(spec.get("description", "")),
        )
    codebook = {k: dict(v) for k, v in data.get("codebook", {}).items()}
    return EventTaxonomy(types=types, families=families, codebook=codebook)


def load_event_types(path: Path | None = None) -> EventTaxonomy:
    """Read a taxonomy file (default: the bundled ``data/event_types.toml``)."""
    path = path or Path(str(resources.files("sitrep") / "data" / "event_types.toml"))
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read event types: {exc}") from exc
    return parse_event_types(data, str(path))


@cache
def default_event_types() -> EventTaxonomy:
    """The bundled taxonomy with the user's ``$SITREP_DATA/event_types.toml`` merged in."""
    from sitrep.knowledge import merged_data

    return parse_event_types(merged_data("event_types.toml"))
