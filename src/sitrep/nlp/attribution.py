"""Attribution constructions the dependency parse alone misses.

- ``trailing_speaker``: "..., the ministry said." / "..., said the ministry" / a headline's
  "..., governor says": the speaker named after the last comma of the sentence.
- ``quoted_source``: "the newspaper quoted officials as saying ...": the officials assert it.
- ``Blocks``: paragraphs of a report, with the lines of a list ("- Surin: two killed")
  counted in the paragraph that introduces them ("The army reported:"), so an attribution
  carries over to the rest of its paragraph and to the list it introduces.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from sitrep.nlp.doctext import doc_text, verbs_in

NP_POS = {"DET", "ADJ", "PROPN", "NOUN", "NUM", "PART", "PRON", "ADP", "CCONJ", "PUNCT"}
NP_STOP = {"after", "before", "when", "while", "as", "on", "in", "at", "during", "following"}
QUOTING_VERBS = {"quote", "cite"}
BULLET = re.compile(r"^\s*(?:[-–—•*▪·]|\d{1,2}[.)])\s+")


def trailing_speaker(
    sent: Span, reporting: Collection[str], inside: Collection[int] = (), before: int | None = None
) -> Token | None:
    """The head of a speaker phrase closing the sentence after a comma: "..., X said
    (on Monday)" or "..., said X" / "..., says X after ..."; None when there is none, or
    when the token at ``before`` (the figure) is not in front of that comma."""
    if not any(v.lemma_.lower() in reporting for v in verbs_in(sent)):
        return None  # no reporting verb anywhere in the sentence, so none after a comma
    tokens = [t for t in sent if not t.is_space]
    while tokens and tokens[-1].is_punct:
        tokens = tokens[:-1]
    commas = [n for n, t in enumerate(tokens) if t.text == "," and t.i not in inside]
    if not commas:
        return None
    # "..., the ministry said, the highest toll in years": a verbless apposition may follow
    # the speaker clause
    while len(commas) > 1 and _is_apposition(tokens[commas[-1] + 1 :], reporting):
        tokens = tokens[: commas[-1]]
        commas = commas[:-1]
    tail = tokens[commas[-1] + 1 :]
    if not tail or any(t.i in inside for t in tail):
        return None
    if before is not None and before > tokens[commas[-1]].i:
        return None
    verb_at = next(
        (
            n
            for n, t in enumerate(tail)
            if t.pos_ in {"VERB", "AUX"} and t.lemma_.lower() in reporting
        ),
        None,
    )
    if verb_at is None or tail[verb_at].tag_ in {"VBG", "VBN", "TO"}:
        return None
    if tail[0].pos_ in {"ADP", "SCONJ", "CCONJ"} or tail[0].lower_ in {"while", "with", "as"}:
        return None  # "..., with Thailand reporting 15 killed": a clause of its own
    if verb_at > 0:
        phrase = tail[:verb_at]  # "..., the ministry said"
    else:
        phrase = []  # "..., said the ministry after ..."
        for t in tail[1:]:
            if t.lower_ in NP_STOP or (t.is_punct and t.text not in {"-", ".", "'", "’"}):
                break
            phrase.append(t)
    if not phrase or len(phrase) > 12 or any(t.pos_ not in NP_POS for t in phrase):
        return None
    if not any(t.pos_ in {"NOUN", "PROPN", "PRON"} for t in phrase):
        return None
    return _phrase_head(phrase)


def _is_apposition(segment: list[Token], reporting: Collection[str]) -> bool:
    """A noun phrase with no verb and no reporting word ("the highest toll in years")."""
    has_noun = any(t.pos_ in {"NOUN", "PROPN"} for t in segment)
    return has_noun and not any(
        t.pos_ in {"VERB", "AUX"} or t.lemma_.lower() in reporting for t in segment
    )


def _phrase_head(phrase: list[Token]) -> Token | None:
    """The head of a phrase whatever the parse made of its outside: the token whose head
    lies outside it, else the last noun."""
    inside = {t.i for t in phrase}
    heads = [t for t in phrase if t.head.i not in inside or t.head.i == t.i]
    nouns = [t for t in heads if t.pos_ in {"NOUN", "PROPN", "PRON"}]
    if len(nouns) == 1:
        return nouns[0]
    return next((t for t in reversed(phrase) if t.pos_ in {"NOUN", "PROPN", "PRON"}), None)


def quoted_source(verb: Token) -> Token | None:
    """ "quoted officials (as) saying": the officials, when ``verb`` is that "saying"."""
    if verb.lemma_.lower() != "say" or verb.tag_ != "VBG":
        return None
    for tok in verb.sent:
        if tok.i >= verb.i:
            break
        if tok.lemma_.lower() not in QUOTING_VERBS or tok.pos_ != "VERB":
            continue
        obj = next((c for c in tok.children if c.dep_ in {"dobj", "obj"}), None)
        if obj is not None and obj.i < verb.i:
            return obj
        if tok.dep_ == "amod" and tok.head.i < verb.i:
            return tok.head  # the parser made "quoted" an adjective of the officials
    return None


@dataclass(frozen=True)
class Blocks:
    """Paragraph numbers by character offset; list lines belong to their lead-in's block."""

    starts: tuple[int, ...]
    numbers: tuple[int, ...]
    lead_ins: frozenset[int]  # blocks whose first line ends with ":" and introduces a list

    @classmethod
    def of(cls, doc: Doc) -> Blocks:
        text = doc_text(doc)
        starts: list[int] = []
        numbers: list[int] = []
        lead_ins: set[int] = set()
        number = -1
        last_line = ""
        offset = 0
        for line in text.split("\n"):
            if line.strip():
                is_item = bool(BULLET.match(line)) and number >= 0
                if not is_item:
                    number += 1
                elif last_line.rstrip().endswith(":"):
                    lead_ins.add(number)
                starts.append(offset)
                numbers.append(number)
                if not is_item:
                    last_line = line
            offset += len(line) + 1
        return cls(tuple(starts), tuple(numbers), frozenset(lead_ins))

    def block(self, char: int) -> int:
        at = bisect.bisect_right(self.starts, char) - 1
        return self.numbers[at] if at >= 0 else -1


def colon_speaker(sent: Span, tok: Token) -> Token | None:
    """ "Sumy governor: 12 killed in strike", "Army: 30 militants killed": the speaker a
    headline names before its colon (not a dateline in capitals, not a figure before it)."""
    tokens = [t for t in sent if not t.is_space]
    colon = next((n for n, t in enumerate(tokens[:8]) if t.text == ":"), None)
    if colon is None or colon == 0 or tok.i <= tokens[colon].i:
        return None
    phrase = tokens[:colon]
    if any(t.pos_ not in {"DET", "ADJ", "PROPN", "NOUN", "PART", "PUNCT"} for t in phrase):
        return None
    if all(t.is_upper or t.is_punct for t in phrase):
        return None  # "KYIV:" is a dateline
    return _phrase_head(phrase)


BACK_REFERENCES = {"this", "that", "these", "those", "figure", "figures", "toll", "number", "tally"}


def backward_source(sent: Span, reporting: Collection[str]) -> Token | None:
    """ "This was reported by the regional administration." / "The governor confirmed
    the figures.": the source of what the sentence before it stated."""
    for verb in verbs_in(sent):
        if verb.lemma_.lower() not in reporting:
            continue
        children = list(verb.children)
        passive = next((c for c in children if c.dep_ == "nsubjpass"), None)
        agent = next((c for c in children if c.dep_ == "agent"), None)
        if passive is not None and agent is not None and _back_reference(passive):
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        obj = next((c for c in children if c.dep_ in {"dobj", "obj"}), None)
        subject = next((c for c in children if c.dep_ == "nsubj"), None)
        if (
            obj is not None
            and subject is not None
            and _back_reference(obj)
            and subject.lower_ not in {"it", "this", "that", "they"}
        ):
            return subject
    return None


def _back_reference(tok: Token) -> bool:
    if tok.lower_ in {"this", "that", "these", "those"}:
        return True
    return tok.lemma_.lower() in BACK_REFERENCES and any(
        c.lower_ in {"this", "that", "these", "those", "the"} for c in tok.children
    )


AGENT_EXCLUDED = {"lose", "suffer", "sustain", "mourn", "bury"}


def scare_quote_subject(tok: Token, quoted: Collection[int]) -> Token | None:
    """ "Islamabad 'downs five jets'": a figure in a headline's quoted words is claimed by
    the subject of the quoted verb when that subject did it (not "Russia 'lost 500 troops'",
    which others say of Russia)."""
    if tok.i not in quoted:
        return None
    verb = next((a for a in tok.ancestors if a.pos_ == "VERB"), None)
    if verb is None:
        # a headline the parser could not read: the name right before the opening mark
        first = tok.i
        while first - 1 in quoted:
            first -= 1
        doc = tok.doc
        before = doc[first - 2] if first >= 2 and doc[first - 1].text in {"'", "‘"} else None
        return before if before is not None and before.pos_ == "PROPN" else None
    if verb.lemma_.lower() in AGENT_EXCLUDED:
        return None
    if not any(c.dep_ in {"dobj", "obj"} and tok in c.subtree for c in verb.children) and not any(
        c.dep_ in {"dobj", "obj"} and c.i == tok.i for c in verb.children
    ):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.i in quoted:
        return None
    return subject
