"""The dashboard's own stylesheet (dashboard/static/lvzhi.css: tiles, matrix, phone, print), added to
every page. Served from the package, not from any outside host (the dashboard runs offline)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

CSS = Path(__file__).resolve().parent / "static" / "lvzhi.css"


@cache
def _css() -> str:
    return CSS.read_text(encoding="utf-8")


def apply() -> None:
    st.html(f"<style>{_css()}</style>")
