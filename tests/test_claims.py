"""Claims: measure, value, victim and claimant on sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from sitrep.models import Extraction, Report


def run(extractor, text: str, published: date | None = date(2024, 3, 10)) -> Extraction:
    return extractor.extract_one(Report(source="test.txt", text=text, published=published))


def figures(extraction: Extraction) -> list[tuple[str, int | None]]:
    return [(c.measure, c.quantity.value) for c in extraction.claims]


def only(extraction: Extraction, measure: str, value: int):
    found = [c for c in extraction.claims if c.measure == measure and c.quantity.value == value]
    assert len(found) == 1, f"expected one {measure}={value}, got {figures(extraction)}"
    return found[0]


def test_two_claimants_in_one_sentence(extractor):
    ex = run(
        extractor,
        "The Sudanese army said 40 of its soldiers were killed in the battle, while the RSF "
        "claimed that 12 of their fighters died.",
    )
    army = only(ex, "killed", 40)
    rsf = only(ex, "killed", 12)
    assert army.claimant.country == "SDN" and army.claimant.type == "state_forces"
    assert army.victim is not None and army.victim.country == "SDN"
    assert rsf.claimant.text.lower().endswith("rsf")
    assert rsf.claimant != army.claimant


def test_passive_with_agent(extractor):
    ex = run(extractor, "Police said 14 villagers were killed by the gunmen near Kaduna.")
    claim = only(ex, "killed", 14)
    assert claim.victim is not None and claim.victim.type == "civilians"
    assert claim.claimant.text == "Police"


def test_killing_participle(extractor):
    ex = run(
        extractor,
        "A car bomb exploded outside the market in Mogadishu on Saturday, killing 11 people, "
        "the Somali police said.",
    )
    claim = only(ex, "killed", 11)
    assert claim.claimant.country == "SOM"


def test_killed_and_wounded_coordinated(extractor):
    ex = run(
        extractor, "Health officials said 7 were killed and 22 wounded in the shelling of Kharkiv."
    )
    assert ("killed", 7) in figures(ex)
    assert ("wounded", 22) in figures(ex)


def test_death_toll_rose_to(extractor):
    ex = run(
        extractor, "The death toll from the earthquake rose to 2,300, officials told reporters."
    )
    claim = only(ex, "killed", 2300)
    assert claim.claimant.type == "government"


def test_according_to(extractor):
    ex = run(
        extractor,
        "At least 25 civilians were wounded in the drone attack, according to the United Nations.",
    )
    claim = only(ex, "wounded", 25)
    assert claim.quantity.qualifier == "at_least"
    assert claim.claimant.name == "United Nations"


def test_outlet_own_voice(extractor):
    ex = run(extractor, "Three soldiers died in the ambush near the border.")
    claim = only(ex, "killed", 3)
    assert claim.claimant.type == "media" and claim.claimant.country is None


def test_pronoun_resolves_to_last_speaker(extractor):
    ex = run(
        extractor,
        "Ukrainian Interior Minister Ihor Klymenko spoke in Kyiv on Monday.\n"
        "He said 19 people were injured when a missile hit the station.",
    )
    claim = only(ex, "wounded", 19)
    assert claim.claimant.name == "Ihor Klymenko"
    assert claim.claimant.country == "UKR"


def test_range_and_hedges(extractor):
    ex = run(
        extractor,
        "Rescuers said 25 to 30 people were missing. "
        "The army said more than 200 houses were destroyed.",
    )
    missing = only(ex, "missing", 25)
    assert (missing.quantity.low, missing.quantity.high) == (25, 30)
    houses = only(ex, "destroyed", 200)
    assert houses.quantity.qualifier == "more_than" and houses.quantity.high is None


def test_negation_gives_no_figure(extractor):
    ex = run(extractor, "The ministry said no soldiers were killed and denied that 50 troops died.")
    assert [c for c in ex.claims if c.measure == "killed" and c.quantity.value] == []


@pytest.mark.parametrize(
    "text",
    [
        "The 3rd Brigade has held the town for two years.",
        "The commander, 54, was appointed in 2019.",
        "Ten years after the war began, one of the bridges reopened on 4 May.",
        "The conflict ranks second on the index and 60 percent of residents have left.",
    ],
)
def test_numbers_that_are_not_claims(extractor, text):
    assert run(extractor, text).claims == ()


def test_possessive_victim_takes_claimant_side(extractor):
    ex = run(extractor, "Israel's military said 3 of its soldiers were wounded in Gaza.")
    claim = only(ex, "wounded", 3)
    assert claim.victim is not None and claim.victim.country == "ISR"


def test_nationality_adjective_sets_victim_country(extractor):
    ex = run(extractor, "The Indian army said it had shot down 5 Pakistani drones overnight.")
    claim = only(ex, "downed", 5)
    assert claim.victim is not None and claim.victim.country == "PAK"
    assert claim.claimant.country == "IND"


def test_offsets_point_into_the_text_as_read(extractor):
    text = "date 2024-03-10\nKYIV — Officials said 4 people were killed in the strike."
    from sitrep.ingest import read_text_report

    ex = extractor.extract_one(read_text_report(text, "t.txt"))
    claim = only(ex, "killed", 4)
    assert text[claim.start : claim.end] == claim.sentence
    assert text[claim.quantity_start : claim.quantity_end] == "4"


def test_quote_speakers(extractor):
    ex = run(
        extractor,
        '"We will not retreat," said Colonel Anna Petrenko, a brigade commander.\n'
        "“The shelling never stops,” she told reporters.\n"
        "The ministry of defence released a statement.\n"
        "“Our air defences intercepted most of the missiles.”",
    )
    speakers = [(q.text, q.speaker.name if q.speaker else None) for q in ex.quotes]
    assert speakers[0] == ("We will not retreat,", "Anna Petrenko")  # its comma is the speaker's
    assert speakers[1] == ("The shelling never stops,", "Anna Petrenko")
    assert len(speakers) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Police said two guards were shot and killed outside the depot.", ("killed", 2)),
        ("Three farmers were fatally shot near the village, police said.", ("killed", 3)),
        ("Medics said four men suffered gunshot wounds.", ("wounded", 4)),
        ("The army confirmed the deaths of six conscripts in the ambush.", ("killed", 6)),
        ("Officials condemned the massacre of 14 fishermen on the lake.", ("killed", 14)),
        ("Police said two 15-year-old boys died in the crossfire.", ("killed", 2)),
    ],
)
def test_more_ways_of_saying_killed_and_wounded(extractor, text, expected):
    assert expected in figures(run(extractor, text))


@pytest.mark.parametrize(
    "text",
    [
        "No one was injured in the second blast, officials said.",
        "One of those killed was a local journalist.",
        "A father of three was among the crowd.",
        "The 2019 bombing left the market in ruins.",
        "The gunman lived on the 6800 block of Elm Street.",
        "The attack happened about noon Feb. 16, police said.",
        "Four wounded in market shooting | Fox 59",
    ],
)
def test_more_numbers_that_are_not_casualty_figures(extractor, text):
    bad = [f for f in figures(run(extractor, text)) if f[1] in {1, 3, 2019, 6800, 16, 59}]
    assert bad == []


def test_statement_speaks_for_its_issuer_and_side_phrase_sets_victim(extractor):
    ex = run(
        extractor,
        "According to a statement from the Armed Forces of Ukraine, the assault failed.\n"
        "The statement said Ukrainian units destroyed 14 tanks on the Russian side.",
    )
    claim = only(ex, "destroyed", 14)
    assert claim.claimant.country == "UKR"
    assert claim.victim is not None and claim.victim.country == "RUS"


def test_border_location_is_not_a_side(extractor):
    ex = run(extractor, "Pakistan says 23 soldiers killed in overnight fighting on Afghan border")
    claim = only(ex, "killed", 23)
    assert claim.victim is not None and claim.victim.country == "PAK"


def test_month_terms_stand_in_for_a_missing_publication_date(extractor):
    from sitrep.nlp.frames import MONTH_PREFIX

    text = "Militants attacked a checkpoint near Chaman on 12 October 2025, officials said."
    undated = run(extractor, text, published=None)
    assert MONTH_PREFIX + "2025-10" in undated.frames[0].terms
    dated = run(extractor, text)  # the linker's date window does this job
    assert not any(t.startswith(MONTH_PREFIX) for t in dated.frames[0].terms)
