"""Articles per second from a web archive, with the relevance filter on and off, in one run.

Builds a gzip WARC of a few thousand HTML pages shaped like a news crawl (CC-NEWS is mostly
sport, business, entertainment and weather): ``--conflict`` of them are conflict reports
(``bench/synth.py``, or with ``--gvdb`` GVDB articles read from ../shared at run time), the
rest invented everyday news written below. Then ingests the archive into a fresh store twice,
the filter on and off (same warmed-up extractor; ``--repeats N`` alternates the order and
keeps each side's best run), and prints pages/s for each, their ratio
and the share of pages the filter skipped. The last line is
``ratio=<filter-on pages/s ÷ filter-off pages/s> skipped=<share>``.

    python bench/warc_throughput.py                      # 3000 pages, 20% conflict
    python bench/warc_throughput.py --pages 500 --conflict 0.1
    python bench/warc_throughput.py --gvdb 300           # conflict pages from GVDB
"""

from __future__ import annotations

import argparse
import html
import io
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"

# ---- everyday news, invented ------------------------------------------------------------------

TEAMS = [
    "Northbridge Rovers",
    "Castlemere City",
    "Port Albany",
    "Redfield United",
    "Lakeside Athletic",
    "Eastvale Town",
    "the Harbour Hawks",
    "Millbrook Wanderers",
]
PEOPLE = [
    "Maya Lindqvist",
    "Tomas Ferreira",
    "Anya Okafor",
    "Julien Marchetti",
    "Priya Raman",
    "Oskar Brandt",
    "Leila Haddad",
    "Sam Whitaker",
    "Nora Castellanos",
    "Ivo Petrak",
]
COMPANIES = [
    "Brightwell Foods",
    "Kestrel Motors",
    "Orion Telecom",
    "Halden Bank",
    "Greenleaf Energy",
    "Nimbus Software",
    "Atlas Shipping",
    "Copperline Mining",
]
CITIES = ["Harrowgate", "Saltmarsh", "Pine Hollow", "Westerby", "Corrin Bay", "Elmstead"]

SPORT = [
    "{team} beat {team2} {a}-{b} on Saturday in front of a crowd of {crowd:,}.",
    "{person} scored twice in the second half, the second a curling effort from the edge of"
    " the box.",
    "The coach said afterwards that his side had finally found their rhythm in midfield.",
    "{team2} had the better of the opening twenty minutes but could not turn pressure into goals.",
    "The win lifts {team} to {rank}th in the table, {pts} points behind the leaders.",
    "{person} has now scored {goals} goals this season, one short of the club record.",
    "A late penalty appeal was waved away by the referee after a long look at the replay.",
    "Next week {team} travel to {city} for a cup tie that the manager called the biggest of"
    " the year.",
    "The young goalkeeper made three fine saves and was named player of the match.",
    "Season ticket sales have risen for the third year running, the club said.",
]
BUSINESS = [
    "{company} said on Tuesday that quarterly revenue rose {pct}% to {money} million.",
    "Shares in {company} climbed {pct2}% in early trading after the results beat forecasts.",
    "The chief executive, {person}, told analysts that demand in {city} had been strong.",
    "The firm plans to open {n} new sites next year and to hire about {hires} staff.",
    "Analysts said higher costs for energy and shipping would weigh on margins.",
    "{company} also raised its dividend and announced a share buyback worth {money2} million.",
    "A rival, {company2}, reported flat sales and cut its outlook for the full year.",
    "The central bank kept interest rates on hold, citing a steady labour market.",
    "Consumer confidence edged up for a second month, a survey published on Friday showed.",
    "The company expects the new product line to reach stores before the holidays.",
]
CELEBRITY = [
    "{person} announced on social media that a new album will be released in the spring.",
    "The singer, who grew up in {city}, said the record was written during a long tour.",
    "Tickets for the {n}-date tour sold out within hours, the promoter said.",
    "{person} and {person2} were seen together at a film premiere in {city} on Sunday night.",
    "The actor wore a vintage suit and spent several minutes signing autographs for fans.",
    "The new series, filmed over eight months, opens with a double episode next week.",
    "Critics praised the director for a bold ending that divided early audiences.",
    "A spokesperson declined to comment on reports of a wedding later this year.",
    "The show's second season drew {viewers} million viewers on its first night.",
    "{person} thanked fans for their support and promised a surprise at the final concert.",
]
WEATHER = [
    "Forecasters expect a sunny weekend in {city} with highs of {temp} degrees.",
    "Light rain on Monday should clear by the afternoon, the weather service said.",
    "Gardeners are advised to water plants in the evening while the dry spell lasts.",
    "The pollen count will be high on Saturday, which may trouble hay fever sufferers.",
    "Winds will pick up along the coast later in the week but no warnings are in place.",
    "Temperatures are expected to stay above the seasonal average until the end of the month.",
]  # fmt: skip
# Everyday stories that do use the words of harm (accidents, obituaries, courts, injuries in
# sport): the filter should pass them, and they cost a parse.
LOCAL = [
    "Two people were injured when a lorry overturned on the ring road near {city} on Monday.",
    "{person}, the founder of {company}, has died at the age of {age}, the family said.",
    "Police arrested a man on suspicion of burglary after a chase through the town centre.",
    "The {team} striker is out for six weeks after he injured his knee in training.",
    "A court in {city} fined the landlord for failing to repair a collapsed ceiling.",
    "Firefighters were called to a kitchen fire in a restaurant late on Friday; no one was hurt.",
    "The council said the bridge would stay closed while engineers inspect the damage.",
    "Witnesses described hearing a loud bang before the car hit the barrier.",
    "A memorial service will be held next month at the church where {person} was married.",
    "The accident is the third on that stretch of road this year, residents said.",
]
TOPICS = {
    "sport": SPORT,
    "business": BUSINESS,
    "celebrity": CELEBRITY,
    "weather": WEATHER,
    "local": LOCAL,
}


def everyday_page(rng: random.Random, topic: str) -> tuple[str, str]:
    """(title, text) of an invented everyday news story."""
    pool = TOPICS[topic]
    values = {
        "team": rng.choice(TEAMS), "team2": rng.choice(TEAMS), "person": rng.choice(PEOPLE),
        "person2": rng.choice(PEOPLE), "company": rng.choice(COMPANIES),
        "company2": rng.choice(COMPANIES), "city": rng.choice(CITIES), "a": rng.randint(1, 5),
        "b": rng.randint(0, 3), "crowd": rng.randint(5, 60) * 1000, "rank": rng.randint(4, 12),
        "pts": rng.randint(1, 15), "goals": rng.randint(5, 25), "pct": rng.randint(2, 30),
        "pct2": rng.randint(1, 12), "money": rng.randint(40, 900), "money2": rng.randint(10, 300),
        "n": rng.randint(3, 40), "hires": rng.randint(50, 900), "viewers": rng.randint(2, 12),
        "temp": rng.randint(14, 31), "age": rng.randint(60, 97),
    }  # fmt: skip
    sentences = rng.sample(pool, k=min(len(pool), rng.randint(5, 8)))
    paragraphs = [" ".join(s.format(**values) for s in sentences[i : i + 2])
                  for i in range(0, len(sentences), 2)]  # fmt: skip
    title = sentences[0].format(**values).split(",")[0][:80]
    return title, "\n\n".join(paragraphs)


# ---- pages and the archive --------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    text: str
    conflict: bool


def conflict_texts(count: int, gvdb: int, seed: int) -> Iterator[tuple[str, str]]:
    """(title, text) of conflict reports: GVDB articles first (when asked), then synthetic."""
    if gvdb:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import corpus_eval

        path = SHARED / corpus_eval.GVDB_DIR / "test.tsv"
        for article in corpus_eval.read_gvdb(path, limit=min(gvdb, count)):
            report = article.report
            yield report.title or "Report", report.text
            count -= 1
    from synth import generate_reports

    for report in generate_reports(count, seed=seed):
        lines = report.body.strip().split("\n", 1)
        yield lines[0][:80], report.body


def build_pages(total: int, conflict_share: float, gvdb: int, seed: int) -> list[Page]:
    rng = random.Random(seed)
    conflict_count = round(total * conflict_share)
    pages = [
        Page(f"https://news.example/conflict/{n}", title, text, True)
        for n, (title, text) in enumerate(conflict_texts(conflict_count, gvdb, seed))
    ]
    topics = list(TOPICS)
    for n in range(total - len(pages)):
        topic = rng.choice(topics)
        title, text = everyday_page(rng, topic)
        pages.append(Page(f"https://news.example/{topic}/{n}", title, text, False))
    rng.shuffle(pages)
    return pages


def page_html(page: Page) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in page.text.split("\n\n") if p.strip())
    return (
        f"<!doctype html><html><head><title>{html.escape(page.title)}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav><article>"
        f"<h1>{html.escape(page.title)}</h1>{paragraphs}</article>"
        f"<footer>Copyright News Example</footer></body></html>"
    ).encode()


def write_warc(pages: Sequence[Page], path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for page in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                page.url,
                "response",
                payload=io.BytesIO(page_html(page)),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2025-01-15T12:00:00Z"},
            )
            writer.write_record(record)


# ---- the timed runs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    name: str
    pages: int
    seconds: float
    skipped: frozenset[str]  # URLs of the pages the filter skipped
    added: int

    @property
    def per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else float("inf")


def ingest_run(name: str, warc: Path, folder: Path, extractor: object, filtered: bool) -> Run:
    from sitrep.ingest import read_reports
    from sitrep.ingest.relevance import RelevanceFilter
    from sitrep.process import IngestSummary, ingest_reports, split_errors
    from sitrep.store import Store

    relevance = RelevanceFilter(enabled=filtered)
    summary = IngestSummary()
    started = time.perf_counter()
    with Store(folder / f"{name}.db") as store:
        skipped: set[str] = set()
        reports = relevance.keep(
            split_errors(read_reports([warc]), summary),
            on_skip=lambda report: skipped.add(report.url or report.source),
        )
        ingest_reports(store, reports, extractor=extractor, summary=summary)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    pages = relevance.kept + relevance.skipped
    if summary.errors:
        print(f"  {len(summary.errors)} read errors, first: {summary.errors[0]}", file=sys.stderr)
    return Run(name, pages, seconds, frozenset(skipped), summary.added)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000, help="pages in the archive")
    parser.add_argument("--conflict", type=float, default=0.2, help="share of conflict pages")
    parser.add_argument("--gvdb", type=int, default=0, help="conflict pages taken from GVDB")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=1, help="timed runs of each (best kept)")
    args = parser.parse_args(argv)
    if args.gvdb and not (SHARED / "data" / "gvdb").is_dir():
        parser.error(f"--gvdb needs {SHARED}/data/gvdb")

    from sitrep.nlp.pipeline import Extractor

    pages = build_pages(args.pages, args.conflict, args.gvdb, args.seed)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        warc = folder / "news.warc.gz"
        write_warc(pages, warc)
        size = warc.stat().st_size
        conflict = sum(page.conflict for page in pages)
        print(f"archive: {len(pages)} pages ({conflict} conflict), {size / 1e6:.1f} MB gzip")
        extractor = Extractor()
        # Warm up: model, catalogs and linker caches load before any timed run.
        warm = folder / "warm.warc.gz"
        write_warc(pages[:30], warm)
        ingest_run("warm", warm, folder, extractor, False)
        best: dict[str, Run] = {}
        for repeat in range(args.repeats):
            order = [True, False] if repeat % 2 == 0 else [False, True]
            for filtered in order:
                name = "filter_on" if filtered else "filter_off"
                run = ingest_run(f"{name}{repeat}", warc, folder, extractor, filtered)
                if name not in best or run.seconds < best[name].seconds:
                    best[name] = Run(name, run.pages, run.seconds, run.skipped, run.added)
        runs = [best["filter_on"], best["filter_off"]]
    for run in runs:
        print(
            f"{run.name}: {run.pages} pages in {run.seconds:.1f}s = {run.per_second:.1f} pages/s,"
            f" {len(run.skipped)} skipped, {run.added} reports stored"
        )
    on, off = runs
    lost = sum(page.conflict and page.url in on.skipped for page in pages)
    everyday = len(pages) - conflict
    kept = everyday - sum(not page.conflict and page.url in on.skipped for page in pages)
    print(f"filter on: {lost} of {conflict} conflict pages skipped,"
          f" {kept} of {everyday} everyday pages parsed anyway")  # fmt: skip
    print(f"ratio={on.per_second / off.per_second:.2f} skipped={len(on.skipped) / on.pages:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
