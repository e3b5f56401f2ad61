"""The CLI end to end on reports written for these tests: ingest, errors, listing, export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sitrep.cli import app

ROOT = Path(__file__).resolve().parent.parent

REPORT_A = """date 2024-02-17
outlet: Test Courier

AVDIIVKA — Ukraine's military said on Saturday that its troops had withdrawn from Avdiivka
after months of fighting. Russia's defence ministry said 1,500 Ukrainian soldiers were killed
in the final days of the battle, while Ukraine's army said the figure was false.
"""

REPORT_B = """date 2024-02-18
outlet: Second Gazette

Kyiv said on Sunday that its forces left Avdiivka in order. The Russian defence ministry
claimed 1,500 Ukrainian soldiers were killed around the town, a figure Ukraine rejected.
"""

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (folder / "b.txt").write_text(REPORT_B, encoding="utf-8")
    return folder


@pytest.fixture()
def store(tmp_path: Path, corpus: Path) -> Path:
    db = tmp_path / "s.db"
    result = invoke("ingest", str(corpus), "--db", str(db), "--quiet")
    assert result.exit_code == 0, result.output
    return db


def counts(db: Path) -> dict[str, int]:
    from sitrep.store import Store

    with Store.open_readonly(db) as s:
        return s.stats()


def test_ingest_is_idempotent(store: Path, corpus: Path) -> None:
    before = counts(store)
    assert before["reports"] == 2 and before["claims"] >= 2
    again = invoke("ingest", str(corpus), "--db", str(store), "--quiet")
    assert again.exit_code == 0
    assert "0 added, 2 unchanged" in again.output
    assert counts(store) == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "binary"),
        ("empty.txt", b"   \n", "empty"),
        (
            "latin1.txt",
            "Le ministère a déclaré que 12 soldats ont été tués.".encode("latin-1"),
            "UTF-8",
        ),
        ("bad.jsonl", b'{"text": "Officials said 3 people died."}\n{not json\n', "bad.jsonl:2"),
    ],
)
def test_bad_input_one_line_error_and_store_kept(
    store: Path, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    before = counts(store)
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(app, ["ingest", str(path), "--db", str(store), "--quiet"])
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and reason in errors[0]
    assert "Traceback" not in result.output
    after = counts(store)
    assert after["reports"] >= before["reports"] and after["claims"] >= before["claims"]


def test_missing_path(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "--db", str(store)])
    assert result.exit_code != 0
    assert "no such file" in result.output
    assert counts(store)["reports"] == 2


def test_reports_of_one_event_are_linked(store: Path) -> None:
    result = invoke("events", "--db", str(store), "--json")
    page = json.loads(result.output)
    killed_events = [e for e in page["items"] if e.get("killed")]
    assert len(killed_events) == 1
    detail = json.loads(invoke("show", killed_events[0]["id"], "--db", str(store), "--json").output)
    assert len(detail["sources"]) == 2
    figure = next(f for f in detail["figures"] if f["measure"] == "killed")
    group = next(g for g in figure["claims"] if g["value"] == 1500)
    assert group["claimant_country"] == "RUS" and group["reports"] == 2


def test_show_ledger_and_rule_option(store: Path) -> None:
    event_id = json.loads(invoke("events", "--db", str(store), "--json").output)["items"][0]["id"]
    ledger = invoke("show", event_id, "--db", str(store), "--rule", "latest")
    assert ledger.exit_code == 0
    bad = runner.invoke(app, ["show", event_id, "--db", str(store), "--rule", "nonsense"])
    assert bad.exit_code == 2 and "unknown rule" in bad.output
    missing = runner.invoke(app, ["show", "e-nothing", "--db", str(store)])
    assert missing.exit_code == 2 and "no event" in missing.output


def test_claims_table_and_search(store: Path) -> None:
    table = invoke("claims", "--db", str(store))
    assert "1500" in table.output
    found = json.loads(invoke("claims", "--db", str(store), "--q", "soldiers", "--json").output)
    assert found["total"] >= 1


def test_extract_contract_json(corpus: Path, tmp_path: Path) -> None:
    events_path = tmp_path / "ev.json"
    result = invoke(
        "extract",
        str(corpus / "a.txt"),
        str(corpus / "b.txt"),
        "--json",
        "--events",
        str(events_path),
    )
    docs = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [d["published"] for d in docs] == ["2024-02-17", "2024-02-18"]
    claim = next(c for c in docs[0]["claims"] if c["value"] == 1500)
    for key in (
        "measure",
        "qualifier",
        "low",
        "high",
        "victim",
        "claimant",
        "start",
        "end",
        "sentence",
        "event",
    ):
        assert key in claim
    text = (corpus / "a.txt").read_text(encoding="utf-8")
    assert text[claim["start"] : claim["end"]] == claim["sentence"]
    events = json.loads(events_path.read_text(encoding="utf-8"))["events"]
    assert any(claim["event"] == e["id"] for e in events)


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["events", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no store" in result.output


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "geojson", "ucdp", "acled"])
def test_export_formats(store: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out.{fmt}"
    result = invoke("export", "--format", fmt, "-o", str(out), "--db", str(store))
    assert result.exit_code == 0 and out.stat().st_size > 0


def test_every_command_and_option_is_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    import typer.main

    command = typer.main.get_command(app)
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        assert re.search(rf"sitrep {name}\b", readme), f"`sitrep {name}` is not in the README"
        for param in sub.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in readme, f"option {opt} of `sitrep {name}` is not in the README"


@pytest.fixture
def look_alike_files(tmp_path: Path, monkeypatch) -> list[str]:
    """Twelve report files of two look-alike events, whose frames a stand-in extractor
    replays (no spaCy)."""
    import sitrep.nlp.pipeline as pipeline
    from test_link import ReplayExtractor, interleaved, look_alike_events, look_alike_reports

    for report in look_alike_reports():
        (tmp_path / report.source).write_text(report.text, encoding="utf-8")
    frames = interleaved(*look_alike_events())
    monkeypatch.setattr(pipeline, "Extractor", lambda **_: ReplayExtractor(frames))
    return sorted(str(p) for p in tmp_path.glob("*.txt"))


def test_extract_says_when_a_split_moved_printed_reports(
    tmp_path: Path, look_alike_files: list[str]
) -> None:
    events_path = tmp_path / "events.json"
    result = invoke("extract", *look_alike_files, "--json", "--events", str(events_path))
    assert result.exit_code == 0
    assert "regrouped 1 time(s)" in result.stderr
    events = json.loads(events_path.read_text(encoding="utf-8"))["events"]
    assert sorted(len(e["sources"]) for e in events) == [6, 6]


def test_link_settings_reach_the_linker_and_bad_ones_are_one_line_errors(
    tmp_path: Path, look_alike_files: list[str]
) -> None:
    files = look_alike_files
    events_path = tmp_path / "events.json"
    result = invoke("extract", *files, "--events", str(events_path), "--link", "split_ratio=0")
    assert result.exit_code == 0
    assert "regrouped" not in result.stderr  # no split without splitting
    events = json.loads(events_path.read_text(encoding="utf-8"))["events"]
    assert [len(e["sources"]) for e in events] == [12]

    db = tmp_path / "s.db"
    bad = invoke("ingest", *files, "--db", str(db), "--link", "treshold=0.3")
    assert bad.exit_code == 2
    assert "link setting 'treshold=0.3'" in bad.stderr and "Traceback" not in bad.output
    assert not db.exists()  # refused before anything was opened
