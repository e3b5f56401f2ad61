"""Event frames: what a report says happened, split into its main event and the background
events it mentions (earlier strikes, a border closure), with period statistics left out."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Any

from spacy.tokens import Doc, Span, Token

from sitrep.knowledge import merged_data
from sitrep.link import EventTaxonomy, EventType, default_event_types
from sitrep.link.index import ANTECEDENT_TERM, YEARLESS_PREFIX
from sitrep.models import DateSpan
from sitrep.nlp import dates as date_rules
from sitrep.nlp.doctext import doc_text

TERM_POS = {"NOUN", "PROPN", "VERB", "NUM"}
TERM_ENTS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
NAME_ENTS = TERM_ENTS | {"DATE", "TIME", "CARDINAL", "MONEY", "QUANTITY", "PERCENT", "ORDINAL"}
NAME_PREFIX = "e:"  # a named entity, number or date among a frame's terms
HEADLINE_PREFIX = "t:"  # a word of the report's first sentence among its terms
MONTH_PREFIX = NAME_PREFIX + "@"  # the month of a resolved date: "e:@2013-09"
MAX_TERMS = 200
MONTH_TERM_MAX_DAYS = 31  # dates spanning more days (a year, "the past decade") give no month
# Two stand-in publication dates, different in year, month and day: a date that resolves to
# the same month and day against both names a calendar day or month, not a relative one.
STAND_INS = (date(2001, 3, 15), date(2002, 9, 20))


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


def named_months(text: str) -> list[tuple[int, int, str]]:
    """(character offset, month, granularity) of each calendar day or month the text names,
    with or without its year ("on December 7", "an April attack", "July 26, 2025");
    relative dates ("Monday", "last month") are left out."""
    found: list[dict[int, tuple[int, DateSpan]]] = []
    for stand_in in STAND_INS:
        found.append(
            {
                end: (start, span)
                for start, end, span in date_rules.find_dates(text, stand_in)
                if span.granularity in ("day", "month")
            }
        )
    out = []
    for end, (start, span) in found[0].items():
        other = found[1].get(end)
        if other is None or other[1].granularity != span.granularity:
            continue
        a, b = span.start, other[1].start
        if (a.month, a.day) == (b.month, b.day):
            out.append((max(start, other[0]), a.month, span.granularity))
    return sorted(out)


def frame_marks(draft: FrameDraft) -> tuple[str, ...]:
    """Terms that tell the linker what kind of frame this is: ``ANTECEDENT_TERM`` for an
    antecedent event (see ``split_antecedents``)."""
    return (ANTECEDENT_TERM,) if draft.antecedent else ()


def yearless_terms(
    draft: FrameDraft,
    drafts: Sequence[FrameDraft],
    yearless: Sequence[tuple[int, int, str]],
    doc: Doc,
) -> tuple[str, ...]:
    """``YEARLESS_PREFIX`` + month terms of a frame of an undated report (``yearless`` from
    ``named_months``), so the linker can keep "on December 7" out of an event in July.
    A frame takes the days named in its own sentences; the main frame, and any other frame
    that names none (the report's story seen from another side), the days named anywhere in
    the report except inside phrases that name an earlier event ("since the 7 October
    attack"). An antecedent frame takes only its phrase's days and months ("an April
    attack")."""
    others = [
        (s.start_char, s.end_char)
        for d in drafts
        if d.antecedent and d is not draft
        for s in d.sentences
    ]

    def months_in(
        ranges: Sequence[tuple[int, int]], excluded: Sequence[tuple[int, int]]
    ) -> set[int]:
        return {
            month
            for offset, month, granularity in yearless
            if (granularity == "day" or draft.antecedent)
            and any(a <= offset < b for a, b in ranges)
            and not any(a <= offset < b for a, b in excluded)
        }

    months = set(draft.months)
    if not draft.primary:
        months |= months_in([(s.start_char, s.end_char) for s in draft.sentences], others)
    if draft.primary or not (months or draft.antecedent):
        months |= months_in([(0, len(doc_text(doc)))], antecedent_ranges(doc) + others)
    return tuple(f"{YEARLESS_PREFIX}{m:02d}" for m in sorted(months))


_ANTECEDENT_RANGES_KEY = "sitrep.antecedent_ranges"  # doc.user_data: found once per doc


def antecedent_ranges(doc: Doc) -> list[tuple[int, int]]:
    """Character ranges of the phrases that name an earlier event ("since the 7 October
    attack", not "since December 7", which only opens a period)."""
    known = doc.user_data.get(_ANTECEDENT_RANGES_KEY)
    if known is not None:
        return list(known)  # found once per document: every frame of the report asks
    out = []
    for sent in doc.sents:
        for start, end in antecedent_scopes(sent):
            words = doc[start:end]
            if any(t.pos_ in {"NOUN", "VERB"} and t.ent_type_ != "DATE" for t in words):
                out.append((words.start_char, words.end_char))
    doc.user_data[_ANTECEDENT_RANGES_KEY] = tuple(out)
    return out


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


_CONTENT_LEMMAS_KEY = "sitrep.content_lemmas"  # doc.user_data: found once per doc


def _content_lemmas(span: Span) -> Iterator[tuple[str, int]]:
    """(lowercase lemma, token index) of the content words of ``span``, in order. The whole
    document's are found once (each frame and the headline ask again) and sliced."""
    doc = span.doc
    held = doc.user_data.get(_CONTENT_LEMMAS_KEY)
    if held is None:
        found = [
            (key, tok.i)
            for tok in doc
            if tok.pos_ in TERM_POS
            and not tok.is_stop
            and (tok.is_alpha or tok.like_num)
            and len(key := tok.lemma_.lower()) > 1
        ]
        held = doc.user_data[_CONTENT_LEMMAS_KEY] = (tuple(found), [i for _, i in found])
    found, positions = held
    yield from found[bisect_left(positions, span.start) : bisect_left(positions, span.end)]


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
    antecedent: bool = False  # an earlier event the report names ("after a mine blast ...")
    months: frozenset[int] = frozenset()  # months named as a word ("the April attack")

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


# --- antecedent events ----------------------------------------------------------------------
#
# A report of today's fighting names the events that led to it: "the clashes flared up after a
# landmine explosion on Wednesday injured five soldiers", "the strikes came in response to the
# April attack in which gunmen killed 26 people". A figure inside such a phrase counts that
# earlier event, not the report's main one: its claim goes to a frame of its own, dated by the
# dates inside the phrase. When the phrase gives the event a time of its own, the frame is an
# ``antecedent``: the linker keeps it out of the main event and episode unless its dates or
# words put it there. Without one, it stays in its report's story.

ANTECEDENT_DEPS = {"prep", "mark", "advcl", "acl", "pcomp", "agent"}


@dataclass(frozen=True)
class AntecedentWords:
    """How a sentence names an earlier event (``[antecedent]`` in ``event_types.toml``)."""

    openers: tuple[tuple[str, ...], ...]  # "after", "in response to" (lowercase words)
    cause_nouns: frozenset[str]  # "the trigger for the clashes was ..."
    cause_verbs: frozenset[str]  # "a bomb that ... triggered the fighting"


@lru_cache(maxsize=1)
def antecedent_words() -> AntecedentWords:
    """The bundled ``[antecedent]`` words with the user's file merged in."""
    section = merged_data("event_types.toml").get("antecedent", {})
    return AntecedentWords(
        openers=tuple(tuple(str(p).lower().split()) for p in section.get("openers", ())),
        cause_nouns=frozenset(str(w).lower() for w in section.get("cause_nouns", ())),
        cause_verbs=frozenset(str(w).lower() for w in section.get("cause_verbs", ())),
    )


def antecedent_scopes(sent: Span, words: AntecedentWords | None = None) -> list[tuple[int, int]]:
    """Token ranges ``[start, end)`` of the phrases of a sentence that name an earlier event:
    the subtree of an opener ("following an April attack in which gunmen killed 26"), the
    clause an opening conjunction introduces ("after a mine blast injured five soldiers"),
    the cause a sentence names ("the trigger for the clashes was a mine explosion that
    wounded five", "a bomb that wounded four soldiers sparked the fighting", "the fighting
    was sparked by a raid in which gunmen killed nine"). A phrase that holds the sentence's
    root is no antecedent."""
    words = words or antecedent_words()
    last_words = _openers_by_last_word(words)
    doc = sent.doc
    causes = words.cause_nouns | words.cause_verbs
    found: list[tuple[int, int]] = []
    for tok in sent:
        if tok.lemma_.lower() in causes:  # else _cause_scopes has nothing to say
            found += _cause_scopes(tok, sent, words)
        phrases = last_words.get(tok.lower_)
        if not phrases or tok.dep_ not in ANTECEDENT_DEPS:
            continue
        if not any(
            tuple(t.lower_ for t in doc[max(sent.start, tok.i - len(p) + 1) : tok.i + 1]) == p
            for p in phrases
        ):
            continue
        head = tok.head if tok.dep_ == "mark" else tok
        found.append((min(head.left_edge.i, tok.i), head.right_edge.i + 1))
    return [(a, b) for a, b in found if not a <= sent.root.i < b and b - a >= 2]


@lru_cache(maxsize=8)
def _openers_by_last_word(words: AntecedentWords) -> dict[str, list[tuple[str, ...]]]:
    """The opener phrases by their last word (what a token is matched against)."""
    last_words: dict[str, list[tuple[str, ...]]] = {}
    for phrase in words.openers:
        last_words.setdefault(phrase[-1], []).append(phrase)
    return last_words


def _cause_scopes(tok: Token, sent: Span, words: AntecedentWords) -> list[tuple[int, int]]:
    lemma = tok.lemma_.lower()
    if lemma in words.cause_nouns and tok.dep_ in {"nsubj", "nsubjpass"}:
        copula = tok.head
        if copula.lemma_.lower() == "be":
            # the complement names the cause, and what follows it tells of the cause (the
            # parser often hangs its relative clause on the copula)
            complement = [c for c in copula.children if c.i > copula.i and c.dep_ == "attr"]
            if complement:
                return [(complement[0].left_edge.i, sent.end)]
    if lemma in words.cause_verbs and tok.pos_ == "VERB":
        return [
            (c.left_edge.i, c.right_edge.i + 1)
            for c in tok.children
            if c.dep_ == "agent" or (c.dep_ == "nsubj" and c.i < tok.i)
        ]
    return []


def antecedent_of(
    claim_tokens: Sequence[int], scopes: Sequence[tuple[int, int]]
) -> tuple[int, int] | None:
    """The narrowest antecedent phrase that holds all of a claim's tokens (its number and
    the word that says what happened), or None."""
    inside = [s for s in scopes if all(s[0] <= t < s[1] for t in claim_tokens)]
    return min(inside, key=lambda s: s[1] - s[0], default=None)


def split_antecedents(
    doc: Doc,
    drafts: list[FrameDraft],
    claims: Sequence[Any],
    claim_frames: dict[int, int | None],
    taxonomy: Triggers,
    dated: Mapping[int, DateSpan] | None = None,
) -> None:
    """Move each claim that counts an antecedent event (``antecedent_scopes``) out of its
    frame into a frame of that event: one per phrase, typed by the phrase's own trigger
    words (else its sentence frame's type), dated by ``dated`` (character offset -> event
    date) inside the phrase. ``drafts`` and ``claim_frames`` are updated in place."""
    scopes_of: dict[int, list[tuple[int, int]]] = {}
    made: dict[tuple[int, int], FrameDraft] = {}
    for n, claim in enumerate(claims):
        current = claim_frames.get(n)
        if current is None:
            continue
        sent: Span = claim.sentence
        if sent.start not in scopes_of:
            scopes_of[sent.start] = antecedent_scopes(sent)
        tokens = [claim.mention.anchor] + ([claim.trigger] if claim.trigger is not None else [])
        scope = antecedent_of(tokens, scopes_of[sent.start])
        if scope is None:
            continue
        draft = made.get(scope)
        if draft is None:
            phrase = doc[scope[0] : scope[1]]
            outside = {t.i for t in sent if not scope[0] <= t.i < scope[1]}
            found = sentence_event_type(sent, taxonomy, outside)
            etype, trigger = (found[0], found[1]) if found else (drafts[current].type, "")
            when: DateSpan | None = None
            for offset, span in (dated or {}).items():
                if phrase.start_char <= offset < phrase.end_char:
                    when = merge_dates(when, span)
            draft = FrameDraft(
                len(drafts), etype, trigger, phrase.start_char, phrase.end_char, False, when
            )
            draft.months = frozenset(_month_words(phrase))
            # an earlier event is another story only when its phrase gives it a time of its
            # own ("a skirmish in May", "a mine blast on Wednesday"); without one ("after an
            # operation in which 33 rebels were killed") it may be the story's own last hours
            draft.antecedent = bool(when or draft.months or _has_time(phrase))
            draft.absorb(phrase)
            drafts.append(draft)
            made[scope] = draft
        claim_frames[n] = draft.key


def _has_time(span: Span) -> bool:
    """The phrase says when ("in May", "on Wednesday", "last week", "two months ago")."""
    if any(t.ent_type_ == "DATE" for t in span):
        return True
    return bool(date_rules.find_dates(span.text, STAND_INS[0]))


def _month_words(span: Span) -> Iterator[int]:
    """Months named as a modifier of a noun ("the April attack", "a May skirmish"), which
    date rules that need "in April" do not read."""
    for tok in span:
        month = date_rules.MONTHS.get(tok.lower_)
        if (
            month is not None
            and tok.is_title
            and len(tok) > 3
            and tok.dep_ in {"compound", "nmod", "amod", "npadvmod"}
            and tok.head.pos_ in {"NOUN", "PROPN"}
        ):
            yield month
