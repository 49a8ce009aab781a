"""A clerk's error report keeps URL-like cells as text, never live links (issue 15)."""

from __future__ import annotations

import io
import zipfile

from ingest.run import ingest_file
from tests.ingest.conftest import SUBMITTED, write_csv
from tests.test_text_stays_text import URLS, hyperlinks


def test_a_clerks_error_report_has_no_live_links(home, con, tmp_path):
    path = write_csv(tmp_path / "654000_建议.csv", [
        ["建议编号*", "领衔代表编号*", "标题*", "提出日期*"],
        *[[f"J{n}", "D1", url, url] for n, url in enumerate(URLS)],  # each date unreadable: in the report
    ])
    result = ingest_file(con, home, path, SUBMITTED)
    assert result.rows_quarantined == len(URLS)
    xlsx = result.report.read_bytes()
    assert hyperlinks(xlsx) == []
    assert "http://example.invalid/x" in zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/sharedStrings.xml").decode()
