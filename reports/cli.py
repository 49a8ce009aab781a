"""What `lvzhi report annual|handling` does (lvzhi/cli.py only parses the arguments).

Exit codes: 0 written, 1 a problem to fix (nothing published, another as-of date, unknown prefecture,
wrong file type, LibreOffice missing for --pdf).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from access import audit
from lvzhi.home import Home
from reports.annual import write_annual
from reports.figures import ReportError
from reports.handling import write_handling


def report(home: Home, kind: str, year: int, prefecture: str | None, out: Path, as_of: date | None = None,
           pdf: bool = False) -> int:
    try:
        if kind == "annual":
            path, facts = write_annual(home, year, prefecture, out, as_of, pdf=pdf)
            scope, as_of_used = facts.scope, facts.as_of
        else:
            path, handled = write_handling(home, year, prefecture, out, as_of)
            scope, as_of_used = handled.scope, handled.as_of
    except (ReportError, RuntimeError) as error:
        print(f"✗ {error}", file=sys.stderr)
        return 1
    written = [path.name] + ([path.with_suffix(".pdf").name] if pdf and kind == "annual" else [])
    audit.record(home, audit.terminal_user(), "report", kind=kind, year=year, scope=scope.code,
                 as_of=as_of_used.isoformat(), files=written)
    print(f"✓ {'年度报告代表工作部分初稿' if kind == 'annual' else '代表建议办理情况报告'}：{scope.name} {year}年，"
          f"统计日 {as_of_used} → {', '.join(str(path.parent / name) for name in written)}")
    return 0
