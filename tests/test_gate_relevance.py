"""Quality gate: the relevance filter drops no report that holds a gold claim.

Reports with gold on the shared corpora (seeds, devset, GVDB dev and test, WikiEvents dev and
test) must all pass the filter: a report it drops is lost to extraction. The share of all
reports it skips is printed (these corpora are all about violence, so it is near zero; see
``bench/warc_throughput.py`` for the share on a mixed archive).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import bench_scripts
from sitrep.ingest import read_reports
from sitrep.ingest.relevance import RelevanceFilter
from sitrep.models import Report

pytestmark = pytest.mark.gate


def _corpus_eval():
    return bench_scripts.load("corpus_eval")


def _annotated(shared: Path, gold: str, folder: str) -> Iterator[tuple[Report, bool]]:
    documents = json.loads((shared / gold).read_text(encoding="utf-8"))["documents"]
    for document in documents:
        (report,) = read_reports([shared / folder / document["file"]])
        assert isinstance(report, Report), report
        yield report, bool(document.get("claims"))


def corpora(shared: Path) -> dict[str, list[tuple[Report, bool]]]:
    """(report, holds a gold claim) of every annotated document, by corpus."""
    corpus_eval = _corpus_eval()
    found = {
        "seeds": list(_annotated(shared, "gold/seeds.json", "seeds")),
        "devset": list(_annotated(shared, "devset/gold.json", "devset/corpus")),
    }
    gvdb = shared / corpus_eval.GVDB_DIR
    found["gvdb"] = [
        (article.report, article.killed + article.wounded > 0)
        for split in ("dev", "test")
        for article in corpus_eval.read_gvdb(gvdb / f"{split}.tsv")
    ]
    wiki = shared / corpus_eval.WIKIEVENTS_DIR
    found["wikievents"] = [
        (document.report, bool(document.counts))
        for split in ("dev", "test")
        for document in corpus_eval.read_wikievents(wiki / f"{split}.jsonl")
    ]
    return found


def test_filter_drops_no_report_with_a_gold_claim(shared_dir: Path) -> None:
    relevance = RelevanceFilter()
    dropped: list[str] = []
    lines = []
    for name, documents in corpora(shared_dir).items():
        skipped = 0
        for report, has_gold in documents:
            if not relevance.relevant(report):
                skipped += 1
                if has_gold:
                    dropped.append(f"{name}: {report.source}: {report.text[:120]!r}")
        with_gold = sum(has_gold for _, has_gold in documents)
        lines.append(
            f"{name}: {len(documents)} reports ({with_gold} with gold claims),"
            f" {skipped} skipped ({skipped / len(documents):.1%})"
        )
    print("\n".join(["relevance filter on the gold corpora:", *lines]))
    print(f"all corpora: {relevance.share_skipped:.1%} skipped")
    assert relevance.kept + relevance.skipped > 900
    assert not dropped, "reports with gold claims dropped:\n" + "\n".join(dropped)
