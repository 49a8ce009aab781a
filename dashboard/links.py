"""Drill-through links: every card, tile, matrix cell, ranking bar and table row leads to the next
level (region → prefecture → county / handling unit → records) by a link that carries the view in
its query string, so the next view can be shared and a reload shows the same thing.

Links are relative (`records?prefecture=654000&state=overdue`), so they work under any base path;
they open in the same tab (a login survives the reload: dashboard/sessions.py).
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

import streamlit as st

from dashboard.i18n import lang

DEFAULT_PAGE = "overview"
# The filters a link carries over from the current view unless it says otherwise.
CARRIED = ("year", "quarter", "prefecture", "county", "term")


def _quote(value, safe="", encoding=None, errors=None) -> str:
    """Every character but letters, digits, - and _ percent-encoded (dots too): a value taken from the
    data (a county, a unit) never reads as a host name or a link inside an href."""
    return quote(value, safe="", encoding=encoding, errors=errors).replace(".", "%2E").replace("~", "%7E")


def href(page: str, **params) -> str:
    """A relative link to `page` with the current filters and `params` (None or "" drops a key)."""
    from dashboard.filters import current

    f = current()
    query = {"year": f.year, "quarter": f.quarter, "prefecture": f.prefecture, "county": f.county,
             "term": f.term}
    if lang() == "en":
        query["lang"] = "en"
    query.update(params)
    query = {key: str(value) for key, value in query.items() if value not in (None, "")}
    path = "./" if page == DEFAULT_PAGE else page  # the default page lives at /, not at /overview
    return f"{path}?{urlencode(query, quote_via=_quote)}" if query else path


def anchor(text: str, url: str, css: str = "lvzhi-link", title: str = "") -> str:
    """An HTML link opening in the same tab (Streamlit's Markdown opens others in a new one)."""
    hint = f' title="{escape(title)}"' if title else ""
    return f'<a class="{css}" href="{escape(url)}" target="_self"{hint}>{escape(text)}</a>'


def go(page: str, **params) -> None:
    """Navigate now (after a click on a chart bar or a table row), keeping the session."""
    from dashboard.filters import current

    f = current()
    query = {"year": f.year, "quarter": f.quarter, "prefecture": f.prefecture, "county": f.county, "term": f.term}
    if lang() == "en":
        query["lang"] = "en"
    query.update(params)
    st.switch_page(f"views/{page}.py", query_params={k: str(v) for k, v in query.items() if v not in (None, "")})


PAGE_KEY = "_page"


def current_page() -> str:
    """The url path of the page being drawn (set by the router)."""
    return st.session_state.get(PAGE_KEY) or "overview"
