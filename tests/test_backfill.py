"""Backfills on a real Dask LocalCluster (two worker processes) against `sitrep ingest` on
the same reports, written for these tests: the same store, nothing lost or doubled when a
worker is killed mid-partition, nothing added by a re-run, memory bounded by the window."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitrep.ingest import read_text_report
from sitrep.models import Report
from sitrep.process import ingest_reports
from sitrep.store import Store

pytestmark = pytest.mark.slow

STORIES = [
    """date 2024-03-04
outlet: Lake Courier

GOMA — Shelling hit a camp for displaced families outside Goma on Sunday, killing at least
9 people, camp officials said. The army blamed M23 rebels for the attack.
""",
    """date 2024-03-05
outlet: Kivu Daily

Nine people died when shells struck a displacement camp near Goma on Sunday, according to
officials at the camp, who said 20 more were wounded.
""",
    """date 2024-03-11
outlet: Lake Courier

BUKAVU — Gunmen attacked a market in Bukavu on Saturday and killed 4 traders, police said.
""",
    """date 2024-05-20
outlet: Sahel Wire

MAIDUGURI — A suicide bomber killed 12 worshippers at a mosque in Maiduguri on Friday,
the Nigerian army said. Residents said 15 people had died.
""",
    """date 2024-05-21
outlet: Savannah Post

The death toll from Friday's mosque bombing in Maiduguri rose to 15, a hospital official
said, while the army kept to its figure of 12 dead.
""",
    """date 2024-07-02
outlet: Nile Report

KHARTOUM — Fighting between the army and the RSF in Omdurman killed 30 civilians on Monday,
medics said. The RSF said it had lost 5 fighters.
""",
    """date 2024-07-03
outlet: Desert Dispatch

Medics in Omdurman said 30 civilians were killed on Monday as the army and the RSF fought
for the old market. The army said it had killed 80 RSF fighters.
""",
    """date 2024-08-15
outlet: Sahel Wire

KANO — Bandits abducted 25 farmers from a village near Kano on Wednesday, police said.
""",
    """date 2024-08-16
outlet: Savannah Post

Police in Kano said 25 farmers were kidnapped by armed men on Wednesday and that 2 were
later freed.
""",
    """date 2024-09-09
outlet: Nile Report

EL FASHER — A drone strike on a hospital in El Fasher killed 7 patients on Sunday, the
health ministry said.
""",
]


def stories() -> list[Report]:
    return [read_text_report(text, f"story-{n}.txt") for n, text in enumerate(STORIES)]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from sitrep.backfill import connect

    with connect("local", workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory, extractor) -> dict[str, Any]:
    """What `sitrep ingest` stores from the stories."""
    db = tmp_path_factory.mktemp("ingest") / "ingest.db"
    with Store(db) as store:
        summary = ingest_reports(store, stories(), extractor=extractor)
        assert summary.added == len(STORIES)
        return snapshot(store)


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a store holds that a user sees: reports, claims, quotes, events, episodes."""
    reports = {r.id: store.report(r.id) for r in stories()}
    found: dict[str, Any] = {
        "stats": store.stats(),
        "reports": {  # as stored, but for when
            rid: {k: v for k, v in r.items() if k != "added_at"}
            for rid, r in reports.items()
            if r is not None
        },
        "claims": sorted(store.iter_claims(), key=lambda c: c["id"]),
        "events": sorted((e.to_dict() for e in store.iter_events()), key=lambda e: e["id"]),
    }
    if hasattr(store, "iter_episodes"):  # episodes are built by the same writer
        found["episodes"] = sorted(
            (e.to_dict() for e in store.iter_episodes()), key=lambda e: e["id"]
        )
    return found


def _profiler_enabled() -> bool:
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


def _malloc_trim() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_a_local_cluster_runs_its_workers_without_the_profiler(client) -> None:
    import os

    import dask

    answers = client.run(_profiler_enabled)
    assert answers and not any(answers.values())
    # freed memory is not handed back after every batch (Dask's default lowers the threshold)
    trims = client.run(_malloc_trim)
    assert set(trims.values()) == {os.environ.get("MALLOC_TRIM_THRESHOLD_")}
    # the setting is the cluster's, not left behind in this process
    assert dask.config.get("distributed.worker.profile.enabled") is True


def test_backfill_stores_what_ingest_stores(client, ingested, tmp_path: Path) -> None:
    from sitrep.backfill import backfill_reports

    with Store(tmp_path / "backfill.db") as store:
        summary = backfill_reports(store, stories(), client, partition_size=3)
        assert (summary.added, summary.unchanged, summary.errors) == (len(STORIES), 0, [])
        assert snapshot(store) == ingested
    assert ingested["stats"]["claims"] > 0 and ingested["stats"]["events"] > 0


def test_rerun_adds_nothing_and_half_done_runs_resume(client, ingested, tmp_path: Path) -> None:
    from sitrep.backfill import backfill_reports

    reports = stories()
    with Store(tmp_path / "backfill.db") as store:
        backfill_reports(store, reports[:4], client, partition_size=2)
        rest = backfill_reports(store, reports, client, partition_size=2)
        assert (rest.added, rest.unchanged) == (len(STORIES) - 4, 4)
        again = backfill_reports(store, reports, client, partition_size=2)
        assert (again.added, again.unchanged) == (0, len(STORIES))
        assert snapshot(store) == ingested


def test_partitions_out_at_once_never_pass_the_window(client, ingested, tmp_path: Path) -> None:
    from sitrep.backfill import backfill_reports

    held: list[int] = []

    def progress(_what: str, _n: int) -> None:
        held.append(len(client.futures))

    with Store(tmp_path / "backfill.db") as store:
        backfill_reports(
            store, stories(), client, partition_size=1, max_in_flight=2, progress=progress
        )
        assert snapshot(store) == ingested
    assert len(held) == len(STORIES)
    assert max(held) <= 2


def test_a_killed_worker_loses_and_doubles_nothing(client, ingested, tmp_path: Path) -> None:
    from sitrep.backfill import backfill_reports

    pids: dict[str, int] = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_busy_worker(_what: str, _n: int) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        if busy:
            os.kill(pids[busy[0]], signal.SIGKILL)
            killed.append(pids[busy[0]])

    with Store(tmp_path / "backfill.db") as store:
        summary = backfill_reports(
            store, stories(), client, partition_size=2, max_in_flight=4, progress=kill_a_busy_worker
        )
        assert summary.added == len(STORIES)
        assert snapshot(store) == ingested
    assert killed, "no worker was busy when a partition was written"
    client.wait_for_workers(2, timeout=120)  # the nanny restarts the killed worker
    assert killed[0] not in client.run(os.getpid).values()


def test_cli_backfill_on_a_local_cluster(ingested, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sitrep.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    for n, text in enumerate(STORIES):
        (folder / f"story-{n}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "cli.db"
    args = ["backfill", str(folder), "--db", str(db), "--workers", "1", "--partition-size", "4"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"{len(STORIES)} added" in result.output
    with Store(db) as store:
        assert store.stats() == ingested["stats"]


def test_cli_rejects_a_bad_scheduler_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sitrep.cli import app

    report = tmp_path / "a.txt"
    report.write_text(STORIES[0], encoding="utf-8")
    result = CliRunner().invoke(
        app, ["backfill", str(report), "--db", str(tmp_path / "s.db"), "--scheduler", "nowhere"]
    )
    assert result.exit_code == 2
    assert "--scheduler wants `local` or an address" in result.output
    assert "Traceback" not in result.output
