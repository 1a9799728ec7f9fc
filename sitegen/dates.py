"""Dates and times in the page language, with Babel and explicit patterns.

The patterns are interface strings (context "date pattern") so each language's catalog sets
its own conventions: Finnish "perjantaina 26.1.2024 klo 8.30", Danish "fredag den 26. januar
2024 kl. 8.30", English "Friday 26 January 2024, 08:30". Babel's presets are not used: they
add seconds and zone names, and write Danish dates with leading zeros.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime, get_day_names, get_timezone_location
from babel.support import Translations

from .config import SiteConfig

# CLDR 47 lacks the Finnish essive for Sunday in the format context ("sunnuntai" where
# every other day is "maanantaina" …); reverted upstream in CLDR-18367.
WEEKDAY_FIXES = {("fi", 6): "sunnuntaina"}
DASH = "\u2013"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is used."""
    return message


LABELLED_ZONES = (N_("time in Europe/Copenhagen"), N_("time in Europe/Helsinki"))


class Dates:
    """Formats dates and times for one language."""

    def __init__(self, translations: Translations, locale: str, home_zone: str | None = None):
        self.translations, self.locale, self.home_zone = translations, locale, home_zone
        self.language = locale.split("_")[0]
        self._formatted: dict[tuple, str] = {}  # a meeting's date is shown on many pages

    @classmethod
    def for_language(cls, translations: Translations, config: SiteConfig, lang: str) -> Dates:
        """The formats of one of the site's languages, with its readers' time zone."""
        language = config.language(lang)
        return cls(translations, language.locale, language.timezone or config.timezone)

    def _format(self, value: dt.date | dt.datetime, pattern: str) -> str:
        key = (value, getattr(value, "tzinfo", None), getattr(value, "fold", 0), pattern)
        found = self._formatted.get(key)
        if found is None:
            found = self._formatted[key] = self._format_anew(value, pattern)
        return found

    def _format_anew(self, value: dt.date | dt.datetime, pattern: str) -> str:
        if "EEEE" in pattern:
            weekday = value.weekday()
            word = WEEKDAY_FIXES.get((self.language, weekday)) or \
                get_day_names("wide", "format", self.locale)[weekday]
            pattern = pattern.replace("EEEE", "'" + word.replace("'", "''") + "'")
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time())
        return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=self.locale)

    def date(self, value: dt.date) -> str:
        """"26. januar 2024", "26.1.2024", "26 January 2024"."""
        return self._format(value, self.translations.pgettext("date pattern", "d MMMM y"))

    def date_long(self, value: dt.date) -> str:
        """The date with its weekday: "perjantaina 26.1.2024"."""
        return self._format(value, self.translations.pgettext("date pattern", "EEEE d MMMM y"))

    def month(self, value: dt.date) -> str:
        """A month heading: "tammikuu 2024", "januar 2024", "January 2024"."""
        return self._format(value, self.translations.pgettext("date pattern", "LLLL y"))

    def week(self, value: dt.date) -> str:
        """The week number, ISO 8601 for locales with a territory (2021-01-03 is in week 53)."""
        return format_date(value, "w", locale=self.locale)

    def times(self, *values: dt.datetime | dt.time) -> str:
        """A time or a range of times, with the language's prefix: "klo 8.30–10.30"."""
        whole = all(v.minute == 0 for v in values)
        pattern = self.translations.pgettext("date pattern, whole hours", "HH:mm") if whole \
            else self.translations.pgettext("date pattern", "HH:mm")
        moments = [v if isinstance(v, dt.datetime) else dt.datetime.combine(dt.date(2000, 1, 3), v)
                   for v in values]
        text = DASH.join(self._format(m, pattern) for m in moments)
        return self.translations.pgettext("time of day", "%(time)s") % {"time": text}

    def when(self, start: dt.date | dt.datetime, end: dt.date | dt.datetime | None = None) -> str:
        """A whole occurrence in words: "perjantaina 26.1.2024 klo 8.30–10.30"."""
        if not isinstance(start, dt.datetime):
            if end is None or end == start:
                return self.date_long(start)
            return f"{self.date_long(start)} {DASH} {self.date_long(end)}"
        if end is not None and end.date() != start.date():
            text = f"{self._date_and_time(start)} {DASH} {self._date_and_time(end)}"
        else:
            text = self._date_and_time(start, end)
        return f"{text} ({self.zone_label(start)})" if self._elsewhere(start) else text

    def _date_and_time(self, start: dt.datetime, end: dt.datetime | None = None) -> str:
        times = self.times(start, end) if end else self.times(start)
        return self.translations.gettext("%(date)s %(time)s") % {
            "date": self.date_long(start), "time": times}

    def _elsewhere(self, moment: dt.datetime) -> bool:
        zone = getattr(moment.tzinfo, "key", None)
        return bool(self.home_zone and zone and zone != self.home_zone)

    def zone_label(self, moment: dt.datetime) -> str:
        """Say whose clock a time is on: "Tanskan aikaa", "finsk tid", "Copenhagen time".

        The catalogs translate "time in <IANA zone>" for the zones in `LABELLED_ZONES`; CLDR's
        own names ("aikavyöhyke: Tanska") read awkwardly after a time, so they are only the
        fallback for other zones.
        """
        message = f"time in {moment.tzinfo.key}"
        label = self.translations.gettext(message)
        return label if label != message else get_timezone_location(moment, locale=self.locale)
