"""Clerk text stays text in the browser (issue 15): a county named with Markdown image syntax is
shown literally and makes the leaders' browser fetch nothing outside 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.parse
from datetime import date
from pathlib import Path

import pytest

from access import users
from ingest.run import ingest
from lvzhi.build import build
from lvzhi.home import Home
from tests.conftest import FIXTURES, HANDMADE_AS_OF, TEST_USERS, quiet
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, open_page, wait_until_up
from tests.ingest.conftest import write_csv

COUNTY = "![x](http://example.invalid/x.png)"
TITLE = "关于[修路](http://example.invalid/link)的建议 <img src=http://example.invalid/y.png>"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="需要 Debian 的 chromium：apt-get install -y chromium fonts-noto-cjk"),
]


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory) -> Home:
    home = Home.at(tmp_path_factory.mktemp("hostile_text"))
    ingest(home, [FIXTURES / "handmade"], submitted_on=date(2024, 12, 31), say=quiet)
    inbox = tmp_path_factory.mktemp("hostile_inbox")
    write_csv(inbox / "654000_建议_县区.csv", [
        ["建议编号*", "领衔代表编号*", "标题*", "提出日期*", "交办日期", "县区", "主办单位"],
        ["X1", "D1", TITLE, "2024-02-01", "2024-02-05", COUNTY, "http://example.invalid/unit"],
    ])
    results = ingest(home, [inbox], submitted_on=date(2024, 12, 31), say=quiet)
    assert results[0].rows_loaded == 1, results[0].message
    assert build(home, HANDMADE_AS_OF, say=quiet).success
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LVZHI_BCRYPT_ROUNDS", "4")
        role, prefectures, password = TEST_USERS["lead"]
        users.add(home, "lead", role, password, prefectures, display_name="lead")
    return home


@pytest.fixture(scope="module")
def hostile_server(hostile_home):
    port = free_port()
    lvzhi = Path(sys.executable).with_name("lvzhi")
    process = subprocess.Popen([str(lvzhi), "serve", "--home", str(hostile_home.root), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        finally:
            chromium.close()


@pytest.mark.parametrize("name", ["overview", "suggestions", "quality"])
def test_a_markdown_county_is_shown_as_text_and_fetches_nothing_outside(hostile_server, browser, name):
    outside = []
    browser.on("request", lambda request: outside.append(request.url) if not request.url.startswith(
        ("http://127.0.0.1", "data:", "blob:", "about:")) else None)
    county = urllib.parse.quote(COUNTY)
    page, _ = open_page(browser, f"{hostile_server}/{name}?prefecture=654000&year=2024&county={county}", "统计日 2024-06-30")
    try:
        caption = page.get_by_text("![x](http:", exact=False).first
        caption.wait_for(timeout=15_000)  # the scope in the page header, literally
        page.wait_for_timeout(1500)  # let anything the page would load start
        assert page.locator('img[src*="example.invalid"]').count() == 0
        links = page.locator('a[href*="example.invalid"]')
        assert links.count() == 0, [links.nth(i).evaluate("a => a.parentElement.parentElement.outerHTML.slice(0, 600)")
                                    for i in range(links.count())]
        assert not outside, outside
    finally:
        page.close()
