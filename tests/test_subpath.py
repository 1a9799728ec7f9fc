"""A site deployed under a path (``https://example.org/verkostot/``) lives wholly inside it."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import feedparser
import icalendar
import pytest
from test_search import results_for

import sitegen.search
from conftest import PROJECT, build_ok, served_folder, soup, write_files
from sitegen.errors import Diagnostics
from sitegen.linkcheck import check_links

BASE = "https://example.org/verkostot/"
PREFIX = "/verkostot/"
URL_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}
META_URLS = ("og:url", "og:image", "twitter:image")
# A page whose body links a site path and another content file, as editors write them.
ABOUT = """---
title: Tietoa
---
Katso [kalenteri](/fi/calendar/), [uutiset](/verkostot/fi/news/) ja
[Kemin verkosto](../networks/kemi-perhekeskus.fi.md).
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("subpath")
    shutil.copytree(PROJECT / "content", root / "content")
    write_files(root, {"content/pages/tietoa.fi.md": ABOUT})
    build_ok(root, base_url=BASE)
    return root / "output"


def references(output):
    """Every (file, URL) of the built site that names a place: pages, feeds, sitemap, calendars."""
    for path in sorted(output.rglob("*")):
        shown = path.relative_to(output).as_posix()
        page_url = urljoin(BASE, shown)
        if path.suffix == ".html":
            document = soup(path)
            for tag, attribute in URL_ATTRIBUTES.items():
                for element in document.find_all(tag, **{attribute: True}):
                    yield shown, urljoin(page_url, element[attribute])
            for meta in document.find_all("meta", property=META_URLS):
                yield shown, meta["content"]
        elif path.name == "sitemap.xml":
            for element in ET.parse(path).iter():
                if element.tag.endswith("}loc"):
                    yield shown, element.text
                elif element.get("href"):
                    yield shown, element.get("href")
        elif path.suffix == ".xml":
            feed = feedparser.parse(path.read_bytes())
            for entry in [feed.feed, *feed.entries]:
                for link in entry.get("links", []):
                    yield shown, link["href"]
        elif path.suffix == ".ics":
            for component in icalendar.Calendar.from_ical(path.read_bytes()).walk():
                if "URL" in component:
                    yield shown, str(component["URL"])


def test_every_reference_of_every_file_lies_inside_the_path_and_resolves(site):
    found, outside, dead = 0, [], []
    for shown, url in references(site):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname != "example.org":
            continue  # another site
        if parts.scheme not in ("http", "https", "webcal"):
            continue  # mailto:, tel:
        found += 1
        if not parts.path.startswith(PREFIX):
            outside.append((shown, url))
            continue
        file = site / parts.path[len(PREFIX):]
        if not (file.is_file() or (file / "index.html").is_file()):
            dead.append((shown, url))
    assert (outside, dead) == ([], [])
    assert found > 10_000  # pages, feeds, the sitemap and calendars were all read


def test_the_link_checker_finds_nothing_wrong_under_the_path(site):
    diagnostics = Diagnostics()
    report = check_links(site, BASE, site.parent, diagnostics)
    assert diagnostics.items == []
    assert report.links > 10_000


def test_site_paths_and_content_links_in_bodies_are_rewritten_under_the_path(site):
    body = soup(site / "fi/tietoa/index.html").find("main")
    links = {a.get_text(): a["href"] for a in body.find_all("a")}
    assert links["kalenteri"] == "/verkostot/fi/calendar/"
    assert links["uutiset"] == "/verkostot/fi/news/"   # written with the path already
    assert links["Kemin verkosto"] == "/verkostot/fi/networks/kemi-perhekeskus/"


def test_robots_txt_names_the_sitemap_under_the_path(site):
    assert (site / "robots.txt").read_text(encoding="utf-8").splitlines()[-1] == \
        "Sitemap: https://example.org/verkostot/sitemap.xml"


@pytest.mark.parametrize("part_pages", [None, 2])   # one index per language, or many parts
def test_search_results_lead_inside_the_path(browser, site, tmp_path, monkeypatch, part_pages):
    if part_pages:
        monkeypatch.setattr(sitegen.search, "PART_PAGES", part_pages)
        shutil.copytree(site.parent / "content", tmp_path / "parted/content")
        build_ok(tmp_path / "parted", base_url=BASE)
        site = tmp_path / "parted/output"
        assert len(json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))["fi"]) >= 3
    (tmp_path / "verkostot").symlink_to(site, target_is_directory=True)
    with served_folder(tmp_path) as url:
        found = results_for(browser, f"{url}/verkostot/fi/search/", "Kemi")
    assert {"/verkostot/fi/networks/kemi-perhekeskus/",
            "/verkostot/fi/events/verkostokahvit-2023-10/"} <= set(found)
    assert all(link.startswith("/verkostot/fi/") for link in found)
