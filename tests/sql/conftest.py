"""A home of its own for the SQL tests: the hand-made published version copied, so that the audit
log and the application database these tests write start empty and no other test sees them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from lvzhi.home import Home


@pytest.fixture(scope="session")
def sql_home(handmade_home, tmp_path_factory) -> Home:
    home = Home.at(tmp_path_factory.mktemp("sql_home"))
    shutil.copytree(handmade_home.published_dir, home.published_dir, dirs_exist_ok=True)
    if handmade_home.config_dir.exists():  # the users, once the hand-made home has them (issue 9)
        shutil.copytree(handmade_home.config_dir, home.config_dir, dirs_exist_ok=True)
    return home


def snapshot(*folders: Path, leave_out: tuple[Path, ...] = ()) -> dict[str, str]:
    """sha256 of every file under the folders (except under `leave_out`): a change or a new file shows."""
    files = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not any(path.is_relative_to(skip) for skip in leave_out):
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def home_snapshot(home: Home, *extra: Path) -> dict[str, str]:
    """Everything under home except the audit log and the application database, which a query is
    meant to write."""
    return snapshot(home.root, *extra, leave_out=(home.audit_log.parent, home.app_db.parent))
