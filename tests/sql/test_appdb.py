"""The application database: saved queries survive a restart (another process), names are unique per
owner, history is kept per user — and none of it touches the warehouse."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time

import pytest

from access import appdb, sql
from lvzhi.home import Home

READ_BACK = """
import json, sys
from pathlib import Path
from access import appdb
from lvzhi.home import Home
print(json.dumps(appdb.saved_queries(Home(Path(sys.argv[1])), sys.argv[2]), ensure_ascii=False))
"""


@pytest.fixture
def home(tmp_path) -> Home:
    return Home.at(tmp_path)


def test_saved_queries_survive_a_restart(home):
    appdb.save_query(home, "analyst1", "超期建议", sql.STARTERS["overdue"], "按承办单位")
    appdb.save_query(home, "analyst1", "目录", "select * from indicator_catalogue")

    # A new process: nothing of this one's state, only the SQLite file under <home>.
    done = subprocess.run([sys.executable, "-c", READ_BACK, str(home.root), "analyst1"],
                          capture_output=True, text=True, timeout=60, check=True)
    saved = {row["name"]: row for row in json.loads(done.stdout)}
    assert set(saved) == {"超期建议", "目录"}
    assert saved["超期建议"]["sql"] == sql.STARTERS["overdue"]
    assert saved["超期建议"]["description"] == "按承办单位"
    assert home.app_db.is_file() and home.app_db.is_relative_to(home.root)
    with sqlite3.connect(home.app_db) as con:
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_names_are_unique_per_owner_and_saving_again_replaces(home):
    appdb.save_query(home, "a", "q", "select 1", "first")
    appdb.save_query(home, "b", "q", "select 2")
    appdb.save_query(home, "a", "q", "select 3", "second")

    mine = appdb.saved_queries(home, "a")
    assert [(q["name"], q["sql"], q["description"]) for q in mine] == [("q", "select 3", "second")]
    assert [q["sql"] for q in appdb.saved_queries(home, "b")] == ["select 2"]
    assert appdb.delete_query(home, "a", "q") is True
    assert appdb.delete_query(home, "a", "q") is False
    assert appdb.saved_queries(home, "a") == [] and len(appdb.saved_queries(home, "b")) == 1
    with pytest.raises(ValueError, match="名称"):
        appdb.save_query(home, "a", "  ", "select 1")


def test_anonymous_is_its_own_owner(home):
    appdb.save_query(home, None, "mine", "select 1")
    assert [q["name"] for q in appdb.saved_queries(home, None)] == ["mine"]
    assert appdb.saved_queries(home, "someone") == []


def test_every_run_lands_in_the_history_of_its_user(sql_home, monkeypatch):
    # Checking a query takes 50 ms here, so the time recorded has a floor it must reach (in ms).
    classify = sql.classify

    def slow_classify(text):
        time.sleep(0.05)
        return classify(text)

    monkeypatch.setattr(sql, "classify", slow_classify)
    before = len(appdb.history(sql_home, "historian", 1000))
    result = sql.run(sql_home, "select 1", "historian")
    started = time.perf_counter()
    with pytest.raises(sql.QueryRefused):
        sql.run(sql_home, "drop table indicator_values", "historian")
    refused_within = (time.perf_counter() - started) * 1000
    rows = appdb.history(sql_home, "historian", 1000)
    assert len(rows) == before + 2
    assert [(r["status"], r["sql"], r["rows"]) for r in rows[:2]] == [
        ("refused", "drop table indicator_values", None), ("ok", "select 1", 1)]
    refused, ok = rows[0]["ms"], rows[1]["ms"]
    assert ok == round(result.ms, 1) and ok >= 50  # what the run measured, in milliseconds
    assert 50 <= refused <= refused_within + 0.1  # a refusal is timed too, up to the refusal
    assert appdb.history(sql_home, "somebody else") == []
