"""Issue 14: files as real clerks send them. One file per class; each test states the exact outcome:
values read back from raw, quarantined rows with Excel's row numbers and messages, and what was
ignored (columns, sheets, rows) as the report and the summary line name it."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.naming import kind_from_name, period_from_name, prefecture_from_name
from tests.ingest.clerk_files import convert, load, quarantine, report_rows, workbook
from tests.ingest.conftest import rows_of, write_csv

SUGGESTION = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*"]


def notes(result, rule: str) -> list[tuple]:
    return [(r["工作表"], r["行号"], r["列"], r["问题说明"]) for r in report_rows(result) if r["规则编号"] == rule]


# ---------------------------------------------------------------- headers


def test_synonyms_leading_number_column_and_unknown_headers(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议_2024.xlsx", {"建议": [
        ["序号", "建议编号", "领衔代表", "标题", "提出时间", "答复时间", "满意度", "主办单住", "备注"],
        [1, "J1", "D1", "修路", dt.date(2024, 1, 5), dt.date(2024, 3, 5), "满意", "交通局", "加急"],
    ]})
    result = load(con, home, path)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 0)
    assert rows_of(con, "select suggestion_id, lead_deputy_id, submitted_on, replied_on, satisfaction from raw.suggestions") == [
        ("J1", "D1", dt.date(2024, 1, 5), dt.date(2024, 3, 5), "满意")]
    assert result.ignored == "忽略列：序号、主办单住、备注"
    assert notes(result, "ignored_column") == [
        ("建议", 1, "序号", "列“序号”不是“建议”的列，未导入"),
        ("建议", 1, "主办单住", "列“主办单住”不是“建议”的列，未导入；可能是指“主办单位”，如是请把列名改为“主办单位”"),
        ("建议", 1, "备注", "列“备注”不是“建议”的列，未导入"),
    ]


def test_every_synonym_names_one_column_of_a_kind():
    from ingest.headers import normalize_header
    from ingest.schemas import KINDS, header_names

    for kind in KINDS:
        seen = {}
        for column in kind.columns:
            names = header_names(kind, column)
            assert names[0] == column.zh  # the template's header first
            for name in names:
                assert seen.setdefault(normalize_header(name), column.name) == column.name, (kind.name, name)


@pytest.mark.parametrize(("header", "column"), [
    ("答复时间", "replied_on"), ("满意度", "satisfaction"), ("答复\n日期", "replied_on"), ("代表\n满意度", "satisfaction"),
])
def test_suggestion_header_variants(home, con, tmp_path, header, column):
    value = "2024-03-05" if column == "replied_on" else "满意"
    path = write_csv(tmp_path / "654000_建议.csv", [[*SUGGESTION, f'"{header}"'], ["J1", "D1", "修路", "2024-01-05", value]])
    assert load(con, home, path).rows_loaded == 1
    assert rows_of(con, f"select cast({column} as varchar) from raw.suggestions") == [(value,)]


def test_roster_variants(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_代表名册.csv", [
        ["代表编号", "姓名", "层级", "所属人大", "任期开始", "代表状态", "状态日期", "是否领导干部"],
        ["D1", "王芳", "州市", "654000-15", "2022-01-03", "辞职", "2024-05-01", "✓"],
    ])
    assert load(con, home, path).rows_loaded == 1
    assert rows_of(con, "select status, is_leader from raw.deputies") == [("辞职", True)]


def test_two_columns_for_one_field_refuse_the_file(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [[*SUGGESTION, "答复日期", "答复时间"],
                                                    ["J1", "D1", "修路", "2024-01-05", "2024-03-05", "2024-03-06"]])
    result = load(con, home, path)
    assert result.status == "rejected"
    assert result.message == ("654000_建议.csv：文件第 1 行的表头中“答复日期”“答复时间”都对应“答复日期”，"
                              "无法判断以哪一列为准：请删除多余的列或改成不同的列名")
    assert rows_of(con, "select count(*) from raw.suggestions") == [(0,)]


def test_two_level_header_is_read_as_its_lower_cells(home, con, tmp_path):
    path = workbook(tmp_path / "654000_代表名册.xlsx", {"代表名册": [
        ["代表编号", "姓名", "层级", "所属人大", "任期", None],
        [None, None, None, None, "开始", "结束"],
        ["D1", "王芳", "州市", "654000-15", dt.date(2022, 1, 3), dt.date(2026, 12, 31)],
    ]}, merges={"代表名册": ["A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1"]})
    result = load(con, home, path)
    assert (result.rows_loaded, result.ignored) == (1, "")
    assert rows_of(con, "select term_start, term_end, _row_number from raw.deputies") == [
        (dt.date(2022, 1, 3), dt.date(2026, 12, 31), 3)]


def test_two_level_header_that_cannot_be_read_is_refused_with_flattening_advice(home, con, tmp_path):
    path = workbook(tmp_path / "654000_代表名册.xlsx", {"代表名册": [
        ["代表编号", "姓名", "层级", "所属人大", "届内时段", None],
        [None, None, None, None, "自", "至"],
        ["D1", "王芳", "州市", "654000-15", dt.date(2022, 1, 3), dt.date(2026, 12, 31)],
    ]}, merges={"代表名册": ["E1:F1"]})
    result = load(con, home, path)
    assert result.status == "rejected"
    assert result.message == (
        "654000_代表名册.xlsx：工作表“代表名册”第 1 行的表头缺少必填列：任期开始*；第 1–2 行是两行表头（“届内时段”下分“自”“至”）："
        "请取消合并单元格，改成一行表头，每列写一个完整的、与模板一致的列名（例如把“届内时段自”“届内时段至”改为模板中的列名，"
        "如“任期开始”“任期结束”），并删除第 2 行")


def test_hidden_column_is_not_data(home, con, tmp_path):
    path = workbook(tmp_path / "654000_代表名册.xlsx", {"代表名册": [
        ["代表编号", "姓名", "层级", "所属人大", "任期开始", "手机", "旧编号"],
        ["D1", "王芳", "州市", "654000-15", dt.date(2022, 1, 3), "13812345678", "X-1"],
    ]}, hidden_columns={"代表名册": ["F", "G"]})
    result = load(con, home, path)
    assert rows_of(con, "select deputy_id, phone from raw.deputies") == [("D1", None)]
    assert result.ignored == "忽略列：手机、旧编号"
    assert [n[2] for n in notes(result, "hidden_column")] == ["手机", "旧编号"]


# ---------------------------------------------------------------- sheets


def test_hidden_instruction_list_and_empty_sheets(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议_2024.xlsx", {
        "填写说明": [["1. 日期写作 2024-03-05"], ["2. 带 * 的列必填"]],
        "建议": [SUGGESTION, ["J1", "D1", "修路", dt.date(2024, 1, 5)]],
        "旧建议": [SUGGESTION, ["J9", "D9", "旧的", dt.date(2023, 1, 5)]],
        "备份": [SUGGESTION, ["J8", "D8", "备份", dt.date(2023, 1, 5)]],
        "字典": [["满意"], ["基本满意"]],
        "Sheet3": [],
    }, hidden_sheets=("旧建议",), very_hidden=("备份",))
    result = load(con, home, path)
    assert result.status == "loaded" and result.kinds == ["suggestions"]
    assert rows_of(con, "select suggestion_id from raw.suggestions") == [("J1",)]
    assert result.ignored == "跳过工作表：填写说明、旧建议、备份、字典"
    assert [(n[0], n[3]) for n in notes(result, "skipped_sheet")] == [
        ("填写说明", "工作表“填写说明”是填写说明，不导入"),
        ("旧建议", "工作表“旧建议”是隐藏工作表，未导入；如需导入请取消隐藏后重新报送"),
        ("备份", "工作表“备份”是深度隐藏工作表，未导入；如需导入请取消隐藏后重新报送"),
        ("字典", "工作表“字典”是下拉选项/字典表，不导入"),
    ]


def test_only_empty_sheets_besides_data_is_no_damage(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议.xlsx", {"Sheet1": [SUGGESTION, ["J1", "D1", "修路", dt.date(2024, 1, 5)]],
                                                    "Sheet2": [], "Sheet3": []})
    result = load(con, home, path)
    assert (result.status, result.rows_loaded, result.report) == ("loaded", 1, None)


def test_same_key_in_two_sheets_is_a_conflict(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议_2024.xlsx", {
        "建议一": [SUGGESTION, ["J1", "D1", "修路", dt.date(2024, 1, 5)], ["J2", "D2", "修桥", dt.date(2024, 1, 5)]],
        "建议二": [SUGGESTION, ["J3", "D3", "修渠", dt.date(2024, 1, 5)], ["J1", "D1", "修路（改）", dt.date(2024, 1, 6)]],
    })
    result = load(con, home, path)
    assert rows_of(con, "select suggestion_id from raw.suggestions order by 1") == [("J2",), ("J3",)]
    message = "“建议编号”为“J1”的记录同时出现在工作表“建议一”第 2 行、工作表“建议二”第 3 行，无法判断以哪一条为准，均未导入：请只保留一条"
    assert quarantine(con) == [("建议一", 2, "sheet_key_conflict", message), ("建议二", 3, "sheet_key_conflict", message)]
    assert result.rows_quarantined == 2


# ---------------------------------------------------------------- rows that are not records


def test_totals_signatures_notes_blank_and_repeated_header_rows(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议_2024.xlsx", {"建议": [
        ["2024年建议办理情况统计表"],
        ["序号", *SUGGESTION],
        [1, "J1", "D1", "修路", dt.date(2024, 1, 5)],
        [],
        ["序号", *SUGGESTION],
        [2, "J2", "D2", "修桥", dt.date(2024, 1, 6)],
        ["合计", "2件"],
        ["填表人：张三", None, "审核人：李四", "填报日期：2025年1月5日"],
        ["注：本表由各县（市）汇总"],
    ]}, merges={"建议": ["A1:E1"]})
    result = load(con, home, path)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (2, 2, 0)
    assert rows_of(con, "select suggestion_id, _row_number from raw.suggestions order by 2") == [("J1", 3), ("J2", 6)]
    assert [(n[1], n[3]) for n in notes(result, "skipped_row")] == [
        (5, "第 5 行是重复的表头行，不是记录，未导入"),
        (7, "第 7 行是合计行（“合计”），不是记录，未导入"),
        (8, "第 8 行是填表人/审核人/填报日期等落款行，不是记录，未导入"),
        (9, "第 9 行是注释行，不是记录，未导入"),
        (4, "第 4 行是空行，已跳过（其后的记录照常导入）"),
    ]
    assert result.ignored == "忽略列：序号；跳过非记录行 5 处"


# ---------------------------------------------------------------- values


def test_vertically_merged_cells_apply_to_every_row(home, con, tmp_path):
    path = workbook(tmp_path / "654000_代表活动_2024.xlsx", {"代表活动": [
        ["活动编号", "代表编号", "组织方", "代表小组", "活动类型", "活动日期"],
        ["A1", "D1", "代表小组", "G1", "视察", dt.date(2024, 5, 6)],
        ["A1", "D2", None, None, "视察", dt.date(2024, 5, 6)],
        ["A1", "D3", None, None, "视察", dt.date(2024, 5, 6)],
    ]}, merges={"代表活动": ["C2:C4", "D2:D4"]})
    load(con, home, path)
    assert rows_of(con, "select deputy_id, organiser, group_id from raw.activities order by 1") == [
        ("D1", "代表小组", "G1"), ("D2", "代表小组", "G1"), ("D3", "代表小组", "G1")]


def test_excel_error_cells_are_errors_not_empty(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议.xlsx", {"建议": [
        [*SUGGESTION, "答复日期", "主办单位"],
        ["J1", "D1", "修路", dt.date(2024, 1, 5), "#N/A", "交通局"],
        ["J2", "D2", "#REF!", dt.date(2024, 1, 5), None, "#DIV/0!"],
        ["J3", "D3", "修渠", dt.date(2024, 1, 5), None, "#VALUE!"],
        ["J4", "D4", "修坝", dt.date(2024, 1, 5), None, "#NAME?"],
        ["J5", "D5", "修站", dt.date(2024, 1, 5), None, "水利局"],
    ]})
    load(con, home, path)
    assert rows_of(con, "select suggestion_id from raw.suggestions") == [("J5",)]
    assert [(r[1], r[2]) for r in quarantine(con)] == [(2, "excel_error"), (3, "excel_error"), (3, "excel_error"),
                                                      (4, "excel_error"), (5, "excel_error")]
    assert quarantine(con)[0][3] == "“答复日期”是 Excel 错误值“#N/A”（公式出错或引用失效），不是数据：请在 Excel 中改正公式或填写实际的值"


def test_percent_formatted_cell_in_a_0_to_100_field(home, con, tmp_path):
    path = workbook(tmp_path / "650400_民生实事_2024.xlsx", {"民生实事": [
        ["项目编号", "名称", "票决日期", "满意度测评"],
        ["P1", "修路", dt.date(2024, 1, 5), 0.986],
        ["P2", "修桥", dt.date(2024, 1, 5), 97.5],
    ]}, formats={"民生实事": {"D2": "0.0%"}})
    load(con, home, path)
    assert rows_of(con, "select project_id, satisfaction_rate from raw.projects order by 1") == [("P1", 98.6), ("P2", 97.5)]


def test_percent_text_from_csv(home, con, tmp_path):
    path = write_csv(tmp_path / "650400_民生实事.csv", [["项目编号", "名称", "票决日期", "满意度测评"],
                                                       ["P1", "修路", "2024-01-05", "98.6%"]])
    load(con, home, path)
    assert rows_of(con, "select satisfaction_rate from raw.projects") == [(98.6,)]


def test_invisible_characters(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [
        [*SUGGESTION, "代表满意度", "答复类别"],
        ["J1\u200b", "\u00a0D1", "修路", "2024-01-05", "满意\u200b", "A\u3000"],
        ["J2", "D2", "修桥", "2024-01-05", "满意\u200b了", "B"],
    ])
    load(con, home, path)
    assert rows_of(con, "select suggestion_id, lead_deputy_id, satisfaction, reply_class from raw.suggestions") == [
        ("J1", "D1", "满意", "A")]
    assert quarantine(con) == [(None, 3, "bad_enum",
                                "“代表满意度”的值“满意\u200b了”不在允许值中：满意、基本满意、不满意、未反馈（“满意”后有不可见字符）")]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024年3月5号", dt.date(2024, 3, 5)), ("2024. 3. 5", dt.date(2024, 3, 5)), ("2024—3—5", dt.date(2024, 3, 5)),
    ("2024 年 3 月 5 日", dt.date(2024, 3, 5)), ("3/5/2024", None), ("24.3.5", None),
])
def test_more_date_spellings_and_ambiguous_ones(home, con, tmp_path, text, expected):
    path = write_csv(tmp_path / "654000_建议.csv", [SUGGESTION, ["J1", "D1", "修路", text]])
    load(con, home, path)
    if expected:
        assert rows_of(con, "select submitted_on from raw.suggestions") == [(expected,)]
    else:
        assert [r[2] for r in quarantine(con)] == ["bad_date"]


@pytest.mark.parametrize("mark", ["✓", "✔", "☑", "√"])
def test_check_marks_are_yes(home, con, tmp_path, mark):
    path = write_csv(tmp_path / "654000_建议.csv", [[*SUGGESTION, "是否重点督办"], ["J1", "D1", "修路", "2024-01-05", mark]])
    load(con, home, path)
    assert rows_of(con, "select is_key_supervised from raw.suggestions") == [(True,)]


# ---------------------------------------------------------------- row numbers


def _with_blank_rows_above(tmp_path, name="650100_会议.xlsx"):
    return workbook(tmp_path / name, {"会议": [
        ["会议编号", "会议类型", "所属人大", "开始日期"],
        ["M1", "常委会会议", "650100-15", dt.date(2024, 3, 5)],
        ["M2", "常委会会议", "650100-15", "2024年13月5日"],
    ]}, start_row=4, blank_formatted_rows=3)


def test_row_numbers_with_formatted_blank_rows_above_the_header(home, con, tmp_path):
    load(con, home, _with_blank_rows_above(tmp_path))
    assert rows_of(con, "select _row_number from raw.meetings") == [(5,)]
    assert [r[:3] for r in quarantine(con)] == [("会议", 6, "bad_date")]


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_legacy_xls_and_ods_keep_excel_row_numbers(home, con, tmp_path, suffix):
    path = convert(_with_blank_rows_above(tmp_path), suffix)
    result = load(con, home, path)
    assert result.status == "loaded", result.message
    assert rows_of(con, "select meeting_id, start_date, _row_number from raw.meetings") == [("M1", dt.date(2024, 3, 5), 5)]
    assert [r[:3] for r in quarantine(con)] == [("会议", 6, "bad_date")]


def test_xls_hidden_sheet_merged_and_error_cells(home, con, tmp_path):
    source = workbook(tmp_path / "654000_代表活动_2024.xlsx", {
        "代表活动": [["活动编号", "代表编号", "组织方", "活动类型", "活动日期", "旧编号"],
                     ["A1", "D1", "代表小组", "视察", dt.date(2024, 5, 6), "x"],
                     ["A1", "D2", None, "视察", dt.date(2024, 5, 6), "y"],
                     ["A2", "D3", "代表小组", "视察", "#N/A", "z"]],
        "旧数据": [["活动编号", "代表编号", "活动类型", "活动日期"], ["A9", "D9", "视察", dt.date(2023, 5, 6)]],
    }, merges={"代表活动": ["C2:C3"]}, hidden_sheets=("旧数据",), hidden_columns={"代表活动": ["F"]})
    result = load(con, home, convert(source, "xls"))
    assert rows_of(con, "select deputy_id, organiser from raw.activities order by 1") == [("D1", "代表小组"), ("D2", "代表小组")]
    assert [r[:3] for r in quarantine(con)] == [("代表活动", 4, "excel_error")]
    assert result.ignored == "忽略列：旧编号；跳过工作表：旧数据"


# ---------------------------------------------------------------- kind and prefecture


@pytest.mark.parametrize(("name", "kind"), [
    ("代表培训", "trainings"), ("家室站接待登记", "receptions"), ("建议办理情况", "suggestions"),
    ("代表名册", "deputies"), ("代表活动", "activities"), ("联系代表", "liaison"), ("代表联系记录", "contacts"),
    ("会议出席情况", "attendance"), ("民生实事项目", "projects"), ("654000_代表建议_2024Q4", "suggestions"),
])
def test_kind_from_the_most_specific_name(name, kind):
    assert kind_from_name(name).name == kind


@pytest.mark.parametrize(("name", "code"), [
    ("654000_建议_2024Q4", "654000"), ("建议_654000_2024", "654000"), ("建议2024_652301", "652300"),
    ("昌吉州建议2024", "652300"), ("昌吉回族自治州_建议", "652300"), ("伊犁州代表名册", "654000"),
    ("塔城地区培训", "654200"), ("建议2024", None),
])
def test_prefecture_from_the_file_name(name, code):
    assert prefecture_from_name(name) == code


@pytest.mark.parametrize(("name", "period"), [
    ("654000_建议_2024Q4_全量替换", "2024Q4"), ("654000_建议_2024年第三季度", "2024Q3"), ("654000_建议_2024-03", "2024-03"),
    ("654000_建议_2024", "2024"), ("654000_建议", None),
])
def test_period_from_the_file_name(name, period):
    assert period_from_name(name) == period


def test_sheet_name_before_file_name_and_the_conflict_reported(home, con, tmp_path):
    path = workbook(tmp_path / "654000_建议_2024.xlsx", {"代表培训": [
        ["培训编号", "代表编号", "培训类型", "培训日期"], ["T1", "D1", "履职培训", dt.date(2024, 5, 6)]]})
    result = load(con, home, path)
    assert result.kinds == ["trainings"] and result.rows_loaded == 1
    assert [n[3] for n in notes(result, "kind_conflict")] == [
        "文件名表明是“建议”，工作表名“代表培训”表明是“培训”：按工作表名和表头读作“培训”，请核对文件名"]


def test_a_file_refused_for_its_prefecture_loads_once_renamed(home, con, tmp_path):
    rows = [SUGGESTION, ["J1", "D1", "修路", "2024-01-05"]]
    first = load(con, home, write_csv(tmp_path / "建议_2024.csv", rows))
    assert (first.rows_loaded, [r[2] for r in quarantine(con)]) == (0, ["prefecture_unknown"])
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    second = load(con, home, write_csv(renamed / "昌吉州_建议_2024.csv", rows))
    assert (second.status, second.rows_loaded) == ("loaded", 1)
    assert rows_of(con, "select prefecture_code from raw.suggestions") == [("652300",)]
    assert load(con, home, renamed / "昌吉州_建议_2024.csv").status == "duplicate"


# ---------------------------------------------------------------- formats


def test_html_saved_as_xls_is_read_and_said(home, con, tmp_path):
    path = tmp_path / "654000_建议_2024.xls"
    path.write_text("<html><head><meta charset='utf-8'></head><body><table>"
                    "<tr><th>建议编号</th><th>领衔代表编号</th><th>标题</th><th>提出日期</th></tr>"
                    "<tr><td>J1</td><td>D1</td><td>修路</td><td>2024-01-05</td></tr></table></body></html>", encoding="utf-8")
    result = load(con, home, path)
    assert result.rows_loaded == 1
    assert notes(result, "format")[0][3] == ("654000_建议_2024.xls：扩展名为 .xls，但文件实际是网页（HTML）表格；"
                                             "已按实际格式读取。建议在 Excel 中另存为 .xlsx 后再报送")
    assert rows_of(con, "select file_format from raw.batches") == [("html",)]


def test_csv_saved_as_xlsx_and_xlsx_saved_as_csv(home, con, tmp_path):
    text = write_csv(tmp_path / "654000_建议_a.csv", [SUGGESTION, ["J1", "D1", "修路", "2024-01-05"]])
    text.rename(tmp_path / "654000_建议_a.xlsx")
    book = workbook(tmp_path / "654000_建议_b.xlsx", {"建议": [SUGGESTION, ["J2", "D2", "修桥", dt.date(2024, 1, 5)]]})
    book.rename(tmp_path / "654000_建议_b.csv")
    for name in ("654000_建议_a.xlsx", "654000_建议_b.csv"):
        assert load(con, home, tmp_path / name).rows_loaded == 1
    assert rows_of(con, "select suggestion_id from raw.suggestions order by 1") == [("J1",), ("J2",)]


def test_xml_spreadsheet_2003_is_refused_saying_what_it_is(home, con, tmp_path):
    path = tmp_path / "654000_建议.xls"
    path.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>')
    result = load(con, home, path)
    assert result.status == "rejected"
    assert "XML 电子表格 2003" in result.message and "另存为" in result.message


@pytest.mark.parametrize(("separator", "encoding"), [("\t", "utf-8"), (";", "utf-8"), ("\t", "utf-16")])
def test_tab_and_semicolon_separated_and_utf16_text(home, con, tmp_path, separator, encoding):
    path = tmp_path / "654000_建议.txt"
    text = "\r\n".join(separator.join(r) for r in [SUGGESTION, ["J1", "D1", "修路，修桥", "2024-01-05"]]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    result = load(con, home, path)
    assert result.rows_loaded == 1, result.message
    assert rows_of(con, "select title from raw.suggestions") == [("修路，修桥",)]


def test_unknown_delimiter_is_named_as_the_problem(home, con, tmp_path):
    path = tmp_path / "654000_建议.csv"
    path.write_text("建议编号，领衔代表编号，标题，提出日期\nJ1，D1，修路，2024-01-05\n", encoding="utf-8")
    result = load(con, home, path)
    assert result.status == "rejected" and "分隔符无法识别" in result.message


def test_encoding_error_told_with_its_row(home, con, tmp_path):
    path = tmp_path / "654000_建议.csv"
    lines = [",".join(SUGGESTION).encode("utf-8")] + [f"J{i},D1,修路,2024-01-05".encode() for i in range(10)]
    lines.append(b"J99,D1,\xff\xfe\x81,2024-01-05")
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = load(con, home, path)
    assert result.message == "654000_建议.csv：第 12 行有无法识别的字符：请在 Excel 中“另存为 CSV UTF-8”后重新报送"


def test_folder_ingest_names_every_skipped_file(home, tmp_path):
    from ingest import run as pipeline

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_csv(inbox / "654000_建议.csv", [SUGGESTION, ["J1", "D1", "修路", "2024-01-05"]])
    for name in ("654000_建议.zip", "654000_名册.et", "说明.docx", "notes.md"):
        (inbox / name).write_bytes(b"x")
    (inbox / "~$654000_建议.xlsx").write_bytes(b"x")  # Excel's lock file: not a clerk's file
    lines = []
    results = pipeline.ingest(home, [inbox], dt.date(2025, 1, 15), say=lines.append)
    assert sorted((r.path.name, r.status) for r in results) == [
        ("654000_名册.et", "skipped"), ("654000_建议.csv", "loaded"), ("654000_建议.zip", "skipped"),
        ("notes.md", "skipped"), ("说明.docx", "skipped")]
    said = "\n".join(lines)
    assert "654000_名册.et：未导入 —— 654000_名册.et：WPS 表格格式（.et）" in said
    assert "654000_建议.zip：未导入 —— 654000_建议.zip：压缩包：请解压后报送其中的 .xlsx 或 .csv 文件" in said
    assert "notes.md：未导入 —— notes.md：不是数据文件（扩展名“.md”）" in said
    assert pipeline.exit_code(results) == 0


# ---------------------------------------------------------------- resubmission as full replacement


def test_full_replacement_withdraws_keys_it_no_longer_contains(home, tmp_path):
    """654000_建议_2024Q4_全量替换.csv supersedes the earlier 2024Q4 files of Ili's suggestions: J2, no
    longer in it, leaves the current tables but stays in raw; other prefectures and periods keep theirs."""
    from ingest import run as pipeline
    from lvzhi import warehouse
    from lvzhi.build import run_dbt

    first = [SUGGESTION, ["J1", "D1", "修路", "2024-10-05"], ["J2", "D2", "错报的建议", "2024-10-06"]]
    files = [
        write_csv(tmp_path / "654000_建议_2024Q4.csv", first),
        write_csv(tmp_path / "654000_建议_2024Q3.csv", [SUGGESTION, ["J7", "D1", "上季度", "2024-08-05"]]),
        write_csv(tmp_path / "652300_建议_2024Q4.csv", [SUGGESTION, ["C1", "D9", "昌吉的", "2024-10-05"]]),
    ]
    pipeline.ingest(home, files, dt.date(2025, 1, 15), say=lambda *_: None)
    replacement = write_csv(tmp_path / "654000_建议_2024Q4_全量替换.csv",
                            [SUGGESTION, ["J1", "D1", "修路（更正）", "2024-10-05"], ["J3", "D3", "补报", "2024-10-07"]])
    results = pipeline.ingest(home, [replacement], dt.date(2025, 1, 20), say=lambda *_: None)
    assert results[0].status == "loaded"
    built = run_dbt(home, ["run"], dt.date(2025, 1, 31), select="stg_raw__suggestions")
    assert built.success, built.failures
    con = warehouse.connect_work(home)
    try:
        assert rows_of(con, "select suggestion_id, title from staging.stg_raw__suggestions order by 1") == [
            ("C1", "昌吉的"), ("J1", "修路（更正）"), ("J3", "补报"), ("J7", "上季度")]
        assert rows_of(con, "select count(*) from raw.suggestions where suggestion_id = 'J2'") == [(1,)]
        assert rows_of(con, "select period, full_replacement from raw.batches order by batch_id") == [
            ("2024Q4", False), ("2024Q3", False), ("2024Q4", False), ("2024Q4", True)]
    finally:
        con.close()


def test_full_replacement_without_prefecture_or_period_is_refused(home, con, tmp_path):
    result = load(con, home, write_csv(tmp_path / "654000_建议_全量替换.csv", [SUGGESTION, ["J1", "D1", "修路", "2024-10-05"]]))
    assert result.status == "rejected" and "未写明报送期" in result.message


def test_ods_hidden_column_merged_and_error_cells(home, con, tmp_path):
    source = workbook(tmp_path / "654000_代表活动_2024.xlsx", {
        "代表活动": [["活动编号", "代表编号", "组织方", "活动类型", "活动日期", "旧编号"],
                     ["A1", "D1", "代表小组", "视察", dt.date(2024, 5, 6), "x"],
                     ["A1", "D2", None, "视察", dt.date(2024, 5, 6), "y"],
                     ["A2", "D3", "代表小组", "视察", "#N/A", "z"]],
    }, merges={"代表活动": ["C2:C3"]}, hidden_columns={"代表活动": ["F"]})
    result = load(con, home, convert(source, "ods"))
    assert rows_of(con, "select deputy_id, organiser from raw.activities order by 1") == [("D1", "代表小组"), ("D2", "代表小组")]
    assert [r[:3] for r in quarantine(con)] == [("代表活动", 4, "excel_error")]
    assert result.ignored == "忽略列：旧编号"


def test_a_file_whose_import_loaded_nothing_is_not_already_imported(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [SUGGESTION, ["J1", "D1", "修路", "2024年13月5日"]])
    assert (load(con, home, path).rows_loaded, load(con, home, path).status) == (0, "loaded")
    good = write_csv(tmp_path / "654000_建议_b.csv", [SUGGESTION, ["J1", "D1", "修路", "2024-03-05"]])
    assert [load(con, home, good).status for _ in range(2)] == ["loaded", "duplicate"]
    assert rows_of(con, "select count(*) from raw.batches") == [(3,)]


def test_xls_content_with_an_xlsx_name(home, con, tmp_path):
    source = convert(workbook(tmp_path / "654000_建议.xlsx", {"建议": [SUGGESTION, ["J1", "D1", "修路", dt.date(2024, 1, 5)]]}), "xls")
    swapped = source.rename(tmp_path / "654000_建议_改名.xlsx")
    result = load(con, home, swapped)
    assert result.rows_loaded == 1, result.message
    assert "实际是Excel 97–2003 工作簿（.xls）" in notes(result, "format")[0][3]


def test_csv_named_for_another_kind_reports_the_conflict(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [["培训编号", "代表编号", "培训类型", "培训日期"], ["T1", "D1", "履职培训", "2024-05-06"]])
    result = load(con, home, path)
    assert result.kinds == ["trainings"]
    assert [n[3] for n in notes(result, "kind_conflict")] == ["文件名表明是“建议”，但表头是“培训”的列：按表头读作“培训”，请核对文件名"]


def test_pre_numbered_empty_rows_are_no_records(home, con, tmp_path):
    rows = [["序号", *SUGGESTION], [1, "J1", "D1", "修路", "2024-01-05"]] + [[n] for n in range(2, 40)]
    result = load(con, home, write_csv(tmp_path / "654000_建议.csv", [[str(c) for c in r] for r in rows]))
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (1, 1, 0)
    assert result.ignored == "忽略列：序号"
