"""Build: run dbt on the working warehouse (in-process, no per-call start-up), then publish a new
read-only version; read the published indicators."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from ingest.load import ensure_raw_schema
from lvzhi import warehouse
from lvzhi.faults import fault_point
from lvzhi.home import PROJECT_DIR, Home

CONTRACT_COLUMNS = (
    "indicator_id", "scope_level", "scope_code", "scope_name", "period_type", "period_label",
    "period_start", "period_end", "as_of", "numerator", "denominator", "value",
)


@dataclass
class BuildResult:
    success: bool
    seconds: float
    failures: list[str]
    published: Path | None = None


def run_dbt(home: Home, args: list[str], as_of: date, select: str | None = None,
            target: str | None = None) -> BuildResult:
    """Run a dbt command in-process against the working warehouse (no per-call start-up);
    `target="spark"` runs it on the Spark session lvzhi.spark started."""
    import logging

    from dbt.cli.main import dbtRunner

    logging.raiseExceptions = False  # a log file that cannot be written (full disk) must not print tracebacks
    os.environ["LVZHI_WAREHOUSE"] = str(home.work_db)
    suffix = f"_{target}" if target else ""  # each target its own parse cache
    command = [
        *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
        "--target-path", str(home.root / f"dbt_target{suffix}"), "--log-path", str(home.root / "dbt_logs"),
        "--vars", json.dumps({"as_of": as_of.isoformat()}), "--quiet",
    ]
    if target:
        command += ["--target", target]
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


def build(home: Home, as_of: date, select: str | None = None, publish: bool = True, say=print,
          engine: str = "duckdb", data_tests: bool = True) -> BuildResult:
    """dbt build on the working warehouse; on success publish a new read-only version.
    `engine="spark"`: the same models on a local Spark (build_spark). `data_tests=False` builds
    without dbt's data and unit tests (the Spark equality test: DuckDB's build ran them)."""
    if engine == "spark":
        return build_spark(home, as_of, select, publish, say, data_tests)
    with warehouse.writer_lock(home, say=say):
        con = warehouse.connect_work(home)
        try:
            ensure_raw_schema(con)
        finally:
            con.close()
        result = run_dbt(home, _build_args(data_tests), as_of, select)
        if result.success and publish:
            result.published = warehouse.publish(home, {"as_of": as_of.isoformat()})
    return result


def _build_args(data_tests: bool) -> list[str]:
    return ["build"] if data_tests else ["build", "--exclude-resource-type", "test", "unit_test"]


def build_spark(home: Home, as_of: date, select: str | None = None, publish: bool = True,
                say=print, data_tests: bool = True) -> BuildResult:
    """The raw layer out as Parquet, dbt build on Spark, the marts back as Parquet, published like
    a DuckDB build (the dashboard cannot tell). Needs pyspark, dbt-spark and Java 17."""
    from lvzhi import spark

    started = time.perf_counter()
    reason = spark.available()
    if reason:
        return BuildResult(False, 0.0, [reason])
    with warehouse.writer_lock(home, say=say):
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
                result.published = warehouse.publish(
                    home, {"as_of": as_of.isoformat(), "engine": "spark"}, source=spark.spark_marts_db(home))
    result.seconds = time.perf_counter() - started
    return result


def indicator_values(home: Home) -> pl.DataFrame:
    return warehouse.read_published(
        home, "select * from indicator_values order by indicator_id, scope_level, scope_code, period_type, period_label"
    )
