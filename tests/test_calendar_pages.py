"""Calendar pages of the sample site: one expansion shared by agenda, grid, pages and feeds."""
from __future__ import annotations

import datetime as dt
import json

import recurring_ical_events
from icalendar import Calendar

from conftest import NOW, build_ok, soup


def page(output, url):
    return soup(output / url.strip("/") / "index.html")


def agenda_items(document):
    return document.select(".agenda li.meeting")


def test_the_feed_expands_to_exactly_the_meetings_the_agenda_shows_for_a_year(sample_site):
    feed = Calendar.from_ical((sample_site / "fi/calendar.ics").read_bytes())
    year_ahead = (NOW, NOW + dt.timedelta(days=365))
    in_feed = {(event.start.astimezone(dt.UTC), str(event["SUMMARY"]))
               for event in recurring_ical_events.of(feed).between(*year_ahead)
               if event.get("STATUS") != "CANCELLED"}
    shown = {(dt.datetime.fromisoformat(li["data-start"]).astimezone(dt.UTC),
              li.select_one(".meeting-title a").text)
             for li in agenda_items(page(sample_site, "/fi/calendar/"))
             if "status-cancelled" not in li["class"]
             and dt.datetime.fromisoformat(li["data-start"]) < year_ahead[1]}
    assert in_feed == shown
    assert len(shown) > 50  # a year of Fridays


def test_the_agenda_lists_only_meetings_not_yet_over_grouped_by_month(sample_site):
    document = page(sample_site, "/fi/calendar/")
    starts = [li["data-start"] for li in agenda_items(document)]
    assert starts[0] == "2026-11-27T10:00+02:00"
    assert starts == sorted(starts, key=dt.datetime.fromisoformat)
    months = [h.text for h in document.select(".agenda-month h2")]
    assert months[:3] == ["Marraskuu 2026", "Joulukuu 2026", "Tammikuu 2027"]


def test_every_listed_meeting_carries_its_times_network_and_region(sample_site):
    for li in agenda_items(page(sample_site, "/fi/calendar/")):
        time = li.find("time")
        assert time["datetime"] == li["data-start"]
        assert dt.datetime.fromisoformat(li["data-start"]).utcoffset() is not None
        assert dt.datetime.fromisoformat(li["data-end"]) > dt.datetime.fromisoformat(li["data-start"])
        assert (li["data-network"], li["data-region"]) == ("yhdessa-paijat-hame", "paijat-hame")


def test_a_cancelled_and_a_moved_meeting_are_said_in_words(sample_site):
    items = {li["data-start"][:10]: li for li in agenda_items(page(sample_site, "/fi/calendar/"))}
    assert items["2026-12-25"].find(class_="status").text == "Peruttu"
    assert items["2026-12-31"].find(class_="status").text == "Siirretty"
    assert "2027-01-01" not in items
    moved = page(sample_site, "/fi/events/palvelupiste-perjantaisin/2027-01-01/")
    assert moved.find(class_="notice").text == (
        "Siirretty: tapaaminen oli suunniteltu ajalle perjantaina 1.1.2027 klo 10.")
    cancelled = page(sample_site, "/fi/events/palvelupiste-perjantaisin/2026-12-25/")
    assert cancelled.find(class_="notice-cancelled").text == "Peruttu: tapaamista ei pidetä."


def test_each_network_and_region_has_its_calendar_page_and_feed(sample_site):
    for lang, url, feed in [
        ("fi", "/fi/networks/kemi-perhekeskus/calendar/", "/fi/networks/kemi-perhekeskus/calendar.ics"),
        ("en", "/en/networks/bydelsmoedre/calendar/", "/en/networks/bydelsmoedre/calendar.ics"),
        ("fi", "/fi/calendar/region/paijat-hame/", "/fi/calendar/region/paijat-hame/calendar.ics"),
        ("da", "/da/calendar/region/kemi/", "/da/calendar/region/kemi/calendar.ics"),
    ]:
        document = page(sample_site, url)
        link = document.find("link", rel="alternate", type="text/calendar")["href"]
        assert link == f"https://example.org{feed}"
        assert (sample_site / feed.lstrip("/")).is_file()
        assert document.html["lang"] == lang


def test_the_month_grid_is_a_table_of_weeks_starting_on_monday(sample_site):
    document = page(sample_site, "/fi/calendar/2026-11/")
    table = document.find("table", class_="month")
    assert table.caption.text == "Marraskuu 2026"
    headers = table.thead.find_all("th", scope="col")
    assert headers[0].abbr["title"] == "Viikko"
    assert [th.abbr["title"] for th in headers[1:]] == ["maanantai", "tiistai", "keskiviikko", "torstai",
                                                    "perjantai", "lauantai", "sunnuntai"]
    today = table.find("td", attrs={"aria-current": "date"})
    assert today.find("time")["datetime"] == "2026-11-22"
    first_week = [td.find("time")["datetime"] for td in table.tbody.tr.find_all("td")]
    assert first_week == ["2026-10-26", "2026-10-27", "2026-10-28", "2026-10-29", "2026-10-30",
                          "2026-10-31", "2026-11-01"]
    assert [th.text for th in table.tbody.find_all("th", scope="row")] == ["44", "45", "46", "47", "48", "49"]
    december = page(sample_site, "/fi/calendar/2026-12/")
    cell = december.find("time", attrs={"datetime": "2026-12-25"}).parent
    assert cell.find(class_="status").text == "Peruttu"
    assert december.find("a", rel="prev")["href"] == "/fi/calendar/2026-11/"


def test_a_series_page_publishes_an_event_series_whose_meetings_have_pages(sample_site):
    document = page(sample_site, "/fi/events/palvelupiste-perjantaisin/")
    series = json.loads(document.find("script", type="application/ld+json").string)
    assert series["@type"] == "EventSeries"
    for sub_event in series["subEvent"]:
        url = sub_event["@id"].removesuffix("#event").removeprefix("https://example.org")
        meeting = json.loads(page(sample_site, url).find("script", type="application/ld+json").string)
        assert meeting["@id"] == sub_event["@id"]


def test_a_meeting_page_offers_its_calendar_file_and_the_services(sample_site):
    document = page(sample_site, "/fi/events/palvelupiste-perjantaisin/2026-11-27/")
    links = {a.text: a["href"] for a in document.select(".add-to-calendar a")}
    assert links["Kalenteritiedosto (.ics)"] == "/fi/events/palvelupiste-perjantaisin/20261127.ics"
    assert links["Google Calendar"].startswith("https://calendar.google.com/calendar/render?")
    single = Calendar.from_ical(
        (sample_site / "fi/events/palvelupiste-perjantaisin/20261127.ics").read_bytes())
    assert [str(e["UID"]) for e in single.events] == ["palvelupiste-perjantaisin-20261127@example.org"]


def test_a_meeting_on_another_clock_is_labelled_with_its_zone(make_site):
    root = make_site({
        "content/events/kokous.da.md": "---\ntitle: Møde\nstart: 2026-12-04 09:30\n---\n",
        "content/events/kokous.fi.md": "---\ntitle: Kokous\n---\n",
    }, site_yaml=SITE_WITH_HOME_ZONES)
    build_ok(root)
    fi = page(root / "output", "/fi/events/kokous/").select_one(".facts time")
    da = page(root / "output", "/da/events/kokous/").select_one(".facts time")
    assert (fi.text, fi["datetime"]) == ("perjantaina 4.12.2026 klo 9.30 (Tanskan aikaa)",
                                         "2026-12-04T09:30+01:00")
    assert da.text == "fredag den 4. december 2026 kl. 9.30"


SITE_WITH_HOME_ZONES = """\
title: Netværk
base_url: https://example.org/
timezone: Europe/Copenhagen
default_language: da
languages:
  - code: da
    name: Dansk
    locale: da_DK
    timezone: Europe/Copenhagen
  - code: fi
    name: Suomi
    locale: fi_FI
    timezone: Europe/Helsinki
"""
