"""schema.org JSON-LD: one Event per meeting page, the EventSeries, the network Organization."""
from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo

import pytest
from icalendar import Calendar

from conftest import PROJECT, options
from sitegen.errors import Diagnostics
from sitegen.i18n import load_catalogs
from sitegen.pipeline import load_site
from sitegen.reads import Memo
from sitegen.render.ics import render_occurrence
from sitegen.render.jsonld import event_data, network_data, script_tag, series_data
from sitegen.templating import make_environment
from sitegen.urls import Urls

SCHEMA = "https://schema.org/"
LD_1_KEYS = {"@context", "@id", "name", "startDate", "endDate", "location", "eventStatus",
             "eventAttendanceMode", "description", "organizer", "url", "inLanguage"}

NETWORK = {
    "content/networks/bydelsmoedre.da.md": """\
---
title: Bydelsmødrene
summary: Bydelsmødrene mødes hver måned.
email: kontakt@bydelsmoedre.dk
phone: "30 17 78 04"
website: https://bydelsmoedre.dk/
contacts: [zeljka, anna]
---
Om netværket.
""",
    "content/networks/bydelsmoedre.en.md": """\
---
title: The Neighbourhood Mothers
---
About the network.
""",
    "content/people/zeljka.yaml": """\
name: Zeljka Secerbegovic
role:
  da: koordinator
  en: coordinator
email: zeljka@example.dk
phone: ["30 17 78 04", "+358 41 311 7883"]
country: DK
""",
    "content/people/anna.yaml": "name: Anna Andersen\n",
}


def event(slug: str, lang: str = "da", title: str = "Månedsmøde", summary: str | None = "Et møde.",
          **facts: str) -> dict[str, str]:
    """One event file; `facts` are front-matter lines (YAML) after the title."""
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}"]
    if summary:
        lines.append(f"summary: {summary}")
    lines += [f"{key}: {value}" for key, value in facts.items()]
    return {f"content/events/{slug}.{lang}.md": "---\n" + "\n".join(lines) + "\n---\nBody *text*.\n"}


PLACE = ("{name: Nørrebro Bibliotek, address: Bragesgade 8, postal_code: '2200', city: København N,"
         " country: DK, latitude: 55.7003, longitude: 12.5447}")
TEAMS = "{service: Microsoft Teams, url: 'https://teams.example/meet/1'}"


@pytest.fixture
def load(make_site):
    """Load a site made of `NETWORK` plus `files`; return (site, urls)."""
    def loaded(*files: dict[str, str]):
        content = dict(NETWORK)
        for more in files:
            content.update(more)
        root = make_site(content)
        site = load_site(options(root), Diagnostics())
        return site, Urls(site.config)
    return loaded


def only(site, slug):
    [occurrence] = site.occurrences_of(slug)
    return occurrence


def parsed(tag) -> dict:
    """The JSON of a script element, as a page's reader would extract it."""
    match = re.fullmatch(r'<script type="application/ld\+json">(.*)</script>', str(tag), re.DOTALL)
    assert match, tag
    return json.loads(match[1])


# -- LD-1: one complete Event per meeting page --------------------------------------------

def test_a_meeting_page_has_one_event_with_every_property_google_uses(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", end="2027-01-29 10:00",
                            network="bydelsmoedre", place=PLACE))
    data = parsed(script_tag(event_data(site, urls, "da", only(site, "moede"))))
    assert data["@type"] == "Event"
    assert data.keys() >= LD_1_KEYS
    assert data["@context"] == "https://schema.org"
    assert data["@id"] == "https://example.org/da/events/moede/#event"
    assert data["url"] == "https://example.org/da/events/moede/"
    assert data["name"] == "Månedsmøde"
    assert data["description"] == "Et møde."
    assert data["inLanguage"] == "da"
    assert data["eventStatus"] == SCHEMA + "EventScheduled"
    assert data["organizer"] == {"@type": "Organization", "name": "Bydelsmødrene",
                                 "url": "https://example.org/da/networks/bydelsmoedre/",
                                 "@id": "https://example.org/da/networks/bydelsmoedre/#organization"}


def test_a_page_in_a_language_the_meeting_is_not_written_in_describes_the_fallback_text(load):
    site, urls = load(event("moede", lang="en", title="Monthly meeting", start="2027-01-29 08:30",
                            network="bydelsmoedre"))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert (data["name"], data["inLanguage"], data["url"]) == (
        "Monthly meeting", "en", "https://example.org/en/events/moede/")
    assert data["organizer"]["name"] == "Bydelsmødrene"   # the network is written in Danish


def test_a_meeting_without_summary_is_described_by_its_body_as_plain_text(load):
    site, urls = load(event("moede", summary=None, start="2027-01-29 08:30"))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["description"] == "Body text."
    assert "organizer" not in data   # no network


# -- LD-2: dates with the offset valid on that date -----------------------------------------

@pytest.mark.parametrize("zone, start, offset", [
    ("Europe/Copenhagen", "2027-01-29 08:30", "+01:00"),
    ("Europe/Copenhagen", "2027-06-25 08:30", "+02:00"),
    ("Europe/Helsinki", "2027-01-29 08:30", "+02:00"),
    ("Europe/Helsinki", "2027-06-25 08:30", "+03:00"),
])
def test_start_and_end_carry_the_offset_of_their_date_in_the_meetings_zone(load, zone, start, offset):
    day = start[:10]
    site, urls = load(event("moede", start=start, end=f"{day} 10:00", timezone=zone))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["startDate"] == f"{day}T08:30{offset}"
    assert data["endDate"] == f"{day}T10:00{offset}"
    instant = dt.datetime.fromisoformat(data["startDate"])
    assert instant == dt.datetime.fromisoformat(start).replace(tzinfo=zoneinfo.ZoneInfo(zone))


@pytest.mark.parametrize("facts", [
    {"start": "2027-06-25 08:30", "end": "2027-06-25 10:00", "timezone": "Europe/Helsinki"},
    {"start": "2027-01-29 08:30", "timezone": "Europe/Copenhagen"},   # no end: as long as the ICS says
    {"start": "2027-02-03", "end": "2027-02-04"},
])
def test_the_instants_are_those_of_the_ics_and_the_pages_time_element(load, facts):
    site, urls = load(event("moede", **facts))
    occurrence = only(site, "moede")
    data = event_data(site, urls, "da", occurrence)
    env = make_environment(PROJECT / "templates", "da", site.config,
                           load_catalogs(site.config)["da"], urls)
    assert data["startDate"] == env.filters["isodate"](occurrence.start)
    ics = Calendar.from_ical(render_occurrence(site, urls, "da", load_catalogs(site.config)["da"], Memo(),
                                               occurrence.event, occurrence.key))
    [vevent] = ics.walk("VEVENT")
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    if isinstance(start, dt.datetime):
        assert dt.datetime.fromisoformat(data["startDate"]) == start
        assert dt.datetime.fromisoformat(data["endDate"]) == end
    else:   # ICS ends all-day meetings on the next day, JSON-LD on the last one
        assert (data["startDate"], data["endDate"]) == (
            start.isoformat(), (end - dt.timedelta(days=1)).isoformat())


def test_an_all_day_meeting_has_dates_only(load):
    site, urls = load(event("temadag", start="2027-02-03", end="2027-02-04"),
                      event("dag", start="2027-03-03"))
    data = event_data(site, urls, "da", only(site, "temadag"))
    assert (data["startDate"], data["endDate"]) == ("2027-02-03", "2027-02-04")
    one_day = event_data(site, urls, "da", only(site, "dag"))
    assert (one_day["startDate"], one_day["endDate"]) == ("2027-03-03", "2027-03-03")


def test_a_meeting_without_an_end_time_ends_when_its_calendar_entry_does(load):
    site, urls = load(event("moede", start="2027-01-29 08:30"))
    assert event_data(site, urls, "da", only(site, "moede"))["endDate"] == "2027-01-29T09:30+01:00"


# -- LD-3: attendance modes -----------------------------------------------------------------

def test_a_meeting_in_person_is_offline_at_a_place_with_its_postal_address_and_coordinates(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", place=PLACE))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place", "name": "Nørrebro Bibliotek",
        "address": {"@type": "PostalAddress", "streetAddress": "Bragesgade 8", "postalCode": "2200",
                    "addressLocality": "København N", "addressCountry": "DK"},
        "geo": {"@type": "GeoCoordinates", "latitude": 55.7003, "longitude": 12.5447}}


def test_a_place_gives_only_the_address_parts_that_are_known_and_no_geo_without_coordinates(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", place="{name: Aggredi, city: Lahti}"))
    assert event_data(site, urls, "da", only(site, "moede"))["location"] == {
        "@type": "Place", "name": "Aggredi",
        "address": {"@type": "PostalAddress", "addressLocality": "Lahti"}}


def test_an_online_meeting_is_online_at_a_virtual_location_with_its_public_link(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", online=TEAMS))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "name": "Microsoft Teams",
                                "url": "https://teams.example/meet/1"}


def test_a_hybrid_meeting_is_mixed_at_a_place_and_a_virtual_location_that_is_the_page_without_a_link(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", place=PLACE,
                            online="{service: Microsoft Teams}"))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    place, virtual = data["location"]
    assert place["@type"] == "Place" and place["address"]["streetAddress"] == "Bragesgade 8"
    assert virtual == {"@type": "VirtualLocation", "name": "Microsoft Teams",
                       "url": "https://example.org/da/events/moede/"}


# -- LD-4: statuses ---------------------------------------------------------------------------

def test_a_cancelled_meeting_is_event_cancelled_at_its_original_start(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", status="cancelled"))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["eventStatus"] == SCHEMA + "EventCancelled"
    assert data["startDate"] == "2027-01-29T08:30+01:00"
    assert "previousStartDate" not in data


def test_a_postponed_meeting_is_event_postponed_keeping_its_start(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", status="postponed"))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["eventStatus"] == SCHEMA + "EventPostponed"
    assert data["startDate"] == "2027-01-29T08:30+01:00"


def test_a_moved_meeting_is_rescheduled_with_its_new_start_and_the_previous_one(load):
    site, urls = load(event("moede", start="2027-04-02 08:30", moved_from="2027-03-26 08:30"))
    data = event_data(site, urls, "da", only(site, "moede"))
    assert data["eventStatus"] == SCHEMA + "EventRescheduled"
    assert data["startDate"] == "2027-04-02T08:30+02:00"        # after the March change
    assert data["previousStartDate"] == "2027-03-26T08:30+01:00"


# -- LD-5: a series: one Event per meeting page, and the EventSeries ------------------------

SERIES = event("maanedsmoede", start="2026-01-30 17:00", end="2026-01-30 19:00",
               network="bydelsmoedre",
               repeat="{rule: every month on the last friday, cancelled: [2026-12-25],"
                      " moved: [{date: 2027-01-29, to: 2027-01-22 17:00}]}")


def test_each_meeting_of_a_series_has_its_own_event_and_page(load):
    site, urls = load(SERIES)
    meetings = {o.key: event_data(site, urls, "da", o) for o in site.occurrences_of("maanedsmoede")}
    assert len({d["@id"] for d in meetings.values()}) == len({d["url"] for d in meetings.values()}) \
        == len(meetings) > 10
    november = meetings["20261127"]
    assert november["url"] == "https://example.org/da/events/maanedsmoede/2026-11-27/"
    assert november["@id"] == november["url"] + "#event"
    assert november["superEvent"] == {"@id": "https://example.org/da/events/maanedsmoede/#series"}
    assert meetings["20261225"]["eventStatus"] == SCHEMA + "EventCancelled"
    assert meetings["20261225"]["startDate"] == "2026-12-25T17:00+01:00"
    moved = meetings["20270129"]
    assert moved["url"] == "https://example.org/da/events/maanedsmoede/2027-01-29/"  # its planned day
    assert (moved["eventStatus"], moved["startDate"], moved["endDate"], moved["previousStartDate"]) == (
        SCHEMA + "EventRescheduled", "2027-01-22T17:00+01:00", "2027-01-22T19:00+01:00",
        "2027-01-29T17:00+01:00")


def test_the_series_page_lists_the_next_ten_meetings_by_the_ids_of_their_pages(load):
    site, urls = load(SERIES)
    series = site.events["maanedsmoede"]
    data = parsed(script_tag(series_data(site, urls, "da", series)))
    assert data["@type"] == "EventSeries"
    assert data["@id"] == "https://example.org/da/events/maanedsmoede/#series"
    assert (data["name"], data["url"]) == ("Månedsmøde", "https://example.org/da/events/maanedsmoede/")
    upcoming = [o for o in site.occurrences_of("maanedsmoede") if o.ends_after(site.now)][:10]
    expected = [event_data(site, urls, "da", o)["@id"] for o in upcoming]
    assert [sub["@id"] for sub in data["subEvent"]] == expected
    assert expected[:3] == [f"https://example.org/da/events/maanedsmoede/{day}/#event"
                            for day in ("2026-11-27", "2026-12-25", "2027-01-29")]
    assert data["organizer"]["name"] == "Bydelsmødrene"


def test_a_single_meeting_has_no_series(load):
    site, urls = load(event("moede", start="2027-01-29 08:30"))
    with pytest.raises(ValueError):
        series_data(site, urls, "da", site.events["moede"])


# -- the network -------------------------------------------------------------------------------

def test_a_network_is_an_organization_with_contact_points_for_its_own_and_its_peoples_details(load):
    site, urls = load()
    data = parsed(script_tag(network_data(site, urls, "en", site.networks["bydelsmoedre"])))
    assert (data["@type"], data["name"], data["url"]) == (
        "Organization", "The Neighbourhood Mothers", "https://example.org/en/networks/bydelsmoedre/")
    assert data["sameAs"] == "https://bydelsmoedre.dk/"
    assert data["contactPoint"] == [
        {"@type": "ContactPoint", "name": "The Neighbourhood Mothers", "contactType": "network",
         "email": "kontakt@bydelsmoedre.dk", "telephone": "+4530177804"},
        {"@type": "ContactPoint", "name": "Zeljka Secerbegovic", "contactType": "contact person",
         "description": "coordinator", "email": "zeljka@example.dk",
         "telephone": ["+4530177804", "+358413117883"]},
        {"@type": "ContactPoint", "name": "Anna Andersen", "contactType": "contact person"},
    ]


def test_the_organizer_of_a_meeting_is_the_network_organization_of_the_same_id(load):
    site, urls = load(event("moede", start="2027-01-29 08:30", network="bydelsmoedre"))
    organisation = network_data(site, urls, "da", site.networks["bydelsmoedre"])
    organizer = event_data(site, urls, "da", only(site, "moede"))["organizer"]
    assert organizer["@id"] == organisation["@id"] and organizer["name"] == organisation["name"]


# -- the script element ------------------------------------------------------------------------

def test_a_title_with_a_closing_script_tag_cannot_break_out_of_the_element(load):
    title = "Møde </script><script>alert(1)</script> & <!-- mere"
    site, urls = load(event("moede", title=title, start="2027-01-29 08:30"))
    tag = str(script_tag(event_data(site, urls, "da", only(site, "moede"))))
    inner = tag.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not re.search(r"[<>&]", inner)
    assert "\\u003c/script\\u003e" in inner
    assert parsed(tag)["name"] == title


def test_the_script_element_is_deterministic_sorted_compact_and_keeps_letters_as_they_are():
    tag = str(script_tag({"name": "Møde på Nørrebro", "@type": "Event", "a": [1, 2]}))
    assert tag == ('<script type="application/ld+json">'
                   '{"@type":"Event","a":[1,2],"name":"Møde på Nørrebro"}</script>')
    assert script_tag({"b": 1, "a": 2}) == script_tag({"a": 2, "b": 1})
