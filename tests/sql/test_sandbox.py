"""The SQL sandbox on the hand-made published warehouse: every refusal the issue lists is refused with
a message naming it and changes nothing; valid queries return the rows an independent read returns."""

from __future__ import annotations

import time

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from access import audit, sql
from lvzhi import warehouse
from tests.sql.conftest import home_snapshot

ONLY_READS = "只允许查询语句（SELECT/WITH/EXPLAIN/DESCRIBE/SHOW/SUMMARIZE）"
NO_FILES = "不允许访问文件、网络或扩展（外部访问已关闭）"
SLOW = "select count(*) from range(100000000) a, range(100000) b where (a.range * b.range) % 7 = 3"

# (SQL with {target} = a path the statement would write and {work} = the working warehouse with raw.*,
#  the part of the message that must appear)
REFUSED = [
    ("copy indicator_values to '{target}'", f"{ONLY_READS}，不允许 COPY"),
    ("copy (select * from dim_deputy) to '{target}' (format csv)", "不允许 COPY"),
    ("/* looks harmless */ copy dim_deputy to '{target}'", "不允许 COPY"),
    ("export database '{target}'", "不允许 EXPORT"),
    ("attach '{work}' as work (read_only)", "不允许 ATTACH"),
    ("detach lvzhi", "不允许 DETACH"),
    ("install httpfs", "不允许 INSTALL"),
    ("load parquet", "不允许 LOAD"),
    ("update extensions", "不允许 UPDATE"),
    ("select * from read_csv('/etc/passwd')", NO_FILES),
    ("select * from read_csv_auto('/etc/passwd')", NO_FILES),
    ("select content from read_text('/etc/passwd')", NO_FILES),
    ("select * from read_blob('/etc/passwd')", NO_FILES),
    ("select * from glob('/')", NO_FILES),
    ("select * from glob('/*')", NO_FILES),
    ("select * from read_json('/etc/passwd')", NO_FILES),
    ("select * from read_parquet('{work}')", NO_FILES),
    ("with t as (select * from read_text('/etc/passwd')) select count(*) from t", NO_FILES),
    ("select * from read_duckdb('{work}')", NO_FILES),
    ("set enable_external_access = true", "不允许 SET"),
    ("set max_execution_time = 0", "不允许 SET"),
    ("reset lock_configuration", "不允许 RESET"),
    ("pragma database_list", "不允许 PRAGMA"),
    ("use memory", "不允许 USE"),
    ("create table memory.main.copy_of_deputies as select * from dim_deputy", "不允许 CREATE"),
    ("create temp table t as select 1", "不允许 CREATE"),
    ("create macro m() as 1", "不允许 CREATE"),
    ("insert into indicator_values select * from indicator_values", "不允许 INSERT"),
    ("update indicator_values set value = 0", "不允许 UPDATE"),
    ("delete from indicator_values", "不允许 DELETE"),
    ("drop table indicator_values", "不允许 DROP"),
    ("checkpoint", "不允许 CHECKPOINT"),
    ("call pragma_version()", "不允许 CALL"),
    ("begin transaction", "不允许 BEGIN"),
    ("explain analyze create table memory.main.x as select 1", "不允许 EXPLAIN CREATE"),
    ("explain analyze copy dim_deputy to '{target}'", "不允许 EXPLAIN COPY"),
    ("select 1; select 2", "一次只能执行一条语句（收到 2 条"),
    ("select * from dim_deputy; drop table dim_deputy", "一次只能执行一条语句（收到 2 条"),
    ("", "请输入一条查询语句"),
    ("-- only a comment", "请输入一条查询语句"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED, ids=[text[:40] or "empty" for text, _ in REFUSED])
def test_refused_with_a_message_and_nothing_changes(sql_home, handmade_home, tmp_path, text, message):
    target = tmp_path / "out.csv"
    query = text.format(target=target, work=handmade_home.work_db)
    published = warehouse.current_published(sql_home)
    before = home_snapshot(sql_home, tmp_path, handmade_home.published_dir)

    with pytest.raises(sql.QueryRefused) as refused:
        sql.run(sql_home, query, "tester")

    assert message in str(refused.value)
    assert "Traceback" not in str(refused.value)
    assert home_snapshot(sql_home, tmp_path, handmade_home.published_dir) == before  # no file changed or new
    assert not target.exists()
    assert warehouse.current_published(sql_home) == published
    last = audit.read(sql_home)[-1]
    assert (last["action"], last["user"], last["detail"]["status"], last["detail"]["text"]) == (
        "sql", "tester", "refused", query)


def test_statement_types_are_refused_before_anything_runs(sql_home, monkeypatch):
    """COPY, ATTACH, SET… never reach DuckDB: the connection is not even opened."""
    def no_connection(*_args, **_kwargs):
        raise AssertionError("a refused statement opened a connection")

    monkeypatch.setattr(sql, "connect", no_connection)
    for text, _message in REFUSED:
        if "read_" not in text and "glob" not in text:
            with pytest.raises(sql.QueryRefused):
                sql.execute(sql_home, text.format(target="/tmp/x", work="/tmp/y"))


def test_a_query_past_the_time_limit_is_interrupted(sql_home):
    before = home_snapshot(sql_home)
    started = time.monotonic()
    with pytest.raises(sql.QueryTimeout) as slow:
        sql.run(sql_home, SLOW, "tester", timeout=1)
    elapsed = time.monotonic() - started

    assert "超过时间限制 1 秒，已中止" in str(slow.value)
    assert elapsed < 10, f"interrupted only after {elapsed:.1f} s"
    assert home_snapshot(sql_home) == before
    assert audit.read(sql_home)[-1]["detail"]["status"] == "timeout"


def test_the_time_limit_comes_from_the_environment(sql_home, monkeypatch):
    monkeypatch.setenv("LVZHI_SQL_TIMEOUT", "1")
    with pytest.raises(sql.QueryTimeout, match="1 秒"):
        sql.execute(sql_home, SLOW)


def test_raw_tables_with_personal_data_are_not_reachable(sql_home, handmade_home):
    work = duckdb.connect(str(handmade_home.work_db), read_only=True)
    try:
        raw_tables = [name for (name,) in work.sql(
            "select table_name from duckdb_tables() where schema_name = 'raw' order by 1").fetchall()]
        personal = work.sql("select column_name from duckdb_columns() where schema_name = 'raw' "
                            "and table_name = 'deputies' and column_name in ('id_card_hash', 'phone')").fetchall()
    finally:
        work.close()
    assert "deputies" in raw_tables and len(personal) == 2  # the working warehouse does hold them

    for name in raw_tables:
        for qualified in (f"raw.{name}", f"lvzhi.raw.{name}"):
            with pytest.raises(sql.QueryFailed, match='schema "raw" does not exist'):
                sql.execute(sql_home, f"select * from {qualified}")
    schemas = sql.execute(sql_home, "select distinct schema_name from duckdb_tables() where database_name = 'lvzhi'")
    assert schemas.frame["schema_name"].to_list() == ["marts"]
    columns = sql.execute(sql_home, "select column_name from duckdb_columns() where database_name = 'lvzhi'")
    assert {"id_card_hash", "phone"}.isdisjoint(columns.frame["column_name"].to_list())
    assert "phone_masked" in columns.frame["column_name"].to_list()


# ------------------------------------------------------------------ what is allowed


def independent(home, query: str) -> pl.DataFrame:
    """The same query through the dashboard's plain read-only path, not the sandbox."""
    return warehouse.read_published(home, query)


def test_a_valid_query_returns_the_right_rows(sql_home):
    query = ("select indicator_id, scope_code, period_label, numerator, denominator, value from indicator_values "
             "where scope_level = 'prefecture' and period_type = 'year' order by all")
    expected = independent(sql_home, query)
    assert expected.height > 100

    for text in (query, query.replace("from indicator_values", "from marts.indicator_values"),
                 query.replace("from indicator_values", "from lvzhi.marts.indicator_values")):
        result = sql.run(sql_home, text, "tester", limit=10_000)
        assert_frame_equal(result.frame, expected)
        assert (result.truncated, result.kind, result.rows) == (False, "SELECT", expected.height)
    last = audit.read(sql_home)[-1]["detail"]
    assert (last["status"], last["rows"]) == ("ok", expected.height)


def test_the_row_cap_says_when_it_cut(sql_home):
    total = independent(sql_home, "select count(*) as n from dim_date")["n"][0]
    cut = sql.execute(sql_home, "select * from dim_date order by date_day", limit=5)
    assert (cut.rows, cut.truncated) == (5, True)
    assert_frame_equal(cut.frame, independent(sql_home, "select * from dim_date order by date_day limit 5"))
    whole = sql.execute(sql_home, "select * from dim_date", limit=total)
    assert (whole.rows, whole.truncated) == (total, False)
    assert sql.execute(sql_home, "select * from dim_date").rows == sql.DISPLAY_ROWS < total


@pytest.mark.parametrize(("text", "kind"), [
    ("with overdue as (select * from fct_suggestions where is_overdue) select count(*) from overdue", "WITH"),
    ("from dim_prefecture", "FROM"),
    ("values (1, 'a'), (2, 'b')", "VALUES"),
    ("explain select * from indicator_values", "EXPLAIN"),
    ("explain analyze select count(*) from indicator_values", "EXPLAIN"),
    ("describe indicator_values", "DESCRIBE"),
    ("show tables", "SHOW"),
    ("summarize dim_prefecture", "SUMMARIZE"),
    ("-- a comment first\nselect 1 as one;", "SELECT"),
])
def test_read_statements_are_allowed(sql_home, text, kind):
    result = sql.execute(sql_home, text)
    assert result.kind == kind
    assert result.rows > 0


def test_describe_show_and_summarize_describe_the_published_tables(sql_home):
    columns = independent(sql_home, "select column_name from duckdb_columns() where database_name = 'wh' "
                                    "and table_name = 'indicator_values' order by column_index")
    described = sql.execute(sql_home, "describe indicator_values").frame
    assert described["column_name"].to_list() == columns["column_name"].to_list()
    tables = independent(sql_home, "select table_name from duckdb_tables() where database_name = 'wh' order by 1")
    assert sorted(sql.execute(sql_home, "show tables").frame["name"].to_list()) == tables["table_name"].to_list()
    summary = sql.execute(sql_home, "summarize dim_prefecture").frame
    assert summary["count"].unique().to_list() == [independent(sql_home, "select count(*) from dim_prefecture").item()]


def test_duckdb_errors_are_shown_without_a_traceback(sql_home):
    with pytest.raises(sql.QueryFailed) as typo:
        sql.execute(sql_home, "selec * from indicator_values")
    assert str(typo.value).startswith("SQL 语法错误：Parser Error")
    with pytest.raises(sql.QueryFailed) as unknown:
        sql.execute(sql_home, "select no_such_column from indicator_values")
    assert str(unknown.value).startswith("查询出错：Binder Error")
    assert "no_such_column" in str(unknown.value)


def test_intervals_and_nested_values_come_back_and_flatten(sql_home):
    result = sql.execute(sql_home, "select interval 3 day as wait, [1, 2] as pair, {'a': '乙'} as record")
    assert result.frame["wait"].to_list() == ["3 days"]
    flat = sql.flat(result.frame)
    assert flat.row(0) == ("3 days", "[1, 2]", '{"a": "乙"}')
    assert flat.write_csv().splitlines()[1] == '3 days,"[1, 2]","{""a"": ""乙""}"'


@pytest.mark.parametrize("key", list(sql.STARTERS))
def test_every_starter_query_runs_on_the_fixture(sql_home, key):
    result = sql.execute(sql_home, sql.STARTERS[key])
    assert result.rows > 0


def test_the_overdue_starter_matches_an_independent_count(sql_home):
    result = sql.execute(sql_home, sql.STARTERS["overdue"])
    expected = independent(sql_home, "select count(*) from fct_suggestion_handling where is_overdue").item()
    assert result.frame["overdue"].sum() == expected > 0


# ------------------------------------------------------------------ documentation


def test_the_catalog_documents_every_published_table_and_column(sql_home):
    catalog = sql.catalog(sql_home)
    tables = independent(sql_home, "select table_name from duckdb_tables() where database_name = 'wh' order by 1")
    assert catalog.tables["table_name"].to_list() == tables["table_name"].to_list()
    for name, rows in catalog.tables.select("table_name", "rows").iter_rows():
        assert rows == independent(sql_home, f"select count(*) from {name}").item(), name
    columns = independent(sql_home, "select count(*) from duckdb_columns() where database_name = 'wh'").item()
    assert catalog.columns.height == columns
    # dbt's comments for models, the seeds' yml for seeds: every table and column has both languages
    undocumented = catalog.tables.filter((pl.col("description_zh") == "") | (pl.col("description_en") == ""))
    assert undocumented.height == 0, undocumented
    undocumented = catalog.columns.filter(pl.col("description_en") == "")
    assert undocumented.height == 0, undocumented
    row = catalog.columns.filter((pl.col("table_name") == "dim_deputy") & (pl.col("column_name") == "phone_masked"))
    assert row.select("data_type", "description_zh", "description_en").row(0) == (
        "VARCHAR", "手机（脱敏）", "phone, masked")


@pytest.mark.parametrize(("text", "parts"), [
    ("手机（脱敏）/ phone, masked", ("手机（脱敏）", "phone, masked")),
    ("州市代码（GB/T 2260）/ prefecture code", ("州市代码（GB/T 2260）", "prefecture code")),
    ("范围层级 region/prefecture/county / scope level", ("范围层级 region/prefecture/county", "scope level")),
    ("higher 越高越好 / lower 越低越好 / direction", ("higher 越高越好 / lower 越低越好", "direction")),
    ("出席状态 出席/未登记 / attendance status, 未登记 = no record", ("出席状态 出席/未登记", "attendance status, 未登记 = no record")),
    ("只有中文", ("只有中文", "")),
    ("English only", ("", "English only")),
    (None, ("", "")),
])
def test_descriptions_split_into_chinese_and_english(text, parts):
    assert sql.split_bilingual(text) == parts
