"""The build as a whole: deterministic, atomic, and the old site kept when content breaks."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT, build_errors, build_ok, options
from sitegen.errors import BuildFailed
from sitegen.pipeline import build


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def sample_project(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(PROJECT / "content", root / "content")
    return root


def test_two_builds_of_the_same_content_and_now_are_byte_identical(sample_project, tmp_path):
    build_ok(sample_project)
    first = snapshot(sample_project / "output")
    build_ok(sample_project, output_dir=tmp_path / "second")
    assert snapshot(tmp_path / "second") == first


def test_a_failed_build_leaves_the_previous_output_exactly_as_it_was(sample_project):
    build_ok(sample_project)
    before = snapshot(sample_project / "output")
    broken = sample_project / "content/events/maanedsmoede.da.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("network: bydelsmoedre",
                                                                  "network: bydelsmodre"))
    errors = [d for d in build_errors(sample_project) if ": error: " in d]
    assert errors == ["content/events/maanedsmoede.da.md:4: error: network: unknown network "
                      "'bydelsmodre' [ref.network]\n  hint: did you mean 'bydelsmoedre'?"]
    assert snapshot(sample_project / "output") == before
    assert sorted(p.name for p in sample_project.iterdir()) == ["content", "output"]


def test_a_new_build_replaces_files_of_items_that_were_removed(sample_project):
    build_ok(sample_project)
    (sample_project / "content/events/maanedsmoede.da.md").unlink()
    build_ok(sample_project)
    assert not (sample_project / "output/da/events/maanedsmoede").exists()


def test_an_interrupted_swap_is_recovered_by_the_next_build(sample_project):
    build_ok(sample_project)
    output = sample_project / "output"
    # As if killed between moving the old site aside and moving the new one in.
    output.rename(sample_project / ".output.old-99999")
    (sample_project / ".output.staging-99998").mkdir()
    build_ok(sample_project)
    assert (output / "index.html").is_file()
    assert sorted(p.name for p in sample_project.iterdir()) == ["content", "output"]


def test_warnings_fail_the_build_only_when_strict(make_site):
    root = make_site({"content/people/someone.yaml": "name: Some One\nphone: '12'\n"})
    report = build_ok(root)
    assert [d.code for d in report.diagnostics.items] == ["field.phone"]
    with pytest.raises(BuildFailed):
        build(options(root, strict=True))


def test_upcoming_and_past_are_split_at_now(make_site):
    from conftest import soup

    root = make_site({"content/events/meeting.en.md":
                      "---\ntitle: Meeting\nstart: 2026-11-22 08:30\nend: 2026-11-22 10:00\n---\n"})
    during = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    build_ok(root, now=during)
    page = soup(root / "output/en/events/index.html")
    assert page.find(id="section-upcoming").parent.find("time")["datetime"] == "2026-11-22T08:30+01:00"
    assert page.find(id="section-past") is None
    build_ok(root, now=during + dt.timedelta(hours=1))
    page = soup(root / "output/en/events/index.html")
    assert page.find(id="section-past").parent.find("time")["datetime"] == "2026-11-22T08:30+01:00"


def test_a_shallow_clone_fails_a_strict_build_because_calendars_could_miss_changes(tmp_path):
    origin = tmp_path / "origin"
    shutil.copytree(PROJECT / "content", origin / "content")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(origin)], check=True)
    subprocess.run([*git, "-C", str(origin), "add", "."], check=True)
    for message in ("first", "second"):
        subprocess.run([*git, "-C", str(origin), "commit", "-q", "--allow-empty", "-m", message], check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True)
    assert build_ok(clone).diagnostics.items[-1].code == "history.shallow"
    with pytest.raises(BuildFailed) as failed:
        build(options(clone, strict=True))
    assert "history.shallow" in {d.code for d in failed.value.diagnostics.items}


def test_a_template_mistake_is_one_error_at_its_line_however_many_pages_it_breaks(make_site):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\n"})
    shutil.copytree(PROJECT / "templates", root / "templates")
    base = root / "templates/base.html"
    lines = base.read_text(encoding="utf-8").splitlines()
    main = next(n for n, line in enumerate(lines) if line.startswith("<main"))
    lines.insert(main + 1, "{{ no_such_value }}")
    base.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [error] = build_errors(root, templates_dir=root / "templates")
    assert error.startswith(f"templates/base.html:{main + 2}: error: 'no_such_value' is undefined "
                            "(rendering da/calendar/2025-11/index.html and ")
    assert error.endswith(" more) [tpl.render]")


def test_files_under_content_files_are_published_as_they_are_at_the_root(make_site):
    root = make_site({"content/files/_headers": "/*.ics\n  Content-Type: text/calendar\n",
                      "content/files/agendas/2026-11.pdf": "%PDF-1.4 agenda\n",
                      "content/files/agendas/.draft.pdf": "hidden\n"})
    build_ok(root)
    output = root / "output"
    assert (output / "_headers").read_bytes() == (root / "content/files/_headers").read_bytes()
    assert (output / "agendas/2026-11.pdf").read_bytes() == b"%PDF-1.4 agenda\n"
    assert not (output / "agendas/.draft.pdf").exists()


def test_a_published_file_at_the_path_of_a_page_is_an_error_naming_both(make_site):
    root = make_site({"content/files/en/about/index.html": "<p>mine</p>\n",
                      "content/pages/about.en.md": "---\ntitle: About\n---\n"})
    assert build_errors(root) == [
        "content/files/en/about/index.html: error: output en/about/index.html is also written by "
        "content/pages/about.en.md [url.collision]\n  hint: rename the file (its slug is its URL)"]


def test_a_second_build_while_one_is_writing_stops_and_leaves_it_alone(sample_project):
    from sitegen.writer import output_lock

    build_ok(sample_project)
    before = snapshot(sample_project / "output")
    with output_lock(sample_project / "output"):   # as a build in another process holds it
        (sample_project / ".output.staging-99999").mkdir()   # that build's staging folder
        with pytest.raises(BuildFailed) as failed:
            build(options(sample_project))
        assert (sample_project / ".output.staging-99999").is_dir()
    assert failed.value.exit_code == 2
    assert [d.format() for d in failed.value.diagnostics.items] == [
        "output: error: another build is writing this folder; try again when it has finished [config.output]"]
    assert snapshot(sample_project / "output") == before
    build_ok(sample_project)
    assert sorted(p.name for p in sample_project.iterdir()) == ["content", "output"]


def test_a_build_killed_while_holding_the_output_does_not_keep_it_locked(sample_project):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from sitegen.writer import output_lock\n"
        "with output_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)"),
        str(sample_project / "output")], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    holder.kill()
    holder.wait()
    build_ok(sample_project)
