"""Load test of the web API: event list and event detail latency under concurrent clients.

    .venv/bin/python bench/api_load.py [--reports 10000] [--duration 20] [--clients 8]
                                       [--db PATH] [--keep]

Builds a store of synthetic reports (made here by a fast generator of Extraction and Event
objects written through the real ``Store``; the NLP pipeline would take far too long for
10,000 reports), serves it with uvicorn on 127.0.0.1 in a subprocess, and drives concurrent
keep-alive clients for a bounded time: the first half on ``/api/events`` (pages, filters,
text search), the second half on ``/api/events/{id}``. Prints p50/p95 latency and requests/s
for each; the last line is ``p95_ms=<event detail p95>`` (target: below 100). Not a test.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx

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

COUNTRIES = ("AFG", "PAK", "IND", "UKR", "RUS", "SDN", "ISR", "IRN", "SYR", "YEM", "MLI", "COD")
OUTLETS = ("Harbor Daily", "Coastal Wire", "Valley Post", "Northern Star", "Ridge Times")
EVENT_TYPES = ("armed_clash", "airstrike", "shelling", "bombing", "raid")
MEASURES = ("killed", "wounded", "captured", "displaced")
FIRST_DAY = date(2023, 1, 1)


# ---------------------------------------------------------------- synthetic store


@dataclass(frozen=True)
class SyntheticEvent:
    id: str
    type: str
    day: date
    place: Place
    sides: tuple[str, str]


def _place(rng: random.Random, country: str, n: int) -> Place:
    lat = round(rng.uniform(-30, 55), 3)
    lon = round(rng.uniform(-15, 75), 3)
    return Place(f"District {n} of {country}", country, f"Province {n % 40}", lat, lon, "district")


def _actor(country: str, role: str) -> Actor:
    return Actor(f"the {country} {role}", f"{role.title()} of {country}", country, "state_forces")


def _report(
    rng: random.Random, n: int, event: SyntheticEvent
) -> tuple[Extraction, list[Claim], Report]:
    """One report about ``event``: a few claims by each side and a quote, offsets computed."""
    own, other = event.sides
    published = event.day + timedelta(days=rng.randint(0, 2))
    outlet = OUTLETS[n % len(OUTLETS)]
    pieces = [f"date {published.isoformat()}\n", f"Report {n} from {event.place.name}.\n"]
    body_start = len(pieces[0])
    offset = sum(len(p) for p in pieces)
    claims: list[Claim] = []
    specs = []
    for measure in rng.sample(MEASURES, k=rng.randint(2, 3)):
        claimant, victim = (own, own) if rng.random() < 0.5 else (other, own)
        value = rng.randint(1, 300)
        sentence = (
            f"The {claimant} command said {value} people on the {victim} side were {measure} "
            f"near {event.place.name} in fighting number {n}."
        )
        specs.append((offset, sentence, measure, value, claimant, victim))
        pieces.append(sentence + " ")
        offset += len(sentence) + 1
    quote_text = f"We hold the line at {event.place.name} after night {n}"
    quote_start = offset + 1
    pieces.append(f"\u201c{quote_text}\u201d, an officer said.\n")
    text = "".join(pieces)
    report = Report(
        source=f"synthetic/{n:06d}.txt",
        text=text,
        body_start=body_start,
        published=published,
        outlet=outlet,
        title=f"Fighting near {event.place.name} ({n})",
    )
    for start, sentence, measure, value, claimant, victim in specs:
        number = str(value)
        q_start = text.index(number, start)
        claims.append(
            Claim(
                report_id=report.id,
                measure=measure,
                quantity=Quantity(value, "exact", value, value, number),
                victim=_actor(victim, "forces"),
                claimant=_actor(claimant, "command"),
                sentence=sentence,
                start=start,
                end=start + len(sentence),
                quantity_start=q_start,
                quantity_end=q_start + len(number),
                frame=0,
            )
        )
    frame = EventFrame(
        report_id=report.id,
        key=0,
        type=event.type,
        trigger="fighting",
        start=specs[0][0],
        end=specs[0][0] + len(specs[0][1]),
        date=DateSpan(event.day, event.day, "day"),
        places=(event.place,),
        actors=(_actor(own, "command"), _actor(other, "command")),
        claim_ids=tuple(c.id for c in claims),
        published=published,
    )
    name_at = text.index(event.place.name)
    quote = Quote(
        report.id,
        quote_text,
        quote_start,
        quote_start + len(quote_text),
        Actor("an officer", None, own, "person"),
    )
    extraction = Extraction(
        report=report,
        claims=tuple(claims),
        quotes=(quote,),
        places=(
            PlaceMention(event.place, name_at, name_at + len(event.place.name), event.place.name),
        ),
        frames=(frame,),
        extractor_version="synthetic",
    )
    return extraction, claims, report


def _figures(claims: list[tuple[Claim, Report]]) -> tuple[Figure, ...]:
    """Per (measure, victim side): one claim group per claimant side, lowest value as best."""
    by_figure: dict[tuple[str, str | None], list[tuple[Claim, Report]]] = {}
    for claim, report in claims:
        victim = claim.victim.country if claim.victim else None
        by_figure.setdefault((claim.measure, victim), []).append((claim, report))
    figures = []
    for (measure, victim), found in sorted(by_figure.items(), key=lambda kv: str(kv[0])):
        groups = []
        by_side: dict[str | None, list[tuple[Claim, Report]]] = {}
        for claim, report in found:
            by_side.setdefault(claim.claimant.country, []).append((claim, report))
        for side, members in sorted(by_side.items(), key=lambda kv: str(kv[0])):
            days = sorted(r.published for _, r in members if r.published)
            value = min(c.quantity.value or 0 for c, _ in members)
            groups.append(
                ClaimGroup(
                    claimant_side=side,
                    claimant_country=side,
                    quantity=Quantity(value, "exact", value, value),
                    claim_ids=tuple(c.id for c, _ in members),
                    report_ids=tuple(dict.fromkeys(r.id for _, r in members)),
                    outlets=tuple(dict.fromkeys(r.outlet for _, r in members if r.outlet)),
                    claimants=tuple(dict.fromkeys(c.claimant.name or "" for c, _ in members)),
                    first_reported=days[0] if days else None,
                    last_reported=days[-1] if days else None,
                )
            )
        values = [g.quantity.value for g in groups if g.quantity.value is not None]
        low, high = min(values), max(values)
        figures.append(
            Figure(
                measure=measure,
                victim_country=victim,
                groups=tuple(groups),
                contradiction=len({g.claimant_side for g in groups}) > 1 and low != high,
                low=low,
                best=low,
                high=high,
                rule="conservative",
                reason="synthetic: the lowest claim",
            )
        )
    return tuple(figures)


def build_synthetic_store(db: Path, n_reports: int, seed: int = 7) -> tuple[list[str], float]:
    """Write ``n_reports`` synthetic reports (about 4 per event) into ``db``; event ids."""
    rng = random.Random(seed)
    started = time.perf_counter()
    n_events = max(1, n_reports // 4)
    events = []
    for i in range(n_events):
        own, other = rng.sample(COUNTRIES, 2)
        events.append(
            SyntheticEvent(
                id=f"e-synth{i:07d}",
                type=rng.choice(EVENT_TYPES),
                day=FIRST_DAY + timedelta(days=rng.randint(0, 1000)),
                place=_place(rng, own, i),
                sides=(own, other),
            )
        )
    members: dict[str, list[tuple[Extraction, list[Claim], Report]]] = {}
    with Store(db) as store:
        for n in range(n_reports):
            event = events[n % n_events]
            made = _report(rng, n, event)
            store.add_extraction(made[0])
            members.setdefault(event.id, []).append(made)
        batch = []
        for event in events:
            made = members.get(event.id, [])
            claims = [(c, r) for _, cs, r in made for c in cs]
            batch.append(
                Event(
                    id=event.id,
                    type=event.type,
                    date_start=event.day,
                    date_end=event.day,
                    places=(event.place,),
                    actors=(_actor(event.sides[0], "command"), _actor(event.sides[1], "command")),
                    frame_ids=tuple(x.frames[0].id for x, _, _ in made),
                    report_ids=tuple(r.id for _, _, r in made),
                    sources=tuple(r.source for _, _, r in made),
                    figures=_figures(claims),
                )
            )
            if len(batch) >= 500:
                store.save_events(batch)
                batch = []
        store.save_events(batch)
    return [e.id for e in events], time.perf_counter() - started


# ---------------------------------------------------------------- server and clients


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys; from sitrep.api import serve; "
        "serve(sys.argv[1], host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')"
    )
    process = subprocess.Popen([sys.executable, "-c", code, str(db), str(port)])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with code {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stats", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit("the server did not answer within 30 s")


@dataclass
class Result:
    latencies_ms: list[float]
    errors: int
    seconds: float

    def line(self, name: str) -> str:
        if not self.latencies_ms:
            return f"{name}: no successful requests ({self.errors} errors)"
        ordered = sorted(self.latencies_ms)
        p50 = statistics.median(ordered)
        p95 = self.p95
        rate = len(ordered) / self.seconds
        return (
            f"{name}: {len(ordered)} requests, p50={p50:.1f} ms, p95={p95:.1f} ms, "
            f"{rate:.1f} req/s, errors={self.errors}"
        )

    @property
    def p95(self) -> float:
        ordered = sorted(self.latencies_ms) or [float("nan")]
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def drive(
    base: str, next_url: Callable[[random.Random], str], clients: int, seconds: float
) -> Result:
    """``clients`` threads, each with a keep-alive connection, requesting until the deadline."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.monotonic() + seconds

    def worker(index: int) -> None:
        rng = random.Random(index)
        with httpx.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < deadline:
                url = next_url(rng)
                started = time.perf_counter()
                try:
                    ok = client.get(url).status_code == 200
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                if ok:
                    latencies[index].append(elapsed)
                else:
                    errors[index] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result([x for per in latencies for x in per], sum(errors), time.monotonic() - started)


def event_list_urls(n_events: int) -> Callable[[random.Random], str]:
    def url(rng: random.Random) -> str:
        kind = rng.random()
        if kind < 0.4:
            return f"/api/events?limit=50&offset={rng.randrange(0, max(1, n_events - 50))}"
        if kind < 0.6:
            return f"/api/events?country={rng.choice(COUNTRIES)}&limit=50"
        if kind < 0.8:
            start = FIRST_DAY + timedelta(days=rng.randint(0, 900))
            end = start + timedelta(days=60)
            return f"/api/events?date_from={start}&date_to={end}&limit=50"
        return f"/api/events?q={rng.choice(MEASURES)}&type={rng.choice(EVENT_TYPES)}&limit=50"

    return url


def event_detail_urls(event_ids: list[str]) -> Callable[[random.Random], str]:
    return lambda rng: f"/api/events/{rng.choice(event_ids)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds, both phases")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--db", type=Path, help="reuse or create the store here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store")
    args = parser.parse_args(argv)
    if args.reports < 1 or args.clients < 1 or not 1 <= args.duration <= 600:
        parser.error("need --reports >= 1, --clients >= 1 and 1 <= --duration <= 600")

    workdir = Path(tempfile.mkdtemp(prefix="sitrep-api-load-"))
    db = args.db or workdir / "load.db"
    if db.exists():
        with Store.open_readonly(db) as store:
            event_ids = [e["id"] for e in store.events(limit=5000)["items"]]
            n_reports = store.stats()["reports"]
        print(f"store: reusing {db} ({n_reports} reports, sampling {len(event_ids)} events)")
    else:
        event_ids, took = build_synthetic_store(db, args.reports)
        print(
            f"store: {args.reports} synthetic reports, {len(event_ids)} events, built in "
            f"{took:.1f} s directly from Extraction/Event objects (not through the NLP pipeline)"
        )

    port = free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        half = args.duration / 2
        print(f"load: {args.clients} clients on {base}, {half:.0f} s per endpoint")
        listing = drive(base, event_list_urls(len(event_ids)), args.clients, half)
        detail = drive(base, event_detail_urls(event_ids), args.clients, half)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep and args.db is None:
            for path in sorted(workdir.glob("*")):
                path.unlink()
            workdir.rmdir()
        elif args.keep:
            print(f"store kept at {db}")
    print(listing.line("events list"))
    print(detail.line("event detail"))
    print(f"p95_ms={detail.p95:.1f}")
    return 0 if listing.latencies_ms and detail.latencies_ms else 1


if __name__ == "__main__":
    sys.exit(main())
