"""make loadtest: leaders browse while clerks' files arrive.

LOADTEST_SESSIONS dashboard sessions (Streamlit AppTest, one process each) open random
pages with random filters for LOADTEST_SECONDS, while another process ingests a corrected
prefecture file, rebuilds what it touches and publishes every LOADTEST_EVERY seconds. Prints page
errors (must be 0), p50/p95 page time and the publishes completed. Bounded; stops by itself.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from devtools.bench import corrected_suggestions
from lvzhi.home import Home

SESSIONS = int(os.environ.get("LOADTEST_SESSIONS", 20))
SECONDS = float(os.environ.get("LOADTEST_SECONDS", 120))
EVERY = float(os.environ.get("LOADTEST_EVERY", 20))
THINK = float(os.environ.get("LOADTEST_THINK", 3))  # seconds a leader looks at a page before the next click
APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
PAGES = ("overview", "suggestions", "attendance", "activities", "liaison", "stations", "trainings", "deputy", "quality")
PREFECTURES = ("650100", "650400", "652300", "653100", "654000", None)
AS_OF = "2025-12-31"


def lvzhi(*args: str) -> int:
    return subprocess.run([sys.executable, "-m", "lvzhi.cli", *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, check=False).returncode


def prepare(root: Path) -> Path:
    inbox = root / "inbox"
    if subprocess.run([sys.executable, "-m", "devtools", "synth", "--out", str(inbox), "--scale", "tiny", "--seed", "3"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode != 0:
        raise SystemExit("synth failed")
    lvzhi("--home", str(root), "ingest", str(inbox), "--submitted-on", "2026-01-15")
    if lvzhi("--home", str(root), "build", "--as-of", AS_OF) != 0:
        raise SystemExit("initial build failed")
    return next(inbox.glob("650400_建议_2025*.csv"))


def writer(root: Path, source: Path, stop: threading.Event, published: list[float]) -> None:
    """Every EVERY seconds: a corrected resubmission -> ingest -> rebuild downstream -> publish."""
    round_number = 0
    while not stop.is_set():
        started = time.monotonic()
        round_number += 1
        corrected = corrected_suggestions(source, root / f"650400_建议_2025_更正{round_number}.csv",
                                          f"2025/12/{round_number % 28 + 1}")
        lvzhi("--home", str(root), "ingest", str(corrected), "--submitted-on", "2026-01-15")
        if lvzhi("--home", str(root), "build", "--as-of", AS_OF, "--select", "source:raw.suggestions+") == 0:
            published.append(time.monotonic() - started)
        stop.wait(max(0.0, EVERY - (time.monotonic() - started)))


def session(number: int, deadline: float) -> None:
    """One leader clicking around until the deadline; prints its timings and errors as JSON."""
    from streamlit.testing.v1 import AppTest

    from devtools.dashboard_bench import bench_login

    login = bench_login(Home.at(os.environ["LVZHI_HOME"]))
    chance, timings, errors = random.Random(number), [], []
    while time.time() < deadline:
        page = chance.choice(PAGES)
        app = AppTest.from_file(str(APP), default_timeout=60)
        prefecture = chance.choice(PREFECTURES)
        if prefecture:
            app.query_params["prefecture"] = prefecture
        app.query_params["year"] = chance.choice(("2024", "2025"))
        app.session_state["login"] = login
        started = time.perf_counter()
        try:
            app.run()
            if page != "overview":
                app.switch_page(f"views/{page}.py").run()
            if app.exception:
                errors.append(f"{page}: {app.exception[0].value}")
        except Exception as error:  # a timeout or crash of the page is what we count
            errors.append(f"{page}: {type(error).__name__}: {error}")
        timings.append(time.perf_counter() - started)
        time.sleep(chance.uniform(0, 2 * THINK))
    print(json.dumps({"timings": timings, "errors": errors}, ensure_ascii=False))


def start_sessions(deadline: float) -> list[subprocess.Popen]:
    return [
        subprocess.Popen([sys.executable, "-m", "devtools.loadtest", "session", str(n), str(deadline)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for n in range(SESSIONS)
    ]


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="lvzhi-loadtest-"))
    print(f"准备数据 {root} …")
    source = prepare(root)
    os.environ["LVZHI_HOME"] = str(root)
    from devtools.dashboard_bench import bench_login

    bench_login(Home.at(root))  # once here, so that the sessions do not race to create the user
    stop, published, timings, errors = threading.Event(), [], [], []
    browsers = start_sessions(time.time() + SECONDS)
    updates = threading.Thread(target=writer, args=(root, source, stop, published))
    updates.start()
    for browser in browsers:
        output, _ = browser.communicate(timeout=SECONDS + 180)
        result = json.loads(output.strip().splitlines()[-1]) if output.strip() else {"timings": [], "errors": ["no output"]}
        timings += result["timings"]
        errors += result["errors"]
    stop.set()
    updates.join(timeout=180)
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] if ordered else float("nan")
    print(f"\nlvzhi loadtest — {SESSIONS} sessions for {SECONDS:.0f}s (think time ~{THINK:.0f}s), "
          f"a file ingested + rebuilt + published every {EVERY:.0f}s")
    print(f"  page views            {len(timings):,}")
    print(f"  page errors           {len(errors)} (must be 0)")
    print(f"  page time p50 / p95   {statistics.median(ordered) if ordered else float('nan'):.2f}s / {p95:.2f}s "
          f"(AppTest processes on {os.cpu_count()} cores, shared with the builds)")
    print(f"  publishes completed   {len(published)} (each {', '.join(f'{s:.1f}s' for s in published)})")
    for error in errors[:10]:
        print(f"  ! {error}")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    if sys.argv[1:2] == ["session"]:
        session(int(sys.argv[2]), float(sys.argv[3]))
    else:
        main()
