"""Which installation and which published version the dashboard reads.

The state folder comes from `--home DIR` after `--` on the Streamlit command line (`lvzhi serve`
passes it), else from the environment variable LVZHI_HOME, else the repository's `data/`. Tests set LVZHI_HOME.
Both dashboard.db and dashboard.auth read it here, so neither imports the other to find the home.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from lvzhi import warehouse
from lvzhi.home import DEFAULT_HOME, Home


class NotPublished(Exception):
    """Nothing has been published under this home yet."""


def home() -> Home:
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--home")
    known, _ = parser.parse_known_args(sys.argv[1:])
    root = known.home or os.environ.get("LVZHI_HOME") or DEFAULT_HOME
    return Home(Path(root).resolve())  # not Home.at(): a reader creates no folders


def published_path() -> Path | None:
    return warehouse.current_published(home())
