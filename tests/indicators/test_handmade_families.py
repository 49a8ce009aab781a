"""The indicator families beyond suggestions and meetings, on hand-made records, by hand.

Fixture: tests/fixtures/handmade, as of 2024-06-30. Karamay (650200) holds the records of these
families (650200_*.csv). Its deputies:
  K1  州市 650200-15, leader, group G1, 2022-01-01 ..
  K2  州市, G1                          K3  州市, G1, resigned 2024-05-15 (serving until 05-14)
  K4  州市, G2, elected 2024-04-01      K5  州市, leader, G2 (never receives at a station)
  K6  州市, G2                          K7–K11  县区 650203-18, no group (cosigners of the motions)
Ili (654000) has D1–D5 and Urumqi (650100) has U1, as in test_handmade_indicators.py.
"""

from __future__ import annotations

import polars as pl
import pytest

from tests.indicators.test_handmade_indicators import value

KARAMAY, REGION, ILI = "650200", "650000", "654000"
# Family tables beyond ind_<family>: table -> family.
EXTRA_FAMILY_TABLES = {"ind_suggestion_followup": "suggestions"}


def exact(values, indicator, scope, period):
    numerator, denominator, result = value(values, indicator, scope, period)
    return numerator, denominator, (None if result is None else round(result, 6))


@pytest.mark.parametrize(
    ("indicator", "scope", "period", "expected"),
    [
        # --- motions: accepted (列为议案) and assigned in the period. YA1 concluded 06-01; YA2's
        # conclusion (07-15) is after the as-of date; YA3 became a suggestion; YA4 has no assignment.
        ("motion_completion_rate", KARAMAY, "2024", (1, 2)),
        ("motion_completion_rate", KARAMAY, "2024Q1", (1, 2)),
        ("motion_completion_rate", KARAMAY, "650200-15", (1, 2)),
        # --- groups. 2023: G1 active in all four quarters (A01–A04); G2 in Q1–Q3 only (A05–A07).
        ("group_quarterly_activity_rate", KARAMAY, "2023", (1, 2)),
        ("group_quarterly_activity_rate", KARAMAY, "2023Q3", (2, 2)),
        ("group_quarterly_activity_rate", KARAMAY, "2023Q4", (1, 2)),
        # 2024 up to 06-30 asks for Q1 and Q2: G1 (A08, A09) yes; G2 only Q1 (A10; A12 is dated
        # after the as-of date, and A13 names no group, so it is no collective activity).
        ("group_quarterly_activity_rate", KARAMAY, "2024", (1, 2)),
        ("group_quarterly_activity_rate", KARAMAY, "2024Q1", (2, 2)),
        ("group_quarterly_activity_rate", KARAMAY, "2024Q2", (1, 2)),
        ("group_quarterly_activity_rate", REGION, "2024", (1, 2)),
        # --- participation (settled reading): deputies who served at least one day of the period,
        # with what they did while serving. 2024 (to 06-30): K1–K11 = 11 (K3 served to 05-14 and
        # keeps A11 of 04-10; K4 elected 04-01); active K1, K2, K3, K4, K5.
        ("deputy_participation_rate", KARAMAY, "2024", (5, 11)),
        # Q1: K1, K2, K3, K5, K6, K7–K11 (K4 not yet elected); active K1, K2 (A08), K5 (A10).
        ("deputy_participation_rate", KARAMAY, "2024Q1", (3, 10)),
        # Q2: all 11; active K1 (A09), K3 and K4 (A11), K2 (A13).
        ("deputy_participation_rate", KARAMAY, "2024Q2", (4, 11)),
        ("deputy_participation_rate", KARAMAY, "2023", (4, 10)),
        # Region 2024: + Ili D1–D5 (D3 served to 02-29, D4 from 05-01) + Urumqi U1, none active.
        ("deputy_participation_rate", REGION, "2024", (5, 17)),
        # Region Q1: Ili D1, D2, D3, D5 (D4 elected 05-01) + U1 + Karamay 10.
        ("deputy_participation_rate", REGION, "2024Q1", (3, 15)),
        # --- liaison 2024: 李主任–K1 two contacts; 李主任–K2 one contact; 王委员–K5 one by 06-30
        # (the second is dated 08-01). 李主任–K6 was not assigned.
        ("liaison_contact_compliance", KARAMAY, "2024", (1, 3)),
        ("liaison_contact_compliance", KARAMAY, "2023", (1, 1)),
        # --- stations: ST1 all ten; ST2 lacks 有经费; ST3 all ten, established 2024-03-01.
        ("station_standard_rate", KARAMAY, "2024", (2, 3)),
        ("station_standard_rate", KARAMAY, "2023", (1, 2)),
        ("station_standard_rate", "独山子区", "2024", (0, 1)),
        ("station_standard_rate", "白碱滩区", "2024", (1, 1)),
        # Leaders serving: K1 (received at ST1 2024-03-10, 2023-06-10) and K5 (never).
        ("leader_station_visit_rate", KARAMAY, "2024", (1, 2)),
        ("leader_station_visit_rate", KARAMAY, "2023", (1, 2)),
        # Region adds Ili's leader D1, who never received at a station.
        ("leader_station_visit_rate", REGION, "2024", (1, 3)),
        # Opinions 2024: ST1 5/4, ST2 3/1, ST2 2/2 (the 07-02 reception is after the as-of date).
        ("opinion_resolution_rate", KARAMAY, "2024", (7, 10)),
        ("opinion_resolution_rate", KARAMAY, "2024Q1", (5, 8)),
        ("opinion_resolution_rate", "独山子区", "2024", (3, 5)),
        ("opinion_resolution_rate", "克拉玛依区", "2023", (4, 4)),
        # --- trainings, term 650200-15 (K1–K6): 任职培训 K1, K2, K3, K5 (T1) and K4 (T4), not K6.
        ("induction_training_coverage", KARAMAY, "650200-15", (5, 6)),
        ("induction_training_coverage", REGION, "650200-15", (5, 6)),
        ("induction_training_coverage", KARAMAY, "650203-18", (0, 5)),
        # 履职培训 within the first year: K1, K2 (2022-09-01), K4 (2024-06-15, elected 04-01);
        # K5's (2023-03-01) came after the first year.
        ("duty_training_coverage", KARAMAY, "650200-15", (3, 6)),
        # Year cohorts by start of service: 2024 = K4 alone.
        ("induction_training_coverage", KARAMAY, "2024", (1, 1)),
        ("duty_training_coverage", KARAMAY, "2024", (1, 1)),
        # --- livelihood projects voted 2024 by 06-30: P1 (done 05-30), P2 (in progress), P3
        # (completion dated 08-01: not yet). P5 is voted after the as-of date.
        ("livelihood_completion_rate", KARAMAY, "2024", (1, 3)),
        ("livelihood_completion_rate", KARAMAY, "2023", (1, 1)),
        # --- congress session KM1 (03-10): K1, K5 present; K2 on leave, K3 absent, K6 unrecorded.
        ("congress_attendance_rate", KARAMAY, "2024", (2, 5)),
        ("congress_attendance_rate", KARAMAY, "650200-15", (2, 5)),
        # Term of Ili's congress: M1 and M2 as in the calendar year.
        ("congress_attendance_rate", ILI, "654000-15", (4, 5)),
        ("sc_observer_coverage", ILI, "654000-15", (2, 3)),
    ],
)
def test_family_rate(handmade_values, indicator, scope, period, expected):
    numerator, denominator, result = value(handmade_values, indicator, scope, period)
    assert (numerator, denominator) == expected
    assert result == pytest.approx(expected[0] / expected[1])


@pytest.mark.parametrize(
    ("scope", "period", "expected"),
    [
        # KS1 (lead 市住房和城乡建设局, co 市财政局 and 市自然资源局), KS2 (市财政局), KS3 (lead
        # 市住房和城乡建设局, co 市财政局), all assigned 2023. Replied: KS1, KS2.
        # The prefecture counts each suggestion once ...
        (KARAMAY, "2023", (2, 3)),
        (KARAMAY, "650200-15", (2, 3)),
        # ... each unit counts each suggestion it handles (lead or co).
        ("650200:市财政局", "2023", (2, 3)),
        ("650200:市住房和城乡建设局", "2023", (1, 2)),
        ("650200:市自然资源局", "2023", (1, 1)),
        # Counties as the suggestions name them.
        ("克拉玛依区", "2023", (1, 1)),
        ("独山子区", "2023", (1, 2)),
    ],
)
def test_suggestions_by_unit_and_county(handmade_values, scope, period, expected):
    numerator, denominator, _ = value(handmade_values, "suggestion_reply_rate", scope, period)
    assert (numerator, denominator) == expected


def test_several_units_count_once_in_rates_and_once_per_unit(handmade_values):
    rows = handmade_values.filter(
        (pl.col("indicator_id") == "suggestion_reply_rate") & (pl.col("period_label") == "2023")
        & (pl.col("scope_level") == "handling_unit")
    )
    # 3 suggestions, 6 (suggestion, unit) pairs; the prefecture's denominator stays 3.
    assert rows["denominator"].sum() == 6
    assert value(handmade_values, "suggestion_reply_rate", KARAMAY, "2023")[1] == 3
    assert set(rows["scope_name"]) == {"市财政局", "市住房和城乡建设局", "市自然资源局"}


def test_unit_on_time_and_overdue(handmade_values):
    # Due dates: KS1 06-10 (replied 05-10, on time), KS2 07-10 (replied 09-01, late), KS3 08-10
    # (never replied: overdue at 2024-06-30).
    assert value(handmade_values, "suggestion_on_time_reply_rate", "650200:市财政局", "2023")[:2] == (1, 3)
    assert value(handmade_values, "suggestion_overdue_count", KARAMAY, "2023")[2] == 1


@pytest.mark.parametrize(
    ("deputy", "year", "expected_score", "days"),
    [
        # K1 2024: session KM1 5 + 2 speeches 2 + led YA1 5 + cosigned YA2–YA4 3 + activities A08,
        # A09 4 + reception 03-10 2 + training T6 1 = 22; served 182 days (leap year, to 06-30).
        ("K1", "2024", 22, 182),
        # K2 2024: on leave at KM1 0 + led YA2 5 + cosigned YA1, YA3, YA4 3 + A08, A13 4 +
        # reception 05-10 2 = 14.
        ("K2", "2024", 14, 182),
        # K3 (left 2024-05-15): absent at KM1 0 + cosigned YA1–YA4 4 + A11 2 + reception 02-10 2
        # = 8 over 135 days (01-01 to 05-14).
        ("K3", "2024", 8, 135),
        # K4 (elected 04-01): A11 2 + trainings T4, T5 2 = 4 over 91 days; the 07-02 reception is
        # after the as-of date.
        ("K4", "2024", 4, 91),
        # K1 2023: A01, A03 4 + reception 2023-06-10 2 + led KS1 3 = 9.
        ("K1", "2023", 9, 365),
        # D4 (elected 2024-05-01): observed C2 3; S5 (submitted 02-20, before election) is not his.
        ("D4", "2024", 3, 61),
        # D3 (resigned 2024-03-01): M1 present 5 + led S7 3 = 8 over 60 days; M2 is after she left.
        ("D3", "2024", 8, 60),
    ],
)
def test_duty_score(handmade_values, deputy, year, expected_score, days):
    score, served, result = value(handmade_values, "deputy_duty_score", deputy, year)
    assert (score, served, result) == (expected_score, days, expected_score)


def test_deputy_participation_rows(handmade_values):
    # The drill-down: one row per deputy who served in the year; K3 (left 05-15) keeps A11 of 04-10.
    assert value(handmade_values, "deputy_participation_rate", "K4", "2024")[:2] == (1, 1)
    assert value(handmade_values, "deputy_participation_rate", "K6", "2024")[:2] == (0, 1)
    assert value(handmade_values, "deputy_participation_rate", "K3", "2024")[:2] == (1, 1)
    # D3 left 2024-03-01: in the 2024 denominator, not in 2025's (no period beyond the as-of date).
    assert value(handmade_values, "deputy_participation_rate", "D3", "2024")[:2] == (0, 1)


def test_deputy_profile(handmade_home):
    from lvzhi import warehouse

    profile = warehouse.read_published(
        handmade_home, "select * from deputy_profile where year_number = 2024 order by deputy_id")
    k1 = profile.filter(pl.col("deputy_id") == "K1").row(0, named=True)
    assert (k1["sessions_expected"], k1["sessions_attended"], k1["speeches"]) == (1, 1, 2)
    assert (k1["motions_led"], k1["motions_cosigned"], k1["activities"], k1["receptions"], k1["trainings"]) == (1, 3, 2, 1, 1)
    k2 = profile.filter(pl.col("deputy_id") == "K2").row(0, named=True)
    k3 = profile.filter(pl.col("deputy_id") == "K3").row(0, named=True)
    k6 = profile.filter(pl.col("deputy_id") == "K6").row(0, named=True)
    # 请假, 缺席 and 未登记 are kept apart.
    assert (k2["sessions_on_leave"], k3["sessions_absent"], k6["sessions_unrecorded"]) == (1, 1, 1)
    # D2: M1 on leave, M2 present; led S3 and S4.
    d2 = profile.filter(pl.col("deputy_id") == "D2").row(0, named=True)
    assert (d2["sessions_expected"], d2["sessions_attended"], d2["sessions_on_leave"], d2["suggestions_led"]) == (2, 1, 1, 2)
    # K5 2023 cosigned KS1; D1 2024: observed C1 and C2.
    assert profile.filter(pl.col("deputy_id") == "D1")["sc_meetings_observed"][0] == 2
    assert k3["duty_score_per_365_days"] == pytest.approx(8 * 365 / 135)


def test_marts(handmade_home):
    from lvzhi import warehouse

    con = warehouse.connect_published(handmade_home)
    try:
        stations = dict(con.sql("select station_id, flag_count from dim_station where not is_missing_member").fetchall())
        groups = dict(con.sql("select group_id, serving_member_count from dim_group where not is_missing_member").fetchall())
        pairs = con.sql("select deputy_id, contacts_in_year from fct_liaison_pairs where year = 2024 order by deputy_id").fetchall()
        handling = con.sql("select unit_role, count(*) from fct_suggestion_handling group by 1 order by 1").fetchall()
        counties = con.sql("select county, prefecture_code from dim_county order by county").fetchall()
    finally:
        con.close()
    assert stations == {"ST1": 10, "ST2": 9, "ST3": 10}
    # At 06-30: G1 K1, K2 (K3 left); G2 K4, K5, K6.
    assert groups == {"G1": 2, "G2": 3}
    assert pairs == [("K1", 2), ("K2", 1), ("K5", 1)]
    # 12 suggestions with a lead unit (S1–S8 and S10; S9 is submitted after the as-of date; KS1–KS3)
    # and 3 co-units (KS1 two, KS3 one).
    assert handling == [("主办", 12), ("协办", 3)]
    assert counties == [("克拉玛依区", KARAMAY), ("独山子区", KARAMAY), ("白碱滩区", KARAMAY)]


def test_family_tables_stay_in_the_working_warehouse(handmade_home, handmade_values):
    """The nine ind_<family> tables are built (schema indicators of work.duckdb) but not published:
    analysts, the dashboard and exports read indicator_values, which holds every row of them."""
    import duckdb

    from lvzhi import warehouse

    published = warehouse.read_published(
        handmade_home, "select table_name from duckdb_tables() where database_name = 'wh'")["table_name"]
    assert "indicator_values" in published and not published.str.starts_with("ind_").any()
    con = duckdb.connect()
    try:
        con.execute(f"attach '{handmade_home.work_db}' as work (read_only)")
        families = sorted(t for (t,) in con.sql(
            "select table_name from duckdb_tables() where database_name = 'work' and schema_name = 'indicators'"
        ).fetchall())
        rows: dict[str, int] = {}
        for t in families:  # a family may have more than one table (issue 18: the suggestions' follow-up)
            family = EXTRA_FAMILY_TABLES.get(t, t.removeprefix("ind_"))
            rows[family] = rows.get(family, 0) + con.sql(f"select count(*) from work.indicators.{t}").fetchall()[0][0]
    finally:
        con.close()
    assert families == sorted([f"ind_{family}" for family in handmade_values["family"].unique()]
                              + list(EXTRA_FAMILY_TABLES))
    assert rows == dict(handmade_values.group_by("family").len().iter_rows())
