"""A small hand-made store for the API and browser tests (imported by both test files).

The reports are invented for these tests (a clash between two fictional countries with
user-assigned codes XNA and XSA); one of them carries HTML and script injection attempts.
Objects are built by hand and written through the real ``Store`` write API.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sitrep.models import (
    Actor,
    Claim,
    ClaimGroup,
    DateSpan,
    Episode,
    EpisodeFigure,
    Event,
    EventFrame,
    Extraction,
    Figure,
    Place,
    PlaceMention,
    Quantity,
    Quote,
    Report,
    TollEntry,
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


def _report(
    source: str,
    text: str,
    body_from: str,
    day: date,
    outlet: str,
    title: str,
    url: str | None = None,
) -> Report:
    """A report whose body starts at its first words ``body_from``."""
    return Report(
        source,
        text,
        body_start=text.index(body_from),
        published=day,
        outlet=outlet,
        title=title,
        url=url,
    )


def _extraction(
    report: Report,
    claims: tuple[Claim, ...],
    frame: EventFrame,
    mentions: tuple[PlaceMention, ...] = (),
    *,
    quotes: tuple[Quote, ...] = (),
    cited: tuple[str, ...] = (),
) -> Extraction:
    """A report's extraction with its one frame, as the "test" extractor."""
    return Extraction(report, claims, quotes, mentions, (frame,), cited, "test")


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
    *,
    toll: str | None = None,
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
        toll=toll,
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
    report_a = _report(
        "reports/harbor-2025-03-03.txt",
        REPORT_A_TEXT,
        "RIVERTON",
        date(2025, 3, 3),
        "Harbor Daily",
        "Clash at the Kessel crossing",
        "https://example.org/harbor/kessel",
    )
    report_b = _report(
        "reports/coastal-2025-03-04.txt",
        REPORT_B_TEXT,
        "A spokesman",
        date(2025, 3, 4),
        "Coastal Wire",
        "Crossing <b>closed</b> after clash",
        "javascript:alert(1)",
    )
    report_c = _report(
        "reports/harbor-2024-11-20.txt",
        REPORT_C_TEXT,
        "An airstrike",
        date(2024, 11, 20),
        "Harbor Daily",
        "Airstrike on Port Alder",
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
        _extraction(
            report_a,
            (north, south_a),
            frame_a,
            (_mention(report_a, KESSEL, "Kessel crossing"),),
            quotes=(quote_a,),
        ),
        _extraction(
            report_b,
            (south_b, wounded),
            frame_b,
            (_mention(report_b, KESSEL, "Kessel crossing"),),
            quotes=(quote_b,),
            cited=("Coastal Wire",),
        ),
        _extraction(report_c, (strike,), frame_c, (_mention(report_c, PORT_ALDER, "Port Alder"),)),
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


# ---------------------------------------------------------------- an episode over the demo

BRENN = Place("Brenn", "XNA", "Upper Vale", 45.31, 20.02, "city")
BRENN_HOSPITAL = Actor("Brenn hospital", "Brenn District Hospital", "XNA", "organization")

REPORT_D_TEXT = (
    "date 2025-03-05\n"
    "Shelling hit the village of Brenn, north of the Kessel crossing, on Wednesday. "
    "The Northland defence ministry said the death toll among its soldiers had risen to 19. "
    "Southland's army said 60 Northland troops had been killed since Sunday. "
    "Brenn District Hospital said 11 civilians were being treated for wounds.\n"
)
REPORT_E_TEXT = (
    "date 2025-03-06\n"
    "The Northland defence ministry said 13 soldiers and six border guards had died at the "
    "crossing, and that 12 more soldiers were killed in Brenn on Thursday.\n"
)


@dataclass(frozen=True)
class EpisodeDemo:
    demo: DemoStore
    episode: Episode
    shelling_id: str
    report_d: str
    report_e: str
    claim_north_19: str  # Northland's running toll on 5 March
    claim_parts: tuple[str, ...]  # "13 soldiers and six border guards"
    claim_more: str  # "12 more": an addition, not a toll


def _entry(
    day: date,
    side: str | None,
    quantity: Quantity,
    claims: list[Claim],
    claimant: str,
    *,
    toll: str | None = None,
    derived_from: tuple[str, ...] | None = None,
) -> TollEntry:
    return TollEntry(
        reported=day,
        claimant_side=side,
        claimant_country=side if side and len(side) == 3 else None,
        quantity=quantity,
        toll=toll,
        derived_from=derived_from,
        claimants=(claimant,),
        report_ids=tuple(dict.fromkeys(c.report_id for c in claims)),
        claim_ids=tuple(c.id for c in claims) if derived_from is None else (),
    )


def episode_objects(demo: DemoStore) -> tuple[list[Extraction], list[Event], Episode, dict]:
    """Two more reports (a shelling of Brenn and a running toll), their event and the episode
    that joins it to the demo's clash: each side's killed toll rising over four days."""
    report_d = _report(
        "reports/harbor-2025-03-05.txt",
        REPORT_D_TEXT,
        "Shelling",
        date(2025, 3, 5),
        "Harbor Daily",
        "Shells fall on Brenn",
    )
    report_e = _report(
        "reports/coastal-2025-03-06.txt",
        REPORT_E_TEXT,
        "The Northland",
        date(2025, 3, 6),
        "Coastal Wire",
        "Northland counts its dead",
    )
    toll_19 = _claim(
        report_d,
        "The Northland defence ministry said the death toll among its soldiers had risen to 19.",
        "19",
        "killed",
        Quantity(19, "exact", 19, 19, "19"),
        NORTH_TROOPS,
        NORTH_MOD,
        toll="cumulative",
    )
    toll_60 = _claim(
        report_d,
        "Southland's army said 60 Northland troops had been killed since Sunday.",
        "60",
        "killed",
        Quantity(60, "exact", 60, 60, "60"),
        NORTH_TROOPS,
        SOUTH_ARMY,
        toll="cumulative",
    )
    hurt_11 = _claim(
        report_d,
        "Brenn District Hospital said 11 civilians were being treated for wounds.",
        "11",
        "wounded",
        Quantity(11, "exact", 11, 11, "11"),
        CIVILIANS_NORTH,
        BRENN_HOSPITAL,
    )
    sentence_e = REPORT_E_TEXT[REPORT_E_TEXT.index("The Northland") :].strip()
    part_13 = _claim(
        report_e,
        sentence_e,
        "13",
        "killed",
        Quantity(13, "exact", 13, 13, "13"),
        NORTH_TROOPS,
        NORTH_MOD,
    )
    part_6 = _claim(
        report_e,
        sentence_e,
        "six",
        "killed",
        Quantity(6, "exact", 6, 6, "six"),
        NORTH_TROOPS,
        NORTH_MOD,
    )
    part_13 = replace(part_13, part_of=part_13.quantity_start)
    part_6 = replace(part_6, part_of=part_13.quantity_start)
    more_12 = _claim(
        report_e,
        sentence_e,
        "12 more",
        "killed",
        Quantity(12, "exact", 12, 12, "12 more"),
        NORTH_TROOPS,
        NORTH_MOD,
        toll="incremental",
    )
    frame_d = _frame(report_d, "shelling", date(2025, 3, 5), BRENN, (toll_19, toll_60, hurt_11))
    frame_e = _frame(report_e, "shelling", date(2025, 3, 6), BRENN, (part_13, part_6, more_12))
    extractions = [
        _extraction(
            report_d, (toll_19, toll_60, hurt_11), frame_d, (_mention(report_d, BRENN, "Brenn"),)
        ),
        _extraction(report_e, (part_13, part_6, more_12), frame_e),
    ]
    shelling_killed = Figure(
        "killed",
        "XNA",
        (
            _group("XNA", toll_19.quantity, [toll_19], [report_d], NORTH_MOD.name or ""),
            _group("XSA", toll_60.quantity, [toll_60], [report_d], SOUTH_ARMY.name or ""),
        ),
        True,
        19,
        19,
        None,
        "conservative",
        "the victim side's own count (19) is the lowest credible figure",
    )
    shelling = Event(
        id="e-shell000001",
        type="shelling",
        date_start=date(2025, 3, 5),
        date_end=date(2025, 3, 6),
        places=(BRENN,),
        actors=(NORTH_MOD, SOUTH_ARMY, BRENN_HOSPITAL),
        frame_ids=(frame_d.id, frame_e.id),
        report_ids=(report_d.id, report_e.id),
        sources=(report_d.source, report_e.source),
        figures=(shelling_killed,),
    )
    north, south_a, south_b = demo_claims(demo)
    killed = EpisodeFigure(
        measure="killed",
        victim_country="XNA",
        groups=(
            _group("XNA", toll_19.quantity, [toll_19], [report_d], NORTH_MOD.name or ""),
            _group("XSA", toll_60.quantity, [toll_60], [report_d], SOUTH_ARMY.name or ""),
        ),
        contradiction=True,
        low=19,
        best=19,
        high=None,
        rule="conservative",
        reason="the victim side's own latest count (19) is the lowest credible figure",
        history=(
            _entry(date(2025, 3, 3), "XNA", north.quantity, [north], NORTH_MOD.name or ""),
            _entry(date(2025, 3, 3), "XSA", south_a.quantity, [south_a], "Army of Southland"),
            _entry(date(2025, 3, 4), "XSA", south_b.quantity, [south_b], "Army of Southland"),
            _entry(
                date(2025, 3, 5),
                "XNA",
                toll_19.quantity,
                [toll_19],
                NORTH_MOD.name or "",
                toll="cumulative",
            ),
            _entry(
                date(2025, 3, 5),
                "XSA",
                toll_60.quantity,
                [toll_60],
                "Army of Southland",
                toll="cumulative",
            ),
            _entry(
                date(2025, 3, 6),
                "XNA",
                Quantity(19, "exact", 19, 19),
                [part_13, part_6],
                NORTH_MOD.name or "",
                derived_from=(part_13.id, part_6.id),
            ),
            _entry(
                date(2025, 3, 6),
                "XNA",
                more_12.quantity,
                [more_12],
                NORTH_MOD.name or "",
                toll="incremental",
            ),
        ),
        grade="admitted",
        grade_reason="Northland, the victims' own side, states 19",
    )
    wounded = EpisodeFigure(
        measure="wounded",
        victim_country="XNA",
        groups=(_group("XNA", hurt_11.quantity, [hurt_11], [report_d], "Brenn District Hospital"),),
        contradiction=False,
        low=11,
        best=11,
        high=11,
        rule="conservative",
        reason="the latest figure of a medical service",
        history=(
            _entry(
                date(2025, 3, 5),
                "Brenn District Hospital",
                hurt_11.quantity,
                [hurt_11],
                "Brenn District Hospital",
            ),
        ),
        grade="confirmed",
        grade_reason="Brenn District Hospital, a medical service, states 11",
    )
    episode = Episode(
        id="p-kessel00001",
        event_ids=(demo.clash_id, shelling.id),
        date_start=date(2025, 3, 2),
        date_end=date(2025, 3, 6),
        places=(KESSEL, BRENN),
        actors=(NORTH_MOD, SOUTH_ARMY, BRENN_HOSPITAL),
        report_ids=(demo.report_a, demo.report_b, report_d.id, report_e.id),
        sources=(),
        figures=(killed, wounded),
    )
    ids = {
        "report_d": report_d.id,
        "report_e": report_e.id,
        "claim_north_19": toll_19.id,
        "claim_parts": (part_13.id, part_6.id),
        "claim_more": more_12.id,
    }
    return extractions, [shelling], episode, ids


def demo_claims(demo: DemoStore) -> tuple[Claim, Claim, Claim]:
    """The demo clash's killed claims as stored: Northland's 12, Southland's >40 and 40."""
    with Store(demo.path) as store:
        claims = [s.claim for s in store.event_claims(demo.clash_id) if s.claim.measure == "killed"]
    north = next(c for c in claims if c.id == demo.claim_north)
    south_b = next(c for c in claims if c.id == demo.claim_south)
    south_a = next(c for c in claims if c.quantity.qualifier == "more_than")
    return north, south_a, south_b


def build_episode_store(path: Path) -> EpisodeDemo:
    """The demo store plus the Brenn shelling and the episode joining it to the clash."""
    demo = build_demo_store(path)
    extractions, events, episode, ids = episode_objects(demo)
    with Store(path) as store:
        for extraction in extractions:
            store.add_extraction(extraction)
        store.save_events(events)
        store.save_episodes([episode])
    return EpisodeDemo(demo=demo, episode=episode, shelling_id=events[0].id, **ids)
