"""数据查询: analysts' SQL on the published data through access.sql's sandbox (the same as `lvzhi sql`):
a schema browser, starter queries, an editor, the result with downloads, saved queries and history."""

from datetime import datetime

import polars as pl
import streamlit as st

from dashboard import auth, context, queries, safe_text, ui
from dashboard.i18n import lang, t
from access import appdb, sql

HISTORY_ROWS = 50
EDITOR = "sql_text"  # session keys
OUTCOME = "sql_outcome"

home = context.home()
user = auth.name()
if auth.current() is not None and not auth.can_sql():
    # Raw rows of every prefecture: not for a prefecture user or a leader (issue 9's roles).
    st.error(t("sql_analysts_only"), icon=":material/lock:")
    st.stop()
catalog = sql.catalog(home, context.published_path())
description = "description_en" if lang() == "en" else "description_zh"


def _load(text: str) -> None:
    st.session_state[EDITOR] = text


def _starter_chosen() -> None:
    key = st.session_state.get("sql_starter")
    if key:
        _load(sql.STARTERS[key])


def _delete(name: str) -> None:
    appdb.delete_query(home, user, name)


st.title(t("page_sql"))
st.caption(t("sql_intro", timeout=sql.default_timeout(), shown=sql.DISPLAY_ROWS, download=sql.DOWNLOAD_ROWS,
             memory=sql.memory_limit(), mb=sql.result_cap() / 1_000_000))

# ------------------------------------------------------------------ schema browser
with st.expander(t("sql_schema"), icon=":material/table_view:"):
    left, right = st.columns([2, 3])
    with left:
        st.dataframe(catalog.tables.select("table_name", "rows", description).rename(
            {"table_name": t("sql_col_table"), "rows": t("sql_col_rows"), description: t("sql_col_description")}),
            hide_index=True, height=420)
    with right:
        chosen = st.selectbox(t("sql_pick_table"), catalog.tables["table_name"].to_list(), key="sql_browse_table")
        st.dataframe(catalog.columns.filter(pl.col("table_name") == chosen).select(
            "column_name", "data_type", description).rename(
            {"column_name": t("sql_col_column"), "data_type": t("sql_col_type"), description: t("sql_col_description")}),
            hide_index=True)
        st.button(t("sql_query_table"), on_click=_load, args=(f"select * from {chosen} limit 100",),
                  icon=":material/input:")

# ------------------------------------------------------------------ editor
st.selectbox(t("sql_starter"), list(sql.STARTERS), index=None, key="sql_starter", on_change=_starter_chosen,
             format_func=lambda key: t(f"sql_starter_{key}"), placeholder=t("sql_starter_placeholder"))
text = st.text_area(t("sql_editor"), key=EDITOR, height=220, placeholder="select * from indicator_values limit 10")
if st.button(t("sql_run"), type="primary", icon=":material/play_arrow:"):
    try:
        # One run with the download cap; the page shows the first DISPLAY_ROWS of it.
        result = sql.run(home, text, user, limit=sql.DOWNLOAD_ROWS, version=context.published_path())
        st.session_state[OUTCOME] = {"text": text, "result": result}
    except sql.QueryError as error:
        st.session_state[OUTCOME] = {"text": text, "error": str(error), "status": error.status}

# ------------------------------------------------------------------ result
outcome = st.session_state.get(OUTCOME)
if outcome and "error" in outcome:
    st.error(outcome["error"], icon=":material/block:" if outcome["status"] == "refused" else ":material/error:")
elif outcome:
    result: sql.Result = outcome["result"]
    st.caption(t("sql_result", rows=result.rows, ms=result.ms, kind=result.kind))
    if result.truncated:
        st.warning(t("sql_truncated", cap=sql.DOWNLOAD_ROWS), icon=":material/warning:")
    elif result.rows > sql.DISPLAY_ROWS:
        st.info(t("sql_shown_only", shown=sql.DISPLAY_ROWS, rows=result.rows), icon=":material/info:")
    if result.rows == 0:
        st.caption(t("sql_no_rows"))
    else:
        st.dataframe(result.frame.head(sql.DISPLAY_ROWS), hide_index=True, key="sql_grid")
        rows = sql.flat(result.frame)
        notes = pl.DataFrame({"项目": ["查询语句", "数据版本", "统计日", "行数", "导出时间"],
                              "内容": [outcome["text"], str(queries.publish_info().get("version", "")), str(queries.as_of() or ""),
                                     f"{result.rows:,}" + ("（已截断）" if result.truncated else ""),
                                     datetime.now().isoformat(timespec="seconds")]})
        stem = f"查询结果_asof{queries.as_of()}"
        buttons = st.container(horizontal=True)
        buttons.download_button(t("download_excel"), lambda: ui.to_excel(rows, notes), f"{stem}.xlsx",
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                icon=":material/download:", key="sql_xlsx",
                                on_click=auth.record_download, args=(f"{stem}.xlsx", result.rows))
        buttons.download_button(t("download_csv"), lambda: ui.to_csv(rows), f"{stem}.csv", mime="text/csv",
                                icon=":material/download:", key="sql_csv",
                                on_click=auth.record_download, args=(f"{stem}.csv", result.rows))

# ------------------------------------------------------------------ saved queries and history
saved_column, history_column = st.columns(2)
with saved_column:
    with st.form("sql_save_form", clear_on_submit=True):
        st.markdown(f"**{t('sql_save')}**")
        name = st.text_input(t("sql_save_name"), key="sql_save_name")
        note = st.text_input(t("sql_save_description"), key="sql_save_description")
        if st.form_submit_button(t("sql_save"), icon=":material/save:"):
            if name.strip() and (st.session_state.get(EDITOR) or "").strip():
                appdb.save_query(home, user, name, st.session_state[EDITOR], note)
                st.success(t("sql_saved_ok", name=safe_text.md(name.strip())))
            else:
                st.warning(t("sql_save_needs"))
    st.subheader(t("sql_saved"))
    saved = appdb.saved_queries(home, user)
    if not saved:
        st.caption(t("sql_no_saved"))
    for number, query in enumerate(saved):
        with st.container(border=True):
            st.markdown(f"**{safe_text.md(query['name'])}**  \n{safe_text.md(query['description'] or '')}")
            st.code(query["sql"], language="sql")
            actions = st.container(horizontal=True)
            actions.button(t("sql_load"), key=f"sql_load_{number}", on_click=_load, args=(query["sql"],),
                           icon=":material/input:")
            actions.button(t("sql_delete"), key=f"sql_delete_{number}", on_click=_delete, args=(query["name"],),
                           icon=":material/delete:")
with history_column:
    st.subheader(t("sql_history", n=HISTORY_ROWS))
    history = appdb.history(home, user, HISTORY_ROWS)
    if history:
        st.dataframe(pl.DataFrame(history).select("at", "status", "rows", "ms", "sql").rename(
            {"at": t("sql_col_at"), "status": t("sql_col_status"), "rows": t("sql_col_rows"), "ms": t("sql_col_ms"),
             "sql": t("sql_col_sql")}), hide_index=True)
    else:
        st.caption(t("sql_no_history"))
