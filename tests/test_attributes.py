"""The table attribute ruler and the cached lemmatizer give what spaCy's own components give."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from sitrep.nlp import attributes
from sitrep.nlp.attributes import (
    AttributeTable,
    CachedLemmatizer,
    PosTables,
    Unsupported,
    use_table_rules,
)
from sitrep.nlp.pipeline import MODEL

# word, tag, dep, head (absolute index), trailing space
PARSED = [
    ("The", "DT", "det", 1, True),
    ("convoy", "NN", "nsubj", 3, True),
    ("had", "VBD", "aux", 3, True),
    ("left", "VBN", "ROOT", 3, False),
    (",", ",", "punct", 3, True),
    ("but", "CC", "advmod", 3, True),
    ("gon", "VBG", "aux", 7, False),
    ("na", "TO", "aux", 7, True),
    ("stop", "VB", "xcomp", 3, False),
    ("\n", "_SP", "dep", 8, False),
    ("Nothin'", "NN", "dobj", 8, True),
    ("that", "WDT", "nsubj", 12, True),
    ("moved", "VBD", "relcl", 10, False),
    (".", ".", "punct", 3, False),
]


def parsed_doc(nlp: Language) -> Doc:
    words, tags, deps, heads, spaces = zip(
        *[(w, t, d, h, s) for w, t, d, h, s in PARSED], strict=True
    )
    return Doc(
        nlp.vocab,
        words=list(words),
        spaces=list(spaces),
        tags=list(tags),
        deps=list(deps),
        heads=list(heads),
    )


def view(doc: Doc) -> list[tuple[str, str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def run_both(patterns: list[dict[str, Any]]) -> tuple[list, list]:
    """(spaCy's AttributeRuler, AttributeTable) on two copies of the parsed Doc."""
    nlp = spacy.blank("en")
    stock = AttributeRuler(nlp.vocab)
    stock.add_patterns(patterns)
    table = AttributeTable(nlp.vocab)
    table.add_patterns(patterns)
    return view(stock(parsed_doc(nlp))), view(table(parsed_doc(nlp)))


def test_tag_only_and_lower_tag_patterns() -> None:
    patterns = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
        {"patterns": [[{"TAG": "DT", "LOWER": "the"}]], "attrs": {"MORPH": "Definite=Def"}},
    ]
    stock, ours = run_both(patterns)
    assert ours == stock
    assert ours[1][1:3] == ("NOUN", "Number=Sing")
    assert ours[0][2] == "Definite=Def" and ours[0][1] == ""  # "The": MORPH only


def test_a_later_pattern_wins_each_attribute_it_sets() -> None:
    patterns = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN", "MORPH": "Number=Sing"}},
        {"patterns": [[{"TAG": "NN", "LOWER": "convoy"}]], "attrs": {"POS": "PROPN"}},
        {"patterns": [[{"LOWER": "convoy"}]], "attrs": {"LEMMA": "convoy"}},
    ]
    stock, ours = run_both(patterns)
    assert ours == stock
    assert ours[1][1:4] == ("PROPN", "Number=Sing", "convoy")
    # the other way round, the tag pattern comes last and wins POS
    stock, ours = run_both([patterns[1], patterns[0]])
    assert ours == stock and ours[1][1] == "NOUN"


def test_dependency_patterns_with_sets() -> None:
    patterns = [
        {
            "patterns": [[{"TAG": {"NOT_IN": ["TO", ""]}, "DEP": {"IN": ["aux"]}}]],
            "attrs": {"POS": "AUX"},
        },
        {"patterns": [[{"TAG": "CC", "LOWER": "but", "DEP": "advmod"}]], "attrs": {"POS": "ADV"}},
        {
            "patterns": [[{"DEP": {"NOT_IN": ["det", ""]}, "TAG": {"IN": ["DT", "WDT"]}}]],
            "attrs": {"POS": "PRON"},
        },
    ]
    stock, ours = run_both(patterns)
    assert ours == stock
    assert [pos for _, pos, *_ in ours[:8]] == ["", "", "AUX", "", "", "ADV", "AUX", ""]
    assert ours[11][1] == "PRON" and ours[0][1] == ""  # "that" (nsubj) but not "The" (det)


def test_two_token_patterns_with_index_and_rank() -> None:
    patterns = [
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}, "index": 0},
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": -1},
        {"patterns": [[{"LOWER": "na"}]], "attrs": {"LEMMA": "n/a", "POS": "PART"}},
        {"patterns": [[{"DEP": "expl"}, {"LOWER": "is"}]], "attrs": {"POS": "VERB"}, "index": 1},
    ]
    stock, ours = run_both(patterns)
    assert ours == stock
    assert ours[6][3] == "go"
    assert ours[7][3] == "n/a" and ours[7][1] == "PART"  # the later single-token pattern wins
    stock, ours = run_both([patterns[2], patterns[0], patterns[1]])
    assert ours == stock and ours[7][3] == "to"  # now the pair comes later and wins


def test_space_and_regex_patterns() -> None:
    patterns = [
        {"patterns": [[{"IS_SPACE": True}]], "attrs": {"TAG": "_SP", "POS": "SPACE", "MORPH": "_"}},
        {"patterns": [[{"IS_SPACE": True, "DEP": {"NOT_IN": [""]}}]], "attrs": {"DEP": "dep"}},
        {"patterns": [[{"TAG": "_SP", "IS_SPACE": False}]], "attrs": {"POS": "X"}},
        {"patterns": [[{"LOWER": {"REGEX": "^n[ou]thin'$"}}]], "attrs": {"LEMMA": "nothing"}},
    ]
    stock, ours = run_both(patterns)
    assert ours == stock
    assert ours[9][:3] == ("_SP", "SPACE", "") and ours[10][3] == "nothing"


def test_operators_go_to_the_matcher_with_the_same_result() -> None:
    patterns = [
        {"patterns": [[{"TAG": "VBD"}, {"TAG": "VBN", "OP": "?"}]], "attrs": {"POS": "AUX"}},
        {"patterns": [[{"LOWER": "had"}]], "attrs": {"LEMMA": "have"}},
        {"patterns": [[{}, {"TAG": "VBN"}]], "attrs": {"MORPH": "Tense=Past"}, "index": -1},
    ]
    nlp = spacy.blank("en")
    table = AttributeTable(nlp.vocab)
    table.add_patterns(patterns)
    assert table.fallback_count == 2
    stock, ours = run_both(patterns)
    assert ours == stock
    assert ours[2][1:4] == ("AUX", "", "have") and ours[3][2] == "Tense=Past"


def test_an_index_outside_the_match_raises_like_spacy() -> None:
    patterns = [{"patterns": [[{"TAG": "DT"}, {"TAG": "NN"}]], "attrs": {"POS": "DET"}, "index": 2}]
    nlp = spacy.blank("en")
    stock = AttributeRuler(nlp.vocab)
    stock.add_patterns(patterns)
    table = AttributeTable(nlp.vocab)
    table.add_patterns(patterns)
    with pytest.raises(ValueError):
        stock(parsed_doc(nlp))
    with pytest.raises(ValueError):
        table(parsed_doc(nlp))


def test_attributes_the_table_cannot_set_are_refused() -> None:
    nlp = spacy.blank("en")
    with pytest.raises(Unsupported):
        AttributeTable(nlp.vocab).add([[{"LOWER": "the"}]], {"NORM": "teh"})
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "the"}]], {"NORM": "teh"})  # type: ignore[attr-defined]
    use_table_rules(nlp)
    assert type(nlp.get_pipe("attribute_ruler")) is AttributeRuler


def test_results_stay_equal_when_the_table_starts_afresh(monkeypatch) -> None:
    monkeypatch.setattr(attributes, "TABLE_MAX", 3)
    patterns = [
        {"patterns": [[{"TAG": "NN"}]], "attrs": {"POS": "NOUN"}},
        {"patterns": [[{"TAG": "VBD"}]], "attrs": {"POS": "VERB", "MORPH": "Tense=Past"}},
        {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "go"}},
    ]
    nlp = spacy.blank("en")
    stock = AttributeRuler(nlp.vocab)
    stock.add_patterns(patterns)
    table = AttributeTable(nlp.vocab)
    table.add_patterns(patterns)
    want = view(stock(parsed_doc(nlp)))
    for _ in range(3):
        assert view(table(parsed_doc(nlp))) == want
        assert len(table._table) <= len(PARSED)  # emptied before each Doc once over the cap


def test_a_pipeline_without_the_components_is_left_alone() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    use_table_rules(nlp)
    assert nlp.pipe_names == ["sentencizer"]


# --- with the model --------------------------------------------------------------------------

SENTENCES = [
    "Gunmen killed 12 people and wounded 30 others in an attack on a market on Sunday, "
    "officials said.",
    '"We didn\'t see them coming," a witness told reporters. "They\'d been hiding there."',
    "It is not known whether anyone was arrested; there were no claims of responsibility.",
    "The army said its forces had retaken the villages, but rebels denied it.  I can't say more.",
    "Those who fled are gonna return once it's safe, let's hope, the mayor's office said.",
    "Ain't nobody seen nothin' here, y'all, said a farmer who'd lost his herds.",
]


@pytest.fixture(scope="module")
def pair() -> tuple[Language, Language]:
    stock = spacy.load(MODEL)
    fast = spacy.load(MODEL)
    use_table_rules(fast)
    return stock, fast


def test_model_components_are_replaced_in_place(pair) -> None:
    stock, fast = pair
    assert fast.pipe_names == stock.pipe_names
    assert isinstance(fast.get_pipe("attribute_ruler"), AttributeTable)
    assert isinstance(fast.get_pipe("lemmatizer"), CachedLemmatizer)
    table = fast.get_pipe("attribute_ruler")
    assert table.patterns == stock.get_pipe("attribute_ruler").patterns
    assert table.fallback_count == 0  # every pattern of the model compiles


def test_model_attributes_equal_spacys_on_written_sentences(pair) -> None:
    stock, fast = pair
    for want, got in zip(stock.pipe(SENTENCES), fast.pipe(SENTENCES), strict=True):
        assert view(got) == view(want)
    negations = [t for doc in fast.pipe(SENTENCES) for t in doc if t.lower_ == "n't"]
    assert negations and all((t.pos_, t.lemma_) == ("PART", "not") for t in negations)


def test_lemmas_stay_equal_with_a_tiny_cache_and_keep_set_ones(pair, monkeypatch) -> None:
    stock, fast = pair
    monkeypatch.setattr(attributes, "LEMMA_CACHE_MAX", 2)
    lemmatizer = fast.get_pipe("lemmatizer")
    for _ in range(2):
        for want, got in zip(stock.pipe(SENTENCES), fast.pipe(SENTENCES), strict=True):
            assert [t.lemma_ for t in got] == [t.lemma_ for t in want]
        assert len(lemmatizer._lemmas) < 2 + max(len(doc) for doc in stock.pipe(SENTENCES))
    with fast.select_pipes(enable=["tok2vec", "tagger", "parser", "attribute_ruler"]):
        doc = fast("Officials were counting the dead.")
    doc[0].lemma_ = "official-set"
    lemmatizer(doc)
    assert doc[0].lemma_ == "official-set" and doc[4].lemma_ == "dead"


def test_rule_forms_equal_spacys_rule_lemmatizer(pair) -> None:
    stock, _ = pair
    lemmatizer = stock.get_pipe("lemmatizer")
    words = ["bodies", "fled", "wounded", "mice", "happier", "stopping", "shelled", "xyzzies"]
    words += ["guns", "ties", "cities", "arms", "axes", "saw", "bigger", "hopes", "eyes"]
    for univ_pos in ("noun", "verb", "adj"):
        tables = PosTables.read(lemmatizer, univ_pos)
        for word in words:
            doc = Doc(stock.vocab, words=[word])
            doc[0].pos_ = univ_pos.upper()
            doc[0].set_morph("Number=Plur" if univ_pos == "noun" else "Tense=Past")
            lemmatizer.cache.clear()
            assert tables.forms(word) == lemmatizer.rule_lemmatize(doc[0]), (word, univ_pos)
