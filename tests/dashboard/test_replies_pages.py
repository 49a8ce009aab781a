"""Issue 18 on the pages: the 催办 list (suggestions), a deputy's reply history and the deputies
without a duty record (代表履职档案), on the hand-made reply histories (Changji, as of 2024-06-30)."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import open_app
from tests.dashboard.test_pages import frame


@pytest.fixture
def replies_dashboard(replies_home, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(replies_home.root))
    return lambda page=None, **query: open_app(replies_home.root, page, **query)


def test_due_soon_list_per_unit(replies_dashboard):
    app = replies_dashboard("suggestions", prefecture="652300", year="2024")
    chase = frame(app, "剩余天数", "承办单位")
    assert list(zip(chase["建议编号"], chase["承办单位"], chase["剩余天数"])) == [
        ("CS6", "州自然资源局", 0), ("CS5", "州水利局", 25), ("CS5", "州财政局", 25)]
    # 州财政局 over the last year: CS1 on time of 1 due or replied.
    finance = chase.filter(chase["承办单位"] == "州财政局")
    assert finance["单位近一年按期答复率(%)"][0] == 100.0
    leaders = frame(app, "督办领导", "交办件数")
    assert dict(zip(leaders["督办领导"], leaders["交办件数"])) == {"政府副职领导": 1, "未注明": 1}


def test_deputy_reply_history_and_no_duty_record(replies_dashboard):
    app = replies_dashboard("deputy", prefecture="652300", year="2024")
    # Served in 2024 without any record: C3, C4 (the 2023 induction is before their term), C5.
    idle = frame(app, "本年在任天数")
    assert sorted(idle["代表编号"].to_list()) == ["C3", "C4", "C5"]
    app.text_input(key="deputy_search").set_value("C1").run()
    history = frame(app, "答复类型", "办理结果满意度")
    cs1 = history.filter(history["建议编号"] == "CS1")
    assert cs1["答复类型"].to_list() == ["阶段性答复", "正式答复", "正式答复", "重新办理答复"]
    assert cs1.filter(cs1["答复类型"] == "重新办理答复")["办理结果满意度"].to_list() == ["满意"]
    led = frame(app, "首次满意度")
    row = led.filter(led["建议编号"] == "CS1")
    assert (row["代表满意度"][0], row["首次满意度"][0]) == ("满意", "不满意")


def test_reply_errors_on_the_quality_page(replies_dashboard):
    app = replies_dashboard("quality", prefecture="652300")
    errors = frame(app, "答复序号", "规则")
    assert sorted(errors["规则"].to_list()) == [
        "rehandling_without_dissatisfaction", "reply_before_assignment", "reply_no_gap"]
