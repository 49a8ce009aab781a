"""The application database (SQLite at `home.app_db`): analysts' saved queries and query history.

Kept apart from the warehouse on purpose: the published DuckDB files are immutable and read-only,
and this small state must survive every rebuild. WAL mode lets dashboard sessions and the CLI write
at once; each function opens and closes its own connection (sqlite3 connections are not shared
between Streamlit's threads). `owner`/`user` is the login name, '' when nobody is logged in.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager
from datetime import datetime

from lvzhi.home import Home

SCHEMA = """
create table if not exists saved_queries (
    id integer primary key,
    owner text not null,
    name text not null,
    description text not null default '',
    sql text not null,
    created_at text not null,
    updated_at text not null,
    unique (owner, name)
);
create table if not exists query_history (
    id integer primary key,
    user text not null,
    sql text not null,
    status text not null,
    rows integer,
    ms real,
    at text not null
);
create index if not exists query_history_user on query_history (user, id);
"""


@contextmanager
def connect(home: Home):
    """A connection in one transaction (committed on success), the database created on first use."""
    home.app_db.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(home.app_db, timeout=10)) as con:
        con.row_factory = sqlite3.Row
        con.execute("pragma journal_mode = wal")
        con.executescript(SCHEMA)
        with con:
            yield con


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def save_query(home: Home, owner: str | None, name: str, sql: str, description: str = "") -> None:
    """Save under a name; saving again under the same name replaces the query (keeps created_at)."""
    name = name.strip()
    if not name:
        raise ValueError("请填写查询名称")
    now = _now()
    with connect(home) as con:
        con.execute(
            "insert into saved_queries (owner, name, description, sql, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict (owner, name) do update set "
            "description = excluded.description, sql = excluded.sql, updated_at = excluded.updated_at",
            (owner or "", name, description.strip(), sql, now, now))


def saved_queries(home: Home, owner: str | None) -> list[dict]:
    """The owner's saved queries, most recently changed first."""
    with connect(home) as con:
        rows = con.execute("select name, description, sql, created_at, updated_at from saved_queries "
                           "where owner = ? order by updated_at desc, name", (owner or "",)).fetchall()
    return [dict(row) for row in rows]


def delete_query(home: Home, owner: str | None, name: str) -> bool:
    with connect(home) as con:
        return con.execute("delete from saved_queries where owner = ? and name = ?",
                           (owner or "", name)).rowcount > 0


def add_history(home: Home, user: str | None, sql: str, status: str, rows: int | None, ms: float) -> None:
    with connect(home) as con:
        con.execute("insert into query_history (user, sql, status, rows, ms, at) values (?, ?, ?, ?, ?, ?)",
                    (user or "", sql, status, rows, round(ms, 1), _now()))


def history(home: Home, user: str | None, limit: int = 50) -> list[dict]:
    """The user's latest queries, newest first."""
    with connect(home) as con:
        rows = con.execute("select at, status, rows, ms, sql from query_history where user = ? "
                           "order by id desc limit ?", (user or "", limit)).fetchall()
    return [dict(row) for row in rows]
