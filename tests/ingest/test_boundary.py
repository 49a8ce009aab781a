"""The prefecture boundary (issue 15): a file speaks for its own prefecture only."""

from __future__ import annotations

from datetime import date

from ingest.run import ingest_file
from ingest.run import ingest
from lvzhi import warehouse
from lvzhi.build import build
from tests.conftest import FIXTURES, HANDMADE_AS_OF, quiet
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv

HEADER = ["州市代码", "建议编号*", "领衔代表编号*", "标题*", "提出日期*"]


def test_a_row_claiming_another_prefecture_is_quarantined(home, con, tmp_path):
    path = write_csv(tmp_path / "652700_建议_2024.csv", [
        HEADER,
        ["652700", "B1", "D1", "本州的建议", "2024-01-05"],
        ["650100", "B2", "D1", "冒充乌鲁木齐的建议", "2024-01-05"],
        ["", "B3", "D1", "未填州市代码", "2024-01-05"],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 1)
    assert rows_of(con, "select suggestion_id, prefecture_code from raw.suggestions order by 1") == [
        ("B1", "652700"), ("B3", "652700")]
    ((rule, message),) = rows_of(con, "select rule_id, message from raw.quarantine")
    assert rule == "prefecture_mismatch" and "650100" in message and "652700" in message


def test_a_file_without_a_code_in_its_name_belongs_to_the_prefecture_of_its_rows(home, con, tmp_path):
    path = write_csv(tmp_path / "建议_无代码.csv", [
        HEADER, *[["652700", f"B{i}", "D1", "标题", "2024-01-05"] for i in range(3)],
        ["650100", "B9", "D1", "标题", "2024-01-05"],
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (3, 1)
    assert rows_of(con, "select prefecture_code from raw.batches") == [("652700",)]
    assert rows_of(con, "select rule_id from raw.quarantine") == [("prefecture_mismatch",)]


def test_no_file_changes_another_prefectures_records_in_the_published_marts(tmp_path):
    """The attack of issue 15: a 652700 file reusing a 650100 suggestion's key (with or without a
    州市代码 column) must not change the 650100 record."""
    from lvzhi.home import Home

    home = Home.at(tmp_path / "home")
    ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    attack = tmp_path / "attack"
    attack.mkdir()
    write_csv(attack / "652700_建议_2024.csv", [
        ["建议编号*", "领衔代表编号*", "标题*", "提出日期*"],
        ["S10", "U1", "被篡改的标题", "2024-01-02"],
    ])
    write_csv(attack / "652700_建议_2024_带代码.csv", [
        HEADER, ["650100", "S10", "U1", "再次篡改的标题", "2024-01-02"],
    ])
    results = ingest(home, [attack], submitted_on=date(2024, 12, 31), say=quiet)
    assert [r.status for r in results] == ["loaded", "loaded"]
    built = build(home, HANDMADE_AS_OF, say=quiet)
    assert built.success, built.failures
    rows = warehouse.read_published(
        home, "select prefecture_code, title from fct_suggestions where suggestion_id = 'S10' order by 1").rows()
    assert rows == [("650100", "关于公交线路优化的建议")]
    conflicts = warehouse.read_published(
        home, "select kind, key_value, prefecture_code, owner_prefecture_code from dq_key_conflicts").rows()
    assert conflicts == [("suggestions", "S10", "652700", "650100")]
