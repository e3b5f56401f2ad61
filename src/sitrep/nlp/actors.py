"""Resolve a noun phrase to an Actor: catalog aliases first, then general rules
(nationality adjectives, country possessives, head-noun classes, titles, named entities)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from sitrep.knowledge import Catalog, CatalogEntry, Lexicon, Seat, normalize_name
from sitrep.models import Actor
from sitrep.nlp.doctext import doc_text

PRONOUNS_PERSON = {"he", "she", "him", "her"}
PRONOUNS_GROUP = {"it", "they", "them", "we"}
POSSESSIVE_PRONOUNS = {"its", "their", "his", "her", "our"}
# doc.user_data: (resolver, {(span start, end, day, skip, owner): Actor | None})
_RESOLVED_KEY = "sitrep.resolved"
_STOP_HEADS = {"report", "statement", "version", "figure", "toll", "count", "tally"}
# "Iranian-backed", "Saudi-led": the country word names a sponsor, not the actor's own state
_SPONSOR_WORDS = {"backed", "led", "linked", "allied", "aligned", "supported", "funded", "based"}


ENTRY_CACHE_SIZE = 50_000  # catalog look-ups remembered (phrase, day)

# ``normalize_name`` remembered: the entity memory and the seat look-ups ask about the same
# few names over and over
normalized_name = lru_cache(maxsize=ENTRY_CACHE_SIZE)(normalize_name)


@dataclass(frozen=True)
class _Body:
    """A name of an international body: its place in the lexicon's list, its words as
    matched (lowercase unless written in capitals) and the name as written."""

    order: int
    words: tuple[str, ...]
    entry: str


@dataclass
class ActorResolver:
    """Turns spans into Actors using the catalog, the lexicon and country lookups."""

    catalog: Catalog
    lexicon: Lexicon
    country_of_word: Callable[[str], str | None]
    place_country: Callable[[str], str | None] | None = None
    seats: dict[str, Seat] = field(default_factory=dict)  # capitals and metonyms
    _cache: dict[tuple[str, date | None], CatalogEntry | None] = field(default_factory=dict)
    # role titles and their aliases in one map (word -> title), built once per lexicon
    # and the words a title of several words can end with ("minister" of "prime minister")
    _titles: tuple[Lexicon, dict[str, str], frozenset[str]] | None = field(default=None, repr=False)
    # international bodies found in a phrase's words, per lexicon (bounded), and the
    # lexicon's names of international bodies by their first word
    _bodies: tuple[Lexicon, dict[tuple[str, ...], str | None]] | None = field(
        default=None, repr=False
    )
    _body_index: tuple[Lexicon, dict[tuple[bool, str], list[_Body]]] | None = field(
        default=None, repr=False
    )

    def entry(self, text: str, day: date | None) -> CatalogEntry | None:
        key = (text, day)
        if key not in self._cache:
            if len(self._cache) >= ENTRY_CACHE_SIZE:
                self._cache.clear()  # a backfill of millions of reports: keep memory bounded
            self._cache[key] = self.catalog.lookup(text, day)
        return self._cache[key]

    def catalog_matches(
        self, doc: Doc, start: int, end: int, day: date | None, skip: Collection[int] = ()
    ) -> list[tuple[int, int, CatalogEntry]]:
        """Catalog aliases inside ``doc[start:end]``, longest first, non-overlapping."""
        found: list[tuple[int, int, CatalogEntry]] = []
        taken: set[int] = set()
        max_len = min(self.catalog.max_alias_words + 2, end - start)
        text = doc_text(doc)
        # each token's characters once: a span's text is the document's text from its first
        # token's offset to its last token's end
        tokens = [(t.idx, t.idx + len(t.text), t.is_punct) for t in doc[start:end]]
        for length in range(max_len, 0, -1):
            for a in range(start, end - length + 1):
                b = a + length
                if any(i in taken or i in skip for i in range(a, b)):
                    continue
                first, last = tokens[a - start], tokens[b - 1 - start]
                if first[2] or last[2]:
                    continue
                entry = self.entry(text[first[0] : last[1]], day)
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
        """The actor a noun phrase names. ``owner`` resolves "its"/"their" (the claimant).

        Answers are kept per document (in ``doc.user_data``): a phrase is resolved once
        however often the attribution asks about it."""
        held = span.doc.user_data.get(_RESOLVED_KEY)
        if held is None or held[0] is not self:
            held = span.doc.user_data[_RESOLVED_KEY] = (self, {})
        memo = held[1]
        key = (span.start, span.end, day, frozenset(skip), owner)
        if key not in memo:
            memo[key] = self._resolve(span, day, skip, owner)
        return memo[key]

    def _resolve(
        self, span: Span, day: date | None, skip: Collection[int], owner: Actor | None
    ) -> Actor | None:
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
        if head_match is not None and head_match[0] > 0:
            # "the South Sudanese army" is not the "Sudanese army": a nationality of two
            # words that begins before the alias overrides it
            before = doc[head_match[0] - 1]
            inside = {t.i for t in tokens}
            if before.i in inside and before.i not in skip:
                whole = self._multiword_country(before, inside)
                if whole is not None and whole != head_match[2].country:
                    matches = [m for m in matches if m is not head_match]
                    head_match = None
        if head_match is not None:
            entry = head_match[2]
            outside = [t for t in tokens if not head_match[0] <= t.i < head_match[1]]
            other = self._country_in(outside, skip)
            if other is None or other == entry.country or entry.type == "person":
                return _from_entry(text, entry)
            # "the Armenian Security Council" is not the UN's: a country outside the alias wins
            matches = [m for m in matches if m is not head_match]
        person = _person_entity(tokens, head, self.lexicon)
        country_entry = next((m[2] for m in matches), None)
        country = self._country_in(tokens, skip) or (
            country_entry.country if country_entry else None
        )
        if country is None and self.place_country is not None:
            # "Tbilisi's defence minister", "the Mosul health directorate": a known place
            country = self._place_in(tokens, skip)
        possessive = next((t for t in tokens if t.lower_ in POSSESSIVE_PRONOUNS), None)
        seat = self.seat(tokens)
        if seat is not None:
            return Actor(text=text, name=None, country=seat.country, type=seat.type)
        bare = " ".join(t.text for t in tokens if t.dep_ != "det")
        if head.pos_ == "PROPN" and self.country_of_word(bare) is not None:
            # a country's bare name, whatever the tagger made of it ("Niger accused")
            return Actor(
                text=text, name=None, country=self.country_of_word(bare), type="government"
            )
        if person is not None:
            if country is None and country_entry is None:
                root = person.root  # its own modifiers, not the clauses hanging off it
                country = self._country_in(list(doc[root.left_edge.i : root.i + 1]), ())
            return Actor(text=text, name=person.text, country=country, type="person")
        if head.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
            return None  # the caller resolves pronouns from the discourse
        body = self.international_body(tokens, head, country, country_entry)
        if body is not None:
            return Actor(text=text, name=body, country=None, type="organization")
        owner_body = self.possessor_body(tokens, head)
        if owner_body is not None:
            return Actor(text=text, name=None, country=country, type=owner_body)
        actor_type = self.phrase_type(tokens, head, country)
        if (
            actor_type is None
            and country is not None
            and head.lower_ in self.lexicon.own_voice_nouns
        ):
            actor_type = "government"  # "Armenian official data", "Thai figures"
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
            name = _entity_text(head)
            if actor_type in {None, "organization"} and self.country_of_word(name) is not None:
                # a country's bare name ("Armenia says", even when tagged ORG): its government
                return Actor(text=text, name=None, country=country, type="government")
            return Actor(text=text, name=name, country=country, type=actor_type or "organization")
        if actor_type is None and country is None:
            return None
        name = None
        if head.pos_ == "PROPN" and actor_type in {"armed_group", "organization"}:
            name = " ".join(t.text for t in tokens if t.dep_ != "det")  # "the Arakan Army"
        return Actor(text=text, name=name, country=country, type=actor_type)

    def international_body(
        self,
        tokens: list[Token],
        head: Token,
        country: str | None,
        entry: CatalogEntry | None,
    ) -> str | None:
        """The name of the international body a phrase speaks for ("a United Nations
        spokesperson", "a UN refugee agency", "aid agencies"): a catalog organisation of no
        country inside it, or a name from the lexicon's list; None when a country is named
        too, or the head is a force, a group or people ("UN peacekeepers")."""
        if country is not None or self.noun_type(head) not in {
            None,
            "organization",
            "government",
            "media",
        }:
            return None
        if entry is not None and entry.country is None and entry.type == "organization":
            return entry.name
        words = tuple(t.text for t in tokens if not t.is_punct or t.text == ".")
        marker = self._international(words)
        if marker is None:
            return None
        if head.pos_ == "PROPN":
            return " ".join(t.text for t in tokens if t.dep_ != "det")
        return marker

    def _international(self, words: tuple[str, ...]) -> str | None:
        """``lexicon.is_international``, remembered per phrase."""
        held = self._bodies
        if held is None or held[0] is not self.lexicon or len(held[1]) >= ENTRY_CACHE_SIZE:
            held = self._bodies = (self.lexicon, {})
        known = held[1]
        if words not in known:
            known[words] = self._international_in(words)
        return known[words]

    def _international_in(self, words: tuple[str, ...]) -> str | None:
        """What ``lexicon.is_international`` answers (the first name of the list found in
        the words), looking up only the names that begin with one of the words."""
        held = self._body_index
        if held is None or held[0] is not self.lexicon:
            index: dict[tuple[bool, str], list[_Body]] = {}
            for order, entry in enumerate(self.lexicon.international):
                parts = entry.split()
                exact = entry.isupper() or entry.replace(".", "").isupper()
                target = tuple(parts if exact else [p.lower() for p in parts])
                if not target:
                    return self.lexicon.is_international(list(words))  # an empty name
                index.setdefault((exact, target[0]), []).append(_Body(order, target, entry))
            held = self._body_index = (self.lexicon, index)
        index = held[1]
        lowered = tuple(w.lower() for w in words)
        best: _Body | None = None
        for i in range(len(words)):
            for exact, hay in ((True, words), (False, lowered)):
                for body in index.get((exact, hay[i]), ()):
                    if best is not None and body.order >= best.order:
                        continue
                    if hay[i : i + len(body.words)] == body.words:
                        best = body
        return best.entry if best is not None else None

    def possessor_body(self, tokens: list[Token], head: Token) -> str | None:
        """ "the military's media wing", "the army's press office": a part of a state force,
        a government or an armed group speaks as that body (its type)."""
        if self.noun_type(head) not in {None, "media", "organization"}:
            return None
        for tok in tokens:
            if tok.dep_ != "poss" or tok.head.i != head.i or tok.lower_ in POSSESSIVE_PRONOUNS:
                continue
            if tok.pos_ == "PROPN" or tok.ent_type_:
                return None  # a named owner is resolved as a name
            owner = self.noun_type(tok)
            if owner in {"state_forces", "government", "armed_group"}:
                return owner
        return None

    def seat(self, tokens: list[Token]) -> Seat | None:
        """A capital or a metonym standing alone ("Kyiv", "the Kremlin", "Downing Street")."""
        words = [t for t in tokens if t.dep_ != "det" and not t.is_punct]
        if not words or not self.seats or any(t.pos_ not in {"PROPN", "NOUN"} for t in words):
            return None
        return self.seats.get(normalized_name(" ".join(t.text for t in words)))

    def phrase_type(self, tokens: list[Token], head: Token, country: str | None) -> str | None:
        """Actor type of a phrase: its head noun, refined by the words of a name ("Baloch
        Liberation Army" is an armed group, "Second Army Region" state forces) and by the
        country that owns an institution ("the Armenian Security Council" is its government)."""
        lex = self.lexicon
        words = [t.lower_ for t in tokens if not t.is_punct]
        phrase = " ".join(words)
        head_type = self.noun_type(head)
        named = head.pos_ == "PROPN" or bool(head.ent_type_)
        markers = lex.armed_group_markers
        if named and (
            any(w in markers for w in words) or any(" " in m and m in phrase for m in markers)
        ):
            return "armed_group"
        if head_type in {None, "organization"} and any(
            t.lower_ in _SPONSOR_WORDS and t.i > 0 and t.doc[t.i - 1].text == "-" for t in tokens
        ):
            return "armed_group"  # "an al-Qaeda-linked group"
        if (
            head_type == "government"
            and (head.lower_ in lex.unnamed_sources or head.lower_ in lex.role_titles)
            and any(
                t.i < head.i and t.dep_ == "compound" and t.lower_ in lex.local_institutions
                for t in tokens
            )
        ):
            return "organization"  # "a hospital official": the hospital's, not the state's
        if head_type in {None, "organization", "government"} and (
            named or head.lower_ in lex.unnamed_sources or head.lower_ in lex.role_titles
        ):
            # "military spokesperson", "army sources", "the Army Region": the force speaks
            for tok in tokens:
                if tok.i == head.i or tok.is_punct:
                    continue
                if self.noun_type(tok) == "state_forces" and tok.lower_ not in lex.unnamed_sources:
                    return "state_forces"
        if (
            head_type in {None, "organization"}
            and (head.lower_ in lex.national_bodies or head.lemma_.lower() in lex.national_bodies)
            and any(t.lower_ in lex.state_modifiers and t.is_lower and t.i < head.i for t in tokens)
            and not any(w in lex.civil_markers for w in words)
        ):
            return "government"  # "the state emergency agency": a state body, country unsaid
        if (
            head_type in {None, "organization"}
            and country is not None
            and (
                head.lower_ in lex.national_bodies
                or head.lemma_.lower() in lex.national_bodies
                or (named and any(t.dep_ == "poss" or t.ent_type_ == "GPE" for t in tokens))
            )
            and not any(w in lex.civil_markers for w in words)
            and not any(" " in m and m in phrase for m in lex.civil_markers)
        ):
            # "the Armenian Security Council", "Pakistan's Inter-Services Public Relations"
            return "government"
        return head_type

    def noun_type(self, head: Token) -> str | None:
        """Actor type implied by a head noun ("troops" -> state_forces), with two-word heads."""
        if head.i > 0:
            two = f"{head.doc[head.i - 1].lower_} {head.lower_}"
            if two in self.lexicon.actor_nouns:
                return self.lexicon.actor_nouns[two]
        return self.lexicon.actor_nouns.get(head.lower_) or self.lexicon.actor_nouns.get(
            head.lemma_.lower()
        )

    def country_in(self, tokens: list[Token]) -> str | None:
        """Country named in ``tokens``: a nationality, a country, or a known place in it
        ("the Oddar Meanchey provincial administration", "Islamabad's defence minister")."""
        found = self._country_in(tokens, ())
        if found is not None or self.place_country is None:
            return found
        for tok in tokens:
            if tok.ent_type_ in {"GPE", "LOC"} and tok.ent_iob_ == "B":
                ent = entity_of(tok)
                code = self.place_country(ent.text if ent is not None else tok.text)
                if code:
                    return code
        run: list[Token] = []
        for tok in [*tokens, None]:
            # an untagged place name ("the Oddar Meanchey provincial administration")
            if tok is not None and tok.pos_ == "PROPN" and tok.is_title and not tok.ent_type_:
                run.append(tok)
                continue
            if len(run) >= 1:
                code = self.place_country(" ".join(t.text for t in run))
                if code:
                    return code
            run = []
        return None

    def _place_in(self, tokens: list[Token], skip: Collection[int]) -> str | None:
        """The country of a place named inside a phrase (tagged GPE/LOC), if known."""
        assert self.place_country is not None
        for tok in tokens:
            if tok.i in skip:
                continue
            if tok.dep_ == "poss" and tok.pos_ == "PROPN":
                # "Tbilisi's minister", even when the tagger took the city for a person
                seat = self.seats.get(normalized_name(tok.text))
                if seat is not None:
                    return seat.country
            if (
                tok.dep_ in {"compound", "nmod", "poss"}
                and tok.pos_ == "PROPN"
                and tok.ent_type_ not in {"ORG", "NORP", "PERSON"}
                and tok.i < tok.head.i
            ):
                # "the Sumy governor", "the Mosul health directorate": a place it serves
                ent = entity_of(tok)
                code = self.place_country(ent.text if ent is not None else tok.text)
                if code:
                    return code
            if tok.ent_type_ not in {"GPE", "LOC"} or tok.ent_iob_ != "B":
                continue
            ent = entity_of(tok)
            if ent is not None and any(t.i in skip for t in ent):
                continue
            code = self.place_country(ent.text if ent is not None else tok.text)
            if code:
                return code
        return None

    def _title_table(self) -> tuple[Lexicon, dict[str, str], frozenset[str]]:
        lex = self.lexicon
        if self._titles is None or self._titles[0] is not lex:
            aliases = lex.title_aliases
            known = {w: aliases.get(w, w) for w in {*lex.role_titles, *aliases}}
            ends = frozenset(k[p + 1 :] for k in known for p, ch in enumerate(k) if ch == " ")
            self._titles = (lex, known, ends)
        return self._titles

    def title_words(self) -> frozenset[str]:
        """Every word (lowercase, final full stops dropped) for which ``title_of`` may answer:
        a title, or the last word of a title of several words."""
        _, titles, ends = self._title_table()
        return frozenset(titles) | ends

    def title_of(self, tok: Token) -> str | None:
        """The role title a word is ("PM" -> "prime minister", "Minister" after "Prime")."""
        lex = self.lexicon
        _, titles, ends = self._title_table()
        word = tok.lower_.rstrip(".")
        if tok.i > 0 and word in ends:
            found = titles.get(f"{tok.doc[tok.i - 1].lower_} {word}")
            if found is not None:
                return found
        if word in lex.unnamed_sources and not _beside_name(tok):
            return None  # "a source", "a witness": no one in particular
        return titles.get(word)

    def _country_in(self, tokens: list[Token], skip: Collection[int]) -> str | None:
        """Country named by a nationality adjective, a country name or its possessive; the
        longest run of words first ("South African" is ZAF, not "African")."""
        inside = {t.i for t in tokens if t.i not in skip}
        for tok in tokens:
            if tok.i in skip or tok.is_punct or _names_sponsor(tok):
                continue
            multi = self._multiword_country(tok, inside)
            if multi is not None:
                return multi
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

    def _multiword_country(self, tok: Token, inside: Collection[int]) -> str | None:
        """A nationality or country of two or three capitalised words starting at ``tok``
        ("South African", "Central African Republic"), whatever the tagger made of them."""
        if not (tok.is_alpha and tok.is_title):
            return None  # every word of the run must be a capitalised word, this one first
        doc = tok.doc
        for length in (3, 2):
            end = tok.i + length
            if end > len(doc) or any(i not in inside for i in range(tok.i, end)):
                continue
            words = doc[tok.i : end]
            if not all(t.is_alpha and t.is_title for t in words):
                continue
            if _names_sponsor(words[-1]):
                continue
            code = self.country_of_word(words.text)
            if code:
                return code
        return None


def _beside_name(tok: Token) -> bool:
    """ "Abdul Rahim, a resident": a source noun in apposition to a name is that person's
    description."""
    if tok.dep_ == "appos" and tok.head.pos_ == "PROPN":
        return True
    return any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in tok.children)


def _head_of(tokens: list[Token]) -> Token:
    inside = {t.i for t in tokens}
    for tok in tokens:
        if tok.head.i not in inside or tok.head.i == tok.i:
            return tok
    return tokens[-1]


def _names_sponsor(tok: Token) -> bool:
    """ "Iranian-backed", "US-led": the country word is the sponsor, not the actor."""
    doc = tok.doc
    return (
        tok.i + 2 < len(doc)
        and doc[tok.i + 1].text == "-"
        and doc[tok.i + 2].lower_ in _SPONSOR_WORDS
    )


def _person_entity(tokens: list[Token], head: Token, lexicon: Lexicon) -> Span | None:
    """A PERSON entity at or right after the head ("spokesperson Zabihullah Mujahid"); not
    a group the tagger took for a name ("Baloch Rebels")."""
    head_type = lexicon.actor_nouns.get(head.lower_)
    if (
        head_type is not None
        and head_type != "government"
        and head.lower_ not in lexicon.role_titles
    ):
        return None
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
