"""Logins under attack (issue 16): parallel guessing from threads, processes and `lvzhi sql`, timing
that would tell which names exist, and sessions that must end when a password or role changes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

import bcrypt
import pytest

from access import audit, users
from lvzhi.home import Home

PARALLEL = 40


@pytest.fixture
def home(tmp_path, monkeypatch) -> Home:
    # Slow enough (~15 ms a check) that unguarded parallel attempts overlap, as they do at cost 12.
    monkeypatch.setenv("LVZHI_BCRYPT_ROUNDS", "8")
    home = Home.at(tmp_path / "home")
    users.add(home, "kashi", "analyst", "kashi-pass-1")
    return home


def checked(home: Home, name: str) -> int:
    """Passwords actually checked for `name`: each check writes login_failed or login_ok; a refusal
    before the check writes login_throttled."""
    return sum(row["user"] == name and row["action"] in ("login_failed", "login_ok") for row in audit.read(home))


def throttled(home: Home, name: str) -> int:
    return sum(row["user"] == name and row["action"] == "login_throttled" for row in audit.read(home))


def test_parallel_wrong_passwords_from_threads_check_at_most_five(home, monkeypatch):
    calls, guard = [], threading.Lock()
    real_check = bcrypt.checkpw

    def counting_check(password, hashed):
        with guard:
            calls.append(password)
        return real_check(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting_check)
    barrier = threading.Barrier(PARALLEL)
    outcomes: list[str] = []

    def guess(number: int) -> None:
        barrier.wait()
        try:
            users.authenticate(home, "kashi", f"wrong-{number}")
            outcomes.append("in")
        except users.UserError as refused:
            outcomes.append(str(refused))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) <= users.MAX_FAILURES, f"{len(calls)} passwords checked"
    assert checked(home, "kashi") <= users.MAX_FAILURES
    assert throttled(home, "kashi") >= PARALLEL - users.MAX_FAILURES
    assert "in" not in outcomes
    # The right password after the burst is refused too: the lock-out holds, the count did not reset.
    with pytest.raises(users.UserError, match="分钟后再试"):
        users.authenticate(home, "kashi", "kashi-pass-1")
    assert len(calls) <= users.MAX_FAILURES
    assert audit.verify(home) is None


def _guess_in_a_process(root: str, number: int, barrier) -> None:
    os.environ["LVZHI_USER"], os.environ["LVZHI_PASSWORD"] = "kashi", f"wrong-{number}"
    barrier.wait()
    try:  # what `lvzhi sql` does first
        users.terminal_login(Home.at(root), where="lvzhi sql")
    except users.UserError:
        os._exit(1)
    os._exit(0)


def test_parallel_wrong_passwords_from_processes_check_at_most_five(home):
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PARALLEL)
    processes = [context.Process(target=_guess_in_a_process, args=(str(home.root), n, barrier))
                 for n in range(PARALLEL)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [process.exitcode for process in processes] == [1] * PARALLEL
    assert checked(home, "kashi") <= users.MAX_FAILURES, f"{checked(home, 'kashi')} passwords checked"
    assert checked(home, "kashi") + throttled(home, "kashi") == PARALLEL
    with pytest.raises(users.UserError, match="分钟后再试"):
        users.authenticate(home, "kashi", "kashi-pass-1", where="lvzhi sql")


def test_parallel_lvzhi_sql_processes_check_at_most_five(home):
    environment = {**os.environ, "LVZHI_USER": "kashi", "LVZHI_PASSWORD": "wrong-password"}
    command = [sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "sql", "select 1"]
    runs = [subprocess.Popen(command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(12)]
    errors = [run.communicate(timeout=180)[1] for run in runs]
    assert [run.returncode for run in runs] == [1] * len(runs)
    assert all("用户名或密码错误" in e or "分钟后再试" in e for e in errors), errors
    assert checked(home, "kashi") <= users.MAX_FAILURES


def test_unknown_and_known_names_take_the_same_time_and_get_the_same_message(tmp_path, monkeypatch):
    monkeypatch.setenv("LVZHI_BCRYPT_ROUNDS", "10")  # ~60 ms a check: well above the noise
    home = Home.at(tmp_path / "timing")
    users.add(home, "kashi", "analyst", "kashi-pass-1")

    def attempt(name: str) -> tuple[float, str]:
        started = time.perf_counter()
        with pytest.raises(users.UserError) as refused:
            users.authenticate(home, name, "not-the-password")
        elapsed = time.perf_counter() - started
        users._clear_failures(home, name)  # keep the throttle out of the measurement
        return elapsed, str(refused.value)

    attempt("kashi"), attempt("nobody-0")  # warm up (the dummy hash for this cost is made once)
    known, unknown = [], []
    for number in range(7):
        known.append(attempt("kashi"))
        unknown.append(attempt(f"nobody-{number}"))
    assert {message for _, message in known + unknown} == {"用户名或密码错误"}
    known_ms = statistics.median(t for t, _ in known) * 1000
    unknown_ms = statistics.median(t for t, _ in unknown) * 1000
    print(f"median known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms")
    assert 0.6 < unknown_ms / known_ms < 1.6, (known_ms, unknown_ms)


def _session(home: Home, name: str) -> dict:
    now = users.current_time().isoformat()
    return {**users.get(home, name).public(), "logged_in_at": now, "last_seen": now}


def test_password_change_ends_open_sessions(home):
    session = _session(home, "kashi")
    assert users.session_valid(home, session)[0] is not None
    users.set_password(home, "kashi", "new-pass-2026", actor="boss")
    user, why = users.session_valid(home, session)
    assert user is None and "密码或权限已修改" in why
    assert users.session_valid(home, _session(home, "kashi"))[0] is not None  # a new login works


def test_role_change_ends_open_sessions_even_when_changed_back(home):
    session = _session(home, "kashi")
    users.set_role(home, "kashi", "leader", actor="boss")
    users.set_role(home, "kashi", "analyst", actor="boss")  # same role again: the session still ends
    user, why = users.session_valid(home, session)
    assert user is None and "重新登录" in why
    assert [(r["action"], r["detail"].get("op")) for r in audit.read(home)][-2:] == [("user_admin", "role")] * 2
    with pytest.raises(users.UserError, match="必须指定至少一个地州市"):
        users.set_role(home, "kashi", "prefecture")


def test_an_open_dashboard_session_ends_when_the_password_changes(handmade_home, tmp_path, monkeypatch):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from tests.conftest import logged_in

    home = Home.at(tmp_path / "dash")
    shutil.copytree(handmade_home.published_dir, home.published_dir, dirs_exist_ok=True)
    home.config_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(handmade_home.config_dir / "users.json", home.config_dir / "users.json")
    monkeypatch.setenv("LVZHI_HOME", str(home.root))
    app = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"), default_timeout=60)
    app.session_state["login"] = logged_in("ana")
    app.run()
    assert "login" in app.session_state and not app.exception
    users.set_password(home, "ana", "a-new-password-1", actor="boss")
    app.run()  # the next click in that browser tab
    assert "login" not in app.session_state
    assert any("密码或权限已修改" in info.value for info in app.info)
    assert [row["detail"].get("reason") for row in audit.read(home) if row["action"] == "logout"] == \
        ["您的密码或权限已修改，请重新登录"]


def test_user_role_command(home):
    def lvzhi(*args):
        return subprocess.run([sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "user", "role", *args],
                              capture_output=True, text=True)

    session = _session(home, "kashi")
    changed = lvzhi("kashi", "--role", "prefecture", "--prefecture", "650100")
    assert changed.returncode == 0 and "州市用户" in changed.stdout, changed.stderr
    assert users.get(home, "kashi").prefectures == ["650100"]
    assert users.session_valid(home, session)[0] is None
    refused = lvzhi("kashi", "--role", "prefecture", "--prefecture", "999999")
    assert refused.returncode == 1 and "未知的地州市代码" in refused.stderr and "Traceback" not in refused.stderr
