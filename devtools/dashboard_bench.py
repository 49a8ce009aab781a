"""Time every dashboard page: `python -m devtools.dashboard_bench --home DIR [--runs N]`.

Each page runs N times in Streamlit's AppTest with Streamlit's data cache cleared before each run,
so the time is the page's reads (of results dashboard.db keeps per published version, as a server
keeps them) plus building its elements (no browser). Prints median and p95 in ms.

As the server does (`python -m dashboard.serve`), the pages are warmed up first (dashboard/warmup.py):
the first timed view of a page is then what a first user sees. `--no-warm-up` times the first views
of a server started without it (LVZHI_WARM_UP=0), or the very first view after a publish (the
others find what dashboard.db asks of the new version meanwhile).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.logger import set_log_level
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test, local_script_runner

from access import users
from dashboard import warmup
from lvzhi.home import Home

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"
PAGES = ("overview", "suggestions", "attendance", "activities", "liaison", "stations", "trainings", "deputy",
         "quality")


def compile_once() -> None:
    """AppTest makes a new ScriptCache for every run, so each timed run compiled app.py and the page
    again (with Streamlit's magic rewrite of the syntax tree: 3-8 ms a run here). A server's runtime
    keeps one cache per process and compiles each script once; so does the bench now."""
    scripts = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: scripts


def bench_login(home: Home) -> dict:
    """A logged-in leader session (every prefecture); the user `bench` is made once with a random password."""
    if users.get(home, "bench") is None:
        users.add(home, "bench", "leader", secrets.token_urlsafe(16), display_name="bench", actor="devtools.dashboard_bench")
    now = users.current_time().isoformat()
    return {**users.get(home, "bench").public(), "logged_in_at": now, "last_seen": now}


def time_page(page: str, runs: int, query: dict[str, str], login: dict) -> list[float]:
    seconds = []
    for _ in range(runs):
        st.cache_data.clear()
        app = AppTest.from_file(str(APP), default_timeout=120)
        for key, value in query.items():
            app.query_params[key] = value
        app.session_state["login"] = login  # without it every page is the login form
        app.run()  # the default page (overview); then the page itself, timed
        if page != "overview":
            app.switch_page(f"views/{page}.py")
        st.cache_data.clear()
        started = time.perf_counter()
        app.run()
        seconds.append(time.perf_counter() - started)
        assert not app.exception, [e.value for e in app.exception]
        assert "用户名" not in [box.label for box in app.text_input], "the login form, not the page, was timed"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description="每个页面的查询与渲染用时 / per-page timings")
    parser.add_argument("--home", default=os.environ.get("LVZHI_HOME", "data"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--prefecture", default="", help="例如 654000；默认全区")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES, help="只测这些页面 / only these pages")
    parser.add_argument("--no-warm-up", action="store_true", help="不预热 / time first views without the warm-up")
    parser.add_argument("--json", default=None, help="也把每页的毫秒数写入此 JSON 文件 / also write figures here")
    args = parser.parse_args()
    set_log_level("error")  # AppTest outside a server warns about the missing runtime on every run
    logging.disable(logging.WARNING)
    os.environ["LVZHI_HOME"] = str(Path(args.home).resolve())
    if not args.no_warm_up:  # before compile_once: a server's runtime compiles the scripts again after it
        warmup.warm_up()
    compile_once()
    query = {"prefecture": args.prefecture} if args.prefecture else {}
    login = bench_login(Home.at(args.home))
    print(f"{'page':<12} {'median ms':>10} {'p95 ms':>8}")
    figures = {}
    for page in args.pages:
        seconds = sorted(time_page(page, args.runs, query, login))
        p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
        print(f"{page:<12} {1000 * statistics.median(seconds):>10.0f} {1000 * p95:>8.0f}")
        figures[page] = {"median_ms": round(1000 * statistics.median(seconds), 1), "p95_ms": round(1000 * p95, 1)}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
