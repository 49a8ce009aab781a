"""The three file formats of an export, each rendered to bytes (the caller writes them atomically).

- xlsx: a printable workbook for leaders — cover, one sheet per indicator family, definitions.
- csv: UTF-8 with BOM (Excel and WPS open the Chinese correctly), Chinese headers, no formula injection.
- parquet: the same rows with their types (dates as dates, numbers as doubles / ints) for other systems.
"""

from __future__ import annotations

import io
import math
from datetime import datetime

import polars as pl
import xlsxwriter

from lvzhi import labels, sheets

# Columns of an export, in order. Parquet keeps these names; CSV and workbooks use the Chinese labels.
COLUMNS = {column: labels.column(column) for column in (
    "indicator_id", "indicator_name", "family", "scope_level", "scope_code", "scope_name",
    "period_type", "period_label", "period_start", "period_end", "as_of", "numerator", "denominator", "value",
    "unit", "target", "direction", "is_small_sample", "status",
)}
STATUS_FILLS = {"green": "#C6EFCE", "amber": "#FFEB9C", "red": "#FFC7CE"}  # Excel's own good/neutral/bad
NUMBER_FORMATS = {"rate": "0.0%", "count": "#,##0", "days": "0.0", "persons": "0.0", "score": "0.0"}


STATUS_ZH = {status: zh for status, (zh, _) in labels.STATUSES.items()}


def status_label(status: str | None) -> str | None:
    return STATUS_ZH.get(status, status)


family_label = labels.family


# ------------------------------------------------------------------ csv and parquet


def to_csv(rows: pl.DataFrame) -> bytes:
    shown = rows.with_columns(
        pl.col("status").replace_strict(STATUS_ZH, default=pl.col("status")),
        pl.col("family").map_elements(family_label, return_dtype=pl.String),
        pl.when(pl.col("is_small_sample")).then(pl.lit("是")).otherwise(pl.lit("否")).alias("is_small_sample"),
    )
    return sheets.csv_bytes(shown.rename(COLUMNS))


def to_parquet(rows: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    rows.write_parquet(buffer, compression="zstd", statistics=True)
    return buffer.getvalue()


# ------------------------------------------------------------------ workbook

SHEET_COLUMNS = tuple((column, labels.column(column), width) for column, width in (  # column, header, width
    ("indicator_name", 30), ("scope_name", 22), ("period_label", 12), ("numerator", 10), ("denominator", 10),
    ("value", 11), ("target", 10), ("status", 11), ("indicator_id", 34), ("scope_code", 11),
))
FRESHNESS_COLUMNS = (("prefecture_name", "地州市", 22), ("last_submitted_on", "最近报送日期", 14),
                     ("last_loaded_at", "最近入库时间", 20), ("files_loaded", "文件数", 8),
                     ("rows_loaded", "入库行数", 10), ("rows_quarantined", "隔离行数", 10))
DEFINITION_COLUMNS = (("indicator_id", "指标编号", 30), ("name_zh", "指标", 26), ("family", "类别", 14),
                      ("formula_zh", "公式", 60), ("unit", "单位", 8), ("target", "目标", 8),
                      ("direction", "方向", 8), ("basis", "依据", 30))


def to_xlsx(rows: pl.DataFrame, catalogue: pl.DataFrame, freshness: pl.DataFrame, cover: dict[str, str],
            generated: datetime) -> bytes:
    """The workbook: 封面 (cover), one sheet per family of the catalogue that has rows, 指标定义.

    `cover` is ordered: its first item is the title, the rest are label → text lines.
    Text is always written with write_string, so a title or name starting with = is never a formula.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**sheets.XLSX_OPTIONS, "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"title": next(iter(cover.values())), "created": generated})
    styles = _styles(workbook)
    title = next(iter(cover.values()))
    subtitle = " · ".join(f"{key} {cover[key]}" for key in ("范围", "期间", "统计日") if key in cover)
    _cover(workbook, styles, cover, freshness)
    families = [f for f in dict.fromkeys(catalogue["family"].to_list()) if f in set(rows["family"].to_list())]
    for family in families:
        _family_sheet(workbook, styles, family_label(family), rows.filter(pl.col("family") == family), title,
                      subtitle)
    _definitions(workbook, styles, catalogue, title, subtitle)
    workbook.close()
    return buffer.getvalue()


def _styles(workbook) -> dict:
    add = workbook.add_format
    base = {"font_name": "Noto Sans CJK SC", "font_size": 10, "valign": "vcenter"}
    styles = {
        "title": add({**base, "bold": True, "font_size": 16}),
        "label": add({**base, "bold": True}),
        "text": add(base),
        "wrap": add({**base, "text_wrap": True}),
        "header": add({**base, "bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True}),
        "general": add({**base, "num_format": "General"}),
        "centre": add({**base, "align": "center"}),
    }
    for unit, number_format in NUMBER_FORMATS.items():
        styles[unit] = add({**base, "num_format": number_format})
    for status, colour in STATUS_FILLS.items():
        styles[f"fill_{status}"] = add({"bg_color": colour})
    return styles


def _print_setup(sheet, title: str, subtitle: str = "") -> None:
    """A4 landscape, one page wide, the header row on every page; title and period in the page header."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header(f"&L&8{_header_text(title)}&R&8{_header_text(subtitle)}")
    sheet.set_footer("&C&8第 &P 页，共 &N 页")


def _header_text(text: str) -> str:
    return text.replace("&", "&&")[:100]  # & starts a control code; Excel allows 255 characters in all


def _write(sheet, row: int, column: int, value, style) -> None:
    if value is None:
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_string(row, column, "是" if value else "否", style)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def _table(sheet, styles, top: int, columns, records: list[dict], style_of=None) -> int:
    for number, (_, header, width) in enumerate(columns):
        sheet.write_string(top, number, header, styles["header"])
        sheet.set_column(number, number, width)
    for offset, record in enumerate(records, start=1):
        for number, (column, _, _) in enumerate(columns):
            style = style_of(column, record) if style_of else styles["text"]
            _write(sheet, top + offset, number, record.get(column), style)
    return top + len(records)


def _cover(workbook, styles, cover: dict[str, str], freshness: pl.DataFrame) -> None:
    sheet = workbook.add_worksheet("封面")
    items = list(cover.items())
    sheet.write_string(0, 0, items[0][1], styles["title"])
    sheet.set_row(0, 28)
    for row, (label, text) in enumerate(items[1:], start=2):
        sheet.write_string(row, 0, label, styles["label"])
        sheet.write_string(row, 1, text, styles["text"])
    top = len(items) + 2
    sheet.write_string(top, 0, "各地州市数据报送情况", styles["label"])
    records = [{**r, "last_submitted_on": _iso(r["last_submitted_on"]) or "尚未报送",
                "last_loaded_at": _iso(r["last_loaded_at"])} for r in freshness.iter_rows(named=True)]
    _table(sheet, styles, top + 1, FRESHNESS_COLUMNS, records)
    sheet.set_column(1, 1, 40)
    _print_setup(sheet, items[0][1])
    sheet.set_portrait()


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else value.isoformat()


def _family_sheet(workbook, styles, name: str, rows: pl.DataFrame, title: str, subtitle: str) -> None:
    sheet = workbook.add_worksheet(name[:31])

    def style_of(column: str, record: dict):
        if column in ("value", "target"):
            return styles.get(record["unit"], styles["general"])
        if column == "status":
            return styles["centre"]
        return styles["general"] if column in ("numerator", "denominator") else styles["text"]

    records = [{**r, "status": status_label(r["status"]), "_status": r["status"]} for r in rows.iter_rows(named=True)]
    last = _table(sheet, styles, 0, SHEET_COLUMNS, records, style_of)
    status_column = chr(ord("A") + [c for c, _, _ in SHEET_COLUMNS].index("status"))
    for status in STATUS_FILLS:  # red / amber / green from the status the warehouse computed
        sheet.conditional_format(1, 0, max(last, 1), len(SHEET_COLUMNS) - 1, {
            "type": "formula", "criteria": f'=${status_column}2="{status_label(status)}"',
            "format": styles[f"fill_{status}"]})
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(last, 1), len(SHEET_COLUMNS) - 1)
    _print_setup(sheet, f"{title} · {name}", subtitle)


def _definitions(workbook, styles, catalogue: pl.DataFrame, title: str, subtitle: str) -> None:
    sheet = workbook.add_worksheet("指标定义")
    records = [{**r, "family": family_label(r["family"])} for r in catalogue.iter_rows(named=True)]

    def style_of(column: str, record: dict):
        if column == "target":
            return styles.get(record["unit"], styles["general"])
        return styles["wrap"] if column in ("formula_zh", "basis") else styles["text"]

    _table(sheet, styles, 0, DEFINITION_COLUMNS, records, style_of)
    widths = {column: width for column, _, width in DEFINITION_COLUMNS}
    for row, record in enumerate(records, start=1):  # row heights for the wrapped text: readers do not grow rows
        lines = max(_lines(record.get(column), widths[column]) for column in ("formula_zh", "basis"))
        sheet.set_row(row, 14 * lines)
    _print_setup(sheet, f"{title} · 指标定义", subtitle)


def _lines(text: str | None, width: float) -> int:
    """Lines a text wraps to in a column `width` characters wide (a Chinese character is two)."""
    columns = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text or "")
    return max(1, math.ceil(columns / max(width - 4, 1)))  # a little short: fonts differ


# ------------------------------------------------------------------ 催办清单 (suggestions due soon)

DUE_SOON_COLUMNS = (  # column, header, width
    ("prefecture_name", "地州市", 14), ("unit_name", "承办单位", 22), ("unit_role", "承办身份", 8),
    ("suggestion_id", "建议编号", 14), ("title", "标题", 40), ("assigned_on", "交办日期", 12),
    ("statutory_due_on", "法定期限", 12), ("extended_due", "延期至", 12), ("due_on", "答复期限", 12),
    ("days_left", "剩余天数", 8), ("is_key_supervised", "重点督办", 8), ("supervising_leader", "督办领导", 14),
    ("unit_on_time_rate_last_year", "单位近一年按期答复率", 12), ("unit_due_or_replied_last_year", "按期率分母(n)", 10),
)
DUE_SOON_UNIT_COLUMNS = (
    ("prefecture_name", "地州市", 14), ("unit_name", "承办单位", 24), ("due_soon", "即将到期未答复件数", 12),
    ("fewest_days_left", "最少剩余天数", 12), ("key_supervised", "其中重点督办", 12),
    ("unit_on_time_rate_last_year", "单位近一年按期答复率", 14), ("unit_due_or_replied_last_year", "按期率分母(n)", 12),
)


def due_soon_csv(rows: pl.DataFrame) -> bytes:
    shown = rows.select([column for column, _, _ in DUE_SOON_COLUMNS]).with_columns(
        pl.when(pl.col("is_key_supervised")).then(pl.lit("是")).otherwise(pl.lit("否")).alias("is_key_supervised"))
    return sheets.csv_bytes(shown.rename({column: header for column, header, _ in DUE_SOON_COLUMNS}))


def due_soon_xlsx(rows: pl.DataFrame, freshness: pl.DataFrame, cover: dict[str, str], generated: datetime,
                  summary: bool) -> bytes:
    """封面, (the summary: 按单位汇总, one row per unit), 催办清单 (one row per suggestion and unit)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {**sheets.XLSX_OPTIONS, "strings_to_urls": False, "strings_to_numbers": False})
    title = next(iter(cover.values()))
    workbook.set_properties({"title": title, "created": generated})
    styles = _styles(workbook)
    subtitle = " · ".join(f"{key} {cover[key]}" for key in ("范围", "统计日") if key in cover)
    _cover(workbook, styles, cover, freshness)

    def style_of(column: str, record: dict):
        if column == "unit_on_time_rate_last_year":
            return styles["rate"]
        return styles["general"] if column in ("days_left", "due_soon", "fewest_days_left", "key_supervised",
                                               "unit_due_or_replied_last_year") else styles["text"]

    def dated(record: dict) -> dict:
        return {key: (_iso(value) if hasattr(value, "isoformat") else value) for key, value in record.items()}

    if summary:
        units = (rows.group_by("prefecture_name", "unit_name", maintain_order=True).agg(
            pl.len().alias("due_soon"), pl.col("days_left").min().alias("fewest_days_left"),
            pl.col("is_key_supervised").sum().alias("key_supervised"),
            pl.col("unit_on_time_rate_last_year").first(), pl.col("unit_due_or_replied_last_year").first(),
        ) if rows.height else pl.DataFrame())
        sheet = workbook.add_worksheet("按单位汇总")
        last = _table(sheet, styles, 0, DUE_SOON_UNIT_COLUMNS, [dated(r) for r in units.iter_rows(named=True)], style_of)
        sheet.freeze_panes(1, 2)
        sheet.autofilter(0, 0, max(last, 1), len(DUE_SOON_UNIT_COLUMNS) - 1)
        _print_setup(sheet, f"{title} · 按单位汇总", subtitle)
    sheet = workbook.add_worksheet("催办清单")
    last = _table(sheet, styles, 0, DUE_SOON_COLUMNS, [dated(r) for r in rows.iter_rows(named=True)], style_of)
    sheet.freeze_panes(1, 4)
    sheet.autofilter(0, 0, max(last, 1), len(DUE_SOON_COLUMNS) - 1)
    _print_setup(sheet, f"{title} · 催办清单", subtitle)
    workbook.close()
    return buffer.getvalue()
