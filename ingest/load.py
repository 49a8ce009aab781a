"""Load a clerk's file into the raw layer: one transaction per file, nothing lost, nothing doubled.

- The same file again (same sha256) is a no-op.
- Valid rows land in raw.<kind> with their lineage; every broken rule lands in raw.quarantine
  together with the row's original text, and in a per-file report under <home>/reports/.
- Raw tables are append-only history: staging picks the newest version of each key.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from ingest import archive, boundary, guards
from ingest.readers import ROW_NUMBER, FileRejected, Sheet, read_file
from ingest.schemas import DUCKDB_TYPES, KINDS, Column
from ingest.validate import PREFECTURE_CODES, RULES, check, duplicate_keys, key_values
from lvzhi import sheets
from lvzhi.faults import fault_point
from lvzhi.home import Home

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".txt")
LINEAGE = (
    ("_batch_id", "BIGINT"), ("_source_file", "VARCHAR"), ("_sheet", "VARCHAR"),
    ("_row_number", "BIGINT"), ("_loaded_at", "TIMESTAMP"),
)
REPORT_HEADERS = {
    "source_file": "文件", "sheet": "工作表", "row_number": "行号", "header": "列",
    "value": "填写的值", "rule_id": "规则编号", "rule_name": "规则", "message": "问题说明",
}
REPORT_WIDTHS = (28, 12, 8, 14, 20, 24, 18, 60)


def raw_column_name(column: Column) -> str:
    """ID-card numbers arrive in clear but are stored only as a salted hash."""
    return "id_card_hash" if column.name == "id_card_no" else column.name


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    con.execute("create sequence if not exists raw.batch_seq")
    con.execute("""
        create table if not exists raw.batches (
            batch_id bigint primary key, source_file varchar, sha256 varchar unique,
            prefecture_code varchar, kinds varchar, file_format varchar, encoding varchar,
            submitted_on date, loaded_at timestamp, rows_read bigint, rows_loaded bigint,
            rows_quarantined bigint, archive_path varchar)""")
    con.execute("""
        create table if not exists raw.quarantine (
            batch_id bigint, source_file varchar, sheet varchar, kind varchar,
            prefecture_code varchar, row_number bigint, column_name varchar, header varchar,
            value varchar, rule_id varchar, message varchar, row_json varchar, loaded_at timestamp)""")
    for kind in KINDS:
        columns = [f"{raw_column_name(c)} {DUCKDB_TYPES[c.type]}" for c in kind.columns]
        columns += [f"{name} {sql_type}" for name, sql_type in LINEAGE]
        con.execute(f"create table if not exists raw.{kind.name} ({', '.join(columns)})")


@dataclass
class FileResult:
    path: Path
    status: str  # loaded | duplicate | rejected
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: int = 0
    kinds: list[str] = field(default_factory=list)
    message: str = ""
    report: Path | None = None


def file_prefecture(path: Path) -> str | None:
    match = re.match(r"^(\d{6})", path.name)
    return match.group(1) if match and match.group(1) in PREFECTURE_CODES else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders contribute their supported files (sorted, recursive)."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*")
                if p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return found


@dataclass
class PreparedFile:
    """A file whose header is read and checked; its batches are validated as they are iterated
    (in the pipeline, by the worker thread while the writer writes the previous batches)."""
    outcome: FileResult
    digest: str = ""
    submitted_on: date | None = None
    prefecture: str | None = None
    encoding: str | None = None
    archive: Path | None = None
    # (SheetTable, Checked, fraction of the file read); once exhausted, the outcome's counts are
    # complete, the original is archived and the report written.
    batches: Iterator = field(default_factory=lambda: iter(()))


def prepare_file(home: Home, path: Path, submitted_on: date | None = None,
                 known_digests: frozenset[str] = frozenset()) -> PreparedFile:
    submitted_on = submitted_on or date.today()
    if not path.exists():
        return PreparedFile(FileResult(path, "rejected", message=f"{path.name}：文件不存在"))
    digest = sha256_of(path)
    if digest in known_digests:
        return PreparedFile(FileResult(path, "duplicate", message=f"{path.name}：同一文件已导入过，跳过"), digest)
    try:
        result = read_file(path)
    except FileRejected as rejected:
        return PreparedFile(_rejected(home, path, digest, str(rejected)), digest)
    outcome = FileResult(path, "loaded", kinds=[t.kind.name for t in result.tables])
    archived = archive.path_for(home.archive_dir, digest)
    prefecture = file_prefecture(path) or boundary.prefecture_of_file(result.tables, PREFECTURE_CODES)
    prepared = PreparedFile(outcome, digest, submitted_on, prefecture, result.encoding, archived)
    prepared.batches = _validated(home, prepared, result.tables)
    return prepared


def _validated(home: Home, prepared: PreparedFile, sheets: list[Sheet]) -> Iterator:
    """Every batch of every sheet, validated; then the archive copy and the clerk's report."""
    outcome, path, salt = prepared.outcome, prepared.outcome.path, home.salt()
    reports = []
    keep = archive.Writer(prepared.archive, prepared.digest, path.name,
                          sorted({c.name for s in sheets for c in s.kind.columns})) if not archive.is_intact(prepared.archive) else None
    try:
        for sheet in sheets:
            batches = sheet.batches()
            ahead = list(itertools.islice(batches, 2))
            duplicates = None
            if len(ahead) > 1:
                # More than one batch: a key may repeat across batches, so the keys of every batch are
                # remembered first (key columns only) and the sheet's duplicates found once.
                keys = pl.concat([key_values(t, prepared.prefecture, salt) for t, _ in sheet.batches()])
                duplicates = duplicate_keys(keys, sheet.kind)
            for table, fraction in itertools.chain(ahead, batches):
                checked = check(table, prepared.prefecture, prepared.submitted_on, salt, duplicates)
                outcome.rows_read += table.frame.height
                outcome.rows_loaded += checked.valid.height
                outcome.rows_quarantined += checked.quarantined.height
                outcome.errors += checked.errors.height
                if checked.errors.height:
                    reports.append(checked.errors.with_columns(
                        pl.lit(path.name).alias("source_file"), pl.lit(table.sheet, pl.String).alias("sheet"),
                    ))
                if keep:
                    keep.add(table.kind.name, table.sheet, table.frame, ROW_NUMBER, salt)
                yield table, checked, fraction
        if keep:
            keep.close()
            keep = None
    except FileRejected as rejected:  # found while reading on (a record too long, a broken quote)
        outcome.status, outcome.message = "rejected", str(rejected)
        outcome.report = _rejected(home, path, prepared.digest, str(rejected)).report
        raise
    finally:
        if keep:
            keep.abandon()
    # A file without problems gets no report: writing one cost as much as validating a small file.
    if reports:
        outcome.report = write_report(home, path, prepared.digest, pl.concat(reports, how="vertical_relaxed"))


def load_prepared(con: duckdb.DuckDBPyConnection, prepared: PreparedFile,
                  progress: Callable[[int, float], None] | None = None) -> FileResult:
    """Write a prepared file in one transaction: all its valid rows and errors, or nothing.
    `progress(rows written, fraction of the file read)` is called after each batch."""
    outcome, path = prepared.outcome, prepared.outcome.path
    if outcome.status != "loaded":
        return outcome
    # Files loaded before the run are known (prepare_file); the same file twice in one run is
    # caught by the unique sha256 of raw.batches below, without a lookup per file.
    loaded_at = datetime.now()
    con.execute("begin transaction")
    try:
        batch_id = con.execute("select nextval('raw.batch_seq')").fetchall()[0][0]
        written = 0
        for table, checked, fraction in prepared.batches:
            _insert_rows(con, table, checked, batch_id, path.name, prepared.prefecture, loaded_at)
            written += table.frame.height
            if progress:
                progress(written, fraction)
        con.execute(
            "insert into raw.batches values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [batch_id, path.name, prepared.digest, prepared.prefecture, ",".join(outcome.kinds),
             path.suffix.lower().lstrip("."), prepared.encoding, prepared.submitted_on, loaded_at,
             outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined, str(prepared.archive)],
        )
        fault_point("ingest_before_commit")
        con.execute("commit")
    except FileRejected as rejected:
        con.execute("rollback")
        return FileResult(path, "rejected", message=str(rejected), report=outcome.report)
    except duckdb.ConstraintException:
        con.execute("rollback")
        if con.execute("select 1 from raw.batches where sha256 = ?", [prepared.digest]).fetchall():
            return FileResult(path, "duplicate", message=f"{path.name}：同一文件已导入过，跳过")
        raise
    except BaseException:
        con.execute("rollback")
        raise
    return outcome


def known_digests(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    return frozenset(d for (d,) in con.execute("select sha256 from raw.batches").fetchall())


def ingest_file(con: duckdb.DuckDBPyConnection, home: Home, path: Path,
                submitted_on: date | None = None) -> FileResult:
    """Load one file in one transaction; returns what happened, never raises for bad input."""
    return load_prepared(con, prepare_file(home, path, submitted_on, known_digests(con)))


def _insert_rows(con, table, checked, batch_id: int, source_file: str, prefecture: str | None,
                 loaded_at: datetime) -> None:
    # The lineage constants are bound in SQL, not added as columns in Polars: building and
    # converting those columns cost 2-4x more than the insert itself on small files.
    kind = table.kind
    lineage = [batch_id, source_file, table.sheet, loaded_at]
    if checked.valid.height:
        renames = {c.name: raw_column_name(c) for c in kind.columns if raw_column_name(c) != c.name}
        _insert(con, "incoming_rows", (checked.valid.rename(renames) if renames else checked.valid), f"""
            insert into raw.{kind.name} by name
            select *, $1::bigint as _batch_id, $2::varchar as _source_file, $3::varchar as _sheet,
                   $4::timestamp as _loaded_at
            from incoming_rows""", lineage)
    if checked.errors.height:
        _insert(con, "incoming_errors", checked.errors.join(checked.quarantined, on=ROW_NUMBER, how="left"), f"""
            insert into raw.quarantine by name
            select $1::bigint as batch_id, $2::varchar as source_file, $3::varchar as sheet,
                   $4::timestamp as loaded_at, $5::varchar as kind, $6::varchar as prefecture_code,
                   {ROW_NUMBER} as row_number, column_name, header, value, rule_id, message, row_json
            from incoming_errors""", [*lineage, kind.name, prefecture])


def _insert(con, name: str, frame: pl.DataFrame, sql: str, params: list) -> None:
    con.register(name, frame.to_arrow(compat_level=pl.CompatLevel.newest()))  # string views: no copy
    try:
        con.execute(sql, params)
    finally:
        con.unregister(name)


def _rejected(home: Home, path: Path, digest: str, message: str) -> FileResult:
    errors = pl.DataFrame({
        "source_file": [path.name], "sheet": [None], ROW_NUMBER: [None], "column_name": [None],
        "header": [None], "value": [None], "rule_id": ["file_rejected"], "message": [message],
    }, schema_overrides={"sheet": pl.String, ROW_NUMBER: pl.Int64, "column_name": pl.String,
                         "header": pl.String, "value": pl.String})
    report = write_report(home, path, digest, errors)
    return FileResult(path, "rejected", message=message, report=report)


def write_report(home: Home, path: Path, digest: str, errors: pl.DataFrame) -> Path:
    """The clerk's report: one row per problem, Chinese headers, as .xlsx and .csv (UTF-8 BOM)."""
    rule_names = {rule: zh for rule, (zh, _) in RULES.items()} | {"file_rejected": "文件无法读取"}
    report = errors.select(
        "source_file", "sheet", pl.col(ROW_NUMBER).alias("row_number"), "header", "value", "rule_id",
        pl.col("rule_id").replace_strict(rule_names, default="").alias("rule_name"), "message",
    ).rename(REPORT_HEADERS)
    stem = home.reports_dir / f"{guards.safe_stem(path.stem)}_{digest[:8]}_错误报告"
    if report.height == 0:
        report = pl.DataFrame({h: [None] for h in REPORT_HEADERS.values()}, schema=report.schema).with_columns(
            pl.lit(f"{path.name}：未发现问题，全部记录已导入").alias("问题说明")
        )
    # Plain cells with fixed widths and a filter: a styled, autofitted table cost 3-4 ms per file,
    # as much as validating it. in_memory: no temporary files per report.
    with xlsxwriter.Workbook(str(stem.with_suffix(".xlsx")), sheets.XLSX_OPTIONS) as workbook:
        sheet = workbook.add_worksheet("错误清单")
        sheet.write_row(0, 0, report.columns, workbook.add_format({"bold": True}))
        for number, row in enumerate(report.iter_rows(), 1):
            sheet.write_row(number, 0, row)
        for column, width in enumerate(REPORT_WIDTHS):
            sheet.set_column(column, column, width)
        sheet.autofilter(0, 0, report.height, len(REPORT_WIDTHS) - 1)
        sheet.freeze_panes(1, 0)
    stem.with_suffix(".csv").write_bytes(sheets.csv_bytes(report))  # a clerk's "=…" value stays text
    return stem.with_suffix(".xlsx")
