"""Shared fixtures: inline sites from a dict, builds with a fixed `now`, parsed HTML."""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from sitegen.errors import BuildFailed
from sitegen.pipeline import BuildOptions, BuildReport, build

PROJECT = Path(__file__).resolve().parents[1]
SITES = Path(__file__).parent / "sites"
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))

SITE_YAML = """\
title:
  da: Netværk
  fi: Verkostot
  en: Networks
base_url: https://example.org/
timezone: Europe/Copenhagen
default_language: en
languages:
  - code: da
    name: Dansk
    locale: da_DK
    fallbacks: [en]
  - code: fi
    name: Suomi
    locale: fi_FI
    fallbacks: [en]
  - code: en
    name: English
    locale: en_GB
"""


def write_files(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (path relative to `root` → text) and return `root`."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_site(tmp_path):
    """Return a function that writes a project with the given content files.

    ``content/site.yaml`` defaults to a three-language configuration; the project uses the
    real templates.
    """
    def make(files: dict[str, str], *, site_yaml: str | None = SITE_YAML) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        if site_yaml is not None:
            files = {"content/site.yaml": site_yaml, **files}
        write_files(root, files)
        return root
    return make


def options(root: Path, **overrides) -> BuildOptions:
    """Build options for a project at `root` using the real templates and the fixed `NOW`."""
    settings = {"content_dir": root / "content", "templates_dir": PROJECT / "templates",
                "output_dir": root / "output", "now": NOW, **overrides}
    return BuildOptions(root=root, **settings)


def build_ok(root: Path, **overrides) -> BuildReport:
    return build(options(root, **overrides))


def build_errors(root: Path, **overrides) -> list[str]:
    """Build `root`, expecting failure; return the formatted diagnostics."""
    with pytest.raises(BuildFailed) as failed:
        build(options(root, **overrides))
    return [d.format() for d in failed.value.diagnostics.sorted()]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample content of the project, built once with a fixed `now`; its output folder."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(PROJECT / "content", root / "content")
    build_ok(root)
    return root / "output"


@pytest.fixture(scope="session")
def catalogs():
    """The interface catalogs of the three sample languages."""
    from sitegen.config import Language, SiteConfig
    from sitegen.i18n import load_catalogs

    languages = tuple(Language(code, code, locale, ()) for code, locale in
                      (("da", "da_DK"), ("fi", "fi_FI"), ("en", "en_GB")))
    config = SiteConfig({"*": "t"}, {}, languages, "en", "https://example.org/", "Europe/Helsinki")
    return load_catalogs(config)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served_folder(folder: Path):
    """Serve `folder` over HTTP on a free local port; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def loaded_files(page: Path, output: Path) -> list[Path]:
    """The site's own stylesheets and scripts a built page loads, as files of `output`."""
    document = soup(page)
    loaded = [link["href"] for link in document.find_all("link", rel="stylesheet")]
    loaded += [script["src"] for script in document.find_all("script", src=True)]
    assert all(url.startswith("/") for url in loaded), loaded   # the site's own files only
    return [output / url.split("?")[0].lstrip("/") for url in loaded]


def load_weight(page: Path, output: Path) -> int:
    """The bytes of a page and of every stylesheet and script it loads, before compression."""
    return page.stat().st_size + sum(file.stat().st_size for file in loaded_files(page, output))


DATED = re.compile(r"\d{4}-\d{2}-\d{2}")


def sample_pages(output: Path) -> list[tuple[str, str, str]]:
    """One page of each kind in each language of a built site, as (kind, language, URL path):
    the pages a visitor meets, for the browser and validation tests. Kinds an item is not
    written for in a language are left out there."""
    found = [("language choice", "", "/"), ("not found", "", "/404.html")]
    for lang in sorted(p.name for p in output.iterdir() if p.is_dir() and (p / "index.html").is_file()
                       and len(p.name) == 2):
        folder = output / lang
        items = {kind: sorted(p.parent for p in (folder / kind).glob("*/index.html"))
                 for kind in ("networks", "events", "news")}
        series = [p for p in items["events"] if any(DATED.fullmatch(c.name) for c in p.iterdir())]
        single = [p for p in items["events"] if p not in series]
        candidates = {
            "home": folder, "networks": folder / "networks", "events": folder / "events",
            "news": folder / "news", "contacts": folder / "contacts", "search": folder / "search",
            "calendar": folder / "calendar", "calendar month": folder / "calendar/2026-12",
            "region calendar": next(iter(sorted((folder / "calendar/region").iterdir())), None),
            "network": next(iter(items["networks"]), None),
            "network calendar": items["networks"][0] / "calendar" if items["networks"] else None,
            "network news": items["networks"][0] / "news" if items["networks"] else None,
            "meeting": next(iter(single), None), "series": next(iter(series), None),
            "series meeting": next((c for s in series for c in sorted(s.iterdir())
                                    if DATED.fullmatch(c.name)), None),
            "news post": next(iter(items["news"]), None),
            "page": next((p.parent for p in sorted(folder.glob("*/index.html"))
                          if p.parent.name not in ("networks", "events", "news", "contacts",
                                                   "search", "calendar")), None),
        }
        found += [(kind, lang, "/" + path.relative_to(output).as_posix() + "/")
                  for kind, path in candidates.items() if path and (path / "index.html").is_file()]
    return found


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    assert CHROMIUM, "these tests need Chromium: apt-get install chromium (make test installs it)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        yield chromium
        chromium.close()
