"""A killed publish leaves `*.partial` files (issue 16: up to 22 MB) in the published folder: every build
removes them when it starts — before dbt runs, not only when it publishes at the end — and so does every
publish. (Main's #20 build made the same change while issue 16 was under way: these tests guard it.)"""

from __future__ import annotations

from datetime import date

import duckdb

from lvzhi import build as building
from lvzhi import warehouse
from lvzhi.home import Home
from tests.conftest import quiet


def leave_partials(home: Home) -> list:
    stale = [home.published_dir / "lvzhi-20260101T000000000000.partial",
             home.published_dir / "lvzhi-20260101T000000000000.partial.wal"]
    for path in stale:
        path.write_bytes(b"\0" * 1_000_000)
    return stale


def partials(home: Home) -> list[str]:
    return sorted(path.name for path in home.published_dir.glob("*.partial*"))


def test_a_build_removes_stale_partials_when_it_starts(tmp_path, monkeypatch):
    home = Home.at(tmp_path / "home")
    leave_partials(home)
    seen = []

    def dbt_that_fails(home, args, as_of, select=None, **_options):
        seen.append(partials(home))  # what is left while dbt runs (up to half a minute on real data)
        return building.BuildResult(False, 0.0, ["stopped by the test"])

    monkeypatch.setattr(building, "run_dbt", dbt_that_fails)
    building.build(home, date(2025, 12, 31), say=quiet, full=True)
    assert seen in ([], [[]])  # dbt, if the plan ran it, saw none
    assert partials(home) == []


def test_a_publish_removes_stale_partials(tmp_path):
    home = Home.at(tmp_path / "home")
    home.warehouse_dir.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(home.marts_db))
    con.execute(f"create schema {warehouse.PUBLISHED_SCHEMA}")
    con.execute(f"create table {warehouse.PUBLISHED_SCHEMA}.t as select 1 as x")
    con.close()
    leave_partials(home)
    with warehouse.writer_lock(home, say=quiet):
        published = warehouse.publish(home, {"as_of": None})
    assert partials(home) == [] and published.exists()
