"""Where one installation keeps its state: everything lives under `--home` (default data/)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent  # the repository: dbt project, seeds, dashboard app
# $LVZHI_HOME, else the repository's data/ — not the current directory's, wherever lvzhi is run from.
DEFAULT_HOME = Path(os.environ.get("LVZHI_HOME") or PROJECT_DIR / "data")


def sql_path(path: str | Path) -> str:
    """A file's path as a SQL string literal (ATTACH, COPY … TO): quoted, a quote in it doubled,
    for the home may be anywhere its owner chose."""
    return "'" + str(path).replace("'", "''") + "'"


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def at(cls, path: str | Path | None = None) -> Home:
        # The home holds personal data (raw phones, hashes, clerks' reports): only its owner may
        # read it. Everything this process creates is 0600 / 0700 (DuckDB, SQLite, xlsxwriter and
        # dbt create files with the process umask); the home folder itself is 0700.
        os.umask(0o077)
        home = cls(Path(path or DEFAULT_HOME).resolve())
        home.root.mkdir(parents=True, exist_ok=True)
        home.root.chmod(0o700)
        for folder in (home.warehouse_dir, home.published_dir, home.reports_dir, home.archive_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return home

    @property
    def warehouse_dir(self) -> Path:
        return self.root / "warehouse"

    @property
    def work_db(self) -> Path:
        """The working warehouse: ingest and dbt write here, readers never open it."""
        return self.warehouse_dir / "work.duckdb"

    @property
    def marts_db(self) -> Path:
        """What the build makes for analysts (schema marts, attached to the working warehouse as
        `analyst`): publishing copies this file whole, so no table is re-compressed to publish."""
        return self.warehouse_dir / "analyst.duckdb"

    @property
    def lock_file(self) -> Path:
        return self.warehouse_dir / "writer.lock"

    @property
    def published_dir(self) -> Path:
        return self.root / "published"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    @property
    def exports_dir(self) -> Path:
        return self.root / "exports"

    @property
    def config_dir(self) -> Path:
        """Installation settings: users.json, an exports.yml that overrides the repo's."""
        return self.root / "config"

    @property
    def app_db(self) -> Path:
        """The application database (SQLite): saved queries and query history — never the warehouse."""
        return self.root / "app" / "lvzhi_app.sqlite"

    @property
    def audit_log(self) -> Path:
        """Append-only audit trail, one JSON object per line (see access.audit)."""
        return self.root / "audit" / "audit.jsonl"

    def salt(self) -> str:
        """Salt for ID-card hashes: made on first use, kept under home (outside git)."""
        path = self.root / "secret_salt"
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
