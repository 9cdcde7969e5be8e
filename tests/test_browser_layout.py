"""Layout facts in headless Chromium at a desktop (1366 px) and a phone (390 px) width.

The grouped results page, a document opened at a permalink (and printed), /decisions, a
department page, /meetings and the query-syntax help, each checked by bounding boxes: nothing
wider than the screen, the header on one line, no table column narrower than two characters, the
outline never over the text. Every test saves a screenshot into ``$POLICYSEARCH_SCREENSHOTS``, else
``screenshots/`` under pytest's temporary folder of the run.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from liveserver import LiveServer
from test_browser import OVERLAP_JS, TARGET_BACKGROUND, browser, corpus_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
SEED = "suzhou-gov-exec-120"
DEPARTMENT = "苏州市供销合作总社"

# Number of text lines an element's content occupies (distinct line boxes of its text).
LINES_JS = """el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = [];  // [top, bottom] of each line box; rects that overlap one are on that line
  for (const r of range.getClientRects()) {
    if (r.width === 0 || !range.toString().trim()) continue;
    if (!lines.some(([t, b]) => r.top < b && t < r.bottom)) lines.push([r.top, r.bottom]);
  }
  return lines.length;
}"""
# Header facts: lines of the site name and of the navigation, and whether they share a line.
HEADER_JS = f"""() => {{
  const lines = {LINES_JS};
  const name = document.querySelector('.site-name'), nav = document.querySelector('.site-nav');
  const n = name.getBoundingClientRect(), v = nav.getBoundingClientRect();
  const links = [...nav.querySelectorAll('a')].map(a => a.getBoundingClientRect());
  const navLines = links.every(r => lines(nav.querySelector('a')) === 1 && r.top < links[0].bottom && links[0].top < r.bottom) ? 1 : 2;
  return {{name: lines(name), nav: Math.max(navLines, ...[...nav.querySelectorAll('a')].map(lines)), sameLine: v.top < n.bottom && n.top < v.bottom,
           overflow: document.querySelector('.site-header').scrollWidth > document.querySelector('.site-header').clientWidth}};
}}"""
# Columns of every visible table (laid out as a table) narrower than two characters of its font.
NARROW_COLUMNS_JS = """() => {
  const narrow = [];
  for (const table of document.querySelectorAll('table')) {
    if (getComputedStyle(table).display !== 'table' || !table.offsetParent) continue;
    const row = table.tHead ? table.tHead.rows[0] : table.rows[0];
    for (const cell of row.cells) {
      const chars = cell.getBoundingClientRect().width / parseFloat(getComputedStyle(cell).fontSize);
      if (chars < 2) narrow.push(`${table.className}: ${cell.textContent.trim()} (${chars.toFixed(1)} characters)`);
    }
  }
  return narrow;
}"""
IN_VIEW_JS = "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("POLICYSEARCH_SCREENSHOTS") or tmp_path_factory.getbasetemp() / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def sized(browser, request) -> Iterator[object]:  # type: ignore[no-untyped-def]  # noqa: F811
    """A page in a fresh context at one of the two widths."""
    context = browser.new_context(viewport={"width": request.param, "height": 800}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def width_of(page) -> int:  # type: ignore[no-untyped-def]
    return page.viewport_size["width"]


def assert_page_fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing wider than the screen; the header on one line; no column under two characters."""
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= width_of(page)
    header = page.evaluate(HEADER_JS)
    assert header == {"name": 1, "nav": 1, "sameLine": True, "overflow": False}, header
    assert page.evaluate(NARROW_COLUMNS_JS) == []


def test_search_results_are_documents_with_their_best_paragraphs(sized, corpus_server: LiveServer, shots: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = sized
    page.goto(corpus_server.url + "/?q=安全生产")
    page.wait_for_selector(".hit")
    summary = page.inner_text(".summary")
    docs, paragraphs = (int(n) for n in re.search(r"共找到 (\d+) 篇文件，\s*(\d+) 段", summary).groups())
    assert (docs, paragraphs) == (36, 503)
    hits = page.locator("li.hit")
    assert hits.count() == 10
    ids = []
    for i in range(hits.count()):
        hit = hits.nth(i)
        href = hit.locator(".hit-title a").get_attribute("href")
        path, _, para = href.partition("#")
        doc_id = urlsplit(path).path.rsplit("/", 1)[1]
        ids.append(doc_id)
        assert para.startswith("p") and dict(parse_qsl(urlsplit(path).query))["q"] == "安全生产"
        assert hit.locator(":scope > p.snippet mark").count() >= 1  # the best paragraph, highlighted
        more = hit.locator(".more-hits li")
        assert more.count() <= 2
        for j in range(more.count()):
            assert urlsplit(more.nth(j).locator("a").get_attribute("href")).path == f"/doc/{doc_id}"
        others = hit.locator(".doc-hits a")
        if others.count():
            n = int(re.fullmatch(r"本文另有 (\d+) 段命中", others.inner_text()).group(1))
            assert n >= 1 and urlsplit(others.get_attribute("href")).path == f"/doc/{doc_id}"
    assert len(set(ids)) == len(ids), "each document once"
    assert page.locator(".doc-hits a").count() >= 3  # several laws match in hundreds of articles
    assert page.locator(".pager a.next").inner_text() == "下一页"
    assert_page_fits(page)
    facets, results = page.locator(".facets-panel"), page.locator(".results")
    summary_box = page.locator(".summary").bounding_box()
    if width_of(page) == 390:
        # The facets are folded into one 筛选 line after the result summary, which is the first
        # thing read (first in the DOM too) and on the first screen.
        assert facets.evaluate("el => el.open") is False
        assert facets.locator("summary").inner_text() == "筛选"
        assert page.locator(".summary").evaluate(IN_VIEW_JS)
        f = facets.bounding_box()
        assert summary_box["y"] + summary_box["height"] <= f["y"], "the summary above the 筛选 panel"
        assert f["y"] + f["height"] <= results.bounding_box()["y"], "the panel above the results"
        assert page.evaluate("() => document.querySelector('.summary').compareDocumentPosition("
                             "document.querySelector('.facets-panel')) & Node.DOCUMENT_POSITION_FOLLOWING") > 0
        page.screenshot(path=str(shots / "search-390-folded.png"))
        facets.locator("summary").click()
        assert facets.evaluate("el => el.open") is True
        assert page.locator("section.facet[data-facet=kind]").is_visible()
    else:
        assert facets.evaluate("el => el.open") is True and facets.locator("summary").is_hidden()
        f, r = facets.bounding_box(), results.bounding_box()
        assert f["x"] + f["width"] <= r["x"], "facets left of the results, side by side"
        assert summary_box["x"] >= f["x"] + f["width"] and summary_box["y"] + summary_box["height"] <= r["y"], \
            "the summary heads the results column"
    page.screenshot(path=str(shots / f"search-{width_of(page)}.png"), full_page=True)


def test_document_opened_at_a_permalink_shows_the_paragraph_beside_the_outline(sized, corpus_server: LiveServer, shots: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = sized
    page.goto(corpus_server.url + "/?q=再生资源回收&kind=minutes")
    page.wait_for_selector(".hit")
    link = page.locator(".hit-title a").first
    para_id = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_selector(f"section.para#{para_id}.is-target")
    assert urlsplit(page.url).path == f"/doc/{SEED}"
    target = page.locator(f"section.para#{para_id}")
    assert target.evaluate(IN_VIEW_JS), "the permalink's paragraph is on screen"
    assert target.evaluate("el => getComputedStyle(el).backgroundColor") == TARGET_BACKGROUND
    assert target.locator("mark").count() >= 1
    assert page.locator("nav.outline").count() == 1
    assert page.evaluate(OVERLAP_JS) == []
    assert_page_fits(page)
    page.screenshot(path=str(shots / f"document-permalink-{width_of(page)}.png"))
    for y in (0, 900, 2400, 5000):
        page.evaluate(f"() => window.scrollTo(0, {y})")
        page.wait_for_function(f"() => Math.abs(window.scrollY - Math.min({y}, document.scrollingElement.scrollHeight - innerHeight)) < 2")
        assert page.evaluate(OVERLAP_JS) == [], f"outline over the text at scroll {y}"
    page.screenshot(path=str(shots / f"document-scrolled-{width_of(page)}.png"))

    # The way back keeps the query and the filter.
    back = page.locator("a.back-link")
    assert back.inner_text() == "返回“再生资源回收”的检索结果"
    back.click()
    page.wait_for_selector(".hit")
    assert parse_qsl(urlsplit(page.url).query) == [("q", "再生资源回收"), ("kind", "minutes")]

    # On paper: the text at full width with its citation and permalink; no header, outline or buttons.
    page.go_back()
    page.wait_for_selector("section.para")
    page.emulate_media(media="print")
    for hidden in (".site-header", "nav.outline", ".doc-links", "button.cite", ".site-footer"):
        assert page.locator(hidden).first.is_hidden(), hidden
    citation = page.locator(".print-citation")
    assert citation.is_visible()
    assert citation.inner_text().startswith("引用：") and citation.inner_text().endswith(f"/doc/{SEED}")
    body = page.locator(".doc-body").bounding_box()
    assert body["width"] >= 0.95 * width_of(page)
    page.screenshot(path=str(shots / f"document-print-{width_of(page)}.png"), full_page=True)


def test_document_opened_from_a_search_steps_through_its_hits(sized, corpus_server: LiveServer, shots: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """再生资源回收 in the seed minutes: 5 matching paragraphs; the links and the n/p keys move
    between them, and the target paragraph is on screen each time."""
    page = sized
    page.goto(corpus_server.url + "/?q=再生资源回收&kind=minutes")
    page.wait_for_selector(".hit")
    page.locator(".hit-title a").first.click()
    page.wait_for_selector("section.para#p20.is-target")
    assert page.locator(".hit-count").inner_text() == "5"
    hits = page.locator("section.para.is-hit")
    ids = [hits.nth(i).get_attribute("id") for i in range(hits.count())]
    assert len(ids) == 5 and "p20" in ids
    assert page.locator(".hit-keys").is_visible()  # the script runs: the keys are offered
    at = ids.index("p20")
    target = page.locator("section.para#p20")
    assert target.locator(".hit-number").inner_text() == f"第 {at + 1}/5 处"
    assert target.locator("a.hit-prev").get_attribute("href") == f"#{ids[at - 1]}"
    page.keyboard.press("n")
    page.wait_for_selector(f"section.para#{ids[at + 1]}.is-target")
    assert page.locator(f"section.para#{ids[at + 1]}").evaluate(IN_VIEW_JS)
    page.keyboard.press("p")
    page.keyboard.press("k")
    page.wait_for_selector(f"section.para#{ids[at - 1]}.is-target")
    page.locator(f"section.para#{ids[at - 1]} a.hit-next").click()
    page.wait_for_selector("section.para#p20.is-target")
    assert urlsplit(page.url).fragment == "p20"
    page.locator("section.para#p20 .hit-nav").evaluate("el => el.scrollIntoView()")
    assert_page_fits(page)
    page.screenshot(path=str(shots / f"document-hits-{width_of(page)}.png"))


@pytest.mark.parametrize("path", ["/decisions", f"/dept/{DEPARTMENT}", "/meetings", "/help/query"])
def test_pages_fit_the_screen(sized, corpus_server: LiveServer, shots: Path, path: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = sized
    page.goto(corpus_server.url + path)
    page.wait_for_selector("h1")
    assert page.locator("h1").count() == 1
    assert_page_fits(page)
    # a fact's label and its value start on one line (they once flowed apart on a department page)
    assert page.evaluate("""() => [...document.querySelectorAll('.doc-meta dt')].filter(dt => {
        const dd = dt.nextElementSibling;
        return !dd || dt.parentElement.tagName !== 'DIV' || Math.abs(dt.getBoundingClientRect().top - dd.getBoundingClientRect().top) > 4;
    }).map(dt => dt.textContent)""") == []
    name = path.strip("/").split("/")[0]
    page.screenshot(path=str(shots / f"{name}-{width_of(page)}.png"), full_page=True)


def test_decisions_are_cards_on_a_phone_and_a_table_on_a_desktop(sized, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = sized
    page.goto(corpus_server.url + "/decisions")
    page.wait_for_selector("table.decisions-table tbody tr")
    table = page.locator("table.decisions-table")
    first = table.locator("tbody tr").first
    summary, facets = page.locator(".summary").bounding_box(), page.locator(".facets-panel")
    if width_of(page) == 390:
        assert table.evaluate("el => getComputedStyle(el).display") == "block"
        card = first.bounding_box()
        assert card["width"] >= 0.8 * width_of(page)
        assert first.locator("td[data-label=会议]").evaluate("el => getComputedStyle(el, '::before').content") == '"会议："'
        # as on the search page: the summary, then the folded 筛选 panel, then the cards
        assert facets.evaluate("el => el.open") is False
        f = facets.bounding_box()
        assert summary["y"] + summary["height"] <= f["y"] and f["y"] + f["height"] <= card["y"]
        # a long decision is cut, and 展开 shows the whole of it
        details = first.locator("details.decision-text") if first.locator("details.decision-text").count() \
            else table.locator("details.decision-text").first
        preview = details.locator(".preview")
        assert preview.inner_text().endswith("…") and details.locator("p").is_hidden()
        details.locator("summary").click()
        assert details.locator("p").is_visible() and preview.is_hidden()
        assert details.locator(".when-open").inner_text() == "收起"
    else:
        assert table.evaluate("el => getComputedStyle(el).display") == "table"
        assert table.locator("thead th").first.is_visible()
        f, t = facets.bounding_box(), table.bounding_box()
        assert f["x"] + f["width"] <= t["x"] and f["y"] < t["y"] + t["height"], "facets beside the table"
        assert summary["x"] >= f["x"] + f["width"]
        meeting = table.locator("tbody td.meeting").first
        assert meeting.evaluate(LINES_JS) <= 3, "the meeting name is readable, not a column of characters"


def test_department_page_advertises_its_feed(sized, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = sized
    page.goto(corpus_server.url + f"/dept/{DEPARTMENT}")
    feed = page.locator("link[rel=alternate][type='application/atom+xml']")
    assert feed.get_attribute("title") == f"政策文件检索：涉及部门：{DEPARTMENT}"
    assert page.locator("h1").inner_text() == DEPARTMENT


def test_year_chart_links_are_reachable_by_assistive_technology(sized, corpus_server: LiveServer) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The chart is a group of links (an ``img`` role would hide them from screen readers)."""
    page = sized
    page.goto(corpus_server.url + "/?q=安全生产")
    page.wait_for_selector(".year-chart svg")
    assert page.locator(".year-chart svg").get_attribute("role") == "group"
    bars = page.get_by_role("link", name=re.compile(r"^\d{4} 年：\d+ 条$"))
    assert bars.count() == page.locator(".year-chart a.bar").count() >= 2
