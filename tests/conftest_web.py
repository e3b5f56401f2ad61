"""A small hand-made store for the API and browser tests (imported by both test files).

The reports are invented for these tests (a clash between two fictional countries with
user-assigned codes XNA and XSA); one of them carries HTML and script injection attempts.
Objects are built by hand and written through the real ``Store`` write API.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sitrep.models import (
    Actor,
    Claim,
    ClaimGroup,
    DateSpan,
    Event,
    EventFrame,
    Extraction,
    Figure,
    Place,
    PlaceMention,
    Quantity,
    Quote,
    Report,
)
from sitrep.store import Store

KESSEL = Place("Kessel crossing", "XNA", "Upper Vale", 45.12, 20.25, "crossing")
PORT_ALDER = Place("Port Alder", "XSA", "Coast", 44.05, 21.5, "city")
NORTH_MOD = Actor(
    "the Northland defence ministry", "Ministry of Defence of Northland", "XNA", "government"
)
SOUTH_ARMY = Actor("Southland's army", "Army of Southland", "XSA", "state_forces")
NORTH_TROOPS = Actor("Northland soldiers", "Armed Forces of Northland", "XNA", "state_forces")
CIVILIANS_NORTH = Actor("civilians", None, "XNA", "civilians")
DOCTOR = Actor("A local doctor", None, None, "person")
MEDIA = Actor("Harbor Daily", "Harbor Daily", None, "media")

REPORT_A_TEXT = (
    "date 2025-03-03\n"
    "Share this story\n"
    "RIVERTON — Fighting at the Kessel crossing overnight left 12 Northland soldiers dead, "
    "the Northland defence ministry said on Sunday. "
    "Southland's army said it had killed more than 40 Northland troops in the exchange.\n"
    "\u201cWe will not yield an inch of the valley,\u201d said General Ada Moss, who commands "
    "the northern border brigade.\n"
)
REPORT_B_TEXT = (
    "date 2025-03-04\n"
    "A spokesman for Southland's army said 40 Northland soldiers were killed at the Kessel "
    "crossing. <script>window.__pwned = true; document.title = 'pwned';</script> "
    'A local doctor said 7 civilians were wounded. <img src=x onerror="window.__pwned2 = true"> '
    "\u201cThe crossing is closed,\u201d the spokesman added.\n"
)
REPORT_C_TEXT = (
    "date 2024-11-20\n"
    "An airstrike on the harbour district of Port Alder killed 3 civilians on Wednesday, "
    "Harbor Daily reported.\n"
)
XSS_SPEAKER = Actor(
    'the spokesman <img src=x onerror="window.__pwned3 = true">', None, "XSA", "person"
)


@dataclass(frozen=True)
class DemoStore:
    path: Path
    clash_id: str
    strike_id: str
    report_a: str
    report_b: str
    claim_north: str  # Northland's own figure: 12 killed
    claim_south: str  # Southland's figure in report B: 40 killed
    sentence_north: str
    filler_ids: tuple[str, ...]


def _span(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def _claim(
    report: Report,
    sentence: str,
    number: str,
    measure: str,
    quantity: Quantity,
    victim: Actor,
    claimant: Actor,
) -> Claim:
    start, end = _span(report.text, sentence)
    q_start = report.text.index(number, start)
    return Claim(
        report_id=report.id,
        measure=measure,
        quantity=quantity,
        victim=victim,
        claimant=claimant,
        sentence=sentence,
        start=start,
        end=end,
        quantity_start=q_start,
        quantity_end=q_start + len(number),
        frame=0,
    )


def _quote(report: Report, text: str, speaker: Actor) -> Quote:
    start, end = _span(report.text, text)
    return Quote(report.id, text, start, end, speaker)


def _frame(
    report: Report, type_: str, day: date, place: Place, claims: tuple[Claim, ...]
) -> EventFrame:
    first = min(c.start for c in claims)
    return EventFrame(
        report_id=report.id,
        key=0,
        type=type_,
        trigger="fighting" if type_ == "armed_clash" else "airstrike",
        start=first,
        end=max(c.end for c in claims),
        date=DateSpan(day, day, "day"),
        places=(place,),
        actors=tuple({c.claimant for c in claims if c.claimant.country}),
        claim_ids=tuple(c.id for c in claims),
        published=report.published,
    )


def _mention(report: Report, place: Place, text: str) -> PlaceMention:
    start, end = _span(report.text, text)
    return PlaceMention(place, start, end, text)


def _group(
    side: str | None, quantity: Quantity, claims: list[Claim], reports: list[Report], claimant: str
) -> ClaimGroup:
    days = sorted(r.published for r in reports if r.published)
    return ClaimGroup(
        claimant_side=side,
        claimant_country=side,
        quantity=quantity,
        claim_ids=tuple(c.id for c in claims),
        report_ids=tuple(r.id for r in reports),
        outlets=tuple(r.outlet for r in reports if r.outlet),
        claimants=(claimant,),
        first_reported=days[0] if days else None,
        last_reported=days[-1] if days else None,
    )


def build_demo_store(path: Path, n_filler: int = 7) -> DemoStore:
    """Write the demo reports, claims, quotes, frames and events into a new store at ``path``."""
    report_a = Report(
        "reports/harbor-2025-03-03.txt",
        REPORT_A_TEXT,
        body_start=REPORT_A_TEXT.index("RIVERTON"),
        published=date(2025, 3, 3),
        outlet="Harbor Daily",
        title="Clash at the Kessel crossing",
        url="https://example.org/harbor/kessel",
    )
    report_b = Report(
        "reports/coastal-2025-03-04.txt",
        REPORT_B_TEXT,
        body_start=REPORT_B_TEXT.index("A spokesman"),
        published=date(2025, 3, 4),
        outlet="Coastal Wire",
        title="Crossing <b>closed</b> after clash",
        url="javascript:alert(1)",
    )
    report_c = Report(
        "reports/harbor-2024-11-20.txt",
        REPORT_C_TEXT,
        body_start=REPORT_C_TEXT.index("An airstrike"),
        published=date(2024, 11, 20),
        outlet="Harbor Daily",
        title="Airstrike on Port Alder",
    )

    sentence_north = (
        "RIVERTON — Fighting at the Kessel crossing overnight left 12 Northland soldiers dead, "
        "the Northland defence ministry said on Sunday."
    )
    north = _claim(
        report_a,
        sentence_north,
        "12",
        "killed",
        Quantity(12, "exact", 12, 12, "12"),
        NORTH_TROOPS,
        NORTH_MOD,
    )
    south_a = _claim(
        report_a,
        "Southland's army said it had killed more than 40 Northland troops in the exchange.",
        "more than 40",
        "killed",
        Quantity(40, "more_than", 41, None, "more than 40"),
        NORTH_TROOPS,
        SOUTH_ARMY,
    )
    south_b = _claim(
        report_b,
        "A spokesman for Southland's army said 40 Northland soldiers were killed at the Kessel"
        " crossing.",
        "40",
        "killed",
        Quantity(40, "exact", 40, 40, "40"),
        NORTH_TROOPS,
        SOUTH_ARMY,
    )
    wounded = _claim(
        report_b,
        "A local doctor said 7 civilians were wounded.",
        "7",
        "wounded",
        Quantity(7, "exact", 7, 7, "7"),
        CIVILIANS_NORTH,
        DOCTOR,
    )
    strike = _claim(
        report_c,
        "An airstrike on the harbour district of Port Alder killed 3 civilians on Wednesday, "
        "Harbor Daily reported.",
        "3",
        "killed",
        Quantity(3, "exact", 3, 3, "3"),
        Actor("civilians", None, "XSA", "civilians"),
        MEDIA,
    )
    quote_a = _quote(
        report_a,
        "We will not yield an inch of the valley,",
        Actor("General Ada Moss", "Ada Moss", "XNA", "state_forces"),
    )
    quote_b = _quote(report_b, "The crossing is closed,", XSS_SPEAKER)

    frame_a = _frame(report_a, "armed_clash", date(2025, 3, 2), KESSEL, (north, south_a))
    frame_b = _frame(report_b, "armed_clash", date(2025, 3, 2), KESSEL, (south_b, wounded))
    frame_c = _frame(report_c, "airstrike", date(2024, 11, 20), PORT_ALDER, (strike,))

    extractions = [
        Extraction(
            report_a,
            (north, south_a),
            (quote_a,),
            (_mention(report_a, KESSEL, "Kessel crossing"),),
            (frame_a,),
            (),
            "test",
        ),
        Extraction(
            report_b,
            (south_b, wounded),
            (quote_b,),
            (_mention(report_b, KESSEL, "Kessel crossing"),),
            (frame_b,),
            ("Coastal Wire",),
            "test",
        ),
        Extraction(
            report_c,
            (strike,),
            (),
            (_mention(report_c, PORT_ALDER, "Port Alder"),),
            (frame_c,),
            (),
            "test",
        ),
    ]
    killed = Figure(
        measure="killed",
        victim_country="XNA",
        groups=(
            _group("XNA", north.quantity, [north], [report_a], "Ministry of Defence of Northland"),
            _group("XSA", south_a.quantity, [south_a], [report_a], "Army of Southland"),
            _group("XSA", south_b.quantity, [south_b], [report_b], "Army of Southland"),
        ),
        contradiction=True,
        low=12,
        best=12,
        high=None,
        rule="conservative",
        reason="the victim side's own count (12) is the lowest credible figure",
    )
    hurt = Figure(
        measure="wounded",
        victim_country="XNA",
        groups=(_group(None, wounded.quantity, [wounded], [report_b], "A local doctor"),),
        contradiction=False,
        low=7,
        best=7,
        high=7,
        rule="conservative",
        reason="a single claim",
    )
    clash = Event(
        id="e-clash000001",
        type="armed_clash",
        date_start=date(2025, 3, 2),
        date_end=date(2025, 3, 3),
        places=(KESSEL,),
        actors=(NORTH_MOD, SOUTH_ARMY),
        frame_ids=(frame_a.id, frame_b.id),
        report_ids=(report_a.id, report_b.id),
        sources=(report_a.source, report_b.source),
        figures=(killed, hurt),
    )
    airstrike = Event(
        id="e-strike00001",
        type="airstrike",
        date_start=date(2024, 11, 20),
        date_end=date(2024, 11, 20),
        places=(PORT_ALDER,),
        actors=(MEDIA,),
        frame_ids=(frame_c.id,),
        report_ids=(report_c.id,),
        sources=(report_c.source,),
        figures=(
            Figure(
                "killed",
                "XSA",
                (_group(None, strike.quantity, [strike], [report_c], "Harbor Daily"),),
                False,
                3,
                3,
                3,
                "conservative",
                "a single claim",
            ),
        ),
    )
    # Events without reports, to page through: pairs share a date (ties break on id), and the
    # last one has no date at all (it must come last).
    fillers = []
    for i in range(n_filler):
        day = date(2024, 6, 1) + timedelta(days=(i // 2) * 10) if i < n_filler - 1 else None
        fillers.append(
            Event(
                id=f"e-filler{i:05d}",
                type="protest" if i % 2 else "shelling",
                date_start=day,
                date_end=day,
                places=(PORT_ALDER,),
                actors=(),
                frame_ids=(),
                report_ids=(),
                sources=(),
            )
        )

    with Store(path) as store:
        for extraction in extractions:
            store.add_extraction(extraction)
        store.save_events([clash, airstrike, *fillers])
    return DemoStore(
        path=path,
        clash_id=clash.id,
        strike_id=airstrike.id,
        report_a=report_a.id,
        report_b=report_b.id,
        claim_north=north.id,
        claim_south=south_b.id,
        sentence_north=sentence_north,
        filler_ids=tuple(e.id for e in fillers),
    )
