"""The dashboard server: `python -m dashboard.serve [streamlit run options] -- --home DIR` (what
`lvzhi serve` starts). Warms the pages up (dashboard/warmup.py) before Streamlit listens, then runs
`streamlit run dashboard/app.py` in this same process, so the first views find what the warm-up
loaded. Set LVZHI_WARM_UP=0 to start at once (the first view of each page then pays its first use).
"""

from __future__ import annotations

import os
import sys
import time

from dashboard import warmup


def main(argv: list[str]) -> None:
    if os.environ.get("LVZHI_WARM_UP", "1") != "0":
        started = time.perf_counter()
        took = warmup.warm_up()
        print(f"预热 / warm-up: {len(took)} 个范围 {time.perf_counter() - started:.1f} s", flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(warmup.APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
