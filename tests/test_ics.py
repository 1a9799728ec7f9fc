"""ICS feeds and single-meeting files against the calendar study's checklist ICS-1..ICS-22.

Files are parsed with icalendar and expanded with recurring_ical_events; only the byte rules
(ICS-1, ICS-2) look at bytes. The fixture has the study's cases: a Copenhagen hybrid meeting
with registration, a Helsinki online one, a monthly series with a cancelled and a moved
meeting, all-day meetings, a title of special characters, weekly 8.30 meetings across both
daylight-saving changes, and old meetings.
"""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import replace

import pytest
import recurring_ical_events
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar, Timezone, vDuration

from conftest import NOW, SITE_YAML, options, write_files
from sitegen.errors import Diagnostics
from sitegen.pipeline import load_site
from sitegen.reads import Memo
from sitegen.records import Revision
from sitegen.render.ics import VTIMEZONES, render_feed, render_occurrence
from sitegen.urls import Urls

UTC, DOMAIN, LANGS, NETWORKS = dt.UTC, "example.org", ("da", "fi", "en"), ("bydel", "lahti")
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
PRODID = "-//sitegen//sitegen 0.1//"
SPECIAL_TITLE = "Kaffe, kage; og \\ mere\nStor æøå äö dag"
SPECIAL_SUMMARY = "Med, komma; semikolon \\ backslash\nny linje æøå äö"
SPECIAL_NAME = "Café Ø, sal 2; bagindgang \\ A"
SPECIAL_PLACE = f"{SPECIAL_NAME}, Åboulevard 5, København"
ANNA = "Anna Jensen, anna@example.dk, +45 30 17 78 04"


def item(title: str, *lines: str) -> str:
    return "\n".join(["---", f"title: {title}", *lines, "---", ""])


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace("\n", "\\n") + '"'


SITE = {
    "content/networks/bydel.da.md": item("Bydelsmødre Nørrebro", "region: Hovedstaden",
                                         "summary: Møder, kurser; og kaffe."),
    "content/networks/bydel.en.md": item("Neighbourhood mothers Nørrebro"),
    "content/networks/lahti.fi.md": item("Lahden verkosto"),
    "content/networks/lahti.en.md": item("Lahti network"),
    "content/people/anna.yaml":
        "name: Anna Jensen\nemail: anna@example.dk\nphone: '+4530177804'\ncountry: DK\n",
    "content/events/hybrid.da.md": item(
        "Netværksmøde", "summary: Vi mødes på biblioteket.", "network: bydel", "contacts: [anna]",
        "start: 2026-12-04 08:30", "end: 2026-12-04 10:00", "timezone: Europe/Copenhagen",
        "place: {name: Nørrebro Bibliotek, address: Bragesgade 8, postal_code: '2200', "
        "city: København N, latitude: 55.6994, longitude: 12.5442}", "online: {service: Microsoft Teams}",
        "registration: {email: tilmelding@example.dk, required: true, deadline: 2026-12-01}"),
    "content/events/hybrid.en.md": item("Network meeting", "summary: We meet at the library."),
    "content/events/online.fi.md": item(
        "Etätapaaminen", "network: lahti", "start: 2026-12-10 14:00", "end: 2026-12-10 15:30",
        "timezone: Europe/Helsinki",
        "online: {service: Microsoft Teams, url: 'https://teams.microsoft.com/l/meetup-join/abc'}"),
    "content/events/online.en.md": item("Online meeting"),
    "content/events/monthly.da.md": item(
        "Månedsmøde", "network: bydel", "start: 2026-01-30 17:00", "end: 2026-01-30 19:00",
        "timezone: Europe/Copenhagen", "place: {name: Kulturhuset, address: Nørrebrogade 1}",
        "repeat:", "  rule: every month on the last friday", "  cancelled: [2026-12-25]",
        "  moved: [{date: 2027-01-29, to: '2027-01-22 16:00'}]"),
    "content/events/temadag.da.md": item("Temadag", "start: 2027-02-03", "place: {name: Rådhuset}"),
    "content/events/seminar.fi.md": item("Seminaari", "start: 2027-03-03", "end: 2027-03-04",
                                         "timezone: Europe/Helsinki"),
    "content/events/special.en.md": item(
        quoted(SPECIAL_TITLE), f"summary: {quoted(SPECIAL_SUMMARY)}", "start: 2026-12-15 13:00",
        f"place: {{name: {quoted(SPECIAL_NAME)}, address: Åboulevard 5, city: København}}"),
    "content/events/weekly-cph.da.md": item("Morgenmøde", "network: bydel", "repeat: every week",
                                            "start: 2027-03-12 08:30", "timezone: Europe/Copenhagen"),
    "content/events/weekly-hel.fi.md": item("Aamukahvit", "network: lahti", "repeat: every week",
                                            "start: 2027-03-12 08:30", "end: 2027-03-12 09:30",
                                            "timezone: Europe/Helsinki"),
    "content/events/moved.en.md": item("Moved meeting", "start: 2026-12-08 10:00",
                                       "moved_from: 2026-12-01 10:00"),
    "content/events/postponed.en.md": item("Postponed meeting", "start: 2026-12-02 10:00",
                                           "status: postponed"),
    "content/events/old-kept.fi.md": item("Vanha", "start: 2025-12-10 10:00"),
    "content/events/old-dropped.fi.md": item("Liian vanha", "start: 2025-11-10 10:00"),
    "content/events/recently-cancelled.da.md": item("Aflyst", "start: 2026-10-30 10:00",
                                                    "status: cancelled"),
    "content/events/long-cancelled.da.md": item("Aflyst længe", "start: 2026-10-15 10:00",
                                                "status: cancelled"),
}
DESCRIBED = SITE_YAML + ("description:\n  da: 'Møder, kurser; og kaffe.'\n"
                         "  en: 'Meetings, courses; and coffee.'\n")


def load(root, now=NOW):
    return load_site(options(root, now=now), Diagnostics())


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return write_files(tmp_path_factory.mktemp("ics"), {"content/site.yaml": DESCRIBED, **SITE})


@pytest.fixture(scope="module")
def site(root):
    return load(root)


@pytest.fixture(scope="module")
def feeds(site, catalogs):
    """Every feed of the fixture site: (lang, network or None) → bytes."""
    return {(lang, network): render_feed(site, Urls(site.config), lang, catalogs[lang], Memo(), network)
            for lang in LANGS for network in (None, *NETWORKS)}


@pytest.fixture(scope="module")
def singles(site, catalogs):
    """The single-meeting file of every occurrence in each language it is written in."""
    return {(lang, o.event, o.key): render_occurrence(site, Urls(site.config), lang, catalogs[lang], Memo(),
                                                      o.event, o.key)
            for o in site.occurrences for lang in site.events[o.event].texts}


@pytest.fixture(scope="module")
def files(feeds, singles):
    return [*feeds.values(), *singles.values()]


def parse(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def feed(site, catalogs, lang: str, network: str | None = None) -> Calendar:
    return parse(render_feed(site, Urls(site.config), lang, catalogs[lang], Memo(), network))


def by_uid(data: bytes) -> dict:
    return {str(e["UID"]): e for e in parse(data).events}


def unescape(value) -> str:
    """RFC 5545 TEXT unescaping, for X- properties that icalendar leaves as written."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value.to_ical().decode())


def uid(slug: str, key: str) -> str:
    return f"{slug}-{key}@{DOMAIN}"


def slug_of(vevent) -> str:
    return str(vevent["UID"]).rsplit("-", 1)[0]


def utc(value, zone: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), zoneinfo.ZoneInfo(zone))
    return value.astimezone(UTC)


# -- ICS-1 … ICS-5: bytes and the calendar ------------------------------------------------------

def test_files_are_utf8_crlf_without_bom_in_lines_of_75_octets_folded_between_characters(files):
    for data in files:
        assert not data.startswith(b"\xef\xbb\xbf") and data.endswith(b"\r\n")
        assert data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r")
        lines = data.split(b"\r\n")[:-1]
        assert max(len(line) for line in lines) <= 75
        for line, following in zip(lines, lines[1:], strict=False):
            line.decode("utf-8")   # no multi-byte character is split by a fold
            if following.startswith(b" "):   # nor an escape: no odd backslash run before a fold
                assert (len(line) - len(line.rstrip(b"\\"))) % 2 == 0, line
        data.replace(b"\r\n ", b"").decode("utf-8")


def test_one_version_and_prodid_no_method_in_feeds_publish_in_single_files_and_stable_uids(feeds, singles):
    for (lang, _), data in feeds.items():
        names = [name for name, _ in parse(data).property_items(recursive=False)]
        assert (names.count("VERSION"), names.count("PRODID"), names.count("METHOD")) == (1, 1, 0)
        assert (parse(data)["VERSION"], parse(data)["PRODID"]) == ("2.0", PRODID + lang.upper())
    for (lang, *_), data in singles.items():
        assert (parse(data)["METHOD"], parse(data)["PRODID"]) == ("PUBLISH", PRODID + lang.upper())
    uids = {key: str(parse(data)["UID"]) for key, data in feeds.items()}
    assert (uids["fi", None], uids["da", "bydel"]) == (f"calendar-fi@{DOMAIN}",
                                                       f"calendar-da-network-bydel@{DOMAIN}")
    assert len(set(uids.values())) == len(uids)


@pytest.mark.parametrize("lang, network, title", [
    ("da", None, "Netværk"), ("fi", None, "Verkostot"), ("en", None, "Networks"),
    ("da", "bydel", "Bydelsmødre Nørrebro"), ("en", "bydel", "Neighbourhood mothers Nørrebro"),
    ("fi", "lahti", "Lahden verkosto"), ("da", "lahti", "Lahti network"),   # da falls back to en
])
def test_name_and_x_wr_calname_are_localized_and_equal(feeds, catalogs, lang, network, title):
    calendar = parse(feeds[lang, network])
    msgid = "%(name)s – meetings" if network else "%(site)s – calendar"
    expected = catalogs[lang].gettext(msgid) % {"name": title, "site": title}
    assert unescape(calendar["NAME"]) == unescape(calendar["X-WR-CALNAME"]) == expected


@pytest.mark.parametrize("lang, network, description", [
    ("da", None, "Møder, kurser; og kaffe."), ("en", None, "Meetings, courses; and coffee."),
    ("da", "bydel", "Møder, kurser; og kaffe."),
])
def test_x_wr_caldesc_is_one_line_of_escaped_text(feeds, lang, network, description):
    value = parse(feeds[lang, network])["X-WR-CALDESC"]
    assert value.to_ical().decode() == description.replace(",", "\\,").replace(";", "\\;")
    assert unescape(value) == description


def test_refresh_interval_and_published_ttl_are_both_twelve_hours(feeds):
    for data in feeds.values():
        refresh = parse(data)["REFRESH-INTERVAL"]
        assert (refresh.params["VALUE"], refresh.dt) == ("DURATION", dt.timedelta(hours=12))
        assert vDuration.from_ical(parse(data)["X-PUBLISHED-TTL"].to_ical().decode()) == refresh.dt


# -- ICS-6 … ICS-9: zones, dates, required properties ---------------------------------------------

def zone_agrees(vtimezone: Timezone, tzid: str, first: dt.datetime, last: dt.datetime) -> bool:
    """Whether the VTIMEZONE's own rules (not a lookup of its TZID) match zoneinfo every 30 min."""
    own, reference = vtimezone.to_tz(lookup_tzid=False), zoneinfo.ZoneInfo(tzid)
    moment = first
    while moment < last:
        if moment.astimezone(own).utcoffset() != moment.astimezone(reference).utcoffset():
            return False
        moment += dt.timedelta(minutes=30)
    return True


def test_every_tzid_has_an_rrule_vtimezone_placed_before_the_events(feeds, files):
    for data in files:
        calendar = parse(data)
        assert calendar.get_missing_tzids() == set()
        kinds = [c.name for c in calendar.subcomponents]
        assert "VTIMEZONE" not in kinds[kinds.index("VEVENT"):]
        parts = [part for vtimezone in calendar.timezones for part in vtimezone.subcomponents]
        assert all("RRULE" in part and "RDATE" not in part for part in parts)
    assert sorted(str(t["TZID"]) for t in parse(feeds["en", None]).timezones) == sorted(VTIMEZONES)
    assert [str(t["TZID"]) for t in parse(feeds["fi", "lahti"]).timezones] == ["Europe/Helsinki"]


@pytest.mark.parametrize("tzid", sorted(VTIMEZONES))
def test_vtimezone_offsets_equal_zoneinfo_every_half_hour_from_a_year_ago_to_three_years_ahead(feeds, tzid):
    vtimezone = next(t for t in parse(feeds["en", None]).timezones if t["TZID"] == tzid)
    now = NOW.astimezone(UTC)
    assert zone_agrees(vtimezone, tzid, now - dt.timedelta(days=365), now + dt.timedelta(days=3 * 365))
    wrong = Timezone.from_ical(VTIMEZONES[tzid].replace("BYMONTH=3;BYDAY=-1SU", "BYMONTH=3;BYDAY=1SU"))
    assert not zone_agrees(wrong, tzid, now, now + dt.timedelta(days=365))   # the check can fail


def test_another_zone_gets_icalendars_vtimezone(make_site, catalogs):
    london = item("L", "start: 2026-12-20 12:00", "timezone: Europe/London")
    calendar = feed(load(make_site({"content/events/london.en.md": london})), catalogs, "en")
    assert [str(t["TZID"]) for t in calendar.timezones] == ["Europe/London"]
    assert calendar.get_missing_tzids() == set()


def test_times_carry_the_events_zone_and_stamps_are_utc(feeds, site):
    for data in feeds.values():
        for vevent in parse(data).events:
            for value in (vevent["DTSTART"], vevent["DTEND"]):
                if isinstance(value.dt, dt.datetime):
                    assert value.params["TZID"] == site.events[slug_of(vevent)].timezone and value.dt.tzinfo
            for value in (vevent["DTSTAMP"], vevent["LAST-MODIFIED"]):
                assert "TZID" not in value.params and value.dt.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("slug, zone, march, october", [
    ("weekly-cph", "Europe/Copenhagen", ("+0100", "+0200"), ("+0200", "+0100")),
    ("weekly-hel", "Europe/Helsinki", ("+0200", "+0300"), ("+0300", "+0200")),
])
def test_a_weekly_8_30_meeting_stays_8_30_local_across_march_and_october(feeds, slug, zone, march, october):
    calendar = parse(feeds["en", None])
    own = next(t for t in calendar.timezones if t["TZID"] == zone).to_tz(lookup_tzid=False)
    starts = [e.start for e in calendar.events if slug_of(e) == slug]
    assert {(s.hour, s.minute) for s in starts} == {(8, 30)}
    # Read as Outlook does, through the embedded VTIMEZONE: the same instants.
    assert all(s.replace(tzinfo=own).astimezone(UTC) == s.astimezone(UTC) for s in starts)
    # The clocks change on 28 March and 31 October 2027: the meetings either side of each.
    for change, offsets in ((dt.date(2027, 3, 28), march), (dt.date(2027, 10, 31), october)):
        before = max(s for s in starts if s.date() < change)
        after = min(s for s in starts if s.date() > change)
        assert (before.strftime("%z"), after.strftime("%z")) == offsets


@pytest.mark.parametrize("slug, start, end", [
    ("temadag", dt.date(2027, 2, 3), dt.date(2027, 2, 4)),     # one day: exclusive end
    ("seminar", dt.date(2027, 3, 3), dt.date(2027, 3, 5)),     # 3-4 March
])
def test_all_day_meetings_are_dates_with_an_exclusive_end(feeds, slug, start, end):
    vevent = by_uid(feeds["en", None])[uid(slug, start.strftime("%Y%m%d"))]
    assert (vevent["DTSTART"].dt, vevent["DTEND"].dt) == (start, end)
    assert vevent["DTSTART"].params["VALUE"] == vevent["DTEND"].params["VALUE"] == "DATE"


def test_every_vevent_has_the_required_properties_a_unique_uid_no_rule_and_ends_after_it_starts(feeds):
    required = {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL", "SEQUENCE", "LAST-MODIFIED"}
    for data in feeds.values():
        events = parse(data).events
        assert events and len({str(e["UID"]) for e in events}) == len(events)
        for vevent in events:
            assert required - set(vevent) == set() and vevent.end > vevent.start
            assert not {"RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"} & set(vevent)   # ICS-20


# -- ICS-10 … ICS-12: identity, revisions, determinism ---------------------------------------------

def test_uids_are_the_series_id_and_first_planned_date_at_the_domain(feeds, site):
    found = by_uid(feeds["en", None])
    assert found[uid("moved", "20261201")].start == dt.datetime(2026, 12, 8, 10, tzinfo=COPENHAGEN)
    assert found[uid("monthly", "20270129")].start == dt.datetime(2027, 1, 22, 16, tzinfo=COPENHAGEN)
    assert set(found) <= {uid(o.event, o.key) for o in site.occurrences}


def test_uids_are_the_same_in_every_language_and_in_network_feeds(feeds, site):
    whole = {lang: set(by_uid(feeds[lang, None])) for lang in LANGS}
    assert whole["da"] == whole["fi"] == whole["en"]
    for network in NETWORKS:
        expected = {u for u in whole["en"] if u.rsplit("-", 1)[0] in site.events_by_network[network]}
        assert {lang: set(by_uid(feeds[lang, network])) for lang in LANGS} == dict.fromkeys(LANGS, expected)


def test_uids_do_not_change_with_now(root, catalogs, feeds):
    later = load(root, now=NOW + dt.timedelta(days=40))
    before = {(e["SUMMARY"], e.start): str(e["UID"]) for e in parse(feeds["en", None]).events}
    after = {(e["SUMMARY"], e.start): str(e["UID"])
             for e in feed(later, catalogs, "en").events}
    common = before.keys() & after.keys()
    assert len(common) > 40 and {k: before[k] for k in common} == {k: after[k] for k in common}


def test_sequence_and_last_modified_come_from_the_revision_and_are_equal_in_every_feed(site, catalogs):
    changed = dt.datetime(2026, 11, 1, 12, 30, 5, tzinfo=UTC)
    revised = replace(site, revisions={**site.revisions, "monthly": Revision(7, changed)})
    for lang in LANGS:
        for network in (None, "bydel"):
            monthly = [e for e in feed(revised, catalogs, lang, network).events if slug_of(e) == "monthly"]
            found = {(e["SEQUENCE"], e["LAST-MODIFIED"].dt, e["DTSTAMP"].dt) for e in monthly}
            assert found == {(7, changed, changed)}


def test_an_edit_keeps_the_uid_and_raises_sequence_and_last_modified(tmp_path, catalogs):
    versions = []
    for number, start in enumerate(("08:30", "09:00"), start=1):
        root = write_files(tmp_path / str(number), {"content/site.yaml": SITE_YAML,
                           "content/events/edit.da.md": item("Møde", f"start: 2026-12-04 {start}")})
        revision = Revision(number, dt.datetime(2026, 11, number, tzinfo=UTC))
        versions.append(feed(replace(load(root), revisions={"edit": revision}), catalogs, "da").events[0])
    first, second = versions
    assert first["UID"] == second["UID"] == uid("edit", "20261204")
    assert second["SEQUENCE"] > first["SEQUENCE"] and second["LAST-MODIFIED"].dt > first["LAST-MODIFIED"].dt
    assert second["DTSTAMP"].dt == second["LAST-MODIFIED"].dt


def test_a_sequence_written_in_the_event_overrides_the_history(make_site, catalogs):
    site = load(make_site({"content/events/s.en.md": item("S", "start: 2026-12-04 10:00", "sequence: 5")}))
    assert feed(site, catalogs, "en").events[0]["SEQUENCE"] == 5


def test_the_same_input_gives_the_same_bytes_with_events_ordered_by_start_and_uid(root, site, feeds,
                                                                                  catalogs):
    again = load(root)
    for (lang, network), data in feeds.items():
        assert render_feed(again, Urls(again.config), lang, catalogs[lang], Memo(), network) == data
        keys = [(utc(e.start, site.events[slug_of(e)].timezone), str(e["UID"])) for e in parse(data).events]
        assert keys == sorted(keys)


# -- ICS-13 … ICS-17: content ---------------------------------------------------------------------

@pytest.mark.parametrize("lang, prefix", [("da", "Aflyst: "), ("fi", "Peruttu: "), ("en", "Cancelled: ")])
def test_a_cancelled_meeting_is_marked_and_prefixed_and_a_postponed_one_tentative(feeds, catalogs, lang,
                                                                                  prefix):
    found = by_uid(feeds[lang, None])
    cancelled, postponed = found[uid("monthly", "20261225")], found[uid("postponed", "20261202")]
    assert (cancelled["STATUS"], cancelled["SUMMARY"]) == ("CANCELLED", prefix + "Månedsmøde")
    assert (postponed["STATUS"], postponed["SUMMARY"]) == (
        "TENTATIVE", catalogs[lang].gettext("Postponed: ") + "Postponed meeting")
    assert {found[uid("hybrid", "20261204")]["STATUS"], found[uid("moved", "20261201")]["STATUS"]} == {
        "CONFIRMED"}


@pytest.mark.parametrize("now, kept", [
    (dt.datetime(2027, 1, 24, 22, 0, tzinfo=UTC), True),    # 30 days after 25 December, 23.00 local
    (dt.datetime(2027, 1, 24, 23, 30, tzinfo=UTC), False),  # already 25 January in Copenhagen
])
def test_a_cancelled_meeting_stays_until_30_days_after_its_day(root, catalogs, now, kept):
    later = load(root, now=now)
    assert (uid("monthly", "20261225") in {str(e["UID"]) for e in feed(later, catalogs, "da").events}) == kept


def test_no_organizer_attendee_or_alarm_and_the_contact_is_in_contact_and_description(feeds, files):
    for data in files:
        for component in parse(data).walk():
            assert component.name != "VALARM" and not {"ORGANIZER", "ATTENDEE"} & set(component)
    hybrid = by_uid(feeds["da", None])[uid("hybrid", "20261204")]
    assert hybrid["CONTACT"] == ANNA and ANNA in hybrid["DESCRIPTION"]


def test_special_characters_round_trip_exactly(feeds):
    vevent = by_uid(feeds["en", None])[uid("special", "20261215")]
    assert (vevent["SUMMARY"], vevent["LOCATION"]) == (SPECIAL_TITLE, SPECIAL_PLACE)
    page = f"https://{DOMAIN}/en/events/special/"
    assert vevent["DESCRIPTION"] == f"{SPECIAL_SUMMARY}\nMore information: {page}"


def test_the_description_is_plain_text_with_registration_online_contact_and_page(feeds):
    found = by_uid(feeds["en", None])
    assert str(found[uid("hybrid", "20261204")]["DESCRIPTION"]).split("\n") == [
        "We meet at the library.", "Registration required: tilmelding@example.dk by 1 December 2026",
        "Online (Microsoft Teams): the link is sent on request", f"Contact: {ANNA}",
        f"More information: https://{DOMAIN}/en/events/hybrid/"]
    assert "Online (Microsoft Teams): https://teams.microsoft.com/l/meetup-join/abc" in \
        found[uid("online", "20261210")]["DESCRIPTION"]
    assert "Moved from 1 December 2026" in found[uid("moved", "20261201")]["DESCRIPTION"]
    for data in feeds.values():
        for vevent in parse(data).events:
            assert "<" not in vevent["DESCRIPTION"] and "](" not in vevent["DESCRIPTION"]
            assert str(vevent["URL"]) in vevent["DESCRIPTION"]


@pytest.mark.parametrize("lang, slug, key, url", [
    ("da", "hybrid", "20261204", "/da/events/hybrid/"),
    ("fi", "hybrid", "20261204", "/en/events/hybrid/"),          # not written in fi: en
    ("da", "monthly", "20270129", "/da/events/monthly/2027-01-29/"),
    ("fi", "online", "20261210", "/fi/events/online/"),
])
def test_the_url_is_the_occurrence_page_in_a_language_it_is_written_in(feeds, lang, slug, key, url):
    assert by_uid(feeds[lang, None])[uid(slug, key)]["URL"] == f"https://{DOMAIN}{url}"


def test_location_is_the_address_or_online_geo_only_with_coordinates_categories_the_network(feeds):
    found = by_uid(feeds["en", None])
    hybrid, online = found[uid("hybrid", "20261204")], found[uid("online", "20261210")]
    assert hybrid["LOCATION"] == "Nørrebro Bibliotek, Bragesgade 8, 2200 København N"
    assert online["LOCATION"] == "Online (Microsoft Teams)"
    assert (hybrid["GEO"].latitude, hybrid["GEO"].longitude) == (55.6994, 12.5442)
    assert [u for u, e in found.items() if "GEO" in e] == [uid("hybrid", "20261204")]
    found = by_uid(feeds["da", None])   # the network's name as its page in the language shows it
    assert found[uid("hybrid", "20261204")].categories == ["Bydelsmødre Nørrebro", "Hovedstaden"]
    assert found[uid("online", "20261210")].categories == ["Lahti network"]


# -- ICS-18 … ICS-22: expansion, horizon, parsers, single files ------------------------------------

def test_expanding_the_feed_gives_the_sites_meetings_without_cancelled_ones(feeds, site):
    first, last = NOW - dt.timedelta(days=300), NOW + dt.timedelta(days=400)
    zone = {slug: event.timezone for slug, event in site.events.items()}
    expanded = {(str(e["UID"]), utc(e.start, zone[slug_of(e)]))
                for e in recurring_ical_events.of(parse(feeds["en", None])).between(first, last)
                if e["STATUS"] != "CANCELLED"}
    expected = {(uid(o.event, o.key), utc(o.start, zone[o.event])) for o in site.occurrences
                if o.status != "cancelled" and first <= utc(o.start, zone[o.event]) < last}
    assert len(expanded) > 80 and expanded == expected
    assert uid("monthly", "20261225") not in {u for u, _ in expanded}
    assert (uid("monthly", "20270129"), dt.datetime(2027, 1, 22, 15, tzinfo=UTC)) in expanded


def test_the_horizon_is_a_year_ahead_a_year_back_and_the_feed_stays_small(feeds, site):
    data = feeds["en", None]
    events, found = parse(data).events, by_uid(data)
    assert max(e.start for e in events if slug_of(e) == "weekly-hel") > NOW + dt.timedelta(days=358)
    assert all(utc(e.end, site.events[slug_of(e)].timezone) > NOW - dt.timedelta(days=365)
               for e in events if e["STATUS"] != "CANCELLED")
    assert uid("old-kept", "20251210") in found and uid("old-dropped", "20251110") not in found
    assert uid("recently-cancelled", "20261030") in found and uid("long-cancelled", "20261015") not in found
    assert len(data) < 512 * 1024 and len(events) < 1000


def test_every_component_parses_without_errors_in_icalendar_and_in_ical(feeds, files):
    for data in files:
        assert [c.errors for c in parse(data).walk() if c.errors] == []
    for data in feeds.values():
        calendar = IcsCalendarStream.calendar_from_ics(data.decode())
        assert len(calendar.events) == len(parse(data).events)


def test_a_single_meeting_file_has_the_feeds_uid_and_sequence(site, feeds, singles):
    urls = Urls(site.config)
    assert all(path.endswith(".ics") for path in (urls.calendar_feed("da"), urls.calendar_feed("da", "bydel"),
                                                  urls.occurrence_ics("monthly", "20270129", "da")))
    feed = {lang: by_uid(feeds[lang, None]) for lang in LANGS}
    checked = 0
    for (lang, slug, key), data in singles.items():
        [vevent] = parse(data).events
        assert str(vevent["UID"]) == uid(slug, key)
        if uid(slug, key) in feed[lang]:
            listed = feed[lang][uid(slug, key)]
            assert [vevent[p] for p in ("SEQUENCE", "DTSTAMP", "SUMMARY", "DTSTART")] == \
                [listed[p] for p in ("SEQUENCE", "DTSTAMP", "SUMMARY", "DTSTART")]
            checked += 1
    assert checked > 50
