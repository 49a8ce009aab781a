"""The SQL sandbox analysts query the published warehouse through — one for `lvzhi sql` and the
数据查询 page alike.

Layers, each checked by tests/sql:
1. Only one statement, and only a read: SELECT/WITH/FROM/VALUES, EXPLAIN of those, DESCRIBE, SHOW,
   SUMMARIZE (DuckDB types the last three as SELECT). Everything else is refused before anything runs.
2. A fresh in-memory DuckDB per query with the published file attached READ_ONLY as `lvzhi` and
   `USE lvzhi.marts`, so `indicator_values` and `marts.indicator_values` both resolve. The file holds
   the `marts` schema only: raw tables with ID-card hashes and phones are not in it.
3. Then `memory_limit` (LVZHI_SQL_MEMORY, default 1GB) with spilling to disk turned off (no temp
   directory), `max_execution_time`, `enable_external_access=false` (no files, no extensions, no ATTACH:
   read_csv/read_text/glob/COPY fail with a permission error) and `lock_configuration=true`, in that
   order (each later setting would forbid the earlier ones).
4. Caps on the whole request (issue 16): a guard thread interrupts the query when its wall time
   (LVZHI_SQL_TIMEOUT, execution, fetch and formatting together) runs out, or when the process grew by
   more than LVZHI_SQL_RSS_MB since the query started (DuckDB's memory_limit does not cover everything:
   one `repeat('x', 1000000000)` value is allocated outside it); the result is fetched in batches and
   refused once it holds more than LVZHI_SQL_RESULT_MB megabytes (default 64) — what is held, shown and
   downloaded is that frame — and the text `lvzhi sql` prints is capped likewise. Each is a Chinese
   message (QueryTooLarge / QueryTimeout); the server and other sessions go on.
What is still possible and harmless: TEMP objects in memory (gone with the connection) and reading
settings such as `duckdb_settings()`, which show file paths. DuckDB's advice stands: this is a layer
for known, logged-in users, not isolation for anonymous SQL.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from access import appdb, audit
from lvzhi import warehouse
from lvzhi.home import Home, sql_path

ALIAS = "lvzhi"  # the catalog name analysts see; the schema keeps its documented name `marts`
DEFAULT_TIMEOUT = 30.0  # seconds; LVZHI_SQL_TIMEOUT overrides it for an installation
DEFAULT_MEMORY = "1GB"  # DuckDB memory_limit per query; LVZHI_SQL_MEMORY overrides it
DEFAULT_RESULT_MB = 64  # the most a result may hold (Arrow bytes) or print; LVZHI_SQL_RESULT_MB overrides it
FETCH_ROWS = 2_048  # rows per fetched batch: the byte cap is checked after each
GUARD_EVERY = 0.02  # seconds between the guard thread's looks at the clock and the process size
DISPLAY_ROWS = 1_000
DOWNLOAD_ROWS = 100_000
ALLOWED = "只允许查询语句（SELECT/WITH/EXPLAIN/DESCRIBE/SHOW/SUMMARIZE）"
MESSAGE_LINES = 4  # DuckDB's message: the error and the caret under the position, not more

_COMMENTS = re.compile(r"^(\s+|--[^\n]*(\n|$)|/\*.*?\*/)+", re.S)
_EXPLAIN = re.compile(r"^explain\s+(analy[sz]e\s+)?(\([^)]*\)\s*)?", re.I)


class QueryError(Exception):
    """A query that did not give a result; `str()` is the Chinese message for the user."""

    status = "failed"


class QueryRefused(QueryError):
    """Refused by the sandbox: nothing was run (or DuckDB's guard stopped it before it did anything)."""

    status = "refused"


class QueryFailed(QueryError):
    """DuckDB ran the query and reported an error (syntax, unknown table, …)."""


class QueryTimeout(QueryFailed):
    status = "timeout"


class QueryTooLarge(QueryFailed):
    """The query needed more memory, or its result more bytes, than the sandbox allows."""

    status = "too_large"


@dataclass(frozen=True)
class Result:
    frame: pl.DataFrame
    truncated: bool  # more rows existed than the cap
    ms: float
    kind: str  # the leading keyword: SELECT, WITH, EXPLAIN, DESCRIBE, SHOW, SUMMARIZE, FROM, VALUES
    output: str | None = None  # the rows rendered (`form=` of execute/run), inside the same time limit

    @property
    def rows(self) -> int:
        return self.frame.height


# ------------------------------------------------------------------ checking


def _keyword(text: str) -> str:
    """The statement's first word (after comments and brackets), upper case, to name it in messages."""
    match = re.match(r"[(\s]*([A-Za-z_]+)", _COMMENTS.sub("", text))
    return match.group(1).upper() if match else text.strip()[:20]


def classify(text: str) -> tuple[str, str]:
    """(keyword, the one statement to run), or QueryRefused naming what was refused."""
    if not _COMMENTS.sub("", text or "").strip(" ;\n\t"):
        raise QueryRefused("请输入一条查询语句（SELECT …）")
    try:
        statements = duckdb.extract_statements(text)
    except duckdb.ParserException as error:
        raise QueryFailed(f"SQL 语法错误：{_first_lines(error)}") from None
    if len(statements) != 1:
        raise QueryRefused(f"一次只能执行一条语句（收到 {len(statements)} 条，请去掉多余的分号）")
    statement = statements[0]
    keyword = _keyword(statement.query)
    kind = _type(statement)
    if kind == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs what it explains: the inner statement must be a read too.
        inner = _EXPLAIN.sub("", _COMMENTS.sub("", statement.query))
        try:
            inner_kinds = [_type(s) for s in duckdb.extract_statements(inner)]
        except duckdb.Error:
            inner_kinds = []
        if inner_kinds != [duckdb.StatementType.SELECT]:
            raise QueryRefused(f"{ALLOWED}，EXPLAIN 只能用于查询语句，不允许 EXPLAIN {_keyword(inner)}")
    elif kind != duckdb.StatementType.SELECT:
        raise QueryRefused(f"{ALLOWED}，不允许 {keyword}")
    return keyword, statement.query


def _type(statement) -> duckdb.StatementType | None:
    try:
        return statement.type
    except ValueError:  # a type the Python enum does not know (UPDATE EXTENSIONS is 29): not a read
        return None


# ------------------------------------------------------------------ running


def default_timeout() -> float:
    return float(os.environ.get("LVZHI_SQL_TIMEOUT") or DEFAULT_TIMEOUT)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$", re.I)
_UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
          "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}


def memory_limit() -> str:
    """DuckDB's memory_limit for one query, e.g. '1GB' (LVZHI_SQL_MEMORY; a value DuckDB would not read
    falls back to the default rather than reaching the SQL)."""
    value = os.environ.get("LVZHI_SQL_MEMORY") or DEFAULT_MEMORY
    return value.strip().replace(" ", "") if _SIZE.match(value) else DEFAULT_MEMORY


def _bytes(size: str) -> int:
    number, unit = _SIZE.match(size).groups()
    return int(float(number) * _UNITS[(unit or "B").upper()])


def result_cap() -> int:
    """Bytes a result may hold (and its printed text take): LVZHI_SQL_RESULT_MB megabytes."""
    return int(float(os.environ.get("LVZHI_SQL_RESULT_MB") or DEFAULT_RESULT_MB) * 1_000_000)


def growth_cap() -> int:
    """How much the process may grow while one query runs before the guard stops it: LVZHI_SQL_RSS_MB,
    default one and a half times the memory limit."""
    configured = os.environ.get("LVZHI_SQL_RSS_MB")
    return int(float(configured) * 1_000_000) if configured else int(_bytes(memory_limit()) * 1.5)


def _resident() -> int | None:
    """This process's resident memory in bytes (Linux), or None where /proc is not there."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class _Guard:
    """A thread that interrupts one connection when the request's time is up or the process has grown
    too much; `reason` says which. DuckDB sees the interrupt between vectors; the fetch loop sees `reason`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, timeout: float, growth: int):
        self.con, self.deadline, self.growth = con, time.monotonic() + timeout, growth
        self.baseline = _resident()
        self.reason: str | None = None
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="lvzhi-sql-guard", daemon=True)

    def __enter__(self) -> _Guard:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(GUARD_EVERY):
            now = _resident()
            if now is not None and self.baseline is not None:
                self.peak = max(self.peak, now - self.baseline)
                if now - self.baseline > self.growth:
                    self._stop("memory")
                    return
            if time.monotonic() > self.deadline:
                self._stop("timeout")
                return

    def _stop(self, reason: str) -> None:
        self.reason = reason
        try:
            self.con.interrupt()
        except duckdb.Error:  # the query finished meanwhile
            pass

    def check(self) -> None:
        """Between fetched batches and formatting steps: stop if the guard said so or time is up."""
        if self.reason is None and time.monotonic() > self.deadline:
            self.reason = "timeout"
        if self.reason is not None:
            raise duckdb.InterruptException(self.reason)


def connect(home: Home, version: Path | None = None, timeout: float | None = None) -> duckdb.DuckDBPyConnection:
    """A sandboxed connection to a published version (default: the current one)."""
    timeout = timeout or default_timeout()
    path = version or warehouse.current_published(home)
    if path is None:
        raise QueryFailed("尚未发布任何数据版本：请先运行 lvzhi build")
    con = duckdb.connect()
    try:
        con.execute(f"attach {sql_path(path)} as {ALIAS} (read_only)")
        con.execute(f"use {ALIAS}.{warehouse.PUBLISHED_SCHEMA}")
        con.execute(f"set memory_limit = '{memory_limit()}'")
        con.execute("set temp_directory = ''")  # no spilling: what does not fit in memory_limit fails
        con.execute("set enable_progress_bar = false")  # else a query past 2 s draws a bar on stdout
        con.execute(f"set max_execution_time = {max(1, round(timeout * 1000))}")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def execute(home: Home, text: str, *, limit: int | None = None, timeout: float | None = None,
            version: Path | None = None, form: str | None = None) -> Result:
    """Check and run one query; at most `limit` rows come back (`truncated` says if there were more).
    With `form` (table/csv/json) the rows are also rendered into `output`, inside the same time limit."""
    started = time.perf_counter()
    limit, timeout = limit or DISPLAY_ROWS, timeout or default_timeout()
    keyword, statement = classify(text)
    con = connect(home, version, timeout)
    guard = _Guard(con, timeout, growth_cap())
    try:
        with guard:
            frame = _fetch(_readable(con.sql(statement)).limit(limit + 1), guard)
            result = Result(frame.head(limit), frame.height > limit, 0.0, keyword)
            output = _render_capped(result, form, guard) if form else None
    except duckdb.InterruptException:
        if guard.reason == "memory":
            raise QueryTooLarge(_memory_message()) from None
        raise QueryTimeout(f"查询超过时间限制 {timeout:g} 秒，已中止（时间含读取与输出结果）；请缩小范围或加筛选条件") from None
    except duckdb.OutOfMemoryException:
        raise QueryTooLarge(_memory_message()) from None
    except duckdb.PermissionException as error:
        raise QueryRefused(f"不允许访问文件、网络或扩展（外部访问已关闭）：{_first_lines(error)}") from None
    except duckdb.ParserException as error:
        raise QueryFailed(f"SQL 语法错误：{_first_lines(error)}") from None
    except QueryError:
        raise
    except MemoryError:
        raise QueryTooLarge(_memory_message()) from None
    except Exception as error:  # whatever the analyst's SQL provokes is shown, never a traceback
        raise QueryFailed(f"查询出错：{_first_lines(error)}") from None
    finally:
        con.close()
    return Result(result.frame, result.truncated, (time.perf_counter() - started) * 1000, keyword, output)


def _memory_message() -> str:
    return (f"查询所需内存超过上限（{memory_limit()}，LVZHI_SQL_MEMORY），已中止；"
            "请缩小范围、加筛选条件或先汇总再查询")


def _too_large(what: str) -> QueryTooLarge:
    return QueryTooLarge(f"{what}超过上限 {result_cap() / 1_000_000:g} MB（LVZHI_SQL_RESULT_MB），已中止；"
                         "请减少行数或列、截短长文本，或先汇总再查询")


def _fetch(relation: duckdb.DuckDBPyRelation, guard: _Guard) -> pl.DataFrame:
    """The rows in batches, refused as soon as they hold more bytes than the cap."""
    import pyarrow as pa

    cap, held, batches = result_cap(), 0, []
    reader = relation.to_arrow_reader(FETCH_ROWS)
    for batch in reader:
        held += batch.nbytes
        if held > cap:
            raise _too_large("查询结果的大小")
        batches.append(batch)
        guard.check()
    return pl.from_arrow(pa.Table.from_batches(batches, schema=reader.schema), rechunk=False)


def _render_capped(result: Result, form: str, guard: _Guard) -> str:
    guard.check()
    output = render(result, form)
    guard.check()
    if len(output.encode("utf-8")) > result_cap():
        raise _too_large("输出的文本")
    return output


def _readable(relation: duckdb.DuckDBPyRelation) -> duckdb.DuckDBPyRelation:
    """INTERVAL columns as text: Polars cannot take DuckDB's intervals (date differences produce them)."""
    if not any("INTERVAL" in str(kind) for kind in relation.types):
        return relation
    names = [name.replace('"', '""') for name in relation.columns]
    return relation.project(", ".join(
        f'cast(#{n} as varchar) as "{name}"' if "INTERVAL" in str(kind) else f"#{n}"
        for n, (name, kind) in enumerate(zip(names, relation.types, strict=True), start=1)))


def run(home: Home, text: str, user: str | None, *, limit: int | None = None, timeout: float | None = None,
        version: Path | None = None, form: str | None = None) -> Result:
    """`execute`, then one audit line and one history row, whatever the outcome (QueryError is re-raised)."""
    started = time.perf_counter()
    try:
        result = execute(home, text, limit=limit, timeout=timeout, version=version, form=form)
    except QueryError as error:
        _record(home, user, text, error.status, None, (time.perf_counter() - started) * 1000, str(error))
        raise
    _record(home, user, text, "ok", result.rows, result.ms)
    return result


def _record(home: Home, user: str | None, text: str, status: str, rows: int | None, ms: float,
            message: str | None = None) -> None:
    detail = {"text": text, "status": status, "rows": rows, "ms": round(ms, 1)}
    if message:
        detail["message"] = message
    audit.record(home, user, "sql", **detail)
    appdb.add_history(home, user, text, status, rows, ms)


def _first_lines(error: Exception) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return "\n".join(lines[:MESSAGE_LINES])[:800]


# ------------------------------------------------------------------ output


def _text(value) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """Lists, structs and DuckDB's VARIANT as JSON text: CSV and Excel hold plain values only."""
    plain = (pl.String, pl.Boolean, pl.Null, pl.Date, pl.Datetime, pl.Time, pl.Duration, pl.Categorical, pl.Enum)
    return frame.with_columns(
        pl.Series(column, [_text(v) for v in frame[column].to_list()], dtype=pl.String)
        for column, dtype in frame.schema.items() if not (dtype.is_numeric() or isinstance(dtype, plain)))


def render(result: Result, form: str) -> str:
    """The rows as `table` (aligned text), `csv` or `json` (an array of objects)."""
    if form == "csv":
        return flat(result.frame).write_csv()
    if form == "json":
        return json.dumps(result.frame.to_dicts(), ensure_ascii=False, default=str) + "\n"
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=60, tbl_hide_dataframe_shape=True):
        return f"{result.frame}\n"


def summary(result: Result) -> str:
    more = f"（已截断：只输出前 {result.rows:,} 行）" if result.truncated else ""
    return f"{result.rows:,} 行，{result.ms:,.0f} ms{more}"


# ------------------------------------------------------------------ starter queries

STARTERS = {  # key (the dashboard titles them as sql_starter_<key>) → SQL; each runs on the hand-made fixture
    "overdue": """-- 超期未答复的建议，按承办单位（主办、协办各计一次）
select p.prefecture_name, h.unit_name,
       count(*) filter (where h.is_overdue) as overdue,
       max(h.days_overdue) as max_days_overdue,
       count(*) as suggestions
from fct_suggestion_handling h
left join dim_prefecture p using (prefecture_code)
group by all
having count(*) filter (where h.is_overdue) > 0
order by overdue desc, max_days_overdue desc""",
    "rates": """-- 各地州市建议按期答复率（年度），含分子、分母与状态
select period_label, scope_name, numerator, denominator,
       round(value * 100, 1) as rate_pct, status
from indicator_values
where indicator_id = 'suggestion_on_time_reply_rate'
  and scope_level = 'prefecture' and period_type = 'year'
order by period_label desc, value desc nulls last""",
    "inactive": """-- 统计日所在年度在任、但没有参加任何闭会期间活动的代表
select prefecture_code, county, deputy_id, name, days_served
from deputy_profile
where year_number = year(as_of) and activities = 0
order by prefecture_code, deputy_id""",
    "catalogue": """-- 指标目录：口径、单位、目标与依据
select indicator_id, family, name_zh, formula_zh, unit, target, direction, basis
from indicator_catalogue
order by family, indicator_id""",
    "summarize": "summarize fct_suggestions",
}


# ------------------------------------------------------------------ documentation


PUBLISH_DOCS = {  # the one table lvzhi.warehouse.publish writes itself, outside dbt
    "publish_info": ("发布信息 / Publish metadata",
                     {"info_json": "JSON：统计日、版本、发布时间 / JSON: as-of date, version, publish time"}),
}


@dataclass(frozen=True)
class Catalog:
    tables: pl.DataFrame  # table_name, rows, description_zh, description_en
    columns: pl.DataFrame  # table_name, position, column_name, data_type, description_zh, description_en


def catalog(home: Home, version: Path | None = None) -> Catalog:
    """Every published table and column with its type, row count and Chinese/English description."""
    path = version or warehouse.current_published(home)
    if path is None:
        raise QueryFailed("尚未发布任何数据版本：请先运行 lvzhi build")
    return _catalog(home, str(path))


@lru_cache(maxsize=8)  # a published version never changes: its path is a safe cache key
def _catalog(home: Home, path: str) -> Catalog:
    con = warehouse.connect_published(home, Path(path))
    try:
        tables = con.sql(
            "select table_name, comment from duckdb_tables() where database_name = 'wh' and schema_name = ? "
            "order by table_name", params=[warehouse.PUBLISHED_SCHEMA]).fetchall()
        counts = con.sql(" union all ".join(
            f"select '{name}' as table_name, count(*) as row_count from \"{name}\"" for name, _ in tables)).fetchall()
        columns = con.sql(
            "select table_name, column_index, column_name, data_type, comment from duckdb_columns() "
            "where database_name = 'wh' and schema_name = ? order by table_name, column_index",
            params=[warehouse.PUBLISHED_SCHEMA]).fetchall()
    finally:
        con.close()
    yml = {**_yml_docs(), **PUBLISH_DOCS}
    rows = dict(counts)
    table_frame = pl.DataFrame(
        [(name, rows[name], *split_bilingual(comment or yml.get(name, ("", {}))[0])) for name, comment in tables],
        schema=["table_name", "rows", "description_zh", "description_en"], orient="row")
    column_frame = pl.DataFrame(
        [(table, position, column, dtype, *split_bilingual(comment or yml.get(table, ("", {}))[1].get(column, "")))
         for table, position, column, dtype, comment in columns],
        schema=["table_name", "position", "column_name", "data_type", "description_zh", "description_en"],
        orient="row")
    return Catalog(table_frame, column_frame)


def _yml_docs() -> dict[str, tuple[str, dict[str, str]]]:
    """Descriptions from the dbt yml files, for tables dbt does not comment (seeds: no persist_docs)."""
    import yaml

    from lvzhi.home import PROJECT_DIR

    docs: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted([*(PROJECT_DIR / "models").rglob("*.yml"), *(PROJECT_DIR / "data" / "seeds").glob("*.yml")]):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for node in [*spec.get("models", []), *spec.get("seeds", [])]:
            columns = {c["name"]: " ".join(str(c.get("description") or "").split()) for c in node.get("columns", [])}
            docs[node["name"]] = (" ".join(str(node.get("description") or "").split()), columns)
    return docs


def _has_cjk(text: str) -> bool:
    return any(ord(character) >= 0x2E80 for character in text)


def split_bilingual(text: str | None) -> tuple[str, str]:
    """'中文说明 / English' → ('中文说明', 'English'). The separator is a '/ ' before a Latin letter
    (a '/' inside words, as in GB/T or month/quarter, is not one): the first after which no Chinese
    follows, else the last (the English may quote a Chinese term)."""
    text = " ".join((text or "").split())
    separators = list(re.finditer(r"\s*/\s+(?=[A-Za-z])", text))
    if not separators:
        return ("", text) if text and not _has_cjk(text) else (text, "")
    chosen = next((m for m in separators if not _has_cjk(text[m.end():])), separators[-1])
    return text[:chosen.start()], text[chosen.end():]
