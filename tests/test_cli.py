"""The command line: `sitegen build`, `python build.py` and `python -m sitegen` alike."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

import sitegen.devserver
from conftest import PROJECT, soup, write_files
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


def test_the_cache_is_kept_beside_the_content_unless_no_cache_is_given(make_site):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\nText.\n"})
    assert run_main(root, "--no-cache", "--jobs", "1") == 0
    assert not (root / ".sitegen-cache").exists()
    assert run_main(root, "--jobs", "2") == 0
    assert [table.name for table in sorted((root / ".sitegen-cache").glob("*/*"))] == [
        "bodies", "builds", "sources"]


def test_serve_takes_the_jobs_and_cache_options_of_build(make_site, monkeypatch):
    served = []

    def serve(options, host, port, log):
        served.append(options)
        return 0

    monkeypatch.setattr(sitegen.devserver, "serve", serve)
    root = make_site({})
    assert main(["serve", "--root", str(root), "--jobs", "2", "--no-cache"]) == 0
    assert main(["serve", "--root", str(root)]) == 0
    assert [(options.workers, options.cache_dir) for options in served] == [
        (2, None), (None, root.resolve() / ".sitegen-cache")]


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


def test_the_base_url_comes_from_sitegen_base_url_unless_given(make_site, monkeypatch):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\n"})
    canonical = root / "output/en/about/index.html"
    monkeypatch.setenv("SITEGEN_BASE_URL", "https://networks.example.net/site")
    assert run_main(root) == 0
    assert soup(canonical).find("link", rel="canonical")["href"] == "https://networks.example.net/site/en/about/"
    assert run_main(root, "--base-url", "https://example.com/") == 0
    assert soup(canonical).find("link", rel="canonical")["href"] == "https://example.com/en/about/"
    monkeypatch.setenv("SITEGEN_BASE_URL", "")  # as CI writes an unset value: site.yaml's
    assert run_main(root) == 0
    assert soup(canonical).find("link", rel="canonical")["href"] == "https://example.org/en/about/"


def test_a_bad_now_is_a_usage_error(make_site, capsys):
    root = make_site({})
    with pytest.raises(SystemExit) as exit:
        main(["build", "--root", str(root), "--now", "yesterday"])
    assert exit.value.code == 2
    assert "--now: 'yesterday' is not an ISO 8601 date and time" in capsys.readouterr().err


def test_a_base_url_that_is_not_a_url_is_a_usage_error(make_site, capsys):
    root = make_site({})
    assert run_main(root, "--base-url", "example.org/verkostot") == 2
    assert ("--base-url (or $SITEGEN_BASE_URL): 'example.org/verkostot' is not an http(s) URL"
            in capsys.readouterr().err)


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


def check(root, *args):
    return main(["check", "--root", str(root), "--templates", TEMPLATES,
                 "--now", "2026-11-22T09:00:00+01:00", *args])


def test_check_links_checks_the_built_site_and_names_each_dead_link(make_site, capsys):
    root = make_site({"content/pages/about.en.md": "---\ntitle: About\n---\nText.\n"})
    assert run_main(root) == 0
    assert check(root, "--links") == 0
    assert capsys.readouterr().out.splitlines()[-1] == \
        "checked content/ and the links of output/: no errors"
    page = root / "output/en/about/index.html"
    html = page.read_text(encoding="utf-8").replace("<p>Text.</p>", '<p><a href="/en/gone/">x</a></p>')
    page.write_text(html, encoding="utf-8")
    assert check(root, "--links") == 1
    line = next(n for n, text in enumerate(html.splitlines(), 1) if "/en/gone/" in text)
    assert capsys.readouterr().err.splitlines() == [
        f"output/en/about/index.html:{line}: error: link: '/en/gone/' leads to no file in the site "
        "[link.dead]",
        "check failed: 1 error(s); nothing was written"]


def test_check_links_without_a_built_site_is_a_usage_error(make_site, capsys):
    root = make_site({})
    assert check(root, "--links") == 2
    assert capsys.readouterr().err.splitlines()[0] == \
        "output: error: --output: no built site here to check the links of [config.output]"


PERSON = "name: Some One\nphone: '12'  # the number on the network's own page\n"


def test_a_warning_the_file_allows_does_not_fail_strict_checks(make_site, capsys):
    root = make_site({"content/people/someone.yaml": PERSON + "# sitegen: allow field.phone\n"})
    assert check(root, "--strict") == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("checked content/: no errors, 1 allowed by the files\n", "")
    write_files(root, {"content/people/someone.yaml": PERSON})
    assert check(root, "--strict") == 1


def test_an_allowance_no_warning_needs_is_itself_a_warning(make_site, capsys):
    person = "name: Some One\n# sitegen: allow field.phone, i18n.network until the network says\n"
    root = make_site({"content/people/someone.yaml": person})
    assert check(root) == 0
    assert capsys.readouterr().err.splitlines() == [
        "content/people/someone.yaml:2: warning: allow: 'field.phone' is allowed, but the file has no "
        "such warning [allow.unused]", "  hint: remove the allowance",
        "content/people/someone.yaml:2: warning: allow: 'i18n.network' is allowed, but the file has no "
        "such warning [allow.unused]", "  hint: remove the allowance"]


def test_an_internal_error_is_one_line_asking_for_a_report_and_the_traceback_only_with_debug(
        make_site, capsys, monkeypatch):
    import sitegen.cli

    def broken(options):
        raise KeyError("surprise")

    monkeypatch.setattr(sitegen.cli, "build", broken)
    root = make_site({})
    assert run_main(root) == 3
    assert capsys.readouterr().err.splitlines() == [
        "sitegen build: internal error (KeyError: 'surprise'); this is a bug in sitegen, please report "
        "it with the command you ran (--debug shows the details)"]
    assert run_main(root, "--debug") == 3
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "Traceback (most recent call last):" and "raise KeyError" in "\n".join(err)
    assert err[-1].startswith("sitegen build: internal error (KeyError: 'surprise')")


def test_a_refusal_of_the_system_is_said_as_such_not_as_a_bug(make_site, capsys, monkeypatch):
    import sitegen.cli

    def refused(options):
        raise PermissionError(13, "Permission denied", "/srv/www/output\n")

    monkeypatch.setattr(sitegen.cli, "build", refused)
    assert run_main(make_site({})) == 1
    assert capsys.readouterr().err.splitlines() == ["sitegen build: /srv/www/output\\n: Permission denied"]
