"""The dashboard's own stylesheet (dashboard/static/lvzhi.css: tiles, matrix, phone, print), added to
every page. Served from the package, not from any outside host (the dashboard runs offline)."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import streamlit as st

CSS = Path(__file__).resolve().parent / "static" / "lvzhi.css"
FAVICON = CSS.with_name("favicon.png")


@cache
def _css() -> str:
    return CSS.read_text(encoding="utf-8")


def apply() -> None:
    st.html(f"<style>{_css()}</style>")


@cache
def favicon() -> str:
    """The page icon as a data: URL, read once per process. Given the file's path, st.set_page_config
    opened and checked the image with PIL on every run of every page (~0.5-1 ms)."""
    return "data:image/png;base64," + base64.b64encode(FAVICON.read_bytes()).decode("ascii")
