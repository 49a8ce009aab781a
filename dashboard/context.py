"""Which installation and which published version the dashboard reads.

The state folder comes from `--home DIR` after `--` on the Streamlit command line (`lvzhi serve`
passes it), else from the environment variable LVZHI_HOME, else the repository's `data/`. Tests set LVZHI_HOME.
Both dashboard.db and dashboard.auth read it here, so neither imports the other to find the home.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from lvzhi import warehouse
from lvzhi.home import DEFAULT_HOME, Home


class NotPublished(Exception):
    """Nothing has been published under this home yet."""


def home() -> Home:
    # Asked ~40 times a page: the command line is parsed once per (arguments, LVZHI_HOME, folder).
    return _home(tuple(sys.argv[1:]), os.environ.get("LVZHI_HOME"), os.getcwd())


@functools.lru_cache(maxsize=8)
def _home(argv: tuple[str, ...], environment: str | None, folder: str) -> Home:
    del folder  # a relative --home resolves from it
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--home")
    known, _ = parser.parse_known_args(argv)
    root = known.home or environment or DEFAULT_HOME
    return Home(Path(root).resolve())  # not Home.at(): a reader creates no folders


def published_path() -> Path | None:
    return warehouse.current_published(home())
