"""Who sees what in the dashboard (issue 9): the login form, roles, and a prefecture user who must
never see another prefecture's rows — whatever the URL says. Real AppTest runs on the hand-made home.

The hand-made records hold deputies of 乌鲁木齐市 (650100), 克拉玛依市 (650200, with counties) and
伊犁哈萨克自治州 (654000); the prefecture user `ili` may see 654000 only.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from google.protobuf.json_format import MessageToJson
from streamlit.testing.v1 import AppTest

from access import audit, users
from tests.conftest import TEST_USERS, logged_in

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
SEEDS = Path(__file__).resolve().parents[2] / "data" / "seeds" / "prefectures.csv"
CATALOGUE = SEEDS.with_name("indicator_catalogue.csv")
PREFECTURE_PAGES = ("overview", "suggestions", "attendance", "activities", "liaison", "stations", "trainings",
                    "deputy", "quality", "exports", "docs")
FORGED = {"prefecture": "650200", "county": "克拉玛依区", "year": "2024"}


@pytest.fixture
def home(handmade_home, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    monkeypatch.setenv("LVZHI_BCRYPT_ROUNDS", "4")
    return handmade_home


def open_as(user: str | None, page: str | None = None, **query) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    if user:
        app.session_state["login"] = logged_in(user)
    app.run()
    if page:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown_text(app: AppTest) -> str:
    """Every string the page shows or offers: texts, widgets and their options, tables, charts."""
    out: list[str] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        for child in (children or {}).values():
            walk(child)
        kind, proto = getattr(node, "type", None), getattr(node, "proto", None)
        if kind in ("arrow_data_frame", "dataframe", "table"):
            out.append(node.value.to_csv())
        elif kind == "plotly_chart":
            out.append(json.dumps(json.loads(proto.spec), ensure_ascii=False))
        elif proto is not None and not children:
            out.append(MessageToJson(proto, ensure_ascii=False))

    walk(app._tree)
    return "\n".join(out)


def other_prefectures(allowed: str) -> dict[str, str]:
    seeds = pl.read_csv(SEEDS, schema_overrides={"prefecture_code": pl.String})
    return {row["prefecture_code"]: row["prefecture_name"] for row in seeds.iter_rows(named=True)
            if row["prefecture_code"] != allowed}


def test_without_login_only_the_form_is_shown(home):
    app = open_as(None)
    assert [field.label for field in app.text_input] == ["用户名", "密码"]
    assert not app.get("metric") and not app.dataframe


def test_login_form_wrong_then_right_password(home):
    app = open_as(None)
    app.text_input(key="login_name").input("lead")
    app.text_input(key="login_password").input("not-the-password")
    app.button[0].click().run()
    assert app.error and app.error[0].value == "用户名或密码错误"
    app.text_input(key="login_password").input(TEST_USERS["lead"][2])
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["login"]["name"] == "lead"
    assert any("当前用户：lead（区领导）" in caption.value for caption in app.sidebar.caption)
    logins = [(r["user"], r["action"]) for r in audit.read(home) if r["action"].startswith("login")]
    assert logins[-2:] == [("lead", "login_failed"), ("lead", "login_ok")]


def test_disabled_user_is_logged_out_and_cannot_log_in(home):
    users.set_disabled(home, "ana", True)
    try:
        app = open_as("ana")  # a session that was open when the admin disabled the user
        assert "login" not in app.session_state and app.text_input
        app.text_input(key="login_name").input("ana")
        app.text_input(key="login_password").input(TEST_USERS["ana"][2])
        app.button[0].click().run()
        assert app.error[0].value == "该用户已停用，请联系管理员"
    finally:
        users.set_disabled(home, "ana", False)


@pytest.mark.parametrize("page", PREFECTURE_PAGES)
def test_prefecture_user_sees_only_their_prefecture_even_with_a_forged_url(home, page):
    app = open_as("ili", page, **FORGED)
    text = shown_text(app)
    for basis in pl.read_csv(CATALOGUE)["basis"].drop_nulls():  # rule texts cite places, not records
        text = text.replace(basis, "")
    assert "伊犁哈萨克自治州" in text or page == "docs"
    leaked = [name for name in other_prefectures("654000").values() if name in text]
    assert leaked == [], f"{page} shows {leaked}"
    assert "克拉玛依区" not in text and "650200" not in text
    assert app.session_state["prefecture"] == "654000"


@pytest.mark.parametrize(("user", "pages"), [("ili", ("sql", "admin")), ("lead", ("sql", "admin")),
                                             ("ana", ("admin",))])
def test_pages_a_role_may_not_use_are_not_in_its_navigation(home, user, pages):
    for page in pages:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_as(user, page)
    if "sql" not in pages:
        assert open_as(user, "sql").text_area  # the analyst gets the editor


def test_every_page_view_writes_one_audit_row_with_its_filters(home):
    before = len(audit.read(home))
    app = open_as("lead", "suggestions", prefecture="654000")
    app.run()  # a rerun of the same view is not a new view
    rows = audit.read(home)[before:]
    views = [r for r in rows if r["action"] == "page_view"]
    assert [v["detail"]["page"] for v in views] == ["overview", "suggestions"]
    assert all(v["user"] == "lead" and v["detail"]["filters"]["prefecture"] == "654000" for v in views)


def test_admin_page_shows_the_audit_log_and_refuses_others(home):
    admin = open_as("boss", "admin")
    assert any("校验链完整" in caption.value for caption in admin.caption)
    assert "login_ok" in admin.dataframe[0].value.to_csv() or "page_view" in admin.dataframe[0].value.to_csv()
    assert [tab.label for tab in admin.tabs] == ["审计日志", "用户", "已发布版本"]
