"""What a file's reading left out on purpose, told to the clerk: ignored columns, skipped sheets and
rows that are not records. Each is one line of the clerk's report (beside the errors) and the file's
summary line names them (`忽略列：序号、备注`), so no non-empty cell disappears in silence."""

from __future__ import annotations

from dataclasses import dataclass

# rule_id -> (Chinese name, English name), merged into the report's rule names.
NOTE_RULES = {
    "ignored_column": ("未识别的列（未导入）", "column not recognised, not loaded"),
    "hidden_column": ("隐藏列（未导入）", "hidden column, not loaded"),
    "skipped_sheet": ("跳过的工作表", "sheet skipped"),
    "skipped_row": ("非记录行（未导入）", "row that is not a record, skipped"),
    "kind_conflict": ("记录类型不一致", "file and sheet name disagree on the record kind"),
    "format": ("文件格式说明", "what the file really is and how it was read"),
    "sheet_key_conflict": ("不同工作表主键重复", "same key in two sheets of one workbook"),
}


@dataclass(frozen=True)
class Note:
    rule_id: str
    message: str
    sheet: str | None = None
    row_number: int | None = None
    header: str | None = None
    value: str | None = None


def summary(notes: list[Note]) -> str:
    """'忽略列：序号、备注；跳过工作表：填表说明；跳过非记录行 3 行' (empty when nothing was left out)."""
    columns = list(dict.fromkeys(n.header for n in notes if n.rule_id in ("ignored_column", "hidden_column") and n.header))
    sheets = list(dict.fromkeys(n.sheet for n in notes if n.rule_id == "skipped_sheet" and n.sheet))
    rows = sum(1 for n in notes if n.rule_id == "skipped_row")
    parts = []
    if columns:
        parts.append("忽略列：" + "、".join(columns))
    if sheets:
        parts.append("跳过工作表：" + "、".join(sheets))
    if rows:
        parts.append(f"跳过非记录行 {rows} 处")
    conflicts = sum(1 for n in notes if n.rule_id in ("kind_conflict", "sheet_key_conflict"))
    if conflicts:
        parts.append(f"冲突 {conflicts} 处（见报告）")
    return "；".join(parts)
