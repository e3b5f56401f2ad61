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

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any

from sitrep.models import (
    Claim,
    ClaimGroup,
    EpisodeFigure,
    Figure,
    Quantity,
    SourcedClaim,
    TollEntry,
)

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


# --- episodes ----------------------------------------------------------------------------
#
# An episode's claims tell each side's running toll: figures reported day after day, totals
# ("rose to 32"), additions ("12 more") and parts ("13 civilians and six soldiers").
# ``reconcile_episode`` reads them as such:
#
# - parts: claims of one report that share ``Claim.part_of`` (and measure and victim side) are
#   summed into a derived figure naming its parts; a part introduced by a breakdown word
#   ("20 people, including seven children"; ``[parts] breakdown`` in ``data/tolls.toml``) is
#   a subset of the figure before it and is not added; figures of a measure that counts
#   things of different kinds ("five jets and a drone"; ``separate_kinds`` in
#   ``data/reconcile.toml``) are separate tallies, never summed;
# - history: per claimant side, the figures in the order reported (as-of date = the
#   sentence's ``Claim.as_of`` or the report's date); the side's current figure is its latest,
#   and among figures of the same or an unknown day the largest (a running toll rises);
# - incremental figures ("12 more") stay in the history but are never taken as a total, so
#   they set no bound and contradict nothing; when the report gives no running total of its
#   own, each is added to the report's own earlier figure of the same victim side ("12 more
#   ... Previously, a man was killed": 13, derived from both);
# - bounds: ``low`` is the lowest figure stated, ``high`` the largest (open when that one is
#   open-ended). A report is a snapshot: the toll a side gives in it is its largest figure
#   there, and its smaller figures of the same measure and victims are components of that
#   toll (a village, an incident, a kind of equipment) that set no bound, unless marked as
#   running totals themselves ("the army first reported a toll of nine"). Counts the report
#   gives place by place (``Claim.toll == "local"``) set no bound unless nothing else does.
#   When any claimant side is named, figures in an outlet's own voice are kept in the
#   history but set no bound: they relay one side's figures or mix them;
# - contradiction: only between the current figures of different claimant sides (a person
#   of unknown allegiance is no side);
# - best: the named rule applied to each side's current figure;
# - grade: how well the figure is established (:data:`sitrep.models.GRADES`):
#   ``admitted`` (the victims' own side states a figure), ``confirmed`` (an independent body,
#   claimant type ``organization``: a UN agency, NGO, hospital, medical service),
#   ``contested`` (figures of different sides cannot both be true, and the victims' side
#   states none), else ``single_source`` (one side or outlet only).

INDEPENDENT_TYPES = frozenset({"organization"})


@dataclass(frozen=True)
class _Statement:
    """One figure as stated in one report: a claim, or a sum of stated parts."""

    sc: SourcedClaim
    quantity: Quantity
    derived_from: tuple[str, ...] | None = None
    claim_ids: tuple[str, ...] = ()


def reconcile_episode(
    claims: Sequence[SourcedClaim], *, rule: str = "conservative"
) -> tuple[EpisodeFigure, ...]:
    """One EpisodeFigure per (measure, victim side) over an episode's claims (see above)."""
    chosen = get_rule(rule)
    seen: set[str] = set()
    usable = []
    for sc in sorted((sc for sc in claims if is_event_figure(sc)), key=_claim_order):
        if sc.claim.id not in seen:
            seen.add(sc.claim.id)
            usable.append(sc)
    by_figure: dict[tuple[str, str | None], list[_Statement]] = {}
    for statement in _statements(usable):
        key = (statement.sc.claim.measure, victim_side(statement.sc))
        by_figure.setdefault(key, []).append(statement)
    figures = [
        _episode_figure(measure, victim, statements, chosen)
        for (measure, victim), statements in by_figure.items()
    ]
    # a country's own side first, then its armed groups (a reader looks for the state's toll)
    order = {id(f): i for i, f in enumerate(figures)}
    figures.sort(key=lambda f: (f.victim_side != f.victim_country, order[id(f)]))
    return tuple(figures)


def breakdown_words() -> tuple[str, ...]:
    """Words that introduce a subset of the figure before them (``data/tolls.toml``)."""
    return _words("tolls.toml", "breakdown")


def addend_words() -> tuple[str, ...]:
    """Words that add one stated part to the next (``data/reconcile.toml``)."""
    return _words("reconcile.toml", "addends")


def separate_kind_measures() -> tuple[str, ...]:
    """Measures whose coordinated figures count different kinds of thing ("five jets and a
    drone") and are never summed (``separate_kinds`` in ``data/reconcile.toml``)."""
    return _words("reconcile.toml", "separate_kinds")


@cache
def _words(name: str, key: str) -> tuple[str, ...]:
    from sitrep.knowledge import merged_data

    try:
        data = merged_data(name)
    except Exception:  # a missing or unreadable file: no such words
        return ()
    return tuple(str(w).lower() for w in data.get("parts", {}).get(key, ()))


def _statements(claims: Sequence[SourcedClaim]) -> list[_Statement]:
    """Claims as stated figures: parts of one total (``Claim.part_of``) summed into one."""
    parts: dict[tuple[Any, ...], list[SourcedClaim]] = {}
    out: list[_Statement | tuple[Any, ...]] = []
    for sc in claims:
        c = sc.claim
        if c.part_of is None:
            out.append(_Statement(sc, c.quantity, None, (c.id,)))
            continue
        key = (c.report_id, c.part_of, c.measure, victim_side(sc))
        if key not in parts:
            out.append(key)
        parts.setdefault(key, []).append(sc)
    # where each sentence's numbers end, to read what comes before a part
    ends: dict[tuple[str, int], list[int]] = {}
    for sc in claims:
        ends.setdefault((sc.claim.report_id, sc.claim.start), []).append(sc.claim.quantity_end)
    result: list[_Statement] = []
    for item in out:
        if isinstance(item, _Statement):
            result.append(item)
        else:
            result.extend(_sum_parts(parts[item], ends))
    return result + _added_increments(result)


def _added_increments(statements: Sequence[_Statement]) -> list[_Statement]:
    """Running totals a report implies but does not state: each incremental figure ("12
    more") added to the report's own earlier figure of the same measure and victim side
    (by the same claimant side or in the outlet's voice), named as derived from both. A
    report that states a running total of its own ("rose to 32 after 12 more") gives no
    such sum: its total already holds the increment."""
    by_figure: dict[tuple[Any, ...], list[_Statement]] = {}
    for st in statements:
        c = st.sc.claim
        by_figure.setdefault((c.report_id, c.measure, victim_side(st.sc)), []).append(st)
    derived = []
    for members in by_figure.values():
        if any(m.sc.claim.toll == "cumulative" for m in members):
            continue
        for st in members:
            if st.sc.claim.toll != "incremental" or st.quantity.value is None:
                continue
            side = claimant_side(st.sc)
            bases = [
                b
                for b in members
                if b.sc.claim.toll is None
                and b.quantity.value is not None
                and b.quantity.qualifier != "vague"
                and claimant_side(b.sc) in (side, None)
            ]
            if not bases:
                continue
            base = _base_of(st, bases)
            ids = _unique((*base.claim_ids, *st.claim_ids))
            total = _sum_quantities([base.quantity, st.quantity])
            sc = replace(st.sc, claim=replace(st.sc.claim, toll="cumulative"))
            derived.append(_Statement(sc, total, ids, ids))
    return derived


def _base_of(increment: _Statement, bases: Sequence[_Statement]) -> _Statement:
    """The figure an increment adds to: the base of the latest as-of date, and among those
    the last stated before the increment, else the first after it (a report may look back
    after giving the news: "12 more ... Previously, a man was killed")."""
    latest = max((d for b in bases if (d := _as_of(b.sc))), default=None)
    pool = [b for b in bases if _as_of(b.sc) in (latest, None)] or list(bases)
    at = increment.sc.claim.quantity_start
    before = [b for b in pool if b.sc.claim.quantity_start < at]
    if before:
        return max(before, key=lambda b: b.sc.claim.quantity_start)
    return min(pool, key=lambda b: b.sc.claim.quantity_start)


def _sum_parts(
    members: list[SourcedClaim], ends: dict[tuple[str, int], list[int]]
) -> list[_Statement]:
    """Stated parts summed into one derived figure. A part after a breakdown word is a subset
    of the figure before it, not an addend; when the first part itself follows one ("killed
    five people, including two women and two men"), the parts break down an earlier figure
    and nothing is summed."""
    ordered = sorted(members, key=lambda sc: sc.claim.quantity_start)
    plain = [_Statement(sc, sc.claim.quantity, None, (sc.claim.id,)) for sc in ordered]
    if ordered[0].claim.measure in separate_kind_measures():
        return plain
    head = ordered[0].claim
    before = [e for e in ends.get((head.report_id, head.start), ()) if e <= head.quantity_start]
    cut = max(before, default=head.start) - head.start
    prefix = head.sentence[max(0, cut) : max(0, head.quantity_start - head.start)]
    if _subset(prefix):
        return plain
    addends = [ordered[0]]
    for previous, sc in pairwise(ordered):
        if not _subset(_text_between(previous.claim, sc.claim)):
            addends.append(sc)
    if len(addends) < 2 or any(sc.claim.quantity.value is None for sc in addends):
        return plain
    ids = tuple(sc.claim.id for sc in addends)
    total = _sum_quantities([sc.claim.quantity for sc in addends])
    return [_Statement(ordered[0], total, ids, ids)]


_NON_WORD = re.compile(r"\W+")


def _subset(text: str) -> bool:
    """Whether the words before a part make it a subset: a breakdown word after the last
    word that adds parts."""
    words = " " + " ".join(_NON_WORD.sub(" ", text.lower()).split()) + " "
    last_breakdown = max((words.rfind(f" {w} ") for w in breakdown_words()), default=-1)
    last_addend = max((words.rfind(f" {w} ") for w in addend_words()), default=-1)
    return last_breakdown >= 0 and last_breakdown > last_addend


def _text_between(a: Claim, b: Claim) -> str:
    start, end = a.quantity_end - a.start, b.quantity_start - a.start
    return a.sentence[max(0, start) : max(0, end)] if end > start else ""


def _sum_quantities(quantities: Sequence[Quantity]) -> Quantity:
    value = sum(q.value or 0 for q in quantities)
    open_ended = any(q.qualifier in ("more_than", "at_least") for q in quantities)
    if open_ended:
        qualifier = "at_least"
    elif any(q.qualifier == "about" for q in quantities):
        qualifier = "about"
    else:
        qualifier = "exact"
    lows = [iv[0] for q in quantities if (iv := interval(q)) is not None]
    highs = [iv[1] for q in quantities if (iv := interval(q)) is not None]
    high = None if open_ended or any(h is None for h in highs) else sum(h for h in highs if h)
    text = " + ".join(describe_quantity(q) for q in quantities)
    return Quantity(value, qualifier, sum(lows) if lows else value, high, text)


def _as_of(sc: SourcedClaim) -> date | None:
    return sc.claim.as_of or sc.published


def _history(statements: Sequence[_Statement]) -> list[TollEntry]:
    """Statements grouped by (side, figure, toll, parts): one entry each, first reported date,
    in the order reported (undated last, then first appearance)."""
    buckets: dict[tuple[Any, ...], list[_Statement]] = {}
    for st in statements:
        q = st.quantity
        key = (claimant_side(st.sc), q.value, q.qualifier, q.low, q.high, st.sc.claim.toll)
        key += (st.derived_from is not None,)
        buckets.setdefault(key, []).append(st)
    entries = []
    for (side, *_), members in buckets.items():
        dates = [d for st in members if (d := _as_of(st.sc)) is not None]
        first = members[0]
        derived = [i for st in members if st.derived_from for i in st.derived_from]
        entries.append(
            TollEntry(
                reported=min(dates, default=None),
                claimant_side=side,
                claimant_country=None if side is None else first.sc.claim.claimant.country,
                quantity=first.quantity,
                toll=first.sc.claim.toll,
                derived_from=_unique(derived) if first.derived_from is not None else None,
                claimants=_unique(
                    st.sc.claim.claimant.name or st.sc.claim.claimant.text for st in members
                ),
                report_ids=_unique(report_key(st.sc) for st in members),
                claim_ids=_unique(i for st in members for i in st.claim_ids),
            )
        )
    order = {id(e): i for i, e in enumerate(entries)}
    entries.sort(key=lambda e: (e.reported or date.max, order[id(e)]))
    return entries


def _entry_point(e: TollEntry) -> int:
    q = e.quantity
    if q.value is not None:
        return q.value
    iv = interval(q)
    return iv[0] if iv else 0


def current_entries(entries: Sequence[TollEntry]) -> list[TollEntry]:
    """Each claimant side's current figure: its latest; among figures of that day or of no
    known day, the largest (a running toll rises)."""
    by_side: dict[str | None, list[TollEntry]] = {}
    for e in entries:
        by_side.setdefault(e.claimant_side, []).append(e)
    current = []
    for members in by_side.values():
        latest = max((e.reported for e in members if e.reported), default=None)
        pool = [e for e in members if e.reported is None or e.reported == latest]
        current.append(max(pool, key=lambda e: (_entry_point(e), e.reports)))
    return current


def _group_of(entry: TollEntry, outlets: dict[str, tuple[str, ...]]) -> ClaimGroup:
    return ClaimGroup(
        claimant_side=entry.claimant_side,
        claimant_country=entry.claimant_country,
        quantity=entry.quantity,
        claim_ids=entry.claim_ids,
        report_ids=entry.report_ids,
        outlets=_unique(o for c in entry.claim_ids for o in outlets.get(c, ())),
        claimants=entry.claimants,
        first_reported=entry.reported,
        last_reported=entry.reported,
    )


def _episode_figure(
    measure: str, victim: str | None, statements: Sequence[_Statement], chosen: Rule
) -> EpisodeFigure:
    history = _history(statements)
    outlets: dict[str, tuple[str, ...]] = {}
    for st in statements:
        for claim_id in st.claim_ids:
            outlets[claim_id] = (st.sc.outlet,) if st.sc.outlet else ()
    partial = _report_parts(statements)
    stated = [
        e
        for e in history
        if e.toll != "incremental"
        and e.quantity.qualifier != "vague"
        and interval(e.quantity) is not None
        and not set(e.claim_ids) <= partial
    ]
    # a place's own count ("12 injured in Ahmedpur East") is part of a side's toll: it
    # bounds only when nothing else does
    totals = [e for e in stated if e.toll != "local"] or stated
    attributed = [e for e in totals if e.claimant_side is not None]
    bounding = attributed or totals
    spans = {id(e): iv for e in bounding if (iv := interval(e.quantity)) is not None}
    low = min((_entry_point(e) for e in bounding), default=None)
    high: int | None = None
    if bounding:
        top = max(bounding, key=lambda e: (_entry_point(e), spans[id(e)][1] is None))
        high = None if spans[id(top)][1] is None else _entry_point(top)
    current = current_entries(bounding)
    unaffiliated = {
        claim_id
        for st in statements
        if st.sc.claim.claimant.type == "person" and not st.sc.claim.claimant.country
        for claim_id in st.claim_ids
    }
    sides = [e for e in current if not set(e.claim_ids) <= unaffiliated]
    contradiction = any(
        a.claimant_side != b.claimant_side and disjoint(spans[id(a)], spans[id(b)])
        for i, a in enumerate(sides)
        for b in sides[i + 1 :]
    )
    independent = {
        claim_id
        for st in statements
        if st.sc.claim.claimant.type in INDEPENDENT_TYPES
        for claim_id in st.claim_ids
    }
    groups = tuple(_group_of(e, outlets) for e in history)
    if current:
        best, reason = chosen.choose([_group_of(e, outlets) for e in current], victim)
    else:
        best, reason = _no_figure(chosen.name, groups)
    earlier = [e for e in bounding if all(e is not c for c in current)]
    if earlier:
        reason += "; earlier figures in the history: " + ", ".join(
            _describe_entry(e) for e in earlier
        )
    grade, grade_reason = _grade(victim, current, contradiction, bounding, independent)
    victim_country = next(
        (st.sc.claim.victim.country for st in statements if st.sc.claim.victim), None
    )
    return EpisodeFigure(
        measure=measure,
        victim_country=victim_country,
        groups=groups,
        contradiction=contradiction,
        low=low,
        best=best,
        high=high,
        rule=chosen.name,
        reason=reason,
        victim_side=victim,
        history=tuple(history),
        grade=grade,
        grade_reason=grade_reason,
    )


def _report_parts(statements: Sequence[_Statement]) -> set[str]:
    """Claim ids of figures smaller than another figure the same side gives in the same
    report (the snapshot rule): a report's largest figure is the side's toll as of that
    report, the smaller ones count a part of it (one village, one incident), unless they are
    running totals themselves ("the army first reported a toll of nine"). What it misses: an
    earlier total a report recalls without a word that marks it as one."""
    largest: dict[tuple[str, str | None], int] = {}
    for st in statements:
        if st.quantity.value is None or st.sc.claim.toll in ("incremental", "local"):
            continue
        key = (st.sc.claim.report_id, claimant_side(st.sc))
        largest[key] = max(largest.get(key, 0), st.quantity.value)
    return {
        claim_id
        for st in statements
        if st.quantity.value is not None
        and st.sc.claim.toll != "cumulative"
        and st.quantity.value < largest.get((st.sc.claim.report_id, claimant_side(st.sc)), 0)
        for claim_id in st.claim_ids
    }


def _describe_entry(e: TollEntry) -> str:
    when = e.reported.isoformat() if e.reported else "undated"
    parts = " (sum of stated parts)" if e.derived_from else ""
    return f"{describe_quantity(e.quantity)}{parts} ({describe_side(e.claimant_side)}, {when})"


def _grade(
    victim: str | None,
    current: Sequence[TollEntry],
    contradiction: bool,
    bounding: Sequence[TollEntry],
    independent: set[str],
) -> tuple[str | None, str]:
    if not current:
        return None, "no numeric figure"
    own = [e for e in current if victim is not None and e.claimant_side == victim]
    if own:
        e = own[0]
        note = "; contested by another side" if contradiction else ""
        return "admitted", f"{describe_side(victim)}'s own figure, {_describe_entry(e)}{note}"
    confirmed = [e for e in bounding if independent & set(e.claim_ids)]
    if confirmed:
        e = confirmed[-1]
        who = ", ".join(e.claimants) or "an independent body"
        return "confirmed", f"stated by an independent body ({who}): {_describe_entry(e)}"
    if contradiction:
        sides = ", ".join(sorted(describe_side(e.claimant_side) for e in current))
        return "contested", f"figures of different sides cannot all be true ({sides})"
    sides_named = {e.claimant_side for e in current}
    reports = len({r for e in bounding for r in e.report_ids})
    who = ", ".join(describe_side(s) for s in sides_named)
    return "single_source", (
        f"stated by {who} only ({reports} report{'s' if reports != 1 else ''}), "
        "not confirmed by the victims' side or an independent body"
    )
