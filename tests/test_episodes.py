"""Episodes: events grouped into one story, incrementally, with stable ids."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sitrep.link import (
    EpisodeConfig,
    EpisodeGrouper,
    EventSketch,
    build_episode,
    episode_settings,
    link_settings,
)
from sitrep.models import Actor, Claim, Event, EventFrame, Place, Quantity, SourcedClaim, content_id

JULY = date(2025, 7, 24)
BORDER = ("THA", "KHM")


def sketch(
    event_id: str,
    first: date | None = JULY,
    days: int = 1,
    *,
    countries: tuple[str, ...] = BORDER,
    provinces: tuple[tuple[str, str], ...] = (),
    reports: tuple[str, ...] = (),
    terms: tuple[str, ...] = (),
) -> EventSketch:
    span = (first, first + timedelta(days=days - 1)) if first is not None else None
    return EventSketch(
        id=event_id,
        span=span,
        countries=frozenset(countries),
        admin1s=frozenset((name.casefold(), country) for name, country in provinces),
        report_ids=frozenset(reports or (f"r-{event_id}",)),
        frame_terms=((f"f-{event_id}", terms),),
    )


def test_events_on_consecutive_days_of_one_theatre_are_one_episode() -> None:
    grouper = EpisodeGrouper()
    ids = [grouper.add(sketch(f"e{i}", JULY + timedelta(days=i))) for i in range(5)]
    assert len(set(ids)) == 1
    assert ids[0] == content_id("p", "e0")  # named after its first event
    assert grouper.events_of(ids[0]) == ["e0", "e1", "e2", "e3", "e4"]


def test_a_lull_longer_than_the_gap_starts_a_new_episode() -> None:
    grouper = EpisodeGrouper()
    first = grouper.add(sketch("e1", JULY))
    later = grouper.add(sketch("e2", JULY + timedelta(days=3)))
    assert first != later
    wider = EpisodeGrouper(EpisodeConfig(max_gap_days=3))
    assert wider.add(sketch("e1", JULY)) == wider.add(sketch("e2", JULY + timedelta(days=3)))


def test_different_theatres_stay_apart() -> None:
    grouper = EpisodeGrouper()
    border = grouper.add(sketch("e1"))
    elsewhere = grouper.add(sketch("e2", countries=("PAK",)))
    assert border != elsewhere


def test_provinces_part_one_country_but_not_a_border_war() -> None:
    quetta = sketch("e1", countries=("PAK",), provinces=(("Balochistan", "PAK"),))
    peshawar = sketch("e2", countries=("PAK",), provinces=(("Khyber Pakhtunkhwa", "PAK"),))
    grouper = EpisodeGrouper()
    assert grouper.add(quetta) != grouper.add(peshawar)
    by_country = EpisodeGrouper(EpisodeConfig(theatre="country"))
    assert by_country.add(quetta) == by_country.add(peshawar)
    surin = sketch("e3", provinces=(("Surin", "THA"),))
    oddar = sketch("e4", provinces=(("Oddar Meanchey", "KHM"),))
    assert grouper.add(surin) == grouper.add(oddar)  # both sides of one border war


def test_a_bridging_report_merges_two_episodes_and_the_older_id_stays() -> None:
    grouper = EpisodeGrouper()
    first = grouper.add(sketch("e1", JULY))
    second = grouper.add(sketch("e3", JULY + timedelta(days=2)))
    assert first != second
    assert grouper.add(sketch("e2", JULY + timedelta(days=1))) == first
    assert grouper.take_regrouped() == [(second, first)]
    assert grouper.episode_of("e3") == first
    assert not grouper.exists(second)
    assert grouper.take_regrouped() == []


def test_ids_stay_stable_as_reports_arrive_and_events_change() -> None:
    grouper = EpisodeGrouper()
    episode = grouper.add(sketch("e1", JULY))
    for i in range(2, 6):
        assert grouper.add(sketch(f"e{i}", JULY + timedelta(days=i - 1))) == episode
    # an event grows (another report joined it): same episode, not added twice
    assert grouper.add(sketch("e1", JULY, days=2, reports=("r-e1", "r-x"))) == episode
    assert grouper.events_of(episode).count("e1") == 1
    assert len(grouper) == 1


def test_undated_and_unplaced_mentions_belong_to_their_reports_story() -> None:
    grouper = EpisodeGrouper()
    story = grouper.add(sketch("e1", reports=("r1",)))
    assert grouper.add(sketch("e2", None, countries=(), reports=("r1",))) == story
    # a dated mention of another time in the same report keeps its own episode
    assert grouper.add(sketch("e3", date(2025, 5, 28), reports=("r1",))) != story
    off = EpisodeGrouper(EpisodeConfig(same_report=0, text_threshold=0))
    kept = off.add(sketch("e1", reports=("r1",)))
    assert off.add(sketch("e2", None, countries=(), reports=("r1",))) != kept


def test_an_undated_event_joins_the_episode_whose_words_it_shares() -> None:
    words = ("temple", "artillery", "ceasefire", "surin", "rocket", "border")
    grouper = EpisodeGrouper()
    story = grouper.add(sketch("e1", terms=words))
    grouper.add(sketch("e9", countries=("THA",), terms=("flood", "rain", "river", "dam")))
    assert grouper.add(sketch("e2", None, countries=("THA",), terms=words[:4])) == story
    unrelated = grouper.add(sketch("e3", None, countries=("THA",), terms=("election", "vote")))
    assert unrelated != story
    never = EpisodeGrouper(EpisodeConfig(text_threshold=0))
    alone = never.add(sketch("e1", terms=words))
    assert never.add(sketch("e2", None, countries=("THA",), terms=words)) != alone


def test_an_episode_never_spans_more_than_max_days() -> None:
    grouper = EpisodeGrouper(EpisodeConfig(max_days=10))
    ids = [grouper.add(sketch(f"e{i}", JULY + timedelta(days=i))) for i in range(25)]
    assert len(set(ids)) == 3
    assert ids[9] == ids[0] and ids[10] != ids[0]


def test_removing_the_last_event_drops_the_episode() -> None:
    grouper = EpisodeGrouper()
    episode = grouper.add(sketch("e1"))
    grouper.add(sketch("e2"))
    assert grouper.remove("e1") == episode and grouper.exists(episode)
    assert grouper.remove("e2") == episode and not grouper.exists(episode)
    assert grouper.remove("e2") is None


def test_loaded_episodes_keep_their_ids_and_older_wins_a_merge() -> None:
    grouper = EpisodeGrouper()
    grouper.load(sketch("e1", JULY), "p-old")
    grouper.load(sketch("e3", JULY + timedelta(days=2)), "p-new")
    assert grouper.add(sketch("e2", JULY + timedelta(days=1))) == "p-old"
    assert grouper.take_regrouped() == [("p-new", "p-old")]


def test_episode_settings_are_typed_and_bad_ones_name_the_fields() -> None:
    config = episode_settings(["max_gap_days=2", "theatre=country", "text_threshold=0.3"])
    assert (config.max_gap_days, config.theatre, config.text_threshold) == (2, "country", 0.3)
    with pytest.raises(ValueError, match=r"expected FIELD=VALUE, FIELD one of .*max_gap_days"):
        episode_settings(["max_gap=2"])
    with pytest.raises(ValueError, match="'x' is not an integer"):
        episode_settings(["max_days=x"])
    with pytest.raises(ValueError, match="choose one of auto, admin1, country"):
        episode_settings(["theatre=planet"])
    assert link_settings(["near_km=15"]).near_km == 15.0  # the linker's parser is unchanged


def _frame(report_id: str, day: date, places: tuple[Place, ...]) -> EventFrame:
    return EventFrame(report_id, 0, "armed_clash", "clash", 0, 10, None, places, (), (), day)


def test_sketch_of_an_event_and_build_episode() -> None:
    surin = Place("Surin", "THA", "Surin", 14.9, 103.5, "admin1")
    town = Place("Kap Choeng", "THA", "Surin", 14.5, 103.4, "city")
    frames = [_frame("r1", JULY, (surin,)), _frame("r2", JULY, (town,))]
    event = Event("e1", "armed_clash", JULY, JULY, (town, surin), (), ("f1",), ("r1", "r2"), ())
    made = EventSketch.of(event, frames)
    assert made.span == (JULY, JULY)
    assert made.countries == {"THA"} and ("surin", "THA") in made.admin1s
    assert made.report_ids == {"r1", "r2"}
    long = Event("e2", "armed_clash", JULY, JULY + timedelta(days=30), (), (), (), ("r3",), ())
    assert EventSketch.of(long, []).span is None  # a month says too little about when

    army = Actor("the Thai army", "Royal Thai Army", "THA", "state_forces")
    civilians = Actor("civilians", None, "THA", "civilians")
    claim = Claim(
        "r1", "killed", Quantity(9, "exact", 9, 9, "nine"), civilians, army, "s", 0, 1, 0, 1
    )
    later = Event(
        "e3", "shelling", JULY + timedelta(days=1), None, (surin,), (army,), (), ("r2",), ()
    )
    episode = build_episode(
        "p-1",
        [event, later],
        [SourcedClaim(claim, "a.txt", published=JULY)],
        sources={"r1": "a.txt", "r2": "b.txt"},
    )
    assert episode.event_ids == ("e1", "e3")
    assert (episode.date_start, episode.date_end) == (JULY, JULY + timedelta(days=1))
    assert episode.places[0].name == "Kap Choeng"  # most specific first
    assert episode.sources == ("a.txt", "b.txt")
    assert [(f.measure, f.best, f.grade) for f in episode.figures] == [("killed", 9, "admitted")]
    assert episode.to_dict()["events"] == ["e1", "e3"]


def test_an_undated_event_prefers_the_episode_that_holds_its_kind_of_event() -> None:
    from dataclasses import replace

    shared = ("train", "province", "army", "statement")
    grouper = EpisodeGrouper()
    strikes = grouper.add(
        replace(
            sketch("e1", countries=("PAK",), terms=(*shared, "jets")),
            types=frozenset({"air_strike"}),
        )
    )
    hijack = grouper.add(
        replace(
            sketch("e2", JULY + timedelta(days=9), countries=("PAK",), terms=(*shared, "jets")),
            types=frozenset({"abduction"}),
        )
    )
    undated = replace(
        sketch("e3", None, countries=("PAK",), terms=shared), types=frozenset({"abduction"})
    )
    assert grouper.add(undated) == hijack != strikes
    plain = EpisodeGrouper(EpisodeConfig(same_type_bonus=0.0))
    plain.add(
        replace(
            sketch("e1", countries=("PAK",), terms=(*shared, "jets")),
            types=frozenset({"air_strike"}),
        )
    )
    plain.add(
        replace(
            sketch("e2", JULY + timedelta(days=9), countries=("PAK",), terms=(*shared, "jets")),
            types=frozenset({"abduction"}),
        )
    )
    assert plain.add(undated) == content_id("p", "e1")  # a tie on words: the first found


class _Replay:
    """Stands in for the extractor: hands back extractions built by the test."""

    def __init__(self, extractions: list) -> None:
        self.extractions = extractions

    def extract(self, reports):
        wanted = {r.id for r in reports}
        return (x for x in self.extractions if x.report.id in wanted)


def test_a_toll_for_the_whole_story_belongs_to_the_episode_of_its_report() -> None:
    from sitrep.models import DateSpan, Extraction, Report
    from sitrep.process import CorpusRun

    text = "date 2025-07-26\nRockets hit Surin. The toll from three days of fighting rose to 32.\n"
    report = Report("story.txt", text, body_start=16, published=JULY + timedelta(days=2))
    army = Actor("the Thai army", "Royal Thai Army", "THA", "state_forces")
    thais = Actor("people", None, "THA", "civilians")
    at = text.index("32")

    def claim(value: int, start: int, frame: int | None) -> Claim:
        quantity = Quantity(value, "exact", value, value, str(value))
        return Claim(
            report.id, "killed", quantity, thais, army, text, 16, len(text), start, start + 2, frame
        )

    frame = EventFrame(
        report.id,
        0,
        "shelling",
        "hit",
        16,
        34,
        DateSpan(JULY, JULY),
        (Place("Surin", "THA"),),
        (army,),
        (),
        report.published,
        ("rockets", "surin"),
    )
    story_toll = claim(32, at, None)  # in no frame: about the whole story
    extraction = Extraction(report, (story_toll,), (), (), (frame,), (), "test")
    run = CorpusRun(_Replay([extraction]))  # type: ignore[arg-type]
    documents = [doc for _, doc in run.documents([report])]
    (episode,) = run.episodes()
    final = run.final_ids(documents[0])
    assert final["claims"][0]["event"] is None
    assert final["claims"][0]["episode"] == episode.id
    assert [(f.measure, f.best) for f in episode.figures] == [("killed", 32)]


def test_an_undated_event_naming_days_months_away_joins_no_dated_episode() -> None:
    grouper = EpisodeGrouper()
    july = grouper.add(sketch("e1", JULY, terms=("clash", "border", "temple")))
    words = ("clash", "border", "temple")
    december = EventSketch(
        id="e2",
        span=None,
        countries=frozenset(BORDER),
        admin1s=frozenset(),
        report_ids=frozenset({"r-e1"}),  # even a report of the July event
        frame_terms=(("f-e2", words),),
        months=frozenset({12}),
    )
    assert grouper.add(december) != july
    undated = sketch("e3", None, terms=words)
    assert grouper.add(undated) == july


def test_undated_events_of_one_report_naming_months_apart_are_two_stories() -> None:
    def undated(event_id: str, months: set[int]) -> EventSketch:
        return EventSketch(
            id=event_id,
            span=None,
            countries=frozenset(BORDER),
            admin1s=frozenset(),
            report_ids=frozenset({"r1"}),
            frame_terms=((f"f-{event_id}", ("clash", "border")),),
            months=frozenset(months),
        )

    grouper = EpisodeGrouper()
    first = grouper.add(undated("e1", {7}))
    assert grouper.add(undated("e2", {12})) != first
    assert grouper.add(undated("e3", {7, 8})) == first


def test_an_antecedent_event_is_not_its_reports_story_for_being_named() -> None:
    grouper = EpisodeGrouper()
    main = grouper.add(sketch("e1", JULY, reports=("r1",)))
    antecedent = EventSketch(
        id="e2",
        span=None,
        countries=frozenset(BORDER),
        admin1s=frozenset(),
        report_ids=frozenset({"r1"}),
        frame_terms=(("f-e2", ("skirmish", "soldier")),),
        months=frozenset({5}),
        antecedent=True,
    )
    assert grouper.add(antecedent) != main
    plain = sketch("e3", None, reports=("r1",))
    assert grouper.add(plain) == main  # a plain undated mention stays in its report's story


def test_words_alone_do_not_join_an_antecedent_and_a_story() -> None:
    def undated(event_id: str, report: str, months: set[int], *, antecedent: bool = False):
        return EventSketch(
            id=event_id,
            span=None,
            countries=frozenset(BORDER),
            admin1s=frozenset(),
            report_ids=frozenset({report}),
            frame_terms=((f"f-{event_id}", ("mine", "blast", "border", "soldier")),),
            months=frozenset(months),
            antecedent=antecedent,
        )

    grouper = EpisodeGrouper()
    blast = grouper.add(undated("e1", "r1", set(), antecedent=True))  # "on Wednesday"
    story = grouper.add(undated("e2", "r2", {7}))  # same words, another report's story
    assert story != blast
    may = grouper.add(undated("e3", "r3", {5}, antecedent=True))
    assert grouper.add(undated("e4", "r4", {5}, antecedent=True)) == may  # months agree
    assert grouper.add(undated("e5", "r5", {11}, antecedent=True)) != may
