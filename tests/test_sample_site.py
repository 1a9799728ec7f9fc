"""Every fact of the five seed pages is on the sample site, on the right page, in its language.

The sample content in ``content/`` is built with a fixed `now` (22.11.2026) and the HTML is
parsed; each test reads one page the way a visitor would.
"""
from __future__ import annotations

from conftest import soup


def page(output, url):
    return soup(output / url.strip("/") / "index.html")


def text_of(element) -> str:
    """The visible text of a page's main part (or of an element), spaces normalised."""
    element = element.main or element
    return " ".join(element.get_text(" ", strip=True).split())


def links(document, prefix: str) -> dict[str, str]:
    """Map each link target starting with `prefix` to its text."""
    return {a["href"]: a.get_text(strip=True) for a in document.find_all("a", href=True)
            if a["href"].startswith(prefix)}


def test_diaconal_networks_page_has_every_fact_of_the_seed_in_danish(sample_site):
    document = page(sample_site, "/da/networks/diakonale-netvaerk/")
    text = text_of(document.find(class_="prose"))
    assert document.html["lang"] == "da"
    for fact in ["Samvirkende Menighedsplejer", "besøgstjeneste", "unge", "børnefamilier",
                 "træ med mange grene", "årsmødet", "workshops", "2020",
                 "Samarbejdet mellem Kirke og Kommune", "to forskellige regioner",
                 "regionale netværk", "Hvert andet år", "SAMMEN", "2 gange om året",
                 "200 familier", "50 sogne", "hverdagsdilemmaer"]:
        assert fact in text, fact
    # The address is published as the editor wrote it, typo-like domain included.
    assert links(document, "mailto:") == {"mailto:smp@menighedslplejer.dk": "smp@menighedslplejer.dk"}
    assert links(document, "tel:") == {"tel:+4536466666": "+45 36 46 66 66"}


def test_diaconal_annual_and_regional_meetings_are_series_in_words(sample_site):
    regular = page(sample_site, "/da/networks/diakonale-netvaerk/").find(id="section-regular").parent
    assert [a["href"] for a in regular.find_all("a")] == ["/da/events/aarsmoede/",
                                                           "/da/events/regionale-moeder/"]
    assert page(sample_site, "/da/events/aarsmoede/").find("dd", class_="rule").text == "hvert år"
    assert page(sample_site, "/da/events/regionale-moeder/").find("dd", class_="rule").text == \
        "hvert andet år"


def test_community_agents_network_has_its_facts_and_contact_person(sample_site):
    document = page(sample_site, "/da/networks/faellesskabsagenter/")
    text = text_of(document.find(class_="prose"))
    for fact in ["Sund By Netværket", "20 kommuner", "2014", "2015", "fællesskabsagenter"]:
        assert fact in text, fact
    lessons = [li.get_text(strip=True) for li in document.select(".prose ul li")]
    assert lessons == ["Luk munden og lyt", "Led efter passionen", "Gør det enkelt", "Muliggør",
                       "Vis mod", "Vær tålmodige."]
    card = document.find(id="charlotte-iisager-petersen")
    assert card.find(class_="contact-name").text == "Charlotte Iisager Petersen"
    assert card.find(class_="contact-role").text == "Sekretariatschef"
    assert card.find(class_="contact-org").text == "Sund By Netværket"
    assert links(card, "tel:") == {"tel:+4524804503": "+45 24 80 45 03"}


def test_monthly_meeting_network_has_three_parts_and_one_contact_person(sample_site):
    document = page(sample_site, "/da/networks/bydelsmoedre/")
    text = text_of(document.find(class_="prose"))
    for fact in ["En gang hver måned", "rygraden", "Erfaringsudveksling", "Ny viden",
                 "Boost det sociale Bydelsmødrefællesskab"]:
        assert fact in text, fact
    card = document.find(id="zeljka-secerbegovic")
    assert card.find(class_="contact-name").text == "Zeljka Secerbegovic"
    assert links(card, "mailto:") == {"mailto:zeljka@socialtansvar.dk": "zeljka@socialtansvar.dk"}
    assert links(card, "tel:") == {"tel:+4530177804": "+45 30 17 78 04"}
    # The malformed variant is shown as written, without a call link.
    assert [s.text for s in card.find_all(class_="phone-unlinked")] == ["+450 3017 7804"]


def test_the_name_spelled_two_ways_is_one_person(sample_site):
    names = [h.text for h in page(sample_site, "/da/contacts/").find_all(class_="contact-name")]
    assert names.count("Zeljka Secerbegovic") == 1
    assert not any("Sercebegovic" in name for name in names)


def test_monthly_meeting_is_a_series_every_month(sample_site):
    document = page(sample_site, "/da/events/maanedsmoede/")
    assert document.find("dd", class_="rule").text == "hver måned"
    assert document.find(id="zeljka-secerbegovic") is not None


def test_paijat_hame_network_page_has_its_facts_in_finnish(sample_site):
    document = page(sample_site, "/fi/networks/paijat-hame-sosiaaliala/")
    text = text_of(document.find(class_="prose"))
    assert document.html["lang"] == "fi"
    assert [dd.text for dd in document.select("dl.facts dd")] == [
        "Päijät-Hämeen sosiaali- ja terveysturva ry", "Päijät-Häme"]
    for fact in ["Päijät-Hämeen sosiaali- ja terveysturva ry", "2022", "kyselyn",
                 "Palvelutorille tammikuussa 2023", "livenä", "Teams", "oppilaitoksista",
                 "opiskelevat"]:
        assert fact in text, fact
    assert document.find(id="milla-rantakari").find(class_="contact-role").text == \
        "verkoston koollekutsuja"
    assert "mailto:phsosturva@gmail.com" in links(document, "mailto:")


def test_paijat_hame_meeting_of_26_january_2024_is_past_with_time_and_place(sample_site):
    past = page(sample_site, "/fi/networks/paijat-hame-sosiaaliala/").find(id="section-past").parent
    time = past.find("time")
    assert time["datetime"] == "2024-01-26T08:30+02:00"
    assert time.text == "perjantaina 26.1.2024 klo 8.30"
    event = page(sample_site, "/fi/events/verkostotapaaminen-2024-01/")
    assert event.find(class_="place").text == "Väkivaltatyön avopalvelu Aggredi, Lahti"
    assert event.find("dd", class_="online").text == "Microsoft Teams (linkki pyydettäessä)"
    assert "Lahden keskustassa" in text_of(event)


def test_service_point_opens_every_friday_10_to_14_by_appointment(sample_site):
    event = page(sample_site, "/fi/events/palvelupiste-perjantaisin/")
    assert event.find("dd", class_="rule").text == "joka perjantai klo 10–14"
    assert event.find(class_="place").text == "Trion Palvelutori, Lahti"
    registration = event.find("dd", class_="registration")
    assert registration.text == "Ilmoittautuminen vaaditaan: sofia.heinonen@kumppanuusverkosto.fi"
    assert "mailto:sofia.heinonen@kumppanuusverkosto.fi" in links(registration, "mailto:")
    text = text_of(event.find(class_="prose"))
    for fact in ["maksuton", "ajanvarauksella", "etäajan", "Teams"]:
        assert fact in text, fact
    next_dates = [t["datetime"] for t in event.find(id="section-next-dates").parent.find_all("time")]
    assert next_dates[:2] == ["2026-11-27T10:00+02:00", "2026-12-04T10:00+02:00"]
    network = page(sample_site, "/fi/networks/yhdessa-paijat-hame/")
    card = network.find(id="marja-leena-pellikka")
    assert card.find(class_="contact-role").text == "projektipäällikkö"
    assert links(card, "mailto:") == {"mailto:marja-leena.pellikka@kumppanuusverkosto.fi":
                                      "marja-leena.pellikka@kumppanuusverkosto.fi"}
    assert links(card, "tel:") == {"tel:+358413117883": "+358 41 3117883"}
    assert "muihin Päijät-Hämeen kuntiin" in text_of(network.find(class_="prose"))


def test_kemi_network_lists_both_network_coffees_as_past_meetings(sample_site):
    document = page(sample_site, "/fi/networks/kemi-perhekeskus/")
    past = document.find(id="section-past").parent
    assert [(t["datetime"], t.text) for t in past.find_all("time")] == [
        ("2023-10-12T08:30+03:00", "torstaina 12.10.2023 klo 8.30–10.30"),
        ("2023-09-14", "torstaina 14.9.2023"),
    ]
    assert [p.text for p in past.find_all(class_="place")] == ["Jukola, Kemi", "Jukola, Kemi"]
    assert "kehittäjäasiakkaita" in text_of(document)


def test_kemi_report_is_a_news_post_dated_4_october_2023(sample_site):
    post = page(sample_site, "/fi/news/syksyn-toinen-verkostotapaaminen/")
    time = post.find(class_="byline").find("time")
    assert (time["datetime"], time.text) == ("2023-10-04", "4.10.2023")
    text = text_of(post.find(class_="prose"))
    for fact in ["14.9.2023", "Jukolassa", "Lapin hyvinvointialueelta", "maahanmuuttaja",
                 "12.10.2023", "8.30–10.30"]:
        assert fact in text, fact
    assert links(post.find(class_="byline"), "/") == {
        "/fi/networks/kemi-perhekeskus/": "Kemin perhekeskuksen verkosto"}


def test_every_network_is_written_in_its_own_language_and_translated_to_english(sample_site):
    originals = {"da": ["bydelsmoedre", "diakonale-netvaerk", "faellesskabsagenter"],
                 "fi": ["kemi-perhekeskus", "paijat-hame-sosiaaliala", "yhdessa-paijat-hame"]}
    for lang, slugs in originals.items():
        assert sorted(p.name for p in (sample_site / lang / "networks").iterdir() if p.is_dir()) == slugs
        for slug in slugs:
            original = page(sample_site, f"/{lang}/networks/{slug}/")
            english = page(sample_site, f"/en/networks/{slug}/")
            assert english.html["lang"] == "en"
            assert text_of(english.find(class_="prose")) != text_of(original.find(class_="prose"))


def test_the_meetings_page_lists_a_series_once_with_its_next_date(sample_site):
    document = page(sample_site, "/fi/events/")
    upcoming = document.find(id="section-upcoming").parent
    assert [(li.find("time")["datetime"], li.find(class_="meeting-title").text)
            for li in upcoming.find_all("li", class_="meeting")] == [
        ("2026-11-27T10:00+02:00", "Kansalaistoiminnan palvelupiste avoinna")]
    regular = document.find(id="section-regular").parent
    # Items not written in Finnish link to the language they are written in.
    assert [(li.find(class_="meeting-title").a["href"], li.find(class_="rule").text)
            for li in regular.find_all("li", class_="meeting")] == [
        ("/da/events/aarsmoede/", "joka vuosi"),
        ("/da/events/maanedsmoede/", "joka kuukausi"),
        ("/fi/events/palvelupiste-perjantaisin/", "joka perjantai klo 10–14"),
        ("/da/events/regionale-moeder/", "joka toinen vuosi"),
    ]
    past = document.find(id="section-past").parent
    assert [t["datetime"] for t in past.find_all("time")] == [
        "2024-01-26T08:30+02:00", "2023-10-12T08:30+03:00", "2023-09-14"]
