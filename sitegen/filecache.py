"""Per-file results kept from one preview rebuild to the next.

Reading, parsing and validating every content file is most of the load phase; an edit touches
one file. `FileCache` hands back what a file gave last time, its diagnostics included, while
the file's stamp (size, modification time and inode, or the parsed value it was computed
from) and what it was read with (`use`: the site's configuration, today's date) are the same.
A one-off build starts with an empty cache, so it computes everything once, as before.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .buildcache import Table
from .errors import Diagnostic, Diagnostics

T = TypeVar("T")


RACY_NS = 2_000_000_000  # file systems may keep times this coarse (git's "racy" files)


def stamp(path: Path | str) -> tuple[int, int, int] | None:
    """What changes when a file is written: its modification time, size and inode.

    None for a file written in the last two seconds: a second write within the clock's
    granularity could keep all three, so such a file is read again next time.
    """
    info = os.stat(path)
    if time.time_ns() - info.st_mtime_ns < RACY_NS:
        return None
    return info.st_mtime_ns, info.st_size, info.st_ino


class FileCache:
    """Results by file path, each with the stamp and the diagnostics it was computed with."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Any, Any, tuple[Diagnostic, ...]]] = {}
        self._context: Hashable = None
        self._seen: set[str] = set()

    def use(self, context: Hashable) -> None:
        """Start a load with `context`; when it differs from the last one, forget everything."""
        if context != self._context:
            self._entries.clear()
            self._context = context
        self._seen = set()

    def get(self, path: str, file_stamp: Any, compute: Callable[[Diagnostics], T],
            diagnostics: Diagnostics) -> T:
        """The result for `path`: remembered if the stamp is unchanged, else `compute`d.

        A stamp of None means "cannot tell": the result is computed again."""
        self._seen.add(path)
        entry = self._entries.get(path)
        if entry is None or file_stamp is None or entry[0] != file_stamp:
            found = Diagnostics()
            entry = (file_stamp, compute(found), tuple(found.items))
            self._entries[path] = entry
        diagnostics.items.extend(entry[2])
        return entry[1]

    def forget_unseen(self) -> None:
        """Drop the files this load did not ask for (they were deleted or renamed)."""
        self._entries = {path: entry for path, entry in self._entries.items() if path in self._seen}


@dataclass
class LoadCache:
    """The two per-file steps of the load phase: parsing, then validation; and the parsed
    files kept between builds (`buildcache`), by their text."""

    parsed: FileCache = field(default_factory=FileCache)
    validated: FileCache = field(default_factory=FileCache)
    sources: Table = field(default_factory=lambda: Table(None))
