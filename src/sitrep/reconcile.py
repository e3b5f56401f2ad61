"""Reconcile the figures that different claimants give for one event.

``reconcile(claims, rule=...)`` makes one :class:`~sitrep.models.Figure` per (measure, victim
side). Inside a figure the claims are grouped by claimant side and stated quantity
(:class:`~sitrep.models.ClaimGroup`), syndicated copies of a report are counted once, and
a named rule from :data:`RULES` picks the best figure and explains why in one sentence.

Vocabulary:

- *side* of an actor: ``Actor.side`` (a state's actors are its country; a non-state armed
  group is its own side). Claims in the outlet's own voice
  (claimant type ``media``) form the side ``None``.
- *interval* of a quantity: ``[low, high]`` (``high=None`` = unbounded, "more than 200").
  Vague amounts ("dozens") have none: they are listed but set no bound.
- *history*: one side's figures reported on different days (a rising toll). The side's most
  recent figure supersedes its earlier ones for ``best`` and ``contradiction``; ``low`` and
  ``high`` still span every figure.
- *contradiction*: the current figures of two different sides have disjoint intervals.

Negated claims ("denied that 50 were killed") and period statistics ("143 attacks in
August") are not figures of an event and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sitrep.models import ClaimGroup, Figure, Quantity, SourcedClaim

Chooser = Callable[[Sequence[ClaimGroup], str | None], tuple[int | None, str]]


@dataclass(frozen=True)
class Rule:
    """A named way to pick the best figure; ``description`` is shown by ``sitrep rules``."""

    name: str
    description: str
    choose: Chooser  # (groups of one figure, victim side) -> (best, reason)


def interval(quantity: Quantity) -> tuple[int, int | None] | None:
    """``(low, high)`` implied by a quantity; ``None`` for vague amounts."""
    if quantity.value is None and quantity.low is None:
        return None
    value = quantity.value
    low = quantity.low
    if low is None:
        low = 0 if quantity.qualifier == "up_to" else value
    high = quantity.high
    if high is None and quantity.qualifier not in ("more_than", "at_least"):
        high = value
    if low is None:
        return None
    return low, high


def disjoint(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    """True when two intervals cannot both hold."""
    return (a[1] is not None and a[1] < b[0]) or (b[1] is not None and b[1] < a[0])


def is_event_figure(sc: SourcedClaim) -> bool:
    """Negated claims and statistics over a period are not figures of an event."""
    claim = sc.claim
    return not (claim.negated or getattr(claim, "statistic", False) or claim.period is not None)


def claimant_side(sc: SourcedClaim) -> str | None:
    claimant = sc.claim.claimant
    if claimant.type == "media":
        return None
    return claimant.side


def victim_side(sc: SourcedClaim) -> str | None:
    victim = sc.claim.victim
    return victim.side if victim else None


def report_key(sc: SourcedClaim) -> str:
    """The report a claim counts for: a syndicated copy counts as its original."""
    original: str | None = getattr(sc, "original", None)
    return original or sc.claim.report_id


def reconcile(claims: Sequence[SourcedClaim], *, rule: str = "conservative") -> tuple[Figure, ...]:
    """One Figure per (measure, victim side), best and reason from the rule named ``rule``."""
    chosen = get_rule(rule)
    usable = sorted((sc for sc in claims if is_event_figure(sc)), key=_claim_order)
    by_figure: dict[tuple[str, str | None], list[SourcedClaim]] = {}
    for sc in usable:
        by_figure.setdefault((sc.claim.measure, victim_side(sc)), []).append(sc)
    figures = []
    for (measure, victim), members in by_figure.items():
        groups = group_claims(members)
        bounded = [iv for g in groups if (iv := interval(g.quantity)) is not None]
        low = min((iv[0] for iv in bounded), default=None)
        high: int | None = None
        if bounded and all(iv[1] is not None for iv in bounded):
            high = max(iv[1] for iv in bounded if iv[1] is not None)
        best, reason = chosen.choose(groups, victim)
        figures.append(
            Figure(
                measure=measure,
                victim_country=next(
                    (m.claim.victim.country for m in members if m.claim.victim), None
                ),
                victim_side=victim,
                groups=groups,
                contradiction=is_contradiction(groups),
                low=low,
                best=best,
                high=high,
                rule=chosen.name,
                reason=reason,
            )
        )
    return tuple(figures)


def group_claims(claims: Sequence[SourcedClaim]) -> tuple[ClaimGroup, ...]:
    """ClaimGroups by (claimant side, stated quantity), in order of first appearance."""
    buckets: dict[tuple[Any, ...], list[SourcedClaim]] = {}
    for sc in claims:
        q = sc.claim.quantity
        key = (claimant_side(sc), q.value, q.qualifier, q.low, q.high)
        buckets.setdefault(key, []).append(sc)
    groups = []
    for (side, *_), members in buckets.items():
        dates = [sc.published for sc in members if sc.published]
        first = members[0].claim.claimant
        groups.append(
            ClaimGroup(
                claimant_side=side,
                claimant_country=None if side is None else first.country,
                quantity=members[0].claim.quantity,
                claim_ids=_unique(sc.claim.id for sc in members),
                report_ids=_unique(report_key(sc) for sc in members),
                outlets=_unique(sc.outlet for sc in members if sc.outlet),
                claimants=_unique(
                    sc.claim.claimant.name or sc.claim.claimant.text for sc in members
                ),
                first_reported=min(dates, default=None),
                last_reported=max(dates, default=None),
            )
        )
    return tuple(groups)


def current_groups(groups: Sequence[ClaimGroup]) -> list[ClaimGroup]:
    """Bounded groups minus those a later figure of the same side superseded (a history)."""
    bounded = [g for g in groups if interval(g.quantity) is not None]
    latest: dict[str | None, date] = {}
    for g in bounded:
        if g.last_reported and (
            g.claimant_side not in latest or g.last_reported > latest[g.claimant_side]
        ):
            latest[g.claimant_side] = g.last_reported
    return [
        g for g in bounded if g.last_reported is None or g.last_reported >= latest[g.claimant_side]
    ]


def is_contradiction(groups: Sequence[ClaimGroup]) -> bool:
    """Two current figures of different claimant sides that cannot both be true."""
    current = [(g.claimant_side, interval(g.quantity)) for g in current_groups(groups)]
    for i, (side_a, iv_a) in enumerate(current):
        for side_b, iv_b in current[i + 1 :]:
            if side_a != side_b and iv_a and iv_b and disjoint(iv_a, iv_b):
                return True
    return False


def get_rule(name: str) -> Rule:
    """The rule called ``name``; ``ValueError`` naming the valid rules otherwise."""
    try:
        return RULES[name]
    except KeyError:
        raise ValueError(
            f"unknown reconciliation rule {name!r}; valid rules: {', '.join(RULES)}"
        ) from None


# --- wording -----------------------------------------------------------------------------

_QUALIFIER_WORDS = {
    "more_than": "more than ",
    "at_least": "at least ",
    "about": "about ",
    "up_to": "up to ",
}


def describe_quantity(q: Quantity) -> str:
    if q.value is None:
        return f'"{q.text}"' if q.text else "an unstated number"
    if q.qualifier == "range" and q.low is not None and q.high is not None:
        return f"{q.low}-{q.high}"
    return f"{_QUALIFIER_WORDS.get(q.qualifier, '')}{q.value}"


def describe_side(side: str | None) -> str:
    return side if side is not None else "media"


def describe_group(g: ClaimGroup) -> str:
    n = g.reports
    return (
        f"{describe_quantity(g.quantity)} ({describe_side(g.claimant_side)}, "
        f"{n} report{'s' if n != 1 else ''})"
    )


def _others(chosen: ClaimGroup, groups: Sequence[ClaimGroup]) -> str:
    rest = [describe_group(g) for g in groups if g is not chosen]
    return f", vs {', '.join(rest)}" if rest else ""


def _superseded_note(groups: Sequence[ClaimGroup]) -> str:
    current = {id(g) for g in current_groups(groups)}
    old = [g for g in groups if interval(g.quantity) is not None and id(g) not in current]
    if not old:
        return ""
    return "; superseded by later figures of the same side: " + ", ".join(
        describe_group(g) for g in old
    )


def _no_figure(rule: str, groups: Sequence[ClaimGroup]) -> tuple[None, str]:
    listed = ", ".join(describe_group(g) for g in groups) or "none"
    return None, f"{rule}: no numeric figure, only vague claims: {listed}"


def _own_admissions(current: Sequence[ClaimGroup], victim: str | None) -> list[ClaimGroup]:
    if victim is None:
        return []
    return [g for g in current if g.claimant_side == victim]


def _point(g: ClaimGroup) -> int:
    """The figure a group states: its value ("about 15000" -> 15000, "more than 200" -> 200),
    else the low end of its range."""
    q = g.quantity
    if q.value is not None:
        return q.value
    iv = interval(q)
    assert iv is not None  # callers pass bounded groups only
    return iv[0]


def _date_key(g: ClaimGroup) -> date:
    return g.last_reported or date.min


# --- rules -------------------------------------------------------------------------------


def _conservative(groups: Sequence[ClaimGroup], victim: str | None) -> tuple[int | None, str]:
    current = current_groups(groups)
    if not current:
        return _no_figure("conservative", groups)
    lowest = min(current, key=lambda g: (_point(g), -g.reports))
    own = _own_admissions(current, victim)
    floor = max(own, key=lambda g: (_point(g), g.reports)) if own else None
    note = _superseded_note(groups)
    if floor is not None and _point(floor) > _point(lowest):
        reason = (
            f"conservative: {describe_side(victim)}'s own admission of its losses, "
            f"{describe_group(floor)}, taken as the floor over the lower "
            f"{describe_group(lowest)}{_others(floor, [g for g in current if g is not lowest])}"
        )
        return _point(floor), reason + note
    what = "lowest credible figure" if len(current) > 1 else "the only current figure"
    described = describe_group(lowest)
    if floor is not None and _point(floor) == _point(lowest):
        described = described[:-1] + f"; {describe_side(victim)}'s own admission)"
    reason = f"conservative: {what}, {described}{_others(lowest, current)}"
    return _point(lowest), reason + note


def _ucdp(groups: Sequence[ClaimGroup], victim: str | None) -> tuple[int | None, str]:
    current = current_groups(groups)
    if not current:
        return _no_figure("ucdp", groups)
    note = _superseded_note(groups)
    own = _own_admissions(current, victim)
    if own:
        best = max(own, key=lambda g: (_point(g), g.reports))
        why = f"{describe_side(victim)}'s own admission of its losses"
    else:
        most = max(g.reports for g in current)
        top = [g for g in current if g.reports == most]
        best = min(top, key=_point)
        why = "most-reported figure" if len(top) == 1 else "lowest of the most-reported figures"
        if len(current) == 1:
            why = "the only current figure"
    return _point(best), f"ucdp: best = {why}, {describe_group(best)}{_others(best, current)}{note}"


def _latest(groups: Sequence[ClaimGroup], victim: str | None) -> tuple[int | None, str]:
    bounded = [g for g in groups if interval(g.quantity) is not None]
    if not bounded:
        return _no_figure("latest", groups)
    best = max(bounded, key=lambda g: (_date_key(g), g.reports, -_point(g)))
    when = f", last reported {best.last_reported.isoformat()}" if best.last_reported else ""
    return _point(best), (
        f"latest: most recently reported figure, {describe_group(best)}{when}"
        f"{_others(best, bounded)}"
    )


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule(
            "conservative",
            "ACLED-style: the lowest credible figure; a side's own admission of its own "
            "losses is taken as a floor. Earlier figures a side has since updated are set aside.",
            _conservative,
        ),
        Rule(
            "ucdp",
            "UCDP-style low/best/high: best is a side's own admission of its own losses when "
            "there is one, else the figure most reports give, else the lowest; low and high "
            "span every figure.",
            _ucdp,
        ),
        Rule(
            "latest",
            "GTD-style: the most recently reported figure (ties: the one most reports give).",
            _latest,
        ),
    )
}


def _claim_order(sc: SourcedClaim) -> tuple[Any, ...]:
    """Input order does not matter: claims are taken oldest report first."""
    return (sc.published or date.max, sc.source, sc.claim.start, sc.claim.quantity_start)


def _unique(items: Any) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))
