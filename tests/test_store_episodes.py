"""Episodes in the store: migration from a v3 store, toll fields, round trips, the writer."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from sitrep.link import build_episode, build_event
from sitrep.models import (
    Actor,
    Claim,
    DateSpan,
    EventFrame,
    Extraction,
    Place,
    Quantity,
    Report,
)
from sitrep.process import ReportWriter, StoredEpisodes
from sitrep.store import MIGRATIONS, Store

JULY = date(2025, 7, 24)
SURIN = Place("Surin", "THA", "Surin", 14.88, 103.49, "admin1")
ARMY = Actor("the Thai army", "Royal Thai Army", "THA", "state_forces")
KHM_MOD = Actor("Cambodia's defence ministry", "Ministry of National Defence", "KHM", "government")
CIVILIANS = Actor("civilians", None, "THA", "civilians")


def border_report(n: int, killed: int, *, toll: str | None = None, days: int = 0) -> Extraction:
    """A report of the border fighting ``days`` after the first day, with one toll claim."""
    when = JULY + timedelta(days=days)
    sentence = f"The Thai army said {killed} civilians had been killed near Surin so far."
    text = f"date {when.isoformat()}\nReport {n}. Shelling hit villages in Surin. {sentence}\n"
    report = Report(f"border-{n}.txt", text, body_start=16, published=when, outlet=f"Outlet {n}")
    start = text.index(sentence)
    q_start = text.index(str(killed), start)
    claim = Claim(
        report_id=report.id,
        measure="killed",
        quantity=Quantity(killed, "exact", killed, killed, str(killed)),
        victim=CIVILIANS,
        claimant=ARMY,
        sentence=sentence,
        start=start,
        end=start + len(sentence),
        quantity_start=q_start,
        quantity_end=q_start + len(str(killed)),
        frame=0,
        toll=toll,
        part_of=q_start if toll else None,
        as_of=when if toll else None,
    )
    first = text.index("Shelling")
    frame = EventFrame(
        report_id=report.id,
        key=0,
        type="shelling",
        trigger="Shelling",
        start=first,
        end=first + 32,
        date=DateSpan(when, when, "day", "today"),
        places=(SURIN,),
        actors=(ARMY, KHM_MOD),
        claim_ids=(claim.id,),
        published=when,
        terms=("shelling", "surin", "village", "border", f"n{n}"),
    )
    return Extraction(report, (claim,), (), (), (frame,), (), "test-1")


def test_a_v3_store_migrates_and_keeps_its_claims(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    plain = border_report(1, 9)
    with Store(db, migrations=MIGRATIONS[:3]) as old:
        assert old.schema_version == 3
        assert old.add_extraction(plain)  # an old store takes claims without toll fields
    with Store(db) as store:
        assert store.schema_version == MIGRATIONS[-1].version
        tables = {r[0] for r in store._conn.execute("SELECT name FROM sqlite_master")}
        assert {"episodes", "episode_events", "episode_countries", "episode_types"} <= tables
        item = store.claims()["items"][0]
        assert (item["value"], item["toll"], item["part_of"], item["as_of"]) == (
            9,
            None,
            None,
            None,
        )
        assert store.add_extraction(border_report(2, 12, toll="cumulative", days=1))
        tolls = {c["value"]: (c["toll"], c["part_of"], c["as_of"]) for c in store.claims()["items"]}
        assert tolls[12][0] == "cumulative"
        assert tolls[12][1] is not None and tolls[12][2] == (JULY + timedelta(days=1)).isoformat()


def test_episodes_round_trip_and_list(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        events = []
        for n, killed in ((1, 9), (2, 12)):
            extraction = border_report(n, killed, toll="cumulative", days=n - 1)
            store.add_extraction(extraction)
            frame = extraction.frames[0]
            event_id = f"e-{n}"
            store.assign_frames([(frame.id, event_id)])
            event = build_event(event_id, [frame], store.event_claims(event_id))
            store.save_events([event])
            events.append(event)
        store.assign_episode("p-1", ["e-1", "e-2"])
        claims = store.episode_claims("p-1")
        assert sorted(c.claim.quantity.value for c in claims) == [9, 12]
        assert {c.claim.toll for c in claims} == {"cumulative"}
        episode = build_episode("p-1", events, claims)
        store.save_episodes([episode])
        store.save_episodes([episode])  # saving it again changes nothing

        page = store.episodes()
        assert page["total"] == 1
        item = page["items"][0]
        assert item["id"] == "p-1" and item["n_events"] == 2 and item["n_reports"] == 2
        assert (item["date_start"], item["date_end"]) == ("2025-07-24", "2025-07-25")
        assert item["types"] == ["shelling"] and "THA" in item["countries"]
        assert item["tolls"] == [
            {
                "measure": "killed",
                "victim_country": "THA",
                "victim_side": "THA",
                "low": 9,
                "best": 12,
                "high": 12,
                "grade": "admitted",
            }
        ]
        assert store.episodes(country="KHM")["total"] == 1
        assert store.episodes(country="PAK")["total"] == 0
        assert store.episodes(type="air_strike")["total"] == 0
        assert store.episodes(date_from="2025-07-26")["total"] == 0
        assert store.episodes(actor="thai army")["total"] == 1
        assert store.episodes(q="villages")["total"] == 1

        detail = store.episode("p-1")
        assert detail is not None
        assert [h["value"] for h in detail["figures"][0]["history"]] == [9, 12]
        assert detail["figures"][0]["grade"] == "admitted"
        assert [e["id"] for e in detail["event_items"]] == ["e-2", "e-1"]
        assert len(detail["sources"]) == 2 and len(detail["claims"]) == 2
        assert store.episode("p-404") is None
        assert [e["episode"] for e in store.events()["items"]] == ["p-1", "p-1"]
        assert store.event("e-1")["episode"] == "p-1"
        assert [e.id for e in store.iter_episodes()] == ["p-1"]
        assert list(store.episode_assignments()) == [("e-1", "p-1"), ("e-2", "p-1")]

        assert store.delete_episodes(["p-1"]) == 1
        assert store.episodes()["total"] == 0 and store.event("e-1")["episode"] is None


def test_the_writer_groups_reports_into_one_episode_and_a_new_writer_goes_on(
    tmp_path: Path,
) -> None:
    db = tmp_path / "w.db"
    with Store(db) as store:
        writer = ReportWriter(store)
        for n, (killed, days) in enumerate(((9, 0), (12, 1)), start=1):
            writer.write(border_report(n, killed, toll="cumulative", days=days))
        page = store.episodes()
        assert page["total"] == 1
        first_id = page["items"][0]["id"]
    with Store(db) as store:  # another run: the grouper goes on from the stored episodes
        writer = ReportWriter(store)
        assert len(writer.episodes.grouper) == 0  # read when met, not when the writer opens
        writer.write(border_report(3, 15, toll="cumulative", days=2))
        assert writer.episodes.grouper.exists(first_id)
        page = store.episodes()
        assert [i["id"] for i in page["items"]] == [first_id]
        assert page["items"][0]["tolls"][0]["best"] == 15
        far = border_report(4, 2, days=30)
        writer.write(far)
        assert store.episodes()["total"] == 2


def test_stored_episodes_forget_removed_events(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as store:
        extraction = border_report(1, 9)
        store.add_extraction(extraction)
        store.assign_frames([(extraction.frames[0].id, "e-1")])
        event = build_event("e-1", list(extraction.frames), store.event_claims("e-1"))
        store.save_events([event])
        episodes = StoredEpisodes(store)
        (episode_id,) = episodes.update([event])
        assert store.episodes()["total"] == 1
        episodes.update([], removed=["e-1"])
        assert store.episodes()["total"] == 0
        assert store.episode(episode_id) is None


def test_a_read_only_v3_store_asks_to_be_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db, migrations=MIGRATIONS[:3]):
        pass
    from sitrep.store import StoreError

    with pytest.raises(StoreError, match="open it once for writing"):
        Store.open_readonly(db)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 3


def test_claims_carry_their_episode_and_toll_into_exports(tmp_path: Path) -> None:
    from sitrep.export import export

    with Store(tmp_path / "x.db") as store:
        writer = ReportWriter(store)
        for n, (killed, days) in enumerate(((9, 0), (12, 1)), start=1):
            writer.write(border_report(n, killed, toll="cumulative", days=days))
        episode_id = store.episodes()["items"][0]["id"]
        claims = list(store.iter_claims())
        assert {c["episode"] for c in claims} == {episode_id}
        out = tmp_path / "claims.csv"
        assert export("csv", [], claims, out) == 2
    header, *lines = out.read_text(encoding="utf-8").splitlines()
    columns = header.split(",")
    rows = [dict(zip(columns, line.split(","), strict=False)) for line in lines]
    assert {r["episode_id"] for r in rows} == {episode_id}
    assert {r["toll"] for r in rows} == {"cumulative"}


def test_a_statistic_stays_a_statistic_in_the_store_and_out_of_episode_figures(
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    report = border_report(1, 9, days=0)
    statistic = replace(report.claims[0], statistic=True)  # a figure over a period, no dates
    with Store(tmp_path / "s.db") as store:
        ReportWriter(store).write(replace(report, claims=(statistic,)))
        stored = [c for c in store.iter_claims()]
        assert [c["statistic"] for c in stored] == [True]
        episode = store.episode(store.episodes()["items"][0]["id"])
        assert episode is not None
        assert all(f["measure"] != "killed" for f in episode["figures"])


def test_a_new_writer_reads_only_the_episodes_it_meets(tmp_path: Path) -> None:
    from sitrep.link import EpisodeConfig

    config = EpisodeConfig(bucket_size=2)  # lookups keep the 2 latest events of a country
    db = tmp_path / "lazy.db"
    with Store(db) as store:
        writer = ReportWriter(store, episode_config=config)
        for n, days in enumerate((0, 10, 20, 30), start=1):  # four episodes, ten days apart
            writer.write(border_report(n, 5 + n, days=days))
        stored = {item["id"] for item in store.episodes(limit=10)["items"]}
        assert len(stored) == 4
    with Store(db) as store:
        writer = ReportWriter(store, episode_config=config)
        assert len(writer.episodes.grouper) == 0
        writer.write(border_report(5, 20, toll="cumulative", days=21))  # next to the third
        met = set(writer.episodes.grouper.episodes())
        assert len(met) == 2 and met < stored  # the third and the latest, not the first
        assert store.episodes(limit=10)["total"] == 4


def test_an_event_of_an_earlier_run_removed_leaves_its_episode(tmp_path: Path) -> None:
    db = tmp_path / "gone.db"
    with Store(db) as store:
        events = []
        for n in (1, 2):
            extraction = border_report(n, 9, days=n - 1)
            store.add_extraction(extraction)
            store.assign_frames([(extraction.frames[0].id, f"e-{n}")])
            frames = list(extraction.frames)
            events.append(build_event(f"e-{n}", frames, store.event_claims(f"e-{n}")))
        store.save_events(events)
        (episode_id,) = StoredEpisodes(store).update(events)
        assert store.episode(episode_id)["events"] == ["e-1", "e-2"]  # type: ignore[index]
    with Store(db) as store:  # another run: the first event is merged away, then the second
        episodes = StoredEpisodes(store)
        store.delete_events(["e-1"])
        episodes.update([], removed=["e-1"])
        assert store.episode(episode_id)["events"] == ["e-2"]  # type: ignore[index]
        store.delete_events(["e-2"])
        episodes.update([], removed=["e-2"])
        assert store.episode(episode_id) is None
        assert store.episode_of_event("e-2") is None


def test_events_a_report_touches_are_saved_in_id_order(tmp_path: Path) -> None:
    report = Report("two.txt", "Shelling in Surin. A raid in Kyiv.", published=JULY)
    frames = tuple(
        EventFrame(report.id, key, "shelling", "Shelling", 0, 18, None, (place,), published=JULY)
        for key, place in enumerate(
            (SURIN, Place("Kyiv", "UKR", "Kyiv City", 50.45, 30.52, "city"))
        )
    )
    with Store(tmp_path / "order.db") as store:
        ReportWriter(store).write(Extraction(report, (), (), (), frames, (), "test-1"))
        saved = [row[0] for row in store._conn.execute("SELECT id FROM events ORDER BY seq")]
    assert len(saved) == 2 and saved == sorted(saved)
