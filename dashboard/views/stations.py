"""家室站: stations meeting the ten standards (十有) per flag, receptions, opinions resolved."""

import polars as pl
import streamlit as st

from dashboard import charts, queries, ui
from dashboard.filters import current
from dashboard.i18n import t

f = current()
ui.page_header("page_stations", f)
shown = ui.family_cards(f, ("stations",), headings=False)

left, right = st.columns(2)
with left:
    st.subheader(t("station_flags"))
    flags = queries.station_flags(f.prefecture, f.county, min(f.end, f.as_of) if f.as_of else f.end)
    if flags.height and flags["stations"][0]:
        flags = flags.with_columns(pl.col("flag").map_elements(lambda flag: t(f"flag_{flag}"),
                                                               return_dtype=pl.String).alias("flag_label"))
        ui.plot(charts.rate_bars(flags, t("station_flags"), "flag_label", "share", "stations", target=1.0),
                "station_flags")
        ui.table(flags.select("flag_label", "stations_with", "stations", "share"), "station_flags", f,
                 percent=("share",))
    else:
        st.caption(t("no_rows"))
with right:
    st.subheader(t("receptions"))
    visits = queries.receptions(f.scope)
    # By default the stations resolving the smallest share of the opinions they collected (意见办结率),
    # the larger backlog first at equal shares; stations that collected none last.
    def lowest_share_first(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.sort(["resolved_share", "opinions_collected", "station_id"], descending=[False, True, False],
                         nulls_last=True)

    ui.table(ui.top_rows(visits, "receptions", "stations", first=lowest_share_first), "receptions", f,
             percent=("resolved_share",), whole=visits)

ui.ranking_and_trend(f, shown, key="stations_rank")
ui.definitions(("stations",), f)
