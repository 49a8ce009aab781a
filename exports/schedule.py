"""`lvzhi schedule`: run export jobs when their cron says so, in its own process (never in Streamlit).

Each minute the scheduler asks, per job, for the latest cron slot at or before now (in the job's time
zone). If it is later than the slot recorded in `<home>/exports/state.json`, the job runs once and the
slot is recorded — so after a downtime a missed run is caught up once, not once per missed slot, and
a second look in the same minute finds nothing due. A job already running (its lock held by a manual
`lvzhi export run` or another scheduler) is skipped and logged. The clock and sleep are injectable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cronsim import CronSim

from exports import jobs as jobs_module
from exports.jobs import ExportError, Job
from exports.run import JobBusy, job_lock, read_state, run_locked, update_state
from lvzhi.home import Home


def utc_now() -> datetime:
    return datetime.now(UTC)


def latest_slot(job: Job, now: datetime) -> datetime:
    """The latest time at or before `now` that the job's cron names (aware, in the job's zone)."""
    local = now.astimezone(job.zone).replace(second=0, microsecond=0) + timedelta(minutes=1)
    return next(CronSim(job.cron, local, reverse=True))  # strictly before the next minute


def next_slot(job: Job, now: datetime) -> datetime:
    return next(CronSim(job.cron, now.astimezone(job.zone)))


def log_path(home: Home) -> Path:
    return home.exports_dir / "schedule.log"


class Scheduler:
    def __init__(self, home: Home, jobs: dict[str, Job] | None = None,
                 clock: Callable[[], datetime] = utc_now, say: Callable[[str], None] = print):
        self.home = home
        self.reload = jobs is None  # from exports.yml: re-read each minute, so an edit needs no restart
        self.jobs = jobs if jobs is not None else jobs_module.load(home)
        self.clock = clock
        self.say = say

    def log(self, message: str) -> None:
        """One line to stdout and to <home>/exports/schedule.log."""
        line = f"{self.clock().astimezone().isoformat(timespec='seconds')} {message}"
        self.say(line)
        path = log_path(self.home)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def last_scheduled(self, job: Job) -> datetime | None:
        last = read_state(self.home).get(job.name, {}).get("last_scheduled")
        return datetime.fromisoformat(last) if last else None

    def due(self, job: Job, now: datetime) -> datetime | None:
        """The slot to run now, or None. A job never seen before starts counting from now."""
        slot = latest_slot(job, now)
        last = self.last_scheduled(job)
        if last is None:
            update_state(self.home, job.name, last_scheduled=slot.isoformat())
            self.log(f"{job.name}: 首次登记，下次运行 {next_slot(job, now).isoformat()} (first seen)")
            return None
        return slot if slot > last else None

    def tick(self) -> list[tuple[str, str]]:
        """Run every job that is due now, one after another. Returns (job, outcome) for those run."""
        outcomes = []
        if self.reload:
            try:
                self.jobs = jobs_module.load(self.home)
            except ExportError as error:
                self.log(f"配置有误，沿用上次的任务 config error, keeping the jobs loaded before: {error}")
        for job in self.jobs.values():
            slot = self.due(job, self.clock())
            if slot is not None:
                outcome = self._run(job, slot)
                if outcome:
                    outcomes.append((job.name, outcome))
        return outcomes

    def _run(self, job: Job, slot: datetime) -> str | None:
        """Run the slot under the job's lock and record it there, so that a second scheduler on the
        same home finds the slot done; a scheduler killed midway leaves it due (caught up later)."""
        try:
            with job_lock(self.home, job.name):
                last = self.last_scheduled(job)
                if last is not None and last >= slot:
                    return None  # another scheduler on this home ran it since we looked
                outcome = self._run_locked(job, slot)
                update_state(self.home, job.name, last_scheduled=slot.isoformat())
                return outcome
        except JobBusy as busy:
            self.log(f"{job.name}: 跳过 skipped — {busy}")
            update_state(self.home, job.name, last_scheduled=slot.isoformat(), last_result={
                "status": "skipped", "at": self.clock().isoformat(), "trigger": "schedule", "message": str(busy)})
            return "skipped"

    def _run_locked(self, job: Job, slot: datetime) -> str:
        self.log(f"{job.name}: 开始（计划时间 {slot.isoformat()}）")
        try:
            result = run_locked(self.home, job, trigger="schedule")
        except ExportError as error:
            self.log(f"{job.name}: 失败 failed — {error}")
            return "failed"
        except Exception as error:  # a scheduler outlives one bad run; the log says what happened
            self.log(f"{job.name}: 失败 failed — {type(error).__name__}: {error}")
            return "failed"
        files = result.manifest["files"]
        self.log(f"{job.name}: 完成 ok — {len(files)} 个文件，{sum(f['rows'] for f in files):,} 行，"
                 f"统计日 {result.manifest['as_of']}，{result.seconds:.1f}s → {result.folder}")
        return "ok"

    def run(self, once: bool = False, sleep: Callable[[float], None] = time.sleep,
            keep_going: Callable[[], bool] = lambda: True) -> None:
        """Tick now (this catches up what was missed), then at the start of every minute."""
        self.log(f"调度器启动 scheduler started: {', '.join(self.jobs)}")
        while True:
            self.tick()
            if once or not keep_going():
                return
            now = self.clock()
            sleep(60 - now.second - now.microsecond / 1e6 + 0.5)  # just past the next minute boundary
