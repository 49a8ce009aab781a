"""ingest.workbook reads a sheet's XML in pieces cut after whole rows: what it finds must not depend
on where the pieces are cut (merges, error cells, percent cells, hidden columns, first row and column)."""

from __future__ import annotations

import pytest
import xlsxwriter

from ingest import guards, workbook


def _sheet(path):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("建议")
    percent = book.add_format({"num_format": "0.0%"})
    sheet.set_column(3, 3, None, None, {"hidden": True})
    sheet.write_row(2, 1, ["建议编号", "标题", "满意度", "备注"])  # first row 3, first column B
    for row in range(3, 400):
        sheet.write_row(row, 1, [f"J{row:04d}", "关于加强乡村道路养护的建议" * 3, None, "备注"])
        sheet.write_number(row, 3, 0.5 + row / 1000, percent)
    sheet.write_formula(150, 2, "=1/0", None, "#DIV/0!")
    sheet.merge_range(300, 4, 305, 4, "合并")
    book.close()
    return path


@pytest.mark.parametrize("block", [64, 1000, 1 << 20])
def test_sheet_meta_does_not_depend_on_where_the_xml_is_cut(tmp_path, monkeypatch, block):
    path = _sheet(tmp_path / "建议.xlsx")
    monkeypatch.setattr(workbook, "BLOCK", block)
    meta = workbook.xlsx_meta(path)["建议"]
    assert (meta.first_row, meta.first_col) == (3, 1)
    assert meta.hidden_cols == frozenset({3})
    assert meta.errors == {(151, 2): "#DIV/0!"}
    assert meta.merges == [(301, 4, 306, 4)]
    assert len(meta.percent) == 397 and (4, 3) in meta.percent and (400, 3) in meta.percent


def test_the_metadata_found_in_the_size_guards_pass_is_the_same(tmp_path, monkeypatch):
    """read_workbook has the guard feed each sheet's XML to the scan (one decompression, not two)."""
    path = _sheet(tmp_path / "建议.xlsx")
    monkeypatch.setattr(workbook, "BLOCK", 1000)
    monkeypatch.setattr(guards, "BLOCK", 700)  # the guard's blocks, cut elsewhere than the scan's own
    scan = workbook.XlsxScan(path)
    assert guards.xlsx_problem(path, scan.feeder) is None
    assert all(sheet.complete for _, sheet in scan.scans.values())  # fed whole by the guard
    assert scan.metas() == workbook.xlsx_meta(path)


def test_a_sheet_the_guard_stopped_in_is_read_after_it(tmp_path, monkeypatch):
    path = _sheet(tmp_path / "建议.xlsx")
    scan = workbook.XlsxScan(path)
    monkeypatch.setattr(guards, "MAX_XLSX_CELLS", 10)
    assert guards.xlsx_problem(path, scan.feeder)  # refused part-way: the scan is not complete
    assert not any(sheet.complete for _, sheet in scan.scans.values())
    assert scan.metas() == workbook.xlsx_meta(path)
