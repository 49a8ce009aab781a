"""AppTest fixtures. The dashboard finds its state folder through LVZHI_HOME (as it would from
`--home` after `--` under `streamlit run`); each test sets it with monkeypatch."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import logged_in

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def open_app(home: Path, page: str | None = None, user: str = "boss", **query) -> AppTest:
    """Run the app once with the given URL query string (and page), as a browser opening a link."""
    app = AppTest.from_file(str(APP), default_timeout=30)
    for key, value in query.items():
        app.query_params[key] = value
    app.session_state["login"] = logged_in(user)  # the page tests are about numbers, not the login form
    app.run()
    if page:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


@pytest.fixture
def dashboard(handmade_home, monkeypatch):
    """A function opening the dashboard on the hand-made warehouse (as of 2024-06-30)."""
    monkeypatch.setenv("LVZHI_HOME", str(handmade_home.root))
    return lambda page=None, **query: open_app(handmade_home.root, page, **query)
