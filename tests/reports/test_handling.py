"""代表建议办理情况报告: per-unit counts equal indicator_values at the handling-unit scope; Word and xlsx."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from lvzhi.warehouse import connect_published, read_published
from reports.handling import COLUMNS, collect, write_handling


def test_unit_rows_equal_indicator_values(turpan_home):
    con = connect_published(turpan_home)
    try:
        report = collect(con, 2024, "650400")
    finally:
        con.close()
    values = read_published(turpan_home, "select scope_code, indicator_id, numerator, denominator from indicator_values "
                            "where scope_level = 'handling_unit' and period_type = 'year' and period_label = '2024' "
                            "and indicator_id in ('suggestion_reply_rate', 'suggestion_on_time_reply_rate')")
    by = {(r["scope_code"], r["indicator_id"]): r for r in values.iter_rows(named=True)}
    assert report.units.height == 8
    for unit in report.units.iter_rows(named=True):
        reply = by[(unit["handling_unit_id"], "suggestion_reply_rate")]
        assert (unit["replied"], unit["assigned"]) == (reply["numerator"], reply["denominator"])
        assert unit["on_time"] == by[(unit["handling_unit_id"], "suggestion_on_time_reply_rate")]["numerator"]
        assert unit["class_a"] + unit["class_b"] + unit["class_c"] + unit["class_d"] == unit["replied"]
        assert unit["handled_again"] == "—" or "/" in unit["handled_again"]
    assert report.units["assigned"].sum() == 44
    assert report.summary[0].startswith("2024年共交办代表建议44件，由8个单位承办")


def test_handling_report_files(turpan_home, tmp_path):
    docx, report = write_handling(turpan_home, 2024, "650400", tmp_path / "办理情况.docx")
    with zipfile.ZipFile(docx) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "各承办单位办理情况" in document and "市水利局" in document and 'w:orient="landscape"' in document
    xlsx, _ = write_handling(turpan_home, 2024, None, tmp_path / "办理情况.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "承办单位")
    assert list(header[:len(COLUMNS)]) == [h for _, h in COLUMNS]
    assert rows[0][0] == "新疆维吾尔自治区2024年代表建议办理情况报告"
