"""Indicators on hand-made records, every expected value computed by hand (see the comments).

Fixture: tests/fixtures/handmade, as of 2024-06-30. Ili (654000) has deputies D1–D5 (D3 resigned
2024-03-01, D4 elected 2024-05-01, D5 a township deputy), Urumqi (650100) has U1.
"""

from __future__ import annotations

import polars as pl
import pytest

ILI, URUMQI, REGION = "654000", "650100", "650000"


def value(values: pl.DataFrame, indicator: str, scope: str, period: str) -> tuple[float, float, float | None]:
    row = values.filter(
        (pl.col("indicator_id") == indicator) & (pl.col("scope_code") == scope) & (pl.col("period_label") == period)
    )
    assert row.height == 1, f"{indicator} {scope} {period}: {row.height} rows"
    return row["numerator"][0], row["denominator"][0], row["value"][0]


@pytest.mark.parametrize(
    ("indicator", "scope", "period", "expected"),
    [
        # Cohort 2024 in Ili: S1–S7 (S8's deputy is unknown, S9 was submitted after the as-of date).
        # Replied by 2024-06-30: S1, S2, S3, S7 (S5's reply is dated 2024-07-15: not yet).
        ("suggestion_reply_rate", ILI, "2024", (4, 7)),
        # Due dates: S1/S2 assigned Jan 31 -> due Apr 30 (calendar month). S1 replied Apr 30 (on
        # time), S2 May 1 (late). S3 extended to Jun 15, replied Jun 10 (on time). S7 on time.
        # S4 (due May 10) and S5 (due Jun 1) are due and unreplied; S6 (due Aug 1) is not due yet.
        ("suggestion_on_time_reply_rate", ILI, "2024", (3, 6)),
        ("suggestion_completion_rate", ILI, "2024", (1, 7)),
        # Class A among replied: S1, S7 (S5's A arrives after the as-of date).
        ("suggestion_resolution_rate", ILI, "2024", (2, 4)),
        # Feedback among replied: S1 满意, S2 基本满意, S3 不满意; S7 未反馈 is not 不满意.
        ("suggestion_satisfaction_rate", ILI, "2024", (2, 3)),
        ("suggestion_extension_rate", ILI, "2024", (1, 7)),
        # Q1 holds every Ili suggestion but S6 (assigned May 1).
        ("suggestion_reply_rate", ILI, "2024Q1", (4, 6)),
        ("suggestion_reply_rate", ILI, "2024Q2", (0, 1)),
        # Region = Ili + Urumqi's S10 (replied, A, 满意).
        ("suggestion_reply_rate", REGION, "2024", (5, 8)),
        ("suggestion_satisfaction_rate", REGION, "2024", (3, 4)),
        # Sessions M1 (Jan 10: D1, D2, D3 expected; D2 on leave) and M2 (Mar 15: D3 resigned Mar 1,
        # D4 not yet elected: D1, D2 expected, both present). D5 belongs to a township congress.
        ("congress_attendance_rate", ILI, "2024", (4, 5)),
        ("congress_attendance_rate", ILI, "2024Q1", (4, 5)),
        # Coverage at Jun 30: serving D1, D2, D4 (D3 left, D5 has no standing committee);
        # observed D1 (C1 and C2: counted once) and D4 (C2). D2 was on leave at C1.
        ("sc_observer_coverage", ILI, "2024", (2, 3)),
        # At Mar 31: serving D1, D2; observed D1.
        ("sc_observer_coverage", ILI, "2024Q1", (1, 2)),
        # Meetings C1 (D1; D2 on leave; D99 unknown) and C2 (D1, D4); C3 is after the as-of date.
        ("sc_observers_per_meeting", ILI, "2024", (3, 2)),
    ],
)
def test_rate(handmade_values, indicator, scope, period, expected):
    numerator, denominator, result = value(handmade_values, indicator, scope, period)
    assert (numerator, denominator) == expected
    assert result == pytest.approx(expected[0] / expected[1])


def test_overdue_count_and_median_days(handmade_values):
    # S4 and S5 are past due and unreplied at 2024-06-30.
    assert value(handmade_values, "suggestion_overdue_count", ILI, "2024")[2] == 2
    # Days to reply: S7 29, S1 90, S2 91, S3 147 -> median 90.5.
    assert value(handmade_values, "suggestion_median_days_to_reply", ILI, "2024")[2] == pytest.approx(90.5)


def test_every_prefecture_has_a_row(handmade_values):
    rows = handmade_values.filter(
        (pl.col("indicator_id") == "suggestion_reply_rate") & (pl.col("period_label") == "2024")
        & (pl.col("scope_level") == "prefecture")
    )
    assert rows.height == 14
    # A prefecture without records has a row with no value, not a zero rate.
    assert rows.filter(pl.col("scope_code") == "653200")["value"].to_list() == [None]


def test_small_samples_are_flagged(handmade_values):
    row = handmade_values.filter(
        (pl.col("indicator_id") == "suggestion_reply_rate") & (pl.col("scope_code") == ILI)
        & (pl.col("period_label") == "2024")
    )
    assert row["is_small_sample"][0] and row["status"][0] == "insufficient"


def test_unknown_references_are_reported_not_counted(handmade_home):
    from lvzhi import warehouse

    errors = warehouse.read_published(handmade_home, "select kind, referenced_id from dq_reference_errors order by kind")
    assert errors.rows() == [("attendance", "D99"), ("suggestions", "D99")]
