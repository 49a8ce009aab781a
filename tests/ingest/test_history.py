"""Nothing doubled: the same file twice is a no-op; a corrected resubmission replaces the current
version and keeps the old one in history."""

from __future__ import annotations

from ingest.run import ingest, ingest_file, sha256_of
from lvzhi import warehouse
from lvzhi.build import run_dbt
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv

HEADER = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "交办日期", "答复日期"]


def test_same_file_twice_changes_nothing(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议_2024.csv", [HEADER, ["J1", "D1", "标题", "2024-01-05", "2024-01-31", ""]])
    assert ingest_file(con, home, path, SUBMITTED).status == "loaded"
    assert ingest_file(con, home, path, SUBMITTED).status == "duplicate"
    assert rows_of(con, "select count(*) from raw.suggestions") == [(1,)]
    assert rows_of(con, "select count(*) from raw.batches") == [(1,)]
    # The archive keeps the parsed rows (no clear personal data), named by the original's sha256.
    from ingest import archive
    archived = sorted(p.name for p in home.archive_dir.iterdir())
    assert archived == [f"{sha256_of(path)}.parquet", f"{sha256_of(path)}.parquet.sha256"]
    kept = archive.read(home.archive_dir / archived[0])
    assert kept.select("_row_number", "suggestion_id", "title").rows() == [(2, "J1", "标题")]


def test_resubmission_keeps_history(home, con, tmp_path):
    first = write_csv(tmp_path / "654000_建议_2024.csv", [HEADER, ["J1", "D1", "标题", "2024-01-05", "2024-01-31", ""]])
    ingest_file(con, home, first, SUBMITTED)
    second = write_csv(tmp_path / "654000_建议_2024_更正.csv",
                       [HEADER, ["J1", "D1", "标题", "2024-01-05", "2024-01-31", "2024-03-01"]])
    ingest_file(con, home, second, SUBMITTED)
    history = rows_of(con, "select _batch_id, replied_on from raw.suggestions order by _batch_id")
    assert [str(r[1]) for r in history] == ["None", "2024-03-01"]
    con.close()  # dbt writes the warehouse next
    # Staging's rule (macro current_version in macros/as_of.sql), run by dbt: the newest batch of a
    # key is the current version.
    built = run_dbt(home, ["run"], SUBMITTED, select="stg_raw__suggestions")
    assert built.success, built.failures
    con = warehouse.connect_work(home)
    try:
        current = rows_of(con, "select suggestion_id, replied_on, source_file from staging.stg_raw__suggestions")
    finally:
        con.close()
    assert [(r[0], str(r[1]), r[2]) for r in current] == [("J1", "2024-03-01", second.name)]


def test_same_file_twice_in_one_run_loads_once(home, tmp_path):
    # Both copies are prepared before either is written: the unique sha256 of raw.batches, not a
    # lookup, turns the second into a no-op (its rows rolled back, nothing doubled).
    rows = [HEADER, ["J1", "D1", "标题", "2024-01-05", "2024-01-31", ""]]
    first = write_csv(tmp_path / "654000_建议_2024.csv", rows)
    copy = write_csv(tmp_path / "654000_建议_2024_副本.csv", rows)
    results = ingest(home, [first, copy], SUBMITTED, say=lambda _: None)
    assert [r.status for r in results] == ["loaded", "duplicate"]
    con = warehouse.connect_work(home)
    try:
        assert rows_of(con, "select count(*) from raw.suggestions") == [(1,)]
        assert rows_of(con, "select source_file from raw.batches") == [(first.name,)]
    finally:
        con.close()
    # A file without problems gets no report (the CLI names the reports folder only when there are some).
    assert results[0].report is None and list(home.reports_dir.iterdir()) == []
