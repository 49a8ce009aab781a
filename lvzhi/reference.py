"""Reference facts stated once: the prefectures (data/seeds/prefectures.csv), the region (dbt vars in
dbt_project.yml) and the ten 第八十条 station flags. Ingest, the dashboard, exports and synth read them here."""

from __future__ import annotations

import csv
from functools import cache

import yaml

from lvzhi.home import PROJECT_DIR

# 第八十条 "十有": the column of raw.stations / dim_station and its Chinese header, in the rule's order.
STATION_FLAGS: tuple[tuple[str, str], ...] = (
    ("has_site", "有场地"), ("has_sign", "有标识"), ("has_equipment", "有设备"), ("has_staff", "有人员"),
    ("has_rules", "有制度"), ("has_plan", "有计划"), ("has_activities", "有活动"), ("has_records", "有资料"),
    ("has_ledger", "有台账"), ("has_funds", "有经费"),
)


@cache
def prefectures() -> dict[str, str]:
    """Prefecture code → Chinese name, in the seed's order."""
    with open(PROJECT_DIR / "data" / "seeds" / "prefectures.csv", encoding="utf-8", newline="") as handle:
        return {row["prefecture_code"]: row["prefecture_name"] for row in csv.DictReader(handle)}


@cache
def _dbt_vars() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


def region_code() -> str:
    return str(_dbt_vars()["region_code"])


def region_name() -> str:
    return str(_dbt_vars()["region_name"])
