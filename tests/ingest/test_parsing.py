"""The shortcuts of parsing (plain dates without the capture regex, NFKC only for non-ASCII cells,
allowed enumeration values as they are) give exactly what the general parse gives, on any text."""

from __future__ import annotations

import unicodedata

import polars as pl

from ingest import guards
from lvzhi import pii
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import EXCEL_EPOCH
from ingest.readers import ROW_NUMBER
from ingest.schemas import ENUM, KINDS, KINDS_BY_NAME
from ingest.validate import typed_columns

# The general parse, one expression per type, as it was before the shortcuts.
R_DATE = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"


def _nfkc(text: pl.Expr) -> pl.Expr:
    return text.str.normalize("NFKC").str.strip_chars()


def general_date(text: pl.Expr) -> pl.Expr:
    text = _nfkc(text)
    canonical = text.str.replace(R_DATE, "${1}-${2}-${3}").str.replace(r"^(\d{4})(\d{2})(\d{2})$", "${1}-${2}-${3}")
    serial = text.str.extract(r"^(\d{5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    parsed = pl.coalesce(canonical.str.to_date("%Y-%m-%d", strict=False), pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    return pl.when(parsed.dt.year().is_between(1900, 2100)).then(parsed)


def general_code(text: pl.Expr) -> pl.Expr:
    return _nfkc(text).str.replace(r"^(\d+)\.0+$", "${1}")


def general_int(text: pl.Expr) -> pl.Expr:
    number = _nfkc(text).str.replace_all(",", "").cast(pl.Float64, strict=False)
    return pl.when(number == number.floor()).then(number.cast(pl.Int64, strict=False))


def general_enum(values: tuple[str, ...]):
    def parse(text: pl.Expr) -> pl.Expr:
        text = _nfkc(text)
        if all(v.isascii() for v in values):
            text = text.str.to_uppercase()
        return pl.when(text.is_in(values)).then(text)
    return parse


MEETINGS = KINDS_BY_NAME["meetings"]
ATTENDANCE = KINDS_BY_NAME["attendance"]
SUGGESTIONS = KINDS_BY_NAME["suggestions"]
CASES = (  # (kind, column, general parse)
    (MEETINGS, "start_date", general_date),
    (MEETINGS, "meeting_id", general_code),
    (ATTENDANCE, "speeches", general_int),
    (ATTENDANCE, "status", general_enum(ATTENDANCE.column("status").values)),
    (SUGGESTIONS, "reply_class", general_enum(SUGGESTIONS.column("reply_class").values)),
)

# Pieces clerks type, full-width and odd ones included, so that random texts hit every branch.
PIECES = st.sampled_from([
    "2024", "2023", "1899", "2101", "0", "1", "3", "05", "12", "13", "31", "45356", "45356.0", "654000.0",
    "-", "/", ".", "年", "月", "日", " ", "T", ":", ",", "+", "２０２４", "－", "／", "．", "　",
    "00:00", "00:00:00", "出席", "请假", "缺席", "ａ", "a", "B", "Ｃ", "x", "\u00a0",
])
SEPARATORS = st.sampled_from(["-", "/", ".", "年", "月", "－", " ", ""])
DATE_LIKE = st.builds(  # mostly well-formed dates in every written form, some broken
    lambda y, s1, m, s2, d, tail: f"{y}{s1}{m}{s2}{d}{tail}",
    st.sampled_from(["2024", "2023", "1899", "2101", "２０２４", "24", "02024"]), SEPARATORS,
    st.sampled_from(["1", "01", "3", "12", "13", "0"]), SEPARATORS,
    st.sampled_from(["5", "05", "29", "31", "32"]), st.sampled_from(["", "", "日", " 00:00", "T12:30:00", "x"]),
)
TEXTS = st.lists(st.one_of(DATE_LIKE, st.lists(PIECES, max_size=7).map("".join)), min_size=1, max_size=40)


def _typed(kind, name: str, cells: list[str], distinct: bool) -> list:
    frame = pl.DataFrame({name: cells}, schema={name: pl.String}).with_row_index(ROW_NUMBER).with_columns(
        pl.col(ROW_NUMBER).cast(pl.Int64))
    if distinct:  # the other path of typed_columns: big batches parse each distinct value once
        frame = pl.concat([frame] * (5_000 // len(cells) + 1)).with_columns(pl.int_range(pl.len()).alias(ROW_NUMBER))
    column = kind.column(name)
    out = typed_columns(frame, kind, None, "salt", (column,)).collect()
    return out.get_column(name).to_list()[:len(cells)]


@settings(max_examples=60, deadline=None)
@given(cells=TEXTS, distinct=st.booleans())
def test_shortcuts_parse_exactly_like_the_general_parse(cells, distinct):
    for kind, name, general in CASES:
        expected = pl.DataFrame({"c": cells}).select(
            # ingest first drops control characters and masks ID/mobile-shaped text (issue 15)
            general(pii.mask_expr(guards.printable(pl.col("c"))).str.strip_chars().replace("", None))
        ).to_series().to_list()
        assert _typed(kind, name, cells, distinct) == expected, (kind.name, name)


def test_plain_and_other_date_forms_side_by_side():
    cells = ["2024-03-05", "2023/12/31", "2024.3.5", "2024年3月5日", "45356", "2024/13/5", "2024-3-5 00:00", "1899/1/1"]
    assert [str(d) if d else None for d in _typed(MEETINGS, "start_date", cells, False)] == [
        "2024-03-05", "2023-12-31", "2024-03-05", "2024-03-05", "2024-03-05", None, "2024-03-05", None]


def test_allowed_enumeration_values_are_their_own_normal_form():
    # The enumeration parse takes an allowed value as it is, without normalising it.
    for kind in KINDS:
        for column in kind.columns:
            if column.type == ENUM:
                for value in column.values:
                    assert unicodedata.normalize("NFKC", value).strip() == value, (kind.name, column.name, value)
                    assert not value.isascii() or value.upper() == value
