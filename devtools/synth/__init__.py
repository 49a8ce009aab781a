"""Synthetic prefecture submissions for tests, demos and load checks.

`generate(out_dir, scale, seed)` writes, for each of the 14 prefectures, the files a clerk would
send (xlsx with a title row, one Ili workbook per year, UTF-8/BOM/GBK CSV with various date
styles), injects a few row-level errors and writes `manifest.json` describing all of it:
world (deputies and records) → files → injected errors.

Everything is drawn from one `numpy.random.default_rng(seed)` in a fixed order, and every polars
join/group is sorted before random numbers are attached to it, so a seed gives identical bytes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from devtools.synth.errors import _inject, _pick_rules
from devtools.synth.files import FORMATS, Part, _parts, _to_text, _write_csv, _write_xlsx
from devtools.synth.world import (
    ERROR_RATE, NO_ERRORS, PREFS, SCALE_DEPUTIES, TINY_ERRORS, _prefecture_frames,
)
from ingest.schemas import KINDS

__all__ = ["FORMATS", "PREFS", "generate"]


def _deputy_counts(rng, scale: str) -> list[int]:
    if scale == "tiny":
        return [int(x) for x in rng.integers(16, 21, len(PREFS))]
    if scale not in SCALE_DEPUTIES:
        raise ValueError(f"unknown scale {scale!r}: tiny, demo or region")
    w = np.array([p.weight for p in PREFS]) * rng.uniform(0.9, 1.1, len(PREFS))
    return [int(x) for x in np.rint(SCALE_DEPUTIES[scale] * w / w.sum())]


def generate(out_dir: Path, scale: str = "tiny", seed: int = 1, clean: bool = False, progress=None) -> dict:
    """Write synthetic submissions of all 14 prefectures into out_dir; return the manifest."""
    say = progress or (lambda msg: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    counts = _deputy_counts(rng, scale)
    files, totals, errors = [], {k.name: 0 for k in KINDS}, []
    t0 = time.perf_counter()
    for p, n in zip(PREFS, counts):
        family, style = FORMATS[p.code]
        # Reply histories from a generator of their own: the other records of a seed stay as they were.
        frames = _prefecture_frames(rng, p, n, scale, np.random.default_rng([seed, int(p.code), 18]))
        parts = _parts(p, frames)
        with_pref = family == "ili"
        for part in parts:
            part.text = _to_text(part, style, p.code, with_pref)
        if not clean:
            for part in parts:
                if part.kind.name in NO_ERRORS:
                    continue
                if scale == "tiny":
                    continue
                errors += _inject(rng, part, _pick_rules(rng, part.kind, int(rng.binomial(part.typed.height,
                                                                                        ERROR_RATE))), style)
            if scale == "tiny":
                for code, kname, rule in TINY_ERRORS:
                    cands = [pt for pt in parts if code == p.code and pt.kind.name == kname]
                    if cands:
                        errors += _inject(rng, cands[int(rng.integers(len(cands)))], [rule], style)
        by_file: dict[str, list[Part]] = {}
        for part in parts:
            by_file.setdefault(part.file, []).append(part)
        for fname, fparts in by_file.items():
            path = out_dir / fname
            if family.startswith("csv"):
                _write_csv(path, fparts, family)
            else:
                _write_xlsx(path, fparts, style)
            kinds: dict[str, int] = {}
            for pt in fparts:
                kinds[pt.kind.name] = kinds.get(pt.kind.name, 0) + pt.typed.height
                totals[pt.kind.name] += pt.typed.height
            files.append({"path": fname, "prefecture_code": p.code, "kinds": kinds,
                          "format": "xlsx" if family in ("xlsx", "ili") else family})
        say(f"{p.code} {p.name}: {n} 名代表, {len(by_file)} 个文件 ({time.perf_counter() - t0:.1f}s)")
    manifest = {"scale": scale, "seed": seed, "files": sorted(files, key=lambda f: f["path"]),
                "rows": totals, "injected_errors": errors}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


if __name__ == "__main__":  # python -m devtools.synth OUT_DIR [scale] [seed]
    import sys

    out = Path(sys.argv[1])
    m = generate(out, sys.argv[2] if len(sys.argv) > 2 else "tiny", int(sys.argv[3]) if len(sys.argv) > 3 else 1,
                 progress=print)
    print(json.dumps(m["rows"], ensure_ascii=False), len(m["files"]), "files,", len(m["injected_errors"]), "errors")
