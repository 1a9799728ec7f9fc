"""The command line: `sitegen build`, `python build.py` and `python -m sitegen` alike."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conftest import PROJECT
from sitegen.cli import main

TEMPLATES = str(PROJECT / "templates")


def run_main(root, *args):
    return main(["build", "--root", str(root), "--templates", TEMPLATES,
                 "--now", "2026-11-22T09:00:00+01:00", *args])


def test_build_prints_a_summary_and_exits_0(make_site, capsys):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\nText.\n"})
    assert run_main(root) == 0
    out, err = capsys.readouterr()
    # The root, the 404 page, per language 7 listings and 25 month grids, and the about page;
    # besides, per language a calendar feed and two Atom feeds, 5 static files, the sitemap
    # and robots.txt.
    assert out.startswith("built 99 pages (115 files) into output/ in ")
    assert err == ""


def test_content_errors_exit_1_and_are_printed_with_file_and_line(make_site, capsys):
    root = make_site({"content/pages/about.en.md": "---\ntitel: About\n---\n"})
    assert run_main(root) == 1
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        "content/pages/about.en.md:1: error: title: required field is missing [field.missing]",
        "content/pages/about.en.md:2: error: titel: unknown field [field.unknown]",
        "  hint: did you mean 'title'?",
        "build failed: 2 error(s); output/ left as it was",
    ]


def test_configuration_errors_exit_2(make_site, capsys):
    root = make_site({}, site_yaml="title: x\n")
    assert run_main(root) == 2


def test_content_output_and_base_url_options(make_site, tmp_path):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\n"})
    (root / "content").rename(tmp_path / "elsewhere")
    assert main(["build", "--root", str(root), "--templates", TEMPLATES,
                 "--content", str(tmp_path / "elsewhere"),
                 "--output", str(tmp_path / "public"),
                 "--base-url", "https://example.org/verkostot"]) == 0
    html = (tmp_path / "public/en/about/index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/verkostot/en/about/">' in html
    assert 'href="/verkostot/static/style.css"' in html


def test_a_bad_now_is_a_usage_error(make_site, capsys):
    root = make_site({})
    with pytest.raises(SystemExit) as exit:
        main(["build", "--root", str(root), "--now", "yesterday"])
    assert exit.value.code == 2
    assert "--now: 'yesterday' is not an ISO 8601 date and time" in capsys.readouterr().err


def test_a_base_url_that_is_not_a_url_is_a_usage_error(make_site, capsys):
    root = make_site({})
    assert run_main(root, "--base-url", "example.org/verkostot") == 2
    assert "--base-url: 'example.org/verkostot' is not an http(s) URL" in capsys.readouterr().err


def test_an_output_folder_sitegen_did_not_write_is_never_replaced(make_site, capsys):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\n"})
    assert run_main(root, "--output", str(root / "content")) == 2
    assert run_main(root, "--output", str(root)) == 2
    (root / "notes").mkdir()
    (root / "notes" / "todo.txt").write_text("keep me", encoding="utf-8")
    assert run_main(root, "--output", str(root / "notes")) == 2
    assert (root / "notes" / "todo.txt").read_text(encoding="utf-8") == "keep me"
    assert (root / "content" / "pages" / "about.en.md").is_file()


def test_a_now_without_an_offset_is_read_in_the_sites_time_zone(make_site, monkeypatch):
    root = make_site({"content/events/m.en.md": "---\ntitle: M\nstart: 2026-11-27 13:00\n---\n"})
    pages = {}
    for zone in ("UTC", "Pacific/Kiritimati"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        assert main(["build", "--root", str(root), "--templates", TEMPLATES, "--now", "2026-11-27T13:30",
                     "--output", str(root / zone.replace("/", "-"))]) == 0
        pages[zone] = (root / zone.replace("/", "-") / "en/events/index.html").read_bytes()
    monkeypatch.undo()
    time.tzset()
    assert pages["UTC"] == pages["Pacific/Kiritimati"]


def test_build_py_and_python_m_sitegen_build_the_same_site(tmp_path):
    outputs = {}
    for name, command in (("script", [sys.executable, "build.py"]),
                          ("module", [sys.executable, "-m", "sitegen", "build"])):
        target = tmp_path / name
        result = subprocess.run([*command, "--output", str(target), "--now", "2026-11-22T09:00+01:00"],
                                cwd=PROJECT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        outputs[name] = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert outputs["script"] == outputs["module"]
