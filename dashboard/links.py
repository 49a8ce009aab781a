"""Drill-through links: every card, tile, matrix cell, ranking bar and table row leads to the next
level (region → prefecture → county / handling unit → records) by a link that carries the view in
its query string, so the next view can be shared and a reload shows the same thing.

Links are relative (`records?prefecture=654000&state=overdue`), so they work under any base path;
they open in the same tab (a login survives the reload: dashboard/sessions.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from html import escape
from urllib.parse import quote

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
    return _href(_carried(), page, params)


def linker() -> Callable[..., str]:
    """`href` with the current filters read (and encoded) once: for a table or grid of links (the
    matrix, a ranking's rows, 1,300 handling units), where reading the session's filters and language
    and encoding them again per link cost milliseconds."""
    carried = _carried()
    return lambda page, **params: _href(carried, page, params)


def _carried() -> dict[str, str]:
    """The current filters as encoded `key=value` pieces, in the order links write them."""
    from dashboard.filters import current

    f = current()
    query = {"year": f.year, "quarter": f.quarter, "prefecture": f.prefecture, "county": f.county,
             "term": f.term}
    if lang() == "en":
        query["lang"] = "en"
    return {key: _piece(key, value) for key, value in query.items()}


@functools.lru_cache(maxsize=4096)
def _piece(key: str, value) -> str:
    """`key=value` encoded as urlencode(quote_via=_quote) writes it; "" when the value is empty."""
    return "" if value in (None, "") else f"{_quote(key)}={_quote(str(value))}"


def _href(carried: dict[str, str], page: str, params: dict) -> str:
    path = "./" if page == DEFAULT_PAGE else page  # the default page lives at /, not at /overview
    # The filters, then the link's own keys; a key of its own replaces a filter in place.
    pieces = {**carried, **{key: _piece(key, value) for key, value in params.items()}}
    query = "&".join(piece for piece in pieces.values() if piece)
    return f"{path}?{query}" if query else path


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
