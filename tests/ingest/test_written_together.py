"""Files that come in one batch are written together, one transaction for several (ingest.run,
load_together): the warehouse, the batches, the quarantine and the reports are exactly those of
writing them one at a time, and a file that fails among them fails alone."""

from __future__ import annotations

import duckdb
import pytest

from ingest import archive, load, run
from ingest.run import ingest, sha256_of
from lvzhi.home import Home
from tests.ingest.conftest import SUBMITTED, write_csv

HEADER = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "交办日期", "答复日期", "答复类别"]


def good(n: int) -> list[str]:
    return [f"J{n}", "D1", f"关于第{n}号道路维修的建议", "2024-01-05", "2024-01-31", "2024-03-01", "A"]


def folder(path):
    """Small files of one kind: clean ones, one with broken rows, the same content under a second
    name, one whose header is unreadable, and a file that is no data file."""
    path.mkdir()
    for number in range(1, 6):
        write_csv(path / f"654000_建议_{number}.csv", [HEADER, *[good(100 * number + i) for i in range(30)]])
    broken = [good(900 + i) for i in range(30)]
    broken[3][3], broken[7][0] = "2024年13月5日", ""  # a bad date, a key missing
    write_csv(path / "654000_建议_6_有错.csv", [HEADER, *broken])
    (path / "654000_建议_7_同一文件.csv").write_bytes((path / "654000_建议_1.csv").read_bytes())
    write_csv(path / "654000_建议_8_无表头.csv", [["甲", "乙"], ["1", "2"]])
    (path / "说明.docx").write_bytes(b"not a data file")
    return path


def state(home: Home) -> dict:
    """Everything a run leaves, but the times of loading and the home's own folder. Batches by
    their order: a group rolled back (here: the same file twice) has drawn batch ids from the
    sequence, which no rollback returns, as a file failing alone always did."""
    con = duckdb.connect(str(home.work_db), read_only=True)
    try:
        found = {
            "suggestions": con.sql("select * exclude (_loaded_at, _batch_id) from raw.suggestions order by all").fetchall(),
            "batches": con.sql("select * exclude (batch_id, loaded_at, archive_path) from raw.batches "
                               "order by batch_id").fetchall(),
            "quarantine": con.sql("select * exclude (batch_id, loaded_at) from raw.quarantine order by all").fetchall(),
            "rows_per_batch": con.sql("select b.source_file, count(s._row_number) from raw.batches b left join "
                                      "raw.suggestions s on s._batch_id = b.batch_id group by all order by all").fetchall(),
        }
    finally:
        con.close()
    found["reports"] = {p.name: p.read_bytes() for p in sorted(home.reports_dir.glob("*.csv"))}
    found["archives"] = sorted(p.name for p in home.archive_dir.iterdir())
    return found


def outcomes(results) -> list[tuple]:
    return [(r.path.name, r.status, r.rows_loaded, r.rows_quarantined, r.message) for r in results]


def test_files_written_together_leave_what_one_at_a_time_leaves(tmp_path, monkeypatch):
    files = folder(tmp_path / "inbox")
    groups = []

    def together(con, prepared):
        groups.append(len(prepared))
        return load.load_together(con, prepared)

    monkeypatch.setattr(run, "load_together", together)
    together_home = Home.at(tmp_path / "together")
    written_together = ingest(together_home, [files], SUBMITTED, say=lambda _: None)
    assert max(groups) > 3  # really written together

    monkeypatch.setattr(run, "_one_batch", lambda prepared: False)  # every file in its own transaction
    alone_home = Home.at(tmp_path / "alone")
    written_alone = ingest(alone_home, [files], SUBMITTED, say=lambda _: None)

    assert outcomes(written_together) == outcomes(written_alone)
    assert [r.status for r in written_together] == [
        "loaded", "loaded", "loaded", "loaded", "loaded", "loaded", "duplicate", "rejected", "skipped"]
    assert state(together_home) == state(alone_home)


def test_a_file_failing_among_others_fails_alone(tmp_path, monkeypatch):
    files = folder(tmp_path / "inbox")
    insert_rows = load._insert_rows

    def failing(con, table, checked, batch_id, source_file, *rest):
        if source_file == "654000_建议_3.csv":
            raise duckdb.IOException("disk gone")
        return insert_rows(con, table, checked, batch_id, source_file, *rest)

    monkeypatch.setattr(load, "_insert_rows", failing)
    home = Home.at(tmp_path / "home")
    results = {r.path.name: r for r in ingest(home, [files], SUBMITTED, say=lambda _: None)}

    assert results["654000_建议_3.csv"].status == "rejected"
    assert "内部错误" in results["654000_建议_3.csv"].message
    assert [name for name, r in results.items() if r.status == "loaded"] == [
        "654000_建议_1.csv", "654000_建议_2.csv", "654000_建议_4.csv", "654000_建议_5.csv", "654000_建议_6_有错.csv"]
    con = duckdb.connect(str(home.work_db), read_only=True)
    try:
        assert con.sql("select source_file from raw.batches order by batch_id").fetchall() == [
            ("654000_建议_1.csv",), ("654000_建议_2.csv",), ("654000_建议_4.csv",), ("654000_建议_5.csv",),
            ("654000_建议_6_有错.csv",)]
        assert con.sql("select count(*) from raw.suggestions where _source_file = '654000_建议_3.csv'").fetchall() == [(0,)]
        assert con.sql("select count(*) from raw.suggestions").fetchall() == [(4 * 30 + 28,)]
    finally:
        con.close()
    assert archive.path_for(home.archive_dir, sha256_of(files / "654000_建议_4.csv")).exists()


def test_an_interrupted_group_leaves_none_of_its_files(tmp_path, monkeypatch):
    files = folder(tmp_path / "inbox")

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(load, "_insert_rows", interrupted)
    home = Home.at(tmp_path / "home")
    with pytest.raises(KeyboardInterrupt):
        ingest(home, [files], SUBMITTED, say=lambda _: None)
    con = duckdb.connect(str(home.work_db), read_only=True)
    try:
        assert con.sql("select (select count(*) from raw.suggestions), (select count(*) from raw.batches)").fetchall() == [(0, 0)]
    finally:
        con.close()
