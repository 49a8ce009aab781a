"""Users, passwords, throttling, sessions and the audit trail (issue 9), on real files under a home."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

from access import audit, users
from lvzhi.home import Home


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch):
    monkeypatch.setenv("LVZHI_BCRYPT_ROUNDS", "4")


@pytest.fixture
def home(tmp_path) -> Home:
    home = Home.at(tmp_path / "home")
    users.add(home, "boss", "admin", "admin-pass-1")
    users.add(home, "kashi", "prefecture", "kashi-pass-1", ["653100"])
    return home


def actions(home: Home) -> list[tuple[str, str]]:
    return [(row["user"], row["action"]) for row in audit.read(home)]


def test_password_is_stored_only_as_a_bcrypt_hash(home):
    text = (home.config_dir / "users.json").read_text()
    assert "admin-pass-1" not in text and "kashi-pass-1" not in text
    stored = json.loads(text)["users"]["boss"]["password_hash"]
    assert stored.startswith("$2b$04$")
    assert oct((home.config_dir / "users.json").stat().st_mode)[-3:] == "600"


def test_refused_definitions(home):
    with pytest.raises(users.UserError, match="已存在"):
        users.add(home, "boss", "admin", "another-pass")
    with pytest.raises(users.UserError, match="必须指定至少一个地州市"):
        users.add(home, "aksu", "prefecture", "aksu-pass-1")
    with pytest.raises(users.UserError, match="未知的地州市代码：999"):
        users.add(home, "aksu", "prefecture", "aksu-pass-1", ["999"], known_prefectures={"652900"})
    with pytest.raises(users.UserError, match="至少 8 个字符"):
        users.add(home, "aksu", "analyst", "short")
    with pytest.raises(users.UserError, match="未知角色"):
        users.add(home, "aksu", "superuser", "aksu-pass-1")
    assert set(users.load(home)) == {"boss", "kashi"}


def test_login_success_and_failure_each_write_one_audit_row(home):
    before = len(audit.read(home))
    assert users.authenticate(home, "kashi", "kashi-pass-1").prefectures == ["653100"]
    with pytest.raises(users.UserError, match="用户名或密码错误"):
        users.authenticate(home, "kashi", "wrong-password")
    with pytest.raises(users.UserError, match="用户名或密码错误"):  # unknown name: the same message
        users.authenticate(home, "nobody", "whatever-1")
    assert actions(home)[before:] == [("kashi", "login_ok"), ("kashi", "login_failed"), ("nobody", "login_failed")]
    assert audit.verify(home) is None


def test_disabled_user_cannot_log_in_and_enabled_again_can(home):
    users.set_disabled(home, "kashi", True, actor="boss")
    with pytest.raises(users.UserError, match="已停用"):
        users.authenticate(home, "kashi", "kashi-pass-1")
    users.set_disabled(home, "kashi", False, actor="boss")
    assert users.authenticate(home, "kashi", "kashi-pass-1").name == "kashi"


def test_wrong_passwords_are_throttled_then_released(home):
    start = users.current_time()
    for attempt in range(users.MAX_FAILURES):
        with pytest.raises(users.UserError, match="用户名或密码错误"):
            users.authenticate(home, "kashi", f"wrong-{attempt}", now=start + timedelta(seconds=attempt))
    # Even the right password is refused while throttled, and the refusal is audited.
    with pytest.raises(users.UserError, match="分钟后再试"):
        users.authenticate(home, "kashi", "kashi-pass-1", now=start + timedelta(seconds=10))
    assert actions(home)[-1] == ("kashi", "login_throttled")
    # Another name is not affected.
    assert users.authenticate(home, "boss", "admin-pass-1", now=start + timedelta(seconds=11)).is_admin
    later = start + users.THROTTLE + timedelta(seconds=10)
    assert users.authenticate(home, "kashi", "kashi-pass-1", now=later).name == "kashi"
    assert users.throttled_for(home, "kashi", later) is None


def test_password_change(home):
    users.set_password(home, "kashi", "new-pass-2024", actor="boss")
    with pytest.raises(users.UserError):
        users.authenticate(home, "kashi", "kashi-pass-1")
    assert users.authenticate(home, "kashi", "new-pass-2024").name == "kashi"


def test_sessions_expire_when_idle_too_long_or_disabled(home):
    now = users.current_time()
    session = {**users.get(home, "kashi").public(), "logged_in_at": now.isoformat(), "last_seen": now.isoformat()}
    assert users.session_valid(home, session, now + timedelta(minutes=5))[0].name == "kashi"
    user, why = users.session_valid(home, session, now + users.SESSION_IDLE + timedelta(seconds=1))
    assert user is None and "未操作" in why
    users.set_disabled(home, "kashi", True)
    assert users.session_valid(home, session, now)[0] is None


def test_audit_log_is_a_hash_chain_that_detects_an_edit(home):
    users.authenticate(home, "boss", "admin-pass-1")
    assert audit.verify(home) is None
    lines = home.audit_log.read_text().splitlines(keepends=True)
    lines[1] = lines[1].replace("653100", "650100")
    home.audit_log.write_text("".join(lines))
    assert audit.verify(home) == 3


def test_user_cli_round_trip(tmp_path, monkeypatch):
    home = tmp_path / "h"

    def lvzhi(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "lvzhi.cli", "--home", str(home), "user", *args],
                              input=stdin, capture_output=True, text=True)

    added = lvzhi("add", "li", "--role", "prefecture", "--prefecture", "650100", "--password-stdin",
                  stdin="li-password\n")
    assert added.returncode == 0, added.stderr
    refused = lvzhi("add", "wang", "--role", "prefecture", "--password-stdin", stdin="wang-password\n")
    assert refused.returncode == 1 and "必须指定至少一个地州市" in refused.stderr and "Traceback" not in refused.stderr
    assert lvzhi("disable", "li").returncode == 0
    listing = lvzhi("list").stdout
    assert "li\t州市用户\t650100\t已停用" in listing
    assert lvzhi("disable", "ghost").returncode == 1
    with pytest.raises(users.UserError, match="已停用"):
        users.authenticate(Home.at(home), "li", "li-password")


def test_demo_admin_gets_a_random_password_once(tmp_path, capsys):
    from devtools.cli import demo_admin

    first, second = Home.at(tmp_path / "a"), Home.at(tmp_path / "b")
    demo_admin(first)
    demo_admin(first)  # a second demo run keeps the admin it made
    demo_admin(second)
    printed = capsys.readouterr().out
    assert printed.count("登录仪表盘") == 3 and list(users.load(first)) == ["admin"]
    note = (first.config_dir / "demo_admin.txt").read_text()
    password = note.split("密码 ")[1].strip()
    assert users.authenticate(first, "admin", password).is_admin
    assert password != (second.config_dir / "demo_admin.txt").read_text().split("密码 ")[1].strip()
    assert oct((first.config_dir / "demo_admin.txt").stat().st_mode)[-3:] == "600"
