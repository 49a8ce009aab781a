"""The weekly 催办 export (issue 18): one workbook per handling unit with exactly its suggestions
due within 30 days and not replied, plus a region summary; read back from the files.

Hand-made reply histories (tests/fixtures/handmade_replies, as of 2024-06-30): due soon are CS5
(州水利局 lead with only an interim reply, 州财政局 co-unit; extended to 07-25) and CS6
(州自然资源局, due on the as-of date). CS4 (08-15) is beyond 30 days.
"""

from __future__ import annotations

import shutil

import openpyxl
import polars as pl
import pytest

from exports import jobs, run
from lvzhi import warehouse
from lvzhi.home import Home

EXPECTED = {"652300:州水利局": {"CS5"}, "652300:州财政局": {"CS5"}, "652300:州自然资源局": {"CS6"}}


@pytest.fixture
def chase_home(replies_home, tmp_path) -> Home:
    home = Home.at(tmp_path / "home")
    source = warehouse.current_published(replies_home)
    shutil.copy2(source, home.published_dir / source.name)
    (home.published_dir / "CURRENT").write_text(source.name)
    return home


def sheet_rows(path, sheet: str) -> list[dict]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook[sheet].iter_rows(values_only=True))
    workbook.close()
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_the_repository_job_is_weekly_and_per_unit(chase_home):
    job = jobs.load(chase_home)["chase"]
    assert (job.kind, job.scopes, job.cron) == ("due_soon", ("region", "each_handling_unit"), "0 8 * * 1")


def test_each_unit_file_lists_exactly_its_due_soon_suggestions(chase_home):
    job = jobs.load(chase_home)["chase"]
    result = run.run_job(chase_home, job, user="test")
    files = result.manifest["files"]
    units = {f["scope_code"]: f for f in files if f["scope_level"] == "handling_unit"}
    assert set(units) == set(EXPECTED)
    for unit_id, entry in units.items():
        rows = sheet_rows(result.folder / entry["name"], "催办清单")
        assert {r["建议编号"] for r in rows} == EXPECTED[unit_id], unit_id
        assert {r["承办单位"] for r in rows} == {unit_id.split(":", 1)[1]}
        assert entry["prefecture_code"] == "652300"  # a prefecture user may have it
    # Independently: the warehouse's list per unit equals the files.
    listed = warehouse.read_published(chase_home, "select handling_unit_id, suggestion_id from fct_suggestion_due_soon")
    by_unit = listed.group_by("handling_unit_id").agg(pl.col("suggestion_id")).rows()
    assert {unit: set(ids) for unit, ids in by_unit} == EXPECTED

    summary = next(f for f in files if f["scope_level"] == "region")
    assert summary["prefecture_code"] == "region"
    rows = sheet_rows(result.folder / summary["name"], "催办清单")
    assert sorted((r["承办单位"], r["建议编号"], r["剩余天数"], r["延期至"]) for r in rows) == [
        ("州水利局", "CS5", 25, "2024-07-25"), ("州自然资源局", "CS6", 0, None), ("州财政局", "CS5", 25, "2024-07-25")]
    units_sheet = {r["承办单位"]: r for r in sheet_rows(result.folder / summary["name"], "按单位汇总")}
    assert set(units_sheet) == {"州水利局", "州财政局", "州自然资源局"}
    # 州财政局 over the last year: CS1 replied on time (CS5 is not due yet) -> 1 of 1.
    assert (units_sheet["州财政局"]["单位近一年按期答复率"], units_sheet["州财政局"]["按期率分母(n)"]) == (1, 1)


def test_a_due_soon_job_takes_no_period(chase_home):
    with pytest.raises(jobs.ExportError, match="period"):
        jobs.parse_job("x", {"kind": "due_soon", "cron": "0 8 * * 1", "scope": ["region"], "period": "last_month",
                             "formats": ["xlsx"]})
    with pytest.raises(jobs.ExportError, match="scope"):
        jobs.parse_job("x", {"kind": "due_soon", "cron": "0 8 * * 1", "scope": ["each_prefecture"],
                             "formats": ["xlsx"]})
