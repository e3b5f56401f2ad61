"""The `sitrep` command: a thin Typer veneer over the library.

Every command that touches the store takes ``--db`` (default ``$SITREP_DB`` or ``sitrep.db``).
Errors print one line on stderr and exit non-zero; no tracebacks for bad input.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

app = typer.Typer(
    name="sitrep",
    help="Turn news reports about armed conflict into a sourced, queryable record.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DEFAULT_DB = "sitrep.db"
DbOption = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="SITREP_DB",
        help="SQLite store (default: $SITREP_DB or ./sitrep.db).",
        show_default=DEFAULT_DB,
    ),
]
RuleOption = Annotated[
    str,
    typer.Option(
        "--rule", help="Reconciliation rule: conservative, ucdp or latest (`sitrep rules`)."
    ),
]
CatalogOption = Annotated[
    list[Path] | None,
    typer.Option("--catalog", help="Extra actor catalog file or folder (TOML); repeatable."),
]
NoBundledOption = Annotated[
    bool,
    typer.Option(
        "--no-bundled-actors",
        help="Resolve actors with the --catalog files only, not the bundled catalogs.",
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
# The filters and paging of the event and episode lists.
FromOption = Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")]
ToOption = Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")]
CountryOption = Annotated[str | None, typer.Option(help="ISO3 country code.")]
ActorOption = Annotated[str | None, typer.Option(help="Actor name (substring).")]
SearchOption = Annotated[str | None, typer.Option("--q", help="Full-text search.")]
LimitOption = Annotated[int, typer.Option(help="Rows per page.")]
OffsetOption = Annotated[int, typer.Option(help="Rows to skip.")]
MaxBytesOption = Annotated[int, typer.Option(help="Largest file (or JSONL line) accepted.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
LinkOption = Annotated[
    list[str] | None,
    typer.Option(
        "--link",
        help="Linker setting FIELD=VALUE (e.g. near_km=15, absorb_max_reports=0); repeatable."
        " Fields: sitrep.link.LinkConfig.",
    ),
]
EpisodeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--episode",
        help="Episode setting FIELD=VALUE (e.g. max_gap_days=2, theatre=country); repeatable."
        " Fields: sitrep.link.EpisodeConfig.",
    ),
]

NoFilterFlag = Annotated[
    bool,
    typer.Option(
        "--no-filter",
        help="Parse every report: turn off the relevance filter that skips reports without"
        " violence or conflict vocabulary.",
    ),
]


class CliError(Exception):
    """A user-facing error: printed as one line, exit code 2."""


def fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one-line messages."""
    from sitrep.knowledge import KnowledgeError
    from sitrep.store import StoreError

    try:
        yield
    except (StoreError, KnowledgeError, CliError, ValueError, RuntimeError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; everything stored so far is kept, re-run to resume", 130)


def _check_rule(rule: str) -> str:
    from sitrep.reconcile import RULES

    if rule not in RULES:
        raise CliError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
    return rule


def _db(path: Path, *, must_exist: bool = True) -> Path:
    if must_exist and not path.exists():
        raise CliError(f"no store at {path}: run `sitrep ingest PATH... --db {path}` first")
    return path


def _dump(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (.txt, .html, .jsonl, .warc, .warc.gz)."),
    ],
    db: DbOption = Path(DEFAULT_DB),
    rule: RuleOption = "conservative",
    catalog: CatalogOption = None,
    no_bundled_actors: NoBundledOption = False,
    workers: Annotated[int, typer.Option(help="spaCy worker processes.")] = 1,
    batch_size: Annotated[int, typer.Option(help="Reports per spaCy batch.")] = 32,
    max_bytes: MaxBytesOption = 5_000_000,
    quiet: QuietOption = False,
    link: LinkOption = None,
    no_filter: NoFilterFlag = False,
    episode: EpisodeOption = None,
) -> None:
    """Read reports, extract claims, quotes and events, link and reconcile them into the store."""
    from sitrep.ingest import count_inputs
    from sitrep.link import episode_settings, link_settings
    from sitrep.nlp.pipeline import Extractor
    from sitrep.process import IngestSummary, ingest_reports
    from sitrep.store import Store

    with user_errors():
        _check_rule(rule)
        link_config = link_settings(link or ())
        episode_config = episode_settings(episode or ())
        extractor = Extractor(
            catalogs=catalog or (),
            bundled_actors=not no_bundled_actors,
            n_process=workers,
            batch_size=batch_size,
        )
        with Store(db) as store, _progress(quiet) as bar:
            task = bar.add_task("ingesting", total=count_inputs(paths) or None)
            summary = IngestSummary()
            relevance, reports = _readable_reports(paths, max_bytes, summary, bar, task, no_filter)
            summary = ingest_reports(
                store,
                reports,
                extractor=extractor,
                rule=rule,
                summary=summary,
                progress=lambda _what, n: bar.advance(task, n),
                link_config=link_config,
                episode_config=episode_config,
            )
            stats = store.stats()
    _finish(summary, stats, db, skipped=relevance.skipped)


@app.command()
def backfill(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (.txt, .html, .jsonl, .warc, .warc.gz)."),
    ],
    db: DbOption = Path(DEFAULT_DB),
    scheduler: Annotated[
        str,
        typer.Option(help="`local` (a cluster here) or a Dask scheduler, tcp://HOST:8786."),
    ] = "local",
    workers: Annotated[int, typer.Option(help="Worker processes of a local cluster.")] = 2,
    partition_size: Annotated[int, typer.Option(help="Reports per partition (task).")] = 32,
    in_flight: Annotated[
        int | None, typer.Option(help="Partitions out at once (default: twice the workers).")
    ] = None,
    rule: RuleOption = "conservative",
    catalog: CatalogOption = None,
    max_bytes: MaxBytesOption = 5_000_000,
    quiet: QuietOption = False,
    link: LinkOption = None,
    no_bundled_actors: NoBundledOption = False,
    no_filter: NoFilterFlag = False,
    episode: EpisodeOption = None,
) -> None:
    """Like `ingest`, with extraction on a Dask cluster; the store is the one ingest builds."""
    from sitrep.backfill import backfill_reports, connect, dashboard_note
    from sitrep.ingest import count_inputs
    from sitrep.link import episode_settings, link_settings
    from sitrep.process import IngestSummary
    from sitrep.store import Store

    with user_errors():
        _check_rule(rule)
        link_config = link_settings(link or ())
        episode_config = episode_settings(episode or ())
        with Store(db) as store, connect(scheduler, workers=workers) as client:
            err.print(dashboard_note(client), highlight=False, markup=False)
            with _progress(quiet) as bar:
                task = bar.add_task("backfilling", total=count_inputs(paths) or None)
                summary = IngestSummary()
                relevance, reports = _readable_reports(
                    paths, max_bytes, summary, bar, task, no_filter
                )
                summary = backfill_reports(
                    store,
                    reports,
                    client,
                    summary=summary,
                    catalogs=catalog or (),
                    bundled_actors=not no_bundled_actors,
                    rule=rule,
                    link_config=link_config,
                    episode_config=episode_config,
                    partition_size=partition_size,
                    max_in_flight=in_flight,
                    progress=lambda _what, n: bar.advance(task, n),
                )
            stats = store.stats()
    _finish(summary, stats, db, skipped=relevance.skipped)


def _readable_reports(
    paths: list[Path],
    max_bytes: int,
    summary: Any,
    bar: Progress,
    task: Any,
    no_filter: bool,
) -> tuple[Any, Iterator[Any]]:
    """The reports read from ``paths``, unreadable inputs printed one line each and counted in
    ``summary``, behind the relevance filter (between reading and spaCy: a skipped report costs
    no parse); the filter is returned for its count."""
    from sitrep.ingest import read_reports
    from sitrep.ingest.relevance import RelevanceFilter
    from sitrep.process import split_errors

    def on_error(error: Any) -> None:
        bar.console.print(f"error: {error}", highlight=False, markup=False)

    relevance = RelevanceFilter(enabled=not no_filter)
    reports = relevance.keep(
        split_errors(read_reports(paths, max_bytes=max_bytes), summary, on_error),
        on_skip=lambda _report: bar.advance(task, 1),
    )
    return relevance, reports


def _finish(summary: Any, stats: dict[str, Any], db: Path, *, skipped: int) -> None:
    """The closing lines of an ingest or backfill; exit 1 when some input was unreadable."""
    err.print(
        f"{summary.added} added, {summary.unchanged} unchanged, {summary.duplicates} near-copies, "
        f"{summary.claims} claims, {summary.quotes} quotes, "
        f"{summary.events_touched} events touched; "
        f"store {db}: {stats.get('reports', 0)} reports, {stats.get('claims', 0)} claims, "
        f"{stats.get('events', 0)} events",
        highlight=False,
    )
    if skipped:
        err.print(
            f"{skipped} report(s) skipped by the relevance filter (no violence or"
            " conflict vocabulary; --no-filter keeps them)",
            highlight=False,
        )
    if summary.errors:
        err.print(f"{len(summary.errors)} input(s) could not be read (see above)", highlight=False)
        raise typer.Exit(1)


@contextmanager
def _progress(quiet: bool) -> Iterator[Progress]:
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )
    with progress:
        yield progress


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="Report files, processed as one corpus.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON Lines, one object per file.")
    ] = False,
    events: Annotated[
        Path | None,
        typer.Option("--events", help="Also write the linked events to this JSON file."),
    ] = None,
    rule: RuleOption = "conservative",
    catalog: CatalogOption = None,
    no_bundled_actors: NoBundledOption = False,
    link: LinkOption = None,
    episode: EpisodeOption = None,
) -> None:
    """Extract files without a store (CONTRACT JSON with --json).

    Claims carry event and episode ids. With --json the documents are written once the whole
    corpus is linked, so their ids are the final ones; --events writes `events` and
    `episodes`."""
    from sitrep.ingest import read_reports
    from sitrep.link import episode_settings, link_settings
    from sitrep.nlp.pipeline import Extractor
    from sitrep.process import CorpusRun, IngestSummary, split_errors

    with user_errors():
        _check_rule(rule)
        link_config = link_settings(link or ())
        episode_config = episode_settings(episode or ())
        summary = IngestSummary()
        run = CorpusRun.with_link_config(
            Extractor(catalogs=catalog or (), bundled_actors=not no_bundled_actors),
            link_config,
            rule=rule,
            episode_config=episode_config,
        )
        reports = split_errors(
            read_reports(files), summary, lambda e: err.print(f"error: {e}", markup=False)
        )
        documents = []
        for extraction, document in run.documents(reports):
            if as_json:
                documents.append(document)
            else:
                _print_claims_table(document["claims"], title=extraction.report.source)
        if as_json or events is not None:
            linked = run.events()
            episodes = run.episodes(linked)
            for document in documents:
                sys.stdout.write(json.dumps(run.final_ids(document), ensure_ascii=False) + "\n")
            if events is not None:
                payload = {
                    "events": [e.to_dict() for e in linked],
                    "episodes": [p.to_dict() for p in episodes],
                }
                text = json.dumps(payload, ensure_ascii=False, indent=2)
                events.write_text(text, encoding="utf-8")
        if (moves := run.linker.take_regrouped()) and as_json:
            err.print(
                f"note: reports were regrouped {len(moves)} time(s) while the corpus was linked"
                " (an event split, or a small event absorbed by a larger one); the documents"
                " carry the final event and episode ids",
                markup=False,
            )
        elif moves:
            err.print(
                f"note: reports were regrouped {len(moves)} time(s) after some were printed"
                " (an event split, or a small event absorbed by a larger one); their claims'"
                " event ids are the ones at that moment"
                + (f", {events} has the final events" if events is not None else ""),
                markup=False,
            )
    if summary.errors:
        raise typer.Exit(1)


def _print_claims_table(claims: list[dict[str, Any]], *, title: str | None = None) -> None:
    table = Table(title=title, show_lines=False, expand=True)
    table.add_column("claimant", style="cyan", ratio=2)
    table.add_column("figure", justify="right", ratio=1)
    table.add_column("about whom", ratio=2)
    table.add_column("source sentence", ratio=5)
    for c in claims:
        table.add_row(
            _actor_label(c.get("claimant"), resolved=True),
            _figure_label(c),
            _actor_label(c.get("victim")),
            c.get("sentence", ""),
        )
    out.print(table)


def _actor_label(actor: dict[str, Any] | None, *, resolved: bool = False) -> str:
    if not actor:
        return "—"
    text = actor.get("text") or actor.get("name") or ""
    name = actor.get("name")
    if resolved and name and text.split()[0].lower() in REFERRING_WORDS:
        text = f"{text} → {name}"  # a pronoun or title resolved: "He → Zabihullah Mujahid"
    bits = [b for b in (actor.get("country"), actor.get("type")) if b]
    if not text and actor.get("type") == "media":
        return "(the outlet)"
    return f"{text} [{'/'.join(bits)}]" if bits else text or "—"


REFERRING_WORDS = {"he", "she", "it", "they", "we", "its", "their", "his", "her", "the"}
HEDGE_WORDS = {
    "more_than": "more than ",
    "at_least": "at least ",
    "about": "about ",
    "up_to": "up to ",
    "exact": "",
}


def _figure_label(c: dict[str, Any]) -> str:
    measure = c.get("measure", "")
    if c.get("value") is None:
        label = f"{c.get('quantity_text') or 'some'} {measure}"
    elif c.get("qualifier") == "range":
        label = f"{c.get('low')}–{c.get('high')} {measure}"
    else:
        label = f"{HEDGE_WORDS.get(c.get('qualifier') or 'exact', '')}{c['value']} {measure}"
    if c.get("statistic"):
        period = c.get("period") or {}
        span = f"{period.get('start')}…{period.get('end')}" if period else "a period"
        label += f" (statistic over {span})"
    return label


@app.command()
def claims(
    db: DbOption = Path(DEFAULT_DB),
    q: Annotated[
        str | None, typer.Option("--q", "-q", help="Full-text search in sentences.")
    ] = None,
    event: Annotated[str | None, typer.Option(help="Only claims of this event.")] = None,
    measure: Annotated[str | None, typer.Option(help="killed, wounded, captured, ...")] = None,
    country: Annotated[str | None, typer.Option(help="Victim country (ISO3).")] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: JsonFlag = False,
) -> None:
    """List claims: claimant → figure → about whom → source sentence."""
    from sitrep.store import Store

    with user_errors(), Store.open_readonly(_db(db)) as store:
        page = store.claims(
            q=q, event_id=event, measure=measure, country=country, limit=limit, offset=offset
        )
    if as_json:
        _dump(page)
        return
    _print_claims_table(page["items"], title=f"{page['total']} claims")


@app.command()
def events(
    db: DbOption = Path(DEFAULT_DB),
    date_from: FromOption = None,
    date_to: ToOption = None,
    country: CountryOption = None,
    actor: ActorOption = None,
    type: Annotated[str | None, typer.Option("--type", help="Event type.")] = None,
    q: SearchOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: JsonFlag = False,
) -> None:
    """List linked events, newest first."""
    _list_page(
        "events",
        db,
        date_from=date_from,
        date_to=date_to,
        filters={"country": country, "actor": actor, "type": type, "q": q},
        limit=limit,
        offset=offset,
        as_json=as_json,
        columns=("id", "type", "dates", "where", "reports", "killed", "headline"),
        row=_event_row,
    )


def _event_row(e: dict[str, Any]) -> tuple[str, ...]:
    killed = e.get("killed") or {}
    fig = (
        ""
        if not killed
        else f"{killed.get('low')}–{killed.get('high') or '?'} (best {killed.get('best')})"
    )
    if e.get("contradiction"):
        fig += " ⚠"
    return (
        e["id"],
        e.get("type") or "",
        _dates_label(e.get("date_start"), e.get("date_end")),
        ", ".join(e.get("places") or e.get("countries") or []),
        str(e.get("n_reports", "")),
        fig,
        (e.get("headline") or "")[:80],
    )


def _list_page(
    kind: str,
    db: Path,
    *,
    date_from: str | None,
    date_to: str | None,
    filters: dict[str, Any],
    limit: int,
    offset: int,
    as_json: bool,
    columns: tuple[str, ...],
    row: Callable[[dict[str, Any]], tuple[str, ...]],
) -> None:
    """One page of the store's ``kind`` list ("events" or "episodes") under the dates typed
    after --from/--to and ``filters``: as JSON, or a table of ``columns``, one ``row`` an item."""
    from sitrep.store import Store

    with user_errors(), Store.open_readonly(_db(db)) as store:
        page = getattr(store, kind)(
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
            **filters,
            limit=limit,
            offset=offset,
        )
    if as_json:
        _dump(page)
        return
    table = Table(title=f"{page['total']} {kind}", expand=True)
    for col in columns:
        table.add_column(col)
    for item in page["items"]:
        table.add_row(*row(item))
    out.print(table)


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(f"{name} wants a date as YYYY-MM-DD, got {value!r}") from None


def _dates_label(start: str | None, end: str | None) -> str:
    if not start:
        return "undated"
    return start if not end or end == start else f"{start} – {end}"


@app.command()
def show(
    event_id: Annotated[
        str, typer.Argument(help="Event or episode id (see `sitrep events`, `sitrep episodes`).")
    ],
    db: DbOption = Path(DEFAULT_DB),
    rule: Annotated[
        str | None, typer.Option("--rule", help="Recompute figures with another rule.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The claims ledger of one event or episode.

    Each side's figures side by side, with sources; for an episode, each side's running toll
    in the order reported and its grade."""
    from sitrep.store import Store

    with user_errors(), Store.open_readonly(_db(db)) as store:
        detail = store.event(event_id)
        if detail is None and (episode := store.episode(event_id)) is not None:
            if rule is not None:
                from sitrep.link import build_episode

                events = store.events_of_episode(event_id)
                claims = store.episode_claims(event_id)
                rebuilt = build_episode(event_id, events, claims, rule=_check_rule(rule))
                episode["figures"] = [f.to_dict() for f in rebuilt.figures]
            if as_json:
                _dump(episode)
            else:
                _print_episode_ledger(episode)
            return
        if detail is None:
            raise CliError(f"no event or episode {event_id!r} in {db}")
        if rule is not None:
            from sitrep.process import rebuild_event

            detail["figures"] = [
                f.to_dict() for f in rebuild_event(store, event_id, rule=_check_rule(rule)).figures
            ]
    if as_json:
        _dump(detail)
        return
    _print_ledger(detail)


@app.command()
def episodes(
    db: DbOption = Path(DEFAULT_DB),
    date_from: FromOption = None,
    date_to: ToOption = None,
    country: CountryOption = None,
    actor: ActorOption = None,
    type: Annotated[str | None, typer.Option("--type", help="Type of one of its events.")] = None,
    q: SearchOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    as_json: JsonFlag = False,
) -> None:
    """List episodes (events grouped into one story), newest first, with their tolls."""
    _list_page(
        "episodes",
        db,
        date_from=date_from,
        date_to=date_to,
        filters={"country": country, "actor": actor, "type": type, "q": q},
        limit=limit,
        offset=offset,
        as_json=as_json,
        columns=("id", "dates", "where", "events", "reports", "tolls", "headline"),
        row=_episode_row,
    )


def _episode_row(e: dict[str, Any]) -> tuple[str, ...]:
    tolls = "\n".join(_toll_label(t) for t in e.get("tolls") or [] if t.get("best") is not None)
    if e.get("contradiction"):
        tolls += " ⚠"
    return (
        e["id"],
        _dates_label(e.get("date_start"), e.get("date_end")),
        _short_list(e.get("places") or e.get("countries") or [], 3),
        str(e.get("n_events", "")),
        str(e.get("n_reports", "")),
        tolls,
        (e.get("headline") or "")[:80],
    )


def _short_list(names: list[str], most: int) -> str:
    """The first ``most`` names, and how many more."""
    more = f" +{len(names) - most}" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _toll_label(toll: dict[str, Any]) -> str:
    """ "killed PAK 23 [23–58] admitted": best figure, span and grade of one victim side."""
    who = toll.get("victim_country") or toll.get("victim_side") or "?"
    if len(who) > 24:
        who = who[:23] + "…"
    high = toll.get("high")
    span = f"[{toll.get('low')}–{high if high is not None else '?'}]"
    grade = f" {toll['grade']}" if toll.get("grade") else ""
    return f"{toll.get('measure')} {who} {toll.get('best')} {span}{grade}"


def _figure_heading(fig: dict[str, Any], side: str | None) -> str:
    """ "killed of PAK CONTRADICTION  low 23 · best 23 · high 58": one figure's first line."""
    flag = " [bold red]CONTRADICTION[/]" if fig.get("contradiction") else ""

    def shown(value: Any, none: str) -> str:
        return none if value is None else str(value)

    return (
        f"[bold]{fig['measure']}[/] of {side or 'unknown side'}{flag}  "
        f"low {shown(fig.get('low'), '—')} · best {shown(fig.get('best'), '—')} · "
        f"high {shown(fig.get('high'), 'open')}"
    )


def _print_episode_ledger(detail: dict[str, Any]) -> None:
    places = ", ".join(p["name"] for p in detail.get("places", [])[:6]) or "place unknown"
    out.print(
        f"[bold]{detail['id']}[/] episode · "
        f"{_dates_label(detail.get('date_start'), detail.get('date_end'))} · {places} · "
        f"{len(detail.get('events', []))} events, {len(detail.get('reports', []))} reports",
        highlight=False,
    )
    claims_by_id = {c["id"]: c for c in detail.get("claims", [])}
    for fig in detail.get("figures", []):
        grade = f" · grade {fig['grade']}" if fig.get("grade") else ""
        out.print(
            f"\n{_figure_heading(fig, fig.get('victim_side'))}{grade}",
            highlight=False,
        )
        out.print(f"  {fig.get('grade_reason')}", style="dim", highlight=False)
        out.print(f"  {fig.get('reason')}", style="dim", highlight=False)
        table = Table(expand=True, show_header=True)
        table.add_column("reported", no_wrap=True)
        table.add_column("claimant side", ratio=2)
        table.add_column("figure", justify="right", no_wrap=True)
        table.add_column("reports", justify="right", no_wrap=True)
        table.add_column("source sentence", ratio=5)
        for step in fig.get("history", []):
            first = claims_by_id.get((step.get("claim_ids") or [None])[0], {})
            label = _figure_label({**step, "measure": ""}).strip()
            if step.get("toll") == "incremental":
                label += " more"
            if step.get("derived_from"):
                label += " (sum of parts)"
            side = step.get("claimant_side") or "the outlet"
            table.add_row(
                step.get("reported") or "undated",
                f"{side} ({', '.join(step.get('claimants', []))})",
                label,
                str(step.get("reports")),
                first.get("sentence", ""),
            )
        out.print(table)
    events = detail.get("event_items", [])
    if events:
        out.print("\n[bold]events[/]")
        for e in events:
            out.print(
                f"  {e['id']}  {e.get('type')}  "
                f"{_dates_label(e.get('date_start'), e.get('date_end'))}  "
                f"{(e.get('headline') or '')[:70]}",
                highlight=False,
            )


def _print_ledger(detail: dict[str, Any]) -> None:
    places = ", ".join(p["name"] for p in detail.get("places", [])) or "place unknown"
    out.print(
        f"[bold]{detail['id']}[/] {detail.get('type')} · "
        f"{_dates_label(detail.get('date_start'), detail.get('date_end'))} · {places}",
        highlight=False,
    )
    claims_by_id = {c["id"]: c for c in detail.get("claims", [])}
    for fig in detail.get("figures", []):
        out.print(f"\n{_figure_heading(fig, fig.get('victim_country'))}", highlight=False)
        out.print(f"  {fig.get('reason')}", style="dim", highlight=False)
        table = Table(expand=True, show_header=True)
        table.add_column("claimant side", ratio=2)
        table.add_column("figure", justify="right", no_wrap=True)
        table.add_column("reports", justify="right", no_wrap=True)
        table.add_column("outlets", ratio=2)
        table.add_column("source sentence", ratio=5)
        for group in fig.get("claims", []):
            first = claims_by_id.get((group.get("claim_ids") or [None])[0], {})
            label = _figure_label({**group, "measure": ""}).strip()
            side = group.get("claimant_side") or "the outlet"
            table.add_row(
                f"{side} ({', '.join(group.get('claimants', []))})",
                label,
                str(group.get("reports")),
                ", ".join(o for o in group.get("outlets", []) if o) or "—",
                first.get("sentence", ""),
            )
        out.print(table)
    sources = detail.get("sources", [])
    if sources:
        out.print("\n[bold]sources[/]")
        for s in sources:
            out.print(
                f"  {s.get('published') or 'undated'}  {s.get('outlet') or ''}  {s.get('source')}",
                highlight=False,
            )


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Claims: csv, jsonl, parquet; events: geojson, ucdp, acled; episodes (one row"
            " per episode figure, with history and grade): episodes-csv, episodes-jsonl,"
            " episodes-parquet.",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    db: DbOption = Path(DEFAULT_DB),
) -> None:
    """Export claims or events in formats other tools read."""
    from sitrep.export import FORMATS
    from sitrep.export import export as write_export
    from sitrep.store import Store

    with user_errors():
        if fmt not in FORMATS:
            raise CliError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        with Store.open_readonly(_db(db)) as store:
            rows = write_export(
                fmt,
                store.iter_events(),
                store.iter_claims(),
                output,
                episodes=store.iter_episodes(),
            )
    err.print(f"wrote {rows} rows to {output}", highlight=False)


@app.command()
def rules() -> None:
    """List the reconciliation rules and what each does."""
    from sitrep.reconcile import RULES

    for name, rule in RULES.items():
        out.print(f"[bold]{name}[/]: {rule.description}", highlight=False)


@app.command()
def serve(
    db: DbOption = Path(DEFAULT_DB),
    host: Annotated[
        str, typer.Option(help="Interface to bind; loopback unless told otherwise.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    tile_url: Annotated[
        str | None,
        typer.Option(
            envvar="SITREP_TILE_URL",
            help="Map tile URL template; none = the bundled offline base map (Natural Earth"
            " borders).",
        ),
    ] = None,
    ingest_token: Annotated[
        str | None,
        typer.Option(
            envvar="SITREP_INGEST_TOKEN", help="Enable POST /api/ingest with this bearer token."
        ),
    ] = None,
    rule: RuleOption = "conservative",
) -> None:
    """Serve the web pages and JSON API (read-only unless an ingest token is set)."""
    from sitrep.api import serve as run_server

    with user_errors():
        _check_rule(rule)
        _db(db)
        run_server(
            db, host=host, port=port, tile_url=tile_url, ingest_token=ingest_token, rule=rule
        )


@app.command()
def watch(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="RSS/Atom feed or (news) sitemap URLs, or .toml/.opml files listing them."
        ),
    ],
    db: DbOption = Path(DEFAULT_DB),
    once: Annotated[bool, typer.Option("--once", help="One round, then exit (for cron).")] = False,
    interval: Annotated[
        float, typer.Option(help="Seconds between the starts of two rounds.")
    ] = 900.0,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only the final summary: no round lines.")
    ] = False,
    no_filter: NoFilterFlag = False,
    rate: Annotated[
        float, typer.Option(help="Least seconds between two requests to one host.")
    ] = 1.0,
    timeout: Annotated[float, typer.Option(help="Seconds to wait on a connection or read.")] = 15.0,
    retries: Annotated[
        int, typer.Option(help="Extra tries after a timeout or a 5xx answer (with backoff).")
    ] = 2,
    backoff: Annotated[float, typer.Option(help="Seconds before the first retry, doubled.")] = 2.0,
    max_bytes: Annotated[int, typer.Option(help="Size cap of a page or feed.")] = 5_000_000,
    user_agent: Annotated[
        str | None, typer.Option(help="User-Agent header (default: sitrep/VERSION ...).")
    ] = None,
    rule: RuleOption = "conservative",
    catalog: CatalogOption = None,
    no_bundled_actors: NoBundledOption = False,
    link: LinkOption = None,
    episode: EpisodeOption = None,
) -> None:
    """Follow news feeds and sitemaps: fetch new articles each round and ingest them."""
    import signal
    import threading

    from sitrep.ingest.errors import InputProblem
    from sitrep.ingest.feeds import read_sources
    from sitrep.ingest.relevance import RelevanceFilter
    from sitrep.link import episode_settings, link_settings
    from sitrep.nlp.pipeline import Extractor
    from sitrep.store import Store
    from sitrep.watch import HttpClient, Watcher, WatchSettings

    with user_errors():
        _check_rule(rule)
        if interval <= 0:
            raise CliError(f"--interval must be above 0 seconds, got {interval:g}")
        try:
            source_list = read_sources(sources)
        except InputProblem as problem:
            raise CliError(str(problem)) from None
        settings = WatchSettings(
            **({"user_agent": user_agent} if user_agent is not None else {}),
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            rate=rate,
            max_bytes=max_bytes,
        )
        link_config = link_settings(link or ())
        episode_config = episode_settings(episode or ())
        woken = threading.Event()
        totals: dict[str, Any] = {"rounds": 0, "fetched": 0, "new": 0, "unchanged": 0}
        totals |= {"skipped": 0, "failed": Counter()}
        with Store(db) as store, HttpClient(settings) as client, _progress(quiet) as bar:
            task = bar.add_task("fetching", total=None, visible=False)

            def on_progress(done: int, known: int) -> None:
                bar.update(task, completed=done, total=known, visible=known >= 10)

            def on_failure(line: str) -> None:
                if not quiet:
                    bar.console.print(f"failed: {line}", highlight=False, markup=False)

            watcher = Watcher(
                store,
                settings=settings,
                extractor=Extractor(catalogs=catalog or (), bundled_actors=not no_bundled_actors),
                relevance=RelevanceFilter(enabled=not no_filter),
                rule=rule,
                link_config=link_config,
                episode_config=episode_config,
                client=client,
                on_failure=on_failure,
                on_progress=on_progress,
            )

            def stop(_signum: int, _frame: object) -> None:
                watcher.stop()
                woken.set()

            previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                while not watcher.stopping:
                    started = time.monotonic()
                    summary = watcher.run_round(source_list)
                    bar.update(task, visible=False, completed=0, total=None)
                    totals["rounds"] += 1
                    for key in ("fetched", "new", "unchanged", "skipped"):
                        totals[key] += getattr(summary, key)
                    totals["failed"] += summary.failed
                    if not quiet:
                        bar.console.print(summary.line(), highlight=False, markup=False)
                    if once:
                        break
                    woken.wait(max(0.0, interval - (time.monotonic() - started)))
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
            stats = store.stats()
            queued = store.source_stats()["queued"]
    failed: Counter[str] = totals["failed"]
    kinds = ", ".join(f"{kind} {n}" for kind, n in failed.most_common())
    err.print(
        ("stopped; " if watcher.stopping else "")
        + f"{totals['rounds']} round(s): {totals['fetched']} fetched, {totals['new']} new,"
        f" {totals['unchanged']} unchanged, {totals['skipped']} skipped by the filter,"
        f" {sum(failed.values())} failed"
        + (f" ({kinds})" if kinds else "")
        + (f", {queued} queued for the next run" if queued else "")
        + f"; store {db}: {stats.get('reports', 0)} reports, {stats.get('events', 0)} events",
        highlight=False,
        markup=False,
    )


@app.command()
def version() -> None:
    """Print sitrep's version and the extractor version."""
    from sitrep import __version__
    from sitrep.nlp.pipeline import EXTRACTOR_VERSION

    out.print(f"sitrep {__version__} ({EXTRACTOR_VERSION})", highlight=False)
