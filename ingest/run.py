"""The ingest loop: files in order under the writer lock, reading ahead of writing, with progress,
a summary line per file and the exit code. The CLI, the benchmarks and the tests call `ingest`."""

from __future__ import annotations

import hashlib
import itertools
import queue
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from ingest import archive, boundary
from ingest.load import (
    SUPPORTED_SUFFIXES, Archiving, FileResult, PreparedFile, ensure_raw_schema, load_prepared, load_together,
)
from ingest.naming import is_full_replacement, period_from_name, prefecture_from_name
from ingest.readers import ROW_NUMBER, UNSUPPORTED, FileRejected, Sheet, read_file
from ingest.report import notes_frame, write_report
from ingest.validate import PREFECTURE_CODES, check, duplicate_keys, key_values
from lvzhi import warehouse
from lvzhi.home import Home



def file_prefecture(path: Path) -> str | None:
    """From a 6-digit (prefecture or county) code anywhere in the file name, or a prefecture's name."""
    return prefecture_from_name(path.stem)


class Imports(frozenset):
    """Identities of the files already imported *and loaded* (raw.batches.sha256 up to '#'), and how
    many batches each identity has (a file whose earlier imports loaded nothing may come again:
    its next batch is recorded as '<identity>#<n>')."""
    counts: dict[str, int]

    def __new__(cls, loaded=(), counts=None):
        made = super().__new__(cls, loaded)
        made.counts = dict(counts or {})
        return made


def known_digests(con: duckdb.DuckDBPyConnection) -> Imports:
    rows = con.execute("select sha256, rows_loaded from raw.batches").fetchall()
    counts: dict[str, int] = {}
    loaded = set()
    for identity, rows_loaded in rows:
        base = identity.split("#")[0]
        counts[base] = counts.get(base, 0) + 1
        if rows_loaded:
            loaded.add(base)
    return Imports(loaded, counts)


def import_identity(digest: str, prefecture: str | None) -> str:
    """What makes a file 'already imported': its content, and for a file whose name names no
    prefecture the fact that it did not (renamed as the clerk was told, it is a new import)."""
    return digest if prefecture else f"{digest}:no-prefecture"


WHOLE_FILE_BYTES = 32 << 20  # a text file up to this size is read once, into memory, for all its passes
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


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


def prepare_file(home: Home, path: Path, submitted_on: date | None = None,
                 known_digests: frozenset[str] = frozenset()) -> PreparedFile:
    submitted_on = submitted_on or date.today()
    if not path.exists():
        return PreparedFile(FileResult(path, "rejected", message=f"{path.name}：文件不存在"))
    if reason := skip_reason(path):
        return PreparedFile(FileResult(path, "skipped", message=f"{path.name}：{reason}"))
    prefecture = file_prefecture(path)
    # A text file is read once: digest, format, encoding, header and records took five reads.
    # (A workbook is read by calamine from its path: its bytes are not held beside it.)
    raw = path.read_bytes() if path.suffix.lower() in TEXT_SUFFIXES and path.stat().st_size <= WHOLE_FILE_BYTES else None
    content_digest = hashlib.sha256(raw).hexdigest() if raw is not None else sha256_of(path)
    digest = import_identity(content_digest, prefecture)
    if digest in known_digests:
        return PreparedFile(FileResult(path, "duplicate", message=f"{path.name}：同一文件已导入过，跳过"), digest)
    # Imported before, but nothing of it loaded (every row quarantined): it may come again.
    earlier = getattr(known_digests, "counts", {}).get(digest, 0)
    if earlier:
        digest = f"{digest}#{earlier + 1}"
    full, period = is_full_replacement(path.stem), period_from_name(path.stem)
    if full and not (prefecture and period):
        return PreparedFile(_rejected(home, path, digest, (
            f"{path.name}：文件名标明“全量替换”，但未写明{'州市代码' if not prefecture else '报送期'}：全量替换文件名须含州市代码和报送期，"
            f"例如 654000_建议_2024Q4_全量替换.xlsx（期可写 2024、2024Q4、2024-03），否则无法确定替换哪一次报送")), digest)
    try:
        result = read_file(path, raw)
    except FileRejected as rejected:
        return PreparedFile(_rejected(home, path, digest, str(rejected)), digest)
    outcome = FileResult(path, "loaded", kinds=list(dict.fromkeys(t.kind.name for t in result.tables)),
                         notes=list(result.notes))
    archived = archive.path_for(home.archive_dir, content_digest)
    # No prefecture in the name: the file belongs to the prefecture its rows name (issue 15).
    prefecture = prefecture or boundary.prefecture_of_file(result.tables, PREFECTURE_CODES)
    prepared = PreparedFile(outcome, digest, submitted_on, prefecture, result.encoding, archived,
                            file_format=result.file_format, period=period, full_replacement=full, salt=home.salt())
    prepared.archiving = Archiving(archived, sorted({c.name for s in result.tables for c in s.kind.columns}),
                                   path.name, prepared.salt)
    prepared.batches = _validated(home, prepared, result.tables)
    return prepared


def _validated(home: Home, prepared: PreparedFile, sheets: list[Sheet]) -> Iterator:
    """Every batch of every sheet, validated and handed to the archive; then the clerk's report."""
    outcome, path, salt = prepared.outcome, prepared.outcome.path, prepared.salt
    reports = []
    complete = False
    try:
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
                prepared.archiving.add(table, checked.id_cards)
                yield table, checked, fraction
        prepared.archiving.close()
        complete = True
    except FileRejected as rejected:  # found while reading on (a record too long, a broken quote)
        outcome.status, outcome.message = "rejected", str(rejected)
        outcome.report = _rejected(home, path, prepared.digest, str(rejected)).report
        raise
    finally:
        if not complete:  # refused, failed, or no longer wanted by the writer
            prepared.archiving.abandon()
    if outcome.notes:
        reports.append(notes_frame(outcome.notes, path.name))
    # A file without problems gets no report: writing one cost as much as validating a small file.
    # Written in a helper thread (the writer waits for it before its commit): in the reading thread
    # it held up the next file's validation, and the writer waited for that.
    if reports:
        prepared.reporting = _REPORTER.submit(write_report, home, path, prepared.digest,
                                              pl.concat(reports, how="vertical_relaxed"))


_REPORTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lvzhi-report")


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
AHEAD = 3  # validated batches of a file waiting for the writer (bounds memory on big files); with 2, a
# one-batch file (header, batch, end) held the reader until the writer took it: the writer waited for files
GROUP_ROWS = 20_000  # rows of one-batch files held for one transaction (load_together)


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
        # A file's transaction is small and written once: DuckDB's cache of the blocks it wrote held
        # ~30 MiB of the region ingest's peak for no gain (the rest spills to its temporary folder;
        # with 32MB the region set still loaded whole, ~9 % slower; with 128MB ~3 %).
        con.execute("SET memory_limit = '128MB'")
        pool = ThreadPoolExecutor(max_workers=1)
        upcoming: deque[_Stream] = deque()
        try:
            ensure_raw_schema(con)
            known = known_digests(con)
            for path in files[:PREFETCH]:
                upcoming.append(_Stream(pool, home, path, submitted_on, known))
            # Files that came in one batch wait here and are written together, in order.
            group: list[tuple[int, PreparedFile, float]] = []

            def write_group() -> None:
                together = load_together(con, [prepared for _, prepared, _ in group])
                for number, prepared, started in group:  # one failed: each alone, so it fails alone
                    result = prepared.outcome if together else _load_one(con, prepared)
                    results.append(result)
                    say(_summary_line(number, len(files), result, time.perf_counter() - started))
                group.clear()

            for number, path in enumerate(files, 1):
                started = time.perf_counter()
                stream = upcoming.popleft()
                if number - 1 + PREFETCH < len(files):
                    upcoming.append(_Stream(pool, home, files[number - 1 + PREFETCH], submitted_on, known))

                def progress(rows: int, fraction: float, name=path.name) -> None:
                    if fraction < 1:  # a long file: say how far it got
                        say(f"    {_bar(fraction)} {name}：已读取 {fraction:.0%}，写入 {rows:,} 行…")

                try:
                    prepared = stream.prepared()
                    if _one_batch(prepared):
                        group.append((number, prepared, started))
                        if sum(waiting.outcome.rows_read for _, waiting, _ in group) >= GROUP_ROWS:
                            write_group()
                        continue
                    write_group()  # a long file (or one that failed while read) is written alone, after them
                    result = _load_one(con, prepared, progress)
                finally:
                    stream.stop.set()
                results.append(result)
                say(_summary_line(number, len(files), result, time.perf_counter() - started))
            write_group()
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
        self.path = path
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
                        batches.close()  # the writer gave up: an archive begun is removed now, in order
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
        """The file as the worker prepared it; a failure there rejects the file (an internal error)."""
        try:
            prepared = self._get()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # pyo3 panics derive from BaseException
            return PreparedFile(_internal_error(self.path, error))
        # The same object as the worker's, which sets its report (reporting) after the last batch.
        prepared.batches = self._batches()
        return prepared

    def _batches(self) -> Iterator:
        while (item := self._get()) is not _DONE:
            yield item


_DONE = object()


def _one_batch(prepared: PreparedFile) -> bool:
    """Whether the file came in one batch (or none): then its batches are a list and it may be
    written with others. Otherwise (a long file, or one whose reading failed) its batches are left
    to be written one by one as they come, what was taken first put back in front."""
    taken = []
    try:
        for item in prepared.batches:
            taken.append(item)
            if len(taken) > 1:
                break
        else:
            prepared.batches = taken
            return True
        prepared.batches = itertools.chain(taken, prepared.batches)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # raised again where the file is written, as if just met there
        prepared.batches = itertools.chain(taken, _raising(error))
    return False


def _raising(error: BaseException) -> Iterator:
    raise error
    yield  # a generator: raises when iterated


def _load_one(con, prepared: PreparedFile, progress=None) -> FileResult:
    """One file; an internal failure (a library panic included) rejects that file, not the run."""
    try:
        return load_prepared(con, prepared, progress)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # pyo3 panics derive from BaseException
        return _internal_error(prepared.outcome.path, error)


def _internal_error(path: Path, error: BaseException) -> FileResult:
    # The error's text may quote the file (a parser echoing a whole line): only its type is shown.
    return FileResult(path, "rejected", message=f"{path.name}：内部错误，文件未导入，请联系管理员（{type(error).__name__}）")


def _bar(fraction: float) -> str:
    done = round(20 * fraction)
    return "█" * done + "░" * (20 - done)


def _summary_line(number: int, total: int, result: FileResult, seconds: float) -> str:
    prefix = f"{_bar(number / total)} [{number}/{total}] {result.path.name}"
    if result.status == "loaded":
        ignored = f"；{result.ignored}" if result.ignored else ""
        return (f"{prefix}：读取 {result.rows_read:,} 行，入库 {result.rows_loaded:,} 行，"
                f"隔离 {result.rows_quarantined:,} 行{ignored}（{seconds:.1f}s）")
    if result.status == "duplicate":
        return f"{prefix}：已导入过，跳过"
    if result.status == "skipped":
        return f"{prefix}：未导入 —— {result.message}"
    return f"{prefix}：✗ 文件被拒收 —— {result.message}"


def exit_code(results: list[FileResult]) -> int:
    """0 all loaded, 1 some rows quarantined, 2 a file could not be read at all."""
    if any(r.status == "rejected" for r in results):
        return 2
    if any(r.rows_quarantined for r in results):
        return 1
    return 0


