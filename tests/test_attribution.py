"""Who asserts a figure or a quote: constructions beyond "X said that ...", on sentences
written for these tests (places and people are real or invented; none from a corpus)."""

from __future__ import annotations

from datetime import date

import pytest

from sentences import only as claim_of
from sentences import run as run_text
from sitrep.models import Claim, Extraction


def run(extractor, text: str, published: date | None = date(2024, 5, 2)) -> Extraction:
    return run_text(extractor, text, published)


def own_voice(claim: Claim) -> bool:
    return claim.claimant.type == "media" and claim.claimant.country is None


# --- sentence-final and inverted attributions ---------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Rebels overran two villages and killed 14 farmers, Malian officials said on Sunday.",
        "Gunmen stormed the camp overnight and abducted 23 people, said Malian officials.",
        "Attackers torched the market and killed 14 traders, the Malian army told reporters.",
    ],
)
def test_closing_attribution(extractor, text):
    ex = run(extractor, text)
    claim = next(c for c in ex.claims if c.quantity.value in {14, 23})
    assert claim.claimant.country == "MLI"
    assert claim.claimant.type in {"government", "state_forces"}


def test_closing_attribution_after_a_broken_parse(extractor):
    ex = run(
        extractor,
        "Early on Friday the air force shot down four drones and a cruise missile over the "
        "coast, Tbilisi's defence minister said.",
    )
    claim = claim_of(ex, "downed", 4)
    assert claim.claimant.country == "GEO"
    assert claim.claimant.type == "government"


def test_with_clause_is_not_an_attribution(extractor):
    ex = run(
        extractor,
        "Floods and fighting have displaced 4,000 families, with Chad reporting new clashes.",
    )
    assert own_voice(claim_of(ex, "displaced", 4000))


def test_according_to_at_the_start(extractor):
    ex = run(
        extractor,
        "According to the Malian army, preliminary data show that militants carried out "
        "nine attacks across the region.",
    )
    claim = claim_of(ex, "attacks", 9)
    assert claim.claimant.country == "MLI" and claim.claimant.type == "state_forces"


def test_quoted_as_saying(extractor):
    ex = run(
        extractor,
        "A Nepali newspaper quoted officials in Pokhara saying about 3,000 people "
        "had been evacuated.",
    )
    claim = claim_of(ex, "evacuated", 3000)
    assert claim.claimant.type == "government"
    assert claim.claimant.country == "NPL"


# --- the outlet's own voice -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Reports said that 17 fishermen were missing after the raid.",
        "Earlier reports said 17 fishermen were missing after the raid.",
        "Seventeen fishermen were reported missing after the raid.",
        "Seventeen fishermen are reportedly missing after the raid.",
    ],
)
def test_reports_say_is_the_outlet(extractor, text):
    ex = run(extractor, text)
    assert own_voice(claim_of(ex, "missing", 17))


def test_passive_report_does_not_make_the_victims_claimants(extractor):
    ex = run(
        extractor,
        "Colonel Aziz Diallo, a spokesman for the Malian army, told journalists that eight "
        "more soldiers were confirmed dead.",
    )
    claim = claim_of(ex, "killed", 8)
    assert claim.claimant.type == "person"
    assert claim.claimant.country == "MLI"


# --- attributions that carry over ---------------------------------------------------------


def test_attribution_carries_to_the_rest_of_the_paragraph(extractor):
    ex = run(
        extractor,
        "According to the Chadian army, militants attacked a post near Bol at dawn. "
        "The attack left three soldiers wounded.\n\n"
        "Separately, two traders were killed on the road to Mao.",
    )
    assert claim_of(ex, "wounded", 3).claimant.country == "TCD"
    assert own_voice(claim_of(ex, "killed", 2))


def test_a_list_takes_the_attribution_of_its_lead_in(extractor):
    ex = run(
        extractor,
        "The Chadian army confirmed that rebel shelling hit several towns.\n"
        "The affected towns included:\n"
        "- Bol: four civilians killed; nine civilians injured.\n"
        "- Mao: one soldier killed.\n"
        "Aid groups are sending food to the area.\n"
        "Six houses were destroyed in Liwa.",
    )
    for measure, value in (("killed", 4), ("wounded", 9), ("killed", 1)):
        claim = claim_of(ex, measure, value)
        assert claim.claimant.country == "TCD", (measure, value, claim.claimant)


def test_reported_list(extractor):
    ex = run(
        extractor,
        "The Chadian health ministry reported:\n- Bol: 12 people killed\n- Mao: 5 people killed\n",
    )
    assert claim_of(ex, "killed", 12).claimant.country == "TCD"
    assert claim_of(ex, "killed", 5).claimant.type == "government"


def test_accusation_asserts_the_figure(extractor):
    ex = run(
        extractor,
        "Niger accused its neighbour of shelling a border post in an incident that left "
        "three of its soldiers wounded.",
    )
    claim = claim_of(ex, "wounded", 3)
    assert claim.claimant.country == "NER" and claim.claimant.type == "government"


# --- quotes --------------------------------------------------------------------------------


def test_quote_running_into_the_next_sentence(extractor):
    ex = run(
        extractor,
        'The ministry issued a statement on Monday.\n\n"We will respond with restraint. We '
        'have lost too many people already," Tbilisi said.',
    )
    assert ex.quotes
    speaker = ex.quotes[-1].speaker
    assert speaker is not None and speaker.country == "GEO"


def test_quote_after_a_colon(extractor):
    ex = run(
        extractor,
        "President Mahamat Deby, addressing the nation, emphasized the army's resolve: "
        "“We will defend every village.”",
    )
    assert ex.quotes and ex.quotes[0].speaker is not None
    assert "Deby" in (ex.quotes[0].speaker.name or "")


def test_single_curly_quotes_and_inner_comma(extractor):
    ex = run(
        extractor,
        "Chad calls the raid ‘a grave provocation’. Officials described it as "
        '"deliberate, cruel, and unprovoked," adding that talks were over.',
    )
    texts = [q.text for q in ex.quotes]
    assert "a grave provocation" in texts
    assert any(t.startswith("deliberate") and t.endswith(",") for t in texts)
    assert not any("Chad’s" in t for t in texts)


# --- headlines, back references and unnamed sources -----------------------------------------


def test_headline_colon_names_the_speaker(extractor):
    ex = run(
        extractor,
        "Kharkiv governor: 12 killed in missile strike\n\n"
        "A missile hit a residential block in Kharkiv overnight.",
    )
    claimant = claim_of(ex, "killed", 12).claimant
    assert (claimant.country, claimant.type) == ("UKR", "government")


def test_headline_colon_after_a_place_is_not_a_speaker(extractor):
    ex = run(extractor, "Kharkiv: 12 killed in missile strike\n\nA missile hit a block.")
    assert own_voice(claim_of(ex, "killed", 12))


def test_headline_scare_quotes(extractor):
    ex = run(extractor, "Moscow 'destroys 12 Ukrainian tanks' near Pokrovsk\n\nFighting went on.")
    claimant = claim_of(ex, "destroyed", 12).claimant
    assert claimant.country == "RUS"


def test_this_was_reported_by(extractor):
    ex = run(
        extractor,
        "KHARTOUM — Shelling in Omdurman killed 14 civilians on Tuesday. This was reported "
        "by the regional health directorate.",
    )
    claimant = claim_of(ex, "killed", 14).claimant
    assert (claimant.country, claimant.type) == ("SDN", "government")


@pytest.mark.parametrize(
    ("text", "actor_type"),
    [
        ("KHARTOUM — Two military sources said 14 soldiers died near Omdurman.", "state_forces"),
        ("KHARTOUM — A local official said 14 people were killed in Omdurman.", "government"),
        ("KHARTOUM — Residents said 14 people were killed when shells hit Omdurman.", "civilians"),
        ("KHARTOUM — A nurse at the hospital said 14 people died in Omdurman.", "organization"),
    ],
)
def test_unnamed_sources_take_the_report_country(extractor, text, actor_type):
    claimant = claim_of(run(extractor, text), "killed", 14).claimant
    assert (claimant.country, claimant.type) == ("SDN", actor_type)


def test_quote_over_two_paragraphs(extractor):
    ex = run(
        extractor,
        "The minister spoke to reporters in Goma.\n\n"
        "“We will not give up a single village to the rebels.\n\n"
        "“We have buried too many of our soldiers already,” Patrick Muyaya said.",
    )
    texts = [q.text for q in ex.quotes]
    assert texts[0].startswith("We will not give up") and texts[0].endswith("rebels.")
    assert all(q.speaker is not None and "Muyaya" in (q.speaker.name or "") for q in ex.quotes)
