"""Linking: event frames across reports into events, and events into episodes.

Each concern has its module:

- :mod:`sitrep.link.taxonomy`: event types and families (``data/event_types.toml``);
- :mod:`sitrep.link.config`: :class:`LinkConfig` and :class:`EpisodeConfig`, the settings of
  both levels, with ``FIELD=VALUE`` overrides (:func:`link_settings`,
  :func:`episode_settings`);
- :mod:`sitrep.link.terms`: term statistics, frame vectors, event term centroids;
- :mod:`sitrep.link.index`: where the linker finds candidate frames (:class:`MemoryFrameIndex`,
  :class:`StoreFrameIndex`), bucketed by country and day;
- :mod:`sitrep.link.linker`: the incremental :class:`Linker` (scoring, splits, absorption);
- :mod:`sitrep.link.duplicates`: near-copies (:class:`DuplicateDetector`);
- :mod:`sitrep.link.events`: :func:`build_event`;
- :mod:`sitrep.link.episodes`: the incremental :class:`EpisodeGrouper` and
  :func:`build_episode`.

Every name is re-exported here, so ``from sitrep.link import Linker`` keeps working.
"""

from sitrep.link.config import (
    THEATRES,
    EpisodeConfig,
    LinkConfig,
    apply_settings,
    episode_settings,
    link_settings,
)
from sitrep.link.duplicates import DuplicateDetector, minhash, shingles
from sitrep.link.episodes import EpisodeGrouper, EventSketch, build_episode
from sitrep.link.events import build_event
from sitrep.link.index import (
    EventDates,
    FrameIndex,
    MemoryFrameIndex,
    StoreFrameIndex,
    day_gap,
    months_fit,
    months_meet,
    recount_event,
    reference_span,
    yearless_months,
)
from sitrep.link.linker import (
    Evidence,
    Linker,
    Whereabouts,
    distance_km,
    split_checkpoints,
    two_groups,
)
from sitrep.link.taxonomy import (
    EventFamily,
    EventTaxonomy,
    EventType,
    TaxonomyError,
    default_event_types,
    load_event_types,
    parse_event_types,
)
from sitrep.link.terms import EventTerms, TermStats, Vector, cosine

__all__ = [
    "THEATRES",
    "DuplicateDetector",
    "EpisodeConfig",
    "EpisodeGrouper",
    "EventDates",
    "EventFamily",
    "EventSketch",
    "EventTaxonomy",
    "EventTerms",
    "EventType",
    "Evidence",
    "FrameIndex",
    "LinkConfig",
    "Linker",
    "MemoryFrameIndex",
    "StoreFrameIndex",
    "TaxonomyError",
    "TermStats",
    "Vector",
    "Whereabouts",
    "apply_settings",
    "build_episode",
    "build_event",
    "cosine",
    "day_gap",
    "default_event_types",
    "distance_km",
    "episode_settings",
    "link_settings",
    "load_event_types",
    "minhash",
    "months_fit",
    "months_meet",
    "parse_event_types",
    "recount_event",
    "reference_span",
    "shingles",
    "split_checkpoints",
    "two_groups",
    "yearless_months",
]
