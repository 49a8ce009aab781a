"""建议办理 draws one part below its cards at a time (`section=` in the URL): every part's tables,
charts and captions are those the whole page (全部) shows, so nothing a leader saw is lost."""

from __future__ import annotations

import json

import pytest

PARTS = ("chase", "units", "replies", "ranking")


def content(app) -> list:
    """What a leader reads: the tables (headers and rows), the charts' data and titles, the captions."""
    tables = [(list(d.value.columns), d.value.astype(str).values.tolist()) for d in app.dataframe]
    charts = [(spec["layout"].get("title"), spec["data"]) for spec in
              (json.loads(c.proto.spec) for c in app.get("plotly_chart"))]
    return [tables, charts, [c.value for c in app.caption], [m.value for m in app.metric]]


@pytest.mark.parametrize("query", [{"prefecture": "654000", "year": "2024"}, {"year": "2024"},
                                   {"prefecture": "654000", "year": "2024", "quarter": "2"}])
def test_the_parts_together_show_what_the_whole_page_shows(dashboard, query):
    whole = content(dashboard("suggestions", section="all", **query))
    parts = [content(dashboard("suggestions", section=part, **query)) for part in PARTS]
    # Tables: the header's (报送情况) first and the definitions last on every page; between them each
    # part's, in the whole page's order. Charts: each part's.
    assert all(part[0][0] == whole[0][0] and part[0][-1] == whole[0][-1] for part in parts)
    assert [table for part in parts for table in part[0][1:-1]] == whole[0][1:-1]
    assert [chart for part in parts for chart in part[1]] == whole[1]
    assert all(part[3] == whole[3] for part in parts)  # the cards above every part
    assert set().union(*(part[2] for part in parts)) == set(whole[2])


def test_the_lists_to_chase_first_and_a_card_link_opens_the_ranking(dashboard):
    app = dashboard("suggestions", prefecture="654000", year="2024")
    assert app.segmented_control(key="suggestions_part").value == "chase"
    assert [h.value for h in app.subheader] == ["超期未答复建议", "催办清单：30天内到期未答复的建议", "重点督办建议"]
    headers = {column for d in app.dataframe for column in d.value.columns}
    assert "超期天数" in headers and "名次" not in headers
    assert not app.get("plotly_chart")
    app = dashboard("suggestions", prefecture="654000", year="2024", indicator="suggestion_reply_rate")
    assert app.segmented_control(key="suggestions_part").value == "ranking"
    assert app.selectbox(key="suggestions_rank").value == "suggestion_reply_rate"


def test_the_part_chosen_is_kept_in_the_url(dashboard):
    app = dashboard("suggestions", prefecture="654000", year="2024")
    app.segmented_control(key="suggestions_part").set_value("replies").run()
    assert app.query_params["section"] == "replies"
    assert any("类别" in d.value.columns for d in app.dataframe)
    app.query_params["section"] = "nonsense"  # a forged value: the default part
    app.run()
    assert app.segmented_control(key="suggestions_part").value == "chase"
