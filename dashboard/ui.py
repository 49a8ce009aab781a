"""What the pages share: the page header (as-of date, last submissions), KPI cards with their
definitions, ranking and trend charts, and tables with Excel and CSV downloads."""

from __future__ import annotations

import io
import time
from datetime import datetime

import polars as pl
import streamlit as st
import xlsxwriter

from dashboard import auth, charts, queries, safe_text
from dashboard.filters import Filters
from dashboard.i18n import family_label, label, lang, status_label, t
from lvzhi import sheets

BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", "insufficient": "gray", "no_data": "gray",
                 "none": "blue"}
NOT_LOCALIZED = {"row_number", "source_row_number"}
CARDS_PER_ROW = 4
FIRST_PAINT_PAUSE = 0.3  # seconds; see plot()


# ------------------------------------------------------------------ numbers


def format_value(value: float | None, unit: str | None) -> str:
    if value is None:
        return "—"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:,.1f} 天" if lang() == "zh" else f"{value:,.1f} days"
    if unit in ("persons", "score"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def format_delta(current: float | None, previous: float | None, unit: str | None) -> str | None:
    if current is None or previous is None:
        return None
    change = current - previous
    # Round before formatting and add 0.0, so a change too small to show reads +0.0, never -0.0.
    if unit == "rate":
        return f"{round(change * 100, 1) + 0.0:+.1f} {t('pp')}"
    if unit in ("days", "persons", "score"):
        return f"{round(change, 1) + 0.0:+,.1f}"
    return f"{round(change) + 0:+,.0f}"


def period_text(f: Filters) -> str:
    if f.term:
        return t("term_period", term=f.term)
    if lang() == "en":
        return f"{f.year} Q{f.quarter}" if f.quarter else f.year
    return f"{f.year}年第{f.quarter}季度" if f.quarter else f"{f.year}年"


# ------------------------------------------------------------------ page header


def page_header(title_key: str, f: Filters) -> None:
    """Title, the as-of date and the chosen period and scope, and when each prefecture last sent data."""
    st.title(t(title_key))
    st.caption(t("header_caption", as_of=f.as_of or "—", period=period_text(f), scope=safe_text.md(f.scope_name)))
    submissions = queries.freshness()
    if submissions.height == 0:
        return
    if f.prefecture:
        row = submissions.filter(pl.col("prefecture_code") == f.prefecture)
        last = row["last_submitted_on"][0] if row.height else None
        st.caption(t("last_submission", name=safe_text.md(f.prefecture_name), date=last or t("never_submitted")))
    else:
        missing = submissions.filter(pl.col("files_loaded") == 0)["prefecture_name"].to_list()
        if missing:
            st.caption(t("missing_submissions", names="、".join(map(safe_text.md, missing))))
    with st.expander(t("freshness_expander")):
        table(submissions.select("prefecture_name", "last_submitted_on", "last_loaded_at", "files_loaded",
                                 "rows_quarantined"), "submissions", f, downloads=False)


# ------------------------------------------------------------------ KPI cards


def definition(row: dict) -> str:
    """The catalogue's definition of an indicator, for the ⓘ tooltip beside a number."""
    target = row.get("target")
    target_text = format_value(target, row.get("unit")) if target is not None else t("no_target")
    numbers = ""
    if row.get("denominator") is not None:
        numbers = f"\n\n{row.get('numerator') or 0:,.6g} / {row['denominator']:,.0f}"
    return (f"**{t('formula')}**：{row['formula_zh']}\n\n**{t('target')}**：{target_text}\n\n"
            f"**{t('basis')}**：{row.get('basis') or '—'}{numbers}")


def indicator_name(row: dict) -> str:
    return row["name_en"] if lang() == "en" else row["name_zh"]


def card(row: dict, previous: dict | None) -> None:
    unit, status = row["unit"], row["status"]
    with st.container(border=True):
        st.metric(
            indicator_name(row), format_value(row["value"], unit),
            delta=format_delta(row["value"], (previous or {}).get("value"), unit),
            delta_color={"higher": "normal", "lower": "inverse"}.get(row["direction"], "off"),
            help=definition(row),
        )
        parts = [f":{BADGE_COLOURS.get(status, 'gray')}-badge[{status_label(status)}]"]
        if row["is_small_sample"] and status != "insufficient":
            parts.append(f":gray-badge[{t('small_sample')}]")
        parts.append(f"n = {row['denominator'] or 0:,.0f}")
        if row["target"] is not None:
            parts.append(f"{t('target')} {format_value(row['target'], unit)}")
        st.markdown(" · ".join(parts))


def cards(current: pl.DataFrame, previous: pl.DataFrame) -> None:
    before = {r["indicator_id"]: r for r in previous.iter_rows(named=True)}
    rows = list(current.iter_rows(named=True))
    for start in range(0, len(rows), CARDS_PER_ROW):
        columns = st.columns(CARDS_PER_ROW)
        for column, row in zip(columns, rows[start:start + CARDS_PER_ROW], strict=False):
            with column:
                card(row, before.get(row["indicator_id"]))


def _ordered_ids(families: tuple[str, ...]) -> list[str]:
    catalogue = queries.catalogue().filter(pl.col("family").is_in(families))
    return catalogue["indicator_id"].to_list()


def values_for(f: Filters, families: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """This period's and the previous period's rows of the families' indicators, in catalogue order."""
    rows = queries.indicator_values(f.scope_level, f.scope_code, f.period_type, (f.period_label, f.previous_label))
    if rows.height == 0:
        return rows, rows
    order = {indicator: number for number, indicator in enumerate(_ordered_ids(families))}
    rows = rows.filter(pl.col("indicator_id").is_in(list(order))).sort(
        pl.col("indicator_id").replace_strict(order, return_dtype=pl.Int64))
    return rows.filter(pl.col("period_label") == f.period_label), rows.filter(pl.col("period_label") == f.previous_label)


def family_cards(f: Filters, families: tuple[str, ...], headings: bool = True,
                 leave_out: tuple[str, ...] = ()) -> pl.DataFrame:
    """Cards per family; a family without values says so politely. Returns this period's rows."""
    current, previous = values_for(f, families)
    if leave_out and current.height:
        current = current.filter(~pl.col("indicator_id").is_in(leave_out))
    for family in families:
        mine = current.filter(pl.col("family") == family) if current.height else current
        if headings:
            st.subheader(family_label(family))
        if mine.filter(pl.col("value").is_not_null()).height == 0:
            st.info(t("family_no_data"), icon=":material/hourglass_empty:")
            continue
        cards(mine, previous.filter(pl.col("family") == family) if previous.height else previous)
    return current


# ------------------------------------------------------------------ charts


def plot(figure, key: str) -> None:
    """Draw a plotly figure. The browser loads plotly.js lazily and holds back everything that
    arrives with the first chart until it is loaded (~1.5 s in headless Chromium here), so on a
    session's first chart pause briefly: the numbers above are painted first."""
    if not st.session_state.get("_charts_loaded"):
        st.session_state["_charts_loaded"] = True
        time.sleep(FIRST_PAINT_PAUSE)
    st.plotly_chart(figure, key=key)


# ------------------------------------------------------------------ ranking and trend


def ranking_and_trend(f: Filters, indicators: pl.DataFrame, key: str, tiles: bool = False) -> None:
    """Pick one of the indicators shown; rank the prefectures on it and draw its quarterly trend
    (with `tiles`, first a tile per prefecture coloured by its status on the indicator)."""
    if indicators.height == 0:
        return
    names = {r["indicator_id"]: indicator_name(r) for r in indicators.iter_rows(named=True)}
    chosen = st.selectbox(t("ranking_indicator"), list(names), format_func=names.get, key=key)
    row = indicators.filter(pl.col("indicator_id") == chosen).row(0, named=True)
    rows = queries.ranking(chosen, f.period_type, f.period_label)
    if lang() == "en":
        rows = _english_scope_names(rows)
    if tiles:
        prefecture_tiles(rows, row["unit"], f.prefecture)
    left, right = st.columns([3, 2])
    with left:
        if rows.height:
            plot(charts.ranking(rows, f"{t('ranking')}：{names[chosen]}", row["unit"], row["target"], f.prefecture),
                 f"{key}_ranking")
        st.caption(t("ranking_note"), help=definition(row))
    with right:
        scopes = tuple(code for code in (queries.REGION_CODE, f.prefecture, f.county) if code)
        history = queries.trend(chosen, scopes, *f.trend_window)
        if lang() == "en":
            history = _english_scope_names(history)
        if history.height:
            plot(charts.trend(history, f"{t('trend')}：{names[chosen]}", row["unit"], row["target"]), f"{key}_trend")
    with st.expander(t("ranking_table")):
        table(_ranking_table(rows), f"ranking_{chosen}", f, percent=("value",) if row["unit"] == "rate" else ())


TILES_PER_ROW = 7
TILE_TEXT = {"amber": "#212121", "no_data": "#616161"}


def tile_html(name: str, value: float | None, n: float | None, unit: str | None, status: str | None,
              chosen: bool = False) -> str:
    """One prefecture tile: name, value and n on the status colour (the chosen one outlined)."""
    colour = charts.STATUS_COLOURS.get(status or "no_data", charts.STATUS_COLOURS["no_data"])
    text = TILE_TEXT.get(status or "no_data", "#ffffff")
    outline = "outline:3px solid #212121;" if chosen else ""
    return (f'<div class="lvzhi-tile" title="{status_label(status)}" style="background:{colour};color:{text};'
            f'{outline}border-radius:6px;padding:6px 4px;text-align:center;min-height:84px;font-size:0.8rem;'
            f'line-height:1.3;overflow:hidden"><b>{safe_text.html(name)}</b><br><span style="font-size:1.1rem">'
            f'{format_value(value, unit)}</span><br>n = {n or 0:,.0f}</div>')


def prefecture_tiles(rows: pl.DataFrame, unit: str | None, highlight: str = "") -> None:
    """A map-like grid of the 14 prefectures in code order, each coloured by its status: one HTML
    block (a CSS grid), not 14 elements in columns, so the browser lays out one element."""
    codes = queries.prefectures()
    column = "prefecture_name_en" if lang() == "en" else "prefecture_name"
    by_code = {r["scope_code"]: r for r in rows.iter_rows(named=True)} if rows.height else {}
    st.caption(t("tiles"))
    cells = []
    for code, name in zip(codes["prefecture_code"], codes[column], strict=True):
        row = by_code.get(code, {})
        cells.append(tile_html(name, row.get("value"), row.get("denominator"), unit, row.get("status"),
                               code == highlight))
    st.markdown(f'<div style="display:grid;grid-template-columns:repeat({TILES_PER_ROW},minmax(0,1fr));'
                f'gap:0.5rem;margin-bottom:1rem">{"".join(cells)}</div>', unsafe_allow_html=True)


def _ranking_table(rows: pl.DataFrame) -> pl.DataFrame:
    if rows.height == 0:
        return rows
    return rows.with_columns(pl.col("status").map_elements(status_label, return_dtype=pl.String).alias(
        "status_label")).select("scope_name", "value", "numerator", "denominator", "status_label").sort(
        "value", descending=True, nulls_last=True)


# Scopes with enough data first, then small samples, then those without a value.
_RANK_GROUP = pl.when(pl.col("value").is_null()).then(2).when(pl.col("is_small_sample")).then(1).otherwise(0)


def ranked_table(rows: pl.DataFrame) -> pl.DataFrame:
    """Scope, value, n and status, with a rank for the scopes with enough data only (best first);
    small samples and empty scopes follow, unranked."""
    if rows.height == 0:
        return rows
    best_first = rows["direction"][0] != "lower"
    rankable = pl.col("value").is_not_null() & ~pl.col("is_small_sample")
    ordered = rows.with_columns(_RANK_GROUP.alias("_group")).sort(["_group", "value"],
                                                                  descending=[False, best_first], nulls_last=True)
    rank = pl.when(rankable).then(pl.col("value").rank("min", descending=best_first).over(rankable))
    return ordered.with_columns(
        rank.cast(pl.Int64).alias("rank"),
        pl.col("status").map_elements(status_label, return_dtype=pl.String).alias("status_label"),
    ).select("rank", "scope_name", "value", "numerator", "denominator", "status_label")


def lowest_ranked(rows: pl.DataFrame, n: int) -> pl.DataFrame:
    """The n scopes that lag most, for a chart of a long ranking: scopes with enough data worst
    first, then small samples, then those without a value."""
    worst_first = rows["direction"][0] == "lower"
    return rows.with_columns(_RANK_GROUP.alias("_group")).sort(
        ["_group", "value"], descending=[False, worst_first], nulls_last=True).head(n).drop("_group")


def _english_scope_names(rows: pl.DataFrame) -> pl.DataFrame:
    if rows.height == 0:
        return rows
    english = dict(zip(*queries.prefectures().select("prefecture_code", "prefecture_name_en"), strict=True))
    english[queries.REGION_CODE] = t("region")
    return rows.with_columns(pl.col("scope_code").replace_strict(english, default=pl.col("scope_name"))
                             .alias("scope_name"))


def definitions(families: tuple[str, ...], f: Filters) -> None:
    with st.expander(t("definitions")):
        rows = queries.catalogue().filter(pl.col("family").is_in(families)).select(
            "name_zh", "name_en", "formula_zh", "target", "basis")
        table(rows, "definitions", f)


# ------------------------------------------------------------------ tables and downloads


def _prepare(df: pl.DataFrame, percent: tuple[str, ...]) -> pl.DataFrame:
    """Rates to percent with one decimal; whole-number decimals (DuckDB sums) to integers."""
    decimals = [c for c, dtype in df.schema.items() if isinstance(dtype, pl.Decimal)]
    df = df.with_columns(pl.col(c).cast(pl.Int64 if df.schema[c].scale == 0 else pl.Float64) for c in decimals)
    return df.with_columns((pl.col(c).cast(pl.Float64) * 100).round(1) for c in percent if c in df.columns)


def _headers(df: pl.DataFrame, percent: tuple[str, ...], language: str) -> dict[str, str]:
    return {c: label(c, language) + ("(%)" if c in percent and "%" not in label(c, language) else "")
            for c in df.columns}


def table(df: pl.DataFrame, name: str, f: Filters, percent: tuple[str, ...] = (), downloads: bool = True) -> None:
    """A table with headers in the interface language, and Excel/CSV downloads with Chinese headers."""
    if df.height == 0:
        st.caption(t("no_rows"))
        return
    shown = _prepare(df, percent)
    config = {}
    for column, dtype in shown.schema.items():
        if column in percent:
            config[label(column)] = st.column_config.NumberColumn(format="%.1f%%")
        elif dtype.is_integer() and column not in NOT_LOCALIZED:
            config[label(column)] = st.column_config.NumberColumn(format="localized")
        elif dtype == pl.Date:
            config[label(column)] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif dtype == pl.Datetime:
            config[label(column)] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
    st.dataframe(shown.rename(_headers(shown, percent, lang())), hide_index=True, column_config=config)
    if downloads:
        download_buttons(shown.rename(_headers(shown, percent, "zh")), name, f)


def download_buttons(df: pl.DataFrame, name: str, f: Filters) -> None:
    stem = f"{name}_{f.scope_code}_{f.period_label}_asof{f.as_of}"
    row = st.container(horizontal=True)
    row.download_button(t("download_excel"), lambda: to_excel(df, export_notes(f)), f"{stem}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/download:", key=f"xlsx_{name}",
                         on_click=auth.record_download, args=(f"{stem}.xlsx", df.height))
    row.download_button(t("download_csv"), lambda: to_csv(df), f"{stem}.csv", mime="text/csv",
                        icon=":material/download:", key=f"csv_{name}",
                        on_click=auth.record_download, args=(f"{stem}.csv", df.height))


def export_notes(f: Filters) -> pl.DataFrame:
    notes = {"统计日": str(f.as_of), "期间": f.period_label, "范围": f.prefecture_name or "全区",
             "数据版本": str(queries.publish_info().get("version", "")),
             "导出时间": datetime.now().isoformat(timespec="seconds")}
    return pl.DataFrame({"项目": list(notes), "内容": list(notes.values())})


def to_excel(df: pl.DataFrame, notes: pl.DataFrame | None = None) -> bytes:
    """The table on sheet 数据; the as-of date and scope on 说明; each prefecture's last file on 报送情况."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, sheets.XLSX_OPTIONS) as workbook:
        df.write_excel(workbook, worksheet="数据", autofit=True)
        if notes is not None:
            notes.write_excel(workbook, worksheet="说明", autofit=True)
            submissions = queries.freshness()
            if submissions.height:
                submissions = submissions.select("prefecture_name", "last_submitted_on", "last_loaded_at")
                submissions.rename({c: label(c, "zh") for c in submissions.columns}).write_excel(
                    workbook, worksheet="报送情况", autofit=True)
    return buffer.getvalue()


def to_csv(df: pl.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (Excel and WPS open the Chinese), formula-like text neutralised."""
    return sheets.csv_bytes(df)


# ------------------------------------------------------------------ whole pages


def family_page(title_key: str, families: tuple[str, ...], key: str) -> Filters:
    """A page for indicator families: cards, ranking and trend, definitions."""
    from dashboard.filters import current

    f = current()
    page_header(title_key, f)
    shown = family_cards(f, families, headings=len(families) > 1)
    ranking_and_trend(f, shown, key)
    definitions(families, f)
    return f
