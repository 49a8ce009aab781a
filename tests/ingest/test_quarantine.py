"""Bad rows are quarantined with the row number the clerk sees; the rest of the file lands."""

from __future__ import annotations

import json

import openpyxl
import polars as pl
import pytest

from ingest import validate
from ingest.run import ingest_file
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv, write_xlsx

HEADER = ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "交办日期", "延期至", "答复日期", "答复类别"]


def test_bad_rows_quarantined_with_excel_row_numbers(home, con, tmp_path):
    path = write_xlsx(tmp_path / "654000_建议_2024.xlsx", {"建议": [
        HEADER,                                                                  # Excel row 3
        ["J1", "D1", "关于修路的建议", "2024-01-05", "2024-01-31", None, "2024-03-01", "A"],  # 4 ok
        ["J2", "D1", None, "2024-01-05", "2024-01-31", None, None, None],              # 5 title missing
        ["J3", "D2", "答复早于交办", "2024-01-05", "2024-02-01", None, "2024-01-20", "A"],  # 6
        ["J4", "D2", "延期过长", "2024-01-05", "2024-01-31", "2024-08-01", None, None],    # 7 > Jul 31
        ["J5", "D2", "日期无法识别", "2024年13月5日", "2024-02-01", None, None, None],     # 8
        ["J6", "D3", "延期恰好六个月", "2024-01-05", "2024-01-31", "2024-07-31", None, None],  # 9 ok
    ]}, title_rows=2)
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 2, 4)
    assert rows_of(con, "select suggestion_id, _row_number from raw.suggestions order by 1") == [("J1", 4), ("J6", 9)]
    quarantined = rows_of(con, "select row_number, header, value, rule_id from raw.quarantine order by row_number")
    assert quarantined == [
        (5, "标题", None, "required"),
        (6, "答复日期", "2024-01-20", "reply_before_assignment"),
        (7, "延期至", "2024-08-01", "extension_too_long"),
        (8, "提出日期", "2024年13月5日", "bad_date"),
    ]
    # Nothing is lost: the quarantined row keeps its original text.
    row_json = rows_of(con, "select row_json from raw.quarantine where row_number = 8")[0][0]
    assert "关于" not in row_json and "日期无法识别" in row_json


def test_report_names_file_row_column_rule_in_chinese(home, con, tmp_path):
    path = write_csv(tmp_path / "650400_建议_2024.csv", [
        HEADER, ["J1", "D1", "标题", "2024/1/5", "2024/1/31", "", "2024/1/2", "Z"],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    report = pl.read_excel(result.report)
    assert report.columns == ["文件", "工作表", "行号", "列", "填写的值", "规则编号", "规则", "问题说明"]
    assert report["行号"].to_list() == [2, 2]
    messages = dict(zip(report["规则编号"], report["问题说明"]))
    assert messages["reply_before_assignment"] == "答复日期 2024-01-02 早于交办日期 2024-01-31"
    assert messages["bad_enum"] == "“答复类别”的值“Z”不在允许值中：A、B、C、D"
    csv_bytes = result.report.with_suffix(".csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")


def test_future_dates_duplicates_and_unknown_prefecture(home, con, tmp_path):
    path = write_csv(tmp_path / "建议_无代码.csv", [
        ["州市代码", *HEADER],
        ["654000", "J1", "D1", "标题", "2025-02-01", "", "", "", ""],  # after submission (2025-01-15)
        ["654000", "J2", "D1", "标题", "2024-01-01", "", "", "", ""],
        ["654000", "J2", "D1", "标题", "2024-01-02", "", "", "", ""],
        ["999999", "J3", "D1", "标题", "2024-01-01", "", "", "", ""],
        ["", "J4", "D1", "标题", "2024-01-01", "", "", "", ""],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    # No code in the name: the file belongs to the prefecture its rows name (654000), which an
    # empty 州市代码 takes too.
    assert result.rows_loaded == 1
    assert rows_of(con, "select suggestion_id, prefecture_code from raw.suggestions") == [("J4", "654000")]
    rules = rows_of(con, "select row_number, rule_id from raw.quarantine order by row_number, rule_id")
    assert rules == [(2, "future_date"), (3, "duplicate_key"), (4, "duplicate_key"), (5, "prefecture_unknown")]


def test_receptions_and_motions_rules(home, con, tmp_path):
    receptions = write_csv(tmp_path / "652300_接待_2024.csv", [
        ["站点编号*", "代表编号*", "接待日期*", "接待群众人次", "收集意见建议", "已办结"],
        ["S1", "D1", "2024-03-01", "12", "5", "6"],
        ["S1", "D2", "2024-03-01", "12", "5", "5"],
    ])
    assert ingest_file(con, home, receptions, SUBMITTED).rows_quarantined == 1
    cosigners = "、".join(f"D{i}" for i in range(2, 10))  # lead + 8 = 9 deputies: too few
    motions = write_csv(tmp_path / "652300_议案_2024.csv", [
        ["议案编号*", "领衔代表编号*", "附议代表编号", "标题*", "提出日期*"],
        ["Y1", "D1", f'"{cosigners}"', "议案一", "2024-01-10"],
        ["Y2", "D1", f'"{cosigners}、D10"', "议案二", "2024-01-10"],
    ])
    assert ingest_file(con, home, motions, SUBMITTED).rows_quarantined == 1
    assert rows_of(con, "select rule_id from raw.quarantine order by rule_id") == [
        ("motion_too_few_signers",), ("resolved_exceeds_collected",)]
    assert rows_of(con, "select cosigner_ids from raw.motions") == [("D2,D3,D4,D5,D6,D7,D8,D9,D10",)]


@pytest.mark.parametrize("distinct", [False, True], ids=["per-cell", "distinct-values"])
def test_default_fills_only_an_empty_cell(home, con, tmp_path, monkeypatch, distinct):
    # Both parsing paths of typed_columns (small batches per cell, big ones per distinct value).
    monkeypatch.setattr(validate, "DISTINCT_MIN_ROWS", 1 if distinct else 10**9)
    path = write_csv(tmp_path / "654000_代表名册_2024.csv", [
        ["代表编号*", "姓名*", "层级*", "所属人大*", "任期开始*", "状态", "状态日期"],
        ["D1", "甲", "州市", "C1", "2022-01-10", "", ""],            # empty: the default 在任
        ["D2", "乙", "州市", "C1", "2022-01-10", "在职", ""],        # not in the list: an error
        ["D3", "丙", "州市", "C1", "2022-01-10", "辞职", "2024-05-01"],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 2, 1)
    assert rows_of(con, "select deputy_id, status from raw.deputies order by 1") == [("D1", "在任"), ("D3", "辞职")]
    message = "“状态”的值“在职”不在允许值中：在任、辞职、罢免、去世、调离"
    assert rows_of(con, "select row_number, column_name, header, value, rule_id, message from raw.quarantine") == [
        (3, "status", "状态", "在职", "bad_enum", message)]
    row_json = rows_of(con, "select row_json from raw.quarantine")[0][0]
    assert json.loads(row_json)["status"] == "在职"
    report = pl.read_csv(result.report.with_suffix(".csv"), infer_schema=False)
    assert report.rows() == [(path.name, None, "3", "状态", "在职", "bad_enum", "不在允许值中", message)]


def test_a_formula_typed_by_a_clerk_stays_text_in_the_report(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_代表名册_2024.csv", [
        ["代表编号*", "姓名*", "层级*", "所属人大*", "任期开始*", "状态", "状态日期"],
        ["D1", "甲", "州市", "C1", "2022-01-10", "=2+5*CALC", ""],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.rows_quarantined == 1
    report = pl.read_csv(result.report.with_suffix(".csv"), infer_schema=False)
    assert report["填写的值"].to_list() == ["'=2+5*CALC"]  # the apostrophe: shown, never run
    cell = openpyxl.load_workbook(result.report).active.cell(2, report.columns.index("填写的值") + 1)
    assert (cell.value, cell.data_type) == ("=2+5*CALC", "s")  # a string, not a formula
