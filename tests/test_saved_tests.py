"""The data tests of a complete build, saved and run again at once by the next builds
(lvzhi.saved_tests): every test dbt ran, the same tests dbt would select for a refresh, failing where
dbt's fail — and handed back to dbt, whose result the user reads, whenever any does not pass."""

from __future__ import annotations

import json

import pytest

from ingest.run import ingest
from lvzhi import build as builder
from lvzhi import saved_tests, warehouse
from lvzhi.build import build
from lvzhi.home import Home
from tests.conftest import HANDMADE_AS_OF, quiet
from tests.test_incremental_build import corrected_suggestions
from tests.test_watch import copy_of

AGAIN = "数据测试未全部通过"


def dbt_tested_again(said: list[str]) -> bool:
    return any(AGAIN in line for line in said)


@pytest.fixture
def home(handmade_home, tmp_path, monkeypatch) -> Home:
    """A copy of the hand-made home whose builds keep their saved tests apart from other tests'."""
    monkeypatch.setattr(builder, "SHARED_PARSES", tmp_path / "shared")
    return copy_of(handmade_home, tmp_path)


def saved_file(home: Home):
    return builder._saved_tests_file(HANDMADE_AS_OF, builder.project_fingerprint())


def dbt_ls(home: Home, select: str | None, resource_type: str) -> set[str]:
    from dbt.cli.main import dbtRunner

    command = ["ls", "--resource-type", resource_type, "--output", "json", "--output-keys", "unique_id",
               *builder._dbt_options(home, HANDMADE_AS_OF), *(["--select", select] if select else [])]
    with builder._dbt_in(home, HANDMADE_AS_OF):
        listed = dbtRunner().invoke(command)
    assert listed.success, listed.exception
    return {json.loads(line)["unique_id"] for line in listed.result}


def last_run_log(home: Home) -> str:
    return (home.root / "dbt_logs" / "dbt.log").read_text(encoding="utf-8").rsplit("Running with dbt", 1)[-1]


def test_a_complete_build_saves_every_data_test_dbt_ran(home):
    built = build(home, HANDMADE_AS_OF, full=True, say=quiet)
    assert built.success, built.failures
    assert "START test" in last_run_log(home)  # nothing saved yet: dbt ran the tests
    saved = saved_tests.load(saved_file(home))
    assert {test.unique_id for test in saved} == dbt_ls(home, None, "test")
    assert len(saved) > 100


def test_a_refresh_runs_the_saved_tests_dbt_would_select_without_dbt(home, tmp_path):
    assert build(home, HANDMADE_AS_OF, full=True, say=quiet).success
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    said: list[str] = []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert refresh.success and refresh.published, refresh.failures
    assert refresh.plan.select is not None and not dbt_tested_again(said)
    log = last_run_log(home)
    assert "START sql table model" in log and "START test" not in log
    # The tests run are those dbt's own build would have selected with the refresh's models.
    models = dbt_ls(home, refresh.plan.select, "model")
    covered = {test.unique_id for test in saved_tests.covering(saved_tests.load(saved_file(home)), models)}
    assert covered == dbt_ls(home, refresh.plan.select, "test")
    assert 10 < len(covered) < len(saved_tests.load(saved_file(home)))


def test_the_saved_tests_fail_where_dbts_do_and_dbt_reports_the_failure(home):
    assert build(home, HANDMADE_AS_OF, full=True, say=quiet).success
    before = warehouse.current_published(home)
    # A suggestion without its key, written past ingest's checks (a bug or a hand edit of raw):
    # not_null_stg_raw__suggestions_suggestion_id must catch it.
    con = warehouse.connect_work(home)
    try:
        batch = con.execute("select max(batch_id) + 1 from raw.batches").fetchall()[0][0]
        con.execute("insert into raw.batches (batch_id, source_file, sha256, kinds) "
                    "values (?, 'hand-edit.csv', 'hand-edit', 'suggestions')", [batch])
        con.execute("create temporary table edited as select * from raw.suggestions limit 1")
        con.execute("update edited set suggestion_id = null, _batch_id = ?", [batch])
        con.execute("insert into raw.suggestions select * from edited")
    finally:
        con.close()
    said: list[str] = []
    failed = build(home, HANDMADE_AS_OF, say=said.append)
    assert not failed.success and dbt_tested_again(said)
    assert any(f.startswith("not_null_stg_raw__suggestions_suggestion_id") for f in failed.failures), failed.failures
    assert warehouse.current_published(home) == before  # nothing published


def test_a_saved_test_that_does_not_pass_is_tested_again_by_dbt(home, tmp_path):
    assert build(home, HANDMADE_AS_OF, full=True, say=quiet).success
    # Spoil one saved test that every refresh runs (stg_raw__batches is always rebuilt).
    tests = saved_tests.load(saved_file(home))
    spoiled = next(i for i, test in enumerate(tests) if "model.lvzhi.stg_raw__batches" in test.parents)
    tests[spoiled] = saved_tests.SavedTest(tests[spoiled].unique_id, tests[spoiled].parents,
                                           "select 1 as failures, true as should_warn, true as should_error")
    saved_tests.save(saved_file(home), tests)
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    said: list[str] = []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert dbt_tested_again(said)
    assert "START test" in last_run_log(home)  # dbt ran the tests itself, and they pass
    assert refresh.success and refresh.published, refresh.failures
