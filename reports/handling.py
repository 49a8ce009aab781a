"""代表建议办理情况报告 (第二十六条): one row per handling unit — assigned (as lead / as co-unit), replied,
on time, reply classes A–D, satisfied, dissatisfied, no feedback, handled again, promises kept — and a
short summary, as a Word file (landscape table) or an xlsx workbook.

Counts are suggestions assigned in the calendar year (fct_suggestion_handling, as of the build's date).
A co-unit's row counts the suggestions it co-handles with the suggestion's own reply, class and rating
(the single-reply columns of 建议 belong to the lead unit). 重新办理 and 承诺兑现 need reply records
(kind 11, issue 18): they are read from indicator_values (suggestion_rehandling_rate, promise_kept_rate
at the handling-unit scope) when the published version has them, otherwise shown as — with a note.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl
import xlsxwriter

from lvzhi import warehouse
from lvzhi.home import Home
from lvzhi.sheets import XLSX_OPTIONS, neutralise
from reports import wordfile
from reports.figures import SCOPE, ReportError, Scope, check_as_of, indicator, scope_of
from reports.numbers import count, percent

Q_UNITS = f"""
select
    handling_unit_id,
    any_value(unit_name) as unit_name,
    any_value(prefecture_code) as prefecture_code,
    count(*) filter (where unit_role = '主办') as as_lead,
    count(*) filter (where unit_role = '协办') as as_co,
    count(*) as assigned,
    count(*) filter (where is_replied) as replied,
    count(*) filter (where is_replied_on_time) as on_time,
    count(*) filter (where is_overdue) as overdue,
    count(*) filter (where reply_class = 'A') as class_a,
    count(*) filter (where reply_class = 'B') as class_b,
    count(*) filter (where reply_class = 'C') as class_c,
    count(*) filter (where reply_class = 'D') as class_d,
    count(*) filter (where satisfaction in ('满意', '基本满意')) as satisfied,
    count(*) filter (where satisfaction = '不满意') as dissatisfied,
    count(*) filter (where is_replied and not has_feedback) as no_feedback
from fct_suggestion_handling
where year(assigned_on) = ? and {SCOPE}
group by handling_unit_id
order by assigned desc, as_lead desc, handling_unit_id
"""

COLUMNS = [  # key, header
    ("unit_name", "承办单位"), ("as_lead", "主办件数"), ("as_co", "协办件数"), ("assigned", "交办合计"),
    ("replied", "已答复"), ("on_time", "按期答复"), ("overdue", "超期未答复"), ("class_a", "A类"), ("class_b", "B类"),
    ("class_c", "C类"), ("class_d", "D类"), ("satisfied", "满意及基本满意"), ("dissatisfied", "不满意"),
    ("no_feedback", "未反馈"), ("handled_again", "重新办理"), ("promises_kept", "承诺兑现"),
]
REPLY_INDICATORS = {"handled_again": "suggestion_rehandling_rate", "promises_kept": "promise_kept_rate"}


@dataclass
class HandlingReport:
    scope: Scope
    year: int
    as_of: date
    units: pl.DataFrame
    totals: dict
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def collect(con, year: int, prefecture: str | None, as_of: date | None = None) -> HandlingReport:
    as_of = check_as_of(con, as_of)
    scope = scope_of(prefecture)
    params = [year, scope.prefecture, scope.prefecture]
    units = con.sql(Q_UNITS, params=params).pl()
    available = {row[0] for row in con.sql("select distinct indicator_id from indicator_values").fetchall()}
    notes = ["协办单位一行按其协办建议本身的答复情况统计（建议表中的答复日期、类别和满意度属于主办单位的答复）。"]
    for column, indicator_id in REPLY_INDICATORS.items():
        if indicator_id in available:
            rows = con.sql("select scope_code, numerator, denominator from indicator_values where indicator_id = ? "
                           "and scope_level = 'handling_unit' and period_type = 'year' and period_label = ?",
                           params=[indicator_id, str(year)]).pl()
            text = {code: f"{count(n)}/{count(d)}" for code, n, d in rows.iter_rows() if d}
            units = units.with_columns(pl.col("handling_unit_id").replace_strict(text, default="—").alias(column))
        else:
            units = units.with_columns(pl.lit("—").alias(column))
            notes.append(f"“{dict(COLUMNS)[column]}”需要答复记录（第11类）及指标 {indicator_id}，"
                         "当前发布的数据版本中尚无，暂以“—”表示。")
    report = HandlingReport(scope, year, as_of, units, {}, notes=notes)
    sugg = con.sql("select count(*), count(*) filter (where is_replied), count(*) filter (where is_overdue), "
                   "count(*) filter (where reply_class in ('A', 'B')), count(*) filter (where satisfaction = '不满意') "
                   f"from fct_suggestions where year(assigned_on) = ? and {SCOPE}", params=params).fetchall()[0]
    assigned, replied, overdue, solved_or_planned, dissatisfied = sugg
    on_time = indicator(con, "suggestion_on_time_reply_rate", scope, year)
    satisfaction = indicator(con, "suggestion_satisfaction_rate", scope, year)
    report.totals = {"assigned": assigned, "replied": replied, "overdue": overdue, "units": units.height,
                     "lead_units": int((units["as_lead"] > 0).sum()) if units.height else 0,
                     "on_time": on_time, "satisfaction": satisfaction, "solved_or_planned": solved_or_planned,
                     "dissatisfied": dissatisfied}
    report.summary = summary(report)
    return report


def summary(report: HandlingReport) -> list[str]:
    t = report.totals
    if not t["assigned"]:
        return [f"{report.year}年没有交办的代表建议记录。"]
    text = (f"{report.year}年共交办代表建议{count(t['assigned'])}件，由{count(t['units'])}个单位承办"
            f"（其中主办单位{count(t['lead_units'])}个）。")
    if t["replied"] == t["assigned"]:
        text += "截至统计日已全部答复代表"
    else:
        text += (f"截至统计日已答复{count(t['replied'])}件（{percent(t['replied'], t['assigned'])}），"
                 f"{count(t['assigned'] - t['replied'])}件正在办理")
        if t["overdue"]:
            text += f"，其中超过答复期限{count(t['overdue'])}件"
    num, den, _ = t["on_time"]
    if den:
        text += "，全部按期答复" if num == den else f"，按期答复率{percent(num, den)}（{count(den)}件中{count(num)}件）"
    text += "。"
    second = ""
    if t["replied"]:
        second = (f"已答复的建议中，已解决或列入计划解决的{count(t['solved_or_planned'])}件"
                  f"（{percent(t['solved_or_planned'], t['replied'])}）")
        num, den, _ = t["satisfaction"]
        if den:
            second += f"；代表对办理结果满意和基本满意的占{percent(num, den)}"
        second += f"，不满意{count(t['dissatisfied'])}件。" if t["dissatisfied"] else "，没有不满意的答复。"
    return [text, second] if second else [text]


def title(report: HandlingReport) -> str:
    return f"{report.scope.name}{report.year}年代表建议办理情况报告"


def to_docx(report: HandlingReport) -> bytes:
    doc = wordfile.Document(title(report), landscape=True)
    doc.subtitle(f"（统计日 {report.as_of.isoformat()}）")
    doc.heading("一、总体情况")
    for sentence in report.summary:
        doc.paragraph(sentence)
    doc.heading("二、各承办单位办理情况")
    rows = [{header: str(row[key]) for key, header in COLUMNS} for row in report.units.iter_rows(named=True)]
    doc.table([header for _, header in COLUMNS], rows,
              widths=[4.6] + [1.45] * (len(COLUMNS) - 1), size=8)
    doc.paragraph("说明：" + "".join(report.notes) + "按期答复指交办之日起三个月内（经批准延期的，在延期期限内）答复"
                  "（第二十四条）；满意度中“未反馈”不计为不满意。", small=True)
    return doc.save()


def to_xlsx(report: HandlingReport) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, XLSX_OPTIONS)
    bold = workbook.add_format({"bold": True, "font_name": "宋体", "font_size": 14})
    head = workbook.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter",
                                "bg_color": "#DDEBF7", "font_name": "宋体"})
    cell = workbook.add_format({"border": 1, "font_name": "宋体"})
    text_format = workbook.add_format({"text_wrap": True, "font_name": "宋体", "valign": "top"})
    sheet = workbook.add_worksheet("办理情况")
    sheet.write_string(0, 0, title(report), bold)
    sheet.write_string(1, 0, f"统计日 {report.as_of.isoformat()}")
    row = 2
    for sentence in report.summary:
        sheet.merge_range(row, 0, row, len(COLUMNS) - 1, sentence, text_format)
        sheet.set_row(row, 36)
        row += 1
    row += 1
    for column, (_, header) in enumerate(COLUMNS):
        sheet.write_string(row, column, header, head)
    for record in report.units.iter_rows(named=True):
        row += 1
        for column, (key, _) in enumerate(COLUMNS):
            value = record[key]
            if isinstance(value, int | float):
                sheet.write_number(row, column, value, cell)
            else:
                sheet.write_string(row, column, neutralise(str(value)) or "", cell)
    row += 2
    for note in report.notes:
        sheet.merge_range(row, 0, row, len(COLUMNS) - 1, "说明：" + note, text_format)
        sheet.set_row(row, 30)
        row += 1
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, len(COLUMNS) - 1, 9)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    workbook.close()
    return buffer.getvalue()


def write_handling(home: Home, year: int, prefecture: str | None, out: Path,
                   as_of: date | None = None) -> tuple[Path, HandlingReport]:
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise ReportError(f"建议办理情况报告可写成 .docx 或 .xlsx（收到 {out.name}）")
    con = warehouse.connect_published(home)
    try:
        report = collect(con, year, prefecture, as_of)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(to_docx(report) if suffix == ".docx" else to_xlsx(report))
    return out, report
