"""Near-copies found through the store's band keys: a writer holds no signature beyond its
last few reports, finds copies of reports stored long before, and band keys are added for
reports stored before they were kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sitrep.link import DuplicateDetector
from sitrep.models import Extraction, Report
from sitrep.process import ReportWriter, StoreBandIndex, stored_duplicates
from sitrep.store import MIGRATIONS, Store

TEXT = (
    "shelling hit the market town overnight and the provincial governor said rescue teams "
    "were still searching the rubble of two apartment blocks near the railway station while "
    "the regional hospital asked residents to donate blood"
)
WORDS = TEXT.split(" ")


def story(n: int, *, copy_of: int | None = None) -> Extraction:
    """A report whose body is unique to ``n`` (or a near-copy of report ``copy_of``)."""
    seed = copy_of if copy_of is not None else n
    body = " ".join(f"{w}{seed}" if i % 3 == 0 else w for i, w in enumerate(WORDS))
    if copy_of is not None:
        body = f"Via a partner agency. {body}"
    text = f"Report {n}.\n{body}\n"
    report = Report(f"r{n}.txt", text, body_start=len(f"Report {n}.\n"), published=date(2025, 1, 1))
    return Extraction(report=report)


def test_the_writer_finds_a_copy_of_a_report_stored_long_before(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        writer = ReportWriter(store)
        for n in range(300):
            writer.write(story(n))
        index = writer.duplicates.index
        assert isinstance(index, StoreBandIndex)
        assert len(index._recent) <= 256  # memory does not grow with the store
        writer.write(story(1000, copy_of=0))
        assert store.report(story(1000, copy_of=0).report.id)["original"] == story(0).report.id
        assert store.report(story(299).report.id)["original"] is None


def test_band_keys_are_added_for_reports_stored_before_they_were_kept(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    memory = DuplicateDetector()
    first = story(1)
    with Store(db, migrations=MIGRATIONS[:5]) as old:
        memory.add(first.report.id, first.report.body)
        old.add_extraction(first, minhash=memory.signature_of(first.report.id))
    with Store(db) as store:
        assert store.reports_without_band_keys() != []
        detector = stored_duplicates(store)
        assert store.reports_without_band_keys() == []
        copy = story(2, copy_of=1)
        assert detector.add(copy.report.id, copy.report.body) == first.report.id


def test_memory_and_store_indexes_agree(tmp_path: Path) -> None:
    reports = [story(n) for n in range(20)] + [story(50, copy_of=3), story(51, copy_of=3)]
    memory = DuplicateDetector()
    in_memory = [memory.add(e.report.id, e.report.body) for e in reports]
    with Store(tmp_path / "a.db") as store:
        writer = ReportWriter(store)
        for extraction in reports:
            writer.write(extraction)
        in_store = [store.report(e.report.id)["original"] for e in reports]
    assert in_memory == in_store
    assert in_store[-2:] == [reports[3].report.id, reports[3].report.id]
