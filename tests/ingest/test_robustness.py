"""Random corruption never crashes ingest and never loses a row; a killed ingest leaves the
warehouse as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.run import ingest_file
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv

HEADER = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "交办日期", "延期至", "答复日期", "答复类别", "代表满意度"]
GOOD = ["J{n}", "D1", "关于修路的建议", "2024-01-05", "2024-01-31", "", "2024-03-01", "A", "满意"]
NASTY = st.one_of(
    st.just(""), st.just("2024年13月45日"), st.just("=SUM(A1)"), st.just("１２３"), st.just("Z"),
    st.just("2023-01-01"), st.just("2099-01-01"), st.just("J1"), st.text(max_size=12),
)


@st.composite
def corrupted_files(draw):
    n_rows = draw(st.integers(min_value=1, max_value=25))
    rows = [[cell.format(n=i) for cell in GOOD] for i in range(n_rows)]
    for _ in range(draw(st.integers(min_value=0, max_value=15))):
        row, col = draw(st.integers(0, n_rows - 1)), draw(st.integers(0, len(HEADER) - 1))
        rows[row][col] = draw(NASTY).replace(",", "，").replace("\n", " ").replace('"', "'").replace("\r", " ")
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    truncate = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=400)))
    return rows, encoding, truncate


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(corrupted_files())
def test_random_corruption_never_crashes_and_counts_add_up(home, con, tmp_path, case):
    rows, encoding, truncate = case
    path = write_csv(tmp_path / "654000_建议_随机.csv", [HEADER, *rows], encoding=encoding)
    if truncate is not None:
        path.write_bytes(path.read_bytes()[:truncate])
    before = rows_of(con, "select count(*) from raw.suggestions")[0][0]
    batches = rows_of(con, "select count(*) from raw.batches")[0][0]
    result = ingest_file(con, home, path, SUBMITTED)
    after = rows_of(con, "select count(*) from raw.suggestions")[0][0]
    if result.status == "rejected":
        assert (after, rows_of(con, "select count(*) from raw.batches")[0][0]) == (before, batches)
        assert result.message
    elif result.status == "loaded":
        assert result.rows_loaded + result.rows_quarantined == result.rows_read
        assert after - before == result.rows_loaded
        quarantined_rows = rows_of(con, "select count(distinct row_number) from raw.quarantine "
                                        "where batch_id = (select max(batch_id) from raw.batches)")[0][0]
        assert quarantined_rows == result.rows_quarantined


def test_ingest_killed_before_commit_leaves_warehouse_unchanged(home, tmp_path):
    first = write_csv(tmp_path / "654000_建议_1.csv", [HEADER, [c.format(n=1) for c in GOOD]])
    second = write_csv(tmp_path / "654000_建议_2.csv", [HEADER, *[[c.format(n=i) for c in GOOD] for i in range(2, 500)]])
    command = [sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "ingest"]
    assert subprocess.run([*command, str(first)], capture_output=True).returncode == 0
    marker = tmp_path / "reached"
    env = {**os.environ, "LVZHI_FAULT_POINT": "ingest_before_commit", "LVZHI_FAULT_MARKER": str(marker)}
    victim = subprocess.Popen([*command, str(second)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline and victim.poll() is None, "ingest never reached the fault point"
            time.sleep(0.05)
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()
    import duckdb

    def counts():
        con = duckdb.connect(str(home.work_db), read_only=True)
        try:
            return con.sql("select (select count(*) from raw.suggestions), (select count(*) from raw.batches)").fetchall()[0]
        finally:
            con.close()

    assert counts() == (1, 1)  # as before the killed run
    assert subprocess.run([*command, str(second)], capture_output=True).returncode == 0
    assert subprocess.run([*command, str(second)], capture_output=True).returncode == 0  # again: a no-op
    assert counts() == (499, 2)  # loaded once


HOSTILE = st.one_of(
    NASTY, st.just('"'), st.just('"关于'), st.just("\x00"), st.just("\r"), st.just("x" * 20_000),
    st.just("6.52301E+17"), st.just("13812345678"), st.just("=HYPERLINK(\"http://example.invalid\")"),
    st.text(alphabet=st.sampled_from('",\n\r\x00a关'), max_size=30),
)


@st.composite
def hostile_files(draw):
    """Corruption with the shapes issue 15 found: stray quotes, NUL, CR, very long cells."""
    n_rows = draw(st.integers(min_value=1, max_value=25))
    lines = [",".join(cell.format(n=i) for cell in GOOD) for i in range(n_rows)]
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        row = draw(st.integers(0, n_rows - 1))
        cells = lines[row].split(",")
        cells[draw(st.integers(0, len(cells) - 1))] = draw(HOSTILE)
        lines[row] = ",".join(cells)
    return ",".join(HEADER) + "\n" + "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile_files())
def test_hostile_shapes_are_loaded_or_refused_quickly_and_counts_add_up(home, con, tmp_path, text):
    path = tmp_path / "654000_建议_敌意.csv"
    path.write_bytes(text.encode("utf-8"))
    before = rows_of(con, "select count(*) from raw.suggestions")[0][0]
    started = time.monotonic()
    result = ingest_file(con, home, path, SUBMITTED)
    assert time.monotonic() - started < 5  # per file
    after = rows_of(con, "select count(*) from raw.suggestions")[0][0]
    assert result.status in ("loaded", "rejected", "duplicate")
    if result.status == "rejected":
        assert after == before and result.message and "内部错误" not in result.message
        assert len(result.message) < 400  # one line, never the file's content
    elif result.status == "loaded":
        assert result.rows_loaded + result.rows_quarantined == result.rows_read
        assert after - before == result.rows_loaded
        stored = rows_of(con, "select string_agg(title, '') from raw.suggestions")[0][0] or ""
        assert "\x00" not in stored and "13812345678" not in stored
