"""The model's attribute ruler and rule lemmatizer at table-lookup cost, with the same results.

spaCy's ``AttributeRuler`` runs its patterns (179 in ``en_core_web_sm``, nearly all on one
token) through the general ``Matcher`` on every token of every Doc. ``AttributeTable`` reads the
same patterns and compiles each single-token one into tests on the token's attribute values;
what a token gets then depends only on the values of the attributes those patterns test, so it
is worked out once per distinct combination and kept in a bounded table. Patterns it cannot
compile (several tokens, operators, extensions, ...) go to a ``Matcher`` of their own.

spaCy's semantics, kept exactly: every pattern is matched against the token attributes as they
were before the component ran; matches are applied in the order (pattern number, start, end), so
when several patterns set one attribute of one token the last pattern added wins; ``index``
picks the token of the matched span that is changed.

``CachedLemmatizer`` wraps the model's lemmatizer: its result depends only on (orth, pos, morph)
and is kept per process, so the Python rule work (and spaCy's base-form check, which its own cache
does not cover) runs once per distinct word form.

Both hold up inside spaCy memory zones (``Language.memory_zone``), whose strings are freed when
the zone ends: a string's hash depends on the string alone, so the tables may be keyed by the
hashes of words seen in an earlier zone; what they give a token are the hashes of the patterns'
own strings (added when the pipeline is built, never freed) or, for lemmas, the lemma as a Python
string, added to the Doc's string store again each time it is used.

``use_table_rules(nlp)`` swaps both into a loaded pipeline under their stock names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import (
    DEP,
    IDS,
    IS_ALPHA,
    IS_ASCII,
    IS_BRACKET,
    IS_CURRENCY,
    IS_DIGIT,
    IS_LEFT_PUNCT,
    IS_LOWER,
    IS_PUNCT,
    IS_QUOTE,
    IS_RIGHT_PUNCT,
    IS_SPACE,
    IS_STOP,
    IS_TITLE,
    IS_UPPER,
    LEMMA,
    LENGTH,
    LIKE_EMAIL,
    LIKE_NUM,
    LIKE_URL,
    LOWER,
    MORPH,
    NORM,
    ORTH,
    POS,
    PREFIX,
    SHAPE,
    SUFFIX,
    TAG,
)
from spacy.errors import Errors
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import normalize_token_attrs
from spacy.vocab import Vocab

# Attributes a compiled test may read: ``Doc.to_array`` returns for them exactly what the
# Matcher compares (it differs for SENT_START, and MORPH/ENT_IOB strings are read differently).
KEY_ATTRS = frozenset(
    {
        ORTH,
        LOWER,
        NORM,
        SHAPE,
        PREFIX,
        SUFFIX,
        LENGTH,
        TAG,
        POS,
        DEP,
        LEMMA,
        IS_ALPHA,
        IS_ASCII,
        IS_DIGIT,
        IS_LOWER,
        IS_PUNCT,
        IS_SPACE,
        IS_TITLE,
        IS_UPPER,
        LIKE_URL,
        LIKE_NUM,
        LIKE_EMAIL,
        IS_STOP,
        IS_BRACKET,
        IS_QUOTE,
        IS_LEFT_PUNCT,
        IS_RIGHT_PUNCT,
        IS_CURRENCY,
    }
)
# Attributes a pattern may set for the table to apply it: they live on the token alone (the stock
# ruler also writes lexeme fields, which would change later matches), and ``Doc.from_array``
# writes them the way ``set_token_attrs`` does.
SET_ATTRS = (POS, TAG, MORPH, LEMMA, DEP)
TABLE_MAX = 100_000  # distinct attribute combinations kept before the table starts afresh
LEMMA_CACHE_MAX = 200_000
SLOTS_MAX = 64  # token slots of sequence patterns (bits of a uint64); more go to the Matcher

# what a token gets: ((column, value, pattern number), ...) and the sequence slots it passes
Action = tuple[tuple[tuple[int, int, int], ...], int]
Test = tuple[int, str, Any]  # (attribute id, "eq" | "in" | "not_in" | "regex", operand)


class Unsupported(ValueError):
    """A pattern set the table cannot reproduce exactly (the stock ruler is kept)."""


@dataclass(frozen=True)
class Rule:
    """One compiled single-token pattern: when a token's test bits include ``need``, it gets
    ``values`` (column in ``SET_ATTRS`` → value)."""

    order: int  # the pattern's number in the ruler: a later one wins
    need: int
    values: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SequenceRule:
    """A pattern over a fixed number of tokens: token j of a match passes slot ``slots[j]``."""

    order: int
    slots: tuple[int, ...]  # one bit each, in ``AttributeTable._slot_needs``
    values: tuple[tuple[int, int], ...]
    index: int


def _attr_id(key: str | int) -> int | None:
    """The attribute id the Matcher reads for a pattern key (None: not a plain attribute)."""
    if isinstance(key, int):
        return key
    name = key.upper()
    if name in ("_", "OP"):
        return None
    name = {"TEXT": "ORTH", "IS_SENT_START": "SENT_START"}.get(name, name)
    return IDS.get(name)


def _compile_spec(spec: Mapping[str | int, Any], vocab: Vocab) -> list[Test] | None:
    """Tests (attribute id, kind, operand) equal to the Matcher's reading of one token spec, or
    None when the spec needs the Matcher (operators, extensions, other predicates)."""
    if not spec:
        return None
    tests: list[Test] = []
    for key, value in spec.items():
        attr = _attr_id(key)
        if attr is None or attr not in KEY_ATTRS:
            return None
        if isinstance(value, bool):
            tests.append((attr, "eq", int(value)))
        elif isinstance(value, str):
            tests.append((attr, "eq", vocab.strings.add(value)))
        elif isinstance(value, int):
            tests.append((attr, "eq", value))
        elif isinstance(value, dict) and value:
            for kind, operand in value.items():
                kind = str(kind).upper()
                if kind in ("IN", "NOT_IN") and isinstance(operand, (list, tuple)):
                    ids = frozenset(get_string_id(v) for v in operand)
                    tests.append((attr, kind.lower(), ids))
                elif kind == "REGEX" and isinstance(operand, str):
                    tests.append((attr, "regex", re.compile(operand)))
                else:
                    return None
        else:
            return None
    return tests


def _norm_index(index: int, start: int, end: int) -> int | None:
    """The token ``Span(doc, start, end)[index]`` designates, or None when out of range."""
    token = end + index if index < 0 else start + index
    return token if start <= token < end else None


class AttributeTable:
    """Drop-in for spaCy's ``AttributeRuler``: same patterns, same token attributes."""

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler") -> None:
        self.vocab = vocab
        self.name = name
        self._patterns: list[dict[str, Any]] = []
        self._reset()

    def _reset(self) -> None:
        self._rules: list[Rule] = []
        self._key_attrs: list[int] = []
        # Each distinct test is one bit. Per key position: values → bits of the equality and
        # membership tests they pass; the tests that must be run on each new value.
        self._bits: dict[tuple[int, str, Any], int] = {}
        self._exact: list[dict[int, int]] = []
        self._open: list[list[tuple[int, str, Any]]] = []
        self._sequences: list[SequenceRule] = []
        self._slot_needs: list[int] = []  # the test bits each slot of a sequence needs
        self._fallback = Matcher(self.vocab, validate=False)
        self._fallback_attrs: dict[int, tuple[int, tuple[tuple[int, int], ...]]] = {}
        self._forget()

    def _forget(self) -> None:
        # key (attribute values) → action number; an action is the columns set, with their
        # values and the number of the pattern that set each one.
        self._table: dict[tuple[int, ...], int] = {}
        self._classes: list[dict[int, int]] = [{} for _ in self._key_attrs]
        self._by_class: dict[int, int] = {}
        self._actions: dict[Action, int] = {((), 0): 0}
        self._mask = np.zeros((1, len(SET_ATTRS)), dtype=bool)
        self._values = np.zeros((1, len(SET_ATTRS)), dtype=np.uint64)
        self._orders = np.full((1, len(SET_ATTRS)), -1, dtype=np.int64)
        self._slots = np.zeros(1, dtype=np.uint64)
        self._pending: list[Action] = []

    @property
    def patterns(self) -> list[dict[str, Any]]:
        """The patterns added, as ``AttributeRuler.patterns`` lists them."""
        return list(self._patterns)

    @property
    def fallback_count(self) -> int:
        """How many patterns have alternatives left to the Matcher (0 for the English models)."""
        return len(self._fallback)

    def add_patterns(self, patterns: Iterable[Mapping[str, Any]]) -> None:
        """Add patterns in ``AttributeRuler.add_patterns`` form (patterns, attrs, index)."""
        for entry in patterns:
            self.add(entry["patterns"], entry["attrs"], entry.get("index", 0))

    def add(
        self, patterns: Sequence[Sequence[Mapping[str | int, Any]]], attrs: Mapping, index: int = 0
    ) -> None:
        """Like ``AttributeRuler.add``: token ``index`` of a span matching any of ``patterns``
        gets ``attrs``."""
        if "_" in attrs:
            raise Unsupported("extension attributes")
        normed = normalize_token_attrs(self.vocab, dict(attrs))
        unknown = set(normed) - set(SET_ATTRS)
        if unknown:
            raise Unsupported(f"attributes {sorted(map(str, unknown))}")
        order = len(self._patterns)
        self._patterns.append({"patterns": patterns, "attrs": dict(attrs), "index": index})
        values = tuple((SET_ATTRS.index(a), int(v)) for a, v in normed.items())
        leftover = []
        for pattern in patterns:
            specs = [_compile_spec(spec, self.vocab) for spec in pattern]
            compiled = [tests for tests in specs if tests is not None]
            if (
                not pattern
                or len(compiled) < len(pattern)
                or _norm_index(index, 0, len(pattern)) is None
                or (len(pattern) > 1 and len(self._slot_needs) + len(pattern) > SLOTS_MAX)
            ):
                leftover.append(list(pattern))
                continue
            needs = [self._need(tests) for tests in compiled]
            if len(needs) == 1:
                self._rules.append(Rule(order, needs[0], values))
                continue
            slots = []
            for need in needs:
                slots.append(1 << len(self._slot_needs))
                self._slot_needs.append(need)
            self._sequences.append(SequenceRule(order, tuple(slots), values, index))
        if leftover:
            self._fallback.add(str(order), leftover)
            self._fallback_attrs[self.vocab.strings[str(order)]] = (order, values)
        self._forget()  # the keys may have grown longer, and the rules have changed

    def _need(self, tests: list[Test]) -> int:
        need = 0
        for test in tests:
            need |= self._bit(test)
        return need

    def _bit(self, test: Test) -> int:
        """The bit of one test, registered on first sight."""
        attr, kind, operand = test
        if attr not in self._key_attrs:
            self._key_attrs.append(attr)  # appended: earlier positions stay valid
            self._exact.append({})
            self._open.append([])
        pos = self._key_attrs.index(attr)
        identity = (pos, kind, operand.pattern if kind == "regex" else operand)
        bit = self._bits.get(identity)
        if bit is None:
            bit = self._bits[identity] = 1 << len(self._bits)
            exact = self._exact[pos]
            if kind == "eq":
                exact[operand] = exact.get(operand, 0) | bit
            elif kind == "in":
                for value in operand:
                    exact[value] = exact.get(value, 0) | bit
            else:
                self._open[pos].append((bit, kind, operand))
        return bit

    def _class(self, pos: int, value: int) -> int:
        """The bits of the tests on key position ``pos`` that ``value`` passes."""
        bits = self._exact[pos].get(value, 0)
        for bit, kind, operand in self._open[pos]:
            if kind == "not_in":
                passed = value not in operand
            else:  # the Matcher searches the attribute's string
                passed = operand.search(self.vocab.strings[value]) is not None
            if passed:
                bits |= bit
        return bits

    def _action_of(self, key: tuple[int, ...]) -> int:
        """Work out what a token with these attribute values gets, and remember it."""
        passed = 0
        for pos, value in enumerate(key):
            known = self._classes[pos]
            bits = known.get(value)
            if bits is None:
                bits = known[value] = self._class(pos, value)
            passed |= bits
        number = self._by_class.get(passed)
        if number is None:
            won: dict[int, tuple[int, int]] = {}  # column → (value, order)
            for rule in self._rules:  # in pattern order: a later pattern overwrites
                if passed & rule.need == rule.need:
                    for column, value in rule.values:
                        won[column] = (value, rule.order)
            slots = 0
            for slot, need in enumerate(self._slot_needs):
                if passed & need == need:
                    slots |= 1 << slot
            action = (tuple(sorted((c, v, o) for c, (v, o) in won.items())), slots)
            number = self._actions.get(action)
            if number is None:
                number = self._actions[action] = len(self._actions)
                self._pending.append(action)
            self._by_class[passed] = number
        self._table[key] = number
        return number

    def _grow(self) -> None:
        """Add the rows of new actions to the arrays the Doc's columns are read from."""
        rows = len(self._pending)
        mask = np.zeros((rows, len(SET_ATTRS)), dtype=bool)
        values = np.zeros((rows, len(SET_ATTRS)), dtype=np.uint64)
        orders = np.full((rows, len(SET_ATTRS)), -1, dtype=np.int64)
        slots = np.zeros(rows, dtype=np.uint64)
        for row, (sets, passed) in enumerate(self._pending):
            for column, value, order in sets:
                mask[row, column] = True
                values[row, column] = value
                orders[row, column] = order
            slots[row] = passed
        self._mask = np.vstack([self._mask, mask])
        self._values = np.vstack([self._values, values])
        self._orders = np.vstack([self._orders, orders])
        self._slots = np.concatenate([self._slots, slots])
        self._pending = []

    def __call__(self, doc: Doc) -> Doc:
        """Set the attributes the patterns give each token of ``doc``."""
        if not len(doc) or not self._patterns:
            return doc
        if len(self._table) >= TABLE_MAX:
            self._forget()  # between Docs: no action number is in use
        if self._key_attrs:
            columns = doc.to_array(self._key_attrs).reshape(len(doc), -1).T.tolist()
            table = self._table
            action_of = self._action_of
            actions = [table.get(key) for key in zip(*columns, strict=True)]
            if None in actions:
                keys = list(zip(*columns, strict=True))
                actions = [
                    a if a is not None else action_of(k) for a, k in zip(actions, keys, strict=True)
                ]
            if self._pending:
                self._grow()
        else:
            actions = [0] * len(doc)
        rows = np.asarray(actions, dtype=np.intp)
        current = doc.to_array(list(SET_ATTRS))
        updated = np.where(self._mask[rows], self._values[rows], current)
        matches = self._sequence_matches(self._slots[rows])
        if len(self._fallback):
            for key, start, end in self._fallback(doc, allow_missing=True, as_spans=False):
                matches.append((*self._fallback_attrs[key], start, end))
        if matches:
            self._apply_matched(doc, updated, self._orders[rows], matches)
        doc.from_array(list(SET_ATTRS), updated)
        return doc

    def _sequence_matches(
        self, slots: np.ndarray
    ) -> list[tuple[int, tuple[tuple[int, int], ...], int, int]]:
        """(pattern number, values, start, end) of every match of the compiled sequences."""
        found = []
        length = len(slots)
        for sequence in self._sequences:
            width = len(sequence.slots)
            if width > length:
                continue
            passes = np.ones(length - width + 1, dtype=bool)
            for offset, slot in enumerate(sequence.slots):
                bit = np.uint64(slot)
                passes &= (slots[offset : length - width + 1 + offset] & bit) == bit
            for start in np.flatnonzero(passes).tolist():
                found.append((sequence.order, sequence.values, start, start + width))
        return found

    def _apply_matched(
        self,
        doc: Doc,
        updated: np.ndarray,
        orders: np.ndarray,
        matches: list[tuple[int, tuple[tuple[int, int], ...], int, int]],
    ) -> None:
        """Matches of patterns over several tokens (or left to the Matcher), ranked as spaCy
        ranks them against the table's: (pattern number, start, end), the highest wins."""
        for order, values, start, end in sorted(matches):
            index = self._patterns[order]["index"]
            token = _norm_index(index, start, end)
            if token is None:
                raise ValueError(
                    Errors.E1001.format(
                        patterns=self._patterns[order]["patterns"],
                        span=[t.text for t in doc[start:end]],
                        index=index,
                    )
                )
            for column, value in values:
                table_order = int(orders[token, column])
                if table_order >= 0 and (table_order, token, token + 1) > (order, start, end):
                    continue
                updated[token, column] = value


class CachedLemmatizer:
    """The model's lemmatizer with a per-process table (orth, pos, morph) → lemma. The lemma is
    kept as a string, not a hash: the string may have been added inside a memory zone and freed
    since."""

    def __init__(self, name: str = "lemmatizer") -> None:
        self.name = name
        self.stock: Lemmatizer | None = None
        self._lemmas: dict[tuple[int, int, int], str] = {}
        self._tables: dict[str, PosTables] = {}

    def take_over(self, stock: Lemmatizer) -> None:
        """Lemmatize as ``stock`` does (its tables, mode and ``overwrite``)."""
        if not cacheable(stock):
            raise Unsupported(f"lemmatizer {type(stock).__name__} in mode {stock.mode!r}")
        self.stock = stock
        self._lemmas = {}
        self._tables: dict[str, PosTables] = {}

    def __call__(self, doc: Doc) -> Doc:
        stock = self.stock
        if stock is None:
            raise RuntimeError(f"{self.name}: no lemmatizer to take over (call take_over)")
        if not stock._validated:
            stock._validate_tables(Errors.E1004)
        if not len(doc):
            return doc
        lemmas = self._lemmas
        if len(lemmas) >= LEMMA_CACHE_MAX:
            lemmas.clear()
        overwrite = stock.overwrite
        add = doc.vocab.strings.add
        column = []
        for i, (orth, pos, morph, lemma) in enumerate(
            doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        ):
            if lemma and not overwrite:
                column.append(lemma)
                continue
            key = (orth, pos, morph)
            found = lemmas.get(key)
            if found is None:
                found = self.lemmatize(doc[i])[0]
                if pos:  # no POS: spaCy warns on every such token, so it is not skipped
                    lemmas[key] = found
            column.append(add(found))
        doc.from_array([LEMMA], np.asarray(column, dtype=np.uint64))
        return doc

    def lemmatize(self, token: Token) -> list[str]:
        """What ``stock.lemmatize`` returns; in rule mode with its word lists as sets."""
        stock = self.stock
        assert stock is not None
        univ_pos = token.pos_.lower()
        if stock.mode != "rule" or univ_pos in ("", "eol", "space"):
            return stock.lemmatize(token)
        string = token.text
        if stock.is_base_form(token):
            return [string.lower()]
        tables = self._tables.get(univ_pos)
        if tables is None:
            tables = self._tables[univ_pos] = PosTables.read(stock, univ_pos)
        if not tables.any:
            return [string] if univ_pos == "propn" else [string.lower()]
        return tables.forms(string)


@dataclass(frozen=True)
class PosTables:
    """The rule lemmatizer's tables for one part of speech, its word index as a set."""

    any: bool
    index: frozenset[str]
    exceptions: Mapping[str, list[str]]
    rules: tuple[tuple[str, str], ...]

    @classmethod
    def read(cls, stock: Lemmatizer, univ_pos: str) -> PosTables:
        index = stock.lookups.get_table("lemma_index", {}).get(univ_pos)
        exceptions = stock.lookups.get_table("lemma_exc", {}).get(univ_pos)
        rules = stock.lookups.get_table("lemma_rules", {}).get(univ_pos)
        return cls(
            any=any((index, exceptions, rules)),
            index=frozenset(index or ()),
            exceptions=exceptions or {},
            rules=tuple((old, new) for old, new in rules or ()),
        )

    def forms(self, orig: str) -> list[str]:
        """``Lemmatizer.rule_lemmatize`` from its suffix rules on: the same steps."""
        string = orig.lower()
        forms: list[str] = []
        oov_forms = []
        for old, new in self.rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in self.index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in self.exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        if not forms:
            forms.append(orig)
        return forms


def cacheable(stock: Any) -> bool:
    """Whether ``stock``'s lemma is a function of (orth, pos, morph) alone: spaCy's own rule or
    lookup lemmatizer, English or generic."""
    return type(stock) in (Lemmatizer, EnglishLemmatizer) and stock.mode in ("rule", "lookup")


@Language.factory("sitrep_attributes")
def make_attribute_table(nlp: Language, name: str) -> AttributeTable:
    return AttributeTable(nlp.vocab, name)


@Language.factory("sitrep_lemmatizer")
def make_cached_lemmatizer(nlp: Language, name: str) -> CachedLemmatizer:
    return CachedLemmatizer(name)


def use_table_rules(nlp: Language) -> None:
    """Replace the model's ``attribute_ruler`` and ``lemmatizer`` (same names, same places)
    by ``AttributeTable`` and ``CachedLemmatizer`` when they can reproduce them exactly; a
    model without them, or with patterns or a lemmatizer they cannot reproduce, is left as is."""
    for name in list(nlp.pipe_names):  # a disabled component stays as it is
        stock = nlp.get_pipe(name)
        if type(stock) is AttributeRuler:
            patterns = stock.patterns
            try:
                AttributeTable(nlp.vocab, name).add_patterns(patterns)
            except Unsupported:
                continue
            table = nlp.replace_pipe(name, "sitrep_attributes")
            table.add_patterns(patterns)  # type: ignore[attr-defined]
        elif cacheable(stock):
            lemmatizer = nlp.replace_pipe(name, "sitrep_lemmatizer")
            lemmatizer.take_over(stock)  # type: ignore[attr-defined]
