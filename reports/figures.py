"""The figures of the annual deputy-work section, read from one published version.

Each figure keeps what a member of staff needs to check the sentence it feeds: the indicator id of
`indicator_values` it equals (scope, year) or the query that computed it, its numerator and denominator,
and the as-of date. Queries take the scope as `prefecture` (None = the whole region) and the calendar
year; the marts already hold the warehouse as of the build's as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from lvzhi import reference


class ReportError(Exception):
    """A problem the user can fix (nothing published, another as-of date, unknown prefecture); Chinese."""


@dataclass
class Figure:
    key: str
    label: str  # what it counts, in Chinese (the appendix's 说明)
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    indicator_id: str | None = None  # equals this indicator_values row (scope, year)
    query: str | None = None  # or this SQL (parameters: year, prefecture)
    text: str = ""  # how the draft writes it


@dataclass
class Scope:
    code: str  # region code or prefecture code
    name: str
    level: str  # region | prefecture

    @property
    def prefecture(self) -> str | None:
        return self.code if self.level == "prefecture" else None

    @property
    def body(self) -> str:
        """吐鲁番市 → 市人大常委会; 伊犁哈萨克自治州 → 州人大常委会; 阿克苏地区 → 地区人大工委; region → 自治区人大常委会."""
        if self.level == "region":
            return "自治区人大常委会"
        if self.name.endswith("地区"):
            return "地区人大工委"
        if self.name.endswith("州"):
            return "州人大常委会"
        return "市人大常委会"


    @property
    def members(self) -> str:
        """Who links deputies: the standing committee's members (a 地区 has a 人大工委 with 委员; the region
        adds up every prefecture's)."""
        if self.level == "region":
            return "各级人大常委会组成人员"
        if self.name.endswith("地区"):
            return "地区人大工委委员"
        return f"{self.body}组成人员"

    @property
    def congress(self) -> str:
        return "各级人民代表大会会议" if self.level == "region" else "人民代表大会会议"


@dataclass
class Facts:
    scope: Scope
    year: int
    as_of: date
    version: str
    figures: dict[str, Figure] = field(default_factory=dict)
    supervision_by_leader: dict[str, int] | None = None  # None: no supervising_leader column yet
    freshness: list[dict] = field(default_factory=list)  # each prefecture's last submission
    units: list[dict] = field(default_factory=list)  # handling units' rows (reports/handling.py), for the table
    unit_notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures[figure.key] = figure
        return figure

    def value(self, key: str) -> float:
        figure = self.figures.get(key)
        return 0 if figure is None or figure.value is None else figure.value


SCOPE = "(cast(? as varchar) is null or prefecture_code = ?)"


def scope_of(prefecture: str | None) -> Scope:
    if prefecture is None:
        return Scope(reference.region_code(), reference.region_name(), "region")
    names = reference.prefectures()
    if prefecture not in names:
        raise ReportError(f"没有代码为 {prefecture} 的地州市；可选：{'、'.join(names)}")
    return Scope(prefecture, names[prefecture], "prefecture")


def published_as_of(con: duckdb.DuckDBPyConnection) -> date:
    as_of = con.sql("select max(as_of) from indicator_values").fetchall()[0][0]
    if as_of is None:
        raise ReportError("已发布的数据中没有指标（indicator_values 为空），请先运行 lvzhi build")
    return as_of


def check_as_of(con, as_of: date | None) -> date:
    published = published_as_of(con)
    if as_of is not None and as_of != published:
        raise ReportError(f"已发布数据的统计日是 {published}，不是 {as_of}；"
                          f"请先运行 lvzhi build --as-of {as_of}，或去掉 --as-of")
    return published


def _one(con, query: str, params: list) -> tuple:
    return con.sql(query, params=params).fetchall()[0]


def _columns(con, table: str) -> set[str]:
    return {row[0] for row in con.sql(f"select column_name from (describe {table})").fetchall()}


def _tables(con) -> set[str]:
    return {row[0] for row in con.sql("select table_name from duckdb_tables() where database_name = 'wh'").fetchall()}


def indicator(con, indicator_id: str, scope: Scope, year: int) -> tuple[float | None, float | None, float | None]:
    """(numerator, denominator, value) of one indicator for the scope and calendar year; Nones when absent."""
    rows = con.sql("select numerator, denominator, value from indicator_values where indicator_id = ? "
                   "and scope_level = ? and scope_code = ? and period_type = 'year' and period_label = ?",
                   params=[indicator_id, scope.level, scope.code, str(year)]).fetchall()
    return rows[0] if rows else (None, None, None)


# ------------------------------------------------------------------ the queries (also the appendix's text)

Q_LIAISON = ("select count(distinct deputy_id) from fct_liaison_pairs where year = ? and member_role = '常委会组成人员' "
             f"and has_known_deputy and {SCOPE}")
Q_LIAISON_OTHER = ("select count(distinct deputy_id) from fct_liaison_pairs where year = ? "
                   f"and member_role <> '常委会组成人员' and has_known_deputy and {SCOPE}")
Q_REPORTS = ("select count(*), count(distinct activity_id) from fct_activities where activity_type = '述职' "
             f"and year(activity_date) = ? and has_known_deputy and {SCOPE}")
Q_SUPERVISED = ("select count(*) filter (where is_key_supervised), count(*) from fct_suggestions "
                f"where year(assigned_on) = ? and {SCOPE}")
Q_SUPERVISED_BY = ("select coalesce(nullif(trim(supervising_leader), ''), '未注明'), count(*) from fct_suggestions "
                   f"where is_key_supervised and year(assigned_on) = ? and {SCOPE} group by 1 order by 1")
Q_MOTIONS = ("select count(*) filter (where is_concluded), count(*) from fct_motions where is_accepted "
             f"and year(assigned_on) = ? and {SCOPE}")
Q_SUGGESTIONS = ("select count(*) filter (where is_replied), count(*) filter (where concluded_on is not null), count(*) "
                 f"from fct_suggestions where year(assigned_on) = ? and {SCOPE}")
Q_SESSION = Q_SUGGESTIONS.replace("where year", "where channel = '会议期间' and year")
Q_BETWEEN = Q_SUGGESTIONS.replace("where year", "where coalesce(channel, '') <> '会议期间' and year")
Q_STATIONS = ("select count(*) filter (where has_all_ten), count(*) from dim_station "
              f"where not is_missing_member and is_established_at_as_of and {SCOPE}")
Q_TRAININGS = ("select count(distinct training_id), count(*) from fct_trainings "
               f"where year(training_date) = ? and has_known_deputy and {SCOPE}")
Q_PROJECTS = ("select count(*) filter (where level = '县区'), count(*) filter (where level = '乡镇'), "
              "count(*) filter (where is_completed), count(*), avg(satisfaction_rate) filter (where is_completed), "
              "count(satisfaction_rate) filter (where is_completed) "
              f"from fct_livelihood_projects where year(voted_on) = ? and {SCOPE}")
Q_CLASSES = ("select count(*) filter (where reply_class = 'A'), count(*) filter (where reply_class = 'B'), "
             "count(*) filter (where reply_class = 'C'), count(*) filter (where reply_class = 'D'), "
             "count(*) filter (where satisfaction in ('满意', '基本满意')), count(*) filter (where satisfaction = '不满意'), "
             "count(*) filter (where has_feedback), count(*) filter (where is_replied), "
             "count(*) filter (where is_replied_on_time) "
             f"from fct_suggestions where year(assigned_on) = ? and {SCOPE}")
Q_UNITS = ("select count(distinct handling_unit_id) from fct_suggestion_handling "
           f"where year(assigned_on) = ? and {SCOPE}")


def collect(con: duckdb.DuckDBPyConnection, year: int, prefecture: str | None, as_of: date | None = None) -> Facts:
    """Every figure of the annual section for the scope and year, from the published version on `con`."""
    as_of = check_as_of(con, as_of)
    scope = scope_of(prefecture)
    info = con.sql("select info_json from publish_info").fetchall()
    version = ""
    if info:
        import json
        version = str(json.loads(info[0][0]).get("version") or "")
    facts = Facts(scope, year, as_of, version)
    scope_params = [scope.prefecture, scope.prefecture]
    by_year = [year, *scope_params]

    # 一是 三联: members linked with deputies, contacts, 述职, 家站
    (linked,) = _one(con, Q_LIAISON, by_year)
    facts.add(Figure("liaison_deputies", "常委会组成人员联系代表人数（本年度分工联系的不同代表）", linked, query=Q_LIAISON))
    (linked_other,) = _one(con, Q_LIAISON_OTHER, by_year)
    facts.add(Figure("liaison_deputies_other", "专门委员会、“一府一委两院”联系代表人数", linked_other, query=Q_LIAISON_OTHER))
    num, den, value = indicator(con, "liaison_contact_compliance", scope, year)
    facts.add(Figure("liaison_compliance", "全年联系不少于两次的联系对数 ÷ 分工联系对数", value, num, den,
                     indicator_id="liaison_contact_compliance"))
    person_times, reports = _one(con, Q_REPORTS, by_year)
    facts.add(Figure("reports_person_times", "代表向选民述职人次（述职活动记录行数）", person_times, query=Q_REPORTS))
    facts.add(Figure("reports_events", "述职活动场次（不同活动编号）", reports, query=Q_REPORTS))
    num, den, value = indicator(con, "station_standard_rate", scope, year)
    facts.add(Figure("stations", "年末已建成的家室站数", den, indicator_id="station_standard_rate"))
    facts.add(Figure("station_standard", "“十有”全部具备的家室站数 ÷ 家室站数", value, num, den,
                     indicator_id="station_standard_rate"))
    num, den, value = indicator(con, "leader_station_visit_rate", scope, year)
    facts.add(Figure("leader_station_visits", "年度内进站接待的担任领导职务代表 ÷ 担任领导职务的代表", value, num, den,
                     indicator_id="leader_station_visit_rate"))

    # 二是 议案建议: supervision, motions, suggestions, handling units
    supervised, assigned_all = _one(con, Q_SUPERVISED, by_year)
    facts.add(Figure("key_supervised", "重点督办建议件数（本年度交办）", supervised, supervised, assigned_all,
                     query=Q_SUPERVISED))
    if "supervising_leader" in _columns(con, "fct_suggestions"):
        facts.supervision_by_leader = {leader: count for leader, count in con.sql(Q_SUPERVISED_BY, params=by_year).fetchall()}
        for leader, count in facts.supervision_by_leader.items():
            facts.add(Figure(f"key_supervised:{leader}", f"重点督办建议件数（督办领导：{leader}）", count,
                             query=Q_SUPERVISED_BY))
    concluded, accepted = _one(con, Q_MOTIONS, by_year)
    facts.add(Figure("motions", "列为议案且本年度交办的议案：已办结 ÷ 件数", accepted and concluded / accepted,
                     concluded, accepted, indicator_id="motion_completion_rate"))
    for key, label, query in (("suggestions", "本年度交办的建议", Q_SUGGESTIONS),
                              ("session_suggestions", "本年度交办、会议期间提出的建议", Q_SESSION),
                              ("between_suggestions", "本年度交办、闭会期间及其他渠道提出的建议", Q_BETWEEN)):
        replied, done, total = _one(con, query, by_year)
        facts.add(Figure(f"{key}_replied", f"{label}：已答复 ÷ 件数", total and replied / total, replied, total,
                         indicator_id="suggestion_reply_rate" if key == "suggestions" else None,
                         query=None if key == "suggestions" else query))
        facts.add(Figure(f"{key}_concluded", f"{label}：已办结 ÷ 件数", total and done / total, done, total,
                         indicator_id="suggestion_completion_rate" if key == "suggestions" else None,
                         query=None if key == "suggestions" else query))
    a, b, c, d, satisfied, dissatisfied, feedback, replied, on_time = _one(con, Q_CLASSES, by_year)
    for cls, count in zip("ABCD", (a, b, c, d)):
        facts.add(Figure(f"class_{cls}", f"答复类别为{cls}的建议 ÷ 已答复", replied and count / replied, count, replied,
                         query=Q_CLASSES))
    num, den, value = indicator(con, "suggestion_on_time_reply_rate", scope, year)
    facts.add(Figure("on_time", "按期答复的建议 ÷ 已到期或已答复的建议", value, num, den,
                     indicator_id="suggestion_on_time_reply_rate"))
    num, den, value = indicator(con, "suggestion_satisfaction_rate", scope, year)
    facts.add(Figure("satisfaction", "满意和基本满意 ÷ 有反馈的答复（未反馈不计入）", value, num, den,
                     indicator_id="suggestion_satisfaction_rate"))
    facts.add(Figure("dissatisfied", "代表不满意的建议件数", dissatisfied, dissatisfied, feedback, query=Q_CLASSES))
    (units,) = _one(con, Q_UNITS, by_year)
    facts.add(Figure("handling_units", "承办单位数（主办、协办）", units, query=Q_UNITS))

    # 三是 培训
    batches, person_times = _one(con, Q_TRAININGS, by_year)
    facts.add(Figure("training_batches", "培训批次（不同培训编号）", batches, query=Q_TRAININGS))
    facts.add(Figure("training_person_times", "培训人次（培训记录行数）", person_times, query=Q_TRAININGS))

    # 四是 民生实事
    district, township, completed, voted, mean_rating, rated = _one(con, Q_PROJECTS, by_year)
    facts.add(Figure("projects_district", "区县票决的民生实事项目数", district, query=Q_PROJECTS))
    facts.add(Figure("projects_township", "乡镇票决的民生实事项目数", township, query=Q_PROJECTS))
    num, den, value = indicator(con, "livelihood_completion_rate", scope, year)
    facts.add(Figure("projects_completion", "已办结项目 ÷ 本年度票决项目", value, num, den,
                     indicator_id="livelihood_completion_rate"))
    facts.add(Figure("projects_rating", "已办结项目满意度测评的平均值（%）", mean_rating, None, rated, query=Q_PROJECTS))

    freshness = con.sql("select prefecture_code, prefecture_name, last_submitted_on, last_loaded_at, files_loaded "
                        f"from data_freshness where {SCOPE} order by prefecture_code", params=scope_params).fetchall()
    facts.freshness = [dict(zip(("prefecture_code", "prefecture_name", "last_submitted_on", "last_loaded_at",
                                 "files_loaded"), row)) for row in freshness]
    return facts
