"""How each figure counts within a running toll: a total so far, an addition, or a part.

Reports of a story that lasts days restate its toll as it rises: "the death toll climbed to
32" (cumulative), "12 more deaths" (incremental: never the total), "13 civilians and six
soldiers" (parts of one figure, summed downstream), "207, including three civilians" (a
breakdown of the figure before it, not a separate figure), "by Saturday" (the date the toll
is given for). The ``sitrep_tolls`` component reads ``doc._.claims`` (made by
``sitrep_attribution``) and sets ``toll``, ``part_of`` and ``as_of`` on each; the vocabulary
is ``data/tolls.toml``.

``part_of`` is a character offset (the quantity start of the first part; offsets into the
Doc here, into the report text on ``Claim``). Coordinated parts all carry the key, the first
part included; a breakdown carries the quantity start of the total it breaks down, and that
total carries no key of its own, so ``stated_parts`` can tell sums from breakdowns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from itertools import pairwise
from typing import Protocol

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from sitrep.knowledge import merged_data
from sitrep.models import Claim, DateSpan, PlaceMention
from sitrep.nlp.claims import ClaimMatch, clause_tokens, heads_path
from sitrep.nlp.doctext import doc_text

ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "obj", "attr", "dative", "oprd"}
CUMULATIVE = "cumulative"
INCREMENTAL = "incremental"
LOCAL = "local"
LEAD_WORDS = re.compile(r"\s+(early|late|midday|the end of|the morning of|the evening of)$")


class DatedMention(Protocol):
    """A date found in the Doc (``pipeline.DateMention``): character offsets and its span."""

    start: int
    end: int
    span: DateSpan
    speech: bool


@dataclass(frozen=True)
class TollVocabulary:
    """The words that mark totals, additions, breakdowns and as-of dates (``tolls.toml``)."""

    rising_verbs: frozenset[str]
    toll_verbs: frozenset[str]
    toll_nouns: frozenset[str]
    total_words: frozenset[str]
    total_phrases: tuple[str, ...]
    date_openers: tuple[str, ...]
    more_before: frozenset[str]
    more_after: frozenset[str]
    retrospective: tuple[str, ...]
    breakdown: tuple[str, ...]
    local_preps: frozenset[str]
    local_kinds: frozenset[str]
    local_min_places: int
    as_of_before: tuple[str, ...]


@lru_cache(maxsize=1)
def toll_vocabulary() -> TollVocabulary:
    """The bundled ``tolls.toml`` with the user's file of the same name merged in."""
    data = merged_data("tolls.toml")
    cum = data.get("cumulative", {})
    inc = data.get("incremental", {})

    def words(section: dict[str, list[str]], key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in section.get(key, ()))

    return TollVocabulary(
        rising_verbs=words(cum, "verbs"),
        toll_verbs=words(cum, "toll_verbs"),
        toll_nouns=words(cum, "nouns"),
        total_words=words(cum, "words"),
        total_phrases=tuple(p.lower() for p in cum.get("phrases", ())),
        date_openers=tuple(p.lower() for p in cum.get("date_openers", ())),
        more_before=words(inc, "before"),
        more_after=words(inc, "after"),
        retrospective=tuple(p.lower() for p in inc.get("retrospective", ())),
        local_preps=words(data.get("local", {}), "prepositions"),
        local_kinds=words(data.get("local", {}), "place_kinds"),
        local_min_places=int(data.get("local", {}).get("min_places", 2)),
        breakdown=tuple(p.lower() for p in data.get("parts", {}).get("breakdown", ())),
        as_of_before=tuple(p.lower() for p in data.get("as_of", {}).get("before_date", ())),
    )


@dataclass(frozen=True)
class PartSum:
    """Claims of one report stating parts of one figure: a sum (``total`` None, the figure is
    derived) or the breakdown of a stated ``total``."""

    key: int
    parts: tuple[Claim, ...]
    total: Claim | None = None

    @property
    def value(self) -> int | None:
        """The sum of the parts' values (None when a part has no single value)."""
        values = [p.quantity.value for p in self.parts]
        return None if any(v is None for v in values) else sum(v for v in values if v)


def stated_parts(claims: Iterable[Claim]) -> list[PartSum]:
    """Group claims by (report, ``part_of``): the parts of each figure, with the stated total
    when the parts are a breakdown ("207, including three civilians")."""
    groups: dict[tuple[str, int], list[Claim]] = {}
    by_start: dict[tuple[str, int], Claim] = {}
    for claim in claims:
        by_start[(claim.report_id, claim.quantity_start)] = claim
        if claim.part_of is not None:
            groups.setdefault((claim.report_id, claim.part_of), []).append(claim)
    out = []
    for key, parts in groups.items():
        head = by_start.get(key)
        total = head if head is not None and head.part_of != key[1] else None
        ordered = tuple(sorted(parts, key=lambda c: c.quantity_start))
        out.append(PartSum(key[1], ordered, total))
    return sorted(out, key=lambda s: (s.parts[0].report_id, s.key))


# --- the component --------------------------------------------------------------------------


@Language.component(
    "sitrep_tolls",
    assigns=["doc._.claims"],
    requires=["doc._.claims", "doc._.dates", "doc._.places"],
)
def tolls_component(doc: Doc) -> Doc:
    """Set ``toll``, ``part_of`` and ``as_of`` on the claims of each sentence."""
    doc._.claims = read_tolls(
        doc, list(doc._.claims or ()), list(doc._.dates or ()), places=doc._.places or ()
    )
    return doc


def read_tolls(
    doc: Doc,
    claims: Sequence[ClaimMatch],
    dates: Sequence[DatedMention] = (),
    vocab: TollVocabulary | None = None,
    places: Sequence[PlaceMention] = (),
) -> list[ClaimMatch]:
    """The claims with their toll kind, part key and as-of date, sentence by sentence;
    ``places`` (the Doc's place mentions) tell local counts: plain figures the report gives
    place by place ("12 injured in Ahmedpur East ... two killed in Kotli"), each a part of
    its side's toll, when they name at least ``[local] min_places`` different places."""
    vocab = vocab or toll_vocabulary()
    placed: dict[int, str] = {}  # claim index -> the one place its clause puts it in
    out = list(claims)
    by_sentence: dict[int, list[int]] = {}
    for n, claim in enumerate(claims):
        by_sentence.setdefault(claim.sentence.start, []).append(n)
    for indices in by_sentence.values():
        indices.sort(key=lambda n: claims[n].mention.start)
        members = [claims[n] for n in indices]
        kinds = [
            toll_kind(doc, c, vocab, earlier=[m.measure for m in members[:k]])
            for k, c in enumerate(members)
        ]
        keys = part_keys(doc, members, vocab)
        # a kind stated on one part holds for the whole figure ("seven more civilians and
        # five other soldiers"); a breakdown takes the kind of its total
        for key in {k for k, _ in keys if k is not None}:
            group = [i for i, (k, _) in enumerate(keys) if k == key]
            shared = _shared_kind([kinds[i] for i in group])
            for i in group:
                kinds[i] = kinds[i] or shared
        for i, (_, total) in enumerate(keys):
            if total is not None and kinds[i] is None:
                kinds[i] = kinds[total]
        for i, n in enumerate(indices):
            claim = members[i]
            if kinds[i] is None and keys[i] == (None, None):
                place = local_place(doc, claim, places, vocab)
                if place is not None:
                    placed[n] = place
            out[n] = replace(
                claim,
                toll=kinds[i],
                part_of=keys[i][0],
                as_of=as_of_date(doc, claim, dates, vocab, cumulative=kinds[i] == CUMULATIVE),
            )
    if len(set(placed.values())) >= vocab.local_min_places:
        for n in placed:
            out[n] = replace(out[n], toll=LOCAL)
    return out


def _shared_kind(kinds: Sequence[str | None]) -> str | None:
    if INCREMENTAL in kinds:
        return INCREMENTAL
    return CUMULATIVE if CUMULATIVE in kinds else None


# --- toll kinds -----------------------------------------------------------------------------


def toll_kind(
    doc: Doc, claim: ClaimMatch, vocab: TollVocabulary, *, earlier: Sequence[str] = ()
) -> str | None:
    """ "cumulative", "incremental" or None for one claim. ``earlier`` are the measures of the
    claims before it in the sentence: after a figure of another measure "10 more" means
    ten other people ("killing six and wounding 10 more"), not an addition to a toll."""
    mention = claim.mention
    if _is_incremental(doc, mention.start, mention.end, claim.noun, vocab):
        if any(m != claim.measure for m in earlier) or _retrospective(claim.sentence, vocab):
            return None
        return INCREMENTAL
    if _is_cumulative(doc, claim, vocab):
        return CUMULATIVE
    return None


def _retrospective(sent: Span, vocab: TollVocabulary) -> bool:
    """The sentence opens by looking back ("Previously, ...", "Earlier, ...")."""
    words = [t.lower_ for t in sent if not t.is_punct and not t.is_space][:3]
    opening = " ".join(words)
    return any(opening == p or opening.startswith(p + " ") for p in vocab.retrospective)


def _is_incremental(
    doc: Doc, start: int, end: int, noun: int | None, vocab: TollVocabulary
) -> bool:
    before = doc[start - 1] if start > 0 else None
    if before is not None and before.lower_ in vocab.more_before:
        return True  # "another five", "a further 10", "an additional 20"
    if doc[start].lower_ in vocab.more_before:
        return True  # "another soldier was killed": the article counts one more
    after = doc[end] if end < len(doc) else None
    if (
        after is not None
        and after.lower_ in vocab.more_after
        and not (end + 1 < len(doc) and doc[end + 1].lower_ == "than")
    ):
        return True  # "12 more", "seven more civilians", "five new deaths"
    if noun is not None:
        return any(
            c.dep_ in {"amod", "advmod"} and c.lower_ in vocab.more_after and c.i < noun
            for c in doc[noun].children
        )
    return False


def local_place(
    doc: Doc, claim: ClaimMatch, places: Sequence[PlaceMention], vocab: TollVocabulary
) -> str | None:
    """The place (casefolded name) the claim's own clause puts the figure in, when it is
    one place of a local kind ("12 people were injured in Ahmedpur East"): on the number's
    phrase or its clause's verb, a preposition of ``[local] prepositions`` whose object
    names that place and no other ("nine sites in Pakistan and Kashmir" spans a country and
    a region: no place of its own)."""
    if not places:
        return None
    nodes = []
    for node in _claim_path(doc, claim):
        nodes.append(node)
        if node.pos_ in {"VERB", "AUX"}:
            break
    if claim.trigger is not None and doc[claim.trigger] not in nodes:
        nodes.append(doc[claim.trigger])
    for node in nodes:
        for prep in node.children:
            if prep.dep_ != "prep" or prep.lower_ not in vocab.local_preps:
                continue
            if any(c.dep_ == "conj" for c in prep.children):
                continue  # "in Kotli and in Bagh"
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                start, end = obj.left_edge.idx, obj.right_edge.idx + len(obj.right_edge)
                named = [p for p in places if start <= p.start < end]
                if len(named) == 1 and named[0].place.kind in vocab.local_kinds:
                    return named[0].place.name.casefold()
    return None


def _claim_path(doc: Doc, claim: ClaimMatch) -> list[Token]:
    """The heads of the claim's number and of its trigger ("13 civilians and six soldiers
    killed since Thursday": the date hangs off the participle, not the number)."""
    path = heads_path(doc[claim.mention.anchor])
    if claim.trigger is not None:
        seen = {t.i for t in path}
        path += [t for t in heads_path(doc[claim.trigger]) if t.i not in seen]
    return path


def _is_cumulative(doc: Doc, claim: ClaimMatch, vocab: TollVocabulary) -> bool:
    path = _claim_path(doc, claim)
    for prev, node in pairwise(path):
        lemma = node.lemma_.lower()
        if node.pos_ in {"VERB", "AUX"}:
            reaches = prev.dep_ in {"dobj", "attr", "npadvmod"} or (
                prev.dep_ == "prep" and prev.lower_ in {"to", "at"}
            )
            if reaches and lemma in vocab.rising_verbs:
                return True  # "rose to 32", "climbed to 32"
            if reaches and lemma in vocab.toll_verbs and _has_toll_noun(node, vocab):
                return True  # "the toll stood at 19", "bringing the total to 32"
    if _of_toll_noun(doc[claim.mention.anchor], vocab):
        return True  # "a death toll of nine", "a total of 24 strikes"
    if _earlier_statement(doc[claim.mention.anchor], vocab):
        return True  # "the ministry had earlier said 58 were killed": its total back then
    on_path = {t.i for t in path}
    for tok in claim.sentence:
        if tok.lower_ in vocab.date_openers and tok.i not in on_path:
            # "since Thursday" on the clause, "since the fighting began" as its subclause
            # (but not "since a clash that killed a soldier": that figure is inside it)
            head = tok.head.head if tok.dep_ == "mark" else tok.head
            if head.i in on_path:
                return True
    # another argument of the verb does not qualify the figure ("launched a total of 24
    # strikes across six locations": "a total of" is the strikes', not the six's)
    on_path = {t.i for t in path}
    others = {
        t.i
        for node in path
        if node.pos_ in {"VERB", "AUX"}
        for child in node.children
        if child.i not in on_path and child.dep_ in ARGUMENT_DEPS
        for t in child.subtree
    }
    words = [t for t in clause_tokens(path) if t.i not in others]
    if any(t.lower_ in vocab.total_words for t in words):
        return True
    text = " " + " ".join(t.lower_ for t in words) + " "
    return any(f" {phrase} " in text for phrase in vocab.total_phrases)


def _earlier_statement(anchor: Token, vocab: TollVocabulary) -> bool:
    """The figure is what someone said earlier ("had earlier said 58 people were killed",
    "initially reported that 12 had died"): a verb above the figure's own clause carries a
    looking-back adverb. The figure's own verb does not count: "Earlier, gunmen killed five"
    is an earlier event, not an earlier total."""
    verbs = [t for t in anchor.ancestors if t.pos_ in {"VERB", "AUX"}]
    return any(
        child.dep_ == "advmod" and child.lower_ in vocab.retrospective
        for verb in verbs[1:]
        for child in verb.children
    )


def _of_toll_noun(anchor: Token, vocab: TollVocabulary) -> bool:
    """The number counts a toll noun directly: "a death toll of nine civilians", "a total of
    24 strikes", "the toll of 12" (not "24 strikes across six locations" for the six)."""
    cur = anchor
    seen_noun = False
    for _ in range(6):
        if cur.pos_ in {"NOUN", "PROPN"}:
            if cur.lemma_.lower() in vocab.toll_nouns:
                return True
            if seen_noun:
                return False
            seen_noun = True
        elif cur.i != anchor.i and not (cur.dep_ == "prep" and cur.lower_ == "of"):
            return False
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _has_toll_noun(verb: Token, vocab: TollVocabulary) -> bool:
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass", "dobj"} and child.lemma_.lower() in (
            vocab.toll_nouns | {"number", "count", "figure"}
        ):
            return True
    return False


# --- parts ----------------------------------------------------------------------------------


def part_keys(
    doc: Doc, claims: Sequence[ClaimMatch], vocab: TollVocabulary
) -> list[tuple[int | None, int | None]]:
    """For each claim of one sentence (in text order): its part key (a character offset) and,
    for a breakdown, the index of the total it breaks down."""
    nodes = [doc[c.noun] if c.noun is not None else doc[c.mention.anchor] for c in claims]
    starts = [doc[c.mention.start].idx for c in claims]
    keys: list[tuple[int | None, int | None]] = [(None, None)] * len(claims)
    # coordinated figures of one measure: "13 civilians and six soldiers were killed"
    roots = [_conj_root(n) for n in nodes]
    groups: list[list[int]] = []
    grouped: set[int] = set()
    for i in range(len(claims)):
        if i in grouped:
            continue
        group = [
            j
            for j in range(i, len(claims))
            if j not in grouped
            and claims[j].measure == claims[i].measure
            and roots[j].i == roots[i].i
            and (j == i or nodes[j].i != nodes[i].i)
        ]
        grouped.update(group)
        groups.append(group)
    for group in groups:
        first = group[0]
        # breakdowns: "207, including three civilians, were killed"; "five people, including
        # two women and two men": the parts break down the total before them
        members = set(group)
        before = [k for k in range(first) if k not in members]
        total = _breakdown_of(
            doc, claims[first], [claims[k] for k in before], [nodes[k] for k in before], vocab
        )
        if total is not None:
            total = before[total]
            if keys[total][0] != starts[total]:  # a total that is no first part of its own
                for j in group:
                    keys[j] = (starts[total], total)
                continue
        if len(group) > 1:
            for j in group:
                keys[j] = (starts[first], None)
    return keys


def _conj_root(tok: Token) -> Token:
    """The first item of a coordination. An apposition with a count of its own ("23
    soldiers, three railway employees and five passengers") is a list item the parser read
    as an apposition: a restatement of one referent would not count it again."""
    while tok.head.i != tok.i and (
        tok.dep_ == "conj" or (tok.dep_ == "appos" and _counted(tok) and _counted(tok.head))
    ):
        tok = tok.head
    return tok


def _counted(tok: Token) -> bool:
    return any(c.dep_ == "nummod" for c in tok.children)


def _breakdown_of(
    doc: Doc,
    claim: ClaimMatch,
    before: Sequence[ClaimMatch],
    nodes: Sequence[Token],
    vocab: TollVocabulary,
) -> int | None:
    """The index of the earlier claim that ``claim`` breaks down, if it hangs off it through
    "including" / "among them" / "of whom" (and is smaller, as a part is)."""
    node = doc[claim.noun] if claim.noun is not None else doc[claim.mention.anchor]
    node = _conj_root(node)
    prep = node.head if node.dep_ == "pobj" else None
    if prep is None:
        return None
    phrase = prep.lower_
    if prep.i > 0 and f"{doc[prep.i - 1].lower_} {phrase}" in vocab.breakdown:
        phrase = f"{doc[prep.i - 1].lower_} {phrase}"
    if phrase not in vocab.breakdown and prep.lower_ not in vocab.breakdown:
        return None
    host = prep.head
    value = claim.mention.quantity.value
    for k in range(len(before) - 1, -1, -1):
        other = before[k]
        if other.measure != claim.measure:
            continue
        anchors = {nodes[k].i, other.mention.anchor}
        if other.trigger is not None and other.noun is None:
            anchors.add(other.trigger)
        if host.i in anchors or (host.pos_ in {"VERB", "AUX"} and k == len(before) - 1):
            total = other.mention.quantity.value
            if value is not None and total is not None and value >= total:
                return None
            return k
    return None


# --- as-of dates ----------------------------------------------------------------------------


def as_of_date(
    doc: Doc,
    claim: ClaimMatch,
    dates: Sequence[DatedMention],
    vocab: TollVocabulary,
    *,
    cumulative: bool = False,
) -> date | None:
    """The date a figure is given for: a date after "by" / "as of" in the claim's clause
    ("12 dead by Saturday"), or, for a running total, any event date of its clause ("the
    toll stood at 19 on Saturday"); "since Thursday" opens the period instead."""
    sent: Span = claim.sentence
    in_clause = {t.i for t in clause_tokens(_claim_path(doc, claim))}
    for mention in dates:
        if not (sent.start_char <= mention.start < sent.end_char) or mention.speech:
            continue
        span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None or not any(t.i in in_clause for t in span):
            continue
        text = mention.span.text.lower()
        if text.startswith(vocab.date_openers):
            continue
        before = doc_text(doc)[max(sent.start_char, mention.start - 24) : mention.start]
        lead = LEAD_WORDS.sub("", before.lower().rstrip())
        if any(lead.endswith(f" {w}") or lead == w for w in vocab.as_of_before):
            return mention.span.end
        if cumulative and mention.span.granularity == "day":
            return mention.span.end
    return None
