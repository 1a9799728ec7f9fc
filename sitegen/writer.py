"""Write the output folder atomically: build it beside the old one, then swap.

Visitors and deploy jobs see either the previous complete site or the new complete site,
never a mix: files go to a staging folder next to `output/`, which replaces `output/` with
two renames only after every file is written. A build killed mid-way leaves the old site
and a stale staging folder that the next build removes.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import itertools
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Written into every output folder: a folder without it is never replaced, so a mistyped
# --output cannot delete someone's files.
MARKER = ".sitegen-output"
MARKER_TEXT = b"Written by sitegen; replaced whole by every build.\n"
# The preview's own mark: a preview (local URLs, perhaps drafts) must never pass for a build.
PREVIEW_MARKER = ".sitegen-preview"
PREVIEW_MARKER_TEXT = b"A sitegen preview: not for publishing.\n"


class UnsafeOutput(Exception):
    """The output folder holds something sitegen did not write."""


class OutputBusy(Exception):
    """Another build is writing the same output folder."""


@contextlib.contextmanager
def output_lock(output_dir: Path) -> Iterator[None]:
    """Hold `output_dir` for this build alone: a second build started meanwhile stops with
    `OutputBusy` instead of removing the first one's staging folder as a leftover.

    An advisory lock on ``.<name>.lock`` beside the folder; the system drops it when the
    process ends, however it ends, so a killed build never leaves the folder locked. The file
    is removed afterwards; a build that opened it just before gets the lock on a removed file,
    notices, and takes the new one.
    """
    output_dir = output_dir.resolve()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    path = _sibling(output_dir, "lock")
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            raise OutputBusy("another build is writing this folder; try again when it has finished") from None
        with contextlib.suppress(FileNotFoundError):
            if os.stat(path).st_ino == os.fstat(handle).st_ino:
                break
        os.close(handle)
    try:
        yield
    finally:
        try:
            with contextlib.suppress(OSError):   # removed by hand meanwhile: nothing to undo
                os.unlink(path)
        finally:
            os.close(handle)


def check_output_folder(output_dir: Path, root: Path, sources: Iterable[Path],
                        marker: str = MARKER) -> None:
    """Refuse an output folder that holds the project, overlaps a source folder, or holds
    files sitegen did not write for this purpose (a build, or the preview: `marker`)."""
    output_dir = output_dir.resolve()
    for folder in (root.resolve(), *(s.resolve() for s in sources)):
        inside_source = folder != root.resolve() and output_dir.is_relative_to(folder)
        if folder.is_relative_to(output_dir) or inside_source:
            raise UnsafeOutput(f"the output folder {output_dir} overlaps {folder}")
    if output_dir.is_dir() and any(output_dir.iterdir()) and not (output_dir / marker).is_file():
        what = "a sitegen build" if marker == MARKER else "a sitegen preview"
        raise UnsafeOutput(f"{output_dir} is not empty and is not {what}; "
                           "remove it or choose another folder")


@dataclass(frozen=True, slots=True)
class WriteReport:
    files: int


def write_site(files: Iterable[tuple[str, bytes]], output_dir: Path,
               finish: Callable[[Path], None] | None = None) -> WriteReport:
    """Write `(relative path, bytes)` pairs as the new content of `output_dir`.

    `finish` runs on the complete staging folder before the swap (the search index is made
    there), so what it adds is published atomically with the pages.
    """
    output_dir = output_dir.resolve()
    _recover(output_dir)
    staging = _sibling(output_dir, f"staging-{os.getpid()}")
    staging.mkdir(parents=True)
    count = 0
    try:
        for relative, data in files:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            count += 1
        (staging / MARKER).write_bytes(MARKER_TEXT)
        if finish:
            finish(staging)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(count)


def _sibling(output_dir: Path, suffix: str) -> Path:
    return output_dir.with_name(f".{output_dir.name}.{suffix}")


def _swap(staging: Path, output_dir: Path) -> None:
    """Put the staging folder in the place of `output_dir` in one step where the system can
    (then the old site is left in the staging folder's place, and removed); elsewhere with two
    renames, between which a killed build leaves no site until `_recover` runs."""
    if not output_dir.exists():
        os.replace(staging, output_dir)
    elif _exchange(staging, output_dir):
        shutil.rmtree(staging, ignore_errors=True)   # the old site; the next build removes any rest
    else:
        old = _sibling(output_dir, f"old-{os.getpid()}")
        os.replace(output_dir, old)
        os.replace(staging, output_dir)
        shutil.rmtree(old)


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders atomically (Linux's renameat2 with RENAME_EXCHANGE); False where the
    system or its file system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _recover(output_dir: Path) -> None:
    """Undo what an interrupted build left: put a half-swapped site back, drop staging."""
    parent = output_dir.parent
    if not parent.is_dir():
        parent.mkdir(parents=True)
        return
    leftovers = sorted(parent.glob(f".{output_dir.name}.*"))
    for path in leftovers:
        if path.name.startswith(f".{output_dir.name}.old-") and not output_dir.exists():
            os.replace(path, output_dir)
        elif path.name.startswith((f".{output_dir.name}.old-", f".{output_dir.name}.staging-")):
            shutil.rmtree(path, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class UpdateReport:
    written: tuple[str, ...]
    removed: tuple[str, ...]


def update_site(files: Iterable[tuple[str, bytes]], output_dir: Path) -> UpdateReport:
    """Make `output_dir` hold exactly `files`, writing only what differs from what is there
    (the preview's first build; later rebuilds know what changed: `apply_changes`). The files
    are written as they come, so they need not all be in memory at once."""
    output_dir.mkdir(parents=True, exist_ok=True)
    wanted = set()

    def differing() -> Iterator[tuple[str, bytes]]:
        for relative, data in itertools.chain(files, [(PREVIEW_MARKER, PREVIEW_MARKER_TEXT)]):
            wanted.add(relative)
            if not _holds(output_dir / relative, data):
                yield relative, data

    written = apply_changes(output_dir, differing(), ()).written
    strays = [path.relative_to(output_dir).as_posix() for path in output_dir.rglob("*")
              if path.is_file() and path.relative_to(output_dir).as_posix() not in wanted]
    return UpdateReport(written, apply_changes(output_dir, (), strays).removed)


def _holds(target: Path, data: bytes) -> bool:
    return target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data


def apply_changes(output_dir: Path, writes: Iterable[tuple[str, bytes]],
                  removals: Iterable[str]) -> UpdateReport:
    """Write and remove files in `output_dir`, each on its own (for the preview).

    Each file is replaced atomically (a temporary file, then a rename), so a browser reloading
    meanwhile reads the old or the new page, never half of one; files not written keep their
    modification time, so live reload fires only for real changes.
    """
    written = []
    for relative, data in writes:
        target = output_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        written.append(relative)
    removed = sorted(removals)
    for relative in removed:
        path = output_dir / relative
        path.unlink(missing_ok=True)
        for folder in path.parents:  # the folders it leaves empty
            if folder == output_dir or any(folder.iterdir()):
                break
            folder.rmdir()
    return UpdateReport(tuple(written), tuple(removed))
