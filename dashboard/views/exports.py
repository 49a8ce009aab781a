"""导出文件: the runs of each export job (read from their manifests), newest first, one download per file.

Only finished runs (with manifest.json) are listed; the files come from disk as written by
`lvzhi export run` / `lvzhi schedule`. A user limited to some prefectures (issue 9) is offered only
their prefectures' files (the manifest names each file's prefecture, `region` for the summary);
each download is audited.
"""

import polars as pl
import streamlit as st

from dashboard import auth, context
from dashboard.i18n import t
from exports import jobs as export_jobs
from exports.run import files_for, manifests, read_state

MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv",
        "parquet": "application/vnd.apache.parquet", "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}

home = context.home()
st.title(t("page_exports"))
st.caption(t("exports_caption"))
try:
    jobs = export_jobs.load(home)
except export_jobs.ExportError as error:
    st.error(str(error), icon=":material/error:")
    st.stop()

state = read_state(home)
allowed = auth.allowed_prefectures()  # None: every file
for job in jobs.values():
    st.subheader(job.title)
    last = state.get(job.name, {}).get("last_result") or {}
    st.caption(t("exports_job", name=job.name, cron=job.cron, zone=job.timezone, period=job.period,
                  formats="、".join(job.formats), last=last.get("status", "—"), at=last.get("at", "—")))
    runs = [(folder, {**m, "files": files_for(m, allowed)}) for folder, m in manifests(job.folder(home))]
    runs = [(folder, m) for folder, m in runs if m["files"]]
    if not runs:
        st.info(t("exports_no_runs", name=job.name), icon=":material/hourglass_empty:")
        continue
    labels = {folder.name: t("exports_run", period=m["period"]["text"], as_of=m["as_of"],
                             at=m["generated_at"][:16].replace("T", " "), files=len(m["files"]))
              for folder, m in runs}
    chosen = st.selectbox(t("exports_pick_run"), list(labels), format_func=labels.get, key=f"run_{job.name}")
    folder, manifest = next((f, m) for f, m in runs if f.name == chosen)
    st.dataframe(pl.DataFrame(manifest["files"]).select(
        pl.col("name").alias(t("exports_file")), pl.col("scope_name").alias(t("exports_scope")),
        pl.col("format").alias(t("exports_format")), pl.col("rows").alias(t("exports_rows")),
        (pl.col("bytes") / 1024).round(1).alias("KB")), hide_index=True)
    with st.container(horizontal=True):
        for entry in manifest["files"]:
            path = folder / entry["name"]
            st.download_button(entry["name"], lambda p=path: p.read_bytes(), entry["name"],
                               mime=MIME.get(entry["format"]), icon=":material/download:",
                               key=f"dl_{job.name}_{folder.name}_{entry['name']}",
                               on_click=auth.record_download, args=(entry["name"], entry["rows"]),
                               disabled=not path.is_file())  # removed by retention since the manifest was read
