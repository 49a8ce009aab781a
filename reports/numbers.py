"""Figures written the way Chinese reports write them: 182名, 5批次1320人次, 98.6%, 100%."""

from __future__ import annotations

import math


def count(value: float | int | None) -> str:
    """A count as digits without separators (2415, not 2,415), as seed 001 writes them."""
    return str(int(round(value or 0)))


def percent(numerator: float | None, denominator: float | None) -> str | None:
    """A share with at most one decimal: 98.6%, 100%. Never rounds up to 100% (or down to 0%) a share
    that is not all (or none): 0.9996 is 99.9%, not 100%."""
    if not denominator:
        return None
    if numerator == denominator:
        return "100%"
    share = numerator / denominator * 100
    shown = round(share, 1)
    if shown >= 100:
        shown = math.floor(share * 10) / 10
    if shown <= 0 < share:
        shown = 0.1
    text = f"{shown:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def rate(value: float | None) -> str | None:
    """A mean rating already in percent (满意度测评 0–100)."""
    if value is None:
        return None
    if value >= 100:
        return "100%"
    shown = min(round(value, 1), 99.9)
    return f"{shown:.1f}".rstrip("0").rstrip(".") + "%"


CN_ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """1 → 一是, 2 → 二是 … (the numbered parts of a section)."""
    return f"{CN_ORDINALS[n - 1]}是"
