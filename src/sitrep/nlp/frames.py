"""Event frames: what a report says happened, split into its main event and the background
events it mentions (earlier strikes, a border closure), with period statistics left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

from spacy.tokens import Doc, Span

from sitrep.link import EventTaxonomy, EventType, default_event_types
from sitrep.models import DateSpan

TERM_POS = {"NOUN", "PROPN", "VERB", "NUM"}
TERM_ENTS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
NAME_ENTS = TERM_ENTS | {"DATE", "TIME", "CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"}
NAME_PREFIX = "e:"  # a named entity, number or date among a frame's terms
HEADLINE_PREFIX = "t:"  # a word of the report's first sentence among its terms
MONTH_PREFIX = NAME_PREFIX + "@"  # the month of a resolved date: "e:@2013-09"
MAX_TERMS = 200
MONTH_TERM_MAX_DAYS = 31  # dates spanning more days (a year, "the past decade") give no month


@dataclass(frozen=True)
class Triggers:
    """Lookup tables over the event taxonomy: which lemma or phrase signals which type."""

    taxonomy: EventTaxonomy

    @cached_property
    def by_trigger(self) -> dict[str, EventType]:
        """Single-lemma trigger -> the highest-priority type it signals."""
        index: dict[str, EventType] = {}
        for etype in sorted(self.taxonomy.types.values(), key=lambda t: t.priority):
            for trigger in etype.triggers:
                index[trigger] = etype
        return index

    @cached_property
    def by_phrase_start(self) -> dict[str, list[tuple[tuple[str, ...], EventType]]]:
        index: dict[str, list[tuple[tuple[str, ...], EventType]]] = {}
        for etype in self.taxonomy.types.values():
            for phrase in etype.phrases:
                words = tuple(phrase.split())
                index.setdefault(words[0], []).append((words, etype))
        return index

    def same_event_family(self, a: str, b: str) -> bool:
        """Whether one event may be reported as both types (a clash and its shelling)."""
        return a == b or self.taxonomy.relation(a, b) in {"family", "compatible"}


@lru_cache(maxsize=1)
def default_triggers() -> Triggers:
    return Triggers(default_event_types())


def sentence_event_type(
    sent: Span, taxonomy: Triggers, skip: set[int]
) -> tuple[str, str, int] | None:
    """The highest-priority event type triggered in a sentence: (type, trigger text, token)."""
    lemmas = [(t.i, t.lemma_.lower(), t.text) for t in sent if not t.is_punct and t.i not in skip]
    words = [lemma for _, lemma, _ in lemmas]
    best: tuple[int, str, str, int] | None = None
    for k, (i, lemma, text) in enumerate(lemmas):
        etype = taxonomy.by_trigger.get(lemma)
        if etype is not None and (best is None or etype.priority > best[0]):
            best = (etype.priority, etype.name, text, i)
        for phrase, ptype in taxonomy.by_phrase_start.get(lemma, ()):
            if best is not None and ptype.priority <= best[0]:
                continue
            width = _phrase_width(words, k, phrase)
            if width:
                best = (
                    ptype.priority,
                    ptype.name,
                    " ".join(t for _, _, t in lemmas[k : k + width]),
                    i,
                )
    return (best[1], best[2], best[3]) if best else None


def _phrase_width(words: Sequence[str], k: int, phrase: tuple[str, ...]) -> int:
    """How many words the phrase covers at position ``k`` (0 when it does not match);
    one determiner or possessive may stand between two words ("close the border")."""
    n = len(phrase)
    if tuple(words[k : k + n]) == phrase:
        return n
    if n == 2 and k + 2 < len(words) and words[k + 2] == phrase[1]:
        return 3
    return 0


def report_terms(
    doc: Doc,
    sents: Sequence[Span] | None = None,
    dates: Sequence[tuple[int, DateSpan]] = (),
) -> tuple[str, ...]:
    """Salient terms of a report (or of ``sents``), most frequent first:

    - lowercase lemmas of content words and multiword names (joined with "_");
    - ``NAME_PREFIX`` + every named entity, numbers and dates included ("e:reggie_bush",
      "e:6.1", "e:april_28_2009"), so that who, where, when and how many weigh twice;
    - ``MONTH_PREFIX`` + the month of each resolved date of at most a month (``dates``:
      character offset in ``doc`` and span), so "18 September 2013" and "Sept. 17, 2013"
      share a term while the same words a month or a year apart do not (the pipeline gives
      ``dates`` only for reports without a publication date, which the linker cannot place
      in a date window);
    - for the whole report, ``HEADLINE_PREFIX`` + the lemmas of its first sentence (the
      headline or lead says what the report is about).
    """
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}

    def count(key: str, position: int) -> None:
        counts[key] += 1
        first.setdefault(key, position)

    spans = sents if sents is not None else [doc[:]]
    for span in spans:
        for ent in span.ents:
            key = "_".join(t.lower_ for t in ent if not t.is_punct)
            if not key:
                continue
            if ent.label_ in TERM_ENTS and len(ent) > 1:
                count(key, ent.start)
            if ent.label_ in NAME_ENTS:
                count(NAME_PREFIX + key, ent.start)
        for key, position in _content_lemmas(span):
            count(key, position)
    for offset, when in dates:
        inside = any(span.start_char <= offset < span.end_char for span in spans)
        if inside and (when.end - when.start).days < MONTH_TERM_MAX_DAYS:
            count(f"{MONTH_PREFIX}{when.start:%Y-%m}", len(doc) + offset)
    headline = next(iter(doc.sents), None) if sents is None else None
    if headline is not None:
        for key, position in _content_lemmas(headline):
            count(HEADLINE_PREFIX + key, position)
    ranked = sorted(counts, key=lambda k: (-counts[k], first[k]))
    return tuple(ranked[:MAX_TERMS])


def _content_lemmas(span: Span) -> Iterator[tuple[str, int]]:
    for tok in span:
        if tok.pos_ in TERM_POS and not tok.is_stop and (tok.is_alpha or tok.like_num):
            key = tok.lemma_.lower()
            if len(key) > 1:
                yield key, tok.i


@dataclass
class FrameDraft:
    """A frame while it is being assembled from the report's sentences."""

    key: int
    type: str
    trigger: str
    start: int
    end: int
    primary: bool
    date: DateSpan | None = None
    sentences: list[Span] = field(default_factory=list)

    def absorb(self, sent: Span) -> None:
        self.sentences.append(sent)


def dates_apart(a: DateSpan | None, b: DateSpan | None, days: int = 1) -> bool:
    """True when both dates are known and further apart than ``days``."""
    if a is None or b is None:
        return False
    return (b.start - a.end).days > days or (a.start - b.end).days > days


def merge_dates(a: DateSpan | None, b: DateSpan | None) -> DateSpan | None:
    if a is None or b is None:
        return a or b
    start, end = min(a.start, b.start), max(a.end, b.end)
    gran = a.granularity if a.granularity == b.granularity else "day"
    return DateSpan(start, end, gran, f"{a.text}; {b.text}".strip("; "))


def recent_span(published: date | None, days: int = 2) -> DateSpan | None:
    """The days just before publication, where a report's main event usually falls."""
    if published is None:
        return None
    return DateSpan(published - timedelta(days=days), published, "day", "publication date")
