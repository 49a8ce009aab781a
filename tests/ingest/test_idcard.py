"""身份证号 validated before hashing, ID- and mobile-shaped text masked everywhere (issue 15)."""

from __future__ import annotations

import zipfile

import pytest

from ingest import idcard
from ingest.run import ingest_file
from lvzhi import pii
from tests.ingest.conftest import SUBMITTED, rows_of, write_csv, write_xlsx

BODY = "65230119800101123"
VALID = BODY + idcard.check_digit(BODY)
ROSTER = ["代表编号*", "姓名*", "层级*", "所属人大*", "任期开始*", "出生年份", "身份证号", "手机", "选举单位"]


def roster_row(deputy: str, id_card: str, birth_year: str = "1980", unit: str = "伊宁市") -> list[str]:
    return [deputy, "王芳", "州市", "654000-15", "2022-01-03", birth_year, id_card, "13812345678", unit]


def test_check_digit_and_legacy_numbers():
    assert idcard.classify(VALID) == (VALID, None)
    legacy = "652301800101123"  # 15 digits: 19 inserted, check digit added
    converted, problem = idcard.classify(legacy)
    assert problem is None and converted == "65230119800101123" + idcard.check_digit("65230119800101123")
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    assert idcard.classify(wrong) == (None, "checksum")
    assert idcard.classify("65230119801301123" + idcard.check_digit("65230119801301123")) == (None, "birth_date")
    assert idcard.classify("不详") == (None, "format")
    assert idcard.classify("  ") == (None, None)


@pytest.mark.parametrize("written", [
    f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ",  # spaces
    VALID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),  # full-width
    "'" + VALID,  # Excel's text marker
    VALID.lower(),
])
def test_spellings_of_one_number_hash_alike(written):
    assert idcard.cleaned(written, "salt") == idcard.cleaned(VALID, "salt")


def test_rounded_scientific_and_invalid_numbers_are_quarantined_never_hashed(home, con, tmp_path):
    rounded = VALID[:15] + "000"  # what Excel keeps of an 18-digit number typed as a number
    path = write_csv(tmp_path / "654000_代表名册.csv", [
        ROSTER,
        roster_row("D1", VALID),
        roster_row("D2", rounded),
        roster_row("D3", "6.52301E+17"),
        roster_row("D4", VALID[:17] + ("0" if VALID[17] != "0" else "1")),
        roster_row("D5", "652301800101123"),  # legacy 15 digits: converted, loaded
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (2, 3)
    loaded = dict(rows_of(con, "select deputy_id, id_card_hash from raw.deputies"))
    assert loaded["D1"] == idcard.hash_number(VALID, home.salt())
    assert loaded["D5"] == idcard.hash_number(idcard.classify("652301800101123")[0], home.salt())
    problems = rows_of(con, "select row_number, rule_id, value, message from raw.quarantine order by 1")
    assert [(r, rule) for r, rule, _, _ in problems] == [(3, "bad_id_card"), (4, "bad_id_card"), (5, "bad_id_card")]
    for _, _, value, message in problems:
        assert VALID[4:14] not in value + message
    assert "15 位有效数字" in problems[0][3] and "文本" in problems[0][3]
    assert "科学计数法" in problems[1][3] and "文本" in problems[1][3]
    assert "校验位" in problems[2][3]
    everything = str(rows_of(con, "select * from raw.quarantine"))
    assert rounded not in everything and VALID[:14] not in everything


def test_an_excel_number_cell_is_refused_as_rounded(home, con, tmp_path):
    path = write_xlsx(tmp_path / "654000_代表名册.xlsx", {"代表名册": [ROSTER, [*roster_row("D1", "")[:6], int(VALID[:17] + "0"), "13812345678", "x"]]})
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.rows_quarantined == 1
    assert rows_of(con, "select rule_id from raw.quarantine") == [("bad_id_card",)]


def test_numbers_typed_in_other_columns_are_masked_in_quarantine_report_and_raw(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_代表名册.csv", [
        ROSTER,
        roster_row("D1", VALID, birth_year=VALID),  # an ID number in 出生年份: bad_int
        roster_row("D2", VALID, unit="联系电话13987654321"),  # a mobile in free text: loaded, masked
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    quarantine = rows_of(con, "select value, message, row_json from raw.quarantine")
    assert quarantine and all(VALID not in text and "13812345678" not in text
                              for row in quarantine for text in row)
    assert "6523**********" in quarantine[0][0]
    assert rows_of(con, "select electoral_unit from raw.deputies") == [("联系电话139****4321",)]
    with zipfile.ZipFile(result.report) as report:
        content = b"".join(report.read(name) for name in report.namelist()).decode("utf-8", "replace")
    assert VALID not in content and "13812345678" not in content
    csv_report = result.report.with_suffix(".csv").read_text(encoding="utf-8-sig")
    assert VALID not in csv_report and "6523**********" in csv_report


def test_mask_text():
    assert pii.mask_text(f"身份证{VALID}，电话13812345678、13912345678") == (
        f"身份证6523**********{VALID[-4:]}，电话138****5678、139****5678")
    assert pii.mask_text("编号 20240105 金额 1234567890") == "编号 20240105 金额 1234567890"


def test_the_archive_keeps_each_number_as_validation_stored_it(home, con, tmp_path, monkeypatch):
    """The archive takes validation's cleaned 身份证号 row for row (not worked out again), in every
    batch: the hash of a valid number, the masked form of an invalid one, nothing for an empty cell."""
    from ingest import archive, readers
    from ingest.run import sha256_of

    monkeypatch.setattr(readers, "BATCH_ROWS", 2)
    wrong = VALID[:17] + ("0" if VALID[17] != "0" else "1")
    path = write_xlsx(tmp_path / "654000_代表名册.xlsx", {"代表名册": [  # a workbook sheet: batches of 2 rows
        ROSTER, roster_row("D1", VALID), roster_row("D2", wrong), roster_row("D3", ""),
        roster_row("D4", "652301800101123"), roster_row("D5", f" {VALID} "),
    ]})
    assert ingest_file(con, home, path, SUBMITTED).status == "loaded"
    kept = archive.read(archive.path_for(home.archive_dir, sha256_of(path)))
    assert kept.get_column("id_card_no").to_list() == [idcard.cleaned(v, home.salt()) for v in
                                                       (VALID, wrong, "", "652301800101123", VALID)]
    hashes = dict(rows_of(con, "select deputy_id, id_card_hash from raw.deputies"))
    assert kept.get_column("id_card_no").to_list()[0] == hashes["D1"] and "*" in kept.get_column("id_card_no")[1]
    assert VALID not in kept.write_csv() and wrong not in kept.write_csv()
