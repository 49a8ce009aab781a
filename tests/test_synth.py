"""Synthetic submissions: determinism, formats, manifest, injected errors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import time
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from devtools.synth.world import REPLY_RECORD_PREFECTURES
from ingest.schemas import KINDS, KINDS_BY_NAME
from devtools.synth import FORMATS, PREFS, generate

CODES = {p.code for p in PREFS}
ENCODINGS = {"csv-utf8": "utf-8", "csv-utf8-bom": "utf-8-sig", "csv-gbk": "gbk"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("tiny")
    t0 = time.perf_counter()
    manifest = generate(out, "tiny", seed=7)
    print(f"tiny generated in {time.perf_counter() - t0:.2f}s")
    return out, manifest


def _read(out: Path, entry: dict) -> dict[str | None, tuple[list, list[list], int]]:
    """{sheet or None: (headers, rows, row number of the first data row)} with raw cell values."""
    path = out / entry["path"]
    if entry["format"] != "xlsx":
        text = path.read_bytes().decode(ENCODINGS[entry["format"]])
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return {None: (rows[0], [[v if v != "" else None for v in r] for r in rows[1:]], 2)}
    wb = openpyxl.load_workbook(path, read_only=True)
    out_sheets = {}
    for ws in wb.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        # The header is the first row with more than one filled cell (a title row has one).
        h = next(i for i, r in enumerate(rows) if sum(v is not None for v in r) > 1)
        out_sheets[ws.title] = (rows[h], rows[h + 1:], h + 2)
    wb.close()
    return out_sheets


def _parse_date(v) -> date:
    if isinstance(v, datetime):
        return v.date()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", str(v).strip())
    if not m:
        raise ValueError(v)
    return date(*map(int, m.groups()))


def _plus_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y, m = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, min(d.day, day))
        except ValueError:
            continue
    raise AssertionError


def _kind_of(entry: dict, sheet: str | None):
    name = sheet if sheet else entry["path"].split("_")[1].split(".")[0]
    return next(k for k in KINDS if k.zh == name)


def test_deterministic_bytes(tiny, tmp_path):
    out, manifest = tiny
    again = generate(tmp_path, "tiny", seed=7)
    assert again == manifest
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert hashlib.sha256((out / name).read_bytes()).digest() == \
            hashlib.sha256((tmp_path / name).read_bytes()).digest(), name


def test_manifest_shape(tiny):
    out, manifest = tiny
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert manifest["scale"] == "tiny" and manifest["seed"] == 7
    assert {f["prefecture_code"] for f in manifest["files"]} == CODES
    for code in CODES:
        kinds = {k for f in manifest["files"] if f["prefecture_code"] == code for k in f["kinds"]}
        # Reply records (issue 18) come from some prefectures; the others send single-reply columns only.
        expected = set(KINDS_BY_NAME) - ({"replies"} if code not in REPLY_RECORD_PREFECTURES else set())
        assert kinds == expected, code
    for f in manifest["files"]:
        assert f["path"].startswith(f["prefecture_code"] + "_")
        assert (out / f["path"]).exists()
    assert sum(manifest["rows"].values()) == sum(n for f in manifest["files"] for n in f["kinds"].values())
    assert 5 <= len(manifest["injected_errors"]) <= 15


def test_formats_by_prefecture(tiny):
    out, manifest = tiny
    for f in manifest["files"]:
        family = FORMATS[f["prefecture_code"]][0]
        assert f["format"] == ("xlsx" if family in ("xlsx", "ili") else family)
        raw = (out / f["path"]).read_bytes()
        if f["format"] == "csv-gbk":
            raw.decode("gbk")
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
        elif f["format"] == "csv-utf8-bom":
            assert raw.startswith(b"\xef\xbb\xbf")
        elif f["format"] == "csv-utf8":
            assert not raw.startswith(b"\xef\xbb\xbf")
            raw.decode("utf-8")


def test_row_counts_and_headers(tiny):
    out, manifest = tiny
    for f in manifest["files"]:
        counts: dict[str, int] = {}
        for sheet, (headers, rows, _) in _read(out, f).items():
            kind = _kind_of(f, sheet)
            expected = [c.header for c in kind.columns
                        if c.name != "prefecture_code" or "代表履职数据" in f["path"]]
            assert list(headers) == expected, (f["path"], sheet)
            counts[kind.name] = counts.get(kind.name, 0) + len(rows)
        assert counts == f["kinds"], f["path"]


def test_injected_errors_are_in_the_files(tiny):
    out, manifest = tiny
    entries = {f["path"]: f for f in manifest["files"]}
    cache = {}
    for err in manifest["injected_errors"]:
        if err["file"] not in cache:
            cache[err["file"]] = _read(out, entries[err["file"]])
        headers, rows, first = cache[err["file"]][err["sheet"]]
        row = rows[err["row"] - first]
        cell = dict(zip(headers, row))
        kind = _kind_of(entries[err["file"]], err["sheet"])
        col = next(c for c in kind.columns if c.header == err["column"])
        value = cell[err["column"]]
        rule = err["rule"]
        if rule == "required":
            assert col.required and value in (None, "")
        elif rule == "bad_date":
            assert isinstance(value, str) and value == err["value"]
            with pytest.raises(ValueError):
                _parse_date(value)
        elif rule == "bad_enum":
            assert value == err["value"] and value not in col.values
        elif rule == "reply_before_assignment":
            assert _parse_date(value) < _parse_date(cell["交办日期"])
        elif rule == "extension_too_long":
            assert _parse_date(value) > _plus_months(_parse_date(cell["交办日期"]), 6)
        else:
            raise AssertionError(rule)


def test_every_prefecture_can_compute_indicators(tiny):
    """Each prefecture has, for 2024 and 2025, both meeting types with attendance and replied suggestions."""
    out, manifest = tiny
    for code in CODES:
        tables: dict[str, list[dict]] = {}
        for f in manifest["files"]:
            if f["prefecture_code"] != code:
                continue
            for sheet, (headers, rows, _) in _read(out, f).items():
                kind = _kind_of(f, sheet)
                names = {c.header: c.name for c in kind.columns}
                tables.setdefault(kind.name, []).extend(
                    {names[h]: v for h, v in zip(headers, r)} for r in rows)
        meetings = {m["meeting_id"]: m for m in tables["meetings"]}
        attended = {a["meeting_id"] for a in tables["attendance"]}
        for year in (2024, 2025):
            for mtype in ("人民代表大会会议", "常委会会议"):
                assert any(m["meeting_type"] == mtype and _parse_date(m["start_date"]).year == year
                           and mid in attended for mid, m in meetings.items()), (code, year, mtype)
            for kind in KINDS:
                if kind.name == "replies" and code not in REPLY_RECORD_PREFECTURES:
                    continue
                if kind.event_dates and kind.name not in ("stations", "meetings"):
                    col = kind.event_dates[0]
                    assert any(_year_of(r.get(col)) == year for r in tables[kind.name]), (code, kind.name, year)
            assert any(_year_of(s["replied_on"]) == year for s in tables["suggestions"]), (code, year)


def _year_of(v):
    try:
        return _parse_date(v).year if v is not None else None
    except ValueError:
        return None


def test_clean_has_no_errors(tmp_path):
    manifest = generate(tmp_path, "tiny", seed=3, clean=True)
    assert manifest["injected_errors"] == []
