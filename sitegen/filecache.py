"""Per-file and per-item results kept from one preview rebuild to the next.

Reading, parsing and validating every content file is most of the load phase; an edit touches
one file. `FileCache` hands back what a file gave last time, its diagnostics included, while
the file's stamp (size, modification time and inode, or the parsed value it was computed
from) and what it was read with (`use`: the site's configuration, today's date) are the same.
The whole-site steps after them (grouping translations, expanding series) keep a `FileCache`
by item, stamped with the item's inputs: unchanged inputs are the very same objects, so the
comparison costs next to nothing. A one-off build starts with empty caches, so it computes
everything once, as before.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Iterable
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
    return _stamp(os.stat(path), time.time_ns())


def _stamp(info: os.stat_result, now: int) -> tuple[int, int, int] | None:
    return None if now - info.st_mtime_ns < RACY_NS else (info.st_mtime_ns, info.st_size, info.st_ino)


def scan(folders: Iterable[Path]) -> dict[str, tuple[int, int, int] | None]:
    """The `stamp` of every file under `folders`, by path (as `os.scandir` joins it).

    One walk and one stat per file: the preview's test for "has anything been written", and
    the stamps its load then uses instead of statting each file again.
    """
    now, found = time.time_ns(), {}

    def walk(folder: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                else:
                    try:
                        found[entry.path] = _stamp(entry.stat(), now)
                    except OSError:   # a dangling link: the load reports it
                        found[entry.path] = None

    for folder in folders:
        if os.path.isdir(folder):
            walk(os.fspath(folder))
    return found


class FileCache:
    """Results by file path (or item), each with the stamp and the diagnostics it was computed with."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[Any, Any, tuple[Diagnostic, ...]]] = {}
        self._context: Hashable = None
        self._seen: set[Hashable] = set()
        self.stamps: dict[str, Any] = {}   # the latest `scan`, if the caller made one

    def stamp(self, path: str) -> tuple[int, int, int] | None:
        """The file's stamp: from the latest `scan`, else from the file (None if unreadable)."""
        if path in self.stamps:
            return self.stamps[path]
        try:
            return stamp(path)
        except OSError:
            return None  # unreadable: reading it says why

    def use(self, context: Hashable) -> None:
        """Start a load with `context`; when it differs from the last one, forget everything."""
        if context != self._context:
            self._entries.clear()
            self._context = context
        self._seen = set()

    def holds(self, path: str, file_stamp: Any) -> bool:
        """Whether `get` would hand back a remembered result."""
        entry = self._entries.get(path)
        return entry is not None and file_stamp is not None and entry[0] == file_stamp

    def get(self, path: str, file_stamp: Any, compute: Callable[[Diagnostics], T],
            diagnostics: Diagnostics) -> T:
        """The result for `path`: remembered if the stamp is unchanged, else `compute`d.

        A stamp of None means "cannot tell": the result is computed again."""
        self._seen.add(path)
        entry = self._entries.get(path)
        if entry is None or file_stamp is None or (entry[0] is not file_stamp and entry[0] != file_stamp):
            found = Diagnostics()
            entry = (file_stamp, compute(found), tuple(found.items))
            self._entries[path] = entry
        diagnostics.items.extend(entry[2])
        return entry[1]

    def forget_unseen(self) -> None:
        """Drop the files this load did not ask for (they were deleted or renamed)."""
        if len(self._seen) != len(self._entries):
            self._entries = {path: entry for path, entry in self._entries.items() if path in self._seen}


class HistoryCache:
    """What git said (`history`), kept between the preview's loads; a one-off build asks once anyway.

    Each load asks git for HEAD (one quick command); while it and the files asked about are
    the same, so are the log and the files' timelines. What a committed blob holds never
    changes. What a working file holds is kept while its stamp in `stamps` is the same (whatever
    the commit: it is worked out from the file, the blob only saves reading it twice).
    """

    def __init__(self) -> None:
        self.stamps: dict[str, Any] = {}   # the latest `scan`, if the caller made one
        self._latest: dict[Hashable, tuple[Hashable, Any]] = {}
        self._blobs: dict[str, dict[str, Any]] = {}
        self._working: dict[tuple[str, str], tuple[Any, Any]] = {}

    def latest(self, kind: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        """The `kind` of result for `key` (which names HEAD), computed again when `key` changed."""
        entry = self._latest.get(kind)
        if entry is None or entry[0] != key:
            entry = self._latest[kind] = (key, compute())
        return entry[1]

    def blobs(self, kind: str, blobs: list[str], read: Callable[[list[str]], dict[str, T]]) -> dict[str, T]:
        """What each blob holds, by id (and maybe more): `read` reads the ones not seen before."""
        known = self._blobs.setdefault(kind, {})
        missing = [blob for blob in blobs if blob not in known]
        if missing:
            known.update(read(missing))
        return known

    def working(self, kind: str, path: str, compute: Callable[[], T]) -> T:
        """What the file at `path` holds now, computed again when its stamp changed."""
        stamp = self.stamps.get(path)
        entry = self._working.get((kind, path))
        if stamp is None or entry is None or entry[0] != stamp:
            entry = self._working[kind, path] = (stamp, compute())
        return entry[1]


@dataclass
class LoadCache:
    """The per-file steps of the load phase (parsing, then validation), then the per-item
    ones; and the parsed files kept between builds (`buildcache`), by their text."""

    parsed: FileCache = field(default_factory=FileCache)
    validated: FileCache = field(default_factory=FileCache)
    grouped: FileCache = field(default_factory=FileCache)       # records, by item
    occurrences: FileCache = field(default_factory=FileCache)   # expanded series, by event
    history: HistoryCache = field(default_factory=HistoryCache)
    sources: Table | None = None   # parsed files by their text: a build's (`buildcache`)

    def scanned(self, stamps: dict[str, Any]) -> None:
        """Use the stamps of a `scan` just made instead of statting each file again."""
        self.parsed.stamps = self.history.stamps = stamps
