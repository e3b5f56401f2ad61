"""Reconciliation per episode: each side's running toll, sums of parts, additions, grades."""

from __future__ import annotations

from datetime import date, timedelta

from sitrep.models import Actor, Claim, EpisodeFigure, Quantity, SourcedClaim
from sitrep.reconcile import current_entries, reconcile_episode

DAY = date(2025, 7, 24)
THAI_ARMY = Actor("the Thai army", "Royal Thai Army", "THA", "state_forces")
THAI_HEALTH = Actor("the health ministry", "Ministry of Public Health", "THA", "government")
KHM_MINISTRY = Actor(
    "Cambodia's defence ministry", "Ministry of National Defence", "KHM", "government"
)
RED_CROSS = Actor("the Red Cross", "International Committee of the Red Cross", None, "organization")
OUTLET = Actor("", None, None, "media")
USA = Actor("Washington", "United States", "USA", "government")
THAI_CIVILIANS = Actor("civilians", None, "THA", "civilians")
THAI_SOLDIERS = Actor("soldiers", None, "THA", "state_forces")
KHM_CIVILIANS = Actor("civilians", None, "KHM", "civilians")

_counter = iter(range(10_000))


def said(
    claimant: Actor,
    victim: Actor,
    value: int | None,
    *,
    days: int = 0,
    report: str | None = None,
    measure: str = "killed",
    qualifier: str = "exact",
    toll: str | None = None,
    part_of: int | None = None,
    sentence: str = "",
    at: int | None = None,
    as_of: date | None = None,
) -> SourcedClaim:
    """A claim as reported ``days`` after the first day (``report`` names its report)."""
    n = next(_counter)
    report = report or f"r-{n}"
    at = at if at is not None else 10 * n
    high = None if qualifier in ("at_least", "more_than") else value
    quantity = Quantity(value, qualifier, value, high, str(value))
    claim = Claim(
        report_id=report,
        measure=measure,
        quantity=quantity,
        victim=victim,
        claimant=claimant,
        sentence=sentence or f"{claimant.text} said {value} were killed.",
        start=0,
        end=100,
        quantity_start=at,
        quantity_end=at + len(str(value)),
        toll=toll,
        part_of=part_of,
        as_of=as_of,
    )
    return SourcedClaim(claim, f"{report}.txt", None, DAY + timedelta(days=days))


def figure(
    claims: list[SourcedClaim], victim: str = "THA", measure: str = "killed"
) -> EpisodeFigure:
    found = [
        f for f in reconcile_episode(claims) if f.measure == measure and f.victim_side == victim
    ]
    assert len(found) == 1
    return found[0]


def test_a_rising_toll_is_history_not_contradiction() -> None:
    f = figure(
        [
            said(THAI_ARMY, THAI_CIVILIANS, 12, days=1),
            said(THAI_ARMY, THAI_CIVILIANS, 9, days=0),
            said(THAI_HEALTH, THAI_CIVILIANS, 15, days=2),
        ]
    )
    assert [h.quantity.value for h in f.history] == [9, 12, 15]  # in the order reported
    assert [h.reported for h in f.history] == [
        DAY,
        DAY + timedelta(days=1),
        DAY + timedelta(days=2),
    ]
    assert (f.low, f.best, f.high, f.contradiction) == (9, 15, 15, False)
    assert f.grade == "admitted"
    assert "earlier figures in the history" in f.reason


def test_the_date_a_sentence_gives_orders_the_history() -> None:
    later_report_older_figure = said(THAI_ARMY, THAI_CIVILIANS, 20, days=3, as_of=DAY)
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 25, days=2), later_report_older_figure])
    assert [h.quantity.value for h in f.history] == [20, 25]
    assert f.best == 25


def test_stated_parts_are_summed_into_a_derived_figure_that_names_them() -> None:
    sentence = "The army said 13 civilians and six soldiers had been killed."
    civilians = said(
        THAI_ARMY, THAI_CIVILIANS, 13, report="r1", part_of=14, at=14, sentence=sentence
    )
    soldiers = said(THAI_ARMY, THAI_SOLDIERS, 6, report="r1", part_of=14, at=31, sentence=sentence)
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 15, days=-1), civilians, soldiers])
    derived = [h for h in f.history if h.derived_from]
    assert len(derived) == 1
    assert derived[0].quantity.value == 19
    assert derived[0].derived_from == (civilians.claim.id, soldiers.claim.id)
    assert (f.low, f.high, f.best) == (15, 19, 19)
    assert all(h.quantity.value not in (13, 6) for h in f.history)


def test_a_breakdown_is_a_subset_not_an_addend() -> None:
    sentence = "The army said 20 people were killed, including seven children."
    total = said(THAI_ARMY, THAI_CIVILIANS, 20, report="r1", part_of=14, at=14, sentence=sentence)
    children = said(THAI_ARMY, THAI_CIVILIANS, 7, report="r1", part_of=14, at=47, sentence=sentence)
    f = figure([total, children])
    assert not any(h.derived_from for h in f.history)
    assert (f.low, f.high, f.best) == (20, 20, 20)  # 7 counts a part of the 20, sets no bound


def test_open_ended_parts_make_an_open_ended_sum() -> None:
    sentence = "At least 50 civilians and more than 20 soldiers were wounded."
    a = said(
        KHM_MINISTRY,
        KHM_CIVILIANS,
        50,
        report="r1",
        part_of=9,
        at=9,
        qualifier="at_least",
        measure="wounded",
        sentence=sentence,
    )
    b = said(
        KHM_MINISTRY,
        KHM_CIVILIANS,
        20,
        report="r1",
        part_of=9,
        at=40,
        qualifier="more_than",
        measure="wounded",
        sentence=sentence,
    )
    f = figure(
        [said(KHM_MINISTRY, KHM_CIVILIANS, 5, measure="wounded", days=-1), a, b],
        victim="KHM",
        measure="wounded",
    )
    assert [(h.quantity.value, h.quantity.qualifier) for h in f.history] == [
        (5, "exact"),
        (70, "at_least"),
    ]
    assert (f.low, f.high) == (5, None)


def test_an_incremental_figure_is_never_taken_as_the_total() -> None:
    f = figure(
        [
            said(KHM_MINISTRY, KHM_CIVILIANS, 1, days=0),
            said(KHM_MINISTRY, KHM_CIVILIANS, 12, days=1, toll="incremental"),
        ],
        victim="KHM",
    )
    assert [(h.quantity.value, h.toll) for h in f.history] == [(1, None), (12, "incremental")]
    assert (f.low, f.best, f.high) == (1, 1, 1)


def test_contradiction_only_across_claimant_sides() -> None:
    own = said(THAI_ARMY, THAI_CIVILIANS, 19, days=2)
    other = said(KHM_MINISTRY, THAI_CIVILIANS, 4, days=2)
    assert figure([said(THAI_ARMY, THAI_CIVILIANS, 9), own]).contradiction is False
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 9), own, other])
    assert f.contradiction is True
    assert (f.low, f.high) == (4, 19)
    assert f.grade == "admitted" and "contested by another side" in f.grade_reason


def test_a_smaller_figure_beside_a_larger_one_in_a_report_counts_a_part() -> None:
    f = figure(
        [
            said(THAI_ARMY, THAI_CIVILIANS, 15, report="r1"),
            said(THAI_ARMY, THAI_CIVILIANS, 2, report="r1"),  # "two of them in Ban Phue"
        ]
    )
    assert [h.quantity.value for h in f.history] == [15, 2]
    assert (f.low, f.high) == (15, 15)


def test_outlets_set_no_bound_when_a_side_is_named() -> None:
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 12), said(OUTLET, THAI_CIVILIANS, 32)])
    assert (f.low, f.high) == (12, 12)
    assert any(h.claimant_side is None and h.quantity.value == 32 for h in f.history)
    only_outlets = figure([said(OUTLET, THAI_CIVILIANS, 32), said(OUTLET, THAI_CIVILIANS, 30)])
    assert (only_outlets.low, only_outlets.high) == (30, 32)
    assert only_outlets.grade == "single_source"


def test_grades() -> None:
    confirmed = figure(
        [said(RED_CROSS, KHM_CIVILIANS, 8), said(THAI_ARMY, KHM_CIVILIANS, 8)], "KHM"
    )
    assert confirmed.grade == "confirmed"
    assert "International Committee of the Red Cross" in confirmed.grade_reason
    contested = figure([said(THAI_ARMY, KHM_CIVILIANS, 3), said(USA, KHM_CIVILIANS, 10)], "KHM")
    assert contested.grade == "contested" and contested.contradiction
    single = figure([said(THAI_ARMY, KHM_CIVILIANS, 3), said(THAI_ARMY, KHM_CIVILIANS, 3)], "KHM")
    assert single.grade == "single_source"
    assert "2 reports" in single.grade_reason


def test_vague_amounts_are_listed_but_set_no_bound() -> None:
    vague = said(THAI_ARMY, THAI_CIVILIANS, None, qualifier="vague")
    vague = SourcedClaim(
        Claim(**{**vague.claim.__dict__, "quantity": Quantity(None, "vague", 2, None, "several")}),
        vague.source,
        vague.outlet,
        vague.published,
    )
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 1), vague])
    assert (f.low, f.high, f.contradiction) == (1, 1, False)
    assert len(f.history) == 2


def test_current_entries_prefer_latest_then_largest() -> None:
    f = figure(
        [
            said(THAI_ARMY, THAI_CIVILIANS, 30, days=0),
            said(THAI_ARMY, THAI_CIVILIANS, 19, days=2),
            said(THAI_HEALTH, THAI_CIVILIANS, 21, days=2),
        ]
    )
    assert [e.quantity.value for e in current_entries(f.history)] == [21]


def test_episode_figure_round_trips_through_its_dict() -> None:
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 9), said(KHM_MINISTRY, THAI_CIVILIANS, 40)])
    d = f.to_dict()
    assert d["history"][0]["claimant_country"] in ("THA", "KHM")
    assert {"grade", "grade_reason", "history", "low", "best", "high"} <= set(d)
    assert EpisodeFigure.from_dict(d).to_dict() == d


def test_seeds_convention_own_admission_against_the_other_side() -> None:
    pak = Actor("The Pakistani military", "Military Forces of Pakistan", "PAK", "state_forces")
    afg = Actor("the Taliban", "Islamic Emirate of Afghanistan", "AFG", "government")
    troops = Actor("its troops", None, "PAK", "state_forces")
    f = figure([said(pak, troops, 23), said(pak, troops, 23), said(afg, troops, 58)], victim="PAK")
    assert (f.low, f.best, f.high, f.contradiction, f.grade) == (23, 23, 58, True, "admitted")


def test_an_earlier_running_total_beside_a_later_one_stays_a_bound() -> None:
    f = figure(
        [
            said(THAI_ARMY, THAI_CIVILIANS, 12, report="r1", toll="cumulative"),
            said(THAI_ARMY, THAI_CIVILIANS, 9, report="r1", toll="cumulative"),  # "first reported"
            said(THAI_ARMY, THAI_CIVILIANS, 6, report="r1"),  # six of them in one province
        ]
    )
    assert (f.low, f.high) == (9, 12)


def test_bounds_are_stated_figures_and_a_person_of_unknown_allegiance_is_no_side() -> None:
    about = said(THAI_ARMY, THAI_CIVILIANS, 50, qualifier="about")
    about = SourcedClaim(
        Claim(**{**about.claim.__dict__, "quantity": Quantity(50, "about", 45, 55, "nearly 50")}),
        about.source,
        about.outlet,
        about.published,
    )
    byline = Actor("Staff Writer 3 hours ago", "Staff Writer 3 hours ago", None, "person")
    f = figure(
        [about, said(THAI_ARMY, THAI_CIVILIANS, 105, days=2), said(byline, THAI_CIVILIANS, 70)]
    )
    assert (f.low, f.high) == (50, 105)  # "nearly 50" is stated as 50
    assert f.contradiction is False


def _parts(sentence: str, *numbers: tuple[str, int, Actor], claimant: Actor = THAI_ARMY) -> list:
    """Claims of one sentence (report r-parts) at the positions of their numbers; each
    ``(word, value, victim)``; all share one ``part_of`` key unless the word starts with '!'."""
    claims = []
    key = None
    for word, value, victim in numbers:
        alone = word.startswith("!")
        word = word.lstrip("!")
        at = sentence.index(word)
        if key is None and not alone:
            key = at
        claims.append(
            said(
                claimant,
                victim,
                value,
                report="r-parts",
                at=at,
                sentence=sentence,
                part_of=None if alone else key,
            )
        )
    return claims


def test_a_breakdown_inside_a_part_does_not_stop_the_next_addend() -> None:
    sentence = "Thailand has reported 13 civilians, including children, and six soldiers killed."
    claims = _parts(sentence, ("13", 13, THAI_CIVILIANS), ("six", 6, THAI_SOLDIERS))
    f = figure(claims)
    assert [(h.quantity.value, bool(h.derived_from)) for h in f.history] == [(19, True)]


def test_parts_that_break_down_an_earlier_figure_are_not_summed() -> None:
    sentence = "The attack killed five people, including two women and two men."
    claims = _parts(
        sentence,
        ("!five", 5, THAI_CIVILIANS),
        ("two women", 2, THAI_CIVILIANS),
        ("two men", 2, THAI_CIVILIANS),
    )
    f = figure(claims)
    assert not any(h.derived_from for h in f.history)
    assert (f.low, f.high) == (5, 5)


PAK_ARMY = Actor("Pakistan's army", "Military Forces of Pakistan", "PAK", "state_forces")
IND_AIR_FORCE = Actor("jets", None, "IND", "state_forces")


def test_coordinated_figures_of_different_kinds_of_thing_are_not_summed() -> None:
    sentence = "The army said it shot down four fighter jets and one drone."
    claims = [
        said(
            PAK_ARMY,
            IND_AIR_FORCE,
            4,
            measure="downed",
            report="r-kinds",
            at=31,
            part_of=31,
            sentence=sentence,
        ),
        said(
            PAK_ARMY,
            IND_AIR_FORCE,
            1,
            measure="downed",
            report="r-kinds",
            at=52,
            part_of=31,
            sentence=sentence,
        ),
    ]
    f = figure(claims, victim="IND", measure="downed")
    assert not any(h.derived_from for h in f.history)
    assert (f.low, f.high) == (4, 4)  # the drone is a smaller tally beside the jets
    people = figure(
        [
            said(THAI_ARMY, THAI_CIVILIANS, 4, report="r-people", at=10, part_of=10),
            said(THAI_ARMY, THAI_SOLDIERS, 1, report="r-people", at=30, part_of=10),
        ]
    )
    assert [(h.quantity.value, bool(h.derived_from)) for h in people.history] == [(5, True)]


def test_an_increment_adds_to_the_reports_own_earlier_figure() -> None:
    increment = said(KHM_MINISTRY, KHM_CIVILIANS, 12, report="r-inc", at=40, toll="incremental")
    earlier = said(OUTLET, KHM_CIVILIANS, 1, report="r-inc", at=200)  # "Previously, a man..."
    f = figure(
        [said(KHM_MINISTRY, KHM_CIVILIANS, 1, qualifier="at_least"), increment, earlier],
        victim="KHM",
    )
    derived = [h for h in f.history if h.derived_from]
    assert [(h.quantity.value, h.claimant_side, h.toll) for h in derived] == [
        (13, "KHM", "cumulative")
    ]
    assert set(derived[0].derived_from) == {increment.claim.id, earlier.claim.id}
    assert (f.low, f.high) == (1, 13)


def test_no_sum_when_the_report_states_its_own_running_total() -> None:
    total = said(THAI_ARMY, THAI_CIVILIANS, 32, report="r-total", at=10, toll="cumulative")
    more = said(THAI_ARMY, THAI_CIVILIANS, 12, report="r-total", at=40, toll="incremental")
    part = said(THAI_ARMY, THAI_CIVILIANS, 3, report="r-total", at=90)
    f = figure([total, more, part])
    assert not any(h.derived_from for h in f.history)
    assert (f.low, f.high) == (32, 32)


def test_an_increment_with_nothing_to_add_to_stays_an_increment() -> None:
    f = figure([said(KHM_MINISTRY, KHM_CIVILIANS, 12, toll="incremental")], victim="KHM")
    assert [h.toll for h in f.history] == ["incremental"]
    assert (f.low, f.high) == (None, None)


def test_a_local_count_bounds_only_when_nothing_else_does() -> None:
    local = said(
        PAK_ARMY, Actor("people", None, "PAK", "civilians"), 9, toll="local", measure="wounded"
    )
    total = said(PAK_ARMY, Actor("people", None, "PAK", "civilians"), 30, measure="wounded")
    f = figure([local, total], victim="PAK", measure="wounded")
    assert (f.low, f.high) == (30, 30)
    assert any(h.toll == "local" for h in f.history)
    alone = figure([local], victim="PAK", measure="wounded")
    assert (alone.low, alone.high) == (9, 9)


def test_a_statistic_is_never_an_episode_figure() -> None:
    from dataclasses import replace

    stat = said(THAI_ARMY, THAI_CIVILIANS, 500)
    stat = replace(stat, claim=replace(stat.claim, statistic=True))
    f = figure([said(THAI_ARMY, THAI_CIVILIANS, 9), stat])
    assert [h.quantity.value for h in f.history] == [9]
    assert (f.low, f.best, f.high) == (9, 9, 9)
