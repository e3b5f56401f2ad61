"""Quality gate: episodes on ../shared/devset, scored by ../shared/eval/score.py.

The devset's gold events are episodes (one attack, or one run of fighting over consecutive
days) and its reconciled figures are each side's running toll; claims carry ``episode``, so
the scorer scores linking and reconciled figures on episodes. Floors are pinned: raise them
when linking or extraction improves (targets: 0.90 and 0.80), never lower them to get green.
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
    "event_link_f1": 0.96,
    "reconciled_accuracy": 0.89,
}


@pytest.fixture(scope="module")
def devset_scores(shared_dir: Path, extractor, tmp_path_factory) -> dict[str, float]:
    corpus = shared_dir / "devset" / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"quality gate skipped: {corpus} is absent")
    out = tmp_path_factory.mktemp("devset")
    files = sorted(corpus.glob("*/*.txt"))
    run = CorpusRun(extractor)
    reports = [r for r in read_reports(files) if not hasattr(r, "reason")]
    documents = [document for _, document in run.documents(reports)]
    events = run.events()
    episodes = run.episodes(events)
    with (out / "out.jsonl").open("w", encoding="utf-8") as fh:
        for document in documents:
            fh.write(json.dumps(run.final_ids(document), ensure_ascii=False) + "\n")
    payload = {
        "events": [e.to_dict() for e in events],
        "episodes": [p.to_dict() for p in episodes],
    }
    (out / "events.json").write_text(json.dumps(payload), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(shared_dir / "eval" / "score.py"),
            str(shared_dir / "devset" / "gold.json"),
            str(out / "out.jsonl"),
            "--corpus",
            str(corpus),
            "--events",
            str(out / "events.json"),
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
def test_devset_episode_figure_meets_floor(devset_scores: dict[str, float], figure: str) -> None:
    assert figure in devset_scores, f"the scorer did not report {figure}"
    assert devset_scores[figure] >= FLOORS[figure], (
        f"{figure} = {devset_scores[figure]:.3f} is below its floor {FLOORS[figure]}"
    )
