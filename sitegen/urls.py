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
