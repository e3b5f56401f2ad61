"""Incremental linking at scale: 10,000 synthetic reports, linked one at a time.

    .venv/bin/python bench/linking_scale.py [--n 10000] [--seed 0] [--frames sitrep|truth]
                                            [--cache FILE.pickle]

Reports come from ``bench/synth.py`` (``synth://event/<k>/report/<j>`` sources give the true
event of every report). Frames are built first — by ``sitrep.nlp.pipeline.Extractor``
(``--frames sitrep``, the default) or straight from the synthetic truth (``--frames truth``,
seconds instead of minutes) — and only linking is timed: extraction is not what is measured.
``--cache`` keeps the extracted frames in a pickle to skip extraction next time.

Prints the mean time per added report just before 1k, 5k and 10k reports (the window of
reports before each mark), for event linking and, beside it, for grouping the events a
report touched into episodes (``sitrep.link.episodes``), pairwise linking
precision/recall/F1 against the synthetic truth (reports linked through their primary
frames), the same for near-duplicate detection (``DuplicateDetector`` on the report bodies,
against the truth's syndicated copies), and as its last line
``growth=<linking time at 10k / linking time at 1k>``. Not a test.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitrep.link import DuplicateDetector, EpisodeGrouper, EventSketch, LinkConfig, Linker
from sitrep.models import Actor, DateSpan, EventFrame, Place, Report
from synth import generate_events_truth, generate_reports, parse_source

MARKS = (1_000, 5_000, 10_000)
WINDOW = 500  # reports averaged before each mark


def sitrep_frames(reports: list[Report]) -> Iterator[tuple[Report, tuple[EventFrame, ...]]]:
    from sitrep.nlp.pipeline import Extractor

    for report, extraction in zip(reports, Extractor().extract(reports), strict=True):
        yield report, extraction.frames


def truth_frames(
    reports: list[Report], n: int, seed: int
) -> Iterator[tuple[Report, tuple[EventFrame, ...]]]:
    """One primary frame per report from the event behind it, with report-specific terms
    (the report's words) so that text similarity still has to do its work."""
    events = {e.index: e for e in generate_events_truth(n, seed)}
    for report in reports:
        event = events[parse_source(report.source)[0]]
        words = [w.strip(".,:;“”\"'()").lower() for w in report.body.split()]
        terms = tuple(dict.fromkeys(w for w in words if len(w) > 3 and w.isalpha()))
        place = Place(event.place, event.country, event.admin1, kind="city")
        actors = tuple(Actor(c, country=c) for c in event.countries)
        frame = EventFrame(
            report_id=report.id,
            key=0,
            type=event.type,
            trigger=event.type,
            start=report.body_start,
            end=len(report.text),
            date=DateSpan(event.date, event.date),
            places=(place,),
            actors=actors,
            published=report.published,
            terms=terms[:200],
        )
        yield report, (frame,)


def build_frames(args: argparse.Namespace) -> list[tuple[str, tuple[EventFrame, ...]]]:
    if args.cache and args.cache.exists():
        with args.cache.open("rb") as fh:
            cached = pickle.load(fh)
        if cached.get("key") == (args.n, args.seed, args.frames):
            print(f"frames read from {args.cache}")
            return cached["frames"]
    reports = list(generate_reports(args.n, args.seed))
    started = time.perf_counter()
    stream = (
        sitrep_frames(reports)
        if args.frames == "sitrep"
        else truth_frames(reports, args.n, args.seed)
    )
    built = [(report.source, frames) for report, frames in stream]
    print(f"frames built ({args.frames}) in {time.perf_counter() - started:.0f}s, not timed below")
    if args.cache:
        with args.cache.open("wb") as fh:
            pickle.dump({"key": (args.n, args.seed, args.frames), "frames": built}, fh)
    return built


def group_report(
    linker: Linker,
    grouper: EpisodeGrouper,
    sketches: dict[str, EventSketch],
    frames: tuple[EventFrame, ...],
    linked: dict[str, str],
) -> None:
    """Group the events one report touched into episodes, as ``sitrep.process`` does: an
    event's sketch grows by the report's frames (an event a split or an absorption changed is
    sketched again from its frames), and only the new frames' words are passed on."""
    touched: dict[str, list[EventFrame]] = defaultdict(list)
    for frame in frames:
        touched[linked[frame.id]].append(frame)
    for source, target in linker.take_regrouped():
        for event_id in (source, target):
            members = linker.index.event_frames(event_id)
            if not members:
                grouper.remove(event_id)
                sketches.pop(event_id, None)
                touched.pop(event_id, None)
                continue
            sketches[event_id] = EventSketch.of_frames(event_id, members)
            touched.setdefault(event_id, [])
    for event_id, new in touched.items():
        update = EventSketch.of_frames(event_id, new)
        known = sketches.get(event_id)
        if known is not None:
            spans = [s for s in (known.span, update.span) if s is not None]
            update = replace(
                update,
                span=(min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None,
                countries=known.countries | update.countries,
                admin1s=known.admin1s | update.admin1s,
                localities=known.localities | update.localities,
                report_ids=known.report_ids | update.report_ids,
            )
        sketches[event_id] = replace(update, frame_terms=())
        grouper.add(update)


def window_means(per_report: list[float]) -> dict[int, float]:
    means = {}
    for mark in MARKS:
        if mark <= len(per_report):
            window = per_report[mark - WINDOW : mark]
            means[mark] = sum(window) / len(window)
    return means


def duplicates(n: int, seed: int) -> dict[int, float]:
    """Time near-duplicate detection per report and score it against the synthetic copies."""
    detector = DuplicateDetector()
    per_report: list[float] = []
    found = correct = 0
    id_to_source: dict[str, str] = {}
    expected = 0
    for report in generate_reports(n, seed):
        id_to_source[report.id] = report.source
        t0 = time.perf_counter()
        original = detector.add(report.id, report.body)
        per_report.append(time.perf_counter() - t0)
        event, _, copy_of = parse_source(report.source)
        expected += copy_of is not None
        if original is not None:
            found += 1
            correct += (
                copy_of is not None
                and id_to_source[original] == f"synth://event/{event}/report/{copy_of}"
            )
    means = window_means(per_report)
    marks = ", ".join(f"{m:,}: {1000 * t:.2f} ms" for m, t in means.items())
    p = correct / found if found else 0.0
    r = correct / expected if expected else 0.0
    print(
        f"near-duplicate detection: mean time per report at {marks}; copies found {found}, "
        f"right original {correct}, true copies {expected} (precision={p:.3f} recall={r:.3f})"
    )
    return means


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--frames", choices=("sitrep", "truth"), default="sitrep")
    ap.add_argument("--cache", type=Path, help="pickle of built frames (read if present)")
    ap.add_argument("--threshold", type=float, help="override LinkConfig.threshold")
    args = ap.parse_args(argv)
    if args.n < MARKS[0]:
        print(f"error: --n must be at least {MARKS[0]}", file=sys.stderr)
        return 2

    built = build_frames(args)
    config = LinkConfig()
    if args.threshold is not None:
        config = replace(config, threshold=args.threshold)
    linker = Linker(config=config)
    grouper = EpisodeGrouper(term_stats=linker.index.term_stats)
    sketches: dict[str, EventSketch] = {}
    per_report: list[float] = []
    per_report_episodes: list[float] = []
    event_of_report: dict[str, str] = {}
    primaries: dict[str, str] = {}
    no_frame = 0
    for source, frames in built:
        t0 = time.perf_counter()
        linked = linker.add_all(frames)
        per_report.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        group_report(linker, grouper, sketches, frames, linked)
        per_report_episodes.append(time.perf_counter() - t0)
        primary = next((f for f in frames if f.primary), None)
        if primary is None:
            no_frame += 1
            event_of_report[source] = f"none:{source}"
        else:
            primaries[source] = primary.id
    for source, frame_id in primaries.items():  # final events: a split may have moved a report
        event_of_report[source] = linker.event_of(frame_id) or f"none:{source}"

    print(
        f"reports={len(built)} frames={sum(len(f) for _, f in built)} "
        f"without_frame={no_frame} (timing: linking only, on pre-built frames)"
    )
    means = window_means(per_report)
    episode_means = window_means(per_report_episodes)
    for mark, mean in means.items():
        print(
            f"mean time per added report at {mark:>6,}: {1000 * mean:.3f} ms "
            f"(reports {mark - WINDOW + 1}-{mark}); episode grouping "
            f"{1000 * episode_means[mark]:.3f} ms"
        )
    print(f"episodes: {len(grouper)} (events grouped into stories)")

    dup_means = duplicates(args.n, args.seed)

    truth = {s: parse_source(s)[0] for s in event_of_report}
    by_truth: dict[int, list[str]] = defaultdict(list)
    by_pred: dict[str, list[str]] = defaultdict(list)
    for s, e in event_of_report.items():
        by_truth[truth[s]].append(s)
        by_pred[e].append(s)
    same_truth = sum(len(v) * (len(v) - 1) // 2 for v in by_truth.values())
    same_pred = sum(len(v) * (len(v) - 1) // 2 for v in by_pred.values())
    both = 0
    for members in by_pred.values():
        counts: dict[int, int] = defaultdict(int)
        for s in members:
            counts[truth[s]] += 1
        both += sum(c * (c - 1) // 2 for c in counts.values())
    p = both / same_pred if same_pred else 0.0
    r = both / same_truth if same_truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"events: true={len(by_truth)} predicted={len(by_pred)}")
    print(f"linking pairwise precision={p:.3f} recall={r:.3f} f1={f:.3f}")
    last = max(means)
    if dup_means:
        print(f"near-duplicate detection growth: {dup_means[last] / dup_means[MARKS[0]]:.2f}")
    print(f"growth={means[last] / means[MARKS[0]]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
