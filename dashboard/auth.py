"""Login, the session's user and what that user may see (issue 9), for every page of the dashboard.

`session()` runs at the top of every script run: it re-checks the session (idle and absolute
expiry, user disabled or changed by an admin) and draws who is logged in with a log-out button;
without a session the router shows `login_form()` in place of the page. The session keeps only the public part of
the user (`st.session_state["login"]`: name, role, prefectures, display_name, times); the password
check, throttling and the audit rows are access.users' and access.audit's.
"""

from __future__ import annotations

import streamlit as st

from dashboard import context, safe_text, warmup
from dashboard.i18n import lang, t
from access import audit, sessions, users

SESSION_KEY = "login"
_LAST_VIEW = "_audited_view"
# The login survives a reload (issue 17): a random token in this cookie, its hash in access.sessions.
# Read with Streamlit's own st.context.cookies (sent with the page's connection, so the first run of a
# reload already knows it) and written by one line of JavaScript (st.html). The cookie libraries on
# PyPI were looked at and not taken: extra-streamlit-components 0.1.81 (its CookieManager, installed
# and read) renders an iframe component on every run, knows the cookies only after a round trip to
# the browser (a reload would flash the login form) and its delete() raises KeyError before that
# round trip; streamlit-cookies-controller (0.0.4, last release 2024-04) is a custom component too.
COOKIE = "lvzhi_session"
_COOKIE_TODO = "_cookie_todo"  # ("set", token) or ("clear", None): written to the browser on the next run
_TOUCHED = "_session_touched"


def current() -> dict | None:
    return st.session_state.get(SESSION_KEY)


def name() -> str | None:
    login = current()
    return login["name"] if login else None


def allowed_prefectures() -> tuple[str, ...] | None:
    """The prefecture codes this user is limited to, or None for every prefecture."""
    login = current()
    if login is None or login["role"] != users.SCOPED_ROLE:
        return None
    return tuple(login["prefectures"])


def can_sql() -> bool:
    login = current()
    return bool(login) and login["role"] in users.SQL_ROLES


def is_admin() -> bool:
    login = current()
    return bool(login) and login["role"] == users.ADMIN_ROLE


def session() -> dict | None:
    """The logged-in session, checked again on this run (expiry, user disabled or changed, logged
    out in another tab), or None. A new browser session (reload, new tab, shared link) resumes the
    login from the session cookie while its token is open on the server."""
    home = context.home()
    login = current()
    if login is not None and login.get("warm_up"):  # dashboard/warmup.py's own, before the server listens
        if not warmup.warming():
            del st.session_state[SESSION_KEY]
            return None
        _sidebar(login)
        return login
    if login is None:
        login = _resume(home)
        if login is None:
            return None
    user, why = users.session_valid(home, login)
    digest = login.get("token_hash")
    if user is None or (digest and not sessions.active(home, digest)):
        why = why or t("session_ended_elsewhere")
        audit.record(home, login["name"], "logout", reason=why)
        if digest:
            sessions.end(home, digest, why)
            st.session_state[_COOKIE_TODO] = ("clear", None)
        del st.session_state[SESSION_KEY]
        st.session_state["_login_message"] = why
        return None
    login["last_seen"] = users.current_time().isoformat()
    if digest and sessions.touch(home, digest, login["last_seen"], st.session_state.get(_TOUCHED)):
        st.session_state[_TOUCHED] = login["last_seen"]
    _sidebar(login)
    return login


def _resume(home) -> dict | None:
    """The login of the browser's session cookie, when its token is still open on the server."""
    if st.session_state.get(_COOKIE_TODO, (None,))[0] == "clear":
        return None  # logged out in this tab; the browser's cookie goes on this run
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser (AppTest, bare mode)
        token = None
    if not isinstance(token, str) or not token:
        return None
    restored = sessions.resume(home, token)
    if restored is None:
        return None
    login = {**restored, "token_hash": sessions.token_hash(token)}
    st.session_state[SESSION_KEY] = login
    st.session_state[_TOUCHED] = restored["last_seen"]
    return login


def write_cookie() -> None:
    """Set or clear the session cookie in the browser, once, on the run after a login or logout.
    JavaScript in the page (st.html): SameSite=Strict, path /, max-age 8 hours, Secure under HTTPS.
    The token never appears in a URL; only its SHA-256 is stored on the server."""
    todo = st.session_state.pop(_COOKIE_TODO, None)
    if todo is None:
        return
    action, token = todo
    if action == "set" and token:
        max_age = int(users.SESSION_MAX.total_seconds())
        value = f"{COOKIE}={token}; path=/; max-age={max_age}; SameSite=Strict"
    else:
        value = f"{COOKIE}=; path=/; max-age=0; SameSite=Strict"
    script = ("<script>document.cookie = " + repr(value) + " + (location.protocol === 'https:' ? '; Secure' : '');"
              "</script>")
    st.html(script, unsafe_allow_javascript=True)


def login_form() -> None:
    """The login form (or, before any user exists, how to create one); then stop this run."""
    home = context.home()
    st.title(t("app_title"))
    if not users.any_users(home):
        st.warning(t("no_users", home=home.root), icon=":material/person_off:")
        st.stop()
    _form(home)
    st.stop()


def _form(home) -> None:
    message = st.session_state.pop("_login_message", None)
    if message:
        st.info(message, icon=":material/schedule:")
    with st.form("login_form", enter_to_submit=True):
        st.subheader(t("login_title"))
        user_name = st.text_input(t("login_name"), key="login_name")
        password = st.text_input(t("login_password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login_button"), type="primary")
    if not submitted:
        return
    try:
        user = users.authenticate(home, user_name, password)
    except users.UserError as refused:
        st.error(str(refused), icon=":material/lock:")
        return
    now = users.current_time().isoformat()
    login = {**user.public(), "logged_in_at": now, "last_seen": now}
    token = sessions.start(home, login)
    st.session_state[SESSION_KEY] = {**login, "token_hash": sessions.token_hash(token)}
    st.session_state[_TOUCHED] = now
    st.session_state[_COOKIE_TODO] = ("set", token)
    st.rerun()


def _sidebar(login: dict) -> None:
    role = users.ROLES[login["role"]][lang() == "en"]
    st.sidebar.caption(t("logged_in_as", name=safe_text.md(login["display_name"]), role=role))
    if st.sidebar.button(t("logout"), icon=":material/logout:", key="logout"):
        audit.record(context.home(), login["name"], "logout", reason="user")
        if login.get("token_hash"):
            sessions.end(context.home(), login["token_hash"], "logout")
            st.session_state[_COOKIE_TODO] = ("clear", None)
        del st.session_state[SESSION_KEY]
        st.rerun()


def _filters() -> dict[str, str]:
    """The view's filters as its URL carries them (filters.py keeps them there)."""
    return {key: st.query_params.get(key) for key in sorted(st.query_params)}


def record_page_view(page: str) -> None:
    """One audit row per page and set of filters shown (not per rerun of the same view)."""
    filters = _filters()
    view = (page, tuple(filters.items()))
    if st.session_state.get(_LAST_VIEW) != view and not warmup.warming():
        st.session_state[_LAST_VIEW] = view
        audit.record(context.home(), name(), "page_view", page=page, filters=filters)


def record_download(file_name: str, rows: int) -> None:
    audit.record(context.home(), name(), "download", file=file_name, rows=rows, filters=_filters())
