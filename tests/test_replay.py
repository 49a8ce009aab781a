"""A refresh replays what dbt ran in the last complete build (lvzhi.replay): the record holds every
model and data test dbt ran; a refresh runs the models and tests dbt itself would select, without
dbt; a test that fails there fails the build with dbt's own message; and anything that does not
replay cleanly is rebuilt by dbt. A complete build of a recorded project runs its data tests from
the record the same way. (That a refresh publishes exactly what a full build publishes is
tests/test_incremental_build.py, whose refresh is a replay.)"""

from __future__ import annotations

import json

import pytest

from ingest.run import ingest
from lvzhi import build as builder
from lvzhi import replay, warehouse
from lvzhi.build import build
from lvzhi.home import Home
from tests.conftest import HANDMADE_AS_OF, quiet
from tests.test_incremental_build import corrected_suggestions
from tests.test_watch import copy_of

BY_DBT = "改由 dbt 重建"
AGAIN = "由 dbt 逐项重测"


@pytest.fixture
def home(handmade_home, tmp_path, monkeypatch) -> Home:
    """A copy of the hand-made home, completely built by dbt, its record kept apart from other tests'."""
    monkeypatch.setattr(builder, "SHARED_PARSES", tmp_path / "shared")
    home = copy_of(handmade_home, tmp_path)
    built = build(home, HANDMADE_AS_OF, full=True, say=quiet)
    assert built.success, built.failures
    return home


def record_of(home: Home) -> replay.Record:
    return replay.load(builder._record_file(HANDMADE_AS_OF, builder.project_fingerprint()))


def dbt_ls(home: Home, resource_type: str, select: str | None = None) -> set[str]:
    from dbt.cli.main import dbtRunner

    command = ["ls", "--resource-type", resource_type, "--output", "json", "--output-keys", "unique_id",
               *builder._dbt_options(home, HANDMADE_AS_OF), *(["--select", select] if select else [])]
    with builder._dbt_in(home, HANDMADE_AS_OF):
        listed = dbtRunner().invoke(command)
    assert listed.success, listed.exception
    return {json.loads(line)["unique_id"] for line in listed.result}


def dbt_runs(home: Home) -> int:
    return (home.root / "dbt_logs" / "dbt.log").read_text(encoding="utf-8").count("Running with dbt")


def test_a_complete_build_records_every_model_and_data_test_dbt_ran(home):
    record = record_of(home)
    tests = {uid for uid, node in record.nodes.items() if node.is_test}
    assert tests == dbt_ls(home, "test") and len(tests) > 100
    assert set(record.nodes) - tests == dbt_ls(home, "model")
    model = record.nodes["model.lvzhi.fct_suggestions"]
    assert any('create or replace table "analyst"."marts"."fct_suggestions"' in s for s in model.statements)
    assert record.threads >= 1 and record.settings["checkpoint_threshold"]


def test_a_refresh_replays_the_models_and_tests_dbt_would_select_without_dbt(home, tmp_path):
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    runs, said = dbt_runs(home), []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert refresh.success and refresh.published, refresh.failures
    assert dbt_runs(home) == runs and any("重放上次完整构建" in line for line in said)  # dbt did not run
    # The models and tests replayed are those dbt's own build selects for the refresh.
    record = record_of(home)
    models = replay.selected(record, list(refresh.plan.kinds), ["stg_raw__batches", "stg_raw__quarantine"])
    listed = dbt_ls(home, "model", refresh.plan.select)
    assert set(models) == listed, (set(models) - listed, listed - set(models))
    assert sorted(refresh.rebuilt) == sorted(record.nodes[uid].name for uid in models)
    assert {t.unique_id for t in replay.tests_of(record, set(models))} == dbt_ls(home, "test", refresh.plan.select)


def last_run_log(home: Home) -> str:
    return (home.root / "dbt_logs" / "dbt.log").read_text(encoding="utf-8").rsplit("Running with dbt", 1)[-1]


def test_a_complete_build_of_a_recorded_project_runs_the_data_tests_from_the_record(home):
    said: list[str] = []
    again = build(home, HANDMADE_AS_OF, full=True, say=said.append)
    assert again.success and again.published, again.failures
    log = last_run_log(home)
    assert "START sql table model" in log and "START seed" in log and "START test" not in log
    assert not any(AGAIN in line for line in said)


@pytest.mark.parametrize("full", [False, True], ids=["refresh", "complete"])
def test_a_data_test_failing_in_one_query_fails_the_build_with_dbts_message(home, full):
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
    failed = build(home, HANDMADE_AS_OF, say=said.append, full=full)
    assert not failed.success and any((AGAIN if full else BY_DBT) in line for line in said), said
    assert any(f.startswith("not_null_stg_raw__suggestions_suggestion_id") for f in failed.failures), failed.failures
    assert warehouse.current_published(home) == before  # nothing published


def test_a_record_that_does_not_replay_is_rebuilt_by_dbt(home, tmp_path):
    # Spoil a statement of a model every refresh rebuilds (stg_raw__batches), as a stale record would be.
    path = builder._record_file(HANDMADE_AS_OF, builder.project_fingerprint())
    record = record_of(home)
    spoiled = record.nodes["model.lvzhi.stg_raw__batches"]
    record.nodes[spoiled.unique_id] = replay.Node(spoiled.unique_id, spoiled.name, spoiled.parents,
                                                  ("select * from no_such_table",))
    replay.save(path, record)
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    runs, said = dbt_runs(home), []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert any(BY_DBT in line and "stg_raw__batches" in line for line in said), said
    assert dbt_runs(home) == runs + 1
    assert refresh.success and refresh.published, refresh.failures


def test_without_a_record_a_refresh_is_dbts_and_says_how_to_get_one(home, tmp_path):
    # As after a change of the profile's settings (LVZHI_DUCKDB_MEMORY…): records are per settings.
    builder._record_file(HANDMADE_AS_OF, builder.project_fingerprint()).unlink()
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    runs, said = dbt_runs(home), []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert refresh.success and refresh.published, refresh.failures
    assert dbt_runs(home) == runs + 1 and any("--full" in line and "dbt 重建" in line for line in said), said
    assert record_of(home) is None  # a refresh records nothing: a record holds every model


def test_a_record_whose_settings_duckdb_refuses_is_rebuilt_by_dbt(home, tmp_path):
    path = builder._record_file(HANDMADE_AS_OF, builder.project_fingerprint())
    record = record_of(home)
    replay.save(path, replay.Record(record.nodes, {**record.settings, "memory_limit": "plenty"}, record.threads))
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    said: list[str] = []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert any(BY_DBT in line and "memory" in line.lower() for line in said), said
    assert refresh.success and refresh.published, refresh.failures


def test_a_home_whose_path_has_a_quote_replays_and_publishes(handmade_home, tmp_path, monkeypatch):
    """Paths go into SQL as string literals (ATTACH, COPY): a quote in them is doubled (home.sql_path)."""
    monkeypatch.setattr(builder, "SHARED_PARSES", tmp_path / "shared")
    home = copy_of(handmade_home, tmp_path / "o'brien")
    assert build(home, HANDMADE_AS_OF, full=True, say=quiet).success
    ingest(home, [corrected_suggestions(tmp_path)], say=quiet)
    said: list[str] = []
    refresh = build(home, HANDMADE_AS_OF, say=said.append)
    assert refresh.success and refresh.published, refresh.failures
    assert any("重放上次完整构建：" in line for line in said), said
    assert warehouse.read_published(home, "select count(*) as n from fct_suggestions")["n"][0] > 0
    assert warehouse.describe(refresh.published)["rows"]["fct_suggestions"] > 0
