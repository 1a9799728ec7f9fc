"""Series expand to wall-clock occurrences in their zone; rules are said in each language."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace

import pytest

from sitegen.fields import repeat_rule
from sitegen.records import Event
from sitegen.recurrence import describe, expand, window_around

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
YEAR_2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def series(rule: str, *, start=None, end=None, time=None, end_time=None, zone="Europe/Helsinki",
           **rule_fields) -> Event:
    recurrence = replace(repeat_rule(rule), **rule_fields)
    return Event("s", {}, zone, start=start, end=end, time=time, end_time=end_time,
                 recurrence=recurrence)


def test_a_weekly_series_without_start_meets_every_friday_of_the_window():
    event = series("every friday", time=dt.time(10), end_time=dt.time(14))
    found = expand(event, (dt.date(2026, 11, 22), dt.date(2026, 12, 10)))
    assert [(o.start.isoformat(), o.end.isoformat()) for o in found] == [
        ("2026-11-27T10:00:00+02:00", "2026-11-27T14:00:00+02:00"),
        ("2026-12-04T10:00:00+02:00", "2026-12-04T14:00:00+02:00"),
    ]


@pytest.mark.parametrize("zone, before, after", [
    ("Europe/Helsinki", "+02:00", "+03:00"),
    ("Europe/Copenhagen", "+01:00", "+02:00"),
])
def test_a_meeting_at_8_30_stays_at_8_30_local_across_the_march_change(zone, before, after):
    tz = zoneinfo.ZoneInfo(zone)
    event = series("every week", start=dt.datetime(2026, 3, 20, 8, 30, tzinfo=tz), zone=zone)
    found = expand(event, (dt.date(2026, 3, 19), dt.date(2026, 4, 4)))
    # Clocks change on Sunday 29 March 2026, between the second and third meeting.
    assert [o.start.isoformat()[11:] for o in found] == [f"08:30:00{before}", f"08:30:00{before}",
                                                         f"08:30:00{after}"]


def test_a_meeting_at_8_30_stays_at_8_30_local_across_the_october_change():
    event = series("every week", start=dt.datetime(2026, 10, 16, 8, 30, tzinfo=COPENHAGEN),
                   zone="Europe/Copenhagen")
    found = expand(event, (dt.date(2026, 10, 15), dt.date(2026, 10, 31)))
    assert [o.start.isoformat() for o in found] == ["2026-10-16T08:30:00+02:00",
                                                    "2026-10-23T08:30:00+02:00",
                                                    "2026-10-30T08:30:00+01:00"]


def test_last_friday_of_the_month_with_an_exception_and_an_end_date():
    event = series("every month on the last friday",
                   start=dt.datetime(2026, 1, 30, 17, 0, tzinfo=COPENHAGEN),
                   end=dt.datetime(2026, 1, 30, 19, 0, tzinfo=COPENHAGEN), zone="Europe/Copenhagen",
                   exceptions=(dt.date(2026, 3, 27),), until=dt.date(2026, 5, 31))
    assert [o.start.date().isoformat() for o in expand(event, YEAR_2026)] == [
        "2026-01-30", "2026-02-27", "2026-04-24", "2026-05-29"]


def test_a_count_limits_a_series_from_its_start():
    event = series("every other week on tuesday", count=3,
                   start=dt.datetime(2026, 9, 1, 9, 0, tzinfo=HELSINKI))
    assert [o.start.date().isoformat() for o in expand(event, YEAR_2026)] == [
        "2026-09-01", "2026-09-15", "2026-09-29"]


def test_an_all_day_series_has_dates_not_times():
    event = series("every year", start=dt.date(2025, 6, 19), end=dt.date(2025, 6, 20))
    found = expand(event, YEAR_2026)
    assert [(o.start, o.end, o.all_day) for o in found] == [
        (dt.date(2026, 6, 19), dt.date(2026, 6, 20), True)]


def test_a_rule_that_leaves_the_day_open_and_has_no_start_has_no_dates():
    assert expand(series("every month"), YEAR_2026) == []


def test_a_single_event_is_one_occurrence_whenever_it_is():
    start = dt.datetime(2023, 10, 12, 8, 30, tzinfo=HELSINKI)
    event = Event("e", {}, "Europe/Helsinki", start=start)
    assert [o.start for o in expand(event, YEAR_2026)] == [start]


def test_the_horizon_is_a_year_either_side_of_now():
    assert window_around(dt.datetime(2026, 11, 22, 9, tzinfo=HELSINKI)) == (
        dt.date(2025, 11, 22), dt.date(2027, 11, 22))


@pytest.mark.parametrize("rule, da, fi, en", [
    ("every friday", "hver fredag", "joka perjantai", "every Friday"),
    ("every monday and thursday", "hver mandag og torsdag", "joka maanantai ja torstai",
     "every Monday and Thursday"),
    ("every other week on tuesday", "hver anden tirsdag", "joka toinen tiistai", "every other Tuesday"),
    ("every month", "hver måned", "joka kuukausi", "every month"),
    ("every month on the last friday", "den sidste fredag i hver måned",
     "kuukauden viimeinen perjantai", "every month on the last Friday"),
    ("every month on day 15", "den 15. i hver måned", "kuukauden 15. päivä", "every month on day 15"),
    ("every year", "hvert år", "joka vuosi", "every year"),
    ("every other year", "hvert andet år", "joka toinen vuosi", "every other year"),
    ("every 3 years", "hvert 3. år", "3 vuoden välein", "every 3 years"),
])
def test_rules_are_said_in_each_language(rule, da, fi, en, catalogs):
    parsed = repeat_rule(rule)
    said = {lang: describe(parsed, catalogs[lang], locale)
            for lang, locale in (("da", "da_DK"), ("fi", "fi_FI"), ("en", "en_GB"))}
    assert said == {"da": da, "fi": fi, "en": en}
