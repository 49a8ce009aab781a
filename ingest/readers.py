"""Read a clerk's file (xlsx or csv, any of the encodings they use) into text tables.

Every cell stays text here; `_row_number` is the row as the clerk sees it in Excel (or the line
of the CSV), so that an error report points at the right place.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest import guards
from ingest.headers import (
    HEADER_LOOKUP, HeaderMatch, HeaderRejected, flatten_advice, match_header, normalize_header, row_matches, two_level,
)
from ingest.naming import kind_from_name
from ingest.normalize import plain_tests
from ingest.notes import Note
from ingest.rows import split_records
from ingest.schemas import KINDS, PERCENT_FIELDS, Kind
from ingest.workbook import SheetMeta, XlsxScan, ods_meta, xls_meta

HEADER_SCAN_ROWS = 30
ROW_NUMBER = "_row_number"
# Rows validated and written at a time: memory stays flat however big the file (env for tests).
BATCH_ROWS = int(os.environ.get("LVZHI_BATCH_ROWS", "100000"))
BLOCK_BYTES = 1 << 20


class FileRejected(Exception):
    """The whole file cannot be read; the message (Chinese) tells the clerk why."""


@dataclass
class SheetTable:
    """One batch of rows of a sheet (or of a CSV file)."""
    kind: Kind
    sheet: str | None  # None for CSV
    frame: pl.DataFrame  # canonical English column names, all text, plus _row_number
    header_row: int
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)  # rows of this batch skipped as no records
    may_hold_hash: bool = True  # False when no cell starts with '#': no Excel error value to look for
    _facts: guards.ColumnFacts | None = field(default=None, repr=False)

    def facts(self) -> guards.ColumnFacts:
        """guards.column_facts of the frame, found once for validation and the archive."""
        if self._facts is None:
            self._facts = guards.column_facts(self.frame, plain_tests(self.kind))
        return self._facts


@dataclass
class Sheet:
    """A sheet (or CSV file) whose header is checked; its rows come batch by batch."""
    kind: Kind
    sheet: str | None
    header_row: int
    ignored_headers: list[str]
    # A fresh pass over the rows each call: (batch, fraction of the sheet read so far).
    batches: Callable[[], Iterator[tuple[SheetTable, float]]]
    notes: list[Note] = field(default_factory=list)  # ignored columns, skipped rows of the whole sheet


@dataclass
class ReadResult:
    tables: list[Sheet]
    encoding: str | None
    skipped_sheets: list[str]
    notes: list[Note] = field(default_factory=list)  # skipped sheets, kind conflicts
    file_format: str | None = None  # what the content really is: xlsx, xls, ods, csv, html


def _find_header(rows: list[list[str | None]], kind: Kind) -> tuple[int, int] | None:
    """(index, matches) of the row that names most of the kind's columns (a two-row header counts
    as its combined names)."""
    best = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        matches = row_matches(row, kind)
        if matches >= 2 and (best is None or matches > best[1]):
            combined = two_level(rows, index, kind)
            best = (index, row_matches(combined, kind) if combined else matches)
    return best


def _choose_kind(rows, named: Kind | None) -> tuple[Kind, int] | None:
    """Kind and header index: the named kind when its header is there, else the best match."""
    if named is not None:
        found = _find_header(rows, named)
        if found:
            return named, found[0]
    candidates = [(k, _find_header(rows, k)) for k in KINDS]
    candidates = [(k, f) for k, f in candidates if f]
    if not candidates:
        return None
    kind, (index, _) = max(candidates, key=lambda c: c[1][1])
    return kind, index


@dataclass
class _Header:
    """A sheet's header as read: where it is, which row the data starts on, what each column is."""
    kind: Kind
    index: int  # index of the (upper) header row among the rows read
    cells: list
    data_index: int  # index of the first data row
    match: HeaderMatch


def _read_header(rows: list[list], kind: Kind, index: int, sheet: str | None, header_row: int,
                 source: str, hidden: frozenset[int] = frozenset()) -> _Header:
    combined = two_level(rows, index, kind)
    cells = combined if combined else list(rows[index])
    try:
        match = match_header(cells, kind, sheet, header_row, hidden, flatten_advice(rows, index, header_row))
    except HeaderRejected as rejected:
        where = f"工作表“{sheet}”" if sheet else "文件"
        raise FileRejected(f"{source}：{where}{rejected}") from None
    return _Header(kind, index, cells, index + (2 if combined else 1), match)


def _records(frame: pl.DataFrame, header: _Header, first_row_number: int,
             sheet: str | None) -> tuple[pl.DataFrame, list[Note]]:
    """Data rows with canonical names, numbered as the clerk sees them; rows that are not records
    (blank, totals, notes, repeated headers, example rows) left out and noted."""
    kept, notes = split_records(frame, header.cells, header.match.renames, header.kind, first_row_number, sheet)
    renames = header.match.renames
    notes += _unnamed_columns(kept, header, sheet)
    data = kept.select(ROW_NUMBER, *[pl.col(frame.columns[p]).alias(n) for p, n in renames.items() if p < frame.width])
    missing = [n for p, n in renames.items() if p >= frame.width]
    if missing:
        data = data.with_columns(pl.lit(None, pl.String).alias(n) for n in missing)
    # One chunk: Polars 2.1 intermittently panics ("i < self.len()") filtering multi-chunk string views.
    return data.rechunk(), notes


def _unnamed_columns(kept: pl.DataFrame, header: _Header, sheet: str | None) -> list[Note]:
    """Values in a column without a header are named too (they are not loaded)."""
    found = []
    for position, name in enumerate(kept.columns[1:]):
        cell = header.cells[position] if position < len(header.cells) else None
        if cell is not None and str(cell).strip():
            continue
        values = kept.filter(pl.col(name).str.strip_chars().str.len_chars() > 0)
        if values.height:
            rows = values.get_column(ROW_NUMBER)
            found.append(Note("ignored_column", f"表头第 {position + 1} 列没有列名，其中 {values.height} 个值"
                              f"（第 {rows.min()}–{rows.max()} 行）未导入：如是数据请补上模板中的列名", sheet,
                              rows.min(), f"（第 {position + 1} 列，无列名）"))
    return found


# ---------------------------------------------------------------- CSV


def _line_of(path_or_data: Path | bytes, offset: int) -> int:
    """The line (= row in Excel) holding a byte offset."""
    data = path_or_data if isinstance(path_or_data, bytes) else Path(path_or_data).read_bytes()[:offset]
    return data[:offset].count(b"\n") + 1


def detect_encoding(path: Path, source: str, raw: bytes | None = None) -> str:
    """UTF-8 (with or without BOM), UTF-16 ("Unicode text" of Excel), else GB18030 (a superset of
    GBK), decoded block by block so that a big file is never held whole; a file neither decodes is
    rejected, naming the row in the clerk's words. `raw`: the file's bytes, when already read."""
    content: Path | bytes = raw if raw is not None else path
    if raw is not None:
        start = raw[:3]
    else:
        with open(path, "rb") as handle:
            start = handle.read(3)
    if start == b"\xef\xbb\xbf":
        offset = _decode_error(content, "utf-8", 3)
        if offset is not None:
            raise FileRejected(
                f"{source}：第 {_line_of(path, offset)} 行有无法识别的字符（文件标明为 UTF-8 编码，可能被截断或混入其他编码的内容）："
                f"请在 Excel 中“另存为 CSV UTF-8”后重新报送"
            )
        return "utf-8-sig"
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    utf8 = _decode_error(content, "utf-8")
    if utf8 is None:
        return "utf-8"
    gb = _decode_error(content, "gb18030")
    if gb is None:
        return "gb18030"
    offset = max(utf8, gb)  # the encoding that got further is the file's; it breaks there
    raise FileRejected(f"{source}：第 {_line_of(path, offset)} 行有无法识别的字符：请在 Excel 中“另存为 CSV UTF-8”后重新报送")


def _decode_error(path: Path | bytes, encoding: str, start: int = 0) -> int | None:
    """Byte offset of the first undecodable byte, or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with (io.BytesIO(path) if isinstance(path, bytes) else open(path, "rb")) as handle:
        handle.seek(start)
        position = start
        while True:
            block = handle.read(BLOCK_BYTES)
            try:
                decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                return position + max(error.start - len(decoder.getstate()[0]), 0)
            if not block:
                return None
            position += len(block)


def _record_end(buffer: bytes, quoted: bool = False) -> int:
    """Index of the last newline outside quotes (-1 if none): a newline lies inside a quoted
    field exactly when an odd number of quote characters precede it (`quoted`: the buffer starts
    inside a quoted field). One pass over the buffer."""
    segments = buffer.split(b'"')
    offsets, position = [], 0
    for segment in segments:
        offsets.append(position)
        position += len(segment) + 1
    for index in range(len(segments) - 1, -1, -1):
        if (index + quoted) % 2 == 0:
            newline = segments[index].rfind(b"\n")
            if newline >= 0:
                return offsets[index] + newline
    return -1


def _csv_pieces(source: Path | bytes, encoding: str, block: int, name: str = "文件") -> Iterator[tuple[bytes, float]]:
    """UTF-8 pieces of the file cut after whole records, with the fraction of the file read.
    (A newline byte never occurs inside a GB18030 character, so cutting before decoding is safe.)

    Linear: each block is scanned once, the quote parity of the unfinished record carried over; a
    record that grows beyond guards.MAX_RECORD_BYTES (an unclosed quote, a 50 MB line) is refused."""
    size = max(len(source) if isinstance(source, bytes) else source.stat().st_size, 1)
    name = source.name if isinstance(source, Path) else name
    with (io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")) as handle:
        handle.seek(3 if encoding == "utf-8-sig" else 0)
        carry, carry_quoted, lines = [], False, 0  # the unfinished record, in blocks
        while True:
            data = handle.read(block)
            end = _record_end(data, carry_quoted) if data else len(data) - 1
            if end >= 0 or not data:
                piece = b"".join([*carry, data[:end + 1]]) if data else b"".join(carry)
                carry = [data[end + 1:]] if data else []
                carry_quoted = bool(data[end + 1:].count(b'"') % 2) if data else False
                lines += piece.count(b"\n")
                if piece:
                    yield (piece if encoding != "gb18030" else piece.decode("gb18030").encode("utf-8")), handle.tell() / size
            else:
                carry.append(data)
                carry_quoted ^= bool(data.count(b'"') % 2)
                if sum(map(len, carry)) > guards.MAX_RECORD_BYTES:
                    raise FileRejected(
                        f"{name}：第 {lines + 1} 行起超过 {guards.MAX_RECORD_BYTES >> 20} MB 仍未结束"
                        "（可能有一个未配对的英文双引号 \"，或整个文件只有一行），请检查该行后重新导出")
            if not data:
                return


DELIMITERS = (",", "\t", ";", "|")


def _sniff_delimiter(lines: list[str], named: Kind | None, source: str,
                    encoding: str) -> tuple[str, list[list], tuple[Kind, int]]:
    """The separator that makes the first lines a recognisable header (comma, tab, semicolon, bar),
    the lines split by it, and the kind and header index found there."""
    best = None
    joined = "\n".join(lines)
    # The most frequent separator first; the first that gives a recognisable header is taken.
    for delimiter in sorted(DELIMITERS, key=lambda d: -joined.count(d)):
        try:
            head = list(csv.reader(io.StringIO(joined.replace("\x00", "")), delimiter=delimiter))
        except csv.Error:  # a field beyond the csv module's limit (a 50 MB line): read short lines
            head = list(csv.reader(io.StringIO("\n".join(line[:4096] for line in lines).replace("\x00", "")),
                                   delimiter=delimiter))
        chosen = _choose_kind(head, named)
        if chosen:
            best = (chosen, delimiter, head)
            break
    if best is None:
        text = "\n".join(lines)
        known = {normalize_header(h) for lookup in HEADER_LOOKUP.values() for h in lookup}
        words = [w for w in re.split(r"[\s,，;；|、\t]+", text) if normalize_header(w) in known]
        if len(words) >= 2:
            raise FileRejected(
                f"{source}：找到了列名（{'、'.join(words[:4])}…），但列与列之间的分隔符无法识别：CSV 文件请用英文逗号分隔"
                f"（也接受制表符、分号），可在 Excel 中“另存为 CSV UTF-8”"
            )
        raise FileRejected(
            f"{source}：前 {HEADER_SCAN_ROWS} 行中找不到可识别的表头"
            f"（文件编码按 {encoding} 读取）；请使用模板中的列名"
        )
    return best[1], best[2], best[0]


def read_csv(path: Path, data: bytes | None = None, raw: bytes | None = None) -> ReadResult:
    """A text file: comma-, tab- or semicolon-separated, UTF-8, GBK/GB18030 or UTF-16. `data`: the
    file's content already decoded to UTF-8 (an HTML table, a UTF-16 file); `raw`: the file's bytes
    as they are on disk, when already read (the file is then not opened again)."""
    source = path.name
    encoding = "utf-8" if data is not None else detect_encoding(path, source, raw)
    if encoding == "utf-16":
        try:
            data = path.read_bytes().decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise FileRejected(f"{source}：第 {_line_of(path.read_bytes(), error.start)} 行有无法识别的字符："
                               f"请在 Excel 中“另存为 CSV UTF-8”后重新报送") from None
    body: Path | bytes = data if data is not None else raw if raw is not None else path
    if isinstance(body, bytes):
        start = body[:200_000]
    else:
        with open(path, "rb") as handle:
            start = handle.read(200_000)
    text = start.decode("utf-8" if encoding != "gb18030" else "gb18030", errors="replace").removeprefix("\ufeff")
    lines = text.splitlines()[:HEADER_SCAN_ROWS]
    delimiter, head, (kind, header_index) = _sniff_delimiter(lines, kind_from_name(path.stem), source, encoding)
    header = _read_header(head, kind, header_index, None, header_index + 1, source)
    width = max(len(header.cells), *(len(r) for r in head)) if head else len(header.cells)
    # Bytes per piece from the rows seen so far, so that a piece holds about BATCH_ROWS rows.
    row_bytes = max(len("\n".join(lines).encode("utf-8")) // max(len(lines), 1), 16)
    schema = {f"c{i}": pl.String for i in range(width)}

    def batches() -> Iterator[tuple[SheetTable, float]]:
        next_row = header.data_index + 1
        skip = header.data_index
        for piece, fraction in _csv_pieces(body, "utf-8" if data is not None else encoding,
                                           min(max(BATCH_ROWS * row_bytes, 1 << 14), guards.MAX_BLOCK_BYTES), source):
            if piece.strip():
                try:
                    frame = pl.read_csv(
                        piece, has_header=False, schema=schema, skip_rows=skip, truncate_ragged_lines=True,
                        missing_columns="insert", separator=delimiter,
                    )
                except Exception:  # noqa: BLE001 - Polars' parse errors quote the data: never echoed
                    raise FileRejected(
                        f"{source}：第 {next_row} 行之后的内容无法按 CSV 读取（可能有未配对的英文双引号 \"），"
                        "请检查后重新导出") from None
                lines_read = frame.height
            else:  # only blank lines: Polars reads none, yet they count as rows
                frame, lines_read = pl.DataFrame(schema=schema), piece.count(b"\n")
            records, notes = _records(frame, header, next_row, None)
            skip = 0
            yield SheetTable(kind, None, records, header_index + 1, header.match.ignored, notes,
                             b"#" in piece), fraction
            next_row += lines_read

    sheet = Sheet(kind, None, header_index + 1, header.match.ignored, batches, header.match.notes)
    notes = [Note("format", f"{source}：文件以{_DELIMITER_NAMES[delimiter]}分隔，已按此读取")] if delimiter != "," else []
    named = kind_from_name(path.stem)
    if named and named != kind:
        notes.append(Note("kind_conflict", f"文件名表明是“{named.zh}”，但表头是“{kind.zh}”的列：按表头读作“{kind.zh}”，请核对文件名"))
    return ReadResult([sheet], encoding, [], notes, "csv")


_DELIMITER_NAMES = {",": "逗号", "\t": "制表符", ";": "分号", "|": "竖线"}


# ---------------------------------------------------------------- workbooks (xlsx, xls, ods)

INSTRUCTION_SHEETS = re.compile(r"说明|须知|指南|帮助|instruction|readme|填表|填报要求", re.I)
LIST_SHEETS = re.compile(r"字典|选项|下拉|数据源|代码表|数据有效性|^lists?$|^options?$|参数", re.I)
_VISIBILITY = {"hidden": "隐藏", "veryhidden": "深度隐藏"}


def _apply_meta(frame: pl.DataFrame, meta: SheetMeta, header_end: int | None = None) -> pl.DataFrame:
    """Excel error cells back as their text (#N/A …), and vertically merged cells below the header
    filled with their value. Frame rows and columns are calamine's; meta speaks of the sheet's."""
    if not (meta.errors or meta.merges):
        return frame
    columns = {}

    def column(index: int) -> list:
        if index not in columns:
            columns[index] = frame.get_column(frame.columns[index]).to_list()
        return columns[index]

    for (row, col), text in meta.errors.items():
        r, c = row - meta.first_row, col - meta.first_col
        if 0 <= r < frame.height and 0 <= c < frame.width:
            column(c)[r] = text
    for top, left, bottom, _right in meta.merges:
        r1, r2, c = top - meta.first_row, bottom - meta.first_row, left - meta.first_col
        if header_end is not None and r1 < header_end:
            continue
        if bottom > top and 0 <= r1 < frame.height and 0 <= c < frame.width:
            values = column(c)
            for r in range(r1 + 1, min(r2, frame.height - 1) + 1):
                if values[r] in (None, ""):
                    values[r] = values[r1]
    if not columns:
        return frame
    return frame.with_columns(pl.Series(frame.columns[c], values, pl.String) for c, values in columns.items())


def _percent(frame: pl.DataFrame, meta: SheetMeta, renames: dict[int, str]) -> pl.DataFrame:
    """A fraction shown with a % format in a 0–100 field: 0.986 shown as 98.6 % is 98.6."""
    columns = {}
    for row, col in meta.percent:
        c, r = col - meta.first_col, row - meta.first_row
        if renames.get(c) in PERCENT_FIELDS and 0 <= r < frame.height:
            values = columns.setdefault(c, frame.get_column(frame.columns[c]).to_list())
            try:
                values[r] = repr(round(float(values[r]) * 100, 10)).removesuffix(".0")
            except (TypeError, ValueError):
                pass
    if not columns:
        return frame
    return frame.with_columns(pl.Series(frame.columns[c], values, pl.String) for c, values in columns.items())


def _load_sheets(path: Path, fmt: str, data: bytes | None) -> list[tuple[str, str, pl.DataFrame]]:
    """(name, visibility, all-text frame) of each sheet, as calamine reads them."""
    import fastexcel

    source = path.name
    try:
        reader = fastexcel.read_excel(data if data is not None else path)
        found = []
        for name in reader.sheet_names:
            sheet = reader.load_sheet(name, header_row=None, dtypes="string")
            found.append((name, sheet.visible, sheet.to_polars() if sheet.height else pl.DataFrame()))
        return found
    except Exception as error:  # calamine raises its own types for corrupt files
        kind = {"xls": "Excel 97–2003 工作簿", "ods": "ODS 电子表格"}.get(fmt, "Excel 工作簿")
        raise FileRejected(f"{source}：无法作为{kind}打开（{type(error).__name__}），文件可能已损坏；"
                           "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送") from None


def read_workbook(path: Path, fmt: str = "xlsx", data: bytes | None = None) -> ReadResult:
    """Every visible data sheet of an xlsx/xls/ods workbook; the others are named in notes."""
    scan = XlsxScan(path) if fmt == "xlsx" and data is None else None  # fed by the guard's pass over the XML
    if fmt in ("xlsx", "ods") and (problem := guards.xlsx_problem(path, scan.feeder if scan else None)):
        raise FileRejected(f"{path.name}：{problem}")  # before the reader allocates
    source = path.name
    sheets = _load_sheets(path, fmt, data)
    metas = (scan.metas() if scan else xls_meta(path, data) if fmt == "xls"
             else ods_meta(path, data) if fmt == "ods" else {})
    file_kind = kind_from_name(path.stem)
    notes: list[Note] = []
    content = []
    for name, visible, frame in sheets:
        if frame.height == 0 or frame.width == 0:
            continue  # an empty sheet (Sheet2, Sheet3 of older files): nothing to load, nothing lost
        if visible != "visible":
            notes.append(Note("skipped_sheet", f"工作表“{name}”是{_VISIBILITY.get(visible, '隐藏')}工作表，未导入；"
                              "如需导入请取消隐藏后重新报送", name))
        elif INSTRUCTION_SHEETS.search(name) and not kind_from_name(name):
            notes.append(Note("skipped_sheet", f"工作表“{name}”是填写说明，不导入", name))
        elif LIST_SHEETS.search(name):
            notes.append(Note("skipped_sheet", f"工作表“{name}”是下拉选项/字典表，不导入", name))
        else:
            content.append((name, frame))
    tables, skipped = [], [n.sheet for n in notes]
    for name, frame in content:
        meta = metas.get(name, SheetMeta())
        frame = frame.with_columns(pl.all().cast(pl.String))
        frame = _apply_meta(frame, SheetMeta(meta.first_row, meta.first_col, errors=meta.errors))
        rows = [list(frame.row(i)) for i in range(min(frame.height, HEADER_SCAN_ROWS))]
        sheet_kind = kind_from_name(name)
        named = sheet_kind or (file_kind if len(content) == 1 else None)
        chosen = _choose_kind(rows, named)
        if chosen is None:
            skipped.append(name)
            if any(c is not None and str(c).strip() for row in rows for c in row):
                notes.append(Note("skipped_sheet", f"工作表“{name}”中找不到可识别的表头（前 {HEADER_SCAN_ROWS} 行），未导入；"
                                  "如是数据请使用模板中的列名", name))
            continue
        kind, header_index = chosen
        if sheet_kind and file_kind and sheet_kind != file_kind and len(content) == 1:
            notes.append(Note("kind_conflict", f"文件名表明是“{file_kind.zh}”，工作表名“{name}”表明是“{sheet_kind.zh}”："
                              f"按工作表名和表头读作“{kind.zh}”，请核对文件名", name))
        elif named and kind != named:
            notes.append(Note("kind_conflict", f"{'工作表名' if sheet_kind else '文件名'}表明是“{named.zh}”，"
                              f"但表头是“{kind.zh}”的列：按表头读作“{kind.zh}”，请核对", name))
        header_row = meta.first_row + header_index
        hidden = frozenset(c - meta.first_col for c in meta.hidden_cols)
        header = _read_header(rows, kind, header_index, name, header_row, source, hidden)
        frame = _apply_meta(frame, SheetMeta(meta.first_row, meta.first_col, merges=meta.merges), header.data_index)
        if meta.percent:
            frame = _percent(frame, meta, header.match.renames)
        data_frame, row_notes = _records(frame.slice(header.data_index), header, meta.first_row + header.data_index, name)
        sheet_notes = header.match.notes + row_notes
        hashes = data_frame.select(pl.any_horizontal(pl.exclude(ROW_NUMBER).str.starts_with("#")).any()).item() \
            if data_frame.width > 1 and data_frame.height else False
        tables.append(Sheet(kind, name, header_row, header.match.ignored,
                            _slices(data_frame, kind, name, header_row, header.match.ignored, bool(hashes)), sheet_notes))
    if not tables:
        if not content and notes:
            raise FileRejected(f"{source}：没有可导入的工作表（" + "；".join(n.message for n in notes) + "）")
        raise FileRejected(f"{source}：没有一个工作表含可识别的表头（请使用模板中的列名）")
    return ReadResult(tables, None, skipped, notes, fmt)


def read_xlsx(path: Path) -> ReadResult:
    return read_workbook(path, "xlsx")


def _slices(data: pl.DataFrame, kind: Kind, sheet: str, header_row: int, ignored: list[str], hashes: bool = True):
    """A workbook sheet is read whole (calamine); it is still validated and written in batches."""
    def batches() -> Iterator[tuple[SheetTable, float]]:
        for start in range(0, max(data.height, 1), BATCH_ROWS):
            piece = data.slice(start, BATCH_ROWS)
            yield (SheetTable(kind, sheet, piece, header_row, ignored, may_hold_hash=hashes),
                   min((start + BATCH_ROWS) / max(data.height, 1), 1.0))
    return batches


# ---------------------------------------------------------------- what a file really is


def sniff(path: Path, raw: bytes | None = None) -> str:
    """The file's format by its content: xlsx, ods, zip, xls (OLE), html, xml2003, text, binary."""
    if raw is not None:
        head = raw[:4096]
    else:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                if "xl/workbook.xml" in names:
                    return "xlsx"
                if "mimetype" in names and b"spreadsheet" in archive.read("mimetype"):
                    return "ods"
        except zipfile.BadZipFile:
            return "binary"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "text"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower() and text.startswith(b"<?xml"):
        return "xml2003"
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<?xml")) or b"<table" in text[:1024]:
        return "html"
    if b"\x00" in head:
        return "binary"
    return "text"


_FORMAT_NAMES = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97–2003 工作簿（.xls）", "ods": "ODS 电子表格（.ods）",
                 "html": "网页（HTML）表格", "text": "文本（CSV）文件", "zip": "压缩包", "xml2003": "XML 电子表格 2003",
                 "binary": "无法识别的二进制文件"}
_EXPECTED = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods", ".csv": "text", ".txt": "text", ".tsv": "text"}
UNSUPPORTED = {
    ".et": "WPS 表格格式（.et）：请在 WPS 中“另存为”Excel 工作簿（.xlsx）后报送",
    ".ett": "WPS 表格模板：请另存为 .xlsx 后报送",
    ".xlsb": "Excel 二进制工作簿（.xlsb）：请另存为 .xlsx 后报送",
    ".numbers": "Numbers 表格：请导出为 .xlsx 后报送",
    ".zip": "压缩包：请解压后报送其中的 .xlsx 或 .csv 文件",
    ".rar": "压缩包：请解压后报送其中的 .xlsx 或 .csv 文件",
    ".7z": "压缩包：请解压后报送其中的 .xlsx 或 .csv 文件",
    ".doc": "Word 文档：不是数据表格，请把数据填入模板（.xlsx）后报送",
    ".docx": "Word 文档：不是数据表格，请把数据填入模板（.xlsx）后报送",
    ".pdf": "PDF 文件：无法读取其中的数据，请报送 .xlsx 或 .csv",
    ".wps": "WPS 文字文档：不是数据表格，请把数据填入模板（.xlsx）后报送",
}


def read_file(path: Path, raw: bytes | None = None) -> ReadResult:
    """`raw`: the file's bytes, when the caller has read them (a text file is then read from them)."""
    suffix = path.suffix.lower()
    if suffix in UNSUPPORTED:
        raise FileRejected(f"{path.name}：{UNSUPPORTED[suffix]}")
    if suffix not in _EXPECTED:
        raise FileRejected(f"{path.name}：不支持的文件类型“{suffix}”，请提交 .xlsx、.xls、.ods 或 .csv")
    fmt = sniff(path, raw)
    expected = _EXPECTED[suffix]
    mismatch = fmt != expected
    if fmt in ("xlsx", "xls", "ods"):
        result = read_workbook(path, fmt, (raw if raw is not None else path.read_bytes()) if mismatch else None)
    elif fmt == "text":
        result = read_csv(path, raw=raw)
    elif fmt == "html":
        result = read_csv(path, _html_as_csv(path))
    elif fmt == "xml2003":
        raise FileRejected(f"{path.name}：文件实际是“XML 电子表格 2003”格式（扩展名为 {suffix}）："
                           f"请在 Excel 中打开后“另存为”Excel 工作簿（.xlsx）再报送")
    else:
        raise FileRejected(f"{path.name}：文件实际是{_FORMAT_NAMES.get(fmt, fmt)}，不是扩展名 {suffix} 所示的格式，无法读取；"
                           "请用 Excel 或 WPS 打开后另存为 .xlsx 再报送")
    if mismatch:
        result.notes.insert(0, Note("format", f"{path.name}：扩展名为 {suffix}，但文件实际是{_FORMAT_NAMES[fmt]}；"
                                    f"已按实际格式读取。建议在 Excel 中另存为 .xlsx 后再报送"))
    result.file_format = fmt
    return result


def _html_as_csv(path: Path) -> bytes:
    """The largest table of an HTML file ("export to Excel" of many web systems) as UTF-8 CSV."""
    from html.parser import HTMLParser

    raw = path.read_bytes()
    charset = re.search(rb"charset=[\"']?([\w-]+)", raw[:4096])
    encoding = charset.group(1).decode() if charset else "utf-8"
    try:
        text = raw.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        text = raw.decode("gb18030", errors="replace")

    class Tables(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tables: list[list[list[str]]] = []
            self.cell: list[str] | None = None
            self.span = 1

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr" and self.tables:
                self.tables[-1].append([])
            elif tag in ("td", "th") and self.tables and self.tables[-1]:
                self.cell = []
                span = dict(attrs).get("colspan") or "1"
                self.span = int(span) if span.isdigit() else 1
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][-1].extend(["".join(self.cell).strip()] + [""] * (self.span - 1))
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Tables()
    parser.feed(text)
    if not parser.tables or not max(parser.tables, key=len):
        raise FileRejected(f"{path.name}：文件实际是网页（HTML），其中没有表格；请在 Excel 中另存为 .xlsx 后报送")
    table = max(parser.tables, key=len)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue().encode("utf-8")
