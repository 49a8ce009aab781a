"""Which column is which: a clerk's header cells matched to the schema's columns.

Recognised: the template's headers, the English names and the synonyms of `ingest.schemas`
(full-width forms, spaces, line breaks inside a cell, `*` and bracketed notes ignored); a header of
two rows (a merged group cell such as 任期 over 开始 / 结束). Not recognised: reported as ignored,
with the column it probably meant when one is close. Two columns naming one field refuse the file.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.notes import Note
from ingest.schemas import KINDS, Kind, header_names

_BRACKETED = re.compile(r"\(.*?\)")
_SPACE_OR_STAR = re.compile(r"[\s*\u200b-\u200f\u2060\ufeff]")
# Headers that are never data and resemble nothing (a row counter, remarks).
NEVER_DATA = frozenset({"序号", "编号序号", "备注", "说明", "操作", "no", "no.", "序", "行号"})


class HeaderRejected(Exception):
    """The header cannot be read as it is; the message (Chinese) says what to change."""


@functools.lru_cache(maxsize=8192)  # header cells repeat across files; each of 30 rows is scanned per file
def normalize_header(text: str | None) -> str:
    """'  代表编号（必填）* ' -> '代表编号'; 'Deputy_ID*' -> 'deputy_id'; '答复\\n日期' -> '答复日期'."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return _SPACE_OR_STAR.sub("", _BRACKETED.sub("", text)).lower()


def _lookup(kind: Kind) -> dict[str, str]:
    lookup = {}
    for column in kind.columns:
        for name in header_names(kind, column):
            lookup.setdefault(normalize_header(name), column.name)
    return lookup


HEADER_LOOKUP = {kind.name: _lookup(kind) for kind in KINDS}


def row_matches(row: list, kind: Kind) -> int:
    lookup = HEADER_LOOKUP[kind.name]
    return len({lookup[h] for h in map(normalize_header, row) if h in lookup})


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def two_level(rows: list[list], index: int, kind: Kind) -> list[str] | None:
    """The header read as two rows (a group cell over its parts), when that names more columns than
    the row `index` alone; None otherwise. Each position takes its lower cell when that names a
    column, else group + lower cell ('任期' + '开始' -> '任期开始'), else the upper cell."""
    if index + 1 >= len(rows):
        return None
    upper, lower = rows[index], rows[index + 1]
    width = max(len(upper), len(lower))
    upper = [*upper, *[None] * (width - len(upper))]
    lower = [*lower, *[None] * (width - len(lower))]
    if sum(bool(_text(c)) for c in lower) < 1:
        return None
    lookup = HEADER_LOOKUP[kind.name]
    combined, group = [], ""
    for top, bottom in zip(upper, lower):
        top, bottom = _text(top), _text(bottom)
        if top:
            group = top
        elif not bottom:
            group = ""
        if not bottom:
            combined.append(top)
        elif normalize_header(bottom) in lookup:
            combined.append(bottom)
        else:
            combined.append((top or group) + bottom)
    if row_matches(combined, kind) > row_matches(upper, kind) and any(
        _text(b) and not _text(t) for t, b in zip(upper, lower)
    ):
        return combined
    return None


def groups(rows: list[list], index: int) -> list[tuple[str, list[str]]]:
    """A group cell over parts in the row below (任期 over 开始 / 结束): [(group, parts)], or [] when
    the row below is no second header row (it holds data, or nothing under a group)."""
    if index + 1 >= len(rows):
        return []
    upper, lower = list(rows[index]), list(rows[index + 1])
    width = max(len(upper), len(lower))
    upper, lower = upper + [None] * (width - len(upper)), lower + [None] * (width - len(lower))
    found, current = [], None
    for top, bottom in zip(map(_text, upper), map(_text, lower)):
        if top and bottom:
            current = (top, [bottom])
            found.append(current)
        elif top:
            current = None
        elif bottom:
            if current is None:
                return []  # a value under no header: data, not a header row
            current[1].append(bottom)
    found = [(group, parts) for group, parts in found if len(parts) >= 2]
    lower_cells = [c for c in map(_text, lower) if c]
    if not found or any(re.fullmatch(r"[\d.\-/: ]+", c) for c in lower_cells):
        return []
    return found


def flatten_advice(rows: list[list], index: int, header_row: int) -> str | None:
    """Exactly how to turn a two-row header into one row, or None when the header is one row."""
    found = groups(rows, index)
    if not found:
        return None
    described = "，".join(f"“{group}”下分" + "".join(f"“{p}”" for p in parts) for group, parts in found)
    example = "".join(f"“{found[0][0]}{p}”" for p in found[0][1])
    return (f"第 {header_row}–{header_row + 1} 行是两行表头（{described}）：请取消合并单元格，改成一行表头，"
            f"每列写一个完整的、与模板一致的列名（例如把{example}改为模板中的列名，如“任期开始”“任期结束”），"
            f"并删除第 {header_row + 1} 行")


@dataclass
class HeaderMatch:
    renames: dict[int, str]  # position in the row -> canonical column name
    notes: list[Note] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # header texts of the ignored columns


def suggestion(header: str, kind: Kind, taken: set[str]) -> str | None:
    """The template header of the column a clerk probably meant, when one is close enough."""
    text = normalize_header(header)
    if not text or text in NEVER_DATA:
        return None
    best, best_score = None, 0.0
    for column in kind.columns:
        if column.name in taken:
            continue
        for name in header_names(kind, column):
            candidate = normalize_header(name)
            ratio = difflib.SequenceMatcher(None, text, candidate).ratio()
            shared = len(set(text) & set(candidate))
            ascii_text = text.isascii() and candidate.isascii()
            good = ratio >= (0.75 if ascii_text else 0.5) and (ascii_text or shared >= 2)
            if good and ratio > best_score:
                best, best_score = column.zh, ratio
    return best


def match_header(cells: list, kind: Kind, sheet: str | None, header_row: int,
                 hidden: frozenset[int] = frozenset(), two_rows: str | None = None) -> HeaderMatch:
    """Canonical name of each header position; ignored and hidden columns as notes; two positions
    naming one column refuse the header (never 'the first one wins')."""
    lookup = HEADER_LOOKUP[kind.name]
    by_name: dict[str, list[int]] = {}
    match = HeaderMatch({})
    for position, cell in enumerate(cells):
        if not _text(cell):
            continue
        name = lookup.get(normalize_header(cell))
        if position in hidden:
            match.notes.append(Note("hidden_column", f"列“{_text(cell)}”是隐藏列，隐藏的列不作为数据导入；"
                                    "如需导入请取消隐藏后重新报送", sheet, header_row, _text(cell)))
            match.ignored.append(_text(cell))
            continue
        if name:
            by_name.setdefault(name, []).append(position)
    doubled = {name: positions for name, positions in by_name.items() if len(positions) > 1}
    if doubled:
        parts = []
        for name, positions in doubled.items():
            headers = "”“".join(_text(cells[p]) for p in positions)
            parts.append(f"“{headers}”都对应“{kind.column(name).zh}”")
        raise HeaderRejected(f"第 {header_row} 行的表头中" + "；".join(parts) + "，无法判断以哪一列为准：请删除多余的列或改成不同的列名")
    taken = set(by_name)
    for position, cell in enumerate(cells):
        if not _text(cell) or position in hidden:
            continue
        name = lookup.get(normalize_header(cell))
        if name:
            match.renames[position] = name
            continue
        meant = suggestion(str(cell), kind, taken)
        message = f"列“{_text(cell)}”不是“{kind.zh}”的列，未导入"
        if meant:
            message += f"；可能是指“{meant}”，如是请把列名改为“{meant}”"
        match.notes.append(Note("ignored_column", message, sheet, header_row, _text(cell)))
        match.ignored.append(_text(cell))
    missing = [c.header for c in kind.columns if c.required and c.name not in taken]
    if missing:
        advice = f"；{two_rows}" if two_rows else "（请使用模板中的列名）"
        probable = [f"“{n.header}”可能是指“{m}”" for n in match.notes
                    if n.rule_id == "ignored_column" and (m := suggestion(n.header or "", kind, taken))
                    and m + "*" in missing]
        raise HeaderRejected(f"第 {header_row} 行的表头缺少必填列：{'、'.join(missing)}{advice}"
                             + ("；" + "，".join(probable) if probable else ""))
    return match
