"""Tie quantities to what they count (measure), whom (victim) and who asserts them (claimant).

The rules walk the dependency parse: from the number to the word that says what happened
("killed", "injured", "destroyed", "attacks"), and from there up to the reporting verb whose
subject asserts it ("X said", "according to X"). Pronouns and unnamed state outlets take their
referent from the discourse (the last named speaker).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from sitrep.knowledge import Lexicon, merged_data
from sitrep.models import Actor, DateSpan
from sitrep.nlp.actors import PRONOUNS_GROUP, PRONOUNS_PERSON, ActorResolver, normalized_name
from sitrep.nlp.attribution import (
    Blocks,
    backward_source,
    colon_speaker,
    quoted_source,
    scare_quote_subject,
    trailing_speaker,
)
from sitrep.nlp.doctext import doc_text, verbs_in
from sitrep.nlp.memory import EntityMemory
from sitrep.nlp.outlets import outlet_named
from sitrep.nlp.quantities import QuantityMention

SUBJECT_DEPS = {"nsubj", "nsubjpass", "dobj", "npadvmod", "attr", "oprd", "obj", "pobj"}
ELABORATING_PREPS = {"including", "of", "among", "mostly", "mainly", "among them"}
TOLL_VERBS = {"rise", "climb", "reach", "stand", "jump", "increase", "put", "hit", "surge", "mount",
              "bring", "take", "push", "raise"}  # fmt: skip
TOLL_NOUNS = {"toll", "tally", "number", "count", "figure"}
NP_CUT_DEPS = {"appos", "relcl", "acl", "advcl", "punct", "cc", "conj", "prep"}
FATAL_ADVERBS = {"fatally", "mortally"}
DOCUMENT_NOUNS = {"statement", "communique", "release", "bulletin", "readout"}
INJURY_VERBS = {"suffer", "sustain", "receive", "lose"}
INJURY_NOUNS = {"wound", "injury", "burn", "limb", "leg", "arm", "eye", "fracture"}
SPEECH_ONLY = {"call", "urge", "echo", "ask", "warn", "describe"}
PERSON_KINDS = {"civilians", "state_forces", "armed_group"}
STATE_KINDS = {"state_forces", "government"}  # actors whose losses are the state's own
EVENT_MEASURES = {"strikes", "attacks"}  # counts of events, not of what befell people
# Words between a count and its verb when the parse has lost the link ("had died").
LINEAR_SKIP = {"had", "have", "has", "were", "was", "been", "are", "is", "be", "all", "also"}


@dataclass
class Discourse:
    """What the report has said so far that later pronouns and bare titles refer to."""

    last_person: Actor | None = None
    last_group: Actor | None = None
    last_with_country: Actor | None = None
    last_armed_group: Actor | None = None  # what "the rebels" / "the militants" point back to
    last_named_group: Actor | None = None  # what "the group" points back to
    memory: EntityMemory = field(default_factory=EntityMemory)
    blocks: Blocks | None = None  # the report's paragraphs, for attributions that carry over
    quoted: set[int] = field(default_factory=set)  # tokens inside quotation marks
    _carried: Actor | None = None  # the last explicit attribution and its paragraph
    _carried_block: int = -2

    def note(self, actor: Actor | None, sent: Span) -> None:
        """An explicit attribution in ``sent``: the rest of its paragraph is said by ``actor``
        (the outlet's own voice, "reports say", stops the carry)."""
        if self.blocks is None:
            return
        own = actor is None or (actor.type == "media" and not actor.name and not actor.country)
        self._carried = None if own else actor
        self._carried_block = self.blocks.block(sent.start_char)

    def lead_in(self, sent: Span) -> None:
        """A line ending in ":" that introduces a list, with no attribution of its own,
        continues the attribution of the paragraph right before it."""
        if self.blocks is None or self._carried is None:
            return
        block = self.blocks.block(sent.start_char)
        if block in self.blocks.lead_ins and self._carried_block == block - 1:
            self._carried_block = block

    def carried(self, sent: Span) -> Actor | None:
        """The attribution in force for an unattributed sentence of the same paragraph."""
        if self.blocks is None or self._carried is None:
            return None
        return self._carried if self.blocks.block(sent.start_char) == self._carried_block else None

    def memory_person(self, actor: Actor) -> Actor:
        """A bare name the report introduced earlier (or later) with a country: that person."""
        if not actor.name:
            return actor
        known = self.memory.person(actor.name)
        if known is None:
            return actor
        full = normalized_name(known.name or "")
        if actor.type not in {"person", "organization", None} and normalized_name(
            actor.name
        ) not in {full, full.split()[-1] if full else ""}:
            return actor  # a body that only shares a word with a person's name
        name = actor.name if actor.type == "person" and len(actor.name.split()) > 1 else known.name
        return Actor(actor.text, name, known.country or actor.country, "person")

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
        if actor.type in {"armed_group", "organization"} and actor.name:
            self.last_named_group = actor

    def pronoun(self, word: str) -> Actor | None:
        word = word.lower()
        if word in PRONOUNS_PERSON:
            # "he noted" after a body spoke and no person was named: its spokesman
            return self.last_person or self.last_group
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
    trigger: int | None = None  # token index of the word that says what happened
    noun: int | None = None  # token index of the counted noun
    toll: str | None = None  # set by sitrep_tolls: "cumulative", "incremental" or None
    part_of: int | None = None  # Doc character offset of the first part's quantity
    as_of: date | None = None


@dataclass
class ClaimFinder:
    resolver: ActorResolver
    lexicon: Lexicon
    own_voice: Actor = field(default_factory=lambda: Actor(text="", type="media"))
    # the lexicon's trigger phrases by their first word, built on first use
    _phrase_index: tuple[Lexicon, dict[str, list[tuple[str, tuple[str, ...]]]]] | None = field(
        default=None, repr=False
    )

    # --- measures -------------------------------------------------------------------------
    def measure_for(
        self, mention: QuantityMention, doc: Doc
    ) -> tuple[str, Token | None, Token | None] | None:
        """(measure, trigger token, counted noun) for a quantity, or None when it counts nothing."""
        found = self._measure_for(mention, doc)
        if found is not None and mention.article and not self._article_counts(found, doc):
            return None
        if found is not None and self._natural_cause(found[1]):
            return None
        if found is not None and _intended(found[1], found[2]):
            return None
        return found

    def _measure_for(
        self, mention: QuantityMention, doc: Doc
    ) -> tuple[str, Token | None, Token | None] | None:
        anchor = doc[mention.anchor]
        if _whole_of_share(anchor) and not self._whole_counted(anchor):
            return None  # "shot down 51 of 92 drones": 92 is the whole the 51 are part of
        share_of = _share_of(anchor)
        if share_of is not None and not self._whole_counted(share_of):
            anchor = share_of  # the 51 take the noun and the verb of the 92
        noun = self._counted_noun(anchor)
        lex = self.lexicon
        rules = measure_rules()
        if mention.quantity.value == 1 and _partitive(anchor) and not self._one_of_own(anchor):
            return None  # "one of the strikes", "one of those killed": picks one out
        if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and noun is None:
            owner = anchor.head.head
            if owner.pos_ == "NOUN" and not lex.measure_of_noun(owner.lemma_.lower()):
                return None  # "a mother of three" counts her children, not casualties
        if noun is not None:
            own = lex.measure_of_noun(noun.lemma_.lower()) or lex.measure_of_noun(noun.lower_)
            if own is None and noun.i > 0:
                own = lex.measure_of_noun(f"{doc[noun.i - 1].lower_} {noun.lemma_.lower()}")
            if own is not None and mention.article:
                if noun.lower_ in lex.object_nouns:
                    return self._verb_path(anchor, noun)  # "five jets and a drone" downed
                return None  # "a strike", "an attack": one article is no count of events
            if own is not None and noun.lemma_.lower() in rules.status_nouns:
                return self._status_measure(own, anchor, noun)
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
        via_verb = self._verb_path(anchor, noun)
        if via_verb is not None:
            return via_verb
        attributive = self._attributive_measure(anchor, noun)
        if attributive is not None:
            return attributive[0], attributive[1], noun
        late = self._linear_measure(mention, noun, doc)
        return (late[0], late[1], noun) if late is not None else None

    def _article_counts(self, found: tuple[str, Token | None, Token | None], doc: Doc) -> bool:
        """ "a Cambodian soldier was killed" counts one; "including an eight-year-old boy"
        only names one of a figure already given (unless its own clause says what befell
        them: "including a woman who died")."""
        measure, trigger, noun = found
        if measure not in measure_rules().article_measures or noun is None:
            return False
        kind = self.lexicon.actor_nouns.get(noun.lower_)
        # any actor noun but an institution's is a person here ("a journalist", "an official")
        is_person = (
            kind not in {None, "organization"}
            or noun.lower_ in self.lexicon.generic_person_nouns
            or (noun.pos_ == "PROPN" and self.resolver.country_of_word(noun.text) is not None)
        )
        if not is_person and not (noun.lower_ in self.lexicon.object_nouns and noun.dep_ == "conj"):
            return False  # objects count by article only beside a count: "five jets and a drone"
        own_clause = trigger is not None and trigger.head.i == noun.i
        return own_clause or not _in_breakdown(noun)

    def _status_measure(
        self, own: str, anchor: Token, noun: Token
    ) -> tuple[str, Token | None, Token | None] | None:
        """ "214 hostages were executed" (killed), "took 40 hostages" (their own measure),
        "354 hostages were rescued" (no figure)."""
        for found in (self._adjective_measure(noun), self._adjective_measure(anchor)):
            if found is not None and found[0] != own:
                return found[0], found[1], noun
        if noun.head.lemma_.lower() in measure_rules().undoing_verbs and noun.dep_ in {
            "nsubjpass",
            "dobj",
            "obj",
        }:
            return None  # "354 hostages were rescued", "freed 40 hostages": no loss counted
        via_verb = self._verb_path(anchor, noun)
        if via_verb is not None:
            return via_verb
        head = noun.head
        while head.dep_ in {"prep", "pobj"} and head.head.i != head.i:
            head = head.head
        if head.lemma_.lower() in measure_rules().undoing_verbs:
            return None
        return own, noun, noun

    def _verb_path(
        self, anchor: Token, noun: Token | None
    ) -> tuple[str, Token | None, Token | None] | None:
        """Climb from the number through coordination and "including"/"of" phrases to the
        verb (or toll) that says what happened to what it counts."""
        tok = noun if noun is not None and anchor.dep_ in {"nummod", "compound", "det"} else anchor
        elliptic = victim_rules().elliptic
        if noun is None and anchor.dep_ == "nummod" and anchor.head.lower_ in elliptic:
            tok = anchor.head  # "wounded 10 more": "more" stands for the people
        rules = measure_rules()
        for _ in range(6):
            dep, head = tok.dep_, tok.head
            if head.i == tok.i:
                break
            if dep in {"conj", "appos"}:
                tok = head
                continue
            if dep == "pobj" and head.dep_ in {"prep", "dative"}:
                prep = head.lower_
                owner = head.head
                if prep in ELABORATING_PREPS and owner.pos_ in {"VERB", "AUX"}:
                    # "killing 18 people, among them nine children", "the toll has risen to
                    # 20, including nine children": the part shares its verb's measure
                    part = self._measure_of_whole(owner)
                    if part is not None:
                        return part, owner, noun
                if prep in {"to", "among"} and owner.pos_ != "NOUN" and head.i > 0:
                    owner = head.doc[head.i - 1]  # "reported injuries | to three soldiers"
                if prep in {"of", "to", "among"} and owner.pos_ == "NOUN":
                    toll = self.lexicon.measure_of_noun(owner.lemma_.lower())
                    if toll is not None and toll not in EVENT_MEASURES:
                        # "the deaths of two friends", "injuries to two of its soldiers"
                        return toll, owner, noun
                    owner = head.head
                if (
                    prep in rules.site_preps
                    and noun is not None
                    and noun.lemma_.lower() in rules.site_nouns
                    and self._is_attack(owner)
                ):
                    return "sites_hit", owner, noun  # "24 strikes at six locations"
                if prep in ELABORATING_PREPS:
                    tok = owner
                    continue
                if prep in {"to", "at"} and owner.lemma_.lower() in TOLL_VERBS:
                    toll = self._toll_measure(owner)
                    return (toll, owner, noun) if toll else None
                if prep in {"to", "at"} and owner.dep_ == "acl":
                    # "put the number of children killed at 19": the parse hung the figure
                    # on the participle; the toll verb above it sets the figure
                    toll_verb = next(
                        (a for a in owner.ancestors if a.lemma_.lower() in TOLL_VERBS), None
                    )
                    toll = self._toll_measure(toll_verb) if toll_verb is not None else None
                    if toll is not None:
                        return toll, toll_verb, noun
                if owner.pos_ == "VERB":
                    phrased = self._phrase_measure(owner, ending=prep)
                    if phrased is not None:
                        return phrased, owner, noun  # "set fire to 45 houses"
                break
            if dep in {"attr", "acomp"} and head.lemma_.lower() == "be":
                toll = self._toll_measure(head)  # "the number of casualties was 105"
                if toll is not None:
                    return toll, head, noun
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

    def _is_attack(self, tok: Token) -> bool:
        """A verb of attack ("launched", "struck") or a noun counting strikes or attacks."""
        if tok.pos_ in {"VERB", "AUX"}:
            return tok.lemma_.lower() in measure_rules().attack_verbs
        return self.lexicon.measure_of_noun(tok.lemma_.lower()) in EVENT_MEASURES

    def _counted_noun(self, anchor: Token) -> Token | None:
        modifies = anchor.dep_ in {"nummod", "quantmod", "amod", "det", "compound"}
        if modifies and anchor.head.pos_ in {"NOUN", "PROPN"}:
            noun = anchor.head
            # "Three Thai soldiers" parsed as a chain of compounds: the last one is counted
            while noun.dep_ == "compound" and noun.head.pos_ in {"NOUN", "PROPN"}:
                noun = noun.head
            return noun
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

    def _linear_measure(
        self, mention: QuantityMention, noun: Token | None, doc: Doc
    ) -> tuple[str, Token] | None:
        """ "stating six citizens had died": when the parse ties the count to the wrong verb,
        a measure verb right after it (past auxiliaries and adverbs) with no object of its
        own still says what happened to them."""
        i = (noun.i if noun is not None and noun.i >= mention.end else mention.end - 1) + 1
        sent_end = doc[mention.anchor].sent.end
        while i < sent_end and (
            doc[i].lower_ in LINEAR_SKIP or (doc[i].pos_ == "ADV" and doc[i].lower_.endswith("ly"))
        ):
            i += 1
        if i >= sent_end:
            return None
        verb = doc[i]
        if verb.pos_ != "VERB" or verb.tag_ not in {"VBN", "VBD"}:
            return None
        if any(c.dep_ in {"dobj", "obj"} for c in verb.children):
            return None  # "30 soldiers killed 5 militants": the count is the killers
        measure = self.lexicon.measure_of_verb(verb.lemma_.lower())
        if measure is None or measure in EVENT_MEASURES | {"sites_hit"}:
            return None
        return measure, verb

    def _whole_counted(self, whole: Token) -> bool:
        """ "one of three officers wounded": a measure word right after the whole's noun
        says what befell the whole, and the share only picks one out of it."""
        lex = self.lexicon
        doc = whole.doc
        for tok in doc[whole.i + 1 : min(len(doc), whole.i + 8)]:
            if tok.pos_ in {"NOUN", "PROPN", "ADJ"} and not lex.measure_of_adjective(tok.lower_):
                continue
            found = lex.measure_of_adjective(tok.lower_) or (
                lex.measure_of_verb(tok.lemma_.lower()) if tok.pos_ == "VERB" else None
            )
            return found is not None and found not in EVENT_MEASURES | {"sites_hit"}
        return False

    def _one_of_own(self, anchor: Token) -> bool:
        """ "one of its soldiers was killed": one of a side's own people, counted, unlike
        "one of those killed" or "one of 19 officers", which pick one out of a figure."""
        if anchor.dep_ not in {"nsubj", "nsubjpass", "dobj", "obj"}:
            return False
        for prep in anchor.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for pobj in prep.children:
                kind = self.lexicon.actor_nouns.get(pobj.lower_)
                if pobj.dep_ != "pobj" or kind not in PERSON_KINDS:
                    continue
                deps = {c.dep_ for c in pobj.children}
                if "poss" in deps and "nummod" not in deps:
                    return True
        return False

    def _attributive_measure(self, anchor: Token, noun: Token | None) -> tuple[str, Token] | None:
        """ "55 wounded people were brought in", "60,000 displaced Israelis": a measure
        adjective between the count and its noun, when no verb says what befell them."""
        if noun is None or noun.i <= anchor.i:
            return None
        for child in noun.children:
            if child.dep_ == "amod" and anchor.i < child.i < noun.i:
                measure = self.lexicon.measure_of_adjective(child.lower_)
                if measure is not None:
                    return measure, child
        return None

    def _is_victim_noun(self, noun: Token) -> bool:
        """ "12 dead" / "30 injured" tagged as nouns are the measure, but "people" is not."""
        return noun.lower_ in self.lexicon.actor_nouns and noun.lower_ not in {"dead", "injured"}

    def _adjective_measure(self, tok: Token) -> tuple[str, Token] | None:
        """ "23 dead", "the 12 injured", "leaving 194 people dead", and a participle after
        coordinated counts ("13 civilians and six soldiers killed")."""
        candidates = [tok]
        if tok.pos_ in {"NOUN", "PROPN"}:
            candidates += [c for c in tok.conjuncts if c.i > tok.i]
        for owner in candidates:
            for child in owner.children:
                if child.dep_ in {"amod", "acl", "oprd", "acomp", "relcl"} and child.i > tok.i:
                    if child.dep_ == "relcl" and not any(
                        c.dep_ in {"nsubj", "nsubjpass"} and c.tag_ in {"WP", "WDT"}
                        for c in child.children
                    ):
                        continue  # "the soldiers he killed": the relative is not about them
                    m = self.lexicon.measure_of_adjective(
                        child.lower_
                    ) or self.lexicon.measure_of_verb(child.lemma_.lower())
                    if m and not (
                        child.dep_ == "relcl"
                        and any(c.dep_ in {"dobj", "obj"} for c in child.children)
                    ):
                        return m, child
        return None

    def _measure_of_whole(self, verb: Token) -> str | None:
        """The measure of a verb whose figure an "including/among" part elaborates: its own
        measure verb ("killing"), or the toll it moves ("has risen")."""
        if verb.lemma_.lower() in TOLL_VERBS:
            return self._toll_measure(verb)
        measure = self.lexicon.measure_of_verb(verb.lemma_.lower())
        if measure is None or measure in EVENT_MEASURES | {"sites_hit"}:
            return None
        return measure

    def _phrase_measure(self, verb: Token, ending: str) -> str | None:
        """A multi-word trigger built on ``verb`` and ending in the preposition whose
        object is counted ("set fire to 45 houses")."""
        words = [verb.lemma_.lower()]
        obj = next((c for c in verb.children if c.dep_ in {"dobj", "obj"}), None)
        if obj is not None and obj.i < verb.i + 3:
            words.append(obj.lemma_.lower())
        words.append(ending)
        for spec in self.lexicon.measures:
            if tuple(words) in spec.phrases:
                return spec.name
        return None

    def _among_measure(self, verb: Token) -> str | None:
        """ "were among those killed", "counted 125 soldiers among the dead": the people
        the "among" phrase names say what befell the figure."""
        lex = self.lexicon
        for prep in verb.children:
            if prep.dep_ != "prep" or prep.lower_ != "among":
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                found = lex.measure_of_adjective(pobj.lower_) or lex.measure_of_noun(
                    pobj.lemma_.lower()
                )
                if found is None and pobj.lower_ in {"those", "people"}:
                    found = next(
                        (
                            m
                            for c in pobj.children
                            if c.dep_ in {"acl", "amod", "relcl"}
                            and (m := lex.measure_of_verb(c.lemma_.lower()))
                        ),
                        None,
                    )
                if found is not None and found not in EVENT_MEASURES | {"sites_hit"}:
                    return found
        return None

    def _natural_cause(self, trigger: Token | None) -> bool:
        """ "the earthquake that killed 3,700", "floods killed 12": a toll of no fighting."""
        if trigger is None:
            return False
        causes = measure_rules().natural_causes
        agents = [c for c in trigger.children if c.dep_ in {"nsubj", "agent"}]
        agents += [g for a in agents if a.dep_ == "agent" for g in a.children]
        if trigger.dep_ == "relcl":
            agents.append(trigger.head)
        agents = [a for a in agents if a.dep_ != "agent" and a.tag_ not in {"WDT", "WP"}]
        agents += [c for a in agents for c in a.conjuncts]
        # "floods and fighting have displaced 4,000": a conflict has a share in it
        natural = [a.lemma_.lower() in causes or a.lower_ in causes for a in agents]
        return bool(natural) and all(natural)

    def _phrases_from(self, lemma: str) -> list[tuple[str, tuple[str, ...]]]:
        """(measure, phrase) of the lexicon's trigger phrases that begin with ``lemma``, in
        the lexicon's order (no other phrase can match a verb of that lemma)."""
        held = self._phrase_index
        if held is None or held[0] is not self.lexicon:
            index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            for spec in self.lexicon.measures:
                for phrase in spec.phrases:
                    index.setdefault(phrase[0], []).append((spec.name, phrase))
            held = self._phrase_index = (self.lexicon, index)
        return held[1].get(lemma, [])

    def _verb_measure(self, verb: Token, arg: Token, noun: Token | None) -> str | None:
        lex = self.lexicon
        lemma = verb.lemma_.lower()
        children = list(verb.children)
        deps = {c.dep_ for c in children}
        particle = next((c.lower_ for c in children if c.dep_ == "prt"), None) or next(
            (
                c.lower_
                for c in children
                if c.dep_ == "advmod" and c.i == verb.i + 1 and c.lower_ in PARTICLES
            ),
            None,
        )  # "shot down" with "down" parsed as an adverb
        obj = next((c for c in children if c.dep_ in {"dobj", "obj"}), None)
        # multi-word triggers: "lost their lives", "shot down", "taken hostage"
        words = [lemma] + ([particle] if particle else [])
        if obj is not None:
            # "sought medical help": the object's adjectives belong to the phrase
            words += [c.lower_ for c in obj.children if c.dep_ == "amod" and c.i < obj.i]
            words.append(obj.lemma_.lower())
        for prep in (c for c in children if c.dep_ == "prep"):
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                words += [prep.lower_, pobj.lemma_.lower()]  # "shot to death"
        for name, phrase in self._phrases_from(lemma):
            if phrase[-1] in {"to", "from"} and arg.dep_ == "nsubj":
                continue  # "the attackers set fire to 45 houses": the subject did it
            if tuple(words[: len(phrase)]) == phrase or (
                len(phrase) == 2 and phrase[1] in words[1:]
            ):
                return name
        among = self._among_measure(verb)
        if among is not None and arg.dep_ in {"nsubj", "nsubjpass", "dobj", "obj"}:
            return among  # "were among those killed", "counted 125 among the dead"
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
                if (
                    child.dep_ == "xcomp"
                    and arg.dep_ in {"dobj", "obj"}
                    and not any(c.dep_ in {"dobj", "obj"} for c in child.children)
                ):
                    forced = lex.measure_of_verb(child.lemma_.lower())
                    if forced in {"displaced", "evacuated", "killed"}:
                        return forced  # "forced about 300,000 to flee"
        if arg.dep_ == "oprd" or verb.pos_ == "ADJ":
            adj = lex.measure_of_adjective(verb.lower_ if verb.pos_ == "ADJ" else arg.lower_)
            if adj:
                return adj
        measure = lex.measure_of_verb(lemma) or (
            lex.measure_of_adjective(verb.lower_) if verb.tag_ in {"VBN", "VBD", "VBG"} else None
        )
        if measure is None:
            return None
        is_object_count = noun is not None and (
            noun.lower_ in lex.object_nouns or noun.lemma_.lower() in measure_rules().site_nouns
        )
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
        """What a toll counts: "the death toll rose to 32" (killed), "the number of injured
        climbed to 40" (wounded), also when the parser hangs the verb off another noun
        ("the death toll from the clashes climbed to 32")."""
        candidates = [c for c in verb.children if c.dep_ in {"nsubj", "dobj", "nsubjpass"}]
        head = verb
        while head.dep_ in {"acl", "relcl", "pobj", "prep"} and head.head.i != head.i:
            head = head.head
            if head.pos_ in {"NOUN", "PROPN"}:
                candidates.append(head)
        for child in candidates:
            lemma = child.lemma_.lower()
            if lemma not in TOLL_NOUNS and self.lexicon.measure_of_noun(lemma) is None:
                continue
            for word in child.subtree:
                low = word.lemma_.lower()
                found = (
                    self.lexicon.measure_of_noun(low)
                    or self.lexicon.measure_of_adjective(word.lower_)
                    or (self.lexicon.measure_of_verb(low) if word.pos_ == "VERB" else None)
                )
                if found is not None and found not in EVENT_MEASURES:
                    return found
            if lemma == "toll":
                return "killed"
        return None

    # --- claimants ------------------------------------------------------------------------
    def reporting_verb(self, tok: Token) -> Token | None:
        """The reporting verb above ``tok`` whose subject asserts it: not a speech act
        ("accused", "urged"), nor a passive report of the figure itself ("two people were
        reported killed", "five soldiers were confirmed dead": the figure is the subject)."""
        for anc in tok.ancestors:
            if anc.pos_ in {"VERB", "AUX"} and anc.lemma_.lower() in self.lexicon.reporting_verbs:
                if anc.lemma_.lower() in SPEECH_ONLY:
                    continue
                if _reports_itself(anc, tok):
                    continue
                return anc
        return None

    def subject_of(self, verb: Token) -> Token | None:
        """The asserting subject of a reporting verb (following "saying"/"and added" up)."""
        quoted = quoted_source(verb)
        if quoted is not None:
            return quoted  # "the paper quoted officials as saying"
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
        words = doc_text(sent.doc)[sent.start_char : sent.end_char].lower()
        if "according" not in words and "citing" not in words:
            return None  # neither word is in the sentence: no token can be either
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
                if pobj is None and tok.i + 2 < sent.end:
                    # a parse that lost the object: the phrase right after "according to"
                    after = [t for t in tok.doc[tok.i + 2 : sent.end]]
                    phrase = []
                    for t in after:
                        if t.is_punct and t.text not in {"-", "'", "’"}:
                            break
                        phrase.append(t)
                    nouns = [t for t in phrase if t.pos_ in {"NOUN", "PROPN"}]
                    pobj = nouns[-1] if nouns else None
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
            # an unnamed antecedent lends its words ("Indian officials ... They stated")
            return (
                Actor(tok.text, ref.name or ref.text or None, ref.country, ref.type)
                if ref
                else None
            )
        named = _appositive_name(tok)
        if named is not None:
            # "their chief spokesman, Zabihullah Mujahid": the name says who
            person = self.resolver.resolve(noun_phrase(named), day)
            if person is not None and person.type == "person":
                if person.country is None:
                    role = self._role_of(tok, day, discourse) or self.resolver.resolve(
                        noun_phrase(tok), day, owner=discourse.last_group
                    )
                    person = Actor(
                        person.text, person.name, role.country if role else None, "person"
                    )
                return self._settle(discourse.memory_person(person), tok, discourse)
        span = noun_phrase(tok)
        if _own_voice_phrase(span, self.lexicon.own_voice_nouns):
            return Actor(text=span.text, name=None, country=None, type="media")  # "reports say"
        role = self._role_of(tok, day, discourse)
        if role is not None:
            return role
        if owner is None:
            owner = discourse.last_group  # "Pakistan puts ... Its army said": its = Pakistan
        actor = self.resolver.resolve(span, day, skip=skip, owner=owner)
        title = self.resolver.title_of(tok)
        if title is not None and not any(t.pos_ == "PROPN" for t in span if t.i != tok.i):
            known = discourse.memory.titled(title, tok.idx)  # "the PM", "the spokesperson"
            if known is not None and (actor is None or actor.country in {None, known.country}):
                return self._settle(
                    Actor(span.text, known.name, known.country, "person"), tok, discourse
                )
        if actor is not None:
            actor = discourse.memory_person(actor)
            actor = self._appositive_type(actor, tok)
            known = discourse.memory.named(actor.name or span.text)
            if (
                known is not None
                and (known.country is not None or known.type != actor.type)
                and actor.type in {"organization", "armed_group", None}
            ):
                # an apposition's "armed group" outranks the bare "organization" of a name
                kind = actor.type if known.type == "organization" else known.type
                actor = Actor(actor.text, known.name, known.country, kind or known.type)
                if actor.type != known.type:
                    discourse.memory.learn_name(known.name or span.text, actor)
        if (
            actor is not None
            and actor.type == "armed_group"
            and actor.name is None
            and discourse.last_armed_group is not None
            and any(t.lower_ in {"the", "these", "those"} for t in span)
        ):
            ref = discourse.last_armed_group  # "the rebels": the group the report named
            actor = Actor(actor.text, ref.name, ref.country, "armed_group")
        if (
            actor is not None
            and actor.name is None
            and actor.country is None
            and tok.lemma_.lower() in self.lexicon.group_nouns
            and any(t.lower_ in {"the", "this", "that"} and t.head.i == tok.i for t in span)
            and len([t for t in span if not t.is_punct]) == 2
            and discourse.last_named_group is not None
        ):
            ref = discourse.last_named_group  # "the group said": the body the report named last
            actor = Actor(actor.text, ref.name, ref.country, ref.type)
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
            if of_place is not None and (
                of_place.ent_type_ in {"GPE", "LOC", "NORP"} or of_place.pos_ == "PROPN"
            ):
                code = self.resolver.country_of_word(of_place.text)
                if code is None and self.resolver.place_country is not None:
                    code = self.resolver.place_country(noun_phrase(of_place).text)
                if code is not None:
                    actor = Actor(actor.text, actor.name, code, actor.type)
        if actor is None and all(t.is_title for t in span if t.dep_ != "det"):
            # a surname the tagger did not take for a name ("Murkomen later said")
            known = discourse.memory.person(span.text)
            if known is not None:
                actor = Actor(span.text, known.name, known.country, "person")
        if actor is None:
            return None
        return self._settle(actor, tok, discourse)

    def _role_of(self, tok: Token, day: date | None, discourse: Discourse) -> Actor | None:
        """ "the head of the World Health Organization", "a spokesperson for the army", "an
        official at the hospital": someone who speaks for the body of their "of"/"for"/"at"
        phrase has its country and type (unless the words before the noun name a country)."""
        lex = self.lexicon
        if tok.lower_ not in lex.role_heads and tok.lemma_.lower() not in lex.role_heads:
            return None
        obj = _prep_object(tok, {"of", "for", "at", "with", "from"})
        if obj is None or obj.lower_ in PRONOUNS_PERSON | PRONOUNS_GROUP:
            return None
        own = noun_phrase(tok)
        if self.resolver.country_in([t for t in own if t.i < tok.i]) is not None:
            return None  # "the Thai army's spokesperson for the region": the country said
        body = self.actor_of_np(obj, day, discourse)
        if body is None or body.type not in {
            "organization",
            "government",
            "state_forces",
            "armed_group",
            "media",
        }:
            return None
        doc = tok.doc
        end = max(obj.i, noun_phrase(obj).end - 1)
        text = doc[own.start : end + 1].text
        return Actor(text, body.name, body.country, body.type)

    def _appositive_type(self, actor: Actor, tok: Token) -> Actor:
        """ "The Arakan Army, an ethnic armed group, ...": a name's apposition says what
        kind of actor it is, over the words of the name."""
        if actor.type == "person" or tok.pos_ != "PROPN":
            return actor
        for child in tok.children:
            if child.dep_ != "appos" or child.pos_ != "NOUN":
                continue
            said = self.resolver.noun_type(child)
            if said in {"armed_group", "state_forces", "government"} and said != actor.type:
                name = actor.name
                if name is None and said == "armed_group":
                    name = " ".join(t.text for t in noun_phrase(tok) if t.dep_ != "det")
                return Actor(actor.text, name, actor.country, said)
        return actor

    def _settle(self, actor: Actor, tok: Token, discourse: Discourse) -> Actor:
        """Give an actor the text left without a country the one the report implies: an
        earlier mention of the same body, the fighting's country for an unlisted armed group,
        the state the report is talking about for officials and spokespeople."""
        head = tok.lower_
        if actor.country is not None:
            discourse.memory.learn_body(head, actor)
        elif actor.type in {"government", "state_forces"}:
            # "the army", "the ministry": the body the report named with its country
            known = discourse.memory.body(head)
            if known is not None and known.type == actor.type:
                actor = Actor(actor.text, actor.name, known.country, actor.type)
        if actor.country is None and actor.type == "armed_group" and discourse.memory.theatre:
            # an armed group no catalog lists fights where the report's places are
            actor = Actor(actor.text, actor.name, discourse.memory.theatre, actor.type)
        official = actor.type == "person" and discourse.memory.is_official(actor.name or "")
        sources = self.lexicon.unnamed_sources
        unnamed = actor.name is None and (head in sources or tok.lemma_.lower() in sources)
        memory = discourse.memory
        title = memory.title_of(actor.name or "") if actor.type == "person" else None
        local = actor.country is None and (
            (actor.type == "civilians" and actor.name is None)
            or (unnamed and self.resolver.noun_type(tok) in {None, "civilians"})
            or (title is not None and self.lexicon.actor_nouns.get(title) == "civilians")
        )
        if (
            actor.type == "person"
            and actor.country is None
            and actor.name
            and all(w[:1].isupper() and w.strip(".-'’").isalpha() for w in actor.name.split())
            and not official
            and memory.local is not None
            and memory.local == memory.theatre
        ):
            # a name the report never introduces, in a story whose towns and most of whose
            # places lie in one country, is someone of that country ("Serhiy Lysak said",
            # after "the governor"); not in a story told across a border, nor a byline's
            # "Name 3 hours ago"
            return Actor(actor.text, actor.name, memory.local, actor.type)
        place = memory.local or memory.home or memory.theatre
        local = local or (
            actor.type == "organization"
            and actor.country is None
            and (
                head in self.lexicon.local_institutions
                or (tok.dep_ == "compound" and tok.head.lower_ in self.lexicon.local_institutions)
                or actor.name is None  # "a war monitor", "a rights group": of no stated body
            )
        )
        if local and place is not None:
            # "a resident", "a local rescue worker", "Abdul Rahim, a resident": people of the
            # place the story is set in
            return Actor(actor.text, actor.name, place, actor.type)
        last = discourse.last_group
        if (
            official
            and actor.country is None
            and last is not None
            and last.type == "organization"
            and last.country is None
            and last.name
        ):
            return actor  # "spokeswoman X" right after an international body spoke: its own
        if actor.country is None and (
            actor.type in {"media", "government", "state_forces"} or official or unnamed
        ):
            # "state media", "officials", a spokesperson, "residents": the state the report
            # is talking about, else the country its places are in
            ref = discourse.last_with_country
            memory = discourse.memory
            country = ref.country if ref is not None else (memory.home or memory.theatre)
            if country is not None:
                actor = Actor(text=actor.text, name=actor.name, country=country, type=actor.type)
        return actor

    def claimant_for(
        self, tok: Token, sent: Span, day: date | None, discourse: Discourse
    ) -> tuple[Actor, Token | None]:
        """Who asserts the figure at ``tok``: the subject of its reporting verb, "according
        to X", a closing ", X said", else the attribution its paragraph carries, else the
        outlet's own voice."""
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
        actor = self.actor_of_np(subject, day, discourse) if subject is not None else None
        outer = verb
        for _ in range(3):
            if actor is not None or outer is None:
                break
            # "The X Network said a drone had struck the ward and put the number of dead at
            # 67": the nearest verb's subject is no actor, the outer speaker asserts it
            outer = self.reporting_verb(outer)
            outer_subject = self.subject_of(outer) if outer is not None else None
            if outer_subject is not None:
                actor = self.actor_of_np(outer_subject, day, discourse)
        if actor is None or (actor.type == "media" and not actor.name and not actor.country):
            source = self.according_to(sent)
            if source is None and actor is None:
                source = trailing_speaker(sent, self._claimant_verbs(), before=tok.i)
            found = self.actor_of_np(source, day, discourse) if source is not None else None
            if found is not None:
                actor = found
        if actor is None:
            actor = self._headline_speaker(tok, sent, day, discourse)
        if actor is not None:
            discourse.note(actor, sent)
            return actor, verb
        if _reported_unattributed(tok, self.lexicon.reporting_verbs):
            return self.own_voice, verb  # "were reported killed", "reportedly missing"
        carried = discourse.carried(sent)
        if carried is not None:
            return carried, verb
        return self.own_voice, verb

    def _headline_speaker(
        self, tok: Token, sent: Span, day: date | None, discourse: Discourse
    ) -> Actor | None:
        """ "Sumy governor: 12 killed", "Islamabad 'downs five jets'": a speaker named by
        a colon or as the doer of quoted words; only an actor, never a bare topic."""
        speaker = colon_speaker(sent, tok)
        if speaker is not None:
            actor = self.actor_of_np(speaker, day, discourse)
            # a titled body or a person the report introduced; "Surin: 4 killed" is a place
            typed = self.resolver.noun_type(speaker) is not None
            known = discourse.memory.person(speaker.text) is not None
            if actor is not None and (typed or known):
                return actor
        doer = scare_quote_subject(tok, discourse.quoted)
        if doer is not None:
            return self.actor_of_np(doer, day, discourse)
        return None

    def backward_source(self, sent: Span, day: date | None, discourse: Discourse) -> Actor | None:
        """ "This was reported by X": the source of the sentence before."""
        source = backward_source(sent, self._claimant_verbs())
        return self.actor_of_np(source, day, discourse) if source is not None else None

    def _claimant_verbs(self) -> frozenset[str]:
        return self.lexicon.reporting_verbs - SPEECH_ONLY

    def sentence_source(self, sent: Span, day: date | None, discourse: Discourse) -> Actor | None:
        """Who the sentence says is speaking, figure or not (for the sentences after it)."""
        source = self.according_to(sent)
        if source is None:
            verbs = self._claimant_verbs()
            for tok in verbs_in(sent):
                if tok.lemma_.lower() in verbs:
                    source = self.subject_of(tok)
                    if source is not None:
                        break
        if source is None:
            source = trailing_speaker(sent, self._claimant_verbs())
        if source is None:
            return None
        actor = self.actor_of_np(source, day, discourse)
        if self._individual(source):
            # "A teacher who survived said ...": the "she" of the next sentences
            doc = source.doc
            text = doc[noun_phrase(source).start : source.right_edge.i + 1].text
            one = actor or self._settle(Actor(text, None, None, "civilians"), source, discourse)
            discourse.last_person = Actor(text, one.name, one.country, one.type)
        return actor

    def _individual(self, tok: Token) -> bool:
        """One unnamed person: a singular noun with an article that names a person ("a
        teacher", "a member of a militia") or a "who" clause ("a man who survived")."""
        if tok.pos_ != "NOUN" or tok.tag_ != "NN":
            return False
        if not any(c.dep_ == "det" and c.lower_ in {"a", "an", "the", "one"} for c in tok.children):
            return False
        if tok.lemma_.lower() in self.lexicon.individuals:
            return True
        return any(
            c.dep_ == "relcl" and any(g.lower_ == "who" for g in c.children) for c in tok.children
        )

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
        previous: Actor | None = None,
        measure: str | None = None,
    ) -> Actor | None:
        """Whose losses a figure counts: the side its noun phrase names ("five Thai
        soldiers"), else the figure it continues ("and eight others"), a part coordinated
        with it ("29 Thai soldiers and 30 civilians"), the place or target of the attack in
        its sentence (never the attacker's side), or the claimant's own side.
        ``previous`` is the victim of the figure before it in the report, if near."""
        doc = trigger.doc if trigger is not None else None
        skip = set(range(mention.start, mention.end)) | set(other_quantities)
        victim_tok = noun
        if noun is not None and trigger is not None and trigger.i == noun.i:
            # the noun is the measure itself ("12 deaths", "143 attacks"): victims follow "of/on"
            victim_tok = _prep_object(noun, {"of", "on", "against", "among", "to"})
        if trigger is not None and _on_both_sides(trigger):
            return Actor(text="both sides", name=None, country=None, type=None)
        rules = victim_rules()
        anchor_tok = doc[mention.anchor] if doc is not None else None
        bare = (
            noun is None
            and victim_tok is None
            and anchor_tok is not None
            and not (anchor_tok.dep_ == "pobj" and anchor_tok.head.lower_ in {"to", "at"})
        )
        if victim_tok is None and trigger is not None and not (bare and previous is not None):
            victim_tok = self._coordinated_victim(trigger, doc)
        whole = self._partitive_whole(anchor_tok) if anchor_tok is not None else None
        if whole is not None:
            # "19 of them", "40 of the wounded": part of the people the figure before counted;
            # "745 of the dead were civilians": the predicate says which part
            said = self._predicate_kind(anchor_tok)
            if previous is not None and (previous.type or previous.country):
                return Actor(whole.text, previous.name, previous.country, said or previous.type)
            if said is not None:
                country = discourse.memory.local if measure in rules.person_measures else None
                return Actor(whole.text, None, country, said)
        elliptic = bare or (victim_tok is not None and victim_tok.lower_ in rules.elliptic)
        if elliptic and previous is not None and (previous.type or previous.country):
            # "one Thai soldier was killed and eight others wounded": the same kind of people
            text = victim_tok.text if victim_tok is not None else ""
            return Actor(text, previous.name, previous.country, previous.type)
        owner = claimant if claimant.type != "media" or claimant.country else None
        if (
            victim_tok is not None
            and self._is_place_or_object(victim_tok)
            and not any(c.dep_ == "poss" for c in victim_tok.children)
        ):
            # "hitting nine sites": the sites are the target's, not the claimant's, unless
            # the text says whose ("their jets", "its positions")
            owner = None
        actor = None
        if victim_tok is not None:
            actor = self.actor_of_np(victim_tok, day, Discourse(), skip=skip, owner=owner)
        measure = measure or self._measure_word(trigger)
        kind = self._victim_type(victim_tok, actor, measure, skip)
        if victim_tok is None and noun is not None and trigger is not None and noun.i == trigger.i:
            kind = self._victim_type(noun, None, measure, skip)  # "176 military casualties"
        if kind is None and victim_tok is not None:
            # "three Malawian peacekeepers and a Uruguayan": one kind for the coordinated
            kinds = {self.lexicon.actor_nouns.get(c.lower_) for c in victim_tok.conjuncts}
            if len(kinds) == 1 and (shared := kinds.pop()) in PERSON_KINDS:
                kind = shared
        if kind is None and victim_tok is not None and measure in rules.civilian_measures:
            kind = "civilians"  # "60,000 displaced Israelis": those who flee are civilians
        if actor is not None and actor.country is not None:
            return Actor(actor.text, actor.name, actor.country, kind)
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
                return Actor(actor.text, actor.name, side, kind)
            if victim_tok.lower_ in self.lexicon.object_nouns:
                words = [t.text for t in noun_phrase(victim_tok) if t.i not in skip]
                return Actor(" ".join(words), None, side, "state_forces")
        country = self._coordinated_country(victim_tok) if victim_tok is not None else None
        if country is None:
            anchor = doc[mention.anchor] if doc is not None else None
            country = self._infer_victim_country(
                actor,
                claimant,
                sentence_countries,
                anchor=anchor,
                trigger=trigger,
                kind=kind,
                measure=measure,
                attacker=discourse.memory.attacker,
            )
        if (
            country is None
            and previous is not None
            and anchor_tok is not None
            and not self.country_roles_cached(anchor_tok)
            and not _names_both_sides(anchor_tok.sent)
        ):
            country = previous.country  # a sentence naming no side goes on about the last one
        if (
            country is None
            and kind in {None, "civilians"}
            and measure in victim_rules().person_measures | {"displaced"}
            and not (trigger is not None and _on_both_sides(trigger))
        ):
            # "30 people were killed" in a report whose towns all lie in one country
            country = discourse.memory.local
        if (
            country is None
            and kind in {None, "civilians"}
            and claimant.country is None
            and claimant.type in {"organization", "person"}
            and not (trigger is not None and _on_both_sides(trigger))
        ):
            # the count of a body of no country (a UN office, its spokesperson): the people
            # and homes of the country the report is set in
            country = discourse.memory.home
        text = actor.text if actor is not None else ""
        if not text and victim_tok is not None and kind is not None:
            text = " ".join(t.text for t in noun_phrase(victim_tok) if t.i not in skip)
        return Actor(text=text, name=actor.name if actor else None, country=country, type=kind)

    def _partitive_whole(self, anchor: Token) -> Token | None:
        """The whole a figure is part of when it is "N of them/those" or "N of the
        wounded/dead" (a measure word standing for the people it counts)."""
        lex = self.lexicon
        for prep in anchor.children:
            if prep.dep_ != "prep" or prep.lower_ != "of":
                continue
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                word = pobj.lower_
                if word in {"them", "those", "these"} or (
                    any(c.lower_ == "the" for c in pobj.children)
                    and (lex.measure_of_adjective(word) or lex.measure_of_noun(word))
                ):
                    return pobj
        return None

    def _predicate_kind(self, anchor: Token) -> str | None:
        """ "745 of the dead were civilians": the kind a copula gives its counted subject."""
        if anchor.dep_ not in {"nsubj", "nsubjpass"} or anchor.head.lemma_.lower() != "be":
            return None
        for attr in anchor.head.children:
            if attr.dep_ == "attr":
                kind = self.lexicon.actor_nouns.get(attr.lower_)
                if kind in PERSON_KINDS:
                    return kind
        return None

    def country_roles_cached(self, tok: Token | None) -> list[tuple[str, str, int]]:
        """The country roles of the sentence of ``tok`` (none without a token)."""
        return self.country_roles(tok.sent) if tok is not None else []

    def _is_place_or_object(self, tok: Token) -> bool:
        return (
            tok.lower_ in self.lexicon.object_nouns
            or tok.lemma_.lower() in measure_rules().site_nouns
        )

    def _measure_word(self, trigger: Token | None) -> str | None:
        if trigger is None:
            return None
        lex = self.lexicon
        return (
            lex.measure_of_verb(trigger.lemma_.lower())
            or lex.measure_of_adjective(trigger.lower_)
            or lex.measure_of_noun(trigger.lemma_.lower())
        )

    def _victim_type(
        self, tok: Token | None, actor: Actor | None, measure: str | None, skip: Collection[int]
    ) -> str | None:
        """The kind of victims: the resolved actor's, else a modifier's ("military
        hostages", "army hostages"), military objects' forces ("five jets downed"), or
        people for an unknown noun that suffers ("three railway employees killed")."""
        rules = victim_rules()
        lex = self.lexicon
        current = actor.type if actor is not None else None
        if tok is None:
            return current
        head_kind = lex.actor_nouns.get(tok.lower_)
        lemma = tok.lemma_.lower()
        if lemma in rules.member_nouns:
            group = _prep_object(tok, {"of", "from"})
            group_kind = lex.actor_nouns.get(group.lower_) if group is not None else None
            if group is not None and group_kind is None:
                words = " ".join(t.lower_ for t in noun_phrase(group) if t.i <= group.i)
                group_kind = next(
                    (k for noun, k in lex.actor_nouns.items() if f" {words}".endswith(f" {noun}")),
                    None,
                )
            if group_kind in PERSON_KINDS:
                return group_kind  # "16 members of the security forces"
        if (
            measure in rules.person_measures
            and head_kind not in PERSON_KINDS
            and (lemma in rules.civilian_roles or tok.lower_ in rules.civilian_roles)
        ):
            return "civilians"  # "two nurses were killed": their work is no side
        if head_kind == "armed_group" and current in STATE_KINDS:
            return "state_forces"  # a state's "fighters" are its forces, not a side of their own
        if head_kind in PERSON_KINDS and (
            current in {None, "organization", "government"} or head_kind == "armed_group"
        ):
            return head_kind  # "its fighters", "12 civilians": the noun says who they are
        if current in {"government", "organization"} and self.resolver.country_of_word(tok.text):
            return None  # "12 Thais": people of a country, of no stated kind
        low = tok.lower_
        if low in lex.object_nouns and measure in rules.military_object_measures:
            return "state_forces"  # "five jets downed", "their jets were downed"
        if current not in {None, "organization"}:
            return current
        for child in tok.children:
            if child.dep_ in {"amod", "compound", "nmod"} and child.i not in skip:
                kind = lex.actor_nouns.get(child.lower_)
                if kind in PERSON_KINDS:
                    return kind  # "military hostages", "176 military casualties"
        if measure is None and tok.lemma_.lower() in measure_rules().status_nouns:
            return current
        if (
            current is None
            and tok.pos_ == "NOUN"
            and tok.tag_ == "NNS"
            and low not in lex.object_nouns
            and low not in lex.generic_person_nouns
            and low not in rules.elliptic
            and lex.measure_of_noun(tok.lemma_.lower()) is None
            and tok.lemma_.lower() not in measure_rules().status_nouns
            and tok.lemma_.lower() not in measure_rules().site_nouns
        ):
            return "civilians"  # "26 Hindu tourists", "three railway employees"
        return current

    def _coordinated_country(self, tok: Token) -> str | None:
        """ "29 Thai soldiers and 30 civilians": coordinated victims share the side named on
        one of them."""
        for other in tok.conjuncts:
            for word in noun_phrase(other):
                if word.i == other.i or word.dep_ in {"amod", "compound", "poss", "nmod"}:
                    code = self.resolver.country_of_word(word.text)
                    if code is not None:
                        return code
        return None

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

    def country_roles(self, sent: Span) -> list[tuple[str, str, int]]:
        """(country, role, token index) for each country the sentence names: "attacker"
        ("Pakistani shelling", "rockets fired from Cambodia", "India attacked ..."),
        "opponent" ("clashes with Armenia"), "party" ("between Thailand and Cambodia"),
        "target" ("strikes on northern Iraq"), "place" ("killed in Surin province") or
        "other"."""
        doc = sent.doc
        found: list[tuple[str, str, int]] = []
        seen: set[int] = set()
        for place in doc._.places or ():
            if not (sent.start_char <= place.start < sent.end_char) or not place.place.country:
                continue
            span = doc.char_span(place.start, place.end, alignment_mode="expand")
            if span is None or span.root.i in seen:
                continue
            seen.update(t.i for t in span)
            role = self._role(span.root)
            local = span.root.dep_ in {"compound", "amod", "nmod"}
            if role == "attacker" and place.place.kind != "country" and local:
                role = "place"  # "a Balochistan train ambush": where, not who
            if role == "other" and place.place.kind == "city" and span.root.dep_ == "nsubj":
                role = "actor"  # "since Washington began its campaign": a capital acting
            found.append((place.place.country, role, span.root.i))
        rules = victim_rules()
        for tok in sent:
            if tok.i in seen or tok.pos_ not in {"ADJ", "PROPN", "NOUN"}:
                continue
            if not (tok.ent_type_ in {"NORP", "GPE"} or tok.text[:1].isupper()):
                continue
            code = self.resolver.country_of_word(tok.text)
            if (
                code is None
                and tok.pos_ == "PROPN"
                and tok.dep_ == "pobj"
                and tok.head.lower_ in rules.place_preps | rules.target_preps
                and tok.ent_type_ not in {"DATE", "TIME"}  # "in March" is no town of March
                and self.resolver.place_country is not None
            ):
                # "strikes on Zaporizhzhia" with the name tagged as a person: the gazetteer
                # still knows the place
                name = " ".join(t.text for t in noun_phrase(tok) if t.pos_ == "PROPN")
                code = self.resolver.place_country(name)
            if code is not None:
                seen.add(tok.i)
                found.append((code, self._role(tok), tok.i))
        return sorted(found, key=lambda f: f[2])

    def _role(self, tok: Token) -> str:
        rules = victim_rules()
        cur = tok
        while (
            cur.dep_ in {"compound", "amod", "poss", "nmod", "case", "conj"} and cur.head.i != cur.i
        ):
            cur = cur.head
            lemma = cur.lemma_.lower()
            if lemma in rules.attack_nouns:
                return "attacker"  # "Cambodia's attacks", "Turkish drone strikes"
            if lemma in rules.clash_nouns:
                return "party"  # "the Thai-Cambodian border clash"
        while cur.dep_ == "conj" and cur.head.i != cur.i:
            cur = cur.head
        lemma = cur.lemma_.lower()
        head = cur.head
        if cur.dep_ == "pobj" and head.i != cur.i:
            prep, host = head.lower_, head.head
            host_lemma = host.lemma_.lower()
            attack = host_lemma in rules.attack_nouns or host_lemma in rules.attack_verbs
            if prep == "between":
                return "party"
            if prep == "with" and host_lemma in rules.clash_nouns:
                return "opponent"
            if prep in rules.origin_preps and attack:
                return "attacker"  # "rockets fired from Cambodia"
            if head.dep_ == "agent" or prep == "by":
                return "attacker"
            if prep in rules.target_preps and attack:
                return "target"  # "strikes on northern Iraq", "attacked at six sites in X"
            speaking = self.lexicon.reporting_verbs
            speech = host_lemma in speaking or (
                host.dep_ in {"dobj", "dative"} and host.head.lemma_.lower() in speaking
            )
            if prep in rules.place_preps and speech:
                return "speech"  # "told reporters in Geneva": where it was said, not done
            if prep in rules.place_preps:
                return "place"
        if cur.dep_ in {"nsubj"} and head.lemma_.lower() in rules.attack_verbs:
            return "attacker"  # "India attacked Pakistan", "India launched 24 strikes"
        if cur.dep_ in {"nsubj"} and head.lemma_.lower() in rules.clash_nouns:
            return "party"  # "Thai and Cambodian forces clash"
        if cur.dep_ in {"dobj", "obj"} and head.lemma_.lower() in rules.attack_verbs:
            return "target"
        if lemma in rules.attack_nouns and cur.i != tok.i:
            return "attacker"
        return "other"

    def _infer_victim_country(
        self,
        actor: Actor | None,
        claimant: Actor,
        sentence_countries: list[str],
        *,
        anchor: Token | None = None,
        trigger: Token | None = None,
        kind: str | None = None,
        measure: str | None = None,
        attacker: str | None = None,
    ) -> str | None:
        """Unmarked victims: forces belong to a state claimant's own side; people to the
        place or target the sentence names; never to the attacker of the sentence; the
        claimant's own side when the sentence names no other. Sites and strikes are counted
        by attackers as often as by their targets: there the claimant's side comes last."""
        victim_type = kind or (actor.type if actor is not None else None)
        official = claimant.type in {"state_forces", "government", "person"} or (
            claimant.type == "organization" and claimant.country is not None
        )
        roles = self.country_roles(anchor.sent) if anchor is not None else []
        if anchor is not None:
            # the roles of the claim's own clause: in "India attacked Pakistan, killing eight,
            # officials said, adding that Pakistani jets shot down five Indian planes" the
            # jets' attack is another clause's
            path = heads_path(anchor) + (heads_path(trigger) if trigger is not None else [])
            within = {t.i for t in clause_tokens(path)}
            local = [r for r in roles if r[2] in within]
            roles = local or roles
        if not roles:
            roles = [(code, "other", -1) for code in sentence_countries]
        against = {c for c, role, _ in roles if role in {"attacker", "opponent"}}
        if claimant.country is not None and _speaker_attacks(trigger or anchor):
            against.add(claimant.country)  # "India said it launched strikes, hitting ..."
        if attacker is not None and attacker == claimant.country:
            against.add(attacker)  # "X said it struck a meeting of officers. It said 85 died"
        # a state striking at home ("a Myanmar military jet bombed a school in Sagaing"):
        # where it struck is still the victims' side
        against -= {c for c, role, _ in roles if role in {"place", "target"}}
        own = claimant.country if official and claimant.country not in against else None
        if victim_type == "state_forces" and own is not None:
            return own
        candidates = [
            (c, role)
            for c, role, _ in roles
            if c not in against and role not in {"speech", "actor"}  # "told reporters in X"
        ]
        if measure in EVENT_MEASURES | {"sites_hit"} and own is not None:
            candidates = [(c, role) for c, role in candidates if c != own]
        elif own is not None and any(c == own for c, _ in candidates):
            return own  # authorities count their own side's dead first
        for wanted in ("place", "target"):
            hits = [c for c, role in candidates if role == wanted]
            if hits:
                return hits[0]
        if any(role == "party" for _, role in candidates):
            sides = {c for c, _ in candidates}
            return sides.pop() if len(sides) == 1 else None  # "between Thailand and Cambodia"
        others = [c for c, role in candidates if role == "other"]
        if others and len(set(others)) == 1:
            return others[0]
        if others and own is None:
            return others[0]
        if own is not None:
            return own
        if claimant.country is not None and claimant.country not in against:
            return claimant.country
        if against and anchor is not None:
            return _other_side(anchor.doc, against)  # "killed by Pakistani shelling"
        return None

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
# "the two countries fought a battle that killed 43": the figure is about both
TWO_SIDES = BOTH_SIDES | {("two", "country"), ("two", "side"), ("two", "nation"),
                          ("two", "neighbour"), ("two", "neighbor"), ("two", "army")}  # fmt: skip


def _on_both_sides(trigger: Token) -> bool:
    """ "scores dead on both sides": the figure is about no single side."""
    head = trigger.head if trigger.dep_ in {"oprd", "acomp", "amod"} else trigger
    return any((tok.lower_, tok.head.lemma_.lower()) in BOTH_SIDES for tok in head.subtree)


def _partitive(anchor: Token) -> bool:
    """ "one of the strikes", "one of those killed", "one of 19 officers"."""
    return any(child.dep_ == "prep" and child.lower_ == "of" for child in anchor.children)


def reattribute(
    claims: list[ClaimMatch], sent: Span, actor: Actor, discourse: Discourse
) -> list[ClaimMatch]:
    """Claims stated in the outlet's voice in the sentence before ``sent`` (same paragraph)
    that ``sent`` then attributes ("This was reported by X") are X's."""
    blocks = discourse.blocks
    earlier = [c for c in claims if c.sentence.end <= sent.start]
    if not earlier or blocks is None:
        return claims
    last = max(c.sentence.start for c in earlier)
    block = blocks.block(sent.start_char)
    out = []
    for claim in claims:
        own = claim.claimant.type == "media" and not claim.claimant.country
        if (
            own
            and claim.sentence.start == last
            and blocks.block(claim.sentence.start_char) == block
        ):
            claim = replace(claim, claimant=actor)
        out.append(claim)
    return out


def _reports_itself(verb: Token, tok: Token) -> bool:
    """ "two people were reported killed": a passive reporting verb without an agent whose
    subject holds the figure reports the figure, it does not say who asserts it."""
    if any(c.dep_ == "agent" for c in verb.children):
        return False
    subject = next((c for c in verb.children if c.dep_ in {"nsubjpass", "nsubj"}), None)
    if subject is None:
        return False
    return subject.dep_ == "nsubjpass" and (
        subject.i == tok.i or tok in subject.subtree or subject.i in {a.i for a in tok.ancestors}
    )


HEDGE_ADVERBS = {"reportedly", "allegedly", "purportedly", "apparently", "unconfirmed"}


def _reported_unattributed(tok: Token, reporting: Collection[str]) -> bool:
    """The outlet reports the figure without saying who gave it: a hedge ("reportedly")
    or a passive report verb with no agent ("two people were reported killed")."""
    for anc in [tok, *tok.ancestors]:
        if any(c.lower_ in HEDGE_ADVERBS for c in anc.children):
            return True
        if anc.pos_ == "VERB" and anc.lemma_.lower() in reporting and _reports_itself(anc, tok):
            return True
    return False


def _own_voice_phrase(span: Span, nouns: frozenset[str]) -> bool:
    """ "reports", "earlier reports", "media reports": the outlet's own voice, unless a
    name, a country or an owner says whose reports they are."""
    words = [t for t in span if not t.is_punct and t.dep_ != "det"]
    if not words or words[-1].lower_ not in nouns:
        return False
    phrase = " ".join(t.lower_ for t in words)
    if any(t.pos_ == "PROPN" or t.ent_type_ or t.dep_ == "poss" for t in words):
        return False
    return phrase in nouns or all(t.pos_ == "ADJ" for t in words[:-1])


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


@dataclass(frozen=True)
class MeasureRules:
    """The parts of ``measures.toml`` beyond the per-measure triggers."""

    status_nouns: frozenset[str]
    undoing_verbs: frozenset[str]
    site_nouns: frozenset[str]
    attack_verbs: frozenset[str]
    site_preps: frozenset[str]
    casualty_measure: str
    casualty_as: str
    casualty_unless: frozenset[str]
    article_measures: frozenset[str]
    natural_causes: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def measure_rules() -> MeasureRules:
    """Status nouns, sites, the reading of "casualties" and of articles (``measures.toml``)."""
    data = merged_data("measures.toml")
    status = data.get("status_nouns", {})
    sites = data.get("sites", {})
    casualties = data.get("casualties", {})
    return MeasureRules(
        status_nouns=frozenset(status.get("nouns", ())),
        undoing_verbs=frozenset(status.get("undoing_verbs", ())),
        site_nouns=frozenset(sites.get("nouns", ())),
        attack_verbs=frozenset(sites.get("attack_verbs", ())),
        site_preps=frozenset(sites.get("preps", ())),
        casualty_measure=casualties.get("noun_measure", "casualties"),
        casualty_as=casualties.get("as_measure", "killed"),
        casualty_unless=frozenset(casualties.get("unless_measures", ())),
        article_measures=frozenset(data.get("article", {}).get("measures", ())),
        natural_causes=frozenset(data.get("natural_causes", {}).get("nouns", ())),
    )


def casualties_as_deaths(claims: list[ClaimMatch]) -> list[ClaimMatch]:
    """A report that counts deaths and never wounded people means its dead by "casualties"
    ("Azerbaijan claimed 71 casualties" beside "71 soldiers were killed")."""
    rules = measure_rules()
    measures = {c.measure for c in claims}
    if rules.casualty_measure not in measures or rules.casualty_as not in measures:
        return claims
    if measures & rules.casualty_unless:
        return claims
    return [
        replace(c, measure=rules.casualty_as) if c.measure == rules.casualty_measure else c
        for c in claims
    ]


def _in_breakdown(tok: Token) -> bool:
    """ "including an eight-year-old boy": the noun names a member of a figure given before."""
    cur = tok
    for _ in range(4):
        if cur.dep_ == "pobj" and cur.head.lower_ in ELABORATING_PREPS - {"of"}:
            return True
        if cur.head.i == cur.i or cur.dep_ not in {"conj", "pobj", "appos"}:
            return False
        cur = cur.head
    return False


@dataclass(frozen=True)
class VictimRules:
    """The vocabulary of ``victims.toml``: attacks, clashes and their prepositions."""

    attack_nouns: frozenset[str]
    attack_verbs: frozenset[str]
    clash_nouns: frozenset[str]
    origin_preps: frozenset[str]
    target_preps: frozenset[str]
    place_preps: frozenset[str]
    elliptic: frozenset[str]
    place_of_nouns: frozenset[str]
    military_object_measures: frozenset[str]
    person_measures: frozenset[str]
    civilian_roles: frozenset[str]
    member_nouns: frozenset[str]
    civilian_measures: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def victim_rules() -> VictimRules:
    """The bundled ``victims.toml`` with the user's file of the same name merged in."""
    data = merged_data("victims.toml")
    roles = data.get("roles", {})
    types = data.get("types", {})

    def words(section: dict[str, list[str]], key: str) -> frozenset[str]:
        return frozenset(w.lower() for w in section.get(key, ()))

    return VictimRules(
        attack_nouns=words(roles, "attack_nouns"),
        attack_verbs=words(roles, "attack_verbs"),
        clash_nouns=words(roles, "clash_nouns"),
        origin_preps=words(roles, "origin_preps"),
        target_preps=words(roles, "target_preps"),
        place_preps=words(roles, "place_preps"),
        elliptic=words(roles, "elliptic"),
        place_of_nouns=words(roles, "place_of_nouns"),
        military_object_measures=words(types, "military_object_measures"),
        person_measures=words(types, "person_measures"),
        civilian_roles=words(types, "civilian_roles"),
        member_nouns=words(types, "member_nouns"),
        civilian_measures=words(types, "civilian_measures"),
    )


def _other_side(doc: Doc, against: Collection[str]) -> str | None:
    """The country the report names most often besides the attackers: the side that
    suffers an attack the sentence gives only its attacker for."""
    counts: dict[str, int] = {}
    for place in doc._.places or ():
        code = place.place.country
        if code and code not in against:
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


SPEAKER_PRONOUNS = {"it", "we", "they"}
PARTICLES = {"down", "out", "off", "up", "away"}


def _share_of(anchor: Token) -> Token | None:
    """The 92 of "51 of 92 drones" for the 51 (read from the words: the parse of such
    shares varies)."""
    doc = anchor.doc
    if anchor.i + 2 >= len(doc) or doc[anchor.i + 1].lower_ != "of":
        return None
    whole = doc[anchor.i + 2]
    return whole if _cardinal(whole) and _cardinal(anchor) else None


def _whole_of_share(anchor: Token) -> bool:
    """True for the 92 of "51 of 92 drones"."""
    doc = anchor.doc
    if anchor.i < 2 or doc[anchor.i - 1].lower_ != "of":
        return False
    return _cardinal(anchor) and _cardinal(doc[anchor.i - 2])


def _cardinal(tok: Token) -> bool:
    """A number that counts ("92", "three"), not an ordinal ("the second of two")."""
    return tok.like_num and tok.tag_ == "CD"


def _intended(trigger: Token | None, noun: Token | None) -> bool:
    """ "an operation to evacuate 500 residents", "a response to rescue 300 passengers": an
    infinitive of purpose whose object is the count says what was meant to happen, not what
    did ("forced 300,000 to flee" did: the count is the object of "forced")."""
    if trigger is None or trigger.pos_ != "VERB":
        return False
    if not any(c.dep_ == "aux" and c.tag_ == "TO" for c in trigger.children):
        return False
    if any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in trigger.children):
        return False  # "claimed to have shot down five jets": done, as the claim has it
    if trigger.dep_ in {"acl", "advcl", "relcl"}:
        return True
    own_object = noun is not None and noun.head.i == trigger.i and noun.dep_ in {"dobj", "obj"}
    return trigger.dep_ == "xcomp" and own_object


def said_it_attacked(sent: Span) -> bool:
    """True when the sentence has its speaker say it attacked ("the ministry said it had
    carried out a strike on ...", "the army said they shelled ...")."""
    rules = victim_rules()
    for tok in verbs_in(sent):
        if tok.pos_ != "VERB":
            continue
        attack = tok.lemma_.lower() in rules.attack_verbs or any(
            c.dep_ in {"dobj", "obj"} and c.lemma_.lower() in rules.attack_nouns
            for c in tok.children
        )
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if attack and subject is not None and subject.lower_ in SPEAKER_PRONOUNS:
            return True
    return False


def _speaker_attacks(tok: Token | None) -> bool:
    """True when the clause of ``tok`` is an attack whose subject is the speaker's pronoun
    ("India said it launched strikes, hitting nine sites")."""
    attack_verbs = victim_rules().attack_verbs
    cur = tok
    for _ in range(8):
        if cur is None:
            return False
        if cur.pos_ in {"VERB", "AUX"} and cur.lemma_.lower() in attack_verbs:
            subject = next((c for c in cur.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject.lower_ in SPEAKER_PRONOUNS:
                return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


CLAUSE_DEPS = {"advcl", "ccomp", "conj", "xcomp", "relcl", "acl", "parataxis", "csubj"}


def heads_path(tok: Token) -> list[Token]:
    """The token and its heads up to the root of its sentence."""
    path = [tok]
    while path[-1].head.i != path[-1].i and len(path) < 40:
        path.append(path[-1].head)
    return path


def clause_tokens(path: Sequence[Token]) -> list[Token]:
    """The tokens that qualify a claim whose heads are ``path``: those heads and everything
    hanging off them, except other clauses ("killed five, bringing the toll to 32": for the
    five, the toll clause is not theirs)."""
    on_path = {t.i for t in path}
    keep: dict[int, Token] = {t.i: t for t in path}
    for node in path:
        for child in node.children:
            if child.i in on_path:
                continue
            if child.dep_ in CLAUSE_DEPS and child.pos_ in {"VERB", "AUX"}:
                continue
            for t in child.subtree:
                keep[t.i] = t
    return [keep[i] for i in sorted(keep)]


def _names_both_sides(sent: Span) -> bool:
    """ "from both sides", "the two countries": the sentence is about both parties."""
    return any(
        tok.head.i != tok.i and (tok.lower_, tok.head.lemma_.lower()) in TWO_SIDES for tok in sent
    )
