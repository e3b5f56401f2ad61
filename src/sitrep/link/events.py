"""Turn a cluster of frames and their claims into an :class:`~sitrep.models.Event`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from sitrep import reconcile as reconciliation
from sitrep.link.linker import place_key
from sitrep.models import Actor, Event, EventFrame, Place, SourcedClaim

SPECIFICITY = {"crossing": 0, "city": 1, "district": 2, "admin1": 3, "region": 4, "country": 5}


def ranked_places(place_lists: Iterable[Sequence[Place]]) -> tuple[Place, ...]:
    """The distinct places of several lists, most specific first (a crossing before its
    city), then the most often named, then in order of first mention."""
    place_counts: Counter[tuple[str, str | None]] = Counter()
    place_of: dict[tuple[str, str | None], Place] = {}
    for places in place_lists:
        for p in places:
            key = place_key(p)
            place_counts[key] += 1
            place_of.setdefault(key, p)
    order = list(place_of)
    return tuple(
        place_of[k]
        for k in sorted(
            order,
            key=lambda k: (SPECIFICITY.get(place_of[k].kind, 6), -place_counts[k], order.index(k)),
        )
    )


def build_event(
    event_id: str,
    frames: Sequence[EventFrame],
    claims: Sequence[SourcedClaim],
    *,
    rule: str = "conservative",
    sources: Mapping[str, str] | None = None,
) -> Event:
    """An Event from its frames and the claims of those frames.

    ``sources`` maps report ids to their source paths/URLs; reports missing from it take the
    source of one of their claims.
    """
    type_votes: Counter[str] = Counter()
    for f in frames:
        type_votes[f.type] += 2 if f.primary else 1
    first_seen = {t: i for i, t in reversed(list(enumerate(f.type for f in frames)))}
    event_type = (
        max(type_votes, key=lambda t: (type_votes[t], t != "other", -first_seen[t]))
        if type_votes
        else "other"
    )

    spans = [(f.date.start, f.date.end) for f in frames if f.date is not None]
    if not spans:
        spans = [(f.published, f.published) for f in frames if f.published is not None]
    date_start = min((s for s, _ in spans), default=None)
    date_end = max((e for _, e in spans), default=None)

    places = ranked_places(f.places for f in frames)

    actors: dict[tuple[str, str | None], Actor] = {}
    for f in frames:
        for a in f.actors:
            actors.setdefault(((a.name or a.text).casefold(), a.country), a)

    report_ids = tuple(dict.fromkeys(f.report_id for f in frames))
    source_of = dict(sources or {})
    for sc in claims:
        source_of.setdefault(sc.claim.report_id, sc.source)
    return Event(
        id=event_id,
        type=event_type,
        date_start=date_start,
        date_end=date_end,
        places=places,
        actors=tuple(actors.values()),
        frame_ids=tuple(f.id for f in frames),
        report_ids=report_ids,
        sources=tuple(source_of[r] for r in report_ids if r in source_of),
        figures=reconciliation.reconcile(claims, rule=rule),
    )
