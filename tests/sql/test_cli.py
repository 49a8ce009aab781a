"""`lvzhi sql` at a terminal: the three formats, the row cap, refusals on stderr with exit 1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from access import audit
from lvzhi import cli, warehouse
from tests.conftest import TEST_USERS
from tests.sql.conftest import home_snapshot

QUERY = "select prefecture_code, prefecture_name, prefecture_name_en from dim_prefecture order by prefecture_code"


@pytest.fixture(autouse=True)
def analyst(monkeypatch):
    """`lvzhi sql` logs in: the analyst's credentials from the environment, as a script would pass them."""
    monkeypatch.setenv("LVZHI_USER", "ana")
    monkeypatch.setenv("LVZHI_PASSWORD", TEST_USERS["ana"][2])


def lvzhi(home, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process, as an analyst would run it."""
    return subprocess.run([sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "sql", *args],
                          capture_output=True, text=True, timeout=120, env={**os.environ, "LVZHI_USER": "ana", "LVZHI_PASSWORD": TEST_USERS["ana"][2]})


def test_csv_is_the_independent_result(sql_home):
    done = lvzhi(sql_home, QUERY, "--format", "csv")
    assert done.returncode == 0, done.stderr
    expected = warehouse.read_published(sql_home, QUERY)
    assert_frame_equal(pl.read_csv(io.StringIO(done.stdout), infer_schema=False), expected)
    assert f"{expected.height:,} 行" in done.stderr
    last = audit.read(sql_home)[-1]
    assert (last["user"], last["action"], last["detail"]["status"], last["detail"]["rows"]) == (
        "ana", "sql", "ok", expected.height)


def test_json_and_table(sql_home, capsys, monkeypatch):
    monkeypatch.setenv("LVZHI_USER", "boss")
    monkeypatch.setenv("LVZHI_PASSWORD", TEST_USERS["boss"][2])
    expected = warehouse.read_published(sql_home, QUERY)

    assert cli.main(["--home", str(sql_home.root), "sql", QUERY, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == expected.to_dicts()

    assert cli.main(["--home", str(sql_home.root), "sql", QUERY]) == 0
    table = capsys.readouterr().out
    assert "prefecture_name_en" in table
    assert all(name in table for name in expected["prefecture_name"])
    assert audit.read(sql_home)[-1]["user"] == "boss"


def test_limit_cuts_and_says_so(sql_home, capsys):
    assert cli.main(["--home", str(sql_home.root), "sql", QUERY, "--format", "csv", "--limit", "3"]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1 + 3
    assert "已截断：只输出前 3 行" in captured.err


def test_query_from_stdin(sql_home, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("select 6 * 7 as answer\n"))
    assert cli.main(["--home", str(sql_home.root), "sql", "-", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["answer", "42"]


def test_refused_and_failed_exit_1_with_a_chinese_message(sql_home, tmp_path):
    target = tmp_path / "leak.csv"
    before = home_snapshot(sql_home, tmp_path)
    for args, message in (
        ([f"copy dim_deputy to '{target}'"], "不允许 COPY"),
        (["select * from read_csv('/etc/passwd')"], "外部访问已关闭"),
        (["select * from raw.deputies"], 'schema "raw" does not exist'),
        (["select count(*) from range(100000000) a, range(100000) b where (a.range * b.range) % 7 = 3",
          "--timeout", "1"], "超过时间限制 1 秒"),
    ):
        done = lvzhi(sql_home, *args)
        assert done.returncode == 1, (args, done.stdout)
        assert done.stderr.startswith("✗ ") and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert done.stdout == ""
    assert home_snapshot(sql_home, tmp_path) == before
    assert not target.exists()
    statuses = [row["detail"]["status"] for row in audit.read(sql_home) if row["action"] == "sql"][-4:]
    assert statuses == ["refused", "refused", "failed", "timeout"]


@pytest.mark.parametrize(("user", "password", "message"), [
    ("ili", TEST_USERS["ili"][2], "lvzhi sql 只对分析员和管理员开放（ili 是州市用户）"),
    ("ana", "wrong-password", "用户名或密码错误"),
    ("", None, "需要登录：请设置环境变量 LVZHI_USER 和 LVZHI_PASSWORD"),
])
def test_only_logged_in_analysts_and_admins(sql_home, capsys, monkeypatch, user, password, message):
    monkeypatch.setenv("LVZHI_USER", user)
    if password is None:
        monkeypatch.delenv("LVZHI_PASSWORD")
    else:
        monkeypatch.setenv("LVZHI_PASSWORD", password)
    before = [r for r in audit.read(sql_home) if r["action"] == "sql"]
    assert cli.main(["--home", str(sql_home.root), "sql", QUERY, "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err
    assert [r for r in audit.read(sql_home) if r["action"] == "sql"] == before
