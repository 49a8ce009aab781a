"""代表反映集中的问题 and 相似建议 on 建议办理 (第二十七条): topics of the suggestion titles of the chosen
scope and period (reports/topics.py), most widely raised first; choosing a topic lists its suggestions.

The suggestions pass `db.query` (so `only_allowed`): a prefecture user groups only their own rows.
The grouping is cached per published version, scope and the user's allowed prefectures.

The grouping compares every title with every other (reports/topics.py): at region scale a year's
~30,000 titles took over a minute, far too long for the page. It is therefore computed only when the
user turns on the toggle (`topics=1` in the URL, so a shared link or the PDF export shows it too),
with a spinner; the rest of 建议办理 does not wait for it. Precomputing it in `lvzhi build` would add
that minute to every build for each scope and period, and a background warm-up per published version
would hold a core of the two for as long while pages are served.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import auth, context, db, ui
from dashboard.filters import Filters
from dashboard.i18n import t

TOPICS_SHOWN = 20
SHOW_KEY = "topics_show"
URL_KEY = "topics"
SIMILAR_SHOWN = 50

_SUGGESTIONS = """
select s.suggestion_id, s.title, s.prefecture_code, p.prefecture_name, s.county, s.lead_deputy_id, s.cosigner_ids,
       s.lead_unit, s.assigned_on, s.replied_on, s.reply_class
from fct_suggestions s left join prefectures p on s.prefecture_code = p.prefecture_code
where (? = '' or s.prefecture_code = ?) and (? = '' or s.county = ?)
  and coalesce(s.assigned_on, s.submitted_on) between ? and ?
order by s.suggestion_id
"""


def places() -> tuple[str, ...]:
    """Place names a title may carry: prefectures, counties and townships the warehouse knows."""
    names = db.reference("select prefecture_name as place from prefectures union select distinct county from "
                         "fct_suggestions where county is not null union select distinct township from dim_station "
                         "where township is not null")
    return tuple(names["place"].to_list())


@st.cache_data(ttl=db.TTL_SECONDS, show_spinner=False, max_entries=50)
def _grouped(path: str, params: tuple, allowed: tuple | None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    del path, allowed  # cache keys: the version and the user's scope
    # Imported when asked for: rapidfuzz and numpy took ~16 ms of the page's first run in a process.
    from reports import topics as topic_model

    rows = db.query(_SUGGESTIONS, *params)
    found = topic_model.group(rows, places())
    names = dict(zip(rows["prefecture_code"], rows["prefecture_name"]))
    table = pl.DataFrame({
        "topic_no": [topic.topic_id for topic in found],
        "topic": [topic.label for topic in found],
        "keywords": ["、".join(topic.keywords) for topic in found],
        "suggestions_count": [topic.count for topic in found],
        "prefecture_count": [len(topic.prefectures) for topic in found],
        "prefecture_names": ["、".join(names.get(code) or code for code in topic.prefectures) for topic in found],
        "deputy_count": [topic.deputies for topic in found],
        "example_titles": ["；".join(list(dict.fromkeys(topic.titles))[:3]) for topic in found],
    }, schema_overrides={"topic_no": pl.Int64, "suggestions_count": pl.Int64, "prefecture_count": pl.Int64,
                         "deputy_count": pl.Int64})
    members = pl.DataFrame({"topic_no": [topic.topic_id for topic in found for _ in topic.suggestion_ids],
                            "suggestion_id": [sid for topic in found for sid in topic.suggestion_ids]},
                           schema={"topic_no": pl.Int64, "suggestion_id": pl.String})
    members = members.join(rows, on="suggestion_id", how="left")
    similar = topic_model.similar_titles(rows, places()).head(SIMILAR_SHOWN)
    return table, members, similar


def grouped(f: Filters) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    scope = f.scope
    return _grouped(str(context.published_path()), scope.params(), auth.allowed_prefectures())


def wanted() -> bool:
    """The toggle, seeded from and kept in the URL (`topics=1`)."""
    asked = st.query_params.get(URL_KEY) == "1"
    if st.session_state.get("_topics_seen") != asked:  # a link (or the PDF print) says what to show
        st.session_state[SHOW_KEY] = asked
    on = st.toggle(t("topics_show"), key=SHOW_KEY, help=t("topics_show_help"))
    if on != asked:
        if on:
            st.query_params[URL_KEY] = "1"
        else:
            st.query_params.pop(URL_KEY, None)
    st.session_state["_topics_seen"] = on
    return on


def panel(f: Filters) -> None:
    st.subheader(t("topics_title"))
    st.caption(t("topics_note"))
    if not db.has("fct_suggestions"):
        st.caption(t("no_rows"))
        return
    if not wanted():
        return
    with st.spinner(t("topics_computing")):
        table, members, similar = grouped(f)
    if table.height == 0:
        st.caption(t("no_rows"))
        return
    shown = table.head(TOPICS_SHOWN)
    event = st.dataframe(shown.rename({c: ui.label(c) for c in shown.columns}), hide_index=True,
                         on_select="rerun", selection_mode="single-row", key="topics_table")
    chosen_rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    options = shown["topic_no"].to_list()
    default = options.index(shown["topic_no"][chosen_rows[0]]) if chosen_rows else 0
    number = st.selectbox(t("topics_pick"), options, index=default, key="topic_pick",
                          format_func=lambda n: f"{n}. {table.filter(pl.col('topic_no') == n)['topic'][0]}")
    ui.download_buttons(table, "topics", f)
    picked = members.filter(pl.col("topic_no") == number).drop("topic_no", "prefecture_code", "cosigner_ids")
    st.markdown(f"**{t('topics_members', n=picked.height)}**")
    ui.table(picked, "topic_suggestions", f)
    st.subheader(t("similar_title"))
    st.caption(t("similar_note"))
    ui.table(similar, "similar_suggestions", f)
