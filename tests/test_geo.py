import csv
from pathlib import Path

import pytest

from sitrep.nlp import geo
from sitrep.nlp.geo import DATA_DIR, Gazetteer, GazetteerError, parse_dateline


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return geo.default_gazetteer()


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_gazetteer_covers_afghan_provinces_and_pakistani_units():
    rows = _rows("gazetteer.tsv")
    afghan = {r["name"] for r in rows if r["country"] == "AFG" and r["kind"] == "admin1"}
    assert len(afghan) == 34
    pakistani = {r["name"] for r in rows if r["country"] == "PAK" and r["kind"] == "admin1"}
    assert pakistani == {
        "Punjab",
        "Sindh",
        "Khyber Pakhtunkhwa",
        "Balochistan",
        "Gilgit-Baltistan",
        "Azad Kashmir",
        "Islamabad Capital Territory",
    }
    crossings = {r["name"] for r in rows if r["kind"] == "crossing"}
    assert {"Torkham", "Friendship Gate", "Ghulam Khan", "Angoor Adda", "Kharlachi"} <= crossings


def test_data_files_are_well_formed():
    for row in _rows("gazetteer.tsv"):
        assert row["kind"] in geo.KINDS, row
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180, row
        if row["kind"] != "region":
            assert len(row["country"]) == 3, row
    countries = _rows("countries.tsv")
    assert len({r["iso3"] for r in countries}) == len(countries) >= 249
    for row in _rows("demonyms.tsv"):
        assert len(row["country"]) == 3, row


def test_provinces_sit_inside_their_country_box():
    # rough bounding boxes, enough to catch swapped or mistyped coordinates
    boxes = {"AFG": (29.3, 38.5, 60.5, 75.0), "PAK": (23.6, 37.1, 60.8, 77.9)}
    for row in _rows("gazetteer.tsv"):
        if row["country"] in boxes:
            south, north, west, east = boxes[row["country"]]
            assert south <= float(row["lat"]) <= north, row["name"]
            assert west <= float(row["lon"]) <= east, row["name"]


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Pakistan’s", "PAK"),
        ("Pakistan's", "PAK"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("the United States", "USA"),
        ("America", "USA"),
        ("Britain", "GBR"),
        ("UK", "GBR"),
        ("Russia", "RUS"),
        ("Iran", "IRN"),
        ("Syria", "SYR"),
        ("DRC", "COD"),
        ("Türkiye", "TUR"),
        ("eastern Afghanistan", "AFG"),
    ],
)
def test_countries(gaz, name, iso3):
    place = gaz.lookup(name)
    assert place is not None and place.country == iso3 and place.kind == "country"
    assert place.lat is not None and place.lon is not None


def test_lower_case_pronoun_is_not_a_country(gaz):
    assert gaz.lookup("us") is None
    assert gaz.country_of_demonym("us") is None


@pytest.mark.parametrize(
    ("name", "canonical", "kind", "country", "admin1"),
    [
        ("Kunar", "Kunar", "admin1", "AFG", "Kunar"),
        ("Konar", "Kunar", "admin1", "AFG", "Kunar"),
        ("Kunar's", "Kunar", "admin1", "AFG", "Kunar"),
        ("Torkham", "Torkham", "crossing", "PAK", "Khyber Pakhtunkhwa"),
        ("Khyber Pakhtunkhwa", "Khyber Pakhtunkhwa", "admin1", "PAK", "Khyber Pakhtunkhwa"),
        ("NWFP", "Khyber Pakhtunkhwa", "admin1", "PAK", "Khyber Pakhtunkhwa"),
        ("KP", "Khyber Pakhtunkhwa", "admin1", "PAK", "Khyber Pakhtunkhwa"),
        ("north-western Khyber Pakhtunkhwa province", "Khyber Pakhtunkhwa", "admin1", "PAK", None),
        ("Helmand provinces", "Helmand", "admin1", "AFG", "Helmand"),
        ("Bab-e-Dosti", "Friendship Gate", "crossing", "PAK", "Balochistan"),
        ("Dand e Patan", "Dand-e-Patan", "district", "AFG", "Paktia"),
        ("North Waziristan", "North Waziristan", "district", "PAK", "Khyber Pakhtunkhwa"),
        ("Kurram Agency", "Kurram", "district", "PAK", "Khyber Pakhtunkhwa"),
        ("Barmal", "Barmal", "district", "AFG", "Paktika"),
        ("Gaza", "Gaza Strip", "region", "PSE", None),
        ("the West Bank", "West Bank", "region", "PSE", None),
        ("Donbas", "Donbas", "region", "UKR", None),
        ("Kabul", "Kabul", "city", "AFG", "Kabul"),
    ],
)
def test_gazetteer_lookup(gaz, name, canonical, kind, country, admin1):
    place = gaz.lookup(name)
    assert place is not None, name
    assert (place.name, place.kind, place.country) == (canonical, kind, country)
    if admin1 is not None:
        assert place.admin1 == admin1


def test_kunar_coordinates_are_real(gaz):
    place = gaz.lookup("Kunar")
    assert abs(place.lat - 34.9) < 0.3 and abs(place.lon - 71.1) < 0.3


def test_durand_line_has_no_single_country(gaz):
    place = gaz.lookup("the Durand Line")
    assert place.kind == "region" and place.country is None


def test_same_name_prefers_context_country(gaz):
    assert gaz.lookup("Punjab").country == "PAK"
    assert gaz.lookup("Punjab", context=["IND"]).country == "IND"


def test_context_can_turn_a_country_name_into_a_local_place(gaz):
    assert gaz.lookup("Georgia").kind == "country"
    state = gaz.lookup("Georgia", context=["USA"])
    assert state.kind == "admin1" and state.country == "USA"
    assert gaz.lookup("Georgia", context=["USA", "GEO"]).kind == "country"


def test_us_state_abbreviations_are_lookup_only(gaz):
    assert gaz.lookup("Calif.").name == "California"
    assert gaz.lookup("Pa.").country == "USA"
    assert "Miss." not in {p["pattern"] for p in gaz.ruler_patterns()}


def test_geonames_cities_resolve_by_context_then_population(gaz):
    tripoli = gaz.lookup("Tripoli")
    assert tripoli.kind == "city" and tripoli.country == "LBY"
    assert gaz.lookup("Tripoli", context=["LBN"]).country == "LBN"
    assert gaz.lookup("Hyderabad").country == "IND"
    assert gaz.lookup("Hyderabad", context={"PAK"}).country == "PAK"


def test_geonames_alternate_names_and_admin1(gaz):
    kyiv = gaz.lookup("Kiev")
    assert kyiv is not None and kyiv.country == "UKR" and abs(kyiv.lat - 50.45) < 0.2
    houston = gaz.lookup("Houston")
    assert houston.country == "USA" and houston.admin1 == "Texas"


def test_unknown_and_empty_names(gaz):
    assert gaz.lookup("Qqqzzy Flats") is None
    assert gaz.lookup("") is None
    assert gaz.lookup("   ") is None
    carolina = gaz.lookup("North Carolina")  # not "Carolina" with the "North" dropped
    assert carolina is None or carolina.country == "USA"


@pytest.mark.parametrize(
    ("word", "iso3"),
    [
        ("Afghan", "AFG"),
        ("Afghans", "AFG"),
        ("afghan", "AFG"),
        ("Pakistani", "PAK"),
        ("Pakistanis", "PAK"),
        ("Israelis", "ISR"),
        ("Israelis'", "ISR"),
        ("Iranian's", "IRN"),
        ("Ukrainians", "UKR"),
        ("Palestinian", "PSE"),
        ("Congolese", "COD"),
        ("Emirati", "ARE"),
        ("Saudi", "SAU"),
        ("U.S.", "USA"),
        ("American", "USA"),
        ("British", "GBR"),
        ("North Korean", "PRK"),
        ("SYRIAN", "SYR"),
    ],
)
def test_demonyms(gaz, word, iso3):
    assert gaz.country_of_demonym(word) == iso3


def test_non_demonyms(gaz):
    for word in ("Taliban", "Kabul", "soldiers", "", "Pashtun"):
        assert gaz.country_of_demonym(word) is None, word


def test_demonyms_cover_every_un_member():
    covered = {r["country"] for r in _rows("demonyms.tsv")}
    # Dominica and the Republic of the Congo share their adjectives with larger neighbours
    un_members_with_own_adjective = {r["iso3"] for r in _rows("countries.tsv")} & covered
    assert len(un_members_with_own_adjective) >= 191


def test_country_name(gaz):
    assert gaz.country_name("IRN") == "Iran"
    assert gaz.country_name("pse") == "Palestine"
    assert geo.country_name("AFG") == "Afghanistan"
    assert gaz.country_name("ZZZ") == "ZZZ"


def test_user_gazetteer_is_merged(tmp_path: Path):
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "name\taliases\tkind\tcountry\tadmin1\tlat\tlon\n"
        "Qarabagh Post\tQarabagh checkpoint\tcrossing\tAFG\tGhazni\t33.2\t68.1\n"
        "Kunar\t\tadmin1\tAFG\tKunar\t35.0\t71.2\n",
        encoding="utf-8",
    )
    gaz = Gazetteer.load([extra])
    place = gaz.lookup("Qarabagh checkpoint")
    assert place is not None and place.name == "Qarabagh Post" and place.lat == 33.2
    assert gaz.lookup("Kunar").lat == 35.0  # the user's entry wins over the bundled one


def test_bad_user_gazetteer_gives_a_one_line_error(tmp_path: Path):
    bad = tmp_path / "bad.tsv"
    bad.write_text(
        "name\taliases\tkind\tcountry\tadmin1\tlat\tlon\nSomewhere\t\tvillage\tAFG\t\t1\t2\n",
        encoding="utf-8",
    )
    with pytest.raises(GazetteerError, match=r"bad\.tsv:2: kind 'village'"):
        Gazetteer.load([bad])
    with pytest.raises(GazetteerError, match="cannot read"):
        Gazetteer.load([tmp_path / "missing.tsv"])


def test_ruler_patterns_shape(gaz):
    patterns = gaz.ruler_patterns()
    assert all(set(p) == {"label", "pattern", "id"} for p in patterns)
    assert {p["label"] for p in patterns} == {"GPE", "LOC"}
    by_pattern = {p["pattern"]: p for p in patterns}
    assert by_pattern["Torkham"]["label"] == "LOC"
    assert by_pattern["Kunar"]["label"] == "GPE"
    assert gaz.by_key(by_pattern["Khyber Pakhtunkhwa"]["id"]).country == "PAK"
    assert "tribal areas" not in by_pattern  # lower-case aliases are lookup-only


def test_ruler_patterns_find_places_in_spacy():
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(geo.ruler_patterns())
    doc = nlp("Shelling hit two villages in Kunar and closed the Torkham crossing on Monday.")
    found = {(ent.text, ent.label_, ent.ent_id_) for ent in doc.ents}
    assert ("Kunar", "GPE", "AFG:admin1:kunar") in found
    assert ("Torkham crossing", "LOC", "PAK:crossing:torkham") in found
    upper = nlp("DRONES STRUCK KHYBER PAKHTUNKHWA OVERNIGHT")
    assert [ent.text for ent in upper.ents] == ["KHYBER PAKHTUNKHWA"]


@pytest.mark.parametrize(
    ("text", "names", "rest"),
    [
        ("ISLAMABAD / KABUL — Heavy fighting broke out", ["Islamabad", "Kabul"], " Heavy"),
        ("KYIV, Ukraine (AP) — Drones struck a depot", ["Kyiv", "Ukraine"], " Drones"),
        ("SAN SALVADOR, 10 JAN 90 -- [TEXT] THE ARMY SAID", ["San Salvador"], " [TEXT]"),
        ("  QUETTA, Pakistan, Oct. 3 (Reuters) - Police said", ["Quetta", "Pakistan"], " Police"),
        ("KANDAHAR—Residents fled", ["Kandahar"], "Residents"),
        ("BEIRUT (LEBANON), 4 MAR 91 -- [REPORT]", ["Beirut", "Lebanon"], " [REPORT]"),
        ("Lima, 2 Feb 89 (Radio Nacional) -- [Text] Police", ["Lima"], " [Text]"),
        ("QUITO, 5 JUN 90 (NOTIMEX - EFE) -- [TEXT] TROOPS", ["Quito"], " [TEXT]"),
        (
            "LA PAZ (BOLIVIA), 8 APR 89 (RADIO ILLIMANI NETWORK)\n-- [REPORT]",
            ["La Paz", "Bolivia"],
            " [REPORT]",
        ),
    ],
)
def test_datelines(text, names, rest):
    found = parse_dateline(text)
    assert found is not None
    places, offset = found
    assert places == names
    assert text[offset:].startswith(rest)


@pytest.mark.parametrize(
    "text",
    [
        "BORDER CLASHES KILL DOZENS\nPESHAWAR — Officials said",
        "PAKISTAN - AFGHANISTAN TALKS COLLAPSE\nThe talks ended.",
        "Pakistan - the army said on Sunday",
        "The army said — in a statement — that it had retaliated.",
        "BREAKING — A blast was heard",
        "Heavy fighting broke out on Sunday.",
        "",
    ],
)
def test_not_datelines(text):
    assert parse_dateline(text) is None


def test_small_foreign_namesake_is_not_taken_for_a_local_place(gaz):
    # a town of under 100,000 whose name no other city shares, outside Afghanistan
    index = geo.city_index()
    small = next(
        cities[0]
        for cities in (index.candidates(geo._norm(c.name)) for c in _some_cities())
        if len(cities) == 1
        and cities[0].country not in {"AFG", "PAK"}
        and 20_000 < cities[0].population < 90_000
        and gaz.lookup(cities[0].name) is not None
        and gaz.lookup(cities[0].name).kind == "city"
    )
    assert gaz.lookup(small.name).lat == pytest.approx(small.latitude, abs=0.01)
    assert gaz.lookup(small.name, context=["AFG"]) is None


def _some_cities() -> list[geo.CityRow]:
    rows, _ = geo._city_rows(geo.geonames_cities_file())
    return rows[::50]
