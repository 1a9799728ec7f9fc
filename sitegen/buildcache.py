"""Results kept between builds in ``.sitegen-cache/``: parsed files and converted bodies.

Parsing the content and converting Markdown are most of a build's work, and between two builds
nearly every file is unchanged. Each result is stored under a digest of everything it was
computed from (a file's path and bytes, a body's text), inside a folder named by a digest of
sitegen's own code and the libraries that shape the results: an edit or an upgrade of either
starts an empty cache, and nothing stale is ever read. The folder is safe to delete at any
time, and a damaged or unreadable cache is ignored (the build computes everything again).

Each table is a folder of 64 pickle files (shards, by the first bits of the digest), each
read at its first lookup and written (to a temporary file, then renamed) after a build that
changed it, keeping only the entries that build used: an edit rewrites a shard or two, not
the whole table (hundreds of MB for a large site).
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any

FOLDER = ".sitegen-cache"
# The libraries whose versions change what is stored (parsing, Markdown) or what a build
# writes (`uptodate` digests the same name).
LIBRARIES = ("PyYAML", "Markdown", "pymdown-extensions", "mdx-truly-sane-lists", "nh3", "Jinja2",
             "MarkupSafe", "Babel", "icalendar", "python-dateutil", "pagefind", "tzdata")
# The system's time zone rules, when Python uses them (a rule change moves meetings' times).
SYSTEM_ZONES = Path("/usr/share/zoneinfo/tzdata.zi")
_PACKAGE = Path(__file__).resolve().parent


def digest(*parts: str | bytes) -> bytes:
    """A short digest of `parts`, which cannot be confused with another split of the same bytes."""
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


def code_version() -> str:
    """A name for this sitegen and what it runs on: its source files, Python's and the
    libraries' versions, and the version of the time zone rules."""
    hasher = hashlib.blake2b(digest_size=8)
    hasher.update(sys.version.encode())
    with contextlib.suppress(OSError), open(SYSTEM_ZONES, "rb") as zones:
        hasher.update(zones.readline())   # "# version 2025b"
    for path in sorted(_PACKAGE.rglob("*.py")):
        hasher.update(path.relative_to(_PACKAGE).as_posix().encode())
        hasher.update(path.read_bytes())
    for name in LIBRARIES:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            hasher.update(f"{name}={importlib.metadata.version(name)}".encode())
    return hasher.hexdigest()


class Table:
    """Results by digest, for one build; `BuildCache.save` keeps the ones this build used.
    Without a folder (no cache) it still holds what one build puts in it."""

    SHARDS = 64

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._shards: dict[int, dict[bytes, Any]] = {}
        self._used: set[bytes] = set()
        self._changed: set[int] = set()

    def get(self, key: bytes) -> Any:
        """The result stored under `key`, or None."""
        found = self._shard(key).get(key)
        if found is not None:
            self._used.add(key)
        return found

    def put(self, key: bytes, value: Any) -> None:
        self._shard(key)[key] = value
        self._used.add(key)
        self._changed.add(key[0] % self.SHARDS)

    def _shard(self, key: bytes) -> dict[bytes, Any]:
        number = key[0] % self.SHARDS
        entries = self._shards.get(number)
        if entries is None:
            entries = self._shards[number] = {}
            if self.folder is not None:
                with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError,
                                         ImportError, IndexError, TypeError, ValueError):
                    with open(self._path(number), "rb") as stored:
                        loaded = pickle.load(stored)
                    if isinstance(loaded, dict):
                        entries.update(loaded)
        return entries

    def _path(self, number: int) -> Path:
        return self.folder / f"{number:02x}.pickle"

    def save(self) -> None:
        """Write each shard whose entries this build changed or did not all use."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for number, entries in self._shards.items():
            kept = {key: value for key, value in entries.items() if key in self._used}
            if number not in self._changed and len(kept) == len(entries):
                continue
            temporary = self.folder / f".{number:02x}.{os.getpid()}.tmp"
            try:
                with open(temporary, "wb") as stored:
                    pickle.dump(kept, stored, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self._path(number))
            finally:
                temporary.unlink(missing_ok=True)
            self._shards[number] = kept
        self._changed.clear()


class BuildCache:
    """The cache folder of a project, or none (`folder` None: every build computes everything)."""

    def __init__(self, folder: Path | None):
        self.folder = folder / code_version() if folder else None
        self._tables: dict[str, Table] = {}

    def table(self, name: str) -> Table:
        if name not in self._tables:
            self._tables[name] = Table(self.folder / name if self.folder else None)
        return self._tables[name]

    def let_go(self, *names: str) -> None:
        """Forget the tables `names` (saved already): the next `save` leaves them as they are.
        Not to be asked for again in this build: a table made anew would be saved as only
        what it was then asked for."""
        for name in names:
            self._tables.pop(name, None)

    def save(self) -> None:
        """Store what this build computed; drop the caches of other sitegen versions.

        A cache that cannot be written (a read-only checkout, a full disk) only costs the next
        build its speed, so that is not an error.
        """
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            for table in self._tables.values():
                table.save()
            for other in self.folder.parent.iterdir():
                if other != self.folder and other.is_dir():
                    shutil.rmtree(other, ignore_errors=True)
