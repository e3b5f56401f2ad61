"""Running tolls: cumulative, incremental, parts and as-of dates, on sentences written for
these tests, and the grouping of stated parts."""

from __future__ import annotations

from datetime import date

import pytest

from sentences import only, run
from sitrep.models import Actor, Claim, Quantity
from sitrep.nlp.tolls import CUMULATIVE, INCREMENTAL, LOCAL, stated_parts


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The death toll climbed to 32 on Saturday, officials said.", 32),
        ("In all, 19 people have been killed in the fighting.", 19),
        ("So far 40 soldiers have died, the army said.", 40),
        ("At least 25 civilians have been killed since Thursday, the ministry said.", 25),
        ("The toll stood at 19 as of Friday.", 19),
        ("Overall, 23 soldiers have died in the clashes.", 23),
    ],
)
def test_cumulative(extractor, text, value):
    assert only(run(extractor, text), "killed", value).toll == CUMULATIVE


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The health office had earlier said 41 people were killed in the shelling.", 41),
        ("Officials initially reported that 12 people had died in the blast.", 12),
        ("The governor previously said nine civilians were killed.", 9),
    ],
)
def test_an_earlier_statement_is_that_sides_total_back_then(extractor, text, value):
    assert only(run(extractor, text), "killed", value).toll == CUMULATIVE


def test_an_earlier_event_is_not_an_earlier_total(extractor):
    text = "Earlier, gunmen killed five people in the market, police said."
    assert only(run(extractor, text), "killed", 5).toll is None


@pytest.mark.parametrize(
    ("text", "measure", "value"),
    [
        ("Officials reported 12 more deaths on Sunday.", "killed", 12),
        ("Another five soldiers were killed overnight.", "killed", 5),
        ("A further 10 civilians were wounded in the shelling.", "wounded", 10),
        ("Another soldier was killed on Monday, the army said.", "killed", 1),
    ],
)
def test_incremental(extractor, text, measure, value):
    assert only(run(extractor, text), measure, value).toll == INCREMENTAL


def test_more_after_another_measure_means_others_not_an_addition(extractor):
    ex = run(extractor, "Gunmen killed six civilians and wounded 10 more.")
    assert only(ex, "wounded", 10).toll is None


def test_a_figure_before_a_running_total_is_not_the_total(extractor):
    ex = run(
        extractor, "A drone strike killed five people on Tuesday, bringing the death toll to 32."
    )
    assert only(ex, "killed", 5).toll is None
    assert only(ex, "killed", 32).toll == CUMULATIVE


def test_plain_figure_has_no_toll_kind(extractor):
    ex = run(extractor, "Gunmen killed nine miners near the town on Friday.")
    claim = only(ex, "killed", 9)
    assert (claim.toll, claim.part_of, claim.as_of) == (None, None, None)


def test_a_figure_inside_a_since_clause_is_not_a_total(extractor):
    ex = run(extractor, "Relations soured after a clash in May that killed a soldier.")
    assert only(ex, "killed", 1).toll is None


def test_coordinated_parts_share_the_first_parts_offset(extractor):
    ex = run(extractor, "Health officials said 13 civilians and six soldiers were killed.")
    civilians, soldiers = only(ex, "killed", 13), only(ex, "killed", 6)
    assert civilians.part_of == soldiers.part_of == civilians.quantity_start


def test_incremental_parts_are_all_incremental(extractor):
    ex = run(extractor, "The ministry said seven more civilians and five other soldiers died.")
    assert only(ex, "killed", 7).toll == only(ex, "killed", 5).toll == INCREMENTAL
    assert only(ex, "killed", 7).part_of == only(ex, "killed", 5).part_of is not None


def test_breakdown_names_its_total(extractor):
    ex = run(extractor, "The council said 207 people, including three civilians, were killed.")
    total, part = only(ex, "killed", 207), only(ex, "killed", 3)
    assert part.part_of == total.quantity_start
    assert total.part_of is None


def test_several_parts_of_one_breakdown(extractor):
    ex = run(
        extractor,
        "The attack killed five people including a girl, two women, and two men, officials said.",
    )
    total = only(ex, "killed", 5)
    parts = [c for c in ex.claims if c.quantity.value == 2]
    assert len(parts) == 2 and all(c.part_of == total.quantity_start for c in parts)


def test_as_of_from_by_date(extractor):
    ex = run(extractor, "By Saturday, 45 people had been killed, the ministry said.")
    assert only(ex, "killed", 45).as_of == date(2024, 3, 9)


def test_as_of_of_a_running_total(extractor):
    ex = run(extractor, "The death toll rose to 60 on Friday.")
    assert only(ex, "killed", 60).as_of == date(2024, 3, 8)


def test_toll_fields_reach_the_contract(extractor):
    ex = run(extractor, "The death toll climbed to 32 by Saturday, officials said.")
    d = only(ex, "killed", 32).to_dict()
    assert (d["toll"], d["as_of"]) == (CUMULATIVE, "2024-03-09")


# --- stated_parts on claims built here -------------------------------------------------------


def claim(start: int, value: int, part_of: int | None, report: str = "r-1") -> Claim:
    return Claim(
        report_id=report,
        measure="killed",
        quantity=Quantity(value, "exact", value, value, str(value)),
        victim=Actor(text="", country="THA"),
        claimant=Actor(text="the army", country="THA", type="state_forces"),
        sentence="",
        start=0,
        end=100,
        quantity_start=start,
        quantity_end=start + 2,
        part_of=part_of,
    )


def test_stated_parts_sums_coordinated_parts():
    sums = stated_parts([claim(10, 13, 10), claim(30, 6, 10), claim(60, 4, None)])
    assert len(sums) == 1
    assert sums[0].total is None and sums[0].value == 19
    assert [c.quantity.value for c in sums[0].parts] == [13, 6]


def test_stated_parts_keeps_a_breakdown_with_its_total():
    total = claim(10, 207, None)
    sums = stated_parts([total, claim(30, 3, 10)])
    assert sums[0].total == total and sums[0].value == 3


def test_stated_parts_are_per_report():
    sums = stated_parts([claim(10, 5, 10, "r-1"), claim(10, 7, 10, "r-2")])
    assert sorted(s.value for s in sums) == [5, 7]


def test_a_sentence_that_looks_back_states_no_increment(extractor):
    ex = run(extractor, "Previously, another villager was reported killed by a mortar round.")
    assert only(ex, "killed", 1).toll is None
    ex = run(extractor, "Another villager was killed by a mortar round on Sunday.")
    assert only(ex, "killed", 1).toll == INCREMENTAL


def test_counted_appositions_are_items_of_one_list(extractor):
    ex = run(
        extractor,
        "The police said that 14 guards, four drivers and two cooks had died in the raid.",
    )
    keys = {only(ex, "killed", v).part_of for v in (14, 4, 2)}
    assert len(keys) == 1 and None not in keys


@pytest.mark.parametrize(
    ("text", "measure", "value", "local"),
    [
        (
            "Officials said a child was killed and 9 people were injured in Kunduz, and two"
            " farmers were killed in Baghlan.",
            "wounded",
            9,
            True,
        ),
        (
            "Officials said 9 people were injured in Afghanistan and Pakistan, while clashes"
            " continued in Kunduz and Baghlan.",
            "wounded",
            9,
            False,
        ),
        (
            "Officials said 9 people were injured in the fighting, which spread from Kunduz"
            " to Baghlan.",
            "wounded",
            9,
            False,
        ),
    ],
)
def test_a_count_placed_in_one_of_several_towns_is_local(extractor, text, measure, value, local):
    claim = only(run(extractor, text), measure, value)
    assert (claim.toll == LOCAL) is local


def test_one_attack_placed_in_its_town_is_no_local_count(extractor):
    ex = run(
        extractor,
        "A bomber from Baghlan killed 9 people at a market in Kunduz on Sunday, police said.",
    )
    assert only(ex, "killed", 9).toll is None
