"""The ingest loop: files in order under the writer lock, reading ahead of writing, with progress,
a summary line per file and the exit code. The CLI, the benchmarks and the tests call `ingest`."""

from __future__ import annotations

import hashlib
import itertools
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ingest import archive, boundary
from ingest.load import SUPPORTED_SUFFIXES, FileResult, PreparedFile, ensure_raw_schema, known_digests, load_prepared
from ingest.readers import ROW_NUMBER, FileRejected, Sheet, read_file
from ingest.report import write_report
from ingest.validate import PREFECTURE_CODES, check, duplicate_keys, key_values
from lvzhi import warehouse
from lvzhi.home import Home



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
    # The archive keeps the rows as read, minimised (ingest/archive.py), written as they pass; an
    # intact archive of the same file (a run killed after writing it) is reused.
    keep = None if archive.is_intact(prepared.archive) else archive.Writer(
        prepared.archive, prepared.digest, path.name, sorted({c.name for s in sheets for c in s.kind.columns}))
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


def ingest_file(con: duckdb.DuckDBPyConnection, home: Home, path: Path,
                submitted_on: date | None = None) -> FileResult:
    """Load one file in one transaction; returns what happened, never raises for bad input."""
    return load_prepared(con, prepare_file(home, path, submitted_on, known_digests(con)))


def _rejected(home: Home, path: Path, digest: str, message: str) -> FileResult:
    errors = pl.DataFrame({
        "source_file": [path.name], "sheet": [None], ROW_NUMBER: [None], "column_name": [None],
        "header": [None], "value": [None], "rule_id": ["file_rejected"], "message": [message],
    }, schema_overrides={"sheet": pl.String, ROW_NUMBER: pl.Int64, "column_name": pl.String,
                         "header": pl.String, "value": pl.String})
    report = write_report(home, path, digest, errors)
    return FileResult(path, "rejected", message=message, report=report)


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


