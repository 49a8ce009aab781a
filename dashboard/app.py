"""lvzhi 仪表盘 — the entry point: page set-up, language, shared filters and the page router.

Run with `lvzhi serve` (which passes `-- --home DIR`), or `streamlit run dashboard/app.py -- --home DIR`;
without `--home` the state folder is $LVZHI_HOME or `data`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, context, db, filters, links, memory, queries, style
from dashboard.i18n import fix_language, lang, t
from lvzhi import format as fmt

VIEWS = Path(__file__).resolve().parent / "views"
PAGES = (  # file, title key, icon, url
    ("overview.py", "page_overview", ":material/dashboard:", "overview"),
    ("suggestions.py", "page_suggestions", ":material/mail:", "suggestions"),
    ("records.py", "page_records", ":material/list_alt:", "records"),
    ("attendance.py", "page_attendance", ":material/groups:", "attendance"),
    ("activities.py", "page_activities", ":material/event:", "activities"),
    ("liaison.py", "page_liaison", ":material/handshake:", "liaison"),
    ("stations.py", "page_stations", ":material/home_work:", "stations"),
    ("trainings.py", "page_trainings", ":material/school:", "trainings"),
    ("deputy.py", "page_deputy", ":material/badge:", "deputy"),
    ("sql.py", "page_sql", ":material/terminal:", "sql"),
    ("docs.py", "page_docs", ":material/menu_book:", "docs"),
    ("reports.py", "page_reports", ":material/description:", "reports"),
    ("exports.py", "page_exports", ":material/folder_zip:", "exports"),
    ("quality.py", "page_quality", ":material/fact_check:", "quality"),
    ("admin.py", "page_admin", ":material/admin_panel_settings:", "admin"),
)
ONLY_FOR = {"sql": auth.can_sql, "admin": auth.is_admin}  # pages a role does not see at all

# The page icon is a local file: a Material icon here is fetched by the browser from an outside font
# host, which an offline intranet does not reach.
st.set_page_config(page_title="履职 lvzhi", page_icon=style.favicon(), layout="wide")
db.new_run()
fix_language(None)
style.apply()
filters.language_switch()
fix_language(lang())
login = auth.session()
auth.write_cookie()  # after a login or logout: the session cookie set or cleared in the browser
if login is None:
    # Every page registered (hidden), none of them the default: a link such as /overview?… or
    # /suggestions?… keeps its page through the login and opens it once logged in.
    st.navigation([st.Page(auth.login_form, title=t("login_title"), url_path="login", default=True),
                   *(st.Page(VIEWS / file, url_path=url) for file, _, _, url in PAGES)], position="hidden")
    auth.login_form()
pages = [st.Page(VIEWS / file, title=t(title), icon=icon, url_path=url, default=url == "overview")
         for file, title, icon, url in PAGES if ONLY_FOR.get(url, lambda: True)()]

if context.published_path() is None:
    st.title(t("app_title"))
    st.warning(t("not_published", home=context.home().root), icon=":material/info:")
    st.stop()

filters.sidebar()
st.sidebar.caption(f"{t('as_of')} {queries.as_of() or '—'} · {t('published_at')} "
                   f"{fmt.local_time(queries.publish_info().get('published_at'), lang())}")
page = st.navigation(pages, expanded=True)  # all pages listed, none behind "View more"
st.session_state[links.PAGE_KEY] = page.url_path or "overview"
auth.record_page_view(page.url_path or "overview")
page.run()
memory.settle()  # once per process, after a first page (not reached when a page stops or switches)
