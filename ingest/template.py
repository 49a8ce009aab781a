"""The official blank workbook a prefecture fills in: one sheet per record kind, Chinese headers
(required ones marked *), drop-downs for enumerations and yes/no, and an instructions sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter

from ingest.rows import EXAMPLE_MARK
from ingest.schemas import BOOL, CODE, DATE, ENUM, FLOAT, IDLIST, INT, KINDS, Column
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
    f"8. 每个工作表第 2 行是示例（第一格以“{EXAMPLE_MARK}”开头，灰色斜体），不会导入，可保留或删除；请从第 3 行起填写。",
    "9. 合计行、填表人/审核人落款行、“注：”说明行不会作为记录导入；未识别的列、隐藏的列和工作表会在报告中列出。",
    "10. 整份重新报送（用新文件替换同一州市、同一类型、同一报送期的旧文件，旧文件中有而新文件中没有的记录视为撤回）："
    "在文件名中加“全量替换”，并写明州市代码和报送期，例如 654000_建议_2024Q4_全量替换.xlsx。",
    "11. 答复记录（选填）：承办单位每次答复填一行（阶段性答复、正式答复、不满意后的重新办理答复），答复序号按每件建议、"
    "每个单位从 1 起连续编号；B 类答复须填计划解决年度。报送了答复记录的建议以答复记录为准，未报送的以“建议”表的答复字段为准。",
)


def example_value(column: Column):
    """A plausible value for the template's example row."""
    if column.type == DATE:
        return date(2024, 3, 5)
    if column.type == BOOL:
        return "是"
    if column.type == ENUM:
        return column.values[0]
    if column.type == INT:
        return 1
    if column.type == FLOAT:
        return 98.6
    if column.type == IDLIST:
        return "D0002、D0003"
    if column.type == CODE:
        return {"prefecture_code": "654000", "congress_code": "654000-15"}.get(column.name, "D0001")
    return column.zh


def write_template(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_urls": False})  # text stays text
    bold = workbook.add_format({"bold": True, "font_size": 14})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "font_color": "#C00000"})
    date_cells = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text_cells = workbook.add_format({"num_format": "@"})
    example = workbook.add_format({"italic": True, "font_color": "#808080"})
    example_date = workbook.add_format({"italic": True, "font_color": "#808080", "num_format": "yyyy-mm-dd"})

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
            value = example_value(column)
            if col == 0:
                value = f"{EXAMPLE_MARK}：{value}"
            if isinstance(value, date):
                sheet.write_datetime(1, col, value, example_date)
            else:
                sheet.write(1, col, value, example)
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
