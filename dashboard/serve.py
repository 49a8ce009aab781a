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
    # The app's own arguments (after `--`: --home DIR) as `streamlit run` gives them to the script,
    # so that the warm-up reads the same home as the pages will (dashboard.context).
    script_args = argv[argv.index("--") + 1:] if "--" in argv else []
    if os.environ.get("LVZHI_WARM_UP", "1") != "0":
        started = time.perf_counter()
        sys.argv = [str(warmup.APP), *script_args]
        took = warmup.warm_up()
        print(f"预热 / warm-up: {len(took)} 个范围（全区与各州市）/ scopes, {time.perf_counter() - started:.1f} s",
              flush=True)
    from streamlit import config
    from streamlit.web import cli

    # The warm-up read the config files without this command line's options: forgotten, so that
    # `streamlit run` reads them with its options as at any start (instead of warning that the
    # [server] section changed and asking for a restart).
    config._config_options = None  # noqa: SLF001
    sys.argv = ["streamlit", "run", str(warmup.APP), *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
