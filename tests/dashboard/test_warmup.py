"""The warm-up before the server listens (dashboard/warmup.py, dashboard/serve.py): it really runs
before Streamlit starts, runs every page without an error, leaves the pages' results kept so a first
view reads nothing from DuckDB, writes no audit row, and its login is worth nothing afterwards."""

from __future__ import annotations

import logging

from dashboard import db, serve, warmup
from tests.dashboard.conftest import APP, open_app


def test_serve_warms_up_the_home_it_serves_before_streamlit_starts(monkeypatch, tmp_path):
    from dashboard import context

    calls = []
    monkeypatch.delenv("LVZHI_WARM_UP", raising=False)
    monkeypatch.delenv("LVZHI_HOME", raising=False)  # the home comes from the command line, as `lvzhi serve` gives it
    monkeypatch.setattr(serve.sys, "argv", list(serve.sys.argv))
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append(("warm_up", context.home().root)) or {"region": 0.1})
    monkeypatch.setattr("streamlit.web.cli.main", lambda: calls.append(("streamlit", list(serve.sys.argv))))
    serve.main(["--server.port", "8599", "--", "--home", str(tmp_path)])
    assert calls == [("warm_up", tmp_path.resolve()),
                     ("streamlit", ["streamlit", "run", str(APP), "--server.port", "8599", "--", "--home", str(tmp_path)])]


def test_warm_up_runs_every_page_and_keeps_their_results(handmade_home, monkeypatch, caplog):
    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    audit_before = (handmade_home.root / "audit" / "audit.jsonl").read_bytes()
    db._KEPT.clear()
    with caplog.at_level(logging.WARNING, logger="dashboard.warmup"):
        took = warmup.warm_up()
    failed = [r.getMessage() for r in caplog.records if r.name == "dashboard.warmup"]
    assert not failed  # no page failed
    prefectures = db.reference("select prefecture_code from prefectures")["prefecture_code"].to_list()
    assert set(took) == {"region", *prefectures}
    assert not warmup.warming()
    assert (handmade_home.root / "audit" / "audit.jsonl").read_bytes() == audit_before  # no page_view rows

    # A leader's first view of a page after the warm-up, as the warm-up's, asks DuckDB nothing.
    asked = []
    run = db._run
    monkeypatch.setattr(db, "_run", lambda path, sql, params: asked.append(sql) or run(path, sql, params))
    for page in warmup.PAGES:
        open_app(handmade_home.root, page)
    assert asked == []


def test_the_warm_up_login_is_refused_outside_the_warm_up(handmade_home, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.session_state["login"] = {**warmup.LOGIN, "logged_in_at": "2024-06-30T00:00:00+08:00",
                                  "last_seen": "2024-06-30T00:00:00+08:00"}
    app.run()
    assert not app.exception
    assert "用户名" in [box.label for box in app.text_input]  # the login form, not a page


def test_what_was_asked_of_a_version_is_asked_again_of_the_next(handmade_home, tmp_path, monkeypatch):
    """After a publish, the pages' results are read from the new version in a thread of their own at
    its first view, so the next first views read nothing from DuckDB either."""
    import json
    import shutil
    import threading

    from lvzhi import warehouse
    from lvzhi.home import Home

    home = Home.at(tmp_path / "home")
    shutil.copytree(handmade_home.root, home.root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("dbt_logs"))
    monkeypatch.setenv("LVZHI_HOME", str(home.root))
    for page in ("suggestions", "stations", "quality"):
        open_app(home.root, page)
    first = str(warehouse.current_published(home))
    asked_first = {key for key in db._KEPT[first] if key[0] in ("rows", "split")}
    assert asked_first

    info = json.loads(db.reference("select info_json from publish_info")["info_json"][0])
    warehouse.publish(home, {k: v for k, v in info.items() if k not in ("version", "published_at")})
    second = str(warehouse.current_published(home))
    assert second != first
    open_app(home.root)  # the first view of the new version starts asking again
    for thread in threading.enumerate():
        if thread.name == "lvzhi-ask-again":
            thread.join(timeout=60)
    assert asked_first <= set(db._KEPT[second])

    asked = []
    run = db._run
    monkeypatch.setattr(db, "_run", lambda path, sql, params: asked.append(sql) or run(path, sql, params))
    for page in ("suggestions", "stations", "quality"):
        open_app(home.root, page)
    assert asked == []
