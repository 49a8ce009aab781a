"""AppTest of the 数据查询 and 数据字典 pages on the hand-made published warehouse."""

from __future__ import annotations

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from access import appdb, audit, sql
from lvzhi import warehouse
from tests.dashboard.conftest import APP

ANALYST = "ana"
try:  # issue 9: the dashboard asks who is there; log in as the hand-made home's analyst
    from tests.conftest import logged_in
except ImportError:
    def logged_in(name: str) -> dict:
        return {"name": name, "role": "analyst", "prefectures": []}


@pytest.fixture
def page(sql_home, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(sql_home.root))
    monkeypatch.delenv("LVZHI_SQL_TIMEOUT", raising=False)

    def open_page(name: str) -> AppTest:
        app = AppTest.from_file(str(APP), default_timeout=60)
        app.session_state["login"] = logged_in(ANALYST)
        app.run()
        app.switch_page(f"views/{name}.py").run()
        assert not app.exception, [e.value for e in app.exception]
        return app

    return open_page


def run_button(app):
    return next(b for b in app.button if "执行查询" in b.label)


def grid(app, columns: list[str]) -> pl.DataFrame:
    """The dataframe on the page with exactly these columns (the result grid)."""
    found = [frame.value for frame in app.dataframe if list(frame.value.columns) == columns]
    assert len(found) == 1, [list(frame.value.columns) for frame in app.dataframe]
    return pl.from_pandas(found[0])


def test_a_starter_query_runs_and_shows_the_grid(page, sql_home):
    app = page("sql")
    app.selectbox(key="sql_starter").set_value("overdue").run()
    assert app.text_area(key="sql_text").value == sql.STARTERS["overdue"]

    run_button(app).click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    expected = warehouse.read_published(sql_home, sql.STARTERS["overdue"])
    shown = grid(app, expected.columns)
    assert shown.height == expected.height > 0
    assert shown["unit_name"].to_list() == expected["unit_name"].to_list()
    assert shown["overdue"].to_list() == expected["overdue"].to_list()
    assert any(f"{expected.height:,} 行" in caption.value for caption in app.caption)
    assert {"sql_xlsx", "sql_csv"} <= {button.key for button in app.get("download_button")}
    last = audit.read(sql_home)[-1]
    assert (last["action"], last["user"], last["detail"]["text"], last["detail"]["rows"]) == (
        "sql", ANALYST, sql.STARTERS["overdue"], expected.height)
    assert appdb.history(sql_home, ANALYST, 1)[0]["sql"] == sql.STARTERS["overdue"]


def test_a_refused_statement_shows_the_message_and_no_grid(page):
    app = page("sql")
    app.text_area(key="sql_text").input("drop table indicator_values").run()
    run_button(app).click().run()
    assert [e.value for e in app.error] == [
        "只允许查询语句（SELECT/WITH/EXPLAIN/DESCRIBE/SHOW/SUMMARIZE），不允许 DROP"]
    assert not app.exception
    assert app.get("download_button") == [] or all(
        button.key not in ("sql_xlsx", "sql_csv") for button in app.get("download_button"))


def test_save_load_and_delete_a_query_across_sessions(page, sql_home):
    text = "select prefecture_name from dim_prefecture order by 1"
    app = page("sql")
    app.text_area(key="sql_text").input(text).run()
    app.text_input(key="sql_save_name").input("州市名单")  # inside a form: sent with the submit
    app.text_input(key="sql_save_description").input("十四个地州市")
    next(b for b in app.button if "保存查询" in b.label).click().run()
    assert any("已保存“州市名单”" in s.value for s in app.success)
    assert [q["name"] for q in appdb.saved_queries(sql_home, ANALYST)].count("州市名单") == 1

    again = page("sql")  # a new session: the query comes from the application database
    assert any("州市名单" in m.value for m in again.markdown)
    number = [q["name"] for q in appdb.saved_queries(sql_home, ANALYST)].index("州市名单")
    again.button(key=f"sql_load_{number}").click().run()
    assert again.text_area(key="sql_text").value == text
    run_button(again).click().run()
    assert grid(again, ["prefecture_name"])["prefecture_name"].to_list() == warehouse.read_published(
        sql_home, text)["prefecture_name"].to_list()
    again.button(key=f"sql_delete_{number}").click().run()
    assert "州市名单" not in [q["name"] for q in appdb.saved_queries(sql_home, ANALYST)]
    assert not any("州市名单" in m.value for m in again.markdown)


def test_the_schema_browser_lists_tables_and_columns(page, sql_home):
    app = page("sql")
    app.selectbox(key="sql_browse_table").set_value("indicator_values").run()
    catalog = sql.catalog(sql_home)
    tables = grid(app, ["表", "行数", "说明"])
    assert tables["表"].to_list() == catalog.tables["table_name"].to_list()
    columns = grid(app, ["字段", "类型", "说明"])
    expected = warehouse.read_published(sql_home, "select column_name from duckdb_columns() where database_name = 'wh' "
                                                  "and table_name = 'indicator_values' order by column_index")
    assert columns["字段"].to_list() == expected["column_name"].to_list()
    assert "指标值" in columns.filter(pl.col("字段") == "value")["说明"][0]


def test_the_data_dictionary_documents_every_table(page, sql_home):
    app = page("docs")
    assert not app.exception
    tables = warehouse.read_published(sql_home, "select table_name from duckdb_tables() where database_name = 'wh'")
    assert len(app.expander) == tables.height
    assert any(e.label.startswith("**indicator_values** · 指标值") for e in app.expander)
    headers = ["字段", "类型", "中文说明", "英文说明"]
    assert sum(1 for frame in app.dataframe if list(frame.value.columns) == headers) == tables.height

    app.text_input(key="docs_search").input("phone_masked").run()
    having = warehouse.read_published(sql_home, "select distinct table_name from duckdb_columns() "
                                                "where database_name = 'wh' and column_name = 'phone_masked'")
    assert sorted(e.label.split("**")[1] for e in app.expander) == sorted(having["table_name"].to_list())
    assert {"docs_xlsx", "docs_csv"} <= {button.key for button in app.get("download_button")}



def test_a_large_result_shows_the_first_rows_and_downloads_all(page, sql_home):
    from dashboard import ui

    total = warehouse.read_published(sql_home, "select count(*) from dim_date").item()
    assert total > sql.DISPLAY_ROWS
    app = page("sql")
    app.text_area(key="sql_text").input("select * from dim_date order by date_day").run()
    run_button(app).click().run()
    assert grid(app, sql.catalog(sql_home).columns.filter(pl.col("table_name") == "dim_date")["column_name"]
                .to_list()).height == sql.DISPLAY_ROWS
    assert any(f"下载包含全部 {total:,} 行" in info.value for info in app.info)

    # What the download buttons are given: the whole result, readable back from CSV and Excel.
    result = sql.execute(sql_home, "select * from dim_date order by date_day", limit=sql.DOWNLOAD_ROWS)
    csv = pl.read_csv(ui.to_csv(sql.flat(result.frame)))
    assert csv.height == total
    excel = pl.read_excel(ui.to_excel(sql.flat(result.frame)), sheet_name="数据")
    assert excel.height == total and excel.columns == result.frame.columns


@pytest.mark.parametrize("name", ["sql", "docs"])
def test_the_pages_in_english(page, name):
    # English last: AppTest cannot rerun the sidebar's options once English is on (tests/dashboard).
    app = page(name)
    app.toggle(key="lang_en").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == {"sql": "SQL workbench", "docs": "Data dictionary"}[name]
    if name == "sql":
        assert any(list(frame.value.columns) == ["Table", "Rows", "Description"] for frame in app.dataframe)
        assert "Date dimension" in pl.from_pandas(app.dataframe[0].value)["Description"].to_list()


def test_a_prefecture_user_gets_no_editor(sql_home, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(sql_home.root))
    rows_before = len(audit.read(sql_home))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.session_state["login"] = {**logged_in(ANALYST), "name": "ili", "role": "prefecture", "prefectures": ["654000"]}
    app.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in their navigation
        app.switch_page("views/sql.py").run()
    assert not app.exception
    assert len(app.text_area) == 0
    assert not [row for row in audit.read(sql_home)[rows_before:] if row["action"] == "sql"]
