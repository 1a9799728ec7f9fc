"""ICS calendars: subscription feeds and one meeting's "add to calendar" file, with icalendar.

Every occurrence is its own VEVENT (series are expanded, never RRULE), so each meeting can be
cancelled or moved on its own and every client shows the same thing. Nothing in the output
depends on the clock: the UID is ``{event}-{YYYYMMDD first planned}@{domain}`` (the same in
every language and feed, and kept by a moved meeting), DTSTAMP = LAST-MODIFIED and SEQUENCE
come from `Site.revision`, and the feed keeps what `site.now` decides. Same input, same bytes.

Times carry ``TZID=`` the event's zone with a hand-written, RRULE-based VTIMEZONE before the
events (Outlook misreads the RDATE lists icalendar generates; those serve other zones only).
Feeds have no METHOD, ORGANIZER, ATTENDEE or VALARM; a single-meeting file is METHOD:PUBLISH.
See the calendar study (shared reference, calendar.md) sections 1 and 7.
"""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable

from babel.support import Translations
from icalendar import Calendar, Timezone, vText
from icalendar import Event as VEvent

from ..dates import Dates
from ..i18n import pick, pick_text
from ..reads import Memo
from ..records import Event, Person
from ..recurrence import Occurrence, span
from ..site import Site
from ..urls import Urls

PRODID = "-//sitegen//sitegen 0.1//{lang}"
REFRESH = dt.timedelta(hours=12)            # REFRESH-INTERVAL and X-PUBLISHED-TTL
HISTORY = dt.timedelta(days=365)            # meetings that ended up to a year ago stay
CANCELLED_KEPT = dt.timedelta(days=30)      # a cancelled meeting stays this long after its day
STATUS = {"scheduled": "CONFIRMED", "moved": "CONFIRMED", "postponed": "TENTATIVE",
          "cancelled": "CANCELLED"}

# Both zones follow the EU rule: summer time from the last Sunday of March to the last Sunday
# of October, changing at 01:00 UTC. (TZID, standard offset in hours, standard and summer names.)
_EU_ZONES = (("Europe/Copenhagen", 1, "CET", "CEST"), ("Europe/Helsinki", 2, "EET", "EEST"))


def _eu_vtimezone(tzid: str, hours: int, standard: str, summer: str) -> str:
    """An RRULE-based VTIMEZONE for an EU zone `hours` ahead of UTC in winter."""
    winter, summer_offset = f"+{hours:02d}00", f"+{hours + 1:02d}00"
    return "\r\n".join([
        "BEGIN:VTIMEZONE", f"TZID:{tzid}",
        "BEGIN:DAYLIGHT", f"DTSTART:19700329T{hours + 1:02d}0000", f"TZOFFSETFROM:{winter}",
        f"TZOFFSETTO:{summer_offset}", f"TZNAME:{summer}", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD", f"DTSTART:19701025T{hours + 2:02d}0000", f"TZOFFSETFROM:{summer_offset}",
        f"TZOFFSETTO:{winter}", f"TZNAME:{standard}", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD", "END:VTIMEZONE", ""])


VTIMEZONES = {zone[0]: _eu_vtimezone(*zone) for zone in _EU_ZONES}


@functools.cache
def vtimezone(tzid: str) -> bytes:
    """The VTIMEZONE of `tzid`: hand-written for the EU zones, icalendar's for any other."""
    if tzid in VTIMEZONES:
        return Timezone.from_ical(VTIMEZONES[tzid]).to_ical()
    return Timezone.from_tzid(tzid).to_ical()


# -- the two kinds of file ----------------------------------------------------------------

def render_feed(site: Site, urls: Urls, lang: str, translations: Translations, memo: Memo,
                network: str | None = None, region: str | None = None) -> bytes:
    """The subscription feed of the whole site, one network or one region, for `lang`.

    It holds every occurrence that ended less than a year before `site.now` and every later
    one; a cancelled meeting stays until 30 days after its day.
    """
    _ = translations.gettext
    config = site.config
    if network is None and region is None:
        site_title = pick(config.title, lang, config)[0]
        name = _("%(site)s – calendar") % {"site": site_title}
        described = pick(config.description, lang, config)
        description = described[0] if described else None
        uid = f"calendar-{lang}@{urls.domain}"
    else:
        if network:
            text = pick_text(site.networks[network].texts, lang, config)
            title, description = text.title, text.summary
            uid = f"calendar-{lang}-network-{network}@{urls.domain}"
        else:
            title, description = site.regions()[region], None
            uid = f"calendar-{lang}-region-{region}@{urls.domain}"
        name = _("%(name)s – meetings") % {"name": title}
    calendar = _calendar(lang)
    # NAME through vText: icalendar's `name=` writes it without TEXT escaping.
    calendar.add("NAME", vText(name))
    calendar.add("X-WR-CALNAME", vText(name))
    if description:
        # X- properties are not escaped unless given as vText; a feed description is one line.
        calendar.add("X-WR-CALDESC", vText(" ".join(description.split())))
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", "PT12H")   # a timedelta here would be written "12:00:00"
    calendar.add("UID", uid)
    writer = VEventWriter(site, urls, lang, translations, memo)
    return _finish(calendar, writer, memo.get(site, ("feed", network, region),
                                              lambda: _feed_occurrences(site, writer, network, region)))


def _feed_occurrences(site: Site, writer: VEventWriter, network: str | None, region: str | None
                      ) -> list[Occurrence]:
    """The occurrences a feed holds, in its order: the same in every language."""
    if network is None and region is None:
        occurrences: Iterable[Occurrence] = site.occurrences
    else:
        networks = {network} if network else site.networks_in(region)
        occurrences = [o for network_slug in sorted(networks)
                       for o in site.occurrences_by_network.get(network_slug, ())]
    return sorted((o for o in occurrences if writer.in_feed(o)), key=writer.order)


def render_occurrence(site: Site, urls: Urls, lang: str, translations: Translations, memo: Memo,
                      event: str, key: str) -> bytes:
    """One meeting's "add to calendar" file: METHOD:PUBLISH and the VEVENT of the feeds."""
    calendar = _calendar(lang)
    calendar.add("METHOD", "PUBLISH")
    occurrence = next(o for o in site.occurrences_of(event) if o.key == key)
    return _finish(calendar, VEventWriter(site, urls, lang, translations, memo), [occurrence])


def occurrence_uid(occurrence: Occurrence, urls: Urls) -> str:
    """The calendar identity of a meeting: ``{event}-{YYYYMMDD first planned}@{domain}``."""
    return f"{occurrence.event}-{occurrence.key}@{urls.domain}"


def in_feed(occurrence: Occurrence, event: Event, now: dt.datetime) -> bool:
    """Whether a feed built at `now` lists the occurrence.

    A meeting is listed until a year after it ends; a cancelled one until 30 days after its
    day, so subscribers see the cancellation and then the meeting goes away.
    """
    zone = zoneinfo.ZoneInfo(event.timezone)
    start, end = span(occurrence.start, occurrence.end)
    if occurrence.status == "cancelled":
        return now.astimezone(zone).date() <= _day(start) + CANCELLED_KEPT
    return _instant(end, zone) > now - HISTORY


def _calendar(lang: str) -> Calendar:
    """A VCALENDAR with VERSION and PRODID only; icalendar's defaults (random UID) unused."""
    calendar = Calendar()
    calendar.add("VERSION", "2.0")
    calendar.add("PRODID", PRODID.format(lang=lang.upper()))
    return calendar


def _finish(calendar: Calendar, writer: VEventWriter, occurrences: list[Occurrence]) -> bytes:
    """The calendar's properties, the zones its VEVENTs use, then the VEVENTs (in the order
    of `VEventWriter.order`: by DTSTART in UTC, then UID).

    Each VEVENT is serialised once per build and language (a meeting is in many feeds) and
    the calendar is joined from the pieces, as `Calendar.to_ical` would join them.
    """
    vevents = [writer.vevent_ical(occurrence) for occurrence in occurrences]
    tzids = sorted(set().union(*(tzids for _, tzids in vevents)))
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return b"".join([head, *map(vtimezone, tzids), *(ical for ical, _ in vevents), b"END:VCALENDAR", end])


# -- one VEVENT ---------------------------------------------------------------------------

class VEventWriter:
    """Writes the VEVENT of an occurrence for visitors of one language."""

    def __init__(self, site: Site, urls: Urls, lang: str, translations: Translations, memo: Memo):
        self.site, self.urls, self.lang, self.memo = site, urls, lang, memo
        self.gettext = translations.gettext
        self.dates = Dates(translations, site.config.language(lang).locale)

    def order(self, occurrence: Occurrence) -> tuple[dt.datetime, str]:
        """Where the VEVENT goes in a feed: by DTSTART in UTC, then UID (once per build)."""
        def compute() -> tuple[dt.datetime, str]:
            zone = zoneinfo.ZoneInfo(self.site.facts("events", occurrence.event).timezone)
            return _instant(occurrence.start, zone).astimezone(dt.UTC), occurrence_uid(occurrence, self.urls)
        return self.memo.get(self.site, ("order", occurrence), compute)

    def in_feed(self, occurrence: Occurrence) -> bool:
        """`in_feed`, worked out once per build: every feed asks."""
        return self.memo.get(self.site, ("in feed", occurrence),
                             lambda: in_feed(occurrence, self.site.facts("events", occurrence.event),
                                             self.site.now))

    def vevent_ical(self, occurrence: Occurrence) -> tuple[bytes, frozenset[str]]:
        """The VEVENT as written in a calendar, and the TZIDs it uses."""
        return self.memo.get(self.site, self.memo_key_of(self.lang, occurrence),
                             lambda: self.compute(occurrence))

    @staticmethod
    def memo_key_of(lang: str, occurrence: Occurrence) -> tuple:
        return "vevent", lang, occurrence

    def compute(self, occurrence: Occurrence) -> tuple[bytes, frozenset[str]]:
        vevent = self.vevent(occurrence)
        holder = Calendar()
        holder.add_component(vevent)
        return vevent.to_ical(), frozenset(holder.get_missing_tzids())

    def vevent(self, occurrence: Occurrence) -> VEvent:
        event = self.site.facts("events", occurrence.event)
        text = pick_text(self.site.texts_of("events", event.slug), self.lang, self.site.config)
        revision = self.site.revision(event.slug)
        stamp = revision.last_modified.astimezone(dt.UTC).replace(microsecond=0)
        start, end = span(occurrence.start, occurrence.end)
        page = self.urls.absolute(self.urls.occurrence(event.slug, occurrence.key, text.lang,
                                                       series=event.recurrence is not None))
        contacts = [self.contact(self.site.people[p]) for p in event.contacts if p in self.site.people]
        vevent = VEvent.new(
            uid=occurrence_uid(occurrence, self.urls), stamp=stamp, last_modified=stamp,
            sequence=revision.sequence, start=start, end=end,
            summary=self.summary(occurrence, text.title),
            description=self.description(occurrence, event, text.summary, contacts, page),
            location=self.location(event), url=page, status=STATUS[occurrence.status],
            categories=self.categories(event) or None, contacts=contacts)  # no empty CATEGORIES
        place = event.place
        if place and place.latitude is not None and place.longitude is not None:
            vevent.add("GEO", (place.latitude, place.longitude))
        return vevent

    def summary(self, occurrence: Occurrence, title: str) -> str:
        _ = self.gettext
        if occurrence.status == "cancelled":
            return _("Cancelled: ") + title
        if occurrence.status == "postponed":
            return _("Postponed: ") + title
        return title

    def description(self, occurrence: Occurrence, event: Event, summary: str | None,
                    contacts: list[str], page: str) -> str:
        """Plain text: summary, earlier date, registration, online link, contacts, page."""
        _ = self.gettext
        lines = [summary] if summary else []
        if occurrence.status == "moved" and occurrence.original_start is not None:
            planned = self.dates.date(_day(occurrence.original_start))
            lines.append(_("Moved from %(date)s") % {"date": planned})
        registration = self.registration(event)
        if registration:
            lines.append(registration)
        if event.online:
            values = {"service": event.online.service, "url": event.online.url}
            lines.append(_("Online (%(service)s): %(url)s") % values if event.online.url else
                         _("Online (%(service)s): the link is sent on request") % values)
        lines.extend(_("Contact: %(contact)s") % {"contact": contact} for contact in contacts)
        lines.append(_("More information: %(url)s") % {"url": page})
        return "\n".join(lines)

    def registration(self, event: Event) -> str | None:
        """"Registration: x@y.fi by 19 January 2024", or None when nothing is asked."""
        _ = self.gettext
        registration = event.registration
        if registration is None:
            return None
        address = ", ".join(a for a in (registration.email, registration.url) if a)
        if address:
            line = (_("Registration required: %(address)s") if registration.required
                    else _("Registration: %(address)s")) % {"address": address}
        elif registration.required:
            line = _("Registration required")
        else:
            return None
        if registration.deadline:
            line += " " + _("by %(date)s") % {"date": self.dates.date(registration.deadline)}
        return line

    def location(self, event: Event) -> str | None:
        """The place's address; "Online (Microsoft Teams)" for an online-only meeting."""
        if event.place:
            return event.place.one_line
        if event.online:
            return self.gettext("Online (%(service)s)") % {"service": event.online.service}
        return None

    def categories(self, event: Event) -> list[str]:
        """The network's name (never translated, but picked like its page) and its region."""
        network = self.site.networks.get(event.network) if event.network else None
        if network is None:
            return []
        found = [pick_text(network.texts, self.lang, self.site.config).title]
        return found + [network.region] if network.region else found

    @staticmethod
    def contact(person: Person) -> str:
        """"Name, e-mail, phone" as CONTACT wants it."""
        return ", ".join([person.name, *([person.email] if person.email else []),
                          *(phone.display for phone in person.phones)])


def _day(moment: dt.date | dt.datetime) -> dt.date:
    return moment.date() if isinstance(moment, dt.datetime) else moment


def _instant(moment: dt.date | dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """An aware datetime; a date is its midnight in the event's zone."""
    return moment if isinstance(moment, dt.datetime) else dt.datetime.combine(moment, dt.time(), zone)
