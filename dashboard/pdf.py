"""导出 PDF of the view on screen (issue 17): the server prints its own page with the Chromium the
machine has (Debian's /usr/bin/chromium, which CI installs; Playwright drives it, nothing is
downloaded), in print media — the stylesheet's A4 landscape, no sidebar or widgets, cards kept
whole — with the system's Noto CJK fonts, so the PDF has Chinese text (a real text layer).

The headless browser logs in as the user who asked, with a session token made for this one print
(access.sessions) and ended right after; it opens 127.0.0.1 on the dashboard's own port. It runs
in a child process (`python -m dashboard.pdf URL TOKEN OUT`), so Playwright's event loop never
meets Streamlit's threads.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
TIMEOUT_SECONDS = 90
VIEWPORT_WIDTH = 1366
SCALE = 0.75  # A4 landscape at three quarters: the overview on two sheets, text still 9 pt


class PdfError(Exception):
    pass


def local_url(browser_url: str, port: int) -> str:
    """The same page and query on this server, as seen from the server itself."""
    parts = urlsplit(browser_url)
    return f"http://127.0.0.1:{port}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def render(url: str, token: str, cookie: str) -> bytes:
    """The PDF of `url`, logged in by the session cookie `cookie`=`token`."""
    if not CHROMIUM.exists():
        raise PdfError("服务器上没有 Chromium（apt-get install -y chromium fonts-noto-cjk）")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "view.pdf"
        done = subprocess.run([sys.executable, "-m", "dashboard.pdf", url, token, cookie, str(out)],
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        if done.returncode != 0 or not out.exists():
            raise PdfError((done.stderr or done.stdout or "").strip().splitlines()[-1:] or "未知错误")
        return out.read_bytes()


def _print(url: str, token: str, cookie: str, out: str) -> None:
    from playwright.sync_api import sync_playwright

    parts = urlsplit(url)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            # A wide page (shrunk to A4 landscape by Chromium) keeps the overview on two sheets.
            context = browser.new_context(viewport={"width": VIEWPORT_WIDTH, "height": 900}, locale="zh-CN")
            context.add_cookies([{"name": cookie, "value": token, "domain": parts.hostname, "path": "/",
                                  "sameSite": "Strict"}])
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("h1", timeout=60_000)
            _wait_until_still(page)
            page.emulate_media(media="print")
            page.pdf(path=out, format="A4", landscape=True, print_background=True, scale=SCALE,
                     margin={"top": "10mm", "bottom": "10mm", "left": "10mm", "right": "10mm"})
        finally:
            browser.close()


def _wait_until_still(page, timeout_ms: int = 60_000) -> None:
    """Until the page has stopped changing: no running-script indicator and the same number of
    elements for three checks in a row (Streamlit sends elements one after another)."""
    count, still, waited = -1, 0, 0
    while still < 3 and waited < timeout_ms:
        page.wait_for_timeout(400)
        waited += 400
        now = page.evaluate("() => document.querySelectorAll('[data-testid=stElementContainer]').length")
        busy = page.locator('[data-testid="stStatusWidget"]').count() > 0
        still = still + 1 if now == count and not busy else 0
        count = now


if __name__ == "__main__":
    _print(*sys.argv[1:5])
