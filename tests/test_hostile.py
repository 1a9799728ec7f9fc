"""Hostile and broken input: nothing unsafe is published, every refusal names file and line.

The fixture sites under ``tests/sites/hostile/``:
- ``published/`` builds: its pages, JSON-LD and calendar files carry attacks that must arrive
  as harmless text (scripts in bodies, a title closing the JSON-LD element, a summary adding
  calendar properties, a file with a byte order mark and CRLF line endings);
- ``refused/`` and ``collisions/`` must not build, with exactly the diagnostics in their
  ``expected-diagnostics.txt``. What git cannot hold everywhere (a file over the size limit, a
  link out of content/, a backslash in a name) is added by the test.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import icalendar
import pytest

from conftest import SITE_YAML, SITES, build_ok, options, sample_pages, served_folder, soup
from sitegen.errors import BuildFailed
from sitegen.markup import ALLOWED_TAGS, URL_SCHEMES
from sitegen.pipeline import build
from sitegen.sources import MAX_FILE_BYTES

HOSTILE = SITES / "hostile"
TITLE = "</script><script>alert('title')</script> <!-- \"quoted\" & <b>bold</b>"
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; form-action 'self'")


def project(case: str, tmp_path: Path) -> Path:
    root = tmp_path / case
    shutil.copytree(HOSTILE / case / "content", root / "content")
    (root / "content" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    return root


def refused(root: Path) -> str:
    with pytest.raises(BuildFailed) as failed:
        build(options(root))
    assert not (root / "output").exists()
    return "\n".join(d.format() for d in failed.value.diagnostics.sorted()) + "\n"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    root = project("published", tmp_path_factory.mktemp("hostile"))
    build_ok(root)
    return root / "output"


def test_every_broken_or_hostile_file_is_refused_with_file_line_and_field(tmp_path):
    root = project("refused", tmp_path)
    huge = "---\ntitle: Huge\n---\n" + "x" * MAX_FILE_BYTES
    (root / "content/pages/huge.en.md").write_text(huge, encoding="utf-8")
    (root / "content/pages/back\\slash.en.md").write_text("---\ntitle: Back\n---\n", encoding="utf-8")
    outside = tmp_path / "outside.en.md"
    outside.write_text("---\ntitle: Secret\n---\n", encoding="utf-8")
    (root / "content/pages/link.en.md").symlink_to(outside)
    expected = (HOSTILE / "refused/expected-diagnostics.txt").read_text(encoding="utf-8")
    expected += (f"content/pages/huge.en.md: error: file is {len(huge):,} bytes; the limit is "
                 f"{MAX_FILE_BYTES:,} [source.size]\n"
                 "content/pages/link.en.md: error: links to a file outside content/; refused "
                 "[source.symlink]\n"
                 "content/pages/back\\slash.en.md: error: a page file is named <slug>.<language>.md "
                 "(lowercase a-z, 0-9, hyphens) [source.name]\n")
    assert diagnostics(refused(root)) == diagnostics(expected)


def diagnostics(text: str) -> list[str]:
    """Each diagnostic of a report with its hint, in file order."""
    return sorted(re.split(r"\n(?!  hint)", text.strip()))


def test_two_files_for_one_address_are_refused_naming_both(tmp_path):
    expected = (HOSTILE / "collisions/expected-diagnostics.txt").read_text(encoding="utf-8")
    assert refused(project("collisions", tmp_path)) == expected


def test_a_body_keeps_its_text_and_loses_every_script_frame_style_handler_and_unsafe_link(published):
    body = soup(published / "en/attacks/index.html").find(class_="prose")
    assert {tag.name for tag in body.find_all(True)} <= ALLOWED_TAGS
    attributes = {name for tag in body.find_all(True) for name in tag.attrs}
    assert not {name for name in attributes if name.startswith("on")}
    hrefs = [a.get("href") for a in body.find_all("a")]
    assert [h for h in hrefs if h and urlsplit(h).scheme not in URL_SCHEMES] == []
    assert hrefs == ["https://example.net/", None, None, None, "https://example.net/fine", None]
    assert [str(i) for i in body.find_all("input")] == ['<input disabled="" type="checkbox"/>']
    assert "a link with an event handler" in body.text and "alert" not in body.text


def test_a_title_closing_the_script_element_stays_text_in_the_page_and_its_json_ld(published):
    document = soup(published / "en/events/injection/index.html")
    assert document.find("h1").text == TITLE
    scripts = document.find_all("script")
    assert [s.get("type") or s["src"] for s in scripts] == ["/static/calendar.js", "application/ld+json"]
    assert json.loads(scripts[1].string)["name"] == TITLE


def test_a_newline_in_a_field_cannot_add_properties_to_a_calendar_file(published):
    calendar = icalendar.Calendar.from_ical((published / "en/events/injection/20261203.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == TITLE
    assert str(event["LOCATION"]) == "Jukola\nLOCATION:elsewhere, Kemi"
    assert str(event["DESCRIPTION"]).startswith(
        "Coffee\nATTENDEE:mailto:attacker@example.net\nX-INJECTED:yes\n")
    assert "ATTENDEE" not in event and "X-INJECTED" not in event
    assert sorted(event) == ["DESCRIPTION", "DTEND", "DTSTAMP", "DTSTART", "LAST-MODIFIED", "LOCATION",
                             "SEQUENCE", "STATUS", "SUMMARY", "UID", "URL"]


def test_a_file_with_a_byte_order_mark_and_crlf_line_endings_builds_as_any_other(published):
    document = soup(published / "en/networks/windows/index.html")
    assert document.find("h1").text == "Written on Windows"
    assert document.find(class_="prose").text.strip() == "The body, also with CRLF."


def test_every_page_carries_the_content_security_policy(published):
    pages = sorted(published.rglob("*.html"))
    policies = {soup(p).find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
                for p in pages}
    assert policies == {POLICY} and len(pages) > 100


SEARCH_ENDED = """() => {
    const text = document.querySelector(".search-status").textContent;
    return text !== "" && text !== document.querySelector(".search-form").dataset.searching;
}"""
COLLECT_VIOLATIONS = """window.violations = [];
document.addEventListener("securitypolicyviolation",
    e => window.violations.push(e.violatedDirective + " " + e.blockedURI));"""


def test_the_sites_own_pages_keep_to_their_policy_search_included(browser, sample_site):
    page = browser.new_page()
    page.add_init_script(COLLECT_VIOLATIONS)
    found = {}
    try:
        with served_folder(sample_site) as url:
            for _, _, path in sample_pages(sample_site):
                page.goto(url + path + ("?q=Kemi" if path.endswith("/search/") else ""))
                if path.endswith("/search/"):   # until Pagefind has answered
                    page.wait_for_function(SEARCH_ENDED, timeout=15000)
                violations = page.evaluate("window.violations")
                if violations:
                    found[path] = violations
            page.evaluate("() => { const s = document.createElement('script');"
                          " s.textContent = 'window.ran = 1'; document.body.append(s); }")
            blocked = page.evaluate("window.violations")
    finally:
        page.close()
    assert found == {}
    assert blocked and blocked[0].startswith("script-src")   # the policy is in force
