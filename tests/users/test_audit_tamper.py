"""The audit trail under attack (issue 16): every removal or change is found — at the tail too — and a
torn last line (a crash mid-write) is reported, not raised; `lvzhi audit verify` says so with its exit code."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import audit
from lvzhi.home import Home
from tests.conftest import logged_in

ROWS = 6
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture
def home(tmp_path) -> Home:
    home = Home.at(tmp_path / "home")
    for number in range(ROWS):
        audit.record(home, f"user{number}", "page_view", page="overview", n=number)
    assert audit.check(home).status == "intact"
    return home


def lines(home: Home) -> list[str]:
    return home.audit_log.read_text(encoding="utf-8").splitlines(keepends=True)


def verify_command(home: Home) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "audit", "verify"],
                          capture_output=True, text=True)


def assert_broken_at(home: Home, line: int) -> None:
    verdict = audit.check(home)
    assert verdict.status == "broken" and verdict.line == line, verdict
    assert audit.verify(home) == line
    run = verify_command(home)
    assert run.returncode == 1 and f"第 {line} 行" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_intact_log_verifies_with_exit_0_and_anchor_and_key_are_private(home):
    run = verify_command(home)
    assert run.returncode == 0 and f"共 {ROWS} 条记录，校验链完整" in run.stdout
    for path in (home.audit_log.with_name("audit.anchor.json"), home.config_dir / "audit.key"):
        assert oct(path.stat().st_mode)[-3:] == "600", path


def test_deleting_the_last_lines_is_found(home):
    home.audit_log.write_text("".join(lines(home)[:-2]), encoding="utf-8")
    assert_broken_at(home, ROWS - 1)


def test_truncating_to_zero_bytes_is_found(home):
    home.audit_log.write_bytes(b"")
    assert_broken_at(home, 1)


def test_editing_the_last_line_is_found(home):
    edited = lines(home)
    edited[-1] = edited[-1].replace('"n": 5', '"n": 50')
    home.audit_log.write_text("".join(edited), encoding="utf-8")
    assert_broken_at(home, ROWS)


def test_deleting_the_file_is_found(home):
    home.audit_log.unlink()
    assert_broken_at(home, 1)
    assert audit.read(home) == []


def test_rewriting_the_chain_after_removing_rows_is_found(home):
    kept = [json.loads(line) for line in lines(home)]
    del kept[2]
    previous, rewritten = audit.GENESIS, []
    for row in kept:  # what an attacker who read this module would do
        row["prev"] = previous
        line = json.dumps(row, ensure_ascii=False, default=str, sort_keys=True)
        rewritten.append(line + "\n")
        previous = hashlib.sha256(line.encode("utf-8")).hexdigest()
    home.audit_log.write_text("".join(rewritten), encoding="utf-8")
    assert_broken_at(home, ROWS)  # one line short of what the anchor signed
    # Padding it back to the anchored length does not help: the last line is not the anchored one.
    row = {**kept[-1], "prev": previous}
    home.audit_log.write_text("".join(rewritten) + json.dumps(row, sort_keys=True) + "\n", encoding="utf-8")
    assert_broken_at(home, ROWS)


def test_a_tamper_stays_found_after_more_rows_are_written(home):
    home.audit_log.write_text("".join(lines(home)[:-2]), encoding="utf-8")
    audit.record(home, "later", "page_view")
    assert audit.check(home).status == "broken"
    home.audit_log.unlink()
    audit.record(home, "later", "page_view")
    assert audit.check(home).status == "broken"


def test_removing_the_anchor_is_found_and_a_new_one_is_said_in_the_log(home):
    home.audit_log.with_name("audit.anchor.json").unlink()
    assert_broken_at(home, 1)
    audit.record(home, "later", "page_view")
    assert [row["action"] for row in audit.read(home)][-2:] == ["audit_anchor", "page_view"]


def test_forging_the_anchor_without_the_key_is_found(home):
    home.audit_log.write_text("".join(lines(home)[:-1]), encoding="utf-8")
    anchor_path = home.audit_log.with_name("audit.anchor.json")
    anchor = json.loads(anchor_path.read_text())
    anchor["lines"] -= 1
    anchor_path.write_text(json.dumps(anchor))
    assert_broken_at(home, 1)


def test_a_torn_last_line_is_reported_not_raised_and_set_aside_on_the_next_write(home):
    with open(home.audit_log, "ab") as log:
        log.write(b'{"action": "page_view", "at": "2026-11-24T08:00:00.0')  # the crash cut it here
    verdict = audit.check(home)
    assert verdict.status == "torn" and verdict.line == ROWS + 1 and "不完整" in verdict.message
    assert audit.verify(home) is None and len(audit.read(home)) == ROWS
    run = verify_command(home)
    assert run.returncode == 0 and f"第 {ROWS + 1} 行不完整" in run.stdout and "Traceback" not in run.stderr
    audit.record(home, "after", "login_ok")
    assert audit.check(home).status == "intact"
    assert [row["action"] for row in audit.read(home)][-2:] == ["audit_repair", "login_ok"]
    assert len(list(home.audit_log.parent.glob("audit.jsonl.torn-*"))) == 1


@pytest.fixture
def admin_home(handmade_home, tmp_path, monkeypatch) -> Home:
    home = Home.at(tmp_path / "admin_home")
    shutil.copytree(handmade_home.published_dir, home.published_dir, dirs_exist_ok=True)
    home.config_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(handmade_home.config_dir / "users.json", home.config_dir / "users.json")
    monkeypatch.setenv("LVZHI_HOME", str(home.root))
    for number in range(ROWS):
        audit.record(home, "boss", "page_view", page="overview", n=number)
    return home


def open_admin() -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["login"] = logged_in("boss")
    app.run()
    app.switch_page("views/admin.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_admin_page_reports_a_removed_tail(admin_home):
    admin_home.audit_log.write_text("".join(lines(admin_home)[:-2]), encoding="utf-8")
    app = open_admin()
    assert not any("校验链完整" in caption.value for caption in app.caption)
    # the page view it wrote first chains onto the anchored (deleted) line: the break shows at line 5
    assert app.error and "第 5 行起校验失败" in app.error[0].value


def test_admin_page_survives_a_torn_last_line(admin_home):
    with open(admin_home.audit_log, "ab") as log:
        log.write(b'{"action": "page_vi')
    app = open_admin()  # the page views it writes first set the torn line aside
    assert any("校验链完整" in caption.value for caption in app.caption)
    assert "audit_repair" in app.dataframe[0].value.to_csv()
