"""The search index: Pagefind, run over the finished site before it is published.

Pagefind (a Rust binary shipped in the ``pagefind`` Python package) reads the built HTML,
makes one index per ``<html lang>``, and writes ``pagefind/`` with the index and the search
UI's script. Only elements marked ``data-pagefind-body`` are indexed, so navigation and the
calendar's repeated meetings do not crowd the results.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message is its own."""


def index_site(folder: Path) -> None:
    """Write the Pagefind index of the site in `folder` into ``folder/pagefind``."""
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder), "--silent"],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SearchIndexFailed((done.stderr or done.stdout).strip() or f"exit code {done.returncode}")
    _sort_entry(folder / "pagefind" / "pagefind-entry.json")


def _sort_entry(entry: Path) -> None:
    """Write Pagefind's entry file with sorted keys: it lists languages in no fixed order,
    which would make two builds of the same content differ."""
    data = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
                     encoding="utf-8")
