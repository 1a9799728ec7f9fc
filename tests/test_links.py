"""No dead links: every internal link, asset and hreflang alternate of the sample site resolves."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import soup

BASE = "https://example.org"


def pages(output):
    return sorted(output.rglob("*.html"))


def target_exists(output, url: str) -> bool:
    path = urlsplit(url).path
    file = output / path.lstrip("/")
    return (file / "index.html").is_file() if path.endswith("/") else file.is_file()


def test_every_internal_link_and_asset_resolves(sample_site):
    dead = []
    for path in pages(sample_site):
        document = soup(path)
        for tag, attribute in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in document.find_all(tag, **{attribute: True}):
                url = element[attribute]
                if url.startswith(BASE):
                    url = url[len(BASE):]
                if url.startswith("/") and not target_exists(sample_site, url):
                    dead.append((path.relative_to(sample_site).as_posix(), url))
    assert dead == []


def test_hreflang_alternates_are_reciprocal_and_include_x_default(sample_site):
    for path in pages(sample_site):
        if path.name == "404.html":  # shown at any address; it names no alternates
            continue
        document = soup(path)
        alternates = {link["hreflang"]: link["href"]
                      for link in document.find_all("link", rel="alternate", hreflang=True)}
        assert "x-default" in alternates, path
        canonical = document.find("link", rel="canonical")["href"]
        for lang, url in alternates.items():
            assert target_exists(sample_site, url), (path, url)
            if lang == "x-default":
                continue
            other = soup(sample_site / urlsplit(url).path.lstrip("/") / "index.html")
            back = {link["href"] for link in other.find_all("link", rel="alternate", hreflang=True)}
            assert canonical in back, (path, url)


@pytest.mark.parametrize("lang", ["da", "fi", "en"])
def test_every_page_of_a_language_declares_it(sample_site, lang):
    for path in sorted((sample_site / lang).rglob("index.html")):
        assert soup(path).html["lang"] == lang, path


def test_ids_are_unique_and_every_reference_to_one_exists(sample_site):
    problems = []
    for path in pages(sample_site):
        document = soup(path)
        ids = [element["id"] for element in document.find_all(id=True)]
        duplicates = {i for i in ids if ids.count(i) > 1}
        labelled = document.find_all(attrs={"aria-labelledby": True})
        wanted = {element["aria-labelledby"] for element in labelled}
        wanted |= {a["href"][1:] for a in document.find_all("a", href=True) if a["href"].startswith("#")}
        if duplicates or wanted - set(ids):
            problems.append((path.relative_to(sample_site).as_posix(), duplicates, wanted - set(ids)))
    assert problems == []


def test_every_feed_of_the_sample_site_is_valid_atom_linked_from_the_pages(sample_site):
    import feedparser

    feeds = sorted(sample_site.rglob("*.xml"))
    feeds = [path for path in feeds if path.name in ("feed.xml", "meetings.xml")]
    assert len(feeds) == 3 * 2 + 12 * 2  # per language, and per network in its two languages
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, (path, parsed.bozo_exception)
        for entry in parsed.entries:
            assert target_exists(sample_site, entry.link.removeprefix(BASE)), (path, entry.link)
    head = soup(sample_site / "fi/index.html").find_all("link", type="application/atom+xml")
    assert [link["href"] for link in head] == [f"{BASE}/fi/feed.xml", f"{BASE}/fi/meetings.xml"]


def test_the_sitemap_lists_existing_pages_only(sample_site):
    import xml.etree.ElementTree as ET

    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(sample_site / "sitemap.xml").getroot()
    locations = [loc.text for loc in root.iterfind("s:url/s:loc", namespace)]
    assert len(locations) == len(set(locations)) > 100
    assert all(target_exists(sample_site, url.removeprefix(BASE)) for url in locations)
    assert (sample_site / "robots.txt").read_text().splitlines()[-1] == f"Sitemap: {BASE}/sitemap.xml"
