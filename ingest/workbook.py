"""What calamine does not say about an xlsx sheet, read from its XML: where its first row really is
(calamine drops empty and formatted-only rows and columns above and left of the data), hidden
columns, merged cells, Excel error cells (#N/A … read as empty by calamine) and percent-formatted
cells. Each is looked for only when the sheet's XML contains it, so a plain sheet costs one scan."""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ERROR_CODES = ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")

_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(/>|>)')
_VALUE_CELL = re.compile(rb'<c r="([A-Z]+)\d+"[^>]*?>(?:<f[^>]*?/>|<f[^>]*?>[^<]*</f>)?<(?:v>[^<]|is>)')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*?>(?:<f[^>]*?/>|<f[^>]*?>[^<]*</f>)?<v>([^<]*)</v>')
_STYLED_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*? s="(\d+)"[^>]*?>(?:<f[^>]*?/>|<f[^>]*?>[^<]*</f>)?<v>')
_COL = re.compile(rb"<col ([^>]*?)/?>")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_PERCENT_BUILTIN = {9, 10}
BLOCK = 1 << 20  # bytes of sheet XML decompressed at a time


def column_index(letters: bytes | str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(char) - 64
    return number - 1


@dataclass
class SheetMeta:
    first_row: int = 1  # Excel row number of calamine's first row
    first_col: int = 0  # 0-based column of calamine's first column
    hidden_cols: frozenset[int] = frozenset()  # 0-based sheet columns
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # rows (Excel), columns (0-based)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (Excel row, column) -> '#N/A'
    percent: set[tuple[int, int]] = field(default_factory=set)  # (Excel row, column) with a % format


def _attribute(attributes: bytes, name: bytes) -> bytes | None:
    match = re.search(rb"\b" + name + rb'="([^"]*)"', attributes)
    return match.group(1) if match else None


def _percent_styles(archive: zipfile.ZipFile) -> set[bytes]:
    try:
        styles = archive.read("xl/styles.xml")
    except KeyError:
        return set()
    custom = {int(i) for i, code in re.findall(rb'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles)
              if b"%" in code}
    cell_xfs = re.search(rb"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    if not cell_xfs:
        return set()
    found = set()
    for index, xf in enumerate(re.findall(rb"<xf ([^>]*?)/?>", cell_xfs.group(1))):
        number_format = _attribute(xf, b"numFmtId")
        if number_format is not None and int(number_format) in (_PERCENT_BUILTIN | custom):
            found.add(str(index).encode())
    return found


class _RowCut:
    """Blocks of a sheet's XML -> pieces ending after a whole row (what follows the last row, merges
    included, is the last piece): reading the XML whole held ~130 MB more than calamine's own
    reading of a 230 k-row sheet, the peak of a region-scale ingest."""

    def __init__(self) -> None:
        self.pending: list[bytes] = []  # read since the last cut: joined once, so a huge row stays linear

    def feed(self, block: bytes) -> list[bytes]:
        """The pieces complete with this block; b"" at the end of the XML."""
        if not block:
            rest, self.pending = b"".join(self.pending), []
            return [rest] if rest else []
        cut = block.rfind(b"</row>")  # one split across two blocks is simply not a cut
        if cut < 0:
            self.pending.append(block)
            return []
        piece, self.pending = b"".join([*self.pending, block[:cut + 6]]), [block[cut + 6:]]
        return [piece]


def _chunks(open_sheet: Callable[[], IO[bytes]]) -> Iterator[bytes]:
    cut = _RowCut()
    with open_sheet() as stream:
        while block := stream.read(BLOCK):
            yield from cut.feed(block)
    yield from cut.feed(b"")


class _SheetScan:
    """A sheet's SheetMeta from its XML given block by block as it is read (`feed`)."""

    def __init__(self, percent_styles: set[bytes]) -> None:
        self.meta, self.percent_styles, self.cut = SheetMeta(), percent_styles, _RowCut()
        self.found_first = self.seen_cols = False
        self.hidden: set[int] = set()
        self.first_col: int | None = None  # of the cells with a value
        self.complete = self.broken = False

    def feed(self, block: bytes) -> None:
        """A block of the XML; b"" at its end."""
        if self.broken:
            return
        try:
            for data in self.cut.feed(block):
                self._scan(data)
        except ValueError:  # never raised into the size guard feeding it: read again by XlsxScan.metas
            self.broken = True
        self.complete = not block and not self.broken

    def _scan(self, data: bytes) -> None:
        meta = self.meta
        for match in _CELL.finditer(data) if not self.found_first else ():
            if match.group(4) == b">":
                end = data.find(b"</c>", match.end())
                body = data[match.end():end]
                if re.search(rb"<v>[^<]|<is>", body):
                    meta.first_row = int(match.group(2))
                    self.found_first = True
                    break
        if not self.seen_cols and b"<sheetData" in data:
            self.seen_cols = True
            for attributes in _COL.findall(data[:data.find(b"<sheetData")]):
                if _attribute(attributes, b"hidden") in (b"1", b"true"):
                    low, high = int(_attribute(attributes, b"min") or 1), int(_attribute(attributes, b"max") or 1)
                    self.hidden.update(range(low - 1, min(high, 16384)))
        if b"<mergeCell " in data:
            meta.merges += [(int(r1), column_index(c1), int(r2), column_index(c2))
                            for c1, r1, c2, r2 in _MERGE.findall(data)]
        if b't="e"' in data:
            meta.errors |= {(int(r), column_index(c)): v.decode("utf-8", "replace")
                            for c, r, v in _ERROR_CELL.findall(data)}
        if self.first_col != 0:  # data starting in column A (most sheets) ends the search at once
            columns = [column_index(c) for c in _VALUE_CELL.findall(data)]
            self.first_col = min(columns + ([] if self.first_col is None else [self.first_col]), default=None)
        if self.percent_styles and any(b' s="' + s + b'"' in data for s in self.percent_styles):
            meta.percent |= {(int(r), column_index(c)) for c, r, s in _STYLED_CELL.findall(data)
                             if s in self.percent_styles}

    def result(self) -> SheetMeta:
        meta = self.meta
        meta.hidden_cols = frozenset(self.hidden)
        if meta.hidden_cols or meta.merges or meta.errors or meta.percent:
            meta.first_col = self.first_col or 0
        return meta


_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml")
_SMALL_PART = 16 << 20


def _sheet_scans(archive: zipfile.ZipFile) -> dict[str, tuple[str, _SheetScan]]:
    """Zip entry -> (sheet name, a scan to feed) of every sheet the workbook lists."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    percent_styles = _percent_styles(archive)
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets |= {i: t for t, i in re.findall(r'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    scans = {}
    for tag in re.findall(r"<sheet [^>]*>", workbook):
        name = re.search(r'name="([^"]+)"', tag)
        rel = re.search(r'r:id="([^"]+)"', tag)
        if not name or not rel:
            continue
        target = targets.get(rel.group(1), "").lstrip("/")
        target = target if target.startswith("xl/") else f"xl/{target}"
        scans[target] = (_xml_unescape(name.group(1)), _SheetScan(percent_styles))
    return scans


class XlsxScan:
    """SheetMeta of each sheet of an xlsx, found while guards.xlsx_problem streams the sheets' XML
    (`feeder`): decompressing and scanning it a second time cost as much as the guard's own pass
    (3 s of CPU on the region's 55 workbooks). A sheet the guard did not read to its end is read by
    `metas`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.scans: dict[str, tuple[str, _SheetScan]] | None = None  # zip entry -> (sheet name, scan)
        try:
            with zipfile.ZipFile(path) as archive:
                # Read before the size guard: only parts that say they are small (a zip entry never
                # inflates beyond its declared size); otherwise all is read after the guard, in metas.
                if all(info.file_size <= _SMALL_PART for info in archive.infolist() if info.filename in _PARTS):
                    self.scans = _sheet_scans(archive)
        except (KeyError, zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
            self.scans = {}  # not read as an xlsx package: the reader's own error applies

    def feeder(self, entry: str) -> Callable[[bytes], None] | None:
        found = (self.scans or {}).get(entry)
        return found[1].feed if found else None

    def metas(self) -> dict[str, SheetMeta]:
        """SheetMeta of each sheet by name; {} for a file that is no xlsx package."""
        found = {}
        try:
            with zipfile.ZipFile(self.path) as archive:
                if self.scans is None:
                    self.scans = _sheet_scans(archive)
                for target, (name, scan) in self.scans.items():
                    if not scan.complete:  # the guard stopped before this sheet's end: read it now
                        scan = _SheetScan(scan.percent_styles)
                        for data in _chunks(functools.partial(archive.open, target)):
                            scan._scan(data)
                    found[name] = scan.result()
        except (KeyError, zipfile.BadZipFile, ValueError):
            return {}
        return found


def xlsx_meta(path: Path) -> dict[str, SheetMeta]:
    """SheetMeta of each sheet by name, every sheet read here; {} for a file that is no xlsx package."""
    return XlsxScan(path).metas()


def _xml_unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
            .replace("&amp;", "&"))


_XLS_ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A"}


def xls_meta(path: Path | None = None, data: bytes | None = None) -> dict[str, SheetMeta]:
    """SheetMeta of each sheet of a legacy .xls workbook (xlrd reads the BIFF records calamine does
    not expose); {} when xlrd is missing or cannot read the file."""
    try:
        import xlrd
    except ImportError:
        return {}
    try:
        book = xlrd.open_workbook(filename=str(path) if data is None else None, file_contents=data,
                                  formatting_info=True, on_demand=True)
    except Exception:  # noqa: BLE001 - xlrd raises many types; calamine's reading decides about the file
        try:
            book = xlrd.open_workbook(filename=str(path) if data is None else None, file_contents=data, on_demand=True)
        except Exception:  # noqa: BLE001
            return {}
    found = {}
    try:
        for index, name in enumerate(book.sheet_names()):
            sheet = book.sheet_by_index(index)
            meta = SheetMeta()
            first_row = first_col = None
            for r in range(sheet.nrows):
                types = sheet.row_types(r)
                for c, kind in enumerate(types):
                    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        continue
                    if kind == xlrd.XL_CELL_TEXT and sheet.cell_value(r, c) == "":
                        continue
                    first_row = r if first_row is None else first_row
                    first_col = c if first_col is None else min(first_col, c)
                    if kind == xlrd.XL_CELL_ERROR:
                        meta.errors[(r + 1, c)] = _XLS_ERRORS.get(sheet.cell_value(r, c), "#N/A")
            meta.first_row = (first_row or 0) + 1
            meta.first_col = first_col or 0
            meta.merges = [(r1 + 1, c1, r2, c2 - 1) for r1, r2, c1, c2 in getattr(sheet, "merged_cells", [])]
            info = getattr(sheet, "colinfo_map", {}) or {}
            meta.hidden_cols = frozenset(c for c, col in info.items() if getattr(col, "hidden", 0))
            found[name] = meta
    finally:
        book.release_resources()
    return found


_ODS_TABLE = re.compile(rb'<table:table [^>]*?table:name="([^"]*)"')
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(/>|>)")


_ODS_CELL = re.compile(rb"<table:(?:covered-)?table-cell\b([^>]*?)(/>|>)")
_ODS_COLUMN = re.compile(rb"<table:table-column\b([^>]*?)/?>")


def _ods_cells(meta: SheetMeta, body: bytes) -> None:
    """Error cells, merges, hidden columns and the first column of an .ods sheet (only parsed cell by
    cell when the sheet holds one of them)."""
    column = 0
    for match in _ODS_COLUMN.finditer(body[:body.find(b"<table:table-row")]):
        repeat = re.search(rb'table:number-columns-repeated="(\d+)"', match.group(1))
        count = min(int(repeat.group(1)) if repeat else 1, 16384)
        if b'table:visibility="collapse"' in match.group(1):
            meta.hidden_cols = frozenset(meta.hidden_cols | set(range(column, column + count)))
        column += count
    row, first_col = 1, None
    for match in _ODS_ROW.finditer(body):
        repeat = re.search(rb'table:number-rows-repeated="(\d+)"', match.group(1))
        if match.group(2) == b">":
            close = body.find(b"</table:table-row>", match.end())
            cells, column = body[match.end():close], 0
            for cell in _ODS_CELL.finditer(cells):
                attributes = cell.group(1)
                across = re.search(rb'table:number-columns-repeated="(\d+)"', attributes)
                content = cell.group(2) == b">" and (b"office:value" in attributes or b"calcext:value-type" in attributes)
                if content:
                    first_col = column if first_col is None else min(first_col, column)
                if b'calcext:value-type="error"' in attributes:
                    end = cells.find(b"</table:table-cell>", cell.end())
                    text = re.sub(rb"<[^>]+>", b"", cells[cell.end():end]).decode("utf-8", "replace").strip()
                    meta.errors[(row, column)] = text or "#N/A"
                spanned = re.search(rb'table:number-rows-spanned="(\d+)"', attributes)
                if spanned and int(spanned.group(1)) > 1:
                    meta.merges.append((row, column, row + int(spanned.group(1)) - 1, column))
                column += int(across.group(1)) if across else 1
        row += int(repeat.group(1)) if repeat else 1
    meta.first_col = first_col or 0


def ods_meta(path: Path | None = None, data: bytes | None = None) -> dict[str, SheetMeta]:
    """SheetMeta of each sheet of an .ods workbook: first row (calamine drops leading empty rows
    there too), and error cells (calamine reads them as empty), merges and hidden columns."""
    import io

    found = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as archive:
            content = archive.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return found
    tables = list(_ODS_TABLE.finditer(content))
    for number, table in enumerate(tables):
        end = tables[number + 1].start() if number + 1 < len(tables) else len(content)
        body, row = content[table.end():end], 1
        meta = SheetMeta()
        for match in _ODS_ROW.finditer(body):
            repeat = re.search(rb'table:number-rows-repeated="(\d+)"', match.group(1))
            if match.group(2) == b">":
                close = body.find(b"</table:table-row>", match.end())
                cells = body[match.end():close]
                if b"office:value" in cells or re.search(rb"<text:p[^>]*>[^<]", cells) or b"<text:span" in cells:
                    meta.first_row = row
                    break
            row += int(repeat.group(1)) if repeat else 1
        if (b'calcext:value-type="error"' in body or b"number-rows-spanned" in body
                or b'table:visibility="collapse"' in body):
            _ods_cells(meta, body)
        found[_xml_unescape(table.group(1).decode("utf-8", "replace"))] = meta
    return found
