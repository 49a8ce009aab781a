"""The newcomer's path (issue 13): which home is used, a missing home refused, --home at every level,
a busy port found before the demo builds anything."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from devtools import cli as devtools_cli
from lvzhi import cli
from lvzhi.home import PROJECT_DIR


def test_a_missing_home_is_refused_and_not_created(tmp_path, capsys):
    missing = tmp_path / "typo"
    for command in (["status"], ["user", "list"], ["indicators"], ["export", "list"], ["rollback"]):
        assert cli.main(["--home", str(missing), *command]) == 1, command
        assert f"数据目录 {missing} 不存在" in capsys.readouterr().err
    assert not missing.exists()


def test_commands_that_start_a_home_create_it(tmp_path, capsys):
    fresh = tmp_path / "new"
    empty = tmp_path / "inbox"
    empty.mkdir()
    assert cli.main(["--home", str(fresh), "ingest", str(empty)]) == 0
    assert fresh.is_dir() and "新建数据目录" in capsys.readouterr().err


def test_home_is_accepted_after_every_subcommand(tmp_path, capsys):
    home = tmp_path / "h"
    home.mkdir()
    assert cli.main(["export", "list", "--home", str(home)]) == 0
    assert cli.main(["user", "list", "--home", str(home)]) == 0
    assert f"数据目录 {home.resolve()} 中尚无用户" in capsys.readouterr().out


def test_the_default_home_is_the_repository_data_folder_wherever_lvzhi_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LVZHI_HOME"}
    printed = subprocess.run([sys.executable, "-c", "from lvzhi.home import DEFAULT_HOME; print(DEFAULT_HOME)"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert printed == str(PROJECT_DIR / "data")


def test_demo_checks_the_port_before_building(tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = devtools_cli.main(["demo", "--home", str(tmp_path / "h"), "--scale", "tiny", "--port", str(port)])
    assert code == 1
    assert f"make demo PORT={port + 1}" in capsys.readouterr().err
    assert not (tmp_path / "h").exists()  # nothing generated, ingested or built
