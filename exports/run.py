"""One export run: read the published warehouse, render every file, write them safely, keep N runs.

Safety: each run has its own folder `<destination>/<as_of>_<run time>/`. Every file is first written
as `.<name>.tmp` (and fsynced) in that folder; only when all are written are they renamed to their
final names, and `manifest.json` (files, sha256, rows, as-of, warehouse version) is written last, also
by rename. A run folder without a manifest is unfinished: readers ignore it and the next run of the
job removes it. One job never runs twice at once: an exclusive, non-blocking lock per job.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from exports import writers
from exports.jobs import REPORT_KINDS, ExportError, Job, Period, resolve_period
from access import audit
from lvzhi import reference, warehouse
from lvzhi.faults import fault_point
from lvzhi.home import Home

MANIFEST = "manifest.json"
RUN_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{8}T\d{12}$")  # <as_of>_<run time>: only these are ever deleted
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # not in a file name on Linux or Windows
LEVEL_ORDER = {"region": 0, "prefecture": 1, "county": 2}
EXPORT_COLUMNS = list(writers.COLUMNS)


class JobBusy(Exception):
    pass


@dataclass
class RunResult:
    job: str
    folder: Path
    manifest: dict
    seconds: float


# ------------------------------------------------------------------ lock and state


@contextmanager
def job_lock(home: Home, name: str):
    """Hold the job's lock, or raise JobBusy at once (a scheduled and a manual run never overlap)."""
    path = home.exports_dir / "locks" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise JobBusy(f"导出任务“{name}”正在运行（另一个进程持有 {path.name}），本次跳过") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def state_path(home: Home) -> Path:
    return home.exports_dir / "state.json"


def read_state(home: Home) -> dict:
    try:
        return json.loads(state_path(home).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def update_state(home: Home, job: str, **fields) -> dict:
    """Merge fields into the job's entry of state.json: read-modify-write under a lock, then rename."""
    path = state_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state(home)
        state.setdefault(job, {}).update(fields)
        _write_atomically(path, json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
    return state


# ------------------------------------------------------------------ one run


def run_job(home: Home, job: Job, as_of: date | None = None, user: str | None = None,
            trigger: str = "manual") -> RunResult:
    """Run one export job on the current published version. Raises ExportError (fixable) or JobBusy."""
    with job_lock(home, job.name):
        return run_locked(home, job, as_of, user, trigger)


def run_locked(home: Home, job: Job, as_of: date | None = None, user: str | None = None,
               trigger: str = "manual") -> RunResult:
    """run_job for a caller that already holds the job's lock (the scheduler)."""
    started = time.monotonic()
    try:
        result = _run(home, job, as_of, started)
    except Exception as error:
        update_state(home, job.name, last_result={"status": "failed", "at": _now(), "trigger": trigger,
                                                  "message": str(error).splitlines()[0] if str(error) else
                                                  type(error).__name__})
        raise
    manifest = result.manifest
    update_state(home, job.name, last_result={
        "status": "ok", "at": manifest["generated_at"], "trigger": trigger, "run": result.folder.name,
        "files": len(manifest["files"]), "as_of": manifest["as_of"], "seconds": round(result.seconds, 2)})
    audit.record(home, user, "export", job=job.name, files=[f["name"] for f in manifest["files"]],
                 as_of=manifest["as_of"], period=manifest["period"]["label"] or manifest["period"]["kind"],
                 run=result.folder.name, trigger=trigger, warehouse_version=manifest["warehouse_version"])
    return result


def _run(home: Home, job: Job, as_of: date | None, started: float) -> RunResult:
    source = warehouse.current_published(home)
    if source is None:
        raise ExportError("尚未发布任何数据版本：请先运行 lvzhi build，再导出")
    con = warehouse.connect_published(home, source)  # one version for the whole run
    try:
        published_as_of = con.sql("select max(as_of) from indicator_values").fetchall()[0][0]
        if published_as_of is None:
            raise ExportError("已发布的数据中没有指标（indicator_values 为空），无法导出")
        if as_of is not None and as_of != published_as_of:
            raise ExportError(f"已发布数据的统计日是 {published_as_of}，不是 {as_of}；"
                              f"请先运行 lvzhi build --as-of {as_of}，或去掉 --as-of")
        info = json.loads(con.sql("select info_json from publish_info").fetchall()[0][0])
        if job.kind == "due_soon":
            due_soon = _due_soon_rows(con)
            freshness = _freshness(con)
        elif job.kind in REPORT_KINDS:  # a report per scope (issue 19), rendered while the version is open
            period = resolve_period(job.period, published_as_of)
            prefectures = con.sql("select prefecture_code, prefecture_name from prefectures order by prefecture_code").pl()
            reports_rendered = _render_reports(con, job, period, prefectures)
        else:
            catalogue = _catalogue(con, job)
            period = resolve_period(job.period, published_as_of)
            rows = _rows(con, period, published_as_of, catalogue["indicator_id"].to_list())
            freshness = _freshness(con)
            prefectures = con.sql("select prefecture_code, prefecture_name from prefectures order by prefecture_code").pl()
    finally:
        con.close()

    generated = datetime.now(job.zone).replace(microsecond=0)  # the job's clock, as leaders read it
    version = str(info.get("version") or source.stem.removeprefix("lvzhi-"))
    if job.kind == "due_soon":
        period = Period("as_of", "as_of", None, published_as_of.isoformat(),
                        f"统计日 {published_as_of.isoformat()} 起30天内到期")
        rendered = _due_soon_files(job, due_soon, freshness, published_as_of, generated, version)
    elif job.kind in REPORT_KINDS:
        rendered = reports_rendered
    else:
        rendered = _indicator_files(job, rows, prefectures, catalogue, freshness, period, published_as_of,
                                    generated, version)

    return _write_run(home, job, rendered, period, published_as_of, version, source, generated, started)


def _render_reports(con, job: Job, period: Period, prefectures: pl.DataFrame) -> list[tuple[dict, bytes]]:
    """The job's report (reports/) for the region and/or each prefecture, in each of its formats."""
    from reports import annual, handling, wordfile

    year = int(period.label)
    scopes = ([(None, reference.region_code(), reference.region_name())] if "region" in job.scopes else []) + (
        [(code, code, name) for code, name in prefectures.iter_rows()] if "each_prefecture" in job.scopes else [])
    rendered = []
    for prefecture, code, name in scopes:
        stem = f"{code}_{UNSAFE_IN_NAMES.sub('_', name)}_{year}_" + (
            "年度报告代表工作部分初稿" if job.kind == "annual_report" else "代表建议办理情况报告")
        files = {}
        if job.kind == "annual_report":
            document = annual.render(annual.collect(con, year, prefecture))
            files["docx"] = document
            if "pdf" in job.formats:
                with tempfile.TemporaryDirectory(prefix="lvzhi-report-") as folder:
                    path = Path(folder) / "report.docx"
                    path.write_bytes(document)
                    files["pdf"] = wordfile.to_pdf(path).read_bytes()
        else:
            report = handling.collect(con, year, prefecture)
            files = {"docx": handling.to_docx(report) if "docx" in job.formats else b"",
                     "xlsx": handling.to_xlsx(report) if "xlsx" in job.formats else b""}
        for fmt in job.formats:
            data = files[fmt]
            entry = {"name": f"{stem}.{fmt}", "format": fmt, "scope_level": "prefecture" if prefecture else "region",
                     "scope_code": code, "scope_name": name, "prefecture_code": prefecture or "region",
                     "rows": 0, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            rendered.append((entry, data))
    return rendered


def _freshness(con) -> pl.DataFrame:
    return con.sql(
        "select prefecture_code, prefecture_name, files_loaded, last_submitted_on, last_loaded_at, "
        "cast(rows_loaded as bigint) as rows_loaded, cast(rows_quarantined as bigint) as rows_quarantined "
        "from data_freshness order by prefecture_code").pl()


def _due_soon_rows(con) -> pl.DataFrame:
    """The 催办 list of the published version (fct_suggestion_due_soon), with prefecture names."""
    return con.sql(
        "select d.prefecture_code, p.prefecture_name, d.handling_unit_id, d.unit_name, d.unit_role, "
        "d.suggestion_id, d.title, d.assigned_on, d.statutory_due_on, d.extended_due, d.due_on, d.days_left, "
        "d.is_key_supervised, d.supervising_leader, d.unit_on_time_rate_last_year, d.unit_due_or_replied_last_year "
        "from fct_suggestion_due_soon d left join prefectures p on d.prefecture_code = p.prefecture_code "
        "order by d.prefecture_code, d.unit_name, d.days_left, d.suggestion_id").pl()


def _due_soon_files(job: Job, rows: pl.DataFrame, freshness: pl.DataFrame, as_of: date, generated: datetime,
                    version: str) -> list[tuple[dict, bytes]]:
    """催办: one file per handling unit with its due-soon suggestions, and a region summary."""
    rendered = []
    units = []
    if "each_handling_unit" in job.scopes:
        for (unit_id,), unit_rows in rows.group_by(["handling_unit_id"], maintain_order=True):
            first = unit_rows.row(0, named=True)
            units.append({"level": "handling_unit", "code": unit_id, "prefecture_code": first["prefecture_code"],
                          "name": first["unit_name"], "stem": f"{first['prefecture_code']}_{first['unit_name']}",
                          "scope_text": f"{first['prefecture_name'] or first['prefecture_code']} {first['unit_name']}",
                          "rows": unit_rows})
    if "region" in job.scopes:
        units.append({"level": "region", "code": reference.region_code(), "prefecture_code": "region",
                      "name": reference.region_name(), "stem": f"{reference.region_code()}_汇总",
                      "scope_text": f"{reference.region_name()}（全部承办单位）", "rows": rows})
    for unit in units:
        stem = UNSAFE_IN_NAMES.sub("_", f"{unit['stem']}_催办清单_{as_of.isoformat()}")
        cover = {"title": job.title, "范围": unit["scope_text"], "期间": f"统计日 {as_of.isoformat()} 起30天内到期",
                 "统计日": as_of.isoformat(), "生成时间": generated.isoformat(sep=" "), "数据版本": version,
                 "导出任务": job.name}
        unit_freshness = freshness if unit["level"] == "region" else freshness.filter(
            pl.col("prefecture_code") == unit["prefecture_code"])
        for fmt in job.formats:
            data = (writers.due_soon_xlsx(unit["rows"], unit_freshness, cover, generated, unit["level"] == "region")
                    if fmt == "xlsx" else writers.due_soon_csv(unit["rows"]))
            entry = {"name": f"{stem}.{fmt}", "format": fmt, "scope_level": unit["level"],
                     "scope_code": unit["code"], "scope_name": unit["name"], "prefecture_code": unit["prefecture_code"],
                     "rows": unit["rows"].height, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            rendered.append((entry, data))
    return rendered


def _indicator_files(job: Job, rows: pl.DataFrame, prefectures: pl.DataFrame, catalogue: pl.DataFrame,
                     freshness: pl.DataFrame, period: Period, published_as_of: date, generated: datetime,
                     version: str) -> list[tuple[dict, bytes]]:
    rendered = []  # (file entry, bytes)
    for unit in _units(job, rows, prefectures):
        stem = f"{unit['code']}_{UNSAFE_IN_NAMES.sub('_', unit['name'])}_{period.tag}"
        cover = {"title": job.title, "范围": unit["scope_text"], "期间": period.text,
                 "统计日": published_as_of.isoformat(), "生成时间": generated.isoformat(sep=" "),
                 "数据版本": version, "导出任务": job.name}
        unit_freshness = freshness if unit["level"] == "region" else freshness.filter(
            pl.col("prefecture_code") == unit["code"])
        for fmt in job.formats:
            if fmt == "xlsx":
                data = writers.to_xlsx(unit["rows"], catalogue, unit_freshness, cover, generated)
            elif fmt == "csv":
                data = writers.to_csv(unit["rows"])
            else:
                data = writers.to_parquet(unit["rows"])
            entry = {"name": f"{stem}.{fmt}", "format": fmt, "scope_level": unit["level"],
                     "scope_code": unit["code"], "scope_name": unit["name"],
                     # issue 9 restricts a prefecture's users to the files of their prefecture
                     "prefecture_code": unit["code"] if unit["level"] == "prefecture" else "region",
                     "rows": unit["rows"].height, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            rendered.append((entry, data))
    return rendered


def _write_run(home: Home, job: Job, rendered: list, period: Period, published_as_of: date, version: str,
               source: Path, generated: datetime, started: float) -> RunResult:
    folder = _new_run_folder(job.folder(home), published_as_of)
    for number, (entry, data) in enumerate(rendered):
        _write_file(folder / f".{entry['name']}.tmp", data)
        if number == 0:
            fault_point("export_mid_write")
    for entry, _ in rendered:
        os.replace(folder / f".{entry['name']}.tmp", folder / entry["name"])
    manifest = {"job": job.name, "title": job.title, "period": period.as_dict(), "as_of": published_as_of.isoformat(),
                "warehouse_version": version, "warehouse_file": source.name,
                "generated_at": generated.isoformat(), "files": [entry for entry, _ in rendered]}
    _write_atomically(folder / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    _fsync_dir(folder)
    prune(job.folder(home), job.retention, keep=folder)
    return RunResult(job.name, folder, manifest, time.monotonic() - started)


def _catalogue(con, job: Job) -> pl.DataFrame:
    catalogue = con.sql("select indicator_id, family, name_zh, formula_zh, unit, target, direction, basis "
                        "from indicator_catalogue").pl()  # seed order: the catalogue's own order
    if job.indicators is None:
        return catalogue
    unknown = [i for i in job.indicators if i not in set(catalogue["indicator_id"].to_list())]
    if unknown:
        raise ExportError(f"任务“{job.name}”的 indicators 中有指标目录里没有的编号：{'、'.join(unknown)}")
    return catalogue.filter(pl.col("indicator_id").is_in(list(job.indicators)))


def _rows(con, period: Period, as_of: date, indicators: list[str]) -> pl.DataFrame:
    """indicator_values rows of the period for the region, the prefectures and their counties,
    in catalogue order, then region → prefecture → county, then code and period."""
    rows = con.sql(
        f"select {', '.join(EXPORT_COLUMNS)}, scope_prefecture_code from indicator_values "
        "where scope_level in ('region', 'prefecture', 'county') and period_type = ? "
        "and (period_label = ? or (? is null and period_start <= ? and period_end >= ?)) "
        "and list_contains(?, indicator_id)",
        params=[period.period_type, period.label, period.label, as_of, as_of, indicators]).pl()
    order = {indicator: number for number, indicator in enumerate(indicators)}
    return rows.with_columns(
        pl.col("indicator_id").replace_strict(order, return_dtype=pl.Int64).alias("_indicator"),
        pl.col("scope_level").replace_strict(LEVEL_ORDER, return_dtype=pl.Int64).alias("_level"),
    ).sort("_indicator", "_level", "scope_code", "period_label").drop("_indicator", "_level")


def _units(job: Job, rows: pl.DataFrame, prefectures: pl.DataFrame) -> list[dict]:
    """The files' scopes: the region (region + prefecture rows), each prefecture (its row + its counties)."""
    units = []
    if "region" in job.scopes:
        region = rows.filter(pl.col("scope_level") == "region")
        name = region["scope_name"][0] if region.height else reference.region_name()
        code = region["scope_code"][0] if region.height else reference.region_code()
        units.append({"level": "region", "code": code, "name": name, "scope_text": f"{name}（全区及各地州市）",
                      "rows": rows.filter(pl.col("scope_level").is_in(["region", "prefecture"]))})
    if "each_prefecture" in job.scopes:
        for code, name in prefectures.iter_rows():
            mine = (pl.col("scope_level") == "prefecture") & (pl.col("scope_code") == code)
            counties = (pl.col("scope_level") == "county") & (pl.col("scope_prefecture_code") == code)
            units.append({"level": "prefecture", "code": code, "name": name, "scope_text": f"{name}（本地州市及所辖县区）",
                          "rows": rows.filter(mine | counties)})
    for unit in units:
        unit["rows"] = unit["rows"].select(EXPORT_COLUMNS)
    return units


# ------------------------------------------------------------------ files and folders


def _new_run_folder(destination: Path, as_of: date) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    folder = destination / f"{as_of.isoformat()}_{datetime.now().strftime('%Y%m%dT%H%M%S%f')}"
    folder.mkdir()  # microseconds, as published versions: names sort in run order
    return folder


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    _write_file(temporary, data)
    os.replace(temporary, path)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def run_folders(destination: Path) -> list[Path]:
    """The finished runs of a job (with a manifest), oldest first by run time."""
    if not destination.is_dir():
        return []
    finished = [p for p in destination.iterdir() if RUN_NAME.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(finished, key=_run_key)


def _run_key(folder: Path) -> tuple[str, str]:
    as_of, _, stamp = folder.name.partition("_")
    return stamp, as_of  # run time first: an older as-of exported later is the newer run


def manifests(destination: Path) -> list[tuple[Path, dict]]:
    """(folder, manifest) of each finished run, newest first."""
    found = []
    for folder in reversed(run_folders(destination)):
        try:
            found.append((folder, json.loads((folder / MANIFEST).read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return found


def files_for(manifest: dict, prefectures: tuple[str, ...] | None) -> list[dict]:
    """The files of a run a user may have: all (None), or only those of the given prefectures
    (the region summary, `prefecture_code` "region", holds every prefecture: not for them)."""
    return [f for f in manifest["files"] if prefectures is None or f.get("prefecture_code") in prefectures]


def prune(destination: Path, retention: int, keep: Path) -> list[Path]:
    """Delete finished runs beyond the newest `retention`, and unfinished folders (a run killed
    midway) other than `keep`. Called under the job's lock, so no other run of the job is writing."""
    finished = run_folders(destination)
    doomed = [p for p in finished[:-retention] if p != keep]
    doomed += [p for p in destination.iterdir() if RUN_NAME.match(p.name) and p.is_dir() and p not in finished
               and p != keep]
    for folder in doomed:
        shutil.rmtree(folder, ignore_errors=True)
    return doomed
