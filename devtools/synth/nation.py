"""The national scale (`lvzhi-dev synth --scale nation`): 2.77 million deputies of 31 provinces at
the five levels, with their activities (~40 rows a deputy: ~110 M nationally) and suggestions,
streamed one prefecture at a time into the raw layer's Parquet form (what `lvzhi export-raw`
writes and `lvzhi build --engine spark` reads):

    <out>/<kind>/prefecture_code=<code>/part-<province>.parquet  +  <out>/<kind>/_schema.json

National data would arrive by system exchange, not as clerks' workbooks: these files skip the
file checks of ingest and are loaded straight into raw (`load_lake`). Provinces are the scopes above
prefectures: a prefecture code is its province's two digits, a two-digit index and 00, and
`<out>/provinces.csv` / `<out>/prefectures.csv` name them. `fraction` draws a sample of the nation
(0.1: 277,000 deputies) with the same shape; memory stays that of one prefecture.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

NATION_DEPUTIES = 2_770_000
ACTIVITIES_PER_DEPUTY = 40  # 110 M activity rows / 2.77 M deputies
SUGGESTIONS_PER_DEPUTY = 0.4
# Share of deputies per level (DOMAIN.md / seed 000: over 95 % at county and township level).
LEVEL_SHARES = {"全国": 0.0011, "自治区": 0.0054, "州市": 0.043, "县区": 0.216, "乡镇": 0.7345}
# (code, name, prefecture-level divisions, weight ~ population) — the 31 provinces.
PROVINCES = (
    ("110000", "北京市", 16, 2.2), ("120000", "天津市", 16, 1.4), ("130000", "河北省", 11, 7.4),
    ("140000", "山西省", 11, 3.5), ("150000", "内蒙古自治区", 12, 2.4), ("210000", "辽宁省", 14, 4.2),
    ("220000", "吉林省", 9, 2.4), ("230000", "黑龙江省", 13, 3.1), ("310000", "上海市", 16, 2.5),
    ("320000", "江苏省", 13, 8.5), ("330000", "浙江省", 11, 6.5), ("340000", "安徽省", 16, 6.1),
    ("350000", "福建省", 9, 4.2), ("360000", "江西省", 11, 4.5), ("370000", "山东省", 16, 10.2),
    ("410000", "河南省", 17, 9.9), ("420000", "湖北省", 13, 5.8), ("430000", "湖南省", 14, 6.6),
    ("440000", "广东省", 21, 12.6), ("450000", "广西壮族自治区", 14, 5.0), ("460000", "海南省", 4, 1.0),
    ("500000", "重庆市", 12, 3.2), ("510000", "四川省", 21, 8.4), ("520000", "贵州省", 9, 3.9),
    ("530000", "云南省", 16, 4.7), ("540000", "西藏自治区", 7, 0.4), ("610000", "陕西省", 10, 4.0),
    ("620000", "甘肃省", 14, 2.5), ("630000", "青海省", 8, 0.6), ("640000", "宁夏回族自治区", 5, 0.7),
    ("650000", "新疆维吾尔自治区", 14, 2.6),
)
TERM_START, AS_OF = date(2022, 1, 1), date(2025, 12, 31)
ACTIVITY_TYPES = ("学习", "视察", "专题调研", "执法检查", "走访选民", "座谈", "述职", "其他")
ORGANISERS = ("代表小组", "常委会工作机构", "专门委员会", "家室站")
SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")


def raw_columns() -> dict[str, list[tuple[str, str]]]:
    """The raw tables' columns and DuckDB types, from ingest's own schema (lineage included)."""
    from ingest.load import ensure_raw_schema

    con = duckdb.connect()
    ensure_raw_schema(con)
    rows = con.sql("select table_name, column_name, data_type from duckdb_columns() "
                   "where schema_name = 'raw' order by table_name, column_index").fetchall()
    con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        tables.setdefault(table, []).append((column, kind))
    return tables


def prefectures(fraction: float) -> list[tuple[str, str, str, int]]:
    """(province code, prefecture code, name, deputies) for the nation or a `fraction` of it."""
    weights = np.array([w for *_, w in PROVINCES])
    per_province = np.rint(NATION_DEPUTIES * fraction * weights / weights.sum()).astype(int)
    out = []
    for (code, name, count, _), deputies in zip(PROVINCES, per_province):
        shares = np.linspace(1.5, 0.5, count)
        split = np.rint(deputies * shares / shares.sum()).astype(int)
        for index, n in enumerate(split, start=1):
            out.append((code, f"{code[:2]}{index:02d}00", f"{name}第{index}市", int(n)))
    return out


def _prefecture_frames(rng, province: str, prefecture: str, n: int, batch: int) -> dict[str, pl.DataFrame]:
    loaded_at = datetime(2026, 1, 15, 8, 0)
    lineage = lambda kind, rows: {  # noqa: E731
        "_batch_id": np.full(rows, batch, dtype=np.int64), "_source_file": f"{prefecture}_{kind}.parquet",
        "_sheet": None, "_row_number": np.arange(2, rows + 2, dtype=np.int64), "_loaded_at": loaded_at,
    }
    levels = rng.choice(list(LEVEL_SHARES), size=n, p=np.array(list(LEVEL_SHARES.values())) / sum(LEVEL_SHARES.values()))
    ids = np.char.add(f"D{prefecture}", np.char.zfill(np.arange(n).astype(str), 7))
    counties = np.char.add(f"{prefecture[:4]}", np.char.zfill(rng.integers(1, 13, n).astype(str), 2))
    groups = np.char.add(f"G{prefecture}", np.char.zfill((np.arange(n) // 15).astype(str), 5))
    starts = np.datetime64(TERM_START) + rng.integers(0, 120, n).astype("timedelta64[D]")
    deputies = _frame({
        "deputy_id": ids, "name": np.char.add(rng.choice(SURNAMES, n), "某"),
        "gender": rng.choice(["男", "女"], n, p=[0.72, 0.28]), "ethnicity": rng.choice(["汉族", "维吾尔族", "回族", "壮族"], n),
        "birth_year": rng.integers(1960, 1995, n), "level": levels,
        "congress_code": np.char.add(np.where(np.isin(levels, ["县区", "乡镇"]), counties, prefecture), "-14"),
        "electoral_unit": None, "is_grassroots": rng.random(n) < 0.5, "is_leader": rng.random(n) < 0.1,
        "group_id": groups, "station_id": np.char.add(f"S{prefecture}", np.char.zfill((np.arange(n) // 40).astype(str), 5)),
        "county": counties, "term_start": starts, "term_end": date(2026, 12, 31),
        "status": "在任", "status_date": None, "id_card_hash": None, "phone": None,
        "prefecture_code": prefecture, **lineage("代表名册", n),
    })
    per_deputy = rng.poisson(ACTIVITIES_PER_DEPUTY, n)
    rows = int(per_deputy.sum())
    who = np.repeat(np.arange(n), per_deputy)
    span = (np.datetime64(AS_OF) - starts[who]).astype(int)
    activities = _frame({
        "activity_id": np.char.add(f"A{prefecture}", np.arange(rows).astype(str)), "deputy_id": ids[who],
        "organiser": rng.choice(ORGANISERS, rows), "group_id": groups[who],
        "activity_type": rng.choice(ACTIVITY_TYPES, rows),
        "activity_date": starts[who] + (rng.random(rows) * span).astype("timedelta64[D]"),
        "prefecture_code": prefecture, **lineage("代表活动", rows),
    })
    m = int(rng.poisson(SUGGESTIONS_PER_DEPUTY * n))
    leads = rng.integers(0, n, m)
    assigned = np.datetime64(date(2022, 3, 1)) + rng.integers(0, 1380, m).astype("timedelta64[D]")
    replied = assigned + rng.integers(5, 130, m).astype("timedelta64[D]")
    has_reply = replied <= np.datetime64(AS_OF)
    suggestions = _frame({
        "suggestion_id": np.char.add(f"J{prefecture}", np.arange(m).astype(str)), "lead_deputy_id": ids[leads],
        "cosigner_ids": None, "channel": rng.choice(["会议期间", "闭会期间", "网络平台", "家站"], m),
        "category": rng.choice(["城乡建设", "教育", "医疗卫生", "农业农村"], m), "title": "关于改进民生工作的建议",
        "submitted_on": assigned - np.timedelta64(10, "D"), "assigned_on": assigned,
        "lead_unit": np.char.add(f"{prefecture}单位", rng.integers(1, 40, m).astype(str)),
        "co_units": None, "is_key_supervised": rng.random(m) < 0.05, "extended_due": None,
        "replied_on": np.where(has_reply, replied, np.datetime64("NaT")),
        "reply_class": np.where(has_reply, rng.choice(["A", "B", "C", "D"], m, p=[0.55, 0.25, 0.15, 0.05]), None),
        "satisfaction": np.where(has_reply, rng.choice(["满意", "基本满意", "不满意", "未反馈"], m, p=[0.7, 0.2, 0.03, 0.07]), None),
        "concluded_on": np.where(has_reply, replied + np.timedelta64(20, "D"), np.datetime64("NaT")),
        "prefecture_code": prefecture, **lineage("建议", m),
    })
    return {"deputies": deputies, "activities": activities, "suggestions": suggestions}


def _frame(columns: dict) -> pl.DataFrame:
    """Arrays as columns, scalars as literals, None left out (conformed to null later)."""
    arrays = {k: v for k, v in columns.items() if isinstance(v, np.ndarray)}
    scalars = {k: v for k, v in columns.items() if not isinstance(v, np.ndarray) and v is not None}
    arrays = {k: pl.Series(k, v.tolist(), dtype=pl.String) if v.dtype == object else v for k, v in arrays.items()}
    return pl.DataFrame(arrays).with_columns(**{k: pl.lit(v) for k, v in scalars.items()})


def _conform(frame: pl.DataFrame, columns: list[tuple[str, str]]) -> pl.DataFrame:
    """The raw table's columns in its order and types (missing ones null)."""
    types = {"VARCHAR": pl.String, "BIGINT": pl.Int64, "DATE": pl.Date, "BOOLEAN": pl.Boolean,
             "DOUBLE": pl.Float64, "TIMESTAMP": pl.Datetime("us")}
    return frame.select([
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(types[kind]).alias(name)
        for name, kind in columns
    ])


def generate_nation(out: Path, fraction: float = 1.0, seed: int = 1, progress=None) -> dict:
    """Write the nation (or a fraction of it) province by province; return the manifest."""
    from lvzhi.spark import PARTITION, SPARK_TYPES

    say = progress or (lambda message: None)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = raw_columns()
    rng = np.random.default_rng(seed)
    totals = {"deputies": 0, "activities": 0, "suggestions": 0}
    places = prefectures(fraction)
    started = time.perf_counter()
    batches = []
    for batch, (province, prefecture, _, n) in enumerate(places, start=1):
        if n == 0:
            continue
        rows = 0
        for kind, frame in _prefecture_frames(rng, province, prefecture, n, batch).items():
            folder = out / kind / f"{PARTITION}={prefecture}"
            folder.mkdir(parents=True, exist_ok=True)
            _conform(frame, tables[kind]).drop(PARTITION).write_parquet(folder / "part-0.parquet", compression="zstd")
            totals[kind] += frame.height
            rows += frame.height
        batches.append({"batch_id": batch, "source_file": f"{prefecture}_nation.parquet", "sha256": f"nation-{seed}-{batch}",
                        "prefecture_code": prefecture, "kinds": "deputies,activities,suggestions", "file_format": "parquet",
                        "submitted_on": date(2026, 1, 15), "loaded_at": datetime(2026, 1, 15, 8, 0),
                        "rows_read": rows, "rows_loaded": rows, "rows_quarantined": 0})
        if batch % 40 == 0:
            say(f"{batch}/{len(places)} prefectures, {totals['activities']:,} activity rows, "
                f"{time.perf_counter() - started:.0f}s")
    (out / "batches").mkdir(parents=True, exist_ok=True)
    _conform(pl.DataFrame(batches), tables["batches"]).write_parquet(out / "batches" / "part-0.parquet")
    for kind, columns in tables.items():
        (out / kind).mkdir(parents=True, exist_ok=True)
        partitioned = kind != "batches" and any(name == PARTITION for name, _ in columns)
        if not any((out / kind).glob("**/*.parquet")):  # a kind this generator does not draw: empty
            empty = _conform(pl.DataFrame(), columns).clear()
            target = out / kind / (f"{PARTITION}=__HIVE_DEFAULT_PARTITION__" if partitioned else "")
            target.mkdir(parents=True, exist_ok=True)
            (empty.drop(PARTITION) if partitioned else empty).write_parquet(target / "part-0.parquet")
        (out / kind / "_schema.json").write_text(json.dumps({
            "columns": [[name, SPARK_TYPES.get(kind_, "string")] for name, kind_ in columns],
            "partitioned_by": [PARTITION] if partitioned else []}, indent=1))
    pl.DataFrame([{"province_code": p[0], "province_name": p[1]} for p in PROVINCES]).write_csv(out / "provinces.csv")
    pl.DataFrame([{"prefecture_code": c, "prefecture_name": name, "parent_code": p, "deputies": n}
                  for p, c, name, n in places]).write_csv(out / "prefectures.csv")
    manifest = {"scale": "nation", "fraction": fraction, "seed": seed, "provinces": len(PROVINCES),
                "prefectures": len(places), "rows": totals, "seconds": round(time.perf_counter() - started, 1)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def load_lake(con: duckdb.DuckDBPyConnection, lake: Path) -> dict[str, int]:
    """Append the lake's rows to the raw tables of a DuckDB warehouse (ensure_raw_schema first)."""
    counts = {}
    for folder in sorted(p for p in Path(lake).iterdir() if (p / "_schema.json").exists()):
        columns = [name for name, _ in json.loads((folder / "_schema.json").read_text())["columns"]]
        files = f"{folder}/**/*.parquet"
        con.execute(f"insert into raw.{folder.name} ({', '.join(columns)}) select {', '.join(columns)} "
                    f"from read_parquet('{files}', hive_partitioning = true, union_by_name = true)")
        counts[folder.name] = con.sql(f"select count(*) from raw.{folder.name}").fetchall()[0][0]
    return counts
