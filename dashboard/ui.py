"""What the pages share: the page header (as-of date, last submissions), KPI cards with their
definitions, ranking and trend charts, and tables with Excel and CSV downloads."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import NamedTuple
from datetime import datetime
from html import escape

import polars as pl
import streamlit as st
import xlsxwriter

from dashboard import auth, charts, db, links, queries, safe_text
from dashboard.filters import MISSING_YEAR, Filters
from dashboard.i18n import family_label, label, lang, status_label, status_labels, t
from lvzhi import format as fmt
from lvzhi import sheets

# Badge colours follow the status bands; an indicator without target (`none`) is neutral (gray).
BADGE_COLOURS = {"green": "green", "amber": "orange", "red": "red", "insufficient": "gray", "no_data": "gray",
                 "none": "gray"}
NOT_LOCALIZED = {"row_number", "source_row_number"}
CARDS_PER_ROW = 4
FLOW_CARDS_PER_ROW = 5
FIRST_PAINT_PAUSE = 0.3  # seconds; see plot()


# ------------------------------------------------------------------ numbers


def format_value(value: float | None, unit: str | None) -> str:
    """One formatter for the whole dashboard (lvzhi.format): rates 93.2%, days 365 天, scores 36.9, counts 1,320."""
    return fmt.value(value, unit, lang())


def format_delta(current: float | None, previous: float | None, unit: str | None) -> str | None:
    """The change since the previous period; None (no arrow, no colour) when it rounds to zero."""
    return fmt.delta(current, previous, unit, lang())


def period_text(f: Filters) -> str:
    if f.term:
        from dashboard.filters import congress_label

        return t("term_period", term=congress_label(f.term))
    if lang() == "en":
        return f"{f.year} Q{f.quarter}" if f.quarter else f.year
    return f"{f.year}年第{f.quarter}季度" if f.quarter else f"{f.year}年"


# ------------------------------------------------------------------ page header


def page_header(title_key: str, f: Filters) -> None:
    """Title, the as-of date and the chosen period and scope, and when each prefecture last sent data."""
    st.title(t(title_key))
    st.caption(t("header_caption", as_of=f.as_of or "—", period=period_text(f), scope=safe_text.md(f.scope_name)))
    pdf_button(title_key, f)
    missing = st.session_state.get(MISSING_YEAR)
    if missing:
        asked, nearest = missing
        offer = links.anchor(t("year_offer", year=nearest), links.href(links.current_page(), year=nearest)) \
            if nearest else ""
        st.markdown(f'<div class="lvzhi-notice">{t("year_missing", year=asked, shown=f.year)} {offer}</div>',
                    unsafe_allow_html=True)
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


def pdf_button(title_key: str, f: Filters) -> None:
    """导出 PDF: the server prints this view (dashboard/pdf.py); then a download button for it."""
    from dashboard import context, pdf
    from access import sessions

    login = auth.current()
    if login is None:
        return
    row = st.container(horizontal=True, key="pdf_row")
    wanted = row.button(t("export_pdf"), icon=":material/picture_as_pdf:", key="pdf_make", help=t("pdf_help"))
    ready = st.session_state.get("_pdf")
    url = str(st.context.url or "")
    if wanted:
        public = {k: v for k, v in login.items() if k != "token_hash"}
        token = sessions.start(context.home(), public)
        try:
            with st.spinner(t("export_pdf")):
                data = pdf.render(pdf.local_url(url, int(st.get_option("server.port"))), token, auth.COOKIE)
            ready = {"url": url, "data": data}
            st.session_state["_pdf"] = ready
        except (pdf.PdfError, OSError, Exception) as error:  # noqa: B014 - a print must never break the page
            st.error(t("pdf_failed", error=error), icon=":material/error:")
        finally:
            sessions.end(context.home(), sessions.token_hash(token), "pdf")
    if ready and ready["url"] == url:
        name = f"{t(title_key)}_{f.scope_name}_{f.period_label}_统计日{f.as_of}.pdf".replace(" ", "")
        row.download_button(t("pdf_ready"), ready["data"], name, mime="application/pdf", icon=":material/download:",
                            key="pdf_download", on_click=auth.record_download, args=(name, 1))


def url_choice(param: str, labels: dict[str, str], default: str, key: str, title: str) -> str:
    """A segmented control whose choice lives in the URL (`param`), so a link, a reload or the PDF
    print shows the same view; a value the page does not know gives `default`."""
    wanted = st.query_params.get(param, default)
    seen = f"_{key}_seen"
    if st.session_state.get(seen) != wanted or key not in st.session_state:  # a link says what to show
        st.session_state[key] = wanted if wanted in labels else default
    chosen = st.segmented_control(title, list(labels), format_func=labels.get, key=key) or default
    if chosen != wanted:
        st.query_params[param] = chosen
    st.session_state[seen] = chosen
    return chosen


# ------------------------------------------------------------------ KPI cards


def bands(row: dict) -> str:
    """The status bands of an indicator in words, from its target and the catalogue's amber_at:
    达标 only when the target itself is met; none without a target."""
    target, amber, unit = row.get("target"), row.get("amber_at"), row.get("unit")
    if target is None:
        return t("bands_none")
    show = lambda v: format_value(v, unit)  # noqa: E731
    if row.get("direction") == "lower":
        met, near, below = f"≤ {show(target)}", "", f"> {show(amber if amber is not None else target)}"
        if amber is not None and amber > target:
            near = f"> {show(target)} 且 ≤ {show(amber)}" if lang() == "zh" else f"> {show(target)} and ≤ {show(amber)}"
    else:
        met, near, below = f"≥ {show(target)}", "", f"< {show(amber if amber is not None else target)}"
        if amber is not None and amber < target:
            near = f"{show(amber)} – {show(target)}" + ("（不含）" if lang() == "zh" else " (excl.)")
    parts = [f"{status_label('green')} {met}"]
    if near:
        parts.append(f"{status_label('amber')} {near}")
    parts.append(f"{status_label('red')} {below}")
    return "；".join(parts) if lang() == "zh" else "; ".join(parts)


def definition(row: dict) -> str:
    """The catalogue's definition of an indicator, for the ⓘ tooltip beside a number: formula,
    target, the status bands, the rule it comes from and this value's numerator / n."""
    target = row.get("target")
    target_text = format_value(target, row.get("unit")) if target is not None else t("no_target")
    numbers = ""
    if row.get("denominator") is not None:
        numbers = f"\n\n{t('numbers')}：{fmt.score(row.get('numerator') or 0) if row.get('unit') in ('persons', 'score') else fmt.count(row.get('numerator') or 0)} / {fmt.count(row['denominator'])}"
    return (f"**{t('formula')}**：{row['formula_zh']}\n\n**{t('target')}**：{target_text}\n\n"
            f"**{t('bands')}**：{bands(row)}\n\n**{t('basis')}**：{row.get('basis') or '—'}{numbers}")


def indicator_name(row: dict) -> str:
    return row["name_en"] if lang() == "en" else row["name_zh"]


# Where a card leads: the overdue count to its records, every other indicator to its ranking.
CARD_LINKS = {"suggestion_overdue_count": ("records", {"state": "overdue"}),
              "suggestion_due_soon_count": ("records", {"state": "due_soon"})}


def card_link(row: dict, link: Callable[..., str]) -> str:
    """`link`: links.linker() of the view."""
    page, params = CARD_LINKS.get(row["indicator_id"], (None, None))
    if page:
        return links.anchor(t("card_records"), link(page, **params), title=t("card_records_help"))
    return links.anchor(t("card_ranking"), link(links.current_page(), indicator=row["indicator_id"]) + "#ranking",
                        title=t("card_ranking_help"))


class CardText(NamedTuple):
    """What a card shows, written out (`card_text`)."""

    indicator_id: str
    name: str
    value: str
    delta: str | None
    delta_color: str
    delta_description: str | None
    help: str
    spark: list[float] | None
    badges: str
    link: str


def card_text(row: dict, previous: dict | None, spark: list[float] | None, tag_family: bool,
              link: Callable[..., str]) -> CardText:
    """A KPI card's texts: value, change against the previous period (none when zero), a quarterly
    sparkline, the status badge named for what it is (达标 only when the target is met), n,
    target, and a link to the next level."""
    unit, status = row["unit"], row["status"]
    delta = format_delta(row["value"], (previous or {}).get("value"), unit)
    parts = [f":{BADGE_COLOURS.get(status, 'gray')}-badge[{status_label(status)}]"]
    if row["is_small_sample"] and status != "insufficient":
        parts.append(f":gray-badge[{t('small_sample')}]")
    # A count's n is what it is counted among (e.g. overdue 2 of n = 8 assigned): say so.
    n_label = t("n_count") if unit == "count" else "n"
    parts.append(f"{n_label} = {fmt.count(row['denominator'] or 0)}")
    if row["target"] is not None:
        parts.append(f"{t('target')} {format_value(row['target'], unit)}")
    if tag_family:
        parts.append(family_label(row["family"]))
    return CardText(
        row["indicator_id"], indicator_name(row), format_value(row["value"], unit), delta,
        {"higher": "normal", "lower": "inverse"}.get(row["direction"], "off"), t("previous") if delta else None,
        definition(row), spark if spark and len(spark) > 1 else None, " · ".join(parts),
        f'<div class="lvzhi-card-link">{card_link(row, link)}</div>')


def card(text: CardText) -> None:
    with st.container(border=True, key=f"card_{text.indicator_id}"):
        st.metric(text.name, text.value, delta=text.delta, delta_color=text.delta_color,
                  delta_description=text.delta_description, help=text.help, chart_data=text.spark, chart_type="line")
        st.markdown(text.badges)
        st.markdown(text.link, unsafe_allow_html=True)


def cards(current: pl.DataFrame, previous: pl.DataFrame, sparks: dict[str, list[float]] | None = None,
          per_row: int = CARDS_PER_ROW, tag_family: bool = False, key: tuple | None = None) -> None:
    """`key`: what the cards' texts are made from, when that is kept results alone (family_cards):
    they are then written once per version and view and kept (db.derived; ~0.15 ms a card)."""
    def texts() -> list[CardText]:
        before = {r["indicator_id"]: r for r in previous.iter_rows(named=True)} if previous.height else {}
        link = links.linker()
        return [card_text(row, before.get(row["indicator_id"]), (sparks or {}).get(row["indicator_id"]), tag_family,
                          link) for row in current.iter_rows(named=True)]

    made = db.derived(("cards", *key, lang(), links.current_page()), texts) if key else texts()
    for start in range(0, len(made), per_row):
        columns = st.columns(per_row)
        for column, text in zip(columns, made[start:start + per_row], strict=False):
            with column:
                card(text)


def _ordered_ids(families: tuple[str, ...]) -> list[str]:
    catalogue = queries.catalogue().filter(pl.col("family").is_in(families))
    return catalogue["indicator_id"].to_list()


def values_for(f: Filters, families: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """This period's and the previous period's rows of the families' indicators, in catalogue order."""
    return db.derived(("values_for", f, families), lambda: _values_for(f, families))


def _values_for(f: Filters, families: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = queries.indicator_values(f.scope_level, f.scope_code, f.period_type, (f.period_label, f.previous_label),
                                    prefecture=f.prefecture)
    if rows.height == 0:
        return rows, rows
    order = {indicator: number for number, indicator in enumerate(_ordered_ids(families))}
    rows = rows.filter(pl.col("indicator_id").is_in(list(order))).sort(
        pl.col("indicator_id").replace_strict(order, return_dtype=pl.Int64))
    return rows.filter(pl.col("period_label") == f.period_label), rows.filter(pl.col("period_label") == f.previous_label)


def family_cards(f: Filters, families: tuple[str, ...], headings: bool = True,
                 leave_out: tuple[str, ...] = (), flow: bool = False) -> pl.DataFrame:
    """Cards per family; a family without values says so politely. Returns this period's rows.
    With `flow`, one grid of every family's cards (each card names its family): the overview on
    one screen and two printed pages instead of a row per family."""
    current, previous = values_for(f, families)
    sparks = sparklines(f)
    if leave_out and current.height:
        current = current.filter(~pl.col("indicator_id").is_in(leave_out))
    if flow:
        if headings:
            st.subheader(t("all_indicators"))
        with_values = current.filter(pl.col("value").is_not_null()) if current.height else current
        empty = [family_label(x) for x in families if x not in set(with_values["family"].to_list())] \
            if current.height else [family_label(x) for x in families]
        if with_values.height:
            cards(current.filter(pl.col("family").is_in(with_values["family"].unique().to_list())), previous, sparks,
                  per_row=FLOW_CARDS_PER_ROW, tag_family=True, key=(f, families, leave_out))
        if empty:
            st.caption(t("families_no_data", names="、".join(empty)))
        return current
    for family in families:
        mine = current.filter(pl.col("family") == family) if current.height else current
        if headings:
            st.subheader(family_label(family))
        if mine.filter(pl.col("value").is_not_null()).height == 0:
            st.info(t("family_no_data"), icon=":material/hourglass_empty:")
            continue
        cards(mine, previous.filter(pl.col("family") == family) if previous.height else previous, sparks,
              key=(f, families, leave_out, family))
    return current


def sparklines(f: Filters) -> dict[str, list[float]]:
    """Per indicator, the scope's quarterly values over the trend window (cohorts not yet due
    left out, so a sparkline shows no cliff), for the cards."""
    return db.derived(("sparklines", f), lambda: _sparklines(f))


def _sparklines(f: Filters) -> dict[str, list[float]]:
    rows = queries.sparklines(f.scope_level, f.scope_code, *f.trend_window, scopes=f.trend_scopes)
    if rows.height == 0:
        return {}
    if f.as_of:
        rows = rows.filter(~not_yet_due(rows, f.as_of))
    rows = rows.filter(pl.col("value").is_not_null())
    return {key: [v * charts.scale(u) for v, u in zip(part["value"], part["unit"], strict=True)]
            for (key,), part in rows.group_by("indicator_id", maintain_order=True)}


def not_yet_due(rows: pl.DataFrame, as_of) -> pl.Series:
    """Rows of suggestion or motion cohorts (selected by assignment) some of whose members are not
    due yet: the period ends less than the reply time (3 months) before the as-of date. Their
    rates are still rising; charts mark them 未到期 instead of drawing a cliff."""
    from datetime import timedelta

    cohort = pl.col("indicator_id").str.starts_with("suggestion_") | (pl.col("indicator_id") == "motion_completion_rate")
    cut = as_of - timedelta(days=92)
    return rows.select((cohort & (pl.col("period_end") > pl.lit(cut))).alias("x"))["x"]


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


def ranking_scope(f: Filters, indicator_id: str) -> tuple[str, pl.DataFrame]:
    """What to rank: the prefectures for the region; a prefecture's counties where the indicator
    has county values (a prefecture user sees their counties ranked, not a ranking of one bar)."""
    if f.prefecture and not f.county:
        counties = queries.county_ranking(indicator_id, f.prefecture, f.period_type, f.period_label, from_page=True)
        if counties.height > 1:
            return "county", counties
    return "prefecture", queries.ranking(indicator_id, f.period_type, f.period_label, prefecture=f.prefecture)


def ranking_and_trend(f: Filters, indicators: pl.DataFrame, key: str, tiles: bool = False) -> None:
    """Pick one of the indicators shown; rank the prefectures (or a prefecture's counties) on it
    and draw its quarterly trend (with `tiles`, first a tile per scope coloured by its status).
    Every tile, bar and table row leads to that scope's view; the choice lives in the URL."""
    if indicators.height == 0:
        return
    with st.container(key="lvzhi_ranking"):  # left out of print and PDF (charts and widgets)
        _ranking_and_trend(f, indicators, key, tiles)


def _ranking_and_trend(f: Filters, indicators: pl.DataFrame, key: str, tiles: bool) -> None:
    names = {r["indicator_id"]: indicator_name(r) for r in indicators.iter_rows(named=True)}
    wanted = st.query_params.get("indicator")
    seen = st.session_state.setdefault("_indicator_seen", {})
    if wanted in names and (key not in st.session_state or seen.get(key) != wanted):
        st.session_state[key] = wanted
    st.markdown('<div id="ranking"></div>', unsafe_allow_html=True)
    chosen = st.selectbox(t("ranking_indicator"), list(names), format_func=names.get, key=key)
    seen[key] = chosen
    if st.query_params.get("indicator") != chosen and (wanted or chosen != next(iter(names))):
        st.query_params["indicator"] = chosen
        seen[key] = chosen
    row = indicators.filter(pl.col("indicator_id") == chosen).row(0, named=True)
    level, rows, ranked, history, pending = db.derived(("ranking_and_trend", f, chosen, lang()),
                                                       lambda: _ranking_and_trend_rows(f, chosen))
    if tiles:
        scope_tiles(f, rows, row["unit"], level)
    title = t("ranking") if level == "prefecture" else t("county_ranking", name=f.prefecture_name)
    left, right = st.columns([3, 2])
    with left:
        if level == "prefecture" and auth.allowed_prefectures() is not None:
            # A prefecture user sees only their own prefecture: a "ranking" of one bar says nothing.
            st.info(t("no_county_ranking", name=f.prefecture_name), icon=":material/info:")
        elif rows.height:
            chart_key = f"{key}_ranking"
            event = st.plotly_chart(
                charts.ranking(rows, f"{title}：{names[chosen]}", row["unit"], row["target"],
                               f.county or f.prefecture), key=chart_key, on_select="rerun", selection_mode="points",
                config={"displaylogo": False})
            _follow_bar(event, level)
        st.caption(t("ranking_note") + " " + t("ranking_click"), help=definition(row))
    with right:
        if history.height:
            plot(charts.trend(history, f"{t('trend')}：{names[chosen]}", row["unit"], row["target"], pending,
                              t("not_due")), f"{key}_trend")
            if pending:
                st.caption(t("not_due_note", quarters="、".join(sorted(pending))))
    if rows.height:
        link_column = "link"
        link, page = links.linker(), links.current_page()
        shown = ranked.with_columns(pl.Series(link_column, [
            link(page, **({"county": code} if level == "county" else {"prefecture": code}), indicator=chosen)
            for code in ranked["scope_code"]], dtype=pl.String)).drop("scope_code")
        with st.expander(t("ranking_table")):
            table(shown, f"ranking_{chosen}", f, percent=("value",) if row["unit"] == "rate" else (),
                  link_columns=(link_column,))


def _ranking_and_trend_rows(f: Filters, chosen: str) -> tuple:
    """The scopes ranked on an indicator (rows and table), its quarterly history and the quarters not
    yet due: made from kept rows alone, so kept per version as they are (db.derived)."""
    level, rows = ranking_scope(f, chosen)
    history = queries.trend(chosen, f.trend_scopes, *f.trend_window, from_page=True)
    if lang() == "en":
        rows, history = _english_scope_names(rows), _english_scope_names(history)
    pending = frozenset(history.filter(not_yet_due(history, f.as_of))["period_label"]) \
        if history.height and f.as_of else frozenset()
    return level, rows, _ranking_table(rows), history, pending


def _follow_bar(event, level: str) -> None:
    """A click on a ranking bar opens that prefecture's (county's) view."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", []) or []
    if not points:
        return
    custom = points[0].get("customdata")
    code = custom[1] if isinstance(custom, list | tuple) and len(custom) > 1 else None
    if code:
        links.go(links.current_page(), **({"county": code} if level == "county" else {"prefecture": code}),
                 indicator=st.query_params.get("indicator"))


TILES_PER_ROW = 7
TILE_TEXT = {"amber": "#212121", "no_data": "#616161", "none": "#212121", "insufficient": "#212121"}


def tile_html(name: str, value: float | None, n: float | None, unit: str | None, status: str | None,
              chosen: bool = False, url: str = "", statuses: dict | None = None) -> str:
    """One tile: name, value and n on the status colour (the chosen one outlined), a link to its view."""
    colour = charts.STATUS_COLOURS.get(status or "no_data", charts.STATUS_COLOURS["no_data"])
    text = TILE_TEXT.get(status or "no_data", "#ffffff")
    css = "lvzhi-tile lvzhi-chosen" if chosen else "lvzhi-tile"
    body = (f'<b>{safe_text.html(name)}</b><br><span class="lvzhi-tile-value">{format_value(value, unit)}</span>'
            f'<br>n = {fmt.count(n or 0)}')
    style = f'background:{colour};color:{text}'
    title = f"{name}：{statuses[status] if statuses else status_label(status)}"
    if url:
        return (f'<a class="{css}" href="{escape(url)}" target="_self" title="{escape(title)}" '
                f'style="{style}">{body}</a>')
    return f'<div class="{css}" title="{escape(title)}" style="{style}">{body}</div>'


def scope_tiles(f: Filters, rows: pl.DataFrame, unit: str | None, level: str) -> None:
    """A map-like grid, one tile per prefecture in code order (or per county of the chosen
    prefecture), each coloured by its status: one HTML block (a CSS grid) that wraps on a phone."""
    by_code = {r["scope_code"]: r for r in rows.iter_rows(named=True)} if rows.height else {}
    indicator = st.query_params.get("indicator")
    if level == "county":
        scopes = [(r["scope_code"], r["scope_name"]) for r in rows.iter_rows(named=True)]
        st.caption(t("tiles_counties", name=f.prefecture_name))
    else:
        codes = queries.prefectures()
        column = "prefecture_name_en" if lang() == "en" else "prefecture_name"
        scopes = list(zip(codes["prefecture_code"], codes[column], strict=True))
        st.caption(t("tiles"))
    cells = []
    link, page, statuses = links.linker(), links.current_page(), status_labels()
    for code, name in scopes:
        row = by_code.get(code, {})
        params = {"county": code} if level == "county" else {"prefecture": code, "county": None}
        url = link(page, indicator=indicator, **params)
        cells.append(tile_html(name, row.get("value"), row.get("denominator"), unit, row.get("status"),
                               code in (f.prefecture, f.county), url, statuses))
    st.markdown(f'<div class="lvzhi-tiles">{"".join(cells)}</div>', unsafe_allow_html=True)


def prefecture_tiles(rows: pl.DataFrame, unit: str | None, highlight: str = "") -> None:
    """The prefecture tiles (kept for callers of the first generation)."""
    from dashboard.filters import current

    scope_tiles(current(), rows, unit, "prefecture")


def _ranking_table(rows: pl.DataFrame) -> pl.DataFrame:
    if rows.height == 0:
        return rows
    return rows.with_columns(_status_label_column()).select("scope_code", "scope_name", "value", "numerator", "denominator", "status_label").sort(
        "value", descending=True, nulls_last=True)


def _status_label_column() -> pl.Expr:
    labels = status_labels()
    return pl.col("status").replace_strict({k: v for k, v in labels.items() if k is not None},
                                           default=labels[None], return_dtype=pl.String).alias("status_label")


# Scopes with enough data first, then small samples, then those without a value.
_RANK_GROUP = pl.when(pl.col("value").is_null()).then(2).when(pl.col("is_small_sample")).then(1).otherwise(0)


def ranked_table(rows: pl.DataFrame, worst_first: bool = False) -> pl.DataFrame:
    """Scope, value, n and status, with a rank for the scopes with enough data only (best first);
    small samples and empty scopes follow, unranked. `worst_first`: the same rows and ranks in
    lowest_ranked's order (those that lag most first)."""
    if rows.height == 0:
        return rows
    best_first = rows["direction"][0] != "lower"
    rankable = pl.col("value").is_not_null() & ~pl.col("is_small_sample")
    ordered = rows.with_columns(_RANK_GROUP.alias("_group")).sort(
        ["_group", "value"], descending=[False, best_first != worst_first], nulls_last=True, maintain_order=True)
    rank = pl.when(rankable).then(pl.col("value").rank("min", descending=best_first).over(rankable))
    return ordered.with_columns(
        rank.cast(pl.Int64).alias("rank"),
        _status_label_column(),
    ).select("rank", "scope_name", "value", "numerator", "denominator", "status_label")


def lowest_ranked(rows: pl.DataFrame, n: int) -> pl.DataFrame:
    """The n scopes that lag most, for a chart of a long ranking: scopes with enough data worst
    first, then small samples, then those without a value."""
    worst_first = rows["direction"][0] == "lower"
    return rows.with_columns(_RANK_GROUP.alias("_group")).sort(
        ["_group", "value"], descending=[False, worst_first], nulls_last=True, maintain_order=True).head(n).drop("_group")


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


def _prepare(df: pl.DataFrame, percent: tuple[str, ...], language: str | None = None) -> pl.DataFrame:
    """As people read it (lvzhi.format.tidy): rates in percent, 是/否, codes labelled, whole years and days.

    Instants (loaded_at …) are written per distinct value here, then tidy leaves them as they are:
    tidy formats them row by row, ~5 ms for the 4,900 quarantined rows of a region that share a
    few dozen load times."""
    language = language or lang()
    instants = [name for name, dtype in df.schema.items() if name in fmt.TIME_COLUMNS and name not in percent
                and (dtype == pl.String or isinstance(dtype, pl.Datetime))]
    if not instants or df.height < 50:
        return fmt.tidy(df, percent, language)
    others = fmt.tidy(df.drop(instants), percent, language)
    written = {}
    for name in instants:
        distinct = df[name].unique().drop_nulls().to_list()
        texts = {moment: fmt.local_time(moment, language, suffix=False) for moment in distinct}
        written[name] = df[name].replace_strict(texts, default=None, return_dtype=pl.String)  # null stays null
    return pl.DataFrame([written[name] if name in written else others[name] for name in df.columns])


def _headers(df: pl.DataFrame, percent: tuple[str, ...], language: str) -> dict[str, str]:
    return {c: label(c, language) + ("(%)" if c in percent and "%" not in label(c, language) else "")
            for c in df.columns}


def table(df: pl.DataFrame, name: str, f: Filters, percent: tuple[str, ...] = (), downloads: bool = True,
          link_columns: tuple[str, ...] = (), whole: pl.DataFrame | None = None) -> None:
    """A table with headers in the interface language, and Excel/CSV downloads with Chinese headers.
    `link_columns` hold relative links (dashboard.links): shown as 查看 → in the table, left out of downloads.
    `whole`: the rows the downloads hold when the table shows only some of them (see `top_rows`)."""
    if df.height == 0:
        st.caption(t("no_rows"))
        return
    language = lang()
    shown = _prepare(df, percent, language)
    config = {}
    for column, dtype in shown.schema.items():
        if column in link_columns:
            config[label(column)] = st.column_config.LinkColumn(display_text=t("open_link"))
        elif column in percent:
            config[label(column)] = st.column_config.NumberColumn(format="%.1f%%")
        elif column in fmt.YEAR_COLUMNS or column in fmt.DAY_COLUMNS or column in NOT_LOCALIZED:
            config[label(column)] = st.column_config.NumberColumn(format="%d")
        elif column in fmt.SCORE_COLUMNS:
            config[label(column)] = st.column_config.NumberColumn(format="%.1f")
        elif dtype.is_integer():
            config[label(column)] = st.column_config.NumberColumn(format="localized")
        elif dtype == pl.Date:
            config[label(column)] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif dtype == pl.Datetime:
            config[label(column)] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
    # As an Arrow table: st.dataframe would convert a polars frame through pandas (~2 ms a table).
    st.dataframe(shown.rename(_headers(shown, percent, language)).to_arrow(), hide_index=True,
                 column_config=config, placeholder="—")  # an empty cell, never "None"
    if downloads:
        rows = df if whole is None else whole
        plain = rows.drop(link_columns, strict=False) if link_columns else rows
        headers = _headers(plain, percent, "zh")
        if whole is None and language == "zh":  # the download is in Chinese: the table just prepared
            download_buttons(shown.drop(link_columns), name, f, headers)
        else:  # prepared only when one is clicked (4,000 stations: ~3 ms a run)
            download_buttons(plain, name, f, headers, prepare=lambda: _prepare(plain, percent, "zh"))


TOP_ROWS = 50  # rows a long table shows until its "show all" toggle is on


def top_rows(rows: pl.DataFrame, name: str, what: str | None = None,
             first: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> pl.DataFrame:
    """What a long table shows (the region's 1,300 handling units, 4,000 stations): the TOP_ROWS
    rows a leader acts on first, a caption saying which and how many in all (i18n `top_<what>`,
    `what` defaulting to the table's `name`, then `top_rows_tail`), and a toggle showing every row
    in the table's own order (`show_all_<what>`); the downloads hold every row (table's `whole`).
    `first` puts the rows in the order a leader acts on them, made only for a long table (None:
    the table's own order is that order). A table of TOP_ROWS rows or fewer is shown whole.
    Sending 1,300 rows and their links to the browser cost ~10 ms a run."""
    if rows.height <= TOP_ROWS:
        return rows
    what = what or name
    total = fmt.count(rows.height)
    if st.toggle(t(f"show_all_{what}", total=total), key=f"show_all_{name}"):
        return rows
    st.caption(t(f"top_{what}", n=TOP_ROWS, total=total) + t("top_rows_tail"))
    return (first(rows) if first else rows).head(TOP_ROWS)


def download_buttons(df: pl.DataFrame, name: str, f: Filters, headers: dict[str, str] | None = None,
                     prepare: Callable[[], pl.DataFrame] | None = None) -> None:
    """Excel and CSV of `df` (its columns renamed to `headers`), made only when one is clicked
    (`prepare` makes the rows to write from `df` then)."""
    def ready() -> pl.DataFrame:
        rows = prepare() if prepare else df
        return rows.rename(headers) if headers else rows

    stem = f"{name}_{f.scope_code}_{f.period_label}_asof{f.as_of}"
    row = st.container(horizontal=True)
    row.download_button(t("download_excel"), lambda: to_excel(ready(), export_notes(f)), f"{stem}.xlsx",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         icon=":material/download:", key=f"xlsx_{name}",
                         on_click=auth.record_download, args=(f"{stem}.xlsx", df.height))
    row.download_button(t("download_csv"), lambda: to_csv(ready()), f"{stem}.csv", mime="text/csv",
                        icon=":material/download:", key=f"csv_{name}",
                        on_click=auth.record_download, args=(f"{stem}.csv", df.height))


def export_notes(f: Filters) -> pl.DataFrame:
    notes = {"统计日": str(f.as_of), "期间": f.period_label, "范围": f.prefecture_name or "全区",
             "数据版本": str(queries.publish_info().get("version", "")),
             "导出时间": fmt.local_time(datetime.now().astimezone())}
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
                submissions = fmt.tidy(submissions.select("prefecture_name", "last_submitted_on", "last_loaded_at"))
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
