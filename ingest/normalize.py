"""Polars expressions that turn a clerk's text cells into typed values.

Each column type is parsed by a few steps from its cleaned text; a value that is present but does
not parse becomes null, which validation reports as an error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import polars as pl

from ingest.schemas import BOOL, CODE, DATE, ENUM, FLOAT, IDLIST, INT, Column, Kind

EXCEL_EPOCH = date(1899, 12, 30)
TRUE_WORDS = ("是", "Y", "YES", "1", "TRUE", "T", "√", "有", "✓", "✔", "☑", "☑️", "✅")
FALSE_WORDS = ("否", "N", "NO", "0", "FALSE", "F", "×", "无", "✗", "✘", "☒", "❌")
BOOL_WORDS = {w: True for w in TRUE_WORDS} | {w: False for w in FALSE_WORDS}
ID_SEPARATORS = r"[、,;，；/\s]+"
Step = Callable[[pl.Expr], pl.Expr]


# Characters a clerk cannot see: zero-width ones, the soft hyphen, the BOM. Non-breaking and
# ideographic spaces are spaces (NFKC makes them ' ').
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_INVISIBLE_CLASS = f"[{INVISIBLE}]"


def cleaned_text(cell: str | pl.Expr) -> pl.Expr:
    """Stripped text (also of non-breaking and ideographic spaces); empty cells become null."""
    # strip_chars() strips Unicode white space (non-breaking and ideographic spaces too) 3x faster
    # than an explicit set; zero-width characters go in _nfkc, on the non-ASCII cells of typed columns.
    return (pl.col(cell) if isinstance(cell, str) else cell).str.strip_chars().replace("", None)


def _nfkc(text: pl.Expr) -> pl.Expr:
    """Full-width digits, letters and punctuation -> ASCII (２０２４ -> 2024).

    Only non-ASCII cells are normalised (ASCII text is its own NFKC form and already stripped):
    normalising every cell was the most expensive step of validation."""
    non_ascii = pl.when(text.str.len_bytes() != text.str.len_chars()).then(text)
    return pl.coalesce(non_ascii.str.normalize("NFKC").str.replace_all(_INVISIBLE_CLASS, "").str.strip_chars(), text)


def _date(text: pl.Expr) -> pl.Expr:
    """2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305, Excel serials, '2024-03-05 00:00:00'.

    One regex brings every written form to Y-M-D, then a single strict-format parse: trying each
    format in turn was 30x slower on large files. The plain forms Y-M-D and Y/M/D (most cells) skip
    that regex, whose capture groups made it the slowest step of validation.
    """
    plain = text.str.contains(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}$")
    other = pl.when(~plain).then(text)
    canonical = (
        other.str.replace(r"^(\d{4})\s*[-/.年—–~]\s*(\d{1,2})\s*[-/.月—–~]\s*(\d{1,2})\s*[日号號]?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$",
                          "${1}-${2}-${3}")
        .str.replace(r"^(\d{4})(\d{2})(\d{2})$", "${1}-${2}-${3}")
    )
    serial = other.str.extract(r"^(\d{5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    return pl.coalesce(
        _plain_date(pl.when(plain).then(text)),
        canonical.str.to_date("%Y-%m-%d", strict=False),
        pl.lit(EXCEL_EPOCH) + pl.duration(days=serial),
    )


def _plain_date(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all("/", "-", literal=True).str.to_date("%Y-%m-%d", strict=False)


def _plausible_year(day: pl.Expr) -> pl.Expr:
    # A year outside this range is a typo, not a date of deputy work.
    return pl.when(day.dt.year().is_between(1900, 2100)).then(day)


def _bool(text: pl.Expr) -> pl.Expr:
    return text.str.to_uppercase().replace_strict(BOOL_WORDS, default=None, return_dtype=pl.Boolean)


def _number(text: pl.Expr) -> pl.Expr:
    return text.str.replace_all(",", "").cast(pl.Float64, strict=False)


def _percent_number(text: pl.Expr) -> pl.Expr:
    """A 0–100 field written '98.6%' (a CSV saved from a percent-formatted cell) is 98.6."""
    return _number(text.str.strip_chars_end("%").str.strip_chars())


def _whole(number: pl.Expr) -> pl.Expr:
    return pl.when(number == number.floor()).then(number.cast(pl.Int64, strict=False))


def _code(text: pl.Expr) -> pl.Expr:
    """Codes are text; a number cell read as '654000.0' loses the spurious decimals (the regex
    runs only on cells with a '.': capture groups are slow)."""
    with_dot = pl.when(text.str.contains(".", literal=True)).then(text)
    return pl.coalesce(with_dot.str.replace(r"^(\d+)\.0+$", "${1}"), text)


def _id_list(text: pl.Expr) -> pl.Expr:
    """'D1、D2，D3' -> 'D1,D2,D3'."""
    return text.str.replace_all(ID_SEPARATORS, ",").str.strip_chars(",")


def _enum(column: Column, ascii_only: bool = False) -> tuple[Step, ...]:
    upper = all(v.isascii() for v in column.values)  # A/B/C/D: a clerk's 'a' means 'A'

    def normalized(text: pl.Expr) -> pl.Expr:
        # An allowed value is its own normal form (tests/ingest/test_formats.py checks the schema):
        # only the other cells are normalised.
        other = pl.when(~text.is_in(column.values)).then(text)
        spaced = (other if ascii_only else _nfkc(other)).str.replace_all(r"\s", "")  # 基本 满意 (a space typed inside) is 基本满意
        return pl.coalesce(spaced.str.to_uppercase() if upper else spaced, text)

    def allowed(text: pl.Expr) -> pl.Expr:
        return pl.when(text.is_in(column.values)).then(text)

    return normalized, allowed


@functools.lru_cache(maxsize=64)
def plain_tests(kind: Kind) -> dict[str, pl.Expr]:
    """Per date and enumeration column, a test of a raw cell that needs no more than the plain parse:
    a Y-M-D or Y/M/D date, an allowed value. (Cleaning cannot change such a cell: it has no space,
    control character, 11-digit run or character beyond ASCII, and an allowed value is its own
    normal form.) A batch whose column passes throughout skips the other forms' steps."""
    # ASCII digits only: a regex's \d takes full-width ones too, which NFKC must turn into ASCII first.
    tests = {c.name: pl.col(c.name).str.contains(r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}$") for c in kind.columns if c.type == DATE}
    return tests | {c.name: pl.col(c.name).is_in(c.values) for c in kind.columns if c.type == ENUM}


def parse_steps(column: Column, ascii_only: bool = False, plain: bool = False) -> tuple[Step, ...]:
    """How a column's cleaned text becomes its typed value, as steps: each step reads only the
    previous step's result. Validation materialises every step as a column, because Polars does not
    share a subexpression used twice inside one expression (a date parse computed NFKC four times).
    `ascii_only`: no cell of the column goes beyond ASCII, its own NFKC form: that step is left out.
    `plain`: every cell passed the column's plain_tests: only the plain parse is needed."""
    if plain and column.type == DATE:
        return _plain_date, _plausible_year
    if plain and column.type == ENUM:
        return ()  # every cell is an allowed value: the value is the text
    if column.type == ENUM:
        return _enum(column, ascii_only)
    steps = {
        DATE: (_nfkc, _date, _plausible_year), BOOL: (_nfkc, _bool), INT: (_nfkc, _number, _whole),
        FLOAT: (_nfkc, _percent_number), CODE: (_nfkc, _code), IDLIST: (_nfkc, _id_list),
    }.get(column.type, ())
    return steps[1:] if ascii_only and steps else steps
