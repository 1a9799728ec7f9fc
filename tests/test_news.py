"""News listings: pages of ten, per network, and post pages."""
from __future__ import annotations

import pytest

from conftest import build_ok, soup


def posts(count: int, network: str | None = None) -> dict[str, str]:
    shared, name = (f"network: {network}\n", f"{network}-post") if network else ("", "post")
    return {f"content/news/2026-01-{1 + n % 28:02d}-{name}-{n}.en.md": f"---\ntitle: Post {n}\n{shared}---\n"
            for n in range(count)}


@pytest.mark.parametrize("count, pages", [(0, 1), (1, 1), (10, 1), (11, 2), (25, 3)])
def test_the_news_listing_has_pages_of_ten(make_site, count, pages):
    root = make_site(posts(count))
    build_ok(root)
    listing = root / "output/en/news"
    found = sorted(p.parent.relative_to(listing).as_posix() for p in listing.rglob("index.html")
                   if "post-" not in p.parent.name)
    assert found == ["."] + [f"page/{n}" for n in range(2, pages + 1)]
    first = soup(listing / "index.html")
    shown = first.select(".news-list li")
    assert len(shown) == min(count, 10)
    if count == 0:
        assert first.main.find("p").text == "No news yet."
    numbers = [a.text for a in first.select(".pagination li")]
    assert numbers == ([str(n) for n in range(1, pages + 1)] if pages > 1 else [])


def test_pages_link_their_neighbours_and_mark_the_current_one(make_site):
    root = make_site(posts(25))
    build_ok(root)
    middle = soup(root / "output/en/news/page/2/index.html")
    assert middle.find("link", rel="prev")["href"] == "/en/news/"
    assert middle.find("link", rel="next")["href"] == "/en/news/page/3/"
    assert middle.select_one(".pagination [aria-current=page]").text == "2"
    titles = [a.text for a in middle.select(".news-list a")]
    assert len(titles) == 10 and not set(titles) & {a.text for a in soup(
        root / "output/en/news/index.html").select(".news-list a")}


def test_a_network_lists_its_own_news(make_site):
    root = make_site({"content/networks/kemi.en.md": "---\ntitle: Kemi\n---\n",
                      **posts(3, network="kemi"), **posts(2)})
    build_ok(root)
    own = soup(root / "output/en/networks/kemi/news/index.html")
    assert own.h1.text == "News: Kemi"
    assert len(own.select(".news-list li")) == 3
    assert soup(root / "output/en/networks/kemi/index.html").select_one(
        "#section-news").parent.find("a", string="All news")["href"] == "/en/networks/kemi/news/"


def test_a_post_names_its_author_by_person_record_or_as_written(make_site):
    root = make_site({"content/people/anna.yaml": "name: Anna Berg\n",
                      "content/news/2026-01-02-a.en.md": "---\ntitle: A\nauthor: anna\n---\n",
                      "content/news/2026-01-03-b.en.md": "---\ntitle: B\nauthor: Milla Rantakari\n---\n"})
    build_ok(root)
    bylines = [soup(root / f"output/en/news/{slug}/index.html").find(class_="byline").text
               for slug in ("a", "b")]
    assert bylines == ["2 January 2026 · Anna Berg", "3 January 2026 · Milla Rantakari"]


def test_an_author_written_as_an_id_must_be_a_person(make_site):
    from conftest import build_errors

    root = make_site({"content/news/2026-01-02-a.en.md": "---\ntitle: A\nauthor: anna\n---\n"})
    assert build_errors(root) == [
        "content/news/2026-01-02-a.en.md:3: error: author: unknown person 'anna' [ref.person]"]
