"""Issue 17: statuses never contradict the target beside them, indicators without a target get no
colour, and Chinese pages show no code (`snake_case`) and no `None`."""

from __future__ import annotations

import re

import polars as pl
import pytest

from dashboard import charts
from tests.dashboard.test_overview import _card_lines

ILI, KARAMAY = "654000", "650200"
TAG = re.compile(r"<[^>]+>")
BADGE = re.compile(r":[a-z]+-badge\[([^\]]*)\]")
CODE = re.compile(r"[a-z]+_[a-z]+")


def meets(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "lower" else value >= target


def test_the_warehouse_says_green_only_when_the_target_is_met(handmade_values):
    rows = handmade_values.filter(pl.col("value").is_not_null())
    green = rows.filter(pl.col("status") == "green")  # none in the hand-made data: nothing meets its target
    for row in green.iter_rows(named=True):
        assert row["target"] is not None and meets(row["value"], row["target"], row["direction"]), row
    for row in rows.filter(pl.col("status").is_in(["amber", "red"])).iter_rows(named=True):
        assert row["target"] is not None and not meets(row["value"], row["target"], row["direction"]), row
    untargeted = rows.filter(pl.col("target").is_null())
    assert untargeted.height and set(untargeted["status"]) <= {"none", "insufficient"}


@pytest.mark.parametrize("query", [{"year": "2024"}, {"prefecture": ILI, "year": "2024"},
                                   {"prefecture": KARAMAY, "year": "2024"}, {"prefecture": KARAMAY, "year": "2024",
                                                                            "quarter": "1"}])
def test_no_card_is_badged_as_meeting_its_target_below_it(dashboard, handmade_values, query):
    app = dashboard(**query)
    scope = query.get("prefecture", "650000")
    period = f"{query['year']}Q{query['quarter']}" if "quarter" in query else query["year"]
    checked = 0
    for metric, line in zip(app.metric, _card_lines(app), strict=True):
        row = handmade_values.filter((pl.col("indicator_name") == metric.label) & (pl.col("scope_code") == scope)
                                     & (pl.col("period_label") == period)).row(0, named=True)
        badge = BADGE.findall(line)[0]
        if badge == "达标":
            assert row["target"] is not None and meets(row["value"], row["target"], row["direction"])
            checked += 1
        if row["target"] is None:  # no target: no band colour, no word of a band
            assert line.startswith(":gray-badge[") and badge in ("无目标", "样本不足", "暂无数据")
            assert "目标 " not in line
        if row["value"] is not None and row["target"] is not None and not row["is_small_sample"] \
                and not meets(row["value"], row["target"], row["direction"]):
            assert badge in ("接近目标", "未达标")
        assert "达标" not in metric.help or "状态划分" in metric.help  # the bands are in the definition
    assert app.metric


def test_the_bands_are_in_each_definition(dashboard):
    app = dashboard(year="2024")
    reply = next(m for m in app.metric if m.label == "建议答复率")
    assert "达标 ≥ 100.0%" in reply.help and "接近目标 85.0% – 100.0%" in reply.help and "未达标 < 85.0%" in reply.help
    untargeted = next(m for m in app.metric if m.label == "解决率")
    assert "无目标值，不划分状态、不着色" in untargeted.help


def test_no_indicator_without_target_has_a_band_colour(dashboard):
    app = dashboard(prefecture=KARAMAY, year="2024", indicator="opinion_resolution_rate")  # no target
    band = {charts.STATUS_COLOURS[s] for s in ("green", "amber", "red")}
    tiles = " ".join(m.value for m in app.markdown if "lvzhi-tile" in m.value)
    assert tiles and not any(colour in tiles for colour in band)
    import json

    ranking = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert not set(ranking["data"][0]["marker"]["color"]) & band


def visible_text(app) -> list[str]:
    """What a reader sees: titles, captions, Markdown without tags, cards, tables, choices."""
    texts = [e.value for e in (*app.title, *app.header, *app.subheader, *app.caption, *app.info, *app.warning)]
    texts += [BADGE.sub(r"\1", TAG.sub(" ", m.value)) for m in app.markdown if not m.value.lstrip().startswith("<style")]
    for metric in app.metric:
        texts += [metric.label, metric.value, metric.help or ""]
    for box in app.selectbox:
        texts += [box.label, *box.options]
    for frame in app.dataframe:
        table = pl.from_pandas(frame.value)
        texts += table.columns
        for column in table.columns:
            if column == "查看":  # a link column: the reader sees 查看 →, not the URL
                continue
            texts += [str(v) for v in table[column].to_list() if isinstance(v, str)]
    return texts


CHINESE_PAGES = ["overview", "suggestions", "records", "attendance", "activities", "liaison", "stations", "trainings",
                 "quality", "exports"]


@pytest.mark.parametrize("page", CHINESE_PAGES)
@pytest.mark.parametrize("prefecture", ["", ILI, KARAMAY])
def test_no_code_and_no_none_on_chinese_pages(dashboard, page, prefecture):
    app = dashboard(page, prefecture=prefecture, year="2024") if prefecture else dashboard(page, year="2024")
    for text in visible_text(app):
        assert not CODE.search(text), f"{page}: {text!r}"
        assert "None" not in text, f"{page}: {text!r}"


def test_no_code_and_no_none_on_a_deputy_record(dashboard):
    app = dashboard("deputy")
    app.text_input(key="deputy_search").input("D1").run()
    for text in visible_text(app):
        assert not CODE.search(text), text
        assert "None" not in text, text


def test_years_days_and_scores_as_people_write_them(dashboard):
    app = dashboard("deputy")
    app.text_input(key="deputy_search").input("D1").run()
    frames = [pl.from_pandas(d.value) for d in app.dataframe if {"年度", "履职积分"} <= set(d.value.columns)]
    assert frames
    profile = frames[0]
    days = next(c for c in profile.columns if c.endswith("在任天数"))
    assert profile["年度"].dtype.is_integer() and profile[days].dtype.is_integer()
    assert all(round(v, 1) == v for v in profile["履职积分"].to_list() if v is not None)


def test_a_year_without_data_says_so_and_offers_the_nearest(dashboard):
    app = dashboard(year="2019")
    notices = [m.value for m in app.markdown if "lvzhi-notice" in m.value]
    assert notices and "2019年暂无数据" in notices[0]
    assert re.search(r"year=20(2[0-9])", notices[0])  # a link to the nearest year with data


def test_a_prefecture_ranks_its_counties(dashboard):
    import json

    app = dashboard(prefecture=KARAMAY, year="2024")
    ranking = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert "各县区排名" in ranking["layout"]["title"]["text"]
    assert {"克拉玛依区", "独山子区", "白碱滩区"} <= {y.replace("<b>", "").replace("</b>", "") for y in ranking["data"][0]["y"]}
    tiles = " ".join(m.value for m in app.markdown if "lvzhi-tile" in m.value)
    assert "county=" in tiles and "独山子区" in tiles


def test_a_prefecture_user_gets_no_ranking_of_one_bar(handmade_home, monkeypatch):
    from tests.dashboard.conftest import open_app

    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    app = open_app(handmade_home.root, None, user="ili", year="2024")
    assert any("无法排名" in i.value for i in app.info)
