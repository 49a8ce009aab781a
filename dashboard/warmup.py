"""A warm-up before the server listens (`python -m dashboard.serve`, which `lvzhi serve` starts):
every dashboard page is run once, as a leader's default view of the region and of each
prefecture, so that no user's first view of a page pays the process's first-use costs.

A page's first view in a process cost 15-30 ms more than its later ones at region scale: reading
its kept results out of DuckDB (~15 ms for 建议办理), importing the modules it uses lazily, and
first uses inside plotly, polars and Streamlit. Results are kept per published version
(dashboard.db); after a later publish, what was asked of the version before is asked of the new
one in a thread at its first view (db._ask_again).

The pages run in Streamlit's AppTest, the same script runs as a session's, with a login made here
for the warm-up only: it is honoured only while `warm_up` runs (before the server listens, in this
one thread), writes no audit row and opens no session.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from access import users

APP = Path(__file__).resolve().parent / "app.py"
# The pages reading the warehouse (the others read files, or are for a few roles).
PAGES = ("overview", "suggestions", "records", "attendance", "activities", "liaison", "stations", "trainings",
         "deputy", "quality")
LOGIN = {"name": "warm-up", "role": "leader", "prefectures": [], "display_name": "warm-up", "version": 0,
         "warm_up": True}

log = logging.getLogger(__name__)
_warming = False  # True only while warm_up runs; its pages run in AppTest's own script thread


def warming() -> bool:
    """Whether the warm-up is running (auth honours the warm-up's login only then)."""
    return _warming


def warm_up(pages: tuple[str, ...] = PAGES, prefectures: bool = True) -> dict[str, float]:
    """Run every page once for the region and, with `prefectures`, once per prefecture; returns the
    seconds each scope took. Never raises: a page that fails here fails for its user too, and the
    server must start anyway."""
    from streamlit.testing.v1 import AppTest

    from dashboard import context

    global _warming
    took: dict[str, float] = {}
    if context.published_path() is None:
        return took
    _warming = True
    # Outside a server, AppTest's runs log "missing ScriptRunContext" and the like (~800 lines here;
    # each run sets Streamlit's log level again from its config, so only this silences them).
    disabled = logging.root.manager.disable
    logging.disable(max(disabled, logging.WARNING))
    try:
        scopes = [""]
        if prefectures:
            scopes += _prefecture_codes()
        now = users.current_time().isoformat()
        for scope in scopes:
            started = time.perf_counter()
            app = AppTest.from_file(str(APP), default_timeout=120)
            app.session_state["login"] = {**LOGIN, "logged_in_at": now, "last_seen": now}
            if scope:
                app.query_params["prefecture"] = scope
            for number, page in enumerate(pages):
                if number:
                    app.switch_page(f"views/{page}.py")
                app.run()  # the first run is the default page, the overview
                if app.exception:
                    log.error("warm-up: page %s (%s) failed: %s", page, scope or "region",
                                [e.value for e in app.exception])
            took[scope or "region"] = time.perf_counter() - started
    except Exception:  # noqa: BLE001 - a failed warm-up only leaves the first views slower
        log.exception("warm-up failed")
    finally:
        _warming = False
        logging.disable(disabled)
    return took


def _prefecture_codes() -> list[str]:
    from dashboard import db

    return db.reference("select prefecture_code from prefectures order by prefecture_code")["prefecture_code"].to_list()
