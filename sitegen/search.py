"""The search index: Pagefind, run over the finished site before it is published.

Pagefind (a Rust binary shipped in the ``pagefind`` Python package) reads the built HTML,
makes one index per ``<html lang>``, and writes ``pagefind/`` with the index and the search
UI's script. Only elements marked ``data-pagefind-body`` are indexed, so navigation and the
calendar's repeated meetings do not crowd the results.

Pagefind holds the whole index of a run in memory, about 105 KB a page whatever the page's
size (1.2 GB for one language's 11,000 pages). So each run indexes at most `PART_PAGES` pages
of one language: a folder of links to them under their own paths (the addresses Pagefind
stores are the site's). Each part ranks its results and matches word beginnings on its own,
so a search can find a little more in parts than in one index ("Kemi" finds "Kemin" in a part
where no page has "Kemi"). The first part of each language goes into ``pagefind/``, whose entry
file lists every language as one run over the site would; further parts are bundles of their
own in ``pagefind/<lang>-<n>/``, listed in ``pagefind/parts.json``, and the search page merges
them into its language's results (Pagefind's ``mergeIndex``). Every language has marked pages
(its contact list at least), and most sites have one part per language.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .buildcache import code_version, digest
from .writer import link_tree

INDEX = "pagefind"
PAGES = ".sitegen-pages"   # in the index folder: a digest of the list of pages it indexed
# The pages that can hold a ``data-pagefind-body`` (items, plain pages and the contacts):
# Pagefind reads no others, such as the calendars' many pages. `tests/test_search.py` checks
# that no marked page lies elsewhere.
INDEXED = ("*/*/index.html", "*/networks/*/index.html", "*/events/*/index.html", "*/news/*/index.html")
ENTRY = "pagefind-entry.json"
MARK = b"data-pagefind-body"
PARTS = "parts.json"       # in the index folder: each language's further bundles
PART_PAGES = 2500          # the pages of one Pagefind run: about 270 MB of its memory
WORK = ".pagefind-part"    # beside the site while Pagefind runs: links to one part's pages


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message is its own."""


def index_site(folder: Path, pages: list[str], languages: list[str], unchanged: Path | None = None) -> None:
    """Write the Pagefind index of the site in `folder`, whose HTML files are `pages` and whose
    languages (each in its own folder) are `languages`, into ``folder/pagefind``.

    `unchanged` is a site whose pages have the same bytes as those in `folder` (it may have
    had others): if it had no others and its index was made by this sitegen (its code and
    Pagefind's version: `buildcache.code_version`) for the same languages, the index is taken
    as it is (linked, not copied), as Pagefind would make the same index again.
    """
    listed = digest(code_version(), repr(INDEXED), repr(PART_PAGES), repr(languages), *sorted(pages)).hex()
    if unchanged is not None and _read(unchanged / INDEX / PAGES) == listed:
        link_tree(unchanged / INDEX, folder / INDEX)
        return
    entry: dict = {}
    parts: dict[str, list[str]] = {}
    candidates = {lang: indexed_pages(pages, lang) for lang in languages}
    marked = {lang: marked_pages(folder, chosen) for lang, chosen in candidates.items()}
    if not any(marked.values()):   # a theme that marks nothing: Pagefind indexes whole pages
        marked = candidates
    for lang in languages:
        chosen = marked[lang]
        count = -(-len(chosen) // PART_PAGES)   # parts of the same size, not a small last one
        for number in range(1, count + 1):
            bundle = f"{lang}-{number}/" if number > 1 else ""
            part = chosen[(number - 1) * len(chosen) // count:number * len(chosen) // count]
            written = _index_part(folder, part, folder / INDEX / bundle)
            if bundle:
                parts.setdefault(lang, []).append(bundle)
                _write_json(folder / INDEX / bundle / ENTRY, written)
            else:
                entry = {**written, "languages": {**entry.get("languages", {}), **written["languages"]}}
    (folder / INDEX).mkdir(exist_ok=True)   # a site without pages to index has an empty one
    _write_json(folder / INDEX / ENTRY, entry)
    _write_json(folder / INDEX / PARTS, parts)
    (folder / INDEX / PAGES).write_text(listed, encoding="utf-8")


def indexed_pages(pages: list[str], lang: str) -> list[str]:
    """The pages of `lang` that Pagefind reads (`INDEXED`), in order."""
    patterns = [re.compile(re.escape(pattern.replace("*", lang, 1)).replace(r"\*", "[^/]+"))
                for pattern in INDEXED]
    return [page for page in pages if any(pattern.fullmatch(page) for pattern in patterns)]


def marked_pages(folder: Path, pages: list[str]) -> list[str]:
    """The `pages` with a part marked for the index. A Pagefind run that reads no marked page
    indexes whole pages, so a part made only of listings would fill the index with menus."""
    return [page for page in pages if MARK in (folder / page).read_bytes()]


def _index_part(folder: Path, part: list[str], bundle: Path) -> dict:
    """Index the pages `part` of the site in `folder` into `bundle`; the entry Pagefind wrote."""
    work = folder.with_name(folder.name + WORK)   # beside the site: never published with it
    shutil.rmtree(work, ignore_errors=True)
    try:
        for page in part:
            (work / page).parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(folder / page, work / page)
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(work), "--output-path",
                               str(bundle), "--silent"], capture_output=True, text=True, check=False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        raise SearchIndexFailed((done.stderr or done.stdout).strip() or f"exit code {done.returncode}")
    return json.loads((bundle / ENTRY).read_text(encoding="utf-8"))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:   # a file system without hard links
        shutil.copyfile(source, target)


def _write_json(path: Path, value: dict) -> None:
    # Sorted keys: Pagefind lists languages in no fixed order, which would make two builds of
    # the same content differ.
    path.write_text(json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
