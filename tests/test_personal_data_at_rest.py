"""No clear personal data at rest outside the raw tables (issue 15).

A home is filled the way production fills it — files ingested (one with errors, so a report is
written), a build published, a user, a saved query, an audit trail — and then every byte under it
is searched for the fixture's ID numbers and phones: every file as it is, every xlsx unzipped, every
Parquet decoded, every text column of every DuckDB and SQLite table. ID numbers may be nowhere;
phones only in the raw tables of the working warehouse. The home is 0700 and its files 0600.
"""

from __future__ import annotations

import sqlite3
import stat
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from ingest.idcard import check_digit
from access import appdb, audit, users
from ingest.run import ingest
from lvzhi.build import build
from lvzhi.home import Home
from tests.conftest import FIXTURES, HANDMADE_AS_OF, quiet
from tests.ingest.conftest import write_csv


def _id(body: str) -> str:
    return body + check_digit(body)


IDS = [_id("65230119800101123"), _id("65270119751231002"), _id("65010219900615004")]
LEGACY = "652301850101123"  # 15 digits, stored as its 18-character form
LEGACY_18 = _id("652301198501011235"[:17])
PHONES = ["13812345678", "15987654321", "18611112222", "13500001111"]
SECRETS = [*IDS, LEGACY, LEGACY_18, *PHONES]


@pytest.fixture(scope="module")
def filled_home(tmp_path_factory) -> Home:
    tmp_path = tmp_path_factory.mktemp("at_rest")
    home = Home.at(tmp_path / "home")
    ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    header = ["代表编号*", "姓名*", "层级*", "所属人大*", "任期开始*", "出生年份", "身份证号", "手机", "选举单位"]
    write_csv(inbox / "652300_代表名册_2024.csv", [
        header,
        ["P1", "甲", "州市", "652300-15", "2022-01-01", "1980", IDS[0], PHONES[0], "昌吉市"],
        ["P2", "乙", "州市", "652300-15", "2022-01-01", "1975", IDS[1], PHONES[1], f"联系电话{PHONES[3]}"],
        ["P3", "丙", "州市", "652300-15", "2022-01-01", IDS[2], IDS[2], PHONES[2], "昌吉市"],  # ID in 出生年份
        ["P4", "丁", "州市", "652300-15", "2022-01-01", "1985", LEGACY, "", "昌吉市"],
        ["P5", "戊", "州市", "652300-15", "2022-01-01", "1985", "6.52301E+17", PHONES[3], "昌吉市"],
    ])
    (result,) = ingest(home, [inbox], submitted_on=date(2024, 12, 31), say=quiet)
    assert result.status == "loaded" and result.rows_quarantined == 2 and result.report is not None
    assert build(home, HANDMADE_AS_OF, say=quiet).success
    users.add(home, "admin1", "admin", "a-long-password-1", [], display_name="管理员")
    appdb.save_query(home, "admin1", "roster", "select * from dim_deputy", "")
    audit.record(home, "admin1", "test", note="filled")
    return home


def _texts_of_duckdb(path: Path) -> list[tuple[str, str]]:
    """(schema.table.column, all values) of every text column of every table."""
    con = duckdb.connect()
    con.execute(f"attach '{path}' as db (read_only)")
    found = []
    try:
        columns = con.sql("select schema_name, table_name, column_name from duckdb_columns() "
                          "where database_name = 'db' and data_type in ('VARCHAR', 'JSON')").fetchall()
        for schema, table, column in columns:
            values = con.sql(f'select string_agg("{column}", chr(10)) from db."{schema}"."{table}"').fetchall()[0][0]
            found.append((f"{schema}.{table}.{column}", values or ""))
    finally:
        con.close()
    return found


def _texts_of_sqlite(path: Path) -> list[tuple[str, str]]:
    con = sqlite3.connect(path)
    try:
        found = []
        for (table,) in con.execute("select name from sqlite_master where type = 'table'").fetchall():
            for row in con.execute(f'select * from "{table}"').fetchall():
                found.append((table, " ".join(str(v) for v in row)))
        return found
    finally:
        con.close()


def test_no_clear_id_number_or_phone_at_rest_outside_raw(filled_home):
    home = filled_home
    leaks = []

    def look(where: str, text: str, phones_allowed: bool = False) -> None:
        for secret in SECRETS:
            if secret in text and not (phones_allowed and secret in PHONES):
                leaks.append((where, secret))

    files = [p for p in home.root.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.suffix == ".xlsx" for p in files)
    for path in files:
        where = str(path.relative_to(home.root))
        data = path.read_bytes()
        work = path.name.startswith("work.duckdb")  # its raw tables may hold phones (bytes of them)
        look(where, data.decode("utf-8", "replace"), phones_allowed=work)
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as workbook:
                for name in workbook.namelist():
                    look(f"{where}!{name}", workbook.read(name).decode("utf-8", "replace"))
        elif path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            for column in frame.columns:
                look(f"{where}:{column}", "\n".join(map(str, frame.get_column(column).to_list())))
        elif path.suffix == ".duckdb":
            for column, values in _texts_of_duckdb(path):
                look(f"{where}:{column}", values, phones_allowed=work and column.startswith("raw.")
                     and column != "raw.quarantine.row_json" and not column.startswith("raw.quarantine"))
        elif path.suffix in (".sqlite", ".db"):
            for table, values in _texts_of_sqlite(path):
                look(f"{where}:{table}", values)
    assert not leaks, leaks
    # The phones really are in raw (the scan would have seen them): raw.deputies keeps them.
    raw = dict(_texts_of_duckdb(home.work_db))
    assert PHONES[0] in raw["raw.deputies.phone"]


def test_home_is_private_to_its_owner(filled_home):
    home = filled_home
    assert stat.S_IMODE(home.root.stat().st_mode) == 0o700
    loose = [(str(p.relative_to(home.root)), oct(stat.S_IMODE(p.stat().st_mode)))
             for p in home.root.rglob("*") if stat.S_IMODE(p.stat().st_mode) & 0o077]
    assert not loose, loose
