"""Runs the real extraction on a hand-annotated corpus and scores it with
``../shared/eval/score.py``, as `sitrep extract --json --events` would: the gates of seeds,
devset and the held-out set share it."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from sitrep.ingest import read_reports
from sitrep.process import CorpusRun


def score_corpus(
    shared_dir: Path,
    extractor: object,
    files: Sequence[Path],
    gold: Path,
    out: Path,
    *,
    corpus: Path | None = None,
) -> dict[str, float]:
    """Extract ``files`` as one corpus, write the CONTRACT documents and the events and
    episodes to ``out``, and return the scorer's figures (printed with every miss)."""
    scorer = shared_dir / "eval" / "score.py"
    if not scorer.is_file():
        pytest.skip(f"quality gate skipped: {scorer} is absent")
    run = CorpusRun(extractor)  # type: ignore[arg-type]
    reports = [r for r in read_reports(files) if not hasattr(r, "reason")]
    assert len(reports) == len(files), "every report of a gate corpus must be readable"
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
    command = [sys.executable, str(scorer), str(gold), str(out / "out.jsonl")]
    if corpus is not None:
        command += ["--corpus", str(corpus)]
    command += ["--events", str(out / "events.json"), "-v"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    print(result.stdout)
    scores: dict[str, float] = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                scores[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return scores


def check_floor(scores: dict[str, float], floors: dict[str, float], figure: str, what: str) -> None:
    """Fail when ``figure`` is missing or below its floor."""
    assert figure in scores, f"the scorer did not report {figure}"
    assert scores[figure] >= floors[figure], (
        f"{what}: {figure} = {scores[figure]:.3f} is below its floor {floors[figure]}"
    )
