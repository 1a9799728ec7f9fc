"""Whether the output folder already holds what a build would write, so the build can stop.

A build's output is a function of its inputs: the content, templates and interface catalogs,
the settings (the moment it is built for, the base URL, drafts, strictness), the git history
the calendars' revisions are counted from, and sitegen's own code. `fingerprint` digests all
of them; after a build, `record` keeps the digest with what the build reported, and the next
build with the same digest and the same output folder (its marker file not replaced since)
reports that instead of building again. Without a fixed moment (``--now``) every build has
its own inputs, as "upcoming" depends on the clock. Files changed in the output folder by
hand are not noticed: the folder is sitegen's (`writer`), and ``--no-cache`` rebuilds it.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .buildcache import Table, code_version, digest
from .errors import Diagnostic
from .history import head_state
from .writer import MARKER


@dataclass(frozen=True)
class BuildRecord:
    inputs: bytes
    output: tuple[int, int, int]          # the output marker's inode, size and time
    pages: int
    files: int
    diagnostics: tuple[Diagnostic, ...]   # reported again by a build that stops early


def fingerprint(root: Path, folders: Iterable[Path], settings: tuple) -> bytes:
    """A digest of what a build reads: the files in `folders` (through links, as the build
    reads them), `settings`, the git state of `root` (`history.head_state`), and sitegen's code
    and libraries (`buildcache.code_version`)."""
    parts = [code_version(), repr(settings), head_state(root) or b""]
    for folder in folders:
        seen = set()
        for directory, subfolders, files in os.walk(folder, followlinks=True):
            real = os.path.realpath(directory)
            if real in seen:   # a link back up the tree: walked already
                subfolders.clear()
                continue
            seen.add(real)
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(directory, name)
                parts.append(path)
                try:
                    with open(path, "rb") as source:
                        parts.append(source.read())
                except OSError:
                    parts.append(b"\0unreadable")   # the build reports it; never "up to date"
    return digest(*parts)


def output_stamp(output_dir: Path) -> tuple[int, int, int] | None:
    """The marker file every build writes anew: another build of the folder changes it."""
    try:
        info = os.stat(output_dir / MARKER)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def up_to_date(table: Table, output_dir: Path, inputs: bytes) -> BuildRecord | None:
    """The record of the build that wrote `output_dir`, if it had the same inputs."""
    record = table.get(digest(str(output_dir.resolve())))
    if record is None or record.inputs != inputs or record.output != output_stamp(output_dir):
        return None
    return record


def record(table: Table, output_dir: Path, inputs: bytes, pages: int, files: int,
           diagnostics: Iterable[Diagnostic]) -> None:
    stamp = output_stamp(output_dir)
    if stamp is not None:
        table.put(digest(str(output_dir.resolve())),
                  BuildRecord(inputs, stamp, pages, files, tuple(diagnostics)))
