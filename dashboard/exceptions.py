"""The exceptions view at the top of 总览 (issue 17): what is off target, who lags, what is overdue.

- one line: how many of the indicators with a target miss it here, and which (each a link to its ranking);
- a prefecture × indicator matrix (a prefecture's counties once one is chosen): colour = band, value
  and n in each cell, small samples and missing values grey; each cell opens that scope's view;
- the overdue and due-within-30-days suggestions per handling unit, each count a link to its records.

Everything is one HTML block per part (a 15 × 17 grid as Streamlit elements would cost seconds).
"""

from __future__ import annotations

from html import escape

import polars as pl
import streamlit as st

from dashboard import charts, db, links, queries
from dashboard.filters import Filters
from dashboard.i18n import lang, status_labels, t
from lvzhi import format as fmt

OFF_TARGET = ("amber", "red")
GREY = ("insufficient", "no_data", "none")
CHASE_ROWS = 12


def short_name(row: dict, language: str | None = None) -> str:
    return row["name_en"] if (language or lang()) == "en" else row["name_zh"]


def render(f: Filters, shown_ids: list[str]) -> None:
    """The three parts, for the indicators the overview shows (in its order)."""
    st.subheader(t("exceptions"), anchor="exceptions")
    # The same query (and so the same cached result) as the cards below: this and the previous period.
    here = queries.indicator_values(f.scope_level, f.scope_code, f.period_type, (f.period_label, f.previous_label),
                                    prefecture=f.prefecture)
    if here.height:
        here = here.filter(pl.col("indicator_id").is_in(shown_ids) & (pl.col("period_label") == f.period_label))
    _summary(f, here)
    _matrix(f, shown_ids)
    _chase(f)


def _summary(f: Filters, here: pl.DataFrame) -> None:
    targeted = here.filter(pl.col("target").is_not_null()) if here.height else here
    off = targeted.filter(pl.col("status").is_in(OFF_TARGET)) if targeted.height else targeted
    scope, period = f.scope_name, f.period_label
    if targeted.height == 0:
        return
    met = targeted.filter(pl.col("status") == "green").height
    if off.height == 0:
        key = "exceptions_none" if met == targeted.height else "exceptions_unknown"
        css = "lvzhi-ok" if met == targeted.height else "lvzhi-unknown"
        st.markdown(f'<div class="lvzhi-summary {css}">{escape(t(key, scope=scope, period=period, total=targeted.height, met=met, unknown=targeted.height - met))}</div>',
                    unsafe_allow_html=True)
        return
    red = off.filter(pl.col("status") == "red").height
    met = targeted.filter(pl.col("status") == "green").height
    text = t("exceptions_summary", scope=scope, period=period, off=off.height, total=targeted.height, red=red,
             amber=off.height - red, met=met, unknown=targeted.height - off.height - met)
    items = []
    link, language, statuses = links.linker(), lang(), status_labels()
    for row in off.sort(pl.col("status").replace_strict({"red": 0, "amber": 1}, return_dtype=pl.Int64)).iter_rows(named=True):
        url = link("overview", indicator=row["indicator_id"]) + "#ranking"
        label = f"{short_name(row, language)} {fmt.value(row['value'], row['unit'], language)}（{statuses[row['status']]}）"
        items.append(f'<li class="lvzhi-{row["status"]}">{links.anchor(label, url)}</li>')
    st.markdown(f'<div class="lvzhi-summary">{escape(text)}<ul class="lvzhi-off">{"".join(items)}</ul></div>',
                unsafe_allow_html=True)


def _cell(row: dict | None, url: str, language: str, statuses: dict) -> str:
    if row is None:
        return '<td class="lvzhi-cell lvzhi-no_data">—</td>'
    status = row["status"] or "no_data"
    grey = status in GREY
    colour = charts.STATUS_COLOURS.get(status, charts.STATUS_COLOURS["no_data"])
    text = "#212121" if grey or status == "amber" else "#ffffff"
    value = fmt.value(row["value"], row["unit"], language)
    title = f"{row['scope_name']} · {short_name(row, language)}：{statuses[status]}"
    return (f'<td class="lvzhi-cell lvzhi-{status}" style="background:{colour};color:{text}">'
            f'<a href="{escape(url)}" target="_self" title="{escape(title)}" style="color:{text}">'
            f'{value}<br><span class="lvzhi-n">n={fmt.count(row["denominator"] or 0)}</span></a></td>')


def _matrix(f: Filters, shown_ids: list[str]) -> None:
    """The matrix's HTML is made from kept results alone (its links from the filters and the language):
    kept per published version as they are (~5 ms a view for the region's 15 × 16 cells)."""
    html = db.derived(("matrix", f, tuple(shown_ids), lang()), lambda: _matrix_html(f, shown_ids))
    if html:
        st.markdown(html, unsafe_allow_html=True)


def _matrix_html(f: Filters, shown_ids: list[str]) -> str:
    catalogue = queries.catalogue()
    targeted = catalogue.filter(pl.col("target").is_not_null() & pl.col("indicator_id").is_in(shown_ids))
    order = [i for i in shown_ids if i in set(targeted["indicator_id"])]
    if not order:
        return ""
    by_county = bool(f.prefecture)
    rows = queries.county_matrix(f.prefecture, f.period_type, f.period_label, from_page=True) if by_county else \
        queries.matrix(f.period_type, f.period_label, prefecture=f.prefecture)
    if by_county and rows.filter(pl.col("scope_level") == "county").height == 0:
        by_county, rows = False, queries.matrix(f.period_type, f.period_label, prefecture=f.prefecture)
    if rows.height == 0:
        return ""
    rows = rows.filter(pl.col("indicator_id").is_in(order))
    if lang() == "en":
        english = dict(zip(*queries.prefectures().select("prefecture_code", "prefecture_name_en"), strict=True))
        english[queries.REGION_CODE] = t("region")
        rows = rows.with_columns(pl.col("scope_code").replace_strict(english, default=pl.col("scope_name")).alias("scope_name"))
    cells = {(r["scope_code"], r["indicator_id"]): r for r in rows.iter_rows(named=True)}
    scopes = rows.select("scope_level", "scope_code", "scope_name").unique(maintain_order=True)
    level_order = {"region": 0, "prefecture": 1, "county": 2}
    scopes = scopes.sort(pl.col("scope_level").replace_strict(level_order, return_dtype=pl.Int64), "scope_code")
    link, language, statuses = links.linker(), lang(), status_labels()
    names = {r["indicator_id"]: short_name(r, language) for r in catalogue.iter_rows(named=True)}
    head = "".join(f'<th class="lvzhi-col"><a href="{escape(link("overview", indicator=i) + "#ranking")}" '
                   f'target="_self">{escape(names[i])}</a></th>' for i in order)
    body = []
    for scope in scopes.iter_rows(named=True):
        level, code = scope["scope_level"], scope["scope_code"]
        if level == "county":
            target = {"county": code}
        elif level == "prefecture":
            target = {"prefecture": code, "county": None}
        else:
            target = {"prefecture": None, "county": None}
        misses = sum(1 for i in order if (cells.get((code, i)) or {}).get("status") in OFF_TARGET)
        chosen = " lvzhi-chosen" if code in (f.prefecture, f.county) or (level == "region" and not f.prefecture) else ""
        name = links.anchor(scope["scope_name"] or code, link("overview", **target))
        row_cells = "".join(_cell(cells.get((code, i)), link("overview", indicator=i, **target) + "#ranking",
                                  language, statuses) for i in order)
        badge = f'<span class="lvzhi-misses" title="{escape(t("misses", n=misses))}">{misses}</span>' if misses else ""
        body.append(f'<tr class="lvzhi-row{chosen}"><th class="lvzhi-rowhead">{name}{badge}</th>{row_cells}</tr>')
    caption = t("matrix_counties", name=f.prefecture_name) if by_county else t("matrix")
    legend = "".join(f'<span class="lvzhi-key" style="background:{charts.STATUS_COLOURS[s]}"></span>{escape(t(key))}'
                     for s, key in (("green", "legend_green"), ("amber", "legend_amber"), ("red", "legend_red"),
                                    ("insufficient", "legend_grey")))
    return (f'<div class="lvzhi-matrix-caption">{escape(caption)}</div><div class="lvzhi-legend">{legend}</div>'
            f'<div class="lvzhi-matrix-wrap"><table class="lvzhi-matrix"><thead><tr><th class="lvzhi-corner">'
            f'{escape(t("matrix_scope"))}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


def _chase(f: Filters) -> None:
    units = queries.units_to_chase(f.scope)
    st.markdown(f'<div class="lvzhi-matrix-caption">{escape(t("overdue_by_unit"))}</div>', unsafe_allow_html=True)
    if units.height == 0:
        st.caption(t("nothing_overdue"))
        return
    totals = (int(units["unit_overdue"].sum()), int(units["unit_due_soon"].sum()))
    lines = []
    link = links.linker()
    for row in units.head(CHASE_ROWS).iter_rows(named=True):
        unit = row["unit_name"]
        overdue = links.anchor(fmt.count(row["unit_overdue"]), link("records", state="overdue", unit=unit)) \
            if row["unit_overdue"] else "0"
        soon = links.anchor(fmt.count(row["unit_due_soon"]), link("records", state="due_soon", unit=unit)) \
            if row["unit_due_soon"] else "0"
        lines.append(f'<tr><td>{links.anchor(unit, link("records", state="open", unit=unit))}</td>'
                     f'<td>{escape(row["prefecture_name"] or "—")}</td><td class="lvzhi-num lvzhi-overdue">{overdue}</td>'
                     f'<td class="lvzhi-num">{soon}</td></tr>')
    all_overdue = links.anchor(fmt.count(totals[0]), links.href("records", state="overdue"))
    all_soon = links.anchor(fmt.count(totals[1]), links.href("records", state="due_soon"))
    st.markdown(
        f'<div class="lvzhi-matrix-wrap"><table class="lvzhi-chase"><thead><tr><th>{escape(t("by_unit_unit"))}</th>'
        f'<th>{escape(t("prefecture"))}</th><th>{escape(t("col_overdue"))}</th><th>{escape(t("col_due_soon"))}</th>'
        f'</tr></thead><tbody>{"".join(lines)}<tr class="lvzhi-total"><td>{escape(t("total_all_units", n=units.height))}'
        f'</td><td></td><td class="lvzhi-num">{all_overdue}</td><td class="lvzhi-num">{all_soon}</td></tr></tbody>'
        f'</table></div>', unsafe_allow_html=True)
    st.caption(t("overdue_by_unit_note"))
