"""Fault points for the crash tests: with LVZHI_FAULT_POINT=<name>, the process announces it has
reached that point (a marker file) and waits there, so a test can kill -9 it at exactly that point."""

from __future__ import annotations

import os
import time
from pathlib import Path


def fault_point(name: str) -> None:
    if os.environ.get("LVZHI_FAULT_POINT") != name:
        return
    Path(os.environ["LVZHI_FAULT_MARKER"]).write_text(name)
    time.sleep(600)
