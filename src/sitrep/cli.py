"""The `sitrep` command: a thin Typer veneer over the library.

Every command that touches the store takes ``--db`` (default ``$SITREP_DB`` or ``sitrep.db``).
Errors print one line on stderr and exit non-zero; no tracebacks for bad input.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
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
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LinkOption = Annotated[
    list[str] | None,
    typer.Option(
        "--link",
        help="Linker setting FIELD=VALUE (e.g. near_km=15, absorb_max_reports=0); repeatable."
        " Fields: sitrep.link.LinkConfig.",
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
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt, .html, .jsonl).")],
    db: DbOption = Path(DEFAULT_DB),
    rule: RuleOption = "conservative",
    catalog: CatalogOption = None,
    workers: Annotated[int, typer.Option(help="spaCy worker processes.")] = 1,
    batch_size: Annotated[int, typer.Option(help="Reports per spaCy batch.")] = 32,
    max_bytes: Annotated[
        int, typer.Option(help="Largest file (or JSONL line) accepted.")
    ] = 5_000_000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    link: LinkOption = None,
) -> None:
    """Read reports, extract claims, quotes and events, link and reconcile them into the store."""
    from sitrep.ingest import count_inputs
    from sitrep.link import link_settings
    from sitrep.nlp.pipeline import Extractor
    from sitrep.process import ingest_paths
    from sitrep.store import Store

    with user_errors():
        _check_rule(rule)
        link_config = link_settings(link or ())
        extractor = Extractor(catalogs=catalog or (), n_process=workers, batch_size=batch_size)
        with Store(db) as store, _progress(quiet) as bar:
            task = bar.add_task("ingesting", total=count_inputs(paths) or None)

            def on_error(error: Any) -> None:
                bar.console.print(f"error: {error}", highlight=False, markup=False)

            summary = ingest_paths(
                paths,
                store,
                extractor=extractor,
                rule=rule,
                max_bytes=max_bytes,
                on_error=on_error,
                progress=lambda _what, n: bar.advance(task, n),
                link_config=link_config,
            )
            stats = store.stats()
    err.print(
        f"{summary.added} added, {summary.unchanged} unchanged, {summary.duplicates} near-copies, "
        f"{summary.claims} claims, {summary.quotes} quotes, {len(summary.events)} events touched; "
        f"store {db}: {stats.get('reports', 0)} reports, {stats.get('claims', 0)} claims, "
        f"{stats.get('events', 0)} events",
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
    link: LinkOption = None,
) -> None:
    """Extract files without a store (CONTRACT JSON with --json); claims carry event ids."""
    from sitrep.ingest import read_reports
    from sitrep.link import link_settings
    from sitrep.nlp.pipeline import Extractor
    from sitrep.process import CorpusRun, IngestSummary, split_errors

    with user_errors():
        _check_rule(rule)
        link_config = link_settings(link or ())
        summary = IngestSummary()
        run = CorpusRun.with_link_config(Extractor(catalogs=catalog or ()), link_config, rule=rule)
        reports = split_errors(
            read_reports(files), summary, lambda e: err.print(f"error: {e}", markup=False)
        )
        for extraction, document in run.documents(reports):
            if as_json:
                sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
            else:
                _print_claims_table(document["claims"], title=extraction.report.source)
        if events is not None:
            payload = {"events": [e.to_dict() for e in run.events()]}
            events.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
        if moves := run.linker.take_regrouped():
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
    limit: Annotated[int, typer.Option(help="Rows per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Rows to skip.")] = 0,
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
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")] = None,
    country: Annotated[str | None, typer.Option(help="ISO3 country code.")] = None,
    actor: Annotated[str | None, typer.Option(help="Actor name (substring).")] = None,
    type: Annotated[str | None, typer.Option("--type", help="Event type.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Full-text search.")] = None,
    limit: Annotated[int, typer.Option(help="Rows per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Rows to skip.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """List linked events, newest first."""
    from sitrep.store import Store

    with user_errors(), Store.open_readonly(_db(db)) as store:
        page = store.events(
            date_from=_date(date_from, "--from"),
            date_to=_date(date_to, "--to"),
            country=country,
            actor=actor,
            type=type,
            q=q,
            limit=limit,
            offset=offset,
        )
    if as_json:
        _dump(page)
        return
    table = Table(title=f"{page['total']} events", expand=True)
    for col in ("id", "type", "dates", "where", "reports", "killed", "headline"):
        table.add_column(col)
    for e in page["items"]:
        killed = e.get("killed") or {}
        fig = (
            ""
            if not killed
            else f"{killed.get('low')}–{killed.get('high') or '?'} (best {killed.get('best')})"
        )
        if e.get("contradiction"):
            fig += " ⚠"
        table.add_row(
            e["id"],
            e.get("type") or "",
            _dates_label(e.get("date_start"), e.get("date_end")),
            ", ".join(e.get("places") or e.get("countries") or []),
            str(e.get("n_reports", "")),
            fig,
            (e.get("headline") or "")[:80],
        )
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
    event_id: Annotated[str, typer.Argument(help="Event id (see `sitrep events`).")],
    db: DbOption = Path(DEFAULT_DB),
    rule: Annotated[
        str | None, typer.Option("--rule", help="Recompute figures with another rule.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """The claims ledger of one event: each side's figures side by side, with sources."""
    from sitrep.store import Store

    with user_errors(), Store.open_readonly(_db(db)) as store:
        detail = store.event(event_id)
        if detail is None:
            raise CliError(f"no event {event_id!r} in {db}")
        if rule is not None:
            from sitrep.process import rebuild_event

            detail["figures"] = [
                f.to_dict() for f in rebuild_event(store, event_id, rule=_check_rule(rule)).figures
            ]
    if as_json:
        _dump(detail)
        return
    _print_ledger(detail)


def _print_ledger(detail: dict[str, Any]) -> None:
    places = ", ".join(p["name"] for p in detail.get("places", [])) or "place unknown"
    out.print(
        f"[bold]{detail['id']}[/] {detail.get('type')} · "
        f"{_dates_label(detail.get('date_start'), detail.get('date_end'))} · {places}",
        highlight=False,
    )
    claims_by_id = {c["id"]: c for c in detail.get("claims", [])}
    for fig in detail.get("figures", []):
        flag = " [bold red]CONTRADICTION[/]" if fig.get("contradiction") else ""
        out.print(
            f"\n[bold]{fig['measure']}[/] of {fig.get('victim_country') or 'unknown side'}{flag}  "
            f"low {fig.get('low')} · best {fig.get('best')} · high {fig.get('high') or 'open'}",
            highlight=False,
        )
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
        str, typer.Option("--format", "-f", help="csv, jsonl, parquet, geojson, ucdp, acled")
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
            rows = write_export(fmt, store.iter_events(), store.iter_claims(), output)
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
            envvar="SITREP_TILE_URL", help="Map tile URL template; none = plain background."
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
def version() -> None:
    """Print sitrep's version and the extractor version."""
    from sitrep import __version__
    from sitrep.nlp.pipeline import EXTRACTOR_VERSION

    out.print(f"sitrep {__version__} ({EXTRACTOR_VERSION})", highlight=False)
