"""Quality gate: the real extraction on ../shared/seeds, scored by ../shared/eval/score.py.

Floors are pinned: raise them when extraction improves, never lower them to get green.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gate_scoring import check_floor, score_corpus

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
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    gold = shared_dir / "gold" / "seeds.json"
    return score_corpus(shared_dir, extractor, seeds, gold, tmp_path_factory.mktemp("gate"))


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_seed_figure_meets_floor(seed_scores: dict[str, float], figure: str) -> None:
    check_floor(seed_scores, FLOORS, figure, "seeds")
