"""Read a clerk's file (xlsx or csv, any of the encodings they use) into text tables.

Every cell stays text here; `_row_number` is the row as the clerk sees it in Excel (or the line
of the CSV), so that an error report points at the right place.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest import guards
from ingest.schemas import KINDS, Kind

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


@dataclass
class Sheet:
    """A sheet (or CSV file) whose header is checked; its rows come batch by batch."""
    kind: Kind
    sheet: str | None
    header_row: int
    ignored_headers: list[str]
    # A fresh pass over the rows each call: (batch, fraction of the sheet read so far).
    batches: Callable[[], Iterator[tuple[SheetTable, float]]]


@dataclass
class ReadResult:
    tables: list[Sheet]
    encoding: str | None
    skipped_sheets: list[str]


_BRACKETED, _SPACE_OR_STAR = re.compile(r"\(.*?\)"), re.compile(r"[\s*]")


@functools.lru_cache(maxsize=8192)  # header cells repeat across files; each of 30 rows is scanned per file
def normalize_header(text: str | None) -> str:
    """'  代表编号（必填）* ' -> '代表编号'; 'Deputy_ID*' -> 'deputy_id'."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return _SPACE_OR_STAR.sub("", _BRACKETED.sub("", text)).lower()


def _header_lookup(kind: Kind) -> dict[str, str]:
    lookup = {}
    for column in kind.columns:
        lookup[normalize_header(column.zh)] = column.name
        lookup[normalize_header(column.name)] = column.name
    return lookup


HEADER_LOOKUP = {kind.name: _header_lookup(kind) for kind in KINDS}
_NAMES_LONGEST_FIRST = sorted(
    ((normalize_header(name), kind) for kind in KINDS for name in kind.names),
    key=lambda pair: -len(pair[0]),
)


def kind_from_name(name: str) -> Kind | None:
    """The record kind named in a file or sheet name (the longest matching name wins)."""
    normalized = normalize_header(name)
    for alias, kind in _NAMES_LONGEST_FIRST:
        if alias and alias in normalized:
            return kind
    return None


def _find_header(rows: list[list[str | None]], kind: Kind) -> tuple[int, int] | None:
    """(index, matches) of the row that names most of the kind's columns."""
    lookup = HEADER_LOOKUP[kind.name]
    best = None
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        matches = len({lookup[h] for h in map(normalize_header, row) if h in lookup})
        if matches >= 2 and (best is None or matches > best[1]):
            best = (index, matches)
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


def _header(cells: list, kind: Kind, sheet: str | None, header_row: int,
            source: str) -> tuple[dict[int, str], list[str]]:
    """Canonical name of each header cell's position, and the headers that name nothing."""
    lookup = HEADER_LOOKUP[kind.name]
    renames, ignored, seen = {}, [], set()
    for position, cell in enumerate(cells):
        name = lookup.get(normalize_header(cell))
        if name and name not in seen:
            renames[position] = name
            seen.add(name)
        elif cell not in (None, ""):
            ignored.append(str(cell))
    missing = [c.header for c in kind.columns if c.required and c.name not in seen]
    where = f"工作表“{sheet}”" if sheet else "文件"
    if missing:
        raise FileRejected(
            f"{source}：{where}第 {header_row} 行的表头缺少必填列："
            f"{'、'.join(missing)}（请使用模板中的列名）"
        )
    return renames, ignored


def _rows(frame: pl.DataFrame, renames: dict[int, str], first_row_number: int) -> pl.DataFrame:
    """Data rows with canonical names, numbered as the clerk sees them, blank lines dropped."""
    data = (
        frame.select([pl.col(frame.columns[position]).alias(name) for position, name in renames.items()])
        .with_row_index(ROW_NUMBER, offset=first_row_number)
        .with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    )
    # Rows with no value at all are blank lines, not records.
    values = [c for c in data.columns if c != ROW_NUMBER]
    data = data.filter(pl.any_horizontal(pl.col(values).str.strip_chars().str.len_chars() > 0))
    # One chunk: Polars 2.1 intermittently panics ("i < self.len()") filtering multi-chunk string views.
    return data.rechunk()


# ---------------------------------------------------------------- CSV


def detect_encoding(path: Path, source: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK), decoded block by block so
    that a big file is never held whole; a file neither decodes is rejected."""
    with open(path, "rb") as handle:
        bom = handle.read(3) == b"\xef\xbb\xbf"
    if bom:
        offset = _decode_error(path, "utf-8", 3)
        if offset is not None:
            raise FileRejected(
                f"{source}：文件标明为 UTF-8 编码，但第 {offset} 字节处内容损坏（文件可能被截断），请重新导出"
            )
        return "utf-8-sig"
    with open(path, "rb") as handle:
        if handle.read(2) in (b"\xff\xfe", b"\xfe\xff"):
            raise FileRejected(f"{source}：文件是 UTF-16 编码，请在 Excel/WPS 中另存为“CSV UTF-8”或 xlsx")
    if _decode_error(path, "utf-8") is None:
        return "utf-8"
    offset = _decode_error(path, "gb18030")
    if offset is None:
        return "gb18030"
    raise FileRejected(
        f"{source}：文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030，"
        f"第 {offset} 字节处出错），请另存为 xlsx 或 CSV UTF-8"
    )


def _decode_error(path: Path, encoding: str, start: int = 0) -> int | None:
    """Byte offset of the first undecodable byte, or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as handle:
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


def _csv_pieces(path: Path, encoding: str, block: int) -> Iterator[tuple[bytes, float]]:
    """UTF-8 pieces of the file cut after whole records, with the fraction of the file read.
    (A newline byte never occurs inside a GB18030 character, so cutting before decoding is safe.)

    Linear: each block is scanned once, the quote parity of the unfinished record carried over; a
    record that grows beyond guards.MAX_RECORD_BYTES (an unclosed quote, a 50 MB line) is refused."""
    size = max(path.stat().st_size, 1)
    with open(path, "rb") as handle:
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
                        f"{path.name}：第 {lines + 1} 行起超过 {guards.MAX_RECORD_BYTES >> 20} MB 仍未结束"
                        "（可能有一个未配对的英文双引号 \"，或整个文件只有一行），请检查该行后重新导出")
            if not data:
                return


def read_csv(path: Path) -> ReadResult:
    source = path.name
    encoding = detect_encoding(path, source)
    with open(path, "rb") as handle:
        start = handle.read(200_000)
    text = start.decode("utf-8" if encoding != "gb18030" else "gb18030", errors="replace").removeprefix("\ufeff")
    lines = text.splitlines()[:HEADER_SCAN_ROWS]
    try:
        head = list(csv.reader(io.StringIO("\n".join(lines).replace("\x00", ""))))
    except csv.Error:  # a field beyond the csv module's limit: the header is read from short lines
        head = list(csv.reader(io.StringIO("\n".join(line[:4096] for line in lines).replace("\x00", ""))))
    chosen = _choose_kind(head, kind_from_name(path.stem))
    if chosen is None:
        raise FileRejected(
            f"{source}：前 {HEADER_SCAN_ROWS} 行中找不到可识别的表头"
            f"（文件编码按 {encoding} 读取）；请使用模板中的列名"
        )
    kind, header_index = chosen
    width = len(head[header_index])
    renames, ignored = _header(head[header_index], kind, None, header_index + 1, source)
    # Bytes per piece from the rows seen so far, so that a piece holds about BATCH_ROWS rows.
    row_bytes = max(len("\n".join(lines).encode("utf-8")) // max(len(lines), 1), 16)
    schema = {f"c{i}": pl.String for i in range(width)}

    def batches() -> Iterator[tuple[SheetTable, float]]:
        next_row = header_index + 2  # the header is line header_index + 1
        skip = header_index + 1
        for piece, fraction in _csv_pieces(path, encoding, min(max(BATCH_ROWS * row_bytes, 1 << 14), guards.MAX_BLOCK_BYTES)):
            if piece.strip():
                try:
                    frame = pl.read_csv(
                        piece, has_header=False, schema=schema, skip_rows=skip, truncate_ragged_lines=True,
                        missing_columns="insert",
                    )
                except Exception:  # noqa: BLE001 - Polars' parse errors quote the data: never echoed
                    raise FileRejected(
                        f"{source}：第 {next_row} 行之后的内容无法按 CSV 读取（可能有未配对的英文双引号 \"），"
                        "请检查后重新导出") from None
                lines_read = frame.height
            else:  # only blank lines: Polars reads none, yet they count as rows
                frame, lines_read = pl.DataFrame(schema=schema), piece.count(b"\n")
            skip = 0
            yield SheetTable(kind, None, _rows(frame, renames, next_row), header_index + 1, ignored), fraction
            next_row += lines_read

    return ReadResult([Sheet(kind, None, header_index + 1, ignored, batches)], encoding, [])


# ---------------------------------------------------------------- xlsx


def _sheet_first_rows(path: Path) -> dict[str, int]:
    """Excel row number of each sheet's first used row (calamine drops leading empty rows)."""
    first = {}
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = dict(re.findall(r'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
            targets |= {i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
            for name, rel in re.findall(r'<sheet [^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"', workbook):
                target = targets.get(rel, "").lstrip("/")
                target = target if target.startswith("xl/") else f"xl/{target}"
                with archive.open(target) as sheet:
                    head = sheet.read(4096).decode("utf-8", "replace")
                match = re.search(r'<dimension ref="[A-Z]+(\d+)', head)
                first[_xml_unescape(name)] = int(match.group(1)) if match else 1
    except (KeyError, zipfile.BadZipFile):
        pass
    return first


def _xml_unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')


def read_xlsx(path: Path) -> ReadResult:
    source = path.name
    if problem := guards.xlsx_problem(path):  # before calamine allocates what the file declares
        raise FileRejected(f"{source}：{problem}")
    try:
        sheets = pl.read_excel(
            path, sheet_id=0, has_header=False, infer_schema_length=0, drop_empty_rows=False,
        )
    except Exception as error:  # calamine raises its own types for corrupt files
        raise FileRejected(f"{source}：无法作为 Excel 工作簿打开（{type(error).__name__}），文件可能已损坏") from None
    first_rows = _sheet_first_rows(path)
    file_kind = kind_from_name(path.stem)
    tables, skipped = [], []
    for sheet, frame in sheets.items():
        if frame.height == 0:
            continue
        frame = frame.with_columns(pl.all().cast(pl.String))
        rows = [list(frame.row(i)) for i in range(min(frame.height, HEADER_SCAN_ROWS))]
        named = kind_from_name(sheet) or (file_kind if len(sheets) == 1 else None)
        chosen = _choose_kind(rows, named)
        if chosen is None:
            skipped.append(sheet)
            continue
        kind, header_index = chosen
        header_row = first_rows.get(sheet, 1) + header_index
        renames, ignored = _header(list(frame.row(header_index)), kind, sheet, header_row, source)
        data = _rows(frame.slice(header_index + 1), renames, header_row + 1)
        tables.append(Sheet(kind, sheet, header_row, ignored, _slices(data, kind, sheet, header_row, ignored)))
    if not tables:
        raise FileRejected(f"{source}：没有一个工作表含可识别的表头（请使用模板中的列名）")
    return ReadResult(tables, None, skipped)


def _slices(data: pl.DataFrame, kind: Kind, sheet: str, header_row: int, ignored: list[str]):
    """A workbook sheet is read whole (calamine); it is still validated and written in batches."""
    def batches() -> Iterator[tuple[SheetTable, float]]:
        for start in range(0, max(data.height, 1), BATCH_ROWS):
            piece = data.slice(start, BATCH_ROWS)
            yield SheetTable(kind, sheet, piece, header_row, ignored), min((start + BATCH_ROWS) / max(data.height, 1), 1.0)
    return batches


def read_file(path: Path) -> ReadResult:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    raise FileRejected(f"{path.name}：不支持的文件类型“{suffix}”，请提交 .xlsx 或 .csv")
