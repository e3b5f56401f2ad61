"""Actors resolved from the text and general knowledge, with or without a catalog: the
country inside a name, the type from its head noun, capitals and metonyms, document-level
memory of people and bodies, and unlisted armed groups. Sentences written for these tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sentences import only as claim_of
from sentences import run as run_text
from sitrep.knowledge import KnowledgeError, load_catalog, load_seats
from sitrep.models import Actor, Extraction
from sitrep.nlp.memory import EntityMemory


def run(extractor, text: str, published: date | None = date(2024, 5, 2)) -> Extraction:
    return run_text(extractor, text, published)


@pytest.fixture(scope="module")
def bare():
    """An extractor with no catalog at all: only the general rules."""
    from sitrep.nlp.pipeline import Extractor

    return Extractor(bundled_actors=False)


# --- country and type from the phrase --------------------------------------------------------


@pytest.mark.parametrize("which", ["catalog", "bare"])
def test_country_word_beats_an_international_alias(extractor, bare, which):
    ex = run(
        extractor if which == "catalog" else bare,
        "The Kenyan Security Council said 31 police officers were killed in the attacks.",
    )
    claimant = claim_of(ex, "killed", 31).claimant
    assert claimant.country == "KEN"
    assert claimant.type == "government"
    assert claimant.name != "UN Security Council"


def test_unqualified_alias_still_finds_the_catalog(extractor):
    ex = run(extractor, "The Security Council said 31 peacekeepers were killed last year.")
    assert claim_of(ex, "killed", 31).claimant.name == "UN Security Council"


@pytest.mark.parametrize(
    ("text", "country", "actor_type"),
    [
        ("Ghana's Health Ministry said 12 people died of their wounds.", "GHA", "government"),
        ("The Kenya Defence Forces said 12 militants were killed.", "KEN", "state_forces"),
        ("The Ethiopian National Defense Force said 12 rebels were killed.", "ETH", "state_forces"),
        ("Thailand's Third Army Region said 12 rangers were wounded.", "THA", "state_forces"),
        ("Two Malian military sources said 12 soldiers were killed.", "MLI", "state_forces"),
        ("Peru's Interior Ministry said 12 police officers were injured.", "PER", "government"),
        ("Chad said 12 of its soldiers were killed.", "TCD", "government"),
        ("Kyiv says 12 civilians were killed overnight.", "UKR", "government"),
        ("The Kremlin said 12 servicemen were wounded.", "RUS", "government"),
        ("The Pentagon said 12 drones were shot down.", "USA", "state_forces"),
        ("Downing Street said 12 British nationals were evacuated.", "GBR", "government"),
        ("Tbilisi's defence minister said 12 drones were shot down.", "GEO", "government"),
    ],
)
def test_resolution_without_a_catalog(bare, text, country, actor_type):
    ex = run(bare, text)
    claimant = next(c for c in ex.claims if c.quantity.value == 12).claimant
    assert (claimant.country, claimant.type) == (country, actor_type), claimant


def test_sponsor_is_not_the_country(extractor):
    ex = run(extractor, "The Iranian-backed Houthis said 12 of their fighters were killed.")
    claimant = claim_of(ex, "killed", 12).claimant
    assert claimant.country != "IRN"
    assert claimant.type == "armed_group"


# --- document memory ------------------------------------------------------------------------


REPORT = (
    "NAIROBI — Kenyan Interior Minister Kipchumba Murkomen said on Monday that militants "
    "attacked two police posts in Mandera county.\n\n"
    "“We will not be intimidated,” the minister told parliament.\n\n"
    "Murkomen later said 9 officers were killed and 14 were wounded.\n\n"
    "Amina Dahir, a spokeswoman for the Kenyan police, said 3 attackers were arrested. "
    "She said 6 more officers were missing.\n\n"
    "The army said 2 soldiers were killed in a separate clash."
)


@pytest.mark.parametrize("which", ["catalog", "bare"])
def test_people_keep_their_country_in_later_mentions(extractor, bare, which):
    ex = run(extractor if which == "catalog" else bare, REPORT)
    surname = claim_of(ex, "killed", 9).claimant
    assert surname.type == "person" and surname.country == "KEN"
    assert "Murkomen" in (surname.name or "")
    pronoun = claim_of(ex, "missing", 6).claimant
    assert pronoun.country == "KEN" and "Dahir" in (pronoun.name or "")
    quote = ex.quotes[0]
    assert quote.speaker is not None and "Murkomen" in (quote.speaker.name or "")


def test_unqualified_body_takes_the_report_country(bare):
    ex = run(bare, REPORT)
    army = claim_of(ex, "killed", 2).claimant
    assert army.country == "KEN" and army.type == "state_forces"


def test_unlisted_armed_group_fights_where_its_attacks_are(bare):
    ex = run(
        bare,
        "The Sahel Liberation Front (SLF) said its fighters killed 12 soldiers in an attack "
        "on an army base in Mopti, Mali. The SLF said 5 of its own men died in the fighting.",
    )
    first = claim_of(ex, "killed", 12).claimant
    later = claim_of(ex, "killed", 5).claimant
    for claimant in (first, later):
        assert (claimant.country, claimant.type) == ("MLI", "armed_group"), claimant


def test_memory_by_surname_and_title():
    memory = EntityMemory()
    memory.learn_person(Actor("Ana Ruiz", "Ana Ruiz", "PER", "person"), "prime minister", 10)
    memory.learn_person(Actor("Luis Vega", "Luis Vega", "ECU", "person"), "prime minister", 500)
    assert memory.person("Ruiz") is not None and memory.person("Ruiz").country == "PER"
    assert memory.titled("prime minister", 200).name == "Ana Ruiz"  # the last one before
    assert memory.titled("prime minister", 900).name == "Luis Vega"
    assert memory.titled("prime minister", 0).name == "Ana Ruiz"  # none yet: the first
    assert memory.is_official("Ruiz")
    assert memory.person("Gomez") is None
    # a later bare mention does not erase the country the introduction gave
    memory.learn_person(Actor("Ruiz", "Ruiz", None, "person"))
    assert memory.person("Ana Ruiz").country == "PER"


# --- catalogs and the bundled-actors switch ---------------------------------------------------


def test_no_bundled_catalog_reads_only_the_given_files(tmp_path: Path):
    own = tmp_path / "mine.toml"
    own.write_text(
        '[[actor]]\nname = "Northern Brigade"\naliases = ["NB"]\ncountry = "MLI"\n'
        'type = "armed_group"\n',
        encoding="utf-8",
    )
    alone = load_catalog([own], bundled=False)
    assert [e.name for e in alone.entries] == ["Northern Brigade"]
    assert len(load_catalog([own]).entries) > 1
    with pytest.raises(KnowledgeError):
        load_catalog([tmp_path / "missing.toml"], bundled=False)


def test_seats_cover_capitals_and_metonyms():
    seats = load_seats()
    assert seats["kyiv"].country == "UKR"
    assert seats["kremlin"].country == "RUS"
    assert seats["pentagon"].type == "state_forces"


def test_cli_no_bundled_actors(tmp_path: Path):
    from typer.testing import CliRunner

    from sitrep.cli import app

    report = tmp_path / "r.txt"
    report.write_text(
        "The Security Council said 31 peacekeepers were killed last year.\n", encoding="utf-8"
    )
    runner = CliRunner()
    plain = runner.invoke(app, ["extract", str(report), "--json"])
    alone = runner.invoke(app, ["extract", str(report), "--json", "--no-bundled-actors"])
    assert plain.exit_code == 0 and alone.exit_code == 0, alone.output
    name_plain = json.loads(plain.stdout.splitlines()[0])["claims"][0]["claimant"]["name"]
    name_alone = json.loads(alone.stdout.splitlines()[0])["claims"][0]["claimant"]["name"]
    assert name_plain == "UN Security Council"
    assert name_alone != "UN Security Council"


def test_apposition_says_what_a_name_is(bare):
    ex = run(
        bare,
        "YANGON — The Arakan Army, an ethnic armed group, said it captured 40 soldiers near "
        "Sittwe. Myanmar's military junta said 12 rebels were killed.",
    )
    group = claim_of(ex, "captured", 40).claimant
    assert (group.type, group.name) == ("armed_group", "Arakan Army")
    junta = claim_of(ex, "killed", 12).claimant
    assert (junta.country, junta.type) == ("MMR", "government")
