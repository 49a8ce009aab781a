"""会议出席与列席: congress attendance (请假 and 缺席 apart), standing-committee observers over the term."""

import streamlit as st

from dashboard import charts, queries, ui
from dashboard.filters import current
from dashboard.i18n import t

f = current()
ui.page_header("page_attendance", f)
shown = ui.family_cards(f, ("meetings",), headings=False)
ui.ranking_and_trend(f, shown, key="attendance_rank")

left, right = st.columns(2)
with left:
    st.subheader(t("attendance_status"))
    statuses = queries.congress_attendance(f.scope)
    if statuses.height:
        ui.plot(charts.stacked(statuses, t("attendance_status"), "prefecture_name", "status"), "statuses")
    ui.table(statuses, "congress_attendance", f)
with right:
    st.subheader(t("observer_meetings"))
    ui.table(queries.observer_meetings(f.scope), "observer_meetings", f)
ui.definitions(("meetings",), f)
