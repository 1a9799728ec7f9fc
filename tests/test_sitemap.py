"""The sitemap and robots.txt, parsed with xml.etree."""
from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import sitegen.render.sitemap
from conftest import options
from sitegen.errors import Diagnostics
from sitegen.pipeline import load_site
from sitegen.plan import OutputJob, plan_site
from sitegen.render.sitemap import robots_txt, sitemap
from sitegen.urls import Urls

BASE = "https://example.org"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}


def item(title: str, *lines: str) -> str:
    return "\n".join(["---", f"title: {title}", *lines, "---", ""])


SITE = {
    "content/networks/bydel.da.md": item("Bydelsmødre"),
    "content/networks/bydel.en.md": item("Neighbourhood mothers"),
    "content/networks/lahti.fi.md": item("Lahden verkosto"),
    "content/news/2026-11-01-kaffe.da.md": item("Kaffe", "network: bydel"),
    "content/news/2026-11-01-kaffe.en.md": item("Coffee"),
    "content/events/weekly.fi.md": item("Aamukahvit", "network: lahti", "repeat: every week",
                                        "start: 2026-11-06 08:30", "timezone: Europe/Helsinki"),
    "content/events/single.da.md": item("Møde", "start: 2026-12-04 10:00"),
    "content/pages/about.da.md": item("Om"),
    "content/pages/about.fi.md": item("Tietoa"),
    "content/pages/about.en.md": item("About"),
}


@pytest.fixture
def built(make_site):
    """(site, urls, jobs) of the fixture site."""
    root = make_site(SITE)
    site = load_site(options(root), Diagnostics())
    urls = Urls(site.config)
    return site, urls, plan_site(site, urls, root / "nostatic", Diagnostics())


def parse(data: bytes) -> dict[str, dict]:
    """loc → {"alternates": {hreflang: href}, "lastmod": text or None}; locs must be unique."""
    urlset = ET.fromstring(data)
    assert urlset.tag == f"{{{NS['s']}}}urlset"
    found = {}
    for url in urlset.findall("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        assert loc not in found
        links = url.findall("xhtml:link", NS)
        assert all(link.get("rel") == "alternate" for link in links)
        alternates = {link.get("hreflang"): link.get("href") for link in links}
        assert len(alternates) == len(links)
        found[loc] = {"alternates": alternates, "lastmod": url.findtext("s:lastmod", namespaces=NS)}
    return found


def test_every_url_is_absolute_unique_and_a_page_the_build_writes(built):
    site, urls, jobs = built
    found = parse(sitemap(site, urls, jobs))
    pages = {urls.absolute(urls.prefix + job.path.removesuffix("index.html"))
             for job in jobs if job.path.endswith("index.html")}
    assert set(found) == pages and all(loc.startswith(f"{BASE}/") for loc in found)
    assert f"{BASE}/fi/events/weekly/2026-11-27/" in found and f"{BASE}/" in found


def test_feeds_calendars_and_static_files_are_not_listed(built):
    site, urls, jobs = built
    extra = [OutputJob("da/feed.xml", "atom-feed", "da"), OutputJob("404.html", "not-found"),
             OutputJob("static/site.css", "static", source="x")]
    found = parse(sitemap(site, urls, [*jobs, *extra]))
    assert not [loc for loc in found if not loc.endswith("/")]


def test_alternates_are_reciprocal_and_each_is_itself_in_the_sitemap(built):
    found = parse(sitemap(*built))
    checked = 0
    for loc, entry in found.items():
        alternates = entry["alternates"]
        for href in alternates.values():
            assert href in found
        for hreflang, href in alternates.items():
            if hreflang != "x-default":
                assert found[href]["alternates"] == alternates
                checked += 1
        if alternates and loc != f"{BASE}/":
            assert loc in alternates.values()
    assert checked > 100


def test_every_set_of_alternates_has_one_x_default_the_default_language_else_the_first(built):
    found = parse(sitemap(*built))
    for entry in found.values():
        alternates = entry["alternates"]
        assert not alternates or "x-default" in alternates
    assert found[f"{BASE}/da/about/"]["alternates"] == {
        "da": f"{BASE}/da/about/", "fi": f"{BASE}/fi/about/", "en": f"{BASE}/en/about/",
        "x-default": f"{BASE}/en/about/"}
    assert found[f"{BASE}/da/networks/bydel/"]["alternates"]["x-default"] == f"{BASE}/en/networks/bydel/"


def test_the_language_choice_is_the_x_default_of_the_homes_and_carries_their_alternates(built):
    found = parse(sitemap(*built))
    homes = {"da": f"{BASE}/da/", "fi": f"{BASE}/fi/", "en": f"{BASE}/en/", "x-default": f"{BASE}/"}
    assert found[f"{BASE}/"]["alternates"] == found[f"{BASE}/fi/"]["alternates"] == homes


def test_a_page_in_one_language_has_no_alternates(built):
    found = parse(sitemap(*built))
    assert found[f"{BASE}/fi/networks/lahti/"]["alternates"] == {}
    assert found[f"{BASE}/da/events/single/"]["alternates"] == {}


def test_an_item_is_listed_only_in_the_languages_it_is_written_in(built):
    found = parse(sitemap(*built))
    assert f"{BASE}/da/networks/lahti/" not in found
    assert f"{BASE}/en/events/single/" not in found
    assert set(found[f"{BASE}/da/news/kaffe/"]["alternates"]) == {"da", "en", "x-default"}


def test_only_news_posts_have_a_lastmod_their_date(built):
    found = parse(sitemap(*built))
    dated = {loc: entry["lastmod"] for loc, entry in found.items() if entry["lastmod"]}
    assert dated == {f"{BASE}/da/news/kaffe/": "2026-11-01", f"{BASE}/en/news/kaffe/": "2026-11-01"}


def test_the_order_is_by_location_whatever_the_order_of_the_jobs(built):
    site, urls, jobs = built
    data = sitemap(site, urls, jobs)
    shuffled = list(jobs)
    random.Random(5).shuffle(shuffled)
    assert sitemap(site, urls, shuffled) == data
    assert list(parse(data)) == sorted(parse(data))


def test_robots_txt_names_the_absolute_sitemap(built):
    site, urls, jobs = built
    lines = robots_txt(urls).decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert [line for line in lines if line.startswith("Sitemap:")] == [f"Sitemap: {BASE}/sitemap.xml"]


def test_a_site_under_a_path_has_its_sitemap_and_pages_there(make_site):
    root = make_site(SITE)
    site = load_site(options(root, base_url="https://example.org/verkostot/"), Diagnostics())
    urls = Urls(site.config)
    found = parse(sitemap(site, urls, plan_site(site, urls, Path(root / "nostatic"), Diagnostics())))
    assert all(loc.startswith(f"{BASE}/verkostot/") for loc in found)
    assert found[f"{BASE}/verkostot/"]["alternates"]["x-default"] == f"{BASE}/verkostot/"
    assert urls.sitemap() == "/verkostot/sitemap.xml"
    assert f"Sitemap: {BASE}/verkostot/sitemap.xml" in robots_txt(urls).decode()


def test_more_pages_than_one_sitemap_lists_are_in_files_that_sitemap_xml_indexes(make_site, monkeypatch):
    monkeypatch.setattr(sitegen.render.sitemap, "URLS_PER_FILE", 7)
    root = make_site(SITE)
    site = load_site(options(root), Diagnostics())
    urls = Urls(site.config)
    jobs = plan_site(site, urls, root / "nostatic", Diagnostics())
    parts = sorted((job for job in jobs if job.kind == "sitemap" and job.key), key=lambda job: int(job.key))
    index = ET.fromstring(sitemap(site, urls, jobs))
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    listed = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert listed == [f"{BASE}/{job.path}" for job in parts]
    assert listed == [f"{BASE}/sitemap-{number}.xml" for number in range(1, len(parts) + 1)]
    found = [parse(sitemap(site, urls, jobs, int(job.key))) for job in parts]
    assert len(found) >= 3 and all(len(urls_of_part) <= 7 for urls_of_part in found)
    monkeypatch.undo()
    whole = parse(sitemap(site, urls, jobs))
    assert [loc for part in found for loc in part] == list(whole)   # in order, each once
    assert {loc: entry for part in found for loc, entry in part.items()} == whole
