"""Injected errors: a few rows per file broken on purpose, each listed in the manifest."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import polars as pl

from devtools.synth.files import Part, _fmt_date
from devtools.synth.world import BAD_ENUM, EPOCH, _add_months
from ingest.schemas import DATE, ENUM, Kind


def _rules_for(kind: Kind) -> dict[str, float]:
    rules = {"required": 3.0}
    if any(c.type == DATE for c in kind.columns):
        rules["bad_date"] = 3.0
    if any(c.type == ENUM for c in kind.columns):
        rules["bad_enum"] = 3.0
    if kind.name == "suggestions":
        rules["reply_before_assignment"] = 1.5
        rules["extension_too_long"] = 1.5
    return rules


def _inject(rng, part: Part, rules: list[str], style: str) -> list[dict]:
    """Write errors into part.text at random rows (one error per row); return their records."""
    kind, typed, text = part.kind, part.typed, part.text
    cache: dict[str, list] = {}

    def val(name: str, i: int):
        if name not in cache:
            cache[name] = typed[name].to_list()
        return cache[name][i]

    key = set(kind.key)
    required = [c for c in kind.columns if c.required and c.name not in key] or \
        [c for c in kind.columns if c.required]
    edits: dict[str, tuple[list, list]] = {}
    records = []
    rows = rng.permutation(typed.height)[: max(50, 4 * len(rules))]
    ri = 0
    for rule in rules:
        while ri < len(rows):
            i = int(rows[ri])
            ri += 1
            col, value = None, None
            if rule == "required":
                c = required[int(rng.integers(len(required)))]
                if val(c.name, i) is not None:
                    col, value = c, None
            elif rule in ("bad_date", "bad_enum"):
                want = DATE if rule == "bad_date" else ENUM
                cands = [c for c in kind.columns if c.type == want and val(c.name, i) is not None]
                if cands:
                    col = cands[int(rng.integers(len(cands)))]
                    if rule == "bad_date":
                        y, m, d = val(col.name, i).year, int(rng.integers(13, 20)), int(rng.integers(32, 46))
                        value = {"iso": f"{y}-{m}-{d}", "slash": f"{y}/{m}/{d}",
                                 "dot": f"{y}.{m}.{d}"}.get(style, f"{y}年{m}月{d}日")
                    else:
                        value = BAD_ENUM.get((kind.name, col.name), BAD_ENUM.get(col.name, "其他类"))
            elif rule == "reply_before_assignment":
                a = val("assigned_on", i)
                if a is not None and val("replied_on", i) is not None:
                    col = kind.column("replied_on")
                    value = _fmt_date(a - timedelta(days=int(rng.integers(1, 5))), style)
            elif rule == "extension_too_long":
                a = val("assigned_on", i)
                if a is not None:
                    col = kind.column("extended_due")
                    six = EPOCH + timedelta(days=int(_add_months(np.array([(a - EPOCH).days]), 6)[0]))
                    value = _fmt_date(six + timedelta(days=int(rng.integers(5, 60))), style)
            if col is not None:
                idx, vals = edits.setdefault(col.header, ([], []))
                idx.append(i), vals.append(value)
                records.append({"file": part.file, "sheet": part.sheet, "row": part.first_row + i,
                                "column": col.header, "rule": rule, "value": value or ""})
                break
    if edits:
        part.text = text.with_columns(
            text[h].scatter(idx, pl.Series(vals, dtype=pl.String)) for h, (idx, vals) in edits.items())
    return records


def _pick_rules(rng, kind: Kind, count: int) -> list[str]:
    rules = _rules_for(kind)
    names, w = list(rules), np.array(list(rules.values()))
    return list(rng.choice(names, count, p=w / w.sum())) if count else []
