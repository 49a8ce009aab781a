"""The official blank workbook a prefecture fills in: one sheet per record kind, Chinese headers
(required ones marked *), drop-downs for enumerations and yes/no, and an instructions sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter

from ingest.schemas import BOOL, DATE, ENUM, IDLIST, INT, KINDS
from ingest.validate import RULES

TEMPLATE_ROWS = 5000  # rows prepared with validation and date formats
INSTRUCTIONS = (
    "填表说明",
    "1. 每个工作表对应一种记录，表名请勿修改；表头请勿修改或删除，带 * 的列为必填。",
    "2. 文件名请以本州市 6 位代码开头，例如：654000_建议_2024Q4.xlsx。",
    "3. 日期可写作 2024-03-05、2024/3/5、2024.3.5 或 2024年3月5日，也可以使用 Excel 日期格式。",
    "4. 是/否 列请从下拉框选择（也接受 Y/N、1/0）。多个代表编号用顿号“、”或逗号分隔。",
    "5. 身份证号仅以加密摘要形式保存，不保存明文；手机号在分析和展示中一律脱敏。",
    "6. 同一编号再次报送时以最新报送为准，旧版本保留在历史记录中。",
    "7. 有问题的行不会入库，系统会生成错误报告（列明文件、工作表、行号、列、规则与修改说明），修改后重新报送即可。",
)


def write_template(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_urls": False})  # text stays text
    bold = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_color": "#C00000"})
    date_cells = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text_cells = workbook.add_format({"num_format": "@"})

    notes = workbook.add_worksheet("填表说明")
    notes.set_column(0, 0, 110)
    notes.write(0, 0, INSTRUCTIONS[0], bold)
    for row, line in enumerate(INSTRUCTIONS[1:], start=2):
        notes.write(row, 0, line)
    row += 2
    notes.write(row, 0, "校验规则", bold)
    for offset, (rule, (zh, en)) in enumerate(RULES.items(), start=1):
        notes.write(row + offset, 0, f"{rule}：{zh}（{en}）")

    for kind in KINDS:
        sheet = workbook.add_worksheet(kind.zh)
        sheet.freeze_panes(1, 0)
        for col, column in enumerate(kind.columns):
            sheet.write(0, col, column.header, required if column.required else header)
            sheet.write_comment(0, col, f"{column.zh} / {column.name}" + ("（必填）" if column.required else ""))
            width = max(12, len(column.header) * 2 + 2)
            if column.type == DATE:
                sheet.set_column(col, col, width, date_cells)
            elif column.type not in (INT, BOOL, ENUM):
                sheet.set_column(col, col, width if column.type != IDLIST else 30, text_cells)
            else:
                sheet.set_column(col, col, width)
            choices = ("是", "否") if column.type == BOOL else column.values if column.type == ENUM else None
            if choices:
                sheet.data_validation(1, col, TEMPLATE_ROWS, col, {
                    "validate": "list", "source": list(choices),
                    "error_title": "取值不在列表中", "error_message": f"请从下拉框选择：{'、'.join(choices)}",
                })
            elif column.type == DATE:
                sheet.data_validation(1, col, TEMPLATE_ROWS, col, {
                    "validate": "date", "criteria": "between", "minimum": date(1950, 1, 1),
                    "maximum": date(2100, 12, 31), "ignore_blank": True,
                    "error_type": "warning", "error_message": "请填写有效日期，例如 2024-03-05",
                })
    workbook.close()
    return path
