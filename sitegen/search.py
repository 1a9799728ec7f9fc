"""The search index: Pagefind, run over the finished site before it is published.

Pagefind (a Rust binary shipped in the ``pagefind`` Python package) reads the built HTML,
makes one index per ``<html lang>``, and writes ``pagefind/`` with the index and the search
UI's script. Only elements marked ``data-pagefind-body`` are indexed, so navigation and the
calendar's repeated meetings do not crowd the results.

Pagefind holds a language's whole index in memory (about 1 GB for 11,000 pages), so it is run
once per language, each run reading only that language's folder, and the entry files of the
runs are merged: the indexes are the ones a single run would write, with half or a third of
its memory. Every language has marked pages (its contact list at least), so no run falls
back to indexing whole pages.
"""
from __future__ import annotations

import json
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
    listed = digest(code_version(), repr(INDEXED), repr(languages), *sorted(pages)).hex()
    if unchanged is not None and _read(unchanged / INDEX / PAGES) == listed:
        link_tree(unchanged / INDEX, folder / INDEX)
        return
    entry: dict = {}
    for lang in languages:
        globs = ",".join(pattern.replace("*", lang, 1) for pattern in INDEXED)
        done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder), "--silent",
                               "--glob", "{" + globs + "}"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SearchIndexFailed((done.stderr or done.stdout).strip() or f"exit code {done.returncode}")
        written = json.loads((folder / INDEX / ENTRY).read_text(encoding="utf-8"))
        entry = {**written, "languages": {**entry.get("languages", {}), **written["languages"]}}
    # Sorted keys: Pagefind lists languages in no fixed order, which would make two builds of
    # the same content differ.
    (folder / INDEX / ENTRY).write_text(json.dumps(entry, sort_keys=True, ensure_ascii=False,
                                                   separators=(",", ":")), encoding="utf-8")
    (folder / INDEX / PAGES).write_text(listed, encoding="utf-8")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
