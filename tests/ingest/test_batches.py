"""A big file is read, validated and written in batches, in one transaction: the same rows load and
the same rows are quarantined as when it is taken whole, duplicates across batches included."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from ingest import readers
from ingest.load import ensure_raw_schema, load_prepared
from ingest.run import known_digests, prepare_file
from lvzhi import warehouse
from ingest.run import ingest
from lvzhi.home import Home
from tests.ingest.conftest import SUBMITTED, rows_of

HEADER = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "交办日期", "答复日期", "答复类别"]
ROWS = 3500
FIRST, LAST = 2, ROWS + 1  # the header is line 1


def big_file(path, encoding: str):
    """ROWS suggestions with a few broken ones; a key repeated far apart (batches of ~1000 rows)."""
    rows = []
    for n in range(ROWS):
        title = f"关于第{n}号道路\n维修的建议" if n % 700 == 3 else f"关于第{n}号道路维修的建议"  # quoted newline
        rows.append([f"J{n}", f"D{n % 97}", title, "2024/3/5", "2024年3月9日", "2024.4.1", "A"])
    rows[10][3] = "2024年13月5日"  # bad date
    rows[1500][2] = ""  # title missing
    rows[2200][5] = "2024-03-01"  # reply before assignment
    rows[ROWS - 1][0] = "J3"  # same key as line 5, thousands of rows apart
    rows[ROWS - 2][0] = rows[ROWS - 3][0]  # a duplicate inside one batch too
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([HEADER, *rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def load(root, path, progress=None):
    home = Home.at(root)
    con = warehouse.connect_work(home)
    ensure_raw_schema(con)
    result = load_prepared(con, prepare_file(home, path, SUBMITTED, known_digests(con)), progress)
    return home, con, result


def snapshot(con, result):
    loaded = rows_of(con, "select * exclude (_batch_id, _loaded_at) from raw.suggestions order by _row_number")
    quarantine = rows_of(con, "select row_number, column_name, value, rule_id, message, row_json "
                              "from raw.quarantine order by all")
    report = pl.read_csv(result.report.with_suffix(".csv"), infer_schema=False)
    return loaded, quarantine, report.rows()


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_batched_file_loads_exactly_like_a_whole_one(tmp_path, monkeypatch, encoding):
    path = big_file(tmp_path / "654000_建议_2024.csv", encoding)
    _, whole_con, whole = load(tmp_path / "whole", path)
    monkeypatch.setattr(readers, "BATCH_ROWS", 1000)
    fractions = []
    _, batched_con, batched = load(tmp_path / "batched", path, lambda rows, fraction: fractions.append((rows, fraction)))

    assert len(fractions) >= 3 and fractions[-1] == (ROWS, 1.0)  # really in batches
    assert [f for _, f in fractions] == sorted(f for _, f in fractions)
    assert (batched.rows_read, batched.rows_loaded, batched.rows_quarantined) == \
        (whole.rows_read, whole.rows_loaded, whole.rows_quarantined) == (ROWS, ROWS - 7, 7)
    assert snapshot(batched_con, batched) == snapshot(whole_con, whole)

    quarantine = rows_of(batched_con, "select row_number, rule_id, message from raw.quarantine order by row_number")
    assert [(r, rule) for r, rule, _ in quarantine] == [
        (5, "duplicate_key"), (12, "bad_date"), (1502, "required"), (2202, "reply_before_assignment"),
        (LAST - 2, "duplicate_key"), (LAST - 1, "duplicate_key"), (LAST, "duplicate_key"),
    ]
    assert f"第 5、{LAST} 行" in quarantine[0][2]  # the clerk is told both rows, across batches
    # Row numbers stay those of the file: a loaded row's key is the one written on its line.
    assert rows_of(batched_con, f"select suggestion_id, title from raw.suggestions where _row_number = {LAST - 3}") == [
        (f"J{ROWS - 4}", f"关于第{ROWS - 4}号道路维修的建议")]
    assert rows_of(batched_con, "select count(*) from raw.suggestions where title like '%\n%'") == [(4,)]


def test_a_failure_in_a_later_batch_leaves_nothing_of_the_file(tmp_path, monkeypatch):
    path = big_file(tmp_path / "654000_建议_2024.csv", "utf-8")
    monkeypatch.setattr(readers, "BATCH_ROWS", 1000)
    home = Home.at(tmp_path / "home")
    con = warehouse.connect_work(home)
    ensure_raw_schema(con)
    prepared = prepare_file(home, path, SUBMITTED)
    batches = list(prepared.batches)
    assert len(batches) >= 3

    def failing():
        yield from batches[:2]
        raise RuntimeError("disk gone")

    prepared.batches = failing()
    with pytest.raises(RuntimeError):
        load_prepared(con, prepared)
    assert rows_of(con, "select (select count(*) from raw.suggestions), (select count(*) from raw.quarantine), "
                        "(select count(*) from raw.batches)") == [(0, 0, 0)]


def test_progress_within_a_long_file(tmp_path, monkeypatch):
    path = big_file(tmp_path / "654000_建议_2024.csv", "utf-8")
    monkeypatch.setattr(readers, "BATCH_ROWS", 1000)
    lines = []
    results = ingest(Home.at(tmp_path / "home"), [path], SUBMITTED, say=lines.append)
    assert results[0].rows_loaded == ROWS - 7
    within = [line for line in lines if "已读取" in line]
    assert len(within) >= 2 and all(path.name in line for line in within)
    assert "[1/1]" in lines[-1] and f"入库 {ROWS - 7:,} 行" in lines[-1]


def test_pieces_are_cut_only_between_records():
    buffer = b'J1,"first line\nsecond line"\nJ2,"open\nquote'
    assert readers._record_end(buffer) == buffer.index(b'"\n') + 1  # not the newlines inside quotes
    assert readers._record_end(b'J1,"never closed\n') == -1
