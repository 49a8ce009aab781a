"""数据字典: every published table and column with its type, row count and Chinese/English description,
generated from the published file (dbt's descriptions persisted as comments; seeds from their yml)."""

import polars as pl
import streamlit as st

from dashboard import context, queries, ui
from dashboard.i18n import t
from access import sql

catalog = sql.catalog(context.home(), context.published_path())

st.title(t("page_docs"))
st.caption(t("docs_intro", version=queries.publish_info().get("version", "—"), as_of=queries.as_of() or "—"))

search = st.text_input(t("docs_search"), key="docs_search").strip().lower()
tables, columns = catalog.tables, catalog.columns
if search:
    def hit(*names: str) -> pl.Expr:
        return pl.any_horizontal(pl.col(n).str.to_lowercase().str.contains(search, literal=True) for n in names)

    matching = set(tables.filter(hit("table_name", "description_zh", "description_en"))["table_name"]) | set(
        columns.filter(hit("column_name", "description_zh", "description_en"))["table_name"])
    tables = tables.filter(pl.col("table_name").is_in(sorted(matching)))
st.caption(t("docs_tables", n=tables.height))
if tables.height == 0:
    st.info(t("docs_no_match"), icon=":material/search_off:")

headers = {"column_name": t("sql_col_column"), "data_type": t("sql_col_type"),
           "description_zh": t("sql_col_description_zh"), "description_en": t("sql_col_description_en")}
for table in tables.iter_rows(named=True):
    with st.expander(f"**{table['table_name']}** · {table['description_zh']} · {table['rows']:,} {t('sql_col_rows')}",
                     expanded=bool(search)):
        st.markdown(f"{table['description_zh']}  \n*{table['description_en']}*")
        st.dataframe(columns.filter(pl.col("table_name") == table["table_name"]).select(list(headers)).rename(headers),
                     hide_index=True)

# The whole dictionary in one file, with Chinese headers (as every export).
everything = catalog.columns.join(catalog.tables.select("table_name", "rows"), on="table_name").select(
    "table_name", "rows", "position", "column_name", "data_type", "description_zh", "description_en").rename(
    {"table_name": "表", "rows": "行数", "position": "序号", "column_name": "字段", "data_type": "类型",
     "description_zh": "中文说明", "description_en": "英文说明"})
buttons = st.container(horizontal=True)
buttons.download_button(t("download_excel"), lambda: ui.to_excel(everything), "数据字典.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        icon=":material/download:", key="docs_xlsx")
buttons.download_button(t("download_csv"), lambda: ui.to_csv(everything), "数据字典.csv", mime="text/csv",
                        icon=":material/download:", key="docs_csv")
