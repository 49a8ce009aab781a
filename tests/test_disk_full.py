"""A full disk fails cleanly: a Chinese message, no traceback, the published version untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from lvzhi import warehouse
from lvzhi.home import Home
from tests.conftest import FIXTURES


@pytest.fixture
def small_disk(tmp_path):
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6M", "tmpfs", str(mount_point)],
                      capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): the full-disk test did not run")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=False)


def test_build_on_a_full_disk_fails_with_a_message(small_disk, tmp_path):
    home = small_disk / "home"
    cli = [sys.executable, "-m", "lvzhi.cli", "--home", str(home)]
    subprocess.run([*cli, "ingest", str(FIXTURES / "handmade"), "--submitted-on", "2024-12-31"],
                   capture_output=True, check=False)
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * max(free - 200_000, 0))  # leave too little for a build
    result = subprocess.run([*cli, "build", "--as-of", "2024-06-30"], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "磁盘空间不足" in result.stderr and "Traceback" not in result.stderr
    assert warehouse.current_published(Home.at(home)) is None
    assert not list((home / "published").glob("*.partial*"))
