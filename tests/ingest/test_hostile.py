"""Hostile files cannot stop the run (issue 15): each is read in bounded memory and time linear in
its size, or refused with one clear Chinese line; the other files of the run still load.

Big files are generated here, in the test's tmp folder, never committed. Each hostile file is
ingested by a child process (a fresh interpreter), so that a reader that aborts or blows up fails
the test instead of the test run, and so that the child's peak memory (ru_maxrss) and wall time
can be checked against the bounds stated in ingest/guards.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from ingest import guards
from ingest.run import ingest_file
from tests.conftest import quiet
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv

HEADER = "建议编号,领衔代表编号,标题,提出日期\n"
ROW = "J{n},D1,关于修路的建议,2024-01-05\n"
BASE_MB = 210  # a child that loaded a 1-row file (polars, duckdb and the project imported)
CHILD = """
import json, sys
from pathlib import Path
from ingest.load import ensure_raw_schema
from ingest.run import ingest_file
from lvzhi import warehouse
from lvzhi.home import Home
home = Home.at(sys.argv[1]); con = warehouse.connect_work(home); ensure_raw_schema(con)
result = ingest_file(con, home, Path(sys.argv[2]))
# Peak memory of this process since exec (ru_maxrss would include the parent's size at fork).
peak_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(json.dumps({"status": result.status, "message": result.message, "rows_read": result.rows_read,
                  "rows_loaded": result.rows_loaded, "rows_quarantined": result.rows_quarantined,
                  "peak_mb": peak_kb / 1024}))
"""


def ingest_child(tmp_path: Path, path: Path, timeout: float = 60) -> tuple[dict, float, float]:
    """(result, seconds, peak MB of the child) of ingesting one file in a fresh process."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path / f"home_{path.stem[:20]}"), str(path)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parents[2])
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        _, status, _ = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    child.returncode = code
    out, err = child.stdout.read(), child.stderr.read()
    assert seconds < timeout, f"{path.name}: still running after {timeout} s"
    assert code == 0, f"{path.name}: exit {code}: {err.decode()[-500:]}"
    result = json.loads(out.decode().strip().splitlines()[-1])
    return result, seconds, result["peak_mb"]


def _quote_file(path: Path, rows: int) -> Path:
    lines = [ROW.format(n=n) for n in range(rows)]
    lines[5] = 'J5,D1,"关于修路的建议,2024-01-05\n'  # a quote opened on line 7, never closed
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _far_cell_bomb(path: Path) -> Path:
    """2 KB on disk; a cell at XFD1048576 makes the reader allocate the whole sheet (549 GB)."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("建议")
    sheet.write_row(0, 0, ["建议编号", "领衔代表编号", "标题", "提出日期"])
    sheet.write_row(1, 0, ["J1", "D1", "关于修路的建议", "2024-01-05"])
    sheet.write(1048575, 16383, "x")
    workbook.close()
    return path


def _declared_dimension_bomb(path: Path) -> Path:
    """A small sheet that declares A1:XFD1048576 as its dimension."""
    _far_cell_bomb(path)
    with zipfile.ZipFile(path) as source:
        items = {name: source.read(name) for name in source.namelist()}
    sheet = items["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace('<c r="XFD1048576" t="s"><v>5</v></c>', "").replace('<row r="1048576" spans="16384:16384"></row>', "")
    import re
    sheet = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:XFD1048576"/>', sheet)
    sheet = re.sub(r'<row r="1048576"[^>]*>.*?</row>', "", sheet)
    items["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in items.items():
            target.writestr(name, data)
    return path


def test_a_dimension_bomb_is_refused_and_the_other_files_of_the_run_load(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _far_cell_bomb(inbox / "654000_a_建议.xlsx")
    _declared_dimension_bomb(inbox / "654000_b_建议.xlsx")
    write_csv(inbox / "654000_c_建议.csv", [HEADER.strip().split(","), ["J9", "D1", "关于修路的建议", "2024-01-05"]])
    assert (inbox / "654000_a_建议.xlsx").stat().st_size < 8000
    command = [sys.executable, "-m", "lvzhi.cli", "--home", str(tmp_path / "home"), "ingest", str(inbox)]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, timeout=120, cwd=Path(__file__).parents[2])
    assert time.monotonic() - started < 60
    out = run.stdout.decode()
    assert run.returncode == 2, (run.returncode, out, run.stderr.decode()[-800:])  # 2: a file was rejected
    bomb = [line for line in out.splitlines() if "654000_a_建议.xlsx" in line]
    assert len(bomb) == 1 and "使用范围" in bomb[0] and "XFD" in bomb[0]
    assert "654000_b_建议.xlsx：读取 1 行" in out  # the declared dimension alone is harmless
    assert "654000_c_建议.csv：读取 1 行" in out


def test_a_dense_sheet_beyond_the_cell_limit_is_refused(home, con, tmp_path, monkeypatch):
    monkeypatch.setattr(guards, "MAX_XLSX_CELLS", 2_000)
    path = tmp_path / "654000_建议.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("建议")
    sheet.write_row(0, 0, ["建议编号", "领衔代表编号", "标题", "提出日期"])
    for n in range(1, 1001):
        sheet.write_row(n, 0, [f"J{n}", "D1", "标题", "2024-01-05"])
    workbook.close()
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.status == "rejected" and "2,000 个单元格" in result.message
    assert result.report is not None and result.report.exists()


def test_an_unclosed_quote_costs_linear_time(tmp_path):
    """On main, 20 k rows took +10 s and 200 k rows more than 7 minutes (a quadratic re-scan)."""
    timings = {}
    for rows in (20_000, 200_000):
        result, seconds, peak = ingest_child(tmp_path, _quote_file(tmp_path / f"654000_建议_{rows}.csv", rows), timeout=60)
        assert result["status"] == "rejected" and "第 7 行" in result["message"] and '"' in result["message"]
        assert "内部错误" not in result["message"] and "关于修路" not in result["message"]
        timings[rows] = seconds
        print(rows, f"{seconds:.1f} s", f"{peak:.0f} MB")
        assert peak < BASE_MB + 250, peak
    assert timings[200_000] < 15


def test_a_quote_left_open_for_more_than_the_record_limit_is_refused_naming_its_line(tmp_path):
    path = _quote_file(tmp_path / "654000_建议_大.csv", 500_000)  # 22 MB after the quote
    result, seconds, peak = ingest_child(tmp_path, path, timeout=60)
    assert result["status"] == "rejected" and "第 7 行起超过 16 MB" in result["message"]
    assert seconds < 30 and peak < BASE_MB + 250, (seconds, peak)
    print("open quote 500k rows", f"{seconds:.1f} s", f"{peak:.0f} MB")


@pytest.mark.parametrize("shape", ["one_line", "one_cell"])
def test_a_50_mb_line_is_refused_with_one_clear_line(tmp_path, shape):
    path = tmp_path / "654000_建议_长行.csv"
    with open(path, "wb") as handle:
        if shape == "one_cell":
            handle.write(HEADER.encode() + b"J1,D1,")
        handle.write(b"x" * (50 << 20))
        if shape == "one_cell":
            handle.write(b",2024-01-05\n")
    result, seconds, peak = ingest_child(tmp_path, path, timeout=60)
    assert result["status"] == "rejected" and "内部错误" not in result["message"]
    assert "xxxxxxxx" not in result["message"] and len(result["message"]) < 300
    assert seconds < 30 and peak < BASE_MB + 250, (seconds, peak)
    print(shape, f"{seconds:.1f} s", f"{peak:.0f} MB")


def test_nul_bytes_are_dropped_from_cells(home, con, tmp_path):
    # A NUL in the first 4 KB makes the file "binary" (refused with one line, ingest/readers.sniff);
    # further down, NULs are dropped from the cells.
    padding = "".join(f"P{n},D1,标题,2024-01-05\n" for n in range(300))
    path = tmp_path / "654000_建议_nul.csv"
    path.write_bytes((HEADER + padding + "J1,D1,关于\x00修路的建议,2024-01-05\nJ2\x00,D1,标题,2024-01-05\n").encode())
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.status, result.rows_loaded) == ("loaded", 302)
    assert rows_of(con, "select suggestion_id, title from raw.suggestions where suggestion_id like 'J%' order by 1") == [
        ("J1", "关于修路的建议"), ("J2", "标题")]
    early = tmp_path / "654000_建议_nul_early.csv"
    early.write_bytes((HEADER + "J1,D1,关于\x00修路的建议,2024-01-05\n").encode())
    refused = ingest_file(con, home, early, SUBMITTED)
    assert refused.status == "rejected" and "内部错误" not in refused.message and "\x00" not in refused.message


def test_a_long_chinese_name_gets_a_shortened_report(home, con, tmp_path):
    name = "654000_建议_" + "关于进一步加强和改进人大代表联系人民群众工作的实施意见落实情况" * 3
    name = name[:84] + ".csv"  # 84 characters, 236 bytes: the report's name would pass 255 bytes
    assert len(name.encode()) < 255 < len(name.encode()) + len("_12345678_错误报告.xlsx".encode())
    path = write_csv(tmp_path / name, [HEADER.strip().split(","), ["J1", "D1", "标题", "2024年13月45日"]])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.status, result.rows_quarantined) == ("loaded", 1)
    assert result.report.exists() and len(result.report.name.encode()) < 255
    assert result.report.name.startswith("654000_建议_关于")


def test_an_internal_error_names_the_file_and_never_echoes_its_content(tmp_path, monkeypatch):
    import ingest.run

    def broken(*args, **kwargs):
        raise ValueError("J1,D1,机密内容 652301198001011234")

    monkeypatch.setattr(ingest.run, "check", broken)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "654000_建议.csv", [HEADER.strip().split(","), ["J1", "D1", "标题", "2024-01-05"]])
    from lvzhi.home import Home
    (result,) = ingest.run.ingest(Home.at(tmp_path / "home"), [inbox], SUBMITTED, say=quiet)
    assert result.status == "rejected" and "654000_建议.csv" in result.message and "内部错误" in result.message
    assert "机密" not in result.message and "652301" not in result.message
