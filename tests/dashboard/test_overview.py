"""The overview shows exactly the published indicator_values for the filters in the URL or sidebar."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

ILI, REGION = "654000", "650000"


def expected(values: pl.DataFrame, indicator: str, scope: str, period: str) -> dict:
    row = values.filter((pl.col("indicator_id") == indicator) & (pl.col("scope_code") == scope)
                        & (pl.col("period_label") == period))
    assert row.height == 1
    return row.row(0, named=True)


def shown(app, name: str) -> tuple[str, str]:
    """The value on the card labelled `name`, and the line under it (status, n, target)."""
    metrics = [m for m in app.metric if m.label == name]
    assert metrics, f"no card {name}: {[m.label for m in app.metric]}"
    index = list(app.metric).index(metrics[0])
    return metrics[0].value, _card_lines(app)[index]


def _card_lines(app) -> list[str]:
    return [m.value for m in app.markdown if " · n = " in m.value or m.value.startswith(":") and "n = " in m.value]


def test_ili_2024_cards_equal_the_warehouse(dashboard, handmade_values):
    app = dashboard(prefecture=ILI, year="2024")
    value, line = shown(app, "建议答复率")
    assert value == "57.1%" and "n = 7" in line and "样本不足" in line
    value, line = shown(app, "人代会出席率")
    assert value == "80.0%" and "n = 5" in line
    # Every card equals its row of indicator_values (rates in % with one decimal, n = denominator).
    for metric, line in zip(app.metric, _card_lines(app), strict=True):
        row = handmade_values.filter((pl.col("indicator_name") == metric.label) & (pl.col("scope_code") == ILI)
                                     & (pl.col("period_label") == "2024")).row(0, named=True)
        if row["value"] is None:
            assert metric.value == "—"
        elif row["unit"] == "rate":
            assert metric.value == f"{row['value'] * 100:.1f}%"
        assert f"n = {row['denominator']:,.0f}" in line


def test_defaults_to_the_region_and_the_as_of_year(dashboard, handmade_values):
    app = dashboard()
    assert shown(app, "建议答复率")[0] == "62.5%"  # 5/8
    assert "n = 8" in shown(app, "建议答复率")[1]
    assert app.selectbox(key="year").value == "2024"
    assert "统计日 2024-06-30" in app.caption[0].value


def test_quarter_filter(dashboard, handmade_values):
    app = dashboard(prefecture=ILI, year="2024", quarter="1")
    row = expected(handmade_values, "suggestion_reply_rate", ILI, "2024Q1")
    assert shown(app, "建议答复率")[0] == f"{row['value'] * 100:.1f}%" == "66.7%"
    assert "n = 6" in shown(app, "建议答复率")[1]


def test_sidebar_choice_goes_into_the_url(dashboard):
    app = dashboard()
    app.selectbox(key="prefecture").set_value(ILI).run()
    assert shown(app, "建议答复率")[0] == "57.1%"
    assert app.query_params["prefecture"] == ILI


@pytest.mark.parametrize("forged", ["999999", "650000", "654000' or 1=1 --"])
def test_a_forged_prefecture_code_is_ignored(dashboard, forged):
    app = dashboard(prefecture=forged, year="1900")
    assert app.selectbox(key="prefecture").value == ""
    assert app.selectbox(key="year").value == "2024"
    assert shown(app, "建议答复率")[0] == "62.5%"  # the region
    assert "prefecture" not in app.query_params


def test_english_switch_changes_the_title(dashboard):
    app = dashboard()
    assert app.title[0].value == "总览"
    app.toggle(key="lang_en").set_value(True).run()
    assert app.title[0].value == "Overview"
    assert shown(app, "Suggestion reply rate")[0] == "62.5%"
    assert dashboard(lang="en").title[0].value == "Overview"


def test_ranking_chart_has_values_n_and_the_target_line(dashboard):
    app = dashboard(prefecture=ILI, year="2024")
    ranking, trend = (json.loads(chart.proto.spec) for chart in app.get("plotly_chart")[:2])
    bars = ranking["data"][0]
    ili = bars["y"].index("<b>伊犁哈萨克自治州</b>")  # the chosen prefecture in bold
    assert bars["x"][ili] == pytest.approx(400 / 7) and bars["text"][ili] == "57.1% (n=7) 样本不足"
    target = ranking["layout"]["shapes"][0]
    assert target["line"]["dash"] == "dash" and target["x0"] == 100
    due = [line for line in trend["data"] if not line["name"].endswith("（未到期）")]
    assert [line["name"] for line in due] == ["新疆维吾尔自治区", "伊犁哈萨克自治州"]
    assert "2024Q1" in due[1]["x"]
    # As of 2024-06-30 the cohorts of 2024Q2 are not due yet: drawn apart (dotted), not as a cliff.
    pending = [line for line in trend["data"] if line["name"].endswith("（未到期）")]
    assert pending and all(line["line"]["dash"] == "dot" for line in pending)
    assert all(y is None for line in due for x, y in zip(line["x"], line["y"], strict=True) if x == "2024Q2")


def test_definition_beside_each_number(dashboard):
    app = dashboard(prefecture=ILI)
    card = next(m for m in app.metric if m.label == "按期答复率")
    assert "3个自然月" in card.help and "第二十四条" in card.help


def test_county_scope_from_the_url(dashboard, handmade_values):
    row = expected(handmade_values.filter(pl.col("scope_level") == "county"), "suggestion_reply_rate", "克拉玛依区",
                   "2024")
    app = dashboard(prefecture="650200", county="克拉玛依区", year="2024")
    value, line = shown(app, "建议答复率")
    assert value == ("—" if row["value"] is None else f"{row['value'] * 100:.1f}%")
    assert f"n = {row['denominator']:,.0f}" in line
    assert "克拉玛依市 克拉玛依区" in app.caption[0].value


def test_a_county_of_another_prefecture_is_ignored(dashboard):
    app = dashboard(prefecture=ILI, county="克拉玛依区", year="2024")
    assert shown(app, "建议答复率")[0] == "57.1%"
    assert "county" not in app.query_params


def tiles(app) -> dict[str, str]:
    """Prefecture name -> the tile's HTML."""
    found = {}
    for block in app.markdown:
        for tile in re.split(r'class="lvzhi-tile[ "]', block.value)[1:]:
            name = tile.split("<b>")[1].split("</b>")[0]
            found[name] = tile
    return found


def test_prefecture_tiles_show_value_n_and_status_colour(dashboard, handmade_values):
    app = dashboard(prefecture=ILI, year="2024")
    grid = tiles(app)
    assert len(grid) == 14  # every prefecture, those without data too
    row = expected(handmade_values, "suggestion_reply_rate", ILI, "2024")  # the first indicator ranked
    ili = grid["伊犁哈萨克自治州"]
    assert f"{row['value'] * 100:.1f}%" == "57.1%" and "57.1%" in ili
    assert f"n = {row['denominator']:,.0f}" in ili and "n = 7" in ili
    assert "#bdbdbd" in ili and "lvzhi-chosen" in ili  # small sample: grey; the chosen prefecture outlined
    assert "—" in grid["和田地区"] and "n = 0" in grid["和田地区"]


def test_term_filter_from_the_url(dashboard, handmade_values):
    app = dashboard(prefecture=ILI, year="2024", term="654000-15")
    assert app.selectbox(key="term").value == "654000-15"
    for indicator, name in (("suggestion_reply_rate", "建议答复率"), ("congress_attendance_rate", "人代会出席率")):
        row = expected(handmade_values.filter((pl.col("period_type") == "term") & (pl.col("scope_level") == "prefecture")),
                       indicator, ILI, "654000-15")
        value, line = shown(app, name)
        assert value == ("—" if row["value"] is None else f"{row['value'] * 100:.1f}%")
        assert f"n = {row['denominator']:,.0f}" in line
    assert "届期 伊犁哈萨克自治州人大 第15届" in app.caption[0].value
    assert app.query_params["term"] == "654000-15"


def test_term_choice_goes_into_the_url_and_a_foreign_term_is_ignored(dashboard):
    app = dashboard(prefecture=ILI)
    assert app.selectbox(key="term").options == ["按年度/季度", "伊犁哈萨克自治州人大 第15届", "代码 654002101 第19届"]
    app.selectbox(key="term").set_value("654000-15").run()
    assert app.query_params["term"] == "654000-15"
    app = dashboard(prefecture=ILI, term="650200-15")  # Karamay's congress, not Ili's
    assert app.selectbox(key="term").value == "" and "term" not in app.query_params
    assert shown(app, "建议答复率")[0] == "57.1%"  # back to the year


def test_term_on_the_suggestions_page_ranks_units_over_the_term(dashboard, handmade_values):
    app = dashboard("suggestions", prefecture="650200", term="650200-15", section="units")
    from tests.dashboard.test_pages import frame
    units = frame(app, "名次", "范围", "分母(n)")
    rows = handmade_values.filter((pl.col("indicator_id") == "suggestion_on_time_reply_rate")
                                  & (pl.col("scope_level") == "handling_unit") & (pl.col("period_label") == "650200-15"))
    assert sorted(units["范围"]) == sorted(rows["scope_name"])
    assert sum(units["分母(n)"]) == rows["denominator"].sum()


def test_change_too_small_to_show_is_not_negative_zero():
    from dashboard.ui import format_delta

    # A change that rounds to zero is no change: no arrow, no colour (issue 17), never -0.0.
    assert format_delta(0.9360, 0.93604, "rate") is None
    assert format_delta(0.5, 0.5, "rate") is None and format_delta(3, 3, "count") is None
    assert format_delta(5, 7, "count") == "-2"


def _matrix_markdown(app) -> list[str]:
    return [m.value for m in app.markdown if 'class="lvzhi-matrix"' in m.value]


def test_the_kept_matrix_is_the_one_made_for_each_view(dashboard, monkeypatch):
    """The matrix's HTML is kept per version (db.derived): a later view shows what a fresh one makes,
    for its own filters, language and user scope."""
    from dashboard import db

    views = [{}, {"lang": "en"}, {"prefecture": "654000"}, {"prefecture": "654000", "lang": "en"}]
    kept = [_matrix_markdown(dashboard(**query)) for query in views]
    assert all(len(html) == 1 for html in kept) and len({html[0] for html in kept}) == len(views)
    assert [_matrix_markdown(dashboard(**query)) for query in views] == kept  # the kept copy
    monkeypatch.setattr(db, "derived", lambda key, make: make())  # nothing kept: made afresh
    assert [_matrix_markdown(dashboard(**query)) for query in views] == kept


def _cards(app) -> list[str]:
    return [str(m.proto) for m in app.metric] + [m.value for m in app.markdown if "badge[" in m.value
                                                 or "lvzhi-card-link" in m.value]


@pytest.mark.parametrize("page", [None, "suggestions"])
def test_the_kept_card_texts_are_the_ones_made_for_each_view(dashboard, monkeypatch, page):
    """The cards' texts are kept per version (db.derived): a later view shows what a fresh one makes,
    for its own filters, language and page (the ranking links)."""
    from dashboard import db

    views = [{}, {"prefecture": "654000"}, {"prefecture": "652300"}]
    if page is None:  # (AppTest cannot switch pages in English: its quarter box looks for 全年)
        views.append({"lang": "en"})
    kept = [_cards(dashboard(page, **query)) for query in views]
    assert all(kept) and len({tuple(cards) for cards in kept}) == len(views)
    assert [_cards(dashboard(page, **query)) for query in views] == kept
    monkeypatch.setattr(db, "derived", lambda key, make: make())
    assert [_cards(dashboard(page, **query)) for query in views] == kept
