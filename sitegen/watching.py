"""Which files the preview's folders hold and their stamps, without statting each at every rebuild.

`filecache.scan` stats every file: about 70 ms for a site of 23,000 files, at each rebuild.
On Linux the kernel tells which names in a folder changed (inotify, one watch per folder),
so `Watcher` stats again only those, the files whose stamp could not tell (written in the
last two seconds) and links (whose targets may be elsewhere). Whatever it cannot follow (a
folder added, removed or renamed, a watched folder missing, more events than the kernel
kept, no event at all, another system, no watches left) makes it scan everything again, as
`scan` does. So the stamps it hands out are what a scan would find, for every change made
through the folders on this machine; a write the kernel does not report (through a hard
link kept elsewhere, from another machine on a network share) is seen at the next scan.
"""
from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys
import time
from pathlib import Path
from typing import Any

from .filecache import Stamps, scan, stat_stamp

# inotify(7): what changes a folder's files, and what means "scan again".
_CHANGES = 0x2 | 0x4 | 0x8 | 0x40 | 0x80 | 0x100 | 0x200   # modify, attrib, close_write, moved,
                                                           # create, delete
_FOLDER_GONE = 0x400 | 0x800                               # delete_self, move_self
_OVERFLOW, _REMOVED = 0x4000, 0x8000                       # events lost, a watch removed
_IS_FOLDER = 0x40000000
_EVENT = struct.Struct("iIII")   # wd, mask, cookie, length of the name that follows


class Watcher:
    """The stamps of every file under `folders`, brought up to date from the kernel's events."""

    def __init__(self, folders: list[Path]):
        self.folders = folders
        self._libc, self._fd = _inotify()
        self._folders: dict[int, str] = {}   # watch descriptor -> the folder's path, as scan joins it
        self._stamps: Stamps | None = None
        self._everywhere = False             # whether every one of `folders` was there to watch
        self._recheck: set[str] = set()      # files whose stamp is None, and links
        self._links: set[str] = set()

    @property
    def links(self) -> frozenset[str]:
        """The symbolic links among the files of the last `stamps`."""
        return frozenset(self._links)

    def stamps(self) -> Stamps:
        """The stamp of every file, by path, as `filecache.scan` gives them (see above). Each
        call hands out a new dict; the last one is never changed afterwards."""
        changed = self._changed() if self._stamps is not None and self._everywhere else None
        if changed is None:
            return self._scan()
        now, stamps = time.time_ns(), dict(self._stamps)
        for path in changed:
            if os.path.islink(path):
                self._links.add(path)
            else:
                self._links.discard(path)
        for path in changed | self._recheck:
            try:
                stamps[path] = stat_stamp(os.stat(path), now)
            except OSError:
                if os.path.lexists(path):
                    stamps[path] = None   # a dangling link: the load reports it
                else:
                    stamps.pop(path, None)
        unsure = {path for path in self._recheck | changed if stamps.get(path, 0) is None}
        self._recheck = unsure | self._links
        self._stamps = stamps
        return stamps

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()

    def _scan(self) -> Stamps:
        """Every file's stamp, each folder watched before it is listed (nothing is missed)."""
        if self._fd is not None:
            for wd in self._folders:   # folders moved away or gone: their events are not ours
                self._libc.inotify_rm_watch(self._fd, wd)
        self._folders.clear()
        self._drain()
        self._everywhere = True   # until a folder is missing or one goes while it is walked
        links: set[str] = set()
        stamps = scan(self.folders, self._watch, links)
        self._everywhere = self._everywhere and all(os.path.isdir(folder) for folder in self.folders)
        self._links = links
        self._recheck = {path for path, stamp in stamps.items() if stamp is None} | links
        self._stamps = stamps
        return stamps

    def _watch(self, folder: str) -> None:
        if self._fd is None:
            return
        wd = self._libc.inotify_add_watch(self._fd, os.fsencode(folder), _CHANGES | _FOLDER_GONE)
        if wd >= 0:
            self._folders[wd] = folder
        elif ctypes.get_errno() in (errno.ENOENT, errno.ENOTDIR):   # gone while the scan went on
            self._everywhere = False   # scan again next time
        else:   # no watches left (fs.inotify.max_user_watches), or not allowed: scan from now on
            self.close()

    def _changed(self) -> set[str] | None:
        """The paths of the files the kernel says changed since the last look; None: scan
        again. No event at all also means scanning: a rebuild is asked for because something
        changed, perhaps where the kernel does not see it (a network share)."""
        if self._fd is None:
            return None
        events = self._drain()
        changed = set()
        for wd, mask, name in events:
            if mask & _OVERFLOW:
                return None
            folder = self._folders.get(wd)
            if folder is None:
                continue   # a watch removed at the last scan
            if mask & (_REMOVED | _FOLDER_GONE | _IS_FOLDER) or not name:   # the folder's own change
                return None
            changed.add(os.path.join(folder, os.fsdecode(name)))
        return changed if events else None

    def _drain(self) -> list[tuple[int, int, bytes]]:
        """The events waiting, read without blocking."""
        if self._fd is None:
            return []
        data = bytearray()
        while True:
            try:
                chunk = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                break
            data += chunk
        events, offset = [], 0
        while offset < len(data):
            wd, mask, _, length = _EVENT.unpack_from(data, offset)
            offset += _EVENT.size
            events.append((wd, mask, bytes(data[offset:offset + length]).rstrip(b"\0")))
            offset += length
        return events


def _inotify() -> tuple[Any, int | None]:
    """The C library and a non-blocking inotify descriptor; (None, None) where there is none."""
    if not sys.platform.startswith("linux"):
        return None, None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
    except (OSError, AttributeError):
        return None, None
    return (libc, fd) if fd >= 0 else (None, None)

