"""Build, then publish: readers see only complete versions; kill -9 anywhere leaves the published
version intact, and a re-run gives the same indicators as an uninterrupted run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import pytest

from ingest.run import ingest
from lvzhi import warehouse
from lvzhi.build import build, indicator_values
from lvzhi.home import Home
from tests.conftest import FIXTURES, HANDMADE_AS_OF, quiet

CLI = [sys.executable, "-m", "lvzhi.cli"]


@pytest.fixture
def built_home(handmade_home, tmp_path) -> Home:
    """A copy of the session's hand-made home (ingested, built and published as of 2024-06-30), so
    that each test kills, rebuilds and rolls back its own without paying for a build of its own."""
    root = tmp_path / "home"
    shutil.copytree(handmade_home.root, root, ignore=shutil.ignore_patterns("dbt_logs"))
    home = Home.at(root)
    # CURRENT names the file, not its path: the copy points at its own published version.
    assert warehouse.current_published(home) == home.published_dir / warehouse.current_published(handmade_home).name
    return home


def snapshot(home: Home):
    return indicator_values(home).sort("indicator_id", "scope_code", "period_type", "period_label")


def kill_at(fault: str, home: Home, tmp_path, *args: str) -> None:
    marker = tmp_path / f"{fault}.reached"
    env = {**os.environ, "LVZHI_FAULT_POINT": fault, "LVZHI_FAULT_MARKER": str(marker)}
    victim = subprocess.Popen([*CLI, "--home", str(home.root), *args], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert victim.poll() is None and time.monotonic() < deadline, f"never reached {fault}"
            time.sleep(0.05)
    finally:
        victim.send_signal(signal.SIGKILL)
        victim.wait()


@pytest.mark.slow  # two CLI builds each (killed, then complete): ~20-50 s apiece
@pytest.mark.parametrize("fault", ["build_mid_dbt", "publish_mid_copy"])
def test_kill_during_build_or_publish_keeps_published_version(built_home, tmp_path, fault):
    before_version = warehouse.current_published(built_home)
    before = snapshot(built_home)
    kill_at(fault, built_home, tmp_path, "build", "--full", "--as-of", HANDMADE_AS_OF.isoformat())
    assert warehouse.current_published(built_home) == before_version
    assert snapshot(built_home).equals(before)
    # The next run completes the work: same indicators as the uninterrupted build, no stale partial file.
    assert subprocess.run([*CLI, "--home", str(built_home.root), "build", "--full", "--as-of",
                           HANDMADE_AS_OF.isoformat()], capture_output=True).returncode == 0
    assert warehouse.current_published(built_home) != before_version
    assert snapshot(built_home).equals(before)
    assert not list(built_home.published_dir.glob("*.partial*"))


def test_kill_during_an_incremental_publish_keeps_published_version(built_home, tmp_path):
    """The default build after a new file rebuilds what changed and copies the analyst file:
    killed in the middle of that copy, readers keep the old version and the next build finishes it."""
    changed = tmp_path / "650200_建议_更正.csv"
    changed.write_bytes((FIXTURES / "handmade" / "650200_建议.csv").read_bytes().replace("关于".encode(), "有关".encode(), 1))
    ingest(built_home, [changed], submitted_on=date(2025, 1, 5), say=quiet)
    before_version = warehouse.current_published(built_home)
    before = snapshot(built_home)
    kill_at("publish_mid_copy", built_home, tmp_path, "build", "--as-of", HANDMADE_AS_OF.isoformat())
    assert warehouse.current_published(built_home) == before_version
    assert snapshot(built_home).equals(before)
    assert subprocess.run([*CLI, "--home", str(built_home.root), "build", "--as-of", HANDMADE_AS_OF.isoformat()],
                          capture_output=True).returncode == 0
    assert warehouse.current_published(built_home) != before_version
    assert not list(built_home.published_dir.glob("*.partial*"))


@pytest.mark.slow  # a full build
def test_readers_switch_to_new_version_and_rollback(built_home):
    first = warehouse.current_published(built_home)
    reader = warehouse.connect_published(built_home)  # a reader holding the old version open
    assert build(built_home, date(2024, 3, 31), say=quiet).success  # not blocked by the reader
    assert reader.sql("select distinct as_of from indicator_values").fetchall() == [(HANDMADE_AS_OF,)]
    reader.close()
    assert indicator_values(built_home)["as_of"].unique().to_list() == [date(2024, 3, 31)]
    assert warehouse.rollback(built_home) == first
    assert indicator_values(built_home)["as_of"].unique().to_list() == [HANDMADE_AS_OF]


def test_second_writer_waits_then_fails_clearly(built_home):
    held, release = threading.Event(), threading.Event()

    def hold():
        with warehouse.writer_lock(built_home, say=quiet):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        env = {**os.environ, "LVZHI_LOCK_TIMEOUT": "1"}
        result = subprocess.run([*CLI, "--home", str(built_home.root), "ingest", str(FIXTURES / "handmade")],
                                capture_output=True, text=True, env=env)
    finally:
        release.set()
        holder.join()
    assert result.returncode == 3
    assert "等待" in result.stdout and "放弃" in result.stderr


def test_status_shows_versions_with_as_of_and_rows(built_home, capsys):
    from lvzhi import cli

    assert cli.main(["--home", str(built_home.root), "status"]) == 0
    out = capsys.readouterr().out
    assert "→ 已发布" in out and "统计日 2024-06-30" in out
    count = indicator_values(built_home).height
    assert f"indicator_values {count:,} 行" in out
