"""Issue 18 at ingest: the reply records (kind 11 答复记录), their row rules in Chinese, the
督办领导 column, contacts keyed by method, and a raw table that gains a column added later."""

from __future__ import annotations

from ingest.load import ensure_raw_schema
from ingest.run import ingest_file
from ingest.schemas import KINDS_BY_NAME
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv, write_xlsx

REPLY_HEADER = ["建议编号*", "办理单位*", "答复序号*", "答复类型*", "答复日期*", "答复类别", "计划解决年度",
                "沟通方式", "办理结果满意度", "办理态度满意度", "反馈日期"]


def test_reply_records_load_and_row_rules_quarantine(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_答复记录_2024.csv", [
        REPLY_HEADER,
        ["S1", "州教育局", "1", "阶段性答复", "2024-03-01", "", "", "", "", "", ""],              # 2 ok
        ["S1", "州教育局", "2", "正式答复", "2024-05-20", "B", "2025", "电话", "不满意", "基本满意", "2024-05-25"],  # 3 ok
        ["S1", "州教育局", "3", "重新办理答复", "2024-06-20", "B", "", "走访", "满意", "满意", "2024-06-25"],  # 4 B, no year
        ["S2", "州水利局", "1", "正式答复", "2024-04-01", "A", "", "座谈", "满意", "满意", "2024-03-30"],  # 5 feedback first
        ["S3", "州水利局", "1", "答复", "2024-04-01", "A", "", "微信", "", "", ""],                # 6 two enums
        ["S4", "州水利局", "1", "阶段性答复", "2024-04-01", "B", "", "", "", "", ""],              # 7 ok: interim B
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.kinds == ["replies"]
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (6, 3, 3)
    assert rows_of(con, "select suggestion_id, reply_no, reply_type, planned_year from raw.replies order by 1, 2") == [
        ("S1", 1, "阶段性答复", None), ("S1", 2, "正式答复", 2025), ("S4", 1, "阶段性答复", None)]
    quarantined = rows_of(con, "select row_number, rule_id, message from raw.quarantine order by row_number, rule_id")
    assert quarantined == [
        (4, "b_reply_without_planned_year", "答复类别为 B（正在解决或列入计划）的答复须填写“计划解决年度”"),
        (5, "feedback_before_reply", "反馈日期 2024-03-30 早于答复日期 2024-04-01"),
        (6, "bad_enum", "“沟通方式”的值“微信”不在允许值中：座谈、走访、电话、书面、未沟通"),
        (6, "bad_enum", "“答复类型”的值“答复”不在允许值中：阶段性答复、正式答复、重新办理答复"),
    ]


def test_reply_sheet_in_a_workbook_with_english_headers(home, con, tmp_path):
    header = [c.name for c in KINDS_BY_NAME["replies"].columns if c.name != "prefecture_code"]
    path = write_xlsx(tmp_path / "652300_建议办理_2024.xlsx", {"replies": [
        header, ["S1", "州教育局", 1, "正式答复", "2024-05-20", "A", None, "书面", "满意", "满意", "2024-05-22"],
    ]})
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.rows_loaded == 1 and result.kinds == ["replies"]


def test_supervising_leader_column(home, con, tmp_path):
    path = write_csv(tmp_path / "652300_建议_2024.csv", [
        ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "是否重点督办", "督办领导"],
        ["J1", "C1", "关于节水灌溉的建议", "2024-01-05", "是", "政府副职领导"],
        ["J2", "C1", "关于水库加固的建议", "2024-01-05", "是", "市长"],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert rows_of(con, "select supervising_leader from raw.suggestions") == [("政府副职领导",)]


def test_a_call_and_a_visit_on_one_day_are_two_contacts(home, con, tmp_path):
    path = write_csv(tmp_path / "652300_联系记录_2024.csv", [
        ["联系人*", "代表编号*", "联系日期*", "方式"],
        ["张主任", "C1", "2024-03-05", "电话"],
        ["张主任", "C1", "2024-03-05", "走访"],
        ["李委员", "C2", "2024-03-06", "电话"],
        ["李委员", "C2", "2024-03-06", "电话"],  # the same row twice: a duplicate
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 2)
    assert rows_of(con, "select method from raw.contacts order by method") == [("电话",), ("走访",)]
    assert {r[0] for r in rows_of(con, "select rule_id from raw.quarantine")} == {"duplicate_key"}


def test_a_column_added_later_is_added_to_an_existing_raw_table(con):
    con.execute("alter table raw.suggestions drop column supervising_leader")
    ensure_raw_schema(con)
    columns = rows_of(con, "select column_name from information_schema.columns "
                           "where table_schema = 'raw' and table_name = 'suggestions'")
    assert ("supervising_leader",) in columns


def test_reply_header_variants(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_答复情况_2024.csv", [
        ["建议编号", "承办单位", "第几次答复", "答复性质", "答复时间", "答复分类", "计划年度", "沟通形式",
         "结果满意度", "态度满意度", "反馈时间"],
        ["S1", "州教育局", "1", "正式答复", "2024-05-20", "B", "2025", "电话", "满意", "满意", "2024-05-25"],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.kinds, result.rows_loaded) == (["replies"], 1)
    assert rows_of(con, "select unit, reply_no, planned_year, attitude_satisfaction from raw.replies") == [
        ("州教育局", 1, 2025, "满意")]
