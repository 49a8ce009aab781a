"""dbt's data tests, compiled by dbt once, then run again as one query.

A refresh rebuilds ~30 models and runs their ~90 data tests. Through dbt each test costs ~20 ms of
Python (two runtime contexts, each with the namespace of ~550 macros) for a few ms of SQL: ~2 s of a
7 s refresh. The tests' SQL depends only on the project, the as-of date and the profile, so a build
that ran every test through dbt, all passing, saves each test's compiled query; a later build with the
same project runs the models through dbt and then the saved queries of the tests on what it rebuilt,
all at once, on dbt's own connection (lvzhi.build).

That fast path only ever says "every test passed". A failure, a warning, an error or a saved set that
does not fit sends the build back to dbt (`dbt test`), so what a user reads about a failing test is
dbt's own result. The tests themselves stay declared where they are: the models' yml and tests/dbt.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SavedTest:
    unique_id: str
    parents: tuple[str, ...]  # dbt's depends_on: the models (or sources) the test reads
    sql: str  # the whole test query, as dbt's test materialization runs it (get_test_sql)


def saved_file(folder: Path, key: str) -> Path:
    return folder / f"saved_tests_{key}.json"


def key_of(*parts: object) -> str:
    return hashlib.sha256(json.dumps([str(part) for part in parts]).encode()).hexdigest()[:16]


def from_results(results) -> list[SavedTest] | None:
    """Each data test dbt ran, as the query its test materialization ran (dbt's default get_test_sql);
    None when any of them did more than count failures (stored failures, a SQL header) or did not pass."""
    saved = []
    for result in results:
        node = result.node
        if node.resource_type != "test" or type(node).__name__ == "UnitTestNode":
            continue
        config = node.config
        if str(result.status) != "pass" or config.store_failures or getattr(config, "sql_header", None):
            return None
        limit = f"limit {config.limit}" if config.limit is not None else ""
        sql = (f"select {config.fail_calc} as failures, {config.fail_calc} {config.warn_if} as should_warn, "
               f"{config.fail_calc} {config.error_if} as should_error\nfrom (\n{node.compiled_code}\n{limit}\n) dbt_internal_test")
        saved.append(SavedTest(node.unique_id, tuple(node.depends_on.nodes), sql))
    return saved


def save(path: Path, tests: list[SavedTest]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps([[test.unique_id, list(test.parents), test.sql] for test in tests]))
    os.replace(partial, path)  # whole or not at all


def load(path: Path) -> list[SavedTest] | None:
    try:
        return [SavedTest(unique_id, tuple(parents), sql) for unique_id, parents, sql in json.loads(path.read_text())]
    except (FileNotFoundError, ValueError, TypeError):
        return None


def covering(tests: list[SavedTest], rebuilt: set[str]) -> list[SavedTest]:
    """The tests dbt would select with the rebuilt models (any parent rebuilt: its eager indirect
    selection); tests on sources always, as their source may have changed."""
    return [test for test in tests if any(parent in rebuilt or parent.startswith("source.") for parent in test.parents)]


def all_pass(con, tests: list[SavedTest]) -> bool:
    """Run the tests in one query on `con`; True only when none fails nor warns. A query that cannot
    run (a relation gone, a type changed) is not a pass either: dbt will say what is wrong."""
    if not tests:
        return True
    query = "\nunion all\n".join(f"select should_warn or should_error as flagged from (\n{test.sql}\n)" for test in tests)
    try:
        flags = con.execute(f"select count(*) filter (where flagged) from (\n{query}\n)").fetchall()[0][0]
    except Exception:  # noqa: BLE001 - any error hands the tests back to dbt
        return False
    return flags == 0
