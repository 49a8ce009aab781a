"""数据质量: per prefecture the last file and load, rows quarantined and open reference errors,
so that a leader can tell a low rate from a late submission."""

import streamlit as st

from dashboard import queries, ui
from dashboard.filters import current
from dashboard.i18n import t

f = current()
ui.page_header("page_quality", f)

st.subheader(t("freshness"))
ui.table(queries.freshness(), "freshness", f)

st.subheader(t("quarantine"))
# The rule's code (e.g. bad_date) stays in the warehouse; the page shows its Chinese message.
quarantined = queries.quarantine(f.prefecture)  # the last loads first
if quarantined.height:
    quarantined = quarantined.drop("rule_id", strict=False)
# A region's ~4,900 rows cost ~6 ms a run to send (its ~2,100 reference errors ~3 ms): the first rows,
# all behind the toggle and in the downloads.
ui.table(ui.top_rows(quarantined, "quarantine"), "quarantine", f, whole=quarantined)

st.subheader(t("reference_errors"))
errors = queries.reference_errors(f.prefecture)  # by file and row
ui.table(ui.top_rows(errors, "reference_errors"), "reference_errors", f, whole=errors)

st.subheader(t("reply_errors"))
st.caption(t("reply_errors_note"))
ui.table(queries.reply_errors(f.prefecture), "reply_errors", f)

st.subheader(t("key_conflicts"))
ui.table(queries.key_conflicts(f.prefecture), "key_conflicts", f)
