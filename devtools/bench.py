"""make bench: speed and memory figures, printed with their targets (not asserted in unit tests).

Each stage runs the real CLI in a child process, so its peak memory is measured alone:
  1. ingest of the UTF-8 CSV files vs DuckDB's own read_csv on the same files (target >= 0.7x)
  2. ingest of the xlsx and GBK files; peak memory of the whole region set (target < 4 GiB)
     (BENCH_STAGES=ingest stops here)
  3. full build + publish at this scale (goal <= 15 s at region scale): the new home's first, then
     `--full` again (dbt's parse of the project kept, as on every home after its first build)
  4. one prefecture's monthly file: `lvzhi ingest FILE` then the default `lvzhi build`, and the same
     file dropped into the inbox of a running `lvzhi watch` until the new version is published (goal <= 5 s)
  5. every dashboard page on the built warehouse: median and p95 (devtools.dashboard_bench; goal p95 <= 50 ms)
Every figure also goes to bench.json (BENCH_JSON, default ./bench.json) for checks that read it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

from devtools.synth import generate
from lvzhi import warehouse
from lvzhi.home import Home

SCALE = os.environ.get("BENCH_SCALE", "region")
STAGES = os.environ.get("BENCH_STAGES", "all")  # "ingest": stages 1-2 only (a few minutes less)
WORK = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / f"lvzhi-bench-{SCALE}"))
AS_OF = "2025-12-31"
BENCH_JSON = Path(os.environ.get("BENCH_JSON", "bench.json"))


def run(*args: str) -> tuple[float, float, int]:
    """Run `lvzhi ARGS` in a child; (seconds, peak RSS in MiB, exit code)."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "lvzhi.cli", *args], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def rows_in(home: Path) -> int:
    con = duckdb.connect(str(home / "warehouse" / "work.duckdb"), read_only=True)
    try:
        return con.sql("select sum(rows_read) from raw.batches").fetchall()[0][0] or 0
    finally:
        con.close()


def native_read_csv(files: list[Path]) -> tuple[float, int]:
    """DuckDB's own loader, same files, into a fresh file: the yardstick."""
    target = WORK / "native.duckdb"
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    started, rows = time.perf_counter(), 0
    for number, path in enumerate(files):
        con.execute(f"create table t{number} as select * from read_csv('{path}', header = true)")
        rows += con.sql(f"select count(*) from t{number}").fetchall()[0][0]
    seconds = time.perf_counter() - started
    con.close()
    return seconds, rows


def stage_files() -> tuple[Path, Path, Path]:
    inbox = WORK / "inbox"
    if not (inbox / "manifest.json").exists():
        print(f"生成 {SCALE} 规模模拟数据…")
        generate(inbox, SCALE, 1)
    csv_dir, other_dir = WORK / "csv-utf8", WORK / "xlsx-gbk"
    for folder in (csv_dir, other_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for path in inbox.iterdir():
        if path.suffix == ".csv" and is_utf8(path):
            os.link(path, csv_dir / path.name)
        elif path.suffix in (".csv", ".xlsx"):
            os.link(path, other_dir / path.name)
    return inbox, csv_dir, other_dir


def corrected_suggestions(source: Path, target: Path, replied_on: str) -> Path:
    """A clerk's corrected resubmission of a suggestions file: missing replies filled in."""
    frame = pl.read_csv(source, infer_schema=False)
    reply = next(c for c in frame.columns if c.startswith("答复日期"))
    frame.with_columns(pl.col(reply).fill_null(replied_on)).write_csv(target)
    return target


def monthly_file(inbox: Path, name: str = "650400_建议_2025-12_更正.csv", replied_on: str = "2025/12/20") -> Path:
    """A prefecture's corrected December file for its 2025 suggestions."""
    source = next(p for p in sorted(inbox.glob("650400_建议_2025*.csv")))
    return corrected_suggestions(source, WORK / name, replied_on)


def watched_file(home: Path, update: Path) -> float:
    """Seconds from a file landing in the inbox of a running `lvzhi watch` (dbt loaded and the
    project parsed) to the new version being published."""
    inbox = WORK / "watch-inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    inbox.mkdir()
    child = subprocess.Popen([sys.executable, "-m", "lvzhi.cli", "--home", str(home), "watch", str(inbox),
                              "--as-of", AS_OF], stdout=subprocess.PIPE, text=True)
    try:
        for line in child.stdout:  # ready once it says it is watching
            if line.startswith("监视"):
                break
        said: list[str] = []  # what it says next is read on (a full pipe would stall it) and kept
        threading.Thread(target=lambda: said.extend(child.stdout), daemon=True).start()
        watched = Home.at(home)
        before = warehouse.current_published(watched)
        started = time.perf_counter()
        os.replace(update, inbox / update.name)  # lands whole, as a clerk's copy finishes
        while warehouse.current_published(watched) == before:
            if time.perf_counter() - started > 300 or child.poll() is not None:
                print("".join(said))
                return float("nan")
            time.sleep(0.02)
        return time.perf_counter() - started
    finally:
        child.send_signal(signal.SIGINT)
        child.wait(60)


def topic_scores(home: Path, year: int) -> tuple[str, dict]:
    """Pair precision / recall of the title grouping (reports/topics.py) against the problems synth planted,
    on the region's suggestions assigned in `year` of the published warehouse."""
    from devtools.synth.topics import planted_topic
    from reports import topics

    rows = warehouse.read_published(Home.at(home), "select suggestion_id, title, prefecture_code, lead_deputy_id, cosigner_ids "
                          "from fct_suggestions where year(assigned_on) = ?", [year])
    places = warehouse.read_published(Home.at(home), "select prefecture_name as place from prefectures union select distinct "
                            "county from fct_suggestions union select distinct township from dim_station")
    started = time.perf_counter()
    found = topics.group(rows, tuple(p for p in places["place"].to_list() if p))
    seconds = time.perf_counter() - started
    topic_of = {sid: topic.topic_id for topic in found for sid in topic.suggestion_ids}
    truth = [planted_topic(title) or f"unplanted:{title}" for title in rows["title"]]
    precision, recall = topics.pair_scores(truth, [topic_of[s] for s in rows["suggestion_id"]])
    first = found[0] if found else None
    text = (f"{rows.height:,} suggestions of {year} → {len(found)} topics in {seconds:.1f}s; pair precision "
            f"{precision:.3f}, recall {recall:.3f} (target >= 0.8 each); first: {first.label if first else '—'} "
            f"({len(first.prefectures) if first else 0} prefectures)")
    return text, {"topics_pair_precision": round(precision, 3), "topics_pair_recall": round(recall, 3),
                  "topics_seconds": round(seconds, 2)}


def main() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    inbox, csv_dir, other_dir = stage_files()
    home = WORK / "home"
    shutil.rmtree(home, ignore_errors=True)
    figures = []

    (WORK / "empty-home").mkdir(exist_ok=True)  # status refuses a missing home: measure imports, not an error
    startup, _, _ = run("status", "--home", str(WORK / "empty-home"))  # Python + imports, no work
    seconds, memory, _ = run("--home", str(home), "ingest", str(csv_dir), "--submitted-on", "2026-01-15")
    csv_rows = rows_in(home)
    native_seconds, native_rows = native_read_csv(sorted(csv_dir.iterdir()))
    ours, theirs = csv_rows / (seconds - startup), native_rows / native_seconds
    numbers = {"scale": SCALE, "cores": os.cpu_count(), "startup_s": round(startup, 2),
               "ingest_csv_rows": csv_rows, "ingest_csv_s": round(seconds - startup, 2),
               "ingest_csv_rows_per_s": round(ours), "native_read_csv_rows_per_s": round(theirs),
               "ingest_vs_read_csv_ratio": round(ours / theirs, 3), "ingest_csv_peak_mib": round(memory)}
    figures += [
        ("process start-up (imports)", f"{startup:.1f}s, excluded from the rates below"),
        ("ingest UTF-8 CSV (validated)", f"{csv_rows:,} rows in {seconds - startup:.1f}s = {ours:,.0f} rows/s, "
                                         f"peak {memory:,.0f} MiB"),
        ("DuckDB read_csv, same files", f"{native_rows:,} rows in {native_seconds:.1f}s = {theirs:,.0f} rows/s"),
        ("ratio lvzhi / native", f"{ours / theirs:.2f}x (goal >= 0.9x); with start-up "
                                 f"{csv_rows / seconds / theirs:.2f}x"),
    ]

    seconds, memory_other, _ = run("--home", str(home), "ingest", str(other_dir), "--submitted-on", "2026-01-15")
    other_rows = rows_in(home) - csv_rows
    numbers |= {"ingest_other_rows_per_s": round(other_rows / (seconds - startup)),
                "ingest_peak_mib": round(max(memory, memory_other))}
    figures += [
        ("ingest xlsx + GBK CSV", f"{other_rows:,} rows in {seconds - startup:.1f}s = "
                                  f"{other_rows / (seconds - startup):,.0f} rows/s"),
        ("peak memory of any ingest", f"{max(memory, memory_other):,.0f} MiB (target < 4096 MiB)"),
    ]

    if STAGES == "ingest":
        print(f"\nlvzhi bench (ingest stages) — scale {SCALE}, {os.cpu_count()} cores, files in {inbox}")
        for name, text in figures:
            print(f"  {name:<34} {text}")
        BENCH_JSON.write_text(json.dumps(numbers, indent=1))
        return

    seconds, memory, code = run("--home", str(home), "build", "--full", "--as-of", AS_OF)
    numbers |= {"full_build_publish_s": round(seconds, 1), "build_peak_mib": round(memory)}
    figures.append((f"full build + publish ({SCALE})", f"{seconds:.1f}s, peak {memory:,.0f} MiB, exit {code} (goal <= 15 s)"))
    # The same again: the project is parsed now (dbt's partial parse), as on any home but a new one.
    seconds, _, code = run("--home", str(home), "build", "--full", "--as-of", AS_OF)
    numbers["full_rebuild_publish_s"] = round(seconds, 1)
    figures.append(("  again (`--full`, project parsed)", f"{seconds:.1f}s, exit {code}"))

    # What a user does: the two default commands, nothing hand-selected.
    update = monthly_file(inbox)
    ingest_seconds, _, _ = run("--home", str(home), "ingest", str(update), "--submitted-on", "2026-01-15")
    build_seconds, _, code = run("--home", str(home), "build", "--as-of", AS_OF)
    numbers |= {"monthly_file_ingest_s": round(ingest_seconds, 2), "monthly_file_build_s": round(build_seconds, 2),
                "monthly_file_total_s": round(ingest_seconds + build_seconds, 2)}
    figures.append(("one prefecture's monthly file", f"ingest {ingest_seconds:.1f}s + default build {build_seconds:.1f}s = "
                    f"{ingest_seconds + build_seconds:.1f}s, exit {code} (goal <= 5 s)"))
    watched = watched_file(home, monthly_file(inbox, "650400_建议_2025-12_再更正.csv", "2025/12/21"))
    numbers["monthly_file_watch_s"] = round(watched, 2)
    figures.append(("the same file into `lvzhi watch`", f"{watched:.1f}s from the inbox to the published version "
                                                       "(goal <= 5 s)"))

    topic_text, topic_numbers = topic_scores(home, int(AS_OF[:4]))
    numbers |= topic_numbers
    figures.append(("topics (代表反映集中的问题)", topic_text))

    print(f"\nlvzhi bench — scale {SCALE}, {os.cpu_count()} cores, files in {inbox}")
    for name, text in figures:
        print(f"  {name:<34} {text}")
    print("\ndashboard pages on this warehouse (after the server's warm-up; Streamlit's data cache cleared each run, "
          "results kept per version as a server keeps them; goal p95 <= 50 ms):")
    sys.stdout.flush()
    pages = WORK / "pages.json"
    subprocess.run([sys.executable, "-m", "devtools.dashboard_bench", "--home", str(home), "--runs", "5",
                    "--json", str(pages)], check=False)
    if pages.exists():
        numbers["pages"] = json.loads(pages.read_text())
    BENCH_JSON.write_text(json.dumps(numbers, indent=1))
    print(f"\nfigures written to {BENCH_JSON.resolve()}")


if __name__ == "__main__":
    main()
