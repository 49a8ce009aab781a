"""Python's garbage collector and a long-running dashboard process (issue 20).

Every module, plotly's validators, Streamlit's runtime and the data kept per published version live
as long as the process, yet each full collection walked all of them again: ~15-80 ms at a time,
landing inside a page view (the slowest views of a page were these pauses). Frozen once the first
page has run, they are left out; collections walk only what the pages make.
"""

from __future__ import annotations

import atexit
import gc

_settled = False


def settle() -> None:
    """Once per process, after a first page view: collect, then freeze what survives."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()
        atexit.register(gc.unfreeze)  # at exit everything is released as usual (nanobind reports leaks otherwise)
