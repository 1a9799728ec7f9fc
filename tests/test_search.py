"""Search: Pagefind's index per language, used in a real browser, and the page without it."""
from __future__ import annotations

import gzip
import json

import pytest
from playwright.sync_api import sync_playwright
from test_calendar_script import CHROMIUM

from conftest import served_folder

BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "these tests need Chromium: apt-get install chromium (make test installs it)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site_url(sample_site):
    with served_folder(sample_site) as url:
        yield url


def results_for(browser, url: str, words: str) -> list[str]:
    page = browser.new_page()
    try:
        page.goto(url)
        page.fill(".pagefind-ui__search-input", words)
        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
        # Results appear one by one as their data loads: wait until none is still loading.
        page.wait_for_function("""() => {
            const results = document.querySelectorAll(".pagefind-ui__result");
            return results.length > 0 && !document.querySelector(".pagefind-ui__loading");
        }""", timeout=15000)
        return [a.get_attribute("href") for a in page.query_selector_all(".pagefind-ui__result-link")]
    finally:
        page.close()


def test_listings_are_not_indexed_so_results_lead_to_the_items_themselves(browser, site_url):
    found = results_for(browser, f"{site_url}/en/search/", "Kemi")
    assert "/en/networks/kemi-perhekeskus/" in found
    assert not {"/en/", "/en/networks/", "/en/events/", "/en/news/"} & set(found)


def test_typing_a_name_on_the_finnish_search_page_finds_the_network(browser, site_url):
    found = results_for(browser, f"{site_url}/fi/search/", "Rantakari")
    assert "/fi/networks/paijat-hame-sosiaaliala/" in found
    assert all(url.startswith("/fi/") for url in found)


def test_each_language_searches_its_own_pages(browser, site_url):
    found = results_for(browser, f"{site_url}/da/search/", "Bydelsmødrene")
    assert "/da/networks/bydelsmoedre/" in found
    assert all(url.startswith("/da/") for url in found)


def test_without_javascript_the_search_page_lists_everything(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site_url}/fi/search/")
        links = [a.get_attribute("href") for a in page.query_selector_all(".search-fallback a")]
        assert page.is_visible(".search-fallback")
    finally:
        context.close()
    assert "/fi/networks/paijat-hame-sosiaaliala/" in links
    assert "/da/networks/bydelsmoedre/" in links or "/en/networks/bydelsmoedre/" in links


def indexed_pages(output) -> dict[str, str]:
    """What Pagefind stored of each page: its fragments are gzip'd JSON behind a signature."""
    pages = {}
    for fragment in (output / "pagefind/fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data["content"]
    return pages


def test_calendar_buttons_are_not_indexed_so_searches_do_not_find_them_on_every_page(sample_site):
    pages = indexed_pages(sample_site)
    assert "/fi/events/verkostokahvit-2023-10/" in pages and "/fi/networks/kemi-perhekeskus/" in pages
    assert [url for url, content in pages.items() if "Outlook.com" in content] == []
