"""Shortcuts of the ingest that must not change a result: a text file read once from its bytes
reads as it did from its path (five reads), and a big batch, whose costly columns are parsed per
distinct value and its cheap ones cell by cell, validates exactly as parsing every cell does —
the same rows, the same errors with the same Chinese messages, the same quarantine, the same
ID-card hashes — on a batch holding every kind of error."""

from __future__ import annotations

import itertools
from datetime import date

import polars as pl
import pytest

from ingest import validate
from ingest.readers import FileRejected, read_file
from tests.ingest.conftest import write_csv

DEPUTIES = ["代表编号*", "姓名*", "性别", "出生年份", "层级*", "所属人大*", "是否基层代表", "任期开始*", "任期结束",
            "状态", "状态日期", "身份证号", "手机", "县区", "州市代码"]
# Cells cycled through per column: clean values and every way clerks get them wrong.
MESSY = {
    "代表编号*": ["D{n}", "Ｄ{n}", " D{n} ", "D{n}\u200b", "#N/A", "", "D1"],
    "姓名*": ["张三", "李\u3000四", "", "王五13912345678", "赵\x07六", "#REF!"],
    "性别": ["男", "女", "男 ", "女\u200b", "M", "", "#N/A"],
    "出生年份": ["1970", "１９７０", "1970.0", "1,970", "七〇", "", "19701"],
    "层级*": ["州市", "州 市", "县区", "省", "", "ZS"],
    "所属人大*": ["654000-15", "654000.0", "６５４０００", "", "C1"],
    "是否基层代表": ["是", "否", "Y", "n", "√", "×", "也许", ""],
    "任期开始*": ["2022-01-10", "2022/1/10", "2022.1.10", "2022年1月10日", "20220110", "44571", "２０２２-０１-１０",
                "2022-13-01", "1850-01-01", "2022-01-10 00:00:00", "", "#VALUE!"],
    "任期结束": ["2026-12-31", "2021-01-01", "2030-01-01", "", "不详"],
    "状态": ["在任", "辞职", "在职", "去 世", "", "罢免"],
    "状态日期": ["", "2024-05-01", "2024/5/1", "2027-01-01"],
    "身份证号": ["11010519491231002X", "110105194912310021", "110105194912310000", "1.10105E+17",
                 "110105491231002", "11010519491331002X", "'11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ", "", "123"],
    "手机": ["13912345678", "139 1234 5678", "", "010-12345678", "1391234567"],
    "县区": ["乌鲁木齐县", "", "\u00a0天山区\u00a0", "电话13812345678"],
    "州市代码": ["654000", "650100", "", "999999", "654000.0"],
}


def messy_rows(count: int) -> list[list[str]]:
    cycles = [itertools.cycle(values) for values in MESSY.values()]
    rows = []
    for n in range(count):
        rows.append([next(cycle).format(n=n) for cycle in cycles])
    return rows


@pytest.fixture
def messy(tmp_path):
    # Lengths of the cycles are coprime-ish: every combination of errors within a row occurs.
    return write_csv(tmp_path / "654000_代表名册_2024.csv", [DEPUTIES, *messy_rows(validate.DISTINCT_MIN_ROWS + 500)])


def _checked(path, monkeypatch, distinct_from: int) -> validate.Checked:
    monkeypatch.setattr(validate, "DISTINCT_MIN_ROWS", distinct_from)
    (sheet,) = read_file(path).tables
    (table, _), = list(sheet.batches())
    return validate.check(table, "654000", date(2025, 1, 15), "salt")


def test_a_big_batch_validates_as_parsing_every_cell_does(messy, monkeypatch):
    big = validate.DISTINCT_MIN_ROWS
    per_cell = _checked(messy, monkeypatch, 10**9)
    split = _checked(messy, monkeypatch, big)
    assert per_cell.errors.height > 1000 and per_cell.valid.height  # every kind of error, and clean rows
    assert set(per_cell.errors.get_column("rule_id")) >= {
        "required", "bad_date", "bad_bool", "bad_int", "bad_enum", "bad_id_card", "excel_error",
        "end_before_start", "duplicate_key", "prefecture_mismatch", "prefecture_unknown"}
    assert split.valid.equals(per_cell.valid)
    assert split.errors.equals(per_cell.errors)
    assert split.quarantined.equals(per_cell.quarantined)
    assert split.id_cards.equals(per_cell.id_cards)
    assert not split.errors.filter(pl.col("value").str.contains("13912345678")).height  # phones masked


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_text_file_read_from_its_bytes_reads_as_from_its_path(tmp_path, encoding):
    rows = [DEPUTIES, *messy_rows(300)]
    rows[40] = ["合计", *[""] * (len(DEPUTIES) - 1)]  # a row that is no record, noted
    rows[41] = [""] * len(DEPUTIES)
    rows[42][1] = '"多行\n姓名"'  # a quoted newline
    path = write_csv(tmp_path / "654000_代表名册_2024.csv", rows, encoding)
    _same_reading(path)


@pytest.mark.parametrize("broken", [b"\xff\xfe\xfd", b"\xe5\xbc"])
def test_an_undecodable_file_is_refused_alike_from_its_bytes(tmp_path, broken):
    path = tmp_path / "654000_代表名册_2024.csv"
    text = "\n".join(",".join(row) for row in [DEPUTIES, *messy_rows(50)]).encode("utf-8")
    path.write_bytes(text[:900] + broken + text[900:])  # the line named in the message must be the same
    _same_reading(path)


def test_a_tab_separated_file_with_blank_lines_reads_alike(tmp_path):
    rows = [DEPUTIES, *messy_rows(40), [""] * len(DEPUTIES), *messy_rows(5)]
    path = tmp_path / "654000_代表名册_2024.tsv"
    path.write_bytes(("\n".join("\t".join(row) for row in rows) + "\n\n\n").encode("utf-8"))
    _same_reading(path)


def _same_reading(path):
    def read(raw):
        try:
            result = read_file(path, raw)
        except FileRejected as rejected:
            return ("rejected", str(rejected))
        tables = [(s.kind.name, s.header_row, s.ignored_headers, s.notes,
                   [(t.frame, t.notes, t.may_hold_hash, f) for t, f in s.batches()]) for s in result.tables]
        return result.encoding, result.notes, result.file_format, tables

    from_path, from_bytes = read(None), read(path.read_bytes())
    assert from_path[0] != "rejected" or "行" in from_path[1]
    if from_path[0] == "rejected":
        assert from_bytes == from_path
        return
    assert from_bytes[:3] == from_path[:3]
    for (*head_a, batches_a), (*head_b, batches_b) in zip(from_path[3], from_bytes[3], strict=True):
        assert head_a == head_b
        for (frame_a, *rest_a), (frame_b, *rest_b) in zip(batches_a, batches_b, strict=True):
            assert frame_a.equals(frame_b) and rest_a == rest_b


def test_blank_and_candidate_rows_are_flagged_as_by_testing_every_cell():
    from ingest import rows

    cells = [None, "", " ", "*", "代表编号", " 代 表 编号 *", "**代表编号**", "*代表*编号", "代表编号\n", "代表　编号",
             "合计", "  小 计：", "注：", "示例", "D1", "(编号)", "a.b"]
    columns = ("c0", "c1", "c2", "c3")
    frame = pl.DataFrame([[a, b, c, d] for a in cells for b in cells[:6] for c in cells[::3] for d in (None, "", "x")],
                         schema=dict.fromkeys(columns, pl.String), orient="row")
    for positions, headers in (((0,), ("代表编号",)), ((0, 2), ("代表编号", "(编号)")), ((1,), ("a.b",)), ((), ())):
        empty = [pl.col(c).str.len_bytes().fill_null(0) == 0 for c in columns]  # the flags as first written
        first = pl.coalesce([pl.when(~e).then(pl.col(c)) for c, e in zip(columns[:3], empty[:3])])
        key_missing = pl.any_horizontal([empty[p] for p in positions]) if positions else pl.lit(False)
        key_is_header = pl.any_horizontal([pl.col(columns[p]).str.replace_all(" ", "").str.strip_chars("*") == text
                                           for p, text in zip(positions, headers)]) if positions else pl.lit(False)
        blank = pl.all_horizontal(empty)
        candidate = (blank | key_missing | key_is_header.fill_null(False)
                     | first.str.contains(rows._MARKERS).fill_null(False)).fill_null(True)
        expected = frame.select(blank.alias("__blank"), candidate.alias("__candidate"))
        assert frame.select(*rows._flags(columns, positions, headers)).equals(expected), positions
