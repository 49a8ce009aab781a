"""Build: run dbt on the working warehouse (in-process, no per-call start-up), then publish a new
read-only version; read the published indicators.

By default a build rebuilds only what changed since the last successful build: the models
downstream of the raw tables that new batches wrote (and the quality tables every batch touches),
replaying the statements dbt ran for them in the last complete build (lvzhi.replay), then publishes
(a copy of the analyst file the build wrote: lvzhi.warehouse.publish). A change of the as-of date,
of the models, macros, seeds or dbt settings, or `--full`, rebuilds and republishes everything.
The state of the last successful build is `<home>/warehouse/build_state.json`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ingest.load import ensure_raw_schema
from lvzhi import replay, warehouse
from lvzhi.faults import fault_point
from lvzhi.home import PROJECT_DIR, Home

CONTRACT_COLUMNS = (
    "indicator_id", "scope_level", "scope_code", "scope_name", "period_type", "period_label",
    "period_start", "period_end", "as_of", "numerator", "denominator", "value",
)


# What the models' results depend on besides the raw data: a change here means a full build.
PROJECT_INPUTS = ("models", "macros", "data/seeds", "tests/dbt", "dbt_project.yml", "profiles.yml")
# Every load writes raw.batches (and maybe raw.quarantine): their staging tables and what reads them.
# Not `source:raw.batches+`: every kind's current version reads raw.batches for full replacements,
# and a batch changes the current rows of its own kinds only (selected by kind below).
ALWAYS_TOUCHED = ("stg_raw__batches+", "stg_raw__quarantine+")


@dataclass
class BuildResult:
    success: bool
    seconds: float
    failures: list[str]
    published: Path | None = None
    plan: Plan | None = None
    rebuilt: list[str] = field(default_factory=list)  # the models and seeds dbt built, in any schema
    record: replay.Record | None = None  # what dbt ran, kept by a complete build for refreshes to replay
    untested: str | None = None  # dbt built, but the recorded data tests did not all pass (dbt tests again)


@dataclass(frozen=True)
class Plan:
    """What a build will do, and why (said to the user in Chinese)."""
    select: str | None  # dbt selection; None = everything
    reason: str
    last_batch: int  # the newest batch the build covers
    nothing_new: bool = False
    kinds: tuple[str, ...] = ()  # a refresh: the record kinds the new batches wrote


def project_fingerprint() -> str:
    """One hash of every file the models are built from (not the raw data)."""
    digest = hashlib.sha256()
    for name in PROJECT_INPUTS:
        root = PROJECT_DIR / name
        for path in sorted([root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())):
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(PROJECT_DIR)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _state_file(home: Home) -> Path:
    return home.warehouse_dir / "build_state.json"


def read_state(home: Home) -> dict | None:
    try:
        return json.loads(_state_file(home).read_text())
    except (FileNotFoundError, ValueError):
        return None


def _save_state(home: Home, state: dict) -> None:
    temporary = _state_file(home).with_suffix(".tmp")
    temporary.write_text(json.dumps(state))
    os.replace(temporary, _state_file(home))


def plan_build(home: Home, as_of: date, full: bool = False) -> Plan:
    """Everything, or only what the batches since the last successful build touched."""
    con = warehouse.connect_work(home)
    try:
        ensure_raw_schema(con)
        # Before the analyst schema had a file of its own (analyst.duckdb) dbt built it here.
        con.execute(f"drop schema if exists {warehouse.PUBLISHED_SCHEMA} cascade")
        last_batch = con.execute("select coalesce(max(batch_id), 0) from raw.batches").fetchall()[0][0]
        state = read_state(home)
        if full:
            return Plan(None, "完整构建（--full）", last_batch)
        if state is None or warehouse.current_published(home) is None or not home.marts_db.exists():
            return Plan(None, "首次构建：完整构建", last_batch)
        if state["as_of"] != as_of.isoformat():
            return Plan(None, f"统计日由 {state['as_of']} 改为 {as_of}：完整构建", last_batch)
        if state["fingerprint"] != project_fingerprint():
            return Plan(None, "模型、宏、种子数据或 dbt 设置有变化：完整构建", last_batch)
        rows = con.execute("select kinds from raw.batches where batch_id > ?", [state["last_batch"]]).fetchall()
    finally:
        con.close()
    kinds = sorted({kind for (listed,) in rows for kind in (listed or "").split(",") if kind})
    if not rows:
        return Plan(None, "自上次构建以来没有新导入的数据", last_batch, nothing_new=True)
    select = " ".join([*(f"source:raw.{kind}+" for kind in kinds), *ALWAYS_TOUCHED])
    return Plan(select, f"只重建新数据涉及的部分（{len(rows)} 个新批次：{'、'.join(kinds) or '无记录'}）", last_batch,
                kinds=tuple(kinds))


# Parsed dbt projects kept by a long-running process (lvzhi watch): (home, as-of, fingerprint) -> manifest.
_MANIFESTS: dict[tuple[str, str, str], object] = {}


def _parsed_manifest(home: Home, as_of: date, base: list[str]):
    """The project parsed once per home, as-of date and project files: parsing costs seconds a call."""
    from dbt.cli.main import dbtRunner

    key = (str(home.root), as_of.isoformat(), project_fingerprint())
    if key not in _MANIFESTS:
        with _dbt_in(home, as_of):
            parsed = dbtRunner().invoke(["parse", *base])
        if not parsed.success:
            return None
        _MANIFESTS.clear()  # one project version at a time
        _MANIFESTS[key] = parsed.result
    return _MANIFESTS[key]


# dbt's parse of the project (target/partial_parse.msgpack of each home), kept here for every home:
# the profile is the same for all (paths relative to the home), so a new home's first build starts
# from it instead of parsing the whole project (dbt still checks every file, the vars and the profile).
SHARED_PARSES = PROJECT_DIR / "target"
# The environment variables profiles.yml reads (its settings).
PROFILE_VARIABLES = sorted(set(re.findall(r"env_var\('(\w+)'", (PROJECT_DIR / "profiles.yml").read_text())))


def _shared_key(as_of: date, *more: str) -> str:
    """The key of what SHARED_PARSES keeps for every home: the as-of date, the values of the variables
    profiles.yml reads, and `more`."""
    settings = [(name, os.environ.get(name)) for name in PROFILE_VARIABLES]
    return hashlib.sha256(json.dumps([as_of.isoformat(), settings, *more]).encode()).hexdigest()[:16]


def _target_path(home: Home, target: str | None = None) -> Path:
    return home.root / (f"dbt_target_{target}" if target else "dbt_target")  # each target its own parse


@contextlib.contextmanager
def _dbt_in(home: Home, as_of: date, target: str | None = None):
    """Run dbt from the home's folder (profiles.yml's paths are relative to it), starting from the
    shared parse when the home has none yet, and sharing the home's when dbt wrote a newer one."""
    own = _target_path(home, target) / "partial_parse.msgpack"
    shared = SHARED_PARSES / f"{own.parent.name}_{_shared_key(as_of)}.msgpack"  # dbt reparses when either differs
    if not own.exists() and shared.exists():
        own.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(shared, own)  # with its time: not shared back unless dbt rewrites it
    try:
        with contextlib.chdir(home.root):
            yield
    finally:
        if own.exists() and (not shared.exists() or own.stat().st_mtime_ns > shared.stat().st_mtime_ns):
            SHARED_PARSES.mkdir(exist_ok=True)
            partial = shared.with_name(f"{shared.name}.{os.getpid()}.partial")
            shutil.copy2(own, partial)
            os.replace(partial, shared)  # whole or not at all, whichever process writes last


def _dbt_options(home: Home, as_of: date, target: str | None = None) -> list[str]:
    """The options of every dbt call on this home."""
    options = [
        "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(_target_path(home, target)), "--log-path", str(home.root / "dbt_logs"),
        "--vars", json.dumps({"as_of": as_of.isoformat()}),
        # No console log: lvzhi reports failures from dbt's results itself. dbt formats every event
        # for each log before filtering by level, so even a --quiet console cost ~0.1-0.3 s a refresh.
        "--log-level", "none",
        "--no-write-json",  # manifest.json alone costs ~1 s a run; nothing here reads it (dbt.log has the timings)
        # dbt.log at info: each model's and test's outcome and time. The debug level (every statement's
        # SQL; DBT_LOG_LEVEL_FILE=debug) cost ~0.25 s of a 7 s refresh.
        "--log-level-file", os.environ.get("DBT_LOG_LEVEL_FILE", "info"),
    ]
    return [*options, "--target", target] if target else options


def warm_up(home: Home, as_of: date) -> bool:
    """Import dbt and parse the project now (lvzhi watch, before the first file arrives)."""
    return _parsed_manifest(home, as_of, _dbt_options(home, as_of)) is not None


def run_dbt(home: Home, args: list[str], as_of: date, select: str | None = None,
            long_running: bool = False, target: str | None = None,
            recorder: replay.Recorder | None = None, then_test: replay.Record | None = None) -> BuildResult:
    """Run a dbt command in-process against the working warehouse (no per-call start-up).
    `long_running` (lvzhi watch): reuse the project parsed by an earlier call of this process, and
    leave the working file's checkpoint to the process's idle time (checkpoint_work).
    `target="spark"`: on the Spark session lvzhi.spark started (profiles.yml).
    `recorder`: keep what dbt ran, for refreshes to replay (BuildResult.record; lvzhi.replay).
    `then_test`: run this record's data tests of what dbt built, on dbt's connection; if any does
    not pass, the result fails with `untested` saying why (no failure of dbt's)."""
    import logging

    from dbt.cli.main import dbtRunner

    logging.raiseExceptions = False  # a log file that cannot be written (full disk) must not print tracebacks
    base = _dbt_options(home, as_of, target)
    command = [*args, *base]
    if select:
        command += ["--select", select]
    started = time.perf_counter()
    def on_event(event) -> None:
        if event.info.name == "NodeFinished":
            fault_point("build_mid_dbt")

    manifest = _parsed_manifest(home, as_of, base) if long_running else None
    record = untested = None
    with _dbt_in(home, as_of, target):
        try:
            outcome = dbtRunner(manifest=manifest, callbacks=[on_event, *([recorder] if recorder else [])]).invoke(command)
            if outcome.success and (recorder is not None or then_test is not None):
                from dbt.adapters.duckdb.connections import DuckDBConnectionManager

                con = DuckDBConnectionManager._ENV.conn
                if recorder is not None:
                    record = recorder.record(outcome.result.results, con)
                else:
                    built = [node.node.unique_id for node in outcome.result.results]
                    untested = replay.test(con, then_test, built)
        finally:
            _close_duckdb(checkpoint_work=not long_running)
    failures, rebuilt = [], []
    if outcome.result is not None and hasattr(outcome.result, "results"):
        for node in outcome.result.results:
            if str(node.status) in ("error", "fail"):
                failures.append(f"{node.node.name}: {node.message}")
            elif node.node.resource_type in ("model", "seed"):
                rebuilt.append(node.node.alias or node.node.name)
    if outcome.exception is not None:
        failures.append(str(outcome.exception))
    return BuildResult(outcome.success and not untested, time.perf_counter() - started, failures,
                       rebuilt=rebuilt, record=record, untested=untested)


def _close_duckdb(checkpoint_work: bool = True) -> None:
    """The profile keeps dbt's DuckDB open for the whole run (keep_open: opening and checkpointing
    the warehouse between models cost ~30 % of a refresh); close it when dbt returns, so the file
    is not left locked in this process (lvzhi watch ingests next, a test opens it).
    Closing checkpoints both files: the analyst file must be whole for publish to copy it; the
    working file's log (~40 MB after a region refresh, ~0.35 s to checkpoint) may wait
    (`checkpoint_work=False`): committed in its log, it is replayed by whoever opens the file next."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        if not checkpoint_work and environment.conn is not None:
            _leave_work_log(environment.conn)
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def _leave_work_log(con) -> None:
    """Before closing: write the analyst file whole (publish copies it), but leave the working file's
    log for later (checkpoint_work)."""
    con.execute("checkpoint analyst")
    con.execute("pragma disable_checkpoint_on_shutdown")


def build(home: Home, as_of: date, select: str | None = None, publish: bool = True, say=print,
          full: bool = False, long_running: bool = False, engine: str = "duckdb",
          data_tests: bool = True) -> BuildResult:
    """dbt build on the working warehouse — what changed since the last successful build, or
    everything — and on success publish a new read-only version. An explicit `select` builds just
    that (a manual selection does not count as a complete build for the next plan).
    `engine="spark"`: the same models on a local Spark, always everything (build_spark).
    `data_tests=False`: models and seeds without dbt's data and unit tests.
    `long_running`: called again by this process (lvzhi watch; see run_dbt)."""
    if engine == "spark":
        return build_spark(home, as_of, select, publish, say, data_tests)
    with warehouse.writer_lock(home, say=say):
        warehouse.remove_partials(home)
        plan = Plan(select, f"按指定范围构建：{select}", 0) if select else plan_build(home, as_of, full)
        say(plan.reason)
        if plan.nothing_new:
            return BuildResult(True, 0.0, [], plan=plan)
        fingerprint = project_fingerprint()
        saved = _record_file(as_of, fingerprint)
        refresh = plan.select is not None and not select  # planned, not a manual selection
        result = _replay(home, saved, plan, long_running, say) if refresh and data_tests else None
        if result is None:
            complete = plan.select is None and data_tests
            # A complete build of a recorded project runs the data tests from the record, in one
            # query (lvzhi.replay); the project's first complete build records what dbt ran.
            record = replay.load(saved) if complete else None
            # A refresh skips dbt's unit tests: they check the models' logic on fixed inputs, and the
            # logic is what the last complete build tested (a changed model means a complete build).
            args = _build_args(data_tests and record is None, unit_tests=plan.select is None)
            result = run_dbt(home, args, as_of, plan.select, long_running=long_running, then_test=record,
                             recorder=replay.Recorder() if complete and record is None else None)
            if result.record is not None:
                replay.save(saved, result.record)
            if result.untested:  # dbt says what did not pass, as in its own build
                say(f"数据测试未全部通过（{result.untested}），由 dbt 逐项重测 / dbt tests again")
                tested = run_dbt(home, ["test", "--exclude-resource-type", "unit_test"], as_of, plan.select,
                                 long_running=long_running)
                result = BuildResult(tested.success, result.seconds + tested.seconds, tested.failures,
                                     rebuilt=result.rebuilt)
        result.plan = plan
        if result.success and publish:
            result.published = warehouse.publish(home, {"as_of": as_of.isoformat()})
        if result.success and not select and data_tests:
            _save_state(home, {"as_of": as_of.isoformat(), "fingerprint": fingerprint, "last_batch": plan.last_batch})
    return result


def _record_file(as_of: date, fingerprint: str) -> Path:
    """Where the complete build of this project, as-of date and profile settings is recorded, for
    every home (like dbt's parse: the statements name no home)."""
    from importlib.metadata import version

    return replay.saved_file(SHARED_PARSES, _shared_key(as_of, fingerprint, version("dbt-core"), version("dbt-duckdb")))


def _replay(home: Home, saved: Path, plan: Plan, long_running: bool, say) -> BuildResult | None:
    """A refresh replayed from the last complete build's record (lvzhi.replay); None when dbt must do
    it: no record for this project, or a statement failed, or a data test did not pass."""
    record = replay.load(saved)
    if record is None:  # records come from complete builds only: each holds every model
        say("尚无本项目设置下完整构建的记录，本次由 dbt 重建；完整构建（--full）一次后，刷新将重放记录 / "
            "no record of a complete build with these settings: dbt rebuilds (after one --full, refreshes replay)")
        return None
    models = replay.selected(record, list(plan.kinds), [name.rstrip("+") for name in ALWAYS_TOUCHED])
    if not models:
        return None
    started = time.perf_counter()
    try:
        con = replay.connect(home.work_db, home.marts_db, record)
    except duckdb.Error as error:  # e.g. a recorded setting this DuckDB refuses
        con, stopped = None, str(error)
    if con is not None:
        try:
            stopped = replay.run(con, record, models)
            if long_running:
                _leave_work_log(con)
        finally:
            con.close()
    if stopped:
        say(f"重放上次完整构建未成功（{stopped}），改由 dbt 重建 / replay stopped: dbt rebuilds")
        return None
    say(f"重放上次完整构建：{len(models)} 个模型，{len(replay.tests_of(record, set(models)))} 项数据测试 / "
        "replayed the last complete build's statements")
    return BuildResult(True, time.perf_counter() - started, [], rebuilt=[record.nodes[uid].name for uid in models])


def _build_args(data_tests: bool, unit_tests: bool = True) -> list[str]:
    if not data_tests:
        return ["build", "--exclude-resource-type", "test", "unit_test"]
    return ["build"] if unit_tests else ["build", "--exclude-resource-type", "unit_test"]


def build_spark(home: Home, as_of: date, select: str | None = None, publish: bool = True,
                say=print, data_tests: bool = True) -> BuildResult:
    """The raw layer out as Parquet, dbt build on Spark (everything, or `select`), the marts back
    as Parquet, published whole like a full DuckDB build (the dashboard cannot tell). The next
    DuckDB build is a full one: its refresh would copy this version. Needs pyspark, dbt-spark, Java 17."""
    from lvzhi import spark

    started = time.perf_counter()
    reason = spark.available()
    if reason:
        return BuildResult(False, 0.0, [reason])
    say("在 Spark 上完整构建 / full build on Spark")
    with warehouse.writer_lock(home, say=say):
        warehouse.remove_partials(home)
        con = warehouse.connect_work(home)
        try:
            ensure_raw_schema(con)
            spark.export_raw(home, con=con)
        finally:
            con.close()
    session = spark.session(home)
    spark.register_raw(session, spark.raw_dir(home))
    result = run_dbt(home, _build_args(data_tests), as_of, select, target="spark")
    if result.success:
        spark.export_marts(session, spark.marts_dir(home))
        spark.load_marts(spark.marts_dir(home), spark.spark_marts_db(home))
        if publish:
            with warehouse.writer_lock(home, say=say):
                _state_file(home).unlink(missing_ok=True)
                result.published = warehouse.publish(
                    home, {"as_of": as_of.isoformat(), "engine": "spark"}, source=spark.spark_marts_db(home))
    result.seconds = time.perf_counter() - started
    return result


def indicator_values(home: Home) -> pl.DataFrame:
    return warehouse.read_published(
        home, "select * from indicator_values order by indicator_id, scope_level, scope_code, period_type, period_label"
    )
