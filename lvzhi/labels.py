"""Chinese and English labels of data: columns, indicator families and statuses. No Streamlit: the
dashboard, the exports and any report read the same words here (exports use the Chinese ones)."""

from __future__ import annotations

# Indicator families (catalogue `family`): key -> (中文, English).
FAMILIES: dict[str, tuple[str, str]] = {
    "suggestions": ("建议办理", "Suggestions"),
    "motions": ("议案办理", "Motions"),
    "meetings": ("会议出席与列席", "Meetings"),
    "activities": ("闭会期间活动", "Activities"),
    "liaison": ("联系代表", "Liaison"),
    "stations": ("家室站", "Stations"),
    "trainings": ("培训", "Training"),
    "projects": ("民生实事", "Livelihood projects"),
    "deputies": ("代表履职", "Deputies"),
}

# Indicator statuses (indicator_values.status): key -> (中文, English).
STATUSES: dict[str, tuple[str, str]] = {
    "green": ("达标", "meets target"),  # the value meets the target itself
    "amber": ("接近目标", "near target"),  # below target, within the catalogue's amber band (amber_at)
    "red": ("未达标", "below target"),  # below the amber band
    "insufficient": ("样本不足", "small sample"),
    "no_data": ("暂无数据", "no data"),
    "none": ("无目标", "no target"),  # no target: no colour
}

# Table columns: column -> (中文, English).
COLUMNS: dict[str, tuple[str, str]] = {
    "indicator_id": ("指标编号", "Indicator id"),
    "scope_level": ("范围层级", "Scope level"),
    "scope_code": ("范围代码", "Scope code"),
    "period_type": ("期间类型", "Period type"),
    "period_start": ("期间开始", "Period start"),
    "period_end": ("期间结束", "Period end"),
    "as_of": ("统计日", "As of"),
    "suggestion_id": ("建议编号", "Suggestion"),
    "title": ("标题", "Title"),
    "prefecture_code": ("地州市代码", "Prefecture code"),
    "prefecture_name": ("地州市", "Prefecture"),
    "scope_name": ("范围", "Scope"),
    "lead_unit": ("主办单位", "Handling unit"),
    "assigned_on": ("交办日期", "Assigned"),
    "due_on": ("答复期限", "Due"),
    "replied_on": ("答复日期", "Replied"),
    "reply_class": ("答复类别", "Reply class"),
    "days_overdue": ("超期天数", "Days overdue"),
    "is_key_supervised": ("重点督办", "Key supervised"),
    "state": ("状态", "State"),
    "assigned": ("交办件数", "Assigned"),
    "replied": ("已答复", "Replied"),
    "on_time": ("按期答复", "On time"),
    "due_or_replied": ("应答复", "Due or replied"),
    "on_time_rate": ("按期答复率(%)", "On-time rate (%)"),
    "overdue": ("超期未答复", "Overdue"),
    "indicator_name": ("指标", "Indicator"),
    "value_display": ("数值", "Value"),
    "value_pct": ("数值(%)", "Value (%)"),
    "value": ("数值", "Value"),
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母(n)", "Denominator (n)"),
    "target": ("目标", "Target"),
    "status_label": ("状态", "Status"),
    "rank": ("名次", "Rank"),
    "period_label": ("期间", "Period"),
    "files_loaded": ("文件数", "Files"),
    "last_submitted_on": ("最近报送日期", "Last submitted"),
    "last_loaded_at": ("最近入库时间", "Last loaded"),
    "rows_loaded": ("入库行数", "Rows loaded"),
    "rows_quarantined": ("隔离行数", "Rows quarantined"),
    "open_errors": ("未解决引用错误", "Open reference errors"),
    "source_file": ("文件", "File"),
    "sheet": ("工作表", "Sheet"),
    "kind": ("记录类型", "Record kind"),
    "row_number": ("Excel行号", "Excel row"),
    "source_row_number": ("Excel行号", "Excel row"),
    "column_name": ("字段", "Column"),
    "header": ("表头", "Header"),
    "rule_id": ("规则", "Rule"),
    "message": ("说明", "Message"),
    "loaded_at": ("入库时间", "Loaded at"),
    "record_key": ("记录", "Record"),
    "referenced_id": ("引用编号", "Referenced id"),
    "status": ("状态", "Status"),
    "count": ("人次/件数", "Count"),
    "share_pct": ("占比(%)", "Share (%)"),
    "category": ("类别", "Category"),
    "meeting_id": ("会议编号", "Meeting"),
    "start_date": ("会议日期", "Date"),
    "meeting_type": ("会议类型", "Meeting type"),
    "role": ("身份", "Role"),
    "observers": ("列席人次", "Observers"),
    "deputy_id": ("代表编号", "Deputy id"),
    "name": ("姓名", "Name"),
    "gender": ("性别", "Gender"),
    "ethnicity": ("民族", "Ethnicity"),
    "level": ("层级", "Level"),
    "congress_code": ("所属人大", "Congress"),
    "serving_from": ("任期开始", "Serving from"),
    "term_end": ("任期结束", "Term end"),
    "left_on": ("离任日期", "Left on"),
    "phone_masked": ("手机（已脱敏）", "Phone (masked)"),
    "formula_zh": ("公式", "Formula"),
    "basis": ("依据", "Basis"),
    "unit": ("单位", "Unit"),
    "direction": ("方向", "Direction"),
    "family": ("类别", "Family"),
    "name_zh": ("指标", "Indicator"),
    "name_en": ("英文名", "English name"),
    "part": ("项目", "Part"),
    # deputy_profile
    "year_number": ("年度", "Year"),
    "served_from": ("本年在任起", "Served from"),
    "served_until": ("本年在任止", "Served until"),
    "days_served": ("在任天数", "Days served"),
    "sessions_expected": ("应出席人代会", "Sessions expected"),
    "sessions_attended": ("出席", "Attended"),
    "sessions_on_leave": ("请假", "On leave"),
    "sessions_absent": ("缺席", "Absent"),
    "sessions_unrecorded": ("未登记", "Unrecorded"),
    "session_attendance_rate": ("出席率", "Attendance rate"),
    "sc_meetings_observed": ("列席常委会", "SC meetings observed"),
    "speeches": ("发言", "Speeches"),
    "motions_led": ("领衔议案", "Motions led"),
    "motions_cosigned": ("附议议案", "Motions co-signed"),
    "suggestions_led": ("领衔建议", "Suggestions led"),
    "suggestions_cosigned": ("联名建议", "Suggestions co-signed"),
    "activities": ("闭会期间活动", "Activities"),
    "receptions": ("进站接待", "Receptions"),
    "trainings": ("培训", "Trainings"),
    "duty_score": ("履职积分", "Duty score"),
    "duty_score_per_365_days": ("年化履职积分", "Score per 365 days"),
    "county": ("县区", "County"),
    "flag": ("“十有”项目", "Standard"),
    "flag_label": ("“十有”项目", "Standard"),
    "stations_with": ("达标站数", "Stations with it"),
    "stations": ("站点数", "Stations"),
    "share": ("占比(%)", "Share (%)"),
    "station_id": ("站点编号", "Station"),
    "station_name": ("站点名称", "Station name"),
    "visitors": ("接待群众人次", "Visitors"),
    "opinions_collected": ("收集意见", "Opinions collected"),
    "opinions_resolved": ("办理意见", "Opinions resolved"),
    "resolved_share": ("意见办理率(%)", "Resolved (%)"),
    "groups_active": ("开展活动的小组", "Groups active"),
    "groups": ("代表小组数", "Groups"),
    "activities_held": ("活动次数", "Activities held"),
    "deputies_active": ("参加活动的代表", "Deputies taking part"),
    "is_small_sample": ("样本不足", "Small sample"),
    "unit_name": ("办理单位", "Handling unit"),
    "unit_role": ("承办方式", "Role"),
    # audit log and users (issue 9)
    "at": ("时间", "Time"),
    "user": ("用户", "User"),
    "action": ("操作", "Action"),
    "detail": ("内容", "Detail"),
    "display_name": ("显示名", "Display name"),
    "user_role": ("角色", "Role"),
    "prefectures": ("可查看的地州市", "Prefectures"),
    "disabled": ("已停用", "Disabled"),
    "created_at": ("创建时间", "Created"),
    # drill-through and record lists (issue 17)
    "link": ("查看", "Open"),
    "days_left": ("距期限天数", "Days left"),
    "unit_overdue": ("超期未答复", "Overdue"),
    "unit_due_soon": ("30天内到期", "Due within 30 days"),
    "co_units": ("协办单位", "Co-units"),
    "satisfaction": ("代表满意度", "Satisfaction"),
    "concluded_on": ("办结日期", "Concluded"),
}


def column(name: str, language: str = "zh") -> str:
    pair = COLUMNS.get(name)
    return name if pair is None else pair[language == "en"]


def family(key: str, language: str = "zh") -> str:
    pair = FAMILIES.get(key)
    return key if pair is None else pair[language == "en"]


def status(key: str | None, language: str = "zh") -> str:
    return STATUSES[key or "no_data"][language == "en"] if (key or "no_data") in STATUSES else key
