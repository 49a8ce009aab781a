"""Shared fixtures: a warehouse built from the hand-made files, once per test session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from access import users
from ingest.run import ingest
from lvzhi.build import build, indicator_values
from lvzhi.home import Home

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HANDMADE_AS_OF = date(2024, 6, 30)
# One user per role on the hand-made home (name -> role, prefectures, password); passwords exist only here.
TEST_USERS = {
    "boss": ("admin", [], "boss-password"),
    "lead": ("leader", [], "lead-password"),
    "ana": ("analyst", [], "ana-password"),
    "ili": ("prefecture", ["654000"], "ili-password"),
}


def quiet(*_args, **_kwargs) -> None:
    pass


@pytest.fixture(scope="session")
def handmade_home(tmp_path_factory) -> Home:
    """The hand-made records of tests/fixtures/handmade, ingested and built as of 2024-06-30."""
    home = Home.at(tmp_path_factory.mktemp("handmade"))
    results = ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    assert all(r.status == "loaded" for r in results), [r.message for r in results]
    built = build(home, HANDMADE_AS_OF, say=quiet)
    assert built.success, built.failures
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LVZHI_BCRYPT_ROUNDS", "4")  # the slow hash is not what these tests measure
        for name, (role, prefectures, password) in TEST_USERS.items():
            users.add(home, name, role, password, prefectures, display_name=name)
    return home


def logged_in(name: str) -> dict:
    """What `st.session_state["login"]` holds after `name` logged in just now (for AppTest)."""
    now = users.current_time().isoformat()
    role, prefectures, _ = TEST_USERS[name]
    return {"name": name, "role": role, "prefectures": prefectures, "display_name": name,
            "logged_in_at": now, "last_seen": now}


@pytest.fixture(scope="session")
def handmade_values(handmade_home):
    return indicator_values(handmade_home)


REPLIES_AS_OF = date(2024, 6, 30)


@pytest.fixture(scope="session")
def replies_home(tmp_path_factory) -> Home:
    """The hand-made reply histories of tests/fixtures/handmade_replies (Changji 652300), ingested
    and built as of 2024-06-30 (issue 18; expectations in tests/indicators/test_handmade_replies.py)."""
    home = Home.at(tmp_path_factory.mktemp("handmade_replies"))
    results = ingest(home, [FIXTURES / "handmade_replies"], submitted_on=date(2024, 12, 31), say=quiet)
    assert all(r.status == "loaded" and not r.rows_quarantined for r in results), [r.message for r in results]
    built = build(home, REPLIES_AS_OF, say=quiet)
    assert built.success, built.failures
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LVZHI_BCRYPT_ROUNDS", "4")
        for name, (role, prefectures, password) in TEST_USERS.items():
            users.add(home, name, role, password, prefectures, display_name=name)
    return home


@pytest.fixture(scope="session")
def replies_values(replies_home):
    return indicator_values(replies_home)
