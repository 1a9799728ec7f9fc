"""Calendar pages of the sample site: one expansion shared by agenda, grid, pages and feeds."""
from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest
import recurring_ical_events
from icalendar import Calendar

from conftest import NOW, build_ok, soup
from sitegen.render.calendar import AGENDA_MEETINGS, split_agenda


def page(output, url):
    return soup(output / url.strip("/") / "index.html")


def agenda_items(document):
    return document.select(".agenda li.meeting")


def calendar_pages(output):
    """Every agenda page of the built site: per language, network and region."""
    return sorted(p for p in output.rglob("index.html")
                  if "/calendar/" in p.as_posix() and "calendar/20" not in p.as_posix())


def test_every_calendar_page_lists_its_feeds_next_meetings_and_links_the_months_of_the_rest(sample_site):
    year_ahead = (NOW, NOW + dt.timedelta(days=365))
    compared = cut = 0
    for path in calendar_pages(sample_site):
        document = soup(path)
        feed_url = document.find("link", rel="alternate", type="text/calendar")["href"]
        feed = Calendar.from_ical((sample_site / feed_url.removeprefix("https://example.org/")).read_bytes())
        in_feed = [event for event in recurring_ical_events.of(feed).between(*year_ahead)]
        items = agenda_items(document)
        assert len(items) <= AGENDA_MEETINGS, path
        last_day = max((dt.datetime.fromisoformat(li["data-start"]).date() for li in items), default=None)
        listed = {(event.start.astimezone(dt.UTC), str(event["SUMMARY"])) for event in in_feed
                  if event.get("STATUS") != "CANCELLED" and last_day and event.start.date() <= last_day}
        shown = {(dt.datetime.fromisoformat(li["data-start"]).astimezone(dt.UTC),
                  li.select_one(".meeting-title a").text)
                 for li in items if "status-cancelled" not in li["class"]}
        assert listed == shown, path
        later = sorted({f"{event.start:%Y-%m}" for event in in_feed
                        if last_day is None or event.start.date() > last_day})
        links = [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in document.select(".later-months a")]
        assert links == later, path
        compared += len(shown)
        cut += bool(later)
    # the site's in 3 languages, 2 regions' in 3, and 6 networks' in their 2 languages each
    assert len(calendar_pages(sample_site)) == 3 + 2 * 3 + 6 * 2
    assert compared > 4 * 20  # the Friday service point in its network's, region's and all calendars
    assert cut == 3 + 3 + 2  # those calendars (its network's is in fi and en) leave months to the grids


def test_the_month_grids_show_the_same_meetings_as_the_feed(sample_site):
    feed = Calendar.from_ical((sample_site / "en/calendar.ics").read_bytes())
    grids = sorted((sample_site / "en/calendar").glob("20*/index.html"))
    first, last = grids[0].parent.name, grids[-1].parent.name
    window = (dt.date.fromisoformat(f"{first}-01"), dt.date.fromisoformat(f"{last}-28"))
    in_feed = set()
    for event in recurring_ical_events.of(feed).between(*window):
        title = str(event["SUMMARY"])
        if event.get("STATUS") == "CANCELLED":
            title = title.removeprefix("Cancelled: ")
        in_feed.add((event.start.date().isoformat(), title))
    in_grids = {(li.find_parent("td").find("time", class_="day-number")["datetime"], li.a.text)
                for grid in grids for li in soup(grid).select("ul.day-meetings li")}
    in_grids = {(day, title) for day, title in in_grids if day < window[1].isoformat()}
    assert in_feed == in_grids
    assert len(in_grids) > 100


def test_the_agenda_lists_only_meetings_not_yet_over_grouped_by_month(sample_site):
    document = page(sample_site, "/fi/calendar/")
    starts = [li["data-start"] for li in agenda_items(document)]
    assert starts[0] == "2026-11-27T10:00+02:00"
    assert starts == sorted(starts, key=dt.datetime.fromisoformat)
    months = [h.text for h in document.select(".agenda-month h2")]
    assert months[:3] == ["Marraskuu 2026", "Joulukuu 2026", "Tammikuu 2027"]


def test_every_listed_meeting_carries_its_times(sample_site):
    for li in agenda_items(page(sample_site, "/fi/calendar/")):
        time = li.find("time")
        assert time["datetime"] == li["data-start"]
        assert dt.datetime.fromisoformat(li["data-start"]).utcoffset() is not None
        assert dt.datetime.fromisoformat(li["data-end"]) > dt.datetime.fromisoformat(li["data-start"])


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


def loaded_sample_site():
    """The sample content loaded (not built) with the same `now` as `sample_site`."""
    import shutil
    import tempfile
    from pathlib import Path

    from conftest import PROJECT, options
    from sitegen.errors import Diagnostics
    from sitegen.pipeline import load_site
    from sitegen.urls import Urls

    root = Path(tempfile.mkdtemp()) / "sample"
    shutil.copytree(PROJECT / "content", root / "content")
    site = load_site(options(root), Diagnostics())
    return site, Urls(site.config)


def test_built_pages_carry_the_links_and_data_the_calendar_functions_make(sample_site):
    from sitegen.calendar_links import google_add_url, google_subscribe_url, webcal_url
    from sitegen.render.jsonld import event_data, network_data

    site, urls = loaded_sample_site()
    for occurrence in site.occurrences:
        event = site.events[occurrence.event]
        for lang, text in event.texts.items():
            url = urls.occurrence(event.slug, occurrence.key, lang, series=event.recurrence is not None)
            document = page(sample_site, url)
            scripts = document.find_all("script", type="application/ld+json")
            assert [json.loads(s.string) for s in scripts] == [event_data(site, urls, lang, occurrence)]
            if occurrence.ends_after(site.now) and occurrence.status != "cancelled":
                google = document.select_one(".add-to-calendar a[href^='https://calendar.google.com']")
                details = f"{text.summary}\n\n{urls.absolute(url)}" if text.summary else urls.absolute(url)
                assert google["href"] == google_add_url(
                    text.title, occurrence.start, occurrence.end, details,
                    event.place.one_line if event.place else "", occurrence.all_day)
    for slug, network in site.networks.items():
        for lang in network.texts:
            document = page(sample_site, urls.item("networks", slug, lang))
            scripts = document.find_all("script", type="application/ld+json")
            assert [json.loads(s.string) for s in scripts] == [network_data(site, urls, lang, network)]
            feed = urls.absolute(urls.calendar_feed(lang, slug))
            subscribe = {a.text: a["href"] for a in document.select(".subscribe a")}
            assert subscribe["Google Calendar"] == google_subscribe_url(feed)
            assert webcal_url(feed) in subscribe.values()
            assert document.find("link", rel="alternate", type="text/calendar")["href"] == feed


@pytest.mark.parametrize("lang, updated", [("da", "Opdateret 22. november 2026"),
                                           ("fi", "Päivitetty 22.11.2026"),
                                           ("en", "Updated 22 November 2026")])
def test_every_page_says_when_it_was_built_in_its_language(sample_site, lang, updated):
    for path in [sample_site / lang / "index.html", sample_site / lang / "calendar/2026-12/index.html"]:
        shown = soup(path).find(class_="updated")
        assert (shown.text, shown.time["datetime"]) == (updated, "2026-11-22")


def test_upcoming_lists_can_hide_what_ends_after_the_build(sample_site):
    document = page(sample_site, "/fi/calendar/")
    assert document.find("script", src="/static/calendar.js").has_attr("defer")
    assert document.find(class_="ended-note").has_attr("hidden")
    assert (sample_site / "static/calendar.js").stat().st_size < 4000


DURING = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def test_a_meeting_under_way_is_still_upcoming_everywhere(make_site):
    root = make_site({
        "content/networks/n.en.md": "---\ntitle: N\n---\n",
        "content/events/m.en.md": "---\ntitle: M\nnetwork: n\nstart: 2026-12-04 08:30\n"
                                  "end: 2026-12-04 10:00\n---\n",
    })
    build_ok(root, now=DURING)
    output = root / "output"
    for url in ["/en/calendar/", "/en/networks/n/calendar/", "/en/events/", "/en/networks/n/"]:
        starts = [li["data-start"] for li in page(output, url).select("[data-upcoming] li.meeting")]
        assert starts == ["2026-12-04T08:30+01:00"], url
    assert page(output, "/en/events/m/").find(class_="notice") is None


def test_a_rule_for_the_31st_skips_months_without_one():
    from sitegen.fields import repeat_rule
    from sitegen.records import Event
    from sitegen.recurrence import expand

    zone = "Europe/Helsinki"
    event = Event("s", {}, zone, start=dt.date(2027, 1, 31), recurrence=repeat_rule("every month on day 31"))
    starts = [o.start for o in expand(event, (dt.date(2027, 1, 1), dt.date(2027, 6, 30)))]
    assert starts == [dt.date(2027, 1, 31), dt.date(2027, 3, 31), dt.date(2027, 5, 31)]


def test_a_meeting_across_midnight_is_said_and_listed_with_both_days(make_site):
    root = make_site({"content/events/yo.fi.md": "---\ntitle: Yövuoro\nstart: 2026-12-04 22:00\n"
                      "end: 2026-12-05 02:00\ntimezone: Europe/Helsinki\n---\n"})
    build_ok(root)
    time = page(root / "output", "/fi/events/yo/").select_one(".facts time")
    # The test site's home zone is Copenhagen's, so Helsinki times are labelled.
    assert time.text == "perjantaina 4.12.2026 klo 22 – lauantaina 5.12.2026 klo 2 (Suomen aikaa)"
    feed = Calendar.from_ical((root / "output/fi/calendar.ics").read_bytes())
    [event] = feed.events
    assert (event.start.isoformat(), event.end.isoformat()) == ("2026-12-04T22:00:00+02:00",
                                                                "2026-12-05T02:00:00+02:00")
    grid = page(root / "output", "/fi/calendar/2026-12/")
    assert grid.select_one("ul.day-meetings").find_parent("td").find("time")["datetime"] == "2026-12-04"


def meetings_on(*days: int) -> list:
    """Stand-ins for occurrences: what `split_agenda` reads is each one's start."""
    return [SimpleNamespace(start=dt.datetime(2026, 12, 1, 10) + dt.timedelta(days=day)) for day in days]


def test_the_agenda_ends_with_a_whole_day_and_shows_one_busy_day_whole():
    first_days = meetings_on(*range(AGENDA_MEETINGS - 1))
    busy_day = meetings_on(*[AGENDA_MEETINGS] * 3)
    shown, later = split_agenda(first_days + busy_day)
    assert (shown, later) == (first_days, busy_day)
    crowded = meetings_on(*[0] * (AGENDA_MEETINGS + 5), 1)
    assert split_agenda(crowded) == (crowded[:-1], crowded[-1:])
    assert split_agenda(first_days) == (first_days, [])
