"""`Site`: the immutable result of the load phase, with the lookups pages need.

Every "items of this network" list is an index built once per load (`indexes`), so
rendering never scans all records for each page.
"""
from __future__ import annotations

import datetime as dt
import heapq
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .config import SiteConfig
from .filecache import FileCache
from .i18n import Grouped
from .indexes import indexed
from .records import Event, Network, NewsPost, Page, Person, Revision, Text
from .recurrence import Occurrence, expand_each, window_around
from .resolve import BodyLinks


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    now: dt.datetime                     # the moment that splits upcoming from past
    networks: dict[str, Network]
    people: dict[str, Person]
    events: dict[str, Event]
    news: dict[str, NewsPost]
    pages: dict[str, Page]
    occurrences: tuple[Occurrence, ...]  # every occurrence in time order
    occurrences_by_network: dict[str | None, tuple[Occurrence, ...]]  # each in time order
    occurrences_by_event: dict[str, tuple[Occurrence, ...]]
    occurrences_by_month: dict[tuple[int, int], tuple[Occurrence, ...]]  # by (year, month), local
    events_by_network: dict[str, tuple[str, ...]]
    news_by_network: dict[str, tuple[str, ...]]
    revisions: dict[str, Revision]       # per event slug; see `revision`
    built_at: dt.datetime                # aware UTC: the time a build says it was made
    window: tuple[dt.date, dt.date]      # the horizon series are expanded over
    body_links: BodyLinks                # links between content files, per text
    files: tuple[tuple[str, str], ...] = ()  # published as they are: (path in the site, source)
    region_names: dict[str, str] = field(default_factory=dict)   # see `regions`

    def facts(self, kind: str, slug: str) -> Network | Event | NewsPost | Page:
        """An item's record, read for its facts, not its texts (`texts_of`): the preview then
        renders again only the files that show a text an edit changed."""
        return getattr(self, kind)[slug]

    def texts_of(self, kind: str, slug: str) -> dict[str, Text]:
        """An item's texts by language (each is a read of its own in the preview)."""
        return getattr(self, kind)[slug].texts

    def revision(self, event: str) -> Revision:
        """The event's revision: from its history, its own `sequence`, or the build time."""
        override = self.facts("events", event).sequence
        found = self.revisions.get(event, Revision(0, self.built_at))
        return Revision(override, found.last_modified) if override is not None else found

    def upcoming(self, network: str | None = None) -> list[Occurrence]:
        """What is coming, soonest first: every single meeting not yet over at `now` (one
        under way counts) and the next meeting of each series, so a weekly series does not
        fill the list."""
        listed, seen = [], set()
        for occurrence in self._of(network):
            if not occurrence.ends_after(self.now) or occurrence.event in seen:
                continue
            if self.facts("events", occurrence.event).recurrence:
                seen.add(occurrence.event)
            listed.append(occurrence)
        return listed

    def past(self, network: str | None = None) -> list[Occurrence]:
        """Single meetings over at `now`, most recent first (series are listed as series)."""
        return [o for o in reversed(self._of(network))
                if not o.ends_after(self.now) and not self.facts("events", o.event).recurrence]

    def series(self, network: str | None = None) -> list[Event]:
        """Repeating meetings that have not ended, by slug."""
        slugs = self.events_by_network.get(network, ()) if network else sorted(self.events)
        events = [self.facts("events", slug) for slug in slugs]
        return [event for event in events if event.recurrence and not self.series_ended(event)]

    def series_ended(self, event: Event) -> bool:
        """Whether a series' last meeting (by `until`) is over."""
        until = event.recurrence.until if event.recurrence else None
        return until is not None and until < self.now.date()

    def occurrences_of(self, event: str) -> list[Occurrence]:
        return list(self.occurrences_by_event.get(event, ()))

    def _of(self, network: str | None) -> list[Occurrence]:
        if network is None:
            return list(self.occurrences)
        return list(self.occurrences_by_network.get(network, ()))

    def calendar(self, networks: set[str] | None = None) -> list[Occurrence]:
        """Every occurrence not yet over at `now`, of the given networks (None: all)."""
        if networks is None:
            chosen: Iterable[Occurrence] = self.occurrences
        else:
            chosen = heapq.merge(*(self.occurrences_by_network.get(n, ()) for n in sorted(networks)),
                                 key=Occurrence.sort_key)
        return [o for o in chosen if o.ends_after(self.now)]

    def occurrences_in_month(self, first: dt.date) -> list[Occurrence]:
        """The occurrences starting in the month of `first` (by local date), in time order."""
        return list(self.occurrences_by_month.get((first.year, first.month), ()))

    def regions(self) -> dict[str, str]:
        """The regions networks name, by slug: {"paijat-hame": "Päijät-Häme"}."""
        return self.region_names

    def networks_in(self, region: str) -> set[str]:
        return {slug for slug, n in self.networks.items() if n.region and region_slug(n.region) == region}

    def latest_news(self, network: str | None = None) -> list[NewsPost]:
        """News posts, newest first."""
        slugs = self.news_by_network.get(network, ()) if network else self.news
        return sorted((self.news[s] for s in slugs), key=lambda p: (p.date, p.slug), reverse=True)


def region_slug(name: str) -> str:
    """A URL-safe form of a region's name: "Päijät-Häme" → "paijat-hame"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "region"


def build_site(config: SiteConfig, grouped: Grouped, people: dict[str, Person],
               now: dt.datetime, revisions: dict[str, Revision] | None = None,
               built_at: dt.datetime | None = None, body_links: BodyLinks | None = None,
               files: tuple[tuple[str, str], ...] = (), cache: FileCache | None = None) -> Site:
    """Assemble the `Site`: expand series around `now` and index items by network. A `cache`
    kept between loads expands again only the events that changed and patches the indexes."""
    cache = cache or FileCache()
    window = window_around(now)
    expanded = expand_each(grouped.events, window, cache)
    last = cache.kept[1] if cache.kept and cache.kept[0] == window else None
    indexes = indexed(grouped.events, grouped.news, expanded, last)
    cache.kept = (window, indexes)
    return Site(config=config, now=now, networks=grouped.networks, people=people,
                events=grouped.events, news=grouped.news, pages=grouped.pages,
                occurrences=indexes.occurrences, window=window,
                occurrences_by_network=indexes.occurrences_by_network,
                occurrences_by_event=indexes.occurrences_by_event,
                occurrences_by_month=indexes.occurrences_by_month,
                events_by_network=indexes.events_by_network,
                news_by_network=indexes.news_by_network,
                revisions=revisions or {},
                built_at=built_at or now.astimezone(dt.UTC).replace(microsecond=0),
                body_links=body_links or {}, files=files,
                region_names=dict(sorted((region_slug(n.region), n.region)
                                         for n in grouped.networks.values() if n.region)))
