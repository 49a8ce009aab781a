"""The real client: headless LibreOffice (installed by .ci/run from Debian) opens the region workbook
and prints it to PDF; the PDF has pages and the title and an indicator on them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from exports import run as export_run

SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="soffice (Debian libreoffice-calc) is not installed: .ci/run installs it")
def test_region_workbook_converts_to_pdf_with_pages(export_home, job, tmp_path):
    spec = job("printed", title="人大代表履职指标季报", scope=["region"], formats=["xlsx"])
    result = export_run.run_job(export_home, spec)
    (workbook,) = [result.folder / f["name"] for f in result.manifest["files"]]
    out = tmp_path / "pdf"
    completed = subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    (pdf,) = out.glob("*.pdf")
    pages = PdfReader(pdf).pages
    assert len(pages) >= 1
    text = "".join(page.extract_text() for page in pages)
    assert "人大代表履职指标季报" in text and "按期答复率" in text and "指标定义" in text
