"""Episode grouping that stays cheap and right as a store grows: undated stories need
evidence beyond a shared country, a batch of reports rebuilds each episode once, the store
and the in-memory run agree, and the vectorised MinHash is the per-gram minimum."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from pathlib import Path

from sitrep.ingest import read_text_report
from sitrep.link import EpisodeGrouper, EventSketch
from sitrep.link.duplicates import minhash, shingles
from sitrep.process import CorpusRun, ReportWriter, ingest_reports
from sitrep.store import Store

SHOOTING = ("shooting", "gunman", "wounded", "hospital", "police", "suspect", "handgun")


def undated(event_id: str, *, towns: tuple[str, ...] = (), terms: tuple[str, ...] = SHOOTING):
    return EventSketch(
        id=event_id,
        span=None,
        countries=frozenset({"USA"}),
        admin1s=frozenset(),
        report_ids=frozenset({f"r-{event_id}"}),
        frame_terms=((f"f-{event_id}", terms),),
        types=frozenset({"attack_on_civilians"}),
        localities=frozenset((t.casefold(), "USA") for t in towns),
    )


def test_undated_shootings_in_two_cities_of_one_country_are_two_stories() -> None:
    grouper = EpisodeGrouper()
    first = grouper.add(undated("e1", towns=("Dayton",)))
    assert grouper.add(undated("e2", towns=("Tulsa",))) != first
    # the same town and the same words: one story
    assert grouper.add(undated("e3", towns=("Dayton",))) == first


def test_undated_events_do_not_gather_around_a_growing_centroid() -> None:
    grouper = EpisodeGrouper()
    episodes = set()
    for i in range(12):  # unrelated shootings that share the vocabulary of the kind
        words = (*SHOOTING[:4], *(f"{word}{i}" for word in ("name", "street", "car", "bar")))
        episodes.add(grouper.add(replace(undated(f"e{i}", terms=words), types=frozenset())))
    assert len(episodes) == 12


def test_an_undated_report_of_a_war_joins_it_on_words() -> None:
    grouper = EpisodeGrouper()
    words = ("artillery", "border", "temple", "ceasefire", "rocket")
    dated = EventSketch(
        id="war",
        span=(date(2025, 7, 24), date(2025, 7, 24)),
        countries=frozenset({"THA", "KHM"}),
        admin1s=frozenset(),
        report_ids=frozenset({"r-war"}),
        frame_terms=(("f-war", words),),
        localities=frozenset({("surin", "THA")}),
    )
    story = grouper.add(dated)
    report = replace(undated("late", terms=words[:4]), countries=frozenset({"THA"}))
    assert grouper.add(report) == story


def test_vectorised_minhash_is_the_least_hash_of_each_slice() -> None:
    grams = shingles("Gunmen attacked a checkpoint near the town on Monday, officials said.")
    count = 16
    expected = [
        min(
            int.from_bytes(hashlib.shake_128(g.encode()).digest(4 * count)[4 * i : 4 * i + 4])
            for g in grams
        )
        for i in range(count)
    ]
    assert list(minhash(grams, count)) == expected
    assert minhash(set(), count) == ()


DATED = """date 2024-06-02
outlet: First Wire

GOMA — Fighting between the Congolese army and M23 rebels near Sake killed at least
12 civilians on Saturday, local officials said.
"""

DATED_NEXT_DAY = """date 2024-06-03
outlet: Second Wire

Congo's army says it fought M23 rebels again near Sake on Sunday. Officials in North Kivu
said 4 more civilians were killed in the crossfire.
"""

UNDATED_DAYTON = """outlet: City Desk

DAYTON, Ohio — A man was shot and wounded outside a bar in Dayton, police said. The
gunman fled in a car and officers are looking for him.
"""

UNDATED_TULSA = """outlet: Metro Desk

TULSA, Okla. — Two people were wounded when a gunman opened fire at a bus stop in Tulsa,
police said. A suspect was arrested later.
"""


def reports():
    texts = [DATED, UNDATED_DAYTON, DATED_NEXT_DAY, UNDATED_TULSA]
    return [read_text_report(t, f"r{n}.txt") for n, t in enumerate(texts)]


def stored_episodes(store: Store) -> dict[str, tuple[str, ...]]:
    return {e.id: tuple(sorted(e.event_ids)) for e in store.iter_episodes()}


def test_the_store_and_the_in_memory_run_give_the_same_episodes(tmp_path: Path, extractor) -> None:
    with Store(tmp_path / "s.db") as store:
        ingest_reports(store, reports(), extractor=extractor)
        stored = stored_episodes(store)
    run = CorpusRun(extractor)
    for _ in run.documents(reports()):
        pass
    in_memory = {p.id: tuple(sorted(p.event_ids)) for p in run.episodes()}
    assert stored == in_memory
    assert len(stored) == 3  # the battle near Sake; Dayton and Tulsa apart


def test_a_batch_rebuilds_episodes_as_one_report_at_a_time_does(tmp_path: Path, extractor) -> None:
    extractions = list(extractor.extract(reports()))
    with Store(tmp_path / "batch.db") as store:
        ReportWriter(store).write_all(extractions)
        batch = [e.to_dict() for e in store.iter_episodes()]
    with Store(tmp_path / "steps.db") as store:
        writer = ReportWriter(store)
        for extraction in extractions:
            writer.write(extraction)
        steps = [e.to_dict() for e in store.iter_episodes()]
    assert batch == steps and batch
