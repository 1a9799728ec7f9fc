"""Atom feeds of news and of meetings, parsed with feedparser (never grepped)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import feedparser
import pytest

from conftest import NOW, options
from sitegen.errors import Diagnostics
from sitegen.markup import Markup
from sitegen.pipeline import load_site
from sitegen.records import Revision
from sitegen.render.feeds import meetings_feed, news_feed
from sitegen.urls import Urls

BASE = "https://example.org"
LANGS = ("da", "fi", "en")
TITLES = {"da": "Netværk", "fi": "Verkostot", "en": "Networks"}
UTC = dt.UTC


def item(title: str, *lines: str, body: str = "") -> str:
    return "\n".join(["---", f"title: {title}", *lines, "---", body])


SITE = {
    "content/networks/bydel.da.md": item("Bydelsmødre"),
    "content/networks/bydel.en.md": item("Neighbourhood mothers"),
    "content/networks/lahti.fi.md": item("Lahden verkosto"),
    "content/networks/lahti.en.md": item("Lahti network"),
    "content/people/anna.yaml": "name: Anna Jensen\nemail: anna@example.dk\n",
    "content/news/2026-11-01-kaffe.da.md": item(
        "Kaffemøde", "summary: Vi drak kaffe.", "network: bydel", "author: anna",
        body="Se [netværket](../networks/bydel.da.md), [om os](/da/about/), [nedenfor](#mere) "
             "og [os](https://example.com/a?b=1&c=2).\n"),
    "content/news/2026-11-01-kaffe.en.md": item("Coffee meeting", "summary: We had coffee.",
                                                body="See [the network](../networks/bydel.en.md).\n"),
    "content/news/2026-10-15-lahti.fi.md": item("Lahden uutinen", "network: lahti", body="Hei.\n"),
    "content/news/2026-10-15-lahti.en.md": item("Lahti news", body="Hello.\n"),
    "content/news/2026-09-01-english.en.md": item("Only in English", "summary: Plain & simple <ok>.",
                                                  body="English only.\n"),
    "content/news/2026-11-05-dansk.da.md": item("Kun på dansk", body="Dansk.\n"),
    "content/events/hybrid.da.md": item(
        "Netværksmøde", "network: bydel", "start: 2026-12-04 08:30", "end: 2026-12-04 10:00",
        "place: {name: Nørrebro Bibliotek, address: Bragesgade 8, city: København N}",
        "online: {service: Microsoft Teams}"),
    "content/events/hybrid.en.md": item("Network meeting"),
    "content/events/weekly.fi.md": item("Aamukahvit", "network: lahti", "repeat: every week",
                                        "start: 2026-11-06 08:30", "end: 2026-11-06 09:30",
                                        "timezone: Europe/Helsinki"),
    "content/events/over.da.md": item("Forbi", "network: bydel", "start: 2026-11-01 10:00"),
}
CHANGED = {"hybrid": Revision(2, dt.datetime(2026, 11, 10, 12, 30, 5, tzinfo=UTC)),
           "weekly": Revision(1, dt.datetime(2026, 10, 2, 7, 0, tzinfo=UTC)),
           "over": Revision(0, dt.datetime(2026, 11, 20, tzinfo=UTC))}


def load(root, **overrides):
    return load_site(options(root, **overrides), Diagnostics())


@pytest.fixture
def root(make_site):
    return make_site(SITE)


@pytest.fixture
def site(root):
    return replace(load(root), revisions=CHANGED)


def parse(data: bytes):
    """Parse as a reader would, but without feedparser's own link fixing and cleaning."""
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def news(site, catalogs, lang, network=None):
    return parse(news_feed(site, Urls(site.config), lang, catalogs[lang], Markup(), network))


def meetings(site, catalogs, lang, network=None):
    return parse(meetings_feed(site, Urls(site.config), lang, catalogs[lang], network))


def tag(slug, date, lang):
    return f"tag:example.org,{date}:news/{slug}/{lang}"


def links(element) -> dict[str, str]:
    return {link.rel: link.href for link in element.links}


# -- news ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_news_feed_has_a_localized_title_its_url_as_id_and_self_and_html_links(site, catalogs, lang):
    feed = news(site, catalogs, lang).feed
    assert feed.title == catalogs[lang].gettext("%(site)s – news") % {"site": TITLES[lang]}
    assert feed.id == f"{BASE}/{lang}/feed.xml"
    assert links(feed) == {"self": f"{BASE}/{lang}/feed.xml", "alternate": f"{BASE}/{lang}/news/"}
    assert feed.author_detail.name == TITLES[lang] and feed.language == lang


def test_the_feeds_live_under_the_language_and_the_network():
    from sitegen.config import Language, SiteConfig
    config = SiteConfig({"*": "t"}, {}, (Language("fi", "Suomi", "fi_FI", ()),), "fi",
                        "https://example.org/verkostot/", "Europe/Helsinki")
    urls = Urls(config)
    assert (urls.news_feed("fi"), urls.news_feed("fi", "lahti")) == (
        "/verkostot/fi/feed.xml", "/verkostot/fi/networks/lahti/feed.xml")
    assert (urls.meetings_feed("fi"), urls.meetings_feed("fi", "lahti")) == (
        "/verkostot/fi/meetings.xml", "/verkostot/fi/networks/lahti/meetings.xml")


def test_entries_are_newest_first_with_tag_ids_per_post_and_language(site, catalogs):
    ids = [entry.id for entry in news(site, catalogs, "fi").entries]
    assert ids == [tag("dansk", "2026-11-05", "da"), tag("kaffe", "2026-11-01", "en"),
                   tag("lahti", "2026-10-15", "fi"), tag("english", "2026-09-01", "en")]


def test_a_post_not_written_in_the_feeds_language_is_in_its_fallback_marked_with_its_language(site,
                                                                                         catalogs):
    entries = {entry.id: entry for entry in news(site, catalogs, "da").entries}
    english = entries[tag("english", "2026-09-01", "en")]
    assert (english.title, english.link) == ("Only in English", f"{BASE}/en/news/english/")
    assert english.title_detail.language == english.content[0].language == "en"
    own = entries[tag("kaffe", "2026-11-01", "da")]
    assert own.title_detail.language == "da" and own.link == f"{BASE}/da/news/kaffe/"
    assert tag("lahti", "2026-10-15", "en") in entries   # da falls back to en, not fi


def test_the_same_post_in_the_same_language_has_the_same_id_in_every_feed(site, catalogs):
    ids = {lang: {e.id: e.title for e in news(site, catalogs, lang).entries} for lang in LANGS}
    assert ids["da"][tag("english", "2026-09-01", "en")] == ids["en"][tag("english", "2026-09-01", "en")]
    assert ids["fi"][tag("kaffe", "2026-11-01", "en")] == "Coffee meeting"


def test_ids_and_dates_stay_the_same_in_a_build_with_another_now(root, catalogs):
    later = load(root, now=NOW + dt.timedelta(days=40))
    for lang in LANGS:
        first, second = news(load(root), catalogs, lang), news(later, catalogs, lang)
        assert [(e.id, e.updated) for e in first.entries] == [(e.id, e.updated) for e in second.entries]
        assert first.feed.updated == second.feed.updated


def test_updated_is_the_newest_posts_date_at_midnight_in_the_site_zone(site, catalogs):
    parsed = news(site, catalogs, "en")
    assert parsed.feed.updated == "2026-11-05T00:00:00+01:00"   # not the build time
    entry = parsed.entries[1]
    assert (entry.published, entry.updated) == ("2026-11-01T00:00:00+01:00", "2026-11-01T00:00:00+01:00")


def test_an_entry_names_its_author_and_otherwise_the_feed_names_the_site(site, catalogs):
    parsed = news(site, catalogs, "da")
    entries = {entry.id: entry for entry in parsed.entries}
    assert entries[tag("kaffe", "2026-11-01", "da")].author_detail.name == "Anna Jensen"
    assert "author_detail" not in entries[tag("dansk", "2026-11-05", "da")]
    assert parsed.feed.author_detail == {"name": "Netværk", "href": f"{BASE}/da/"}


def test_summary_is_text_and_content_the_sanitised_body_with_absolute_links(site, catalogs):
    entries = {entry.id: entry for entry in news(site, catalogs, "da").entries}
    kaffe = entries[tag("kaffe", "2026-11-01", "da")]
    assert (kaffe.summary, kaffe.content[0].type) == ("Vi drak kaffe.", "text/html")
    rel = 'rel="noopener noreferrer"'
    assert kaffe.content[0].value == (
        f'<p>Se <a href="{BASE}/da/networks/bydel/" {rel}>netværket</a>, '
        f'<a href="{BASE}/da/about/" {rel}>om os</a>, '
        f'<a href="{BASE}/da/news/kaffe/#mere" {rel}>nedenfor</a> '
        f'og <a href="https://example.com/a?b=1&amp;c=2" {rel}>os</a>.</p>')
    english = entries[tag("english", "2026-09-01", "en")]
    assert english.summary == "Plain & simple <ok>."


def test_links_to_content_files_lead_to_the_page_for_the_feeds_reader(site, catalogs):
    kaffe = next(e for e in news(site, catalogs, "fi").entries if e.id == tag("kaffe", "2026-11-01", "en"))
    assert f'href="{BASE}/en/networks/bydel/"' in kaffe.content[0].value   # fi reads bydel in en


def test_the_network_feed_holds_only_that_networks_posts(site, catalogs):
    parsed = news(site, catalogs, "fi", "lahti")
    assert [e.id for e in parsed.entries] == [tag("lahti", "2026-10-15", "fi")]
    assert parsed.feed.title == catalogs["fi"].gettext("%(name)s – news") % {"name": "Lahden verkosto"}
    assert links(parsed.feed) == {"self": f"{BASE}/fi/networks/lahti/feed.xml",
                                  "alternate": f"{BASE}/fi/networks/lahti/"}
    assert [e.id for e in news(site, catalogs, "da", "bydel").entries] == [tag("kaffe", "2026-11-01", "da")]


def test_an_empty_feed_is_valid_and_dated_by_the_build(make_site, catalogs):
    site = load(make_site({"content/networks/quiet.en.md": item("Quiet")}),
                built_at=dt.datetime(2026, 11, 22, 8, 0, 30, tzinfo=UTC))
    for network in (None, "quiet"):
        parsed = news(site, catalogs, "en", network)
        assert parsed.entries == [] and parsed.feed.updated == "2026-11-22T08:00:30Z"
        assert parsed.feed.id.endswith("feed.xml")


def test_at_most_fifty_posts_the_newest(make_site, catalogs):
    files = {f"content/news/2026-{1 + n // 28:02d}-{1 + n % 28:02d}-p{n}.en.md": item(f"P{n}")
             for n in range(55)}
    entries = news(load(make_site(files)), catalogs, "en").entries
    assert len(entries) == 50 and entries[0].title == "P54" and entries[-1].title == "P5"


def test_a_site_under_a_path_keeps_it_in_ids_and_links(root, catalogs):
    site = load(root, base_url="https://example.org/verkostot/")
    parsed = news(site, catalogs, "fi", "lahti")
    assert parsed.entries[0].id == "tag:example.org,2026-10-15:verkostot/news/lahti/fi"
    assert parsed.entries[0].link == f"{BASE}/verkostot/fi/news/lahti/"
    assert parsed.feed.id == f"{BASE}/verkostot/fi/networks/lahti/feed.xml"


def test_the_same_input_gives_the_same_bytes(root, site, catalogs):
    again = replace(load(root), revisions=CHANGED)
    for lang in LANGS:
        urls = Urls(site.config)
        assert news_feed(site, urls, lang, catalogs[lang], Markup()) == \
            news_feed(again, urls, lang, catalogs[lang], Markup())
        assert meetings_feed(site, urls, lang, catalogs[lang]) == meetings_feed(again, urls, lang,
                                                                                catalogs[lang])


# -- meetings ----------------------------------------------------------------------------------------

def test_the_meetings_feed_has_one_entry_per_event_still_to_come_latest_change_first(site, catalogs):
    parsed = meetings(site, catalogs, "en")
    assert [(e.id, e.updated) for e in parsed.entries] == [
        (f"{BASE}/en/events/hybrid/", "2026-11-10T12:30:05Z"),
        (f"{BASE}/fi/events/weekly/", "2026-10-02T07:00:00Z")]   # "over" is over
    assert parsed.feed.updated == "2026-11-10T12:30:05Z"
    assert parsed.feed.title == catalogs["en"].gettext("%(site)s – meetings") % {"site": "Networks"}
    assert links(parsed.feed) == {"self": f"{BASE}/en/meetings.xml", "alternate": f"{BASE}/en/events/"}


def test_a_meeting_entry_says_when_and_where_in_the_readers_language(site, catalogs):
    entries = {e.id: e for e in meetings(site, catalogs, "da").entries}
    hybrid = entries[f"{BASE}/da/events/hybrid/"]
    assert (hybrid.title, hybrid.link) == ("Netværksmøde", f"{BASE}/da/events/hybrid/")
    assert hybrid.summary == ("fredag den 4. december 2026 kl. 8.30–10.00. "
                              "Nørrebro Bibliotek, Bragesgade 8, København N. Online (Microsoft Teams)")
    weekly = entries[f"{BASE}/fi/events/weekly/"]
    assert weekly.title_detail.language == "fi"
    assert weekly.summary == catalogs["da"].gettext("Next meeting: %(when)s") % {
        "when": "fredag den 27. november 2026 kl. 8.30–9.30 (finsk tid)"}


def test_meeting_ids_stay_the_same_in_a_build_with_another_now(root, catalogs):
    first = meetings(load(root), catalogs, "fi")
    second = meetings(load(root, now=NOW + dt.timedelta(days=1)), catalogs, "fi")
    assert sorted(e.id for e in first.entries) == sorted(e.id for e in second.entries)


def test_the_network_meetings_feed_holds_only_that_networks_meetings(site, catalogs):
    parsed = meetings(site, catalogs, "fi", "lahti")
    assert [e.id for e in parsed.entries] == [f"{BASE}/fi/events/weekly/"]
    assert parsed.feed.title == catalogs["fi"].gettext("%(name)s – meetings") % {"name": "Lahden verkosto"}
    assert links(parsed.feed)["self"] == f"{BASE}/fi/networks/lahti/meetings.xml"


def test_an_empty_meetings_feed_is_valid_and_dated_by_the_build(make_site, catalogs):
    site = load(make_site({"content/events/old.en.md": item("Old", "start: 2025-01-01 10:00")}))
    parsed = meetings(site, catalogs, "en")
    assert parsed.entries == [] and parsed.feed.updated == "2026-11-22T08:00:00Z"


def test_control_characters_in_content_do_not_break_the_feed(make_site, catalogs):
    site = load(make_site({"content/news/2026-11-01-odd.en.md": item("Odd", body="A\x0bB\x0cC\x1bD\n")}))
    entry = news(site, catalogs, "en").entries[0]
    assert entry.content[0].value == "<p>ABCD</p>"
