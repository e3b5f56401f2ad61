"""Direct quotes in straight or curly quotation marks, and who said them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from sitrep.models import Actor
from sitrep.nlp.doctext import verbs_in

QUOTE_PATTERNS = (
    re.compile(r"“([^”\n]+?)”"),
    re.compile(r'"([^"\n]+?)"'),
    re.compile(r"«([^»\n]+?)»"),
    # single curly quotes, told from apostrophes ("Thailand’s") by what stands around them
    re.compile(r"(?<![\w’])‘([^‘’\n]*?[^\s‘])’(?!\w)"),
    # straight single quotes in headlines ("Islamabad 'downs five jets'"), never an
    # apostrophe: the opening one follows no letter, the closing one precedes none
    re.compile(r"(?<![\w'])'(?=\w)([^'\n]{1,80}?[\w.,!?])'(?![\w'])"),
)
# A quote running over paragraphs: the paragraph opens with a mark and never closes it, and
# the next paragraph opens with a mark again (the newswire convention).
OPEN_PARAGRAPH = re.compile(r'(?m)^[ \t]*([“"])(?=\S)([^\n”"]+)$(?=\n+[ \t]*[“"])')
SPEECH_VERBS = {
    "say", "tell", "add", "state", "claim", "announce", "warn", "write", "tweet", "post",
    "insist", "declare", "urge", "call", "echo", "accuse", "describe", "reply", "respond",
    "ask", "stress", "note", "argue", "explain", "remark", "quote", "cite", "brand", "label",
    "term", "dub", "deny", "vow", "pledge", "threaten", "report", "conclude", "observe",
    "affirm", "assert", "maintain", "recall", "acknowledge", "admit", "complain", "caution",
    "appeal", "demand", "charge", "emphasize", "emphasise", "condemn", "reiterate", "allege",
    "concede", "confirm", "contend",
}  # fmt: skip


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # character offsets of the quoted words, marks excluded, into doc.text
    end: int
    text: str


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Quoted passages, left to right, non-overlapping (curly quotes win over straight)."""
    found: list[QuoteSpan] = []
    taken: list[tuple[int, int]] = []
    for pattern in QUOTE_PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.start(1), m.end(1)
            if any(s < te and ts < e for ts, te in taken):
                continue
            # the punctuation inside the marks is the speaker's ("non-escalatory,")
            inner = m.group(1).strip()
            if not inner.rstrip(",") or not any(ch.isalpha() for ch in inner):
                continue
            lead = len(m.group(1)) - len(m.group(1).lstrip())
            s += lead
            found.append(QuoteSpan(s, s + len(inner), inner))
            taken.append((m.start(), m.end()))
    for m in OPEN_PARAGRAPH.finditer(text):
        s, e = m.start(2), m.end(2)
        if any(s < te and ts < e for ts, te in taken):
            continue
        inner = m.group(2).rstrip()
        if any(ch.isalpha() for ch in inner):
            found.append(QuoteSpan(s, s + len(inner), inner))
            taken.append((m.start(1), e))
    return sorted(found, key=lambda q: q.start)


def speech_verbs_outside(sent: Span, inside: set[int]) -> list[Token]:
    return [t for t in verbs_in(sent) if t.i not in inside and t.lemma_.lower() in SPEECH_VERBS]


def closest_verb(verbs: list[Token], inside: set[int]) -> Token | None:
    """The speech verb governing the quote, else the one nearest to it."""
    if not verbs:
        return None
    for verb in verbs:
        if any(verb in verb.doc[i].ancestors for i in inside):
            return verb
    first = min(inside) if inside else 0
    return min(verbs, key=lambda v: abs(v.i - first))


def tokens_in(doc: Doc, start: int, end: int) -> set[int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return {t.i for t in span} if span is not None else set()


def speaker_text(actor: Actor | None) -> str:
    return "" if actor is None else (actor.name or actor.text)
