"""The charts are built unchecked (charts.UNCHECKED): each builder's figure must be exactly what
plotly's validation makes of it, so that skipping the check changes nothing the browser receives."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest

from dashboard import charts

RANKED = pl.DataFrame({
    "scope_code": ["650100", "650200", "654000"], "scope_name": ["乌鲁木齐市", "<b>克拉玛依市</b>", "伊犁州"],
    "value": [0.9, None, 0.45], "denominator": [20.0, 0.0, 7.0], "is_small_sample": [False, True, True],
    "status": ["green", "no_data", "insufficient"], "direction": ["higher"] * 3,
})
TREND = pl.DataFrame({
    "scope_name": ["全区", "全区", "伊犁州", "伊犁州"], "period_label": ["2024Q1", "2024Q2"] * 2,
    "value": [0.5, 0.75, None, 0.25], "denominator": [10, 12, 0, 4],
})
SHARES = pl.DataFrame({"category": ["A", "B", "C"], "count": [5, 3, 0]})
STACKED = pl.DataFrame({"prefecture_name": ["伊犁州", "伊犁州", "克拉玛依市"], "status": ["出席", "请假", "出席"],
                        "count": [10, 2, 7]})
RATES = pl.DataFrame({"flag": ["有场所", "有经费"], "share": [1.0, None], "stations": [3, 0]})

FIGURES = {
    "ranking": lambda: charts.ranking(RANKED, "排名", "rate", 1.0, "654000"),
    "ranking_count": lambda: charts.ranking(RANKED, "排名", "count", None),
    "trend": lambda: charts.trend(TREND, "趋势", "rate", 0.9, {"2024Q2"}, "未到期"),
    "funnel": lambda: charts.funnel([("提出", 10), ("交办", 8), ("答复", 5)], "办理进度"),
    "shares": lambda: charts.shares(SHARES, "答复类别"),
    "stacked": lambda: charts.stacked(STACKED, "出席", "prefecture_name", "status"),
    "rate_bars": lambda: charts.rate_bars(RATES, "十有", "flag", "share", "stations", target=1.0),
}


def sent(figure: go.Figure) -> dict:
    """What st.plotly_chart sends to the browser for a figure (its to_json of to_dict)."""
    return json.loads(pio.to_json(figure.to_dict(), validate=False))


@pytest.mark.parametrize("name", FIGURES)
def test_an_unchecked_chart_is_what_validation_makes_of_it(name):
    figure = FIGURES[name]()
    checked = go.Figure(figure.to_dict())  # raises on any property plotly does not know or accept
    unchecked, validated = sent(figure), sent(checked)
    # Validation only fills the empty template with plotly's placeholder for scatter traces.
    assert unchecked["layout"].pop("template") == {}
    assert validated["layout"].pop("template") in ({}, {"data": {"scatter": [{"type": "scatter"}]}})
    assert unchecked == validated
