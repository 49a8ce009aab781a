"""Archive writes are atomic and a reused archive is checked (issue 15)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import polars as pl

from ingest import archive
from ingest.run import ingest_file, sha256_of
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv

HEADER = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*"]


def test_a_damaged_archive_left_behind_is_rewritten(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [HEADER, ["J1", "D1", "标题", "2024-01-05"]])
    target = archive.path_for(home.archive_dir, sha256_of(path))
    target.write_bytes(b"")  # what a killed copy left (issue 15: later runs trusted it)
    target.with_name(target.name + ".sha256").write_text("0" * 64)
    assert ingest_file(con, home, path, SUBMITTED).status == "loaded"
    assert archive.is_intact(target)
    assert archive.read(target).select("suggestion_id", "title").rows() == [("J1", "标题")]


def test_an_intact_archive_is_reused(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [HEADER, ["J1", "D1", "标题", "2024-01-05"]])
    target = archive.path_for(home.archive_dir, sha256_of(path))
    # an archive of the same digest written by an earlier (uncommitted) run: intact, so kept
    writer = archive.Writer(target, sha256_of(path), path.name, ["suggestion_id"])
    writer.add("suggestions", None, pl.DataFrame({"suggestion_id": ["J1"], "_row_number": [2]}), "_row_number", "salt")
    writer.close()
    written = target.stat().st_mtime_ns
    assert ingest_file(con, home, path, SUBMITTED).status == "loaded"
    assert target.stat().st_mtime_ns == written


def test_killed_during_the_archive_write_leaves_no_archive_and_the_rerun_completes(home, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [HEADER, *[[f"J{n}", "D1", "标题", "2024-01-05"] for n in range(300)]])
    command = [sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "ingest", str(path)]
    marker = tmp_path / "reached"
    env = {**os.environ, "LVZHI_FAULT_POINT": "archive_before_rename", "LVZHI_FAULT_MARKER": str(marker)}
    victim = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline and victim.poll() is None, "ingest never reached the fault point"
            time.sleep(0.05)
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    target = archive.path_for(home.archive_dir, sha256_of(path))
    assert not target.exists()  # only the temporary file, never a partial archive under its name
    assert any(p.name.endswith(".tmp") for p in home.archive_dir.iterdir())
    assert subprocess.run(command, capture_output=True).returncode == 0
    assert archive.is_intact(target) and archive.read(target).height == 300
    assert sorted(p.name for p in home.archive_dir.iterdir()) == [target.name, target.name + ".sha256"]  # no temporary left
    import duckdb
    con = duckdb.connect(str(home.work_db), read_only=True)
    try:
        assert rows_of(con, "select count(*) from raw.suggestions") == [(300,)]
    finally:
        con.close()


def test_an_archive_of_several_batches_is_one_file_in_order(tmp_path):
    """Each batch is written as it comes, then the parts are joined into the one archive (streamed)."""
    target = tmp_path / "abc.parquet"
    writer = archive.Writer(target, "abc", "654000_建议.csv", ["suggestion_id", "title"])
    for start in (2, 5, 8):
        rows = range(start, start + 3)
        writer.add("suggestions", "建议", pl.DataFrame({"suggestion_id": [f"J{n}" for n in rows], "_row_number": list(rows)}),
                   "_row_number", "salt")
    writer.close()
    kept = archive.read(target)
    assert kept.get_column("_row_number").to_list() == list(range(2, 11))
    assert kept.get_column("title").null_count() == 9 and kept.schema["_row_number"] == pl.Int64
    assert pq_metadata(target) == {"source_sha256": "abc", "source_file": "654000_建议.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abc.parquet", "abc.parquet.sha256"]  # no part left
    abandoned = archive.Writer(tmp_path / "def.parquet", "def", "x.csv", ["title"])
    abandoned.add("suggestions", None, pl.DataFrame({"title": ["t"], "_row_number": [2]}), "_row_number", "salt")
    abandoned.abandon()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abc.parquet", "abc.parquet.sha256"]


def pq_metadata(path) -> dict[str, str]:
    return {k: v for k, v in pl.read_parquet_metadata(path).items() if k in ("source_sha256", "source_file")}
