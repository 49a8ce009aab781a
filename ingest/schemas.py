"""The record kinds a prefecture submits: one place for Chinese/English headers, types and rules.

Every other layer (readers, validation, raw DDL, the clerk template, synthetic data, dbt sources)
reads these definitions; the Chinese header of a column is also its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lvzhi.reference import STATION_FLAGS  # noqa: F401 (synth and the template read it here too)

# Column types. `code` and `text` stay strings; `idlist` is normalised to "a,b,c".
TEXT, CODE, DATE, BOOL, INT, FLOAT, ENUM, IDLIST = (
    "text", "code", "date", "bool", "int", "float", "enum", "idlist",
)

DUCKDB_TYPES = {
    TEXT: "VARCHAR", CODE: "VARCHAR", ENUM: "VARCHAR", IDLIST: "VARCHAR",
    DATE: "DATE", BOOL: "BOOLEAN", INT: "BIGINT", FLOAT: "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    name: str  # English snake_case: the warehouse name in every layer
    zh: str  # canonical Chinese template header, also the description
    type: str = TEXT
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values of an ENUM
    default: str | None = None  # value used when the cell is empty
    description_en: str = ""

    @property
    def header(self) -> str:
        """Template header: required columns carry a trailing `*`."""
        return self.zh + ("*" if self.required else "")


@dataclass(frozen=True)
class Kind:
    name: str  # English id, also the raw table name
    zh: str  # Chinese name used in file and sheet names
    description_en: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    aliases: tuple[str, ...] = field(default_factory=tuple)  # other names in file/sheet names
    # Dates that must not lie after the submission date.
    event_dates: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.name, *self.aliases)


PREFECTURE = Column("prefecture_code", "州市代码", CODE, description_en="GB/T 2260 prefecture code")

LEVELS = ("全国", "自治区", "州市", "县区", "乡镇")
DEPUTY_STATUSES = ("在任", "辞职", "罢免", "去世", "调离")
MEETING_TYPES = ("人民代表大会会议", "常委会会议")
ATTENDANCE_ROLES = ("出席", "列席")
ATTENDANCE_STATUSES = ("出席", "请假", "缺席")
MOTION_DECISIONS = ("列为议案", "转为建议", "撤回")
CHANNELS = ("会议期间", "闭会期间", "网络平台", "家站")
REPLY_CLASSES = ("A", "B", "C", "D")
SATISFACTION = ("满意", "基本满意", "不满意", "未反馈")
ORGANISERS = ("代表小组", "常委会工作机构", "专门委员会", "家室站")
ACTIVITY_TYPES = ("学习", "视察", "专题调研", "执法检查", "走访选民", "座谈", "述职", "其他")
MEMBER_ROLES = ("常委会组成人员", "专门委员会", "一府一委两院")
CONTACT_METHODS = ("走访", "电话", "座谈", "微信", "其他")
STATION_TYPES = ("代表之家", "代表工作室", "代表联络站")
TRAINING_TYPES = ("任职培训", "履职培训", "专题培训")
PROJECT_STATUSES = ("实施中", "已办结", "未实施")
SUPERVISING_LEADERS = ("党政主要领导", "政府副职领导", "常委会领导", "主任会议")
REPLY_TYPES = ("阶段性答复", "正式答复", "重新办理答复")
SUBSTANTIVE_REPLY_TYPES = ("正式答复", "重新办理答复")  # an interim reply does not stop the clock
CONSULTATIONS = ("座谈", "走访", "电话", "书面", "未沟通")  # 第二十五条


KINDS: tuple[Kind, ...] = (
    Kind(
        "deputies", "代表名册", "Deputy roster",
        (
            Column("deputy_id", "代表编号", CODE, True),
            Column("name", "姓名", TEXT, True),
            Column("gender", "性别", ENUM, values=("男", "女")),
            Column("ethnicity", "民族"),
            Column("birth_year", "出生年份", INT),
            Column("level", "层级", ENUM, True, LEVELS),
            Column("congress_code", "所属人大", CODE, True),
            Column("electoral_unit", "选举单位"),
            Column("is_grassroots", "是否基层代表", BOOL),
            Column("is_leader", "是否担任领导职务", BOOL),
            Column("group_id", "代表小组", CODE),
            Column("station_id", "联系站点", CODE),
            Column("county", "县区"),
            Column("term_start", "任期开始", DATE, True),
            Column("term_end", "任期结束", DATE),
            Column("status", "状态", ENUM, values=DEPUTY_STATUSES, default="在任"),
            Column("status_date", "状态日期", DATE),
            Column("id_card_no", "身份证号", CODE),
            Column("phone", "手机", CODE),
            PREFECTURE,
        ),
        key=("deputy_id",), aliases=("名册", "代表"),
    ),
    Kind(
        "meetings", "会议", "Meetings",
        (
            Column("meeting_id", "会议编号", CODE, True),
            Column("meeting_type", "会议类型", ENUM, True, MEETING_TYPES),
            Column("congress_code", "所属人大", CODE, True),
            Column("session_no", "届次", TEXT),
            Column("start_date", "开始日期", DATE, True),
            Column("end_date", "结束日期", DATE),
            PREFECTURE,
        ),
        key=("meeting_id",), event_dates=("start_date",),
    ),
    Kind(
        "attendance", "出席列席", "Meeting attendance and observers",
        (
            Column("meeting_id", "会议编号", CODE, True),
            Column("deputy_id", "代表编号", CODE, True),
            Column("role", "身份", ENUM, True, ATTENDANCE_ROLES),
            Column("status", "状态", ENUM, True, ATTENDANCE_STATUSES),
            Column("speeches", "发言次数", INT),
            PREFECTURE,
        ),
        key=("meeting_id", "deputy_id"), aliases=("出席",),
    ),
    Kind(
        "motions", "议案", "Motions",
        (
            Column("motion_id", "议案编号", CODE, True),
            Column("meeting_id", "会议编号", CODE),
            Column("lead_deputy_id", "领衔代表编号", CODE, True),
            Column("cosigner_ids", "附议代表编号", IDLIST),
            Column("title", "标题", TEXT, True),
            Column("submitted_on", "提出日期", DATE, True),
            Column("decision", "处理结果", ENUM, values=MOTION_DECISIONS),
            Column("assigned_on", "交办日期", DATE),
            Column("concluded_on", "办结日期", DATE),
            PREFECTURE,
        ),
        key=("motion_id",), event_dates=("submitted_on", "assigned_on", "concluded_on"),
    ),
    Kind(
        "suggestions", "建议", "Suggestions, criticisms and opinions",
        (
            Column("suggestion_id", "建议编号", CODE, True),
            Column("lead_deputy_id", "领衔代表编号", CODE, True),
            Column("cosigner_ids", "联名代表编号", IDLIST),
            Column("channel", "提出方式", ENUM, values=CHANNELS),
            Column("category", "类别"),
            Column("title", "标题", TEXT, True),
            Column("submitted_on", "提出日期", DATE, True),
            Column("assigned_on", "交办日期", DATE),
            Column("lead_unit", "主办单位"),
            Column("co_units", "协办单位", IDLIST),
            Column("is_key_supervised", "是否重点督办", BOOL),
            Column("extended_due", "延期至", DATE),
            Column("replied_on", "答复日期", DATE),
            Column("reply_class", "答复类别", ENUM, values=REPLY_CLASSES),
            Column("satisfaction", "代表满意度", ENUM, values=SATISFACTION),
            Column("concluded_on", "办结日期", DATE),
            Column("county", "县区"),
            Column("supervising_leader", "督办领导", ENUM, values=SUPERVISING_LEADERS,
                   description_en="who leads the supervision of a key-supervised suggestion"),
            PREFECTURE,
        ),
        key=("suggestion_id",), aliases=("建议批评和意见",),
        event_dates=("submitted_on", "assigned_on", "replied_on", "concluded_on"),
    ),
    Kind(
        "activities", "代表活动", "Deputy activities between sessions",
        (
            Column("activity_id", "活动编号", CODE, True),
            Column("deputy_id", "代表编号", CODE, True),
            Column("organiser", "组织方", ENUM, values=ORGANISERS),
            Column("group_id", "代表小组", CODE),
            Column("activity_type", "活动类型", ENUM, True, ACTIVITY_TYPES),
            Column("activity_date", "活动日期", DATE, True),
            PREFECTURE,
        ),
        key=("activity_id", "deputy_id"), aliases=("活动",), event_dates=("activity_date",),
    ),
    Kind(
        "liaison", "联系代表", "Liaison assignments of members to deputies",
        (
            Column("member_name", "联系人", TEXT, True),
            Column("member_role", "联系人身份", ENUM, True, MEMBER_ROLES),
            Column("deputy_id", "代表编号", CODE, True),
            Column("year", "年度", INT, True),
            PREFECTURE,
        ),
        key=("member_name", "member_role", "deputy_id", "year"),
    ),
    Kind(
        "contacts", "联系记录", "Liaison contacts",
        (
            Column("member_name", "联系人", TEXT, True),
            Column("deputy_id", "代表编号", CODE, True),
            Column("contact_date", "联系日期", DATE, True),
            Column("method", "方式", ENUM, values=CONTACT_METHODS),
            PREFECTURE,
        ),
        # A call and a visit on the same day are two contacts; the same row twice is a duplicate.
        key=("member_name", "deputy_id", "contact_date", "method"), event_dates=("contact_date",),
    ),
    Kind(
        "stations", "家室站", "Deputy homes, offices and liaison stations",
        (
            Column("station_id", "站点编号", CODE, True),
            Column("name", "名称", TEXT, True),
            Column("station_type", "类型", ENUM, True, STATION_TYPES),
            Column("county", "县区"),
            Column("township", "乡镇街道"),
            *(Column(name, zh, BOOL) for name, zh in STATION_FLAGS),
            Column("established_on", "建成日期", DATE),
            PREFECTURE,
        ),
        key=("station_id",), aliases=("站点",), event_dates=("established_on",),
    ),
    Kind(
        "receptions", "接待", "Receptions of constituents at stations",
        (
            Column("station_id", "站点编号", CODE, True),
            Column("deputy_id", "代表编号", CODE, True),
            Column("reception_date", "接待日期", DATE, True),
            Column("visitors", "接待群众人次", INT),
            Column("opinions_collected", "收集意见建议", INT),
            Column("opinions_resolved", "已办结", INT),
            PREFECTURE,
        ),
        key=("station_id", "deputy_id", "reception_date"), aliases=("进站接待",),
        event_dates=("reception_date",),
    ),
    Kind(
        "trainings", "培训", "Deputy trainings",
        (
            Column("training_id", "培训编号", CODE, True),
            Column("deputy_id", "代表编号", CODE, True),
            Column("training_type", "培训类型", ENUM, True, TRAINING_TYPES),
            Column("training_date", "培训日期", DATE, True),
            PREFECTURE,
        ),
        key=("training_id", "deputy_id"), event_dates=("training_date",),
    ),
    Kind(
        "projects", "民生实事", "Livelihood projects decided by deputies' vote",
        (
            Column("project_id", "项目编号", CODE, True),
            Column("level", "层级", ENUM, values=LEVELS),
            Column("name", "名称", TEXT, True),
            Column("voted_on", "票决日期", DATE, True),
            Column("votes_for", "赞成票", INT),
            Column("votes_against", "反对票", INT),
            Column("status", "状态", ENUM, values=PROJECT_STATUSES),
            Column("completed_on", "办结日期", DATE),
            Column("satisfaction_rate", "满意度测评", FLOAT),
            PREFECTURE,
        ),
        key=("project_id",), aliases=("民生实事项目", "livelihood_projects"),
        event_dates=("voted_on", "completed_on"),
    ),
    Kind(
        "replies", "答复记录", "Replies of handling units to suggestions (every reply, re-handling included)",
        (
            Column("suggestion_id", "建议编号", CODE, True),
            Column("unit", "办理单位", TEXT, True, description_en="handling unit (lead or co-unit)"),
            Column("reply_no", "答复序号", INT, True, description_en="1, 2, ... per suggestion and unit"),
            Column("reply_type", "答复类型", ENUM, True, REPLY_TYPES),
            Column("replied_on", "答复日期", DATE, True),
            Column("reply_class", "答复类别", ENUM, values=REPLY_CLASSES),
            Column("planned_year", "计划解决年度", INT, description_en="for a B reply: the year promised"),
            Column("consultation", "沟通方式", ENUM, values=CONSULTATIONS),
            Column("result_satisfaction", "办理结果满意度", ENUM, values=SATISFACTION),
            Column("attitude_satisfaction", "办理态度满意度", ENUM, values=SATISFACTION),
            Column("feedback_on", "反馈日期", DATE),
            PREFECTURE,
        ),
        key=("suggestion_id", "unit", "reply_no"), aliases=("办理答复", "建议答复", "答复情况"),
        event_dates=("replied_on", "feedback_on"),
    ),
)

KINDS_BY_NAME = {k.name: k for k in KINDS}


# ------------------------------------------------------------------ header synonyms
# What clerks really write above a column, besides the template's header (Column.zh) and the
# English name. By column name, for every kind that has the column; KIND_SYNONYMS adds (or, for a
# column whose meaning differs by kind, gives) the variants of one kind. A synonym names one column
# of a kind only (tests/ingest/test_headers.py checks it).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "deputy_id": ("代表编码", "代表证号", "代表证编号", "代表ID"),
    "name": ("代表姓名",),
    "gender": ("性 别",),
    "ethnicity": ("民 族", "族别"),
    "birth_year": ("出生年", "出生年度", "出生年月"),
    "level": ("代表层级", "人大层级", "级别", "代表级别"),
    "congress_code": ("所属人大代码", "人大代码", "所属人大编号", "届别代码"),
    "electoral_unit": ("选区", "选举单位（选区）", "原选举单位"),
    "is_grassroots": ("基层代表", "是否基层"),
    "is_leader": ("是否领导干部", "领导干部", "是否领导干部代表", "领导职务"),
    "group_id": ("代表小组编号", "所在代表小组", "小组"),
    "station_id": ("站点编号", "联系站点编号", "家室站编号", "所在站点"),
    "county": ("县（市、区）", "县市区", "所属县区", "县(市、区)"),
    "term_start": ("任期起", "任期开始日期", "任职开始", "任期起始日期"),
    "term_end": ("任期止", "任期结束日期", "任职结束", "任期截止日期"),
    "status_date": ("状态变更日期", "离任日期", "变动日期"),
    "id_card_no": ("身份证号码", "公民身份号码", "身份证"),
    "phone": ("手机号", "手机号码", "联系电话", "电话"),
    "prefecture_code": ("州市编码", "地州市代码", "行政区划代码", "州（市）代码"),
    "meeting_id": ("会议编码",),
    "meeting_type": ("会议类别", "会议种类"),
    "session_no": ("届次（次会议）", "会次", "第几次会议"),
    "start_date": ("会议开始日期", "开会日期", "召开日期", "开始时间"),
    "end_date": ("会议结束日期", "闭会日期", "结束时间"),
    "role": ("出席身份", "参会身份"),
    "speeches": ("发言次数（次）", "发言"),
    "motion_id": ("议案编码", "议案号"),
    "lead_deputy_id": ("领衔代表", "领衔人编号", "领衔代表编码"),
    "title": ("案由", "题目", "建议标题", "议案标题"),
    "submitted_on": ("提出时间", "提交日期", "提交时间"),
    "decision": ("处理意见", "审议结果"),
    "assigned_on": ("交办时间",),
    "concluded_on": ("办结时间", "完成日期"),
    "suggestion_id": ("建议编码", "建议号", "建议序号"),
    "cosigner_ids": ("联名代表", "附议代表"),
    "channel": ("提出渠道", "提出途径", "来源"),
    "category": ("建议类别", "分类", "所属类别"),
    "lead_unit": ("承办单位", "主办单位名称", "牵头单位"),
    "co_units": ("协办单位名称", "会办单位"),
    "is_key_supervised": ("重点督办", "是否重点", "重点督办件"),
    "extended_due": ("延期日期", "延期办理至", "批准延期至"),
    "replied_on": ("答复时间", "办复日期", "办复时间", "答复日"),
    "reply_class": ("答复类型", "办理结果类别", "办复类别", "答复分类"),
    "satisfaction": ("满意度", "代表意见", "代表评价", "满意程度"),
    "supervising_leader": ("督办领导人", "领衔督办领导", "督办责任领导"),
    "activity_id": ("活动编码",),
    "organiser": ("组织单位", "组织者", "主办方"),
    "activity_type": ("活动类别", "活动形式"),
    "activity_date": ("活动时间",),
    "member_name": ("联系人姓名", "常委会组成人员", "联系领导"),
    "member_role": ("联系人类别", "联系人职务类别"),
    "year": ("年份", "联系年度"),
    "contact_date": ("联系时间",),
    "method": ("联系方式",),
    "station_type": ("站点类型",),
    "township": ("乡镇", "乡镇（街道）", "乡（镇、街道）"),
    "established_on": ("建成时间", "成立日期", "建立日期"),
    "reception_date": ("接待时间", "进站日期"),
    "visitors": ("接待人次", "接待群众", "接待群众（人次）"),
    "opinions_collected": ("收集意见建议数", "收集意见", "收集建议"),
    "opinions_resolved": ("已办结数", "办结数", "办结意见建议"),
    "training_id": ("培训编码", "培训班编号"),
    "training_type": ("培训类别",),
    "training_date": ("培训时间",),
    "project_id": ("项目编码",),
    "voted_on": ("票决时间",),
    "votes_for": ("赞成", "赞成票数"),
    "votes_against": ("反对", "反对票数"),
    "completed_on": ("完成时间",),
    "satisfaction_rate": ("满意度", "满意率", "满意度（%）", "测评满意度"),
}
KIND_SYNONYMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("deputies", "status"): ("代表状态", "在任状态", "任职状态"),
    ("attendance", "status"): ("出席情况", "出席状态"),
    ("projects", "status"): ("项目状态", "实施状态", "进展情况"),
    ("stations", "name"): ("站点名称", "家室站名称"),
    ("projects", "name"): ("项目名称", "实事名称"),
    ("projects", "level"): ("项目层级", "级别"),
    # 答复记录 (issue 18)
    ("replies", "unit"): ("承办单位", "答复单位", "办理单位名称"),
    ("replies", "reply_no"): ("答复次数", "第几次答复", "答复顺序"),
    ("replies", "reply_type"): ("答复性质", "答复种类"),
    ("replies", "planned_year"): ("计划解决年份", "承诺解决年度", "计划年度"),
    ("replies", "consultation"): ("沟通形式", "办前沟通", "沟通情况"),
    ("replies", "result_satisfaction"): ("结果满意度", "办理结果评价", "对办理结果满意度"),
    ("replies", "attitude_satisfaction"): ("态度满意度", "办理态度评价", "对办理态度满意度"),
    ("replies", "feedback_on"): ("反馈时间", "评价日期", "代表反馈日期"),
}
# Generic variants that name another thing in a kind (a station's 名称 is not a deputy's 姓名).
_NOT_IN_KIND = {("stations", "name"): ("代表姓名",), ("projects", "name"): ("代表姓名",),
                # in 答复记录, 答复类型 is the reply's type (阶段性/正式/重新办理), not its class
                ("replies", "reply_class"): ("答复类型",)}
# Fields entered as 0–100 that Excel may hold as a fraction shown with a percent format.
PERCENT_FIELDS = frozenset({"satisfaction_rate"})


def header_names(kind: Kind, column: Column) -> tuple[str, ...]:
    """Every header that names the column in this kind: the template's first, then the variants."""
    drop = _NOT_IN_KIND.get((kind.name, column.name), ())
    names = (column.zh, column.header, column.name, *KIND_SYNONYMS.get((kind.name, column.name), ()),
             *(n for n in SYNONYMS.get(column.name, ()) if n not in drop))
    return tuple(dict.fromkeys(names))
