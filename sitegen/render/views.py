"""What templates show: links, meetings and contacts ready for one language's pages.

Templates receive ready-to-show values (links already resolved to a language the item is
written in, contacts with their role picked for the page language) so they stay free of
lookups and fallbacks. `Views` builds them; `pages` and `calendar` compose them into pages.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import jinja2
from babel.support import Translations
from markupsafe import Markup as Html
from markupsafe import escape

from ..calendar_links import google_subscribe_url, outlook_subscribe_urls, webcal_url
from ..dates import Dates
from ..i18n import pick
from ..markup import Markup
from ..reads import Memo
from ..records import Event, Person, Text
from ..recurrence import Occurrence
from ..site import Site
from ..urls import Urls


@dataclass(frozen=True, slots=True)
class ItemLink:
    """A link to an item for a visitor of one language; `lang` is the text's language."""

    url: str
    title: str
    summary: str | None
    lang: str
    draft: bool = False   # shown only with --drafts, and then marked wherever it is linked


@dataclass(frozen=True, slots=True)
class Meeting:
    occurrence: Occurrence | None   # None: a series whose dates are not known
    event: Event                     # for its facts: its texts are read through `link`
    link: ItemLink
    network: ItemLink | None
    series: bool = False   # the series as a whole (`Views.meeting_series`), not one of its dates


@dataclass(frozen=True, slots=True)
class Contact:
    person: Person
    role: str | None
    role_lang: str | None
    networks: tuple[ItemLink, ...] = ()


@dataclass(frozen=True, slots=True)
class Alternate:
    lang: str
    name: str
    url: str
    exists: bool   # False: the item is not written in this language; `url` is that home


class Views:
    """Builds the values pages of one language show, and the list items many pages share.

    The templates' `meeting_items` and `link_items` hand back each item's HTML rendered once
    per language (by `_macros.html`) and kept in the memo: a listing of every meeting is
    then a join, and one edit renders again only the items it touched.
    """

    def __init__(self, site: Site, env: jinja2.Environment, translations: Translations,
                 lang: str, urls: Urls, markup: Markup, catalogs: dict[str, Translations], memo: Memo):
        self.site, self.env, self.lang, self.urls, self.markup = site, env, lang, urls, markup
        self.memo = memo
        self.gettext = translations.gettext
        self.catalogs = catalogs  # every language's, for the pages that speak them all
        self.config = site.config
        self.dates = Dates.for_language(translations, site.config, lang)
        env.globals.update(meeting_items=self.meeting_items, link_items=self.link_items)

    def link(self, kind: str, slug: str) -> ItemLink:
        """A link to the item (worked out once per language: listings link every item)."""
        def compute() -> ItemLink:
            url, text = self.urls.item_for(kind, slug, self.site.texts_of(kind, slug), self.lang)
            return ItemLink(url, text.title, text.summary, text.lang, text.draft)
        return self.memo.get(self.site, ("link", self.lang, kind, slug), compute)

    def breadcrumbs(self, section: str, title: str, network: str | None = None) -> list[ItemLink]:
        """The way up from a deep page: a listing (``networks``, ``calendar``, ``news``) and,
        for a network's own calendar or news, the network."""
        crumbs = [ItemLink(self.urls.section(self.lang, section), title, None, self.lang)]
        return crumbs + [self.link("networks", network)] if network else crumbs

    def meeting(self, occurrence: Occurrence) -> Meeting:
        """An occurrence for a listing, linked to its own page (a series' meeting has one)."""
        def compute() -> Meeting:
            event = self.site.facts("events", occurrence.event)
            network = self.link("networks", event.network) if event.network else None
            link = self.link("events", event.slug)
            if event.recurrence:
                url = self.urls.occurrence(event.slug, occurrence.key, link.lang, series=True)
                link = replace(link, url=url)
            return Meeting(occurrence, event, link, network)
        return self.memo.get(self.site, ("meeting", self.lang, occurrence), compute)

    def meeting_series(self, slug: str) -> Meeting:
        """A series for a listing: its next meeting if its dates are known."""
        def compute() -> Meeting:
            event = self.site.facts("events", slug)
            upcoming = [o for o in self.site.occurrences_of(slug) if o.ends_after(self.site.now)]
            network = self.link("networks", event.network) if event.network else None
            return Meeting(upcoming[0] if upcoming else None, event, self.link("events", slug), network,
                           series=True)
        return self.memo.get(self.site, ("series", self.lang, slug), compute)

    @functools.cached_property
    def _macros(self) -> Any:
        return self.env.get_template("_macros.html").module

    def meeting_items(self, meetings: Iterable[Meeting], show_network: bool, time_only: bool) -> Html:
        """The ``<li>`` of each meeting. An item is keyed by what it shows and made again from
        it, so that the item keeps (and a page using it inherits) what the meeting read."""
        def item(m: Meeting) -> Html:
            which = m.event.slug if m.series else m.occurrence
            again = functools.partial(self.meeting_series if m.series else self.meeting, which)
            return self.memo.get(self.site, ("meeting item", self.lang, m.series, which, show_network,
                                             time_only),
                                 lambda: self._macros.meeting_item(again(), show_network, time_only))
        return Html("".join(map(item, meetings)))   # the items are HTML already

    def link_items(self, links: Iterable[ItemLink]) -> Html:
        """The ``<li>`` of each link, keyed by the link itself: it is all the item shows."""
        def item(link: ItemLink) -> Html:
            return self.memo.get(self.site, ("link item", self.lang, link),
                                 lambda: self._macros.link_item(link))
        return Html("".join(map(item, links)))

    def contact(self, person_id: str, networks: tuple[ItemLink, ...] = ()) -> Contact:
        person = self.site.people[person_id]
        role = pick(person.role, self.lang, self.config)
        return Contact(person, role[0] if role else None, role[1] if role else None, networks)

    def page(self, title: str, url: str, texts: Mapping[str, Text] | None = None,
             x_default: str | None = None) -> dict[str, Any]:
        """The context every page has: title, URL, language alternates and the switcher."""
        alternates = []
        for language in self.config.languages:
            exists = texts is None or language.code in texts
            if texts is None or exists:
                target = self._same_page_in(url, language.code)
            else:
                target = self.urls.home(language.code)
            alternates.append(Alternate(language.code, language.name, target, exists))
        return {"page": {"title": title, "url": url, "alternates": alternates,
                         "x_default": x_default or self._x_default(alternates)},
                "site_title": pick(self.config.title, self.lang, self.config)[0],
                "built_at": self.site.built_at.astimezone(self.site.now.tzinfo).date(),
                "nav_pages": [self.link("pages", slug) for slug in sorted(self.site.pages)]}

    def _same_page_in(self, url: str, lang: str) -> str:
        rest = url[len(self.urls.home(self.lang)):]
        return self.urls.home(lang) + rest

    def _x_default(self, alternates: list[Alternate]) -> str:
        existing = {a.lang: a.url for a in alternates if a.exists}
        return existing.get(self.config.default_language) or next(iter(existing.values()))

    def body(self, text: Text) -> str:
        return body_html(self.site, self.urls, self.markup, text, self.lang)

    def networks_list(self) -> list[ItemLink]:
        return [link for _, link in self.networks_by_title()]

    def networks_by_title(self) -> list[tuple[str, ItemLink]]:
        """Every network as (slug, link), in the alphabetical order of the titles shown.

        Worked out once per language: every calendar page lists them all.
        """
        def by_title() -> list[tuple[str, ItemLink]]:
            links = [(slug, self.link("networks", slug)) for slug in self.site.networks]
            return sorted(links, key=lambda pair: pair[1].title.casefold())
        return self.memo.get(self.site, ("networks by title", self.lang), by_title)

    def subscribe_links(self, feed: str, name: str) -> dict[str, str]:
        """Ways to subscribe to an ICS feed: its https and webcal URLs, Google, Outlook."""
        https = self.urls.absolute(feed)
        return {"https": https, "webcal": webcal_url(https), "google": google_subscribe_url(https),
                **outlook_subscribe_urls(https, name)}


_SITE_PATH = re.compile(r'href="/(?!/)')   # a site path, not a //host link


def body_html(site: Site, urls: Urls, markup: Markup, text: Text, lang: str) -> str:
    """A body as HTML for readers of `lang`: its links to content files become the items'
    pages, and site paths (``/fi/calendar/``) move under the base URL's path, so a site
    deployed at ``/verkostot/`` keeps them working (paths written with it stay as they are)."""
    html = markup.to_html(text.body)
    if urls.prefix != "/":
        under = f'href="{escape(urls.prefix)}'
        html = _SITE_PATH.sub(lambda m: m[0] if html.startswith(under, m.start()) else under, html)
    for target, (kind, item) in site.body_links.get(text.path, {}).items():
        fragment = target.partition("#")[2]
        if kind == "people":
            url = f"{urls.section(lang, 'contacts')}#{item}"
        else:
            url = urls.item_for(kind, item, site.texts_of(kind, item), lang)[0]
            url += f"#{fragment}" if fragment else ""
        html = html.replace(f'href="{escape(target)}"', f'href="{escape(url)}"')
    return html
