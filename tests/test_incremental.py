"""The preview's incremental rebuilds: after any edit the folder equals a build from scratch,
and only the files that read what changed are rendered again."""
from __future__ import annotations

import gc
import os
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import sitegen.devserver
import sitegen.markup
import sitegen.sources
from conftest import PROJECT, options, write_files
from sitegen.devserver import Preview
from sitegen.filecache import FileCache
from sitegen.indexes import Indexes

NETWORK = "---\ntitle: Kemin verkosto\ncontacts: [milla]\n---\nKatso [kahvit](../events/kahvit.fi.md).\n"
SERIES = ("---\ntitle: Lahden kahvit\nnetwork: lahti\nstart: 2026-12-04 08:30\nend: 2026-12-04 10:00\n"
          "repeat:\n  rule: every friday\n  until: 2027-02-26\n---\nJoka perjantai.\n")
SITE = {
    "content/networks/kemi.fi.md": NETWORK,
    "content/networks/kemi.en.md": "---\ntitle: Kemi network\n---\n",
    "content/networks/lahti.fi.md": "---\ntitle: Lahti\nregion: Päijät-Häme\n---\n",
    "content/people/milla.yaml": "name: Milla Rantakari\nemail: milla@example.fi\n",
    "content/events/kahvit.fi.md": "---\ntitle: Kahvit\nnetwork: kemi\nstart: 2026-12-03 08:30\n"
                                   "end: 2026-12-03 10:00\ncontacts: [milla]\n---\nTervetuloa.\n",
    "content/events/lahden-kahvit.fi.md": SERIES,
    "content/news/2026-11-01-uutinen.fi.md": "---\ntitle: Uutinen\nnetwork: kemi\nauthor: milla\n---\nHei.\n",
    "content/pages/tietoa.fi.md": "---\ntitle: Tietoa\n---\nSivu.\n",
}

EDITS = {
    "an event's title": {"content/events/kahvit.fi.md": lambda text: text.replace("Kahvit", "Aamukahvit")},
    "an event's body": {"content/events/kahvit.fi.md": lambda text: text + "Lisää tietoa.\n"},
    "a series' rule": {"content/events/lahden-kahvit.fi.md":
                       lambda text: text.replace("every friday", "every 2 weeks on friday")},
    "a cancelled date": {"content/events/lahden-kahvit.fi.md":
                         lambda text: text.replace("\n---\nJoka", "\n  cancelled: [2026-12-18]\n---\nJoka")},
    "a new translation": {"content/events/kahvit.en.md": lambda _: "---\ntitle: Coffee\n---\n"},
    "a person's name": {"content/people/milla.yaml": lambda text: text.replace("Milla", "Milja")},
    "a network's region": {"content/networks/lahti.fi.md": lambda text: text.replace("Päijät", "Pohjois")},
    "a renamed news post": {"content/news/2026-11-01-uutinen.fi.md": None,
                            "content/news/2026-11-02-uutinen.fi.md":
                                lambda _: SITE["content/news/2026-11-01-uutinen.fi.md"]},
    "a deleted page": {"content/pages/tietoa.fi.md": None},
    "a template": {"templates/base.html": lambda text: text.replace("</footer>", "<p>Hei</p></footer>")},
    "the site's title": {"content/site.yaml": lambda text: text.replace("Verkostot", "Verkostomme")},
    "a new published file": {"content/files/esityslista.txt": lambda _: "Esityslista\n"},
    "an edited published file": {"content/files/esityslista.txt": lambda text: text + "1. Kahvit\n"},
    "a deleted published file": {"content/files/esityslista.txt": None},
    "a template and a deleted file at once": {
        "templates/base.html": lambda text: text.replace("<p>Hei</p>", "<p>Moi</p>"),
        "content/events/kahvit.en.md": None},
}


@pytest.fixture
def project(make_site):
    root = make_site(SITE)
    shutil.copytree(PROJECT / "templates", root / "templates")
    return root


def apply(root: Path, edit: dict) -> None:
    for relative, change in edit.items():
        path = root / relative
        if change is None:
            path.unlink()
        else:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            write_files(root, {relative: change(old)})


def folder(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def from_scratch(root: Path, name: str) -> dict[str, bytes]:
    fresh = Preview(options(root, templates_dir=root / "templates", output_dir=root / name))
    assert fresh.rebuild().ok
    return folder(root / name)


def test_after_each_edit_the_preview_equals_a_build_from_scratch(project):
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    assert session.rebuild().ok
    for number, (name, edit) in enumerate(EDITS.items()):
        apply(project, edit)
        rebuild = session.rebuild()
        assert rebuild.ok, name
        assert rebuild.written or rebuild.removed, name
        assert folder(project / "preview") == from_scratch(project, f"fresh-{number}"), name


def test_after_a_broken_edit_is_fixed_the_preview_equals_a_build_from_scratch(project):
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    event = project / "content/events/kahvit.fi.md"
    good = event.read_text(encoding="utf-8")
    event.write_text(good.replace("network: kemi", "network: kem"), encoding="utf-8")
    assert not session.rebuild().ok
    event.write_text(good.replace("Kahvit", "Iltakahvit"), encoding="utf-8")
    assert session.rebuild().ok
    assert folder(project / "preview") == from_scratch(project, "fresh")


def test_a_rebuild_after_no_change_renders_only_the_static_assets(project):
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    again = session.rebuild()
    assert again.written == ()
    assert again.rendered and all(path.startswith("static/") for path in again.rendered)


def test_an_edit_renders_only_the_files_that_read_the_item(project):
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    everything = session.rebuild().rendered
    apply(project, EDITS["a series' rule"])
    rendered = set(session.rebuild().rendered) - {p for p in everything if p.startswith("static/")}
    assert "fi/events/lahden-kahvit/index.html" in rendered
    assert "fi/networks/lahti/calendar.ics" in rendered
    untouched = {"fi/events/kahvit/index.html", "fi/events/kahvit/20261203.ics",
                 "fi/networks/kemi/index.html", "fi/networks/kemi/calendar.ics",
                 "fi/news/uutinen/index.html", "fi/tietoa/index.html", "fi/contacts/index.html"}
    assert rendered.isdisjoint(untouched)
    assert len(rendered) < len(everything) / 2



def test_an_edit_of_one_text_renders_no_listing_of_the_other_languages(project):
    """Finnish listings show the network's Finnish text, not the English one edited."""
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    apply(project, {"content/networks/kemi.en.md": lambda text: text.replace("Kemi network", "Kemi")})
    rendered = set(session.rebuild().rendered)
    assert {"en/networks/index.html", "en/events/index.html", "en/search/index.html"} <= rendered
    assert rendered.isdisjoint({"fi/networks/index.html", "fi/events/index.html", "fi/search/index.html"})

def age(root: Path) -> None:
    """Date every file an hour back: files written in the last two seconds are always read
    again, as their time stamps could hide a second write."""
    hour_ago = time.time() - 3600
    for path in root.rglob("*"):
        os.utime(path, (hour_ago, hour_ago))


def replacing(old: str, new: str):
    return lambda text: text.replace(old, new)


# Edits whose problems a rebuild must report as a build from scratch does, each undone by the next.
EVENT, PAGE = "content/events/kahvit.fi.md", "content/pages/tietoa.fi.md"
LAHTI = "content/networks/lahti.fi.md"
PROBLEMS = {
    "an unknown network": {EVENT: replacing("network: kemi", "network: kemj")},
    "its line moved": {EVENT: lambda text: "---\nnetwork: kemj" + text.replace("\nnetwork: kemj", "")[3:]},
    "the network mended": {EVENT: replacing("network: kemj", "network: kemi")},
    "a meeting in a language its network lacks": {
        "content/events/lahden-kahvit.en.md": lambda _: "---\ntitle: Lahti coffee\n---\n"},
    "a dead link": {PAGE: lambda _: SITE[PAGE] + "[Ei](../events/ei-ole.fi.md)\n"},
    "the link mended": {PAGE: replacing("ei-ole", "kahvit")},
    "a network made a draft": {LAHTI: replacing("---\ntitle", "---\ndraft: true\ntitle")},
    "the draft published": {LAHTI: replacing("draft: true\n", "")},
    "a person removed": {"content/people/milla.yaml": None},
    "the person back": {"content/people/milla.yaml": lambda _: SITE["content/people/milla.yaml"]},
}


def test_with_the_other_files_unchanged_the_preview_equals_a_build_from_scratch(project):
    """Every file but the edited ones is an hour old, so each step works out again only what
    an edit touched: the folder and the problems reported are still those of a fresh build."""
    age(project)
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    assert session.rebuild().ok
    for number, (name, edit) in enumerate({**EDITS, **PROBLEMS}.items()):
        apply(project, edit)
        rebuild = session.rebuild()
        fresh = project / f"fresh-{number}"
        from_nothing = Preview(options(project, templates_dir=project / "templates", output_dir=fresh))
        expected = from_nothing.rebuild()
        assert rebuild.ok == expected.ok, name
        assert rebuild.diagnostics.sorted() == expected.diagnostics.sorted(), name
        if expected.ok:
            assert folder(project / "preview") == folder(fresh), name
            assert indexes(session.build.site) == indexes(from_nothing.build.site), name


def test_a_link_in_place_of_a_file_or_led_elsewhere_is_judged_as_a_fresh_build_does(project):
    """Whether a link is refused depends on where it leads: the kept list of content files
    is made again when a link appears or its target changes."""
    page, outside, inside = project / PAGE, project / "outside.fi.md", project / "content/pages/muu.fi.md"
    outside.write_text(SITE[PAGE], encoding="utf-8")
    inside.write_text("---\ntitle: Muu\n---\n", encoding="utf-8")
    age(project)
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    assert session.rebuild().ok
    fresh_inside, fresh_outside = project / "content/pages/uusi.fi.md", project / "uusi-ulkona.fi.md"
    steps = {"a file replaced by a link out of content/": outside, "the link led inside": inside,
             "and out again": outside, "to a file just written inside": fresh_inside,
             "and to one just written outside": fresh_outside}
    for number, (name, target) in enumerate(steps.items()):
        if not target.exists():   # its stamp, and so the link's, cannot tell yet (None)
            target.write_text(SITE[PAGE], encoding="utf-8")
        page.unlink()
        page.symlink_to(target)
        rebuild = session.rebuild()
        expected = Preview(options(project, templates_dir=project / "templates",
                                   output_dir=project / f"fresh-{number}")).rebuild()
        assert rebuild.ok == expected.ok, name
        assert rebuild.diagnostics.sorted() == expected.diagnostics.sorted(), name


def test_a_file_moved_out_of_content_and_linked_back_is_refused_as_a_fresh_build_does(project):
    """A rename keeps the stamp (time, size, inode) and a link is stamped by its target: the
    files' stamps alone would say nothing changed."""
    age(project)
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    assert session.rebuild().ok
    page, outside = project / PAGE, project / "tietoa-ulkona.fi.md"
    page.rename(outside)
    page.symlink_to(outside)
    rebuild = session.rebuild()
    assert not rebuild.ok
    assert [d.code for d in rebuild.diagnostics.sorted()] == ["source.symlink"]


def indexes(site) -> dict:
    """The site's lookups (`sitegen.indexes`), which pages read only in part."""
    return {name: getattr(site, name) for name in Indexes.__dataclass_fields__
            if name not in ("events", "news", "expanded")}


def test_when_no_file_changed_a_rebuild_renders_nothing(project):
    age(project)
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    again = session.rebuild()
    assert (again.ok, again.rendered, again.written, again.removed) == (True, (), (), ())
    (project / "content/pages/tietoa.fi.md").write_text("---\ntitle: Tietoa meistä\n---\n", encoding="utf-8")
    assert "fi/tietoa/index.html" in session.rebuild().written


def test_an_unchanged_content_file_is_not_parsed_again(project, monkeypatch):
    age(project / "content")
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    parsed = []
    real_parse = sitegen.sources._parse

    def parse(text, shown, *rest):
        parsed.append(shown)
        return real_parse(text, shown, *rest)

    monkeypatch.setattr(sitegen.sources, "_parse", parse)
    apply(project, EDITS["an event's body"])
    assert session.rebuild().ok
    assert parsed == ["content/events/kahvit.fi.md"]


def test_after_an_edit_each_step_of_the_load_works_out_again_only_the_edited_item(project, monkeypatch):
    age(project / "content")
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    worked_out = []
    real_fresh = FileCache.fresh

    def fresh(self, *args):
        found = real_fresh(self, *args)
        worked_out.append(found)
        return found

    monkeypatch.setattr(FileCache, "fresh", fresh)
    apply(project, EDITS["an event's title"])
    assert session.rebuild().ok
    assert len(worked_out) > 5
    assert max(map(len, worked_out)) == 1, worked_out


def test_a_rebuild_leaves_its_garbage_to_tidy_which_then_sets_the_site_aside(project, monkeypatch):
    """The first build is tidied at once; later ones by the server, after the browser reloaded."""
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    collected = []
    monkeypatch.setattr(sitegen.devserver, "gc", SimpleNamespace(
        collect=lambda: collected.append(1) or gc.collect(), freeze=gc.freeze))
    session.rebuild()
    assert len(collected) == 1
    frozen = gc.get_freeze_count()
    apply(project, EDITS["an event's title"])
    assert session.rebuild().ok
    assert len(collected) == 1
    session.tidy()
    session.tidy()   # nothing new to collect
    assert len(collected) == 2 and gc.get_freeze_count() > frozen


def test_only_an_edited_body_is_converted_again_edit_after_edit(project, monkeypatch):
    age(project / "content")
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    session.rebuild()
    converted = []
    real_convert = sitegen.markup.Markup._convert

    def convert(self, bodies):
        converted.extend(bodies)
        return real_convert(self, bodies)

    monkeypatch.setattr(sitegen.markup.Markup, "_convert", convert)
    for ending in ("Lisää tietoa.\n", "Vielä lisää.\n"):
        apply(project, {"content/events/kahvit.fi.md": lambda text, ending=ending: text + ending})
        assert session.rebuild().ok
    assert converted == ["Tervetuloa.\nLisää tietoa.\n", "Tervetuloa.\nLisää tietoa.\nVielä lisää.\n"]


def test_in_a_git_checkout_the_preview_equals_a_build_from_scratch_after_edits_and_commits(project):
    """The history the preview keeps (by HEAD, and by the stamps of the working files) is
    asked again when either changes: SEQUENCE and LAST-MODIFIED follow edits and commits."""
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@e", *args], cwd=project,
                       check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T10:00:00Z",
                            "GIT_COMMITTER_DATE": "2026-01-01T10:00:00Z"})

    git("init", "-q")
    git("add", "content")
    git("commit", "-q", "-m", "first")
    age(project)
    session = Preview(options(project, templates_dir=project / "templates", output_dir=project / "preview"))
    assert session.rebuild().ok
    page = project / "content/pages/tietoa.fi.md"
    for number, step in enumerate(["edit", "commit", "edit"]):
        if step == "edit":
            apply(project, EDITS["an event's title"] if number == 0 else EDITS["a series' rule"])
        else:   # the edited event's file is as it was: only its commit is new
            git("commit", "-q", "-am", "edited")
            page.write_text(page.read_text(encoding="utf-8") + "Lisää.\n", encoding="utf-8")
        rebuild = session.rebuild()
        assert rebuild.ok, step
        assert folder(project / "preview") == from_scratch(project, f"fresh-{number}"), step
        age(project)
