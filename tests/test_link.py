"""Event linking across reports, near-duplicate detection and event building."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from sitrep.link import (
    DuplicateDetector,
    EventTerms,
    LinkConfig,
    Linker,
    MemoryFrameIndex,
    StoreFrameIndex,
    TermStats,
    build_event,
    default_event_types,
    link_settings,
    load_event_types,
    split_checkpoints,
    two_groups,
)
from sitrep.models import (
    Actor,
    Claim,
    DateSpan,
    EventFrame,
    Extraction,
    Place,
    Quantity,
    Report,
    SourcedClaim,
    content_id,
)

KUNAR = Place("Kunar", "AFG", "Kunar", 34.9, 71.1, "admin1")
ASADABAD = Place("Asadabad", "AFG", "Kunar", 34.87, 71.15, "city")
KURRAM = Place("Kurram", "PAK", "Khyber Pakhtunkhwa", 33.8, 70.1, "district")
KABUL = Place("Kabul", "AFG", "Kabul", 34.53, 69.17, "city")
GOMA = Place("Goma", "COD", "North Kivu", -1.68, 29.22, "city")
AFGHANISTAN = Place("Afghanistan", "AFG", None, 33.9, 67.7, "country")
PAK_ARMY = Actor("Pakistani troops", "Military Forces of Pakistan", "PAK", "state_forces")
TALIBAN = Actor("Taliban fighters", "Islamic Emirate of Afghanistan", "AFG", "armed_group")
M23 = Actor("M23 rebels", "M23", "COD", "armed_group")

CLASH_TERMS = ("clash", "border", "outpost", "kunar", "pakistani", "taliban", "artillery", "night")
STRIKE_TERMS = ("airstrike", "kabul", "market", "jet", "explosion", "pakistan", "retaliation")
GOMA_TERMS = ("goma", "m23", "rebel", "shelling", "lake", "kivu", "displace", "camp")


def frame(
    report: str,
    type_: str = "armed_clash",
    *,
    key: int = 0,
    day: date | None = None,
    published: date | None = None,
    places: tuple[Place, ...] = (KUNAR,),
    actors: tuple[Actor, ...] = (PAK_ARMY, TALIBAN),
    terms: tuple[str, ...] = CLASH_TERMS,
    primary: bool = True,
) -> EventFrame:
    return EventFrame(
        report_id=report,
        key=key,
        type=type_,
        trigger=type_,
        start=0,
        end=10,
        date=DateSpan(day, day) if day else None,
        places=places,
        actors=actors,
        published=published,
        terms=terms,
        primary=primary,
    )


OCT11 = date(2025, 10, 11)


def mixed_stream() -> list[EventFrame]:
    """Three clash reports, a background strike in two of them, a Goma event and its copy,
    a later clash in the same place and an undated report."""
    return [
        frame("a", day=OCT11, published=OCT11 + timedelta(1)),
        frame(
            "a",
            "air_strike",
            key=1,
            day=date(2025, 10, 9),
            places=(KABUL,),
            actors=(PAK_ARMY,),
            terms=STRIKE_TERMS,
            primary=False,
        ),
        frame("b", published=OCT11 + timedelta(1), places=(ASADABAD, KUNAR)),
        frame(
            "b",
            "explosion",
            key=1,
            day=date(2025, 10, 9),
            places=(KABUL,),
            actors=(PAK_ARMY,),
            terms=STRIKE_TERMS,
            primary=False,
        ),
        frame(
            "g1",
            "shelling",
            day=date(2025, 10, 11),
            places=(GOMA,),
            actors=(M23,),
            terms=GOMA_TERMS,
        ),
        frame("c", "shelling", day=OCT11, places=(KUNAR, KURRAM), terms=(*CLASH_TERMS, "mortar")),
        frame(
            "g2",
            "shelling",
            day=date(2025, 10, 12),
            places=(GOMA,),
            actors=(M23,),
            terms=GOMA_TERMS,
        ),
        frame("later", day=date(2025, 10, 20), published=date(2025, 10, 20)),
        frame("undated", places=(ASADABAD,), terms=(*CLASH_TERMS[:6], "posts")),
    ]


def test_incremental_linking_equals_batch_and_fresh_instances():
    frames = mixed_stream()
    batch = Linker().add_all(frames)
    one_by_one_linker = Linker()
    one_by_one = {f.id: one_by_one_linker.add(f) for f in frames}
    shared = MemoryFrameIndex()
    fresh = {f.id: Linker(shared).add(f) for f in frames}
    assert batch == one_by_one == fresh
    assert len(set(batch.values())) == 4  # clash, background strike, Goma, the later clash


def test_clash_reports_link_and_background_events_form_their_own_event():
    frames = mixed_stream()
    events = Linker().add_all(frames)
    by_report = {(f.report_id, f.key): events[f.id] for f in frames}
    clash = by_report["a", 0]
    assert by_report["b", 0] == clash  # publication date and places agree
    assert by_report["c", 0] == clash  # shelling ~ armed clash, same day and province
    assert by_report["undated", 0] == clash  # no date at all: places, actors and terms decide
    strike = by_report["a", 1]
    assert strike != clash and by_report["b", 1] == strike  # air strike ~ explosion
    assert by_report["g1", 0] == by_report["g2", 0] != clash
    assert by_report["later", 0] != clash
    assert clash == content_id("e", frames[0].id)  # the first frame names a new event


def test_same_countries_same_type_days_apart_stay_distinct():
    first = frame("r1", day=date(2025, 10, 11))
    second = frame("r2", day=date(2025, 10, 16))  # identical except the date
    linker = Linker()
    assert linker.add(first) != linker.add(second)
    assert linker.evidence(first, second).blocked == "dates 5 days apart"
    # an undated report of the first event does not bridge the two
    bridged = Linker()
    e1 = bridged.add(first)
    assert bridged.add(frame("undated", published=None)) == e1
    assert bridged.add(second) != e1
    near = frame("r3", day=date(2025, 10, 12))
    assert linker.add(near) == linker.add(frame("r4", day=date(2025, 10, 11)))


def test_reports_of_one_place_on_successive_days_do_not_chain():
    linker = Linker()
    days = [date(2025, 10, d) for d in (11, 12, 13, 14)]
    events = [linker.add(frame(f"r{d.day}", day=d)) for d in days]
    assert events[0] == events[1]  # a two-day battle
    assert events[2] != events[0]  # would stretch the event to three days
    assert events[3] == events[2]


def test_different_types_of_one_family_link_only_within_a_battle_day():
    linker = Linker()
    clash = frame("r1", day=date(2025, 10, 11))
    shelling_next_day = frame("r2", "shelling", day=date(2025, 10, 12))
    shelling_two_days = frame("r3", "shelling", day=date(2025, 10, 13))
    assert linker.evidence(clash, shelling_next_day).linkable
    assert not linker.evidence(clash, shelling_two_days).linkable
    protest = frame("r4", "protest", day=date(2025, 10, 11))
    incompatible = linker.evidence(clash, protest).parts["type"]
    same_family = linker.evidence(clash, shelling_next_day).parts["type"]
    same_type = linker.evidence(clash, frame("r5", day=date(2025, 10, 12))).parts["type"]
    assert incompatible < same_family < same_type


def test_undated_reports_link_by_place_actor_and_terms_and_not_without_them():
    linker = Linker()
    first = linker.add(frame("r1", places=(ASADABAD,)))
    assert linker.add(frame("r2", places=(ASADABAD, KUNAR))) == first
    unrelated = frame("r3", places=(GOMA,), actors=(M23,), terms=GOMA_TERMS)
    assert linker.add(unrelated) != first


def test_frames_of_one_report_never_share_an_event():
    linker = Linker()
    e1 = linker.add(frame("same", key=0, day=OCT11))
    e2 = linker.add(frame("same", key=1, day=OCT11))
    assert e1 != e2
    # a third report like both joins one of them, and the report's frames stay apart
    assert linker.add(frame("other", day=OCT11)) in {e1, e2}
    # a report whose first frame joined an event cannot put a second frame there as well
    fresh = Linker()
    event = fresh.add(frame("first", day=OCT11))
    assert fresh.add(frame("second", key=0, day=OCT11)) == event
    assert fresh.add(frame("second", key=1, day=OCT11)) != event


def test_re_adding_a_frame_changes_nothing():
    linker = Linker()
    f = frame("r1", day=OCT11)
    event = linker.add(f)
    linker.add(frame("r2", day=OCT11))
    assert linker.add(f) == event


def test_memory_index_cost_is_bounded():
    config = LinkConfig(bucket_size=8, candidate_limit=20, signature_terms=5)
    index = MemoryFrameIndex(config)
    linker = Linker(index, config=config)
    for i in range(300):
        linker.add(frame(f"r{i}", day=OCT11, terms=(*CLASH_TERMS, f"word{i}")))
    candidates = list(index.candidates(frame("query", day=OCT11)))
    assert 0 < len(candidates) <= 20
    assert len(index) == 300


class FakeStore:
    """The two Store calls StoreFrameIndex makes, over a list of linked frames."""

    def __init__(self) -> None:
        self.links: dict[str, tuple[EventFrame, str]] = {}
        self.queries: list[dict[str, object]] = []

    def add_frame(self, f: EventFrame) -> None:
        self.links[f.id] = (f, "")

    def assign_frames(self, pairs):
        for frame_id, event_id in pairs:
            self.links[frame_id] = (self.links[frame_id][0], event_id)

    def frames_of_event(self, event_id):
        return [f for f, e in self.links.values() if e == event_id]

    def event_of_frame(self, frame_id):
        return self.links[frame_id][1] if frame_id in self.links else None

    def linked_frames(self, *, date_from, date_to, countries, limit=200):
        self.queries.append({"date_from": date_from, "date_to": date_to})
        found = []
        for f, event_id in self.links.values():
            if not event_id or not (f.countries & set(countries)):
                continue
            day = f.date.start if f.date else f.published
            if date_from is None:
                if day is None:
                    found.append((f, event_id))
            elif day is not None and date_from <= day <= date_to:
                found.append((f, event_id))
        return found[:limit]


def test_store_index_links_across_sessions():
    store = FakeStore()
    frames = [
        frame("s1", day=OCT11),
        frame("s2", places=(KUNAR,)),  # no date: found among this session's frames
        frame("s3", day=date(2025, 10, 25)),
        frame("s4", published=date(2025, 10, 12)),  # found through the store's date window
    ]
    for f in frames:
        store.add_frame(f)
    first_session = Linker(StoreFrameIndex(store))
    e1 = first_session.add(frames[0])
    e2 = first_session.add(frames[1])
    second_session = Linker(StoreFrameIndex(store))  # nothing in memory, only the store
    e3 = second_session.add(frames[2])
    e4 = second_session.add(frames[3])
    assert e1 == e2 == e4 != e3
    assert store.links[frames[1].id][1] == e1
    dated = [q for q in store.queries if q["date_from"] is not None]
    assert dated[0] == {"date_from": OCT11 - timedelta(2), "date_to": OCT11 + timedelta(2)}
    assert any(q["date_from"] is None for q in store.queries)


def test_store_index_reads_an_earlier_event_s_terms_once():
    store = FakeStore()
    frames = [frame("t1", day=OCT11), frame("t2", day=OCT11), frame("t3", day=OCT11)]
    for f in frames:
        store.add_frame(f)
    first_session = Linker(StoreFrameIndex(store))
    event = first_session.add(frames[0])
    assert first_session.add(frames[1]) == event
    index = StoreFrameIndex(store)
    second_session = Linker(index)
    assert second_session.add(frames[2]) == event
    terms = index.event_terms(event)
    assert terms is not None and terms.frames == 3  # two read from the store, one added


# --- event term centroids -------------------------------------------------------------------


def test_event_terms_norm_follows_added_frames():
    stats = TermStats()
    for i, terms in enumerate([CLASH_TERMS, STRIKE_TERMS, GOMA_TERMS]):
        stats.observe(frame(f"n{i}", terms=terms))
    centroid = EventTerms()
    centroid.add(CLASH_TERMS)
    assert stats.centroid_cosine(stats.vector(CLASH_TERMS), centroid) == pytest.approx(1.0)
    centroid.add((*CLASH_TERMS[:4], "mortar", "mortar"))
    fresh = EventTerms()
    fresh.add(CLASH_TERMS)
    fresh.add((*CLASH_TERMS[:4], "mortar", "mortar"))
    epoch = stats.epoch
    assert centroid.norm(stats.idf, epoch) == pytest.approx(fresh.norm(stats.idf, epoch))
    assert centroid.frames == 2 and centroid.tf["mortar"] > centroid.tf["night"]


def test_idf_by_document_frequency_follows_every_report_seen():
    stats = TermStats()
    stats.observe(frame("a", terms=CLASH_TERMS))
    stats.observe(frame("b", terms=STRIKE_TERMS))

    def expected(term: str) -> float:
        return math.log((stats.documents + 1) / (stats.df.get(term, 0) + 1)) + 1.0

    terms = [*CLASH_TERMS, "never-seen"]
    assert stats.idfs(terms) == [expected(t) for t in terms]
    before = stats.idf(CLASH_TERMS[0])
    stats.observe(frame("c", terms=GOMA_TERMS))  # one more report: every weight changes
    assert stats.idf(CLASH_TERMS[0]) == expected(CLASH_TERMS[0]) != before
    assert stats.idfs([]) == [] and stats.idfs(["never-seen"]) == [expected("never-seen")]


def test_centroid_cosine_and_norm_equal_their_definitions_exactly():
    stats = TermStats()
    for i, terms in enumerate([CLASH_TERMS, STRIKE_TERMS, GOMA_TERMS]):
        stats.observe(frame(f"d{i}", terms=terms))
    centroid = EventTerms()
    centroid.add(CLASH_TERMS)
    centroid.add((*STRIKE_TERMS, *CLASH_TERMS[:3]))
    weights, norm = stats.vector((*CLASH_TERMS, "goma"))
    dot = sum(w * centroid.tf[t] * stats.idf(t) for t, w in weights.items() if t in centroid.tf)
    centroid_norm = math.sqrt(sum((w * stats.idf(t)) ** 2 for t, w in centroid.tf.items()))
    assert stats.centroid_cosine((weights, norm), centroid) == dot / (norm * centroid_norm)
    slow = EventTerms()
    slow.add(CLASH_TERMS)
    slow.add((*STRIKE_TERMS, *CLASH_TERMS[:3]))
    assert slow.norm(stats.idf, 7) == centroid.norm(stats.idf, 7, many=stats.idfs)
    stats.observe(frame("d3", terms=("clash", "goma")))  # the idf of the dot changes too
    again = stats.centroid_cosine((weights, norm), centroid)
    assert again != dot / (norm * centroid_norm)


def look_alike_stream() -> tuple[list[EventFrame], EventFrame, EventFrame, EventFrame]:
    """Event A: five reports sharing four words, four of them with words of their own and the
    fifth (the odd one) with four words of a side story; event B: one report. The query
    shares the side story with A's odd report and fewer words with B's report."""
    core = ("clash", "outpost", "artillery", "night")
    side = ("wedding", "guest", "music", "tent")
    event_a = [
        frame(f"a{i}", day=OCT11, terms=(*core, f"own{i}x", f"own{i}y", f"own{i}z"))
        for i in range(4)
    ]
    odd = frame("a4", day=OCT11, terms=(*side, *core))
    event_b = frame("b", day=OCT11, terms=("bride", "dance", "wedding", "song", "hall", "veil"))
    filler = [
        frame(f"x{i}", day=date(2025, 9, 1), places=(GOMA,), actors=(M23,), terms=GOMA_TERMS)
        for i in range(20)
    ]
    query = frame("q", day=OCT11, terms=(*side, "bride", "dance"))
    return [*filler, *event_a, odd, event_b], odd, event_b, query


def test_a_frame_joins_the_event_it_matches_as_a_whole_not_its_closest_report():
    def link(config: LinkConfig) -> tuple[str, str, str]:
        stream, odd, event_b, query = look_alike_stream()
        linker = Linker(config=config)
        events = linker.add_all(stream)
        assert events[odd.id] == events[stream[-3].id] != events[event_b.id]
        return events[odd.id], events[event_b.id], linker.add(query)

    event_a, event_b, joined = link(LinkConfig())
    assert joined == event_b
    # scored against single reports, the query would follow A's odd report
    event_a, _, joined = link(LinkConfig(event_terms_share=0.0))
    assert joined == event_a


def test_provinces_that_differ_count_against_a_link():
    north = Place("North Kivu", "COD", None, -0.8, 29.0, "admin1")
    south = Place("South Kivu", "COD", None, -3.0, 28.5, "admin1")
    linker = Linker()
    a = frame("k1", "shelling", day=OCT11, places=(GOMA,), actors=(M23,), terms=GOMA_TERMS)
    b = frame("k2", "shelling", day=OCT11, places=(south,), actors=(M23,), terms=GOMA_TERMS)
    c = frame("k3", "shelling", day=OCT11, places=(north,), actors=(M23,), terms=GOMA_TERMS)
    assert linker.evidence(a, b).parts["place"] == LinkConfig().different_admin1 < 0
    assert linker.evidence(a, c).parts["place"] == LinkConfig().same_admin1


def test_place_evidence_compares_with_all_the_event_s_places():
    linker = Linker()
    first = frame("p1", day=OCT11, places=(ASADABAD,))
    second = frame("p2", day=OCT11, places=(KURRAM,))
    query = frame("p3", day=OCT11, places=(ASADABAD,))
    together = linker.event_evidence(query, [first, second])
    assert together.parts["place"] == LinkConfig().same_place
    assert linker.evidence(query, second).parts["place"] == LinkConfig().different_places


def test_nearby_towns_do_not_count_against_a_link_when_asked():
    chaman = Place("Chaman", "PAK", "Balochistan", 30.92, 66.45, "city")
    spin_boldak = Place("Spin Boldak", "AFG", "Kandahar", 31.01, 66.40, "district")  # ~11 km
    quetta = Place("Quetta", "PAK", "Balochistan", 30.18, 66.99, "city")  # ~100 km
    a, b, c = (
        frame(f"n{i}", day=OCT11, places=(p,)) for i, p in enumerate((chaman, spin_boldak, quetta))
    )
    default, near = Linker(), Linker(config=LinkConfig(near_km=30.0))
    assert default.evidence(a, b).parts["place"] == LinkConfig().different_places  # off by default
    assert near.evidence(a, b).parts["place"] == 0.0
    assert near.evidence(a, c).parts["place"] == LinkConfig().different_places


def test_report_terms_weigh_names_numbers_and_the_headline():
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc, Span

    from sitrep.nlp.frames import HEADLINE_PREFIX, NAME_PREFIX, report_terms

    words = ["Rebels", "shell", "Goma", ".", "M23", "rebels", "shelled", "Goma", "killing", "12"]
    lemmas = ["rebel", "shell", "Goma", ".", "M23", "rebel", "shell", "Goma", "kill", "12"]
    pos = ["NOUN", "VERB", "PROPN", "PUNCT", "PROPN", "NOUN", "VERB", "PROPN", "VERB", "NUM"]
    starts = [True, False, False, False, True, False, False, False, False, False]
    doc = Doc(spacy.blank("en").vocab, words=words, lemmas=lemmas, pos=pos, sent_starts=starts)
    doc.ents = [
        Span(doc, 2, 3, "GPE"),
        Span(doc, 4, 5, "ORG"),
        Span(doc, 7, 8, "GPE"),
        Span(doc, 9, 10, "CARDINAL"),
    ]
    terms = report_terms(doc)
    # twice each, in order of first mention (a name before its lemma)
    assert terms[:4] == ("rebel", "shell", NAME_PREFIX + "goma", "goma")
    assert {NAME_PREFIX + "goma", NAME_PREFIX + "m23", NAME_PREFIX + "12"} <= set(terms)
    assert {HEADLINE_PREFIX + "rebel", HEADLINE_PREFIX + "goma"} <= set(terms)
    assert HEADLINE_PREFIX + "kill" not in terms  # only the first sentence is the headline
    second_sentence = report_terms(doc, [doc[4:10]])
    assert not any(t.startswith(HEADLINE_PREFIX) for t in second_sentence)
    assert NAME_PREFIX + "m23" in second_sentence and NAME_PREFIX + "goma" in second_sentence


def test_report_terms_give_the_month_of_dates_of_at_most_a_month():
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc

    from sitrep.nlp.frames import MONTH_PREFIX, report_terms

    words = ["Goma", "was", "shelled", "on", "3", "May", ".", "Talks", "failed", "in", "2024"]
    starts = [True, False, False, False, False, False, False, True, False, False, False]
    doc = Doc(spacy.blank("en").vocab, words=words, sent_starts=starts)
    may_3 = DateSpan(date(2025, 5, 3), date(2025, 5, 3))
    last_week = DateSpan(date(2025, 4, 28), date(2025, 5, 4), "week")
    year = DateSpan(date(2024, 1, 1), date(2024, 12, 31), "year")
    offsets = {w.text: w.idx for w in doc}
    dates = [(offsets["3"], may_3), (offsets["2024"], year), (offsets["shelled"], last_week)]
    terms = report_terms(doc, dates=dates)
    assert MONTH_PREFIX + "2025-05" in terms  # both the day and the week began in May
    assert MONTH_PREFIX + "2025-04" in terms
    assert not any(t.startswith(MONTH_PREFIX + "2024") for t in terms)  # a whole year: no month
    second_sentence = report_terms(doc, [doc[7:11]], dates)
    assert not any(t.startswith(MONTH_PREFIX) for t in second_sentence)  # dates outside it


# --- near-duplicates ----------------------------------------------------------------------

WIRE = (
    "Fighting broke out overnight along the border near the crossing, officials said on "
    "Sunday, after troops on both sides exchanged fire for several hours. A military "
    "spokesman said eleven soldiers were killed and fourteen wounded, while the other side "
    "said it had destroyed three outposts. Traders said the crossing remained closed and "
    "hundreds of trucks were waiting on the road. Residents of nearby villages described "
    "heavy artillery fire through the night and said several houses were damaged. The "
    "district hospital received the wounded before dawn, a doctor there said."
)


def test_syndicated_copy_is_detected_and_distinct_text_is_not():
    detector = DuplicateDetector()
    assert detector.add("wire", WIRE) is None
    copy = "UPDATE: " + WIRE.replace("on Sunday", "on Sunday morning") + " Distributed by Wire."
    assert detector.check("copy", copy) == "wire"
    assert detector.add("copy", copy) == "wire"
    copy_of_copy = copy + " Share this story."
    assert detector.check("copy2", copy_of_copy) == "wire"  # resolves to the original
    rewritten = (
        "Officials said eleven soldiers died when clashes erupted at the frontier overnight. "
        "The other side claimed three posts were destroyed; trade through the crossing was "
        "suspended and lorries queued for miles while villagers reported damaged homes."
    )
    assert detector.check("other", rewritten) is None
    assert detector.check("wire", WIRE) is None  # a report is not a copy of itself
    assert detector.check("empty", "   ") is None
    restarted = DuplicateDetector()  # e.g. signatures kept in the store
    restarted.load("wire", detector.signature(WIRE))
    assert restarted.check("copy", copy) == "wire"


def test_syndicated_copy_counts_once_in_the_event_figures():
    detector = DuplicateDetector()
    detector.add("wire", WIRE)
    original_of_copy = detector.add("copy", "Latest: " + WIRE)

    def sc(report: str, outlet: str, original: str | None) -> SourcedClaim:
        claim = Claim(
            report,
            "killed",
            Quantity(11, "exact", 11, 11, "eleven"),
            PAK_ARMY,
            Actor("a military spokesman", "Military Forces of Pakistan", "PAK", "state_forces"),
            "A military spokesman said eleven soldiers were killed.",
            0,
            50,
            20,
            26,
        )
        return SourcedClaim(claim, f"{report}.txt", outlet, OCT11, original=original)

    claims = [sc("wire", "Wire", None), sc("copy", "Reprint", original_of_copy)]
    event = build_event("e-1", [frame("wire", day=OCT11), frame("copy", day=OCT11)], claims)
    (figure,) = event.figures
    assert figure.groups[0].reports == 1
    assert len(figure.groups[0].claim_ids) == 2


# --- building events ----------------------------------------------------------------------


def test_build_event_merges_frames():
    frames = [
        frame("a", "shelling", day=date(2025, 10, 12), places=(KUNAR, ASADABAD), primary=False),
        frame("b", day=OCT11, places=(AFGHANISTAN, KUNAR)),
        frame("c", day=date(2025, 10, 12), places=(KURRAM,), actors=(TALIBAN,)),
    ]
    event = build_event("e-x", frames, [], sources={"a": "a.txt", "b": "b.txt"})
    assert event.type == "armed_clash"  # two primary votes beat one background vote
    assert (event.date_start, event.date_end) == (OCT11, date(2025, 10, 12))
    assert [p.name for p in event.places] == ["Asadabad", "Kurram", "Kunar", "Afghanistan"]
    assert [a.country for a in event.actors] == ["PAK", "AFG"]
    assert event.report_ids == ("a", "b", "c") and event.sources == ("a.txt", "b.txt")
    assert event.frame_ids == tuple(f.id for f in frames)


def test_build_event_falls_back_to_publication_dates():
    frames = [frame("a", published=date(2025, 3, 2)), frame("b", published=date(2025, 3, 4))]
    event = build_event("e-y", frames, [])
    assert (event.date_start, event.date_end) == (date(2025, 3, 2), date(2025, 3, 4))


def test_bundled_taxonomy_is_complete():
    taxonomy = default_event_types()
    expected = {
        "armed_clash",
        "air_strike",
        "drone_strike",
        "shelling",
        "explosion",
        "attack_on_civilians",
        "abduction",
        "arrest",
        "border_closure",
        "strategic_development",
        "protest",
        "other",
    }
    assert set(taxonomy.types) == expected
    assert taxonomy.relation("armed_clash", "air_strike") == "family"
    assert taxonomy.relation("protest", "shelling") == "incompatible"
    assert taxonomy.relation("other", "other") == "other"
    assert "close border" in taxonomy.types["border_closure"].phrases
    assert taxonomy.types["shelling"].acled_sub_event_type == "Shelling/artillery/missile attack"


def test_malformed_taxonomy_is_a_clear_error(tmp_path):
    bad = tmp_path / "event_types.toml"
    bad.write_text('[types.riot]\nfamily = "nowhere"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unknown family 'nowhere'"):
        load_event_types(bad)
    bad.write_text("not toml = = =", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read event types"):
        load_event_types(bad)


# --- event splits ---------------------------------------------------------------------------

GOMA_SHARED = ("goma", "m23", "rebel", "shelling", "kivu", "displace")
NDOSHO = ("ndosho", "hospital", "twelve", "tuesday", "ward", "patient")
MUGUNGA = ("mugunga", "camp", "thirty", "friday", "tent", "market")


def look_alike_events() -> tuple[list[EventFrame], list[EventFrame]]:
    """Two undated shelling events in Goma reported in turns: their shared words are enough
    for the first reports to merge, their own words set them apart."""

    def reports(prefix: str, own_words: tuple[str, ...]) -> list[EventFrame]:
        return [
            frame(
                f"{prefix}{i}",
                "shelling",
                places=(GOMA,),
                actors=(M23,),
                terms=(*GOMA_SHARED, *own_words, f"{prefix}{i}"),
            )
            for i in range(6)
        ]

    return reports("nd", NDOSHO), reports("mu", MUGUNGA)


def interleaved(a: list[EventFrame], b: list[EventFrame]) -> list[EventFrame]:
    return [f for pair in zip(a, b, strict=True) for f in pair]


def test_two_groups_finds_the_two_stories_and_their_ratio():
    stats = TermStats()
    ndosho, mugunga = look_alike_events()
    vectors = [stats.vector(f.terms) for f in interleaved(ndosho, mugunga)]
    first, second, ratio = two_groups(vectors, 3)
    assert sorted([first, second]) == [[0, 2, 4, 6, 8, 10], [1, 3, 5, 7, 9, 11]]
    assert ratio < 0.6
    alike = [stats.vector(f.terms) for f in ndosho]
    found = two_groups(alike, 3)
    assert found is None or found[2] > 0.8  # one story: any split is as alike across as within
    assert two_groups(vectors[:5], 3) is None  # too few to make two groups of three


def test_split_checkpoints_grow_by_a_quarter_up_to_the_limit():
    sizes = sorted(split_checkpoints(4, 64))
    assert sizes[0] == 8 and sizes[-1] <= 64
    assert all(later >= 1.25 * earlier - 1 for earlier, later in pairwise(sizes))
    assert split_checkpoints(4, 7) == frozenset()


def test_look_alike_events_merged_by_their_first_reports_are_split_later():
    ndosho, mugunga = look_alike_events()
    stream = interleaved(ndosho, mugunga)
    unsplit = Linker(config=LinkConfig(split_ratio=0.0))
    assert len({unsplit.add(f) for f in stream}) == 1  # the shared words merge them

    linker = Linker()
    linker.add_all(stream)
    events_of = {
        name: {linker.event_of(f.id) for f in group}
        for name, group in (("ndosho", ndosho), ("mugunga", mugunga))
    }
    assert len(events_of["ndosho"]) == len(events_of["mugunga"]) == 1
    assert events_of["ndosho"] != events_of["mugunga"]
    # the group holding the event's first report keeps its id; the split is reported once
    assert events_of["ndosho"] == {content_id("e", ndosho[0].id)}
    split = (content_id("e", ndosho[0].id), content_id("e", mugunga[0].id))
    assert linker.take_regrouped() == [split]
    assert linker.take_regrouped() == []

    later = frame(
        "mu-late", "shelling", places=(GOMA,), actors=(M23,), terms=(*GOMA_SHARED, *MUGUNGA)
    )
    assert linker.add(later) == content_id("e", mugunga[0].id)  # joins the right side


def test_splits_are_the_same_one_report_at_a_time_and_through_the_store():
    ndosho, mugunga = look_alike_events()
    stream = interleaved(ndosho, mugunga)
    batch = Linker()
    batch.add_all(stream)
    one_by_one = Linker()
    for f in stream:
        one_by_one.add(f)
    store = FakeStore()
    for f in stream:
        store.add_frame(f)
    stored = Linker(StoreFrameIndex(store))
    for f in stream[:6]:
        stored.add(f)
    resumed = Linker(StoreFrameIndex(store))  # a second session counts the stored reports
    for f in stream[6:]:
        resumed.add(f)
    expected = {f.id: batch.event_of(f.id) for f in stream}
    assert {f.id: one_by_one.event_of(f.id) for f in stream} == expected
    assert {f.id: store.links[f.id][1] for f in stream} == expected
    assert len(set(expected.values())) == 2


class ReplayExtractor:
    """Stands in for the spaCy extractor: each report gets the frame written for its file
    name ("nd0.txt": the frame of report "nd0"), re-keyed to the report's id."""

    def __init__(self, frames: list[EventFrame]) -> None:
        self.frames = {f.report_id: f for f in frames}

    def extract(self, reports):
        for report in reports:
            frame = self.frames[Path(report.source).stem]
            yield Extraction(report, frames=(replace(frame, report_id=report.id),))


def look_alike_reports() -> list[Report]:
    return [
        Report(source=f"{f.report_id}.txt", text=f"Shelling in Goma ({f.report_id}).")
        for f in interleaved(*look_alike_events())
    ]


def test_corpus_run_groups_events_after_a_split():
    from sitrep.process import CorpusRun

    run = CorpusRun(ReplayExtractor(interleaved(*look_alike_events())))
    documents = list(run.documents(look_alike_reports()))
    assert len(documents) == 12
    events = run.events()
    assert sorted(len(e.report_ids) for e in events) == [6, 6]
    for event in events:
        sources = {run.sources[report_id] for report_id in event.report_ids}
        assert len({s[:2] for s in sources}) == 1  # all nd* or all mu*


def test_a_split_in_the_store_rebuilds_both_events(tmp_path):
    from sitrep.process import ingest_reports
    from sitrep.store import Store

    extractor = ReplayExtractor(interleaved(*look_alike_events()))
    with Store(tmp_path / "split.db") as store:
        summary = ingest_reports(store, look_alike_reports(), extractor=extractor)
        assert summary.added == 12
        events = store.events(limit=10)["items"]
        assert sorted(e["n_reports"] for e in events) == [6, 6]
        for event in events:
            sources = {s["source"][:2] for s in store.event(event["id"])["sources"]}
            assert len(sources) == 1


# --- absorbing a report that arrived ahead of its event's coverage ------------------------

STORY_WORDS = ("goma", "m23", "shelling", "kivu")
FACETS = (
    ("hospital", "ward", "nurse"),
    ("camp", "tent", "displace"),
    ("market", "trader", "stall"),
    ("school", "pupil", "teacher"),
    ("lake", "boat", "shore"),
)


def early_and_coverage(early_type: str = "shelling") -> list[EventFrame]:
    """A first report that names four sides of a shelling briefly, then five reports that
    tell the lake side and (but the first) one other side at length: the first report is
    unlike any single later one, but like what they say together."""
    early_words = ("goma", "shelling", *(w for facet in FACETS[:4] for w in facet[:2]))
    early = frame("early", early_type, places=(GOMA,), actors=(M23,), terms=early_words)
    coverage = [
        frame(
            f"cov{i}",
            "shelling",
            places=(GOMA,),
            actors=(M23,),
            terms=(*STORY_WORDS, *FACETS[4], *(FACETS[4 - i] if i else ()), f"cov{i}"),
        )
        for i in range(5)
    ]
    return [early, *coverage]


def test_a_report_ahead_of_its_coverage_is_absorbed_once_the_coverage_gathers():
    stream = early_and_coverage()
    early, coverage = stream[0], stream[1:]
    never = Linker(config=LinkConfig(absorb_max_reports=0))
    never.add_all(stream)
    assert len({never.event_of(f.id) for f in stream}) == 2  # its own event, for good

    linker = Linker()
    assert linker.add(early) == content_id("e", early.id)
    events = {linker.add(f) for f in coverage}
    assert events == {content_id("e", coverage[0].id)}
    assert {linker.event_of(f.id) for f in stream} == events  # the first report moved over
    assert linker.take_regrouped() == [(content_id("e", early.id), content_id("e", coverage[0].id))]


def test_a_small_event_of_a_disagreeing_type_is_not_absorbed():
    stream = early_and_coverage(early_type="protest")  # the same words, another kind of event
    linker = Linker()
    linker.add_all(stream)
    assert linker.event_of(stream[0].id) != linker.event_of(stream[1].id)
    assert linker.take_regrouped() == []


def test_absorbing_is_the_same_one_report_at_a_time_and_through_the_store():
    stream = early_and_coverage()
    batch = Linker()
    batch.add_all(stream)
    store = FakeStore()
    for f in stream:
        store.add_frame(f)
    stored = Linker(StoreFrameIndex(store))
    stored.add_all(stream[:3])
    resumed = Linker(StoreFrameIndex(store))  # the rest in a second session
    resumed.add_all(stream[3:])
    expected = {f.id: batch.event_of(f.id) for f in stream}
    assert len(set(expected.values())) == 1
    assert {f.id: store.links[f.id][1] for f in stream} == expected


def test_an_absorbed_event_leaves_the_store(tmp_path):
    from sitrep.process import ingest_reports
    from sitrep.store import Store

    stream = early_and_coverage()
    reports = [Report(source=f"{f.report_id}.txt", text=f"Goma ({f.report_id}).") for f in stream]
    with Store(tmp_path / "absorb.db") as store:
        summary = ingest_reports(store, reports, extractor=ReplayExtractor(stream))
        events = store.events(limit=10)["items"]
        assert [e["n_reports"] for e in events] == [6]
        assert summary.events_touched == 1  # the absorbed event is no longer counted


def test_link_settings_read_each_field_as_its_type_and_name_bad_ones():
    config = link_settings(["near_km=15", " absorb_max_reports = 0 ", "threshold=0.25"])
    assert (config.near_km, config.absorb_max_reports, config.threshold) == (15.0, 0, 0.25)
    assert link_settings([], config) == config
    with pytest.raises(ValueError, match=r"FIELD one of .*near_km"):
        link_settings(["nearkm=15"])
    with pytest.raises(ValueError, match="'x' is not a number"):
        link_settings(["threshold=x"])
    with pytest.raises(ValueError, match="is not an integer"):
        link_settings(["absorb_max_reports=1.5"])


def test_look_alike_events_are_told_apart_by_names_dates_and_headlines():
    """Two emergency browser patches years apart, told in the same words: only the names,
    dates and headlines differ, and those are what the split compares."""
    shared = tuple(f"word{k}" for k in range(24))

    def story(prefix: str, names: tuple[str, ...], headline: tuple[str, ...]):
        return [
            frame(
                f"{prefix}{i}",
                "other",
                places=(),
                actors=(),
                terms=(*shared, *(f"e:{n}" for n in names), *(f"t:{w}" for w in headline)),
            )
            for i in range(6)
        ]

    older = story("dec", ("microsoft", "december_2008", "christopher_budd"), ("emergency", "patch"))
    newer = story("sep", ("microsoft", "september_2013", "dustin_childs"), ("zero_day", "fix"))
    stream = interleaved(older, newer)
    linker = Linker()
    linker.add_all(stream)
    stats = linker.index.term_stats
    by_all_terms = two_groups([stats.frame_vector(f) for f in stream], 5)
    assert by_all_terms is None or by_all_terms[2] >= LinkConfig().split_ratio  # words alone
    assert len({linker.event_of(f.id) for f in older}) == 1
    assert len({linker.event_of(f.id) for f in newer}) == 1
    assert linker.event_of(older[0].id) != linker.event_of(newer[0].id)


def test_an_undated_report_naming_a_day_months_away_stays_out_of_a_dated_event():
    from sitrep.link import months_fit, yearless_months
    from sitrep.link.index import YEARLESS_PREFIX

    linker = Linker()
    dated = linker.add(frame("r1", day=OCT11))
    december = frame("r2", terms=(*CLASH_TERMS, f"{YEARLESS_PREFIX}12"))
    assert yearless_months(december) == frozenset({12})
    assert linker.add(december) != dated
    october = frame("r3", terms=(*CLASH_TERMS, f"{YEARLESS_PREFIX}10"))
    assert linker.add(october) == dated
    assert linker.add(frame("r4")) == dated  # no day named: nothing refutes the link
    # a month fits a span in any year, and a span at a month's edge within the slack
    assert months_fit({12}, (date(2026, 1, 1), date(2026, 1, 2)), 2)
    assert not months_fit({12}, (date(2026, 1, 5), date(2026, 1, 6)), 2)
    assert months_fit((), (OCT11, OCT11), 0)


def test_undated_reports_naming_days_months_apart_do_not_link():
    from sitrep.link import months_meet
    from sitrep.link.index import YEARLESS_PREFIX

    linker = Linker()
    july = linker.add(frame("r1", terms=(*CLASH_TERMS, f"{YEARLESS_PREFIX}07")))
    december = frame("r2", terms=(*CLASH_TERMS, f"{YEARLESS_PREFIX}12"))
    assert linker.add(december) != july
    assert linker.add(frame("r3", terms=(*CLASH_TERMS, f"{YEARLESS_PREFIX}08"))) == july
    assert months_meet({12}, {1}) and months_meet({7}, ()) and not months_meet({7}, {12, 10})


def test_place_evidence_follows_a_frame_rebuilt_with_other_places():
    linker = Linker()
    other = frame("r2", places=(ASADABAD,))
    same_town = linker.evidence(frame("r1", places=(ASADABAD,)), other)
    elsewhere = frame("r1", places=(KABUL,))  # same id, other places: not the kept ones
    assert (
        linker.evidence(elsewhere, other).parts["place"]
        == (Linker().evidence(elsewhere, other).parts["place"])
    )
    assert linker.evidence(elsewhere, other).parts["place"] != same_town.parts["place"]
