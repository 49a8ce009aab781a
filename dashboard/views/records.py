"""建议明细: the suggestions behind a number (the 超期 card, a matrix cell, a handling unit's count),
one row each with the fields that decide it. The state (超期 / 30天内到期 / 未答复 / 全部) and the
unit are in the URL (`records?prefecture=654000&state=overdue&unit=州水利局`), so the list can be shared."""

import polars as pl
import streamlit as st

from dashboard import links, queries, ui
from dashboard.filters import current
from dashboard.i18n import t

f = current()
ui.page_header("page_records", f)

labels = {"overdue": t("state_overdue"), "due_soon": t("state_due_soon"), "open": t("state_open"),
          "all": t("state_all")}
state = ui.url_choice("state", labels, "overdue", "records_state", t("records_state"))

unit = st.query_params.get("unit", "")
if unit:
    st.markdown(t("records_unit", unit=unit) + " · " + links.anchor(t("records_all_units"), links.href(
        "records", state=state)), unsafe_allow_html=True)
st.caption(t("records_note"))
rows = queries.suggestion_records(f.scope, state, unit)
st.metric(labels[state], ui.format_value(rows.height, "count"))
if rows.height:  # each row leads to its lead deputy's record (代表履职档案)
    link = links.linker()
    rows = rows.with_columns(pl.Series("link", [None if d is None else link("deputy", deputy=d) for d in rows["deputy_id"]],
                                       dtype=pl.String))
ui.table(rows, f"records_{state}", f, link_columns=("link",))
st.markdown(links.anchor(t("records_back"), links.href("overview")), unsafe_allow_html=True)
