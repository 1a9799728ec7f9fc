"""What editors write: YAML read literally, phone numbers, dates, times, rules, Markdown."""
from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from sitegen.fields import date_or_datetime, phone, repeat_rule, time_range
from sitegen.markup import Markup
from sitegen.schema import FieldError
from sitegen.sources import split_front_matter
from sitegen.yamlpos import parse_yaml


def test_yaml_keeps_times_dates_and_words_as_written():
    parsed = parse_yaml("time: 10:00\nstart: 2024-01-26\nanswer: no\ncount: 3\nratio: 1.5\n")
    assert parsed.data == {"time": "10:00", "start": "2024-01-26", "answer": "no", "count": 3,
                           "ratio": 1.5}


def test_yaml_lines_are_file_lines():
    parsed = parse_yaml("title: x\nplace:\n  city: Kemi\ncontacts:\n  - a\n  - b\n", first_line=2)
    assert parsed.lines == {("title",): 2, ("place",): 3, ("place", "city"): 4, ("contacts",): 5,
                            ("contacts", 0): 6, ("contacts", 1): 7}


def test_the_body_keeps_its_line_numbers_after_blank_lines():
    front, body, body_line = split_front_matter("---\ntitle: x\n---\n\n\nText\n")
    assert front == "title: x"
    # The body starts on file line 4, so "Text" (its third line) is file line 6.
    assert (body_line, body.splitlines().index("Text") + body_line) == (4, 6)


@pytest.mark.parametrize("written, region, e164, display", [
    ("30177804", "DK", "+4530177804", "+45 30 17 78 04"),
    ("+4524804503", None, "+4524804503", "+45 24 80 45 03"),
    ("041-3117883", "FI", "+358413117883", "+358 41 3117883"),
    ("36 46 66 66", "DK", "+4536466666", "+45 36 46 66 66"),
    ("+450 3017 7804", "DK", None, "+450 3017 7804"),
    ("30177804", None, None, "30177804"),
])
def test_phone_numbers_are_normalised_or_kept_as_written(written, region, e164, display):
    number = phone(region)(written)
    assert (number.e164, number.display, number.tel) == (e164, display, f"tel:{e164}" if e164 else None)


@pytest.mark.parametrize("written, expected", [
    ("2024-01-26 08:30", dt.datetime(2024, 1, 26, 8, 30)),
    ("2024-01-26T8.30", dt.datetime(2024, 1, 26, 8, 30)),
    ("2024-01-26", dt.date(2024, 1, 26)),
])
def test_dates_and_times_are_read_as_local_wall_clock(written, expected):
    assert date_or_datetime(written) == expected


@pytest.mark.parametrize("written, message", [
    ("2024-01-26T08:30+02:00", "has a UTC offset; write the local time and set 'timezone'"),
    ("26.1.2024", "is not a date or date and time (write YYYY-MM-DD HH:MM)"),
    ("2023-02-29", "2023-02-29 is not a date that exists"),
])
def test_wrong_dates_say_what_is_wrong(written, message):
    with pytest.raises(FieldError, match=message.replace("(", r"\(").replace(")", r"\)")):
        date_or_datetime(written)


def test_time_ranges_accept_the_ways_people_write_them():
    assert time_range("10-14") == (dt.time(10), dt.time(14))
    assert time_range("8.30–10.30") == (dt.time(8, 30), dt.time(10, 30))
    assert time_range("8:30") == (dt.time(8, 30), None)


@pytest.mark.parametrize("rule", ["every fortnight", "every month on the fifth friday",
                                  "every 0 weeks", "sometimes"])
def test_rules_that_cannot_be_read_are_errors(rule):
    with pytest.raises(FieldError):
        repeat_rule(rule)


GITHUB_STYLE = """\
Intro with ~~old~~ text and a bare link https://example.org/x.

- item
  - nested two spaces in
- second

1. first
2. second

| Day | Time |
|-----|------|
| Fri | 10–14 |

- [x] done
- [ ] open
"""


def test_markdown_renders_github_style_structure():
    html = BeautifulSoup(Markup().to_html(GITHUB_STYLE), "html.parser")
    assert html.find("del").text == "old"
    assert html.find("a")["href"] == "https://example.org/x"
    top, ordered = html.find_all("ul", recursive=False)[0], html.find("ol")
    assert [li.contents[0].strip() for li in top.find_all("li", recursive=False)] == ["item", "second"]
    assert top.li.ul.li.text == "nested two spaces in"
    assert [li.text for li in ordered.find_all("li")] == ["first", "second"]
    assert [[c.text for c in row.find_all(["th", "td"])] for row in html.find_all("tr")] == [
        ["Day", "Time"], ["Fri", "10–14"]]
    boxes = html.find_all("input", type="checkbox")
    assert [box.has_attr("checked") for box in boxes] == [True, False]


def test_markdown_cannot_bring_scripts_handlers_or_javascript_links():
    html = Markup().to_html('<script>alert(1)</script>\n\n<a href="x" onclick="y">z</a> '
                            '[j](javascript:alert(1)) <iframe src="https://e.org"></iframe>\n')
    parsed = BeautifulSoup(html, "html.parser")
    assert parsed.find_all(["script", "iframe"]) == []
    assert [a.attrs for a in parsed.find_all("a")] == [
        {"href": "x", "rel": ["noopener", "noreferrer"]}, {"rel": ["noopener", "noreferrer"]}]


def test_body_headings_keep_their_level_below_the_page_title():
    html = BeautifulSoup(Markup().to_html("# Top\n\n## Section\n\n### Part\n"), "html.parser")
    assert [(h.name, h["id"]) for h in html.find_all(["h1", "h2", "h3"])] == [
        ("h2", "top"), ("h2", "section"), ("h3", "part")]
