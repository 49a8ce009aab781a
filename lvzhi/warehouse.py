"""The working warehouse (one writer) and its published, read-only versions.

DuckDB allows one writing process per file, and a reader blocks the writer. So ingest and dbt write
to `work.duckdb` (and dbt the analyst schema to `analyst.duckdb`, attached to it) under a writer lock;
`publish` copies `analyst.duckdb` into an immutable, versioned file and switches the `CURRENT` pointer
atomically; readers attach that file read-only.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from lvzhi.faults import fault_point
from lvzhi.home import Home, sql_path

PUBLISHED_SCHEMA = "marts"  # what leaders, analysts and exports read; never raw personal data
KEEP_VERSIONS = 5


class WarehouseBusy(Exception):
    pass


@contextmanager
def writer_lock(home: Home, timeout: float | None = None, say=print):
    """Hold the single-writer lock; wait (saying so) up to `timeout` seconds."""
    timeout = float(os.environ.get("LVZHI_LOCK_TIMEOUT", "600")) if timeout is None else timeout
    home.lock_file.touch(exist_ok=True)
    with open(home.lock_file, "r+") as handle:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise WarehouseBusy(
                        f"仓库正被另一个导入或构建进程写入，等待 {timeout:.0f} 秒后放弃 (warehouse busy)"
                    ) from None
                if not told:
                    say("另一个导入或构建正在进行，等待其完成… (waiting for the other writer)")
                    told = True
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def connect_work(home: Home) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home.work_db))


def checkpoint_work(home: Home) -> bool:
    """Write the working file's log into the file, if no other writer holds it (that writer's own
    close checkpoints). lvzhi watch calls this when idle, after a build left the log to it."""
    try:
        with writer_lock(home, timeout=0, say=lambda *_: None):
            connect_work(home).close()  # opening replays the log, closing checkpoints it
    except WarehouseBusy:
        return False
    return True


# ---------------------------------------------------------------- publishing


def _pointer(home: Home) -> Path:
    return home.published_dir / "CURRENT"


def current_published(home: Home) -> Path | None:
    """The published file readers should use now, or None before the first publish."""
    try:
        name = _pointer(home).read_text().strip()
    except FileNotFoundError:
        return None
    path = home.published_dir / name
    return path if path.exists() else None


def published_versions(home: Home) -> list[Path]:
    return sorted(home.published_dir.glob("lvzhi-*.duckdb"))


def _switch(home: Home, target: Path) -> None:
    temporary = _pointer(home).with_suffix(".tmp")
    temporary.write_text(target.name)
    os.replace(temporary, _pointer(home))


def remove_partials(home: Home) -> None:
    """Half-written versions left by a publish that was killed: nothing reads them."""
    for stale in home.published_dir.glob("*.partial*"):
        stale.unlink(missing_ok=True)


def publish(home: Home, metadata: dict, source: Path | None = None) -> Path:
    """A new version of the analyst schema, then switch readers to it.

    The build makes schema marts in a file of its own (`home.marts_db`; or `source`: the marts a
    Spark build brought back), so a version is a byte copy of that file plus its publish_info:
    no table is re-read or re-compressed, whatever changed. Readers see whole versions only: the
    copy is written under a temporary name and renamed when complete.
    """
    source = source or home.marts_db
    version = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = home.published_dir / f"lvzhi-{version}.duckdb"
    partial = target.with_suffix(".partial")
    remove_partials(home)
    _checkpoint(source)  # everything in the main file, nothing left in a write-ahead log
    shutil.copyfile(source, partial)
    fault_point("publish_mid_copy")
    con = duckdb.connect(str(partial))
    try:
        info = {**metadata, "version": version, "published_at": datetime.now().isoformat(timespec="seconds")}
        con.execute(f"create or replace table {PUBLISHED_SCHEMA}.publish_info as select ? as info_json",
                    [json.dumps(info, ensure_ascii=False)])
        con.execute("checkpoint")
    finally:
        con.close()
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, target)
    _switch(home, target)
    _prune(home)
    return target


def _checkpoint(path: Path) -> None:
    if not path.exists():
        raise FileNotFoundError(f"没有可发布的数据：{path} 不存在，请先运行 lvzhi build (nothing built yet)")
    con = duckdb.connect(str(path))
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def _prune(home: Home) -> None:
    current = current_published(home)
    for old in published_versions(home)[:-KEEP_VERSIONS]:
        if old != current:
            old.unlink(missing_ok=True)


def describe(path: Path) -> dict:
    """As-of date, publish time and row counts of one published version."""
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_path(path)} as v (read_only)")
        info = json.loads(con.sql(f"select info_json from v.{PUBLISHED_SCHEMA}.publish_info").fetchall()[0][0])
        tables = [t for (t,) in con.sql(
            "select table_name from duckdb_tables() where database_name = 'v' order by table_name").fetchall()]
        info["rows"] = {t: con.sql(f"select count(*) from v.{PUBLISHED_SCHEMA}.{t}").fetchall()[0][0] for t in tables}
        return info
    finally:
        con.close()


def rollback(home: Home) -> Path:
    versions = published_versions(home)
    current = current_published(home)
    older = [v for v in versions if current is None or v < current]
    if not older:
        raise RuntimeError("没有更早的已发布版本可回退 (no earlier published version)")
    _switch(home, older[-1])
    return older[-1]


def connect_published(home: Home, version: Path | None = None) -> duckdb.DuckDBPyConnection:
    """In-memory connection with a published version (default: the current one) attached
    read-only as `wh`. A caller caching by version passes the exact file it keyed on.

    Attaching (rather than connecting by path) avoids DuckDB's per-path instance cache, which
    would keep serving an old version after a switch.
    """
    path = version or current_published(home)
    if path is None:
        raise FileNotFoundError("尚未发布任何数据版本：请先运行 lvzhi build (nothing published yet)")
    con = duckdb.connect()
    con.execute(f"attach {sql_path(path)} as wh (read_only)")
    con.execute(f"use wh.{PUBLISHED_SCHEMA}")
    return con


def read_published(home: Home, query: str, params: list | None = None,
                   version: Path | None = None) -> pl.DataFrame:
    """One query on a published version (default: the current one), connection held only for it."""
    con = connect_published(home, version)
    try:
        return con.sql(query, params=params).pl()
    finally:
        con.close()
