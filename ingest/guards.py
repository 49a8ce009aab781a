"""Limits that keep a hostile or broken file from stopping a run.

Every file is read in bounded memory and in time linear in its size, or refused with one Chinese
line before the reader sees it:

- xlsx: the workbook's XML is streamed once (zip entry by entry, never more than BLOCK bytes at a
  time) to measure what the reader would build: more than MAX_XLSX_UNCOMPRESSED bytes of XML, more
  than MAX_XLSX_CELLS cells, or a used range (highest row x highest column) beyond MAX_XLSX_AREA is
  refused. (calamine allocates the whole used range: one cell at XFD1048576 asked for 549 GB and
  aborted the process; a dense 1 M-row sheet took 8 GB.)
- CSV: records are cut in one pass (readers._csv_pieces); a record longer than MAX_RECORD_BYTES
  (an unclosed quote, a single 50 MB line) is refused naming its line.
- NUL and other control characters are dropped from cells; long file names are shortened for the
  files lvzhi writes (safe_stem).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import polars as pl

MAX_XLSX_CELLS = int(os.environ.get("LVZHI_MAX_XLSX_CELLS", "5000000"))
MAX_XLSX_AREA = int(os.environ.get("LVZHI_MAX_XLSX_AREA", "20000000"))
MAX_XLSX_UNCOMPRESSED = int(os.environ.get("LVZHI_MAX_XLSX_BYTES", str(1 << 30)))
MAX_RECORD_BYTES = int(os.environ.get("LVZHI_MAX_RECORD_BYTES", str(16 << 20)))
MAX_STEM_BYTES = 120  # a report's name: stem + '_<digest>_错误报告.xlsx' stays far below 255 bytes
BLOCK = 1 << 20
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"([0-9]{1,7})\"")
SPLIT_HINT = "请删除多余的空行空列，或把数据拆分成几个文件（或另存为 CSV）后再提交"


def printable(cell: pl.Expr) -> pl.Expr:
    """NUL and other control characters (not tab/newline) removed from a text cell."""
    dirty = pl.when(cell.str.contains(_CONTROL)).then(cell)
    return pl.coalesce(dirty.str.replace_all(_CONTROL, ""), cell)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx_problem(path: Path) -> str | None:
    """Why this workbook must not be handed to the reader, or None. Linear in the XML's size,
    memory bounded by BLOCK."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip: the reader's own error message applies
    total = 0
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".xml") and not info.filename.endswith(".rels"):
                continue
            sheet = info.filename.startswith("xl/worksheets/")
            cells = max_row = max_column = 0
            try:
                with archive.open(info) as stream:
                    tail = b""
                    while block := stream.read(BLOCK):
                        total += len(block)
                        if total > MAX_XLSX_UNCOMPRESSED:
                            return (f"工作簿解压后超过 {MAX_XLSX_UNCOMPRESSED >> 20} MB，超出可导入的大小；{SPLIT_HINT}")
                        if not sheet:
                            continue
                        data = tail + block
                        cut = data.rfind(b"<")  # a tag cut by the block boundary is read with the next block
                        cut = cut if cut > 0 else len(data)
                        scan, tail = data[:cut], data[cut:]
                        cells += len(_CELL.findall(scan))
                        for letters, row in _CELL_REF.findall(scan):
                            column = _column_number(letters)
                            if column > max_column:
                                max_column = column
                            if int(row) > max_row:
                                max_row = int(row)
                        for row in _ROW_REF.findall(scan):
                            max_row = max(max_row, int(row))
                        if cells > MAX_XLSX_CELLS:
                            return (f"工作表数据超过 {MAX_XLSX_CELLS:,} 个单元格，超出可导入的大小；{SPLIT_HINT}")
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
                return None  # a broken entry: the reader reports the file as damaged
            if sheet and max_row * max(max_column, 1) > MAX_XLSX_AREA:
                return (f"工作表的使用范围达到第 {max_row:,} 行、第 {_column_letters(max_column) or 'A'} 列"
                        f"（约 {max_row * max(max_column, 1):,} 个单元格，上限 {MAX_XLSX_AREA:,}）；{SPLIT_HINT}")
    return None


def safe_stem(stem: str, limit: int = MAX_STEM_BYTES) -> str:
    """A file name stem cut to `limit` UTF-8 bytes on a character boundary, path separators and
    control characters replaced: the names of files lvzhi writes from a clerk's file name."""
    stem = re.sub(r"[\\/\x00-\x1f\x7f]", "_", stem)
    encoded = stem.encode("utf-8")
    if len(encoded) <= limit:
        return stem
    return encoded[:limit].decode("utf-8", "ignore") + "…"
