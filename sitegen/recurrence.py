"""Occurrences of events in a window, upcoming versus past, and repeat rules in words.

A single event is one occurrence, whenever it is: the archive keeps old meetings. A series
is expanded with dateutil's RFC 5545 rules over wall-clock times, then each occurrence gets
its zone, so an 8.30 meeting stays 8.30 local across daylight-saving changes. A series whose
rule leaves the day open and that has no start ("every month") has no dates to expand.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from operator import itemgetter

from babel.dates import get_day_names
from babel.lists import format_list
from babel.support import Translations
from dateutil import rrule

from .errors import Diagnostics, Location
from .filecache import FileCache
from .records import Event, Move, Recurrence

FREQUENCIES = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY,
               "yearly": rrule.YEARLY}
RRULE_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
MAX_OCCURRENCES_PER_SERIES = 1000  # a daily rule over two years is 731; more is a mistake
DEFAULT_LENGTH = dt.timedelta(hours=1)   # a timed meeting whose end is not given
ONE_DAY = dt.timedelta(days=1)
Moment = dt.date | dt.datetime


def span(start: Moment, end: Moment | None) -> tuple[Moment, Moment]:
    """Return (start, exclusive end) of a meeting as the site stores it.

    The one rule for how long a meeting lasts, used by listings, ICS and JSON-LD alike. A
    timed meeting's `end` is its end time; without one it lasts `DEFAULT_LENGTH` of elapsed
    time, so it never ends inside a daylight-saving gap. An all-day meeting's `end` is its
    last day, inclusive; the result ends the day after (3 Feb spans 3 Feb to 4 Feb).
    """
    if isinstance(start, dt.datetime):
        if not isinstance(end, dt.datetime) or end <= start:
            end = (start.astimezone(dt.UTC) + DEFAULT_LENGTH).astimezone(start.tzinfo)
        return start, end
    last = end if end is not None and not isinstance(end, dt.datetime) and end >= start else start
    return start, last + ONE_DAY


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One meeting of an event: aware datetimes, or dates for all-day events."""

    event: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None
    status: str = "scheduled"                            # one of records.STATUSES
    original_start: dt.datetime | dt.date | None = None  # where a moved meeting was

    @property
    def key(self) -> str:
        """The occurrence's identity within its event: the date first planned, YYYYMMDD.

        A moved meeting keeps its key, so calendars update it instead of adding another.
        """
        planned = self.original_start if self.status == "moved" and self.original_start else self.start
        day = planned.date() if isinstance(planned, dt.datetime) else planned
        return day.strftime("%Y%m%d")

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, dt.datetime)

    def ends_after(self, now: dt.datetime) -> bool:
        """Whether the occurrence is upcoming or under way at `now` (an aware datetime).

        An all-day meeting ends at midnight after its last day, in `now`'s time zone.
        """
        end = span(self.start, self.end)[1]
        if not isinstance(end, dt.datetime):
            end = dt.datetime.combine(end, dt.time(), now.tzinfo)
        return end > now

    def sort_key(self) -> tuple:
        start = self.start if isinstance(self.start, dt.datetime) else \
            dt.datetime.combine(self.start, dt.time(), dt.UTC)
        return (start.astimezone(dt.UTC), self.event)


def expand(event: Event, window: tuple[dt.date, dt.date]) -> list[Occurrence]:
    """Return the event's occurrences; a series only those starting inside `window`."""
    if event.recurrence is None:
        return [Occurrence(event.slug, event.start, event.end, event.status, event.previous_start)]
    first, duration, all_day = _series_shape(event, window[0])
    if first is None:
        return []
    rule = _rrule(event.recurrence, first)
    after = dt.datetime.combine(window[0], dt.time())
    before = dt.datetime.combine(window[1], dt.time.max)
    skipped = set(event.recurrence.exceptions)
    cancelled = set(event.recurrence.cancelled)
    moves = {move.date: move for move in event.recurrence.moved}
    zone = zoneinfo.ZoneInfo(event.timezone)
    occurrences = []
    for local in rule.xafter(after, count=MAX_OCCURRENCES_PER_SERIES, inc=True):
        if local > before:
            break
        if local.date() in skipped:
            continue
        if all_day:
            start = local.date()
            end = start + duration if duration else None
        else:
            start = local.replace(tzinfo=zone)
            end = (local + duration).replace(tzinfo=zone) if duration else None
        occurrence = Occurrence(event.slug, start, end,
                                "cancelled" if local.date() in cancelled else "scheduled")
        if local.date() in moves:
            occurrence = _moved(occurrence, moves[local.date()])
        occurrences.append(occurrence)
    return occurrences


def _moved(occurrence: Occurrence, move: Move) -> Occurrence:
    """The occurrence at its new time; without a new end it keeps its length."""
    end = move.end
    if end is None and occurrence.end is not None:
        end = move.start + (occurrence.end - occurrence.start)
    return Occurrence(occurrence.event, move.start, end, "moved", occurrence.start)


def _series_shape(event: Event, window_start: dt.date):
    """Return (first local start, duration or None, all day?) of a series, or (None, …)."""
    rule = event.recurrence
    if event.start is not None:
        all_day = event.all_day
        first = event.start.replace(tzinfo=None) if not all_day else \
            dt.datetime.combine(event.start, dt.time())
        duration = (event.end - event.start) if event.end else None
        if all_day and duration is not None:
            duration = dt.timedelta(days=duration.days)
        return first, duration, all_day
    day_known = rule.weekdays or rule.month_day or rule.frequency == "daily"
    if not day_known:
        return None, None, False
    time = event.time or dt.time()
    first = dt.datetime.combine(window_start, time)
    duration = None
    if event.end_time:
        duration = dt.datetime.combine(window_start, event.end_time) - first
    return first, duration, event.time is None


def _rrule(rule: Recurrence, first: dt.datetime) -> rrule.rrule:
    weekdays = [RRULE_WEEKDAYS[d](rule.ordinal) if rule.ordinal else RRULE_WEEKDAYS[d]
                for d in rule.weekdays] or None
    until = dt.datetime.combine(rule.until, dt.time.max) if rule.until else None
    return rrule.rrule(FREQUENCIES[rule.frequency], dtstart=first, interval=rule.interval,
                       byweekday=weekdays, bymonthday=rule.month_day, until=until, count=rule.count)


def check_series(events: dict[str, Event], diagnostics: Diagnostics, cache: FileCache | None = None) -> None:
    """Report series with a start whose rule matches no day at all ("every 12 months on day 31"
    from February, or an `until` before the first day): they would be silently empty. dateutil
    gives up at year 9999, so even a rule that matches nothing ends quickly. A `cache` kept
    between loads checks again only the events that changed."""
    (cache or FileCache()).map(events, lambda slug, found: _check_series(events[slug], found), diagnostics)


def _check_series(event: Event, diagnostics: Diagnostics) -> None:
    if event.recurrence is None or event.start is None:
        return
    first, _, _ = _series_shape(event, dt.date.min)
    if _rrule(event.recurrence, first).after(first, inc=True) is None:
        diagnostics.error("field.repeat", "repeat.rule: matches no day from the start on, so the "
                          "series would have no meetings",
                          Location(min(text.path for text in event.texts.values())),
                          "check the rule's day against the months it falls in, and the until date")


Expansion = list[tuple[tuple, Occurrence]]   # an event's occurrences with their sort keys


def expand_each(events: dict[str, Event], window: tuple[dt.date, dt.date],
                cache: FileCache | None = None) -> dict[str, Expansion]:
    """Each event's occurrences with their `sort_key`s, by slug.

    A `cache` kept between loads expands again only the events that changed."""
    cache = cache or FileCache()
    unused = Diagnostics()   # expanding reports nothing: `check_series` does
    return cache.map(events, lambda slug, _: _keyed(events[slug], window), unused, window)


def in_time_order(expanded: dict[str, Expansion]) -> tuple[Occurrence, ...]:
    """Every occurrence of every event, in time order."""
    found = [pair for pairs in expanded.values() for pair in pairs]
    return tuple(occurrence for _, occurrence in sorted(found, key=itemgetter(0)))


def _keyed(event: Event, window: tuple[dt.date, dt.date]) -> Expansion:
    return [(occurrence.sort_key(), occurrence) for occurrence in expand(event, window)]


def window_around(now: dt.datetime, months: int = 12) -> tuple[dt.date, dt.date]:
    """Return the dates `months` before and after `now`: the horizon of series."""
    today = now.date()
    return today - dt.timedelta(days=round(months * 30.44)), today + dt.timedelta(days=round(months * 30.44))


# -- rules in words -----------------------------------------------------------------------

def describe(rule: Recurrence, translations: Translations, locale: str) -> str:
    """Say a repeat rule in the page language: "joka perjantai", "hver måned"."""
    _ = translations.gettext
    n = rule.interval
    days = get_day_names("wide", context="stand-alone", locale=locale)
    weekdays = format_list([days[d] for d in rule.weekdays], locale=locale) if rule.weekdays else ""
    if rule.frequency == "weekly" and weekdays:
        if n == 1:
            return _("every %(weekdays)s") % {"weekdays": weekdays}
        if n == 2:
            return _("every other week on %(weekdays)s") % {"weekdays": weekdays}
        return _("every %(n)s weeks on %(weekdays)s") % {"n": n, "weekdays": weekdays}
    if rule.frequency == "monthly" and rule.ordinal:
        nth = _ordinal(rule.ordinal, translations)
        if n == 1:
            return _("every month on the %(nth)s %(weekday)s") % {"nth": nth, "weekday": weekdays}
        return _("every %(n)s months on the %(nth)s %(weekday)s") % {
            "n": n, "nth": nth, "weekday": weekdays}
    if rule.frequency == "monthly" and rule.month_day:
        if n == 1:
            return _("every month on day %(day)s") % {"day": rule.month_day}
        return _("every %(n)s months on day %(day)s") % {"n": n, "day": rule.month_day}
    return _period(rule.frequency, n, translations)


def _ordinal(n: int, translations: Translations) -> str:
    words = {1: translations.pgettext("ordinal", "first"),
             2: translations.pgettext("ordinal", "second"),
             3: translations.pgettext("ordinal", "third"),
             4: translations.pgettext("ordinal", "fourth"),
             -1: translations.pgettext("ordinal", "last")}
    return words[n]


def _period(frequency: str, n: int, translations: Translations) -> str:
    _ = translations.gettext
    every = {"daily": _("every day"), "weekly": _("every week"), "monthly": _("every month"),
             "yearly": _("every year")}
    other = {"daily": _("every other day"), "weekly": _("every other week"),
             "monthly": _("every other month"), "yearly": _("every other year")}
    many = {"daily": _("every %(n)s days"), "weekly": _("every %(n)s weeks"),
            "monthly": _("every %(n)s months"), "yearly": _("every %(n)s years")}
    if n == 1:
        return every[frequency]
    if n == 2:
        return other[frequency]
    return many[frequency] % {"n": n}
