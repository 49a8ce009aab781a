"""Personal identifiers out of sight: anything shaped like a resident ID number or a mobile number
is masked wherever clerk text is shown or kept outside the raw tables.

    652301198001011234 -> 6523**********123X-style (first 4, last 4 kept)
    13812345678        -> 138****5678

One rule, three forms: `mask_text` (Python), `mask_expr` (Polars, vectorised) and the dbt macro
`mask_pii` (macros/mask_pii.sql). ingest masks every column except 身份证号 (validated and hashed,
ingest/idcard.py) and 手机 (kept in raw only, masked by mask_phone downstream), so raw text, the
quarantine, reports and every published table carry only masked forms.
"""

from __future__ import annotations

import re

import polars as pl

_DIGIT = "0-9\uff10-\uff19"  # ASCII and full-width digits
# Python: lookarounds. Polars (Rust regex) has none: the boundary characters are captured and
# put back, and the replacement runs twice so that two numbers one character apart are both masked.
_ID18 = re.compile(f"(?<![{_DIGIT}])([1-9\uff11-\uff19][{_DIGIT}]{{3}})[{_DIGIT}]{{10}}([{_DIGIT}]{{3}}[{_DIGIT}Xx\uff38\uff58])(?![{_DIGIT}])")
_ID15 = re.compile(f"(?<![{_DIGIT}])([1-9\uff11-\uff19][{_DIGIT}]{{3}})[{_DIGIT}]{{8}}([{_DIGIT}]{{3}})(?![{_DIGIT}Xx])")
_MOBILE = re.compile(f"(?<![{_DIGIT}])([1\uff11][3-9\uff13-\uff19][{_DIGIT}])[{_DIGIT}]{{4}}([{_DIGIT}]{{4}})(?![{_DIGIT}])")

_B = f"(^|[^{_DIGIT}])"
_E = f"([^{_DIGIT}]|$)"
_PL_ID18 = (f"{_B}([1-9\uff11-\uff19][{_DIGIT}]{{3}})[{_DIGIT}]{{10}}([{_DIGIT}]{{3}}[{_DIGIT}Xx\uff38\uff58]){_E}",
            "${1}${2}**********${3}${4}")
_PL_ID15 = (f"{_B}([1-9\uff11-\uff19][{_DIGIT}]{{3}})[{_DIGIT}]{{8}}([{_DIGIT}]{{3}})([^{_DIGIT}Xx]|$)",
            "${1}${2}********${3}${4}")
_PL_MOBILE = (f"{_B}([1\uff11][3-9\uff13-\uff19][{_DIGIT}])[{_DIGIT}]{{4}}([{_DIGIT}]{{4}}){_E}", "${1}${2}****${3}${4}")
CANDIDATE = f"[{_DIGIT}]{{11}}"  # a run of 11 digits: nothing shorter can be an ID or a mobile (ingest.guards too)


def mask_text(text: str | None) -> str | None:
    if not text:
        return text
    text = _ID18.sub(r"\1**********\2", text)
    text = _ID15.sub(r"\1********\2", text)
    return _MOBILE.sub(r"\1****\2", text)


def mask_expr(text: pl.Expr) -> pl.Expr:
    """mask_text as a Polars expression; only cells with a run of 11 digits run the patterns."""
    candidate = pl.when(text.str.contains(CANDIDATE)).then(text)
    for pattern, replacement in (_PL_ID18, _PL_ID15, _PL_MOBILE):
        candidate = candidate.str.replace_all(pattern, replacement).str.replace_all(pattern, replacement)
    return pl.coalesce(candidate, text)


def has_pii(text: str | None) -> bool:
    return bool(text) and mask_text(text) != text
