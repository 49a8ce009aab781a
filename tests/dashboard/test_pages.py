"""Every page renders; the suggestion and data-quality pages show the records behind the numbers."""

from __future__ import annotations

import io
import json
import shutil

import openpyxl
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
    app = dashboard("suggestions", prefecture="654000", year="2024", section="replies")
    tables = [pl.from_pandas(d.value) for d in app.dataframe if "类别" in d.value.columns]
    categories, satisfaction = (dict(zip(*t.select("类别", "人次/件数"), strict=True)) for t in tables)
    assert satisfaction == {"满意": 1, "基本满意": 1, "不满意": 1, "未反馈": 1}
    assert categories == {"A 已解决或基本解决": 2, "B 正在解决或列入计划": 1, "C 因条件限制暂难解决": 1}


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


def test_nothing_published_tells_how_to_build(tmp_path, monkeypatch, handmade_home):
    monkeypatch.setenv("LVZHI_HOME", str(tmp_path))
    app = open_app(tmp_path)
    assert "lvzhi" in app.warning[0].value and "user add" in app.warning[0].value  # no users yet: say how
    (tmp_path / "config").mkdir(exist_ok=True)  # the login check (issue 16) takes its lock file there
    shutil.copy(handmade_home.config_dir / "users.json", tmp_path / "config")
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


def test_on_time_rate_by_handling_unit_equals_indicator_values(dashboard, handmade_values):
    app = dashboard("suggestions", prefecture="654000", year="2024", section="units")
    units = frame(app, "名次", "范围", "分母(n)")
    expected = handmade_values.filter((pl.col("indicator_id") == "suggestion_on_time_reply_rate")
                                      & (pl.col("scope_level") == "handling_unit")
                                      & (pl.col("period_type") == "year") & (pl.col("period_label") == "2024")
                                      & pl.col("scope_code").str.starts_with("654000:"))
    assert sorted(units["范围"]) == sorted(expected["scope_name"]) and units.height == 7
    for row in expected.iter_rows(named=True):
        shown = units.filter(pl.col("范围") == row["scope_name"]).row(0, named=True)
        assert shown["分母(n)"] == row["denominator"]
        assert shown["数值(%)"] == (None if row["value"] is None else round(row["value"] * 100, 1))
    # every unit has n < 10 here: all flagged as small samples, none ranked
    assert units["名次"].is_null().all() and set(units["状态"]) <= {"样本不足", "暂无数据"}
    water = units.filter(pl.col("范围") == "州水利局").row(0, named=True)
    assert water["数值(%)"] == 0.0 and water["分母(n)"] == 1
    chart = next(json.loads(c.proto.spec) for c in app.get("plotly_chart")
                 if "办理单位" in json.loads(c.proto.spec)["layout"]["title"]["text"]
                 and "按期答复率排名" in json.loads(c.proto.spec)["layout"]["title"]["text"])
    assert "州水利局" in chart["data"][0]["y"]


def test_ranked_table_ranks_only_enough_data():
    rows = pl.DataFrame({"scope_name": ["a", "b", "c", "d"], "value": [0.5, 0.9, 1.0, None],
                         "numerator": [5.0, 9.0, 1.0, 0.0], "denominator": [10.0, 10.0, 1.0, 0.0],
                         "is_small_sample": [False, False, True, True], "direction": ["higher"] * 4,
                         "status": ["red", "green", "insufficient", "no_data"]})
    table = ui.ranked_table(rows)
    assert table["scope_name"].to_list() == ["b", "a", "c", "d"]
    assert table["rank"].to_list() == [1, 2, None, None]


def test_stations_ten_flags_and_receptions_for_karamay(dashboard):
    # 650200_家室站.csv: ST1, ST2, ST3 all established by 2024-06-30; ST2 lacks 有经费 only.
    app = dashboard("stations", prefecture="650200", year="2024")
    flags = frame(app, "“十有”项目", "达标站数")
    assert flags.height == 10 and set(flags["站点数"]) == {3}
    shares = dict(zip(*flags.select("“十有”项目", "占比(%)"), strict=True))
    assert shares["有经费"] == 66.7 and shares["有场所"] == 100.0
    assert dict(zip(*flags.select("“十有”项目", "达标站数"), strict=True))["有经费"] == 2
    # 650200_接待.csv, 2024: ST1 one reception (12 visitors, 5 opinions, 4 resolved), ST2 two (6+8, 2+3, 2+1).
    receptions = frame(app, "站点编号", "收集意见")
    assert receptions["站点编号"].to_list() == ["ST1", "ST2"]
    assert receptions["进站接待"].to_list() == [1, 2]
    assert receptions["接待群众人次"].to_list() == [12, 14]
    assert receptions["收集意见"].to_list() == [5, 5] and receptions["办理意见"].to_list() == [4, 3]
    assert receptions["意见办理率(%)"].to_list() == [80.0, 60.0]
    assert {b.label for b in app.get("download_button")} >= {"下载 Excel", "下载 CSV"}


def test_stations_follow_the_county_filter(dashboard):
    app = dashboard("stations", prefecture="650200", county="独山子区", year="2024")
    flags = frame(app, "“十有”项目", "达标站数")
    assert set(flags["站点数"]) == {1}
    assert frame(app, "站点编号", "收集意见")["站点编号"].to_list() == ["ST2"]


def test_group_activity_by_quarter_for_karamay(dashboard):
    # 650200_代表活动.csv up to 2024-06-30: Q1 A08 (G1: K1, K2) and A10 (G2: K5);
    # Q2 A09 (G1: K1), A11 (not a group: K3, K4), A13 (no group: K2). Groups G1, G2 (dim_group).
    app = dashboard("activities", prefecture="650200", year="2024")
    quarters = frame(app, "开展活动的小组", "参加活动的代表")
    assert quarters["期间"].to_list() == ["2024Q1", "2024Q2"]  # A12 (2024-07-05) is after the as-of date
    assert quarters["开展活动的小组"].to_list() == [2, 1]
    assert quarters["代表小组数"].to_list() == [2, 2]
    assert quarters["活动次数"].to_list() == [2, 3]
    assert quarters["参加活动的代表"].to_list() == [3, 4]
    assert quarters["占比(%)"].to_list() == [100.0, 50.0]


def test_group_activity_by_quarter_follows_the_quarter_filter(dashboard):
    app = dashboard("activities", prefecture="650200", year="2023", quarter="3")
    quarters = frame(app, "开展活动的小组", "参加活动的代表")
    assert quarters["期间"].to_list() == ["2023Q3"]
    assert quarters["开展活动的小组"].to_list() == [2] and quarters["参加活动的代表"].to_list() == [2]


@pytest.mark.parametrize("page", ["overview", "suggestions", "stations", "activities"])
def test_new_elements_in_english(dashboard, page):
    # Switch to English last: AppTest formats the sidebar's options outside the script (in Chinese),
    # so a further rerun after English is on cannot be simulated.
    app = dashboard(page, prefecture="650200", year="2024")
    app.toggle(key="lang_en").set_value(True).run()
    assert app.title[0].value and not app.exception
    if page == "stations":
        flags = [pl.from_pandas(d.value) for d in app.dataframe if "Standard" in d.value.columns][0]
        assert "Funds" in flags["Standard"].to_list()
    if page == "activities":
        assert any("Groups active" in d.value.columns for d in app.dataframe)


def test_lowest_ranked_lists_who_lags_first():
    rows = pl.DataFrame({"scope_name": ["a", "b", "c", "d", "e"], "value": [0.5, 0.9, 0.1, None, 0.7],
                         "is_small_sample": [False, False, True, True, False], "direction": ["higher"] * 5})
    assert ui.lowest_ranked(rows, 4)["scope_name"].to_list() == ["a", "e", "b", "c"]
    lower_is_better = rows.with_columns(direction=pl.lit("lower"))
    assert ui.lowest_ranked(lower_is_better, 2)["scope_name"].to_list() == ["b", "e"]


def test_downloads_never_carry_a_formula():
    """A title or an analyst's query result starting with = + - @ downloads as text, not a formula."""
    from dashboard import ui

    rows = pl.DataFrame({"标题": ["=1+1", "-2", "@SUM(A1)", "普通"], "件数": [1, -2, 3, 4]})
    csv = ui.to_csv(rows)
    assert csv.startswith(b"\xef\xbb\xbf")
    assert pl.read_csv(io.BytesIO(csv[3:]), infer_schema=False)["标题"].to_list() == ["'=1+1", "'-2", "'@SUM(A1)", "普通"]
    sheet = openpyxl.load_workbook(io.BytesIO(ui.to_excel(rows))).active
    assert [(c.value, c.data_type) for c in sheet["A"][1:3]] == [("=1+1", "s"), ("-2", "s")]
    assert sheet["B3"].value == -2  # numbers stay numbers
