"""The synthetic report generator used by benchmarks: deterministic, varied, well-formed."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from difflib import SequenceMatcher

import pytest

import bench_scripts

synth = bench_scripts.load("synth")

HEADER = re.compile(r"\Adate (\d{4}-\d{2}-\d{2})\noutlet: ([^\n]+)\n\n")


@pytest.fixture(scope="module")
def reports() -> list:
    return list(synth.generate_reports(400, seed=11))


def test_same_seed_same_texts() -> None:
    first = [(r.source, r.text) for r in synth.generate_reports(60, seed=3)]
    second = [(r.source, r.text) for r in synth.generate_reports(60, seed=3)]
    assert first == second


def test_other_seed_other_texts() -> None:
    a = {r.text for r in synth.generate_reports(30, seed=1)}
    b = {r.text for r in synth.generate_reports(30, seed=2)}
    assert not a & b


def test_streams_exactly_n() -> None:
    stream = synth.generate_reports(7, seed=0)
    assert isinstance(stream, Iterator)
    assert next(stream).source.startswith("synth://event/0/report/0")
    assert len(list(stream)) == 6
    assert list(synth.generate_reports(0)) == []
    with pytest.raises(ValueError):
        list(synth.generate_reports(-1))


def test_header_lines_parse_and_match_fields(reports: list) -> None:
    for report in reports:
        match = HEADER.match(report.text)
        assert match, report.text[:80]
        assert date.fromisoformat(match.group(1)) == report.published
        assert match.group(2) == report.outlet
        skipped = report.text[match.end() : report.body_start].strip()
        assert skipped in ("", "Share | Tweet | Email")
        assert report.body.split("\n", 1)[0] == report.title


def test_lengths_in_range(reports: list) -> None:
    counts = [len(r.body.split()) for r in reports]
    assert min(counts) >= 120
    assert max(counts) <= 320


def test_variety(reports: list) -> None:
    assert len({r.text for r in reports}) == len(reports)
    assert len({r.outlet for r in reports}) >= 10
    bodies = {r.body.split("\n\n", 2)[1] for r in reports}  # lead paragraphs
    assert len(bodies) > len(reports) * 0.6
    truth = list(synth.generate_events_truth(400, seed=11))
    assert len({e.theatre for e in truth}) >= 8
    assert len({e.type for e in truth}) >= 7
    years = {e.date.year for e in truth}
    assert years == {2023, 2024, 2025}


def test_sources_group_reports_by_event(reports: list) -> None:
    by_event: dict[int, list] = defaultdict(list)
    for report in reports:
        event, _, _ = synth.parse_source(report.source)
        by_event[event].append(report)
    truth = list(synth.generate_events_truth(400, seed=11))
    assert [e.index for e in truth] == sorted(by_event)
    for event in truth:
        assert event.report_sources == tuple(r.source for r in by_event[event.index])
    multi = [rs for rs in by_event.values() if len({r.outlet for r in rs}) > 1]
    assert len(multi) > len(by_event) / 3
    # Reports of one event are not copies of each other unless marked so.
    for group in multi:
        originals = [r for r in group if synth.parse_source(r.source)[2] is None]
        if len(originals) > 1:
            ratio = SequenceMatcher(None, originals[0].body, originals[1].body).ratio()
            assert ratio < 0.9


def test_syndicated_copies_are_near_duplicates(reports: list) -> None:
    by_source = {r.source: r for r in reports}
    copies = [r for r in reports if synth.parse_source(r.source)[2] is not None]
    assert copies
    for copy in copies:
        event, _, original_index = synth.parse_source(copy.source)
        original = by_source[f"synth://event/{event}/report/{original_index}"]
        assert copy.outlet != original.outlet
        assert copy.title != original.title
        assert copy.published == original.published
        assert SequenceMatcher(None, copy.body, original.body).ratio() > 0.9


def test_claimants_disagree(reports: list) -> None:
    truth = list(synth.generate_events_truth(400, seed=11))
    disputed = 0
    for event in truth:
        killed = defaultdict(set)
        for claim in event.claims:
            if claim.measure == "killed" and claim.victim_side:
                killed[claim.victim_side].add((claim.claimant_side, claim.value))
        if any(len({v for _, v in values}) > 1 for values in killed.values()):
            disputed += 1
    assert disputed > len(truth) / 5


def test_claims_appear_in_text() -> None:
    reports = {r.source: r for r in synth.generate_reports(200, seed=5)}
    mentioned = total = 0
    for event in synth.generate_events_truth(200, seed=5):
        text = " ".join(reports[s].body for s in event.report_sources)
        for claim in event.claims:
            total += 1
            mentioned += claim.claimant[:1].lower() + claim.claimant[1:] in text or (
                claim.claimant[:1].upper() + claim.claimant[1:] in text
            )
    assert mentioned > total * 0.5


def test_parse_source_rejects_other_sources() -> None:
    assert synth.parse_source("synth://event/4/report/2/copy-of/0") == (4, 2, 0)
    with pytest.raises(ValueError):
        synth.parse_source("examples/01_kramatorsk_station.txt")


def test_a_thousand_reports_carry_enough_words_for_the_benchmarks() -> None:
    words = sum(len(r.text.split()) for r in synth.generate_reports(1000, seed=2))
    assert words > 120_000
