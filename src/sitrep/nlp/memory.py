"""Document-level entity memory: what a report has established about its actors.

A person introduced once with a title and a nationality ("Armenian Prime Minister Nikol
Pashinyan", "Maly Socheata, a spokesperson for the Cambodian defence ministry") keeps that
country in later bare mentions ("Pashinyan", "the PM", "she"). A body named once with its
country ("the Pakistani army") lends it to later unqualified mentions ("the army"). The
report's own country (its dateline, else the country most of its places are in) is the last
resort for unqualified state bodies, and the country of the fighting for unlisted armed groups.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field

from spacy.attrs import LOWER, POS
from spacy.parts_of_speech import PROPN
from spacy.tokens import Doc, Span, Token

from sitrep.models import Actor, PlaceMention
from sitrep.nlp.actors import normalized_name
from sitrep.nlp.doctext import doc_text


@dataclass
class EntityMemory:
    """People, titles and bodies a report has named, and the countries it is set in."""

    people: dict[str, Actor] = field(default_factory=dict)  # full name and surname -> person
    names: dict[str, Actor] = field(default_factory=dict)  # "BLA" -> the Baloch Liberation Army
    officials: set[str] = field(default_factory=set)  # people introduced with a title
    roles: dict[str, str] = field(default_factory=dict)  # full name -> its first title
    # "prime minister" -> the people introduced with it, by where (character offset)
    titles: dict[str, list[tuple[int, Actor]]] = field(default_factory=dict)
    bodies: dict[str, Actor] = field(default_factory=dict)  # "army" -> the report's army
    home: str | None = None  # the dateline's country
    theatre: str | None = None  # the country most of the report's places are in
    local: str | None = None  # the one country (nearly) all its towns and regions are in
    # the country of a speaker who said, in the sentence before, that it attacked ("the
    # ministry said it had carried out a strike"): the losses it goes on to count are not its own
    attacker: str | None = None

    def learn_person(self, actor: Actor, title: str | None = None, at: int = 0) -> None:
        """Remember a named person (with what country and title the text gave them, at
        character offset ``at``)."""
        if actor.type != "person" or not actor.name:
            return
        known = self.person(actor.name)
        if known is not None and known.country and actor.country != known.country:
            # a person keeps the country of their first introduction: later context words
            # ("... after a clash with Azerbaijan") are weaker evidence than "Armenian PM"
            actor = Actor(actor.text, actor.name, known.country, "person")
        full = normalized_name(actor.name)
        self.people[full] = actor
        words = full.split()
        if len(words) > 1:
            self.people.setdefault(words[-1], actor)
        if title:
            self.titles.setdefault(title, []).append((at, actor))
            self.officials.add(full)
            self.roles.setdefault(full, title)

    def title_of(self, name: str) -> str | None:
        """The title a person was introduced with ("resident", "governor"), if any."""
        known = self.person(name)
        return self.roles.get(normalized_name(known.name or "")) if known is not None else None

    def is_official(self, name: str) -> bool:
        """True for a person the report introduced with a title ("spokesperson", "minister")."""
        known = self.person(name)
        return known is not None and normalized_name(known.name or "") in self.officials

    def person(self, name: str) -> Actor | None:
        """The person a name (or its last word) refers to, when the report introduced them."""
        key = normalized_name(name)
        if key in self.people:
            return self.people[key]
        words = key.split()
        return self.people.get(words[-1]) if words else None

    def titled(self, title: str, at: int | None = None) -> Actor | None:
        """ "the PM", "the spokesperson": the person last introduced with that title before
        offset ``at`` (else the first one the report introduces later)."""
        people = self.titles.get(title)
        if not people:
            return None
        before = [actor for where, actor in people if at is None or where < at]
        return before[-1] if before else people[0][1]

    def learn_name(self, name: str, actor: Actor) -> None:
        """An organisation's name or acronym ("the Baloch Liberation Army (BLA)")."""
        self.names[normalized_name(name)] = actor

    def named(self, name: str) -> Actor | None:
        return self.names.get(normalized_name(name))

    def learn_body(self, head: str, actor: Actor) -> None:
        if actor.country and actor.type in {"state_forces", "government", "armed_group"}:
            self.bodies[head] = actor

    def body(self, head: str) -> Actor | None:
        return self.bodies.get(head)


def report_countries(
    places: Iterable[PlaceMention], dateline_end: int | None
) -> tuple[str | None, str | None]:
    """(home, theatre): the dateline's country, and the country most places are in. A
    foreign bureau's dateline ("BANGKOK -" over a story set in Myanmar, "GENEVA -" over one
    in Goma) whose country the story never names again is not the report's home: the
    theatre is."""
    places = [p for p in places if p.place.country]
    home = None
    if dateline_end is not None:
        home = next((p.place.country for p in places if p.start < dateline_end), None)
    counts = Counter(p.place.country for p in places)
    theatre = None
    if counts:
        top = max(counts.values())
        # ties go to the country named first
        theatre = next(p.place.country for p in places if counts.get(p.place.country) == top)
    if dateline_end is not None and home is not None and theatre is not None and home != theatre:
        named_again = any(p.place.country == home and p.start >= dateline_end for p in places)
        if not named_again and counts[theatre] >= 2:
            home = theatre
    return home, theatre


LOCAL_SHARE = 0.5  # share of a report's towns that makes it a one-country story


def local_country(
    places: Iterable[PlaceMention], seats: Collection[str] = (), located: Collection[int] = ()
) -> str | None:
    """The country of a report's towns and regions when it names at least two of them and
    most lie in one country, more than in any other (a strike on Kryvyi Rih, a massacre in
    Artibonite); None for a story told from both sides of a border, or one that names
    fewer towns. Countries do not count, nor do capitals (``seats``, normalized names)
    unless named as a location (their start offset in ``located``: "in Mogadishu"): the
    states a story names, and their seats ("Moscow said", "led Bangkok to withdraw"), are
    its actors as often as its places."""
    counts = Counter(
        p.place.country
        for p in places
        if p.place.country
        and p.place.kind != "country"
        and (p.start in located or normalized_name(p.place.name) not in seats)
    )
    ranked = counts.most_common(2)
    if not ranked:
        return None
    country, top = ranked[0]
    if top < 2 or top < LOCAL_SHARE * sum(counts.values()):
        return None
    return country if len(ranked) == 1 or ranked[1][1] < top else None


def name_spans(
    doc: Doc,
    is_title: Callable[[Token], str | None],
    title_words: Collection[str] | None = None,
) -> list[Span]:
    """Names of people: PERSON entities, and capitalised words right after a title
    ("Prime Minister Nikol Pashinyan", "spokesperson Maj. Gen. Winthai Suvaree").
    ``title_words``: the only words (lowercase, final full stops dropped) ``is_title`` can
    answer for, so the others are not asked about."""
    found: list[Span] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        # "Interior Minister Ihor Klymenko" tagged whole: the name follows the last title
        titles = [t.i for t in ent[:-1] if is_title(t) is not None]
        start = titles[-1] + 1 if titles else ent.start
        while start < ent.end - 1 and doc[start].text.endswith("."):
            start += 1
        found.append(doc[start : ent.end])
    taken = {i for e in found for i in range(e.start, e.end)}
    tokens = doc if title_words is None else _named_or_titled(doc, title_words)
    for tok in tokens:
        # "Met Measpheakdey, deputy governor of ...": a name with a title in apposition
        if (
            tok.pos_ == "PROPN"
            and tok.i not in taken
            and tok.ent_type_ not in {"GPE", "NORP"}
            and any(c.dep_ == "appos" and is_title(c) is not None for c in tok.children)
        ):
            start = tok.i
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i == tok.i:
                start -= 1
            if not any(i in taken for i in range(start, tok.i + 1)):
                found.append(doc[start : tok.i + 1])
                taken.update(range(start, tok.i + 1))
            continue
        if (
            tok.pos_ == "PROPN"
            and tok.i not in taken
            and tok.dep_ == "appos"
            and tok.ent_type_ not in {"GPE", "NORP", "ORG", "LOC"}
            and is_title(tok.head) is not None
        ):
            # "the governor of Norte de Santander, William Villamizar": a name in apposition
            # to a title before it
            start = tok.i
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].head.i == tok.i:
                start -= 1
            if tok.i > start and not any(i in taken for i in range(start, tok.i + 1)):
                found.append(doc[start : tok.i + 1])
                taken.update(range(start, tok.i + 1))
            continue
        if (
            tok.i in taken
            or (title_words is not None and tok.lower_.rstrip(".") not in title_words)
            or is_title(tok) is None
        ):
            continue
        start = tok.i + 1
        while start < len(doc) and doc[start].text.endswith(".") and doc[start].is_title:
            start += 1  # "Maj. Gen."
        end = start
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].is_title:
            if doc[end].ent_type_ in {"GPE", "NORP", "LOC", "DATE"}:
                break
            end += 1
        if end - start >= 2 and not any(i in taken for i in range(start, end)):
            found.append(doc[start:end])
            taken.update(range(start, end))
    return sorted(found, key=lambda s: s.start)


def _named_or_titled(doc: Doc, title_words: Collection[str]) -> Iterator[Token]:
    """The tokens ``name_spans`` reads past its entities: proper nouns, and the words that
    may be titles (lowercase, final full stops dropped, in ``title_words``). Read from the
    document's arrays, so the other words never become Token objects."""
    strings = doc.vocab.strings
    maybe_title: dict[int, bool] = {}
    for i, (pos, lower) in enumerate(doc.to_array([POS, LOWER]).tolist()):
        if pos != PROPN:
            titled = maybe_title.get(lower)
            if titled is None:
                titled = maybe_title[lower] = strings[lower].rstrip(".") in title_words
            if not titled:
                continue
        yield doc[i]


def introduction(name: Span) -> list[Token]:
    """The words that introduce a name: the titles and nationality before it, and an
    apposition either way ("X, a spokesperson for Y" / "Y's information minister, X")."""
    doc = name.doc
    root = name.root
    context: list[Token] = list(doc[root.left_edge.i : root.i + 1])
    if root.dep_ == "appos":
        title = root.head
        context += list(doc[title.left_edge.i : title.i + 1])
        for child in title.children:
            if child.dep_ == "prep" and child.lower_ in {"of", "for", "at", "in"}:
                context += list(child.subtree)
    for child in root.children:
        if child.dep_ == "appos":
            context += list(child.subtree)
    # the words right before the name, even where the parser cut the sentence at an
    # abbreviation ("Thai army spokesperson Maj. | Gen. Winthai Suvaree")
    left = name.start - 1
    while left >= 0 and name.start - left <= 8:
        tok = doc[left]
        if tok.pos_ not in {"PROPN", "NOUN", "ADJ", "PART"} and not tok.text.endswith("."):
            break
        if tok.text == "." and not (left > 0 and _abbreviation(doc[left - 1])):
            break
        context.append(tok)
        left -= 1
    if name.start > 1 and doc[name.start - 1].text == ",":
        # "the governor of Norte de Santander, William Villamizar": a title and its "of"
        # phrase before the comma, however the parser attached the name
        for j in range(name.start - 2, max(name.start - 9, -1), -1):
            tok = doc[j]
            if tok.pos_ == "NOUN":
                context += list(doc[j : name.start - 1])
                break
            if tok.pos_ not in {"PROPN", "ADP", "DET"}:
                break
    unique = {t.i: t for t in context}
    return [unique[i] for i in sorted(unique)]


ACRONYM = re.compile(
    r"((?:[A-Z][\w’'.-]*[ \t]+(?:(?:of|for|the|and|al|el)[ \t]+)?){1,8})\(([A-Z][A-Za-z-]{1,7})\)"
)


def learn_acronyms(doc: Doc, memory: EntityMemory, resolve: Callable[[Span], Actor | None]) -> None:
    """ "The Baloch Liberation Army (BLA)": the acronym stands for what the name resolves to
    (an armed group no catalog lists takes the country of the report's fighting)."""
    for m in ACRONYM.finditer(doc_text(doc)):
        span = doc.char_span(m.start(1), m.end(1) - 1, alignment_mode="contract")
        while span is not None and len(span) and span[0].lower_ in {"the", "of", "for", "and"}:
            span = span[1:]
        if span is None or not len(span):
            continue
        actor = resolve(span)
        if actor is None or actor.type in {None, "person", "media"}:
            continue
        if actor.country is None and actor.type == "armed_group" and memory.theatre:
            actor = Actor(actor.text, actor.name, memory.theatre, actor.type)
        name = actor.name or span.text
        actor = Actor(actor.text, name, actor.country, actor.type)
        memory.learn_name(m.group(2), actor)
        memory.learn_name(span.text, actor)
    for ent in doc.ents:
        # "the Baloch Liberation Army ... the BLA": a name's initials stand for it too
        words = [t for t in ent if t.is_title and t.is_alpha and not t.is_stop]
        if ent.label_ != "ORG" or len(words) < 2 or memory.named(ent.text) is not None:
            continue
        actor = resolve(ent)
        if actor is None or actor.type not in {"armed_group", "state_forces", "government"}:
            continue
        if actor.country is None and actor.type != "armed_group":
            continue
        if actor.country is None and actor.type == "armed_group" and memory.theatre:
            actor = Actor(actor.text, actor.name or ent.text, memory.theatre, actor.type)
        initials = "".join(t.text[0] for t in words)
        memory.learn_name(ent.text, actor)
        if normalized_name(initials) not in memory.names:
            memory.learn_name(initials, actor)


def _abbreviation(tok: Token) -> bool:
    """ "Maj", "Gen", "Lt": a short capitalised word a full stop abbreviates."""
    return tok.is_title and len(tok.text) <= 4 and tok.is_alpha


def learn_people(
    doc: Doc,
    memory: EntityMemory,
    title_of: Callable[[Token], str | None],
    country_in: Callable[[list[Token]], str | None],
    title_words: Collection[str] | None = None,
) -> None:
    """Read every introduced person of the report into ``memory`` (before attribution, so a
    headline's bare surname already knows the country the body gives it). ``title_words``:
    see ``name_spans``."""
    for span in name_spans(doc, title_of, title_words):
        context = introduction(span)
        outside = [t for t in context if not span.start <= t.i < span.end]
        country = country_in(outside)
        # a rank the tagger took into the name counts too ("Gen Ahmed Sharif Chaudhry")
        words = outside + [t for t in span if t.i < span.root.i]
        title = next((found for t in words if (found := title_of(t)) is not None), None)
        if country is None and title is None:
            continue
        text = span.text
        memory.learn_person(Actor(text, text, country, "person"), title, span.start_char)
