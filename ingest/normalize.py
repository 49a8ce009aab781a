"""Polars expressions that turn a clerk's text cells into typed values.

Each function takes the cleaned text expression and returns the parsed one; a value that is
present but does not parse becomes null, which validation reports as an error.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from ingest.schemas import BOOL, CODE, DATE, ENUM, FLOAT, IDLIST, INT, Column

EXCEL_EPOCH = date(1899, 12, 30)
TRUE_WORDS = ("是", "Y", "YES", "1", "TRUE", "T", "√", "有")
FALSE_WORDS = ("否", "N", "NO", "0", "FALSE", "F", "×", "无")
BOOL_WORDS = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
ID_SEPARATORS = r"[、,;，；/\s]+"


def cleaned_text(cell: str | pl.Expr) -> pl.Expr:
    """Stripped text; empty cells become null."""
    text = (pl.col(cell) if isinstance(cell, str) else cell).str.strip_chars()
    return pl.when(text.str.len_chars() > 0).then(text)


def _nfkc(text: pl.Expr) -> pl.Expr:
    """Full-width digits, letters and punctuation -> ASCII (２０２４ -> 2024)."""
    return text.str.normalize("NFKC").str.strip_chars()


def parse_date(text: pl.Expr) -> pl.Expr:
    """2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, Excel serials, '2024-03-05 00:00:00'.

    One regex brings every written form to Y-M-D, then a single strict-format parse: trying each
    format in turn was 30x slower on large files.
    """
    text = _nfkc(text)
    canonical = (
        text.str.replace(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$", "${1}-${2}-${3}")
        .str.replace(r"^(\d{4})(\d{2})(\d{2})$", "${1}-${2}-${3}")
    )
    serial = text.str.extract(r"^(\d{5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    parsed = pl.coalesce(
        canonical.str.to_date("%Y-%m-%d", strict=False),
        pl.lit(EXCEL_EPOCH) + pl.duration(days=serial),
    )
    # A year outside this range is a typo, not a date of deputy work.
    return pl.when(parsed.dt.year().is_between(1900, 2100)).then(parsed)


def parse_bool(text: pl.Expr) -> pl.Expr:
    return _nfkc(text).str.to_uppercase().replace_strict(BOOL_WORDS, default=None, return_dtype=pl.Boolean)


def parse_number(text: pl.Expr) -> pl.Expr:
    return _nfkc(text).str.replace_all(",", "").cast(pl.Float64, strict=False)


def parse_int(text: pl.Expr) -> pl.Expr:
    number = parse_number(text)
    return pl.when(number == number.floor()).then(number.cast(pl.Int64, strict=False))


def parse_code(text: pl.Expr) -> pl.Expr:
    """Codes are text; a number cell read as '654000.0' loses the spurious decimals."""
    return _nfkc(text).str.replace(r"^(\d+)\.0+$", "${1}")


def parse_id_list(text: pl.Expr) -> pl.Expr:
    """'D1、D2，D3' -> 'D1,D2,D3'."""
    return _nfkc(text).str.replace_all(ID_SEPARATORS, ",").str.strip_chars(",")


def parse_enum(text: pl.Expr, column: Column) -> pl.Expr:
    text = _nfkc(text)
    if all(v.isascii() for v in column.values):
        text = text.str.to_uppercase()
    return pl.when(text.is_in(column.values)).then(text)


def parse(column: Column, text: pl.Expr) -> pl.Expr:
    """Typed value of a column from its cleaned text."""
    parsers = {
        DATE: parse_date, BOOL: parse_bool, INT: parse_int, FLOAT: parse_number,
        CODE: parse_code, IDLIST: parse_id_list,
    }
    if column.type == ENUM:
        return parse_enum(text, column)
    return parsers.get(column.type, lambda t: t)(text)
