"""Whose losses: the victim side of figures whose noun phrase names none, on sentences
written for these tests."""

from __future__ import annotations

from sentences import only, run
from sitrep.models import Claim


def side(claim: Claim) -> tuple[str | None, str | None]:
    assert claim.victim is not None
    return claim.victim.country, claim.victim.type


# --- the claimant's own losses ---------------------------------------------------------------


def test_state_claimant_reports_its_own_soldiers(extractor):
    ex = run(extractor, "The Sudanese army said four soldiers were wounded in the fighting.")
    assert side(only(ex, "wounded", 4)) == ("SDN", "state_forces")


def test_opponent_of_a_clash_is_not_the_victim_side(extractor):
    ex = run(extractor, "Ethiopia's army said 30 soldiers were killed during clashes with Eritrea.")
    assert side(only(ex, "killed", 30)) == ("ETH", "state_forces")


def test_a_states_fighters_are_its_forces_not_a_side_of_their_own(extractor):
    ex = run(extractor, "The Ethiopian army said 12 of its fighters were killed near Gondar.")
    assert side(only(ex, "killed", 12)) == ("ETH", "state_forces")


def test_fighters_of_no_state_stay_an_armed_group(extractor):
    ex = run(extractor, "Police in Maiduguri said 15 fighters were killed in the raid.")
    assert only(ex, "killed", 15).victim.type == "armed_group"


# --- the place where they died and the target of the attack ----------------------------------


def test_place_of_death_gives_the_side(extractor):
    ex = run(extractor, "Eleven people were killed in Kherson on Monday.")
    assert side(only(ex, "killed", 11)) == ("UKR", "civilians")


def test_target_of_an_attack_gives_the_side(extractor):
    ex = run(extractor, "A Turkish drone strike on northern Iraq killed six people.")
    assert side(only(ex, "killed", 6))[0] == "IRQ"


# --- the attacker is never the victim side of its own attack --------------------------------


def test_attacker_adjective_is_not_the_victim_side(extractor):
    ex = run(extractor, "Russian glide-bomb strikes on Zaporizhzhia killed nine people on Sunday.")
    assert side(only(ex, "killed", 9))[0] == "UKR"


def test_origin_of_fire_is_the_attacker(extractor):
    ex = run(
        extractor,
        "Two farmers were killed when shells fired from Syria landed near the village, Turkish "
        "officials said.",
    )
    assert side(only(ex, "killed", 2)) == ("TUR", "civilians")


def test_attacker_only_named_means_the_other_side_of_the_report(extractor):
    ex = run(
        extractor,
        "KYIV, Ukraine — Air raid sirens sounded across Ukraine overnight.\n\n"
        "At least five civilians were killed by Russian shelling, the report said.",
    )
    assert side(only(ex, "killed", 5)) == ("UKR", "civilians")


def test_speaker_as_attacker_counts_the_targets_sites(extractor):
    ex = run(extractor, "Pakistan said it hit seven sites in Afghanistan.")
    assert side(only(ex, "sites_hit", 7))[0] == "AFG"


def test_both_parties_named_leave_the_side_open(extractor):
    ex = run(
        extractor, "The death toll from fighting between Armenia and Azerbaijan climbed to 80."
    )
    assert side(only(ex, "killed", 80))[0] is None


# --- others, parts and kinds -----------------------------------------------------------------


def test_others_are_of_the_kind_before_them(extractor):
    ex = run(extractor, "One Indian soldier was killed and three others were wounded.")
    assert side(only(ex, "wounded", 3)) == ("IND", "state_forces")


def test_coordinated_parts_share_the_side_named_on_one(extractor):
    ex = run(extractor, "Twelve Malian soldiers and four civilians were killed in the ambush.")
    assert side(only(ex, "killed", 4)) == ("MLI", "civilians")


def test_military_objects_belong_to_forces(extractor):
    ex = run(extractor, "Azerbaijan said it downed two Armenian jets and a drone.")
    assert side(only(ex, "downed", 2)) == ("ARM", "state_forces")
    assert side(only(ex, "downed", 1)) == ("ARM", "state_forces")


def test_modifier_gives_the_kind_of_hostages(extractor):
    ex = run(extractor, "The rebels said they executed 15 army hostages.")
    assert side(only(ex, "killed", 15))[1] == "state_forces"


def test_unknown_people_noun_is_civilians(extractor):
    ex = run(extractor, "Gunmen killed nine miners near the town.")
    assert side(only(ex, "killed", 9))[1] == "civilians"


def test_demonym_noun_is_people_not_a_government(extractor):
    ex = run(extractor, "Militant attacks kill 12 Kenyans")
    assert side(only(ex, "killed", 12)) == ("KEN", None)
