"""exports.yml: the repository's jobs load; a home's own file replaces them; every mistake is a
Chinese message naming the job and the key."""

from __future__ import annotations

import pytest

from exports import jobs
from exports import run as export_run
from tests.exports.conftest import job_spec, write_config


def test_repository_jobs_load(export_home):
    loaded = jobs.load(export_home, jobs.REPO_CONFIG)
    assert len(loaded) >= 2
    for job in loaded.values():
        assert job.timezone == "Asia/Shanghai" and job.folder(export_home) == export_home.exports_dir / job.name
    assert {f for job in loaded.values() if job.kind == "indicators" for f in job.formats} == set(jobs.FORMATS)
    assert {job.kind for job in loaded.values()} == set(jobs.KINDS)
    assert {job.period for job in loaded.values()} >= {"last_month", "last_quarter"}


def test_home_config_replaces_the_repository_one(export_home):
    assert jobs.config_path(export_home) == jobs.REPO_CONFIG
    write_config(export_home, {"mine": job_spec()})
    assert jobs.config_path(export_home) == export_home.config_dir / "exports.yml"
    assert list(jobs.load(export_home)) == ["mine"]


@pytest.mark.parametrize("key, value, words", [
    ("cron", "61 7 * * *", "cron"),
    ("cron", "0 7 * * * *", "5段"),
    ("timezone", "Mars/Olympus", "时区"),
    ("scope", ["region", "county"], "scope"),
    ("period", "last_week", "last_month"),
    ("formats", ["xlsx", "pdf"], "parquet"),
    ("retention", 0, "不小于1"),
    ("retention", "many", "整数"),
    ("colour", "red", "不是可用的设置"),
])
def test_config_errors_name_job_and_key(export_home, key, value, words):
    write_config(export_home, {"monthly_report": {**job_spec(), key: value}})
    with pytest.raises(jobs.ExportError) as error:
        jobs.load(export_home)
    message = str(error.value)
    assert "monthly_report" in message and key in message and words in message, message


def test_missing_required_key_is_named(export_home):
    spec = job_spec()
    del spec["period"]
    write_config(export_home, {"q": spec})
    with pytest.raises(jobs.ExportError, match="任务“q”的 period 必须填写"):
        jobs.load(export_home)


@pytest.mark.parametrize("text, words", [
    ("jobs: [1, 2", "不是有效的 YAML"), ("title: x", "没有 jobs"), ("jobs:\n  ../evil:\n    cron: x", "任务名")])
def test_broken_files_are_explained(export_home, text, words):
    export_home.config_dir.mkdir(parents=True, exist_ok=True)
    (export_home.config_dir / "exports.yml").write_text(text, encoding="utf-8")
    with pytest.raises(jobs.ExportError, match=words):
        jobs.load(export_home)


def test_unknown_indicator_is_named_when_the_job_runs(export_home, job):
    spec = job("picky", indicators=["suggestion_reply_rate", "no_such_indicator"])
    with pytest.raises(jobs.ExportError, match="任务“picky”的 indicators.*no_such_indicator"):
        export_run.run_job(export_home, spec)
    assert not spec.folder(export_home).exists()


def test_relative_destination_is_under_the_home(export_home, tmp_path):
    write_config(export_home, {"rel": job_spec(destination="shared/月报"), "abs": job_spec(destination=str(tmp_path))})
    loaded = jobs.load(export_home)
    assert loaded["rel"].folder(export_home) == export_home.root / "shared" / "月报"
    assert loaded["abs"].folder(export_home) == tmp_path
