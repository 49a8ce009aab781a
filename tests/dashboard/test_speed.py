"""What makes the dashboard fast keeps its numbers: the pre-counted dash_* marts equal counting the
facts independently, and the shared read-only connection serves concurrent sessions."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import polars as pl
import pytest

from dashboard import context, db, queries
from lvzhi import warehouse

KARAMAY, REGION = "650200", "650000"


@pytest.fixture
def published(handmade_home, monkeypatch):
    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    return handmade_home


def activities_by_quarter(activities: pl.DataFrame) -> pl.DataFrame:
    """Distinct groups (collective activities only), activities and deputies per quarter, in polars."""
    return activities.with_columns(
        period_label=pl.col("activity_date").dt.year().cast(pl.String) + "Q"
        + pl.col("activity_date").dt.quarter().cast(pl.String)
    ).group_by("period_label").agg(
        groups_active=pl.col("group_id").filter(pl.col("is_collective")).drop_nulls().n_unique(),
        activities_held=pl.col("activity_id").n_unique(),
        deputies_active=pl.col("deputy_id").n_unique(),
    ).sort("period_label")


def test_dash_activity_quarters_equals_counting_the_activities(published):
    mart = warehouse.read_published(published, "select * from dash_activity_quarters")
    facts = warehouse.read_published(published, "select * from fct_activities where has_known_deputy")
    assert facts.height and set(mart["scope_level"]) == {"region", "prefecture"}
    scopes = {(REGION, "region"): facts} | {
        (code, "prefecture"): part for (code,), part in facts.group_by("prefecture_code")}
    for (code, level), part in scopes.items():
        shown = mart.filter((pl.col("scope_level") == level) & (pl.col("scope_code") == code)).select(
            "period_label", "groups_active", "activities_held", "deputies_active").sort("period_label")
        expected = activities_by_quarter(part)
        assert shown.to_dicts() == expected.cast(shown.schema).to_dicts(), code
    assert mart.height == sum(activities_by_quarter(part).height for part in scopes.values())


def test_activity_quarters_counts_only_the_days_a_term_covers(published):
    # 650200_代表活动.csv. From 2024-02-20 to the as-of date 2024-06-30: Q1 keeps A10 only (G2: K5),
    # A08 (02-10) is before; Q2 is whole: A09 (G1: K1), A11 (no group: K3, K4), A13 (K2).
    rows = queries.activity_quarters(KARAMAY, date(2024, 2, 20), date(2024, 6, 30))
    assert rows["period_label"].to_list() == ["2024Q1", "2024Q2"]
    assert rows["groups_active"].to_list() == [1, 1] and rows["groups"].to_list() == [2, 2]
    assert rows["activities_held"].to_list() == [1, 3] and rows["deputies_active"].to_list() == [1, 4]
    # 2023-05-01 to 2023-08-20: Q2 from May (A02 G1: K2, A06 G2: K6), Q3 up to the 20th (A03 G1: K1; A07 is 09-10).
    rows = queries.activity_quarters(KARAMAY, date(2023, 5, 1), date(2023, 8, 20))
    assert rows.select("period_label", "groups_active", "activities_held", "deputies_active").rows() == [
        ("2023Q2", 2, 2, 2), ("2023Q3", 1, 1, 1)]


@pytest.mark.parametrize("prefecture", ["", KARAMAY, "654000"])
@pytest.mark.parametrize("start, end", [(date(2023, 1, 1), date(2023, 12, 31)), (date(2022, 3, 15), date(2024, 6, 30)),
                                        (date(2024, 4, 1), date(2024, 6, 30)), (date(2023, 2, 1), date(2023, 2, 28))])
def test_activity_quarters_from_the_mart_equal_counting_the_facts(published, prefecture, start, end):
    from_mart = queries.activity_quarters(prefecture, start, end)
    counted = queries._activities_counted(prefecture, start, end)
    assert from_mart.to_dicts() == counted.to_dicts()


def test_concurrent_sessions_share_one_connection(published):
    """Streamlit runs each session in its own thread: one cursor per query on the shared attach."""
    sql = "select indicator_id, scope_code, period_label, value from indicator_values where period_label = ? order by all"
    path = str(context.published_path())
    labels = ["2023", "2024", "2024Q1", "2024Q2"] * 10
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda label: db._run(path, sql, (label,)), labels))
    for label, result in zip(labels, results, strict=True):
        assert result.height and result.equals(warehouse.read_published(published, sql, [label]))
