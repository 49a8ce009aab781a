"""The dashboard in a real browser: `lvzhi serve` on 127.0.0.1 against the hand-made warehouse,
Debian's Chromium driven by Playwright through every page and one filter change via the URL.

Screenshots go to artifacts/ (git-ignored). Nothing is downloaded: without /usr/bin/chromium the
test is skipped (install it with `apt-get install -y chromium fonts-noto-cjk`).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import TEST_USERS

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
# page url -> its title and a text it must show for Ili (654000), 2024, as of 2024-06-30
PAGES = {
    "overview": ("总览", "建议答复率"),
    "suggestions": ("建议办理", "超期未答复建议"),
    "attendance": ("会议出席与列席", "人代会出席率"),
    "activities": ("闭会期间活动", "代表闭会期间活动参与率"),
    "liaison": ("联系代表", "联系代表达标率"),
    "stations": ("家室站", "家室站“十有”达标率"),
    "trainings": ("培训", "任职培训覆盖率"),
    "deputy": ("代表履职档案", "按姓名或代表编号查找"),
    "quality": ("数据质量", "报送与入库情况"),
}

MAX_RENDER_SECONDS = float(os.environ.get("LVZHI_MAX_RENDER_SECONDS", "10"))

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="需要 Debian 的 chromium：apt-get install -y chromium fonts-noto-cjk"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    # `lvzhi serve` runs every page once per scope before it listens (dashboard/warmup.py): seconds.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"lvzhi serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"dashboard not up after {timeout}s")


@pytest.fixture(scope="module")
def server(handmade_home):
    port = free_port()
    lvzhi = Path(sys.executable).with_name("lvzhi")
    process = subprocess.Popen(
        [str(lvzhi), "serve", "--home", str(handmade_home.root), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the CLI and the streamlit it started
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    """One browser context for the module, as one leader's browser: the first page loads cold."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        finally:
            chromium.close()


def log_in(page, user: str, timeout_ms: int) -> None:
    """At the login form (a browser without a session cookie)."""
    page.get_by_label(re.compile("^(用户名|User name)$")).fill(user, timeout=timeout_ms)
    page.get_by_label(re.compile("^(密码|Password)$")).fill(TEST_USERS[user][2])
    page.get_by_role("button", name=re.compile("^(登录|Log in)$")).click()


def open_page(browser, url: str, expected: str, timeout_ms: int = 30_000, user: str = "lead"):
    """Open a link, log in, wait for `expected`; seconds from the login click to `expected` shown.
    The browser's cookies are cleared first: a login survives in the browser (issue 17), and each
    test logs in as its own user."""
    browser.clear_cookies()
    page = browser.new_page()
    page.goto(url)
    log_in(page, user, timeout_ms)
    started = time.perf_counter()
    page.get_by_text(expected).first.wait_for(timeout=timeout_ms)
    seconds = time.perf_counter() - started
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms)
    return page, seconds


def no_errors_and_no_overflow(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, "a Python exception is shown"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page wider than 1366 px by {overflow} px"


def screenshot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its own container, so make the viewport as tall."""
    ARTIFACTS.mkdir(exist_ok=True)
    for _ in range(2):  # growing the viewport can lengthen the page (charts stretch)
        height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 768")
        page.set_viewport_size({"width": 1366, "height": min(max(height, 768), 5000)})
    page.wait_for_function(  # every plotly chart drawn
        "() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))",
        timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / f"dashboard_{name}.png"))


def test_overview_first_render_and_filter_via_url(server, browser):
    page, first_render = open_page(browser, f"{server}/?prefecture=654000&year=2024", "57.1%")
    print(f"\noverview first render (KPI visible): {first_render:.2f}s")
    try:
        assert page.get_by_text("n = 7").first.is_visible()
        assert page.get_by_text("统计日 2024-06-30").first.is_visible()
        assert page.locator(".lvzhi-tile").count() == 14  # the prefecture tile grid
        no_errors_and_no_overflow(page)
        screenshot(page, "overview_ili")
    finally:
        page.close()
    page, again = open_page(browser, f"{server}/?year=2024", "62.5%")  # another link: the region, 5/8
    print(f"overview, region link: {again:.2f}s")
    try:
        # The target is 3 s (issue 6); the bound here only catches a hang on a busy shared machine.
        assert again <= MAX_RENDER_SECONDS
        screenshot(page, "overview_region")
    finally:
        page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page(server, browser, name):
    title, text = PAGES[name]
    page, seconds = open_page(browser, f"{server}/{name}?prefecture=654000&year=2024", text)
    try:
        print(f"\n{name}: {seconds:.2f}s")
        assert page.locator("h1").filter(has_text=title).count() == 1
        assert page.get_by_text("统计日 2024-06-30").first.is_visible()
        no_errors_and_no_overflow(page)
        screenshot(page, name)
    finally:
        page.close()


def test_prefecture_user_sees_their_prefecture_only(server, browser):
    # A link to another prefecture (650200) opened by Ili's user shows Ili: the URL cannot widen the view.
    page, _ = open_page(browser, f"{server}/?prefecture=650200&year=2024", "57.1%", user="ili")
    try:
        assert page.locator(".lvzhi-tile").count() == 1
        assert page.get_by_text("克拉玛依").count() == 0
        assert page.get_by_text("当前用户：ili（州市用户）").first.is_visible()
        screenshot(page, "overview_prefecture_user")
    finally:
        page.close()


def test_a_download_is_audited(server, browser, handmade_home):
    from access import audit

    page, _ = open_page(browser, f"{server}/suggestions?prefecture=654000&year=2024", "超期未答复建议")
    try:
        before = [r for r in audit.read(handmade_home) if r["action"] == "download"]
        with page.expect_download() as download:
            page.get_by_role("button", name="下载 CSV").first.click()
        assert download.value.suggested_filename.endswith(".csv")
        deadline = time.monotonic() + 10  # the click's callback runs on the server just after
        while len([r for r in audit.read(handmade_home) if r["action"] == "download"]) == len(before):
            assert time.monotonic() < deadline, "no audit row for the download"
            time.sleep(0.2)
        row = [r for r in audit.read(handmade_home) if r["action"] == "download"][-1]
        assert row["user"] == "lead" and row["detail"]["file"] == download.value.suggested_filename
    finally:
        page.close()


def test_overdue_suggestions_visible(server, browser):
    page, _ = open_page(browser, f"{server}/suggestions?prefecture=654000&year=2024", "超期未答复建议")
    try:
        cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')  # the grid's accessible copy
        for text in ("S4", "S5", "州水利局", "51", "29"):
            cells.filter(has_text=text).first.wait_for(state="attached", timeout=10_000)
    finally:
        page.close()


def test_term_link(server, browser):
    page, _ = open_page(browser, f"{server}/?prefecture=654000&term=654000-15", "届期 伊犁哈萨克自治州人大 第15届")
    try:
        no_errors_and_no_overflow(page)
        screenshot(page, "overview_term")
    finally:
        page.close()


def test_english_link(server, browser):
    page, _ = open_page(browser, f"{server}/?lang=en&prefecture=654000", "Suggestion reply rate")
    try:
        assert page.get_by_text("Overview").first.is_visible()
        screenshot(page, "overview_english")
    finally:
        page.close()
