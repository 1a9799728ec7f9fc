"""HTML pages: the context each kind of page needs, rendered with its template."""
from __future__ import annotations

from typing import Any

from ..calendar_links import google_add_url, outlook_add_urls
from ..i18n import pick
from ..records import Event
from ..recurrence import Occurrence
from ..urls import NEWS_PER_PAGE, page_count
from .calendar import calendar_page, month_page
from .jsonld import event_data, network_data, script_tag, series_data
from .views import ItemLink, Meeting, Views

HOME_LIMIT = 5


class PageRenderer(Views):
    """Renders the HTML pages of one language."""

    def render(self, kind: str, slug: str | None = None, key: str | None = None) -> bytes:
        """Render a page of `kind` with the template of that name.

        `slug` names the item (or the network of a network's calendar) and `key` an
        occurrence, a month or a region, as the kind needs.
        """
        context = getattr(self, "_" + kind.replace("-", "_"))(slug, key)
        return self.env.get_template(f"{kind}.html").render(context).encode("utf-8")

    def _picked(self, which: str, network: str | None) -> list:
        """The site's `upcoming`, `series` or `past` (of the site or a network): picked once per
        build for every language, as each pick reads every event."""
        pick = getattr(self.site, which)
        return self.memo.get(self.site, ("picked", which, network), lambda: pick(network))

    def _meetings(self, network: str | None) -> dict[str, list[Meeting]]:
        return {"upcoming": [self.meeting(o) for o in self._picked("upcoming", network)],
                "series": [self.meeting_series(e.slug) for e in self._picked("series", network)],
                "past": [self.meeting(o) for o in self._picked("past", network)]}

    # -- page kinds -------------------------------------------------------------------------

    def _root(self, slug: None, key: None) -> dict[str, Any]:
        choices = [{"lang": lang.code, "name": lang.name, "url": self.urls.home(lang.code),
                    "title": pick(self.config.title, lang.code, self.config)[0]}
                   for lang in self.config.languages]
        return {"choices": choices, "page": {"title": self.config.title.get(
            self.config.default_language, next(iter(self.config.title.values()))),
            "url": self.urls.root(), "alternates": [],
            "x_default": self.urls.root()}}

    def _search(self, slug: None, key: None) -> dict[str, Any]:
        """The search page; without JavaScript, a list of everything on the site."""
        everything = [(self.gettext(title), [self.link(kind, slug) for slug in sorted(items)])
                      for kind, title, items in (
                          ("networks", "Networks", self.site.networks),
                          ("events", "Meetings", self.site.events),
                          ("news", "News", self.site.news),
                          ("pages", "Pages", self.site.pages))]
        return {**self.page(self.gettext("Search"), self.urls.section(self.lang, "search")),
                "everything": [(title, links) for title, links in everything if links],
                "searchable": False}

    def _not_found(self, slug: None, key: None) -> dict[str, Any]:
        """The page static hosts show for a missing URL: a way home in every language."""
        choices = [{"lang": lang.code, "url": self.urls.home(lang.code),
                    "message": self.catalogs[lang.code].gettext("Page not found"),
                    "home": self.catalogs[lang.code].gettext("Go to the front page")}
                   for lang in self.config.languages]
        return {"choices": choices}

    def _home(self, slug: None, key: None) -> dict[str, Any]:
        site_title = pick(self.config.title, self.lang, self.config)[0]
        # The language choice is the default for visitors of no listed language.
        return {**self.page(site_title, self.urls.home(self.lang), x_default=self.urls.root()),
                "upcoming": [self.meeting(o) for o in self._picked("upcoming", None)[:HOME_LIMIT]],
                "news": [self.link("news", p.slug) for p in self.site.latest_news()[:HOME_LIMIT]],
                "networks": self.networks_list(), "searchable": False}

    def _networks(self, slug: None, key: None) -> dict[str, Any]:
        return {**self.page(self.gettext("Networks"), self.urls.section(self.lang, "networks")),
                "networks": self.networks_list(), "searchable": False}

    def _events(self, slug: None, key: None) -> dict[str, Any]:
        return {**self.page(self.gettext("Meetings"), self.urls.section(self.lang, "events")),
                **self._meetings(None), "searchable": False}

    def _news(self, network: str | None, key: str) -> dict[str, Any]:
        """One page of the news listing, of the whole site or (all on one page) of a network."""
        number = int(key)
        # The whole site's news are sorted once for all its pages, not once per page.
        posts = (self.site.latest_news(network) if network else
                 self.memo.get(self.site, ("latest news",), self.site.latest_news))
        pages = 1 if network else page_count(len(posts))
        if not network:
            posts = posts[(number - 1) * NEWS_PER_PAGE:number * NEWS_PER_PAGE]
        title = self.gettext("News")
        texts, crumbs = None, self.breadcrumbs("news", title) if number > 1 else []
        if network:
            texts = self.site.networks[network].texts
            title = self.gettext("News: %(name)s") % {"name": texts[self.lang].title}
            crumbs = self.breadcrumbs("networks", self.gettext("Networks"), network)
        pagination = [(n, self.urls.news_page(self.lang, n, network)) for n in range(1, pages + 1)]
        return {**self.page(title, self.urls.news_page(self.lang, number, network), texts),
                "posts": [(post, self.link("news", post.slug)) for post in posts],
                "pagination": pagination if pages > 1 else [], "number": number, "searchable": False,
                "crumbs": crumbs}

    def _contacts(self, slug: None, key: None) -> dict[str, Any]:
        networks_of: dict[str, list[ItemLink]] = {}
        for slug, network in sorted(self.site.networks.items()):
            for person_id in network.contacts:
                networks_of.setdefault(person_id, []).append(self.link("networks", slug))
        people = sorted(self.site.people.values(), key=lambda p: p.name.casefold())
        return {**self.page(self.gettext("Contact persons"), self.urls.section(self.lang, "contacts")),
                "contacts": [self.contact(p.id, tuple(networks_of.get(p.id, ()))) for p in people]}

    def _network(self, slug: str, key: None) -> dict[str, Any]:
        network = self.site.networks[slug]
        text = network.texts[self.lang]
        return {**self.page(text.title, self.urls.item("networks", slug, self.lang), network.texts),
                "crumbs": self.breadcrumbs("networks", self.gettext("Networks")),
                "network": network, "text": text, "body": self.body(text),
                "jsonld": script_tag(network_data(self.site, self.urls, self.lang, network)),
                "subscribe": self.subscribe_links(self.urls.calendar_feed(self.lang, slug), text.title),
                "contacts": [self.contact(p) for p in network.contacts],
                **self._meetings(slug),
                "news": [self.link("news", p.slug) for p in self.site.latest_news(slug)]}

    def _event(self, slug: str, key: None) -> dict[str, Any]:
        """A single meeting's page, or a series' page with its next meetings."""
        event = self.site.events[slug]
        occurrences = self.site.occurrences_of(slug)
        if event.recurrence is None:
            return self._occurrence(slug, occurrences[0].key)
        upcoming = [self.meeting(o) for o in occurrences if o.ends_after(self.site.now)]
        return {**self._event_page(event, self.urls.item("events", slug, self.lang)),
                "occurrence": None, "past": False, "add_to_calendar": None,
                "crumbs": self.breadcrumbs("events", self.gettext("Meetings")),
                "upcoming": upcoming[:HOME_LIMIT],
                "jsonld": script_tag(series_data(self.site, self.urls, self.lang, event, self.markup))}

    def _occurrence(self, slug: str, key: str) -> dict[str, Any]:
        """One meeting: a single event, or one date of a series with its own page."""
        event = self.site.events[slug]
        occurrence = next(o for o in self.site.occurrences_of(slug) if o.key == key)
        url = self.urls.occurrence(slug, key, self.lang, series=event.recurrence is not None)
        crumbs = self.breadcrumbs("events", self.gettext("Meetings"))
        if event.recurrence:
            crumbs.append(self.link("events", slug))
        return {**self._event_page(event, url), "occurrence": occurrence, "crumbs": crumbs,
                "searchable": event.recurrence is None,  # a series is found by its own page
                "past": not occurrence.ends_after(self.site.now),
                "add_to_calendar": self._add_to_calendar(event, occurrence),
                "jsonld": script_tag(event_data(self.site, self.urls, self.lang, occurrence, self.markup))}

    def _event_page(self, event: Event, url: str) -> dict[str, Any]:
        text = event.texts[self.lang]
        return {**self.page(text.title, url, event.texts),
                "event": event, "text": text, "body": self.body(text),
                "network": self.link("networks", event.network) if event.network else None,
                "contacts": [self.contact(p) for p in event.contacts]}

    def _add_to_calendar(self, event: Event, occurrence: Occurrence) -> dict[str, str]:
        """The "add to calendar" links of one meeting: its .ics file, Google and Outlook."""
        text = event.texts[self.lang]
        page = self.urls.absolute(self.urls.occurrence(event.slug, occurrence.key, self.lang,
                                                       series=event.recurrence is not None))
        location = event.place.one_line if event.place else ""
        details = f"{text.summary}\n\n{page}" if text.summary else page
        links = {"ics": self.urls.occurrence_ics(event.slug, occurrence.key, self.lang),
                 "google": google_add_url(text.title, occurrence.start, occurrence.end, details,
                                          location, occurrence.all_day)}
        links.update(outlook_add_urls(text.title, occurrence.start, occurrence.end, details, location,
                                      occurrence.all_day))
        return links

    def _calendar(self, network: str | None, region: str | None) -> dict[str, Any]:
        return calendar_page(self, network, region)

    def _calendar_month(self, slug: None, month: str) -> dict[str, Any]:
        return month_page(self, month)

    def _news_post(self, slug: str, key: None) -> dict[str, Any]:
        post = self.site.news[slug]
        text = post.texts[self.lang]
        return {**self.page(text.title, self.urls.item("news", slug, self.lang), post.texts),
                "crumbs": self.breadcrumbs("news", self.gettext("News")),
                "post": post, "text": text, "body": self.body(text),
                "network": self.link("networks", post.network) if post.network else None,
                "author": self._author(post.author)}

    def _author(self, author: str | None) -> str | None:
        """The author's name: the person's when `author` is a person's id, else as written."""
        person = self.site.people.get(author) if author else None
        return person.name if person else author

    def _page(self, slug: str, key: None) -> dict[str, Any]:
        page = self.site.pages[slug]
        text = page.texts[self.lang]
        return {**self.page(text.title, self.urls.item("pages", slug, self.lang), page.texts),
                "text": text, "body": self.body(text)}
