"""A home of its own per test: a copy of the hand-made published warehouse (as of 2024-06-30) and,
when a test wants one, its own exports.yml under <home>/config/ — exports never touch handmade_home."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from exports import jobs
from lvzhi import warehouse
from lvzhi.home import Home


def write_config(home: Home, spec: dict) -> Path:
    home.config_dir.mkdir(parents=True, exist_ok=True)
    path = home.config_dir / "exports.yml"
    path.write_text(yaml.safe_dump({"jobs": spec}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def job_spec(**overrides) -> dict:
    spec = {"title": "测试季报", "cron": "0 7 2 * *", "scope": ["region", "each_prefecture"],
            "period": "last_quarter", "formats": ["xlsx", "csv", "parquet"], "retention": 3}
    return {**spec, **overrides}


@pytest.fixture
def export_home(handmade_home, tmp_path) -> Home:
    home = Home.at(tmp_path / "home")
    source = warehouse.current_published(handmade_home)
    shutil.copy2(source, home.published_dir / source.name)
    (home.published_dir / "CURRENT").write_text(source.name)
    shutil.copytree(handmade_home.config_dir, home.config_dir)  # the test users, for the dashboard page
    return home


@pytest.fixture
def job(export_home):
    """A function: write one job into the home's exports.yml and return it loaded."""
    def make(name: str = "test", **overrides) -> jobs.Job:
        write_config(export_home, {name: job_spec(**overrides)})
        return jobs.load(export_home)[name]
    return make
