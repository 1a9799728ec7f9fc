"""Accessibility in a real browser: axe-core on every kind of page, the keyboard, small screens.

Debian's Chromium runs the sample site served on 127.0.0.1; axe-core (npm, `make test`
installs it from package.json) is injected into each page.
"""
from __future__ import annotations

import pytest

from conftest import PROJECT, sample_pages, served_folder

AXE = PROJECT / "node_modules/axe-core/axe.min.js"
SERIOUS = ("critical", "serious")
# Where focus goes on a meeting page, in the order a keyboard user meets it.
FOCUS = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
               || style.boxShadow !== "none";
  return {tag: el.tagName, text: el.textContent.trim().slice(0, 40), ring: ring,
          where: el.closest(".languages") ? "languages"
               : el.closest(".add-to-calendar") ? "add to calendar" : ""};
}"""


@pytest.fixture(scope="module")
def site_url(sample_site):
    with served_folder(sample_site) as url:
        yield url


def serious_violations(page) -> list[tuple[str, str, list]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3])
            for v in result["violations"] if v["impact"] in SERIOUS]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_critical_or_serious_on_any_kind_of_page(browser, sample_site, site_url, scheme):
    assert AXE.is_file(), "axe-core is missing: npm ci (make test runs it)"
    page = browser.new_page(color_scheme=scheme, bypass_csp=True)   # axe is injected inline
    found, checked = {}, 0
    try:
        for kind, lang, path in sample_pages(sample_site):
            page.goto(site_url + path)
            violations = serious_violations(page)
            checked += 1
            if violations:
                found[f"{kind} ({lang or '-'}) {path}"] = violations
    finally:
        page.close()
    assert found == {}
    assert checked == len(sample_pages(sample_site))


KINDS = {"home", "networks", "events", "news", "contacts", "search", "calendar", "calendar month",
         "region calendar", "network", "network calendar", "network news", "meeting", "page"}


def test_the_pages_checked_cover_every_kind_in_every_language(sample_site):
    kinds: dict[str, set[str]] = {}
    for kind, lang, _ in sample_pages(sample_site):
        kinds.setdefault(lang, set()).add(kind)
    assert kinds == {"": {"language choice", "not found"}, "da": KINDS,
                     "en": KINDS | {"series", "series meeting", "news post"},
                     "fi": KINDS | {"series", "series meeting", "news post"}}


def test_axe_reports_a_page_that_breaks_the_rules(browser, site_url):
    page = browser.new_page(bypass_csp=True)
    try:
        page.goto(site_url + "/fi/")
        page.evaluate("() => { document.documentElement.removeAttribute('lang');"
                      " document.querySelector('main a').style.color = '#eee'; }")
        assert {"html-has-lang", "color-contrast"} <= {rule for rule, _, _ in serious_violations(page)}
    finally:
        page.close()


def test_tabbing_through_a_meeting_page_reaches_the_languages_and_the_calendar_links_visibly(
        browser, sample_site, site_url):
    path = "/fi/events/palvelupiste-perjantaisin/2026-11-27/"
    assert (sample_site / path.strip("/") / "index.html").is_file()
    page = browser.new_page()
    try:
        page.goto(site_url + path)
        stops = []
        for _ in range(80):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS)
            if stop["tag"] == "BODY" or (stops and stop == stops[0]):
                break
            stops.append(stop)
    finally:
        page.close()
    assert stops[0]["text"] == "Siirry sisältöön"   # the skip link comes first
    places = [stop["where"] for stop in stops]
    assert "languages" in places and "add to calendar" in places
    assert places.index("languages") < places.index("add to calendar")
    assert [stop for stop in stops if not stop["ring"]] == []


@pytest.mark.parametrize("width", [320, 1280])
def test_no_page_scrolls_sideways_on_a_small_phone_or_a_wide_screen(browser, sample_site, site_url, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    wide = {}
    try:
        for kind, lang, path in sample_pages(sample_site):
            page.goto(site_url + path)
            scroll = page.evaluate("() => document.documentElement.scrollWidth")
            if scroll > width:
                wide[f"{kind} ({lang or '-'}) {path}"] = scroll
    finally:
        page.close()
    assert wide == {}


def test_a_printed_meeting_page_leaves_out_navigation_and_buttons(browser, site_url):
    page = browser.new_page()
    try:
        page.goto(site_url + "/fi/events/palvelupiste-perjantaisin/2026-11-27/")
        page.emulate_media(media="print")
        shown = page.evaluate("""() => Object.fromEntries(
            [".site-nav", ".languages", ".breadcrumbs", ".add-to-calendar", "h1", ".facts"].map(
                s => [s, getComputedStyle(document.querySelector(s)).display !== "none"]))""")
    finally:
        page.close()
    assert shown == {".site-nav": False, ".languages": False, ".breadcrumbs": False,
                     ".add-to-calendar": False, "h1": True, ".facts": True}


def test_a_dark_system_preference_gives_a_dark_page(browser, site_url):
    backgrounds = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        try:
            page.goto(site_url + "/fi/")
            rgb = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        finally:
            page.close()
        backgrounds[scheme] = sum(int(n) for n in rgb[rgb.index("(") + 1:-1].split(",")[:3]) / 3
    assert backgrounds["light"] > 200 and backgrounds["dark"] < 60
