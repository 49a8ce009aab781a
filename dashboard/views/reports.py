"""报告: the annual report's deputy-work section (Word) and the suggestion-handling report (Word or Excel),
drafted from the published version for the sidebar's prefecture (or the region) and year.

A prefecture user's sidebar offers only their prefectures, and the page refuses a region report to a
user limited to some prefectures (auth.allowed_prefectures), so a user drafts only their own scope.
Every download is audited.
"""

import streamlit as st

from dashboard import auth, context
from dashboard.filters import current
from dashboard.i18n import t
from lvzhi import warehouse
from reports import annual, handling
from reports.figures import ReportError

MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

f = current()
st.title(t("page_reports"))
st.caption(t("reports_caption"))
allowed = auth.allowed_prefectures()
if allowed is not None and f.prefecture not in allowed:
    st.warning(t("reports_region_only_leaders"), icon=":material/lock:")
    st.stop()

kind = st.radio(t("reports_kind"), ("annual", "handling"), horizontal=True, key="report_kind",
                format_func=lambda k: t(f"reports_{k}"))
fmt = "docx" if kind == "annual" else st.radio(t("reports_format"), ("docx", "xlsx"), horizontal=True,
                                                 key="report_format")
year = int(f.year)
prefecture = f.prefecture or None
st.caption(f"{f.scope_name} · {year}")


@st.cache_data(ttl=600, show_spinner=False, max_entries=20)
def make(path: str, kind: str, fmt: str, year: int, prefecture: str | None) -> tuple[bytes, str, list[str]]:
    """(file bytes, file name, preview paragraphs) from the exact published version `path`."""
    from pathlib import Path

    con = warehouse.connect_published(context.home(), version=Path(path))
    try:
        if kind == "annual":
            facts = annual.collect(con, year, prefecture)
            preview = [f"{number}、{part.text}" for number, part in enumerate(annual.draft(facts), start=1)]
            return annual.render(facts), f"{facts.scope.name}_{year}_年度报告代表工作部分初稿.docx", preview
        report = handling.collect(con, year, prefecture)
        data = handling.to_docx(report) if fmt == "docx" else handling.to_xlsx(report)
        return data, f"{report.scope.name}_{year}_代表建议办理情况报告.{fmt}", report.summary
    finally:
        con.close()


try:
    data, name, preview = make(str(context.published_path()), kind, fmt, year, prefecture)
except ReportError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()
st.download_button(t("reports_download", name=name), data, name, mime=MIME[fmt], icon=":material/download:",
                   key="report_download", on_click=auth.record_download, args=(name, 0), type="primary")
st.subheader(t("reports_preview"))
for paragraph in preview:
    st.write(paragraph)
