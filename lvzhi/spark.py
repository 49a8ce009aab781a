"""The same dbt models on Apache Spark: the raw layer out as Parquet, the build on Spark, the marts
back as Parquet and published like a DuckDB build.

    work.duckdb (raw) --export_raw--> lake/raw/<kind>/prefecture_code=<code>/*.parquet
    lake/raw --register_raw--> Spark tables raw.<kind> (external, partitioned by prefecture)
    dbt build --target spark (same models; adapter.dispatch macros where the engines differ)
    Spark marts.<table> --export_marts--> lake/marts/<table>/*.parquet
    lake/marts --load_marts--> warehouse/spark_marts.duckdb --warehouse.publish--> the dashboard

Locally Spark runs in this process (dbt-spark `method: session`, pyspark and Java 17); the session
is started here first, with the home's own metastore and warehouse folder, and dbt-spark's
`getOrCreate` picks it up. A cluster runs the same models through `method: thrift` (README).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lvzhi.home import Home, sql_path

PARTITION = "prefecture_code"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # how Hive and Spark name the partition of null
# DuckDB type -> Spark SQL type of the raw layer (all that ingest.schemas and the lineage use).
SPARK_TYPES = {
    "VARCHAR": "string", "BIGINT": "bigint", "INTEGER": "int", "DATE": "date", "BOOLEAN": "boolean",
    "DOUBLE": "double", "TIMESTAMP": "timestamp", "TIMESTAMP_NS": "timestamp", "HUGEINT": "decimal(38,0)",
}


@dataclass(frozen=True)
class SparkSettings:
    """Small by default: tests and laptops share their cores. LVZHI_SPARK_CORES / _MEMORY / _PARTITIONS."""
    cores: int = int(os.environ.get("LVZHI_SPARK_CORES", "2"))
    driver_memory: str = os.environ.get("LVZHI_SPARK_MEMORY", "1g")
    shuffle_partitions: int = int(os.environ.get("LVZHI_SPARK_PARTITIONS", "2"))


def lake_dir(home: Home) -> Path:
    return home.root / "lake"


def raw_dir(home: Home) -> Path:
    return lake_dir(home) / "raw"


def marts_dir(home: Home) -> Path:
    return lake_dir(home) / "marts"


def spark_marts_db(home: Home) -> Path:
    """The marts a Spark build brought back, as a DuckDB file `warehouse.publish` copies from."""
    return home.warehouse_dir / "spark_marts.duckdb"


def available() -> str | None:
    """None when a local Spark can run here, else why not (for skips and error messages)."""
    try:
        import pyspark  # noqa: F401
        import dbt.adapters.spark  # noqa: F401
    except ImportError as missing:
        return f"pyspark/dbt-spark not installed ({missing.name}): pip install -e '.[spark]'"
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (Spark needs Java 17: apt-get install openjdk-17-jre-headless)"
    return None


# ------------------------------------------------------------------ raw layer out as Parquet


def export_raw(home: Home, out: Path | None = None, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, int]:
    """Write every raw table as Parquet: <out>/<kind>/prefecture_code=<code>/*.parquet (a null
    prefecture goes to Hive's default partition), with <kind>/_schema.json naming the columns and
    their Spark types. Replaces what an earlier export wrote. Returns rows per kind."""
    out = Path(out or raw_dir(home))
    own = con is None
    con = con or duckdb.connect(str(home.work_db), read_only=True)
    counts = {}
    try:
        tables = [t for (t,) in con.sql(
            "select table_name from duckdb_tables() where schema_name = 'raw' order by table_name").fetchall()]
        for table in tables:
            columns = con.sql(
                "select column_name, data_type from duckdb_columns() where schema_name = 'raw' "
                "and table_name = ? order by column_index", params=[table]).fetchall()
            target = out / table
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            names = [name for name, _ in columns]
            if PARTITION in names:
                select = ", ".join(
                    f"coalesce({name}, '{NULL_PARTITION}') as {name}" if name == PARTITION else name for name in names)
                con.execute(f"copy (select {select} from raw.{table}) to {sql_path(target)} "
                            f"(format parquet, partition_by ({PARTITION}), overwrite_or_ignore, compression zstd)")
            else:
                con.execute(f"copy raw.{table} to {sql_path(target / 'part-0.parquet')} (format parquet, compression zstd)")
            schema = {"columns": [[name, SPARK_TYPES.get(kind, "string")] for name, kind in columns],
                      "partitioned_by": [PARTITION] if PARTITION in names else []}
            (target / "_schema.json").write_text(json.dumps(schema, indent=1))
            counts[table] = con.sql(f"select count(*) from raw.{table}").fetchall()[0][0]
    finally:
        if own:
            con.close()
    return counts


# ------------------------------------------------------------------ the session and the raw tables


def session(home: Home, settings: SparkSettings | None = None):
    """The local Spark session of this home (metastore and table files under <home>/lake)."""
    from pyspark.sql import SparkSession

    settings = settings or SparkSettings()
    lake = lake_dir(home)
    lake.mkdir(parents=True, exist_ok=True)
    builder = (
        SparkSession.builder.master(f"local[{settings.cores}]").appName("lvzhi")
        .config("spark.driver.memory", settings.driver_memory)
        .config("spark.sql.shuffle.partitions", str(settings.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(lake / "spark-warehouse"))
        .config("spark.hadoop.javax.jdo.option.ConnectionURL",
                f"jdbc:derby:;databaseName={lake / 'metastore_db'};create=true")
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={lake}")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # codes stay text
        .enableHiveSupport()
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def register_raw(spark, source: Path) -> list[str]:
    """Spark tables raw.<kind> over the Parquet of `source` (as export_raw writes it)."""
    spark.sql("create database if not exists raw")
    tables = []
    for folder in sorted(p for p in Path(source).iterdir() if (p / "_schema.json").exists()):
        schema = json.loads((folder / "_schema.json").read_text())
        columns = ", ".join(f"{name} {kind}" for name, kind in schema["columns"])
        partitioned = schema["partitioned_by"]
        spark.sql(f"drop table if exists raw.{folder.name}")
        spark.sql(
            f"create table raw.{folder.name} ({columns}) using parquet "
            + (f"partitioned by ({', '.join(partitioned)}) " if partitioned else "")
            + f"location '{folder.resolve()}'")
        if partitioned:
            spark.sql(f"alter table raw.{folder.name} recover partitions")
        tables.append(folder.name)
    return tables


# ------------------------------------------------------------------ marts back


def export_marts(spark, out: Path, schema: str = "marts") -> list[str]:
    """Every table of the Spark schema as Parquet under <out>/<table>/ (replacing earlier ones).
    dbt-spark's tables are Parquet already: their files are copied (one Spark job per table cost
    seconds each on a busy machine); a table stored otherwise is written by Spark."""
    out = Path(out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    tables = [t.name for t in spark.catalog.listTables(schema) if t.tableType != "VIEW" and not t.isTemporary]
    warehouse_dir = Path(spark.conf.get("spark.sql.warehouse.dir").removeprefix("file:"))
    written = []
    for table in sorted(tables):
        stored = warehouse_dir / f"{schema}.db" / table
        files = sorted(stored.glob("*.parquet")) if stored.is_dir() else []
        if files and not any(p.is_dir() for p in stored.iterdir()):
            (out / table).mkdir()
            for file in files:
                shutil.copyfile(file, out / table / file.name)
        else:
            spark.table(f"{schema}.{table}").write.mode("overwrite").parquet(str(out / table))
        written.append(table)
    return written


def load_marts(source: Path, target: Path) -> list[str]:
    """A DuckDB file whose schema `marts` holds the Parquet tables of `source` (what publish copies)."""
    target.unlink(missing_ok=True)
    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    tables = []
    try:
        con.execute("create schema marts")
        for folder in sorted(p for p in Path(source).iterdir() if p.is_dir()):
            con.execute(f"create table marts.{folder.name} as select * from read_parquet('{folder}/*.parquet')")
            # Spark's timestamps are instants (UTC in this session): back to DuckDB's plain timestamps.
            for (column,) in con.sql(
                    "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
                    "and data_type = 'TIMESTAMP WITH TIME ZONE'", params=[folder.name]).fetchall():
                con.execute(f"alter table marts.{folder.name} alter {column} set data type timestamp "
                            f"using ({column} at time zone 'UTC')")
            tables.append(folder.name)
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(partial, target)
    return tables
