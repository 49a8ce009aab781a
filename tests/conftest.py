"""Shared fixtures: a warehouse built from the hand-made files, once per test session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lvzhi import pipeline
from lvzhi.home import Home

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HANDMADE_AS_OF = date(2024, 6, 30)


def quiet(*_args, **_kwargs) -> None:
    pass


@pytest.fixture(scope="session")
def handmade_home(tmp_path_factory) -> Home:
    """The hand-made records of tests/fixtures/handmade, ingested and built as of 2024-06-30."""
    home = Home.at(tmp_path_factory.mktemp("handmade"))
    results = pipeline.ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    assert all(r.status == "loaded" for r in results), [r.message for r in results]
    built = pipeline.build(home, HANDMADE_AS_OF, say=quiet)
    assert built.success, built.failures
    return home


@pytest.fixture(scope="session")
def handmade_values(handmade_home):
    return pipeline.indicator_values(handmade_home)
