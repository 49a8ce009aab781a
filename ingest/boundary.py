"""The prefecture boundary: a file speaks for one prefecture only.

A file's prefecture is the 6-digit code its name starts with or, when the name has none, the
州市代码 most of its first rows carry. A row claiming another prefecture is quarantined
(`prefecture_mismatch`), so no file can write a row under another prefecture's code; staging then
scopes every natural key by prefecture (macros/as_of.sql), so no file can replace another
prefecture's records either.
"""

from __future__ import annotations

import unicodedata

import polars as pl

from ingest.readers import ROW_NUMBER

RULE = "prefecture_mismatch"
RULE_NAMES = ("州市代码与文件不符", "row claims another prefecture than its file")


def prefecture_from_rows(frame: pl.DataFrame, codes: tuple[str, ...]) -> str | None:
    """The most frequent valid 州市代码 of a batch (ties: the smallest code), or None."""
    if "prefecture_code" not in frame.columns:
        return None
    counts: dict[str, int] = {}
    for cell in frame.get_column("prefecture_code").drop_nulls().to_list():
        code = unicodedata.normalize("NFKC", str(cell)).strip().removesuffix(".0")
        if code in codes:
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda code: (-counts[code], code))


def prefecture_of_file(sheets, codes: tuple[str, ...]) -> str | None:
    """A file without a code in its name: the prefecture of its first batch of rows (read once
    more here; the usual file name carries the code and skips this)."""
    for sheet in sheets:
        for table, _ in sheet.batches():
            return prefecture_from_rows(table.frame, codes)
    return None


def mismatched(prefecture: str | None, codes: tuple[str, ...]) -> pl.Expr:
    """Flag `__mismatch`: the row's (valid) 州市代码 is not the file's prefecture (false without one)."""
    if prefecture is None:
        return pl.lit(False).alias("__mismatch")
    code = pl.col("prefecture_code")
    return (code.is_in(codes).fill_null(False) & (code != prefecture)).alias("__mismatch")


def mismatch_errors(flagged: pl.DataFrame, prefecture: str | None) -> pl.LazyFrame | None:
    """Error rows for the rows `mismatched` flagged (a column of the caller's one query)."""
    if not flagged.get_column("__mismatch").any():
        return None
    code = pl.col("prefecture_code")
    return flagged.lazy().filter(pl.col("__mismatch")).select(
        pl.col(ROW_NUMBER),
        pl.lit("prefecture_code").alias("column_name"),
        pl.lit("州市代码").alias("header"),
        pl.col("prefecture_code__text").alias("value"),
        pl.lit(RULE).alias("rule_id"),
        pl.format(f"本行“州市代码”为 {{}}，而本文件属于 {prefecture}：一个文件只能报送本州市的记录，"
                  "其他州市的记录请由该州市自行报送", code).alias("message"),
    )
