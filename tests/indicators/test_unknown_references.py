"""Records that name a deputy or station no roster knows: reported in dq_reference_errors, left
out of the indicators (a reception at an unknown station still counts, without a county).

A second warehouse: the hand-made files plus one late file per kind with unknown ids (written
here, not under tests/fixtures/handmade, whose reference errors test_handmade_indicators.py pins).
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from lvzhi import warehouse
from ingest.run import ingest
from lvzhi.build import build, indicator_values
from lvzhi.home import Home
from tests.conftest import FIXTURES, HANDMADE_AS_OF, quiet
from tests.indicators.test_handmade_indicators import value

EXTRA = {
    "650200_代表活动_补报.csv": "活动编号*,代表编号*,组织方,代表小组,活动类型*,活动日期*\nA90,X1,代表小组,G1,学习,2024-04-15\n",
    "650200_培训_补报.csv": "培训编号*,代表编号*,培训类型*,培训日期*\nT90,X2,任职培训,2024-02-01\n",
    "650200_联系代表_补报.csv": "联系人*,联系人身份*,代表编号*,年度*\n李主任,常委会组成人员,X3,2024\n",
    "650200_联系记录_补报.csv": "联系人*,代表编号*,联系日期*,方式\n李主任,X3,2024-02-02,走访\n",
    "650200_接待_补报.csv": "站点编号*,代表编号*,接待日期*,接待群众人次,收集意见建议,已办结\nST1,X4,2024-03-03,5,5,5\nST9,K2,2024-03-04,4,2,1\n",
}


@pytest.fixture(scope="module")
def dq_home(tmp_path_factory) -> Home:
    inbox = tmp_path_factory.mktemp("dq_inbox")
    for path in (FIXTURES / "handmade").iterdir():
        shutil.copy(path, inbox / path.name)
    for name, text in EXTRA.items():
        (inbox / name).write_text(text, encoding="utf-8")
    home = Home.at(tmp_path_factory.mktemp("dq_home"))
    results = ingest(home, [inbox], submitted_on=date(2024, 12, 31), say=quiet)
    assert all(r.status == "loaded" and not r.rows_quarantined for r in results), [r.message for r in results]
    built = build(home, HANDMADE_AS_OF, say=quiet)
    assert built.success, built.failures
    return home


def test_unknown_ids_are_reported(dq_home):
    errors = warehouse.read_published(
        dq_home, "select kind, column_name, referenced_id from dq_reference_errors order by all").rows()
    assert errors == [
        ("activities", "deputy_id", "X1"),
        ("attendance", "deputy_id", "D99"),
        ("contacts", "deputy_id", "X3"),
        ("liaison", "deputy_id", "X3"),
        ("receptions", "deputy_id", "X4"),
        ("receptions", "station_id", "ST9"),
        ("suggestions", "lead_deputy_id", "D99"),
        ("trainings", "deputy_id", "X2"),
    ]


def test_unknown_deputies_are_not_counted(dq_home):
    values = indicator_values(dq_home)
    # As in test_handmade_families.py: X1's activity and X3's pair do not count.
    assert value(values, "deputy_participation_rate", "650200", "2024")[:2] == (5, 11)
    assert value(values, "group_quarterly_activity_rate", "650200", "2024")[:2] == (1, 2)
    assert value(values, "liaison_contact_compliance", "650200", "2024")[:2] == (1, 3)
    # X4's reception is left out; K2's at the unknown station ST9 counts for the prefecture (2 / 1)
    # but for no county: 650200 2024 = 7/10 + 1/2.
    assert value(values, "opinion_resolution_rate", "650200", "2024")[:2] == (8, 12)
    assert value(values, "opinion_resolution_rate", "独山子区", "2024")[:2] == (3, 5)
