"""One formatter for every number, date and code a person reads: the dashboard's pages and
downloads and the export files use these (no Streamlit here).

- years as plain digits (2025, never 2,025); counts with thousands separators (1,320);
- days as whole numbers (365 天); rates in percent with one decimal (93.2%); scores with one decimal;
- times in Asia/Shanghai (北京时间), without seconds; booleans 是/否;
- codes and enumerations with their Chinese labels (scope levels, reply classes with their meaning,
  periods, formats, job schedules in words such as 每月2日 07:00).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
DASH = "—"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def year(value) -> str:
    return DASH if _missing(value) else str(int(value))


def count(value) -> str:
    return DASH if _missing(value) else f"{round(float(value)):,.0f}"


def days(value, language: str = "zh") -> str:
    if _missing(value):
        return DASH
    return f"{round(float(value)):,.0f} 天" if language == "zh" else f"{round(float(value)):,.0f} days"


def rate(value) -> str:
    """A fraction shown in percent with one decimal."""
    return DASH if _missing(value) else f"{float(value) * 100:.1f}%"


def score(value) -> str:
    return DASH if _missing(value) else f"{float(value):,.1f}"


def value(number, unit: str | None, language: str = "zh") -> str:
    """An indicator value in its unit (catalogue `unit`: rate, count, days, persons, score)."""
    if _missing(number):
        return DASH
    if unit == "rate":
        return rate(number)
    if unit == "days":
        return days(number, language)
    if unit in ("persons", "score"):
        return score(number)
    return count(number)


def delta(current, previous, unit: str | None, language: str = "zh") -> str | None:
    """The change since the previous period as shown; None when there is nothing to compare or
    the change rounds to zero (a zero change is neutral: no arrow, no colour)."""
    if _missing(current) or _missing(previous):
        return None
    change = float(current) - float(previous)
    if unit == "rate":
        shown = round(change * 100, 1)
        return None if shown == 0 else f"{shown:+.1f} {'个百分点' if language == 'zh' else 'pp'}"
    if unit in ("persons", "score"):
        shown = round(change, 1)
        return None if shown == 0 else f"{shown:+,.1f}"
    shown = round(change)
    return None if shown == 0 else f"{shown:+,.0f}"


def yes_no(flag, language: str = "zh") -> str:
    if flag is None:
        return DASH
    return ("是" if flag else "否") if language == "zh" else ("yes" if flag else "no")


def local_time(moment, language: str = "zh", suffix: bool = True) -> str:
    """An instant (datetime or ISO text; naive means UTC) in Beijing time, to the minute."""
    if _missing(moment) or moment == "":
        return DASH
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return moment
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo("UTC"))
        text = moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        if not suffix:
            return text
        return f"{text}（北京时间）" if language == "zh" else f"{text} (Beijing)"
    if isinstance(moment, date):
        return moment.isoformat()
    return str(moment)


# ------------------------------------------------------------------ codes and enumerations

SCOPE_LEVELS = {"region": ("全区", "region"), "prefecture": ("地州市", "prefecture"), "county": ("县（市、区）", "county"),
                "handling_unit": ("办理单位", "handling unit"), "deputy": ("代表", "deputy")}
REPLY_CLASSES = {
    "A": ("A 已解决或基本解决", "A solved or mostly solved"),
    "B": ("B 正在解决或列入计划", "B being solved or planned"),
    "C": ("C 因条件限制暂难解决", "C not solvable for now"),
    "D": ("D 留作参考", "D kept for reference"),
}
PERIODS = {"last_month": ("上一个完整月份", "last complete month"),
           "last_quarter": ("上一个完整季度", "last complete quarter"),
           "year_to_date": ("本年截至统计日", "year to date"), "term": ("本届任期", "the terms under way"),
           "as_of": ("截至统计日", "as of the as-of date"), "last_year": ("上一个完整年度", "last complete year"),
           "month": ("月度", "month"), "quarter": ("季度", "quarter"), "year": ("年度", "year")}
FORMATS = {"xlsx": ("Excel 工作簿", "Excel workbook"), "csv": ("CSV（UTF-8）", "CSV (UTF-8)"),
           "parquet": ("Parquet 数据文件", "Parquet file")}
STATES = {"ok": ("成功", "succeeded"), "success": ("成功", "succeeded"), "failed": ("失败", "failed"),
          "error": ("失败", "failed"), "busy": ("正在运行，已跳过", "busy, skipped"), "skipped": ("已跳过", "skipped")}
DIRECTIONS = {"higher": ("越高越好", "higher is better"), "lower": ("越低越好", "lower is better")}
KINDS = {"deputies": ("代表名册", "roster"), "meetings": ("会议", "meetings"), "attendance": ("出席列席", "attendance"),
         "motions": ("议案", "motions"), "suggestions": ("建议", "suggestions"), "activities": ("代表活动", "activities"),
         "liaison": ("联系代表", "liaison"), "contacts": ("联系记录", "contacts"), "stations": ("家室站", "stations"),
         "receptions": ("接待", "receptions"), "trainings": ("培训", "trainings"),
         "projects": ("民生实事", "livelihood projects"), "replies": ("答复记录", "replies")}
UNITS = {"rate": ("比率(%)", "rate (%)"), "count": ("件数", "count"), "days": ("天", "days"),
         "persons": ("人次", "persons"), "score": ("分", "points")}


def code(mapping: dict[str, tuple[str, str]], key, language: str = "zh") -> str:
    if _missing(key) or key == "":
        return DASH
    pair = mapping.get(str(key))
    return str(key) if pair is None else pair[language == "en"]


def scope_level(key, language: str = "zh") -> str:
    return code(SCOPE_LEVELS, key, language)


def reply_class(key, language: str = "zh") -> str:
    return code(REPLY_CLASSES, key, language)


def period(key, language: str = "zh") -> str:
    return code(PERIODS, key, language)


def file_format(key, language: str = "zh") -> str:
    return code(FORMATS, key, language)


_WEEKDAYS = ("日", "一", "二", "三", "四", "五", "六", "日")


def cron_words(expression: str, language: str = "zh") -> str:
    """A 5-field cron line in words, for the common shapes (每天/每周/每月/每年 at a time);
    anything else is shown as it is, labelled."""
    fields = expression.split()
    if len(fields) != 5:
        return expression
    minute, hour, day, month, weekday = fields
    if not (minute.isdigit() and hour.isdigit()):
        return f"按计划（cron {expression}）" if language == "zh" else f"cron {expression}"
    at = f"{int(hour):02d}:{int(minute):02d}"
    if language != "zh":
        if day == "*" and month == "*" and weekday == "*":
            return f"daily at {at}"
        if month == "*" and weekday == "*" and day.isdigit():
            return f"monthly on day {day} at {at}"
        return f"cron {expression} ({at})"
    if day == "*" and month == "*" and weekday == "*":
        return f"每天 {at}"
    if day == "*" and month == "*" and weekday.isdigit():
        return f"每周{_WEEKDAYS[int(weekday)]} {at}"
    if month == "*" and weekday == "*" and day.isdigit():
        return f"每月{int(day)}日 {at}"
    if weekday == "*" and day.isdigit() and re.fullmatch(r"\d+(,\d+)*", month):
        months = "、".join(f"{int(m)}月" for m in month.split(","))
        return f"每年{months}{int(day)}日 {at}"
    if weekday == "*" and day.isdigit() and re.fullmatch(r"\*/\d+", month):
        return f"每{month[2:]}个月的{int(day)}日 {at}"
    return f"按计划（cron {expression}）"


# ------------------------------------------------------------------ tables (pages, downloads, exports)

# Columns by what they hold, so every table shows them alike wherever it comes from.
YEAR_COLUMNS = frozenset({"year", "year_number", "birth_year", "planned_year"})
DAY_COLUMNS = frozenset({"days_overdue", "days_served", "days_to_reply", "days_left", "median_days"})
SCORE_COLUMNS = frozenset({"duty_score", "duty_score_per_365_days", "score"})
CODE_COLUMNS = {"reply_class": REPLY_CLASSES, "kind": KINDS, "scope_level": SCOPE_LEVELS, "period_type": PERIODS,
                "format": FORMATS, "direction": DIRECTIONS, "unit": UNITS}
TIME_COLUMNS = frozenset({"last_loaded_at", "loaded_at", "generated_at", "created_at", "published_at", "at"})


def tidy(df, percent: tuple[str, ...] = (), language: str = "zh"):
    """A polars table as people read it, the same on a page, in a download and in an export:
    booleans 是/否, codes with their labels, years and days as whole numbers, scores with one
    decimal, `percent` columns (fractions) in percent with one decimal, whole-number decimals as
    integers, instants in Beijing time."""
    import polars as pl

    columns = []
    for name, dtype in df.schema.items():
        column = pl.col(name)
        if name in percent:
            column = (column.cast(pl.Float64) * 100).round(1)
        elif dtype == pl.Boolean:
            yes, no = ("是", "否") if language == "zh" else ("yes", "no")
            column = pl.when(column).then(pl.lit(yes)).when(~column).then(pl.lit(no)).otherwise(None)
        elif name in CODE_COLUMNS and dtype == pl.String:
            mapping = {key: pair[language == "en"] for key, pair in CODE_COLUMNS[name].items()}
            column = column.replace(mapping)
        elif name in YEAR_COLUMNS and (dtype.is_numeric()):
            column = column.cast(pl.Float64).round(0).cast(pl.Int64)
        elif name in DAY_COLUMNS and dtype.is_numeric():
            column = column.cast(pl.Float64).round(0).cast(pl.Int64)
        elif name in SCORE_COLUMNS and dtype.is_numeric():
            column = column.cast(pl.Float64).round(1)
        elif isinstance(dtype, pl.Decimal):
            column = column.cast(pl.Int64 if dtype.scale == 0 else pl.Float64)
        elif name in TIME_COLUMNS and (dtype == pl.String or isinstance(dtype, pl.Datetime)):
            column = column.map_elements(lambda moment: local_time(moment, language, suffix=False), return_dtype=pl.String)
        columns.append(column.alias(name))
    return df.select(columns)
