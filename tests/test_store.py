"""The SQLite store: round trips, filters, paging, search, idempotence, transactions, schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from sitrep.models import (
    Actor,
    Claim,
    ClaimGroup,
    DateSpan,
    Event,
    EventFrame,
    Extraction,
    Figure,
    Place,
    PlaceMention,
    Quantity,
    Quote,
    Report,
)
from sitrep.store import MIGRATIONS, Migration, Store, StoreError, StoreQueryError, write
from sitrep.store.schema import LATEST_VERSION, check_migrations

# --- a small hand-made corpus ----------------------------------------------------------------

KHARKIV = Place("Kharkiv", "UKR", "Kharkiv Oblast", 49.99, 36.23, "city")
UKRAINE = Place("Ukraine", "UKR", None, 49.0, 32.0, "country")
EL_FASHER = Place("El Fasher", "SDN", "North Darfur", 13.63, 25.35, "city")
TAWILA = Place("Tawila", "SDN", "North Darfur", 13.5, 24.87, "city")
SANAA = Place("Sanaa", "YEM", "Amanat al-Asimah", 15.37, 44.19, "city")

RUSSIAN_FORCES = Actor("Russian forces", "Armed Forces of Russia", "RUS", "state_forces")
GOVERNOR = Actor("Regional governor Oleh Synehubov", "Oleh Synehubov", "UKR", "government")
UKR_CIVILIANS = Actor("civilians", "Civilians of Ukraine", "UKR", "civilians")
UN = Actor("the United Nations", "United Nations", None, "organization")
MEDICS = Actor("local medics", None, "SDN", "organization")
RSF = Actor("The Rapid Support Forces", "Rapid Support Forces", "SDN", "armed_group")
MAYOR = Actor("the mayor", "Ihor Terekhov", "UKR", "government")


def span(text: str, fragment: str, after: int = 0) -> tuple[int, int]:
    start = text.index(fragment, after)
    return start, start + len(fragment)


def make_claim(
    report: Report,
    sentence: str,
    number: str,
    measure: str,
    claimant: Actor,
    victim: Actor | None,
    value: int | None,
    *,
    qualifier: str = "exact",
    high: int | str | None = "same",
    period: DateSpan | None = None,
) -> Claim:
    start, end = span(report.text, sentence)
    q_start, q_end = span(report.text, number, start)
    return Claim(
        report_id=report.id,
        measure=measure,
        quantity=Quantity(value, qualifier, value, value if high == "same" else high, number),
        victim=victim,
        claimant=claimant,
        sentence=sentence,
        start=start,
        end=end,
        quantity_start=q_start,
        quantity_end=q_end,
        frame=0,
        period=period,
    )


def make_frame(
    report: Report,
    sentence: str,
    kind: str,
    when: DateSpan | None,
    places: tuple[Place, ...],
    actors: tuple[Actor, ...],
    claims: tuple[Claim, ...],
) -> EventFrame:
    start, end = span(report.text, sentence)
    return EventFrame(
        report_id=report.id,
        key=0,
        type=kind,
        trigger=sentence.split()[0],
        start=start,
        end=end,
        date=when,
        places=places,
        actors=actors,
        claim_ids=tuple(c.id for c in claims),
        published=report.published,
        terms=tuple(sorted({w.strip(".,").lower() for w in sentence.split()[:4]})),
    )


def day(text: str, words: str = "", granularity: str = "day") -> DateSpan:
    return DateSpan(date.fromisoformat(text), date.fromisoformat(text), granularity, words)


def kharkiv_first() -> Extraction:
    text = (
        "date 2025-03-04\n"
        "Shelling struck a covered market in Kharkiv on Monday. "
        "Regional governor Oleh Synehubov said 7 civilians were killed and 12 wounded. "
        '"The market will reopen," the mayor told reporters, according to Reuters.\n'
    )
    report = Report(
        "wire/kharkiv-1.txt",
        text,
        body_start=16,
        published=date(2025, 3, 4),
        outlet="Harbor Ledger",
        title="Shelling hits Kharkiv market",
        url="https://example.org/kharkiv-1",
    )
    said = "Regional governor Oleh Synehubov said 7 civilians were killed and 12 wounded."
    killed = make_claim(report, said, "7", "killed", GOVERNOR, UKR_CIVILIANS, 7)
    wounded = make_claim(report, said, "12", "wounded", GOVERNOR, UKR_CIVILIANS, 12)
    q_start, q_end = span(text, "The market will reopen,")
    quote = Quote(report.id, "The market will reopen,", q_start, q_end, MAYOR)
    lead = "Shelling struck a covered market in Kharkiv on Monday."
    frame = make_frame(
        report,
        lead,
        "shelling",
        day("2025-03-03", "on Monday"),
        (KHARKIV,),
        (RUSSIAN_FORCES,),
        (killed, wounded),
    )
    k_start, k_end = span(text, "Kharkiv")
    return Extraction(
        report=report,
        claims=(killed, wounded),
        quotes=(quote,),
        places=(PlaceMention(KHARKIV, k_start, k_end, "Kharkiv"),),
        frames=(frame,),
        cited_outlets=("Reuters",),
        extractor_version="test-1",
    )


def kharkiv_second() -> Extraction:
    text = (
        "Nine people died after shelling in Kharkiv, the United Nations said on Tuesday, "
        "while Russian officials denied any strike on the market.\n"
    )
    report = Report(
        "wire/kharkiv-2.txt", text, published=date(2025, 3, 5), outlet="Coastal Tribune"
    )
    sentence = text.strip()
    killed = make_claim(report, sentence, "Nine", "killed", UN, None, 9)
    frame = make_frame(
        report, sentence, "shelling", day("2025-03-03"), (KHARKIV,), (RUSSIAN_FORCES,), (killed,)
    )
    return Extraction(report=report, claims=(killed,), frames=(frame,), extractor_version="test-1")


def fasher() -> Extraction:
    text = (
        "date 2025-02-11\n"
        "A drone strike on a shelter in El Fasher on Monday killed at least 20 people, "
        "local medics said. The Rapid Support Forces said 3 of its fighters were killed "
        "in clashes nearby.\n"
    )
    report = Report("wire/fasher.txt", text, body_start=16, published=date(2025, 2, 11))
    lead = (
        "A drone strike on a shelter in El Fasher on Monday killed at least 20 people, "
        "local medics said."
    )
    civilians = make_claim(
        report,
        lead,
        "at least 20",
        "killed",
        MEDICS,
        None,
        20,
        qualifier="at_least",
        high=None,
    )
    fighters = make_claim(
        report,
        "The Rapid Support Forces said 3 of its fighters were killed in clashes nearby.",
        "3",
        "killed",
        RSF,
        Actor("its fighters", "Rapid Support Forces", "SDN", "armed_group"),
        3,
    )
    frame = make_frame(
        report,
        lead,
        "drone_strike",
        day("2025-02-10", "on Monday"),
        (EL_FASHER,),
        (RSF,),
        (civilians, fighters),
    )
    return Extraction(
        report=report, claims=(civilians, fighters), frames=(frame,), extractor_version="test-1"
    )


def tawila_undated() -> Extraction:
    text = "Aid workers in Tawila said 40 families were displaced by the fighting.\n"
    report = Report("notes/tawila.txt", text)
    sentence = text.strip()
    claim = make_claim(
        report,
        sentence,
        "40",
        "displaced",
        Actor("Aid workers", None, None, "organization"),
        None,
        40,
    )
    frame = make_frame(report, sentence, "displacement", None, (TAWILA,), (), (claim,))
    return Extraction(report=report, claims=(claim,), frames=(frame,), extractor_version="test-1")


def attacks_since_january() -> Extraction:
    text = "Ukrainian officials said 143 attacks on power plants were recorded since January.\n"
    report = Report("wire/attacks.txt", text, published=date(2025, 3, 5))
    sentence = text.strip()
    since = DateSpan(date(2025, 1, 1), date(2025, 2, 28), "unknown", "since January")
    claim = make_claim(
        report,
        sentence,
        "143",
        "attacks",
        Actor("Ukrainian officials", None, "UKR", "government"),
        None,
        143,
        period=since,
    )
    frame = make_frame(report, sentence, "attacks", since, (UKRAINE,), (), (claim,))
    return Extraction(report=report, claims=(claim,), frames=(frame,), extractor_version="test-1")


def group(side: str | None, country: str | None, value: int, claim: Claim) -> ClaimGroup:
    return ClaimGroup(
        claimant_side=side,
        claimant_country=country,
        quantity=Quantity(value, "exact", value, value),
        claim_ids=(claim.id,),
        report_ids=(claim.report_id,),
        outlets=("Harbor Ledger",),
        claimants=(claim.claimant.text,),
        first_reported=date(2025, 3, 4),
        last_reported=date(2025, 3, 5),
    )


def event_of(
    event_id: str, kind: str, extractions: list[Extraction], figures: tuple[Figure, ...] = ()
) -> Event:
    frames = [f for x in extractions for f in x.frames]
    dates = [f.date for f in frames if f.date]
    return Event(
        id=event_id,
        type=kind,
        date_start=min(d.start for d in dates) if dates else None,
        date_end=max(d.end for d in dates) if dates else None,
        places=tuple(dict.fromkeys(p for f in frames for p in f.places)),
        actors=tuple(dict.fromkeys(a for f in frames for a in f.actors)),
        frame_ids=tuple(f.id for f in frames),
        report_ids=tuple(x.report.id for x in extractions),
        sources=tuple(x.report.source for x in extractions),
        figures=figures,
    )


@pytest.fixture(scope="module")
def corpus() -> dict[str, Extraction]:
    return {
        "k1": kharkiv_first(),
        "k2": kharkiv_second(),
        "fasher": fasher(),
        "tawila": tawila_undated(),
        "attacks": attacks_since_january(),
    }


@pytest.fixture(scope="module")
def events(corpus: dict[str, Extraction]) -> list[Event]:
    k1, k2, fa = corpus["k1"], corpus["k2"], corpus["fasher"]
    kharkiv_killed = Figure(
        "killed",
        "UKR",
        (group("UKR", "UKR", 7, k1.claims[0]), group("United Nations", None, 9, k2.claims[0])),
        contradiction=True,
        low=7,
        best=7,
        high=9,
        rule="conservative",
        reason="7 by the governor against 9 by the UN",
    )
    fasher_figures = (
        Figure("killed", None, (), False, 20, 20, None, "conservative", "at least 20"),
        Figure("killed", "SDN", (), False, 3, 3, 3, "conservative", "one claim"),
    )
    made = [
        event_of("e-kharkiv", "shelling", [k1, k2], (kharkiv_killed,)),
        event_of("e-fasher", "drone_strike", [fa], fasher_figures),
        event_of("e-tawila", "displacement", [corpus["tawila"]]),
        event_of("e-attacks", "attacks", [corpus["attacks"]]),
    ]
    # Fillers with repeated dates, so ordering must fall back on the id.
    for i in range(9):
        made.append(
            Event(
                id=f"e-fill-{i}",
                type="airstrike",
                date_start=date(2025, 1, 1 + i // 2),
                date_end=date(2025, 1, 1 + i // 2),
                places=(SANAA,),
                actors=(),
                frame_ids=(),
                report_ids=(),
                sources=(),
            )
        )
    return made


def fill(store: Store, corpus: dict[str, Extraction], events: list[Event]) -> None:
    for extraction in corpus.values():
        assert store.add_extraction(extraction) is True
    store.save_events(events)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sitrep.db"


@pytest.fixture
def store(db_path: Path, corpus: dict[str, Extraction], events: list[Event]) -> Iterator[Store]:
    with Store(db_path) as opened:
        fill(opened, corpus, events)
        yield opened


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


# --- writes --------------------------------------------------------------------------------


def test_add_extraction_stores_report_with_provenance(db_path: Path, corpus) -> None:
    k1 = corpus["k1"]
    with Store(db_path) as store:
        assert not store.has_report(k1.report.id)
        assert store.add_extraction(k1) is True
        assert store.has_report(k1.report.id)
        assert store.journal_mode == "wal"
        assert store.stats() == {
            "reports": 1,
            "claims": 2,
            "quotes": 1,
            "frames": 1,
            "events": 0,
            "places": 1,
        }
        report = store.report(k1.report.id)
    assert report is not None
    assert report["text"] == k1.report.text and report["body_start"] == 16
    assert report["extractor_version"] == "test-1" and report["added_at"]
    assert report["cited_outlets"] == ["Reuters"]
    assert report["events"] == []
    for claim in report["claims"]:
        assert k1.report.text[claim["quantity_start"] : claim["quantity_end"]] in {"7", "12"}
        assert claim["end"] > claim["start"]
    assert [(c["measure"], c["value"]) for c in report["claims"]] == [
        ("killed", 7),
        ("wounded", 12),
    ]
    (quote,) = report["quotes"]
    assert k1.report.text[quote["start"] : quote["end"]] == "The market will reopen,"
    assert quote["speaker"]["name"] == "Ihor Terekhov"
    (place,) = report["places"]
    assert place["name"] == "Kharkiv" and place["text"] == "Kharkiv"
    assert k1.report.text[place["start"] : place["end"]] == "Kharkiv"
    conn = sqlite3.connect(db_path)
    for table in ("reports", "claims", "quotes", "frames", "place_mentions", "cited_outlets"):
        unstamped = conn.execute(
            f"SELECT count(*) FROM {table} WHERE extractor_version != 'test-1' OR added_at = ''"
        )
        assert unstamped.fetchone()[0] == 0, table
    conn.close()


def test_readding_changes_nothing(store: Store, db_path: Path, corpus, events) -> None:
    before = table_counts(db_path)
    changes = store._conn.total_changes
    for extraction in corpus.values():
        assert store.add_extraction(extraction) is False
    store.save_events(events)
    store.assign_frames([(f.id, "e-kharkiv") for f in corpus["k1"].frames])
    assert store._conn.total_changes == changes
    assert table_counts(db_path) == before


def test_failure_mid_write_leaves_no_partial_report(
    db_path: Path, corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("disk on fire")

    k1 = corpus["k1"]
    with Store(db_path) as store:
        monkeypatch.setattr(write, "insert_quotes", broken)  # claims and frames already written
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.add_extraction(k1)
        assert not store.has_report(k1.report.id)
        assert set(store.stats().values()) == {0}
        assert store.claims(q="killed")["total"] == 0  # the search index rolled back too
        monkeypatch.undo()
        assert store.add_extraction(k1) is True
        assert store.claims(q="killed")["total"] == 2


def test_bad_writes_raise_store_error_and_write_nothing(store: Store, corpus, events) -> None:
    before = store.stats()
    stray = replace(events[0], id="e-stray", report_ids=("r-000000000000",))
    with pytest.raises(StoreError, match="r-000000000000"):
        store.save_events([replace(events[1], id="e-new"), stray])
    with pytest.raises(StoreError, match="unknown frame f-nope"):
        store.assign_frames([("f-nope", "e-kharkiv")])
    k1 = corpus["k1"]
    foreign = replace(k1, claims=(*k1.claims, corpus["k2"].claims[0]))
    with pytest.raises(StoreError, match="belongs to report"):
        store.add_extraction(replace(foreign, report=replace(k1.report, text=k1.report.text + " ")))
    assert store.stats() == before
    assert store.event("e-new") is None


def test_saving_an_event_links_its_frames_once(store: Store, corpus) -> None:
    frame_id = corpus["k1"].frames[0].id
    assert store.event_of_frame(frame_id) == "e-kharkiv"
    moved = replace(event_of("e-moved", "shelling", [corpus["k1"]]), figures=())
    store.save_events([moved])  # a frame saved with another event moves to it
    assert store.event_of_frame(frame_id) == "e-moved"
    stamp = store._conn.execute(
        "SELECT assigned_at FROM frame_events WHERE frame_id = ?", (frame_id,)
    ).fetchone()[0]
    days = store._conn.execute(
        "SELECT count(*) FROM frame_days WHERE frame_id = ?", (frame_id,)
    ).fetchone()[0]
    store.save_events([replace(moved, type="airstrike")])  # saved again: links unchanged
    assert store.event_of_frame(frame_id) == "e-moved"
    assert tuple(
        store._conn.execute(
            "SELECT assigned_at, (SELECT count(*) FROM frame_days WHERE frame_id = ?)"
            " FROM frame_events WHERE frame_id = ?",
            (frame_id, frame_id),
        ).fetchone()
    ) == (stamp, days)
    assert days > 0
    linked = store.linked_frames(
        date_from=corpus["k1"].frames[0].date.start,  # type: ignore[union-attr]
        date_to=None,
        countries=["UKR"],
    )
    assert dict((f.id, event_id) for f, event_id in linked)[frame_id] == "e-moved"


def test_claims_are_parsed_once_and_forgotten_when_a_batch_fails(store: Store) -> None:
    first = store.event_claims("e-kharkiv")
    again = store.event_claims("e-kharkiv")
    assert len(first) == 3 and all(a is b for a, b in zip(first, again, strict=True))
    with pytest.raises(RuntimeError), store.batch():
        store.event_claims("e-kharkiv")
        raise RuntimeError("power cut")
    after = store.event_claims("e-kharkiv")
    assert after == first and after[0] is not first[0]


def test_delete_events(store: Store) -> None:
    assert store.delete_events(["e-fill-0", "e-fill-1", "e-none"]) == 2
    assert store.event("e-fill-0") is None
    assert store.events(country="YEM")["total"] == 7


# --- rebuilding objects ----------------------------------------------------------------------


def test_frames_and_claims_rebuild_exactly(store: Store, corpus) -> None:
    frames = store.frames_of_event("e-kharkiv")
    assert frames == [corpus["k1"].frames[0], corpus["k2"].frames[0]]
    sourced = store.event_claims("e-kharkiv")
    assert [s.claim for s in sourced] == [*corpus["k1"].claims, *corpus["k2"].claims]
    assert [s.outlet for s in sourced] == ["Harbor Ledger", "Harbor Ledger", "Coastal Tribune"]
    assert sourced[0].published == date(2025, 3, 4) and sourced[0].source == "wire/kharkiv-1.txt"
    assert store.event_claims("e-attacks")[0].claim.period == corpus["attacks"].claims[0].period


def test_iter_events_and_claims_stream_everything(store: Store, events) -> None:
    rebuilt = list(store.iter_events())
    assert sorted(rebuilt, key=lambda e: e.id) == sorted(events, key=lambda e: e.id)
    assert [e.id for e in rebuilt[:2]] == ["e-kharkiv", "e-fasher"]
    claims = list(store.iter_claims())
    assert len(claims) == 7
    assert {c["event"] for c in claims} == {"e-kharkiv", "e-fasher", "e-tawila", "e-attacks"}
    frames = list(store.iter_frames())
    assert len(frames) == 5 and all(event_id for _, event_id in frames)


# --- events ----------------------------------------------------------------------------------


def ids(page: dict) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_events_list_shape_and_order(store: Store) -> None:
    page = store.events(limit=100)
    assert page["total"] == 13 and page["limit"] == 100 and page["offset"] == 0
    assert ids(page) == [
        "e-kharkiv",
        "e-fasher",
        "e-fill-8",
        "e-fill-6",  # same day as e-fill-7: ordered by id
        "e-fill-7",
        "e-fill-4",
        "e-fill-5",
        "e-fill-2",
        "e-fill-3",
        "e-attacks",
        "e-fill-0",
        "e-fill-1",
        "e-tawila",  # undated last
    ]
    kharkiv = page["items"][0]
    assert kharkiv == {
        "id": "e-kharkiv",
        "type": "shelling",
        "date_start": "2025-03-03",
        "date_end": "2025-03-03",
        "countries": ["UKR", "RUS"],
        "places": ["Kharkiv"],
        "actors": ["Armed Forces of Russia"],
        "lat": 49.99,
        "lon": 36.23,
        "n_reports": 2,
        "n_claims": 3,
        "headline": "Shelling hits Kharkiv market",
        "contradiction": True,
        "killed": {"low": 7, "best": 7, "high": 9},
        "episode": None,  # saved events not yet grouped into an episode
    }
    fasher = page["items"][1]
    assert fasher["killed"] == {"low": 23, "best": 23, "high": None}
    assert fasher["headline"].startswith("A drone strike on a shelter in El Fasher")
    assert page["items"][-1]["killed"] is None


def test_events_order_is_date_desc_then_id(store: Store) -> None:
    items = store.events(limit=100)["items"]
    keys = [(item["date_start"] or "", item["id"]) for item in items]
    dated = [k for k in keys if k[0]]
    assert dated == sorted(dated, key=lambda k: (-date.fromisoformat(k[0]).toordinal(), k[1]))
    assert keys[len(dated) :] == [("", "e-tawila")]


def test_events_pages_concatenate_to_the_whole(store: Store) -> None:
    whole = ids(store.events(limit=100))
    pieces: list[str] = []
    for offset in range(0, 15, 4):
        page = store.events(limit=4, offset=offset)
        assert page["total"] == 13 and page["offset"] == offset
        pieces += ids(page)
    assert pieces == whole and len(set(pieces)) == len(pieces)
    assert store.events(limit=4, offset=100)["items"] == []


def test_events_filters(store: Store) -> None:
    assert ids(store.events(date_from=date(2025, 3, 1))) == ["e-kharkiv"]
    assert ids(store.events(date_from="2025-02-01", date_to="2025-02-10")) == [
        "e-fasher",
        "e-attacks",  # Jan 1 to Feb 28 overlaps the window
    ]
    assert store.events(date_from="2025-01-02", date_to="2025-01-02")["total"] == 3  # 2 + attacks
    assert ids(store.events(country="rus")) == ["e-kharkiv"]
    assert ids(store.events(country="SDN")) == ["e-fasher", "e-tawila"]
    assert ids(store.events(actor="ARMED forces of")) == ["e-kharkiv"]
    assert ids(store.events(actor="rapid support")) == ["e-fasher"]
    assert ids(store.events(type="drone_strike")) == ["e-fasher"]
    assert ids(store.events(country="YEM", type="airstrike", limit=2)) == ["e-fill-8", "e-fill-6"]
    assert store.events(country="XXX")["total"] == 0


def test_events_text_search(store: Store) -> None:
    # "denied" is only in a claim sentence of the second Kharkiv report.
    assert ids(store.events(q="denied")) == ["e-kharkiv"]
    # "hits" only in the headline (stemmed: matches "hit").
    assert ids(store.events(q="hits")) == ["e-kharkiv"]
    assert ids(store.events(q="shelter OR families")) == ["e-fasher", "e-tawila"]
    assert store.events(q="  ")["total"] == 13
    assert ids(store.events(q='"market', country="UKR")) == ["e-kharkiv"]


def test_event_detail(store: Store, events) -> None:
    d = store.event("e-kharkiv")
    assert d is not None
    expected = events[0].to_dict()
    for key in ("id", "type", "date_start", "places", "actors", "frames", "reports", "figures"):
        assert d[key] == expected[key]
    assert [s["report_id"] for s in d["sources"]] == list(events[0].report_ids)
    assert d["sources"][0] == {
        "report_id": events[0].report_ids[0],
        "source": "wire/kharkiv-1.txt",
        "outlet": "Harbor Ledger",
        "published": "2025-03-04",
        "title": "Shelling hits Kharkiv market",
        "url": "https://example.org/kharkiv-1",
        "original": None,
    }
    assert [(c["value"], c["outlet"], c["published"]) for c in d["claims"]] == [
        (7, "Harbor Ledger", "2025-03-04"),
        (12, "Harbor Ledger", "2025-03-04"),
        (9, "Coastal Tribune", "2025-03-05"),
    ]
    assert {c["event"] for c in d["claims"]} == {"e-kharkiv"}
    assert (
        d["claims"][2]["victim"] is None and d["claims"][2]["claimant"]["name"] == "United Nations"
    )
    assert [(q["text"], q["source"]) for q in d["quotes"]] == [
        ("The market will reopen,", "wire/kharkiv-1.txt")
    ]
    assert d["contradiction"] is True and d["killed"] == {"low": 7, "best": 7, "high": 9}
    assert store.event("e-missing") is None


def test_resaving_an_event_replaces_it(store: Store, events) -> None:
    calmer = replace(events[0], type="artillery", figures=())
    store.save_events([calmer])
    item = store.events(type="artillery")["items"][0]
    assert item["id"] == "e-kharkiv" and item["killed"] is None and not item["contradiction"]
    assert store.events(type="shelling")["total"] == 0
    assert store.events(q="hits")["total"] == 1  # headline index follows the update


# --- claims, quotes, actors, places ----------------------------------------------------------


def test_claims_shape_filters_and_paging(store: Store, corpus) -> None:
    page = store.claims(limit=100)
    assert page["total"] == 7
    first = page["items"][0]
    assert first["published"] == "2025-03-05"
    assert set(first) >= {
        "id",
        "measure",
        "value",
        "qualifier",
        "low",
        "high",
        "victim",
        "claimant",
        "start",
        "end",
        "sentence",
        "period",
        "report_id",
        "source",
        "outlet",
        "published",
        "event",
        "frame",
    }
    assert page["items"][-1]["published"] is None  # the undated report comes last
    whole = [c["id"] for c in page["items"]]
    halves = store.claims(limit=4)["items"] + store.claims(limit=4, offset=4)["items"]
    assert [c["id"] for c in halves] == whole
    assert store.claims(measure="wounded")["total"] == 1
    assert store.claims(event_id="e-fasher")["total"] == 2
    assert store.claims(country="SDN")["total"] == 2  # by victim or claimant country
    assert store.claims(claimant="synehubov")["total"] == 2
    assert store.claims(claimant="OFFICIALS")["total"] == 1
    fasher = store.claims(event_id="e-fasher", measure="killed", q="medics")["items"]
    assert [c["value"] for c in fasher] == [20]
    assert fasher[0]["qualifier"] == "at_least" and fasher[0]["high"] is None


def test_claims_full_text_search(store: Store) -> None:
    def values(q: str) -> list[int]:
        return sorted(c["value"] for c in store.claims(q=q)["items"])

    assert values("wounded") == [7, 12]
    assert values("kill") == [3, 7, 12, 20]  # stemmed
    assert values("shelter AND medics") == [20]
    assert values('"United Nations"') == [9]
    assert values("families NOT aid") == []
    assert values("power*") == [143]
    # Not valid FTS5, searched as plain words instead of failing.
    assert values('"united') == [9]
    assert values("AND(") == [7, 12]  # the word "and"
    assert values("El-Fasher") == [20]
    assert values("market)") == [9]
    for nonsense in ("(", '"', "*", "()"):
        with pytest.raises(StoreQueryError, match="cannot search"):
            store.claims(q=nonsense)
    assert issubclass(StoreQueryError, ValueError)


def test_quotes_search(store: Store) -> None:
    page = store.quotes(q="reopen")
    assert [q["speaker"]["name"] for q in page["items"]] == ["Ihor Terekhov"]
    assert page["items"][0]["outlet"] == "Harbor Ledger"
    assert store.quotes(speaker="terekhov")["total"] == 1
    assert store.quotes(event_id="e-fasher")["total"] == 0


def test_actors_and_places(store: Store) -> None:
    actors = store.actors(limit=100)
    by_name = {a["name"]: a for a in actors["items"]}
    assert by_name["Oleh Synehubov"] == {
        "name": "Oleh Synehubov",
        "country": "UKR",
        "type": "government",
        "as_claimant": 2,
        "as_victim": 0,
    }
    assert by_name["Civilians of Ukraine"]["as_victim"] == 2
    assert by_name["Rapid Support Forces"]["as_claimant"] == 1
    assert by_name["Rapid Support Forces"]["as_victim"] == 1
    assert actors["items"][0]["as_claimant"] + actors["items"][0]["as_victim"] == 2
    assert [a["name"] for a in store.actors(q="UNITED")["items"]] == ["United Nations"]
    places = store.places(limit=100)
    assert places["items"][0] == {
        "name": "Sanaa",
        "country": "YEM",
        "admin1": "Amanat al-Asimah",
        "lat": 15.37,
        "lon": 44.19,
        "kind": "city",
        "n_events": 9,
    }
    assert {p["name"]: p["n_events"] for p in places["items"]}["Kharkiv"] == 1
    assert store.places(q="fash")["items"][0]["name"] == "El Fasher"


def test_report_lists_its_events(store: Store, corpus) -> None:
    report = store.report(corpus["k2"].report.id)
    assert report is not None and report["events"] == ["e-kharkiv"]
    assert report["title"] is None and report["published"] == "2025-03-05"
    assert store.report("r-missing") is None


def test_bad_read_arguments(store: Store) -> None:
    with pytest.raises(StoreQueryError, match="date_from"):
        store.events(date_from="last week")
    with pytest.raises(StoreQueryError, match="limit"):
        store.claims(limit=-1)
    with pytest.raises(StoreQueryError, match="offset"):
        store.places(offset=-5)


# --- linking index ---------------------------------------------------------------------------


def test_linked_frames_window_country_and_order(store: Store, corpus) -> None:
    k1, k2 = corpus["k1"].frames[0], corpus["k2"].frames[0]
    monday = date(2025, 3, 3)
    found = store.linked_frames(date_from=monday, date_to=monday, countries=["UKR"])
    assert found == [(k2, "e-kharkiv"), (k1, "e-kharkiv")]  # same day: later-added first
    week = store.linked_frames(
        date_from=date(2025, 3, 1), date_to=date(2025, 3, 7), countries=["UKR", "RUS"]
    )
    # "since January" is too vague a date, so that frame sits on its publication day.
    assert [f.report_id for f, _ in week] == [
        corpus["attacks"].report.id,
        k2.report_id,
        k1.report_id,
    ]
    by_actor = store.linked_frames(date_from=monday, date_to=None, countries={"RUS"})
    assert [f for f, _ in by_actor] == [k2, k1]
    assert store.linked_frames(date_from=monday, date_to=monday, countries=["UKR"], limit=1) == [
        (k2, "e-kharkiv")
    ]
    assert (
        store.linked_frames(date_from=date(2025, 2, 1), date_to=date(2025, 2, 9), countries=["UKR"])
        == []
    )
    sudan = store.linked_frames(
        date_from=date(2025, 2, 9), date_to=date(2025, 2, 12), countries=["SDN"]
    )
    assert sudan == [(corpus["fasher"].frames[0], "e-fasher")]
    undated = store.linked_frames(date_from=None, date_to=None, countries=["SDN"])
    assert undated == [(corpus["tawila"].frames[0], "e-tawila")]
    assert store.linked_frames(date_from=monday, date_to=monday, countries=[]) == []


def test_unlinked_frames_are_not_candidates(store: Store, corpus) -> None:
    k1 = corpus["k1"]
    copy = replace(k1.report, text=k1.report.text + "\nUpdated.", source="wire/kharkiv-1b.txt")
    frame = replace(k1.frames[0], report_id=copy.id, claim_ids=())
    assert store.add_extraction(Extraction(report=copy, frames=(frame,)))
    monday = date(2025, 3, 3)
    before = store.linked_frames(date_from=monday, date_to=monday, countries=["UKR"])
    assert frame.id not in {f.id for f, _ in before}
    store.assign_frames([(frame.id, "e-kharkiv-bis")])
    after = store.linked_frames(date_from=monday, date_to=monday, countries=["UKR"])
    assert after[0] == (frame, "e-kharkiv-bis")
    store.assign_frames([(frame.id, "e-kharkiv")])  # moving a frame keeps it indexed once
    moved = store.linked_frames(date_from=monday, date_to=monday, countries=["UKR"])
    assert moved[0] == (frame, "e-kharkiv") and len(moved) == 3


def test_linked_frames_cost_does_not_grow_with_the_store(store: Store) -> None:
    def vm_steps() -> int:
        steps = 0

        def count() -> int:
            nonlocal steps
            steps += 1
            return 0

        store._frames.clear()  # parsed frames are kept: read them again each time
        store._conn.set_progress_handler(count, 1)
        try:
            monday = date(2025, 3, 3)
            found = store.linked_frames(date_from=monday, date_to=monday, countries=["UKR"])
        finally:
            store._conn.set_progress_handler(None, 1)
        assert len(found) == 2
        return steps

    small = vm_steps()
    # 150 more linked frames: same country on other days, and other countries on that day.
    for i in range(150):
        country_place = KHARKIV if i % 2 else SANAA
        when = day("2024-06-01") if i % 2 else day("2025-03-03")
        report = Report(f"bulk/{i}.txt", f"Report number {i} about shelling.")
        frame = EventFrame(report.id, 0, "shelling", "shelling", 0, 10, when, (country_place,))
        store.add_extraction(Extraction(report=report, frames=(frame,)))
        store.assign_frames([(frame.id, f"e-bulk-{i}")])
    assert store.stats()["frames"] == 155
    assert vm_steps() == small


# --- near-copies (syndicated reports) --------------------------------------------------------


def syndicated(extraction: Extraction, credit: str, source: str, outlet: str) -> Extraction:
    """The same story re-published elsewhere with a credit line appended (offsets unchanged)."""
    report = replace(
        extraction.report,
        text=extraction.report.text + credit,
        source=source,
        outlet=outlet,
        published=date(2025, 3, 6),
    )
    claims = tuple(replace(c, report_id=report.id) for c in extraction.claims)
    frames = tuple(
        replace(f, report_id=report.id, claim_ids=tuple(c.id for c in claims))
        for f in extraction.frames
    )
    quotes = tuple(replace(q, report_id=report.id) for q in extraction.quotes)
    return replace(extraction, report=report, claims=claims, frames=frames, quotes=quotes)


def signature(seed: int) -> tuple[int, ...]:
    """A made-up 128-value signature spanning the whole unsigned 64-bit range."""
    return (0, 2**64 - 1, *((seed * 0x9E3779B97F4A7C15 + i * 7919) % 2**64 for i in range(126)))


def test_near_copy_records_its_original(store: Store, corpus, events) -> None:
    k1, k2 = corpus["k1"], corpus["k2"]
    copy = syndicated(k2, "Distributed by Inland Wire.\n", "wire/inland.txt", "Inland Wire")
    assert store.add_extraction(copy, original=k2.report.id, minhash=signature(1)) is True

    assert store.report(copy.report.id)["original"] == k2.report.id
    assert store.report(k2.report.id)["original"] is None

    store.save_events([event_of("e-kharkiv", "shelling", [k1, k2, copy], events[0].figures)])
    detail = store.event("e-kharkiv")
    assert [(s["source"], s["original"]) for s in detail["sources"]] == [
        ("wire/kharkiv-1.txt", None),
        ("wire/kharkiv-2.txt", None),
        ("wire/inland.txt", k2.report.id),
    ]
    sourced = store.event_claims("e-kharkiv")
    assert [(s.claim.report_id, s.original) for s in sourced] == [
        (k1.report.id, None),
        (k1.report.id, None),
        (k2.report.id, None),
        (copy.report.id, k2.report.id),
    ]
    assert sourced[-1].claim == copy.claims[0] and sourced[-1].outlet == "Inland Wire"


def test_copy_of_a_copy_points_at_the_first_report(store: Store, corpus) -> None:
    k2 = corpus["k2"]
    first = syndicated(k2, "Via Inland Wire.\n", "wire/inland.txt", "Inland Wire")
    second = syndicated(first, "Via Hill Post.\n", "web/hill.html", "Hill Post")
    assert store.add_extraction(first, original=k2.report.id)
    assert store.add_extraction(second, original=first.report.id)
    assert store.report(second.report.id)["original"] == k2.report.id
    found = store._conn.execute(
        "SELECT id FROM reports WHERE original_id = ? ORDER BY rowid", (k2.report.id,)
    )
    assert [r["id"] for r in found] == [first.report.id, second.report.id]


def test_bad_original_or_signature_is_refused_and_writes_nothing(store: Store, corpus) -> None:
    copy = syndicated(corpus["k2"], "Via Inland Wire.\n", "wire/inland.txt", "Inland Wire")
    before = store.stats()
    with pytest.raises(StoreError, match=r"inland\.txt: its original 'r-000000000000' is not"):
        store.add_extraction(copy, original="r-000000000000")
    with pytest.raises(StoreError, match="near-copy of itself"):
        store.add_extraction(copy, original=copy.report.id)
    too_big = (*signature(2)[:-1], 2**64)
    for bad in ((), (1, -1), too_big, (1.5,) * 128, (True,) * 128, "abc"):
        with pytest.raises(StoreError, match=r"inland\.txt: .*MinHash"):
            store.add_extraction(copy, minhash=bad)  # type: ignore[arg-type]
    assert store.stats() == before and not store.has_report(copy.report.id)
    assert list(store.iter_minhashes()) == []


def test_readding_ignores_a_new_original_or_signature(store: Store, corpus) -> None:
    k1, k2 = corpus["k1"], corpus["k2"]
    changes = store._conn.total_changes
    assert store.add_extraction(k2, original=k1.report.id, minhash=signature(3)) is False
    assert store._conn.total_changes == changes
    assert store.report(k2.report.id)["original"] is None
    assert list(store.iter_minhashes()) == []


def test_iter_minhashes_streams_signatures_in_the_order_added(db_path: Path, corpus) -> None:
    k2 = corpus["k2"]
    copies = [
        syndicated(k2, f"Republished by outlet number {i}.\n", f"copies/{i}.txt", f"Outlet {i}")
        for i in range(4)
    ]
    # Added in descending id order, so insertion order is not the order of the ids.
    copies.sort(key=lambda x: x.report.id, reverse=True)
    with Store(db_path) as store:
        assert store.add_extraction(k2, minhash=signature(10))
        assert store.add_extraction(corpus["k1"])  # no signature: not streamed
        for i, copy in enumerate(copies):
            assert store.add_extraction(copy, original=k2.report.id, minhash=signature(11 + i))
        stream = store.iter_minhashes()
        assert next(stream) == (k2.report.id, None, signature(10))
        rest = list(stream)
    assert rest == [
        (copy.report.id, k2.report.id, signature(11 + i)) for i, copy in enumerate(copies)
    ]
    assert [r for r, _, _ in rest] != sorted(r for r, _, _ in rest)

    conn = sqlite3.connect(db_path)
    blob = conn.execute("SELECT minhash FROM reports WHERE id = ?", (k2.report.id,)).fetchone()
    assert len(blob[0]) == 128 * 8 and blob[0][8:16] == b"\xff" * 8  # 8 bytes a value
    conn.execute("UPDATE reports SET minhash = x'0102' WHERE id = ?", (copies[0].report.id,))
    conn.commit()
    conn.close()
    damaged = f"report {copies[0].report.id} has a damaged MinHash"
    with Store.open_readonly(db_path) as reader, pytest.raises(StoreError, match=damaged):
        list(reader.iter_minhashes())


# --- schema, files, concurrency --------------------------------------------------------------


def test_migration_list_is_well_formed() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    with pytest.raises(ValueError, match="expected 2"):
        check_migrations([MIGRATIONS[0], Migration(3, "gap", "SELECT 1;")])


def fts_tables(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("SELECT name FROM sqlite_master WHERE name GLOB '*_fts' ORDER BY 1")
        return [r[0] for r in found]
    finally:
        conn.close()


def test_v1_database_is_upgraded_and_backfilled(db_path: Path, corpus) -> None:
    with Store(db_path, migrations=MIGRATIONS[:1]) as old:
        assert old.schema_version == 1
        assert old.add_extraction(corpus["k1"])
    assert fts_tables(db_path) == []
    with pytest.raises(StoreError, match="open it once for writing"):
        Store.open_readonly(db_path)
    with Store(db_path) as new:
        assert new.schema_version == MIGRATIONS[-1].version
        assert new.stats()["claims"] == 2
        assert [c["value"] for c in new.claims(q="wounded")["items"]] == [7, 12]
        assert fts_tables(db_path) == ["claims_fts", "events_fts", "quotes_fts"]
        history = new._conn.execute("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in history] == [m.version for m in MIGRATIONS]


def test_v2_database_gains_near_copy_columns(db_path: Path, corpus) -> None:
    k1, k2 = corpus["k1"], corpus["k2"]
    with Store(db_path, migrations=MIGRATIONS[:2]) as old:
        assert old.schema_version == 2
        assert old.add_extraction(k1) and old.add_extraction(k2)
    with pytest.raises(StoreError, match="open it once for writing"):
        Store.open_readonly(db_path)
    with Store(db_path) as new:
        assert new.schema_version == LATEST_VERSION
        assert new.report(k1.report.id)["original"] is None
        assert list(new.iter_minhashes()) == []
        copy = syndicated(k1, "Via Inland Wire.\n", "wire/inland.txt", "Inland Wire")
        assert new.add_extraction(copy, original=k1.report.id, minhash=signature(5))
        assert list(new.iter_minhashes()) == [(copy.report.id, k1.report.id, signature(5))]
        assert new.stats()["reports"] == 3 and new.claims(q="wounded")["total"] == 4
        plan = new._conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM reports WHERE original_id = ?", (k1.report.id,)
        ).fetchall()
        assert "reports_by_original" in " ".join(str(tuple(row)) for row in plan)


def test_newer_database_is_refused(db_path: Path) -> None:
    Store(db_path).close()
    with pytest.raises(StoreError, match="newer than this sitrep knows"):
        Store(db_path, migrations=MIGRATIONS[:1])


def test_open_readonly(db_path: Path, corpus, events) -> None:
    with pytest.raises(StoreError, match="no such sitrep database"):
        Store.open_readonly(db_path)
    with Store(db_path) as writer:
        fill(writer, corpus, events)
    with Store.open_readonly(db_path) as reader:
        assert reader.readonly and reader.stats()["events"] == 13
        assert ids(reader.events(q="denied")) == ["e-kharkiv"]
        with pytest.raises(StoreError, match="read-only"):
            reader.add_extraction(corpus["k1"])
        with pytest.raises(StoreError, match="read-only"):
            reader.save_events(events[:1])


def test_files_that_are_not_sitrep_databases(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("these are not the pages you are looking for\n" * 50)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    for path in (text, other):
        for opener in (Store, Store.open_readonly):
            with pytest.raises(StoreError, match="is not a sitrep database"):
                opener(path)
    assert other.read_bytes()[:16] == b"SQLite format 3\x00"  # left untouched
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "missing" / "x.db")
    (tmp_path / "empty.db").touch()
    with pytest.raises(StoreError, match="empty"):
        Store.open_readonly(tmp_path / "empty.db")


def test_reads_do_not_wait_for_a_writer(
    db_path: Path, corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, int]] = []
    with Store(db_path) as writer:
        writer.add_extraction(corpus["k2"])
        reader = Store.open_readonly(db_path)
        original = write.insert_quotes

        def insert_quotes_and_peek(*args):  # runs inside the writer's open transaction
            seen.append(reader.stats())
            seen.append({"hits": reader.claims(q="Nine")["total"]})
            return original(*args)

        monkeypatch.setattr(write, "insert_quotes", insert_quotes_and_peek)
        assert writer.add_extraction(corpus["k1"])
        assert seen[0]["reports"] == 1 and seen[0]["claims"] == 1  # the committed snapshot
        assert seen[1] == {"hits": 1}
        assert reader.stats()["reports"] == 2  # visible once committed
        reader.close()
