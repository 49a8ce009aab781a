"""lvzhi 仪表盘 — the entry point: page set-up, language, shared filters and the page router.

Run with `lvzhi serve` (which passes `-- --home DIR`), or `streamlit run dashboard/app.py -- --home DIR`;
without `--home` the state folder is $LVZHI_HOME or `data`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import auth, context, filters, queries
from dashboard.i18n import t

VIEWS = Path(__file__).resolve().parent / "views"
PAGES = (  # file, title key, icon, url
    ("overview.py", "page_overview", ":material/dashboard:", "overview"),
    ("suggestions.py", "page_suggestions", ":material/mail:", "suggestions"),
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

def _page_icon():
    """A red emblem-like disc with a white bar, drawn in memory (served by Streamlit itself)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((2, 2, 62, 62), fill=(183, 28, 28, 255))
    draw.rectangle((16, 28, 48, 36), fill=(255, 255, 255, 255))
    return image


# A page icon drawn here: ":material/…:" made every browser fetch the favicon from fonts.gstatic.com
# (a request outside the server, issue 15); an image is served by Streamlit itself.
st.set_page_config(page_title="履职 lvzhi", page_icon=_page_icon(), layout="wide")
filters.language_switch()
login = auth.session()
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
st.sidebar.caption(f"{t('as_of')} {queries.as_of() or '—'} · {t('published_at')} {queries.publish_info().get('published_at', '—')}")
page = st.navigation(pages, expanded=True)  # all 14 pages listed, none behind "View more"
auth.record_page_view(page.url_path or "overview")
page.run()
