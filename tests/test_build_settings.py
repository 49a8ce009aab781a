"""The DuckDB settings of profiles.yml reach the warehouse dbt builds in. They are given as
config_options (applied once, when dbt opens the file) rather than per-model SET statements, so a
mistake there would silently drop the memory cap of docs/scale.md."""

from __future__ import annotations

from lvzhi.build import _close_duckdb, _dbt_in, _dbt_options
from lvzhi.home import Home
from tests.conftest import HANDMADE_AS_OF


def test_the_memory_cap_and_checkpoint_threshold_reach_dbts_duckdb(handmade_home, monkeypatch):
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("LVZHI_DUCKDB_MEMORY", "123MB")
    monkeypatch.setenv("LVZHI_CHECKPOINT_THRESHOLD", "3GB")
    query = "select current_setting('memory_limit') as m, current_setting('checkpoint_threshold') as c"
    with _dbt_in(handmade_home, HANDMADE_AS_OF):
        try:
            outcome = dbtRunner().invoke(["show", "--inline", query, *_dbt_options(handmade_home, HANDMADE_AS_OF)])
        finally:
            _close_duckdb()
    assert outcome.success, outcome.exception
    memory, threshold = outcome.result.results[0].agate_table.rows[0]
    assert (memory, threshold) == ("117.3 MiB", "2.7 GiB")  # 123e6 and 3e9 bytes, as DuckDB shows them


def test_a_new_home_starts_from_the_parse_another_home_made(handmade_home, tmp_path):
    """profiles.yml is the same for every home (paths relative to it), so dbt accepts the parse the
    hand-made home's build left: a new home's first build does not parse the whole project again."""
    from lvzhi.build import warm_up

    home = Home.at(tmp_path / "new-home")
    assert warm_up(home, HANDMADE_AS_OF)
    said = (home.root / "dbt_logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Running with dbt" in said
    assert "Unable to do partial parsing" not in said, said[-2000:]
    assert (home.root / "dbt_target" / "partial_parse.msgpack").exists()
