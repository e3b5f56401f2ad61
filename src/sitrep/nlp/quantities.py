"""Find stated amounts in a parsed Doc: digits, number words, dozens, hedges, ranges, vague words.

Numbers that are not counts (dates, times, ages, durations, percentages, money, ordinals,
ranks, years) are left out here, so nothing downstream mistakes them for claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from sitrep.knowledge import Lexicon
from sitrep.models import Quantity
from sitrep.nlp import dates as date_rules
from sitrep.nlp import geo

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
ORDINALS = {
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "twentieth", "hundredth", "thousandth",
}  # fmt: skip
NON_COUNT_ENTITIES = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"}
NON_COUNT_NEXT = {
    "%", "percent", "per", "pc", "am", "a.m.", "pm", "p.m.", "o'clock", "gmt", "utc", "km",
    "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile", "metres", "meters",
    "kg", "tonnes", "tons", "dollars", "rupees", "euros", "pounds", "yuan", "afghanis",
    "year-old", "years-old", "mm", "cm", "hectares", "acres", "degrees", "block", "street",
    "avenue", "road", "st.", "ave.", "floor", "storey",
}  # fmt: skip
# Words after a number that make it a span or a count of occasions, not of people or things.
DURATION_UNITS = set(date_rules.DURATION_UNITS) | {
    "second", "seconds", "century", "centuries", "night", "nights", "round", "rounds", "time",
    "times",
}  # fmt: skip
AGE_CUES = {"aged", "age", "ages"}
NEGATORS = {"no", "not", "nobody", "none"}
MONTH_WORDS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december",
}  # fmt: skip
PEOPLE_AFTER_YEARLIKE = {
    "people", "soldiers", "troops", "civilians", "fighters", "militants", "men", "women",
    "children", "families", "refugees", "households", "residents", "prisoners",
}  # fmt: skip
NUMBER_WORDS = {*UNITS, *TENS, *SCALES, "dozen", "a", "an"} | {
    f"{t}-{u}" for t in TENS for u in UNITS if 0 < UNITS[u] < 10
}
ARTICLES = {"a", "an", "another"}
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+(\.\d+)?$")


@dataclass(frozen=True)
class QuantityMention:
    """A quantity found in a Doc; token indices are Doc-relative, ``anchor`` the number's head."""

    start: int  # first token, hedge included
    end: int  # one past the last token
    anchor: int  # the token that attaches to the rest of the sentence
    quantity: Quantity
    article: bool = False  # "a soldier": one person named by an article, not a number


def word_value(word: str) -> int | None:
    """Value of a single numeric token ("1,200", "nine", "2.5"); None if not a count."""
    w = word.lower().replace(",", "") if _DIGITS.match(word) else word.lower()
    if re.fullmatch(r"\d+", w):
        return int(w)
    if re.fullmatch(r"\d+\.\d+", w):
        return None  # a bare decimal is not a head count ("2.5 million" handled with scale)
    if w in UNITS:
        return UNITS[w]
    if w in TENS:
        return TENS[w]
    return None


def words_value(words: list[str]) -> int | None:
    """Value of a run of number words/digits: "twenty - three", "one hundred and fifty",
    "1.2 million", "a dozen", "two dozen"."""
    total = 0
    current: float = 0
    seen = False
    for raw in words:
        w = raw.lower().replace(",", "")
        if w in {"-", "–", "and", "a", "an"}:
            if w in {"a", "an"}:
                current = current or 1
            continue
        if w == "dozen":
            current = (current or 1) * 12
            seen = True
        elif w in SCALES:
            scale = SCALES[w]
            current = (current or 1) * scale
            if scale >= 1000:
                total += current
                current = 0
            seen = True
        elif re.fullmatch(r"\d+(\.\d+)?", w):
            current += float(w)
            seen = True
        elif w in UNITS or w in TENS:
            current += UNITS.get(w, 0) + TENS.get(w, 0)
            seen = True
        elif "-" in w and all(p in UNITS or p in TENS for p in w.split("-")):
            current += sum(UNITS.get(p, 0) + TENS.get(p, 0) for p in w.split("-"))
            seen = True
        else:
            return None
    if not seen:
        return None
    value = total + current
    return round(value)


def _is_number_token(tok: Token) -> bool:
    low = tok.lower_
    if low in ORDINALS or re.fullmatch(r"\d+(st|nd|rd|th)", low):
        return False
    if low in SCALES or low == "dozen":
        return True
    if _DIGITS.match(tok.text) or low in UNITS or low in TENS:
        return True
    return "-" in low and all(p in UNITS or p in TENS for p in low.split("-"))


def bounds(value: int, qualifier: str) -> tuple[int | None, int | None]:
    """The low/high bounds implied by a stated value and its hedge."""
    if qualifier in {"more_than", "at_least"}:
        return value, None
    if qualifier == "up_to":
        return 0, value
    if qualifier == "about":
        return value * 9 // 10, -(-value * 11 // 10)
    return value, value


def _hedge_before(doc: Doc, start: int, lexicon: Lexicon) -> tuple[int, str]:
    """Longest hedge phrase that ends right before token ``start``."""
    best = (start, "exact")
    for length in range(1, 5):
        first = start - length
        if first < 0:
            break
        phrase = " ".join(t.lower_ for t in doc[first:start])
        if phrase in lexicon.hedges:
            best = (first, lexicon.hedges[phrase])
    return best


def _excluded(doc: Doc, start: int, end: int, value: int) -> bool:
    """True for numbers that are dates, times, ages, durations, measurements or years."""
    toks = doc[start:end]
    nxt = doc[end] if end < len(doc) else None
    prev = doc[start - 1] if start > 0 else None
    counts_a_noun = (
        nxt is not None
        and nxt.pos_ == "NOUN"
        and nxt.lower_ not in DURATION_UNITS
        and nxt.ent_type_ not in NON_COUNT_ENTITIES
    )
    # "wounding 46" tagged as a date by the NER is still the object of what befell them
    is_argument = toks.root.dep_ in {"dobj", "nsubjpass"} and toks.root.head.pos_ == "VERB"
    if (
        not counts_a_noun
        and not is_argument
        and any(t.ent_type_ in NON_COUNT_ENTITIES for t in toks)
    ):
        return True
    if nxt is not None:
        nlow = nxt.lower_
        if nlow in NON_COUNT_NEXT or nlow in DURATION_UNITS:
            return True
        if nlow == "-" and end + 1 < len(doc) and doc[end + 1].lower_ in DURATION_UNITS:
            return True
        if nlow.endswith("-year-old") or nlow.startswith("year"):
            return True
    if prev is not None:
        if prev.lower_ in AGE_CUES or prev.text in {"$", "£", "€", "#"}:
            return True
        if prev.lower_ in NEGATORS:
            return True  # "no one was hurt" counts nobody
        if prev.lower_.rstrip(".") in MONTH_WORDS:
            return True  # "Feb. 16", "on March 3"
        if (
            prev.pos_ == "PROPN"
            and prev.is_title
            and (nxt is None or nxt.pos_ not in {"NOUN", "ADJ"})
        ):
            return True  # a name with a number: "Fox 59", "Route 66", "Resolution 2334"
    text = doc[start].text
    if re.fullmatch(r"(1[89]|20)\d\d", text):
        # a bare four-digit number is a year unless it plainly counts people ("1500 troops")
        return not (nxt is not None and nxt.lower_ in PEOPLE_AFTER_YEARLIKE)
    return False


def _vague_at(doc: Doc, i: int, lexicon: Lexicon) -> tuple[int, tuple[int | None, int | None]]:
    """Longest vague amount phrase starting at token ``i``: (end, (low, high)) or (i, ...)."""
    best: tuple[int, tuple[int | None, int | None]] = (i, (None, None))
    for length in range(1, 5):
        if i + length > len(doc):
            break
        phrase = " ".join(t.lower_ for t in doc[i : i + length])
        if phrase in lexicon.vague:
            best = (i + length, lexicon.vague[phrase])
    return best


def find_quantities(doc: Doc, lexicon: Lexicon) -> list[QuantityMention]:
    """All count-like quantities in ``doc``, left to right, non-overlapping."""
    found: list[QuantityMention] = []
    i = 0
    n = len(doc)
    lowers = [t.lower_ for t in doc]
    vague_firsts = {phrase.split()[0] for phrase in lexicon.vague}
    while i < n:
        low = lowers[i]
        if (
            low not in NUMBER_WORDS
            and low not in ARTICLES
            and not low[:1].isdigit()
            and low not in vague_firsts
        ):
            i += 1  # the common case: nothing that can start an amount
            continue
        tok = doc[i]
        if low in ARTICLES and _article_counts_one(tok, lexicon):
            found.append(
                QuantityMention(i, i + 1, i, Quantity(1, "exact", 1, 1, tok.text), article=True)
            )
            i += 1
            continue
        if _is_number_token(tok) or (
            low in {"a", "an"} and i + 1 < n and lowers[i + 1] in {"dozen", "hundred"}
        ):
            j = i + 1
            while j < n and (
                (_is_number_token(doc[j]) and _continues_number(doc[j - 1], doc[j]))
                or (j + 1 < n and _joins_number_words(doc[j - 1], doc[j], doc[j + 1]))
            ):
                j += 1
            mention = _number_mention(doc, i, j, lexicon)
            if mention is not None:
                found.append(mention)
                i = mention.end
            else:
                i = j
            continue
        vague_end, (low, high) = _vague_at(doc, i, lexicon)
        if vague_end > i and _modifies_noun_or_stands(doc, i, vague_end):
            hedge_start, _ = _hedge_before(doc, i, lexicon)
            span = doc[i:vague_end]
            anchor = _anchor_of(doc, i, vague_end)
            found.append(
                QuantityMention(
                    start=hedge_start,
                    end=vague_end,
                    anchor=anchor,
                    quantity=Quantity(None, "vague", low, high, span.text),
                )
            )
            i = vague_end
            continue
        i += 1
    return found


def _article_counts_one(tok: Token, lexicon: Lexicon) -> bool:
    """ "a Cambodian soldier", "another man", "a drone": an article on a noun for a person or
    a military object may count one (the claim rules decide whether something befell it)."""
    if tok.dep_ != "det" or tok.head.i <= tok.i or tok.head.pos_ not in {"NOUN", "PROPN"}:
        return False
    if tok.head.pos_ == "PROPN":
        # "a Uruguayan was killed": a nationality word alone is a person; other names are not
        return geo.default_gazetteer().country_of_demonym(tok.head.text) is not None
    if tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in {"dozen", "hundred", "few"}:
        return False
    if any(c.dep_ in {"nummod", "quantmod"} for c in tok.head.children):
        return False  # "another five soldiers", "a further 10 civilians": the number counts
    noun = tok.head.lower_
    kind = lexicon.actor_nouns.get(noun)
    if kind is not None and kind != "organization":
        return True
    return noun in lexicon.generic_person_nouns or noun in lexicon.object_nouns


def _continues_number(prev: Token, nxt: Token) -> bool:
    """ "two hundred", "1.2 million", "twenty - three" go on; "Two 15 - year - old" does not."""
    if nxt.lower_ in SCALES or nxt.lower_ == "dozen":
        return True
    return not _DIGITS.match(prev.text) and not _DIGITS.match(nxt.text)


def _joins_number_words(prev: Token, joiner: Token, nxt: Token) -> bool:
    """ "twenty - three" and "one hundred and fifty" are one number; "nine and twelve" is not."""
    if joiner.lower_ in {"-", "–"}:
        return prev.lower_ in TENS and nxt.lower_ in UNITS
    return joiner.lower_ == "and" and prev.lower_ in SCALES and _is_number_token(nxt)


def _modifies_noun_or_stands(doc: Doc, start: int, end: int) -> bool:
    """A vague word counts only when it quantifies something ("dozens of civilians",
    "several posts", "scores dead"), not in idioms ("many thanks")."""
    last = doc[end - 1]
    nxt = doc[end] if end < len(doc) else None
    if nxt is not None and nxt.lower_ == "of":
        return True
    if last.head.pos_ in {"NOUN", "PROPN"} and last.dep_ in {"amod", "nummod", "det"}:
        return True
    return last.pos_ in {"NOUN", "NUM"} and last.dep_ in {
        "nsubj",
        "nsubjpass",
        "dobj",
        "pobj",
        "npadvmod",
    }


def _anchor_of(doc: Doc, start: int, end: int) -> int:
    """The token of ``doc[start:end]`` whose head lies outside the span."""
    for t in doc[start:end]:
        if not (start <= t.head.i < end) or t.head.i == t.i:
            return t.i
    return end - 1


def _number_mention(doc: Doc, start: int, end: int, lexicon: Lexicon) -> QuantityMention | None:
    words = [t.text for t in doc[start:end]]
    value = words_value(words)
    if value is None:
        return None
    last = end
    qualifier = "exact"
    low: int | None
    high: int | None
    # plural vague scale: "dozens", handled as vague; "tens of thousands" likewise
    range_end = _range_after(doc, start, end)
    if range_end is not None:
        second_end, second_value = range_end
        if second_value is not None and second_value > value:
            last = second_end
            low, high = value, second_value
            qualifier = "range"
    if _excluded(doc, start, last, value):
        return None
    hedge_start, hedge = _hedge_before(doc, start, lexicon)
    if qualifier != "range":
        between = start >= 1 and doc[start - 1].lower_ == "between"
        if between:
            hedge_start = start - 1
        qualifier = hedge
        low, high = bounds(value, qualifier)
    elif start >= 1 and doc[start - 1].lower_ == "between":
        hedge_start = start - 1
    text = doc[hedge_start:last].text
    return QuantityMention(
        start=hedge_start,
        end=last,
        anchor=_anchor_of(doc, start, last),
        quantity=Quantity(value, qualifier, low, high, text),
    )


def _range_after(doc: Doc, start: int, end: int) -> tuple[int, int | None] | None:
    """ "25 to 30", "25-30", "between 25 and 30": the end token and value of the second number."""
    if end + 1 >= len(doc):
        return None
    joiner = doc[end].lower_
    if joiner not in {"to", "-", "–", "and", "or"}:
        return None
    if joiner == "and" and not (start >= 1 and doc[start - 1].lower_ == "between"):
        return None  # "9 were killed and 12 wounded" is two figures, not a range
    k = end + 1
    j = k
    while j < len(doc) and _is_number_token(doc[j]):
        j += 1
    if j == k:
        return None
    return j, words_value([t.text for t in doc[k:j]])
