"""The editors' workflow: check, new, drafts, links between files, and the preview's rebuilds."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import PROJECT, build_errors, build_ok, options, soup
from sitegen.cli import main
from sitegen.devserver import Preview
from sitegen.starters import KINDS

TEMPLATES = str(PROJECT / "templates")
NETWORK = "---\ntitle: Kemin verkosto\n---\nKatso [tapaaminen](../events/kahvit.fi.md#ohjelma).\n"
EVENT = "---\ntitle: Kahvit\nnetwork: kemi\nstart: 2026-12-03 08:30\nend: 2026-12-03 10:00\n---\n"


def run(root, *args):
    return main([*args, "--root", str(root), "--now", "2026-11-22T09:00"])


def test_check_reports_problems_and_writes_nothing(make_site, capsys):
    root = make_site({"content/events/kahvit.fi.md": EVENT})
    assert run(root, "check", "--templates", TEMPLATES) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "content/events/kahvit.fi.md:3: error: network: unknown network 'kemi' [ref.network]",
        "check failed: 1 error(s); nothing was written"]
    assert sorted(p.name for p in root.iterdir()) == ["content"]


def test_check_passes_warnings_unless_strict(make_site, capsys):
    root = make_site({"content/people/p.yaml": "name: P\nphone: '12'\n"})
    assert run(root, "check", "--templates", TEMPLATES) == 0
    assert capsys.readouterr().out == "checked content/: no errors, 1 warning(s)\n"
    assert run(root, "check", "--templates", TEMPLATES, "--strict") == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_file_builds_as_it_is(make_site, kind, capsys):
    root = make_site({})
    args = ["new", kind, "kokous"] + ([] if kind == "person" else ["--lang", "fi"])
    assert run(root, *args) == 0
    written = capsys.readouterr().out.removeprefix("wrote ").strip()
    assert (root / written).is_file()
    assert written.startswith("content/")
    assert build_ok(root).pages > 0


def test_new_refuses_to_overwrite_a_file(make_site, capsys):
    root = make_site({"content/networks/kemi.fi.md": NETWORK})
    assert run(root, "new", "network", "kemi", "--lang", "fi") == 1
    assert "exists already; nothing was written" in capsys.readouterr().err
    assert (root / "content/networks/kemi.fi.md").read_text(encoding="utf-8") == NETWORK


DRAFTS = {
    "content/networks/kemi.fi.md": NETWORK,
    "content/events/kahvit.fi.md": EVENT,
    "content/pages/tulossa.fi.md": "---\ntitle: Tulossa\npublish_date: 2026-12-01\n---\n",
    "content/pages/luonnos.fi.md": "---\ntitle: Luonnos\ndraft: true\n---\n",
}


def test_drafts_and_future_pages_are_left_out_unless_asked_for(make_site):
    root = make_site(DRAFTS)
    build_ok(root)
    assert not (root / "output/fi/tulossa").exists()
    assert not (root / "output/fi/luonnos").exists()
    build_ok(root, output_dir=root / "preview", drafts=True)
    marks = [soup(root / f"preview/fi/{slug}/index.html").find(class_="draft-mark").text
             for slug in ("tulossa", "luonnos")]
    assert marks == ["Luonnos: ei vielä julkaistu"] * 2
    assert soup(root / "preview/fi/networks/kemi/index.html").find(class_="draft-mark") is None
    search = soup(root / "preview/fi/search/index.html")
    badges = {a.text: a.find_next_sibling(class_="draft-badge")
              for a in search.select(".search-fallback li > a")}
    assert {title: badge.text if badge else None for title, badge in badges.items()} == {
        "Kemin verkosto": None, "Kahvit": None, "Luonnos": "Luonnos", "Tulossa": "Luonnos"}


def test_a_page_is_published_from_its_publish_date(make_site):
    root = make_site(DRAFTS)
    build_ok(root, now=dt.datetime(2026, 12, 1, 0, 0))
    assert (root / "output/fi/tulossa/index.html").is_file()


def test_a_reference_to_a_draft_says_so(make_site):
    draft = NETWORK.replace("---\n", "---\ndraft: true\n", 1)
    root = make_site({**DRAFTS, "content/networks/kemi.fi.md": draft})
    assert build_errors(root) == [
        "content/events/kahvit.fi.md:3: error: network: network 'kemi' is not published yet "
        "(a draft, or its publish_date is to come) [ref.draft]\n"
        "  hint: publish it too, or build with --drafts"]


def test_links_between_content_files_become_links_between_pages(make_site):
    root = make_site({"content/networks/kemi.fi.md": NETWORK, "content/events/kahvit.fi.md": EVENT,
                      "content/events/kahvit.en.md": "---\ntitle: Coffee\n---\n"})
    build_ok(root)
    link = soup(root / "output/fi/networks/kemi/index.html").select_one(".prose a")
    assert link["href"] == "/fi/events/kahvit/#ohjelma"


def test_a_link_to_no_content_file_is_an_error_at_its_line(make_site):
    body = "Intro.\n\nSee [the list](../networks/kemi-verkosto.fi.md) and [x](notes.txt).\n"
    root = make_site({"content/pages/tietoa.fi.md": f"---\ntitle: Tietoa\n---\n{body}"})
    assert build_errors(root) == [
        "content/pages/tietoa.fi.md:6: error: body: the link '../networks/kemi-verkosto.fi.md' leads to "
        "no published item [link.dead]\n  hint: link another content file, e.g. ../networks/<slug>.fi.md",
        "content/pages/tietoa.fi.md:6: error: body: the link 'notes.txt' leads to no published item "
        "[link.dead]\n  hint: link another content file, e.g. ../networks/<slug>.fi.md"]


# -- the preview's rebuilds --------------------------------------------------------------

SITE = {
    "content/networks/kemi.fi.md": "---\ntitle: Kemi\n---\n",
    "content/networks/lahti.fi.md": "---\ntitle: Lahti\n---\n",
    "content/events/kahvit.fi.md": EVENT,
    "content/events/lahti.fi.md": "---\ntitle: Lahden tapaaminen\nnetwork: lahti\n"
                                  "start: 2026-12-04 08:30\n---\n",
    "content/pages/tietoa.fi.md": "---\ntitle: Tietoa\n---\n",
}


@pytest.fixture
def preview(make_site):
    root = make_site(SITE)
    return root, Preview(options(root, output_dir=root / "preview"))


def test_a_rebuild_after_no_change_writes_nothing(preview):
    _, session = preview
    first = session.rebuild()
    assert first.ok and len(first.written) > 50
    again = session.rebuild()
    assert (again.ok, again.written, again.removed) == (True, (), ())


def test_editing_one_meeting_rewrites_exactly_the_files_that_show_it(preview):
    root, session = preview
    session.rebuild()
    event = root / "content/events/kahvit.fi.md"
    event.write_text(EVENT.replace("title: Kahvit", "title: Aamukahvit"), encoding="utf-8")
    rebuild = session.rebuild()
    assert sorted(rebuild.written) == sorted([
        "fi/events/kahvit/index.html", "fi/events/kahvit/20261203.ics",
        "fi/networks/kemi/index.html", "fi/networks/kemi/calendar/index.html",
        "fi/networks/kemi/calendar.ics", "fi/networks/kemi/meetings.xml",
        *(f"{lang}/{page}" for lang in ("da", "fi", "en") for page in (
            "index.html", "events/index.html", "calendar/index.html", "calendar/2026-12/index.html",
            "calendar.ics", "meetings.xml", "search/index.html")),
    ])
    assert rebuild.removed == ()


def test_deleting_a_file_removes_its_pages(preview):
    root, session = preview
    session.rebuild()
    (root / "content/pages/tietoa.fi.md").unlink()
    rebuild = session.rebuild()
    assert rebuild.removed == ("fi/tietoa/index.html",)
    assert not (root / "preview/fi/tietoa").exists()


def test_a_broken_change_keeps_the_last_good_site_with_the_errors_over_every_page(preview):
    root, session = preview
    session.rebuild()
    good = (root / "preview/fi/index.html").read_bytes()
    (root / "content/events/kahvit.fi.md").write_text(EVENT.replace("network: kemi", "network: kem"),
                                                      encoding="utf-8")
    broken = session.rebuild()
    assert not broken.ok
    overlay = soup(root / "preview/fi/networks/lahti/index.html").find(id="sitegen-errors")
    assert ("content/events/kahvit.fi.md:3: error: network: unknown network 'kem' [ref.network]"
            in overlay.text)
    (root / "content/events/kahvit.fi.md").write_text(EVENT, encoding="utf-8")
    assert session.rebuild().ok
    assert (root / "preview/fi/index.html").read_bytes() == good


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, seconds: float = 20.0):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    return None


def test_serve_shows_an_edit_without_a_restart(make_site):
    import subprocess
    import sys

    root = make_site(SITE)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--root", str(root), "--templates", TEMPLATES,
         "--port", str(port), "--now", "2026-11-22T09:00"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/fi/tietoa/"
        assert "Tietoa" in (wait_for(lambda: fetch(url)) or "")
        assert (root / ".sitegen-cache").is_dir()  # left for builds and later sessions
        (root / "content/pages/tietoa.fi.md").write_text("---\ntitle: Meistä\n---\n", encoding="utf-8")
        assert wait_for(lambda: "Meistä" in (fetch(url) or ""))
        (root / "content/pages/uusi.fi.md").write_text("---\ntitle: Uusi sivu\n---\n", encoding="utf-8")
        assert wait_for(lambda: "Uusi sivu" in (fetch(f"http://127.0.0.1:{port}/fi/uusi/") or ""))
        assert not (root / "output").exists()  # the preview never writes the deployable output
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_meeting_in_a_language_its_network_lacks_is_a_warning(make_site):
    root = make_site({"content/networks/kemi.fi.md": "---\ntitle: Kemi\n---\n",
                      "content/events/kahvit.fi.md": EVENT,
                      "content/events/kahvit.da.md": "---\ntitle: Kaffe\n---\n"})
    report = build_ok(root)
    assert [d.format() for d in report.diagnostics.sorted()] == [
        "content/events/kahvit.da.md:1: warning: network: 'kemi' is not written in 'da' (only fi); "
        "its link leads to another language [i18n.network]\n  hint: translate the network into 'da'"]


def test_links_in_code_and_footnotes_are_not_content_links(make_site):
    body = ("Write `[x](../networks/nope.fi.md)` to link.\n\n```\n[a](../networks/example.fi.md)\n```\n\n"
            "A claim.[^1]\n\n[^1]: See the minutes.\n\n> [quoted][k]\n>\n> [k]: ../networks/kemi.fi.md\n")
    root = make_site({"content/networks/kemi.fi.md": "---\ntitle: Kemi\n---\n",
                      "content/pages/ohje.fi.md": f"---\ntitle: Ohje\n---\n{body}"})
    build_ok(root)
    page = soup(root / "output/fi/ohje/index.html")
    assert [a["href"] for a in page.select(".prose blockquote a")] == ["/fi/networks/kemi/"]


def test_a_control_character_in_front_matter_is_an_error_at_its_line(make_site):
    root = make_site({"content/pages/bell.en.md": "---\ntitle: Bell\nsummary: ring \x07\n---\n"})
    assert build_errors(root) == [
        "content/pages/bell.en.md:3: error: invalid YAML: the control character U+0007 is not allowed "
        "[fm.yaml]"]


def test_new_writes_a_translation_of_an_existing_item_with_translated_fields_only(make_site, capsys):
    root = make_site({"content/events/kahvit.fi.md": EVENT.replace("network: kemi\n", ""),
                      "content/news/2026-11-20-uutinen.fi.md": "---\ntitle: Uutinen\n---\n"})
    assert run(root, "new", "event", "kahvit", "--lang", "en") == 0
    assert run(root, "new", "news", "uutinen", "--lang", "da") == 0
    assert (root / "content/news/2026-11-20-uutinen.da.md").is_file()
    text = (root / "content/events/kahvit.en.md").read_text(encoding="utf-8")
    assert "start:" not in text and "content/events/kahvit.fi.md" in text
    assert build_ok(root).diagnostics.items == []


def test_new_refuses_a_language_the_site_does_not_have(make_site, capsys):
    root = make_site({})
    assert run(root, "new", "page", "sida", "--lang", "sv") == 2
    assert "'sv' is not one of the site's languages (da, fi, en)" in capsys.readouterr().err


def test_serve_refuses_a_busy_port_before_building(make_site, capsys):
    import socket

    root = make_site(SITE)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["serve", "--root", str(root), "--templates", TEMPLATES, "--port", str(port)]) == 2
    assert f"cannot serve on 127.0.0.1:{port}" in capsys.readouterr().out
    assert not (root / ".sitegen-serve").exists()


def test_the_preview_never_takes_over_a_built_output(make_site, capsys):
    root = make_site(SITE)
    assert run(root, "build", "--templates", TEMPLATES) == 0
    assert main(["serve", "--root", str(root), "--templates", TEMPLATES, "--output", str(root / "output"),
                 "--port", str(free_port())]) == 2
    assert "is not a sitegen preview" in capsys.readouterr().out


def test_a_draft_is_checked_before_the_day_it_is_published(make_site):
    root = make_site({"content/news/2026-11-20-uutinen.fi.md":
                      "---\ntitle: Uutinen\ndraft: true\nnetwork: kemi-perhekeskuss\n---\n"
                      "Katso [verkosto](../networks/eioleolemassa.fi.md).\n"})
    assert build_errors(root) == [
        "content/news/2026-11-20-uutinen.fi.md:4: error: network: unknown network 'kemi-perhekeskuss' "
        "[ref.network]",
        "content/news/2026-11-20-uutinen.fi.md:6: error: body: the link '../networks/eioleolemassa.fi.md' "
        "leads to no published item [link.dead]\n  hint: link another content file, e.g. "
        "../networks/<slug>.fi.md"]


def test_a_published_text_may_not_link_a_draft(make_site):
    root = make_site({**DRAFTS, "content/pages/tietoa.fi.md":
                      "---\ntitle: Tietoa\n---\nKatso [luonnos](luonnos.fi.md).\n"})
    assert [e.split(" [")[0] for e in build_errors(root)] == [
        "content/pages/tietoa.fi.md:4: error: body: the link 'luonnos.fi.md' leads to no published item"]
    build_ok(root, drafts=True, output_dir=root / "preview")
