"""Search: our small search form over Pagefind's index per language, in a real browser, and
the page without JavaScript."""
from __future__ import annotations

import gzip
import json
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

import sitegen.search
from conftest import PROJECT, SITE_YAML, build_ok, load_weight, loaded_files, served_folder, write_files
from sitegen.search import INDEXED, PARTS

# The status once a search has ended: neither empty nor the "Searching…" of the form's data.
SEARCH_ENDED = """() => {
    const text = document.querySelector(".search-status").textContent;
    return text !== "" && text !== document.querySelector(".search-form").dataset.searching;
}"""


@pytest.fixture(scope="module")
def site_url(sample_site):
    with served_folder(sample_site) as url:
        yield url


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def links_found(page) -> list[str]:
    return [a.get_attribute("href") for a in page.query_selector_all(".search-results a")]


def search(page, words: str) -> list[str]:
    """Type `words` into the search field of the open page; the links found once they show."""
    page.fill("#search-input", words)
    page.wait_for_selector(".search-results a", timeout=15000)
    page.wait_for_function(SEARCH_ENDED, timeout=15000)
    return links_found(page)


def results_for(browser, url: str, words: str) -> list[str]:
    """The links (hrefs, in order) that searching the page at `url` for `words` lists."""
    page = browser.new_page()
    try:
        page.goto(url)
        return search(page, words)
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


def test_the_status_says_how_many_results_were_found_in_the_pages_language(page, site_url):
    page.goto(f"{site_url}/fi/search/")
    found = search(page, "Rantakari")
    status = page.inner_text(".search-status")
    match = re.fullmatch(r"(\d+) (tulos|tulosta) haulla ”Rantakari”", status)
    assert match, status
    assert int(match[1]) == len(found) > 1  # fewer than ten: all of them are listed
    assert match[2] == "tulosta"            # the Finnish plural after a number other than 1


def test_a_search_without_a_match_says_so_and_shows_no_list(page, site_url):
    page.goto(f"{site_url}/fi/search/")
    page.fill("#search-input", "xyzzyplugh")
    page.wait_for_function(SEARCH_ENDED, timeout=15000)
    assert page.inner_text(".search-status") == "Ei tuloksia haulla ”xyzzyplugh”"
    assert page.eval_on_selector(".search-results", "list => [list.hidden, list.children.length]") \
        == [True, 0]
    assert not page.is_visible(".search-fallback")


def test_a_q_in_the_address_fills_the_field_and_searches_at_once(page, site_url):
    page.goto(f"{site_url}/en/search/?q=Kemi")
    page.wait_for_selector(".search-results a", timeout=15000)
    assert page.input_value("#search-input") == "Kemi"
    assert "/en/networks/kemi-perhekeskus/" in links_found(page)


def test_pressing_enter_searches_without_leaving_the_page_and_puts_the_words_in_the_address(
        page, site_url):
    page.goto(f"{site_url}/da/search/")
    page.evaluate("window.stillHere = true")
    # Set the words without an input event, so that only the submission can search.
    page.eval_on_selector("#search-input", "input => { input.value = 'Bydelsmødrene'; }")
    page.press("#search-input", "Enter")
    page.wait_for_selector(".search-results a", timeout=15000)
    assert page.evaluate("window.stillHere") is True
    address = urlsplit(page.url)
    assert (address.path, parse_qs(address.query)) == ("/da/search/", {"q": ["Bydelsmødrene"]})
    assert "/da/networks/bydelsmoedre/" in links_found(page)


def test_a_keyboard_user_tabs_from_the_field_past_the_button_to_the_first_result(page, site_url):
    page.goto(f"{site_url}/en/search/")
    found = search(page, "Kemi")
    page.focus("#search-input")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('.search-form button[type=submit]')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == found[0]


def test_pagefind_is_loaded_only_when_someone_searches(page, site_url):
    requested = []
    page.on("request", lambda request: requested.append(urlsplit(request.url).path))
    page.goto(f"{site_url}/en/search/", wait_until="load")
    assert [path for path in requested if "/pagefind/" in path] == []
    search(page, "Kemi")
    assert "/pagefind/pagefind.js" in requested


def test_without_javascript_the_form_reloads_the_page_which_lists_everything(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{site_url}/fi/search/")
        page.fill("#search-input", "Kemi")
        page.press("#search-input", "Enter")
        page.wait_for_url("**/fi/search/?q=Kemi")
        links = [a.get_attribute("href") for a in page.query_selector_all(".search-fallback a")]
        assert page.is_visible(".search-fallback")
    finally:
        context.close()
    assert "/fi/networks/paijat-hame-sosiaaliala/" in links
    assert "/da/networks/bydelsmoedre/" in links or "/en/networks/bydelsmoedre/" in links


def test_titles_and_excerpts_show_markup_characters_as_text(browser, tmp_path):
    network = "---\ntitle: Tom & Jerry <b>3</b>\n---\nJerry writes &lt;i&gt; & <i>not</i> italics.\n"
    root = write_files(tmp_path, {"content/site.yaml": SITE_YAML,
                                  "content/networks/tom.en.md": network})
    build_ok(root)
    with served_folder(root / "output") as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/en/search/")
            assert search(page, "Jerry") == ["/en/networks/tom/"]
            assert page.inner_text(".search-status") == "1 result for “Jerry”"
            assert page.inner_text(".search-results a") == "Tom & Jerry <b>3</b>"
            excerpt = page.query_selector(".search-results p")
            assert "<i> & not italics" in excerpt.inner_text()
            assert excerpt.eval_on_selector_all("*", "tags => tags.map(t => t.localName)") == \
                ["mark", "mark"]
        finally:
            page.close()


@pytest.mark.parametrize("lang", ["da", "fi", "en"])
def test_the_search_page_weighs_under_50_kb_with_its_styles_and_scripts(sample_site, lang):
    page = sample_site / lang / "search/index.html"
    loaded = {file.name for file in loaded_files(page, sample_site)}
    assert loaded == {"style.css", "calendar.js", "search.js"}   # not Pagefind's own UI
    assert load_weight(page, sample_site) < 50 * 1024


def indexed_pages(output, bundle: str = "") -> dict[str, str]:
    """What Pagefind stored of each page of a bundle: its fragments are gzip'd JSON behind a
    signature."""
    pages = {}
    for fragment in (output / "pagefind" / bundle / "fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = data["content"]
    return pages


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory):
    """The sample site with its index made in parts of at most 3 pages."""
    root = tmp_path_factory.mktemp("parted")
    shutil.copytree(PROJECT / "content", root / "content")
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(sitegen.search, "PART_PAGES", 3)
        build_ok(root)
    return root / "output"


def test_an_index_made_in_parts_holds_every_page_once_in_its_languages_bundles(sample_site, parted_site):
    assert json.loads((sample_site / "pagefind" / PARTS).read_text(encoding="utf-8")) == {}
    parts = json.loads((parted_site / "pagefind" / PARTS).read_text(encoding="utf-8"))
    assert sorted(parts) == ["da", "en", "fi"] and all(len(bundles) >= 2 for bundles in parts.values())
    found = [indexed_pages(parted_site)]
    for lang, bundles in parts.items():
        for bundle in bundles:
            pages = indexed_pages(parted_site, bundle)
            assert len(pages) <= 3 and {url.split("/")[1] for url in pages} == {lang}
            entry = json.loads((parted_site / "pagefind" / bundle / "pagefind-entry.json").read_text())
            assert list(entry["languages"]) == [lang]
            found.append(pages)
    assert sum(map(len, found)) == len(indexed_pages(sample_site))
    assert {url: text for pages in found for url, text in pages.items()} == indexed_pages(sample_site)
    assert [path for path in parted_site.parent.iterdir() if path.name.endswith(sitegen.search.WORK)] == []


# Words that each find fewer than ten pages, so the links listed are all the pages found.
@pytest.mark.parametrize(("lang", "words"), [("fi", "Kemi"), ("en", "network"), ("da", "netværk")])
def test_the_search_page_finds_the_pages_of_every_part(browser, site_url, parted_site, lang, words):
    with served_folder(parted_site) as parted_url:
        found = set(results_for(browser, f"{parted_url}/{lang}/search/", words))
    # Each part ranks and matches word beginnings on its own ("Kemi" finds "Kemin" where no
    # page of the part has "Kemi"): the parts find what the whole index finds, at least.
    assert set(results_for(browser, f"{site_url}/{lang}/search/", words)) <= found
    bundles = json.loads((parted_site / "pagefind" / PARTS).read_text(encoding="utf-8"))[lang]
    part_of = {url: bundle for bundle in ["", *bundles] for url in indexed_pages(parted_site, bundle)}
    assert len({part_of[url] for url in found}) >= 2


def test_calendar_buttons_are_not_indexed_so_searches_do_not_find_them_on_every_page(sample_site):
    pages = indexed_pages(sample_site)
    assert "/fi/events/verkostokahvit-2023-10/" in pages and "/fi/networks/kemi-perhekeskus/" in pages
    assert [url for url, content in pages.items() if "Outlook.com" in content] == []


def test_every_page_marked_for_the_index_is_one_pagefind_reads(sample_site):
    """Pagefind reads only the pages `search.INDEXED` names; a marked page elsewhere (a new
    kind of page, a new address) would silently be left out of the search."""
    patterns = [re.compile(pattern.replace("*", "[^/]+").replace(".", r"\.") + "$") for pattern in INDEXED]
    marked = [path.relative_to(sample_site).as_posix() for path in sample_site.rglob("*.html")
              if "data-pagefind-body" in path.read_text(encoding="utf-8")]
    assert len(marked) > 25
    assert [path for path in marked if not any(p.match(path) for p in patterns)] == []
    pages = json.loads((sample_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert sum(language["page_count"] for language in pages["languages"].values()) == len(marked)
