"""Atom 1.0 feeds (RFC 4287): the news, and separately the new and changed meetings.

Built with ElementTree, never text templates, so every value is escaped and the same site
gives the same bytes. Nothing depends on the clock: an entry's ``updated`` is its post's date
(midnight in the site's zone) or its event's revision, and a feed's ``updated`` is its newest
entry's (the build time only for an empty feed). Entry ids never change with the feed or the
build: a news post is ``tag:{domain},{date}:news/{slug}/{text language}`` (a reader of another
language gets the same entry as its own language's feed when it is shown in a fallback), a
meeting is its page's absolute URL in the language shown. Relative links in content are made
absolute, since feed readers show content away from the site.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import xml.etree.ElementTree as ET
import zoneinfo
from dataclasses import dataclass
from urllib.parse import urljoin

from babel.support import Translations

from ..dates import Dates
from ..i18n import pick, pick_text
from ..markup import Markup
from ..reads import Memo
from ..records import Event, Text
from ..recurrence import Occurrence
from ..site import Site
from ..urls import Urls
from .views import body_html

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LIMIT = 50          # entries per feed: enough for a reader to catch up, small to poll
MEDIA_TYPE = "application/atom+xml"
_HREF = re.compile(r'href="([^"]*)"')
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # no XML 1.0 has them


# -- the feeds --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    link: str                        # absolute
    lang: str                        # the language the entry is written in
    updated: dt.datetime
    published: dt.datetime | None = None
    author: str | None = None
    summary: str | None = None
    content: str | None = None       # HTML


def news_feed(site: Site, urls: Urls, lang: str, translations: Translations, markup: Markup,
              network: str | None = None) -> bytes:
    """The news of the site (or of one network) for readers of `lang`, newest first."""
    _ = translations.gettext
    zone = zoneinfo.ZoneInfo(site.config.timezone)
    entries = []
    for post in site.latest_news(network)[:LIMIT]:
        url, text = urls.item_for("news", post.slug, post.texts, lang)
        page = urls.absolute(url)
        day = dt.datetime.combine(post.date, dt.time(), zone)
        person = site.people.get(post.author) if post.author else None  # else a name as written
        entries.append(Entry(
            id=news_entry_id(urls, post.slug, post.date, text.lang), title=text.title, link=page,
            lang=text.lang, updated=day, published=day, author=person.name if person else post.author,
            summary=text.summary, content=_content(site, urls, lang, text, markup, page)))
    title, page = _title_and_page(site, urls, lang, network, _("%(name)s – news"),
                                  _("%(site)s – news"), "news")
    return _feed(site, urls, lang, title, urls.news_feed(lang, network), page, entries)


def meetings_feed(site: Site, urls: Urls, lang: str, translations: Translations,
                  network: str | None = None, memo: Memo | None = None) -> bytes:
    """One entry per event with meetings still to come, most recently changed first.

    Each event's entry is worked out once per language (`memo`): the site's feed has them all.
    """
    _ = translations.gettext
    dates = Dates.for_language(translations, site.config, lang)
    memo = memo or Memo()
    slugs = site.events_by_network.get(network, ()) if network else sorted(site.events)

    def entry(slug: str) -> Entry | None:
        return memo.get(site, ("meetings entry", lang, slug),
                        lambda: _meetings_entry(site, urls, lang, slug, dates, _))
    entries = sorted(filter(None, map(entry, slugs)), key=lambda e: (e.updated, e.id), reverse=True)
    title, page = _title_and_page(site, urls, lang, network, _("%(name)s – meetings"),
                                  _("%(site)s – meetings"), "events")
    return _feed(site, urls, lang, title, urls.meetings_feed(lang, network), page,
                 entries[:LIMIT])


def _meetings_entry(site: Site, urls: Urls, lang: str, slug: str, dates: Dates, _) -> Entry | None:
    """The event's entry: its next meeting (None if it has none to come)."""
    event = site.facts("events", slug)
    coming = [o for o in site.occurrences_of(slug) if o.ends_after(site.now)]
    if not coming:
        return None
    url, text = urls.item_for("events", slug, site.texts_of("events", slug), lang)
    return Entry(id=urls.absolute(url), title=_event_title(event, coming[0], text, _),
                 link=urls.absolute(url), lang=text.lang, updated=site.revision(slug).last_modified,
                 summary=_when_and_where(event, coming[0], dates, _))


def _title_and_page(site: Site, urls: Urls, lang: str, network: str | None, per_network: str,
                    whole_site: str, section: str) -> tuple[str, str]:
    """A feed's title (from its translated pattern) and the page it is the feed of."""
    if network:
        page = urls.item_for("networks", network, site.networks[network].texts, lang)[0]
        return per_network % {"name": _network_title(site, lang, network)}, page
    return whole_site % {"site": _site_title(site, lang)}, urls.section(lang, section)


def news_entry_id(urls: Urls, slug: str, date: dt.date, lang: str) -> str:
    """A tag: URI (RFC 4151) of one text of a post; the base URL's path keeps sites apart."""
    return f"tag:{urls.domain},{date.isoformat()}:{urls.prefix.lstrip('/')}news/{slug}/{lang}"


# -- parts ------------------------------------------------------------------------------------

def _feed(site: Site, urls: Urls, lang: str, title: str, self_url: str, page_url: str,
          entries: list[Entry]) -> bytes:
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: lang})
    _add(feed, "id", urls.absolute(self_url))
    _add(feed, "title", title)
    newest = max((e.updated for e in entries), default=site.built_at)
    _add(feed, "updated", rfc3339(newest))
    ET.SubElement(feed, "link", rel="self", type=MEDIA_TYPE, href=urls.absolute(self_url))
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=urls.absolute(page_url))
    author = ET.SubElement(feed, "author")   # covers every entry that names no author
    _add(author, "name", _site_title(site, lang))
    _add(author, "uri", urls.absolute(urls.home(lang)))
    for entry in entries:
        feed.append(_entry(entry, lang))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _entry(entry: Entry, lang: str) -> ET.Element:
    element = ET.Element("entry", {XML_LANG: entry.lang} if entry.lang != lang else {})
    _add(element, "id", entry.id)
    _add(element, "title", entry.title)
    ET.SubElement(element, "link", rel="alternate", type="text/html", href=entry.link)
    if entry.published:
        _add(element, "published", rfc3339(entry.published))
    _add(element, "updated", rfc3339(entry.updated))
    if entry.author:
        _add(ET.SubElement(element, "author"), "name", entry.author)
    if entry.summary:
        _add(element, "summary", entry.summary)
    if entry.content:
        _add(element, "content", entry.content).set("type", "html")
    return element


def _add(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = _NOT_XML.sub("", text)   # ElementTree would write them, and break the feed
    return child


def rfc3339(moment: dt.datetime) -> str:
    """``2023-10-04T00:00:00+02:00``; UTC as ``Z``."""
    if moment.utcoffset() == dt.timedelta(0):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat(timespec="seconds")


def _content(site: Site, urls: Urls, lang: str, text: Text, markup: Markup, page: str) -> str:
    """The body as the page shows it (`views.body_html`), with every link absolute."""
    body = body_html(site, urls, markup, text, lang)
    return _HREF.sub(lambda m: f'href="{html.escape(urljoin(page, html.unescape(m[1])))}"', body)


def _event_title(event: Event, next_one: Occurrence, text: Text, _) -> str:
    """The title, marked when a single meeting is cancelled or postponed (as in the ICS)."""
    if event.recurrence is None and next_one.status == "cancelled":
        return _("Cancelled: ") + text.title
    if event.recurrence is None and next_one.status == "postponed":
        return _("Postponed: ") + text.title
    return text.title


def _when_and_where(event: Event, occurrence: Occurrence, dates: Dates, _) -> str:
    """"Friday 4 December 2026, 08:30–10:00. Library, Street 8, Town" in the reader's words;
    a series names its next meeting."""
    when = dates.when(occurrence.start, occurrence.end)
    if event.recurrence:
        marks = {"cancelled": _("Cancelled: "), "postponed": _("Postponed: ")}
        when = _("Next meeting: %(when)s") % {"when": marks.get(occurrence.status, "") + when}
    parts = [when]
    if occurrence.status == "moved" and occurrence.original_start is not None:
        moved = occurrence.original_start
        parts.append(_("Moved from %(date)s") % {
            "date": dates.date(moved.date() if isinstance(moved, dt.datetime) else moved)})
    if event.place:
        parts.append(event.place.one_line)
    if event.online:
        parts.append(_("Online (%(service)s)") % {"service": event.online.service})
    return ". ".join(parts)


def _site_title(site: Site, lang: str) -> str:
    return pick(site.config.title, lang, site.config)[0]


def _network_title(site: Site, lang: str, network: str) -> str:
    return pick_text(site.networks[network].texts, lang, site.config).title
