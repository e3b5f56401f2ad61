"""The relevance filter that runs before spaCy (used by `watch`, `ingest` and the API)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.ingest.relevance import (
    RelevanceError,
    RelevanceFilter,
    default_vocabulary,
    read_vocabulary,
)
from sitrep.models import Report

KEPT = [
    "Two soldiers were killed and four wounded when their patrol hit a landmine.",
    "The death toll from the flooding and the attack on the camp rose to 31.",
    "Militants abducted eleven passengers from a bus on the highway, police said.",
    "Air  strikes\nhit the eastern district overnight, residents said.",
    "Shelling resumed along the front line despite the ceasefire.",
    "Police said the gunman fired at least twenty shots before he was arrested.",
    "Three people were injured when attackers with guns raided the village market.",  # weak x3
    "An off-duty officer was shot outside a bar late on Friday.",
    "Two men robbed a petrol station at gunpoint and fled on foot.",
]
SKIPPED = [
    "The home side won the derby three goals to one in front of a full stadium.",
    "Shares of the carmaker rose after quarterly profit beat forecasts; the executive team"
    " said demand was strong.",
    "The singer announced a world tour and a new album for the spring.",
    "Our striker fired a shot over the bar in the first half.",  # two weak words only
    "She took a shot from distance that the keeper tipped round the post.",
    "Warranty claims fell by a fifth, the executor of the estate said.",  # no word inside words
]


@pytest.mark.parametrize("text", KEPT)
def test_reports_with_violence_vocabulary_are_kept(text: str) -> None:
    assert RelevanceFilter().relevant(Report("t", text))


@pytest.mark.parametrize("text", SKIPPED)
def test_everyday_news_is_skipped(text: str) -> None:
    assert not RelevanceFilter().relevant(Report("t", text))


def test_counts_and_switch_off() -> None:
    relevance = RelevanceFilter()
    reports = [Report("a", KEPT[0]), Report("b", SKIPPED[0]), Report("c", SKIPPED[2])]
    skipped: list[str] = []
    kept = list(relevance.keep(reports, on_skip=lambda r: skipped.append(r.source)))
    assert [r.source for r in kept] == ["a"] and skipped == ["b", "c"]
    assert (relevance.kept, relevance.skipped) == (1, 2)
    assert relevance.share_skipped == pytest.approx(2 / 3)
    everything = RelevanceFilter(enabled=False)
    assert len(list(everything.keep(reports))) == 3 and everything.skipped == 0


def test_user_vocabulary_replaces_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "relevance.toml").write_text('min_weak = 1\nstrong = ["derby"]\nweak = []\n')
    vocabulary = default_vocabulary(str(tmp_path))
    assert vocabulary.relevant(SKIPPED[0]) and not vocabulary.relevant(KEPT[0])
    bad = tmp_path / "bad.toml"
    bad.write_text('strong = "kill"\n')
    with pytest.raises(RelevanceError, match="must be a list of strings"):
        read_vocabulary(bad)
