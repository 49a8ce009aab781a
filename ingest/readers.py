"""Read a clerk's file (xlsx or csv, any of the encodings they use) into text tables.

Every cell stays text here; `_row_number` is the row as the clerk sees it in Excel (or the line
of the CSV), so that an error report points at the right place.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest.schemas import KINDS, Kind

HEADER_SCAN_ROWS = 30
ROW_NUMBER = "_row_number"


class FileRejected(Exception):
    """The whole file cannot be read; the message (Chinese) tells the clerk why."""


@dataclass
class SheetTable:
    kind: Kind
    sheet: str | None  # None for CSV
    frame: pl.DataFrame  # canonical English column names, all text, plus _row_number
    header_row: int
    ignored_headers: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    tables: list[SheetTable]
    encoding: str | None
    skipped_sheets: list[str]


def normalize_header(text: str | None) -> str:
    """'  代表编号（必填）* ' -> '代表编号'; 'Deputy_ID*' -> 'deputy_id'."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\(.*?\)", "", text)
    text = re.sub(r"[\s*]", "", text)
    return text.lower()


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


def _table(frame: pl.DataFrame, kind: Kind, sheet: str | None, header_index: int,
           first_row_number: int, source: str) -> SheetTable:
    """Rename the header row's columns to canonical names and number the data rows."""
    header = frame.row(header_index)
    lookup = HEADER_LOOKUP[kind.name]
    renames, ignored, seen = {}, [], set()
    for position, cell in enumerate(header):
        name = lookup.get(normalize_header(cell))
        if name and name not in seen:
            renames[frame.columns[position]] = name
            seen.add(name)
        elif cell not in (None, ""):
            ignored.append(str(cell))
    missing = [c.header for c in kind.columns if c.required and c.name not in seen]
    where = f"工作表“{sheet}”" if sheet else "文件"
    if missing:
        raise FileRejected(
            f"{source}：{where}第 {first_row_number + header_index} 行的表头缺少必填列："
            f"{'、'.join(missing)}（请使用模板中的列名）"
        )
    data = (
        frame.slice(header_index + 1)
        .select([pl.col(old).alias(new) for old, new in renames.items()])
        .with_row_index(ROW_NUMBER, offset=first_row_number + header_index + 1)
        .with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    )
    # Rows with no value at all are blank lines, not records.
    values = [c for c in data.columns if c != ROW_NUMBER]
    data = data.filter(pl.any_horizontal(pl.col(values).str.strip_chars().str.len_chars() > 0))
    # One chunk: Polars 2.1 intermittently panics ("i < self.len()") filtering multi-chunk string views.
    return SheetTable(kind, sheet, data.rechunk(), first_row_number + header_index, ignored)


# ---------------------------------------------------------------- CSV


def decode(raw: bytes, source: str) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise FileRejected(
                f"{source}：文件标明为 UTF-8 编码，但第 {error.start + 3} 字节处内容损坏（文件可能被截断），请重新导出"
            ) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(f"{source}：文件是 UTF-16 编码，请在 Excel/WPS 中另存为“CSV UTF-8”或 xlsx")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"{source}：文件编码无法识别（既不是 UTF-8 也不是 GBK/GB18030，"
            f"第 {error.start} 字节处出错），请另存为 xlsx 或 CSV UTF-8"
        ) from None


def read_csv(path: Path, data: bytes | None = None) -> ReadResult:
    source = path.name
    raw = path.read_bytes() if data is None else data
    text, encoding = decode(raw, source)
    head = list(csv.reader(io.StringIO("\n".join(text[:200_000].splitlines()[:HEADER_SCAN_ROWS]))))
    chosen = _choose_kind(head, kind_from_name(path.stem))
    if chosen is None:
        raise FileRejected(
            f"{source}：前 {HEADER_SCAN_ROWS} 行中找不到可识别的表头"
            f"（文件编码按 {encoding} 读取）；请使用模板中的列名"
        )
    kind, header_index = chosen
    width = len(head[header_index])
    frame = pl.read_csv(
        io.BytesIO(raw if encoding == "utf-8" else text.encode("utf-8")),
        has_header=False, infer_schema=False, skip_rows=header_index,
        new_columns=[f"c{i}" for i in range(width)], truncate_ragged_lines=True,
    )
    table = _table(frame, kind, None, 0, header_index + 1, source)
    return ReadResult([table], encoding, [])


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
        tables.append(_table(frame, kind, sheet, header_index, first_rows.get(sheet, 1), source))
    if not tables:
        raise FileRejected(f"{source}：没有一个工作表含可识别的表头（请使用模板中的列名）")
    return ReadResult(tables, None, skipped)


def read_file(path: Path) -> ReadResult:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    raise FileRejected(f"{path.name}：不支持的文件类型“{suffix}”，请提交 .xlsx 或 .csv")
