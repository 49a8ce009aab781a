"""The Turpan 2024 home (tests/fixtures/turpan2024, consistent with seed 001 section 五), built as of 2024-12-31."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from access import users
from ingest.run import ingest
from lvzhi.build import build
from lvzhi.home import Home
from tests.conftest import FIXTURES, TEST_USERS, quiet

TURPAN = FIXTURES / "turpan2024"
TURPAN_AS_OF = date(2024, 12, 31)


def build_home(root, folder) -> Home:
    home = Home.at(root)
    results = ingest(home, sorted(folder.glob("*.csv")), submitted_on=date(2025, 1, 5), say=quiet)  # not make_fixture.py
    assert all(r.status == "loaded" for r in results), [r.message for r in results]
    built = build(home, TURPAN_AS_OF, say=quiet)
    assert built.success, built.failures
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LVZHI_BCRYPT_ROUNDS", "4")
        for name, (role, prefectures, password) in TEST_USERS.items():
            users.add(home, name, role, password, prefectures, display_name=name)
    return home


@pytest.fixture(scope="session")
def turpan_home(tmp_path_factory) -> Home:
    return build_home(tmp_path_factory.mktemp("turpan"), TURPAN)


@pytest.fixture(scope="session")
def turpan_one_unanswered(tmp_path_factory) -> Home:
    """The same records, except that suggestion TJ005 (raised at the session) has no reply yet."""
    folder = tmp_path_factory.mktemp("turpan_files")
    for path in TURPAN.glob("*.csv"):
        shutil.copy(path, folder / path.name)
    path = folder / "650400_建议.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    fixed = []
    for line in lines:
        if line.startswith("TJ005,"):
            cells = line.split(",")
            cells[9:13] = ["", "", "", ""]  # 答复日期, 答复类别, 代表满意度, 办结日期
            line = ",".join(cells)
        fixed.append(line)
    path.write_text("\n".join(fixed) + "\n", encoding="utf-8")
    return build_home(tmp_path_factory.mktemp("turpan_changed"), folder)
