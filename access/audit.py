"""The audit trail: who did what, when — one JSON line per action, appended, never rewritten.

Each line carries the SHA-256 of the line before it, so a deleted or edited line breaks the chain
and `verify` names where. A chain alone cannot show what was cut off its end (or a chain rewritten
from scratch), so the log is anchored outside itself (issue 16): `audit.anchor.json` beside it (0600)
holds the line count, byte size and hash of the last line, signed with an HMAC whose key lives in
`<home>/config/audit.key` (0600). Every append updates the anchor under the same lock; `check`
compares the log with it, so removing or changing any line — the last ones too, truncating the file,
deleting it, or rewriting the whole chain — is reported. A torn last line (a crash mid-write) is
reported as such, not raised; the next append sets it aside (`audit.jsonl.torn-…`) and says so in an
`audit_repair` row.
Writers in several processes (dashboard sessions, CLI, scheduler) take an exclusive lock for the append.
This detects tampering by anyone without the key; someone who can read the key (the service's OS
account) could forge both — keep the home readable by that account only.

Actions: login_ok, login_failed, login_throttled, logout, page_view, sql, download, export, user_admin,
publish, rollback, audit_repair (a torn line set aside), audit_anchor (the anchor was missing and was made again: tampering or an upgrade).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lvzhi.home import Home

GENESIS = "0" * 64


@dataclass(frozen=True)
class Verdict:
    """What `check` found. status: intact, torn (a crash cut the last line; the rest is intact) or broken."""

    status: str
    lines: int  # complete lines read
    line: int | None = None  # the first bad line (1-based), for torn and broken
    message: str = ""  # Chinese, for the admin page and `lvzhi audit verify`

    @property
    def intact(self) -> bool:
        return self.status != "broken"


def _anchor_path(home: Home) -> Path:
    return home.audit_log.with_name("audit.anchor.json")


def _key_path(home: Home) -> Path:
    return home.config_dir / "audit.key"


@contextmanager
def _locked(home: Home, exclusive: bool = True):
    """One lock file for the log and its anchor (the log itself may be deleted or replaced)."""
    home.audit_log.parent.mkdir(parents=True, exist_ok=True)
    with open(home.audit_log.with_name(".audit.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(home: Home, user: str | None, action: str, **detail: Any) -> dict:
    """Append one audit row and return it. `user` is the login name (None = anonymous)."""
    path = home.audit_log
    with _locked(home):
        with open(path, "ab+") as log:
            torn = _set_aside_torn_tail(home, log)
            anchor, why = _anchor_for_append(home, log)
            if why:  # said in the log itself, so that a re-made anchor is never silent
                _append(log, anchor, {"at": _now(), "user": "", "action": "audit_anchor",
                                      "detail": {"reason": why, "lines": anchor["lines"]}})
            if torn:
                _append(log, anchor, {"at": _now(), "user": "", "action": "audit_repair",
                                      "detail": {"reason": "上一次写入中断，最后一行不完整，已移到旁边的文件",
                                                 "torn_bytes": torn[1], "moved_to": torn[0]}})
            row = {"at": _now(), "user": user or "", "action": action, "detail": detail}
            row = _append(log, anchor, row)
        _write_anchor(home, anchor)
    return row


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def _append(log, anchor: dict, row: dict) -> dict:
    row = {**row, "prev": anchor["head"]}
    line = json.dumps(row, ensure_ascii=False, default=str, sort_keys=True)
    log.seek(0, os.SEEK_END)
    log.write((line + "\n").encode("utf-8"))
    log.flush()
    os.fsync(log.fileno())
    anchor.update(lines=anchor["lines"] + 1, bytes=log.tell(), head=_hash(line))
    return row


def _set_aside_torn_tail(home: Home, log) -> tuple[str, int] | None:
    """A last line without its newline was cut by a crash: move its bytes to a side file so the next row
    starts on a line of its own (the anchor never covered them)."""
    log.seek(0, os.SEEK_END)
    end = log.tell()
    if end == 0:
        return None
    log.seek(end - 1)
    if log.read(1) == b"\n":
        return None
    start = _last_newline(log, end) + 1
    log.seek(start)
    torn = log.read(end - start)
    side = home.audit_log.with_name(f"{home.audit_log.name}.torn-{datetime.now():%Y%m%dT%H%M%S%f}")
    side.write_bytes(torn)
    side.chmod(0o600)
    log.truncate(start)
    log.flush()
    os.fsync(log.fileno())
    return side.name, len(torn)


def _last_newline(log, end: int) -> int:
    """Offset of the last b"\\n" before `end`, or -1."""
    position, step = end, 4096
    while position > 0:
        start = max(0, position - step)
        log.seek(start)
        chunk = log.read(position - start)
        found = chunk.rfind(b"\n")
        if found >= 0:
            return start + found
        position = start
    return -1


def _anchor_for_append(home: Home, log) -> tuple[dict, str]:
    """The anchor to extend, and why it had to be made again ('' when it was there and signed)."""
    stored = _read_anchor(home)
    log.seek(0, os.SEEK_END)
    end = log.tell()
    if stored is not None and _key_path(home).exists() and _signed(home, stored):
        # Continue the anchor's own count and chain onto the anchor's head, not onto what the file ends
        # with now: lines removed or changed behind its back stay a break that `check` reports.
        return {"lines": stored["lines"], "bytes": stored["bytes"], "head": stored["head"]}, ""
    lines = _count_lines(log) if end else 0
    anchor = {"lines": lines, "bytes": end, "head": _hash_of_last_line(log, end) if end else GENESIS}
    if stored is None and end == 0:
        return anchor, ""  # a new log
    why = "校验锚点缺失" if stored is None else "校验锚点签名不符或密钥缺失"
    return anchor, f"{why}，已按现有 {lines} 行重新建立（可能被篡改，或为旧版本日志）"


def _count_lines(log) -> int:
    log.seek(0)
    return sum(chunk.count(b"\n") for chunk in iter(lambda: log.read(1 << 20), b""))


def _hash_of_last_line(log, end: int) -> str:
    """Hash of the file's last complete line (the file ends with a newline here)."""
    start = _last_newline(log, end - 1) + 1
    log.seek(start)
    return _hash(log.read(end - start).decode("utf-8"))


def _key(home: Home) -> bytes:
    path = _key_path(home)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode("ascii")


def _mac(home: Home, anchor: dict) -> str:
    message = f"{anchor['lines']}:{anchor['bytes']}:{anchor['head']}".encode("ascii")
    return hmac.new(_key(home), message, hashlib.sha256).hexdigest()


def _signed(home: Home, anchor: dict) -> bool:
    return hmac.compare_digest(str(anchor.get("mac", "")), _mac(home, anchor))


def _read_anchor(home: Home) -> dict | None:
    try:
        anchor = json.loads(_anchor_path(home).read_text(encoding="utf-8"))
        return anchor if {"lines", "bytes", "head"} <= set(anchor) else {"lines": 0, "bytes": 0, "head": ""}
    except FileNotFoundError:
        return None
    except (ValueError, OSError):
        return {"lines": 0, "bytes": 0, "head": ""}  # unreadable: its signature will not match


def _write_anchor(home: Home, anchor: dict) -> None:
    path = _anchor_path(home)
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({**anchor, "mac": _mac(home, anchor)}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def terminal_user() -> str:
    """Who ran a command at the server's terminal, as the audit log names them (e.g. cli:root)."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no passwd entry for the uid in some containers
        return "cli:?"


def read(home: Home) -> list[dict]:
    """Every audit row, oldest first (a torn or unreadable line is left out; `check` reports it)."""
    if not home.audit_log.exists():
        return []
    rows = []
    with open(home.audit_log, "rb") as log:
        for line in log:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict):
                rows.append(row)
    return rows


def verify(home: Home) -> int | None:
    """The 1-based line number where the log stops being trustworthy, or None when it is intact (a torn
    last line after a crash counts as intact: every complete line is)."""
    verdict = check(home)
    return None if verdict.intact else verdict.line


def check(home: Home) -> Verdict:
    """Compare the log line by line with its hash chain, and its end with the signed anchor (read as a
    stream under the shared lock: a long log is not held in memory, and no append lands mid-check)."""
    with _locked(home, exclusive=False):
        anchor = _read_anchor(home)
        try:
            log = open(home.audit_log, "rb")
        except FileNotFoundError:
            log = None
        if log is None:
            if anchor is None or anchor.get("lines") == 0:
                return Verdict("intact", 0, message="审计日志为空")
            return Verdict("broken", 0, 1,
                           f"审计日志文件已被删除：第 1 行起全部缺失（校验锚点记录了 {anchor.get('lines')} 行）")
        with log:
            lines, previous, size, tail, bad = _scan(log)
    if bad:
        return Verdict("broken", lines, *bad)
    return _against_anchor(home, anchor, lines, previous, size, tail)


def _scan(log) -> tuple[int, str, int, int, tuple[int, str] | None]:
    """(complete lines, hash of the last, their bytes, bytes of a torn tail, (first bad line, why) or None)."""
    previous, number, size = GENESIS, 0, 0
    for raw in log:
        if not raw.endswith(b"\n"):  # only the last piece of a file can lack its newline: torn
            return number, previous, size, len(raw), None
        number += 1
        try:
            text = raw[:-1].decode("utf-8")
            row = json.loads(text)
            prev = row.get("prev") if isinstance(row, dict) else None
        except ValueError:
            return number, previous, size, 0, (number, f"审计日志第 {number} 行不是完整的记录：被修改过")
        if prev != previous:
            return number, previous, size, 0, (
                number, f"审计日志第 {number} 行与上一行的校验值不符：第 {number} 行或其前一行被修改或删除过")
        previous = _hash(text)
        size += len(raw)
    return number, previous, size, 0, None


def _against_anchor(home: Home, anchor: dict | None, lines: int, previous: str, size: int, tail: int) -> Verdict:
    if anchor is None:
        if lines == 0 and not tail:
            return Verdict("intact", 0, message="审计日志为空")
        return Verdict("broken", lines, 1, "校验锚点文件缺失：第 1 行起无法确认未被删改（可能被篡改，或为旧版本日志，下一次写入时会重新建立）")
    if not _key_path(home).exists() or not _signed(home, anchor):
        return Verdict("broken", lines, 1, "校验锚点的签名不符或密钥缺失：锚点被改动过，第 1 行起无法确认")
    if lines < anchor["lines"]:
        return Verdict("broken", lines, lines + 1,
                       f"审计日志第 {lines + 1} 行起被删除：校验锚点记录了 {anchor['lines']} 行，日志只有 {lines} 行")
    if lines > anchor["lines"]:
        return Verdict("broken", lines, anchor["lines"] + 1,
                       f"审计日志第 {anchor['lines'] + 1} 行起不在校验锚点之内：日志被追加或改写过"
                       f"（锚点 {anchor['lines']} 行，日志 {lines} 行）")
    if previous != anchor["head"] or size != anchor["bytes"]:
        return Verdict("broken", lines, max(lines, 1),
                       f"审计日志第 {max(lines, 1)} 行（最后一行）与校验锚点不符：被修改过，或整条链被重写过")
    if tail:
        return Verdict("torn", lines, lines + 1,
                       f"审计日志第 {lines + 1} 行不完整（写入时中断，如断电或进程被杀）；前 {lines} 行完整，"
                       "下一次写入时会把它移到旁边的 .torn 文件")
    return Verdict("intact", lines, message=f"共 {lines} 条记录，校验链完整（未被修改或删除）")


def _hash(line: str) -> str:
    return hashlib.sha256(line.rstrip("\n").encode("utf-8")).hexdigest()
