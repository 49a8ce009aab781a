"""What a file's or sheet's name says: the record kind, the prefecture, the period and whether the
file is declared a full replacement of an earlier submission."""

from __future__ import annotations

import functools
import re

from ingest.headers import normalize_header
from ingest.schemas import KINDS, Kind
from lvzhi.reference import prefectures

# A file declared a full replacement: 【全量替换】, 全量替换, _全量 in its name (see README).
FULL_REPLACEMENT = re.compile(r"全量替换|[【\[(（]全量[】\])）]|(?:^|[_\-\s.])全量(?:$|[_\-\s.])")
_ALIASES = [(normalize_header(name), kind) for kind in KINDS for name in kind.names if name]


def kind_from_name(name: str) -> Kind | None:
    """The record kind a name speaks of: of the kind names found in it, those not part of a longer
    one found (代表名册 over 代表), and of these the last (a Chinese compound names its thing last:
    家室站接待登记 is 接待, 代表培训 is 培训); 建议办理情况 is 建议."""
    text = normalize_header(name)
    spans = []
    for alias, kind in _ALIASES:
        start = text.find(alias)
        while start >= 0:
            spans.append((start, start + len(alias), kind))
            start = text.find(alias, start + 1)
    maximal = [s for s in spans if not any(o[0] <= s[0] and s[1] <= o[1] and (o[1] - o[0]) > (s[1] - s[0])
                                           for o in spans)]
    if not maximal:
        return None
    return max(maximal, key=lambda s: (s[1], s[1] - s[0]))[2]


_SUFFIXES = ("回族自治州", "蒙古自治州", "哈萨克自治州", "柯尔克孜自治州", "自治州", "地区", "市")


@functools.lru_cache(maxsize=1)
def _prefecture_names() -> list[tuple[str, str]]:
    """(name, code), longest first: 昌吉回族自治州, 昌吉州, 昌吉 …"""
    names = {}
    for code, name in prefectures().items():
        names[name] = code
        for suffix in _SUFFIXES:
            if name.endswith(suffix):
                base = name[: -len(suffix)]
                names[base] = code
                if "自治州" in suffix:
                    names[base + "州"] = code
                break
    # 博尔塔拉 is also written 博州, 巴音郭楞 巴州, 克孜勒苏 克州 (common short names).
    names |= {"博州": "652700", "巴州": "652800", "克州": "653000", "伊犁州": "654000"}
    return sorted(names.items(), key=lambda pair: -len(pair[0]))


def prefecture_from_name(name: str) -> str | None:
    """A 6-digit code anywhere in the name (a county code such as 652301 means its prefecture:
    the first four digits + '00', the rule of GB/T 2260), else a prefecture's name (昌吉州)."""
    codes = prefectures()
    for code in re.findall(r"(?<!\d)(\d{6})(?!\d)", name):
        if code in codes:
            return code
        if code[:4] + "00" in codes:
            return code[:4] + "00"
    for text, code in _prefecture_names():
        if len(text) >= 2 and text in name:
            return code
    return None


def is_full_replacement(name: str) -> bool:
    return bool(FULL_REPLACEMENT.search(name))


def period_from_name(name: str) -> str | None:
    """'2024Q4', '2024-03', '2024H1' or '2024' from a file name; None when it names no period."""
    text = re.sub(r"(?<!\d)\d{6}(?!\d)", " ", name)  # not the prefecture code
    match = re.search(r"(20\d{2})\s*(?:年)?\s*(?:[Qq]([1-4])|第([一二三四1-4])季度|([1-4])季度|[Hh]([12])|(?:上|下)半年|"
                      r"[-_.年]?(0?[1-9]|1[0-2])月?(?!\d))?", text)
    if not match:
        return None
    year = match.group(1)
    quarter = match.group(2) or match.group(3) or match.group(4)
    if quarter:
        return f"{year}Q{'一二三四'.index(quarter) + 1 if quarter in '一二三四' else quarter}"
    if match.group(5):
        return f"{year}H{match.group(5)}"
    if "上半年" in match.group(0):
        return f"{year}H1"
    if "下半年" in match.group(0):
        return f"{year}H2"
    if match.group(6):
        return f"{year}-{int(match.group(6)):02d}"
    return year
