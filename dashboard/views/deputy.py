"""代表履职档案: one deputy's record — facts (phone masked), score and its parts per year, suggestions
led with every reply (classes, ratings, re-handling), meetings; and the deputies of the year without any
duty record (第九十五条). A deputy's year counts only the days served (deputy_profile)."""

import polars as pl
import streamlit as st

from dashboard import queries, ui
from dashboard.filters import current
from dashboard.i18n import label, t

SCORE_PARTS = ("year_number", "days_served", "duty_score", "duty_score_per_365_days", "sessions_expected",
               "sessions_attended", "sessions_on_leave", "sessions_absent", "session_attendance_rate",
               "sc_meetings_observed", "speeches", "motions_led", "motions_cosigned", "suggestions_led",
               "suggestions_cosigned", "activities", "receptions", "trainings")

f = current()
ui.page_header("page_deputy", f)
with st.expander(t("no_duty_record"), icon=":material/person_off:"):
    st.caption(t("no_duty_record_note"))
    ui.table(queries.no_duty_record(f.prefecture, int(f.year)), "no_duty_record", f)

text = st.text_input(t("deputy_search"), key="deputy_search", placeholder="D1 / 阿依古丽")
found = queries.find_deputies(text, f.prefecture)
if found.height == 0:
    st.caption(t("deputy_hint") if not text.strip() else t("no_rows"))
    st.stop()

names = {r["deputy_id"]: f"{r['name']}（{r['deputy_id']}）" for r in found.iter_rows(named=True)}
chosen = st.selectbox(t("deputy_pick"), list(names), format_func=names.get, key="deputy_id")
deputy = found.filter(pl.col("deputy_id") == chosen).row(0, named=True)

st.subheader(t("deputy_facts"))
facts = pl.DataFrame({"part": [label(c) for c in deputy],
                      "value": ["—" if v is None else str(v) for v in deputy.values()]})
ui.table(facts, f"deputy_{chosen}", f)

st.subheader(t("deputy_score"))
profile = queries.deputy_profile(chosen)
if profile.height:
    this_year = profile.filter(pl.col("year_number") == int(f.year))
    if this_year.height:
        row = this_year.row(0, named=True)
        columns = st.columns(4)
        for column, part in zip(columns, ("duty_score", "duty_score_per_365_days", "days_served",
                                          "session_attendance_rate"), strict=True):
            value = row[part]
            shown = ui.format_value(value, "rate" if part.endswith("_rate") else "score")
            column.metric(f"{label(part)} · {f.year}", shown)
    parts = [c for c in SCORE_PARTS if c in profile.columns]
    ui.table(profile.select(parts).sort("year_number", descending=True), f"deputy_score_{chosen}", f,
             percent=("session_attendance_rate",))
else:
    st.info(t("family_no_data"), icon=":material/hourglass_empty:")

st.subheader(t("deputy_suggestions"))
ui.table(queries.deputy_suggestions(chosen), f"deputy_suggestions_{chosen}", f)
st.subheader(t("deputy_reply_history"))
st.caption(t("deputy_reply_note"))
ui.table(queries.deputy_reply_history(chosen), f"deputy_replies_{chosen}", f)
st.subheader(t("deputy_meetings"))
ui.table(queries.deputy_meetings(chosen), f"deputy_meetings_{chosen}", f)
