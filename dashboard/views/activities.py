"""闭会期间活动: group activity by quarter and deputy participation."""

import polars as pl
import streamlit as st

from dashboard import charts, queries, ui
from dashboard.filters import current
from dashboard.i18n import t

f = current()
ui.page_header("page_activities", f)
shown = ui.family_cards(f, ("activities",), headings=False)

st.subheader(t("activity_quarters"))
until = min(f.end, f.as_of) if f.as_of else f.end
quarters = queries.activity_quarters(f.prefecture, f.start, until)
if quarters.height:
    quarters = quarters.with_columns(
        (pl.col("groups_active") / pl.when(pl.col("groups") > 0).then(pl.col("groups"))).alias("share"))
    left, right = st.columns(2)
    with left:
        ui.plot(charts.rate_bars(quarters, t("activity_quarters"), "period_label", "share", "groups", target=1.0),
                "activity_quarters")
    with right:
        counts = quarters.unpivot(["activities_held", "deputies_active"], index="period_label",
                                  variable_name="measure", value_name="count").with_columns(
            pl.col("measure").replace_strict({"activities_held": t("activities_held"),
                                              "deputies_active": t("deputies_taking_part")}))
        ui.plot(charts.stacked(counts, t("deputies_taking_part"), "period_label", "measure", barmode="group"),
                "activity_counts")
st.caption(t("activity_quarters_note"))
ui.table(quarters, "activity_quarters", f, percent=("share",))

ui.ranking_and_trend(f, shown, key="activities_rank")
ui.definitions(("activities",), f)
