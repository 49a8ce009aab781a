"""What `lvzhi export run|list` and `lvzhi schedule` do (lvzhi/cli.py only parses the arguments).

Exit codes: 0 done, 1 a problem to fix (configuration, as-of date, nothing published), 3 the job is
already running.
"""

from __future__ import annotations

import signal
import sys
from datetime import date

from exports import jobs as jobs_module
from exports.jobs import ExportError
from exports.run import JobBusy, read_state, run_job
from exports.schedule import Scheduler, next_slot, utc_now
from access import audit
from lvzhi.home import Home


def export_run(home: Home, name: str, as_of: date | None) -> int:
    try:
        jobs = jobs_module.load(home)
        if name not in jobs:
            raise ExportError(f"没有名为“{name}”的导出任务；可用：{'、'.join(jobs)}（见 {jobs_module.config_path(home)}）")
        result = run_job(home, jobs[name], as_of, user=audit.terminal_user(), trigger="manual")
    except ExportError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    except JobBusy as busy:
        print(f"✗ {busy}", file=sys.stderr)
        return 3
    files = result.manifest["files"]
    print(f"✓ {name}：{len(files)} 个文件，{sum(f['rows'] for f in files):,} 行，统计日 {result.manifest['as_of']}，"
          f"期间 {result.manifest['period']['text']}，{result.seconds:.1f}s → {result.folder}")
    return 0


def export_list(home: Home) -> int:
    try:
        jobs = jobs_module.load(home)
    except ExportError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    state, now = read_state(home), utc_now()
    print(f"配置 config: {jobs_module.config_path(home)}")
    for job in jobs.values():
        last = state.get(job.name, {}).get("last_result")
        last_text = "尚未运行 never run" if not last else (
            f"{last['status']} {last.get('at', '')} {last.get('run') or last.get('message', '')}".rstrip())
        print(f"- {job.name}  {job.title}\n    cron “{job.cron}” ({job.timezone})  下次 next {next_slot(job, now).isoformat()}"
              f"\n    {'+'.join(job.scopes)} · {job.period} · {','.join(job.formats)} · 保留 {job.retention} 次"
              f" → {job.folder(home)}\n    上次 last: {last_text}")
    return 0


def schedule(home: Home, once: bool) -> int:
    try:
        scheduler = Scheduler(home, say=lambda line: print(line, flush=True))  # journald / a log file see it at once
    except ExportError as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop)  # systemctl stop: a run cut short leaves only an unfinished folder
    try:
        scheduler.run(once=once)
    except KeyboardInterrupt:
        scheduler.log("调度器停止 scheduler stopped")
    return 0


def _stop(_signal, _frame) -> None:
    raise KeyboardInterrupt
