"""Languages: catalogs complete, fallback listings, the language switcher, dates per locale."""
from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import PROJECT, build_ok, soup
from sitegen.dates import Dates
from sitegen.i18n import LOCALE_DIR

LANGUAGES = {"da": "da_DK", "fi": "fi_FI", "en": "en_GB"}
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")


def singular(message_id):
    """A message's id; of a plural message (ngettext), its singular."""
    return message_id[0] if isinstance(message_id, tuple) else message_id


def used_messages() -> set[tuple[str | None, str]]:
    """Every interface string in the templates and the code, as (context, id)."""
    found = set()
    keywords = {"_": None, "gettext": None, "N_": None, "ngettext": (1, 2),
                "pgettext": ((1, "c"), 2)}
    for folder, method in ((PROJECT / "templates", "jinja2"), (PROJECT / "sitegen", "python")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        for _, _, message, _, context in extract_from_dir(
                folder, method_map=[(pattern, method)], keywords=keywords,
                options_map={pattern: {"extensions": "jinja2.ext.i18n,jinja2.ext.do"}}):
            found.add((context, message if isinstance(message, str) else message[0]))
    return found


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_interface_string_is_translated_in_every_catalog(lang):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    # Fuzzy entries are guesses that the build does not use.
    translated = {(m.context, singular(m.id)) for m in catalog
                  if m.id and all(m.string if m.pluralizable else [m.string]) and not m.fuzzy}
    assert used_messages() - translated == set()


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_translation_keeps_the_placeholders_of_its_message(lang):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po)
    assert [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()] == []


def test_the_catalogs_hold_no_string_the_site_no_longer_uses():
    with (LOCALE_DIR / "messages.pot").open("rb") as pot:
        template = {(m.context, singular(m.id)) for m in read_po(pot) if m.id}
    assert template == used_messages()


@pytest.mark.parametrize("lang, expected", [
    ("da", "fredag den 26. januar 2024 kl. 8.30"),
    ("fi", "perjantaina 26.1.2024 klo 8.30"),
    ("en", "Friday 26 January 2024, 08:30"),
])
def test_a_meeting_time_is_written_in_each_languages_own_style(lang, expected, catalogs):
    start = dt.datetime(2024, 1, 26, 8, 30, tzinfo=HELSINKI)
    assert Dates(catalogs[lang], LANGUAGES[lang]).when(start) == expected


@pytest.mark.parametrize("lang, expected", [
    ("da", "søndag den 28. januar 2024 kl. 8.30–10.00"),
    ("fi", "sunnuntaina 28.1.2024 klo 8.30–10.00"),
    ("en", "Sunday 28 January 2024, 08:30–10:00"),
])
def test_a_time_range_uses_an_en_dash_and_finnish_sunday_is_essive(lang, expected, catalogs):
    start = dt.datetime(2024, 1, 28, 8, 30, tzinfo=COPENHAGEN)
    assert Dates(catalogs[lang], LANGUAGES[lang]).when(start, start + dt.timedelta(minutes=90)) == expected


@pytest.mark.parametrize("lang, expected", [("da", "1. februar 2024"), ("fi", "1.2.2024"),
                                            ("en", "1 February 2024")])
def test_dates_have_no_leading_zeros(lang, expected, catalogs):
    assert Dates(catalogs[lang], LANGUAGES[lang]).date(dt.date(2024, 2, 1)) == expected


@pytest.mark.parametrize("lang, expected", [("da", "januar 2024"), ("fi", "tammikuu 2024"),
                                            ("en", "January 2024")])
def test_month_headings_use_the_stand_alone_month_name(lang, expected, catalogs):
    assert Dates(catalogs[lang], LANGUAGES[lang]).month(dt.date(2024, 1, 5)) == expected


@pytest.mark.parametrize("lang, expected", [("da", "kl. 10–14"), ("fi", "klo 10–14"),
                                            ("en", "10:00–14:00")])
def test_whole_hours_are_written_short_where_the_language_does(lang, expected, catalogs):
    assert Dates(catalogs[lang], LANGUAGES[lang]).times(dt.time(10), dt.time(14)) == expected


UNTRANSLATED_SITE = {
    "content/networks/kemi.fi.md": "---\ntitle: Kemin verkosto\nsummary: Perheet.\n---\nTeksti.\n",
    "content/networks/lahti.fi.md": "---\ntitle: Lahden verkosto\n---\n",
    "content/networks/lahti.en.md": "---\ntitle: Lahti network\n---\n",
}


def test_an_item_without_a_translation_is_listed_in_its_fallback_language(make_site):
    root = make_site(UNTRANSLATED_SITE)
    build_ok(root)
    listing = soup(root / "output/da/networks/index.html")
    items = {a.text: (a["href"], a.get("lang")) for a in listing.main.find_all("a")}
    # Danish falls back to English first, then to the language the item is written in.
    assert items == {"Kemin verkosto": ("/fi/networks/kemi/", "fi"),
                     "Lahti network": ("/en/networks/lahti/", "en")}
    assert not (root / "output/da/networks/kemi").exists()


def test_the_language_switcher_leads_to_the_same_item_or_to_that_languages_home(make_site):
    root = make_site(UNTRANSLATED_SITE)
    build_ok(root)
    page = soup(root / "output/fi/networks/lahti/index.html")
    switcher = {a["lang"]: a["href"] for a in page.find("nav", class_="languages").find_all("a")}
    assert switcher == {"da": "/da/", "fi": "/fi/networks/lahti/", "en": "/en/networks/lahti/"}
    hreflang = {link["hreflang"]: link["href"] for link in page.find_all("link", hreflang=True)}
    assert hreflang == {"fi": "https://example.org/fi/networks/lahti/",
                        "en": "https://example.org/en/networks/lahti/",
                        "x-default": "https://example.org/en/networks/lahti/"}


def test_a_page_shown_in_another_language_marks_its_content_language(make_site):
    root = make_site({**UNTRANSLATED_SITE,
                      "content/pages/about.en.md": "---\ntitle: About\n---\nEnglish only.\n"})
    build_ok(root)
    nav = soup(root / "output/fi/index.html").find("nav", class_="site-nav")
    about = nav.find("a", string="About")
    assert (about["href"], about["lang"]) == ("/en/about/", "en")


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_week_numbers_follow_iso_8601(lang, catalogs):
    dates = Dates(catalogs[lang], LANGUAGES[lang])
    assert [dates.week(dt.date(2021, 1, 3)), dates.week(dt.date(2021, 1, 4))] == ["53", "1"]
