"""A reader never sees half an export: a run killed midway leaves no file under a final name and no
manifest; re-runs give identical data; old runs go by retention; a running job is not run twice;
an as-of date other than the published one is refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import openpyxl
import pytest

from exports import cli as export_cli
from exports import run as export_run
from access import audit


def finished(folder):
    return [p for p in folder.iterdir() if not p.name.startswith(".")]


def test_run_killed_while_writing_leaves_no_final_file_and_no_manifest(export_home, job, tmp_path):
    spec = job("killed", formats=["xlsx", "csv", "parquet"])
    marker = tmp_path / "reached"
    env = {**os.environ, "LVZHI_FAULT_POINT": "export_mid_write", "LVZHI_FAULT_MARKER": str(marker)}
    process = subprocess.Popen([sys.executable, "-m", "lvzhi.cli", "--home", str(export_home.root), "export", "run",
                                "killed"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "fault point never reached"
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
    (folder,) = list(spec.folder(export_home).iterdir())
    temporary = [p.name for p in folder.iterdir()]
    assert temporary and all(name.startswith(".") and name.endswith(".tmp") for name in temporary), temporary
    assert finished(folder) == []  # no file under a final name, no manifest.json
    assert export_run.manifests(spec.folder(export_home)) == []
    assert not [row for row in audit.read(export_home) if row["action"] == "export"]

    result = export_run.run_job(export_home, spec)  # the next run cleans the unfinished folder up
    assert [p.name for p in spec.folder(export_home).iterdir()] == [result.folder.name]
    assert len(finished(result.folder)) == len(result.manifest["files"]) + 1


def cell_values(path) -> dict[str, list]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True) if row[0] != "生成时间"]
            for sheet in book.worksheets}


def test_rerun_of_same_job_and_as_of_gives_identical_data(export_home, job):
    spec = job("again", formats=["xlsx", "csv", "parquet"])
    first = export_run.run_job(export_home, spec)
    second = export_run.run_job(export_home, spec)
    assert first.folder != second.folder
    pairs = list(zip(first.manifest["files"], second.manifest["files"]))
    assert [a["name"] for a, _ in pairs] == [b["name"] for _, b in pairs]
    for a, b in pairs:
        if a["format"] in ("csv", "parquet"):
            assert a["sha256"] == b["sha256"], a["name"]  # byte for byte
        else:  # the same cells; only the 生成时间 (generated at) line of the cover differs
            assert cell_values(first.folder / a["name"]) == cell_values(second.folder / b["name"])
    assert first.manifest["as_of"] == second.manifest["as_of"]


def test_retention_keeps_the_newest_runs(export_home, job):
    spec = job("kept", retention=2, scope=["region"], formats=["csv"])
    folders = [export_run.run_job(export_home, spec).folder for _ in range(4)]
    assert sorted(p.name for p in spec.folder(export_home).iterdir()) == sorted(f.name for f in folders[-2:])
    assert [f for f, _ in export_run.manifests(spec.folder(export_home))] == folders[::-1][:2]


def test_retention_leaves_other_folders_in_the_destination_alone(export_home, job, tmp_path):
    destination = tmp_path / "shared"
    (destination / "leaders_notes").mkdir(parents=True)
    spec = job("shared", retention=1, scope=["region"], formats=["csv"], destination=str(destination))
    runs = [export_run.run_job(export_home, spec).folder for _ in range(2)]
    assert sorted(p.name for p in destination.iterdir()) == sorted(["leaders_notes", runs[-1].name])


def test_a_running_job_is_not_started_again(export_home, job, capsys):
    spec = job("busy", scope=["region"], formats=["csv"])
    with export_run.job_lock(export_home, "busy"):
        with pytest.raises(export_run.JobBusy, match="正在运行"):
            export_run.run_job(export_home, spec)
        assert export_cli.export_run(export_home, "busy", None) == 3
    assert "正在运行" in capsys.readouterr().err
    assert not spec.folder(export_home).exists()
    assert export_cli.export_run(export_home, "busy", None) == 0  # lock released: runs


def test_as_of_other_than_published_is_refused(export_home, job, capsys):
    from datetime import date

    spec = job("asof", scope=["region"], formats=["csv"])
    assert export_cli.export_run(export_home, "asof", date(2024, 5, 31)) == 1
    error = capsys.readouterr().err
    assert "统计日是 2024-06-30，不是 2024-05-31" in error and "lvzhi build --as-of 2024-05-31" in error
    assert not spec.folder(export_home).exists()
    state = json.loads(export_run.state_path(export_home).read_text(encoding="utf-8"))
    assert state["asof"]["last_result"]["status"] == "failed"
    assert export_cli.export_run(export_home, "asof", date(2024, 6, 30)) == 0


def test_each_run_is_audited(export_home, job):
    spec = job("audited", scope=["region"], formats=["csv", "parquet"])
    result = export_run.run_job(export_home, spec, user="admin")
    rows = [row for row in audit.read(export_home) if row["action"] == "export"]
    assert len(rows) == 1 and rows[0]["user"] == "admin"
    assert rows[0]["detail"]["job"] == "audited" and rows[0]["detail"]["as_of"] == "2024-06-30"
    assert rows[0]["detail"]["files"] == [f["name"] for f in result.manifest["files"]]
    assert audit.verify(export_home) is None


def test_nothing_published_yet_is_explained(tmp_path, capsys):
    from lvzhi.home import Home
    from tests.exports.conftest import job_spec, write_config

    home = Home.at(tmp_path / "empty")
    write_config(home, {"early": job_spec()})
    assert export_cli.export_run(home, "early", None) == 1
    assert "尚未发布任何数据版本" in capsys.readouterr().err
    assert not (home.exports_dir / "early").exists()
