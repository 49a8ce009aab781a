"""Every page renders; the suggestion and data-quality pages show the records behind the numbers."""

from __future__ import annotations

import io

import polars as pl
import pytest

from dashboard import ui
from tests.dashboard.conftest import open_app

PAGES = ["overview", "suggestions", "attendance", "activities", "liaison", "stations", "trainings", "deputy",
         "quality"]


def frame(app, *headers: str) -> pl.DataFrame:
    """The first table on the page with these (Chinese) headers."""
    tables = [pl.from_pandas(d.value) for d in app.dataframe if set(headers) <= set(d.value.columns)]
    assert tables, f"no table with {headers}"
    return tables[0]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_with_the_as_of_date(dashboard, page):
    app = dashboard(page, prefecture="654000")
    assert app.title[0].value
    assert any("统计日 2024-06-30" in c.value for c in app.caption)
    assert any("最近报送：2024-12-31" in c.value for c in app.caption)


def test_family_without_values_says_no_data(dashboard):
    app = dashboard("stations", prefecture="653200")  # Hotan sent nothing
    assert any("暂无数据" in i.value for i in app.info)
    assert not app.metric


def test_overdue_suggestions_sorted_by_days_overdue(dashboard):
    app = dashboard("suggestions", prefecture="654000", year="2024")
    overdue = frame(app, "超期天数")
    assert overdue["建议编号"].to_list() == ["S4", "S5"]
    assert overdue["超期天数"].to_list() == [51, 29]
    assert overdue["主办单位"].to_list() == ["州水利局", "州民政局"]
    assert str(overdue["答复期限"][0])[:10] == "2024-05-10"


def test_overdue_list_follows_the_prefecture_filter(dashboard):
    app = dashboard("suggestions", prefecture="650100", year="2024")
    assert not any("超期天数" in d.value.columns for d in app.dataframe)  # Urumqi: nothing overdue


def test_satisfaction_keeps_no_feedback_apart(dashboard):
    app = dashboard("suggestions", prefecture="654000", year="2024")
    tables = [pl.from_pandas(d.value) for d in app.dataframe if "类别" in d.value.columns]
    categories, satisfaction = (dict(zip(*t.select("类别", "人次/件数"), strict=True)) for t in tables)
    assert satisfaction == {"满意": 1, "基本满意": 1, "不满意": 1, "未反馈": 1}
    assert categories == {"A": 2, "B": 1, "C": 1}


def test_attendance_keeps_leave_apart(dashboard):
    app = dashboard("attendance", prefecture="654000", year="2024")
    statuses = frame(app, "状态", "人次/件数")
    assert dict(zip(*statuses.select("状态", "人次/件数"), strict=True)) == {"出席": 4, "请假": 1}


def test_data_quality_lists_submissions_and_reference_errors(dashboard):
    app = dashboard("quality")
    submissions = frame(app, "最近报送日期")
    assert submissions.height == 14
    assert submissions.filter(pl.col("地州市") == "伊犁哈萨克自治州")["文件数"][0] == 4
    errors = frame(app, "引用编号")
    assert sorted(errors["记录"]) == ["C1 / D99", "S8"]


def test_deputy_record_shows_masked_phone(dashboard):
    app = dashboard("deputy")
    app.text_input(key="deputy_search").input("D1").run()
    facts = frame(app, "项目")
    phone = facts.filter(pl.col("项目") == "手机（已脱敏）")["数值"][0]
    assert phone == "138****5678"
    assert "S1" in frame(app, "建议编号")["建议编号"].to_list()
    score = frame(app, "履职积分", "年度")
    assert score["年度"].to_list()[0] == 2024  # newest year first; values from deputy_profile
    assert any(m.label == "履职积分 · 2024" for m in app.metric)


def test_nothing_published_tells_how_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(tmp_path))
    app = open_app(tmp_path)
    assert "lvzhi" in app.warning[0].value and "build" in app.warning[0].value
    assert not (tmp_path / "published").exists()  # the dashboard creates nothing


def test_exports_have_chinese_headers_and_a_bom(dashboard):
    table = pl.DataFrame({"建议编号": ["S4"], "超期天数": [51]})
    csv = ui.to_csv(table)
    assert csv.startswith(b"\xef\xbb\xbf") and "建议编号".encode() in csv
    notes = pl.DataFrame({"项目": ["统计日"], "内容": ["2024-06-30"]})
    workbook = ui.to_excel(table, notes)
    assert pl.read_excel(io.BytesIO(workbook), sheet_name="数据").equals(table)
    assert pl.read_excel(io.BytesIO(workbook), sheet_name="说明")["内容"][0] == "2024-06-30"
