"""A long ingest holds a bounded amount in memory: what the writer lets go of is read back
from the store, and the term statistics keep a fixed size."""

from __future__ import annotations

from pathlib import Path

import pytest

import bench_scripts
from sitrep.link import EpisodeGrouper, EventSketch
from sitrep.link.terms import SeenIds, TermStats
from sitrep.models import Extraction
from sitrep.process import ReportWriter
from sitrep.store import Store

synth = bench_scripts.load("synth")


class _Terms:
    """The two fields of a frame that ``TermStats.observe`` reads."""

    def __init__(self, report_id: str, terms: tuple[str, ...]) -> None:
        self.report_id = report_id
        self.terms = terms


# --- seen ids ---------------------------------------------------------------------------


def test_seen_ids_are_exact_before_the_filter_and_never_forget_after() -> None:
    seen = SeenIds(exact=50, bits=1 << 16, hashes=4)
    ids = [f"r-{n:012x}" for n in range(400)]
    assert not any(seen.add(i) for i in ids[:50])  # exact: each is new once
    assert all(seen.add(i) for i in ids[:50])
    for i in ids[50:]:
        seen.add(i)  # past the limit: held by the filter
    assert all(seen.add(i) for i in ids)  # no false negatives
    fresh = [f"x-{n}" for n in range(1000)]
    false_positives = sum(seen.add(i) for i in fresh)
    assert false_positives < 10  # 1,400 ids in 65,536 bits, 4 hashes: about 1 in 10,000


def test_term_stats_count_each_report_once() -> None:
    stats = TermStats()
    stats.observe(_Terms("r-1", ("shelling", "kharkiv")))
    stats.observe(_Terms("r-1", ("shelling", "kharkiv")))  # the same report, read again
    stats.observe(_Terms("r-2", ("shelling",)))
    assert stats.documents == 2
    assert stats.df["shelling"] == 2 and stats.df["kharkiv"] == 1


def test_term_stats_drop_the_rarest_terms_past_their_limit() -> None:
    stats = TermStats(max_terms=40)
    for n in range(200):
        # one word every report shares, one that every tenth report shares, one of its own
        stats.observe(_Terms(f"r-{n}", ("ceasefire", f"town{n % 10}", f"name{n}")))
    assert len(stats.df) <= 40
    assert stats.df["ceasefire"] == 200  # a frequent term keeps its exact count
    assert stats.df["town3"] >= 10
    assert stats.documents == 200


# --- the writer lets go of events and reads them back -----------------------------------


@pytest.fixture(scope="module")
def extractions(extractor) -> list[Extraction]:
    return list(extractor.extract(synth.generate_reports(90, seed=5)))


def _linked(store: Store) -> tuple[dict[str, str], set[frozenset[str]]]:
    events = {frame: event.id for event in store.iter_events() for frame in event.frame_ids}
    episodes = {frozenset(e.event_ids) for e in store.iter_episodes()}
    return events, episodes


def test_a_writer_that_forgets_after_every_report_links_as_one_that_keeps_all(
    tmp_path: Path, extractions: list[Extraction]
) -> None:
    with Store(tmp_path / "kept.db") as store:
        writer = ReportWriter(store)
        writer.write_all(extractions)
        assert writer.index.held() > 0 and writer.episodes.grouper.held() > 0
        kept = _linked(store)
    with Store(tmp_path / "forgot.db") as store:
        writer = ReportWriter(store, working_set=0)
        for extraction in extractions:
            writer.write(extraction)
            assert writer.index.held() == 0 and writer.episodes.grouper.held() == 0
        forgot = _linked(store)
    assert len(kept[0]) > 50 and len(kept[1]) > 10
    assert forgot == kept


def test_what_a_writer_holds_stays_near_its_working_set(
    tmp_path: Path, extractions: list[Extraction]
) -> None:
    with Store(tmp_path / "s.db") as store:
        writer = ReportWriter(store, working_set=12)
        held = []
        for start in range(0, len(extractions), 8):
            writer.write_all(extractions[start : start + 8])
            held.append(max(writer.index.held(), writer.episodes.grouper.held()))
    assert max(held) <= 12
    assert any(h > 0 for h in held)  # it holds events between the times it lets go


def test_a_grouper_forgets_only_once_its_merges_are_taken() -> None:
    grouper = EpisodeGrouper()
    grouper.regrouped.append(("p-old", "p-new"))
    with pytest.raises(ValueError, match="take_regrouped"):
        grouper.forget(_NoEpisodes())
    grouper.take_regrouped()
    grouper.forget(_NoEpisodes())
    assert grouper.held() == 0


class _NoEpisodes:
    """A sketch source with nothing stored."""

    def first_born(self) -> int:
        return 1

    def episode_of(self, event_id: str) -> str | None:
        return None

    def episode(self, episode_id: str) -> tuple[int | None, list[EventSketch]]:
        return None, []

    def bucket(self, kind: str, key: object) -> list[str]:
        return []
