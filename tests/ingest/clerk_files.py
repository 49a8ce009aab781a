"""Writers of the files clerks really send (for tests/ingest/test_clerk_files.py and the property
test): openpyxl for workbooks with hidden sheets and columns, merges, error cells and formats;
LibreOffice for .xls and .ods."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from ingest.run import ingest_file
from tests.ingest.conftest import SUBMITTED, rows_of


def workbook(path: Path, sheets: dict[str, list[list]], *, start_row: int = 1, hidden_sheets=(),
             very_hidden=(), hidden_columns: dict[str, list[str]] | None = None,
             merges: dict[str, list[str]] | None = None, formats: dict[str, dict[str, str]] | None = None,
             blank_formatted_rows: int = 0) -> Path:
    """Sheets written from `start_row` (rows above empty, or only formatted when
    blank_formatted_rows); a cell '=…' is a formula, '#N/A' an error cell (openpyxl writes t="e")."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r in range(1, blank_formatted_rows + 1):
            sheet.cell(r, 1).number_format = "@"  # formatted, no value
            sheet.cell(r, 1).font = openpyxl.styles.Font(bold=True)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                cell = sheet.cell(start_row + r, c + 1)
                cell.value = value
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        for ref in (merges or {}).get(name, []):
            sheet.merge_cells(ref)
        for letter in (hidden_columns or {}).get(name, []):
            sheet.column_dimensions[letter].hidden = True
        for ref, number_format in (formats or {}).get(name, {}).items():
            sheet[ref].number_format = number_format
        if name in hidden_sheets:
            sheet.sheet_state = "hidden"
        if name in very_hidden:
            sheet.sheet_state = "veryHidden"
    book.save(path)
    return path


def convert(path: Path, suffix: str) -> Path:
    """The same workbook saved as .xls or .ods by LibreOffice (skips the test without soffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    out = path.parent / f"converted_{suffix}"
    out.mkdir(exist_ok=True)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{out}/profile", "--convert-to", suffix,
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=120)
    converted = out / f"{path.stem}.{suffix}"
    target = path.with_suffix(f".{suffix}")
    converted.replace(target)
    return target


def load(con, home, path: Path):
    return ingest_file(con, home, path, SUBMITTED)


def report_rows(result) -> list[dict]:
    """The clerk's report as dicts keyed by the Chinese headers."""
    if result.report is None:
        return []
    sheet = openpyxl.load_workbook(result.report).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def quarantine(con) -> list[tuple]:
    return rows_of(con, "select sheet, row_number, rule_id, message from raw.quarantine order by sheet, row_number, rule_id")
