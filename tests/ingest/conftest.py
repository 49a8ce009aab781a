"""Helpers that write the files clerks send, and a fresh home per test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter

from ingest.load import ensure_raw_schema
from lvzhi import warehouse
from lvzhi.home import Home

SUBMITTED = dt.date(2025, 1, 15)


@pytest.fixture
def home(tmp_path) -> Home:
    return Home.at(tmp_path / "home")


@pytest.fixture
def con(home):
    connection = warehouse.connect_work(home)
    ensure_raw_schema(connection)
    yield connection
    connection.close()


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]], title_rows: int = 0) -> Path:
    """Each sheet: a merged title row, blank rows, then the header and data (dates as date cells)."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        if title_rows:
            sheet.merge_range(0, 0, 0, max(len(rows[0]) - 1, 1), f"{name}统计表（2024年）")
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if isinstance(cell, dt.date):
                    sheet.write_datetime(r + title_rows, c, dt.datetime.combine(cell, dt.time()), date_format)
                elif cell is not None:
                    sheet.write(r + title_rows, c, cell)
    workbook.close()
    return path


def rows_of(con, sql: str) -> list[tuple]:
    return con.sql(sql).fetchall()
