"""报告 page and the 代表反映集中的问题 panel: reports for the user's scope, topics with their suggestions."""

from __future__ import annotations

import polars as pl

from tests.dashboard.conftest import open_app


def _open(home, monkeypatch, page, user="boss", **query):
    monkeypatch.setenv("LVZHI_HOME", str(home.root))
    return open_app(home.root, page, user=user, **query)


def test_reports_page_offers_the_annual_draft_for_the_chosen_prefecture(turpan_home, monkeypatch):
    app = _open(turpan_home, monkeypatch, "reports", year="2024", prefecture="650400")
    preview = " ".join(m.value for m in app.markdown)
    assert "组成人员联系代表182名" in preview and "培训5批次1320人次" in preview
    buttons = app.get("download_button")
    assert buttons and "吐鲁番市_2024_年度报告代表工作部分初稿.docx" in buttons[0].proto.label


def test_reports_page_handling_report(turpan_home, monkeypatch):
    app = _open(turpan_home, monkeypatch, "reports", year="2024", prefecture="650400")
    app.radio(key="report_kind").set_value("handling").run()
    assert not app.exception
    preview = " ".join(m.value for m in app.markdown)
    assert "2024年共交办代表建议44件" in preview


def test_prefecture_user_gets_no_region_report(handmade_home, monkeypatch):
    app = _open(handmade_home, monkeypatch, "reports", user="ili", year="2024")
    buttons = app.get("download_button")
    assert all("新疆维吾尔自治区" not in b.proto.label for b in buttons)
    assert any("伊犁" in b.proto.label for b in buttons) or app.warning


def test_topics_panel_waits_for_the_toggle(turpan_home, monkeypatch):
    """Grouping every title takes over a minute at region scale: the page does not wait for it.
    The panel is in 建议办理's part 答复与满意度."""
    app = _open(turpan_home, monkeypatch, "suggestions", year="2024", prefecture="650400", section="replies")
    assert any("代表反映集中的问题" == s.value for s in app.subheader)
    assert not any("涉及地州市数" in d.value.columns for d in app.dataframe)
    assert not any(s.value == "相似建议" for s in app.subheader)
    app.toggle(key="topics_show").set_value(True).run()
    assert not app.exception
    assert any("涉及地州市数" in d.value.columns for d in app.dataframe)
    assert app.query_params.get("topics") in ("1", ["1"])  # a shared link (or the PDF) shows it too


def test_topics_panel_lists_problems_and_their_suggestions(turpan_home, monkeypatch):
    app = _open(turpan_home, monkeypatch, "suggestions", year="2024", prefecture="650400", topics="1")
    assert any("代表反映集中的问题" == s.value for s in app.subheader)
    tables = [pl.from_pandas(d.value) for d in app.dataframe]
    topics = next(t for t in tables if "问题" in t.columns and "涉及地州市数" in t.columns)
    assert topics["建议件数"].sum() == 44
    first = topics.row(0, named=True)
    members = next(t for t in tables if "建议编号" in t.columns and "标题" in t.columns and t.height == first["建议件数"])
    assert members.height == first["建议件数"]
    app.selectbox(key="topic_pick").set_value(int(topics["序号"][1])).run()
    tables = [pl.from_pandas(d.value) for d in app.dataframe]
    assert any("建议编号" in t.columns and t.height == topics["建议件数"][1] for t in tables)
    assert any(s.value == "相似建议" for s in app.subheader)
