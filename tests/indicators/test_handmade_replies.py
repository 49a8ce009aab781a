"""Issue 18 on hand-made records: every reply of a suggestion, re-handling, promises, the 催办 list
and the settled readings, each expected value computed by hand (see the comments).

Fixture: tests/fixtures/handmade_replies, Changji (652300), as of 2024-06-30. Deputies:
  C1  州市 652300-15, lead deputy of CS1–CS9, linked with 张主任 (2024)
  C2  州市, leader, resigned 2023-08-20; visited station CST1 and inspected on 2023-04-12
  C3, C4  县区 652301-19, term from 2024-01-01; 任职培训 C3 2023-12-27 (5 days before), C4 2023-06-01
  C5  州市, leader, never at a station
Suggestions (lead unit / co-unit; due = assigned + 3 months or the extension):
  CS1 assigned 2024-01-10, due 04-10, 州教育局 / 州财政局 - reply records: 州教育局 #1 interim
      03-01, #2 formal 05-20 C rated 不满意, #3 re-handling 06-20 A rated 满意, #4 07-10 (after
      the as-of date: not yet); 州财政局 #1 formal 04-01 B planned 2025 未反馈
  CS2 2023-02-01 州住房和城乡建设局: B planned 2023 (04-15), A 2023-11-30 - promise kept
  CS3 2023-03-01 州交通运输局: B planned 2023 (05-10), A 2024-03-01 - a year late, not kept
  CS4 2024-05-15 州发展和改革委员会, 重点督办 by 政府副职领导, due 08-15 (not due soon)
  CS5 2024-04-10 州水利局 / 州财政局, 重点督办 (leader not named), extended to 07-25; only an
      interim reply of 州水利局 (06-01): not replied, due soon
  CS6 2024-03-30 州自然资源局, due 06-30 = the as-of date: due soon, not overdue
  CS7 2024-01-05 州民政局: single-reply columns only (replied 03-01, A, 不满意)
  CS8 2024-02-01 州卫生健康委员会: formal 03-01 C 基本满意, re-handling 04-01 A 满意 (no 不满意
      before it: a data error); 州医疗保障局 (not named on the suggestion) reply_no 2 only (a gap)
  CS9 2024-02-01 州教育局: formal reply 2024-01-20, before the assignment (a data error), D
"""

from __future__ import annotations

import pytest

from lvzhi import warehouse
from tests.indicators.test_handmade_indicators import value

CHANGJI = "652300"
EDUCATION, FINANCE = "652300:州教育局", "652300:州财政局"


@pytest.mark.parametrize(
    ("indicator", "scope", "period", "expected"),
    [
        # Cohort 2024: CS1, CS4–CS9 = 7. Replied (lead unit's first substantive reply): CS1 05-20
        # (the interim reply of 03-01 does not count), CS7 03-01, CS8 03-01, CS9 01-20.
        ("suggestion_reply_rate", CHANGJI, "2024", (4, 7)),
        # On time: CS7, CS8, CS9; CS1 late (due 04-10). CS6 is due on the as-of date, not before.
        ("suggestion_on_time_reply_rate", CHANGJI, "2024", (3, 4)),
        # Class of the lead unit's latest substantive reply: CS1 A (#3), CS7 A, CS8 A, CS9 D.
        ("suggestion_resolution_rate", CHANGJI, "2024", (3, 4)),
        # 不满意 on a substantive reply: CS1 (州教育局 #2) and CS7 (single column). Re-handled: CS1.
        ("suggestion_rehandling_rate", CHANGJI, "2024", (1, 2)),
        # Latest rated reply: CS1 满意 (first was 不满意), CS7 不满意, CS8 满意; CS9 never rated.
        ("suggestion_final_satisfaction_rate", CHANGJI, "2024", (2, 3)),
        ("suggestion_satisfaction_rate", CHANGJI, "2024", (2, 3)),
        # Attitude of substantive replies: CS1 #2 基本满意, #3 满意; CS8 #1 不满意.
        ("suggestion_attitude_satisfaction_rate", CHANGJI, "2024", (2, 3)),
        # 2023: CS2 满意, 不满意; CS3 满意, 满意.
        ("suggestion_attitude_satisfaction_rate", CHANGJI, "2023", (3, 4)),
        # Consultation recorded: CS1 电话, 走访, 书面 (州财政局); CS8 #1 未沟通.
        ("suggestion_consultation_rate", CHANGJI, "2024", (3, 4)),
        # 2023: CS2 座谈, 未沟通; CS3 走访, 电话.
        ("suggestion_consultation_rate", CHANGJI, "2023", (3, 4)),
        # B promises of 2023: CS2 kept (A 2023-11-30), CS3 not (A 2024-03-01, a year late).
        ("promise_kept_rate", CHANGJI, "2023", (1, 2)),
        ("promise_kept_rate", "652300:州住房和城乡建设局", "2023", (1, 1)),
        ("promise_kept_rate", "652300:州交通运输局", "2023", (0, 1)),
        # Units of one suggestion, each on its own reply: CS1's 州财政局 replied 04-01 (on time),
        # 州教育局 05-20 (late); 州教育局 also CS9 (on time). CS5 of 州财政局 is not due yet.
        ("suggestion_on_time_reply_rate", FINANCE, "2024", (1, 1)),
        ("suggestion_on_time_reply_rate", EDUCATION, "2024", (1, 2)),
        ("suggestion_reply_rate", FINANCE, "2024", (1, 2)),
        ("suggestion_rehandling_rate", EDUCATION, "2024", (1, 1)),
        ("suggestion_attitude_satisfaction_rate", EDUCATION, "2024", (2, 2)),
        # --- settled readings. Participation 2023: C1, C2 (served to 08-19), C5; C2 was active
        # on 04-12 while serving.
        ("deputy_participation_rate", CHANGJI, "2023", (1, 3)),
        ("deputy_participation_rate", "C2", "2023", (1, 1)),
        # Leaders 2023: C2 (left in August, visited in April) and C5 (never); 2024: C5 alone.
        ("leader_station_visit_rate", CHANGJI, "2023", (1, 2)),
        ("leader_station_visit_rate", CHANGJI, "2024", (0, 1)),
        # 任职培训 from six months before the deputy's own term_start: C3 (5 days before) counts,
        # C4 (7 months before) does not.
        ("induction_training_coverage", CHANGJI, "652301-19", (1, 2)),
        ("induction_training_coverage", CHANGJI, "2024", (1, 2)),
        # A call and a visit on 2024-03-05: two contacts, the pair complies.
        ("liaison_contact_compliance", CHANGJI, "2024", (1, 1)),
    ],
)
def test_rate(replies_values, indicator, scope, period, expected):
    numerator, denominator, result = value(replies_values, indicator, scope, period)
    assert (numerator, denominator) == expected
    assert result == pytest.approx(expected[0] / expected[1])


@pytest.mark.parametrize(
    ("indicator", "scope", "period", "expected"),
    [
        # Due soon: CS5 (07-25, extended; an interim reply is no reply) and CS6 (06-30, the as-of
        # date). CS4 is due 08-15, beyond 30 days. Denominator: assigned.
        ("suggestion_due_soon_count", CHANGJI, "2024", (2, 7, 2)),
        ("suggestion_due_soon_count", CHANGJI, "2024Q1", (1, 5, 1)),
        ("suggestion_due_soon_count", CHANGJI, "2024Q2", (1, 2, 1)),
        ("suggestion_due_soon_count", FINANCE, "2024", (1, 2, 1)),
        ("suggestion_due_soon_count", "652300:州水利局", "2024", (1, 1, 1)),
        ("suggestion_overdue_count", CHANGJI, "2024", (0, 7, 0)),
        # 重点督办: CS4 and CS5.
        ("key_supervised_count", CHANGJI, "2024", (2, 7, 2)),
        ("key_supervised_count", CHANGJI, "2023", (0, 2, 0)),
    ],
)
def test_count(replies_values, indicator, scope, period, expected):
    assert value(replies_values, indicator, scope, period) == expected


def test_promise_not_due_has_no_value(replies_values):
    # CS1's B reply of 州财政局 promises 2025: not in any denominator before 2025 ends (even
    # though an A reply has already kept it).
    assert value(replies_values, "promise_kept_rate", CHANGJI, "2024") == (0, 0, None)


def test_key_supervised_has_no_unit_rows(replies_values):
    rows = replies_values.filter((replies_values["indicator_id"] == "key_supervised_count")
                                 & (replies_values["scope_level"] == "handling_unit"))
    assert rows.height == 0


def test_suggestion_facts(replies_home):
    rows = {r[0]: r[1:] for r in warehouse.read_published(replies_home, """
        select suggestion_id, cast(replied_on as varchar), reply_class, satisfaction, first_satisfaction,
            is_rehandled, reply_source, supervising_leader, is_due_soon, days_left
        from fct_suggestions order by suggestion_id""").rows()}
    # The re-handled suggestion: first rated 不满意, finally 满意; class of the re-handling reply.
    assert rows["CS1"] == ("2024-05-20", "A", "满意", "不满意", True, "答复记录", None, False, None)
    # Single-reply columns (mixed with reply records in one prefecture).
    assert rows["CS7"] == ("2024-03-01", "A", "不满意", "不满意", False, "建议", None, False, None)
    assert rows["CS4"][6:] == ("政府副职领导", False, 46)
    assert rows["CS5"][6:] == ("未注明", True, 25)
    assert rows["CS6"][7:] == (True, 0)


def test_unit_timeliness(replies_home):
    rows = warehouse.read_published(replies_home, """
        select unit_name, unit_role, cast(replied_on as varchar), is_replied_on_time, reply_class
        from fct_suggestion_handling where suggestion_id = 'CS1' order by unit_role""").rows()
    assert rows == [("州教育局", "主办", "2024-05-20", False, "A"), ("州财政局", "协办", "2024-04-01", True, "B")]


def test_reply_rows(replies_home):
    rows = warehouse.read_published(replies_home, """
        select suggestion_id, unit_name, reply_no, is_first_substantive_of_unit, is_on_time,
            is_rehandling_after_dissatisfaction, promise_status, unit_role, reply_source
        from fct_suggestion_replies order by suggestion_id, unit_name, reply_no""").rows()
    by_key = {(r[0], r[1], r[2]): r[3:] for r in rows}
    # CS1 #4 is dated after the as-of date: it does not exist yet.
    assert ("CS1", "州教育局", 4) not in by_key
    assert by_key[("CS1", "州教育局", 1)] == (False, None, False, None, "主办", "答复记录")
    assert by_key[("CS1", "州教育局", 2)] == (True, False, False, None, "主办", "答复记录")
    assert by_key[("CS1", "州教育局", 3)] == (False, None, True, None, "主办", "答复记录")
    # 州财政局's B (planned 2025) is already kept by 州教育局's A of 06-20: any unit of the suggestion.
    assert by_key[("CS1", "州财政局", 1)] == (True, True, False, "kept", "协办", "答复记录")
    assert by_key[("CS2", "州住房和城乡建设局", 1)][3] == "kept"
    assert by_key[("CS3", "州交通运输局", 1)][3] == "not_kept"
    assert by_key[("CS8", "州医疗保障局", 2)][4] == "未列明"
    # The single-reply columns stand for one formal reply of the lead unit.
    assert by_key[("CS7", "州民政局", 1)] == (True, True, False, None, "主办", "建议")
    assert len(rows) == 14


def test_reply_data_errors_are_reported(replies_home):
    errors = warehouse.read_published(replies_home, """
        select suggestion_id, unit, rule_id, message, source_row_number from dq_reply_errors
        order by suggestion_id, rule_id""").rows()
    assert [(e[0], e[1], e[2], e[4]) for e in errors] == [
        ("CS8", "州卫生健康委员会", "rehandling_without_dissatisfaction", 13),
        ("CS8", "州医疗保障局", "reply_no_gap", 14),
        ("CS9", "州教育局", "reply_before_assignment", 15),
    ]
    assert errors[2][3] == "答复日期 2024-01-20 早于交办日期 2024-02-01"


def test_contacts_same_day_two_methods(replies_home):
    rows = warehouse.read_published(replies_home, "select method from fct_contacts order by method").rows()
    assert rows == [("电话",), ("走访",)]
