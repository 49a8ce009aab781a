"""Load a clerk's file into the raw layer: one transaction per file, nothing lost, nothing doubled.

- The same file again (same sha256) is a no-op.
- Valid rows land in raw.<kind> with their lineage; every broken rule lands in raw.quarantine
  together with the row's original text, and in a per-file report under <home>/reports/.
- Raw tables are append-only history: staging picks the newest version of each key.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

from ingest import notes as file_notes
from ingest.naming import is_full_replacement, period_from_name, prefecture_from_name
from ingest.notes import NOTE_RULES, Note
from ingest.readers import ROW_NUMBER, UNSUPPORTED, FileRejected, Sheet, read_file
from ingest.schemas import DUCKDB_TYPES, KINDS, Column
from ingest.validate import RULES, check, duplicate_keys, key_values
from lvzhi import sheets
from lvzhi.faults import fault_point
from lvzhi.home import Home

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
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
    # What a file declared and what its reading left out (added after the first release).
    con.execute("alter table raw.batches add column if not exists period varchar")
    con.execute("alter table raw.batches add column if not exists full_replacement boolean")
    con.execute("alter table raw.batches add column if not exists ignored varchar")
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
    status: str  # loaded | duplicate | rejected | skipped (not a data file: named, never read)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    errors: int = 0
    kinds: list[str] = field(default_factory=list)
    message: str = ""
    report: Path | None = None
    notes: list[Note] = field(default_factory=list)  # what the reading left out on purpose

    @property
    def ignored(self) -> str:
        """'忽略列：序号、备注；跳过工作表：填表说明' for the summary line ('' when nothing)."""
        return file_notes.summary(self.notes)


def file_prefecture(path: Path) -> str | None:
    """From a 6-digit (prefecture or county) code anywhere in the file name, or a prefecture's name."""
    return prefecture_from_name(path.stem)


def import_identity(digest: str, prefecture: str | None) -> str:
    """What makes a file 'already imported': its content, and for a file whose name names no
    prefecture the fact that it did not (renamed as the clerk was told, it is a new import)."""
    return digest if prefecture else f"{digest}:no-prefecture"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; folders contribute every file (sorted, recursive) except Excel's lock files
    (~$…), hidden files and the synthetic set's manifest: a file that is no data file is named with
    its reason (status skipped), never left out in silence."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(("~$", ".")) and p.name != "manifest.json"
            )
        else:
            found.append(path)
    return found


def skip_reason(path: Path) -> str | None:
    """Why a file is not read at all (not a data file), or None."""
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return None
    return UNSUPPORTED.get(suffix, f"不是数据文件（扩展名“{suffix or '无'}”），未导入；请报送 .xlsx、.xls、.ods 或 .csv")


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
    file_format: str | None = None
    period: str | None = None  # from the file name: 2024, 2024Q4, 2024-03
    full_replacement: bool = False  # declared in the file name: supersedes the same prefecture, kind, period
    # (SheetTable, Checked, fraction of the file read); once exhausted, the outcome's counts are
    # complete, the original is archived and the report written.
    batches: Iterator = field(default_factory=lambda: iter(()))


def prepare_file(home: Home, path: Path, submitted_on: date | None = None,
                 known_digests: frozenset[str] = frozenset()) -> PreparedFile:
    submitted_on = submitted_on or date.today()
    if not path.exists():
        return PreparedFile(FileResult(path, "rejected", message=f"{path.name}：文件不存在"))
    if reason := skip_reason(path):
        return PreparedFile(FileResult(path, "skipped", message=f"{path.name}：{reason}"))
    prefecture = file_prefecture(path)
    content_digest = sha256_of(path)
    digest = import_identity(content_digest, prefecture)
    if digest in known_digests:
        return PreparedFile(FileResult(path, "duplicate", message=f"{path.name}：同一文件已导入过，跳过"), digest)
    full, period = is_full_replacement(path.stem), period_from_name(path.stem)
    if full and not (prefecture and period):
        return PreparedFile(_rejected(home, path, digest, (
            f"{path.name}：文件名标明“全量替换”，但未写明{'州市代码' if not prefecture else '报送期'}：全量替换文件名须含州市代码和报送期，"
            f"例如 654000_建议_2024Q4_全量替换.xlsx（期可写 2024、2024Q4、2024-03），否则无法确定替换哪一次报送")), digest)
    try:
        result = read_file(path)
    except FileRejected as rejected:
        return PreparedFile(_rejected(home, path, digest, str(rejected)), digest)
    outcome = FileResult(path, "loaded", kinds=list(dict.fromkeys(t.kind.name for t in result.tables)),
                         notes=list(result.notes))
    archive = home.archive_dir / f"{content_digest}{path.suffix.lower()}"
    prepared = PreparedFile(outcome, digest, submitted_on, prefecture, result.encoding, archive,
                            file_format=result.file_format, period=period, full_replacement=full)
    prepared.batches = _validated(home, prepared, result.tables)
    return prepared


def _validated(home: Home, prepared: PreparedFile, sheets: list[Sheet]) -> Iterator:
    """Every batch of every sheet, validated; then the archive copy and the clerk's report."""
    outcome, path, salt = prepared.outcome, prepared.outcome.path, home.salt()
    reports = []
    across = _sheet_conflicts(sheets, prepared.prefecture, salt)
    for sheet in sheets:
        outcome.notes += sheet.notes
        batches = sheet.batches()
        ahead = list(itertools.islice(batches, 2))
        duplicates = None
        if len(ahead) > 1 or sheet.sheet in across:
            # More than one batch: a key may repeat across batches, so the keys of every batch are
            # remembered first (key columns only) and the sheet's duplicates found once.
            keys = pl.concat([key_values(t, prepared.prefecture, salt) for t, _ in sheet.batches()])
            duplicates = duplicate_keys(keys, sheet.kind)
            if sheet.sheet in across:
                duplicates = pl.concat([duplicates, across[sheet.sheet]], how="vertical_relaxed")
        for table, fraction in itertools.chain(ahead, batches):
            outcome.notes += table.notes
            checked = check(table, prepared.prefecture, prepared.submitted_on, salt, duplicates)
            outcome.rows_read += table.frame.height
            outcome.rows_loaded += checked.valid.height
            outcome.rows_quarantined += checked.quarantined.height
            outcome.errors += checked.errors.height
            if checked.errors.height:
                reports.append(checked.errors.with_columns(
                    pl.lit(path.name).alias("source_file"), pl.lit(table.sheet, pl.String).alias("sheet"),
                ))
            yield table, checked, fraction
    if not prepared.archive.exists():
        shutil.copyfile(path, prepared.archive)
    if outcome.notes:
        reports.append(_notes_frame(outcome.notes, path.name))
    # A file without problems gets no report: writing one cost as much as validating a small file.
    if reports:
        outcome.report = write_report(home, path, prepared.digest, pl.concat(reports, how="vertical_relaxed"))


def _notes_frame(notes: list[Note], source_file: str) -> pl.DataFrame:
    """Notes as report rows (after the errors; ordered by sheet and row)."""
    return pl.DataFrame({
        ROW_NUMBER: [n.row_number for n in notes], "column_name": [None] * len(notes),
        "header": [n.header for n in notes], "value": [n.value for n in notes],
        "rule_id": [n.rule_id for n in notes], "message": [n.message for n in notes],
        "source_file": [source_file] * len(notes), "sheet": [n.sheet for n in notes],
    }, schema={ROW_NUMBER: pl.Int64, "column_name": pl.String, "header": pl.String, "value": pl.String,
               "rule_id": pl.String, "message": pl.String, "source_file": pl.String, "sheet": pl.String})


def _sheet_conflicts(sheets: list[Sheet], prefecture: str | None, salt: str) -> dict[str, pl.DataFrame]:
    """The same key in two sheets of one workbook (same kind): both rows are errors naming the
    other, never a tie decided by sheet order. Sheet -> error rows (as duplicate_keys gives)."""
    by_kind: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        by_kind.setdefault(sheet.kind.name, []).append(sheet)
    found: dict[str, list[pl.DataFrame]] = {}
    for group in by_kind.values():
        if len(group) < 2:
            continue
        kind = group[0].kind
        keys = pl.concat([
            key_values(t, prefecture, salt).with_columns(pl.lit(s.sheet, pl.String).alias("__sheet"))
            for s in group for t, _ in s.batches()
        ]).drop_nulls(list(kind.key))
        key = list(kind.key)
        shared = keys.filter(pl.col("__sheet").n_unique().over(key) > 1)
        if not shared.height:
            continue
        where = pl.format("工作表“{}”第 {} 行", pl.col("__sheet"), pl.col(ROW_NUMBER).cast(pl.String))
        value = pl.concat_str([pl.col(k).cast(pl.String) for k in key], separator=" / ")
        first, headers = kind.column(key[0]), "、".join(kind.column(k).zh for k in key)
        listed = shared.with_columns(where.alias("__where"), value.alias("value")).with_columns(
            pl.col("__where").str.join("、").over(key).alias("__all"))
        for sheet in listed.get_column("__sheet").unique().to_list():
            found.setdefault(sheet, []).append(listed.filter(pl.col("__sheet") == sheet).select(
                pl.col(ROW_NUMBER).cast(pl.Int64), pl.lit(first.name).alias("column_name"), pl.lit(first.zh).alias("header"),
                pl.col("value"), pl.lit("sheet_key_conflict").alias("rule_id"),
                pl.format(f"“{headers}”为“{{}}”的记录同时出现在{{}}，无法判断以哪一条为准，均未导入：请只保留一条",
                          pl.col("value"), pl.col("__all")).alias("message"),
            ))
    return {sheet: pl.concat(parts) for sheet, parts in found.items()}


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
            "insert into raw.batches (batch_id, source_file, sha256, prefecture_code, kinds, file_format, encoding, "
            "submitted_on, loaded_at, rows_read, rows_loaded, rows_quarantined, archive_path, period, "
            "full_replacement, ignored) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [batch_id, path.name, prepared.digest, prepared.prefecture, ",".join(outcome.kinds),
             prepared.file_format or path.suffix.lower().lstrip("."), prepared.encoding, prepared.submitted_on,
             loaded_at, outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined, str(prepared.archive),
             prepared.period, prepared.full_replacement, outcome.ignored or None],
        )
        fault_point("ingest_before_commit")
        con.execute("commit")
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
    rule_names = ({rule: zh for rule, (zh, _) in RULES.items()} | {"file_rejected": "文件无法读取"}
                  | {rule: zh for rule, (zh, _) in NOTE_RULES.items()})
    report = errors.select(
        "source_file", "sheet", pl.col(ROW_NUMBER).alias("row_number"), "header", "value", "rule_id",
        pl.col("rule_id").replace_strict(rule_names, default="").alias("rule_name"), "message",
    ).rename(REPORT_HEADERS)
    stem = home.reports_dir / f"{path.stem}_{digest[:8]}_错误报告"
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
