"""Ingest orchestration on reports written for these tests: linking through the store,
near-copies across runs, civil-war sides, and resuming after a crash."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from sitrep.ingest import read_reports, read_text_report
from sitrep.models import Report
from sitrep.process import WRITE_BATCH, CorpusRun, ingest_paths, ingest_reports
from sitrep.store import Store

CLASH_DAY_ONE = """date 2024-06-02
outlet: First Wire

GOMA — Fighting between the Congolese army and M23 rebels near Sake killed at least
12 civilians on Saturday, local officials said. The army said its soldiers killed 40 M23
fighters, while the rebels said they lost only 3 of their own men in the fighting.
"""

CLASH_DAY_ONE_OTHER_OUTLET = """date 2024-06-03
outlet: Second Wire

Congo's army says it killed 40 rebels in the battle for Sake, a town west of Goma, on
Saturday. M23 disputed the figure and said 3 of its fighters had died. Officials in North
Kivu said 12 civilians were killed in the crossfire.
"""

CLASH_WEEK_LATER = """date 2024-06-12
outlet: First Wire

GOMA — New fighting broke out near Sake on Tuesday, ten days after the last battle there.
The army said 8 of its soldiers were killed, and officials said 5 civilians died.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def figure(event: dict, measure: str, side: str | None) -> dict:
    return next(
        f for f in event["figures"] if f["measure"] == measure and f.get("victim_side") == side
    )


def test_reports_of_one_battle_link_and_a_later_battle_stays_apart(tmp_path: Path) -> None:
    paths = [
        write(tmp_path / "in", "a.txt", CLASH_DAY_ONE),
        write(tmp_path / "in", "b.txt", CLASH_DAY_ONE_OTHER_OUTLET),
        write(tmp_path / "in", "c.txt", CLASH_WEEK_LATER),
    ]
    with Store(tmp_path / "s.db") as store:
        summary = ingest_paths(paths, store)
        assert summary.added == 3 and not summary.errors
        events = store.events()["items"]
        by_reports = sorted(e["n_reports"] for e in events if e.get("killed"))
        assert by_reports == [1, 2]


def test_armed_group_is_its_own_side(tmp_path: Path, extractor) -> None:
    run = CorpusRun(extractor)
    reports = [read_text_report(CLASH_DAY_ONE, "a.txt")]
    list(run.documents(reports))
    (event,) = [e.to_dict() for e in run.events() if e.figures]
    rebels = figure(event, "killed", "M23")
    assert rebels["contradiction"] is True
    sides = {g["claimant_side"] for g in rebels["claims"]}
    assert sides == {"COD", "M23"}
    assert rebels["best"] == 3  # conservative: the lowest credible figure
    assert "own admission" in rebels["reason"]


def test_near_copy_counts_once_across_runs(tmp_path: Path) -> None:
    original = write(tmp_path / "in", "a.txt", CLASH_DAY_ONE)
    copy_text = CLASH_DAY_ONE.replace("outlet: First Wire", "outlet: Syndicate Daily").replace(
        "GOMA —", "GOMA (Syndicate) —"
    )
    copy = write(tmp_path / "in", "copy.txt", copy_text)
    db = tmp_path / "s.db"
    with Store(db) as store:
        ingest_paths([original], store)
    with Store(db) as store:
        summary = ingest_paths([copy], store)
        assert summary.duplicates == 1
        event = store.events()["items"][0]
        detail = store.event(event["id"])
    assert len(detail["sources"]) == 2
    civilians = next(f for f in detail["figures"] if f["measure"] == "killed" and f["low"] == 12)
    group = next(g for g in civilians["claims"] if g["value"] == 12)
    assert group["reports"] == 1  # the copy is one story, carried by two outlets
    assert len(group["outlets"]) == 2


def test_crash_mid_run_leaves_whole_reports_and_resumes(tmp_path: Path, extractor) -> None:
    reports = [
        read_text_report(CLASH_DAY_ONE, "a.txt"),
        read_text_report(CLASH_DAY_ONE_OTHER_OUTLET, "b.txt"),
        read_text_report(CLASH_WEEK_LATER, "c.txt"),
    ]
    db = tmp_path / "s.db"
    with Store(db) as store:
        real_add = store.add_extraction
        calls = {"n": 0}

        def failing_add(extraction, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("power cut")
            return real_add(extraction, **kwargs)

        store.add_extraction = failing_add  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            ingest_reports(store, reports, extractor=extractor)
    with Store(db) as store:
        # the three reports were one batch: the crash took all of it, not half of a report
        assert store.stats() == dict.fromkeys(store.stats(), 0)
        summary = ingest_reports(store, reports, extractor=extractor)
        assert (summary.added, summary.unchanged) == (3, 0)
        stats = store.stats()
    with Store(db) as fresh_store:
        assert fresh_store.stats() == stats
        again = ingest_reports(fresh_store, reports, extractor=extractor)
        assert again.added == 0 and fresh_store.stats() == stats


def test_one_at_a_time_equals_all_at_once(tmp_path: Path, extractor) -> None:
    texts = [CLASH_DAY_ONE, CLASH_DAY_ONE_OTHER_OUTLET, CLASH_WEEK_LATER]
    reports = [read_text_report(t, f"{n}.txt") for n, t in enumerate(texts)]
    with Store(tmp_path / "batch.db") as store:
        ingest_reports(store, reports, extractor=extractor)
        batch = {e["id"]: e["n_reports"] for e in store.events(limit=100)["items"]}
    with Store(tmp_path / "steps.db") as store:
        for report in reports:
            ingest_reports(store, [report], extractor=extractor)
        steps = {e["id"]: e["n_reports"] for e in store.events(limit=100)["items"]}
    assert batch == steps


def test_worker_processes_give_the_same_extractions(extractor) -> None:
    from sitrep.nlp.pipeline import Extractor

    texts = [CLASH_DAY_ONE, CLASH_DAY_ONE_OTHER_OUTLET, CLASH_WEEK_LATER]
    reports = [read_text_report(t, f"{n}.txt") for n, t in enumerate(texts)]
    parallel = list(Extractor(n_process=2, batch_size=1).extract(reports))
    serial = list(extractor.extract(reports))
    assert [e.report.id for e in parallel] == [r.id for r in reports]
    assert [e.claims for e in parallel] == [e.claims for e in serial]


TOWNS = ["Goma", "Bunia", "Beni", "Maiduguri", "Kano", "Gao", "Mopti", "Kherson", "Kharkiv"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def many_reports(n: int) -> list[str]:
    """``n`` short distinct reports: attacks in several towns on several days."""
    texts = []
    for i in range(n):
        town = TOWNS[i % len(TOWNS)]
        day = 1 + i % 27
        texts.append(
            f"date 2024-04-{day:02d}\noutlet: Wire {i % 4}\n\n{town.upper()} — Gunmen attacked"
            f" a checkpoint near {town} on {WEEKDAYS[i % 7]}, killing {3 + i % 11} soldiers,"
            f" officials said. Report {i} of the series.\n"
        )
    return texts


def stored_rows(db: Path) -> tuple[int, set[str], dict[str, int]]:
    """Reports, the reports that have an event, and claims per report, read directly."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        reports = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        linked = {
            row[0]
            for row in conn.execute(
                "SELECT f.report_id FROM frames f JOIN frame_events fe ON fe.frame_id = f.id"
            )
        }
        claims = dict(conn.execute("SELECT report_id, count(*) FROM claims GROUP BY report_id"))
    return reports, linked, claims


@pytest.mark.slow
def test_killed_ingest_leaves_whole_batches_and_a_rerun_resumes(tmp_path: Path, extractor) -> None:
    total = 2 * WRITE_BATCH + 6
    feed = tmp_path / "feed.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        for n, text in enumerate(many_reports(total)):
            fh.write(json.dumps({"source": f"r{n}", "text": text}) + "\n")
    db = tmp_path / "killed.db"
    sitrep = Path(sys.executable).with_name("sitrep")
    run = subprocess.Popen(
        [str(sitrep), "ingest", str(feed), "--db", str(db), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stored = 0
    deadline = time.monotonic() + 300
    try:
        while run.poll() is None and time.monotonic() < deadline:
            try:
                stored = stored_rows(db)[0] if db.exists() else 0
            except sqlite3.Error:  # created but not yet migrated
                stored = 0
            if stored:
                run.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        run.kill()
        run.wait()
    assert run.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"

    reports, linked, claims = stored_rows(db)
    assert 0 < reports < total and reports % WRITE_BATCH == 0  # whole batches only
    clean_db = tmp_path / "clean.db"
    reports_in = [r for r in read_reports([feed]) if isinstance(r, Report)]
    with Store(clean_db) as clean:
        ingest_reports(clean, reports_in, extractor=extractor)
    _, clean_linked, clean_claims = stored_rows(clean_db)
    with Store(db) as store:
        kept = {r.id for r in reports_in if store.has_report(r.id)}
        assert linked == kept  # every stored report is linked to an event
        assert {k: v for k, v in clean_claims.items() if k in kept} == claims
        summary = ingest_reports(store, reports_in, extractor=extractor)
        assert (summary.added, summary.unchanged) == (total - reports, reports)
    assert stored_rows(db) == (total, clean_linked, clean_claims)
