"""Claimant mechanisms for actors no catalog lists, on sentences written for these tests:
international bodies, "the head of X", multi-word nationalities, a body's parts, outer
reporting verbs, "the group", people of the place, and "he"/"she" after an unnamed person."""

from __future__ import annotations

import pytest

from sitrep.ingest import read_text_report
from sitrep.models import Actor, Claim, Extraction
from sitrep.nlp.pipeline import Extractor


def extract(extractor: Extractor, body: str, name: str = "t.txt") -> Extraction:
    return extractor.extract_one(read_text_report(f"date 2025-03-10\n\n{body}\n", name))


def claimant_of(extractor: Extractor, body: str, value: int) -> Actor:
    claims: list[Claim] = extract(extractor, body).claims
    found = [c for c in claims if c.quantity.value == value]
    assert found, f"no claim of {value} in {[(c.measure, c.quantity.value) for c in claims]}"
    return found[0].claimant


@pytest.fixture(scope="module")
def plain() -> Extractor:
    """No bundled catalog: only the general rules and the lexicon."""
    return Extractor(bundled_actors=False)


# --- international bodies ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "NAIROBI, Kenya - Fighting near the border killed 31 people, a United Nations "
        "spokesperson told reporters.",
        "NAIROBI, Kenya - Shelling of a market killed 31 people, the head of the World Health "
        "Organization said on Monday.",
        "NAIROBI, Kenya - Clashes near the camp killed 31 people, the director of the UN "
        "refugee agency said.",
        "NAIROBI, Kenya - Floods and fighting killed 31 people, a spokesperson for the "
        "International Rescue Committee said.",
    ],
)
def test_an_international_body_has_no_country(extractor: Extractor, body: str) -> None:
    actor = claimant_of(extractor, body, 31)
    assert (actor.country, actor.type) == (None, "organization")


def test_an_unlisted_un_agency_is_international_without_any_catalog(plain: Extractor) -> None:
    body = (
        "JUBA, South Sudan - Raids on three villages killed 17 people, the chief of the UN "
        "Population Fund said."
    )
    actor = claimant_of(plain, body, 17)
    assert (actor.country, actor.type) == (None, "organization")


def test_a_un_officials_count_of_civilians_is_of_the_report_country(extractor: Extractor) -> None:
    body = (
        "BAMAKO, Mali - Gunmen killed 12 villagers near Mopti, the UN human rights office "
        "said. Nine other people were wounded, spokeswoman Aline Berger told reporters in "
        "Geneva."
    )
    claims = extract(extractor, body).claims
    wounded = next(c for c in claims if c.quantity.value == 9)
    assert wounded.claimant.country is None
    assert wounded.victim is not None and wounded.victim.country == "MLI"


# --- people speaking for a body ------------------------------------------------------------


def test_a_spokesperson_for_a_national_army_is_that_army(extractor: Extractor) -> None:
    body = (
        "GOMA, Congo - Twenty rebels were killed near Sake, a spokesperson for the Ugandan "
        "army said."
    )
    actor = claimant_of(extractor, body, 20)
    assert (actor.country, actor.type) == ("UGA", "state_forces")


def test_an_official_at_a_hospital_is_the_hospital_of_the_place(extractor: Extractor) -> None:
    body = (
        "BAHIR DAR, Ethiopia - A drone strike on a bus station killed 14 people, an official "
        "at Abay Referral Hospital said."
    )
    actor = claimant_of(extractor, body, 14)
    assert (actor.country, actor.type) == ("ETH", "organization")


def test_a_hospital_official_speaks_for_the_hospital(extractor: Extractor) -> None:
    body = "BAHIR DAR, Ethiopia - Shelling killed 14 people, a hospital official said."
    actor = claimant_of(extractor, body, 14)
    assert (actor.country, actor.type) == ("ETH", "organization")


def test_a_title_and_its_place_before_a_name_make_an_official(extractor: Extractor) -> None:
    body = (
        "MEDELLIN, Colombia - Clashes in the mountains have killed 40 people, the mayor of "
        "Ituango, Jorge Mario Ortega, said on Monday.\n\nOrtega said 16 people had been "
        "wounded."
    )
    actor = claimant_of(extractor, body, 16)
    assert actor.country == "COL"


# --- names of countries and bodies ---------------------------------------------------------


@pytest.mark.parametrize(
    ("force", "country"),
    [
        ("the South African National Defence Force", "ZAF"),
        ("the South Sudanese army", "SSD"),
    ],
)
def test_a_nationality_of_two_words_is_read_whole(
    extractor: Extractor, force: str, country: str
) -> None:
    body = f"GOMA, Congo - Eleven soldiers died in the fighting near Goma, {force} said."
    actor = claimant_of(extractor, body, 11)
    assert (actor.country, actor.type) == (country, "state_forces")


def test_a_part_of_the_military_speaks_as_the_military(extractor: Extractor) -> None:
    body = (
        "PESHAWAR - Six soldiers were killed in an attack on a checkpoint in Khyber, the "
        "military's media wing said."
    )
    actor = claimant_of(extractor, body, 6)
    assert (actor.country, actor.type) == ("PAK", "state_forces")


def test_a_state_body_with_no_country_named_is_the_reports_state(extractor: Extractor) -> None:
    body = "KANO, Nigeria - A bomb killed 9 people in Kano, the state emergency agency said."
    actor = claimant_of(extractor, body, 9)
    assert (actor.country, actor.type) == ("NGA", "government")


# --- reporting verbs ------------------------------------------------------------------------


def test_the_outer_speaker_asserts_when_the_inner_subject_is_no_actor(
    extractor: Extractor,
) -> None:
    body = (
        "BAMAKO, Mali - The Malian Doctors Union said a drone had hit the emergency ward and "
        "put the number of dead at 23."
    )
    actor = claimant_of(extractor, body, 23)
    assert actor.country == "MLI"
    assert actor.type == "organization"


# --- memory of the report -------------------------------------------------------------------


def test_the_group_is_the_group_the_report_named(plain: Extractor) -> None:
    body = (
        "JUBA, South Sudan - The Ansar Front (ANF), a militia active in the south, claimed "
        "the raid on Yei. The group said its fighters had killed 12 soldiers."
    )
    actor = claimant_of(plain, body, 12)
    assert actor.type == "armed_group"
    assert actor.country == "SSD"


@pytest.mark.parametrize(
    "speaker", ["a resident", "a local rescue worker", "a witness at the scene"]
)
def test_people_of_the_place_take_its_country(extractor: Extractor, speaker: str) -> None:
    body = f"ADEN - Strikes killed 14 people in Zinjibar and Mukalla, {speaker} said."
    actor = claimant_of(extractor, body, 14)
    assert actor.country == "YEM"


@pytest.mark.parametrize("body_noun", ["a war monitor", "a local rights group"])
def test_an_unnamed_body_is_of_the_place(extractor: Extractor, body_noun: str) -> None:
    body = f"HAMA, Syria - Raids on Salamiyah and Masyaf killed 22 people, {body_noun} said."
    actor = claimant_of(extractor, body, 22)
    assert (actor.country, actor.type) == ("SYR", "organization")


def test_a_named_resident_takes_the_country_of_the_place(extractor: Extractor) -> None:
    body = (
        "KANDAHAR - Mortar fire hit Spin Boldak and Arghandab on Sunday.\n\n"
        '"The roof fell in on us," said Omar Haidari, a resident whose brother was hurt. '
        "He said 4 neighbours died."
    )
    actor = claimant_of(extractor, body, 4)
    assert actor.country == "AFG"


def test_a_name_never_introduced_is_of_a_one_country_story(extractor: Extractor) -> None:
    body = (
        "KHARKIV, Ukraine - Russian drones hit homes in Kharkiv and in the city of Poltava "
        "overnight, wounding 6 people, the regional governor said.\n\nA man died in "
        "hospital and 11 people were hurt, Oleh Hryhorov said."
    )
    actor = claimant_of(extractor, body, 11)
    assert (actor.name, actor.country) == ("Oleh Hryhorov", "UKR")


def test_she_is_the_unnamed_person_who_spoke_last(extractor: Extractor) -> None:
    body = (
        "MANDALAY, Myanmar - The regional ministry said shelling hit Kyaukse.\n\n"
        "A farmer who lost her house said three shells fell on the village. "
        '"Everything burned in a minute," she said.'
    )
    quotes = extract(extractor, body).quotes
    assert quotes and quotes[0].speaker is not None
    said = f"{quotes[0].speaker.name} {quotes[0].speaker.text}".lower()
    assert "farmer" in said


def test_he_is_the_member_of_a_militia_not_the_named_official(extractor: Extractor) -> None:
    body = (
        "MAIDUGURI, Nigeria - Ali Musa, director of the state relief agency, said 30 people "
        "were hurt.\n\nA member of a vigilante militia said the toll was higher. "
        '"We buried 19 people," he said.'
    )
    quotes = extract(extractor, body).quotes
    assert quotes and quotes[0].speaker is not None
    said = f"{quotes[0].speaker.name} {quotes[0].speaker.text}".lower()
    assert "militia" in said and "musa" not in said


# --- no memory across reports ---------------------------------------------------------------


def test_a_report_extracts_the_same_after_another(extractor: Extractor) -> None:
    first = (
        "KHARTOUM, Sudan - The Sudanese army said its jets killed 40 fighters. The group "
        "said 3 of its men died. A resident said 12 people were wounded."
    )
    second = (
        "The group said 5 people were killed. A witness said 8 people were wounded, "
        "and she said the army had left."
    )
    alone = Extractor().extract_one(read_text_report(f"date 2025-03-10\n\n{second}\n", "b.txt"))
    extract(extractor, first, "a.txt")
    after = extract(extractor, second, "b.txt")
    assert [c.claimant for c in after.claims] == [c.claimant for c in alone.claims]
    assert [c.victim for c in after.claims] == [c.victim for c in alone.claims]
    assert len(after.claims) >= 2
