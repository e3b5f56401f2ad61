"""Settings of the event linker (:class:`LinkConfig`) and ``FIELD=VALUE`` overrides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import TypeVar

C = TypeVar("C")


@dataclass(frozen=True)
class LinkConfig:
    """Thresholds and evidence weights of the linker.

    Evidence is in units of text similarity: a frame's score for an event is the cosine of
    its terms with the event's term centroid plus the mean, over the event's candidate frames,
    of the adjustments below; it joins the best-scoring event whose score reaches
    ``threshold``. Agreement (same day, type, town, actors) adds little or nothing by
    default: in a conflict one town sees the same kind of event day after day, so agreement
    does not tell two events apart, while disagreement does. The defaults were fitted on the
    ECB+ corpus and on synthetic conflict reports (``bench/ecb_clustering.py``,
    ``bench/linking_scale.py``).
    """

    threshold: float = 0.2
    """Minimum score for a link."""
    terms_weight: float = 1.0
    """Multiplies the IDF-weighted cosine of the frames' terms."""
    background_terms: float = 0.6
    """Factor on text evidence when a frame is not its report's primary event: report-level
    terms describe the main story, not the events it mentions in passing."""
    event_terms_share: float = 1.0
    """Share of the event's term centroid in text evidence (the rest is the cosine with the
    candidate frame itself): a centroid weighs what all the event's reports say, so one
    report that happens to share words with a look-alike event does not decide."""
    window_days: int = 2
    """Two frames whose known dates (spans) are further apart than this never link."""
    max_event_days: int = 2
    """An event's frames' own dates span fewer days than this (a battle may last a few
    days; reports of one place on successive days are otherwise separate events)."""
    publication_lag_days: int = 3
    """A frame with no date of its own may describe any of the days this long before its
    report's publication."""
    same_day: float = 0.0
    """Evidence when the two frames' dates overlap."""
    per_day_apart: float = 0.08
    """Evidence removed per day between the two frames' dates (within the window)."""
    same_type: float = 0.0
    """Evidence for the same event type (``other`` never counts as a type)."""
    same_family: float = -0.024
    """Evidence for different types of one family (armed_clash ~ shelling)."""
    compatible_family: float = -0.036
    """Evidence for types of compatible families (combat ~ violence against civilians)."""
    incompatible_type: float = -0.09
    """Evidence for types that cannot describe one event (protest vs air strike)."""
    same_place: float = 0.03
    """Evidence for a shared named place below province level (town, district, crossing)."""
    same_admin1: float = 0.0
    """Evidence for a shared province (admin1) when at most one frame names a town."""
    same_country: float = 0.0
    """Evidence for a shared country (of places or actors) and nothing more specific."""
    different_places: float = -0.1
    """Evidence when both frames name towns (or districts, crossings) and share none."""
    near_km: float = 0.0
    """Named towns this close (great-circle km, from their coordinates) do not count as
    different places: reports of one clash name the village or the nearby town (0: off)."""
    different_admin1: float = -0.05
    """Evidence when both frames name provinces (of their towns or themselves), share none
    and at most one of them names a town."""
    disjoint_countries: float = -0.02
    """Evidence when both frames name countries and none is shared. Mild: a frame's
    countries are every country its sentences name (background mentions, ambiguous
    gazetteer hits), so two reports of one event often name disjoint sets; on ECB+ a
    stronger penalty split more true events than it kept look-alikes apart."""
    shared_actors: float = 0.0
    """Evidence when all actor sides of the smaller frame appear in the other."""
    max_date_span_days: int = 7
    """Frames whose date spans more days are indexed as imprecisely dated."""
    candidate_limit: int = 200
    """At most this many candidate frames are scored per added frame."""
    bucket_size: int = 48
    """Each index bucket keeps its most recent this-many frames (bounds cost per frame)."""
    signature_terms: int = 20
    """A frame is indexed under its this-many most salient uncommon terms (its term
    signature); frames without a usable date or country are looked up by them."""
    max_countries: int = 4
    """At most this many countries of a frame are used to look up candidates."""
    split_ratio: float = 0.6
    """An event is split in two when its reports fall into two groups whose mean similarity
    across the groups is below this share of their mean similarity within them (0 never
    splits); similarity here is over names, numbers, dates and headline words. Reports join
    events one at a time, so two look-alike events can merge through their first reports;
    the split undoes that once each side has enough reports."""
    split_min_reports: int = 5
    """Each side of a split has at least this many reports (primary frames)."""
    split_max_reports: int = 64
    """Events with more reports than this are no longer checked for a split (the check
    costs the square of the event's size, and is only run as the event grows by a quarter)."""
    absorb_max_reports: int = 3
    """After a report joins an event, other candidate events of at most this many reports
    move into it when each of their frames now scores it at least ``threshold`` with no
    disagreeing event type (0 never). A report that arrives before the rest of its event's
    coverage starts an event of its own; once that coverage has gathered, it fits."""


@dataclass(frozen=True)
class EpisodeConfig:
    """Settings of the episode grouper (:mod:`sitrep.link.episodes`).

    An episode is what a reader follows as one story: one attack and its aftermath, or one
    continuous run of fighting between the same sides. Events join one episode when they are
    in the same theatre and their dates overlap or are at most ``max_gap_days`` apart; two
    events of one report are one story unless dates or places disagree (``same_report``); an
    event with no usable date otherwise joins the episode of its theatre whose words it shares
    most (``text_threshold``). A report that bridges two episodes merges them; the older episode's
    id is kept.
    """

    max_gap_days: int = 1
    """Events this many days apart or fewer (0: only overlapping days) are one run of
    violence; a longer lull starts a new episode."""
    max_days: int = 21
    """An episode never spans more days than this: a war of months is many episodes."""
    theatre: str = "auto"
    """Which events share a theatre: ``country`` (a shared country), ``admin1`` (a shared
    country, and a shared province when both name provinces) or ``auto`` (``admin1``, except
    that events that both involve the same two or more countries, as in a border war, need
    only share those)."""
    same_report: int = 1
    """1: two events of one report are one story unless their dates are more than
    ``max_gap_days`` apart or their places are in different theatres; an unknown date or
    place neither confirms nor refutes (a report's undated or unplaced mentions belong to its
    story). 0: off."""
    text_threshold: float = 0.2
    """An event with no usable date (or an episode of such events) joins the episode of its
    theatre whose term centroid its words match with at least this cosine (0: never), given
    evidence beyond a shared country (a shared town or province, or a war between states);
    with only a country shared, twice this unless the episode holds the event's type; joining
    through an undated event, the words must match that event too."""
    same_type_bonus: float = 0.1
    """Added to that cosine when the episode already holds an event of the event's type (a
    report of the hijacking fits the story that has the hijacking)."""
    max_span_days: int = 7
    """Events whose dates span more days than this count as having no usable date."""
    bucket_size: int = 64
    """Each (country, day) index bucket keeps its most recent this-many events."""
    max_countries: int = 4
    """At most this many countries of an event are used to look up candidates."""

    def __post_init__(self) -> None:
        if self.theatre not in THEATRES:
            raise ValueError(
                f"episode setting theatre={self.theatre!r}: choose one of {', '.join(THEATRES)}"
            )


THEATRES = ("auto", "admin1", "country")


def link_settings(assignments: Iterable[str], base: LinkConfig | None = None) -> LinkConfig:
    """``base`` (default: the defaults) with ``FIELD=VALUE`` overrides ("near_km=15",
    "absorb_max_reports=0"), each value read as the field's own type; ``ValueError`` names
    the bad assignment and the known fields."""
    return apply_settings(base or LinkConfig(), assignments, "link")


def episode_settings(
    assignments: Iterable[str], base: EpisodeConfig | None = None
) -> EpisodeConfig:
    """``base`` (default: the defaults) with ``FIELD=VALUE`` overrides ("max_gap_days=2",
    "theatre=country"); ``ValueError`` names the bad assignment and the known fields."""
    return apply_settings(base or EpisodeConfig(), assignments, "episode")


def apply_settings(config: C, assignments: Iterable[str], what: str) -> C:
    """``config`` with ``FIELD=VALUE`` overrides, each value read as the field's own type."""
    known = {f.name: type(getattr(config, f.name)) for f in fields(config)}  # type: ignore[arg-type]
    changes: dict[str, float | int | str] = {}
    for assignment in assignments:
        name, _, value = (part.strip() for part in assignment.partition("="))
        if name not in known or not value:
            raise ValueError(
                f"{what} setting {assignment!r}: expected FIELD=VALUE, FIELD one of "
                + ", ".join(sorted(known))
            )
        try:
            changes[name] = known[name](value)
        except ValueError:
            kind = "an integer" if known[name] is int else "a number"
            raise ValueError(f"{what} setting {assignment!r}: {value!r} is not {kind}") from None
    return replace(config, **changes)  # type: ignore[type-var]
