"""Files a clerk would send: the world's frames as xlsx (title rows, one Ili workbook per year) and
UTF-8/BOM/GBK CSV, in each prefecture's own date style."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from devtools.synth.world import EXCEL_EPOCH_OFFSET, FIXED_CREATED, FORMATS, KIND_TITLES, SPLIT_ROWS, YEARS, Pref
from ingest.schemas import BOOL, DATE, FLOAT, INT, KINDS, Kind


# ---------------------------------------------------------------------------------------------
# Files: parts (a sheet or a csv), text conversion, injected errors, writers
# ---------------------------------------------------------------------------------------------

@dataclass
class Part:
    file: str
    sheet: str | None
    kind: Kind
    typed: pl.DataFrame  # schema column names, real types
    first_row: int  # row/line number of the first data row as the clerk sees it
    title: str | None = None
    text: pl.DataFrame | None = None  # Chinese headers, all strings


def _columns(kind: Kind, with_prefecture: bool):
    return [c for c in kind.columns if c.name != "prefecture_code" or with_prefecture]


def _parts(p: Pref, frames: dict[str, pl.DataFrame]) -> list[Part]:
    family, _ = FORMATS[p.code]
    parts = []
    for kind in KINDS:
        df = frames[kind.name]
        dated = df["_year"].null_count() < df.height
        by_year = [(y, df.filter(pl.col("_year") == y)) for y in YEARS] if dated else [(None, df)]
        if family == "ili":
            # One workbook per year; undated kinds (roster, stations) only in the first year's.
            for y, sub in (by_year if dated else [(YEARS[0], df)]):
                parts.append(Part(f"{p.code}_代表履职数据_{y}.xlsx", kind.zh, kind, sub, 2))
        elif family == "xlsx":
            if not dated or df.height <= SPLIT_ROWS:
                by_year = [(None, df)]
            for y, sub in by_year:
                label = f"_{y}" if y else ""
                title = f"{p.name}{KIND_TITLES[kind.name]}" + (f"（{y}年）" if y else "")
                parts.append(Part(f"{p.code}_{kind.zh}{label}.xlsx", kind.zh, kind, sub, 4, title))
        else:
            for y, sub in by_year:
                label = f"_{y}" if y else ""
                parts.append(Part(f"{p.code}_{kind.zh}{label}.csv", None, kind, sub, 2))
    return [pt for pt in parts if pt.typed.height > 0]


def _fmt_date_expr(c: pl.Expr, style: str) -> pl.Expr:
    if style in ("iso", "excel"):  # excel: turned into real date cells by the writer
        return c.dt.strftime("%Y-%m-%d")
    pattern = {"cn": "{}年{}月{}日", "slash": "{}/{}/{}", "dot": "{}.{}.{}"}[style]
    return pl.format(pattern, c.dt.year(), c.dt.month(), c.dt.day())


def _fmt_date(d: date, style: str) -> str:
    if style in ("iso", "excel"):
        return d.isoformat()
    return {"cn": "{}年{}月{}日", "slash": "{}/{}/{}", "dot": "{}.{}.{}"}[style].format(d.year, d.month, d.day)


def _to_text(part: Part, style: str, pref_code: str, with_prefecture: bool) -> pl.DataFrame:
    exprs = []
    for col in _columns(part.kind, with_prefecture):
        if col.name == "prefecture_code":
            e = pl.lit(pref_code)
        elif col.type == DATE:
            e = _fmt_date_expr(pl.col(col.name), style)
        elif col.type == BOOL:
            e = pl.when(pl.col(col.name)).then(pl.lit("是")).otherwise(pl.lit("否"))
            e = pl.when(pl.col(col.name).is_null()).then(None).otherwise(e)
        else:
            e = pl.col(col.name).cast(pl.String)
        exprs.append(e.cast(pl.String).alias(col.header))
    return part.typed.select(exprs)


def _write_csv(path: Path, parts: list[Part], family: str) -> None:
    (part,) = parts
    crlf = family in ("csv-gbk", "csv-utf8-bom")  # saved from Excel on Windows
    s = part.text.write_csv(line_terminator="\r\n" if crlf else "\n")
    enc = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-sig", "csv-gbk": "gbk"}[family]
    path.write_bytes(s.encode(enc))  # strict: fails loudly on anything GBK cannot hold


def _cell_values(part: Part, style: str) -> list[list]:
    """Per column, the python values to write: numbers/date serials where parseable, else text."""
    cols = []
    by_header = {c.header: c for c in part.kind.columns}
    for h in part.text.columns:
        s = part.text[h]
        col = by_header[h]
        texts = s.to_list()
        if col.type == DATE and style == "excel":
            num = (s.str.to_date("%Y-%m-%d", strict=False).cast(pl.Int32) + EXCEL_EPOCH_OFFSET).to_list()
        elif col.type in (INT, FLOAT):
            num = s.cast(pl.Float64, strict=False).to_list()
            if col.type == INT:
                num = [None if v is None else int(v) for v in num]
        else:
            cols.append(texts)
            continue
        cols.append([t if v is None else v for t, v in zip(texts, num)])
    return cols


def _write_xlsx(path: Path, parts: list[Part], style: str) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"created": FIXED_CREATED, "author": "lvzhi synth"})
    title_fmt = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for part in parts:
        ws = wb.add_worksheet(part.sheet)
        headers = part.text.columns
        ws.set_column(0, len(headers) - 1, 14)
        head_row = 0
        if part.title:
            ws.merge_range(0, 0, 0, len(headers) - 1, part.title, title_fmt)
            head_row = 2  # one blank row, header on Excel row 3
        ws.write_row(head_row, 0, headers, head_fmt)
        by_header = {c.header: c for c in part.kind.columns}
        fmts = [date_fmt if by_header[h].type == DATE else None for h in headers]
        ws_string, ws_number = ws.write_string, ws.write_number
        for r, row in enumerate(zip(*_cell_values(part, style)), start=head_row + 1):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if v.__class__ is str:
                    ws_string(r, c, v)
                else:
                    ws_number(r, c, v, fmts[c])
    wb.close()
