"""Interface text in Chinese (default) and English, and the Chinese/English column labels.

`t(key)` returns the text for the language chosen in the sidebar (session key `lang_en`).
Exports always use the Chinese labels (`label(column, "zh")`), whatever the interface language.
"""

from __future__ import annotations

import threading

import streamlit as st

from lvzhi import labels
from lvzhi.labels import COLUMNS

LANG_KEY = "lang_en"

TEXT: dict[str, tuple[str, str]] = {
    # app and pages
    "app_title": ("人大代表履职数据", "Deputy work dashboard"),
    "page_overview": ("总览", "Overview"),
    "page_suggestions": ("建议办理", "Suggestions"),
    "page_attendance": ("会议出席与列席", "Attendance"),
    "page_activities": ("闭会期间活动", "Activities"),
    "page_liaison": ("联系代表", "Liaison"),
    "page_stations": ("家室站", "Stations"),
    "page_trainings": ("培训", "Training"),
    "page_deputy": ("代表履职档案", "Deputy record"),
    "page_quality": ("数据质量", "Data quality"),
    "english": ("English", "English"),
    # filters
    "filters": ("筛选", "Filters"),
    "year": ("年度", "Year"),
    "quarter": ("季度", "Quarter"),
    "whole_year": ("全年", "Whole year"),
    "prefecture": ("地州市", "Prefecture"),
    "term": ("届期", "Term"),
    "no_term": ("按年度/季度", "By year/quarter"),
    "term_help": (
        "选择届期（人大代码-届次，如 654000-15）后，指标按整届统计；仅部分指标有届期数值。",
        "A term (congress code - term number, e.g. 654000-15) shows whole-term values; only some indicators have them.",
    ),
    "term_period": ("届期 {term}", "term {term}"),
    "region": ("全区", "Whole region"),
    "county": ("县（市、区）", "County"),
    "whole_prefecture": ("全部县区", "All counties"),
    "as_of": ("统计日", "As of"),
    "published_at": ("发布时间", "Published"),
    # messages
    "not_published": (
        "尚未发布任何数据。请先导入报送文件并构建：\n\n"
        "```\nlvzhi --home {home} ingest <报送文件目录>\nlvzhi --home {home} build --as-of 2025-12-31\n```\n\n"
        "或运行 `make demo` 生成示例数据。构建完成后刷新本页即可。",
        "Nothing has been published yet. Ingest the submission files and build:\n\n"
        "```\nlvzhi --home {home} ingest <folder>\nlvzhi --home {home} build --as-of 2025-12-31\n```\n\n"
        "or run `make demo` for sample data, then reload this page.",
    ),
    "no_data": ("暂无数据", "No data yet"),
    "no_rows": ("没有符合条件的记录", "No matching records"),
    "family_no_data": ("该类指标暂无数据（尚未报送或尚未计算）", "No values for this family yet"),
    "header_caption": ("统计日 {as_of} · 期间 {period} · 范围 {scope}", "As of {as_of} · period {period} · scope {scope}"),
    "last_submission": ("{name}最近报送：{date}", "{name} last submitted: {date}"),
    "never_submitted": ("尚未报送", "nothing submitted"),
    "missing_submissions": ("尚未报送任何文件的地州市：{names}", "Prefectures with no file yet: {names}"),
    "freshness_expander": ("各地州市最近报送情况", "Last submission per prefecture"),
    "download_excel": ("下载 Excel", "Excel"),
    "download_csv": ("下载 CSV", "CSV"),
    "definitions": ("指标定义", "Indicator definitions"),
    # KPI cards
    "target": ("目标", "target"),
    "no_target": ("无目标值", "no target"),
    "small_sample": ("样本不足", "small sample"),
    "formula": ("公式", "Formula"),
    "basis": ("依据", "Basis"),
    "previous": ("较上期", "vs previous"),
    "pp": ("个百分点", "pp"),
    # overview
    "ranking": ("地州市排名", "Prefecture ranking"),
    "ranking_indicator": ("排名指标", "Indicator to rank"),
    "ranking_note": (
        "样本数 n < 10 的地州市标为“样本不足”，不参与排名；虚线为目标值。",
        "Prefectures with n < 10 are flagged as small samples and not ranked; the dashed line is the target.",
    ),
    "trend": ("季度趋势", "Quarterly trend"),
    "ranking_table": ("排名明细", "Ranking table"),
    # suggestions
    "funnel": ("办理进度（按提出日期）", "Lifecycle (by submission date)"),
    "stage_submitted": ("提出", "Submitted"),
    "stage_assigned": ("交办", "Assigned"),
    "stage_replied": ("已答复", "Replied"),
    "stage_concluded": ("已办结", "Concluded"),
    "overdue_list": ("超期未答复建议", "Overdue suggestions"),
    "overdue_note": (
        "交办日期在所选期间内、答复期限早于统计日且截至统计日仍未答复的建议，按超期天数排序。",
        "Assigned in the chosen period, due before the as-of date and not replied by then; most overdue first.",
    ),
    "by_unit": ("各主办单位按期答复情况", "On-time replies by handling unit"),
    "key_supervised": ("重点督办建议", "Key supervised suggestions"),
    "reply_classes": ("答复类别", "Reply classes"),
    "satisfaction": ("代表满意度（未反馈单列，不计为不满意）", "Satisfaction (no feedback kept apart)"),
    "part_title": ("查看", "Show"),
    "part_chase": ("催办与督办", "Chase and supervise"),
    "part_units": ("办理单位", "Handling units"),
    "part_replies": ("答复与满意度", "Replies and satisfaction"),
    "part_ranking": ("各地排名与趋势", "Ranking and trend"),
    "part_all": ("全部", "All"),
    "unknown_deputy_note": (
        "领衔代表编号不在名册中的建议不计入本页，见“数据质量”页。",
        "Suggestions whose lead deputy is not in any roster are left out here; see Data quality.",
    ),
    "state_replied": ("已答复", "replied"),
    "state_overdue": ("超期未答复", "overdue"),
    "state_open": ("办理中", "in progress"),
    # attendance
    "attendance_status": ("人代会出席状态（请假、缺席分列）", "Congress attendance by status"),
    "observer_meetings": ("常委会会议列席情况", "Observers per standing-committee meeting"),
    # deputy
    "deputy_search": ("按姓名或代表编号查找", "Search by name or deputy id"),
    "deputy_pick": ("选择代表", "Choose a deputy"),
    "deputy_facts": ("基本情况", "Facts"),
    "deputy_suggestions": ("领衔建议", "Suggestions led"),
    "deputy_meetings": ("出席列席记录", "Meeting attendance"),
    "deputy_score": ("履职积分及构成", "Duty score and its parts"),
    "deputy_hint": ("输入姓名或编号开始查找。", "Type a name or id to search."),
    # prefecture tiles
    "tiles": ("各地州市一览（颜色按所选指标的达标状态）", "Prefectures at a glance (colour: status on the chosen indicator)"),
    # handling units (indicator_values)
    "unit_ranking": ("各办理单位按期答复率排名", "On-time reply rate by handling unit"),
    "unit_ranking_note": (
        "来自指标表（范围层级：办理单位）；每个承办单位（含协办单位）各计一次；样本数 n < 10 的单位标为“样本不足”，不参与排名。",
        "From indicator_values (handling units; each unit, co-units too, counts once); units with n < 10 are "
        "flagged as small samples and not ranked.",
    ),
    "unit_indicator": ("单位指标", "Unit indicator"),
    # stations
    "station_flags": ("“十有”各项达标情况", "Ten standards: share of stations per flag"),
    "receptions": ("进站接待与意见办理", "Receptions and opinions"),
    "flag_has_site": ("有场所", "Site"),
    "flag_has_sign": ("有标牌", "Sign"),
    "flag_has_equipment": ("有设备", "Equipment"),
    "flag_has_staff": ("有人员", "Staff"),
    "flag_has_rules": ("有制度", "Rules"),
    "flag_has_plan": ("有计划", "Plan"),
    "flag_has_activities": ("有活动", "Activities"),
    "flag_has_records": ("有记录", "Records"),
    "flag_has_ledger": ("有台账", "Ledger"),
    "flag_has_funds": ("有经费", "Funds"),
    # activities
    "activity_quarters": ("代表小组活动与代表参与（按季度）", "Group activity and deputy participation by quarter"),
    "activities_held": ("活动次数", "Activities held"),
    "deputies_taking_part": ("活动次数与参加代表人数", "Activities and deputies taking part"),
    "activity_quarters_note": (
        "活动按地州市统计（不分县区），截至统计日；小组活动指组织方为代表小组且注明小组的活动。",
        "Activities are counted per prefecture (not county), up to the as-of date; group activity = "
        "organised by a deputy group naming the group.",
    ),
    # data quality
    "freshness": ("报送与入库情况", "Submissions and loads"),
    "quarantine": ("隔离记录（未入库的行）", "Quarantined rows"),
    "reference_errors": ("引用错误（未计入指标）", "Reference errors (left out of indicators)"),
    "key_conflicts": ("编号冲突（已由其他州市先报送，未计入）", "Key conflicts (another prefecture's key, left out)"),
    # login, roles, audit and admin (issue 9)
    "no_users": ("尚未创建任何用户。请在服务器上运行：lvzhi --home {home} user add 用户名 --role admin",
                 "No users yet. On the server run: lvzhi --home {home} user add NAME --role admin"),
    "login_title": ("登录", "Log in"),
    "login_name": ("用户名", "User name"),
    "login_password": ("密码", "Password"),
    "login_button": ("登录", "Log in"),
    "logged_in_as": ("当前用户：{name}（{role}）", "Logged in: {name} ({role})"),
    "logout": ("退出登录", "Log out"),
    "page_admin": ("系统管理", "Administration"),
    "admin_only": ("只有管理员可以打开此页面", "Only administrators may open this page"),
    "audit_log": ("审计日志", "Audit log"),
    "audit_intact": ("共 {n} 条记录，校验链完整（未被修改或删除）", "{n} entries; the hash chain is intact"),
    "audit_broken": ("审计日志第 {line} 行起校验失败：日志可能被修改或删除过。{detail}",
                     "The audit log fails its check from line {line} on: {detail}"),
    "audit_torn": ("审计日志第 {line} 行不完整（写入时中断）。{detail}", "Audit log line {line} is incomplete (a crash mid-write): {detail}"),
    "audit_user": ("用户", "User"),
    "audit_action": ("操作", "Action"),
    "users": ("用户", "Users"),
    "users_cli_hint": ("添加用户、修改密码请在服务器上使用 lvzhi user add / passwd（密码不经过网页）。",
                       "Add users and change passwords on the server with lvzhi user add / passwd."),
    "disable_user": ("停用该用户", "Disable this user"),
    "enable_user": ("重新启用该用户", "Enable this user"),
    "published_versions": ("已发布版本", "Published versions"),
    "rollback": ("回退到上一个版本", "Roll back to the previous version"),
    "rolled_back": ("已回退到 {version}", "Rolled back to {version}"),
    # SQL workbench and data dictionary (issue 7)
    "page_sql": ("数据查询", "SQL workbench"),
    "page_docs": ("数据字典", "Data dictionary"),
    "sql_intro": (
        "在已发布数据（只读）上执行一条查询：只允许 SELECT/WITH/EXPLAIN/DESCRIBE/SHOW/SUMMARIZE，"
        "不能读写文件；超过 {timeout:g} 秒（含读取结果）、内存超过 {memory} 或结果超过 {mb:g} MB 自动中止；"
        "页面显示前 {shown:,} 行，下载最多 {download:,} 行。"
        "表名可直接写（如 indicator_values），也可写 marts.indicator_values。每次查询都记入审计日志。",
        "One query on the published data (read-only): SELECT/WITH/EXPLAIN/DESCRIBE/SHOW/SUMMARIZE only, "
        "no files; stopped after {timeout:g} s (fetching included), past {memory} of memory or a result past "
        "{mb:g} MB; the first {shown:,} rows are shown, downloads hold up to "
        "{download:,}. Write table names as they are (indicator_values) or as marts.indicator_values. "
        "Every query is audited.",
    ),
    "sql_schema": ("表与字段", "Tables and columns"),
    "sql_pick_table": ("查看表的字段", "Columns of table"),
    "sql_query_table": ("查询此表（前100行）", "Query this table (first 100 rows)"),
    "sql_starter": ("示例查询", "Starter queries"),
    "sql_starter_placeholder": ("选择一个示例查询载入编辑器", "Load a starter query into the editor"),
    "sql_starter_overdue": ("超期未答复建议（按承办单位）", "Overdue suggestions by handling unit"),
    "sql_starter_rates": ("各地州市建议按期答复率（年度）", "On-time reply rate by prefecture (year)"),
    "sql_starter_inactive": ("本年度无闭会期间活动的代表", "Deputies with no activity this year"),
    "sql_starter_catalogue": ("指标目录", "Indicator catalogue"),
    "sql_starter_summarize": ("建议事实表各列概况（SUMMARIZE）", "Profile of the suggestions table (SUMMARIZE)"),
    "sql_editor": ("SQL", "SQL"),
    "sql_run": ("执行查询", "Run query"),
    "sql_result": ("{rows:,} 行 · {ms:,.0f} ms · {kind}", "{rows:,} rows · {ms:,.0f} ms · {kind}"),
    "sql_shown_only": ("页面只显示前 {shown:,} 行；下载包含全部 {rows:,} 行。",
                       "Only the first {shown:,} rows are shown; downloads hold all {rows:,}."),
    "sql_truncated": ("结果超过 {cap:,} 行，只取前 {cap:,} 行：请加筛选条件或聚合。",
                      "More than {cap:,} rows: only the first {cap:,} were fetched. Filter or aggregate."),
    "sql_no_rows": ("查询没有返回任何行", "The query returned no rows"),
    "sql_save": ("保存查询", "Save query"),
    "sql_save_name": ("名称", "Name"),
    "sql_save_description": ("说明", "Description"),
    "sql_saved_ok": ("已保存“{name}”", "Saved “{name}”"),
    "sql_save_needs": ("请填写名称并输入查询语句", "Give a name and a query"),
    "sql_saved": ("我的查询", "My saved queries"),
    "sql_no_saved": ("还没有保存的查询", "No saved queries yet"),
    "sql_load": ("载入", "Load"),
    "sql_delete": ("删除", "Delete"),
    "sql_history": ("查询历史（最近 {n} 条）", "History (last {n})"),
    "sql_no_history": ("还没有查询记录", "No queries yet"),
    "sql_col_table": ("表", "Table"),
    "sql_col_rows": ("行数", "Rows"),
    "sql_col_column": ("字段", "Column"),
    "sql_col_type": ("类型", "Type"),
    "sql_col_description": ("说明", "Description"),
    "sql_col_description_zh": ("中文说明", "Chinese"),
    "sql_col_description_en": ("英文说明", "English"),
    "sql_col_at": ("时间", "At"),
    "sql_col_status": ("结果", "Status"),
    "sql_col_ms": ("耗时(ms)", "ms"),
    "sql_col_sql": ("查询语句", "SQL"),
    "docs_intro": (
        "已发布数据（版本 {version}，统计日 {as_of}）中的全部表与字段，说明取自模型文档（dbt）。"
        "在“数据查询”页可直接查询这些表；不含原始层（身份证号哈希、未脱敏手机等）。",
        "Every published table and column (version {version}, as of {as_of}), described from the model "
        "documentation (dbt). Query them on the SQL workbench page; raw tables with personal data are not published.",
    ),
    "docs_search": ("搜索表名、字段或说明", "Search tables, columns, descriptions"),
    "docs_tables": ("{n} 张表", "{n} tables"),
    "docs_no_match": ("没有匹配的表或字段", "No table or column matches"),
    "sql_analysts_only": ("只有分析员和管理员可以使用数据查询", "Only analysts and administrators may run SQL"),
    # export files (issue 8)
    "page_exports": ("导出文件", "Export files"),
    "exports_caption": (
        "定时导出任务（exports.yml）生成的文件，每次导出一组，最新在前；由 lvzhi schedule 或 lvzhi export run 生成。",
        "Files written by the scheduled export jobs (exports.yml), one set per run, newest first; made by "
        "lvzhi schedule or lvzhi export run.",
    ),
    "exports_job": ("运行时间 {cron}（{zone}）· 期间 {period} · 格式 {formats} · 上次 {last} {at}",
                    "Job {name} · runs {cron} ({zone}) · period {period} · formats {formats} · last {last} {at}"),
    "exports_no_runs": ("“{name}”尚无导出文件", "“{name}” has not written any files yet"),
    "exports_run": ("{period} · 统计日 {as_of} · 生成于 {at} · {files} 个文件",
                    "{period} · as of {as_of} · made {at} · {files} files"),
    "exports_pick_run": ("选择一次导出", "Run"),
    "exports_file": ("文件", "File"),
    "exports_scope": ("范围", "Scope"),
    "exports_format": ("格式", "Format"),
    "exports_rows": ("行数", "Rows"),
    # reports and topics (issue 19)
    "page_reports": ("报告", "Reports"),
    "reports_caption": (
        "从已发布数据起草年度报告代表工作部分（Word）和代表建议办理情况报告（Word 或 Excel），范围为所选地州市（或全区），"
        "年度为所选年度；附录列出每个数字的来源，便于核对。也可用 lvzhi report 或 exports.yml 中的报告任务生成。",
        "Drafts from the published data: the annual report's deputy-work section (Word) and the suggestion-handling "
        "report (Word or Excel), for the chosen prefecture (or the region) and year; an appendix gives each figure's "
        "source. Also made by lvzhi report or the report jobs of exports.yml.",
    ),
    "reports_annual": ("年度报告代表工作部分初稿", "Annual report, deputy-work section (draft)"),
    "reports_handling": ("代表建议办理情况报告", "Suggestion-handling report"),
    "reports_kind": ("报告", "Report"),
    "reports_format": ("格式", "Format"),
    "reports_make": ("生成", "Make"),
    "reports_download": ("下载 {name}", "Download {name}"),
    "reports_preview": ("正文预览", "Text preview"),
    "reports_region_only_leaders": ("全区报告仅限区领导、分析员和管理员；请在侧栏选择地州市",
                                    "Region reports are for region-wide users; choose a prefecture in the sidebar"),
    "topics_title": ("代表反映集中的问题", "What deputies raise most"),
    "topics_note": (
        "按建议标题归并的问题（分词并去掉地名和常用动词后，按用词和字面相似度归组），按涉及地州市数、件数排序；"
        "选择一个问题查看其建议（第二十七条：重点督办建议可从代表反映比较集中的问题中提出）。",
        "Suggestion titles grouped into problems (segmented, place names and common verbs removed, grouped by shared "
        "words and similar text), most widely raised first; pick one to list its suggestions (art. 27).",
    ),
    "topics_pick": ("查看问题", "Problem"),
    "topics_show": ("归并问题并列出相似建议", "Group the problems and list similar suggestions"),
    "topics_show_help": (
        "逐条比较所选范围和期间的全部建议标题，全区一年的建议需要较长时间；结果按数据版本和范围缓存。",
        "Compares every suggestion title of the chosen scope and period; a whole region's year takes a while. "
        "The result is kept per data version and scope.",
    ),
    "topics_computing": ("正在归并建议标题…", "Grouping the suggestion titles…"),
    "topics_members": ("该问题的建议 {n} 件", "{n} suggestions on this problem"),
    "similar_title": ("相似建议", "Similar suggestions"),
    "similar_note": ("内容相近的建议两两列出，供合并交办参考", "Pairs of suggestions with near-identical content, for joint assignment"),
    # dashboard speed (issue 6)
    "unit_ranking_lowest": ("（按期答复率最低的 {n} 个单位，全部单位见下表）",
                            " (the {n} units with the lowest rate; every unit in the table below)"),
    # long tables: the rows acted on first, a switch for all (ui.top_rows)
    "show_all_units": ("显示全部 {total} 个办理单位", "Show all {total} handling units"),
    "top_rows_tail": ("打开上方开关显示全部；下载的 Excel、CSV 始终包含全部。",
                      " Turn on the switch above to show all; the Excel and CSV downloads always hold every row."),
    "top_units": ("当前显示超期未答复件数最多的 {n} 个办理单位（共 {total} 个）。",
                  "Showing the {n} handling units with the most overdue suggestions ({total} in all)."),
    "show_all_unit_ranking": ("显示全部 {total} 个单位（按名次）", "Show all {total} units (by rank)"),
    "top_unit_ranking": ("当前显示按期答复率最低的 {n} 个单位，由低到高（共 {total} 个；样本不足、无数据的排在最后）。",
                         "Showing the {n} units with the lowest on-time reply rate, lowest first ({total} in all; "
                         "small samples and units without data last)."),
    "show_all_overdue": ("显示全部 {total} 件超期未答复建议", "Show all {total} overdue suggestions"),
    "top_overdue": ("当前显示超期天数最多的 {n} 件（共 {total} 件）。",
                    "Showing the {n} suggestions overdue longest ({total} in all)."),
    "show_all_due_soon": ("显示全部 {total} 件即将到期建议", "Show all {total} suggestions due soon"),
    "top_due_soon": ("当前显示离答复期限最近的 {n} 件（共 {total} 件）。",
                     "Showing the {n} suggestions closest to their deadline ({total} in all)."),
    "show_all_key_supervised": ("显示全部 {total} 件重点督办建议", "Show all {total} key-supervised suggestions"),
    "top_key_supervised": ("当前显示 {n} 件：未答复的在前，超期最久的优先（共 {total} 件）。",
                           "Showing {n}: unanswered first, longest overdue first ({total} in all)."),
    "show_all_stations": ("显示全部 {total} 个家室站", "Show all {total} stations"),
    "top_stations": ("当前显示意见办理率最低的 {n} 个家室站，由低到高（共 {total} 个；未收集意见的排在最后）。",
                     "Showing the {n} stations resolving the smallest share of their opinions, lowest first "
                     "({total} in all; stations without opinions last)."),
    "show_all_quarantine": ("显示全部 {total} 条隔离记录", "Show all {total} quarantined rows"),
    "top_quarantine": ("当前显示最近载入的 {n} 条（共 {total} 条）。", "Showing the {n} loaded last ({total} in all)."),
    "show_all_reference_errors": ("显示全部 {total} 条引用错误", "Show all {total} reference errors"),
    "top_reference_errors": ("当前显示按文件和行号排在前面的 {n} 条（共 {total} 条）。",
                             "Showing the first {n} by file and row ({total} in all)."),
}


# issue 17: honest bands, drill-through, exceptions, empty states, sessions, print/PDF
TEXT |= {
    "bands": ("状态划分", "Bands"),
    "bands_none": ("无目标值，不划分状态、不着色", "no target: no band, no colour"),
    "numbers": ("分子 / 分母(n)", "numerator / n"),
    "previous": ("较上期", "vs previous period"),
    "card_records": ("查看明细 →", "Records →"),
    "card_records_help": ("逐件列出交办、期限、答复日期与超期天数", "Each suggestion with assigned, due, replied, days overdue"),
    "card_ranking": ("各地排名 →", "Ranking →"),
    "card_ranking_help": ("按此指标查看各地州市（县区）排名与趋势", "Rank the prefectures (counties) on this indicator"),
    "county_ranking": ("{name}各县区排名", "Counties of {name}"),
    "ranking_click": ("点击色块、条形或表格中的“查看”进入该地的页面。", "Click a tile, a bar or a row's link to open that scope."),
    "tiles_counties": ("{name}各县区一览（颜色按所选指标的状态；点击进入）",
                       "Counties of {name} (colour: status on the chosen indicator; click to open)"),
    "not_due": ("未到期", "not yet due"),
    "not_due_note": (
        "虚线空心点（{quarters}）：这些季度交办的建议尚未全部到答复期限（交办后3个月），比率仍在上升，不是下降。",
        "Dotted, open markers ({quarters}): suggestions assigned then are not all due yet (3 months after "
        "assignment); the rate is still rising, not falling.",
    ),
    "open_link": ("查看 →", "Open →"),
    "year_missing": ("{year}年暂无数据，当前显示 {shown} 年。", "No data for {year}; showing {shown}."),
    "year_offer": ("查看最近有数据的年度：{year} →", "Nearest year with data: {year} →"),
    # exceptions view (总览)
    "exceptions": ("需要关注", "Needs attention"),
    "exceptions_summary": ("{scope} {period}：有目标值的 {total} 项指标中，{off} 项未达目标（{red} 项未达标、{amber} 项接近目标），"
                           "{met} 项达标，{unknown} 项样本不足或暂无数据（不作判断）。",
                           "{scope} {period}: of {total} indicators with a target, {off} miss it ({red} below, {amber} near), "
                           "{met} meet it, {unknown} have too small a sample or no data."),
    "exceptions_unknown": ("{scope} {period}：有目标值的 {total} 项指标中没有未达目标的，{met} 项达标，{unknown} 项样本不足或暂无数据（不作判断）。",
                           "{scope} {period}: none of {total} targeted indicators is known to miss it; {met} meet it, "
                           "{unknown} have too small a sample or no data."),
    "exceptions_none": ("{scope} {period}：有目标值的 {total} 项指标全部达标。", "{scope} {period}: all {total} targeted indicators meet their target."),
    "matrix": ("地州市 × 指标（颜色为状态，格内为数值与 n；灰色为样本不足或无数据；点击进入该地）",
               "Prefecture × indicator (colour = band; value and n in each cell; grey = small sample or no data; click to open)"),
    "matrix_counties": ("{name}各县区 × 指标", "Counties of {name} × indicator"),
    "matrix_scope": ("地区", "Scope"),
    "overdue_by_unit": ("超期未答复与即将到期（30天内）建议，按办理单位", "Overdue and due within 30 days, by handling unit"),
    "overdue_by_unit_note": ("点击单位或件数查看逐件明细（交办、期限、答复、超期天数）。",
                             "Click a unit or a number for the list (assigned, due, replied, days overdue)."),
    "col_overdue": ("超期未答复", "overdue"),
    "col_due_soon": ("30天内到期", "due in 30 days"),
    "by_unit_chart": ("各主办单位按期答复率（每个单位各计一次）", "On-time reply rate per handling unit (each unit once)"),
    "by_unit_vs_card": ("此图按办理单位计：一件建议有几个承办单位就计几次，各单位按自己的答复日期计；上方“按期答复率”卡片按建议计（每件一次，以主办单位为准），两者口径不同。",
                        "Counted per handling unit (a suggestion once per unit, each by its own reply); the card above "
                        "counts each suggestion once (its lead unit's reply): different quantities."),
    "n_count": ("交办件数 n", "assigned n"),
    "no_county_ranking": ("{name}的县区暂无此指标的数值，无法排名；地州市之间的排名只对全区用户显示。",
                          "No county values of this indicator for {name}: nothing to rank."),
    "all_indicators": ("各项指标", "All indicators"),
    "families_no_data": ("暂无数据：{names}（尚未报送或尚未计算）", "No values yet: {names}"),
    "misses": ("{n} 项指标未达目标", "{n} indicators off target"),
    "by_unit_unit": ("办理单位", "Handling unit"),
    "total_all_units": ("合计（{n} 个单位）", "Total ({n} units)"),
    "nothing_overdue": ("没有超期未答复或30天内到期的建议。", "Nothing overdue or due within 30 days."),
    "legend_green": ("达标：达到目标值", "meets target"),
    "legend_amber": ("接近目标：未达目标但在预警线以上", "near target"),
    "legend_red": ("未达标：低于预警线", "below target"),
    "legend_grey": ("灰：样本不足 / 无数据 / 无目标", "grey: small sample / no data / no target"),
    # records (建议明细)
    "page_records": ("建议明细", "Suggestion records"),
    "records_state": ("范围", "Which"),
    "state_all": ("全部", "all"),
    "state_due_soon": ("30天内到期", "due within 30 days"),
    "records_unit": ("办理单位：{unit}", "Handling unit: {unit}"),
    "records_note": ("每行一件建议：交办日期、答复期限（含批准延期）、答复日期、超期天数或距期限天数。超期 = 期限早于统计日且截至统计日未答复。",
                     "One suggestion per row: assigned, due (incl. approved extension), replied, days overdue or left."),
    "records_back": ("← 返回总览", "← Back to overview"),
    "records_all_units": ("全部单位", "all units"),
    # print / PDF / sessions
    "session_ended_elsewhere": ("已在其他页面退出登录或被管理员停用，请重新登录", "Logged out elsewhere; please log in again"),
    "export_pdf": ("导出 PDF", "Export PDF"),
    "pdf_help": ("在服务器上用 Chromium 无界面模式按 A4 横向打印当前页面（含中文字体）", "Print this view as A4 landscape PDF on the server (headless Chromium)"),
    "pdf_failed": ("PDF 生成失败：{error}", "PDF failed: {error}"),
    "pdf_ready": ("PDF 已生成，点击下载", "PDF ready: download"),
    "print_hint": ("也可用浏览器“打印”（已按 A4 横向排版，不含侧栏与控件）。", "Or use the browser's Print (A4 landscape, no sidebar or widgets)."),
}


# Families and statuses are labels of data (lvzhi.labels); the pages reach them through t() too.
TEXT |= {f"family_{key}": pair for key, pair in labels.FAMILIES.items()}
TEXT |= {f"status_{key}": pair for key, pair in labels.STATUSES.items()}

# A suggestion's whole life (issue 18).
TEXT |= {
    "due_soon_list": ("催办清单：30天内到期未答复的建议", "Chase list: suggestions due within 30 days, not replied"),
    "due_soon_note": (
        "按统计日生成（不受期间筛选影响）：各承办单位尚未作出实质性答复（阶段性答复不算）、答复期限在统计日至其后30天内的建议，"
        "含延期；“单位近一年按期答复率”按近12个月交办、已到期或已答复的件数计算。每周一另有按单位导出的工作簿（导出任务 chase）。",
        "As of the as-of date (the period filter does not apply): per handling unit, suggestions without its substantive "
        "reply (an interim reply does not count) due within 30 days, extensions included; the unit's on-time rate counts "
        "its suggestions assigned in the last 12 months that are due or replied. A workbook per unit goes out every "
        "Monday (export job chase).",
    ),
    "key_by_leader": ("重点督办建议（按督办领导）", "Key supervised suggestions by supervising leader"),
    "deputy_reply_history": ("建议办理经过（每次答复、类别、评价与重新办理）",
                             "Suggestion history: every reply, class, rating and re-handling"),
    "deputy_reply_note": (
        "本代表领衔建议的全部答复：阶段性答复不停表；不满意后的重新办理答复单列；B类答复在计划年度内收到A类答复为承诺兑现。"
        "未报送答复记录的州市以建议表的单列答复字段作为主办单位的一次正式答复。",
        "Every reply to the suggestions this deputy led: interim replies do not stop the clock; re-handling after "
        "不满意 is marked; a B promise is kept by an A reply within its planned year. Where a prefecture sends no reply "
        "records, the suggestion's single reply columns stand for one formal reply of the lead unit.",
    ),
    "reply_errors": ("答复记录问题（跨行、跨文件检查）", "Reply-record problems (across rows and files)"),
    "reply_errors_note": (
        "答复早于交办、无“不满意”评价即“重新办理答复”、答复序号不连续、建议编号不存在。这些答复仍计入指标，请核对后重新报送。",
        "A reply before assignment, a re-handling reply without an earlier 不满意, reply numbers with gaps, an unknown "
        "suggestion. These replies still count; please check and resubmit.",
    ),
    "no_duty_record": ("本年无履职记录的代表（第九十五条）", "Deputies with no duty record this year (Art. 95)"),
    "no_duty_record_note": (
        "在所选年度内至少在任一天、在任期间没有领衔或联名建议、议案，没有闭会期间活动、进站接待或培训记录的代表；"
        "“本年在任天数”说明其在任时间（如11月当选的代表）。",
        "Deputies who served at least one day in the chosen year and have no suggestion or motion (led or cosigned), "
        "activity, station reception or training while serving; days served shows how long they served (e.g. elected "
        "in November).",
    ),
}


_RUN = threading.local()  # the current script run's language (a run executes in one thread)


def fix_language(language: str | None) -> None:
    """Set by app.py once the language switch has run (None at the start of a run): lang() is asked
    ~600 times a page, and each session-state read cost a few microseconds."""
    _RUN.lang = language


def lang() -> str:
    fixed = getattr(_RUN, "lang", None)
    if fixed is not None:
        return fixed
    return "en" if st.session_state.get(LANG_KEY) else "zh"


def t(key: str, **values) -> str:
    zh, en = TEXT[key]
    text = en if lang() == "en" else zh
    return text.format(**values) if values else text


def label(column: str, language: str | None = None) -> str:
    pair = COLUMNS.get(column)
    if pair is None:
        return column
    return pair[1] if (language or lang()) == "en" else pair[0]


def family_label(family: str) -> str:
    return t(f"family_{family}") if f"family_{family}" in TEXT else family


def status_label(status: str | None) -> str:
    return t(f"status_{status}") if status else t("status_no_data")


def status_labels() -> dict[str | None, str]:
    """Every status's label in the interface language, for a loop or a column (one language look-up)."""
    english = lang() == "en"
    return {**{status: pair[english] for status, pair in labels.STATUSES.items()},
            None: labels.STATUSES["no_data"][english]}
