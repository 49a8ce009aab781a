"""lvzhi watch: a file dropped into the inbox is ingested, rebuilt and published by a long-running
process (dbt parsed once); a clerk's file with problems still gets its report."""

from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager

from ingest.run import ingest
from lvzhi import warehouse
from lvzhi.build import build
from lvzhi.home import Home
from lvzhi.watch import watch
from tests.conftest import FIXTURES, HANDMADE_AS_OF, quiet


def wait_for(condition, seconds: float = 240) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def copy_of(handmade_home, tmp_path) -> Home:
    home = Home.at(tmp_path / "home")
    shutil.copytree(handmade_home.root, home.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("dbt_logs"))
    return home


@contextmanager
def watching(handmade_home, tmp_path, interval: float):
    """A copy of the hand-made home watched by `lvzhi watch` in a thread: (home, inbox, what it says);
    stopped on leaving, which must not wait for the next poll."""
    home = copy_of(handmade_home, tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    lines: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(home, inbox, HANDMADE_AS_OF, interval, stop, lines.append))
    watcher.start()
    try:
        yield home, inbox, lines
    finally:
        stop.set()
        watcher.join(60)
    assert not watcher.is_alive()


def test_a_file_dropped_into_the_inbox_reaches_the_published_version(handmade_home, tmp_path):
    with watching(handmade_home, tmp_path, 0.2) as (home, inbox, lines):
        before = warehouse.current_published(home)
        text = (FIXTURES / "handmade" / "650200_建议.csv").read_text(encoding="utf-8")
        # One title changed, and one row with an unreadable reply date (quarantined, reported).
        changed = text.replace("关于老旧小区加装电梯的建议", "关于老旧小区加装电梯和就业培训的建议")
        changed = changed.replace("2023-09-01,B", "2023-13-45,B")
        (inbox / "650200_建议_更正.csv").write_text(changed, encoding="utf-8")
        assert wait_for(lambda: warehouse.current_published(home) != before), lines
        assert wait_for(lambda: any("从文件到仪表盘" in line for line in lines)), lines
    titles = warehouse.read_published(home, "select title from fct_suggestions where title like '%就业培训%'")
    assert titles.height == 1
    assert list(home.reports_dir.glob("650200_建议_更正*错误报告.xlsx"))  # the clerk's report, as always
    assert any("只重建" in line for line in lines)  # the default build: only what the file touched
    assert not log_left(home.work_db)  # checkpointed once the watch was idle


def test_a_file_written_whole_is_taken_at_once_not_at_the_next_poll(handmade_home, tmp_path):
    """Polls two minutes apart: by polling alone the file would wait for two of them (its size seen
    unchanged); the kernel's close event makes it ready as soon as its writer closes it."""
    with watching(handmade_home, tmp_path, 120) as (home, inbox, lines):
        before = warehouse.current_published(home)
        assert wait_for(lambda: any(line.startswith("监视") for line in lines), 120), lines
        text = (FIXTURES / "handmade" / "650200_建议.csv").read_text(encoding="utf-8")
        (inbox / "650200_建议_更正.csv").write_text(text.replace("关于老旧小区加装电梯的建议", "关于加装电梯的建议"),
                                                  encoding="utf-8")
        assert wait_for(lambda: warehouse.current_published(home) != before, 100), lines
    assert warehouse.read_published(home, "select 1 from fct_suggestions where title = '关于加装电梯的建议'").height == 1


def test_a_file_moved_into_the_inbox_is_taken_at_once_not_at_the_next_poll(handmade_home, tmp_path):
    """A file moved in whole (mv, an upload renamed when complete) is ready at once, as a closed
    one: inotify reports a move from outside the inbox as a move only with watchdog's full events
    (else as a created file, which may still be being written: two polls, four minutes here)."""
    with watching(handmade_home, tmp_path, 120) as (home, inbox, lines):
        before = warehouse.current_published(home)
        assert wait_for(lambda: any(line.startswith("监视") for line in lines), 120), lines
        text = (FIXTURES / "handmade" / "650200_建议.csv").read_text(encoding="utf-8")
        written = tmp_path / "650200_建议_更正.csv"
        written.write_text(text.replace("关于老旧小区加装电梯的建议", "关于移入的建议"), encoding="utf-8")
        os.replace(written, inbox / written.name)
        assert wait_for(lambda: warehouse.current_published(home) != before, 100), lines
    assert warehouse.read_published(home, "select 1 from fct_suggestions where title = '关于移入的建议'").height == 1


def log_left(database) -> bool:
    wal = database.with_name(database.name + ".wal")
    return wal.exists() and wal.stat().st_size > 0


def test_a_watch_build_leaves_only_the_working_files_checkpoint_for_later(handmade_home, tmp_path):
    """The analyst file is copied by publish, so it is checkpointed before; the working file's log
    waits for the watch's idle time, and nothing is lost by waiting."""
    home = copy_of(handmade_home, tmp_path)
    text = (FIXTURES / "handmade" / "650200_建议.csv").read_text(encoding="utf-8")
    changed = tmp_path / "650200_建议_更正.csv"
    changed.write_text(text.replace("关于老旧小区加装电梯的建议", "关于加装电梯的建议"), encoding="utf-8")
    ingest(home, [changed], say=quiet)
    assert not log_left(home.work_db)  # ingest's own close checkpointed
    built = build(home, HANDMADE_AS_OF, say=quiet, long_running=True)
    assert built.success, built.failures
    assert log_left(home.work_db) and not log_left(home.marts_db)
    assert warehouse.read_published(home, "select 1 from fct_suggestions where title = '关于加装电梯的建议'").height == 1
    assert warehouse.checkpoint_work(home)
    assert not log_left(home.work_db)
    con = warehouse.connect_work(home)
    try:  # the refresh's tables survived the wait: the next build finds nothing new
        assert con.sql("select count(*) from staging.stg_raw__suggestions where title = '关于加装电梯的建议'").fetchall() == [(1,)]
    finally:
        con.close()
    assert build(home, HANDMADE_AS_OF, say=quiet).plan.nothing_new
