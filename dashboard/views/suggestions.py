"""建议办理: the suggestion indicators, the lifecycle funnel, handling units, overdue and key-supervised lists.

Below the cards, one part of the page at a time (`section=` in the URL, so a link or the PDF print
shows the same; 全部 shows every part): building all 11 tables and 7 charts took ~50 ms a run, and
Streamlit builds what a tab or an expander hides too. A card's 排名 link opens the ranking part."""

import polars as pl
import streamlit as st

from dashboard import charts, links, queries, topics, ui
from dashboard.filters import Filters, current
from dashboard.i18n import lang, t
from lvzhi import format as fmt

UNIT_INDICATOR = "suggestion_on_time_reply_rate"
UNIT_CHART_BARS = 20


def chase(f: Filters) -> None:
    """The lists a leader acts on first: overdue, due soon, key supervised."""
    st.subheader(t("overdue_list"))
    st.caption(t("overdue_note"))
    overdue = queries.overdue(f.scope)  # longest overdue first
    ui.table(ui.top_rows(overdue, "overdue"), "overdue", f, whole=overdue)

    st.subheader(t("due_soon_list"))
    st.caption(t("due_soon_note"))
    due_soon = queries.due_soon(f.scope)  # closest to the deadline first
    ui.table(ui.top_rows(due_soon, "due_soon"), "due_soon", f,
             percent=("unit_on_time_rate_last_year",), whole=due_soon)

    st.subheader(t("key_supervised"))
    key = queries.key_supervised(f.scope)
    if key.height:
        key = key.with_columns(pl.col("state").replace_strict(
            {s: t(f"state_{s}") for s in ("replied", "overdue", "open")}))
    ui.table(ui.top_rows(key, "key_supervised"), "key_supervised", f, whole=key)
    st.caption(t("key_by_leader"))
    ui.table(queries.key_supervised_by_leader(f.scope), "key_by_leader", f)


def units(f: Filters) -> None:
    """The lifecycle funnel and the handling units: replies by unit and their on-time ranking."""
    left, right = st.columns(2)
    with left:
        stages = queries.funnel(f.scope)
        if stages and stages["submitted"]:
            labels = [t(f"stage_{s}") for s in stages]
            ui.plot(charts.funnel(list(zip(labels, stages.values(), strict=True)), t("funnel")), "funnel")
    with right:
        by_unit = queries.by_unit(f.scope)
        if by_unit.height:
            by_unit = by_unit.with_columns(
                (pl.col("on_time") / pl.when(pl.col("due_or_replied") > 0).then(pl.col("due_or_replied"))).alias(
                    "on_time_rate"))
            ui.plot(charts.rate_bars(by_unit.head(15), t("by_unit_chart"), "unit_name", "on_time_rate",
                                     "due_or_replied", target=1.0), "units")
            st.caption(t("by_unit_vs_card"))

    st.subheader(t("by_unit"))
    # Already most overdue first (queries.by_unit): the first rows are the ones to chase.
    ui.table(ui.top_rows(by_unit, "units"), "units", f, percent=("on_time_rate",), whole=by_unit)

    st.subheader(t("unit_ranking"))
    # Handling-unit rows of indicator_values come per year and per term: a quarter shows its year.
    unit_period = ("year", f.year) if f.period_type == "quarter" else (f.period_type, f.period_label)
    unit_rows = queries.unit_values(UNIT_INDICATOR, f.prefecture, *unit_period)
    if unit_rows.height:
        first = unit_rows.row(0, named=True)
        title = f"{t('unit_ranking')} · {unit_period[1]}"
        charted = unit_rows
        if unit_rows.height > UNIT_CHART_BARS:  # the region has ~1,300 units: a bar each would be 37,000 px tall
            charted = ui.lowest_ranked(unit_rows, UNIT_CHART_BARS)
            title += t("unit_ranking_lowest", n=charted.height)
        ui.plot(charts.ranking(charted, title, first["unit"], first["target"]), "unit_ranking")
        st.caption(t("unit_ranking_note"), help=ui.definition(first))
    ranked_units = ui.ranked_table(unit_rows)
    # By default the units with the lowest on-time rate (the rule's target is 100 %), as the chart above.
    shown_units = ui.top_rows(ranked_units, "unit_ranking",
                              first=lambda _: ui.ranked_table(unit_rows, worst_first=True))
    if shown_units.height:  # each unit leads to its suggestions not yet replied (建议明细); links for the rows shown
        link = links.linker()
        shown_units = shown_units.with_columns(pl.Series("link", [
            None if unit is None else link("records", state="open", unit=unit)
            for unit in shown_units["scope_name"]], dtype=pl.String))
    ui.table(shown_units, "unit_ranking", f, percent=("value",), link_columns=("link",), whole=ranked_units)


def replies(f: Filters) -> None:
    """Reply classes and satisfaction; the problems deputies raise most (topics)."""
    left, right = st.columns(2)
    classes = queries.reply_classes(f.scope)
    if classes.height:  # A/B/C/D with their meaning
        classes = classes.with_columns(pl.col("category").map_elements(lambda c: fmt.reply_class(c, lang()),
                                                                       return_dtype=pl.String))
    for column, rows, title, name in ((left, classes, t("reply_classes"), "reply_classes"),
                                      (right, queries.satisfaction(f.scope), t("satisfaction"), "satisfaction")):
        with column:
            if rows.height:
                ui.plot(charts.shares(rows, title), name)
                ui.table(rows, name, f)
    topics.panel(f)  # 代表反映集中的问题 and 相似建议 (issue 19)


f = current()
ui.page_header("page_suggestions", f)
shown = ui.family_cards(f, ("suggestions",), headings=False)

# Each label leads with a Material icon: Streamlit looks for a leading emoji in a label that is not
# ASCII, and the first look in a process compiles its emoji catalogue (~40 ms of a first view).
parts = {"chase": f":material/notifications_active: {t('part_chase')}",
         "units": f":material/apartment: {t('part_units')}", "replies": f":material/thumb_up: {t('part_replies')}",
         "ranking": f":material/leaderboard: {t('part_ranking')}", "all": f":material/select_all: {t('part_all')}"}
# A link naming an indicator (a card's ranking) or the topics (topics=1) opens the part that shows it.
opened = "ranking" if st.query_params.get("indicator") else "replies" if st.query_params.get(topics.URL_KEY) else "chase"
part = ui.url_choice("section", parts, opened, "suggestions_part", t("part_title"))
for name, draw in (("chase", chase), ("units", units), ("replies", replies),
                   ("ranking", lambda f: ui.ranking_and_trend(f, shown, key="suggestions_rank"))):
    if part in (name, "all"):
        draw(f)
st.caption(t("unknown_deputy_note"))
ui.definitions(("suggestions",), f)
