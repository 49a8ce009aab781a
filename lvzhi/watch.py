"""lvzhi watch INBOX: files dropped into a folder reach the dashboard in seconds.

One long-running process watches the inbox. A new file is ingested (its clerk's report written as
always) as soon as it is whole: at once when the kernel says its writer closed it or it was moved in
(inotify, through watchdog), else when its size has stopped changing between two polls (listing a
folder four times a second costs nothing; a network share sends no such events). Then the default
build rebuilds what it touched and publishes, with dbt imported and the project parsed once, at
start, for the whole session, and ingest's first-use costs paid then too (a sample file ingested
into a throwaway home). The working file's checkpoint waits until no file is waiting (about 0.4 s
of a region refresh no longer spent before the dashboard shows it).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import polars as pl

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from ingest.run import expand_paths, ingest
from ingest.schemas import KINDS_BY_NAME
from ingest.template import example_value
from lvzhi.build import build, warm_up
from lvzhi.home import Home
from lvzhi.warehouse import checkpoint_work


def watch(home: Home, inbox: Path, as_of: date | None = None, interval: float = 0.25,
          stop: threading.Event | None = None, say=print) -> None:
    """Until `stop` is set (or Ctrl-C): ingest new files of `inbox`, then build and publish.
    `as_of` None: today's date, taken afresh for each refresh."""
    stop = stop or threading.Event()
    inbox = inbox.resolve()  # a build runs dbt from the home's folder: no path here may depend on it
    seen: dict[Path, tuple[int, int]] = {}  # file -> (size, mtime_ns) when it was handled
    sizes: dict[Path, int] = {}  # file -> size at the previous poll (a file still being copied grows)
    say("加载 dbt 并解析模型… / loading dbt and parsing the models")
    warm_up(home, as_of or date.today())  # the first file then costs what every later one does
    warm_up_ingest()
    finished = FinishedFiles()
    observer = finished.watch(inbox)
    say(f"监视 {inbox}（每 {interval:g} 秒检查一次；Ctrl-C 结束）/ watching {inbox}")
    owed = False  # a build left the working file's log to checkpoint when idle
    try:
        while not stop.is_set():
            owed = _handle_ready(home, inbox, as_of, say, seen, sizes, finished.take()) or owed
            if owed and not finished.arrived.is_set():
                owed = not checkpoint_work(home)
            _until_next_poll(interval, stop, finished.arrived)
    finally:
        if observer is not None:
            observer.stop()
            observer.join(5)
        if owed:
            checkpoint_work(home)


def warm_up_ingest() -> None:
    """Ingest a sample suggestions file (the template's example row, and one row breaking rules) into
    a throwaway home: the first clerk's file then does not pay ingest's first uses in this process
    (reading, validation, report and archive writers: ~0.5 s at region scale)."""
    kind = KINDS_BY_NAME["suggestions"]
    # The template's example, but no cell equal to its header (that row would read as a header again).
    example = {c.header: str(example_value(c)).replace(c.zh, "预热") for c in kind.columns}
    sample = pl.DataFrame([example, {**example, kind.columns[0].header: ""}])
    try:
        with tempfile.TemporaryDirectory(prefix="lvzhi-warm-up-") as folder:
            path = Path(folder) / "654000_建议_预热.csv"  # the example's prefecture (template.example_value)
            sample.write_csv(path)
            ingest(Home.at(Path(folder) / "home"), [path], say=lambda *_: None)
    except Exception:  # noqa: BLE001 - a failed warm-up (no room in the temporary folder) only leaves the first file slower
        pass


def _until_next_poll(interval: float, stop: threading.Event, arrived: threading.Event) -> None:
    """Wait `interval` seconds, less when a file arrives; notice `stop` within a quarter second."""
    deadline = time.monotonic() + interval
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        if arrived.wait(min(left, 0.25)):
            return


class FinishedFiles(FileSystemEventHandler):
    """Files the kernel reports whole: closed by the process that wrote them, or moved into the inbox."""

    def __init__(self) -> None:
        self.arrived = threading.Event()  # wakes the loop before its next poll
        self._paths: set[str] = set()
        self._lock = threading.Lock()

    def watch(self, inbox: Path):
        """Start watching (recursively); None where the kernel gives no events (polling still works)."""
        try:  # full events: a file moved in from outside the inbox is a move, not a created file
            observer = Observer(generate_full_events=True)
        except TypeError:  # an observer other than inotify's
            observer = Observer()
        observer.schedule(self, str(inbox), recursive=True)
        try:
            observer.start()
        except OSError:  # e.g. the user's inotify watches used up
            return None
        return observer

    def on_closed(self, event) -> None:  # a writer closed the file (IN_CLOSE_WRITE)
        self._add(event.src_path)

    def on_moved(self, event) -> None:  # renamed or moved in whole
        self._add(event.dest_path)

    def _add(self, path) -> None:
        with self._lock:
            self._paths.add(os.path.abspath(path))
        self.arrived.set()

    def take(self) -> set[str]:
        with self._lock:
            taken, self._paths = self._paths, set()
            self.arrived.clear()
        return taken


def _handle_ready(home: Home, inbox: Path, as_of: date | None, say, seen: dict, sizes: dict,
                  finished: set[str]) -> bool:
    """One poll: ingest the files that are whole and new (or changed), then build and publish.
    True if it built (the working file's checkpoint is then owed)."""
    ready = []
    for path in expand_paths([inbox]):
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        signature = (stat.st_size, stat.st_mtime_ns)
        whole = sizes.get(path) == stat.st_size or os.path.abspath(path) in finished
        if seen.get(path) != signature and whole:
            ready.append((path, signature))
        sizes[path] = stat.st_size
    if not ready:
        return False
    started = time.perf_counter()
    results = ingest(home, [path for path, _ in ready], say=say)
    seen.update(ready)
    if any(r.status == "loaded" for r in results):
        built = build(home, as_of or date.today(), say=say, long_running=True)
        if built.success and built.published is not None:
            say(f"✓ 已发布 {built.published.name}：从文件到仪表盘 {time.perf_counter() - started:.1f} 秒")
        elif not built.success:
            say("✗ 构建失败，已发布的数据保持不变：" + "；".join(built.failures))
        return True
    return False
