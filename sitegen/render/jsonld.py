"""schema.org JSON-LD for search engines: an `Event` per meeting, `EventSeries`, `Organization`.

Each meeting page describes one `Event` (Google wants one Event and one URL per date); a
series page lists its coming meetings by the `@id` of their pages. Times are the same
instants as the calendar files and the pages' ``<time datetime>``: wall-clock time with the
offset valid on that date, in minutes; all-day meetings are dates only. Contact details are
only those the pages already show.
"""
from __future__ import annotations

import datetime as dt
import json

from markupsafe import Markup as Html

from ..i18n import pick
from ..markup import Markup
from ..records import Event, Network, Place, Text
from ..recurrence import Occurrence, span
from ..site import Site
from ..urls import Urls

CONTEXT = "https://schema.org"
SERIES_LIMIT = 10
STATUS = {"scheduled": "EventScheduled", "cancelled": "EventCancelled",
          "postponed": "EventPostponed", "moved": "EventRescheduled"}
ATTENDANCE = {"offline": "OfflineEventAttendanceMode", "online": "OnlineEventAttendanceMode",
              "mixed": "MixedEventAttendanceMode"}
# Characters that could end the <script> element or start markup inside it, as JSON escapes.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def event_data(site: Site, urls: Urls, lang: str, occurrence: Occurrence,
               markup: Markup | None = None) -> dict:
    """The `Event` of one meeting's page, for a visitor of `lang`.

    The title, description and URLs are those of the text the site shows for `lang` (its
    fallback when the event is not written in `lang`); `inLanguage` says which text that is.
    """
    event = site.events[occurrence.event]
    event_page, text = urls.item_for("events", event.slug, event.texts, lang)
    page = urls.absolute(urls.occurrence(event.slug, occurrence.key, text.lang,
                                         series=event.recurrence is not None))
    data = {"@context": CONTEXT, "@type": "Event", "@id": page + "#event", "url": page,
            "name": text.title, "inLanguage": text.lang,
            "startDate": iso(occurrence.start), "endDate": iso(_end(occurrence)),
            "eventStatus": f"{CONTEXT}/{STATUS[occurrence.status]}",
            "eventAttendanceMode": f"{CONTEXT}/{ATTENDANCE[event.attendance]}"}
    if occurrence.status == "moved" and occurrence.original_start is not None:
        data["previousStartDate"] = iso(occurrence.original_start)
    location = _location(event, page)
    if location is not None:
        data["location"] = location
    description = _description(text, markup or Markup())
    if description:
        data["description"] = description
    if event.network:
        data["organizer"] = _organizer(site, urls, lang, event.network)
    if event.recurrence is not None:
        data["superEvent"] = {"@id": urls.absolute(event_page) + "#series"}
    return data


def series_data(site: Site, urls: Urls, lang: str, event: Event, markup: Markup | None = None) -> dict:
    """The `EventSeries` of a repeating event's page; `subEvent` points at the pages of its
    next meetings (at most `SERIES_LIMIT`, cancelled ones included: their pages say so)."""
    if event.recurrence is None:
        raise ValueError(f"event '{event.slug}' does not repeat; it has no series")
    url, text = urls.item_for("events", event.slug, event.texts, lang)
    page = urls.absolute(url)
    data = {"@context": CONTEXT, "@type": "EventSeries", "@id": page + "#series", "url": page,
            "name": text.title, "inLanguage": text.lang,
            "eventAttendanceMode": f"{CONTEXT}/{ATTENDANCE[event.attendance]}"}
    upcoming = [o for o in site.occurrences_of(event.slug) if o.ends_after(site.now)]
    if upcoming:
        data["subEvent"] = [
            {"@id": urls.absolute(urls.occurrence(event.slug, o.key, text.lang, series=True)) + "#event"}
            for o in upcoming[:SERIES_LIMIT]]
    description = _description(text, markup or Markup())
    if description:
        data["description"] = description
    if event.network:
        data["organizer"] = _organizer(site, urls, lang, event.network)
    return data


def network_data(site: Site, urls: Urls, lang: str, network: Network) -> dict:
    """The `Organization` of a network's page, with a `ContactPoint` for the network's own
    e-mail and phone and one for each contact person."""
    url, text = urls.item_for("networks", network.slug, network.texts, lang)
    page = urls.absolute(url)
    data = {"@context": CONTEXT, "@type": "Organization", "@id": page + "#organization",
            "url": page, "name": text.title}
    if text.summary:
        data["description"] = text.summary
    if network.website:
        data["sameAs"] = network.website
    points = []
    phones = (network.phone,) if network.phone else ()
    own = _contact_point(text.title, "network", network.email, phones)
    if "email" in own or "telephone" in own:
        points.append(own)
    for person_id in network.contacts:
        person = site.people.get(person_id)
        if person is None:
            continue
        point = _contact_point(person.name, "contact person", person.email, person.phones)
        role = pick(person.role, lang, site.config)
        if role:
            point["description"] = role[0]
        points.append(point)
    if points:
        data["contactPoint"] = points
    return data


def script_tag(data: dict) -> Html:
    """The ``<script type="application/ld+json">`` element of `data`.

    The JSON is deterministic (sorted keys, compact, UTF-8 as is) and cannot end the element
    early: ``<``, ``>`` and ``&`` are written as JSON escapes, so ``</script>`` in a title
    stays text.
    """
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    for unsafe, escaped in _SCRIPT_SAFE:  # str.replace: many times faster than str.translate
        text = text.replace(unsafe, escaped)
    return Html(f'<script type="application/ld+json">{text}</script>')


def iso(value: dt.date | dt.datetime) -> str:
    """ISO 8601 as in ``<time datetime>``: "2024-01-26T08:30+02:00", or "2024-02-03"."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{value} has no time zone")
        return value.isoformat(timespec="minutes")
    return value.isoformat()


# -- pieces -------------------------------------------------------------------------------

def _end(occurrence: Occurrence) -> dt.date | dt.datetime:
    """The end the calendar files give (`span`: a timed meeting without an end lasts its
    default length). An all-day meeting's ``endDate`` is its last day: inclusive, unlike ICS."""
    end = span(occurrence.start, occurrence.end)[1]
    return end if isinstance(end, dt.datetime) else end - dt.timedelta(days=1)


def _location(event: Event, page: str) -> dict | list | None:
    place = _place(event.place) if event.place else None
    virtual = None
    if event.online:
        # Without a public link, the page tells how to get one.
        virtual = {"@type": "VirtualLocation", "name": event.online.service,
                   "url": event.online.url or page}
    if place and virtual:
        return [place, virtual]
    return place or virtual


def _place(place: Place) -> dict:
    data = {"@type": "Place", "name": place.name}
    address = {key: value for key, value in (("streetAddress", place.address),
                                             ("postalCode", place.postal_code),
                                             ("addressLocality", place.city),
                                             ("addressCountry", place.country)) if value}
    if address:
        data["address"] = {"@type": "PostalAddress", **address}
    if place.latitude is not None and place.longitude is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": place.latitude,
                       "longitude": place.longitude}
    return data


def _organizer(site: Site, urls: Urls, lang: str, slug: str) -> dict:
    network = site.networks[slug]
    url, text = urls.item_for("networks", slug, network.texts, lang)
    page = urls.absolute(url)
    return {"@type": "Organization", "@id": page + "#organization", "name": text.title,
            "url": page}


def _contact_point(name: str, kind: str, email: str | None, phones) -> dict:
    point = {"@type": "ContactPoint", "name": name, "contactType": kind}
    if email:
        point["email"] = email
    numbers = [phone.e164 for phone in phones if phone.e164]
    if numbers:
        point["telephone"] = numbers[0] if len(numbers) == 1 else numbers
    return point


def _description(text: Text, markup: Markup) -> str | None:
    """The summary; without one, the body as plain text."""
    if text.summary:
        return text.summary
    if not text.body.strip():
        return None
    return markup.to_text(text.body) or None
