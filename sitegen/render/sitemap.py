"""The sitemap (sitemaps.org, with ``xhtml:link`` hreflang alternates) and ``robots.txt``.

The sitemap is derived from the plan, so it lists exactly the pages the build writes: every
``…/index.html`` job. Pages are language versions of one another when their paths agree after
the language folder (``da/news/x/`` and ``fi/news/x/``), the rule the pages' own hreflang
links follow, so each version lists the same set and alternates are reciprocal by
construction. The plan writes an item's pages only in the languages it is written in, so
none is a fallback duplicate. The root language choice is the ``x-default`` of the homes.

A site of more pages than one sitemap may list (50,000) has them in ``sitemap-1.xml``,
``sitemap-2.xml`` …, in order of location, and ``sitemap.xml`` is the index that lists those.

``<lastmod>`` only where content dates a page: a news post's date. Event revisions count only
changes of time, place, status and title (and are the build time without git history), so
they would not date an event page honestly.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol
from xml.sax.saxutils import escape

from ..site import Site
from ..urls import Urls

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
HOMES = "index.html"   # the home's path within a language folder
URLS_PER_FILE = 50_000  # the protocol's limit for one sitemap
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"


class Job(Protocol):
    """What the sitemap reads of a `plan.OutputJob` (plan is a later layer than render)."""

    path: str
    kind: str
    lang: str | None
    slug: str | None
    key: str | None


def robots_txt(urls: Urls) -> bytes:
    """Allow everything and name the sitemap (crawlers read ``robots.txt`` only at the host's
    root, so a site under a path must have its host serve this there)."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute(urls.sitemap())}\n".encode()


def sitemap_files(pages: int) -> int:
    """How many sitemap files list `pages` pages (more than one: with ``sitemap.xml`` as their
    index)."""
    return max(1, -(-pages // URLS_PER_FILE))


def sitemap(site: Site, urls: Urls, jobs: Iterable[Job], part: int | None = None) -> bytes:
    """One ``<url>`` per indexable page, ordered by location, with its language versions; of a
    large site, the index of its sitemap files (`part` None) or the `part`-th of them."""
    versions: dict[str, dict[str, str]] = defaultdict(dict)   # path after the language → lang → URL
    alone: list[str] = []                                      # pages of no language
    root = None
    lastmod: dict[str, str] = {}
    for job in jobs:
        if not indexable(job):
            continue
        url = urls.prefix + job.path.removesuffix("index.html")
        if job.kind == "news-post":
            lastmod[url] = site.news[job.slug].date.isoformat()
        if job.lang and job.path.startswith(f"{job.lang}/"):
            versions[job.path[len(job.lang) + 1:]][job.lang] = url
        elif job.kind == "root":
            root = url
        else:
            alone.append(url)
    order = {code: index for index, code in enumerate(site.config.codes)}
    alternates: dict[str, list[tuple[str, str]]] = {url: [] for url in alone}
    for path, found in versions.items():
        langs = sorted(found, key=lambda code: (order.get(code, len(order)), code))
        x_default = root if path == HOMES and root else \
            found.get(site.config.default_language, found[langs[0]])
        links = [(code, found[code]) for code in langs] + [("x-default", x_default)] \
            if len(langs) > 1 or x_default not in found.values() else []
        alternates.update({found[code]: links for code in langs})
        if path == HOMES and root:
            alternates[root] = links
    if root and root not in alternates:
        alternates[root] = []
    located = sorted(alternates)
    files = sitemap_files(len(located))
    if files == 1:
        return _urlset(urls, located, alternates, lastmod)
    if part is None:
        return _index(urls, files)
    return _urlset(urls, located[(part - 1) * URLS_PER_FILE:part * URLS_PER_FILE], alternates, lastmod)


def indexable(job: Job) -> bool:
    """A page sitegen made (feeds, files and 404 pages are not, nor files published as they
    are). The plan writes an item's pages only in the languages it is written in, so no page is
    a fallback duplicate."""
    return job.kind != "static" and (job.path == "index.html" or job.path.endswith("/index.html"))


def _urlset(urls: Urls, located: list[str], alternates: dict[str, list[tuple[str, str]]],
            lastmod: dict[str, str]) -> bytes:
    """The XML written out line by line, as ElementTree indents it: a tree of every page's
    elements would hold about 100 MB at 40,000 pages."""
    lines = [DECLARATION, f'<urlset xmlns="{SITEMAP}" xmlns:xhtml="{XHTML}">']
    for url in located:
        lines.append(f"  <url>\n    <loc>{escape(urls.absolute(url))}</loc>")
        if url in lastmod:
            lines.append(f"    <lastmod>{lastmod[url]}</lastmod>")
        lines.extend(f'    <xhtml:link rel="alternate" hreflang="{_attribute(hreflang)}" '
                     f'href="{_attribute(urls.absolute(target))}" />' for hreflang, target in alternates[url])
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def _index(urls: Urls, files: int) -> bytes:
    lines = [DECLARATION, f'<sitemapindex xmlns="{SITEMAP}">']
    lines.extend(f"  <sitemap>\n    <loc>{escape(urls.absolute(urls.sitemap(part)))}</loc>\n  </sitemap>"
                 for part in range(1, files + 1))
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode()


def _attribute(value: str) -> str:
    return escape(value, {'"': "&quot;", "\t": "&#09;", "\n": "&#10;", "\r": "&#13;"})   # as ElementTree
