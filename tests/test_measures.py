"""Measures: what a figure counts, on sentences written for these tests."""

from __future__ import annotations

import pytest

from sentences import run
from sitrep.models import Extraction


def figures(extraction: Extraction) -> list[tuple[str, int | None]]:
    return [(c.measure, c.quantity.value) for c in extraction.claims]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # died / lost their lives / left N dead
        ("The army said seven farmers had died in Borno.", ("killed", 7)),
        ("Four Nigerian soldiers lose their lives in ambush", ("killed", 4)),
        ("The blast left 14 people dead.", ("killed", 14)),
        ("The talks followed the death of a soldier at the border.", ("killed", 1)),
        # an indefinite article counts one person
        ("A Somali soldier was killed in the raid.", ("killed", 1)),
        ("Police said a journalist was wounded by shrapnel.", ("wounded", 1)),
        # status nouns: the verb on them decides
        ("The rebels said they executed 30 hostages.", ("killed", 30)),
        ("The militants took 40 hostages at the mine.", ("abducted", 40)),
        # injuries to N, forced N to flee, missing as a predicate
        ("Kenya reported injuries to three of its soldiers.", ("wounded", 3)),
        ("The fighting forced 20,000 to flee.", ("displaced", 20000)),
        ("Three people are missing after the raid.", ("missing", 3)),
        # sites: "N sites were attacked", "strikes at N locations"
        ("Nine sites were attacked overnight, the ministry said.", ("sites_hit", 9)),
        ("The air force launched 30 strikes at five locations.", ("sites_hit", 5)),
        # evacuations of N residents
        ("Evacuations of up to 8,000 residents were under way.", ("evacuated", 8000)),
        # a participle after coordinated counts holds for both
        ("The ministry reported 13 civilians and six soldiers killed.", ("killed", 13)),
        # "10 more" after a figure of another measure: ten other people
        ("Gunmen killed six civilians and wounded 10 more.", ("wounded", 10)),
        # a running toll hung off another noun by the parser
        ("The death toll from the clashes climbed to 32 by Saturday.", ("killed", 32)),
        ("A strike killed five people, bringing the death toll to 32.", ("killed", 32)),
    ],
)
def test_measure_found(extractor, text, expected):
    assert expected in figures(run(extractor, text))


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        # rescued hostages are no abduction figure
        ("Troops said 120 hostages were rescued from the train.", "abducted"),
        # an article on an event noun is no count of events
        ("An attack hit the base on Friday.", "attacks"),
        # a person named by an article inside a figure's breakdown is not a figure of its own
        ("Five people were killed, including a child, officials said.", None),
    ],
)
def test_no_extra_figure(extractor, text, absent):
    found = figures(run(extractor, text))
    if absent is None:
        assert ("killed", 1) not in found
    else:
        assert all(measure != absent for measure, _ in found)


def test_article_without_a_measure_is_no_claim(extractor):
    assert figures(run(extractor, "An official said the talks would resume.")) == []


def test_casualties_mean_deaths_in_a_report_without_wounded(extractor):
    ex = run(
        extractor,
        "Ethiopia reported 40 casualties on Monday.\n\nIt said 40 soldiers were killed near the "
        "border.",
    )
    assert figures(ex).count(("killed", 40)) == 2
    assert ("casualties", 40) not in figures(ex)


def test_casualties_stay_casualties_beside_wounded(extractor):
    ex = run(
        extractor,
        "The clinic treated 25 casualties after the blast, which killed four people and wounded "
        "21.",
    )
    assert ("casualties", 25) in figures(ex)
    assert ("killed", 4) in figures(ex) and ("wounded", 21) in figures(ex)
