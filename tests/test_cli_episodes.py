"""Episodes through the CLI: extract writes them, ingest stores them, list, show, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrep.cli import app

# Three days of one border war, then a quiet month, then a clash elsewhere: two stories.
DAY_ONE = """date 2025-07-24
outlet: Border Courier

SURIN — Thai and Cambodian troops exchanged artillery fire near the Ta Muen Thom temple on
Thursday. The Thai army said nine civilians were killed in Surin province.
"""

DAY_TWO = """date 2025-07-25
outlet: Second Gazette

Fighting spread along the Thai-Cambodian border on Friday as Cambodian rockets hit Surin.
Thailand's health ministry said the death toll had risen to 15, most of them civilians.
"""

DAY_THREE = """date 2025-07-26
outlet: Third Wire

Thai jets struck Cambodian positions near the border in Oddar Meanchey on Saturday. The Thai
army said the number of Thai civilians killed had climbed to 19.
"""

ELSEWHERE = """date 2025-09-02
outlet: Plains Daily

Gunmen attacked a market in Maiduguri, Nigeria, on Tuesday. Police said four people were
killed.
"""

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def corpus(tmp_path: Path) -> list[str]:
    folder = tmp_path / "reports"
    folder.mkdir()
    texts = {"a.txt": DAY_ONE, "b.txt": DAY_TWO, "c.txt": DAY_THREE, "d.txt": ELSEWHERE}
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return sorted(str(p) for p in folder.glob("*.txt"))


def test_extract_writes_episodes_and_claims_carry_them(corpus: list[str], tmp_path: Path) -> None:
    events_path = tmp_path / "events.json"
    result = invoke("extract", *corpus, "--json", "--events", str(events_path))
    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    payload = json.loads(events_path.read_text(encoding="utf-8"))
    episodes = {e["id"]: e for e in payload["episodes"]}
    assert {"events", "episodes"} <= set(payload)
    by_file = {Path(d["source"]).name: {c["episode"] for c in d["claims"]} for d in documents}
    border = by_file["a.txt"] | by_file["b.txt"] | by_file["c.txt"]
    assert len(border) == 1 and None not in border
    (story,) = border
    assert by_file["d.txt"].isdisjoint(border)
    assert story in episodes
    assert (episodes[story]["date_start"], episodes[story]["date_end"]) == (
        "2025-07-24",
        "2025-07-26",
    )
    events = {e["id"] for e in payload["events"]}
    assert set(episodes[story]["events"]) <= events
    killed = [f for f in episodes[story]["figures"] if f["measure"] == "killed"]
    assert killed and all("history" in f and "grade" in f for f in killed)


def test_ingest_list_show_and_export_episodes(corpus: list[str], tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert invoke("ingest", *corpus, "--db", str(db), "--quiet").exit_code == 0
    listed = invoke("episodes", "--db", str(db), "--json")
    assert listed.exit_code == 0
    page = json.loads(listed.stdout)
    assert page["total"] == 2
    border = next(i for i in page["items"] if i["date_start"] == "2025-07-24")
    assert border["date_end"] == "2025-07-26" and border["n_reports"] == 3
    assert invoke("episodes", "--db", str(db), "--country", "NGA", "--json").exit_code == 0
    table = invoke("episodes", "--db", str(db))
    assert table.exit_code == 0 and "2 episodes" in table.stdout

    shown = invoke("show", border["id"], "--db", str(db), "--json")
    assert shown.exit_code == 0
    detail = json.loads(shown.stdout)
    assert detail["id"] == border["id"] and len(detail["event_items"]) >= 1
    assert all("history" in f for f in detail["figures"])
    ledger = invoke("show", border["id"], "--db", str(db), "--rule", "latest")
    assert ledger.exit_code == 0 and "episode" in ledger.stdout and "grade" in ledger.stdout
    missing = invoke("show", "p-000000000000", "--db", str(db))
    assert missing.exit_code == 2 and "no event or episode" in missing.stderr

    out = tmp_path / "episodes.csv"
    exported = invoke("export", "--format", "episodes-csv", "-o", str(out), "--db", str(db))
    assert exported.exit_code == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["episode_id"] for r in rows} == {i["id"] for i in page["items"]}


def test_episode_settings_reach_the_grouper_and_bad_ones_are_one_line_errors(
    corpus: list[str], tmp_path: Path
) -> None:
    events_path = tmp_path / "events.json"
    tight = invoke("extract", *corpus[:3], "--events", str(events_path), "--episode", "max_days=1")
    assert tight.exit_code == 0
    assert len(json.loads(events_path.read_text(encoding="utf-8"))["episodes"]) >= 2
    db = tmp_path / "s.db"
    bad = invoke("ingest", *corpus, "--db", str(db), "--episode", "max_gap=2")
    assert bad.exit_code == 2
    assert "episode setting 'max_gap=2'" in bad.stderr and "Traceback" not in bad.output
    assert not db.exists()
