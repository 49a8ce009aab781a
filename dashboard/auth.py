"""Login, the session's user and what that user may see (issue 9), for every page of the dashboard.

`session()` runs at the top of every script run: it re-checks the session (idle and absolute
expiry, user disabled or changed by an admin) and draws who is logged in with a log-out button;
without a session the router shows `login_form()` in place of the page. The session keeps only the public part of
the user (`st.session_state["login"]`: name, role, prefectures, display_name, times); the password
check, throttling and the audit rows are access.users' and access.audit's.
"""

from __future__ import annotations

import streamlit as st

from dashboard import context, safe_text
from dashboard.i18n import lang, t
from access import audit, users

SESSION_KEY = "login"
_LAST_VIEW = "_audited_view"


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
    """The logged-in session, checked again on this run (expiry, user disabled or changed), or None."""
    login = current()
    if login is None:
        return None
    home = context.home()
    user, why = users.session_valid(home, login)
    if user is None:
        audit.record(home, login["name"], "logout", reason=why)
        del st.session_state[SESSION_KEY]
        st.session_state["_login_message"] = why
        return None
    login["last_seen"] = users.current_time().isoformat()
    _sidebar(login)
    return login


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
    st.session_state[SESSION_KEY] = {**user.public(), "logged_in_at": now, "last_seen": now}
    st.rerun()


def _sidebar(login: dict) -> None:
    role = users.ROLES[login["role"]][lang() == "en"]
    st.sidebar.caption(t("logged_in_as", name=safe_text.md(login["display_name"]), role=role))
    if st.sidebar.button(t("logout"), icon=":material/logout:", key="logout"):
        audit.record(context.home(), login["name"], "logout", reason="user")
        del st.session_state[SESSION_KEY]
        st.rerun()


def _filters() -> dict[str, str]:
    """The view's filters as its URL carries them (filters.py keeps them there)."""
    return {key: st.query_params.get(key) for key in sorted(st.query_params)}


def record_page_view(page: str) -> None:
    """One audit row per page and set of filters shown (not per rerun of the same view)."""
    filters = _filters()
    view = (page, tuple(filters.items()))
    if st.session_state.get(_LAST_VIEW) != view:
        st.session_state[_LAST_VIEW] = view
        audit.record(context.home(), name(), "page_view", page=page, filters=filters)


def record_download(file_name: str, rows: int) -> None:
    audit.record(context.home(), name(), "download", file=file_name, rows=rows, filters=_filters())
