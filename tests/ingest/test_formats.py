"""Files as clerks really send them: workbooks with title rows, several sheets, encodings, header
variants, every date form."""

from __future__ import annotations

import datetime as dt

import pytest
import xlsxwriter

from ingest.run import ingest_file
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv, write_xlsx

ROSTER = ["代表编号*", "姓名*", "层级*", "所属人大*", "任期开始*", "是否基层代表", "身份证号", "手机"]


def test_workbook_with_several_sheets_and_title_rows(home, con, tmp_path):
    path = write_xlsx(tmp_path / "654000_代表履职数据_2024.xlsx", {
        "代表名册": [ROSTER, ["D1", "王芳", "州市", "654000-15", dt.date(2022, 1, 3), "是", None, None]],
        "会议": [["会议编号*", "会议类型*", "所属人大*", "开始日期*"],
                 ["M1", "人民代表大会会议", "654000-15", dt.date(2024, 1, 10)]],
        "填表说明": [["本工作簿用于报送代表履职数据"], ["日期请写作 2024-03-05"]],
    }, title_rows=2)
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.status == "loaded" and sorted(result.kinds) == ["deputies", "meetings"]
    assert rows_of(con, "select deputy_id, term_start, is_grassroots, _sheet, _row_number from raw.deputies") == [
        ("D1", dt.date(2022, 1, 3), True, "代表名册", 4)]
    assert rows_of(con, "select start_date, prefecture_code from raw.meetings") == [(dt.date(2024, 1, 10), "654000")]


def test_blank_rows_above_the_title_keep_excel_row_numbers(home, con, tmp_path):
    path = tmp_path / "650100_会议.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("会议")
    sheet.merge_range(2, 1, 2, 4, "乌鲁木齐市会议情况")  # rows 1–2 empty, data from column B
    sheet.write_row(4, 1, [" 会议编号 * ", "会议类型（必填）", "所属人大", "开始日期", None, None])
    sheet.write_row(5, 1, ["M1", "常委会会议", "650100-15", "2024年3月5日"])
    sheet.write_row(7, 1, ["M2", "常委会会议", "650100-15", "2024年13月5日"])
    workbook.close()
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert rows_of(con, "select _row_number from raw.meetings") == [(6,)]
    assert rows_of(con, "select row_number, rule_id from raw.quarantine") == [(8, "bad_date")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(home, con, tmp_path, encoding):
    path = write_csv(tmp_path / "652900_代表名册.csv", [
        ROSTER, ["D1", "买买提·艾力", "县区", "652901-18", "2022-01-03", "否", "", ""],
    ], encoding=encoding)
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.rows_loaded == 1
    assert rows_of(con, "select name from raw.deputies") == [("买买提·艾力",)]
    expected = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gb18030", "gb18030": "gb18030"}[encoding]
    assert rows_of(con, "select encoding from raw.batches") == [(expected,)]


def test_undecodable_file_is_rejected_with_one_clear_line(home, con, tmp_path):
    path = tmp_path / "652900_代表名册.csv"
    path.write_bytes(",".join(ROSTER).encode("utf-8") + b"\nD1,\x81\x20\xff\xfe,\n")
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.status == "rejected"
    assert "第 2 行有无法识别的字符：请在 Excel 中“另存为 CSV UTF-8”" in result.message
    assert rows_of(con, "select count(*) from raw.batches") == [(0,)]


def test_english_and_messy_headers(home, con, tmp_path):
    path = write_csv(tmp_path / "650200_deputies.csv", [
        ["Deputy_ID*", " name ", "LEVEL", "congress_code", "term_start", "is_leader"],
        ["D1", "刘洋", "县区", "650202-18", "２０２２-０１-０３", "Y"],
    ])
    assert ingest_file(con, home, path, SUBMITTED).rows_loaded == 1
    assert rows_of(con, "select term_start, is_leader from raw.deputies") == [(dt.date(2022, 1, 3), True)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-05", dt.date(2024, 3, 5)), ("2024/3/5", dt.date(2024, 3, 5)), ("2024.3.5", dt.date(2024, 3, 5)),
    ("2024年3月5日", dt.date(2024, 3, 5)), ("45356", dt.date(2024, 3, 5)), ("2024-03-05 00:00:00", dt.date(2024, 3, 5)),
])
def test_date_forms(home, con, tmp_path, text, expected):
    path = write_csv(tmp_path / "650400_会议.csv", [
        ["会议编号*", "会议类型*", "所属人大*", "开始日期*"], ["M1", "常委会会议", "650400-15", text],
    ])
    assert ingest_file(con, home, path, SUBMITTED).rows_loaded == 1
    assert rows_of(con, "select start_date from raw.meetings") == [(expected,)]


def test_booleans_and_id_lists(home, con, tmp_path):
    path = write_csv(tmp_path / "650500_建议.csv", [
        ["建议编号*", "领衔代表编号*", "联名代表编号", "标题*", "提出日期*", "是否重点督办"],
        ["J1", "D1", '"D2、D3，D4;D5"', "标题", "2024-01-05", "是"],
        ["J2", "D1", "", "标题", "2024-01-05", "0"],
        ["J3", "D1", "", "标题", "2024-01-05", "也许"],
    ])
    assert ingest_file(con, home, path, SUBMITTED).rows_quarantined == 1
    assert rows_of(con, "select cosigner_ids, is_key_supervised from raw.suggestions order by 1 nulls last") == [
        ("D2,D3,D4,D5", True), (None, False)]
    assert rows_of(con, "select rule_id, value from raw.quarantine") == [("bad_bool", "也许")]


def test_id_card_hashed_phone_kept_raw_but_masked_downstream(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_代表名册.csv", [
        ROSTER, ["D1", "王芳", "州市", "654000-15", "2022-01-03", "是", "65400019800101000X", "13812345678"],
    ])
    ingest_file(con, home, path, SUBMITTED)
    (hashed,) = rows_of(con, "select id_card_hash from raw.deputies")[0]
    assert len(hashed) == 64 and "654000198" not in hashed
    salt = (home.root / "secret_salt").read_text()
    assert len(salt) == 64
    everything = " ".join(str(v) for row in rows_of(con, "select * from raw.deputies") for v in row)
    assert "65400019800101000X" not in everything
