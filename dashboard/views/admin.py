"""系统管理 — for admins only: the audit log, users (disable / enable) and published versions (rollback)."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from dashboard import auth, context, ui
from dashboard.filters import current
from dashboard.i18n import lang, t
from access import audit, users
from lvzhi import warehouse

if not auth.is_admin():  # the router shows this page only to admins; a forged URL lands here too
    st.error(t("admin_only"), icon=":material/lock:")
    st.stop()

home = context.home()
st.title(t("page_admin"))
log_tab, users_tab, versions_tab = st.tabs([t("audit_log"), t("users"), t("published_versions")])

with log_tab:
    rows = audit.read(home)
    verdict = audit.check(home)  # the check `lvzhi audit verify` runs: chain, signed anchor, torn last line
    if verdict.status == "intact":
        st.caption(t("audit_intact", n=len(rows)))
    elif verdict.status == "torn":
        st.warning(t("audit_torn", line=verdict.line, detail=verdict.message), icon=":material/warning:")
    else:
        st.error(t("audit_broken", line=verdict.line, detail=verdict.message), icon=":material/warning:")
    log = pl.DataFrame(
        {"at": [r["at"] for r in rows], "user": [r["user"] for r in rows], "action": [r["action"] for r in rows],
         "detail": [json.dumps(r["detail"], ensure_ascii=False, sort_keys=True) for r in rows]},
        schema={"at": pl.String, "user": pl.String, "action": pl.String, "detail": pl.String},
    ).reverse()
    left, right = st.columns(2)
    who = left.multiselect(t("audit_user"), sorted(set(log["user"])), key="audit_user")
    what = right.multiselect(t("audit_action"), sorted(set(log["action"])), key="audit_action")
    if who:
        log = log.filter(pl.col("user").is_in(who))
    if what:
        log = log.filter(pl.col("action").is_in(what))
    ui.table(log, "audit_log", current())

with users_tab:
    listed = users.load(home)
    table = pl.DataFrame(
        {"user": [u.name for u in listed.values()], "display_name": [u.display_name for u in listed.values()],
         "user_role": [u.role_label(lang()) for u in listed.values()],
         "prefectures": ["、".join(u.prefectures) or t("region") for u in listed.values()],
         "disabled": [u.disabled for u in listed.values()], "created_at": [u.created_at for u in listed.values()]},
        schema={"user": pl.String, "display_name": pl.String, "user_role": pl.String, "prefectures": pl.String,
                "disabled": pl.Boolean, "created_at": pl.String},
    )
    ui.table(table, "users", current(), downloads=False)
    st.caption(t("users_cli_hint"))
    others = [name for name in listed if name != auth.name()]  # an admin cannot lock themself out
    if others:
        chosen = st.selectbox(t("audit_user"), others, key="admin_user_pick")
        disabled = listed[chosen].disabled
        if st.button(t("enable_user") if disabled else t("disable_user"), key="admin_toggle_user"):
            users.set_disabled(home, chosen, not disabled, actor=auth.name())
            st.rerun()

with versions_tab:
    now = warehouse.current_published(home)
    versions = warehouse.published_versions(home)
    described = [warehouse.describe(path) for path in versions]
    st.dataframe(pl.DataFrame({
        "version": [p.name for p in versions], "current": [p == now for p in versions],
        "as_of": [str(d.get("as_of")) for d in described], "published_at": [str(d.get("published_at")) for d in described],
    }), hide_index=True)
    if st.button(t("rollback"), key="admin_rollback", disabled=len(versions) < 2 or now == versions[0]):
        target = warehouse.rollback(home)
        audit.record(home, auth.name(), "rollback", to=target.name, previous=now.name if now else None)
        st.success(t("rolled_back", version=target.name))
