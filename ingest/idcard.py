"""身份证号 (GB 11643-1999) checked before it is hashed: a wrong number must be fixed by the clerk,
because once hashed the clear number is gone and the hash cannot be repaired.

- spaces (incl. full-width), a leading apostrophe and full-width digits/X are normalised;
- 18 characters: birth date and check digit verified; 15 digits (legacy): converted to 18;
- a number Excel rounded (it keeps 15 significant digits: 652301198001011234 -> 652301198001011000
  or 6.52301E+17) is refused with a message saying how to fix the column (format it as text).

`cleaned` turns a cell into the salted hash, or — for an invalid number — a masked form (never the
clear number) that validation reports under rule `bad_id_card`.
"""

from __future__ import annotations

import hashlib
import operator
import re
import unicodedata
from datetime import date

import polars as pl

RULE = "bad_id_card"
RULE_NAMES = ("身份证号无效", "invalid resident ID number")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
HASH = r"^[0-9a-f]{64}$"
_SCIENTIFIC = re.compile(r"^[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+$")
_SPACES = re.compile(r"\s+")
EXCEL_HINT = ("Excel 只保留 15 位有效数字，超过 15 位的数字会被改成 0 或显示为 6.52301E+17，原号码已经丢失、无法从文件中恢复。"
              "请先把“身份证号”列设置为“文本”格式（或在号码前加英文单引号 '），再重新填写这些号码后提交")


def check_digit(first17: str) -> str:
    return CHECK_CHARS[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


def _birth_ok(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return date(1880, 1, 1) <= born <= date.today()


def normalise(value: str) -> str:
    text = unicodedata.normalize("NFKC", value)
    text = _SPACES.sub("", text).lstrip("'").upper()
    return re.sub(r"^([0-9]+)\.0+$", r"\1", text)


def classify(value: str | None) -> tuple[str | None, str | None]:
    """(the valid 18-character number, None) or (None, problem) — problem one of
    scientific, rounded, checksum, birth_date, format; (None, None) for an empty cell."""
    if value is None or not value.strip():
        return None, None
    # Plain ASCII letters and digits (nearly every cell) are their own normal form.
    text = value.upper() if value.isascii() and value.isalnum() else normalise(value)
    if not text:
        return None, None
    if _SCIENTIFIC.match(text):
        return None, "scientific"
    if len(text) == 15 and text.isdigit():
        if not _birth_ok("19" + text[6:12]):
            return None, "birth_date"
        first17 = text[:6] + "19" + text[6:]
        return first17 + check_digit(first17), None
    if len(text) == 18 and text[:17].isdigit() and (text[17].isdigit() or text[17] == "X"):
        if text.endswith("000") or (text.endswith("00") and check_digit(text[:17]) != text[17]):
            return None, "rounded"
        if check_digit(text[:17]) != text[17]:
            return None, "checksum"
        if not _birth_ok(text[6:14]):
            return None, "birth_date"
        return text, None
    return None, "format"


def masked(value: str) -> str:
    """What a report may show of an invalid number: its shape, not the number."""
    text = normalise(value)
    if _SCIENTIFIC.match(text):
        return text  # Excel already dropped all but a few digits
    if len(text) >= 10:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return "*" * len(text)


def hash_number(number: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{number}".encode()).hexdigest()


def cleaned(value: str | None, salt: str) -> str | None:
    """The cell as stored: the salted hash of the valid 18-character number, or the masked form."""
    number, problem = classify(value)
    if number:
        return hash_number(number, salt)
    if problem is None:
        return None
    return f"{masked(value)}"


def cleaned_series(values: pl.Series, salt: str) -> pl.Series:
    """`cleaned` of a column, each distinct number worked out once."""
    distinct = values.drop_nulls().unique().to_list()
    if not distinct:
        return values.cast(pl.String)
    return values.replace_strict(distinct, [cleaned(v, salt) for v in distinct], default=None, return_dtype=pl.String)


def cleaned_expr(cell: pl.Expr, salt: str) -> pl.Expr:
    return cell.map_batches(lambda values: cleaned_series(values, salt), return_dtype=pl.String)


def invalid(text: pl.Expr) -> pl.Expr:
    """Cells `cleaned` did not turn into a hash."""
    return text.is_not_null() & ~text.str.contains(HASH)


MESSAGES = {
    "scientific": "“身份证号”{} 是科学计数法：" + EXCEL_HINT,
    "rounded": "“身份证号”{} 末尾是 0，像是被 Excel 四舍五入过：" + EXCEL_HINT,
    "checksum": "“身份证号”{} 的校验位（最后一位）不对，请核对号码（18 位，最后一位可以是 X）",
    "birth_date": "“身份证号”{} 中的出生日期无效，请核对号码",
    "format": "“身份证号”{} 不是 18 位（或旧式 15 位）身份证号，请核对；无身份证号请留空",
}


def problem_of_masked(text: str) -> str:
    """The problem, read back from the masked form (its length, first and last four characters)."""
    if _SCIENTIFIC.match(text):
        return "scientific"
    if len(text) == 18 and text[:4].isdigit() and text[-4:-1].isdigit():
        return "rounded" if text.endswith("00") else "checksum"
    if len(text) == 15 and text[:4].isdigit() and text[-4:].isdigit():
        return "birth_date"
    return "format"


def message(text: pl.Expr) -> pl.Expr:
    return text.map_elements(lambda t: MESSAGES[problem_of_masked(t)].format(t), return_dtype=pl.String)
