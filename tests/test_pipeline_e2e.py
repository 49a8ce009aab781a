"""End to end through the CLI: synth tiny -> ingest -> build -> indicators, then the same files again."""

from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest

from devtools import cli as devtools_cli
from lvzhi import cli
from lvzhi.build import CONTRACT_COLUMNS
from lvzhi.home import Home

ISSUE_2_INDICATORS = (
    "suggestion_reply_rate", "suggestion_on_time_reply_rate", "suggestion_completion_rate",
    "suggestion_resolution_rate", "suggestion_satisfaction_rate", "suggestion_overdue_count",
    "congress_attendance_rate", "sc_observer_coverage", "sc_observers_per_meeting",
)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    inbox = root / "inbox"
    assert devtools_cli.main(["synth", "--out", str(inbox), "--scale", "tiny", "--seed", "7"]) == 0
    # Some rows carry injected errors: exit code 1 = loaded with quarantined rows.
    assert cli.main(["--home", str(root), "ingest", str(inbox), "--submitted-on", "2026-01-15"]) == 1
    assert cli.main(["--home", str(root), "build", "--as-of", "2025-12-31"]) == 0
    return root


def table_counts(home: Home) -> dict[str, int]:
    con = duckdb.connect(str(home.work_db), read_only=True)
    try:
        tables = con.sql("select table_name from duckdb_tables() where schema_name = 'raw'").fetchall()
        return {t: con.sql(f"select count(*) from raw.{t}").fetchall()[0][0] for (t,) in tables}
    finally:
        con.close()


def test_indicators_csv_has_the_contract_and_every_prefecture(tiny, capsys):
    capsys.readouterr()
    assert cli.main(["--home", str(tiny), "indicators", "--format", "csv", "--as-of", "2025-12-31"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0].keys()) == list(CONTRACT_COLUMNS)
    for indicator in ISSUE_2_INDICATORS:
        year_rows = [r for r in rows if r["indicator_id"] == indicator and r["period_label"] == "2025"
                     and r["scope_level"] == "prefecture" and r["value"] != ""]
        assert len({r["scope_code"] for r in year_rows}) == 14, indicator
    quarter_rows = {r["period_label"] for r in rows if r["period_type"] == "quarter"}
    assert {"2025Q1", "2025Q4"} <= quarter_rows


def test_quarantine_holds_exactly_the_injected_errors(tiny):
    manifest = json.loads((tiny / "inbox" / "manifest.json").read_text())
    injected = {(e["file"], e["sheet"], e["row"], e["rule"]) for e in manifest["injected_errors"]}
    con = duckdb.connect(str(Home.at(tiny).work_db), read_only=True)
    quarantined = set(con.sql("select source_file, sheet, row_number, rule_id from raw.quarantine").fetchall())
    con.close()
    assert injected and quarantined == injected


def test_ingesting_the_same_files_again_changes_nothing(tiny):
    home = Home.at(tiny)
    before = table_counts(home)
    assert cli.main(["--home", str(tiny), "ingest", str(tiny / "inbox")]) == 0  # all skipped
    assert table_counts(home) == before
    assert before["suggestions"] > 100 and before["deputies"] > 100


def test_unreadable_file_exits_2(tiny, tmp_path):
    bad = tmp_path / "654000_建议_坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a workbook")
    assert cli.main(["--home", str(tiny), "ingest", str(bad)]) == 2
