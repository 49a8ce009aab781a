"""Report export jobs (exports.yml kind annual_report / handling_report): files per scope, in the
manifest like every export; the formats and periods a report job accepts."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest

from exports import jobs
from exports.run import run_job
from lvzhi.home import Home
from tests.exports.conftest import job_spec, write_config


@pytest.fixture
def report_home(turpan_home, tmp_path) -> Home:
    """A copy of the Turpan home, so export runs do not touch the session's."""
    root = tmp_path / "home"
    shutil.copytree(turpan_home.root, root, symlinks=True)
    return Home.at(root)


def test_repository_report_jobs_load():
    loaded = jobs.load(Home.at("/nonexistent"), jobs.REPO_CONFIG)
    assert loaded["annual_report"].kind == "annual_report" and loaded["annual_report"].formats == ("docx", "pdf")
    assert loaded["handling_report"].period == "last_year"


@pytest.mark.parametrize("override, words", [
    ({"kind": "memo"}, "kind"),
    ({"kind": "annual_report", "formats": ["xlsx"], "period": "last_year"}, "docx"),
    ({"kind": "handling_report", "formats": ["xlsx"], "period": "last_month"}, "last_year"),
])
def test_report_job_errors(override, words):
    with pytest.raises(jobs.ExportError, match=words):
        jobs.parse_job("r", job_spec(**override))


def test_annual_and_handling_report_jobs_write_files(report_home):
    write_config(report_home, {
        "annual": job_spec(kind="annual_report", period="last_year", scope=["region"], formats=["docx"]),
        "handling": job_spec(kind="handling_report", period="last_year", scope=["each_prefecture"], formats=["xlsx"]),
    })
    loaded = jobs.load(report_home)
    annual = run_job(report_home, loaded["annual"])
    [entry] = annual.manifest["files"]
    assert entry["name"] == "650000_新疆维吾尔自治区_2024_年度报告代表工作部分初稿.docx"
    assert annual.manifest["period"]["label"] == "2024"
    assert (annual.folder / entry["name"]).stat().st_size == entry["bytes"]

    handling = run_job(report_home, loaded["handling"])
    files = {f["scope_code"]: f for f in handling.manifest["files"]}
    assert len(files) == 14 and files["650400"]["prefecture_code"] == "650400"
    sheet = openpyxl.load_workbook(io.BytesIO((handling.folder / files["650400"]["name"]).read_bytes())).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "吐鲁番市2024年代表建议办理情况报告" in values and "市水利局" in values
