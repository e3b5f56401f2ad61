"""Every export format round-trips through its reader with the expected columns and values."""

from __future__ import annotations

import csv
import json
from datetime import date

import pyarrow.parquet as pq
import pytest

from sitrep.export import (
    ACLED_COLUMNS,
    CLAIM_COLUMNS,
    EPISODE_COLUMNS,
    FORMATS,
    UCDP_COLUMNS,
    event_from_dict,
    export,
)
from sitrep.link import build_episode, build_event
from sitrep.models import (
    Actor,
    Claim,
    DateSpan,
    EventFrame,
    Place,
    Quantity,
    SourcedClaim,
)

KUNAR = Place("Kunar", "AFG", "Kunar", 34.9, 71.1, "admin1")
DANGAM = Place("Dangam", "AFG", "Kunar", 34.98, 71.42, "district")
PAK_ARMY = Actor("the Pakistani military", "Military Forces of Pakistan", "PAK", "state_forces")
PAK_TROOPS = Actor("its soldiers", "Military Forces of Pakistan", "PAK", "state_forces")
TALIBAN = Actor("Taliban fighters", "Islamic Emirate of Afghanistan", "AFG", "armed_group")
DAY = date(2025, 10, 11)


def make_claim(report: str, n: int, claimant: Actor, victim: Actor, at: int) -> SourcedClaim:
    claim = Claim(
        report,
        "killed",
        Quantity(n, "exact", n, n, str(n)),
        victim,
        claimant,
        f"{claimant.text} said {n} soldiers were killed, the army said.",
        at,
        at + 60,
        at + 5,
        at + 7,
        frame=0,
    )
    return SourcedClaim(claim, f"reports/{report}.txt", f"Outlet {report}", DAY)


@pytest.fixture
def world():
    claims = [
        make_claim("r1", 23, PAK_ARMY, PAK_TROOPS, 100),
        make_claim("r2", 23, PAK_ARMY, PAK_TROOPS, 40),
        make_claim("r2", 58, TALIBAN, PAK_TROOPS, 300),
    ]
    frames = [
        EventFrame(
            r,
            0,
            "armed_clash",
            "clashed",
            0,
            50,
            date=DateSpan(DAY, DAY),
            places=(KUNAR, DANGAM),
            actors=(PAK_ARMY, TALIBAN),
        )
        for r in ("r1", "r2")
    ]
    event = build_event("e-0123456789ab", frames, claims)
    undated = build_event(
        "e-ba9876543210",
        [EventFrame("r3", 0, "protest", "rallied", 0, 10, places=(Place("Nowhere"),))],
        [],
    )
    rows = []
    for sc in claims:
        d = sc.claim.to_dict()
        d.update(report_id=sc.claim.report_id, source=sc.source, outlet=sc.outlet)
        d.update(published=sc.published.isoformat(), event=event.id)
        rows.append(d)
    return [event, undated], rows


def test_formats_are_listed():
    assert FORMATS == (
        "csv",
        "jsonl",
        "parquet",
        "geojson",
        "ucdp",
        "acled",
        "episodes-csv",
        "episodes-jsonl",
        "episodes-parquet",
    )


@pytest.fixture
def episodes(world):
    events, _ = world
    sourced = [
        make_claim("r1", 23, PAK_ARMY, PAK_TROOPS, 100),
        make_claim("r2", 58, TALIBAN, PAK_TROOPS, 300),
    ]
    story = build_episode("p-0123456789ab", [events[0]], sourced)
    quiet = build_episode("p-ba9876543210", [events[1]], [])
    return [story, quiet.to_dict()]  # objects or their dicts


def test_episodes_csv_one_row_per_figure(tmp_path, episodes):
    out = tmp_path / "episodes.csv"
    assert export("episodes-csv", [], [], out, episodes=episodes) == 2
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == EPISODE_COLUMNS
        rows = list(reader)
    story, quiet = rows
    assert story["episode_id"] == "p-0123456789ab" and story["measure"] == "killed"
    assert (story["low"], story["best"], story["high"]) == ("23", "23", "58")
    assert story["contradiction"] == "True" and story["grade"] == "admitted"
    assert story["victim_country"] == "PAK" and story["n_events"] == "1"
    assert "2025-10-11 PAK 23" in story["history"] and "2025-10-11" in story["history"]
    assert [h["value"] for h in json.loads(story["history_json"])] == [23, 58]
    assert quiet["episode_id"] == "p-ba9876543210" and quiet["measure"] == ""


def test_episodes_jsonl_and_parquet(tmp_path, episodes):
    jsonl = tmp_path / "episodes.jsonl"
    assert export("episodes-jsonl", [], [], jsonl, episodes=episodes) == 2
    first = json.loads(jsonl.read_text(encoding="utf-8").splitlines()[0])
    assert first["best"] == 23 and first["high"] == 58 and first["grade"] == "admitted"
    parquet = tmp_path / "episodes.parquet"
    assert export("episodes-parquet", [], [], parquet, episodes=episodes) == 2
    table = pq.read_table(parquet)
    assert tuple(table.column_names) == EPISODE_COLUMNS
    rows = table.to_pylist()
    assert rows[0]["date_start"] == DAY and rows[0]["contradiction"] is True
    assert rows[0]["low"] == 23 and rows[1]["low"] is None
    empty = tmp_path / "none.parquet"
    assert export("episodes-parquet", [], [], empty) == 0
    assert pq.read_table(empty).num_rows == 0


def test_csv_round_trip(tmp_path, world):
    events, claims = world
    out = tmp_path / "claims.csv"
    assert export("csv", events, iter(claims), out) == 3
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == CLAIM_COLUMNS
    assert [r["value"] for r in rows] == ["23", "23", "58"]
    assert rows[2]["claimant_country"] == "AFG" and rows[2]["victim_country"] == "PAK"
    assert rows[0]["event_id"] == "e-0123456789ab" and rows[0]["outlet"] == "Outlet r1"
    assert rows[0]["published"] == "2025-10-11" and rows[0]["period_start"] == ""
    assert rows[0]["sentence"].endswith("the army said.")


def test_jsonl_round_trip(tmp_path, world):
    events, claims = world
    out = tmp_path / "claims.jsonl"
    assert export("jsonl", events, claims, out) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert list(rows[0]) == list(CLAIM_COLUMNS)
    assert rows[1]["value"] == 23 and rows[1]["high"] == 23 and rows[1]["period_end"] is None
    assert rows[2]["claimant_name"] == "Islamic Emirate of Afghanistan"


def test_parquet_round_trip(tmp_path, world, monkeypatch):
    import sitrep.export as export_module

    monkeypatch.setattr(export_module, "PARQUET_BATCH", 2)  # several record batches
    events, claims = world
    out = tmp_path / "claims.parquet"
    assert export("parquet", events, iter(claims), out) == 3
    table = pq.read_table(out)
    assert tuple(table.column_names) == CLAIM_COLUMNS
    rows = table.to_pylist()
    assert [r["value"] for r in rows] == [23, 23, 58]
    assert rows[0]["published"] == DAY and rows[0]["statistic"] is False
    assert str(table.schema.field("start").type) == "int64"
    empty = tmp_path / "empty.parquet"
    assert export("parquet", [], [], empty) == 0
    assert pq.read_table(empty).num_rows == 0


def test_geojson_round_trip(tmp_path, world):
    events, claims = world
    out = tmp_path / "events.geojson"
    assert export("geojson", iter(events), claims, out) == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    located, unlocated = data["features"]
    assert located["geometry"] == {"type": "Point", "coordinates": [71.42, 34.98]}  # Dangam
    props = located["properties"]
    assert props["type"] == "armed_clash" and props["date_start"] == "2025-10-11"
    assert props["countries"] == ["AFG", "PAK"]
    assert props["sources"] == ["reports/r1.txt", "reports/r2.txt"]
    (figure,) = props["figures"]
    assert (figure["low"], figure["best"], figure["high"]) == (23, 23, 58)
    assert figure["contradiction"] is True
    assert props["summary"] == "killed PAK: 23 (23-58, contested)"
    assert unlocated["geometry"] is None and unlocated["properties"]["date_start"] is None


def test_ucdp_round_trip(tmp_path, world):
    events, claims = world
    out = tmp_path / "ged.csv"
    assert export("ucdp", events, claims, out) == 2
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        clash, protest = list(reader)
    assert tuple(reader.fieldnames or ()) == UCDP_COLUMNS
    assert clash["type_of_violence"] == "1" and clash["year"] == "2025"
    assert clash["side_a"] == "Military Forces of Pakistan"
    assert clash["side_b"] == "Islamic Emirate of Afghanistan"
    assert clash["deaths_a"] == "23" and clash["deaths_b"] == "0"
    assert (clash["low"], clash["best"], clash["high"]) == ("23", "23", "58")
    assert clash["where_description"] == "Dangam" and clash["where_prec"] == "3"
    assert clash["adm_1"] == "Kunar" and clash["country"] == "Afghanistan"
    assert clash["country_id"] == "4" and clash["date_prec"] == "1"
    assert clash["number_of_sources"] == "2" and clash["source_date"] == "2025-10-11"
    assert protest["type_of_violence"] == "" and protest["date_start"] == ""


def test_acled_round_trip(tmp_path, world):
    events, claims = world
    out = tmp_path / "acled.csv"
    assert export("acled", events, claims, out) == 2
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        clash, protest = list(reader)
    assert tuple(reader.fieldnames or ()) == ACLED_COLUMNS
    assert clash["event_id_cnty"] == "AFG0123456789ab"
    assert (clash["event_type"], clash["sub_event_type"]) == ("Battles", "Armed clash")
    assert clash["disorder_type"] == "Political violence"
    assert clash["actor1"] == "Military Forces of Pakistan" and clash["inter1"] == "8"  # abroad
    assert clash["actor2"] == "Islamic Emirate of Afghanistan" and clash["inter2"] == "2"
    assert clash["interaction"] == "28" and clash["fatalities"] == "23"
    assert clash["admin1"] == "Kunar" and clash["location"] == "Dangam"
    assert clash["geo_precision"] == "2" and clash["region"] == "Asia" and clash["iso"] == "4"
    assert clash["time_precision"] == "1" and "Outlet r1" in clash["source"]
    assert clash["notes"].startswith("On 2025-10-11, armed clash in Dangam (2 reports).")
    assert protest["event_type"] == "Protests" and protest["event_date"] == ""


def test_events_as_dicts_export_like_events(tmp_path, world):
    events, _ = world
    assert event_from_dict(events[0].to_dict()).to_dict() == events[0].to_dict()
    from_objects, from_dicts = tmp_path / "a.csv", tmp_path / "b.csv"
    export("acled", events, [], from_objects)
    export("acled", [e.to_dict() for e in events], [], from_dicts)
    assert from_objects.read_text(encoding="utf-8") == from_dicts.read_text(encoding="utf-8")


def test_bad_requests_are_one_line_errors(tmp_path):
    with pytest.raises(ValueError, match="valid formats: csv, jsonl"):
        export("xlsx", [], [], tmp_path / "x")
    with pytest.raises(ValueError, match="cannot write"):
        export("csv", [], [], tmp_path / "missing" / "dir" / "x.csv")
