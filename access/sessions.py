"""Dashboard logins that survive a reload (issue 17): a random token in a cookie, only its SHA-256
kept here, in the application database (`<home>/app/lvzhi_app.sqlite`, table `web_sessions`).

- `start` makes a token (secrets.token_urlsafe, 256 bits) for a login and stores its hash with the
  public part of the login (name, role, prefectures, times); the token itself is never stored and
  never put in a URL.
- `resume` finds the login of a token that has not ended; the caller then checks it with
  access.users.session_valid like any session (30 idle minutes, 8 hours, user disabled or changed).
- `touch` records activity (at most every TOUCH_SECONDS, so a busy page does not write each rerun).
- `end` (log out) and `end_user` (an admin disables a user) end the token(s) everywhere: every tab
  checks its token on each run (`active`).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime, timedelta

from access import appdb
from lvzhi.home import Home

SCHEMA = """
create table if not exists web_sessions (
    token_hash text primary key,
    name text not null,
    login_json text not null,
    created_at text not null,
    last_seen text not null,
    ended_at text,
    end_reason text
);
create index if not exists web_sessions_name on web_sessions (name, ended_at);
"""
TOUCH_SECONDS = 30
KEEP_DAYS = 7  # ended or stale rows older than this are removed when a new session starts


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _connect(home: Home):
    return appdb.connect(home)


def _now() -> datetime:
    from access.users import current_time

    return current_time()


def start(home: Home, login: dict) -> str:
    """A new token for this login (the dict kept in the Streamlit session); returns the token."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with _connect(home) as con:
        con.executescript(SCHEMA)
        con.execute("delete from web_sessions where last_seen < ?", ((now - timedelta(days=KEEP_DAYS)).isoformat(),))
        con.execute("insert into web_sessions (token_hash, name, login_json, created_at, last_seen) values (?, ?, ?, ?, ?)",
                    (token_hash(token), login["name"], json.dumps(login, ensure_ascii=False), now.isoformat(),
                     login.get("last_seen") or now.isoformat()))
    return token


def resume(home: Home, token: str | None) -> dict | None:
    """The login of an open token (with its last activity), or None."""
    if not token:
        return None
    with _connect(home) as con:
        con.executescript(SCHEMA)
        row = con.execute("select login_json, last_seen from web_sessions where token_hash = ? and ended_at is null",
                          (token_hash(token),)).fetchone()
    if row is None:
        return None
    return {**json.loads(row["login_json"]), "last_seen": row["last_seen"]}


def active(home: Home, digest: str) -> bool:
    """Whether the session with this token hash is still open (not logged out or disabled elsewhere)."""
    with _connect(home) as con:
        con.executescript(SCHEMA)
        row = con.execute("select ended_at from web_sessions where token_hash = ?", (digest,)).fetchone()
    return row is not None and row["ended_at"] is None


def touch(home: Home, digest: str, last_seen: str, previous: str | None) -> bool:
    """Record activity if the last recorded one is older than TOUCH_SECONDS; True when written."""
    if previous and datetime.fromisoformat(last_seen) - datetime.fromisoformat(previous) < timedelta(seconds=TOUCH_SECONDS):
        return False
    with _connect(home) as con:
        con.executescript(SCHEMA)
        con.execute("update web_sessions set last_seen = ? where token_hash = ? and ended_at is null", (last_seen, digest))
    return True


def end(home: Home, digest: str, reason: str) -> None:
    with _connect(home) as con:
        con.executescript(SCHEMA)
        con.execute("update web_sessions set ended_at = ?, end_reason = ? where token_hash = ? and ended_at is null",
                    (_now().isoformat(), reason, digest))


def end_user(home: Home, name: str, reason: str) -> int:
    """End every open session of a user (disabled, role changed, password changed); how many ended."""
    with _connect(home) as con:
        con.executescript(SCHEMA)
        return con.execute("update web_sessions set ended_at = ?, end_reason = ? where name = ? and ended_at is null",
                           (_now().isoformat(), reason, name)).rowcount
