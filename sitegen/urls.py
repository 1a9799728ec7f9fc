"""The URL and output path of every page in every language.

Each page is a folder with an ``index.html``; URLs are absolute paths under the base URL's
path, so a site deployed at ``https://example.org/verkostot/`` links inside ``/verkostot/``.
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from .config import SiteConfig
from .i18n import pick_text
from .records import Text

NEWS_PER_PAGE = 10


def page_count(items: int) -> int:
    """How many listing pages `items` need: at least one, which may say there is nothing."""
    return max(1, -(-items // NEWS_PER_PAGE))


SECTIONS = {"networks": "networks", "events": "events", "news": "news", "pages": ""}


class Urls:
    def __init__(self, config: SiteConfig):
        self.config = config
        self.prefix = urlsplit(config.base_url).path  # "/" or "/verkostot/"

    def root(self) -> str:
        return self.prefix

    def home(self, lang: str) -> str:
        return f"{self.prefix}{lang}/"

    def section(self, lang: str, name: str) -> str:
        """A listing: ``/<lang>/<name>/`` (networks, events, news, contacts)."""
        return f"{self.prefix}{lang}/{name}/"

    def item(self, kind: str, slug: str, lang: str) -> str:
        section = SECTIONS[kind]
        return f"{self.prefix}{lang}/{section}/{slug}/" if section else f"{self.prefix}{lang}/{slug}/"

    def item_for(self, kind: str, slug: str, texts: Mapping[str, Text], lang: str) -> tuple[str, Text]:
        """Return the URL and text of an item for a visitor of `lang` (falling back)."""
        text = pick_text(texts, lang, self.config)
        return self.item(kind, slug, text.lang), text

    def occurrence(self, slug: str, key: str, lang: str, series: bool) -> str:
        """The page of one meeting: a series' meeting has its own page under the series'."""
        page = self.item("events", slug, lang)
        return f"{page}{key[:4]}-{key[4:6]}-{key[6:]}/" if series else page

    def occurrence_ics(self, slug: str, key: str, lang: str) -> str:
        """The "add to calendar" file of one meeting."""
        return f"{self.item('events', slug, lang)}{key}.ics"

    def calendar(self, lang: str, network: str | None = None) -> str:
        """The calendar page of the whole site or of one network."""
        if network:
            return f"{self.item('networks', network, lang)}calendar/"
        return self.section(lang, "calendar")

    def news_page(self, lang: str, number: int = 1, network: str | None = None) -> str:
        """A page of the news listing: ``/fi/news/``, ``/fi/news/page/2/``, or one network's."""
        first = f"{self.item('networks', network, lang)}news/" if network else self.section(lang, "news")
        return first if number == 1 else f"{first}page/{number}/"

    def calendar_month(self, lang: str, month: str) -> str:
        """The month grid of "YYYY-MM"."""
        return f"{self.section(lang, 'calendar')}{month}/"

    def calendar_region(self, lang: str, region: str) -> str:
        """The calendar of one region (its slug)."""
        return f"{self.section(lang, 'calendar')}region/{region}/"

    def calendar_feed(self, lang: str, network: str | None = None, region: str | None = None) -> str:
        """The ICS subscription feed of the whole site, one network or one region."""
        if network:
            return f"{self.item('networks', network, lang)}calendar.ics"
        if region:
            return f"{self.calendar_region(lang, region)}calendar.ics"
        return f"{self.home(lang)}calendar.ics"

    def news_feed(self, lang: str, network: str | None = None) -> str:
        """The Atom feed of news: ``/<lang>/feed.xml``, or a network's."""
        return f"{self.item('networks', network, lang) if network else self.home(lang)}feed.xml"

    def meetings_feed(self, lang: str, network: str | None = None) -> str:
        """The Atom feed of new and changed meetings: ``/<lang>/meetings.xml``, or a network's."""
        return f"{self.item('networks', network, lang) if network else self.home(lang)}meetings.xml"

    SITEMAP = "sitemap.xml"

    def sitemap(self, part: int | None = None) -> str:
        """The sitemap, or one of the files it is the index of."""
        return f"{self.prefix}{self.SITEMAP}" if part is None else f"{self.prefix}sitemap-{part}.xml"

    @property
    def domain(self) -> str:
        """The site's host name, the right-hand side of calendar UIDs."""
        return urlsplit(self.config.base_url).hostname or "localhost"

    def static(self, name: str) -> str:
        return f"{self.prefix}static/{name}"

    def absolute(self, url: str) -> str:
        """Return the full URL of a site path, for hreflang and canonical links."""
        origin = self.config.base_url[: len(self.config.base_url) - len(self.prefix)]
        return origin + url

    def output_path(self, url: str) -> str:
        """Return the output file of a page URL: ``/x/fi/`` → ``fi/index.html``."""
        relative = url[len(self.prefix):]
        return relative + "index.html" if relative.endswith("/") or not relative else relative
