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


class FolderWriter:
    """Writes files into a folder being filled, making each subfolder once.

    A file with the same bytes as in `previous` (the site being replaced) becomes a second
    link to that file instead of a copy: nothing is written for it, and removing the old site
    afterwards frees no data (on file systems that discard freed blocks, freeing is what is
    slow). `changed` lists the files that were written.
    """

    def __init__(self, folder: Path, previous: Path | None = None):
        self.folder, self.previous = folder, previous
        self.changed: list[str] = []
        self._made: set[str] = set()

    def write(self, relative: str, data: bytes) -> None:
        parent = relative.rpartition("/")[0]
        if parent not in self._made:
            os.makedirs(os.path.join(self.folder, parent), exist_ok=True)
            self._made.add(parent)
        target = os.path.join(self.folder, relative)
        if self.previous is not None:
            old = os.path.join(self.previous, relative)
            if _same_bytes(old, data):
                with contextlib.suppress(OSError):   # another file system: write it after all
                    os.link(old, target)
                    return
        with open(target, "wb") as written:
            written.write(data)
        self.changed.append(relative)


def _same_bytes(path: str, data: bytes) -> bool:
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as existing:
            return existing.read() == data
    except OSError:
        return False


def write_site(fill: Callable[[Path, Path | None], int], output_dir: Path,
               finish: Callable[[Path, Path | None], None] | None = None) -> WriteReport:
    """Make what `fill` writes the new content of `output_dir`.

    `fill(staging, previous)` writes the site's files into `staging` and returns how many;
    `previous` is the site it replaces, if any (`FolderWriter` links its unchanged files).

    `finish` runs on the complete staging folder before the swap (the search index is made
    there), so what it adds is published atomically with the pages.
    """
    output_dir = output_dir.resolve()
    _recover(output_dir)
    staging = _sibling(output_dir, f"staging-{os.getpid()}")
    staging.mkdir(parents=True)
    previous = output_dir if (output_dir / MARKER).is_file() else None
    try:
        count = fill(staging, previous)
        (staging / MARKER).write_bytes(MARKER_TEXT)
        if finish:
            finish(staging, previous)
        _swap(staging, output_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteReport(count)


def link_tree(source: Path, target: Path) -> None:
    """Make `target` a copy of the folder `source` whose files are links to `source`'s."""
    for directory, _, files in os.walk(source):
        into = target / Path(directory).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            os.link(os.path.join(directory, name), into / name)


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
    """Make `output_dir` a preview folder holding exactly `files` (the few pages that show
    the errors of a preview that could not be built at all)."""
    files = list(files)
    written = start_preview(output_dir) + write_differing(output_dir, files)
    return UpdateReport(written, remove_others(output_dir, {relative for relative, _ in files}).removed)


def start_preview(output_dir: Path) -> tuple[str, ...]:
    """Mark `output_dir` as a preview folder, before anything else is written to it: a folder
    left half-filled by an interrupted first build is still one the next session may use."""
    return write_differing(output_dir, [(PREVIEW_MARKER, PREVIEW_MARKER_TEXT)])


def write_differing(output_dir: Path, files: Iterable[tuple[str, bytes]]) -> tuple[str, ...]:
    """Write the `files` whose bytes differ from the folder's (each atomically); return them."""
    return apply_changes(output_dir, ((relative, data) for relative, data in files
                                      if not _holds(output_dir / relative, data)), ()).written


def remove_others(output_dir: Path, wanted: set[str]) -> UpdateReport:
    """Remove every file of the preview folder but its marker and the `wanted` ones."""
    kept = wanted | {PREVIEW_MARKER}
    strays = [path.relative_to(output_dir).as_posix() for path in output_dir.rglob("*")
              if path.is_file() and path.relative_to(output_dir).as_posix() not in kept]
    return apply_changes(output_dir, (), strays)


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
