"""How the dashboard reads the published (read-only) warehouse: connection, caches and the one row
filter every result passes (`only_allowed`). The pages' queries are in dashboard/queries.py.

Each published version is attached read-only once, to an in-memory DuckDB shared by every session
(`_connection`, st.cache_resource): attaching a 100 MB file costs ~20 ms, which made each page pay
about 200 ms before any of its own work. Published files are immutable and `lvzhi build` writes a
new one, so holding them open blocks no writer. Each query runs on its own cursor (one connection
must not be shared between Streamlit's threads). The cache keys include the published file's path,
so a new publish is read at the next rerun without a restart.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from dashboard import auth, context
from dashboard.context import NotPublished
from lvzhi import warehouse

TTL_SECONDS = 600


# ------------------------------------------------------------------ connection and cache


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    """The version being read and the one before (sessions still on it until their next rerun);
    an evicted one closes once its last cursor is done."""
    # The exact version the cache is keyed on, not whatever is current by now.
    return warehouse.connect_published(context.home(), version=Path(path))


def _run(path: str, sql: str, params: tuple) -> pl.DataFrame:
    cursor = _connection(path).cursor()
    try:
        cursor.execute(f"use wh.{warehouse.PUBLISHED_SCHEMA}")  # a cursor starts in the default schema
        return cursor.sql(sql, params=list(params)).pl()
    finally:
        cursor.close()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=500)
def _cached(path: str, sql: str, params: tuple) -> pl.DataFrame:
    return _run(path, sql, params)


_KEPT: dict[str, dict[tuple, object]] = {}  # version -> (kind, sql, params) -> result
_KEPT_VERSIONS = 2  # as _connection: the version being read and the one before
# Per version: page results (`kept_query`) are one per filter combination asked; the oldest go first.
# The largest (a region's 4,000 stations, 1,300 units) are a few hundred kB each. The warm-up
# (dashboard/warmup.py: every page for the region and each prefecture) keeps ~480 at region scale
# (~7 MB): room for those and as many again.
_KEPT_ENTRIES = 1000
_KEPT_LOCK = threading.Lock()


def _keep(path: str, key: tuple, make=None, again=None):
    """Per published version, for as long as the process runs (a version never changes). A plain
    dictionary, not st.cache_resource: `has()` and `reference()` are asked ~30 times a page, and
    Streamlit's cache hashed the SQL text of each call (~0.2 ms each). `make()` makes the result
    for this version; or `again(version)`, for any version: what was asked of the version before is
    then asked of a new one at once (`_ask_again`)."""
    kept = _KEPT.get(path)
    if kept is None:
        with _KEPT_LOCK:
            kept = _KEPT.get(path)
            if kept is None:
                kept = _KEPT[path] = {}
                _ASKED[path] = {}
                before = [old for old in _KEPT if old != path]
                for old in before[:-(_KEPT_VERSIONS - 1)]:
                    _KEPT.pop(old, None)
                    _ASKED.pop(old, None)
                if before and Path(before[-1]).parent == Path(path).parent:  # the same home's version before
                    _ask_again(path, list(_ASKED.get(before[-1], {}).items()))
    found = kept.get(key, _KEPT_LOCK)  # the lock stands for "not there" (a result may be None)
    if found is _KEPT_LOCK:
        found = make() if make is not None else again(path)
        with _KEPT_LOCK:  # sessions' threads add at once
            kept[key] = found
            asked = _ASKED.setdefault(path, {})
            if again is not None:
                asked[key] = again
            while len(kept) > _KEPT_ENTRIES:
                oldest = next(iter(kept))
                del kept[oldest]
                asked.pop(oldest, None)
    return found


_ASKED: dict[str, dict[tuple, object]] = {}  # version -> key -> again(version): what the pages asked


def _ask_again(path: str, asked: list[tuple[tuple, object]]) -> None:
    """A new version is published: what the pages asked of the version before (the warm-up's and
    users' queries, in the order asked) is asked of the new one in a thread of its own, so that the
    first views after a publish find their results as those after the warm-up do (~1-2 s of DuckDB
    at region scale; a query the new version cannot answer is left to its page)."""
    def work() -> None:
        for key, again in asked:
            if _KEPT.get(path) is None:  # replaced by a newer version meanwhile
                return
            try:
                _keep(path, key, again=again)
            except Exception:  # noqa: BLE001, S112 - the page asks again and shows its own error
                continue

    if asked:
        threading.Thread(target=work, name="lvzhi-ask-again", daemon=True).start()


def _kept(path: str, sql: str, params: tuple) -> pl.DataFrame:
    # repr: a parameter may be a list (list_contains), which cannot be a key
    return _keep(path, ("rows", sql, repr(params)), again=lambda version: _run(version, sql, params))


def _split(path: str, sql: str, keys: tuple[str, ...]) -> dict[tuple, pl.DataFrame]:
    rows = _run(path, sql, ())
    return {key: part.drop(keys) for key, part in rows.group_by(keys, maintain_order=True)} if rows.height else {}


def _kept_by(path: str, sql: str, keys: tuple[str, ...]) -> dict[tuple, pl.DataFrame]:
    return _keep(path, ("split", sql, keys), again=lambda version: _split(version, sql, keys))


_RUN = threading.local()  # the current script run's version and results (a run executes in one thread)


def new_run() -> None:
    """Called first in every script run (app.py): the published version is looked up once per run
    (its pointer file was read ~50 times a page) and the previous run's results are forgotten."""
    _RUN.path = None
    _RUN.memo = {}


def _path() -> str:
    path = getattr(_RUN, "path", None)
    if path is None:
        found = context.published_path()
        if found is None:
            raise NotPublished(str(context.home().root))
        path = str(found)
        if getattr(_RUN, "memo", None) is not None:  # outside a page run (tests, scripts) nothing is kept
            _RUN.path = path
    return path


def once_per_run(key: tuple, make):
    """Within one run a page asks the same thing several times (the cards, the matrix, the ranking
    and the trend all take from the period's rows): each repeat is a look-up here, not another hash
    of the SQL and copy out of st.cache_data (~0.3 ms each, ~10 a page). Outside a page run (tests,
    scripts) nothing is kept."""
    memo = getattr(_RUN, "memo", None)
    if memo is None:
        return make()
    key = (_path(), *key)
    if key not in memo:
        memo[key] = make()
    return memo[key]


def query(sql: str, *params) -> pl.DataFrame:
    return once_per_run(("query", sql, repr(params)), lambda: only_allowed(_cached(_path(), sql, tuple(params))))


def kept_query(sql: str, *params) -> pl.DataFrame:
    """Like `query`, but kept per published version for as long as the process runs instead of
    st.cache_data's 10 minutes: for a page's scans of the facts and of the dash_* and quality tables
    (~3-10 ms each at region scale), whose result cannot change within a version, and whose keys are
    the page's filters (not free text or one deputy: those stay in `query`). Every rerun of the page (a
    toggle, a filter changed back) and every other session then reads the kept frame, not DuckDB,
    and st.cache_data's copy of each result (~0.3 ms) is saved too."""
    return once_per_run(("kept", sql, repr(params)), lambda: only_allowed(_kept(_path(), sql, tuple(params))))


def derived(key: tuple, make):
    """What a page computes from kept results alone (the cards' rows in catalogue order, their
    sparklines): kept per published version as those are, and per set of prefectures the user may
    see (only_allowed shaped its inputs), so a rerun or another session looks it up instead of
    filtering and sorting again (~4 ms a page)."""
    allowed = auth.allowed_prefectures()
    return _keep(_path(), ("derived", None if allowed is None else tuple(allowed), *key), make)


def only_allowed(rows: pl.DataFrame) -> pl.DataFrame:
    """A prefecture user's rows only, whatever a page asked for: the one place every query passes.

    Rows carrying a prefecture (`prefecture_code`, or `scope_prefecture_code` of indicator rows) are
    kept only for the user's codes; whole-region indicator rows stay as the benchmark. Queries
    without such a column are filtered in SQL by the page's prefecture, which filters.sidebar
    limits to the user's codes.
    """
    allowed = auth.allowed_prefectures()
    if allowed is None:
        return rows
    if "scope_prefecture_code" in rows.columns:
        rows = rows.filter(pl.col("scope_prefecture_code").is_in(allowed) | (pl.col("scope_level") == "region"))
    if "prefecture_code" in rows.columns:
        rows = rows.filter(pl.col("prefecture_code").is_in(allowed))
    return rows


def reference(sql: str, *params) -> pl.DataFrame:
    """For what a published version holds whatever the filters (its tables, the catalogue, the
    prefectures): read once per version and kept with its connection. st.cache_data would copy the
    result on every use, and `has()` alone is asked ~20 times a page."""
    return _kept(_path(), sql, tuple(params))


def kept_by(sql: str, keys: tuple[str, ...]) -> dict[tuple, pl.DataFrame]:
    """Like `reference`, for a whole table a page reads one part of (e.g. one scope's terms): read
    once per version and split by `keys`, so each part is a dictionary look-up. Only for rows
    without a prefecture column (`only_allowed` has nothing to filter in them)."""
    return _kept_by(_path(), sql, keys)


def tables() -> frozenset[str]:
    path = _path()
    return _keep(path, ("tables",), lambda: frozenset(_kept(
        path, "select table_name from duckdb_tables() where database_name = 'wh' and schema_name = ?",
        (warehouse.PUBLISHED_SCHEMA,))["table_name"].to_list()))


def has(table: str) -> bool:
    return table in tables()
