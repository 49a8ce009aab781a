"""Who may see what: users, roles, passwords and login throttling, kept under `<home>/config/`.

Roles (the rules of issue 9):
  leader      区领导   every prefecture: dashboards and exports
  prefecture  州市用户 dashboards and exports of their own prefecture codes only
  analyst     分析员   dashboards (every prefecture) and the SQL workbench
  admin       管理员   everything, plus users, publish and rollback

Passwords are stored only as bcrypt hashes (salted, slow). There is no built-in account and no
default password: `lvzhi user add` creates the first one (`make demo` creates a demo admin with a
random password and prints it). Repeated wrong passwords for one name are throttled across every
dashboard session and the CLI, because the failure counts live in a file, not in memory.

Throttling is atomic (issue 16): one file lock covers "is this name locked out?" and "count this
attempt", and the attempt is counted *before* its password is checked, so 40 parallel guesses (threads
or processes) get at most MAX_FAILURES bcrypt checks; the count starts again only once the lock-out has
passed. An unknown name costs the same bcrypt check (against a dummy hash of the same cost) and gets
the same message, so timing does not tell which names exist. A password or role change bumps the
user's `version`, which every dashboard session compares on each run: the change ends open sessions.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import bcrypt

from access import audit
from lvzhi.home import Home

ROLES: dict[str, tuple[str, str]] = {
    "leader": ("区领导", "Region leader"),
    "prefecture": ("州市用户", "Prefecture user"),
    "analyst": ("分析员", "Analyst"),
    "admin": ("管理员", "Administrator"),
}
SCOPED_ROLE = "prefecture"  # the one role limited to its own prefecture codes
SQL_ROLES = frozenset({"analyst", "admin"})  # 数据查询 and `lvzhi sql`
ADMIN_ROLE = "admin"
NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")
MIN_PASSWORD = 8
MAX_FAILURES = 5  # wrong passwords in a row before the name is throttled
THROTTLE = timedelta(minutes=5)
SESSION_IDLE = timedelta(minutes=int(os.environ.get("LVZHI_SESSION_MINUTES", "30")))
SESSION_MAX = timedelta(hours=8)


class UserError(ValueError):
    """A refused user operation or login; the message is Chinese and says what to do."""


@dataclass
class User:
    name: str
    role: str
    prefectures: list[str] = field(default_factory=list)
    display_name: str = ""
    disabled: bool = False
    password_hash: str = ""
    created_at: str = ""
    password_changed_at: str = ""
    version: int = 0  # bumped by a password or role change: sessions holding an older one end

    @property
    def all_prefectures(self) -> bool:
        return self.role != SCOPED_ROLE

    @property
    def can_sql(self) -> bool:
        return self.role in SQL_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN_ROLE

    def role_label(self, language: str = "zh") -> str:
        return ROLES[self.role][language == "en"]

    def public(self) -> dict:
        """What a session keeps: never the hash."""
        return {"name": self.name, "role": self.role, "prefectures": list(self.prefectures),
                "display_name": self.display_name or self.name, "version": self.version}


def current_time() -> datetime:
    return datetime.now().astimezone()


def _users_file(home: Home):
    return home.config_dir / "users.json"


def _attempts_file(home: Home):
    return home.config_dir / "login_attempts.json"


@contextmanager
def _locked(home: Home):
    """One writer at a time for the users and attempts files (several dashboard processes, the CLI)."""
    home.config_dir.mkdir(parents=True, exist_ok=True)
    with open(home.config_dir / ".users.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read_json(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _write_json(path, data: dict) -> None:
    """Write beside, then rename: a reader never sees half a file; only the owner may read it."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    temporary.chmod(0o600)
    os.replace(temporary, path)


def load(home: Home) -> dict[str, User]:
    return {name: User(**row) for name, row in _read_json(_users_file(home)).get("users", {}).items()}


def _save(home: Home, users: dict[str, User]) -> None:
    _write_json(_users_file(home), {"users": {name: asdict(user) for name, user in sorted(users.items())}})


def any_users(home: Home) -> bool:
    return bool(load(home))


def get(home: Home, name: str) -> User | None:
    return load(home).get(name)


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")
    if len(password.encode("utf-8")) > 72:
        raise UserError("密码过长：最多 72 字节（约 24 个汉字或 72 个英文字符）")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=_rounds())).decode("ascii")


def _rounds() -> int:
    return max(4, int(os.environ.get("LVZHI_BCRYPT_ROUNDS", "12")))  # tests lower it; never below bcrypt's 4


# What an unknown name's password is checked against, so that it costs what a known name costs.
_DUMMY_PASSWORD = b"lvzhi-no-such-user"
_DUMMY_HASHES = {12: b"$2b$12$Vc5s4xeNst/EjH9w.QAG6u.Oh7z6yJNGI3adyvpK2hqzSIYEMk5ZO"}


def _dummy_hash(cost: int) -> bytes:
    if cost not in _DUMMY_HASHES:  # another cost (tests, a tuned installation): made once per process
        _DUMMY_HASHES[cost] = bcrypt.hashpw(_DUMMY_PASSWORD, bcrypt.gensalt(rounds=cost))
    return _DUMMY_HASHES[cost]


def _cost(password_hash: str) -> int | None:
    match = re.match(r"^\$2[aby]?\$(\d\d)\$", password_hash or "")
    return int(match.group(1)) if match else None


def _password_matches(home: Home, user: User | None, password: str) -> bool:
    """One bcrypt check whether or not the user exists: an unknown name is checked against a dummy hash
    of the cost the stored hashes have, so both take the same time."""
    candidate = password.encode("utf-8")[:72]
    if user is not None and _cost(user.password_hash):
        return bcrypt.checkpw(candidate, user.password_hash.encode("ascii"))
    costs = [c for c in (_cost(u.password_hash) for u in load(home).values()) if c]
    bcrypt.checkpw(candidate, _dummy_hash(max(costs) if costs else _rounds()))
    return False


def _check_prefectures(role: str, prefectures: list[str], known: set[str] | None) -> list[str]:
    codes = sorted({code.strip() for code in prefectures if code.strip()})
    if role == SCOPED_ROLE and not codes:
        raise UserError("州市用户必须指定至少一个地州市代码，例如 --prefecture 650100")
    if role != SCOPED_ROLE and codes:
        raise UserError(f"角色 {ROLES[role][0]} 可查看全区，不需要 --prefecture；只有州市用户按地州市限定")
    unknown = [code for code in codes if known is not None and code not in known]
    if unknown:
        raise UserError(f"未知的地州市代码：{'、'.join(unknown)}（见 data/seeds/prefectures.csv）")
    return codes


def add(home: Home, name: str, role: str, password: str, prefectures: list[str] = (),
        display_name: str = "", known_prefectures: set[str] | None = None, actor: str | None = None) -> User:
    if not NAME.match(name):
        raise UserError(f"用户名“{name}”不合规：2–32 个字母、数字、汉字或 _ . -")
    if role not in ROLES:
        raise UserError(f"未知角色“{role}”：可选 {', '.join(f'{key}（{zh}）' for key, (zh, _) in ROLES.items())}")
    codes = _check_prefectures(role, list(prefectures), known_prefectures)
    password_hash = _hash(password)
    with _locked(home):
        users = load(home)
        if name in users:
            raise UserError(f"用户“{name}”已存在；改密码用 lvzhi user passwd {name}")
        stamp = current_time().isoformat(timespec="seconds")
        users[name] = User(name, role, codes, display_name, False, password_hash, stamp, stamp)
        _save(home, users)
    audit.record(home, actor, "user_admin", op="add", target=name, role=role, prefectures=codes)
    return users[name]


def _update(home: Home, name: str, actor: str | None, op: str, end_sessions: bool = False,
            detail: dict | None = None, **changes) -> User:
    with _locked(home):
        users = load(home)
        if name not in users:
            raise UserError(f"没有用户“{name}”；用 lvzhi user list 查看")
        for key, value in changes.items():
            setattr(users[name], key, value)
        if end_sessions:  # every open session of this user sees a newer version on its next run and ends
            users[name].version += 1
        _save(home, users)
    audit.record(home, actor, "user_admin", op=op, target=name, **(detail or {}))
    return users[name]


def set_disabled(home: Home, name: str, disabled: bool, actor: str | None = None) -> User:
    return _update(home, name, actor, "disable" if disabled else "enable", disabled=disabled)


def set_password(home: Home, name: str, password: str, actor: str | None = None) -> User:
    password_hash = _hash(password)
    user = _update(home, name, actor, "passwd", end_sessions=True, password_hash=password_hash,
                   password_changed_at=current_time().isoformat(timespec="seconds"))
    _clear_failures(home, name)
    return user


def set_role(home: Home, name: str, role: str, prefectures: list[str] = (),
             known_prefectures: set[str] | None = None, actor: str | None = None) -> User:
    """Change a user's role (and prefecture codes); their open dashboard sessions end."""
    if role not in ROLES:
        raise UserError(f"未知角色“{role}”：可选 {', '.join(f'{key}（{zh}）' for key, (zh, _) in ROLES.items())}")
    codes = _check_prefectures(role, list(prefectures), known_prefectures)
    return _update(home, name, actor, "role", end_sessions=True, detail={"role": role, "prefectures": codes},
                   role=role, prefectures=codes)


def authenticate(home: Home, name: str, password: str, where: str = "dashboard",
                 now: datetime | None = None) -> User:
    """The user, or UserError. Every attempt writes one audit row (login_ok/login_failed/login_throttled)."""
    now = now or current_time()
    name = name.strip()
    wait = _claim_attempt(home, name, now)
    if wait:
        audit.record(home, name, "login_throttled", where=where)
        raise UserError(f"密码连续错误 {MAX_FAILURES} 次，请 {max(1, round(wait.total_seconds() / 60))} 分钟后再试")
    user = get(home, name)
    # Same message and the same bcrypt cost whether the name or the password is wrong: neither the form
    # nor its timing reveals which names exist.
    if not _password_matches(home, user, password):
        audit.record(home, name, "login_failed", where=where)
        raise UserError("用户名或密码错误")
    if user.disabled:
        audit.record(home, name, "login_failed", where=where, reason="disabled")
        raise UserError("该用户已停用，请联系管理员")
    _clear_failures(home, name)
    audit.record(home, name, "login_ok", where=where, role=user.role)
    return user


def _locked_out(entry: dict | None, now: datetime) -> timedelta | None:
    if not entry or entry["failures"] < MAX_FAILURES:
        return None
    until = datetime.fromisoformat(entry["last"]) + THROTTLE
    return until - now if until > now else None


def throttled_for(home: Home, name: str, now: datetime | None = None) -> timedelta | None:
    """How long this name must still wait, or None."""
    return _locked_out(_read_json(_attempts_file(home)).get(name), now or current_time())


def _claim_attempt(home: Home, name: str, now: datetime) -> timedelta | None:
    """Under the lock: the wait if the name is locked out, else count this attempt as a failure before its
    password is checked (a success clears it). So parallel attempts (threads or processes) cannot all pass
    the check before any is counted, and no more than MAX_FAILURES passwords are checked per lock-out."""
    with _locked(home):
        attempts = _read_json(_attempts_file(home))
        entry = attempts.get(name)
        wait = _locked_out(entry, now)
        if wait:
            return wait
        if entry and entry["failures"] >= MAX_FAILURES:  # the lock-out has passed: a new count
            entry = None
        # `last` is the time of the attempt that reached MAX_FAILURES: the lock-out runs from it.
        attempts[name] = {"failures": (entry or {}).get("failures", 0) + 1, "last": now.isoformat()}
        _write_json(_attempts_file(home), attempts)
    return None


def _clear_failures(home: Home, name: str) -> None:
    with _locked(home):
        attempts = _read_json(_attempts_file(home))
        if attempts.pop(name, None) is not None:
            _write_json(_attempts_file(home), attempts)


def session_valid(home: Home, session: dict, now: datetime | None = None) -> tuple[User | None, str]:
    """Check a dashboard session on every run: (user, "") or (None, why it ended)."""
    now = now or current_time()
    user = get(home, session.get("name", ""))
    if user is None or user.disabled:
        return None, "该用户已停用或删除，请联系管理员"
    if session.get("version", 0) != user.version:
        return None, "您的密码或权限已修改，请重新登录"
    if now - datetime.fromisoformat(session["logged_in_at"]) > SESSION_MAX:
        return None, "登录已超过 8 小时，请重新登录"
    if now - datetime.fromisoformat(session["last_seen"]) > SESSION_IDLE:
        return None, f"超过 {int(SESSION_IDLE.total_seconds() // 60)} 分钟未操作，请重新登录"
    if session.get("role") != user.role or session.get("prefectures") != user.prefectures:
        return None, "您的权限已被管理员修改，请重新登录"
    return user, ""


def terminal_login(home: Home, where: str = "cli") -> User:
    """Log in a terminal user: $LVZHI_USER / $LVZHI_PASSWORD (scripts), else ask at the terminal."""
    import getpass
    import sys

    if not any_users(home):
        raise UserError("尚未创建任何用户：请先运行 lvzhi user add 用户名 --role analyst")
    name = os.environ.get("LVZHI_USER", "")
    password = os.environ.get("LVZHI_PASSWORD")
    if not name or password is None:
        if not sys.stderr.isatty():
            raise UserError("需要登录：请设置环境变量 LVZHI_USER 和 LVZHI_PASSWORD，或在终端中运行以输入密码")
        name = name or input("用户名：").strip()
        password = getpass.getpass("密码：")
    return authenticate(home, name, password, where=where)
