"""The sandbox's caps (issue 16): memory, result bytes and the wall time of the whole request. The two
hostile queries of the issue run in a child process under a memory watchdog, while other sessions
(threads running small queries in the same process) keep answering."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from access import audit, sql

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = {
    "list": "select list(range) from range(2000000000)",  # passed 10 GB before
    "repeat": "select repeat('x', 1000000000)",  # 7 GB, 43 s and 1 GB on stdout before
}
# Peak resident memory the child may reach (it starts at ~0.2 GB with Python, DuckDB, Polars, Arrow).
BOUND_GB = 2.5
KILL_GB = 5.0  # the watchdog kills the child here: far past the bound, well below taking the machine down

CHILD = textwrap.dedent("""
    import json, sys, threading, time
    from access import sql
    from lvzhi.home import Home

    home, text = Home(__import__("pathlib").Path(sys.argv[1])), sys.argv[2]
    answered, failures, slowest, stop = [], [], [0.0], threading.Event()

    def other_session():
        while not stop.is_set():
            started = time.monotonic()
            try:
                sql.execute(home, "select count(*) as n from indicator_values")
                answered.append(1)
            except Exception as error:
                failures.append(repr(error))
            slowest[0] = max(slowest[0], time.monotonic() - started)
            time.sleep(0.05)

    sessions = [threading.Thread(target=other_session) for _ in range(3)]
    for session in sessions:
        session.start()
    started = time.monotonic()
    try:
        sql.execute(home, text)
        outcome = {"status": "ok"}
    except sql.QueryError as error:
        outcome = {"status": error.status, "message": str(error)}
    outcome["seconds"] = time.monotonic() - started
    time.sleep(0.5)  # the other sessions go on after it, too
    stop.set()
    for session in sessions:
        session.join()
    peak = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
    print(json.dumps({**outcome, "peak_gb": peak / 1e6, "answered": len(answered), "failures": failures,
                      "slowest": slowest[0]}, ensure_ascii=False))
""")


def run_watched(home, text: str) -> dict:
    """Run CHILD, sampling its resident memory every 50 ms and killing it past KILL_GB."""
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(home.root), text], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "LVZHI_SQL_TIMEOUT": "60"})
    sampled = 0.0
    while child.poll() is None:
        try:
            status = Path(f"/proc/{child.pid}/status").read_text()
            sampled = max(sampled, int(status.split("VmRSS:")[1].split()[0]) / 1e6)
        except (OSError, IndexError):
            pass
        if sampled > KILL_GB:
            child.kill()
            child.wait()
            pytest.fail(f"{text!r} went past {KILL_GB} GB: killed")
        time.sleep(0.05)
    out, err = child.communicate()
    assert child.returncode == 0, err[-2000:]
    assert out.startswith("{") and out.count("\n") == 1, out[-2000:]  # the report only: no progress bar
    report = json.loads(out)
    report["sampled_gb"] = sampled
    return report


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_queries_stay_under_the_memory_bound_and_others_keep_answering(sql_home, name):
    report = run_watched(sql_home, HOSTILE[name])
    print(name, json.dumps(report, ensure_ascii=False))
    assert report["status"] == "too_large", report
    assert "超过上限" in report["message"] and "已中止" in report["message"]
    assert report["peak_gb"] < BOUND_GB, report
    # stopped by a cap, not by the 60 s time limit (on a quiet machine: list 1.7 s, repeat ~10 s)
    assert report["seconds"] < 60, report
    assert report["failures"] == [] and report["answered"] >= 3, report
    assert report["slowest"] < 10, report


def test_a_result_past_the_byte_cap_is_refused_not_held(sql_home, monkeypatch):
    monkeypatch.setenv("LVZHI_SQL_RESULT_MB", "1")
    # 200 rows only (far under the row cap) but 2 MB: the byte cap stops it
    with pytest.raises(sql.QueryTooLarge, match="超过上限 1 MB"):
        sql.run(sql_home, "select repeat('x', 10000) as t from range(200)", "tester", limit=100_000)
    assert audit.read(sql_home)[-1]["detail"]["status"] == "too_large"
    assert sql.execute(sql_home, "select repeat('x', 1000) as t from range(200)").rows == 200


def test_the_printed_text_is_capped_too(sql_home, monkeypatch):
    monkeypatch.setenv("LVZHI_SQL_RESULT_MB", "0.05")
    # ~30 KB held, but its JSON repeats the long column names on every row: ~130 KB
    text = "select range as number_with_a_long_column_name, 'ab' as text_with_a_long_column_name from range(2000)"
    assert sql.execute(sql_home, text, limit=5000).rows == 2000
    with pytest.raises(sql.QueryTooLarge, match="输出的文本"):
        sql.execute(sql_home, text, form="json", limit=5000)


def test_the_time_limit_covers_formatting(sql_home, monkeypatch):
    def slow_render(result, form):
        time.sleep(1.5)
        return "late"

    monkeypatch.setattr(sql, "render", slow_render)
    with pytest.raises(sql.QueryTimeout, match="超过时间限制 1 秒"):
        sql.execute(sql_home, "select 1", timeout=1, form="csv")


def test_the_memory_limit_is_set_and_spilling_is_off(sql_home, monkeypatch):
    monkeypatch.setenv("LVZHI_SQL_MEMORY", "512MB")
    result = sql.execute(sql_home, "select current_setting('memory_limit') as m, "
                                   "current_setting('temp_directory') as t")
    assert result.frame.row(0) == ("488.2 MiB", "")
    monkeypatch.setenv("LVZHI_SQL_MEMORY", "1GB'; attach '/tmp/x")  # never reaches the SQL
    assert sql.memory_limit() == sql.DEFAULT_MEMORY
