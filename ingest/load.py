"""Write validated files into the raw layer: each file all or nothing, nothing lost, nothing doubled.

- A long file is written in its own transaction batch by batch; files that came in one batch share
  one (load_together) and are written again one at a time if any of them fails.
- Valid rows land in raw.<kind> with their lineage; every broken rule lands in raw.quarantine
  together with the row's original text (ingest.run writes the clerk's report beside it).
- Raw tables are append-only history: staging picks the newest version of each key.
- The same file twice in one run is caught by the unique sha256 of raw.batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent import futures
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from ingest import archive
from ingest import notes as file_notes
from ingest.notes import Note
from ingest.readers import ROW_NUMBER, FileRejected
from ingest.schemas import DUCKDB_TYPES, KINDS, Column
from lvzhi.faults import fault_point

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv")
LINEAGE = (
    ("_batch_id", "BIGINT"), ("_source_file", "VARCHAR"), ("_sheet", "VARCHAR"),
    ("_row_number", "BIGINT"), ("_loaded_at", "TIMESTAMP"),
)
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
        # A column added to a kind after the table was created (e.g. 督办领导): add it, empty.
        present = {row[0] for row in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
            [kind.name]).fetchall()}
        for column in kind.columns:
            if raw_column_name(column) not in present:
                con.execute(f"alter table raw.{kind.name} add column {raw_column_name(column)} {DUCKDB_TYPES[column.type]}")


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
    archiving: Archiving | None = None  # the archive written beside the rows
    salt: str = ""  # of the home: ID-card hashes in validation and the archive
    # (SheetTable, Checked, fraction of the file read); once exhausted, the outcome's counts are
    # complete, the original is archived and the report is being written (reporting).
    batches: Iterator = field(default_factory=lambda: iter(()))
    reporting: futures.Future | None = None  # the clerk's report being written: its path


def load_prepared(con: duckdb.DuckDBPyConnection, prepared: PreparedFile,
                  progress: Callable[[int, float], None] | None = None) -> FileResult:
    """Write a prepared file in one transaction: all its valid rows and errors, or nothing.
    `progress(rows written, fraction of the file read)` is called after each batch."""
    outcome, path = prepared.outcome, prepared.outcome.path
    if outcome.status != "loaded":
        return outcome
    # Files loaded before the run are known (prepare_file); the same file twice in one run is
    # caught by the unique sha256 of raw.batches below, without a lookup per file.
    con.execute("begin transaction")
    try:
        _write(con, [prepared], progress)
        _ready(prepared)
        fault_point("ingest_before_commit")
        con.execute("commit")
    except BaseException as error:
        con.execute("rollback")
        _abandon(prepared)
        if isinstance(error, FileRejected):  # found while reading on: the file is refused, nothing written
            return FileResult(path, "rejected", message=str(error), report=outcome.report)
        if isinstance(error, duckdb.ConstraintException) and con.execute(
                "select 1 from raw.batches where sha256 = ?", [prepared.digest]).fetchall():
            return FileResult(path, "duplicate", message=f"{path.name}：同一文件已导入过，跳过")
        raise
    return outcome


def load_together(con: duckdb.DuckDBPyConnection, files: list[PreparedFile]) -> bool:
    """Write files read whole (their batches a list) in one transaction, each with its own batch:
    one commit for all, where a commit per file cost ~4 ms of CPU and a WAL flush, as much as a
    small file's rows. False, with nothing written, when any of them failed: the caller then loads
    them one at a time (load_prepared), so a bad file fails alone, as it would have."""
    files = [prepared for prepared in files if prepared.outcome.status == "loaded"]
    if not files:
        return True
    con.execute("begin transaction")
    try:
        _write(con, files)
        for prepared in files:
            _ready(prepared)
        fault_point("ingest_before_commit")
        con.execute("commit")
    except BaseException as error:  # pyo3 panics derive from BaseException
        # Nothing else to undo: each file was read whole, so its archive is complete or completing
        # (kept, as for any file whose archive was done: reused when it comes again).
        con.execute("rollback")
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return False
    return True


def _write(con: duckdb.DuckDBPyConnection, files: list[PreparedFile],
           progress: Callable[[int, float], None] | None = None) -> None:
    """Files' batches, rows and errors, inside the caller's transaction, a batch id each in file
    order. The ids in one query and the raw.batches rows in one statement: two statements per file
    cost ~1.3 ms of the writer's CPU each, more than a small file's rows."""
    ids = sorted(row[0] for row in con.execute("select nextval('raw.batch_seq') from range(?)", [len(files)]).fetchall())
    _record_batches(con, [_write_rows(con, prepared, batch_id, progress) for prepared, batch_id in zip(files, ids)])


def _write_rows(con: duckdb.DuckDBPyConnection, prepared: PreparedFile, batch_id: int,
                progress: Callable[[int, float], None] | None = None) -> list:
    """A file's rows and errors; returns its raw.batches row (written by _record_batches)."""
    outcome, path = prepared.outcome, prepared.outcome.path
    loaded_at = datetime.now()
    written = 0
    for table, checked, fraction in prepared.batches:
        _insert_rows(con, table, checked, batch_id, path.name, prepared.prefecture, loaded_at)
        written += table.frame.height
        if progress:
            progress(written, fraction)
    return [batch_id, path.name, prepared.digest, prepared.prefecture, ",".join(outcome.kinds),
            prepared.file_format or path.suffix.lower().lstrip("."), prepared.encoding, prepared.submitted_on,
            loaded_at, outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined, str(prepared.archive),
            prepared.period, prepared.full_replacement, outcome.ignored or None]


_BATCH_COLUMNS = ("batch_id, source_file, sha256, prefecture_code, kinds, file_format, encoding, submitted_on, "
                  "loaded_at, rows_read, rows_loaded, rows_quarantined, archive_path, period, full_replacement, ignored")


def _record_batches(con: duckdb.DuckDBPyConnection, rows: list[list]) -> None:
    """raw.batches rows of files written in this transaction, in file order, in one statement."""
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(rows))
    con.execute(f"insert into raw.batches ({_BATCH_COLUMNS}) values {values}", [v for row in rows for v in row])


def _ready(prepared: PreparedFile) -> None:
    """What must hold before the commit that names the file: its archive durable, its report written."""
    if prepared.archiving:
        prepared.archiving.durable()
    if prepared.reporting:  # a report that failed to be written fails the file, as before
        prepared.outcome.report = prepared.reporting.result()


def _abandon(prepared: PreparedFile) -> None:
    """The file is not loaded: no report left being written, no archive half-written."""
    if prepared.reporting:
        futures.wait([prepared.reporting])
    if prepared.archiving:
        prepared.archiving.abandon()  # a no-op once it is complete


_ARCHIVER = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="lvzhi-archive")


class Archiving:
    """A file's archive (ingest/archive.py: its rows as read, minimised), written in a helper thread
    batch by batch as the batches are validated, ahead of the writer: the writer only waits for it
    to be durable before its commit (waiting for each batch's archive held the writer a quarter of
    its time). Every step runs in that one thread in order, so memory stays bounded, and the same
    file twice in a run finds the first one's archive complete. An intact archive of the same file
    (a run killed after writing it) is reused."""

    def __init__(self, target: Path, columns: list[str], source_name: str, salt: str) -> None:
        self.target, self.columns, self.source_name, self.salt = target, columns, source_name, salt
        self.writer: archive.Writer | None = None
        self.last: futures.Future | None = None
        self.given_up = False

    def _then(self, work: Callable[[], None], always: bool = False) -> futures.Future:
        previous = self.last

        def step() -> None:
            if previous and always:
                futures.wait([previous])
            elif previous:
                previous.result()  # a failed step stops the ones after it
            if always or not self.given_up:
                work()

        self.last = _ARCHIVER.submit(step)
        return self.last

    def _open(self) -> None:
        if not archive.is_intact(self.target):
            self.writer = archive.Writer(self.target, self.target.name.removesuffix(archive.SUFFIX),
                                         self.source_name, self.columns)

    def add(self, table, id_cards: pl.Series | None = None) -> None:
        """A validated batch (readers.SheetTable) and its 身份证号 as validation stored them."""
        if self.last is None:
            self._then(self._open)
        self._then(lambda: self.writer and self.writer.add(
            table.kind.name, table.sheet, table.frame, ROW_NUMBER, self.salt, table.facts().scrub, id_cards))

    def close(self) -> None:
        if self.last is None:
            self._then(self._open)
        self._then(lambda: self.writer and self.writer.close())

    def durable(self) -> None:
        """Wait for the archive to be complete (raises its error)."""
        if self.last:
            self.last.result()

    def abandon(self) -> None:
        """The file is not loaded: an archive still being written is removed (the steps queued
        after this do nothing)."""
        if self.given_up:
            return
        self.given_up = True
        if self.last:
            futures.wait([self._then(lambda: self.writer and self.writer.abandon(), always=True)])


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


class _ArrowStream:
    """A frame as an Arrow C stream (string views: no copy). Handed to DuckDB as it is: a Polars
    frame itself DuckDB converts with pyarrow, which the ingest would load only for that (~30 MB)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


def _insert(con, name: str, frame: pl.DataFrame, sql: str, params: list) -> None:
    con.register(name, _ArrowStream(frame))
    try:
        con.execute(sql, params)
    finally:
        con.unregister(name)


