"""The audit trail: who did what, when — one JSON line per action, appended, never rewritten.

Each line carries the SHA-256 of the line before it, so a deleted or edited line breaks the chain
and `verify` names where. Writers in several processes (dashboard sessions, CLI, scheduler) take an
exclusive lock on the file for the append.

Actions: login_ok, login_failed, login_throttled, logout, page_view, sql, download, export, user_admin,
publish, rollback.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from datetime import datetime
from typing import Any

from lvzhi.home import Home

GENESIS = "0" * 64


def record(home: Home, user: str | None, action: str, **detail: Any) -> dict:
    """Append one audit row and return it. `user` is the login name (None = anonymous)."""
    path = home.audit_log
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as log:
        fcntl.flock(log, fcntl.LOCK_EX)
        try:
            row = {"at": datetime.now().astimezone().isoformat(timespec="milliseconds"), "user": user or "",
                   "action": action, "detail": detail, "prev": _last_hash(log)}
            log.write(json.dumps(row, ensure_ascii=False, default=str, sort_keys=True) + "\n")
            log.flush()
            os.fsync(log.fileno())
        finally:
            fcntl.flock(log, fcntl.LOCK_UN)
    return row


def terminal_user() -> str:
    """Who ran a command at the server's terminal, as the audit log names them (e.g. cli:root)."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no passwd entry for the uid in some containers
        return "cli:?"


def read(home: Home) -> list[dict]:
    """Every audit row, oldest first."""
    if not home.audit_log.exists():
        return []
    with open(home.audit_log, encoding="utf-8") as log:
        return [json.loads(line) for line in log if line.strip()]


def verify(home: Home) -> int | None:
    """The 1-based line number where the hash chain breaks, or None when the log is intact."""
    previous = GENESIS
    if not home.audit_log.exists():
        return None
    with open(home.audit_log, encoding="utf-8") as log:
        for number, line in enumerate(log, start=1):
            if json.loads(line).get("prev") != previous:
                return number
            previous = _hash(line)
    return None


def _hash(line: str) -> str:
    return hashlib.sha256(line.rstrip("\n").encode("utf-8")).hexdigest()


def _last_hash(log) -> str:
    """Hash of the file's last line (the file is open in a+ mode and locked)."""
    log.seek(0, os.SEEK_END)
    end = log.tell()
    if end == 0:
        return GENESIS
    step, tail = 4096, b""
    raw = log.buffer if hasattr(log, "buffer") else log
    position = end
    while position > 0:
        position = max(0, position - step)
        raw.seek(position)
        tail = raw.read(end - position)
        if tail.rstrip(b"\n").count(b"\n") >= 1 or position == 0:
            break
    last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("utf-8")
    return _hash(last)
