"""Text stays text (issue 15): no cell of an xlsx lvzhi writes becomes a hyperlink, and clerk text
put into Markdown on a page is shown literally."""

from __future__ import annotations

import io
import zipfile

import polars as pl


URLS = ["http://example.invalid/x", r"file:///\\host\share\x.xlsx", "mailto:a@example.invalid", "www.example.invalid"]


def hyperlinks(xlsx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as workbook:
        found = []
        for name in workbook.namelist():
            text = workbook.read(name).decode("utf-8", "replace")
            if "<hyperlink" in text or "relationships/hyperlink" in text:
                found.append(name)
        return found


def test_a_dashboard_download_has_no_live_links():
    from dashboard import ui

    assert hyperlinks(ui.to_excel(pl.DataFrame({"县区": URLS, "标题": URLS}))) == []


def test_the_template_and_every_workbook_option_keep_text():
    from lvzhi import sheets

    assert sheets.XLSX_OPTIONS["strings_to_urls"] is False and sheets.XLSX_OPTIONS["strings_to_formulas"] is False


def test_markdown_of_clerk_text_is_literal():
    from dashboard.safe_text import html, md

    shown = md("![x](http://example.invalid/x.png) :red[注意] **粗体** <b>x</b>")
    assert "![" not in shown and "](" not in shown and ":red[" not in shown and "**" not in shown
    assert "://" not in shown.replace("\\", "")  # no bare URL for GFM to link
    assert html('<img src="http://example.invalid/y.png">') == "&lt;img src=&quot;http://example.invalid/y.png&quot;&gt;"


def test_chart_labels_are_text():
    from dashboard import charts

    rows = pl.DataFrame({"unit": ['<a href="http://example.invalid">单位</a>', "伊宁市"], "rate": [0.5, 1.0], "n": [10, 12]})
    figure = charts.rate_bars(rows, "标题", "unit", "rate", "n", None)
    assert figure.data[0].y == ('&lt;a href="http://example.invalid"&gt;单位&lt;/a&gt;', "伊宁市")
    stacked = charts.stacked(pl.DataFrame({"x": ["<b>县</b>"], "c": ["<i>甲</i>"], "count": [1]}), "标题", "x", "c")
    assert stacked.data[0].x == ("&lt;b&gt;县&lt;/b&gt;",) and stacked.data[0].name == "&lt;i&gt;甲&lt;/i&gt;"
