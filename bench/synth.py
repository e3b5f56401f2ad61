"""Deterministic synthetic conflict reports for benchmarks and tests.

Each underlying event (a clash, strike, abduction, border closure ...) in a real place is
reported by one to four fictional outlets, days apart, in different words, with claimants on
each side giving their own (conflicting) figures; some reports are syndicated near-copies of
another. Reports stream out roughly in date order over three years, so any ``n`` covers the
same span.

``Report.source`` is ``synth://event/<k>/report/<j>`` (``.../copy-of/<i>`` for syndicated
copies), so a benchmark can tell which reports share an event without any other bookkeeping;
:func:`generate_events_truth` gives the full truth (claims per claimant) for the same stream.

The texts are invented: places, institutions and the shape of the claims are realistic, the
events, figures, people and outlets are not.

    python bench/synth.py --n 20 --seed 1 --out /tmp/synth      # write .txt files
    python bench/synth.py --n 5 --print                          # show a few
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sitrep.models import Report

SPAN_START = date(2023, 1, 1)
SPAN_DAYS = 3 * 365
MIN_WORDS, MAX_WORDS = 120, 300
REPORTS_PER_EVENT = 2.45  # mean of the outlet draw below plus syndicated copies
SOURCE_RE = re.compile(r"^synth://event/(\d+)/report/(\d+)(?:/copy-of/(\d+))?$")

# --- world data -------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    country: str
    forces: tuple[str, ...]  # the side's fighters as a subject ("Pakistani troops")
    claimants: tuple[str, ...]  # who states figures for the side
    own_dead: tuple[str, ...]  # nouns for the side's combatants
    names: str  # key into NAMES for spokespeople
    demonym: str  # before a counted noun: "Taliban fighters", "Pakistani soldiers"
    ranks: tuple[str, ...] = ("Colonel", "Major", "Brigadier General", "Lieutenant Colonel")
    spokes_role: str = "a military spokesman"


@dataclass(frozen=True)
class Theatre:
    key: str
    a: Side
    b: Side
    places: tuple[tuple[str, str, str], ...]  # (place, province/region, country)
    neutral: tuple[str, ...]  # hospitals, UN agencies, monitors
    event_types: tuple[str, ...]
    crossings: tuple[str, ...] = ()
    civilians: tuple[str, ...] = ("civilians", "people", "residents")
    attacker_by_type: tuple[tuple[str, str], ...] = ()  # (event type, "a"|"b") when fixed


def _side(
    country: str,
    forces: str,
    claimants: str,
    own_dead: str,
    names: str,
    demonym: str,
    group: str | None = None,
) -> Side:
    """A side; ``group`` names the spokesman's role for non-state armed groups."""
    ranks = ("Commander", "Sheikh") if group else Side.ranks
    return Side(
        country,
        tuple(forces.split("|")),
        tuple(claimants.split("|")),
        tuple(own_dead.split("|")),
        names,
        demonym,
        ranks,
        group or Side.spokes_role,
    )


CROSS_BORDER = ("armed_clash", "shelling", "drone_strike", "air_strike", "border_closure")
INTERNAL = (
    "armed_clash",
    "air_strike",
    "drone_strike",
    "shelling",
    "explosion",
    "attack_on_civilians",
    "abduction",
)

# In insurgencies the armed group (side b) abducts and bombs; the state (side a) flies.
ONE_SIDED_INSURGENCY = (
    ("abduction", "b"),
    ("explosion", "b"),
    ("attack_on_civilians", "b"),
    ("air_strike", "a"),
)

THEATRES: tuple[Theatre, ...] = (
    Theatre(
        "afpak",
        _side(
            "PAK",
            "Pakistani forces|Pakistani troops|the Pakistani military",
            "Pakistan's military|the Inter-Services Public Relations|Pakistani security "
            "officials|the Pakistani army",
            "soldiers|troops",
            "pak",
            "Pakistani",
        ),
        _side(
            "AFG",
            "Afghan Taliban forces|Taliban fighters|Afghan border forces",
            "the Taliban government|Afghanistan's defence ministry|Taliban officials|the "
            "Taliban's chief spokesman",
            "fighters|border guards",
            "afg",
            "Taliban",
        ),
        (
            ("Torkham", "Khyber", "PAK"),
            ("Chaman", "Balochistan", "PAK"),
            ("Kurram", "Khyber Pakhtunkhwa", "PAK"),
            ("Bajaur", "Khyber Pakhtunkhwa", "PAK"),
            ("Angoor Adda", "South Waziristan", "PAK"),
            ("Spin Boldak", "Kandahar", "AFG"),
            ("Dand-e-Patan", "Paktia", "AFG"),
            ("Asadabad", "Kunar", "AFG"),
            ("Barmal", "Paktika", "AFG"),
            ("Khost", "Khost", "AFG"),
        ),
        (
            "doctors at the district hospital",
            "local elders",
            "the UN mission in Afghanistan",
            "provincial health officials",
        ),
        (*CROSS_BORDER, "explosion"),
        ("Torkham", "Chaman", "Ghulam Khan", "Angoor Adda", "Kharlachi"),
    ),
    Theatre(
        "india_pakistan",
        _side(
            "IND",
            "Indian troops|Indian forces|the Indian Army",
            "the Indian Army|India's defence ministry|Indian officials|police in Jammu and Kashmir",
            "soldiers|troops",
            "ind",
            "Indian",
        ),
        _side(
            "PAK",
            "Pakistani troops|Pakistani forces|the Pakistani military",
            "Pakistan's military|the Inter-Services Public Relations|Pakistani officials|"
            "officials in Pakistan-administered Kashmir",
            "soldiers|troops",
            "pak",
            "Pakistani",
        ),
        (
            ("Poonch", "Jammu and Kashmir", "IND"),
            ("Rajouri", "Jammu and Kashmir", "IND"),
            ("Uri", "Jammu and Kashmir", "IND"),
            ("Kupwara", "Jammu and Kashmir", "IND"),
            ("Muzaffarabad", "Azad Kashmir", "PAK"),
            ("Kotli", "Azad Kashmir", "PAK"),
            ("Bhimber", "Azad Kashmir", "PAK"),
            ("Sialkot", "Punjab", "PAK"),
        ),
        ("district hospital officials", "local administrators", "residents"),
        CROSS_BORDER,
        ("Attari-Wagah", "Kartarpur"),
    ),
    Theatre(
        "ukraine_russia",
        _side(
            "UKR",
            "Ukrainian forces|Ukrainian troops|Ukraine's military",
            "Ukraine's air force|the regional governor|Ukraine's General Staff|Ukrainian "
            "officials|the State Emergency Service",
            "soldiers|servicemen",
            "ukr",
            "Ukrainian",
        ),
        _side(
            "RUS",
            "Russian forces|Russian troops|Russia's military",
            "Russia's Defence Ministry|Russian officials|the Russian-installed "
            "administration|the Kremlin",
            "soldiers|servicemen",
            "rus",
            "Russian",
        ),
        (
            ("Kharkiv", "Kharkiv region", "UKR"),
            ("Sumy", "Sumy region", "UKR"),
            ("Zaporizhzhia", "Zaporizhzhia region", "UKR"),
            ("Kherson", "Kherson region", "UKR"),
            ("Dnipro", "Dnipropetrovsk region", "UKR"),
            ("Odesa", "Odesa region", "UKR"),
            ("Pokrovsk", "Donetsk region", "UKR"),
            ("Kramatorsk", "Donetsk region", "UKR"),
            ("Belgorod", "Belgorod region", "RUS"),
            ("Kursk", "Kursk region", "RUS"),
        ),
        ("the UN human rights monitoring mission", "local hospital staff", "city officials"),
        (
            "armed_clash",
            "air_strike",
            "drone_strike",
            "shelling",
            "explosion",
            "attack_on_civilians",
        ),
    ),
    Theatre(
        "israel_gaza",
        _side(
            "ISR",
            "Israeli forces|the Israeli military|Israeli troops",
            "the Israeli military|an Israeli military spokesman|Israeli officials",
            "soldiers|troops",
            "isr",
            "Israeli",
        ),
        _side(
            "PSE",
            "Hamas fighters|Palestinian militants|Islamic Jihad fighters",
            "the Gaza health ministry|Gaza's civil defence agency|Hamas|the Palestine Red Crescent",
            "fighters|militants",
            "pse",
            "Hamas",
            "a spokesman for the group",
        ),
        (
            ("Khan Younis", "the Gaza Strip", "PSE"),
            ("Rafah", "the Gaza Strip", "PSE"),
            ("Jabalia", "the Gaza Strip", "PSE"),
            ("Deir al-Balah", "the Gaza Strip", "PSE"),
            ("Gaza City", "the Gaza Strip", "PSE"),
            ("Nuseirat", "the Gaza Strip", "PSE"),
            ("Jenin", "the West Bank", "PSE"),
            ("Tulkarm", "the West Bank", "PSE"),
        ),
        (
            "hospital officials",
            "the UN humanitarian office",
            "the World Health Organization",
            "UNRWA",
        ),
        ("air_strike", "drone_strike", "shelling", "armed_clash", "attack_on_civilians"),
    ),
    Theatre(
        "israel_lebanon",
        _side(
            "ISR",
            "Israeli forces|the Israeli military|Israeli warplanes",
            "the Israeli military|Israeli officials",
            "soldiers|troops",
            "isr",
            "Israeli",
        ),
        _side(
            "LBN",
            "Hezbollah fighters|Hezbollah",
            "Lebanon's health ministry|Hezbollah|Lebanon's state news agency",
            "fighters|members",
            "lbn",
            "Hezbollah",
            "a spokesman for the group",
        ),
        (
            ("Nabatieh", "Nabatieh Governorate", "LBN"),
            ("Tyre", "South Governorate", "LBN"),
            ("Bint Jbeil", "Nabatieh Governorate", "LBN"),
            ("Baalbek", "Baalbek-Hermel", "LBN"),
            ("Kiryat Shmona", "Northern District", "ISR"),
            ("Metula", "Northern District", "ISR"),
        ),
        ("UN peacekeepers", "local hospital officials", "the Lebanese Red Cross"),
        ("air_strike", "drone_strike", "shelling", "armed_clash"),
    ),
    Theatre(
        "sudan",
        _side(
            "SDN",
            "the Sudanese army|army troops|the army and allied forces",
            "the Sudanese army|an army spokesman|Sudan's government|the army-aligned "
            "foreign ministry",
            "soldiers|troops",
            "sdn",
            "army",
        ),
        _side(
            "SDN",
            "the Rapid Support Forces|RSF fighters|the paramilitary RSF",
            "the RSF|the Rapid Support Forces|RSF officials",
            "fighters|paramilitaries",
            "sdn",
            "RSF",
        ),
        (
            ("El Fasher", "North Darfur", "SDN"),
            ("Nyala", "South Darfur", "SDN"),
            ("Omdurman", "Khartoum", "SDN"),
            ("Wad Madani", "Gezira", "SDN"),
            ("El Obeid", "North Kordofan", "SDN"),
            ("Kadugli", "South Kordofan", "SDN"),
            ("Babanusa", "West Kordofan", "SDN"),
        ),
        (
            "the Sudan Doctors Network",
            "Emergency Lawyers",
            "local resistance committees",
            "the UN humanitarian office",
            "the International Organization for Migration",
        ),
        INTERNAL,
        attacker_by_type=(("air_strike", "a"),),
    ),
    Theatre(
        "nigeria",
        _side(
            "NGA",
            "Nigerian troops|the army|security forces",
            "the Nigerian army|police|the state government|a police spokesman",
            "soldiers|officers",
            "nga",
            "Nigerian",
        ),
        _side(
            "NGA",
            "Boko Haram fighters|ISWAP militants|armed bandits|gunmen",
            "the Islamic State West Africa Province|the group",
            "fighters|militants",
            "nga",
            "jihadist",
            "a spokesman for the group",
        ),
        (
            ("Maiduguri", "Borno", "NGA"),
            ("Gwoza", "Borno", "NGA"),
            ("Bama", "Borno", "NGA"),
            ("Gusau", "Zamfara", "NGA"),
            ("Kaura Namoda", "Zamfara", "NGA"),
            ("Katsina", "Katsina", "NGA"),
            ("Birnin Gwari", "Kaduna", "NGA"),
            ("Mokwa", "Niger", "NGA"),
        ),
        ("Amnesty International", "local officials", "a local lawmaker", "residents"),
        ("armed_clash", "attack_on_civilians", "abduction", "explosion", "air_strike"),
        civilians=("villagers", "civilians", "residents", "worshippers"),
        attacker_by_type=ONE_SIDED_INSURGENCY,
    ),
    Theatre(
        "yemen",
        _side(
            "USA",
            "US forces|US warplanes|the US military",
            "US Central Command|US officials|the Pentagon",
            "service members|sailors",
            "usa",
            "US",
        ),
        _side(
            "YEM",
            "the Houthis|Houthi forces",
            "the Houthi-run health ministry|Houthi-run Al Masirah TV|Houthi officials",
            "fighters|members",
            "yem",
            "Houthi",
        ),
        (
            ("Hodeidah", "Hodeidah", "YEM"),
            ("Ras Isa", "Hodeidah", "YEM"),
            ("Sanaa", "Amanat al-Asimah", "YEM"),
            ("Saada", "Saada", "YEM"),
            ("Dhamar", "Dhamar", "YEM"),
        ),
        ("medics", "the UN humanitarian office", "local officials"),
        ("air_strike", "drone_strike", "explosion"),
    ),
    Theatre(
        "somalia",
        _side(
            "SOM",
            "Somali troops|government forces|the Somali army",
            "the Somali army|the information ministry|government officials|a military commander",
            "soldiers|troops",
            "som",
            "Somali",
        ),
        _side(
            "SOM",
            "al-Shabaab fighters|al-Shabaab militants",
            "al-Shabaab|the group's radio station",
            "fighters|militants",
            "som",
            "al-Shabaab",
            "a spokesman for the militants",
        ),
        (
            ("Mogadishu", "Banadir", "SOM"),
            ("Baidoa", "Bay", "SOM"),
            ("Beledweyne", "Hiran", "SOM"),
            ("Kismayo", "Lower Juba", "SOM"),
            ("Afgooye", "Lower Shabelle", "SOM"),
        ),
        ("the Aamin ambulance service", "hospital officials", "residents"),
        INTERNAL,
        attacker_by_type=ONE_SIDED_INSURGENCY,
    ),
    Theatre(
        "drc",
        _side(
            "COD",
            "Congolese troops|the Congolese army|FARDC soldiers",
            "the Congolese army|a government spokesman|provincial officials",
            "soldiers|troops",
            "cod",
            "Congolese",
        ),
        _side(
            "COD",
            "M23 rebels|M23 fighters|the AFC/M23 alliance",
            "the M23|an M23 spokesman|the AFC/M23 alliance",
            "fighters|rebels",
            "cod",
            "M23",
            "a spokesman for the rebels",
        ),
        (
            ("Goma", "North Kivu", "COD"),
            ("Bukavu", "South Kivu", "COD"),
            ("Sake", "North Kivu", "COD"),
            ("Rutshuru", "North Kivu", "COD"),
            ("Masisi", "North Kivu", "COD"),
            ("Uvira", "South Kivu", "COD"),
        ),
        (
            "the UN peacekeeping mission",
            "the UN humanitarian office",
            "local civil society groups",
            "the ICRC",
        ),
        ("armed_clash", "shelling", "drone_strike", "attack_on_civilians", "explosion"),
    ),
    Theatre(
        "myanmar",
        _side(
            "MMR",
            "military government troops|the Myanmar army|junta forces",
            "the military government|state media|a junta spokesman",
            "soldiers|troops",
            "mmr",
            "junta",
        ),
        _side(
            "MMR",
            "resistance fighters|the Arakan Army|People's Defence Force units",
            "the National Unity Government|the Arakan Army|resistance groups",
            "fighters|members",
            "mmr",
            "resistance",
            "a spokesman for the resistance",
        ),
        (
            ("Lashio", "Shan State", "MMR"),
            ("Myawaddy", "Kayin State", "MMR"),
            ("Monywa", "Sagaing Region", "MMR"),
            ("Sittwe", "Rakhine State", "MMR"),
            ("Mindat", "Chin State", "MMR"),
        ),
        ("local rescue workers", "the UN human rights office", "residents"),
        ("air_strike", "armed_clash", "shelling", "drone_strike", "attack_on_civilians"),
        attacker_by_type=(("air_strike", "a"),),
    ),
    Theatre(
        "thailand_cambodia",
        _side(
            "THA",
            "Thai troops|the Thai army|Thai forces",
            "the Thai army|Thailand's defence ministry|Thai officials",
            "soldiers|troops",
            "tha",
            "Thai",
        ),
        _side(
            "KHM",
            "Cambodian troops|Cambodian forces",
            "Cambodia's defence ministry|Cambodian officials|a Cambodian government spokeswoman",
            "soldiers|troops",
            "khm",
            "Cambodian",
        ),
        (
            ("Surin", "Surin", "THA"),
            ("Kantharalak", "Si Sa Ket", "THA"),
            ("Ban Dan", "Buriram", "THA"),
            ("Samraong", "Oddar Meanchey", "KHM"),
            ("Choam Ksant", "Preah Vihear", "KHM"),
        ),
        ("provincial hospital officials", "local officials", "residents"),
        CROSS_BORDER,
        ("Chong Chom", "Chong Sa-ngam", "Ban Pakard"),
    ),
)

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "pak": (
        ("Ahmed", "Imran", "Tariq", "Bilal", "Kamran", "Faisal", "Naveed", "Sadia"),
        ("Mehmood", "Qureshi", "Khan", "Malik", "Abbasi", "Raza", "Butt", "Gondal"),
    ),
    "afg": (
        ("Abdul", "Mohammad", "Noor", "Hamid", "Rahmatullah", "Najibullah", "Sayed"),
        ("Rahimi", "Hamdard", "Wardak", "Sahak", "Zadran", "Mangal", "Ahmadzai"),
    ),
    "ind": (
        ("Rajesh", "Vikram", "Anil", "Sunil", "Arjun", "Manoj", "Priya", "Sanjay"),
        ("Sharma", "Verma", "Rao", "Nair", "Kumar", "Thakur", "Mehta", "Bhat"),
    ),
    "ukr": (
        ("Oleh", "Serhii", "Andrii", "Ihor", "Olena", "Yurii", "Mykola", "Tetiana"),
        ("Kovalenko", "Shevchuk", "Bondarenko", "Tkachenko", "Melnyk", "Kravets", "Moroz"),
    ),
    "rus": (
        ("Sergei", "Alexei", "Dmitry", "Igor", "Nikolai", "Yevgeny", "Roman"),
        ("Ivanov", "Smirnov", "Volkov", "Kuznetsov", "Sokolov", "Orlov", "Belov"),
    ),
    "isr": (
        ("Yossi", "Avi", "Noam", "Eitan", "Tamar", "Ronen", "Yael"),
        ("Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Azoulay"),
    ),
    "pse": (
        ("Mohammed", "Ahmed", "Khaled", "Yousef", "Samir", "Mahmoud", "Rami"),
        ("al-Masri", "Nasser", "Hamdan", "al-Najjar", "Shaheen", "Barakat", "Odeh"),
    ),
    "lbn": (
        ("Ali", "Hassan", "Hussein", "Karim", "Fadi", "Rabih"),
        ("Haidar", "Fadlallah", "Khalil", "Moussa", "Sleiman", "Nasr"),
    ),
    "sdn": (
        ("Osman", "Abdelrahman", "Mohamed", "Hamid", "Adam", "Khalid", "Fatima"),
        ("Ibrahim", "Abdallah", "Hassan", "Babiker", "Osman", "Yousif", "Idris"),
    ),
    "nga": (
        ("Musa", "Ibrahim", "Abubakar", "Chinedu", "Emeka", "Aisha", "Yusuf", "Bello"),
        ("Abdullahi", "Okafor", "Mohammed", "Garba", "Adamu", "Okonkwo", "Sani"),
    ),
    "yem": (
        ("Abdullah", "Mohammed", "Ali", "Saleh", "Ahmed"),
        ("al-Amri", "al-Hakimi", "Saeed", "al-Sanani", "Nasser"),
    ),
    "usa": (
        ("John", "Michael", "David", "Sarah", "James"),
        ("Miller", "Parker", "Hughes", "Bennett", "Collins"),
    ),
    "som": (
        ("Abdi", "Mohamed", "Ahmed", "Hassan", "Farah"),
        ("Warsame", "Hussein", "Abdi", "Osman", "Aden"),
    ),
    "cod": (
        ("Jean", "Patrick", "Sylvain", "Guillaume", "Christian"),
        ("Kabeya", "Mutombo", "Ilunga", "Tshibanda", "Mukendi"),
    ),
    "mmr": (("Zaw", "Kyaw", "Aung", "Min", "Thet"), ("Min Tun", "Htet", "Naing", "Win", "Oo")),
    "tha": (
        ("Somchai", "Anan", "Prasert", "Wichai"),
        ("Srisuk", "Chaiyaporn", "Wongsawat", "Boonmee"),
    ),
    "khm": (("Sok", "Chan", "Vannak", "Dara"), ("Sopheap", "Rithy", "Vuthy", "Chea")),
}

# Fictional outlets; "Valley Herald" and friends also carry syndicated copies.
OUTLETS: tuple[str, ...] = (
    "Meridian Wire",
    "Frontline Daily",
    "Crossroads Post",
    "Northern Courier",
    "Lakeside Gazette",
    "Harbor Tribune",
    "Eastern Dispatch",
    "Capital Monitor",
    "Granite Herald",
    "Lantern Daily",
    "Steppe Observer",
    "Delta Chronicle",
)
SYNDICATORS: tuple[str, ...] = ("Valley Herald", "Coastal Times Online", "Summit Digest")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SMALL = (
    "no",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
ORDINALS = (
    "1st",
    "2nd",
    "3rd",
    "4th",
    "5th",
    "6th",
    "7th",
    "8th",
    "9th",
    "10th",
    "11th",
    "12th",
    "14th",
    "21st",
    "23rd",
    "44th",
    "58th",
    "110th",
)

# --- truth ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthClaim:
    """A figure one claimant gives for an event (what every report citing it repeats)."""

    claimant: str
    claimant_country: str | None
    measure: str
    victim_country: str | None
    value: int | None
    qualifier: str = "exact"
    high: int | None = None  # for ranges
    claimant_side: str | None = None  # "a" | "b" (the theatre's sides) | None for neutrals
    victim_side: str | None = None  # "a" | "b" | None for civilians


@dataclass(frozen=True)
class SynthEvent:
    """The ground truth behind a group of synthetic reports."""

    index: int
    type: str
    theatre: str
    date: date
    place: str
    admin1: str
    country: str
    countries: tuple[str, ...]
    claims: tuple[SynthClaim, ...]
    report_sources: tuple[str, ...] = ()


def parse_source(source: str) -> tuple[int, int, int | None]:
    """(event index, report index, report it copies or None) of a ``synth://`` source."""
    match = SOURCE_RE.match(source)
    if not match:
        raise ValueError(f"not a synthetic report source: {source!r}")
    copy = match.group(3)
    return int(match.group(1)), int(match.group(2)), int(copy) if copy else None


# --- rendering helpers ------------------------------------------------------------------


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(rng: random.Random, value: int, *, words: bool = True) -> str:
    if words and value <= 12 and rng.random() < 0.6:
        return SMALL[value]
    return f"{value:,}"


def _hedged(rng: random.Random, claim: SynthClaim) -> str:
    """Render a claim's amount: '23', 'more than 200', 'between 25 and 30', 'dozens of'."""
    q = claim.qualifier
    if q == "range" and claim.high is not None:
        low, high = f"{claim.value:,}", f"{claim.high:,}"
        return rng.choice((f"between {low} and {high}", f"{low} to {high}"))
    if q == "vague":
        return rng.choice(("dozens of", "scores of")) if (claim.value or 0) > 20 else "several"
    if claim.value is None:
        return "several"
    number = _count(rng, claim.value)
    prefix = {
        "more_than": ("more than", "over"),
        "at_least": ("at least",),
        "about": ("about", "around", "nearly", "some"),
        "up_to": ("up to", "as many as"),
    }.get(q)
    return f"{rng.choice(prefix)} {number}" if prefix else number


def _when(rng: random.Random, event_day: date, published: date) -> str:
    gap = (published - event_day).days
    if gap == 0:
        weekday = WEEKDAYS[event_day.weekday()]
        return rng.choice((f"on {weekday}", f"early on {weekday}", "today"))
    if gap == 1:
        return rng.choice(("late on " + WEEKDAYS[event_day.weekday()], "overnight", "yesterday"))
    if gap < 7:
        return "on " + WEEKDAYS[event_day.weekday()]
    return f"on {event_day.day} {MONTHS[event_day.month - 1]}"


def _person(rng: random.Random, side: Side) -> tuple[str, str]:
    firsts, lasts = NAMES[side.names]
    name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
    return name, f"{rng.choice(side.ranks)} {name}"


def _quote(rng: random.Random, text: str, speaker: str, role: str) -> str:
    opening, closing = ("“", "”") if rng.random() < 0.5 else ('"', '"')
    style = rng.randrange(3)
    if style == 0:
        return f"{opening}{text},{closing} said {speaker}, {role}."
    if style == 1:
        return f"{speaker}, {role}, told reporters: {opening}{text}.{closing}"
    return f"{opening}{text},{closing} {speaker} said."


QUOTES_FORCES = (
    "Our units answered the attack at once and the positions remain in our hands",
    "We will respond to every violation of our territory with force",
    "The other side took heavy losses and pulled back from several posts",
    "We have told our troops to exercise restraint, but we will defend ourselves",
    "They opened fire first, and our forces acted in self-defence",
)
QUOTES_CIVIL = (
    "The firing went on through the night and nobody could reach the wounded",
    "The hospital is overwhelmed and we are short of blood and medicine",
    "Rescue teams are still digging, and we expect the toll to change",
    "Families are sleeping in the open because their homes are gone",
    "We have received bodies and wounded since dawn, many of them women and children",
)
QUOTES_CLOSURE = (
    "Our trucks have been standing here for days and the fruit is rotting",
    "Traders on both sides are losing money every hour the gate stays shut",
    "The crossing will reopen when the security situation allows it",
)

LEADS: dict[str, tuple[str, ...]] = {
    "armed_clash": (
        "{att_cap} and {vic} exchanged fire {when} near {place} in {admin}, officials said, in "
        "some of the heaviest fighting in the area this year.",
        "Fighting broke out {when} between {att} and {vic} around {place}, a district in {admin}.",
        "Heavy clashes erupted {when} in {place}, {admin}, where {att} attacked positions held "
        "by {vic}.",
    ),
    "air_strike": (
        "An air strike hit {place} in {admin} {when}, and {att} were blamed for the raid.",
        "Warplanes struck buildings in {place}, {admin}, {when}, with officials accusing {att}.",
        "{att_cap} carried out air strikes on {place} in {admin} {when}.",
    ),
    "drone_strike": (
        "A drone struck a vehicle and nearby houses in {place}, {admin}, {when}.",
        "{att_cap} launched a drone attack on {place} in {admin} {when}, officials said.",
        "Drones hit {place} {when}, the latest in a string of attacks on {admin}.",
    ),
    "shelling": (
        "Artillery shells fell on {place} in {admin} {when} as {att} pounded the area.",
        "{att_cap} shelled {place}, {admin}, {when}, hitting homes and a market.",
        "Residents of {place} in {admin} said shelling began {when} and lasted for hours.",
    ),
    "explosion": (
        "A blast tore through a market in {place}, {admin}, {when}.",
        "An explosion hit a crowded street in {place} in {admin} {when}, officials said.",
        "A bomb went off near a checkpoint in {place}, {admin}, {when}.",
    ),
    "attack_on_civilians": (
        "Gunmen attacked a village near {place} in {admin} {when}, and survivors blamed {att}.",
        "{att_cap} stormed a settlement outside {place}, {admin}, {when}, residents said.",
        "Civilians were targeted {when} in an attack on {place} in {admin}.",
    ),
    "abduction": (
        "Armed men abducted people from a school and nearby homes in {place}, {admin}, {when}.",
        "Gunmen seized a group of travellers on the road outside {place} in {admin} {when}.",
        "{att_cap} raided {place}, {admin}, {when} and took hostages, officials said.",
    ),
    "border_closure": (
        "Authorities shut the {crossing} crossing {when} after fighting near {place} in {admin}.",
        "The {crossing} border crossing was closed {when} as tension rose around {place}.",
        "Trade through {crossing} stopped {when} after a gunfight near {place}, {admin}.",
    ),
}
HEADLINES: dict[str, tuple[str, ...]] = {
    "armed_clash": (
        "Deadly clashes near {place}",
        "Rival tolls after fighting in {admin}",
        "Border posts attacked near {place}",
    ),
    "air_strike": (
        "Air strike on {place} kills {n}",
        "Raid hits {place}; toll disputed",
        "Strikes pound {admin}",
    ),
    "drone_strike": (
        "Drone attack on {place}",
        "Drone strike kills {n} in {admin}",
        "Drones hit {place} again",
    ),
    "shelling": (
        "Shelling hits {place}",
        "{n} dead as shells fall on {place}",
        "Artillery fire batters {admin}",
    ),
    "explosion": ("Blast in {place} kills {n}", "Explosion rocks {place}", "Bombing in {admin}"),
    "attack_on_civilians": (
        "Villagers killed near {place}",
        "Attack on {place} leaves {n} dead",
        "Civilians targeted in {admin}",
    ),
    "abduction": (
        "{n} abducted in {admin}",
        "Kidnapping near {place}",
        "Gunmen seize hostages in {place}",
    ),
    "border_closure": (
        "{crossing} crossing shut",
        "Border closed after clashes near {place}",
        "Trade halts at {crossing}",
    ),
}

# --- event and claim generation ---------------------------------------------------------


def _event(rng: random.Random, index: int, day: date) -> tuple[SynthEvent, Theatre, bool]:
    theatre = rng.choice(THEATRES)
    etype = rng.choice(theatre.event_types)
    place, admin1, country = rng.choice(theatre.places)
    # The attacker is the side whose territory was not hit (for cross-border theatres).
    fixed = dict(theatre.attacker_by_type).get(etype)
    if fixed:
        a_attacks = fixed == "a"
    elif theatre.a.country != theatre.b.country:
        a_attacks = country != theatre.a.country
    else:
        a_attacks = rng.random() < 0.5
    claims = _claims(rng, etype, theatre, a_attacks, country)
    countries = tuple(sorted({theatre.a.country, theatre.b.country, country}))
    event = SynthEvent(index, etype, theatre.key, day, place, admin1, country, countries, claims)
    return event, theatre, a_attacks


def _claims(
    rng: random.Random, etype: str, theatre: Theatre, a_attacks: bool, country: str
) -> tuple[SynthClaim, ...]:
    """Figures per claimant: each side plays down its losses and plays up the other's."""
    att_key, vic_key = ("a", "b") if a_attacks else ("b", "a")
    attacker = theatre.a if a_attacks else theatre.b
    victim = theatre.b if a_attacks else theatre.a
    v_claimant, a_claimant = rng.choice(victim.claimants), rng.choice(attacker.claimants)
    neutral = rng.choice(theatre.neutral)

    def by_victim(
        measure: str,
        about: str | None,
        value: int,
        qualifier: str = "exact",
        high: int | None = None,
    ) -> SynthClaim:
        target = victim.country if about == vic_key else attacker.country if about else country
        return SynthClaim(
            v_claimant, victim.country, measure, target, value, qualifier, high, vic_key, about
        )

    def by_attacker(
        measure: str, about: str | None, value: int, qualifier: str = "exact"
    ) -> SynthClaim:
        target = victim.country if about == vic_key else attacker.country if about else country
        return SynthClaim(
            a_claimant, attacker.country, measure, target, value, qualifier, None, att_key, about
        )

    def by_neutral(measure: str, value: int, qualifier: str = "exact") -> SynthClaim:
        return SynthClaim(neutral, None, measure, country, value, qualifier)

    true_dead = rng.choice((3, 5, 7, 9, 12, 14, 18, 23, 31, 40, 57, 85))
    if etype == "armed_clash":
        return (
            by_victim("killed", vic_key, true_dead),
            by_victim("wounded", vic_key, true_dead + rng.randrange(2, 30)),
            by_attacker("killed", vic_key, true_dead * rng.choice((2, 3, 4)) + rng.randrange(5)),
            by_victim("killed", att_key, rng.choice((20, 40, 50, 100, 200)), "more_than"),
            by_attacker("killed", att_key, max(1, true_dead // 3)),
            by_attacker("destroyed", vic_key, rng.randrange(3, 26)),
        )
    if etype == "border_closure":
        return (
            by_victim("killed", vic_key, rng.randrange(1, 6)),
            by_attacker("killed", vic_key, rng.randrange(6, 30), "at_least"),
        )
    if etype == "abduction":
        taken = rng.choice((12, 25, 40, 61, 87, 137, 150, 280))
        return (
            by_neutral("abducted", taken + rng.randrange(20, 150)),
            by_victim("abducted", None, taken),
            by_victim("killed", None, rng.randrange(1, 4)),
        )
    low = max(1, true_dead - rng.randrange(0, 6))
    ranged = rng.random() < 0.4
    claims = [
        by_neutral("killed", true_dead, rng.choice(("exact", "at_least", "more_than"))),
        by_neutral("wounded", true_dead * rng.choice((2, 3)), rng.choice(("exact", "about"))),
        by_victim(
            "killed",
            None,
            low,
            "range" if ranged else "exact",
            low + rng.randrange(3, 9) if ranged else None,
        ),
        by_attacker("killed", att_key, 0),
    ]
    if rng.random() < 0.5:
        claims.append(
            by_neutral("displaced", rng.choice((400, 1_200, 3_000, 15_000, 60_000)), "about")
        )
    if rng.random() < 0.2:
        claims.append(by_neutral("killed", true_dead + rng.randrange(10, 40), "vague"))
    return tuple(claims)


# --- report writing ---------------------------------------------------------------------


PLURAL_HEADS = frozenset(
    [
        "officials",
        "elders",
        "residents",
        "police",
        "groups",
        "medics",
        "committees",
        "lawyers",
        "doctors",
        "peacekeepers",
        "houthis",
        "administrators",
        "workers",
        "staff",
    ]
)


def _its(who: str) -> str:
    """The possessive that agrees with a claimant phrase ("its" army, "their" officials)."""
    return "their" if PLURAL_HEADS & set(who.lower().split()) else "its"


def _lead_amount(amount: str) -> str:
    """An amount fit to open a sentence: no bare digits up front."""
    return f"A total of {amount}" if amount[:1].isdigit() else _cap(amount)


def _claim_sentence(rng: random.Random, claim: SynthClaim, theatre: Theatre, att: str) -> str:
    """One sentence stating a claim, in one of many constructions."""
    who, its = claim.claimant, _its(claim.claimant)
    amount = _hedged(rng, claim)
    side = {"a": theatre.a, "b": theatre.b}.get(claim.victim_side or "")
    own = claim.claimant_side is not None and claim.claimant_side == claim.victim_side
    if side is None:
        nouns = victims = rng.choice(theatre.civilians)
    elif own:
        noun = rng.choice(side.own_dead)
        nouns, victims = f"of {its} {noun}", noun
    else:
        nouns = victims = f"{side.demonym} {rng.choice(side.own_dead)}"
    if claim.measure == "killed" and claim.value == 0:
        noun = rng.choice(side.own_dead) if side else "men"
        return rng.choice(
            (
                f"{_cap(who)} said there were no casualties among {its} own forces.",
                f"{_cap(who)} reported no casualties on {its} side.",
                f"None of {its} {noun} were killed, {who} said.",
            )
        )
    if claim.measure == "killed":
        if claim.qualifier == "vague":
            return f"{_cap(who)} said {amount} {victims} had been killed."
        options = [
            f"{_cap(who)} said {amount} {nouns} were killed.",
            f"According to {who}, {amount} {victims} were killed.",
        ]
        if side is None:
            options += [
                f"{_cap(who)} put the death toll at {amount}.",
                f"{_cap(who)} said the death toll rose to {amount} by the evening.",
                f"{_lead_amount(amount)} {victims} were killed by {att}, {who} said.",
                f"The attack killed {amount} {victims}, {who} told reporters.",
            ]
        elif own:
            options.append(f"{_cap(who)} put {its} own losses at {amount} {victims}.")
        else:
            options += [
                f"{_cap(who)} said {its} forces had killed {amount} {victims}.",
                f"{_cap(who)} claimed to have killed {amount} {victims}.",
            ]
    elif claim.measure == "wounded":
        options = [
            f"{_cap(who)} said {amount} {nouns} were wounded.",
            f"A further {amount} {victims} were injured, according to {who}.",
            f"{_lead_amount(amount)} {victims} were being treated for wounds, {who} said.",
        ]
    elif claim.measure == "abducted":
        options = [
            f"{_cap(who)} said {amount} people were abducted.",
            f"According to {who}, the gunmen took {amount} hostages.",
            f"{_lead_amount(amount)} people were kidnapped, {who} said, revising an earlier count.",
        ]
    elif claim.measure == "displaced":
        options = [
            f"{_lead_amount(amount)} people fled their homes, according to {who}.",
            f"{_cap(who)} said the fighting had displaced {amount} people.",
        ]
    else:  # destroyed
        options = [
            f"{_cap(who)} said {its} troops destroyed {amount} posts.",
            f"{_lead_amount(amount)} positions of the other side were destroyed, {who} claimed.",
        ]
    return rng.choice(options)


def _combined_sentence(rng: random.Random, killed: SynthClaim, wounded: SynthClaim) -> str:
    who = killed.claimant
    k, w = _hedged(rng, killed), _hedged(rng, wounded)
    return rng.choice(
        (
            f"{_cap(who)} said {k} people were killed and {w} wounded.",
            f"{_lead_amount(k)} people were killed and {w} wounded, according to {who}.",
            f"{_cap(who)} reported {k} dead and {w} injured.",
        )
    )


def _background(rng: random.Random, theatre: Theatre, event: SynthEvent) -> list[str]:
    """Optional paragraphs: period statistics, non-claim numbers, context."""
    month = MONTHS[(event.date.month - 2) % 12]
    monitor = rng.choice(theatre.neutral)
    n_attacks, n_prev = rng.randrange(40, 300), rng.randrange(20, 200)
    year = event.date.year - rng.randrange(1, 6)
    firsts, lasts = NAMES[theatre.a.names]
    resident = f"{rng.choice(firsts)} {rng.choice(lasts)}"
    return [
        f"{_cap(monitor)} recorded {n_attacks} attacks in {event.admin1} in {month}, up from "
        f"{n_prev} the month before.",
        f"Since January, at least {rng.randrange(100, 900)} civilians have been killed across "
        f"{event.admin1}, according to {monitor}.",
        f"The {rng.choice(ORDINALS)} brigade has held the sector since {year}, and a "
        f"{rng.choice((12, 24, 48, 72))}-hour curfew was imposed on {event.place}.",
        f"{resident}, {rng.randrange(19, 71)}, who runs a shop near the main road, said the "
        f"area had been calm for {rng.randrange(2, 11)} weeks before the attack.",
        f"Local leaders say violence in {event.admin1} has risen steadily since {year}.",
        f"Officials said {rng.randrange(3, 40)} ambulances and {rng.randrange(2, 9)} fire "
        f"engines were sent to the scene.",
        "None of the figures could be independently verified, and access to the area remains "
        "restricted for journalists.",
        f"The main hospital in {event.place}, built in {rng.randrange(1950, 2015)}, has "
        f"{rng.randrange(40, 400)} beds and was treating patients in its corridors.",
        f"Schools across {event.admin1} were closed for {rng.choice(SMALL[2:8])} days, and "
        f"exams were postponed until {MONTHS[(event.date.month + 1) % 12]}.",
        f"Aid groups said convoys carrying food and medicine had been held up on the road to "
        f"{event.place} for most of the week.",
    ]


def _write_report(
    rng: random.Random,
    event: SynthEvent,
    theatre: Theatre,
    a_attacks: bool,
    outlet: str,
    published: date,
    update: bool,
) -> tuple[str, str, int]:
    """(text, headline, body_start) for one outlet's report on the event."""
    attacker, victim = (theatre.a, theatre.b) if a_attacks else (theatre.b, theatre.a)
    att, vic = rng.choice(attacker.forces), rng.choice(victim.forces)
    crossing = rng.choice(theatre.crossings) if theatre.crossings else event.place
    when = _when(rng, event.date, published)
    main = next((c for c in event.claims if c.measure in ("killed", "abducted") and c.value), None)
    fmt = {
        "att": att,
        "att_cap": _cap(att),
        "vic": vic,
        "place": event.place,
        "admin": event.admin1,
        "when": when,
        "crossing": crossing,
        "n": _count(rng, main.value if main and main.value else 3, words=False),
    }
    headline = rng.choice(HEADLINES[event.type]).format(**fmt)
    region_dateline = rng.random() < 0.4 and not event.admin1.startswith("the ")
    dateline = f"{(event.admin1 if region_dateline else event.place).upper()} —"
    lead = rng.choice(LEADS[event.type]).format(**fmt)
    paragraphs = [f"{dateline} {lead}"]

    claims = list(event.claims)
    rng.shuffle(claims)
    keep = claims[: rng.randrange(2, len(claims) + 1)]
    # A claimant's killed and wounded figures sometimes travel together in one sentence.
    sentences: list[str] = []
    used: set[int] = set()
    for i, claim in enumerate(keep):
        if i in used:
            continue
        pair = next(
            (
                j
                for j, other in enumerate(keep)
                if j not in used
                and j != i
                and other.claimant == claim.claimant
                and claim.measure == "killed"
                and other.measure == "wounded"
                and claim.value
            ),
            None,
        )
        if pair is not None and rng.random() < 0.6:
            used.add(pair)
            sentences.append(_combined_sentence(rng, claim, keep[pair]))
        else:
            sentences.append(_claim_sentence(rng, claim, theatre, att))
    if update and main and main.value:
        sentences.append(
            f"The toll was revised from an initial {max(1, main.value // 2)} as more bodies "
            f"were recovered."
        )
    while sentences:
        take = rng.randrange(1, 3)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]

    speaker_side = rng.choice((attacker, victim))
    name, ranked = _person(rng, speaker_side)
    fighting = event.type in ("armed_clash", "shelling", "air_strike", "drone_strike")
    if event.type == "border_closure":
        quote = _quote(rng, rng.choice(QUOTES_CLOSURE), name, "a customs official")
    elif fighting and (speaker_side is attacker or event.type == "armed_clash"):
        quote = _quote(rng, rng.choice(QUOTES_FORCES), ranked.strip(), speaker_side.spokes_role)
    else:
        quote = _quote(rng, rng.choice(QUOTES_CIVIL), name, "a local health official")
    paragraphs.insert(rng.randrange(2, len(paragraphs) + 1), quote)

    extras = _background(rng, theatre, event)
    rng.shuffle(extras)
    body = f"{headline}\n\n" + "\n\n".join(paragraphs)
    target = rng.randrange(MIN_WORDS + 10, MAX_WORDS - 25)
    while extras and len(body.split()) < target:
        candidate = body + "\n\n" + extras.pop()
        if len(candidate.split()) > MAX_WORDS:
            break
        body = candidate
    header = f"date {published.isoformat()}\noutlet: {outlet}\n\n"
    return header + body + "\n", headline, len(header)


def _syndicate(
    rng: random.Random, text: str, headline: str, body_start: int, source_outlet: str, outlet: str
) -> tuple[str, str, int]:
    """A near-copy: new outlet line, share line, new headline and boilerplate.

    The share line sits before ``body_start``, where ingest would skip it too.
    """
    first_line = text.split("\n", 1)[0]
    new_headline = (
        rng.choice(("UPDATE: ", "Latest: ", ""))
        + headline
        + rng.choice((" - officials", " (report)", ", say officials"))
    )
    body = text[body_start:].replace(headline, new_headline, 1).rstrip("\n")
    body += f"\n\nThis story was distributed by {source_outlet}. Copyright {source_outlet}.\n"
    header = f"{first_line}\noutlet: {outlet}\n\nShare | Tweet | Email\n\n"
    return header + body, new_headline, len(header)


def _stream(n: int, seed: int) -> Iterator[tuple[SynthEvent, list[Report]]]:
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(seed)
    expected_events = max(1.0, n / REPORTS_PER_EVENT)
    produced = 0
    index = 0
    while produced < n:
        day = SPAN_START + timedelta(
            days=min(SPAN_DAYS - 1, int(index * SPAN_DAYS / expected_events) + rng.randrange(3))
        )
        event, theatre, a_attacks = _event(rng, index, day)
        n_reports = min(n - produced, rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
        outlets = rng.sample(OUTLETS, n_reports)
        reports: list[Report] = []
        j = 0
        for k, outlet in enumerate(outlets):
            published = day + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5)) if k else 0)
            text, headline, body_start = _write_report(
                rng,
                event,
                theatre,
                a_attacks,
                outlet,
                published,
                update=k > 0 and rng.random() < 0.3,
            )
            original = j
            reports.append(
                Report(
                    f"synth://event/{index}/report/{j}",
                    text,
                    body_start,
                    published,
                    outlet,
                    headline,
                )
            )
            j += 1
            if produced + len(reports) < n and rng.random() < 0.1:
                copy_outlet = rng.choice(SYNDICATORS)
                text, headline, body_start = _syndicate(
                    rng, text, headline, body_start, outlet, copy_outlet
                )
                reports.append(
                    Report(
                        f"synth://event/{index}/report/{j}/copy-of/{original}",
                        text,
                        body_start,
                        published,
                        copy_outlet,
                        headline,
                    )
                )
                j += 1
        reports = reports[: n - produced]
        produced += len(reports)
        sources = tuple(r.source for r in reports)
        yield replace(event, report_sources=sources), reports
        index += 1


def generate_reports(n: int, seed: int = 0) -> Iterator[Report]:
    """Stream ``n`` synthetic reports; the same ``(n, seed)`` always gives the same texts."""
    for _, reports in _stream(n, seed):
        yield from reports


def generate_events_truth(n: int, seed: int = 0) -> Iterator[SynthEvent]:
    """The events behind ``generate_reports(n, seed)``, with each event's report sources."""
    for event, _ in _stream(n, seed):
        yield event


# --- command line -----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10, help="number of reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write one .txt file per report here")
    parser.add_argument("--print", action="store_true", help="print the reports")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("--n must be >= 0")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    for i, report in enumerate(generate_reports(args.n, args.seed)):
        if args.out:
            (args.out / f"synth_{i:05d}.txt").write_text(report.text, encoding="utf-8")
        if args.print:
            print(f"### {report.source}\n{report.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
