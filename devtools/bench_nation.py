"""make bench-nation (not in CI): the national scale measured, figures into bench.json.

  1. synth: the nation (BENCH_NATION_FRACTION of it, default 1.0 = 2.77 M deputies, ~110 M
     activity rows) streamed as raw-layer Parquet, one prefecture at a time
  2. load: that lake into a DuckDB warehouse's raw tables (rows/s)
  3. DuckDB full build + publish (`lvzhi build --skip-tests`: the data tests' relationships to the
     Xinjiang prefecture seed fail by design on other provinces): seconds, peak memory
  4. Spark: a 1/10 sample of it, built by `lvzhi build --engine spark` on local Spark, beside a
     DuckDB build of the same sample (seconds, peak memory of the process tree: Python + JVM)

Every stage runs in a child process; peak memory is the largest RSS of its whole process tree,
sampled every 0.2 s. BENCH_NATION_DIR (default /tmp/lvzhi-bench-nation); BENCH_NATION_SPARK=0 skips
stage 4, BENCH_NATION_DUCKDB=0 stages 1-3 (figures of runs apart are merged). Figures are merged into bench.json under "nation" (with the machine's cores,
memory and load average: a shared machine's numbers must say so).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

FRACTION = float(os.environ.get("BENCH_NATION_FRACTION", "1.0"))
SPARK_SHARE = 0.1
WORK = Path(os.environ.get("BENCH_NATION_DIR", Path(tempfile.gettempdir()) / "lvzhi-bench-nation"))
AS_OF = "2025-12-31"
OUT = Path(os.environ.get("BENCH_JSON", "bench.json"))  # as make bench: merged under "nation"


def _tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def measured(command: list[str], env: dict | None = None) -> dict:
    """Run a child; seconds, peak RSS (MiB) of its process tree, exit code."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(child.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = child.communicate()[0]
    done.set()
    sampler.join()
    result = {"seconds": round(time.perf_counter() - started, 1), "peak_mib": round(peak[0] / 2**20),
              "exit": child.returncode}
    if child.returncode:
        result["tail"] = output[-1500:]
        raise SystemExit(f"{command[1:4]} failed:\n{output[-3000:]}")
    return result


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def lvzhi(home: Path, *args: str) -> list[str]:
    return python("-m", "lvzhi.cli", "--home", str(home), *args)


LOAD = """
import sys, json, duckdb
from pathlib import Path
from ingest.load import ensure_raw_schema
from devtools.synth.nation import load_lake
from lvzhi.home import Home
home = Home.at(sys.argv[1])
con = duckdb.connect(str(home.work_db))
con.execute("set enable_progress_bar = false")
ensure_raw_schema(con)
print(json.dumps(load_lake(con, Path(sys.argv[2]))))
con.close()
"""


def stage(name: str, figures: dict, result: dict) -> dict:
    figures[name] = result
    print(f"  {name:<28} {json.dumps(result, ensure_ascii=False)[:300]}", flush=True)
    return result


def scale_figures(label: str, fraction: float, figures: dict, engines: tuple[str, ...]) -> None:
    lake, home = WORK / f"lake-{fraction:g}", WORK / f"home-{fraction:g}"
    if not (lake / "manifest.json").exists():
        shutil.rmtree(lake, ignore_errors=True)
        stage(f"{label}: synth", figures, measured(python(
            "-m", "devtools.cli", "synth", "--scale", "nation", "--fraction", str(fraction), "--out", str(lake))))
    manifest = json.loads((lake / "manifest.json").read_text())
    figures[f"{label}: rows"] = {**manifest["rows"], "prefectures": manifest["prefectures"],
                                 "lake_mib": round(sum(f.stat().st_size for f in lake.rglob("*.parquet")) / 2**20)}
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    load = stage(f"{label}: load raw (DuckDB)", figures, measured(python("-c", LOAD, str(home), str(lake))))
    rows = sum(manifest["rows"].values())
    load["rows_per_second"] = round(rows / load["seconds"]) if load["seconds"] else None
    if "duckdb" in engines:
        # Without dbt's data tests: their relationships to dim_prefecture fail by design here (the
        # prefecture seed is Xinjiang's 14; the nation's ~390 are in <lake>/prefectures.csv).
        stage(f"{label}: DuckDB build", figures, measured(lvzhi(home, "build", "--as-of", AS_OF, "--skip-tests")))
        db = home / "warehouse" / "work.duckdb"
        figures[f"{label}: DuckDB build"]["warehouse_mib"] = round(db.stat().st_size / 2**20) if db.exists() else None
    if "spark" in engines:
        stage(f"{label}: Spark build", figures, measured(
            lvzhi(home, "build", "--as-of", AS_OF, "--engine", "spark", "--skip-tests"),
            env={"LVZHI_SPARK_CORES": str(os.cpu_count() or 2), "LVZHI_SPARK_MEMORY": os.environ.get("LVZHI_SPARK_MEMORY", "3g"),
                 "LVZHI_SPARK_PARTITIONS": str(2 * (os.cpu_count() or 2))}))
        stage(f"{label}: DuckDB build", figures, measured(lvzhi(home, "build", "--as-of", AS_OF, "--skip-tests")))


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    figures: dict = {
        "measured_at": datetime.now().isoformat(timespec="seconds"), "fraction": FRACTION,
        "deputies_target": round(2_770_000 * FRACTION), "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "load_average_at_start": os.getloadavg()[0],
    }
    print(f"lvzhi bench-nation — fraction {FRACTION} of the nation, {os.cpu_count()} cores, in {WORK}")
    if os.environ.get("BENCH_NATION_DUCKDB", "1") != "0":
        scale_figures(f"nation x{FRACTION:g}", FRACTION, figures, ("duckdb",))
    if os.environ.get("BENCH_NATION_SPARK", "1") != "0":
        scale_figures(f"nation x{FRACTION * SPARK_SHARE:g}", FRACTION * SPARK_SHARE, figures, ("spark",))
    figures["load_average_at_end"] = os.getloadavg()[0]
    existing = json.loads(OUT.read_text()) if OUT.exists() else {}
    existing["nation"] = {**existing.get("nation", {}), **figures}  # stages run apart add up
    OUT.write_text(json.dumps(existing, ensure_ascii=False, indent=1) + "\n")
    print(f"→ {OUT}")


if __name__ == "__main__":
    main()
