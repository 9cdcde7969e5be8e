"""End to end: the real server (`policysearch serve` in a subprocess) driven by headless Chromium."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from liveserver import LiveServer, live_server
from paths import TEST_OUTPUT
from conftest import SCRIPT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TARGET_BACKGROUND = "rgb(255, 248, 214)"  # --target in style.css


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium is not installed ({CHROMIUM} missing; `apt-get install chromium`)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is not installed")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def corpus_server(corpus_index: Path) -> Iterator[LiveServer]:
    with live_server(corpus_index, threads=4) as server:
        yield server


@pytest.fixture(scope="module")
def fixture_server(fixture_index: Path) -> Iterator[LiveServer]:
    with live_server(fixture_index, threads=4) as server:
        yield server


@pytest.fixture
def page(browser, request):  # type: ignore[no-untyped-def]
    """A fresh context per test, with clipboard access for the server under test; any JavaScript
    dialog (alert from injected markup) is recorded so tests can assert none fired."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    yield page
    context.close()


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    TEST_OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(TEST_OUTPUT / name), full_page=True)


def total(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.inner_text(".summary .total"))


def test_search_facet_open_hit_and_cite(page, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=corpus_server.url)
    page.goto(corpus_server.url + "/")
    page.fill("input[name=q]", "再生资源回收")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".hit")
    first = page.locator(".hit").first
    assert first.locator(".hit-title").inner_text() == "苏州市人民政府第120次常务会议纪要"
    assert first.locator(".kind").inner_text() == "会议纪要"
    assert first.locator("mark").first.inner_text() in ("再生资源回收", "再生资源", "回收")
    before = total(page)
    assert before > 1
    screenshot(page, "search.png")

    # A department facet narrows the hits; its chip appears and the URL carries the filter.
    facet = page.locator("section.facet[data-facet=dept] a.facet-value").first
    name = facet.locator(".facet-label").inner_text()
    count = int(facet.locator(".facet-count").inner_text())
    assert count < before
    facet.click()
    page.wait_for_selector("a.chip.removable")
    assert total(page) == count
    assert f"涉及部门：{name}" in page.inner_text(".active-filters")
    assert "dept=" in page.url
    page.go_back()
    page.wait_for_selector(".hit")
    assert total(page) == before

    # Opening a hit lands on its paragraph, scrolled into view and visibly marked.
    href = first.locator(".hit-title a").get_attribute("href")
    para_id = href.split("#", 1)[1]
    first.locator(".hit-title a").click()
    page.wait_for_selector(f"section.para#{para_id}.is-target")
    target = page.locator(f"section.para#{para_id}")
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET_BACKGROUND
    assert target.evaluate("el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }")
    assert target.locator("mark").count() >= 1
    screenshot(page, "document.png")

    # 引用 copies the GB/T 7714 citation with page and permalink.
    button = target.locator("button.cite")
    expected = button.get_attribute("data-citation")
    assert expected.endswith(f"/doc/suzhou-gov-exec-120#{para_id}")
    button.click()
    page.wait_for_function("() => document.querySelector('.cite-status').textContent.startsWith('已复制')")
    assert page.evaluate("() => navigator.clipboard.readText()") == expected
    assert button.inner_text() == "已复制"


def test_cite_falls_back_to_a_selected_text_box(page, fixture_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(fixture_server.url + "/doc/suzhou-gov-exec-120#p12")
    page.wait_for_selector("section.para#p12.is-target")
    button = page.locator("#p12 button.cite")
    button.click()
    box = page.locator("#p12 textarea.cite-fallback")
    box.wait_for()
    assert box.input_value() == button.get_attribute("data-citation")
    assert box.input_value().endswith(f"{fixture_server.url}/doc/suzhou-gov-exec-120#p12")
    assert page.evaluate("() => document.activeElement.className") == "cite-fallback"
    assert page.inner_text(".cite-status") == "请按 Ctrl+C（⌘C）复制引用"


def test_script_text_in_documents_is_shown_as_text(page, fixture_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(fixture_server.url + "/?q=检验检测")
    page.wait_for_selector(".hit")
    titles = page.locator(".hit-title").all_inner_texts()
    assert "关于<script>alert(1)</script>检验 & 检测的通知" in titles
    assert SCRIPT in page.locator(".snippet").first.inner_text()
    page.goto(fixture_server.url + "/doc/test-xss?q=检验检测#p2")
    page.wait_for_selector("section.para#p2.is-target")
    assert page.inner_text("h1") == "关于<script>alert(1)</script>检验 & 检测的通知"
    assert SCRIPT in page.inner_text("#p2 .para-text")
    assert page.locator("#p2 mark").all_inner_texts() == ["检验检测"]
    page.goto(fixture_server.url + "/?q=测试段落")
    assert f"{SCRIPT}局" in page.inner_text("section.facet[data-facet=dept]")
    assert page.dialogs == []
    assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") == 0


def test_year_range_and_sort_are_kept_in_the_url(page, fixture_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(fixture_server.url + "/?q=安全生产")
    page.wait_for_selector(".hit")
    assert total(page) == 6
    page.fill("input[name=year_from]", "2021")
    page.click(".year-range button")
    page.wait_for_selector("a.chip.removable")
    assert total(page) == 3
    assert "year_from=2021" in page.url
    page.click(".sort a:text('最早')")
    page.wait_for_selector(".sort strong:text('最早')")
    assert "sort=oldest" in page.url and "year_from=2021" in page.url
    assert page.input_value("input[name=year_from]") == "2021"


OVERLAP_JS = """() => {
  const o = document.querySelector('nav.outline').getBoundingClientRect();
  const hits = [];
  for (const el of document.querySelectorAll('.para-text')) {
    const r = el.getBoundingClientRect();
    if (r.bottom <= 0 || r.top >= innerHeight) continue;  // off screen
    if (r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom) hits.push(el.closest('.para').id);
  }
  return hits;
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_outline_never_covers_the_text(browser, fixture_server: LiveServer, width: int) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(fixture_server.url + "/doc/suzhou-gov-exec-120#p12")
        page.wait_for_selector("section.para#p12.is-target")
        assert page.locator("nav.outline").count() == 1
        assert page.evaluate(OVERLAP_JS) == []
        screenshot(page, f"document-permalink-{width}.png")
        page.goto(fixture_server.url + "/doc/suzhou-gov-exec-120")
        page.wait_for_selector("section.para")
        for y in (600, 1200, 2400):
            page.evaluate(f"() => window.scrollTo(0, {y})")
            page.wait_for_function("() => window.scrollY > 0 || document.body.scrollHeight <= innerHeight")
            assert page.evaluate(OVERLAP_JS) == []
        page.screenshot(path=str(TEST_OUTPUT / f"document-scrolled-{width}.png"))
    finally:
        context.close()
