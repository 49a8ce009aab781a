"""Long tables show the rows a leader acts on first (ui.top_rows), say so, and show every row
behind a toggle; the downloads always hold every row. TOP_ROWS is made small here so that the
hand-made records (7 handling units in Ili, 2 stations in Karamay) are "long"."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard import ui
from dashboard.i18n import label
from tests.dashboard.test_pages import frame


@pytest.fixture
def downloads(monkeypatch):
    """Every table's download, by table name: the rows written when a button is clicked."""
    made = {}
    real = ui.download_buttons

    def record(df, name, f, headers=None, prepare=None):
        made[name] = ((prepare() if prepare else df).rename(headers) if headers else df)
        real(df, name, f, headers, prepare)

    monkeypatch.setattr(ui, "download_buttons", record)
    return made


def worst_first(ranking: pl.DataFrame) -> pl.DataFrame:
    """The ranking table's rows as lowest_ranked orders them: with enough data lowest rate first,
    then small samples lowest first, then those without a value (ties in the table's order)."""
    group = pl.when(pl.col("数值(%)").is_null()).then(2).when(pl.col("状态") == "样本不足").then(1).otherwise(0)
    return ranking.with_columns(group.alias("g")).sort(["g", "数值(%)"], nulls_last=True, maintain_order=True).drop("g")


def test_units_show_the_lowest_rates_first_and_all_behind_the_toggle(dashboard, monkeypatch, downloads):
    monkeypatch.setattr(ui, "TOP_ROWS", 3)
    app = dashboard("suggestions", prefecture="654000", year="2024", section="units")
    captions = [c.value for c in app.caption]
    assert any("按期答复率最低的 3 个单位" in c and "共 7 个" in c for c in captions), captions
    assert any("超期未答复件数最多的 3 个办理单位" in c for c in captions), captions
    assert {t.label for t in app.toggle} >= {"显示全部 7 个单位（按名次）"}
    top_ranking, top_units = frame(app, "名次", "范围", "分母(n)"), frame(app, "交办件数", "按期答复")
    assert top_ranking.height == top_units.height == 3

    # The downloads hold every unit in the full tables' order, whatever the page shows.
    full_ranking_download, full_units_download = downloads["unit_ranking"], downloads["units"]
    assert full_ranking_download.height == 7

    app.toggle(key="show_all_unit_ranking").set_value(True).run()
    app.toggle(key="show_all_units").set_value(True).run()
    assert not app.exception
    ranking, units = frame(app, "名次", "范围", "分母(n)"), frame(app, "交办件数", "按期答复")
    assert ranking.height == 7 and units.height == full_units_download.height
    assert not any("按期答复率最低的 3 个单位" in c.value for c in app.caption)
    # The default view is the lowest three of the whole ranking, with their ranks and numbers unchanged.
    assert top_ranking.drop("查看").equals(worst_first(ranking.drop("查看")).head(3))
    # The unit table was already most overdue first: its first three rows.
    assert top_units.equals(units.head(3))
    assert units.sort(["超期未答复", "交办件数"], descending=True, maintain_order=True).equals(units)
    # What the download holds is the whole table as shown (without the links column).
    assert full_ranking_download.equals(ranking.drop("查看"))
    assert full_units_download.equals(units)
    assert ranking["查看"].null_count() == 0 and top_ranking["查看"].null_count() == 0


def test_stations_show_the_lowest_resolved_share_first(dashboard, monkeypatch, downloads):
    # Karamay 2024: ST1 80 % of 5 opinions resolved, ST2 60 % of 5.
    monkeypatch.setattr(ui, "TOP_ROWS", 1)
    app = dashboard("stations", prefecture="650200", year="2024")
    assert frame(app, "站点编号", "收集意见")["站点编号"].to_list() == ["ST2"]
    assert any("意见办理率最低的 1 个家室站" in c.value and "共 2 个" in c.value for c in app.caption)
    assert downloads["receptions"]["站点编号"].to_list() == ["ST1", "ST2"]
    app.toggle(key="show_all_receptions").set_value(True).run()
    shown = frame(app, "站点编号", "收集意见")
    assert shown["站点编号"].to_list() == ["ST1", "ST2"] and shown.equals(downloads["receptions"])


def test_a_short_table_has_no_toggle(dashboard):
    app = dashboard("stations", prefecture="650200", year="2024")
    assert not [t for t in app.toggle if t.key and t.key.startswith("show_all_")]
    assert not any("当前显示" in c.value for c in app.caption)


def test_english_labels(dashboard, monkeypatch):
    monkeypatch.setattr(ui, "TOP_ROWS", 1)
    app = dashboard("stations", prefecture="650200", year="2024")
    app.toggle(key="lang_en").set_value(True).run()
    assert any(t.label == "Show all 2 stations" for t in app.toggle)
    assert any(c.value.startswith("Showing the 1 stations") for c in app.caption)


def test_worst_first_is_lowest_ranked_with_the_same_ranks():
    rows = pl.DataFrame({"scope_name": ["a", "b", "c", "d", "e", "f"], "value": [0.5, 0.9, 0.1, None, 0.7, 0.5],
                         "numerator": [5.0, 9.0, 1.0, 0.0, 7.0, 5.0], "denominator": [10.0] * 6,
                         "is_small_sample": [False, False, True, True, False, False], "direction": ["higher"] * 6,
                         "status": ["red", "green", "insufficient", "no_data", "amber", "red"]})
    for direction in ("higher", "lower"):
        ranked = rows.with_columns(direction=pl.lit(direction))
        best, worst = ui.ranked_table(ranked), ui.ranked_table(ranked, worst_first=True)
        assert worst["scope_name"].to_list() == ui.lowest_ranked(ranked, 6)["scope_name"].to_list()
        assert worst.sort("scope_name").equals(best.sort("scope_name"))  # same rows, same ranks
    assert ui.ranked_table(rows, worst_first=True)["scope_name"].to_list() == ["a", "f", "e", "b", "c", "d"]


def test_the_overdue_list_shows_the_longest_overdue_first(dashboard, monkeypatch, downloads):
    # Ili 2024 (as of 2024-06-30): two overdue suggestions. The lists due soon and key-supervised
    # go through the same ui.top_rows, each already in the order a leader acts on.
    monkeypatch.setattr(ui, "TOP_ROWS", 1)
    app = dashboard("suggestions", prefecture="654000", year="2024")
    whole = downloads["overdue"]
    assert whole.height == 2 and whole["超期天数"].to_list() == sorted(whole["超期天数"].to_list(), reverse=True)
    shown = frame(app, "建议编号", "超期天数")
    assert shown.height == 1 and shown["建议编号"].to_list() == whole["建议编号"].head(1).to_list()
    assert any("超期天数最多的 1 件（共 2 件）" in c.value for c in app.caption)
    app.toggle(key="show_all_overdue").set_value(True).run()
    assert frame(app, "建议编号", "超期天数")["建议编号"].to_list() == whole["建议编号"].to_list()


def test_quarantine_shows_the_last_loads_and_downloads_every_row(dashboard, monkeypatch, downloads):
    from datetime import datetime

    from dashboard import queries

    rows = pl.DataFrame({"source_file": ["b.xlsx", "a.xlsx", "a.xlsx"], "sheet": ["代表"] * 3, "kind": ["deputies"] * 3,
                         "prefecture_code": ["654000"] * 3, "row_number": [7, 3, 4], "header": ["出生日期"] * 3,
                         "value": ["1990-13-01", "x", "y"], "rule_id": ["bad_date"] * 3, "message": ["日期无效"] * 3,
                         "loaded_at": [datetime(2024, 7, 2, 9), datetime(2024, 7, 1, 9), datetime(2024, 7, 1, 9)]})
    monkeypatch.setattr(queries, "quarantine", lambda prefecture: rows)  # the hand-made home quarantines nothing
    monkeypatch.setattr(ui, "TOP_ROWS", 1)
    app = dashboard("quality")
    whole = downloads["quarantine"]
    assert whole.height == 3 and label("rule_id", "zh") not in whole.columns
    first = frame(app, label("value"), label("row_number"))
    assert first.height == 1 and first.equals(whole.head(1))  # the last load first
    assert any("最近载入的 1 条（共 3 条）" in c.value for c in app.caption)
    app.toggle(key="show_all_quarantine").set_value(True).run()
    # What a click writes is every row, as the whole table shows them.
    assert frame(app, label("value"), label("row_number")).equals(whole)
