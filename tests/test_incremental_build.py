"""Rebuild what changed, by default (issue 20): after a changed file, the default build rebuilds only
the models downstream of what the new batch wrote and publishes a new version (a copy of the
analyst file) — and every published table equals what a full rebuild gives."""

from __future__ import annotations

import shutil
from datetime import date

import polars as pl
import pytest

from ingest.run import ingest
from lvzhi import warehouse
from lvzhi.build import build, plan_build
from lvzhi.home import Home
from tests.conftest import FIXTURES, HANDMADE_AS_OF, quiet


def published_tables(home: Home) -> dict[str, pl.DataFrame]:
    """Every published table (but the publish metadata), rows sorted, so two versions compare exactly.
    Load timestamps (`*_at`) are left out: the two homes loaded the same files at different moments."""
    con = warehouse.connect_published(home)
    try:
        names = [t for (t,) in con.sql("select table_name from duckdb_tables() where database_name = 'wh' "
                                       "and table_name <> 'publish_info' order by 1").fetchall()]
        tables = {name: con.sql(f"select * from {name}").pl() for name in names}
        return {name: frame.select(pl.exclude("^.*_at$")).sort(pl.all(), nulls_last=True)
                for name, frame in tables.items()}
    finally:
        con.close()


def corrected_suggestions(tmp_path):
    """A clerk's resubmission of 650200's suggestions with one reply filled in and one title changed."""
    source = FIXTURES / "handmade" / "650200_建议.csv"
    frame = pl.read_csv(source, infer_schema=False)
    reply = next(c for c in frame.columns if c.startswith("答复日期"))
    title = next(c for c in frame.columns if c.startswith("标题"))
    frame = frame.with_columns(pl.col(reply).fill_null("2024-05-20"),
                               pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("关于更正标题的建议"))
                               .otherwise(pl.col(title)).alias(title))
    target = tmp_path / "650200_建议_更正.csv"
    frame.write_csv(target)
    return target


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    base = tmp_path_factory.mktemp("incremental")
    changed = corrected_suggestions(base)
    step = Home.at(base / "step")  # built, then the changed file, then the default build
    ingest(step, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    first = build(step, HANDMADE_AS_OF, say=quiet)
    assert first.success and first.plan.select is None  # nothing built before: everything
    before = warehouse.current_published(step)
    ingest(step, [changed], submitted_on=date(2025, 1, 5), say=quiet)
    said: list[str] = []
    refresh = build(step, HANDMADE_AS_OF, say=said.append)
    assert refresh.success, refresh.failures
    assert any("重放上次完整构建" in line for line in said), said  # the default refresh replays (lvzhi.replay)

    whole = Home.at(base / "whole")  # the same files, one full build
    ingest(whole, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    ingest(whole, [changed], submitted_on=date(2025, 1, 5), say=quiet)
    assert build(whole, HANDMADE_AS_OF, say=quiet, full=True).success
    return step, whole, refresh, before


def test_the_default_build_rebuilds_only_what_the_new_batch_touched(homes):
    _, _, refresh, _ = homes
    assert refresh.plan.select is not None and "source:raw.suggestions+" in refresh.plan.select
    assert {"fct_suggestions", "indicator_values"} <= set(refresh.rebuilt)
    # Rosters, meetings, trainings and stations did not change: their facts are not rebuilt.
    assert not {"dim_deputy", "fct_attendance", "fct_trainings", "dim_station", "fct_activities"} & set(refresh.rebuilt)
    # Nor the families reported for the region and prefectures only (int_region_scopes), the
    # current versions of other kinds, or the activity half of deputy_profile.
    assert {"stg_raw__suggestions", "int_deputy_year_signatures", "deputy_profile"} <= set(refresh.rebuilt)
    assert not {"ind_activities", "ind_meetings", "ind_trainings", "ind_liaison", "ind_projects",
                "stg_raw__activities", "stg_raw__deputies", "int_deputy_year_duties"} & set(refresh.rebuilt)


def test_the_refresh_publishes_exactly_what_a_full_build_publishes(homes):
    step, whole, _, _ = homes
    refreshed, full = published_tables(step), published_tables(whole)
    assert refreshed.keys() == full.keys()
    for name in full:
        assert refreshed[name].equals(full[name]), name
    title = refreshed["fct_suggestions"].filter(pl.col("title") == "关于更正标题的建议")
    assert title.height == 1  # the change really arrived


def test_the_refresh_is_a_new_version_and_the_previous_one_is_untouched(homes):
    step, _, refresh, before = homes
    assert refresh.published != before and before.exists()
    assert warehouse.current_published(step) == refresh.published
    old = warehouse.read_published(step, "select count(*) as n from fct_suggestions where title = '关于更正标题的建议'",
                                   version=before)
    assert old["n"][0] == 0  # readers of the earlier version never see the change


def test_nothing_new_means_no_build_and_no_new_version(homes, tmp_path):
    step, _, _, _ = homes
    copy = Home.at(tmp_path / "copy")
    shutil.copytree(step.root, copy.root, dirs_exist_ok=True)
    current = warehouse.current_published(copy)
    result = build(copy, HANDMADE_AS_OF, say=quiet)
    assert result.plan.nothing_new and result.published is None
    assert warehouse.current_published(copy) == current


def test_a_changed_as_of_date_or_model_means_a_full_build(homes, tmp_path, monkeypatch):
    step, _, _, _ = homes
    copy = Home.at(tmp_path / "copy")
    shutil.copytree(step.root, copy.root, dirs_exist_ok=True)
    assert plan_build(copy, date(2024, 3, 31)).select is None
    assert "统计日" in plan_build(copy, date(2024, 3, 31)).reason
    monkeypatch.setattr("lvzhi.build.project_fingerprint", lambda: "models changed")
    plan = plan_build(copy, HANDMADE_AS_OF)
    assert plan.select is None and "模型" in plan.reason
    assert plan_build(copy, HANDMADE_AS_OF, full=True).select is None
