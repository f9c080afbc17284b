"""Reader stories in a real browser (headless Chromium, JavaScript off), with axe-core."""

from __future__ import annotations

from typing import TYPE_CHECKING

import feedparser

from .conftest import CORRECTED, LiveArchive, screenshot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NIS = "nis-confirms-north-korean-special-forces-in-russia"
PAGES = {
    "home": "/",
    "entry": f"/entries/{CORRECTED}",
    "figures": "/figures",
    "figure": "/figures/nk-troops-in-russia",
    "timeline": "/timeline",
    "digest": "/digests/2024-10-18",
    "search": "/search?q=troops",
    "not-found": "/entries/no-such-entry",
}


def test_a_reader_follows_an_entry_to_its_figures_and_chart(page: Page) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "Latest entries"
    screenshot(page, "home")
    page.locator(f'main a[href="/entries/{NIS}"]').click()
    assert page.url.endswith(f"/entries/{NIS}")
    assert page.get_by_role("heading", name="Figures").is_visible()
    screenshot(page, "entry")
    page.get_by_role("link", name="every claim about this number").first.click()
    chart = page.get_by_role("img")
    assert chart.get_attribute("alt", timeout=5000) or ""
    page.wait_for_load_state("load")
    loaded = chart.evaluate("img => img.complete && img.naturalWidth")  # drawn, not broken
    assert loaded == 800
    assert page.locator("table td").first.is_visible()
    screenshot(page, "figure")


def test_a_reader_searches_and_meets_a_404(page: Page) -> None:
    page.goto("/search")
    page.get_by_label("Search the archive").fill('"special forces"')
    page.get_by_role("button", name="Search").click()
    assert page.locator("ol.results mark").first.is_visible()
    screenshot(page, "search")
    response = page.goto("/entries/no-such-entry")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    screenshot(page, "not-found")


def test_the_feed_reads_back_from_the_browser(page: Page) -> None:
    response = page.request.get("/feed.atom")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and any(item.title.startswith("Correction: ") for item in feed.entries)


def test_every_page_passes_axe_with_no_serious_or_critical_violation(
    browser: Browser, live_archive: LiveArchive
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    # axe-core is a script: this context allows it (the reader's pages above run none).
    context = browser.new_context(base_url=live_archive.url, bypass_csp=True)
    try:
        tab = context.new_page()
        problems = []
        for name, path in PAGES.items():
            tab.goto(path)
            screenshot(tab, f"desktop-{name}")
            violations = axe.run(tab).response["violations"]
            problems += [
                f"{path}: {v['id']} ({v['impact']}): {v['help']}"
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
        assert problems == []
    finally:
        context.close()
