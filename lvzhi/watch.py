"""lvzhi watch INBOX: files dropped into a folder reach the dashboard in seconds.

One long-running process polls the inbox (listing a folder four times a second costs nothing); a new
file whose size has stopped changing is ingested (its clerk's report written as always), then the
default build rebuilds what it touched and publishes, with dbt imported and the project parsed once,
at start, for the whole session.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

from ingest.run import expand_paths, ingest
from lvzhi.build import build, warm_up
from lvzhi.home import Home


def watch(home: Home, inbox: Path, as_of: date | None = None, interval: float = 0.25,
          stop: threading.Event | None = None, say=print) -> None:
    """Until `stop` is set (or Ctrl-C): ingest new files of `inbox`, then build and publish.
    `as_of` None: today's date, taken afresh for each refresh."""
    stop = stop or threading.Event()
    seen: dict[Path, tuple[int, int]] = {}  # file -> (size, mtime_ns) when it was handled
    sizes: dict[Path, int] = {}  # file -> size at the previous poll (a file still being copied grows)
    say("加载 dbt 并解析模型… / loading dbt and parsing the models")
    warm_up(home, as_of or date.today())  # the first file then costs what every later one does
    say(f"监视 {inbox}（每 {interval:g} 秒检查一次；Ctrl-C 结束）/ watching {inbox}")
    while not stop.is_set():
        ready = []
        for path in expand_paths([inbox]):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns)
            if seen.get(path) != signature and sizes.get(path) == stat.st_size:
                ready.append((path, signature))
            sizes[path] = stat.st_size
        if ready:
            started = time.perf_counter()
            results = ingest(home, [path for path, _ in ready], say=say)
            seen.update(ready)
            if any(r.status == "loaded" for r in results):
                built = build(home, as_of or date.today(), say=say, keep_parsed=True)
                if built.success and built.published is not None:
                    say(f"✓ 已发布 {built.published.name}：从文件到仪表盘 {time.perf_counter() - started:.1f} 秒")
                elif not built.success:
                    say("✗ 构建失败，已发布的数据保持不变：" + "；".join(built.failures))
        stop.wait(interval)
