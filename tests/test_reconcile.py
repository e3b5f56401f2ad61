"""Reconciliation of conflicting figures: grouping, bounds, contradictions and the rules."""

from __future__ import annotations

from datetime import date

import pytest

from sitrep.models import Actor, Claim, DateSpan, Quantity, SourcedClaim
from sitrep.reconcile import RULES, get_rule, interval, reconcile

PAK_ARMY = Actor("the Pakistani military", "Military Forces of Pakistan", "PAK", "state_forces")
TALIBAN = Actor("the Taliban government", "Islamic Emirate of Afghanistan", "AFG", "government")
PAK_TROOPS = Actor("its troops", "Military Forces of Pakistan", "PAK", "state_forces")
AFG_FIGHTERS = Actor("Afghan fighters", "Islamic Emirate of Afghanistan", "AFG", "armed_group")
OUTLET = Actor("the newspaper", None, None, "media")

_counter = iter(range(10_000))


def sourced(
    report: str,
    measure: str,
    quantity: Quantity,
    claimant: Actor,
    victim: Actor | None,
    *,
    published: date | None = date(2025, 10, 12),
    outlet: str | None = "Daily Ledger",
    original: str | None = None,
    negated: bool = False,
    statistic: bool = False,
) -> SourcedClaim:
    at = next(_counter) * 10
    claim = Claim(
        report_id=report,
        measure=measure,
        quantity=quantity,
        victim=victim,
        claimant=claimant,
        sentence=f"{claimant.text} said {quantity.text} were {measure}.",
        start=at,
        end=at + 9,
        quantity_start=at + 2,
        quantity_end=at + 4,
        negated=negated,
        statistic=statistic,
        period=DateSpan(date(2025, 8, 1), date(2025, 8, 31), "month") if statistic else None,
    )
    return SourcedClaim(
        claim, source=f"{report}.txt", outlet=outlet, published=published, original=original
    )


def exact(n: int) -> Quantity:
    return Quantity(n, "exact", n, n, str(n))


def more_than(n: int) -> Quantity:
    return Quantity(n, "more_than", n, None, f"more than {n}")


def figure(figures, measure, victim):
    return next(f for f in figures if f.measure == measure and f.victim_country == victim)


@pytest.fixture
def border_clash() -> list[SourcedClaim]:
    """The founding example's shape: each side's own losses vs the other side's claims."""
    return [
        sourced("r1", "killed", exact(23), PAK_ARMY, PAK_TROOPS, published=None),
        sourced("r2", "killed", exact(23), PAK_ARMY, PAK_TROOPS),
        sourced("r2", "killed", exact(58), TALIBAN, PAK_TROOPS, outlet="Frontier Post"),
        sourced("r1", "killed", exact(9), TALIBAN, AFG_FIGHTERS, published=None),
        sourced("r2", "killed", exact(9), TALIBAN, AFG_FIGHTERS),
        sourced("r2", "killed", more_than(200), PAK_ARMY, AFG_FIGHTERS),
        sourced("r2", "wounded", exact(30), TALIBAN, PAK_TROOPS),
    ]


def test_contract_example_bounds_and_contradictions(border_clash):
    figures = reconcile(border_clash)
    assert len(figures) == 3

    pak = figure(figures, "killed", "PAK")
    assert (pak.contradiction, pak.low, pak.best, pak.high) == (True, 23, 23, 58)
    by_side = {g.claimant_side: g for g in pak.groups}
    assert by_side["PAK"].reports == 2 and by_side["AFG"].reports == 1
    assert by_side["AFG"].outlets == ("Frontier Post",)
    assert by_side["PAK"].first_reported == by_side["PAK"].last_reported == date(2025, 10, 12)
    assert pak.reason.startswith("conservative: lowest credible figure, 23 (PAK, 2 reports")
    assert "58 (AFG, 1 report)" in pak.reason

    afg = figure(figures, "killed", "AFG")
    assert (afg.contradiction, afg.low, afg.best, afg.high) == (True, 9, 9, None)
    assert "more than 200 (PAK, 1 report)" in afg.reason

    wounded = figure(figures, "wounded", "PAK")
    assert (wounded.contradiction, wounded.low, wounded.high) == (False, 30, 30)


def test_vague_claims_are_listed_but_set_no_bounds():
    claims = [
        sourced("r1", "killed", Quantity(None, "vague", None, None, "scores"), OUTLET, None),
        sourced("r2", "killed", exact(12), PAK_ARMY, None),
    ]
    (fig,) = reconcile(claims)
    assert len(fig.groups) == 2
    assert (fig.low, fig.best, fig.high) == (12, 12, 12)
    assert not fig.contradiction
    (only_vague,) = reconcile(claims[:1])
    assert (only_vague.low, only_vague.best, only_vague.high) == (None, None, None)
    assert "no numeric figure" in only_vague.reason and '"scores"' in only_vague.reason


def test_rising_toll_of_one_side_is_a_history_not_a_contradiction():
    claims = [
        sourced("r1", "killed", exact(10), OUTLET, None, published=date(2025, 3, 1)),
        sourced("r2", "killed", exact(17), OUTLET, None, published=date(2025, 3, 2)),
        sourced("r3", "killed", exact(25), OUTLET, None, published=date(2025, 3, 3)),
    ]
    for rule in RULES:
        (fig,) = reconcile(claims, rule=rule)
        assert not fig.contradiction
        assert (fig.low, fig.high) == (10, 25)
        assert fig.best == 25, rule  # the side's latest figure supersedes its earlier ones
    (conservative,) = reconcile(claims)
    assert "superseded" in conservative.reason and "10 (media, 1 report)" in conservative.reason


def test_other_side_disagreeing_with_a_superseded_figure_is_no_contradiction():
    claims = [
        sourced("r1", "killed", exact(10), PAK_ARMY, PAK_TROOPS, published=date(2025, 3, 1)),
        sourced("r2", "killed", exact(25), PAK_ARMY, PAK_TROOPS, published=date(2025, 3, 3)),
        sourced("r3", "killed", exact(25), TALIBAN, PAK_TROOPS, published=date(2025, 3, 3)),
    ]
    (fig,) = reconcile(claims)
    assert not fig.contradiction
    claims.append(sourced("r4", "killed", exact(40), TALIBAN, PAK_TROOPS))
    (fig,) = reconcile(claims)
    assert fig.contradiction


def test_unbounded_claims_overlap_unless_the_other_side_is_below():
    at_least = Quantity(20, "at_least", 20, None, "at least 20")
    (fig,) = reconcile(
        [
            sourced("r1", "killed", at_least, PAK_ARMY, None),
            sourced("r2", "killed", exact(35), TALIBAN, None),
        ]
    )
    assert not fig.contradiction and fig.high is None and fig.low == 20
    (fig,) = reconcile(
        [
            sourced("r1", "killed", at_least, PAK_ARMY, None),
            sourced("r2", "killed", exact(5), TALIBAN, None),
        ]
    )
    assert fig.contradiction


def test_conservative_takes_own_admission_as_floor():
    claims = [
        sourced("r1", "killed", exact(12), OUTLET, PAK_TROOPS),
        sourced("r2", "killed", exact(23), PAK_ARMY, PAK_TROOPS),
        sourced("r3", "killed", exact(58), TALIBAN, PAK_TROOPS),
    ]
    (fig,) = reconcile(claims, rule="conservative")
    assert fig.best == 23 and fig.low == 12
    assert "own admission" in fig.reason and "12 (media, 1 report)" in fig.reason
    (without_admission,) = reconcile([claims[0], claims[2]], rule="conservative")
    assert without_admission.best == 12


def test_ucdp_prefers_own_admission_then_most_reported_then_lowest():
    admission = [
        sourced("r1", "killed", exact(40), TALIBAN, PAK_TROOPS),
        sourced("r2", "killed", exact(40), TALIBAN, PAK_TROOPS),
        sourced("r3", "killed", exact(23), PAK_ARMY, PAK_TROOPS),
    ]
    (fig,) = reconcile(admission, rule="ucdp")
    assert fig.best == 23 and "own admission" in fig.reason

    no_admission = [
        sourced("r1", "killed", exact(40), TALIBAN, None),
        sourced("r2", "killed", exact(40), TALIBAN, None),
        sourced("r3", "killed", exact(15), PAK_ARMY, None),
    ]
    (fig,) = reconcile(no_admission, rule="ucdp")
    assert (fig.low, fig.best, fig.high) == (15, 40, 40)
    assert "most-reported figure, 40 (AFG, 2 reports)" in fig.reason

    tie = no_admission[1:]
    (fig,) = reconcile(tie, rule="ucdp")
    assert fig.best == 15 and "lowest of the most-reported" in fig.reason


def test_latest_takes_most_recent_then_most_reported():
    claims = [
        sourced("r1", "killed", exact(8), PAK_ARMY, None, published=date(2025, 5, 1)),
        sourced("r2", "killed", exact(30), TALIBAN, None, published=date(2025, 5, 4)),
        sourced("r3", "killed", exact(12), OUTLET, None, published=date(2025, 5, 3)),
    ]
    (fig,) = reconcile(claims, rule="latest")
    assert fig.best == 30 and "last reported 2025-05-04" in fig.reason
    claims.append(sourced("r4", "killed", exact(9), OUTLET, None, published=date(2025, 5, 4)))
    claims.append(sourced("r5", "killed", exact(9), OUTLET, None, published=date(2025, 5, 4)))
    (fig,) = reconcile(claims, rule="latest")
    assert fig.best == 9  # same day: the figure more reports give


def test_syndicated_copy_counts_once():
    claims = [
        sourced("orig", "killed", exact(7), PAK_ARMY, None, outlet="Wire One"),
        sourced(
            "copy", "killed", exact(7), PAK_ARMY, None, outlet="Reprint Daily", original="orig"
        ),
        sourced("other", "killed", exact(7), PAK_ARMY, None, outlet="Third Paper"),
    ]
    (fig,) = reconcile(claims)
    (group,) = fig.groups
    assert group.reports == 2
    assert set(group.outlets) == {"Wire One", "Reprint Daily", "Third Paper"}
    assert len(group.claim_ids) == 3


def test_negated_and_period_claims_are_not_event_figures():
    claims = [
        sourced("r1", "killed", exact(50), PAK_ARMY, None, negated=True),
        sourced("r2", "killed", exact(6), TALIBAN, None),
        sourced("r3", "killed", exact(143), OUTLET, None, statistic=True),
    ]
    (fig,) = reconcile(claims)
    assert (fig.low, fig.high) == (6, 6) and len(fig.groups) == 1


def test_input_order_does_not_matter(border_clash):
    assert reconcile(border_clash) == reconcile(list(reversed(border_clash)))


def test_unknown_rule_names_the_valid_ones():
    with pytest.raises(ValueError, match="conservative, ucdp, latest"):
        reconcile([], rule="median")
    assert get_rule("ucdp").description


def test_interval_follows_the_qualifier():
    assert interval(Quantity(30, "up_to", None, 30)) == (0, 30)
    assert interval(Quantity(200, "more_than", 200, None)) == (200, None)
    assert interval(Quantity(None, "vague")) is None
    assert interval(Quantity(None, "range", 20, 30)) == (20, 30)


def test_best_is_the_stated_figure_not_its_lower_bound():
    about = Quantity(15000, "about", 13500, 16500, "about 15,000")
    (fig,) = reconcile([sourced("r1", "displaced", about, OUTLET, None)])
    assert (fig.low, fig.best, fig.high) == (13500, 15000, 16500)
    assert "about 15000 (media, 1 report)" in fig.reason
