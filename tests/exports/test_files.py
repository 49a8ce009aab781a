"""Every written file read back (openpyxl, csv, polars) and compared value by value with
indicator_values, selected here with SQL of its own for the job's scope and period."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.i18n import TEXT
from exports import run as export_run
from exports.jobs import resolve_period
from lvzhi import warehouse

AS_OF = date(2024, 6, 30)
STATUS = {s: TEXT[f"status_{s}"][0] for s in ("green", "amber", "red", "insufficient", "no_data", "none")}
COLUMNS = ["indicator_id", "indicator_name", "family", "scope_level", "scope_code", "scope_name", "period_type",
           "period_label", "period_start", "period_end", "as_of", "numerator", "denominator", "value", "unit",
           "target", "direction", "is_small_sample", "status"]


def expected(home, entry: dict, period_type: str, label: str | None) -> pl.DataFrame:
    """The rows a file must hold: the region file the region and its prefectures, a prefecture's file
    the prefecture and its counties; `label` None = every term under way on the as-of date."""
    if entry["scope_level"] == "region":
        scope, params = "scope_level in ('region', 'prefecture')", []
    else:
        scope = ("((scope_level = 'prefecture' and scope_code = ?) or "
                 "(scope_level = 'county' and scope_prefecture_code = ?))")
        params = [entry["scope_code"], entry["scope_code"]]
    params.append(period_type)
    if label:
        period, params = "period_label = ?", [*params, label]
    else:
        period, params = "period_start <= ? and period_end >= ?", [*params, AS_OF, AS_OF]
    return warehouse.read_published(
        home, f"select {', '.join(COLUMNS)} from indicator_values where {scope} and period_type = ? and {period}",
        params)


def by_key(rows) -> dict[tuple, dict]:
    keyed = {(r["indicator_id"], r["scope_code"], r["period_label"]): r for r in rows}
    assert len(keyed) == len(rows), "duplicate rows"
    return keyed


@pytest.fixture
def quarterly(export_home, job):
    result = export_run.run_job(export_home, job(period="last_quarter"))
    return export_home, result


def test_manifest_lists_every_file_with_checksum_rows_and_prefecture(quarterly):
    home, result = quarterly
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == result.manifest
    info = json.loads(warehouse.read_published(home, "select info_json from publish_info")["info_json"][0])
    assert manifest["as_of"] == "2024-06-30" and manifest["warehouse_version"] == info["version"]
    assert manifest["period"]["label"] == "2024Q2" and manifest["job"] == "test"
    prefectures = warehouse.read_published(home, "select prefecture_code from prefectures")["prefecture_code"]
    assert len(manifest["files"]) == 3 * (1 + prefectures.len())
    assert {f["prefecture_code"] for f in manifest["files"]} == {"region", *prefectures.to_list()}
    assert sorted(p.name for p in result.folder.iterdir()) == sorted([f["name"] for f in manifest["files"]]
                                                                     + ["manifest.json"])
    for entry in manifest["files"]:
        data = (result.folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
        assert entry["rows"] == expected(home, entry, "quarter", "2024Q2").height


def test_parquet_keeps_types_and_every_value(quarterly):
    home, result = quarterly
    for entry in [f for f in result.manifest["files"] if f["format"] == "parquet"]:
        written = pl.read_parquet(result.folder / entry["name"])
        assert written.schema["period_start"] == pl.Date and written.schema["as_of"] == pl.Date
        assert written.schema["value"] == pl.Float64 and written.schema["is_small_sample"] == pl.Boolean
        want = expected(home, entry, "quarter", "2024Q2")
        assert want.height > 0 and written.schema == want.schema  # the warehouse's own types
        assert_frame_equal(written.sort("indicator_id", "scope_code"), want.sort("indicator_id", "scope_code"))


def test_csv_is_utf8_bom_with_chinese_headers_and_every_value(quarterly):
    home, result = quarterly
    for entry in [f for f in result.manifest["files"] if f["format"] == "csv"]:
        raw = (result.folder / entry["name"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert list(rows[0])[:6] == ["指标编号", "指标", "类别", "范围层级", "范围代码", "范围"]
        written = by_key([{**r, "indicator_id": r["指标编号"], "scope_code": r["范围代码"], "period_label": r["期间"]}
                          for r in rows])
        want = by_key(expected(home, entry, "quarter", "2024Q2").to_dicts())
        assert written.keys() == want.keys()
        for key, row in want.items():
            got = written[key]
            assert got["指标"] == row["indicator_name"] and got["范围"] == row["scope_name"]
            assert got["类别"] == TEXT[f"family_{row['family']}"][0]
            assert got["期间开始"] == str(row["period_start"]) and got["统计日"] == "2024-06-30"
            for header, column in (("分子", "numerator"), ("分母(n)", "denominator"), ("数值", "value")):
                assert (float(got[header]) if got[header] else None) == row[column], (key, header)
            assert (float(got["目标"]) if got["目标"] else None) == row["target"]
            assert got["状态"] == STATUS[row["status"]]
            assert got["样本不足"] == ("是" if row["is_small_sample"] else "否")


def test_workbook_cells_match_indicator_values(quarterly):
    home, result = quarterly
    catalogue = warehouse.read_published(home, "select * from indicator_catalogue")
    families = dict(zip(catalogue["indicator_id"], catalogue["family"]))
    for entry in [f for f in result.manifest["files"] if f["format"] == "xlsx"]:
        book = openpyxl.load_workbook(result.folder / entry["name"])
        assert book.sheetnames[0] == "封面" and book.sheetnames[-1] == "指标定义"
        written = []
        for sheet in book.worksheets[1:-1]:
            header = [c.value for c in sheet[1]]
            assert header[:8] == ["指标", "范围", "期间", "分子", "分母(n)", "数值", "目标", "状态"]
            for cells in sheet.iter_rows(min_row=2):
                row = dict(zip(header, cells))
                assert sheet.title == TEXT[f"family_{families[row['指标编号'].value]}"][0]
                written.append({"indicator_id": row["指标编号"].value, "scope_code": row["范围代码"].value,
                                "period_label": row["期间"].value, "cells": row})
        want = by_key(expected(home, entry, "quarter", "2024Q2").to_dicts())
        written = by_key(written)
        assert written.keys() == want.keys() and len(want) == entry["rows"]
        for key, row in want.items():
            cells = written[key]["cells"]
            assert cells["指标"].value == row["indicator_name"] and cells["范围"].value == row["scope_name"]
            for header, column in (("分子", "numerator"), ("分母(n)", "denominator"), ("数值", "value")):
                want_value = None if row[column] is None else pytest.approx(row[column], rel=1e-14)
                assert cells[header].value == want_value, (key, header)
            assert cells["目标"].value == row["target"]
            assert cells["状态"].value == STATUS[row["status"]]
            if row["unit"] == "rate":
                assert cells["数值"].number_format == "0.0%" and cells["目标"].number_format == "0.0%"


def test_workbook_cover_definitions_and_print_setup(quarterly):
    home, result = quarterly
    files = {f["scope_code"]: f for f in result.manifest["files"] if f["format"] == "xlsx"}
    region = openpyxl.load_workbook(result.folder / files["650000"]["name"])
    cover = {row[0]: row[1] for row in region["封面"].iter_rows(values_only=True) if row[0]}
    assert region["封面"]["A1"].value == "测试季报"
    assert cover["期间"] == "2024年第2季度" and cover["统计日"] == "2024-06-30"
    assert cover["数据版本"] == result.manifest["warehouse_version"] and cover["生成时间"]
    freshness = warehouse.read_published(home, "select prefecture_name, files_loaded from data_freshness")
    names = set(cover) & set(freshness["prefecture_name"])
    assert names == set(freshness["prefecture_name"])  # every prefecture's freshness on the region cover
    ili = openpyxl.load_workbook(result.folder / files["654000"]["name"])
    ili_rows = [row[0] for row in ili["封面"].iter_rows(values_only=True) if row[0] in names]
    assert ili_rows == ["伊犁哈萨克自治州"]  # a prefecture's cover shows its own submissions

    catalogue = warehouse.read_published(home, "select indicator_id, formula_zh, basis from indicator_catalogue")
    definitions = list(region["指标定义"].iter_rows(min_row=2, values_only=True))
    assert [(d[0], d[3], d[7]) for d in definitions] == list(catalogue.iter_rows())

    for sheet in region.worksheets[1:]:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth in (None, 1)  # 1 page wide is the file format's default
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$1"
    rules = [rule.formula[0] for ranges in region["建议办理"].conditional_formatting for rule in ranges.rules]
    assert sorted(rules) == sorted(f'$H2="{STATUS[s]}"' for s in ("green", "amber", "red"))


@pytest.mark.parametrize("kind, period_type, label", [
    ("last_month", "month", "2024-06"), ("year_to_date", "year", "2024"), ("term", "term", None)])
def test_each_period_exports_its_rows(export_home, job, kind, period_type, label):
    result = export_run.run_job(export_home, job(period=kind, formats=["parquet"]))
    assert result.manifest["period"]["type"] == period_type and result.manifest["period"]["label"] == label
    for entry in result.manifest["files"]:
        want = expected(export_home, entry, period_type, label)
        written = pl.read_parquet(result.folder / entry["name"])
        assert_frame_equal(written.sort("indicator_id", "scope_code", "period_label"),
                           want.sort("indicator_id", "scope_code", "period_label"))
    assert sum(f["rows"] for f in result.manifest["files"]) > 0


def test_chosen_indicators_only(export_home, job):
    chosen = ["suggestion_on_time_reply_rate", "congress_attendance_rate"]
    result = export_run.run_job(export_home, job(indicators=chosen, scope=["region"], formats=["parquet", "xlsx"]))
    parquet, xlsx = (result.folder / f["name"] for f in result.manifest["files"])
    assert set(pl.read_parquet(parquet)["indicator_id"]) == set(chosen)
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["封面", "建议办理", "会议出席与列席", "指标定义"]
    assert [r[0] for r in book["指标定义"].iter_rows(min_row=2, values_only=True)] == chosen


@pytest.mark.parametrize("as_of, month, quarter", [
    (date(2024, 6, 30), "2024-06", "2024Q2"), (date(2024, 7, 15), "2024-06", "2024Q2"),
    (date(2024, 1, 10), "2023-12", "2023Q4"), (date(2024, 3, 31), "2024-03", "2024Q1"),
    (date(2024, 2, 29), "2024-02", "2023Q4"), (date(2024, 5, 31), "2024-05", "2024Q1")])
def test_periods_are_the_latest_complete_month_and_quarter(as_of, month, quarter):
    assert resolve_period("last_month", as_of).label == month
    assert resolve_period("last_quarter", as_of).label == quarter
    assert resolve_period("year_to_date", as_of).label == str(as_of.year)


def test_a_prefecture_user_gets_only_their_prefectures_files(quarterly):
    _, result = quarterly
    mine = export_run.files_for(result.manifest, ("654000",))
    assert {f["scope_code"] for f in mine} == {"654000"} and {f["format"] for f in mine} == {"xlsx", "csv", "parquet"}
    assert export_run.files_for(result.manifest, ()) == []
    assert export_run.files_for(result.manifest, None) == result.manifest["files"]
