"""Clerk text is shown as text: never interpreted as Markdown or HTML on a page.

Streamlit renders st.markdown / st.caption / st.metric labels / alerts as GitHub Markdown: a county
named `![x](http://example.invalid/x.png)` made every leader's browser fetch that image, and a
bare URL became a live link. Every data value put into such an element goes through `md()` (each
ASCII punctuation character backslash-escaped: CommonMark shows it literally and Streamlit's
`:colour[...]` / `:material/…:` directives no longer match; a zero-width space inside `://`, `www.`
and `@` stops GFM from linking bare URLs and addresses) or, inside HTML that lvzhi
writes itself, through `html()`. Tables (st.dataframe) show cells as text already.
"""

from __future__ import annotations

import html as _html
import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_AUTOLINK = re.compile(r"(?i)(?::/|www\.|@)")


def md(value: object) -> str:
    """A value as literal text inside Markdown."""
    if value is None:
        return ""
    text = str(value).replace("\r", " ").replace("\n", " ")
    # GFM links bare URLs and e-mail addresses in the text after escapes are undone: a zero-width
    # space breaks the pattern without changing what is shown.
    text = _AUTOLINK.sub(lambda m: m.group(0)[:-1] + "\u200b" + m.group(0)[-1], text)
    return _PUNCTUATION.sub(r"\\\1", text)


def html(value: object) -> str:
    """A value as literal text inside HTML lvzhi writes (unsafe_allow_html blocks)."""
    return "" if value is None else _html.escape(str(value), quote=True)


def plotly(value: str) -> str:
    """A label as literal text in a plotly chart (which renders <a href>, <b>, <br>… in text)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
