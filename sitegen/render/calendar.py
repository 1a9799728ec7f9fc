"""Calendar pages: the agenda (per site, network and region), month grids, single meetings.

Every list here comes from `Site.occurrences`, the one expansion of all events, so the
agenda, the month grids, the meeting pages and the ICS feeds always agree.
"""
from __future__ import annotations

import calendar as calendar_math
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from babel.dates import get_day_names

from ..recurrence import Occurrence
from .views import Meeting, Views


@dataclass(frozen=True, slots=True)
class Day:
    date: dt.date
    meetings: tuple[Meeting, ...]
    in_month: bool = True
    today: bool = False


def local_date(occurrence: Occurrence) -> dt.date:
    """The day a meeting is on, in its own time zone."""
    start = occurrence.start
    return start.date() if isinstance(start, dt.datetime) else start


AGENDA_MEETINGS = 25   # an agenda lists this many meetings, in whole days; the month grids the rest


def split_agenda(occurrences: list[Occurrence]) -> tuple[list[Occurrence], list[Occurrence]]:
    """Split upcoming meetings into the first whole days holding at most `AGENDA_MEETINGS` (at
    least one day), for the agenda, and the rest, for which it links the month grids: a busy
    year would otherwise make a page too heavy for phones."""
    if len(occurrences) <= AGENDA_MEETINGS:
        return occurrences, []
    cut = AGENDA_MEETINGS
    while cut > 0 and local_date(occurrences[cut]) == local_date(occurrences[cut - 1]):
        cut -= 1
    if cut == 0:  # one day holds more than the limit: show that day whole
        day = local_date(occurrences[0])
        cut = next((i for i, o in enumerate(occurrences) if local_date(o) != day), len(occurrences))
    return occurrences[:cut], occurrences[cut:]


def agenda(renderer: Views, occurrences: Iterable[Occurrence]) -> list[tuple[dt.date, list[Day]]]:
    """Group meetings by month, then by day: [(first of month, [Day, …]), …]."""
    months = []
    by_month = groupby(occurrences, key=lambda o: local_date(o).replace(day=1))
    for month, in_month in by_month:
        days = [Day(day, tuple(renderer.meeting(o) for o in meetings))
                for day, meetings in groupby(in_month, key=local_date)]
        months.append((month, days))
    return months


def calendar_page(renderer: Views, network: str | None, region: str | None) -> dict[str, Any]:
    """The agenda of upcoming meetings: of the whole site, one network or one region."""
    site, urls, lang, _ = renderer.site, renderer.urls, renderer.lang, renderer.gettext
    texts = None
    crumbs = renderer.breadcrumbs("calendar", _("Calendar"))
    if network:
        url, feed = urls.calendar(lang, network), urls.calendar_feed(lang, network)
        texts = site.networks[network].texts
        title = _("Calendar: %(name)s") % {"name": texts[lang].title}
        networks = {network}
        crumbs = renderer.breadcrumbs("networks", _("Networks"), network)
    elif region:
        url, feed = urls.calendar_region(lang, region), urls.calendar_feed(lang, region=region)
        title = _("Calendar: %(name)s") % {"name": site.regions()[region]}
        networks = site.networks_in(region)
    else:
        url, feed, title, networks = urls.calendar(lang), urls.calendar_feed(lang), _("Calendar"), None
        crumbs = []
    today = site.now.date()
    shown, later = split_agenda(site.calendar(networks))
    later_months = sorted({local_date(o).replace(day=1) for o in later})
    return {**renderer.page(title, url, texts), "crumbs": crumbs,
            "months": agenda(renderer, shown),
            "later_months": [(month, urls.calendar_month(lang, f"{month:%Y-%m}")) for month in later_months],
            "subscribe": renderer.subscribe_links(feed, title),
            "month_url": urls.calendar_month(lang, f"{today:%Y-%m}"),
            # Every network on the calendars of the site and its regions; a network's own calendar
            # links to those (a list of every network on every network's page grows as N²).
            "network_filters": [] if network else [(slug, link, urls.calendar(link.lang, slug))
                                                   for slug, link in renderer.networks_by_title()],
            "region_filters": [(slug, name, urls.calendar_region(lang, slug))
                               for slug, name in site.regions().items()],
            "all_url": urls.calendar(lang), "searchable": False}


def month_page(renderer: Views, month: str) -> dict[str, Any]:
    """A month as a table of weeks starting on Monday, with every meeting of each day."""
    site, urls, lang = renderer.site, renderer.urls, renderer.lang
    first = dt.date.fromisoformat(f"{month}-01")
    in_month = site.occurrences_in_month(first)
    by_day = {day: tuple(renderer.meeting(o) for o in group)
              for day, group in groupby(in_month, key=local_date)}
    today = site.now.date()
    weeks = [[Day(day, by_day.get(day, ()), day.month == first.month, day == today) for day in week]
             for week in calendar_math.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)]
    locale = site.config.language(lang).locale
    names = get_day_names("wide", "stand-alone", locale)
    short = get_day_names("abbreviated", "stand-alone", locale)
    months = _neighbours(site, first)
    return {**renderer.page(renderer.dates.month(first).capitalize(), urls.calendar_month(lang, month)),
            "crumbs": renderer.breadcrumbs("calendar", renderer.gettext("Calendar")),
            "month": first, "weeks": weeks,
            "weekdays": [(names[i], short[i]) for i in range(7)],
            "previous": urls.calendar_month(lang, months[0]) if months[0] else None,
            "next": urls.calendar_month(lang, months[1]) if months[1] else None,
            "agenda_url": urls.calendar(lang), "searchable": False}


def _neighbours(site, first: dt.date) -> tuple[str | None, str | None]:
    """The months before and after `first` that the calendar has pages for."""
    start, end = site.window
    before = (first - dt.timedelta(days=1)).replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return (f"{before:%Y-%m}" if before >= start.replace(day=1) else None,
            f"{after:%Y-%m}" if after <= end else None)
