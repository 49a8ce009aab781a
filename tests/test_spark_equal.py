"""The same models on DuckDB and on Spark give the same indicators, cell by cell (issue 21).

Each data set is ingested once and built twice in one home: DuckDB (`lvzhi build`), then Spark
(`lvzhi build --engine spark`, in a child process: one JVM per home). Both builds publish; the test
compares every column of indicator_values (every numerator, denominator and value) and the row
count of every published mart. Skipped, saying why, without pyspark/dbt-spark or Java 17.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from devtools.synth import generate
from ingest.run import ingest
from lvzhi import spark, warehouse
from lvzhi.build import build
from lvzhi.home import Home

from .conftest import FIXTURES, HANDMADE_AS_OF, quiet

WHY_NOT = spark.available()
pytestmark = [pytest.mark.spark, pytest.mark.skipif(WHY_NOT is not None, reason=f"Spark cannot run here: {WHY_NOT}")]

KEY = ["indicator_id", "scope_level", "scope_code", "period_type", "period_label"]
SPARK_ENV = {"LVZHI_SPARK_CORES": "2", "LVZHI_SPARK_MEMORY": "1g", "LVZHI_SPARK_PARTITIONS": "2"}


def build_on_spark(home: Home, as_of: date) -> None:
    """`lvzhi build --engine spark` in a child process (its own JVM, metastore under the home)."""
    command = [sys.executable, "-m", "lvzhi.cli", "--home", str(home.root), "build", "--engine", "spark",
               "--as-of", as_of.isoformat(), "--skip-tests"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1500,
                          env={**__import__("os").environ, **SPARK_ENV})
    assert done.returncode == 0, done.stderr[-4000:] + done.stdout[-2000:]


def published(home: Home) -> tuple[dict, pl.DataFrame, dict[str, int]]:
    """Publish info, indicator_values (sorted by key) and rows per table of the current version."""
    version = warehouse.current_published(home)
    info = warehouse.describe(version)
    values = warehouse.read_published(home, "select * from indicator_values", version=version)
    return info, values.sort(KEY, nulls_last=True), info["rows"]


def assert_same(duck: pl.DataFrame, spark_values: pl.DataFrame) -> None:
    assert duck.columns == spark_values.columns
    assert duck.height == spark_values.height, (duck.height, spark_values.height)
    assert duck.select(KEY).equals(spark_values.select(KEY)), "different indicator rows"
    differences = []
    for column in duck.columns:
        for row, (left, right) in enumerate(zip(duck[column].to_list(), spark_values[column].to_list())):
            if isinstance(left, float) and isinstance(right, float):
                same = left == right or (math.isnan(left) and math.isnan(right))
            else:
                same = left == right
            if not same:
                differences.append({**{k: duck[k][row] for k in KEY}, "column": column, "duckdb": left, "spark": right})
    assert not differences, json.dumps(differences[:20], ensure_ascii=False, default=str, indent=1)


def both_engines(home: Home, as_of: date) -> None:
    built = build(home, as_of, say=quiet)
    assert built.success, built.failures
    duck_info, duck, duck_rows = published(home)
    build_on_spark(home, as_of)
    spark_info, on_spark, spark_rows = published(home)
    assert spark_info["engine"] == "spark" and "engine" not in duck_info
    assert duck.height > 0
    assert_same(duck, on_spark)
    assert spark_rows == duck_rows  # every mart there, with as many rows
    loaded = warehouse.read_published(home, "select typeof(last_loaded_at) as t from data_freshness limit 1")
    assert loaded.is_empty() or loaded["t"][0] == "TIMESTAMP"  # not an instant in some time zone


def test_handmade_fixture_equal_on_duckdb_and_spark(tmp_path):
    home = Home.at(tmp_path / "handmade")
    results = ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    assert all(r.status == "loaded" for r in results)
    both_engines(home, HANDMADE_AS_OF)
    # The raw layer went out partitioned by kind and prefecture.
    assert (spark.raw_dir(home) / "suggestions" / "prefecture_code=654000").is_dir()


def test_tiny_synth_set_equal_on_duckdb_and_spark(tmp_path):
    inbox = tmp_path / "inbox"
    generate(inbox, "tiny", seed=7)
    home = Home.at(tmp_path / "tiny")
    ingest(home, [inbox], submitted_on=date(2026, 1, 15), say=quiet)
    both_engines(home, date(2025, 12, 31))


def test_export_raw_writes_parquet_by_kind_and_prefecture(tmp_path):
    home = Home.at(tmp_path / "h")
    ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    out = tmp_path / "lake"
    counts = spark.export_raw(home, out)
    assert counts["deputies"] > 0
    back = pl.read_parquet(out / "deputies" / "**" / "*.parquet", hive_partitioning=True)
    assert back.height == counts["deputies"]
    assert set(back["prefecture_code"].cast(pl.String)) == {"650100", "650200", "654000"}
    schema = json.loads((out / "deputies" / "_schema.json").read_text())
    assert schema["partitioned_by"] == ["prefecture_code"]
    assert ["term_start", "date"] in schema["columns"]
    assert not Path(out / "batches" / "prefecture_code=NULL").exists()
