"""Quality gate: the real extraction on ../shared/seeds, scored by ../shared/eval/score.py.

Floors are pinned: raise them when extraction improves, never lower them to get green.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.ingest import read_reports
from sitrep.process import CorpusRun

pytestmark = pytest.mark.gate

FLOORS = {
    "claims_f1": 0.95,
    "claimant_accuracy": 0.90,
    "victim_accuracy": 0.90,
    "quote_recall": 0.90,
    "speaker_accuracy": 0.90,
    "event_link_f1": 1.0,
    "reconciled_accuracy": 1.0,
}


@pytest.fixture(scope="module")
def seed_scores(shared_dir: Path, extractor, tmp_path_factory) -> dict[str, float]:
    out = tmp_path_factory.mktemp("gate")
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    run = CorpusRun(extractor)
    reports = [r for r in read_reports(seeds) if not hasattr(r, "reason")]
    assert len(reports) == len(seeds), "every seed report must be readable"
    with (out / "out.jsonl").open("w", encoding="utf-8") as fh:
        for _, document in run.documents(reports):
            fh.write(json.dumps(document, ensure_ascii=False) + "\n")
    events = {"events": [e.to_dict() for e in run.events()]}
    (out / "events.json").write_text(json.dumps(events), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "eval" / "score.py"),
            str(shared_dir / "gold" / "seeds.json"),
            str(out / "out.jsonl"),
            "--events",
            str(out / "events.json"),
            "-v",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    print(result.stdout)
    scores = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                scores[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return scores


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_seed_figure_meets_floor(seed_scores: dict[str, float], figure: str) -> None:
    assert figure in seed_scores, f"the scorer did not report {figure}"
    assert seed_scores[figure] >= FLOORS[figure], (
        f"{figure} = {seed_scores[figure]:.3f} is below its floor {FLOORS[figure]}"
    )
