"""Tie quantities to what they count (measure), whom (victim) and who asserts them (claimant).

The rules walk the dependency parse: from the number to the word that says what happened
("killed", "injured", "destroyed", "attacks"), and from there up to the reporting verb whose
subject asserts it ("X said", "according to X"). Pronouns and unnamed state outlets take their
referent from the discourse (the last named speaker).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span, Token

from sitrep.knowledge import Lexicon
from sitrep.models import Actor, DateSpan
from sitrep.nlp.actors import PRONOUNS_GROUP, PRONOUNS_PERSON, ActorResolver
from sitrep.nlp.outlets import outlet_named
from sitrep.nlp.quantities import QuantityMention

SUBJECT_DEPS = {"nsubj", "nsubjpass", "dobj", "npadvmod", "attr", "oprd", "obj", "pobj"}
ELABORATING_PREPS = {"including", "of", "among", "mostly", "mainly", "among them"}
TOLL_VERBS = {"rise", "climb", "reach", "stand", "jump", "increase", "put", "hit", "surge", "mount"}
TOLL_NOUNS = {"toll", "tally", "number", "count", "figure"}
NP_CUT_DEPS = {"appos", "relcl", "acl", "advcl", "punct", "cc", "conj", "prep"}
FATAL_ADVERBS = {"fatally", "mortally"}
DOCUMENT_NOUNS = {"statement", "communique", "release", "bulletin", "readout"}
INJURY_VERBS = {"suffer", "sustain", "receive", "lose"}
INJURY_NOUNS = {"wound", "injury", "burn", "limb", "leg", "arm", "eye", "fracture"}
SPEECH_ONLY = {"accuse", "blame", "call", "urge", "echo", "ask", "warn", "describe"}


@dataclass
class Discourse:
    """What the report has said so far that later pronouns and bare titles refer to."""

    last_person: Actor | None = None
    last_group: Actor | None = None
    last_with_country: Actor | None = None
    last_armed_group: Actor | None = None  # what "the rebels" / "the militants" point back to

    def remember(self, actor: Actor | None) -> None:
        if actor is None:
            return
        if actor.type == "person":
            self.last_person = actor
        elif actor.type != "media" or actor.country:
            self.last_group = actor
        if actor.country:
            self.last_with_country = actor
        if actor.type == "armed_group" and actor.name:
            self.last_armed_group = actor

    def pronoun(self, word: str) -> Actor | None:
        word = word.lower()
        if word in PRONOUNS_PERSON:
            return self.last_person
        if word in PRONOUNS_GROUP:
            return self.last_group or self.last_person
        return None


@dataclass(frozen=True)
class ClaimMatch:
    """A claim found in a Doc, before it is turned into a models.Claim."""

    mention: QuantityMention
    measure: str
    victim: Actor | None
    claimant: Actor
    sentence: Span
    negated: bool
    period: DateSpan | None = None
    statistic: bool = False


@dataclass
class ClaimFinder:
    resolver: ActorResolver
    lexicon: Lexicon
    own_voice: Actor = field(default_factory=lambda: Actor(text="", type="media"))

    # --- measures -------------------------------------------------------------------------
    def measure_for(
        self, mention: QuantityMention, doc: Doc
    ) -> tuple[str, Token | None, Token | None] | None:
        """(measure, trigger token, counted noun) for a quantity, or None when it counts nothing."""
        anchor = doc[mention.anchor]
        noun = self._counted_noun(anchor)
        lex = self.lexicon
        if mention.quantity.value == 1 and _partitive(anchor):
            return None  # "one of the strikes", "one of those killed": picks one out
        if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and noun is None:
            owner = anchor.head.head
            if owner.pos_ == "NOUN" and not lex.measure_of_noun(owner.lemma_.lower()):
                return None  # "a mother of three" counts her children, not casualties
        if noun is not None:
            own = lex.measure_of_noun(noun.lemma_.lower()) or lex.measure_of_noun(noun.lower_)
            if own is None and noun.i > 0:
                own = lex.measure_of_noun(f"{doc[noun.i - 1].lower_} {noun.lemma_.lower()}")
            if own is not None and not self._is_victim_noun(noun):
                if noun.lower_ not in lex.object_nouns:
                    return own, noun, noun
                # "shot down 5 drones": what happened to the objects outranks what they are
                via_verb = self._verb_path(anchor, noun)
                return via_verb if via_verb is not None else (own, noun, noun)
        for adj in (anchor, noun):
            found = self._adjective_measure(adj) if adj is not None else None
            if found:
                return found[0], found[1], noun
        adjacent = self._adjacent_measure(mention, noun, doc)
        if adjacent is not None:
            return adjacent[0], adjacent[1], noun
        return self._verb_path(anchor, noun)

    def _verb_path(
        self, anchor: Token, noun: Token | None
    ) -> tuple[str, Token | None, Token | None] | None:
        """Climb from the number through coordination and "including"/"of" phrases to the
        verb (or toll) that says what happened to what it counts."""
        tok = anchor if anchor.dep_ != "nummod" or noun is None else noun
        for _ in range(6):
            dep, head = tok.dep_, tok.head
            if head.i == tok.i:
                break
            if dep in {"conj", "appos"}:
                tok = head
                continue
            if dep == "pobj" and head.dep_ == "prep":
                if head.lower_ == "of" and head.head.pos_ == "NOUN":
                    toll = self.lexicon.measure_of_noun(head.head.lemma_.lower())
                    if toll is not None:
                        return toll, head.head, noun  # "the deaths of two friends"
                if head.lower_ in ELABORATING_PREPS:
                    tok = head.head
                    continue
                if head.lower_ in {"to", "at"} and head.head.lemma_.lower() in TOLL_VERBS:
                    toll = self._toll_measure(head.head)
                    return (toll, head.head, noun) if toll else None
                break
            if dep in SUBJECT_DEPS and head.pos_ in {"VERB", "AUX", "ADJ", "NOUN"}:
                measure = self._verb_measure(head, tok, noun)
                if measure in {None, "wounded"}:
                    # "were shot and killed": a coordinated verb shares the subject
                    for conj in head.children:
                        if conj.dep_ == "conj" and conj.pos_ == "VERB":
                            other = self._verb_measure(conj, tok, noun)
                            if other is not None and (measure is None or other == "killed"):
                                return other, conj, noun
                if measure is not None:
                    return measure, head, noun
                break
            break
        return None

    def _counted_noun(self, anchor: Token) -> Token | None:
        if anchor.dep_ in {"nummod", "quantmod", "amod", "det"} and anchor.head.pos_ in {
            "NOUN",
            "PROPN",
        }:
            return anchor.head
        for child in anchor.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        return None

    def _adjacent_measure(
        self, mention: QuantityMention, noun: Token | None, doc: Doc
    ) -> tuple[str, Token] | None:
        """ "up to 400,000 displaced", "194 people dead": a measure word right after the
        amount (or its noun) says what it counts, whatever the parser made of it."""
        after = (noun.i if noun is not None and noun.i >= mention.end else mention.end - 1) + 1
        if after >= len(doc):
            return None
        nxt = doc[after]
        if nxt.pos_ not in {"ADJ", "VERB"} or nxt.tag_ not in {"JJ", "VBN", "VBD"}:
            return None
        measure = self.lexicon.measure_of_adjective(nxt.lower_)
        return (measure, nxt) if measure else None

    def _is_victim_noun(self, noun: Token) -> bool:
        """ "12 dead" / "30 injured" tagged as nouns are the measure, but "people" is not."""
        return noun.lower_ in self.lexicon.actor_nouns and noun.lower_ not in {"dead", "injured"}

    def _adjective_measure(self, tok: Token) -> tuple[str, Token] | None:
        """ "23 dead", "the 12 injured", "leaving 194 people dead"."""
        for child in tok.children:
            if child.dep_ in {"amod", "acl", "oprd", "acomp"} and child.i > tok.i:
                m = self.lexicon.measure_of_adjective(child.lower_) or self.lexicon.measure_of_verb(
                    child.lemma_.lower()
                )
                if m:
                    return m, child
        return None

    def _verb_measure(self, verb: Token, arg: Token, noun: Token | None) -> str | None:
        lex = self.lexicon
        lemma = verb.lemma_.lower()
        children = list(verb.children)
        deps = {c.dep_ for c in children}
        particle = next((c.lower_ for c in children if c.dep_ == "prt"), None)
        obj = next((c for c in children if c.dep_ in {"dobj", "obj"}), None)
        # multi-word triggers: "lost their lives", "shot down", "taken hostage"
        words = [lemma] + ([particle] if particle else []) + ([obj.lemma_.lower()] if obj else [])
        for prep in (c for c in children if c.dep_ == "prep"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                words += [prep.lower_, pobj.lemma_.lower()]  # "shot to death"
        for spec in lex.measures:
            for phrase in spec.phrases:
                if tuple(words[: len(phrase)]) == phrase or (
                    len(phrase) == 2 and phrase[0] == lemma and phrase[1] in words[1:]
                ):
                    return spec.name
        if (
            lemma == "lose"
            and arg.dep_ in {"dobj", "obj"}
            and noun is not None
            and lex.actor_nouns.get(noun.lower_) in {"state_forces", "armed_group", "civilians"}
        ):
            return "killed"  # "lost 20 of its own men" (but "soldiers lost limbs": wounded)
        if any(c.dep_ == "advmod" and c.lower_ in FATAL_ADVERBS for c in children):
            return "killed"  # "fatally shot", "mortally wounded"
        if lemma in INJURY_VERBS and obj is not None and obj.lemma_.lower() in INJURY_NOUNS:
            return "wounded"  # "suffered gunshot wounds", "lost limbs"
        for child in children:
            if child.dep_ in {"oprd", "acomp", "xcomp", "conj"} and child.pos_ in {"ADJ", "VERB"}:
                adj = lex.measure_of_adjective(child.lower_)
                if adj and child.dep_ != "conj":
                    return adj
        if arg.dep_ == "oprd" or verb.pos_ == "ADJ":
            adj = lex.measure_of_adjective(verb.lower_ if verb.pos_ == "ADJ" else arg.lower_)
            if adj:
                return adj
        measure = lex.measure_of_verb(lemma) or (
            lex.measure_of_adjective(verb.lower_) if verb.tag_ in {"VBN", "VBD"} else None
        )
        if measure is None:
            return None
        is_object_count = noun is not None and noun.lower_ in lex.object_nouns
        if measure == "sites_hit" and not is_object_count:
            return None
        if measure in {"killed", "wounded"} and is_object_count:
            return None
        active_agent = (
            arg.dep_ == "nsubj" and ("dobj" in deps or "obj" in deps) and verb.tag_ != "VBN"
        )
        if active_agent:
            return None  # "30 soldiers killed 5 militants": the number counts the killers
        return measure

    def _toll_measure(self, verb: Token) -> str | None:
        for child in verb.children:
            if child.dep_ in {"nsubj", "dobj"} and child.lemma_.lower() in TOLL_NOUNS:
                words = {t.lemma_.lower() for t in child.subtree}
                if words & {"injury", "wounded", "injured"}:
                    return "wounded"
                return "killed"
        return None

    # --- claimants ------------------------------------------------------------------------
    def reporting_verb(self, tok: Token) -> Token | None:
        for anc in tok.ancestors:
            if anc.pos_ in {"VERB", "AUX"} and anc.lemma_.lower() in self.lexicon.reporting_verbs:
                if anc.lemma_.lower() in SPEECH_ONLY:
                    continue
                return anc
        return None

    def subject_of(self, verb: Token) -> Token | None:
        """The asserting subject of a reporting verb (following "saying"/"and added" up)."""
        cur: Token | None = verb
        for _ in range(3):
            if cur is None:
                return None
            for child in cur.children:
                if child.dep_ in {"nsubj", "nsubjpass"} and not (
                    child.dep_ == "nsubjpass" and any(c.dep_ == "agent" for c in cur.children)
                ):
                    return child
                if child.dep_ == "agent":
                    pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if pobj is not None:
                        return pobj
            if cur.dep_ in {"conj", "advcl", "xcomp", "ccomp"} and cur.head.i != cur.i:
                cur = cur.head
                continue
            return None
        return None

    def according_to(self, sent: Span) -> Token | None:
        for tok in sent:
            if (
                tok.lower_ == "according"
                and tok.i + 1 < len(tok.doc)
                and tok.doc[tok.i + 1].lower_ == "to"
            ):
                to = tok.doc[tok.i + 1]
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is None:
                    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
            if tok.lower_ == "citing" and tok.pos_ == "VERB":
                obj = next((c for c in tok.children if c.dep_ == "dobj"), None)
                if obj is not None:
                    return obj
        return None

    def actor_of_np(
        self,
        tok: Token,
        day: date | None,
        discourse: Discourse,
        *,
        skip: Collection[int] = (),
        owner: Actor | None = None,
    ) -> Actor | None:
        """Resolve the noun phrase headed by ``tok`` (pronouns through the discourse)."""
        if tok.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
            ref = discourse.pronoun(tok.lower_)
            return (
                Actor(text=tok.text, name=ref.name, country=ref.country, type=ref.type)
                if ref
                else None
            )
        named = _appositive_name(tok)
        if named is not None:
            # "their chief spokesman, Zabihullah Mujahid": the name says who
            person = self.resolver.resolve(noun_phrase(named), day)
            if person is not None and person.type == "person":
                if person.country is None:
                    role = self.resolver.resolve(noun_phrase(tok), day, owner=discourse.last_group)
                    person = Actor(
                        person.text, person.name, role.country if role else None, "person"
                    )
                return person
        span = noun_phrase(tok)
        if owner is None:
            owner = discourse.last_group  # "Pakistan puts ... Its army said": its = Pakistan
        actor = self.resolver.resolve(span, day, skip=skip, owner=owner)
        if (
            actor is not None
            and actor.type == "armed_group"
            and actor.name is None
            and discourse.last_armed_group is not None
            and any(t.lower_ in {"the", "these", "those"} for t in span)
        ):
            ref = discourse.last_armed_group  # "the rebels": the group the report named
            actor = Actor(actor.text, ref.name, ref.country, "armed_group")
        outlet = outlet_named(span.text)
        if outlet is not None and (actor is None or actor.type in {None, "organization", "media"}):
            return Actor(text=span.text, name=outlet.name, country=outlet.country, type="media")
        issuer = _prep_object(tok, {"from", "by"}) if tok.lemma_.lower() in DOCUMENT_NOUNS else None
        if issuer is not None:
            # "a statement from the army": the army says it
            return self.actor_of_np(issuer, day, discourse, skip=skip, owner=owner)
        if actor is None and tok.lemma_.lower() in DOCUMENT_NOUNS and discourse.last_group:
            ref = discourse.last_group  # "the statement said": the body that issued it
            return Actor(span.text, ref.name, ref.country, ref.type)
        if actor is not None and actor.country is None:
            of_place = _prep_object(tok, {"of", "for", "in"})  # "the governor of Kaduna State"
            if of_place is not None and of_place.ent_type_ in {"GPE", "LOC", "NORP"}:
                code = self.resolver.country_of_word(of_place.text)
                if code is None and self.resolver.place_country is not None:
                    code = self.resolver.place_country(noun_phrase(of_place).text)
                if code is not None:
                    actor = Actor(actor.text, actor.name, code, actor.type)
        if (
            actor is not None
            and actor.country is None
            and actor.type
            in {
                "media",
                "government",
                "state_forces",
            }
        ):
            # "state media", "officials": the state the report is talking about
            ref = discourse.last_with_country
            if ref is not None:
                actor = Actor(
                    text=actor.text, name=actor.name, country=ref.country, type=actor.type
                )
        return actor

    def claimant_for(
        self, tok: Token, sent: Span, day: date | None, discourse: Discourse
    ) -> tuple[Actor, Token | None]:
        verb = self.reporting_verb(tok)
        subject = self.subject_of(verb) if verb is not None else None
        if (
            verb is not None
            and subject is not None
            and subject.lower_ in PRONOUNS_GROUP | PRONOUNS_PERSON
        ):
            # "the office said it had verified 148 killings": "it" is the outer speaker
            outer = self.reporting_verb(verb)
            outer_subject = self.subject_of(outer) if outer is not None else None
            if (
                outer_subject is not None
                and outer_subject.lower_ not in PRONOUNS_GROUP | PRONOUNS_PERSON
            ):
                subject = outer_subject
        if subject is None:
            subject = self.according_to(sent)
        if subject is not None:
            actor = self.actor_of_np(subject, day, discourse)
            if actor is not None:
                return actor, verb
        return self.own_voice, verb

    # --- victims --------------------------------------------------------------------------
    def victim_for(
        self,
        mention: QuantityMention,
        trigger: Token | None,
        noun: Token | None,
        claimant: Actor,
        day: date | None,
        discourse: Discourse,
        sentence_countries: list[str],
        other_quantities: Collection[int] = (),
    ) -> Actor | None:
        doc = trigger.doc if trigger is not None else None
        skip = set(range(mention.start, mention.end)) | set(other_quantities)
        victim_tok = noun
        if noun is not None and trigger is not None and trigger.i == noun.i:
            # the noun is the measure itself ("12 deaths", "143 attacks"): victims follow "of/on"
            victim_tok = _prep_object(noun, {"of", "on", "against", "among"})
        if victim_tok is None and trigger is not None:
            victim_tok = self._coordinated_victim(trigger, doc)
        if trigger is not None and _on_both_sides(trigger):
            return Actor(text="both sides", name=None, country=None, type=None)
        owner = claimant if claimant.type != "media" or claimant.country else None
        actor = None
        if victim_tok is not None:
            actor = self.actor_of_np(victim_tok, day, Discourse(), skip=skip, owner=owner)
        if actor is not None and actor.country is not None:
            return actor
        side = next(
            (
                code
                for tok in (victim_tok, trigger)
                if tok is not None and (code := self._side_phrase(tok)) is not None
            ),
            None,
        )
        if side is not None and victim_tok is not None:
            # "21 positions on the Afghan side", "14 tanks on the Russian side"
            if actor is not None:
                return Actor(actor.text, actor.name, side, actor.type)
            if victim_tok.lower_ in self.lexicon.object_nouns:
                words = [t.text for t in noun_phrase(victim_tok) if t.i not in skip]
                return Actor(" ".join(words), None, side, "state_forces")
        country = self._infer_victim_country(actor, claimant, sentence_countries)
        if actor is None:
            return Actor(text="", name=None, country=country, type=None)
        return Actor(text=actor.text, name=actor.name, country=country, type=actor.type)

    def _side_phrase(self, tok: Token) -> str | None:
        """The country of an "on the Afghan side" phrase (not "on the Afghan border")."""
        for prep in tok.children:
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if prep.dep_ == "prep" and pobj is not None and pobj.lemma_.lower() == "side":
                for word in prep.subtree:
                    code = self.resolver.country_of_word(word.text)
                    if code is not None:
                        return code
        return None

    def _coordinated_victim(self, trigger: Token, doc: Doc | None) -> Token | None:
        """ "nine fighters were killed and a dozen injured": the dozen are fighters too."""
        cur = trigger
        for _ in range(3):
            if cur.dep_ != "conj":
                return None
            cur = cur.head
            # the sufferers: passive subject or object; an active subject is the agent
            # ("forces killed 58 soldiers and wounded 30": the 30 are soldiers)
            args = sorted(
                (c for c in cur.children if c.dep_ in {"nsubjpass", "dobj", "nsubj"}),
                key=lambda c: ("nsubjpass", "dobj", "nsubj").index(c.dep_),
            )
            has_object = any(c.dep_ in {"dobj", "nsubjpass"} for c in args)
            for child in args:
                if child.dep_ == "nsubj" and has_object:
                    continue
                if child.pos_ in {"NOUN", "PROPN"}:
                    return child
                if child.pos_ == "NUM":
                    noun = self._counted_noun(child)
                    if noun is not None:
                        return noun
            if cur.head.dep_ in {"advcl", "ccomp"} or cur.pos_ == "ADJ":
                verb = cur.head
                for child in verb.children:
                    if child.dep_ in {"dobj", "nsubjpass"} and child.pos_ in {"NOUN", "PROPN"}:
                        return child
        return None

    def _infer_victim_country(
        self, actor: Actor | None, claimant: Actor, sentence_countries: list[str]
    ) -> str | None:
        """Unmarked victims: forces belong to a state claimant's own side; people to the
        place the sentence names, else to the claimant's country."""
        victim_type = actor.type if actor is not None else None
        official = claimant.type in {"state_forces", "government", "person"}
        if victim_type in {"state_forces"} and official:
            return claimant.country or (sentence_countries[0] if sentence_countries else None)
        if official and claimant.country in sentence_countries:
            return claimant.country  # authorities count their own side's dead first
        if sentence_countries:
            return sentence_countries[0]
        return claimant.country

    # --- negation -------------------------------------------------------------------------
    def is_negated(
        self, mention: QuantityMention, trigger: Token | None, verb: Token | None
    ) -> bool:
        if trigger is not None and any(c.dep_ == "neg" for c in trigger.children):
            return True
        return verb is not None and verb.lemma_.lower() == "deny"


def noun_phrase(tok: Token) -> Span:
    """The span of a noun phrase headed by ``tok`` without appositions, clauses or conjuncts;
    "of"/"for" phrases inside proper names are kept ("Institute for Conflict ... Studies")."""
    doc = tok.doc
    keep = {tok.i}
    stack = [tok]
    while stack:
        cur = stack.pop()
        for child in cur.children:
            if child.dep_ in NP_CUT_DEPS and not (
                child.dep_ in {"prep", "cc", "conj"} and cur.pos_ == "PROPN" and cur.ent_type_
            ):
                continue
            keep.add(child.i)
            stack.append(child)
    lo, hi = min(keep), max(keep)
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return doc[lo : hi + 1]


BOTH_SIDES = {("both", "side"), ("each", "side"), ("either", "side"), ("both", "country")}


def _on_both_sides(trigger: Token) -> bool:
    """ "scores dead on both sides": the figure is about no single side."""
    head = trigger.head if trigger.dep_ in {"oprd", "acomp", "amod"} else trigger
    return any((tok.lower_, tok.head.lemma_.lower()) in BOTH_SIDES for tok in head.subtree)


def _partitive(anchor: Token) -> bool:
    """ "one of the strikes", "one of those killed", "one of 19 officers"."""
    return any(child.dep_ == "prep" and child.lower_ == "of" for child in anchor.children)


def _appositive_name(tok: Token) -> Token | None:
    """A person's name in apposition to a title ("the spokesman, Zabihullah Mujahid")."""
    if tok.ent_type_ == "PERSON":
        return None
    return next((c for c in tok.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)


def _prep_object(noun: Token, preps: Iterable[str]) -> Token | None:
    wanted = set(preps)
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in wanted:
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    return None
