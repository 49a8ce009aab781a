"""The scheduler on a fake clock: a due job runs once (not twice in the same minute), a run missed
while the scheduler was down is caught up once, a job whose lock is held is skipped and logged."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from exports import run as export_run
from exports.schedule import Scheduler, latest_slot, log_path
from tests.exports.conftest import job_spec, write_config

SHANGHAI = ZoneInfo("Asia/Shanghai")


class FakeClock:
    def __init__(self, when: datetime):
        self.now = when

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture
def monthly(export_home, job):
    """Job `monthly` (07:00 on the 2nd of each month, Shanghai) and a scheduler on a fake clock."""
    spec = job("monthly", cron="0 7 2 * *", scope=["region"], formats=["csv"])
    clock, lines = FakeClock(at(2024, 7, 2, 6, 58)), []
    scheduler = Scheduler(export_home, {"monthly": spec}, clock=clock, say=lines.append)
    return spec, scheduler, clock, lines


def runs(export_home, spec) -> int:
    return len(export_run.manifests(spec.folder(export_home)))


def test_latest_slot_is_in_the_jobs_time_zone(monthly):
    spec, *_ = monthly
    assert latest_slot(spec, at(2024, 7, 2, 7, 0)) == at(2024, 7, 2, 7, 0)
    assert latest_slot(spec, at(2024, 7, 2, 6, 59, 59)) == at(2024, 6, 2, 7, 0)
    # 23:30 UTC on 1 July is 07:30 on 2 July in Shanghai
    assert latest_slot(spec, datetime(2024, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))) == at(2024, 7, 2, 7, 0)


def test_due_job_runs_once_not_twice_in_the_same_minute(export_home, monthly):
    spec, scheduler, clock, lines = monthly
    assert scheduler.tick() == []  # first sight: counting starts now, nothing is due yet
    clock.now = at(2024, 7, 2, 6, 59, 30)
    assert scheduler.tick() == []
    clock.now = at(2024, 7, 2, 7, 0, 5)
    assert scheduler.tick() == [("monthly", "ok")]
    clock.now = at(2024, 7, 2, 7, 0, 40)
    assert scheduler.tick() == []
    clock.now = at(2024, 7, 2, 7, 1, 0)
    assert scheduler.tick() == []
    assert runs(export_home, spec) == 1
    assert any("monthly: 完成 ok" in line for line in lines)
    assert log_path(export_home).read_text(encoding="utf-8").splitlines()[-1] == lines[-1]
    state = export_run.read_state(export_home)["monthly"]
    assert state["last_scheduled"] == at(2024, 7, 2, 7, 0).isoformat() and state["last_result"]["status"] == "ok"
    assert state["last_result"]["trigger"] == "schedule"


def test_run_missed_while_down_is_caught_up_once(export_home, monthly):
    spec, scheduler, clock, lines = monthly
    clock.now = at(2024, 5, 10, 12, 0)
    scheduler.tick()  # registered with the 2 May slot
    # down from 10 May to 15 August: the June, July and August slots were missed
    restarted = Scheduler(export_home, {"monthly": spec}, clock=clock, say=lines.append)
    clock.now = at(2024, 8, 15, 9, 30)
    assert restarted.tick() == [("monthly", "ok")]
    assert restarted.tick() == []
    assert runs(export_home, spec) == 1
    assert export_run.read_state(export_home)["monthly"]["last_scheduled"] == at(2024, 8, 2, 7, 0).isoformat()


def test_held_lock_makes_the_scheduled_run_skip_with_a_logged_message(export_home, monthly):
    spec, scheduler, clock, lines = monthly
    scheduler.tick()
    clock.now = at(2024, 7, 2, 7, 0, 1)
    with export_run.job_lock(export_home, "monthly"):  # e.g. a manual `lvzhi export run monthly`
        assert scheduler.tick() == [("monthly", "skipped")]
    assert runs(export_home, spec) == 0
    assert "monthly: 跳过 skipped" in log_path(export_home).read_text(encoding="utf-8")
    assert export_run.read_state(export_home)["monthly"]["last_result"]["status"] == "skipped"
    clock.now = at(2024, 7, 2, 7, 2)
    assert scheduler.tick() == []  # the slot counts as handled: no second export of the same data


def test_loop_wakes_each_minute_and_runs_the_slot_once(export_home, monthly):
    spec, scheduler, clock, lines = monthly
    ticks = iter(range(6))
    scheduler.run(sleep=clock.sleep, keep_going=lambda: next(ticks, None) is not None)
    assert clock.now >= at(2024, 7, 2, 7, 4)  # 06:58 → seven wake-ups, a minute apart
    assert runs(export_home, spec) == 1
    assert sum("monthly: 开始" in line for line in lines) == 1


def test_failed_run_is_logged_and_the_scheduler_goes_on(export_home, job):
    bad = job("bad", cron="* * * * *", scope=["region"], formats=["csv"], indicators=["nope"])
    clock, lines = FakeClock(at(2024, 7, 2, 7, 0)), []
    scheduler = Scheduler(export_home, {"bad": bad}, clock=clock, say=lines.append)
    scheduler.tick()
    clock.now = at(2024, 7, 2, 7, 1)
    assert scheduler.tick() == [("bad", "failed")]
    assert "nope" in lines[-1] and export_run.read_state(export_home)["bad"]["last_result"]["status"] == "failed"


def test_edited_exports_yml_is_read_without_a_restart(export_home, job):
    job("first", scope=["region"], formats=["csv"])
    clock, lines = FakeClock(at(2024, 7, 2, 7, 0)), []
    scheduler = Scheduler(export_home, clock=clock, say=lines.append)  # jobs from <home>/config/exports.yml
    scheduler.tick()
    assert list(scheduler.jobs) == ["first"]
    write_config(export_home, {"first": job_spec(), "second": job_spec(cron="*/5 * * * *")})
    clock.now = at(2024, 7, 2, 7, 1)
    scheduler.tick()
    assert list(scheduler.jobs) == ["first", "second"] and "second: 首次登记" in lines[-1]
    (export_home.config_dir / "exports.yml").write_text("jobs: [", encoding="utf-8")
    scheduler.tick()
    assert list(scheduler.jobs) == ["first", "second"] and "配置有误" in lines[-1]


def test_two_schedulers_on_one_home_run_a_slot_once(export_home, monthly):
    spec, first, clock, lines = monthly
    second = Scheduler(export_home, {"monthly": spec}, clock=clock, say=lines.append)
    first.tick()
    clock.now = at(2024, 7, 2, 7, 0, 3)
    slot = second.due(spec, clock.now)  # the second scheduler sees the slot due ...
    assert slot == at(2024, 7, 2, 7, 0)
    assert first.tick() == [("monthly", "ok")]  # ... the first runs it meanwhile ...
    assert second._run(spec, slot) is None  # ... so the second, once it has the lock, does not
    assert second.tick() == []
    assert runs(export_home, spec) == 1


def test_export_list_shows_next_run_and_last_result(export_home, job, capsys):
    from exports import cli as export_cli

    spec = job("listed", cron="0 7 2 * *", scope=["region"], formats=["csv"])
    assert export_cli.export_list(export_home) == 0
    out = capsys.readouterr().out
    assert "listed" in out and "尚未运行" in out and "07:00:00+08:00" in out
    result = export_run.run_job(export_home, spec)
    export_cli.export_list(export_home)
    assert f"上次 last: ok {result.manifest['generated_at']} {result.folder.name}" in capsys.readouterr().out
