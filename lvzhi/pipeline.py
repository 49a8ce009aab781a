"""The stages of the flow as functions: ingest files, build the models, publish, read indicators.

The CLI, the benchmarks and the tests call these; each stage writing the working warehouse holds
the single-writer lock.
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from ingest.load import (
    FileResult, PreparedFile, ensure_raw_schema, expand_paths, known_digests, load_prepared, prepare_file,
)
from lvzhi import warehouse
from lvzhi.faults import fault_point
from lvzhi.home import Home

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONTRACT_COLUMNS = (
    "indicator_id", "scope_level", "scope_code", "scope_name", "period_type", "period_label",
    "period_start", "period_end", "as_of", "numerator", "denominator", "value",
)


PREFETCH = 2  # files being read and validated ahead of the one being written
AHEAD = 2  # validated batches of a file waiting for the writer (bounds memory on big files)


def ingest(home: Home, paths: list[Path], submitted_on: date | None = None, say=print) -> list[FileResult]:
    """Load files in order. Reading and validating (Polars) the next batches overlaps with writing
    (DuckDB) the current ones: both release the GIL, so the two cores work at once."""
    files = expand_paths(paths)
    results = []
    with warehouse.writer_lock(home, say=say):
        con = warehouse.connect_work(home)
        # One DuckDB thread: a file's transaction is small, and a second thread cost ~15 % more CPU
        # for no gain while the validating thread needs the other core.
        con.execute("SET threads = 1")
        pool = ThreadPoolExecutor(max_workers=1)
        upcoming: deque[_Stream] = deque()
        try:
            ensure_raw_schema(con)
            known = known_digests(con)
            for path in files[:PREFETCH]:
                upcoming.append(_Stream(pool, home, path, submitted_on, known))
            for number, path in enumerate(files, 1):
                started = time.perf_counter()
                stream = upcoming.popleft()
                if number - 1 + PREFETCH < len(files):
                    upcoming.append(_Stream(pool, home, files[number - 1 + PREFETCH], submitted_on, known))

                def progress(rows: int, fraction: float, name=path.name) -> None:
                    if fraction < 1:  # a long file: say how far it got
                        say(f"    {_bar(fraction)} {name}：已读取 {fraction:.0%}，写入 {rows:,} 行…")

                result = _load_one(con, path, stream, progress)
                results.append(result)
                say(_summary_line(number, len(files), result, time.perf_counter() - started))
        finally:
            for stream in upcoming:
                stream.stop.set()
            pool.shutdown(cancel_futures=True)
            con.close()
    return results


class _Stream:
    """One file prepared and its batches validated in the worker thread, at most AHEAD batches
    ahead of the writer."""

    def __init__(self, pool: ThreadPoolExecutor, home: Home, path: Path, submitted_on, known) -> None:
        self.items: queue.Queue = queue.Queue(AHEAD)
        self.stop = threading.Event()  # the writer gave up on this file: stop producing
        pool.submit(self._produce, home, path, submitted_on, known)

    def _produce(self, home, path, submitted_on, known) -> None:
        try:
            prepared = prepare_file(home, path, submitted_on, known)
            batches = prepared.batches
            if self._put(prepared):
                for item in batches:
                    if not self._put(item):
                        return
                self._put(_DONE)
        except BaseException as error:  # handed to the writer, which rejects the file
            self._put(error)

    def _put(self, item) -> bool:
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=0.2)
                return True
            except queue.Full:
                pass
        return False

    def _get(self):
        item = self.items.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def prepared(self) -> PreparedFile:
        prepared = self._get()
        return replace(prepared, batches=self._batches())

    def _batches(self) -> Iterator:
        while (item := self._get()) is not _DONE:
            yield item


_DONE = object()


def _load_one(con, path: Path, stream: _Stream, progress) -> FileResult:
    """One file; an internal failure (a library panic included) rejects that file, not the run."""
    try:
        return load_prepared(con, stream.prepared(), progress)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # pyo3 panics derive from BaseException
        # The error's text may quote the file (a parser echoing a whole line): only its type is shown.
        return FileResult(path, "rejected", message=f"{path.name}：内部错误，文件未导入，请联系管理员（{type(error).__name__}）")
    finally:
        stream.stop.set()


def _bar(fraction: float) -> str:
    done = round(20 * fraction)
    return "█" * done + "░" * (20 - done)


def _summary_line(number: int, total: int, result: FileResult, seconds: float) -> str:
    prefix = f"{_bar(number / total)} [{number}/{total}] {result.path.name}"
    if result.status == "loaded":
        return (f"{prefix}：读取 {result.rows_read:,} 行，入库 {result.rows_loaded:,} 行，"
                f"隔离 {result.rows_quarantined:,} 行（{seconds:.1f}s）")
    if result.status == "duplicate":
        return f"{prefix}：已导入过，跳过"
    return f"{prefix}：✗ 文件被拒收 —— {result.message}"


def exit_code(results: list[FileResult]) -> int:
    """0 all loaded, 1 some rows quarantined, 2 a file could not be read at all."""
    if any(r.status == "rejected" for r in results):
        return 2
    if any(r.rows_quarantined for r in results):
        return 1
    return 0


@dataclass
class BuildResult:
    success: bool
    seconds: float
    failures: list[str]
    published: Path | None = None


def run_dbt(home: Home, args: list[str], as_of: date, select: str | None = None) -> BuildResult:
    """Run a dbt command in-process against the working warehouse (no per-call start-up)."""
    import logging

    from dbt.cli.main import dbtRunner

    logging.raiseExceptions = False  # a log file that cannot be written (full disk) must not print tracebacks
    os.environ["LVZHI_WAREHOUSE"] = str(home.work_db)
    command = [
        *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(home.root / "dbt_target"), "--log-path", str(home.root / "dbt_logs"),
        "--vars", json.dumps({"as_of": as_of.isoformat()}), "--quiet",
    ]
    if select:
        command += ["--select", select]
    started = time.perf_counter()
    def on_event(event) -> None:
        if event.info.name == "NodeFinished":
            fault_point("build_mid_dbt")

    outcome = dbtRunner(callbacks=[on_event]).invoke(command)
    failures = []
    if outcome.result is not None and hasattr(outcome.result, "results"):
        for node in outcome.result.results:
            if str(node.status) in ("error", "fail"):
                failures.append(f"{node.node.name}: {node.message}")
    if outcome.exception is not None:
        failures.append(str(outcome.exception))
    return BuildResult(outcome.success, time.perf_counter() - started, failures)


def build(home: Home, as_of: date, select: str | None = None, publish: bool = True, say=print) -> BuildResult:
    """dbt build on the working warehouse; on success publish a new read-only version."""
    with warehouse.writer_lock(home, say=say):
        con = warehouse.connect_work(home)
        try:
            ensure_raw_schema(con)
        finally:
            con.close()
        result = run_dbt(home, ["build"], as_of, select)
        if result.success and publish:
            result.published = warehouse.publish(home, {"as_of": as_of.isoformat()})
    return result


def indicator_values(home: Home) -> pl.DataFrame:
    return warehouse.read_published(
        home, "select * from indicator_values order by indicator_id, scope_level, scope_code, period_type, period_label"
    )
