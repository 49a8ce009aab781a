"""The 导出文件 page lists each job's finished runs from their manifests, newest first, with a
download button per file; a job with no run yet says so."""

from __future__ import annotations

from exports import run as export_run
from tests.dashboard.conftest import open_app
from tests.exports.conftest import job_spec, write_config


def test_exports_page_lists_runs_newest_first_with_downloads(export_home, monkeypatch):
    write_config(export_home, {
        "quarterly": job_spec(title="季报", scope=["region"], formats=["xlsx", "csv"]),
        "never": job_spec(title="从未运行", scope=["region"], formats=["parquet"]),
    })
    from exports import jobs

    loaded = jobs.load(export_home)
    export_run.run_job(export_home, loaded["quarterly"])
    unfinished = export_run.run_job(export_home, loaded["quarterly"])
    newer = export_run.run_job(export_home, loaded["quarterly"])
    (unfinished.folder / "manifest.json").unlink()  # an unfinished run is not offered
    monkeypatch.setenv("LVZHI_HOME", str(export_home.root))

    app = open_app(export_home.root, "exports")
    assert app.title[0].value == "导出文件"
    assert [s.value for s in app.subheader] == ["季报", "从未运行"]
    runs = app.selectbox(key="run_quarterly")
    assert len(runs.options) == 2 and runs.value == newer.folder.name  # newest first, chosen
    assert runs.options[0].startswith("2024年第2季度 · 统计日 2024-06-30 · 生成于 ")
    buttons = app.get("download_button")
    assert sorted(b.proto.label for b in buttons) == sorted(f["name"] for f in newer.manifest["files"])
    assert any("从未运行" in i.value for i in app.info)  # a job is named by its title
