"""Issue 17 in a real browser: drill-through by links (URL and rows asserted), a login that survives
a reload and ends everywhere at logout, the phone width, nothing fetched from outside 127.0.0.1,
the PDF of the overview, and screenshots of every page at 1366 and 390 px (artifacts/)."""

from __future__ import annotations

import io
import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard import style

from tests.e2e import test_browser
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, log_in, open_page

server = test_browser.server  # the same fixture: `lvzhi serve` on the hand-made home

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not CHROMIUM.exists(), reason="需要 Debian 的 chromium")]
TIMEOUT = 30_000
PAGES = ("overview", "suggestions", "records", "attendance", "activities", "liaison", "stations", "trainings",
         "deputy", "sql", "docs", "reports", "exports", "quality", "admin")


@pytest.fixture(scope="module")
def playwright_chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(playwright_chromium):
    """A fresh browser (its own cookies) per test, as one leader's browser."""
    context = playwright_chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN",
                                              accept_downloads=True)
    yield context
    context.close()


def settled(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=TIMEOUT)


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def overdue_rows(page) -> set[str]:
    cells = page.locator('[data-testid="stDataFrame"] [role="gridcell"]')
    cells.first.wait_for(state="attached", timeout=TIMEOUT)
    return {text.strip() for text in cells.all_inner_texts()}


def test_matrix_cell_then_prefecture_then_overdue_records(server, context):
    page, _ = open_page(context, f"{server}/?year=2024", "需要关注")
    settled(page)
    # The matrix cell of Ili × 超期未答复件数 opens Ili's overview with that indicator.
    cell = page.locator("table.lvzhi-matrix tr", has_text="伊犁哈萨克自治州").locator("td.lvzhi-cell a").nth(4)
    cell.click()
    page.wait_for_url(re.compile(r"prefecture=654000"), timeout=TIMEOUT)
    settled(page)
    assert query(page)["prefecture"] == "654000" and query(page)["indicator"] == "suggestion_overdue_count"
    assert page.get_by_text("范围 伊犁哈萨克自治州").first.is_visible()  # still logged in after the reload
    # The 超期 card's link opens the records behind it.
    page.locator(".st-key-card_suggestion_overdue_count a", has_text="查看明细").click()
    page.wait_for_url(re.compile(r"/records\?"), timeout=TIMEOUT)
    settled(page)
    assert query(page)["prefecture"] == "654000" and query(page)["state"] == "overdue"
    texts = overdue_rows(page)
    assert {"S4", "S5", "州水利局", "州民政局", "51", "29", "2024-05-10"} <= texts
    page.screenshot(path=str(ARTIFACTS / "drill_records_ili.png"))


def test_the_overdue_card_leads_to_the_same_list(server, context):
    page, _ = open_page(context, f"{server}/?year=2024&prefecture=654000", "超期未答复件数")
    settled(page)
    page.locator(".st-key-card_suggestion_overdue_count a", has_text="查看明细").click()
    page.wait_for_url(re.compile(r"/records\?"), timeout=TIMEOUT)
    settled(page)
    assert query(page)["state"] == "overdue" and query(page)["prefecture"] == "654000"
    assert {"S4", "S5", "51", "29"} <= overdue_rows(page)
    # and a handling unit's count in the exceptions list leads to that unit's records
    page.goto(f"{server}/?year=2024&prefecture=654000")
    page.locator("table.lvzhi-chase a", has_text="州水利局").first.wait_for(timeout=TIMEOUT)
    page.locator("table.lvzhi-chase tr", has_text="州水利局").locator("td.lvzhi-overdue a").click()
    page.wait_for_url(re.compile(r"unit="), timeout=TIMEOUT)
    settled(page)
    assert query(page)["unit"] == "州水利局"
    texts = overdue_rows(page)
    assert "S4" in texts and "S5" not in texts


def test_a_reload_keeps_the_login_and_logout_ends_it_in_another_tab(server, context):
    first, _ = open_page(context, f"{server}/suggestions?year=2024&prefecture=654000", "超期未答复建议")
    settled(first)
    assert "lvzhi_session" in {c["name"] for c in context.cookies()}
    assert "lvzhi_session" not in first.url and all(c["value"] not in first.url for c in context.cookies())
    first.reload()
    first.get_by_text("超期未答复建议").first.wait_for(timeout=TIMEOUT)  # no login form after the reload
    second = context.new_page()  # a second tab of the same browser: logged in too
    second.goto(f"{server}/?year=2024")
    second.get_by_text("需要关注").first.wait_for(timeout=TIMEOUT)
    settled(second)
    first.get_by_role("button", name="退出登录").click()
    first.get_by_label("用户名").wait_for(timeout=TIMEOUT)
    second.get_by_label("年度").first.click()  # any action in the other tab: its session has ended
    second.keyboard.press("Escape")
    second.reload()
    second.get_by_label("用户名").wait_for(timeout=TIMEOUT)


def test_phone_width_no_horizontal_scroll_and_tiles_three_a_row(server, playwright_chromium):
    context = playwright_chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                              is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/?year=2024")
        log_in(page, "lead", TIMEOUT)
        page.get_by_text("需要关注").first.wait_for(timeout=TIMEOUT)
        settled(page)
        page.wait_for_timeout(1500)
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.set_viewport_size({"width": 390, "height": 6000})  # every element drawn (off-screen ones are not)
        page.wait_for_timeout(1500)
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
        tops = page.evaluate("() => [...document.querySelectorAll('.lvzhi-tile')].slice(0, 4)"
                             ".map(t => Math.round(t.getBoundingClientRect().top))")
        assert len(set(tops[:3])) == 1 and tops[3] > tops[0]  # three a row
        widths = page.evaluate("() => [...document.querySelectorAll('[data-testid=stMetric]')].slice(0, 3)"
                               ".map(m => m.closest('[data-testid=stColumn]').getBoundingClientRect().width)")
        assert widths and min(widths) > 300  # cards full width
    finally:
        context.close()


def test_nothing_is_fetched_from_outside(server, context):
    outside = []
    context.on("request", lambda request: outside.append(request.url)
               if urlsplit(request.url).hostname not in ("127.0.0.1", None) and not request.url.startswith("data:")
               else None)
    for name in ("overview", "suggestions", "attendance"):
        page, _ = open_page(context, f"{server}/{name}?year=2024", "统计日") if name == "overview" else (None, None)
        if page is None:
            page = context.new_page()
            page.goto(f"{server}/{name}?year=2024")
            page.get_by_text("统计日").first.wait_for(timeout=TIMEOUT)
        settled(page)
        page.wait_for_timeout(1500)
    # The icon is lvzhi's own: inline (a data: URL, nothing fetched) or served by the dashboard itself.
    icon = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icon and all(href == style.favicon() or urlsplit(href).hostname == "127.0.0.1" for href in icon)
    assert outside == []


def test_pdf_of_the_overview(server, context):
    from pypdf import PdfReader

    page, _ = open_page(context, f"{server}/?year=2024", "需要关注")
    settled(page)
    page.get_by_role("button", name="导出 PDF").click()
    ready = page.get_by_role("button", name="PDF 已生成，点击下载")
    ready.wait_for(timeout=120_000)
    with page.expect_download() as download:
        ready.click()
    data = open(download.value.path(), "rb").read()
    (ARTIFACTS / "overview.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 2
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert abs(width - 842) < 3 and abs(height - 595) < 3  # A4 landscape
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)).replace("\n", "")
    for title in ("总览", "需要关注", "建议答复率", "按期答复率", "超期未答复件数", "人代会出席率", "联系代表达标率"):
        assert title in text, title


@pytest.mark.parametrize("width", [1366, 390])
def test_screenshots_of_every_page(server, playwright_chromium, width):
    context = playwright_chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/?year=2024&prefecture=654000")
        log_in(page, "boss", TIMEOUT)
        page.get_by_text("需要关注").first.wait_for(timeout=TIMEOUT)
        for name in PAGES:
            page.set_viewport_size({"width": width, "height": 900})
            path = "" if name == "overview" else name  # the default page's URL is /
            page.goto(f"{server}/{path}?year=2024&prefecture=654000")
            page.locator("h1").first.wait_for(timeout=TIMEOUT)
            settled(page)
            page.wait_for_timeout(1200)
            assert page.locator('[data-testid="stException"]').count() == 0, name
            assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0, name
            height = page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollHeight || 900")
            page.set_viewport_size({"width": width, "height": min(max(height, 900), 6000)})
            page.wait_for_timeout(800)
            page.screenshot(path=str(ARTIFACTS / f"page_{name}_{width}.png"))
    finally:
        context.close()
