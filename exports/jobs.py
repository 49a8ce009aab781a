"""Export jobs: load and check `exports.yml`, and turn a job's period into indicator_values rows.

The repository's `exports.yml` is the default; `<home>/config/exports.yml`, when present, replaces it
whole (an installation's own jobs). Every mistake in the file is reported in Chinese with the job and
the key, before anything runs.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from cronsim import CronSim, CronSimError

from lvzhi.home import Home
from lvzhi.home import PROJECT_DIR

REPO_CONFIG = PROJECT_DIR / "exports.yml"
SCOPES = ("region", "each_prefecture")
# What a job exports: indicator tables (the default) or the 催办 list (suggestions due within 30
# days, one workbook per handling unit and a region summary; its period is the as-of date).
# Reports of reports/ (issue 19): one per region and/or prefecture, for a calendar year.
REPORT_KINDS = {"annual_report": ("docx", "pdf"), "handling_report": ("docx", "xlsx")}
JOB_KINDS = ("indicators", "due_soon", *REPORT_KINDS)
KINDS = JOB_KINDS
DUE_SOON_SCOPES = ("region", "each_handling_unit")
PERIODS = ("last_month", "last_quarter", "year_to_date", "term", "last_year")
REPORT_PERIODS = ("last_year", "year_to_date")
FORMATS = ("xlsx", "csv", "parquet")
DEFAULT_TIMEZONE = "Asia/Shanghai"
KEYS = {"title", "cron", "timezone", "scope", "period", "indicators", "formats", "destination", "retention", "kind"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")  # the job name is a folder and a lock-file name


class ExportError(Exception):
    """A problem the user can fix (configuration, as-of date, nothing published); the message is Chinese."""


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    cron: str
    timezone: str
    scopes: tuple[str, ...]
    period: str
    indicators: tuple[str, ...] | None  # None: the whole catalogue
    formats: tuple[str, ...]
    destination: Path | None  # None: <home>/exports/<name>; relative: under <home>
    retention: int
    kind: str = "indicators"  # one of JOB_KINDS

    def folder(self, home: Home) -> Path:
        """Where the runs go; a relative destination is under the home."""
        return home.root / self.destination if self.destination else home.exports_dir / self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIODS
    period_type: str  # indicator_values.period_type
    label: str | None  # indicator_values.period_label; None for `term` (every term under way at the as-of date)
    tag: str  # for file names
    text: str  # for people

    def as_dict(self) -> dict:
        return {"kind": self.kind, "type": self.period_type, "label": self.label, "tag": self.tag, "text": self.text}


def config_path(home: Home) -> Path:
    own = home.config_dir / "exports.yml"
    return own if own.exists() else REPO_CONFIG


def load(home: Home, path: Path | None = None) -> dict[str, Job]:
    """The jobs of the installation's exports.yml (or the repository's), checked."""
    path = path or config_path(home)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ExportError(f"找不到导出配置文件 {path}") from None
    except yaml.YAMLError as error:
        raise ExportError(f"{path.name} 不是有效的 YAML：{error}") from None
    jobs = document.get("jobs") if isinstance(document, dict) else None
    if not isinstance(jobs, dict) or not jobs:
        raise ExportError(f"{path.name} 中没有 jobs（导出任务）：请按仓库中的 exports.yml 填写")
    return {str(name): parse_job(str(name), spec, path.name) for name, spec in jobs.items()}


def parse_job(name: str, spec: object, source: str = "exports.yml") -> Job:
    def fail(key: str, problem: str):
        raise ExportError(f"{source} 中任务“{name}”的 {key} {problem}")

    if not NAME.match(name):
        raise ExportError(f"{source} 中的任务名“{name}”只能包含字母、数字、下划线和连字符（用作文件夹名）")
    if not isinstance(spec, dict):
        raise ExportError(f"{source} 中任务“{name}”应是键值对（title、cron、scope……）")
    unknown = sorted(set(map(str, spec)) - KEYS)
    if unknown:
        fail(unknown[0], f"不是可用的设置；可用：{'、'.join(sorted(KEYS))}")
    kind = str(spec.get("kind") or "indicators")
    if kind not in JOB_KINDS:
        fail("kind", f"“{kind}”无效；可选 {'、'.join(JOB_KINDS)}")
    for key in ("cron", "scope", "formats") + (("period",) if kind != "due_soon" else ()):
        if spec.get(key) in (None, "", []):
            fail(key, "必须填写")

    timezone = str(spec.get("timezone") or DEFAULT_TIMEZONE)
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail("timezone", f"“{timezone}”不是有效的时区，例如 Asia/Shanghai")
    cron = str(spec["cron"]).strip()
    if len(cron.split()) != 5:
        fail("cron", f"“{cron}”应为5段（分 时 日 月 周），例如 \"0 7 2 * *\" 表示每月2日7:00")
    try:
        CronSim(cron, datetime.now(zone))
    except CronSimError as error:
        fail("cron", f"“{cron}”无效（{error}）")

    allowed_scopes = DUE_SOON_SCOPES if kind == "due_soon" else SCOPES
    scopes = _listed(spec["scope"])
    if not scopes or any(s not in allowed_scopes for s in scopes):
        fail("scope", f"“{spec['scope']}”无效；可选 {'、'.join(allowed_scopes)}")
    period = str(spec.get("period") or "as_of")
    if kind == "indicators" and period not in PERIODS:
        fail("period", f"“{period}”无效；可选 {'、'.join(PERIODS)}")
    if kind in REPORT_KINDS and period not in REPORT_PERIODS:
        fail("period", f"“{period}”不适用于报告任务；可选 last_year（最近一个完整年度）或 year_to_date（统计日所在年度）")
    if kind == "due_soon" and period != "as_of":
        fail("period", "对催办清单（kind: due_soon）无效：清单按统计日生成，请删去 period")
    formats = _listed(spec["formats"])
    allowed_formats = FORMATS if kind == "indicators" else REPORT_KINDS.get(kind, ("xlsx", "csv"))
    if not formats or any(f not in allowed_formats for f in formats):
        fail("formats", f"“{spec['formats']}”无效；可选 {'、'.join(allowed_formats)}")
    indicators = _listed(spec["indicators"]) if spec.get("indicators") not in (None, "all", []) else None
    retention = spec.get("retention", 12)
    if isinstance(retention, bool) or not isinstance(retention, int) or retention < 1:
        fail("retention", f"应为不小于1的整数（保留最近几次导出），收到“{retention}”")
    destination = Path(str(spec["destination"])).expanduser() if spec.get("destination") else None
    return Job(name=name, title=str(spec.get("title") or name), cron=cron, timezone=timezone,
               scopes=tuple(dict.fromkeys(scopes)), period=period, indicators=indicators,
               formats=tuple(dict.fromkeys(formats)), destination=destination, retention=retention, kind=kind)


def _listed(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list):
        return tuple(str(part).strip() for part in value)
    return ()


def resolve_period(kind: str, as_of: date) -> Period:
    """The period a job reports, relative to the as-of date of the published warehouse.

    last_month / last_quarter: the latest month / quarter complete on the as-of date (as of 2024-06-30
    that is 2024-06 and 2024Q2; as of 2024-07-15 still 2024-06 and 2024Q2).
    """
    if kind == "last_month":
        year, month = as_of.year, as_of.month
        if as_of.day != calendar.monthrange(year, month)[1]:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return Period(kind, "month", f"{year}-{month:02d}", f"{year}-{month:02d}", f"{year}年{month}月")
    if kind == "last_quarter":
        year, quarter = as_of.year, (as_of.month - 1) // 3 + 1
        last_month = quarter * 3
        if (as_of.month, as_of.day) != (last_month, calendar.monthrange(year, last_month)[1]):
            year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        return Period(kind, "quarter", f"{year}Q{quarter}", f"{year}Q{quarter}", f"{year}年第{quarter}季度")
    if kind == "year_to_date":
        return Period(kind, "year", str(as_of.year), f"{as_of.year}YTD",
                      f"{as_of.year}年1月1日至{as_of.month}月{as_of.day}日（年初至统计日）")
    if kind == "term":
        return Period(kind, "term", None, "term", f"本届（截至{as_of.isoformat()}）")
    if kind == "last_year":  # the latest calendar year complete on the as-of date (as of 2025-01-10: 2024)
        year = as_of.year if (as_of.month, as_of.day) == (12, 31) else as_of.year - 1
        return Period(kind, "year", str(year), str(year), f"{year}年")
    raise ExportError(f"未知的期间“{kind}”；可选 {'、'.join(PERIODS)}")
