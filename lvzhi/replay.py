"""A refresh replays what dbt ran: the statements of the last complete build, for the models that a
new batch touches, then their data tests in one query (as a complete build runs its data tests once
the project has a record).

Through dbt a region refresh of ~30 models and ~90 tests took ~11 CPU-s on two cores, ~3 of them
dbt's Python around each node (compiling it again, building its context of ~550 macros per model and
per test, firing events), and a new process (`lvzhi build`) first imported dbt (1.8 s) and parsed the
project (0.5 s); DuckDB's SQL is the rest. The statements of a model depend
only on the project, the as-of date and the profile (no lvzhi model looks at the data to compile), so
a complete build by dbt records each node's statements as dbt ran them (its SQLQuery events: `create
or replace table … as (…)`, the comments, commit) and the tests' queries; a refresh with the same
project runs them again, in dependency order, on as many threads as dbt used.

dbt stays the author of everything: complete builds (a new home, `--full`, a changed project or as-of
date) and any refresh the record does not fit are dbt's; a statement that fails, or a test that does
not pass, hands the refresh back to dbt, so what a user reads about a failure is dbt's own result.
"""

from __future__ import annotations

import json
import os
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import duckdb

from lvzhi.faults import fault_point
from lvzhi.home import sql_path


@dataclass(frozen=True)
class Node:
    unique_id: str
    name: str  # the table's name (dbt's alias)
    parents: tuple[str, ...]  # dbt's depends_on: models and sources
    statements: tuple[str, ...]  # as dbt ran them; a test's last one is its query (failures, should_warn, should_error)

    @property
    def is_test(self) -> bool:
        return self.unique_id.startswith("test.")


@dataclass(frozen=True)
class Record:
    nodes: dict[str, Node]
    settings: dict[str, str]  # the DuckDB settings dbt's connection had (profiles.yml's config_options)
    threads: int  # how many nodes dbt ran at once


class Recorder:
    """A dbt callback keeping each node's statements (SQLQuery events) and the threads that ran them."""

    def __init__(self) -> None:
        self.statements: dict[str, list[str]] = {}
        self.threads: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, event) -> None:
        if event.info.name == "SQLQuery" and event.data.node_info.unique_id:
            with self._lock:
                self.statements.setdefault(event.data.node_info.unique_id, []).append(event.data.sql)
                self.threads.add(event.info.thread)

    def record(self, results, con: duckdb.DuckDBPyConnection) -> Record | None:
        """The record of a complete dbt build whose results are `results`, read on dbt's connection
        `con`; None unless every model and data test passed with the statements this module expects."""
        nodes = {}
        for result in results:
            node = result.node
            if node.resource_type not in ("model", "test"):
                continue  # seeds (loaded with parameters, never downstream of raw data), unit tests, hooks
            if str(result.status) not in ("success", "pass"):
                return None  # a warning is dbt's to say again
            statements = self.statements.get(node.unique_id, [])
            is_query = node.resource_type == "test" and statements and "should_error" in statements[-1]
            if not (is_query or (node.resource_type == "model" and statements)):
                return None  # not as this module knows dbt's statements: leave refreshes to dbt
            nodes[node.unique_id] = Node(node.unique_id, node.alias or node.name, tuple(node.depends_on.nodes),
                                         tuple(statements))
        names = ("memory_limit", "checkpoint_threshold", "threads")
        settings = dict(zip(names, con.execute(f"select {', '.join(f'current_setting({n!r})' for n in names)}").fetchone()))
        return Record(nodes, {name: str(value) for name, value in settings.items()}, max(1, len(self.threads)))


def saved_file(folder: Path, key: str) -> Path:
    return folder / f"replay_{key}.json"


def save(path: Path, record: Record) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    nodes = [[n.unique_id, n.name, list(n.parents), list(n.statements)] for n in record.nodes.values()]
    partial.write_text(json.dumps({"settings": record.settings, "threads": record.threads, "nodes": nodes}))
    os.replace(partial, path)  # whole or not at all


def load(path: Path) -> Record | None:
    try:
        saved = json.loads(path.read_text())
        nodes = {uid: Node(uid, name, tuple(parents), tuple(statements)) for uid, name, parents, statements in saved["nodes"]}
        return Record(nodes, saved["settings"], int(saved["threads"]))
    except (FileNotFoundError, ValueError, TypeError, KeyError):
        return None


def selected(record: Record, sources: list[str], models: list[str]) -> list[str] | None:
    """The models dbt would select with `source:raw.<kind>+` for `sources` and `<model>+` for `models`:
    those and everything downstream. None if a starting point is not in the record."""
    children = _children(record, [uid for uid, node in record.nodes.items() if not node.is_test])
    by_name = {node.name: uid for uid, node in record.nodes.items() if not node.is_test}
    if any(name not in by_name for name in models):
        return None
    found: set[str] = set()
    # dbt's id of source('raw', kind) in project lvzhi, and the models named
    todo = [f"source.lvzhi.raw.{kind}" for kind in sources] + [by_name[name] for name in models]
    found.update(uid for uid in todo if uid in record.nodes)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return sorted(found)


def tests_of(record: Record, models: set[str]) -> list[Node]:
    """The tests dbt selects with `models` (any parent selected: its eager indirect selection)."""
    return [node for node in record.nodes.values() if node.is_test and any(p in models for p in node.parents)]


def connect(work_db: Path, marts_db: Path, record: Record) -> duckdb.DuckDBPyConnection:
    """The working warehouse as dbt's profile opens it: the same settings, the analyst file attached."""
    con = duckdb.connect(str(work_db), config=dict(record.settings))
    con.execute(f"attach {sql_path(marts_db)} as analyst")
    return con


def run(con: duckdb.DuckDBPyConnection, record: Record, models: list[str]) -> str | None:
    """Run the models' statements in dependency order, `record.threads` at a time (the longest chain
    first), then their tests in one query. None when all ran and every test passed, else what
    stopped it (for the log)."""
    remaining = set(models)
    height = _heights(record, remaining)
    done: set[str] = set()
    failures: list[str] = []

    def execute(uid: str) -> None:
        cursor = con.cursor()
        try:
            for statement in record.nodes[uid].statements:
                cursor.execute(statement)
        except duckdb.Error as error:
            failures.append(f"{record.nodes[uid].name}: {error}")
        finally:
            cursor.close()  # an open transaction (a failed statement) is rolled back

    with ThreadPoolExecutor(record.threads) as pool:
        running: dict = {}
        while (remaining or running) and not failures:
            ready = [uid for uid in remaining if all(p in done or p not in height for p in record.nodes[uid].parents)]
            for uid in sorted(ready, key=lambda u: (-height[u], u))[: record.threads - len(running)]:
                remaining.discard(uid)
                running[pool.submit(execute, uid)] = uid
            if not running:
                return "no model can start (the record's dependencies do not fit)"
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()
                done.add(running.pop(future))
                fault_point("build_mid_dbt")  # as after each of dbt's nodes: the kill tests stop here
    return failures[0] if failures else test(con, record, models)


def test(con: duckdb.DuckDBPyConnection, record: Record, models: list[str]) -> str | None:
    """The recorded data tests of `models`, in one query: None when every one passes, else what did not."""
    tests = tests_of(record, set(models))
    if not tests:
        return None
    union = "\nunion all\n".join(f"select should_warn or should_error as flagged from (\n{test.statements[-1]}\n)"
                                 for test in tests)
    try:
        flagged = con.execute(f"select count(*) filter (where flagged) from (\n{union}\n)").fetchall()[0][0]
    except duckdb.Error as error:
        return f"data tests: {error}"
    return f"{flagged} data tests did not pass" if flagged else None


def _heights(record: Record, models: set[str]) -> dict[str, int]:
    """Each model's longest chain of selected models below it: run the longest first, as the critical path."""
    children = _children(record, models)
    height: dict[str, int] = {}

    def of(uid: str) -> int:
        if uid not in height:
            height[uid] = 1 + max((of(child) for child in children.get(uid, [])), default=0)
        return height[uid]

    for uid in models:
        of(uid)
    return height


def _children(record: Record, models) -> dict[str, list[str]]:
    """Parent (a model or a source) -> the nodes among `models` that read it."""
    children: dict[str, list[str]] = {}
    for uid in models:
        for parent in record.nodes[uid].parents:
            children.setdefault(parent, []).append(uid)
    return children
