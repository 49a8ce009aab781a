"""Limits that keep a hostile or broken file from stopping a run.

Every file is read in bounded memory and in time linear in its size, or refused with one Chinese
line before the reader sees it:

- xlsx: the workbook's XML is streamed once (zip entry by entry, never more than BLOCK bytes at a
  time) to measure what the reader would build: more than MAX_XLSX_UNCOMPRESSED bytes of XML, more
  than MAX_XLSX_CELLS cells, or a used range (highest row x highest column) beyond MAX_XLSX_AREA is
  refused (all sheets of a workbook are read at once; calamine allocates a sheet's whole used range:
  one cell at XFD1048576 asked for 549 GB and aborted the process). Measured here, whole ingest of
  one file: 4.8 M dense cells 640 MB peak / 12 s, 2 M cells 425 MB / 3 s (about 100 bytes a cell
  over a 170 MB process); a 2-row sheet with a 20 M-cell used range 980 MB — so the limits below
  keep one workbook under about 1.3 GB.
- CSV: records are cut in one pass (readers._csv_pieces); a record longer than MAX_RECORD_BYTES
  (an unclosed quote, a single 50 MB line) is refused naming its line.
- NUL and other control characters are dropped from cells; long file names are shortened for the
  files lvzhi writes (safe_stem).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from lvzhi import pii

MAX_XLSX_CELLS = int(os.environ.get("LVZHI_MAX_XLSX_CELLS", "10000000"))
MAX_XLSX_AREA = int(os.environ.get("LVZHI_MAX_XLSX_AREA", "10000000"))
MAX_XLSX_UNCOMPRESSED = int(os.environ.get("LVZHI_MAX_XLSX_BYTES", str(1 << 30)))
MAX_RECORD_BYTES = int(os.environ.get("LVZHI_MAX_RECORD_BYTES", str(16 << 20)))
MAX_STEM_BYTES = 120  # a report's name: stem + '_<digest>_错误报告.xlsx' stays far below 255 bytes
BLOCK = 1 << 20
MAX_BLOCK_BYTES = 8 << 20  # bytes of a CSV read at a time (long first lines made it the whole file)
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_ROW_ELEMENT = re.compile(rb'<row r="([0-9]{1,9})"')
_ANY_COLUMN = re.compile(rb'\sr="([A-Z]{1,3})[0-9]')  # slow path: every cell reference
_ANY_ROW = re.compile(rb'\sr="[A-Z]{0,3}([0-9]{1,9})"')
SPLIT_HINT = "请删除多余的空行空列，或把数据拆分成几个文件（或另存为 CSV）后再提交"


def printable(cell: pl.Expr) -> pl.Expr:
    """NUL and other control characters (not tab/newline) removed from a text cell."""
    dirty = pl.when(cell.str.contains(_CONTROL)).then(cell)
    return pl.coalesce(dirty.str.replace_all(_CONTROL, ""), cell)


_SCRUB = f"{_CONTROL}|{pii.CANDIDATE}"


@dataclass(frozen=True)
class ColumnFacts:
    """What a batch's text columns hold, found in one cheap query, so that steps which cannot change
    a column are left out: each regex step costs ~0.1 ms a column even on clean cells, which was
    most of validating a small file."""
    scrub: frozenset[str]  # a control character or a run of 11 digits: printable / pii.mask_expr apply
    non_ascii: frozenset[str]  # a character beyond ASCII: NFKC may change a cell
    plain: frozenset[str] = frozenset()  # every cell passes the column's `plain` test (or is empty)

    def of(self, names: set[str]) -> ColumnFacts:
        return ColumnFacts(self.scrub & names, self.non_ascii & names, self.plain & names)


def column_facts(frame: pl.DataFrame, plain: dict[str, pl.Expr] | None = None) -> ColumnFacts:
    """`plain`: column -> a test of a cell that needs no parsing beyond the plain one
    (ingest.normalize.plain_tests)."""
    names = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not names or not frame.height:
        return ColumnFacts(frozenset(), frozenset())
    tested = [name for name in (plain or {}) if name in names]
    # Most batches hold neither a control character nor 11 digits in a row anywhere: one regex over
    # each row's cells joined by a space (which neither pattern matches, so no match spans two
    # cells) tells, at half the cost of one regex per column; only when it finds one are the
    # columns tested one by one, in a second query.
    found = frame.select(
        pl.concat_str(names, separator=" ", ignore_nulls=True).str.contains(_SCRUB).any().alias("s"),
        # A multi-byte character: cheaper than a regex for the non-ASCII test.
        *((pl.col(name).str.len_bytes() != pl.col(name).str.len_chars()).any().alias(f"a{i}") for i, name in enumerate(names)),
        *((plain[name] | pl.col(name).is_null()).all().alias(f"p{i}") for i, name in enumerate(tested)),
    ).row(0)
    scrub = frame.select(pl.col(name).str.contains(_SCRUB).any().alias(f"s{i}") for i, name in enumerate(names)).row(0) \
        if found[0] else ()
    return ColumnFacts(frozenset(n for n, hit in zip(names, scrub) if hit),
                       frozenset(n for n, hit in zip(names, found[1:]) if hit),
                       frozenset(n for n, hit in zip(tested, found[1 + len(names):]) if hit))


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


def _greater_digits(number: int) -> bytes:
    """A regex for decimal numbers (no leading zero) greater than `number`."""
    text = str(number)
    alternatives = [f"[0-9]{{{len(text) + 1},}}"]
    for index, digit in enumerate(text):
        if digit < "9":
            rest = len(text) - index - 1
            alternatives.append(text[:index] + f"[{int(digit) + 1}-9]" + (f"[0-9]{{{rest}}}" if rest else ""))
    return "|".join(alternatives).encode()


def _greater_letters(number: int) -> bytes:
    """A regex for column letters (A..XFD, followed by a row digit) beyond column `number`."""
    text = _column_letters(number) if number else ""
    alternatives = [f"[A-Z]{{{len(text) + 1},3}}"] if len(text) < 3 else []
    for index, letter in enumerate(text):
        if letter < "Z":
            rest = len(text) - index - 1
            alternatives.append(text[:index] + f"[{chr(ord(letter) + 1)}-Z]" + (f"[A-Z]{{{rest}}}" if rest else ""))
    return "|".join(alternatives).encode() if alternatives else b"(?!)"


def _extents(scan: bytes, max_row: int, max_column: int, opened: int) -> tuple[int, int]:
    """Highest row and column referenced in a block of sheet XML, given those so far.

    Fast path (a few C-level scans per block): row numbers from <row r=…> elements, then one
    search for a cell beyond the rows and one for a cell beyond the columns known so far; only a
    block where such a cell exists (or whose cells do not start with r="…") reads every reference.
    A Python step per cell cost 7 s on 4.8 M cells; this costs about 3 s per 270 MB of XML
    (4.8 M cells written inline; the ingest of that file takes 12 s)."""
    rows = _ROW_ELEMENT.findall(scan)
    if rows:
        max_row = max(max_row, int(np.array(rows, dtype="S9").astype(np.int64).max()))
    regular = scan.count(b'<c r="') == opened  # every cell names its reference first
    beyond_row = re.search(b'<c r="[A-Z]{1,3}(?:' + _greater_digits(max_row) + b')"', scan)
    if not regular or beyond_row:
        cell_rows = _ANY_ROW.findall(scan)
        if cell_rows:
            max_row = max(max_row, int(np.array(cell_rows, dtype="S9").astype(np.int64).max()))
    beyond_column = re.search(b'<c r="(?:' + _greater_letters(max_column) + b')[0-9]', scan)
    if not regular or beyond_column:
        letters = set(_ANY_COLUMN.findall(scan))
        if letters:
            max_column = max(max_column, *map(_column_number, letters))
    return max_row, max_column


def xlsx_problem(path: Path, watch: Callable[[str], Callable[[bytes], None] | None] | None = None) -> str | None:
    """Why this workbook must not be handed to the reader, or None. Linear in the XML's size,
    memory bounded by BLOCK. `watch(entry)`: a function given each block of that sheet's XML as it
    is read, then b"" at its end (workbook.XlsxScan: the sheets' metadata found in the same pass)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip: the reader's own error message applies
    total = cells = 0
    with archive:
        for info in archive.infolist():
            if not info.filename.endswith(".xml") and not info.filename.endswith(".rels"):
                continue
            sheet = info.filename.startswith("xl/worksheets/")
            feed = watch(info.filename) if watch and sheet else None
            max_row = max_column = 0
            try:
                with archive.open(info) as stream:
                    tail = b""
                    while block := stream.read(BLOCK):
                        total += len(block)
                        if total > MAX_XLSX_UNCOMPRESSED:
                            return (f"工作簿解压后超过 {MAX_XLSX_UNCOMPRESSED >> 20} MB，超出可导入的大小；{SPLIT_HINT}")
                        if not sheet:
                            continue
                        if feed:
                            feed(block)
                        data = tail + block
                        cut = data.rfind(b"<")  # a tag cut by the block boundary is read with the next block
                        cut = cut if cut > 0 else len(data)
                        scan, tail = data[:cut], data[cut:]
                        opened = scan.count(b"<c")  # cells (and the odd <cols>: counted, harmless)
                        cells += opened
                        max_row, max_column = _extents(scan, max_row, max_column, opened)
                        if cells > MAX_XLSX_CELLS:
                            return (f"工作簿数据超过 {MAX_XLSX_CELLS:,} 个单元格，超出可导入的大小；{SPLIT_HINT}")
                    if feed:
                        feed(b"")
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
