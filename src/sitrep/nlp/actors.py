"""Resolve a noun phrase to an Actor: catalog aliases first, then general rules
(nationality adjectives, country possessives, head-noun classes, titles, named entities)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from sitrep.knowledge import Catalog, CatalogEntry, Lexicon
from sitrep.models import Actor

PRONOUNS_PERSON = {"he", "she", "him", "her"}
PRONOUNS_GROUP = {"it", "they", "them", "we"}
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our"}
_STOP_HEADS = {"report", "statement", "version", "figure", "toll", "count", "tally"}


@dataclass
class ActorResolver:
    """Turns spans into Actors using the catalog, the lexicon and country lookups."""

    catalog: Catalog
    lexicon: Lexicon
    country_of_word: Callable[[str], str | None]
    place_country: Callable[[str], str | None] | None = None
    _cache: dict[tuple[str, date | None], CatalogEntry | None] = field(default_factory=dict)

    def entry(self, text: str, day: date | None) -> CatalogEntry | None:
        key = (text, day)
        if key not in self._cache:
            self._cache[key] = self.catalog.lookup(text, day)
        return self._cache[key]

    def catalog_matches(
        self, doc: Doc, start: int, end: int, day: date | None, skip: Collection[int] = ()
    ) -> list[tuple[int, int, CatalogEntry]]:
        """Catalog aliases inside ``doc[start:end]``, longest first, non-overlapping."""
        found: list[tuple[int, int, CatalogEntry]] = []
        taken: set[int] = set()
        max_len = min(self.catalog.max_alias_words + 2, end - start)
        for length in range(max_len, 0, -1):
            for a in range(start, end - length + 1):
                b = a + length
                if any(i in taken or i in skip for i in range(a, b)):
                    continue
                if doc[a].is_punct or doc[b - 1].is_punct:
                    continue
                entry = self.entry(doc[a:b].text, day)
                if entry is not None:
                    found.append((a, b, entry))
                    taken.update(range(a, b))
        return found

    def resolve(
        self,
        span: Span,
        day: date | None,
        *,
        skip: Collection[int] = (),
        owner: Actor | None = None,
    ) -> Actor | None:
        """The actor a noun phrase names. ``owner`` resolves "its"/"their" (the claimant)."""
        doc = span.doc
        tokens = [t for t in span if t.i not in skip and not t.is_space]
        while tokens and (tokens[0].is_punct or tokens[0].dep_ == "cc"):
            tokens = tokens[1:]
        while tokens and tokens[-1].is_punct:
            tokens = tokens[:-1]
        if not tokens:
            return None
        text = doc[tokens[0].i : tokens[-1].i + 1].text
        head = _head_of(tokens)
        matches = self.catalog_matches(doc, tokens[0].i, tokens[-1].i + 1, day, skip)
        head_match = next((m for m in matches if m[0] <= head.i < m[1]), None)
        if head_match is not None:
            return _from_entry(text, head_match[2])
        person = _person_entity(tokens, head)
        country_entry = next((m[2] for m in matches), None)
        country = self._country_in(tokens, skip) or (
            country_entry.country if country_entry else None
        )
        possessive = next((t for t in tokens if t.lower_ in POSSESSIVE_PRONOUNS), None)
        if person is not None:
            if country is None and country_entry is None:
                country = self._country_in(list(person.root.subtree), ())
            return Actor(text=text, name=person.text, country=country, type="person")
        if head.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
            return None  # the caller resolves pronouns from the discourse
        actor_type = self.noun_type(head)
        if possessive is not None and owner is not None and country is None:
            return Actor(
                text=text,
                name=owner.name,
                country=owner.country,
                type=_owned_type(actor_type, owner, head.lower_),
            )
        if country_entry is not None and actor_type in {None, country_entry.type}:
            return _from_entry(text, country_entry)
        if country_entry is not None:
            return Actor(
                text=text,
                name=country_entry.name if actor_type == country_entry.type else None,
                country=country_entry.country,
                type=actor_type or country_entry.type,
            )
        if head.ent_type_ == "GPE" and country is None and self.place_country is not None:
            country = self.place_country(_entity_text(head))  # "Islamabad says": its government
        if head.ent_type_ in {"GPE"} and country is not None:
            return Actor(text=text, name=None, country=country, type="government")
        if head.ent_type_ in {"ORG", "NORP"} or (head.pos_ == "PROPN" and actor_type is None):
            return Actor(text=text, name=_entity_text(head), country=country, type="organization")
        if actor_type is None and country is None:
            return None
        return Actor(text=text, name=None, country=country, type=actor_type)

    def noun_type(self, head: Token) -> str | None:
        """Actor type implied by a head noun ("troops" -> state_forces), with two-word heads."""
        if head.i > 0:
            two = f"{head.doc[head.i - 1].lower_} {head.lower_}"
            if two in self.lexicon.actor_nouns:
                return self.lexicon.actor_nouns[two]
        return self.lexicon.actor_nouns.get(head.lower_) or self.lexicon.actor_nouns.get(
            head.lemma_.lower()
        )

    def _country_in(self, tokens: list[Token], skip: Collection[int]) -> str | None:
        """Country named by a nationality adjective, a country name or its possessive."""
        for tok in tokens:
            if tok.i in skip or tok.is_punct:
                continue
            if tok.ent_type_ in {"GPE", "NORP"}:
                ent = entity_of(tok)
                if ent is not None and len(ent) > 1:
                    code = self.country_of_word(ent.text)
                    if code:
                        return code
            if tok.pos_ in {"ADJ", "PROPN", "NOUN"} or tok.ent_type_ in {"NORP", "GPE"}:
                code = self.country_of_word(tok.text)
                if code:
                    return code
        return None


def _head_of(tokens: list[Token]) -> Token:
    inside = {t.i for t in tokens}
    for tok in tokens:
        if tok.head.i not in inside or tok.head.i == tok.i:
            return tok
    return tokens[-1]


def _person_entity(tokens: list[Token], head: Token) -> Span | None:
    """A PERSON entity at or right after the head ("spokesperson Zabihullah Mujahid")."""
    for tok in tokens:
        if tok.ent_type_ == "PERSON" and tok.ent_iob_ in {"B", "I"}:
            ent = entity_of(tok)
            if ent is not None and (ent.start <= head.i < ent.end or head.i < ent.start):
                return ent
            if ent is not None and head.lower_ in _STOP_HEADS:
                return None
    return None


def _entity_text(tok: Token) -> str:
    ent = entity_of(tok)
    return ent.text if ent is not None else tok.text


def entity_of(tok: Token) -> Span | None:
    """The named entity a token is part of, found from IOB tags (``doc.ents`` is costly)."""
    if not tok.ent_type_:
        return None
    doc = tok.doc
    start = tok.i
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def _from_entry(text: str, entry: CatalogEntry) -> Actor:
    return Actor(text=text, name=entry.name, country=entry.country, type=entry.type)


MEMBER_NOUNS = {"men", "members", "comrades", "ranks", "personnel", "cadres"}


def _owned_type(noun_type: str | None, owner: Actor, noun: str = "") -> str | None:
    """ "its troops" of a government are its state forces; "their fighters" of a group, members;
    "their own men" of an armed actor, its fighters."""
    if noun in MEMBER_NOUNS and owner.type in {"state_forces", "government", "armed_group"}:
        return "armed_group" if owner.type == "armed_group" else "state_forces"
    if noun_type in {"state_forces", "civilians"}:
        return noun_type
    if noun_type == "armed_group":
        return "armed_group" if owner.type == "armed_group" else "state_forces"
    return noun_type or owner.type
