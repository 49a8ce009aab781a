"""Rows under a header that are not records: totals, signature lines, notes, the template's example
rows, header rows repeated where tables were pasted together, blank rows between blocks.

Each is skipped with one line in the clerk's report instead of a dozen "required value missing"
errors. Only candidate rows are looked at in Python: a row whose key cells are all filled, whose
first cells carry no marker and whose key cells do not repeat the header is a record.
"""

from __future__ import annotations

import functools
import re

import polars as pl

from ingest.headers import normalize_header
from ingest.notes import Note
from ingest.schemas import Kind

ROW_NUMBER = "_row_number"
FIRST_CELLS = 3  # markers (合计, 注：, 示例) stand in the first cells of a row
_TOTAL = re.compile(r"^(合\s*计|小\s*计|总\s*计|共\s*计|累\s*计)")
_SIGNATURE = re.compile(r"(填\s*表\s*人|填报人|制表人|审\s*核\s*人|审核|负责人|单位负责人|填报日期|填表日期|制表日期|"
                        r"报送日期|联系电话|填报单位|联系人)\s*[:：]")
_NOTE = re.compile(r"^(注|備註|备注|说明|注释|附注)\s*\d*\s*[:：、.]")
EXAMPLE_MARK = "示例"
_MARKERS = r"^\s*(合\s*计|小\s*计|总\s*计|共\s*计|累\s*计|注|备注|说明|附注|填|审|制表|报送|负责|联系|示例)"


def _kind_of(cells: list[str], header: list[str], positions: dict[int, str]) -> str | None:
    """Why a row is not a record, or None when it may be one."""
    filled = [c for c in cells if c]
    if not filled:
        return "blank"
    first = filled[0]
    if first.startswith(EXAMPLE_MARK):
        return "模板中的示例行"
    if _TOTAL.match(first):
        return f"合计行（“{first}”）"
    if any(_SIGNATURE.search(c) for c in filled) and len(filled) <= max(3, len(cells) // 3):
        return "填表人/审核人/填报日期等落款行"
    if _NOTE.match(first) and len(filled) <= 2:
        return "注释行"
    if not any(cells[p] for p in positions if p < len(cells)):
        return "blank"  # content only in ignored columns (a pre-numbered 序号 row): named with its column
    same = sum(1 for p in positions if p < len(cells) and cells[p]
               and normalize_header(cells[p]) == normalize_header(header[p]))
    if same >= 2 or (same and same == len(filled)):
        return "重复的表头行"
    return None


@functools.lru_cache(maxsize=256)
def _flags(columns: tuple[str, ...], key_positions: tuple[int, ...], key_headers: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    """(blank row, candidate non-record row) for a layout: built once per layout, not per batch.
    No strip here (it was most of the cost on big files): a whitespace-only cell is looked at in
    Python only if its row is a candidate anyway."""
    def empty(c: str) -> pl.Expr:
        return pl.col(c).str.len_bytes().fill_null(0) == 0

    # A row is blank when its cells' lengths add up to 0 (a null adds nothing): half the cost of
    # testing every cell and combining the tests.
    blank = pl.sum_horizontal([pl.col(c).str.len_bytes() for c in columns]) == 0
    first = pl.coalesce([pl.when(~empty(c)).then(pl.col(c)) for c in columns[:FIRST_CELLS]])
    key_missing = pl.any_horizontal([empty(columns[p]) for p in key_positions]) if key_positions else pl.lit(False)
    # The key cell is its header, but for spaces and leading/trailing '*' (one regex: removing the
    # spaces and stripping copied every cell).
    key_is_header = pl.any_horizontal([
        pl.col(columns[p]).str.contains("^[ *]*" + " *".join(pl.escape_regex(ch) for ch in text) + "[ *]*$")
        for p, text in zip(key_positions, key_headers)
    ]) if key_positions else pl.lit(False)
    candidate = blank | key_missing | key_is_header.fill_null(False) | first.str.contains(_MARKERS).fill_null(False)
    return blank.alias("__blank"), candidate.fill_null(True).alias("__candidate")


def split_records(frame: pl.DataFrame, header: list, positions: dict[int, str], kind: Kind,
                  first_row_number: int, sheet: str | None) -> tuple[pl.DataFrame, list[Note]]:
    """The full-width text rows under a header -> (rows that may be records, with _row_number, all
    columns kept), and a note per skipped row. Blank rows are dropped; a run of blank rows between
    records is one note."""
    columns = list(frame.columns)
    number = pl.int_range(first_row_number, first_row_number + pl.len(), dtype=pl.Int64).alias(ROW_NUMBER)
    if not columns or not frame.height:
        return frame.select(number, *columns), []
    header = [*(("" if h is None else str(h)) for h in header), *[""] * max(0, len(columns) - len(header))]
    key_positions = tuple(p for p, name in sorted(positions.items()) if name in kind.key and p < len(columns))
    key_headers = tuple(re.sub(r"[\s*]", "", header[p]) for p in key_positions)
    # One query numbers the rows and flags the candidates (most batches have none).
    flagged = frame.lazy().select(number, *columns, *_flags(tuple(columns), key_positions, key_headers)).collect(engine="in-memory")
    frame = flagged.drop("__blank", "__candidate")
    if not flagged.get_column("__candidate").any():
        return frame, []
    notes, skip = [], set()
    rows = flagged.filter(pl.col("__candidate"))
    blanks: list[int] = []
    for values in rows.iter_rows():
        number = values[0]
        cells = ["" if v is None else str(v).strip() for v in values[1:1 + len(columns)]]
        why = _kind_of(cells, header, positions)
        if why is None:
            continue
        skip.add(number)
        if why == "blank":
            blanks.append(number)
            continue
        notes.append(Note("skipped_row", f"第 {number} 行是{why}，不是记录，未导入", sheet, number, None,
                          "、".join(c for c in cells if c)[:200]))
    # Runs of blank rows with content after them (blank rows at the end are no content at all).
    # Rows with content: not blank, and not found blank above (content only in ignored columns).
    record_rows = flagged.filter(~pl.col("__blank") & ~pl.col(ROW_NUMBER).is_in(blanks)).get_column(ROW_NUMBER)
    last_content = record_rows.max() if record_rows.len() else None
    if blanks and last_content is not None:
        start = previous = None
        runs = []
        for number in blanks:
            if number > last_content:
                break
            if previous is not None and number == previous + 1:
                previous = number
                continue
            if start is not None:
                runs.append((start, previous))
            start = previous = number
        if start is not None:
            runs.append((start, previous))
        first_content = record_rows.min()
        for start, end in runs:
            if start < first_content:
                continue  # blank rows right under the header are no gap between blocks
            where = f"第 {start} 行" if start == end else f"第 {start}–{end} 行"
            notes.append(Note("skipped_row", f"{where}是空行，已跳过（其后的记录照常导入）", sheet, start))
    kept = frame.filter(~pl.col(ROW_NUMBER).is_in(list(skip))) if skip else frame
    return kept, notes
