"""Subscribe and add-to-calendar links (PAGE-4, PAGE-5): exact formats, UTC times, encoding."""
from __future__ import annotations

import datetime as dt
import zoneinfo
from urllib.parse import parse_qsl, urlsplit

import pytest

from sitegen.calendar_links import (
    google_add_url,
    google_subscribe_url,
    outlook_add_urls,
    outlook_subscribe_urls,
    webcal_url,
)
from sitegen.recurrence import span

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
FEED = "https://example.org/da/networks/bydelsmoedre/calendar.ics"


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


# -- PAGE-4: subscribing to a feed ------------------------------------------------------------

def test_the_webcal_url_is_the_feed_url_with_its_scheme_replaced():
    assert webcal_url(FEED) == "webcal://example.org/da/networks/bydelsmoedre/calendar.ics"
    assert webcal_url("http://localhost:8000/fi/calendar.ics") == "webcal://localhost:8000/fi/calendar.ics"


@pytest.mark.parametrize("not_http", ["webcal://example.org/x.ics", "/da/calendar.ics", "ftp://e/x"])
def test_only_an_http_feed_url_gets_a_webcal_link(not_http):
    with pytest.raises(ValueError):
        webcal_url(not_http)


def test_the_google_subscribe_link_carries_the_url_encoded_webcal_url_as_cid():
    assert google_subscribe_url(FEED) == (
        "https://calendar.google.com/calendar/r?cid="
        "webcal%3A%2F%2Fexample.org%2Fda%2Fnetworks%2Fbydelsmoedre%2Fcalendar.ics")
    assert query(google_subscribe_url(FEED)) == {"cid": webcal_url(FEED)}


def test_the_outlook_subscribe_links_encode_the_https_url_and_the_name():
    links = outlook_subscribe_urls(FEED, "Bydelsmødrene – møder & mere")
    encoded = ("url=https%3A%2F%2Fexample.org%2Fda%2Fnetworks%2Fbydelsmoedre%2Fcalendar.ics"
               "&name=Bydelsm%C3%B8drene%20%E2%80%93%20m%C3%B8der%20%26%20mere")
    assert links == {
        "outlook.com": f"https://outlook.live.com/calendar/0/addfromweb?{encoded}",
        "microsoft365": f"https://outlook.office.com/calendar/0/addfromweb?{encoded}",
    }
    assert query(links["outlook.com"]) == {"url": FEED, "name": "Bydelsmødrene – møder & mere"}


# -- PAGE-5: adding one meeting -----------------------------------------------------------------

MEETING = dict(title="Verkoston tapaaminen", start=dt.datetime(2024, 1, 26, 8, 30, tzinfo=HELSINKI),
               end=dt.datetime(2024, 1, 26, 10, 30, tzinfo=HELSINKI),
               details="Ilmoittautuminen: a@b.fi\nhttps://example.org/fi/events/x/",
               location="Aggredi, Lahti")


def test_the_google_add_link_gives_the_times_in_utc_and_the_zone_for_display():
    assert google_add_url(**MEETING) == (
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text=Verkoston%20tapaaminen"
        "&dates=20240126T063000Z/20240126T083000Z"
        "&details=Ilmoittautuminen%3A%20a%40b.fi%0Ahttps%3A//example.org/fi/events/x/"
        "&location=Aggredi%2C%20Lahti&ctz=Europe/Helsinki")


def test_the_outlook_add_links_give_startdt_and_enddt_in_utc():
    links = outlook_add_urls(**MEETING)
    rest = ("path=/calendar/action/compose&rru=addevent"
            "&startdt=2024-01-26T06:30:00Z&enddt=2024-01-26T08:30:00Z&subject=Verkoston%20tapaaminen"
            "&body=Ilmoittautuminen:%20a%40b.fi%0Ahttps://example.org/fi/events/x/"
            "&location=Aggredi%2C%20Lahti")
    assert links == {"outlook.com": f"https://outlook.live.com/calendar/deeplink/compose?{rest}",
                     "microsoft365": f"https://outlook.office.com/calendar/deeplink/compose?{rest}"}
    assert query(links["microsoft365"])["body"] == MEETING["details"]


@pytest.mark.parametrize("start, end, google_dates, outlook_times", [
    # Summer time: Copenhagen is UTC+2, so 17:00 is 15:00Z.
    (dt.datetime(2026, 7, 31, 17, 0, tzinfo=COPENHAGEN), dt.datetime(2026, 7, 31, 19, 0, tzinfo=COPENHAGEN),
     "20260731T150000Z/20260731T170000Z", ("2026-07-31T15:00:00Z", "2026-07-31T17:00:00Z")),
    # No end: one hour (DEFAULT_LENGTH), as in the ICS feeds.
    (dt.datetime(2026, 1, 30, 17, 0, tzinfo=COPENHAGEN), None,
     "20260130T160000Z/20260130T170000Z", ("2026-01-30T16:00:00Z", "2026-01-30T17:00:00Z")),
    # Across midnight UTC.
    (dt.datetime(2026, 1, 2, 0, 30, tzinfo=HELSINKI), dt.datetime(2026, 1, 2, 1, 30, tzinfo=HELSINKI),
     "20260101T223000Z/20260101T233000Z", ("2026-01-01T22:30:00Z", "2026-01-01T23:30:00Z")),
    # All day, one day: the end is exclusive.
    (dt.date(2027, 2, 3), None, "20270203/20270204", ("2027-02-03", "2027-02-04")),
    # All day, 3-4 February (the site stores the last day): ends on the 5th.
    (dt.date(2027, 2, 3), dt.date(2027, 2, 4), "20270203/20270205", ("2027-02-03", "2027-02-05")),
])
def test_add_links_write_timed_meetings_in_utc_and_all_day_meetings_with_an_exclusive_end(
        start, end, google_dates, outlook_times):
    google = query(google_add_url("T", start, end))
    assert google["dates"] == google_dates
    assert ("ctz" in google) == isinstance(start, dt.datetime)
    for link in outlook_add_urls("T", start, end).values():
        found = query(link)
        assert (found["startdt"], found["enddt"]) == outlook_times
        assert found.get("allday") == (None if isinstance(start, dt.datetime) else "true")


def test_an_all_day_flag_turns_a_datetime_into_its_date():
    start = dt.datetime(2027, 2, 3, 9, 0, tzinfo=COPENHAGEN)
    assert query(google_add_url("T", start, None, all_day=True))["dates"] == "20270203/20270204"


def test_a_naive_time_or_an_all_day_start_for_a_timed_link_is_refused():
    with pytest.raises(ValueError):
        google_add_url("T", dt.datetime(2026, 1, 1, 10), None)
    with pytest.raises(ValueError):
        outlook_add_urls("T", dt.date(2026, 1, 1), None, all_day=False)


def test_empty_details_and_location_are_left_out():
    assert set(query(google_add_url("T", dt.date(2027, 2, 3), None))) == {"action", "text", "dates"}
    assert set(query(outlook_add_urls("T", dt.date(2027, 2, 3), None)["outlook.com"])) == {
        "path", "rru", "startdt", "enddt", "allday", "subject"}


@pytest.mark.parametrize("start, end, expected", [
    # An hour of elapsed time: 1.30 plus an hour is 3.30 on the night clocks skip 2.00-3.00.
    (dt.datetime(2026, 3, 29, 1, 30, tzinfo=COPENHAGEN), None,
     dt.datetime(2026, 3, 29, 3, 30, tzinfo=COPENHAGEN)),
    (dt.datetime(2026, 3, 27, 8, 30, tzinfo=COPENHAGEN), dt.datetime(2026, 3, 27, 8, 30, tzinfo=COPENHAGEN),
     dt.datetime(2026, 3, 27, 9, 30, tzinfo=COPENHAGEN)),
    (dt.date(2026, 6, 19), dt.date(2026, 6, 19), dt.date(2026, 6, 20)),
    (dt.date(2026, 6, 19), dt.date(2026, 6, 18), dt.date(2026, 6, 20)),
])
def test_a_span_always_ends_after_it_starts(start, end, expected):
    assert span(start, end) == (start, expected)
