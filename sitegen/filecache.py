"""Per-file and per-item results kept from one preview rebuild to the next.

Reading, parsing and validating every content file is most of the load phase; an edit touches
one file. `FileCache` hands back what a file gave last time, its diagnostics included, while
the file's stamp (size, modification time and inode, or the parsed value it was computed
from) and what it was read with (its context: the site's configuration, today's date) are
the same. The whole-site steps after them (grouping translations, leaving out drafts,
checking references and links, expanding series) keep a `FileCache` by item, stamped with
the item's inputs: unchanged inputs are the very same objects, so the comparison costs next
to nothing. A one-off build starts with empty caches,
so it computes everything once, as before.
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
    return stat_stamp(os.stat(path), time.time_ns())


def stat_stamp(info: os.stat_result, now: int) -> tuple[int, int, int] | None:
    return None if now - info.st_mtime_ns < RACY_NS else (info.st_mtime_ns, info.st_size, info.st_ino)


Stamps = dict[str, tuple[int, int, int] | None]


def scan(folders: Iterable[Path], on_folder: Callable[[str], None] | None = None,
         links: set[str] | None = None) -> Stamps:
    """The `stamp` of every file under `folders`, by path (as `os.scandir` joins it).

    One walk and one stat per file: the stamps the preview's load uses instead of statting
    each file again (`watching` spares most of the walks). `on_folder` is called with each
    folder before it is listed, and the paths of symbolic links are added to `links`. Each
    file is statted relative to its open folder where the system allows it: the kernel then
    does not walk the whole path again for each of thousands of files.
    """
    now, found = time.time_ns(), {}

    def walk(folder: str) -> None:
        if on_folder is not None:
            on_folder(folder)
        prefix = os.path.join(folder, "")   # as os.scandir joins
        try:
            opened = os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if _BY_FOLDER else None
        except FileNotFoundError:   # removed while the walk went on: it has no files
            return
        try:
            with os.scandir(folder if opened is None else opened) as entries:
                for entry in entries:
                    path = prefix + entry.name
                    if entry.is_dir(follow_symlinks=False):
                        walk(path)
                        continue
                    if links is not None and entry.is_symlink():
                        links.add(path)
                    try:
                        found[path] = stat_stamp(entry.stat(), now)
                    except OSError:   # a dangling link: the load reports it
                        found[path] = None
        finally:
            if opened is not None:
                os.close(opened)

    for folder in folders:
        if os.path.isdir(folder):
            walk(os.fspath(folder))
    return found


_BY_FOLDER = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


class FileCache:
    """Results by key (a file's path, an item), each with the stamp and the diagnostics it was
    computed with.

    `map` takes every key of a load at once and computes only the keys whose stamp changed:
    the comparison is one pass in a comprehension, and what did not change is copied over as
    whole dicts, so a load after a one-file edit costs little more than that pass.
    """

    def __init__(self) -> None:
        self._context: Hashable = None
        self._stamps: dict[Hashable, Any] = {}     # the inputs of the last `map`
        self._results: dict[Hashable, Any] = {}
        self._problems: dict[Hashable, tuple[Diagnostic, ...]] = {}   # only keys that had some
        self.stamps: dict[str, Any] = {}   # of every file, if the caller looked (`scan`, `watching`)
        self.links: frozenset[str] = frozenset()   # the symbolic links among them
        self.kept: Any = None   # what its step keeps of its last call besides the results

    def stamp(self, path: str) -> tuple[int, int, int] | None:
        """The file's stamp: from the latest `scan`, else from the file (None if unreadable)."""
        if path in self.stamps:
            return self.stamps[path]
        try:
            return stamp(path)
        except OSError:
            return None  # unreadable: reading it says why

    def fresh(self, stamps: dict[Hashable, Any], context: Hashable = None, identity: bool = False
              ) -> list[Hashable]:
        """The keys `map` would compute: new ones, and those whose stamp changed or is None
        ("cannot tell"); every key when `context` (what all were computed with) changed.
        With `identity`, a stamp that is another object counts as changed however equal."""
        if context != self._context:
            return list(stamps)
        old, missing = self._stamps, _MISSING
        if identity:
            return [key for key, now in stamps.items() if now is None or old.get(key, missing) is not now]
        return [key for key, now in stamps.items()
                if now is None or (was := old.get(key, missing)) is not now and was != now]

    def map(self, stamps: dict[Hashable, Any], compute: Callable[[Hashable, Diagnostics], T],
            diagnostics: Diagnostics, context: Hashable = None,
            ahead: Callable[[list[Hashable]], None] | None = None,
            identity: bool = False) -> dict[Hashable, T]:
        """Each key's result, in the order of `stamps`: `compute(key, found)` for the `fresh`
        keys, remembered for the others; each key's diagnostics are added to `diagnostics`.
        Keys not in `stamps` are forgotten. With nothing fresh and the same keys, the very
        dict of the last call is returned, so the next step can tell nothing changed.
        `ahead` is handed the fresh keys first (to do their slow part together)."""
        fresh = self.fresh(stamps, context, identity)
        if ahead is not None:
            ahead(fresh)
        if context != self._context:
            self._context, self._stamps, self._results, self._problems = context, {}, {}, {}
        same_keys = stamps.keys() == self._stamps.keys()
        if fresh or not same_keys:
            computed, problems = {}, dict(self._problems)
            for key in fresh:
                found = Diagnostics()
                computed[key] = compute(key, found)
                problems[key] = tuple(found.items)
            if same_keys:
                results = self._results.copy()
                results.update(computed)
            else:
                old = self._results
                results = {key: computed[key] if key in computed else old[key] for key in stamps}
            self._results = results
            self._problems = {key: found for key, found in problems.items() if found and key in stamps}
        self._stamps = stamps
        for found in self._problems.values():
            diagnostics.items.extend(found)
        return self._results


_MISSING = object()


class KindCaches(dict):
    """A `FileCache` for each kind of item, made on first use (a step's stamps are then the
    site's own dicts of records, with nothing to build), and what the step keeps besides."""

    kept: Any = None

    def __missing__(self, kind: str) -> FileCache:
        cache = self[kind] = FileCache()
        return cache


def differing(before: dict, after: dict) -> list:
    """The keys whose values in `after` are not the very objects they were in `before`, and
    the keys `after` lost: what a step computed again, found in one pass."""
    found = [key for key, value in after.items() if before.get(key, _MISSING) is not value]
    found.extend(before.keys() - after.keys())
    return found


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
        self._asked: tuple[dict, dict[Hashable, Any]] = (self.stamps, {})   # this load's answers

    def once_per_load(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The result for `key`, computed once per load (a new `scan` is a new load): what git
        says of HEAD, asked once for the revisions and the translations' dates."""
        if self._asked[0] is not self.stamps:
            self._asked = (self.stamps, {})
        answers = self._asked[1]
        if key not in answers:
            answers[key] = compute()
        return answers[key]

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
    published: KindCaches = field(default_factory=KindCaches)   # drafts left out
    references: KindCaches = field(default_factory=KindCaches)  # their problems, by item
    links: KindCaches = field(default_factory=KindCaches)       # links between content files, by item
    languages: FileCache = field(default_factory=FileCache)     # meetings in a language their network lacks
    series: FileCache = field(default_factory=FileCache)        # series without a meeting, by event
    occurrences: FileCache = field(default_factory=FileCache)   # expanded series, by event
    history: HistoryCache = field(default_factory=HistoryCache)
    sources: Table | None = None   # parsed files by their text: a build's (`buildcache`)

    def scanned(self, stamps: dict[str, Any], links: frozenset[str]) -> None:
        """Use the stamps of a scan just made (and the links it found) instead of statting
        each file again."""
        self.parsed.stamps = self.history.stamps = stamps
        self.parsed.links = links
