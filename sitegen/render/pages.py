"""HTML pages: the context each kind of page needs, rendered with its template.

Templates receive ready-to-show values (links already resolved to a language the item is
written in, contacts with their role picked for the page language) so they stay free of
lookups and fallbacks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Mapping

import jinja2
from babel.support import Translations

from ..i18n import pick
from ..markup import Markup
from ..recurrence import Occurrence
from ..records import Event, Person, Text
from ..site import Site
from ..urls import Urls

HOME_LIMIT = 5


@dataclass(frozen=True, slots=True)
class ItemLink:
    """A link to an item for a visitor of one language; `lang` is the text's language."""

    url: str
    title: str
    summary: str | None
    lang: str


@dataclass(frozen=True, slots=True)
class Meeting:
    occurrence: Occurrence | None   # None: a series whose dates are not known
    event: Event
    link: ItemLink
    network: ItemLink | None


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


class PageRenderer:
    """Renders the HTML pages of one language."""

    def __init__(self, site: Site, env: jinja2.Environment, translations: Translations,
                 lang: str, urls: Urls, markup: Markup):
        self.site, self.env, self.lang, self.urls, self.markup = site, env, lang, urls, markup
        self.gettext = translations.gettext
        self.config = site.config

    def render(self, kind: str, slug: str | None) -> bytes:
        builder: Callable[..., dict[str, Any]] = getattr(self, "_" + kind.replace("-", "_"))
        context = builder(slug) if slug else builder()
        template = self.env.get_template(f"{kind}.html")
        return template.render(context).encode("utf-8")

    # -- shared pieces --------------------------------------------------------------------

    def link(self, kind: str, slug: str) -> ItemLink:
        items = {"networks": self.site.networks, "events": self.site.events,
                 "news": self.site.news, "pages": self.site.pages}[kind]
        url, text = self.urls.item_for(kind, slug, items[slug].texts, self.lang)
        return ItemLink(url, text.title, text.summary, text.lang)

    def meeting(self, occurrence: Occurrence) -> Meeting:
        event = self.site.events[occurrence.event]
        network = self.link("networks", event.network) if event.network else None
        return Meeting(occurrence, event, self.link("events", event.slug), network)

    def meeting_series(self, event: Event) -> Meeting:
        """A series for a listing: its next meeting if its dates are known."""
        upcoming = [o for o in self.site.occurrences_of(event.slug) if o.ends_after(self.site.now)]
        network = self.link("networks", event.network) if event.network else None
        return Meeting(upcoming[0] if upcoming else None, event, self.link("events", event.slug), network)

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
                "nav_pages": [self.link("pages", slug) for slug in sorted(self.site.pages)]}

    def _same_page_in(self, url: str, lang: str) -> str:
        rest = url[len(self.urls.home(self.lang)):]
        return self.urls.home(lang) + rest

    def _x_default(self, alternates: list[Alternate]) -> str:
        existing = {a.lang: a.url for a in alternates if a.exists}
        return existing.get(self.config.default_language) or next(iter(existing.values()))

    def body(self, text: Text) -> str:
        return self.markup.to_html(text.body)

    # -- page kinds -------------------------------------------------------------------------

    def _root(self) -> dict[str, Any]:
        choices = [{"lang": lang.code, "name": lang.name, "url": self.urls.home(lang.code),
                    "title": pick(self.config.title, lang.code, self.config)[0]}
                   for lang in self.config.languages]
        return {"choices": choices, "page": {"title": self.config.title.get(
            self.config.default_language, next(iter(self.config.title.values()))),
            "url": self.urls.root(), "alternates": [],
            "x_default": self.urls.root()}}

    def _home(self) -> dict[str, Any]:
        site_title = pick(self.config.title, self.lang, self.config)[0]
        # The language choice is the default for visitors of no listed language.
        return {**self.page(site_title, self.urls.home(self.lang), x_default=self.urls.root()),
                "upcoming": [self.meeting(o) for o in self.site.upcoming()[:HOME_LIMIT]],
                "news": [self.link("news", p.slug) for p in self.site.latest_news()[:HOME_LIMIT]],
                "networks": self._networks_list()}

    def _networks(self) -> dict[str, Any]:
        return {**self.page(self.gettext("Networks"), self.urls.section(self.lang, "networks")),
                "networks": self._networks_list()}

    def _networks_list(self) -> list[ItemLink]:
        links = [self.link("networks", slug) for slug in self.site.networks]
        return sorted(links, key=lambda link: link.title.casefold())

    def _events(self) -> dict[str, Any]:
        return {**self.page(self.gettext("Meetings"), self.urls.section(self.lang, "events")),
                "upcoming": [self.meeting(o) for o in self.site.upcoming()],
                "series": [self.meeting_series(e) for e in self.site.series()],
                "past": [self.meeting(o) for o in self.site.past()]}

    def _news(self) -> dict[str, Any]:
        posts = [(post, self.link("news", post.slug)) for post in self.site.latest_news()]
        return {**self.page(self.gettext("News"), self.urls.section(self.lang, "news")),
                "posts": posts}

    def _contacts(self) -> dict[str, Any]:
        networks_of: dict[str, list[ItemLink]] = {}
        for slug, network in sorted(self.site.networks.items()):
            for person_id in network.contacts:
                networks_of.setdefault(person_id, []).append(self.link("networks", slug))
        people = sorted(self.site.people.values(), key=lambda p: p.name.casefold())
        return {**self.page(self.gettext("Contact persons"), self.urls.section(self.lang, "contacts")),
                "contacts": [self.contact(p.id, tuple(networks_of.get(p.id, ()))) for p in people]}

    def _network(self, slug: str) -> dict[str, Any]:
        network = self.site.networks[slug]
        text = network.texts[self.lang]
        return {**self.page(text.title, self.urls.item("networks", slug, self.lang), network.texts),
                "network": network, "text": text, "body": self.body(text),
                "contacts": [self.contact(p) for p in network.contacts],
                "upcoming": [self.meeting(o) for o in self.site.upcoming(slug)],
                "series": [self.meeting_series(e) for e in self.site.series(slug)],
                "past": [self.meeting(o) for o in self.site.past(slug)],
                "news": [self.link("news", p.slug) for p in self.site.latest_news(slug)]}

    def _event(self, slug: str) -> dict[str, Any]:
        event = self.site.events[slug]
        text = event.texts[self.lang]
        occurrences = self.site.occurrences_of(slug)
        upcoming = [o for o in occurrences if o.ends_after(self.site.now)]
        return {**self.page(text.title, self.urls.item("events", slug, self.lang), event.texts),
                "event": event, "text": text, "body": self.body(text),
                "network": self.link("networks", event.network) if event.network else None,
                "contacts": [self.contact(p) for p in event.contacts],
                "upcoming": upcoming[:HOME_LIMIT] if event.recurrence else upcoming,
                "past": [o for o in reversed(occurrences) if not o.ends_after(self.site.now)]}

    def _news_post(self, slug: str) -> dict[str, Any]:
        post = self.site.news[slug]
        text = post.texts[self.lang]
        return {**self.page(text.title, self.urls.item("news", slug, self.lang), post.texts),
                "post": post, "text": text, "body": self.body(text),
                "network": self.link("networks", post.network) if post.network else None,
                "author": self.contact(post.author) if post.author else None}

    def _page(self, slug: str) -> dict[str, Any]:
        page = self.site.pages[slug]
        text = page.texts[self.lang]
        return {**self.page(text.title, self.urls.item("pages", slug, self.lang), page.texts),
                "text": text, "body": self.body(text)}
