"""The clerk's template round-trips: filled in and ingested, it gives the expected rows."""

from __future__ import annotations

import datetime as dt

import openpyxl

from ingest.run import ingest_file
from ingest.schemas import KINDS
from ingest.template import write_template
from tests.ingest.conftest import SUBMITTED, rows_of


def test_template_has_every_kind_marked_headers_and_dropdowns(tmp_path):
    workbook = openpyxl.load_workbook(write_template(tmp_path / "模板.xlsx"))
    assert workbook.sheetnames == ["填表说明", *(k.zh for k in KINDS)]
    sheet = workbook["建议"]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["建议编号*", "领衔代表编号*", "联名代表编号"]
    validations = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1
                   for v in sheet.data_validations.dataValidation if v.type == "list"}
    reply_class_col = openpyxl.utils.get_column_letter(headers.index("答复类别") + 1)
    assert validations[reply_class_col] == '"A,B,C,D"'


def test_filled_template_round_trips(home, con, tmp_path):
    path = write_template(tmp_path / "654000_报送模板_2024.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["代表名册"].append(["D1", "王芳", "女", "汉族", 1980, "州市", "654000-15", "伊宁市", "是", "否",
                                 "G1", "S1", "伊宁市", dt.datetime(2022, 1, 3), None, "在任", None,
                                 "65400019800101000X", "13812345678", None])
    workbook["建议"].append(["J1", "D1", "D2、D3", "会议期间", "交通", "关于修路的建议", dt.datetime(2024, 1, 5),
                             dt.datetime(2024, 1, 31), "州交通运输局", None, "否", None, dt.datetime(2024, 3, 1),
                             "A", "满意", None, "伊宁市", None])
    workbook.save(path)
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.status == "loaded" and result.rows_quarantined == 0
    assert rows_of(con, "select deputy_id, gender, birth_year, term_start, is_grassroots from raw.deputies") == [
        ("D1", "女", 1980, dt.date(2022, 1, 3), True)]
    assert rows_of(con, "select suggestion_id, cosigner_ids, replied_on, reply_class, prefecture_code "
                        "from raw.suggestions") == [("J1", "D2,D3", dt.date(2024, 3, 1), "A", "654000")]


def test_template_example_rows_never_load(home, con, tmp_path):
    """Each sheet's row 2 is an example (first cell starts with 示例): the blank template loads nothing,
    and the report names every example row as skipped, never as errors."""
    path = write_template(tmp_path / "654000_报送模板_2024.xlsx")
    sheet = openpyxl.load_workbook(path)["建议"]
    assert str(sheet["A2"].value).startswith("示例")
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.status == "loaded" and (result.rows_read, result.rows_loaded, result.rows_quarantined) == (0, 0, 0)
    assert "跳过工作表：填表说明" in result.ignored
    report = openpyxl.load_workbook(result.report).active
    rows = [[c.value for c in row] for row in report.iter_rows(min_row=2)]
    skipped = sorted((r[1], r[2]) for r in rows if r[5] == "skipped_row")
    assert skipped == sorted((k.zh, 2) for k in KINDS)
    assert all("示例行" in r[7] for r in rows if r[5] == "skipped_row")
    assert not [r for r in rows if r[5] not in ("skipped_row", "skipped_sheet")]
