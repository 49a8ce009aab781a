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
ui.table(queries.quarantine(f.prefecture), "quarantine", f)

st.subheader(t("reference_errors"))
ui.table(queries.reference_errors(f.prefecture), "reference_errors", f)

st.subheader(t("reply_errors"))
st.caption(t("reply_errors_note"))
ui.table(queries.reply_errors(f.prefecture), "reply_errors", f)

st.subheader(t("key_conflicts"))
ui.table(queries.key_conflicts(f.prefecture), "key_conflicts", f)
