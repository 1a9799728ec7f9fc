"""calendar.js in a real browser (headless Chromium): hiding ended meetings, the network filter.

The pages work without the script; these tests check what it adds. Chromium runs the page
from a local server and prints the DOM as the script left it.
"""
from __future__ import annotations

import datetime as dt
import subprocess
import tempfile

import pytest

from conftest import CHROMIUM, SITE_YAML, build_ok, served_folder, write_files

SITE = {
    "content/networks/a.en.md": "---\ntitle: Network A\n---\n",
    "content/networks/b.en.md": "---\ntitle: Network B\n---\n",
    "content/networks/c.en.md": "---\ntitle: Network C\n---\n",
    # Upcoming when built, ended long before any day these tests run:
    "content/events/old.en.md": "---\ntitle: Old\nnetwork: a\nstart: 2026-02-01 10:00\n"
                                "end: 2026-02-01 12:00\n---\n",
    "content/events/later.en.md": "---\ntitle: Later\nnetwork: a\nstart: 2099-02-01 10:00\n---\n",
    "content/events/other.en.md": "---\ntitle: Other\nnetwork: b\nstart: 2099-03-01 10:00\n---\n",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The fixture site built as of 1 January 2026, served on a free local port."""
    root = write_files(tmp_path_factory.mktemp("script"), {"content/site.yaml": SITE_YAML, **SITE})
    build_ok(root, now=dt.datetime(2026, 1, 1, 9, 0))
    with served_folder(root / "output") as url:
        yield url


def dom_after_scripts(url: str):
    """The page's DOM once Chromium has loaded it and run its scripts."""
    assert CHROMIUM, "these tests need Chromium: apt-get install chromium (make test installs it)"
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", url],
            capture_output=True, text=True, timeout=60, check=True)
    return soup_of(result.stdout)


def soup_of(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def visible_titles(document) -> list[str]:
    return [li.select_one(".meeting-title").text for li in document.select(".agenda li.meeting")
            if not li.has_attr("hidden")]


def test_without_the_script_every_meeting_upcoming_at_build_time_is_listed(served):
    # What a browser without JavaScript shows is the page as built.
    from urllib.request import urlopen

    with urlopen(f"{served}/en/calendar/") as page:
        document = soup_of(page.read().decode("utf-8"))
    assert [li.select_one(".meeting-title").text for li in document.select(".agenda li.meeting")] == [
        "Old", "Later", "Other"]
    assert document.find(class_="ended-note").has_attr("hidden")


def test_the_script_hides_meetings_that_ended_after_the_build_and_says_so(served):
    document = dom_after_scripts(f"{served}/en/calendar/")
    assert visible_titles(document) == ["Later", "Other"]
    assert not document.find(class_="ended-note").has_attr("hidden")
