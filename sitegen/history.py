"""Calendar revisions (SEQUENCE, LAST-MODIFIED) of events, counted from the content's git history.

Calendar apps (Google especially) update a meeting they already know only when its SEQUENCE
goes up, and LAST-MODIFIED/DTSTAMP must not be "now" or builds stop being reproducible; git
history gives both. The rules:

- An event is all its translation files, ``<events folder>/<slug>.<lang>.md``, as they exist
  at each commit (renames are not followed). History is HEAD's first-parent line: a merged
  branch is one change at the time of the merge, when the published calendar changed.
- SEQUENCE counts the commits after the first that changed the fingerprint: each
  translation's `title` plus the fields in `SIGNIFICANT`, as written (reformatting a value
  counts: an extra calendar update is harmless, a missed one is not). Adding or removing a
  translation shows or hides a title, so it counts too. Versions that do not parse are skipped.
- An uncommitted significant edit counts once more, at `fallback`. Without git, or for files
  git does not know: ``Revision(0, fallback)``.

`text_dates` reads the same history for translators: when each translation file's text
(title, summary, body) was first written and last changed, so that a translation older than
its original's last change can be pointed out. Changes of shared facts do not count.

Speed: one ``git log --raw`` over the folders and one ``git cat-file --batch`` for all blobs,
whatever the number of files or commits.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import os
import posixpath
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import yaml

from .errors import Diagnostics, Location
from .filecache import HistoryCache
from .records import Revision
from .sources import FrontMatterMissing, split_front_matter
from .yamlpos import ContentLoader, YamlProblem, parse_yaml

SIGNIFICANT = ("start", "end", "time", "timezone", "place", "online", "status", "moved_from", "repeat")
_CONFIG = ("-c", "core.quotepath=off", "-c", "diff.relative=false", "-c", "log.showSignature=false",
           "-c", "color.ui=never", "--no-pager", "--literal-pathspecs")   # output whatever the config says
FileFacts = tuple[str, tuple[tuple[str, str], ...]]   # (title, ((field, value as JSON), ...))
Snapshot = tuple[tuple[str, str], ...]               # ((path, blob id), ...) of one event
T = TypeVar("T")


def event_revisions(root: Path, event_files: dict[str, list[str]], fallback: dt.datetime,
                    diagnostics: Diagnostics, cache: HistoryCache | None = None) -> dict[str, Revision]:
    """Return each event's revision; `event_files` maps a slug to its current translation paths
    (relative to `root`, POSIX). Adds a `history.shallow` warning for a shallow clone."""
    cache = cache or HistoryCache()
    fallback = _utc(fallback)
    revisions = {slug: Revision(0, fallback) for slug in event_files}
    owners = {(p.rpartition("/")[0] or ".", slug): slug for slug, paths in event_files.items() for p in paths}
    if not owners:
        return revisions
    folders = sorted({folder for folder, _ in owners})
    history = _log(root, folders, cache)
    if history is None:
        say_why_unavailable(root, diagnostics)
        return revisions
    log, prefix, shallow, head = history
    if shallow:
        diagnostics.warning(
            "history.shallow", "the git history is shallow: calendar SEQUENCE numbers cannot be "
            "counted and may not increase when a meeting changes",
            Location(posixpath.dirname(folders[0].rstrip("/")) or "."),
            "fetch the full history (git fetch --unshallow; in CI: fetch-depth: 0)")

    def owner(path: str) -> str | None:
        folder, name = posixpath.split(path)
        parts = name.split(".")
        return owners.get((folder or ".", parts[0])) if len(parts) == 3 and parts[2] == "md" else None

    key = (head, tuple(folders), tuple((slug, tuple(paths)) for slug, paths in event_files.items()))
    timelines = cache.latest("events", key, lambda: _timelines(log, prefix, owner))
    facts = cache.blobs("facts", _blobs(timelines), lambda blobs: _read_blobs(root, blobs, _file_facts))
    for slug, timeline in sorted(timelines.items()):
        revisions[slug] = _count(timeline, facts, root, event_files[slug], fallback, cache)
    return revisions


@dataclass(frozen=True, slots=True)
class TextDates:
    """When a translation file's text (title, summary, body) was first written and last changed."""

    written: dt.datetime
    changed: dt.datetime


def text_dates(root: Path, paths: list[str], fallback: dt.datetime,
               cache: HistoryCache | None = None) -> dict[str, TextDates]:
    """The `TextDates` of each file of `paths` that git knows; uncommitted text changes count
    at `fallback`. Nothing without git or in a shallow clone, where first commits are not."""
    cache = cache or HistoryCache()
    folders = sorted({p.rpartition("/")[0] or "." for p in paths})   # posixpath.dirname, faster
    history = _log(root, folders, cache)
    if history is None or history[2]:
        return {}
    log, prefix, _, head = history
    wanted = set(paths)
    timelines = cache.latest("texts", (head, tuple(folders), tuple(paths)),
                              lambda: _timelines(log, prefix, lambda path: path if path in wanted else None))
    digests = cache.blobs("texts", _blobs(timelines), lambda blobs: _read_blobs(root, blobs, _text_digest))
    found = {}
    for path, timeline in timelines.items():
        written = changed = last = None
        for seconds, snapshot in timeline:
            digest = digests.get(dict(snapshot).get(path))
            if digest is not None and digest != last:
                when = dt.datetime.fromtimestamp(seconds, dt.UTC)
                written, changed, last = written or when, max(changed or when, when), digest
        if last is None:
            continue
        blob = dict(timeline[-1][1]).get(path)
        now = cache.working("texts", os.path.join(root, path),
                            partial(_working_facts, root, path, blob, digests, _text_digest))
        found[path] = TextDates(written, _utc(fallback) if now not in (None, last) else changed)
    return found


def _log(root: Path, folders: list[str], cache: HistoryCache) -> tuple[str, str, bool, str] | None:
    """``git log --raw`` of `folders` along HEAD's first parents, oldest first, with the
    project's path within the repository, whether the clone is shallow and HEAD; None without
    git (or without a commit)."""
    lines = _head(root, cache)
    if lines is None:
        return None

    def log() -> str | None:
        found = _git(root, "log", "--first-parent", "-m", "--reverse", "--root", "--raw",
                     "--no-renames", "--no-abbrev", "--no-color", "--format=@%ct", "--", *folders)
        return None if found is None else found.decode("utf-8", "surrogateescape")

    found = cache.latest(("log", str(root), tuple(folders)), lines[3], log)
    return None if found is None else (found, lines[1], lines[2] == "true", lines[3])


def history_available(root: Path, cache: HistoryCache | None = None) -> bool:
    """Whether git has a history for `root` (see `say_why_unavailable`)."""
    return _head(root, cache or HistoryCache()) is not None


def say_why_unavailable(root: Path, diagnostics: Diagnostics) -> None:
    """Warn when git fails in `root` although a repository encloses it (say, a checkout owned
    by another user, which git refuses), in git's words."""
    if not any((folder / ".git").exists() for folder in (root, *root.resolve().parents)):
        return
    try:
        done = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True,
                              env=_env(), check=False)
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = (lines[0] if lines else "git failed") if done.returncode else None
    except OSError:
        reason = "git is not installed"
    if reason:
        diagnostics.warning(
            "history.unavailable", f"git: cannot read this checkout's history ({reason}), so "
            "calendar SEQUENCE numbers cannot be counted", Location("."),
            "in CI containers, trust the checkout: git config --global --add safe.directory '*'")


def _head(root: Path, cache: HistoryCache) -> list[str] | None:
    """What git says of the checkout (inside a work tree, the project's prefix, shallow, HEAD),
    asked once per load; None without git or without a commit."""
    info = cache.once_per_load(("rev-parse", root), lambda: _git(
        root, "rev-parse", "--is-inside-work-tree", "--show-prefix", "--is-shallow-repository", "HEAD"))
    lines = (info or b"").decode("utf-8", "surrogateescape").split("\n")
    return lines if lines[:1] == ["true"] and len(lines) >= 4 else None


def _blobs(timelines: dict[str, list[tuple[int, Snapshot]]]) -> list[str]:
    return sorted({blob for timeline in timelines.values()
                   for _, snapshot in timeline for _, blob in snapshot})


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _count(timeline: list[tuple[int, Snapshot]], facts: dict[str, FileFacts | None], root: Path,
           paths: list[str], fallback: dt.datetime, cache: HistoryCache) -> Revision:
    """Count the changes of one event's fingerprint along its commits, then the working tree."""
    last, sequence, changed = None, 0, None
    for seconds, snapshot in timeline:
        fingerprint = _fingerprint([(path, facts.get(blob)) for path, blob in snapshot])
        if fingerprint is None or fingerprint == last:
            continue
        when = dt.datetime.fromtimestamp(seconds, dt.UTC)
        if last is not None:
            sequence += 1
        changed = max(changed or when, when)   # never goes back in time
        last = fingerprint
    if last is None:
        return Revision(0, fallback)
    head = dict(timeline[-1][1])
    now = _fingerprint([(path, cache.working("facts", os.path.join(root, path), partial(
                            _working_facts, root, path, head.get(path), facts, _file_facts)))
                        for path in sorted(paths)])
    return Revision(sequence + 1, fallback) if now not in (None, last) else Revision(sequence, changed)


def _fingerprint(files: list[tuple[str, FileFacts | None]]):
    """Combine the facts of an event's files; None when one did not parse or there are none.
    A shared field is the set of values any translation states: moving it is no change."""
    if not files or any(found is None for _, found in files):
        return None
    titles, shared = [], {}
    for path, (title, fields) in files:
        titles.append((posixpath.basename(path).rsplit(".", 2)[-2], title))
        for key, value in fields:
            shared.setdefault(key, set()).add(value)
    return tuple(sorted(titles)), tuple(sorted((k, tuple(sorted(v))) for k, v in shared.items()))


def _timelines(log: str, prefix: str, owner: Callable[[str], str | None]):
    """Read ``git log --raw`` into, per owner of files (an event, a file), the (commit time,
    snapshot) of each commit that touched one of its files, oldest first."""
    state: dict[str, dict[str, str]] = {}
    timelines: dict[str, list[tuple[int, Snapshot]]] = {}
    seconds, touched = 0, set()

    def close():
        for slug in sorted(touched):
            timelines.setdefault(slug, []).append((seconds, tuple(sorted(state[slug].items()))))
        touched.clear()

    for line in log.split("\n"):
        if line.startswith("@"):
            close()
            seconds = int(line[1:])
        elif line.startswith(":") and "\t" in line:
            fields, path = line.split("\t", 1)
            path = _unquote(path).removeprefix(prefix)   # the pathspec keeps git inside `root`
            slug = owner(path)
            if slug is None:
                continue
            blob = fields.split()[3]
            files = state.setdefault(slug, {})
            if set(blob) == {"0"}:   # deleted
                files.pop(path, None)
            else:
                files[path] = blob
            touched.add(slug)
    close()
    return timelines


def _unquote(path: str) -> str:
    """Undo git's C-style quoting of unusual paths ("a\\tb", octal bytes)."""
    if path.startswith('"'):
        raw = codecs.escape_decode(path[1:-1].encode("utf-8", "surrogateescape"))[0]
        path = raw.decode("utf-8", "surrogateescape")
    return path


def _read_blobs(root: Path, blobs: list[str], read: Callable[[bytes], T]) -> dict[str, T | None]:
    """Return what `read` finds in every blob, read through one ``git cat-file --batch``."""
    facts: dict[str, T | None] = {}
    with tempfile.TemporaryFile() as wanted:   # a file, not a pipe: no deadlock, no thread
        wanted.write("".join(f"{blob}\n" for blob in blobs).encode())
        wanted.seek(0)
        try:
            process = subprocess.Popen(["git", *_CONFIG, "cat-file", "--batch"], cwd=root, env=_env(),
                                       stdin=wanted, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        except OSError:
            return facts
    with process, process.stdout as out:
        for blob in blobs:
            header = out.readline().split()   # "<id> blob <size>", or "<id> missing"
            if len(header) == 3 and header[1] == b"blob":
                facts[blob] = read(out.read(int(header[2])))
                out.read(1)
            elif header:
                facts[blob] = None   # e.g. not fetched in a partial clone: as if it did not parse
    return facts


def _working_facts(root: Path, path: str, blob: str | None, facts: dict[str, T | None],
                   read: Callable[[bytes], T]) -> T | None:
    """What `read` finds in a file as it is now; reuses the committed result when the bytes
    are unchanged."""
    try:
        data = (root / path).read_bytes()
    except OSError:
        return None
    if blob and blob in facts:
        algorithm = hashlib.sha1 if len(blob) == 40 else hashlib.sha256
        if algorithm(b"blob %d\0" % len(data) + data).hexdigest() == blob:
            return facts[blob]
    return read(data)


def _file_facts(data: bytes) -> FileFacts | None:
    """The title and significant fields of one version of a file, or None if it does not parse."""
    front, _ = _split(data)
    if front is None:
        return None
    fields = tuple((key, _json(front[key])) for key in SIGNIFICANT if front.get(key) is not None)
    return _json(front.get("title")), fields


def _text_digest(data: bytes) -> str | None:
    """What translators translate in one version of a file (title, summary, body), or None."""
    front, body = _split(data)
    if front is None:
        return None
    text = _json([front.get("title"), front.get("summary"), body.strip()])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _split(data: bytes) -> tuple[dict | None, str]:
    """The front matter and body of one version of a file; (None, "") if it does not parse."""
    try:
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        front, body, _ = split_front_matter(text)
        parsed = _front_matter(front)
    except (UnicodeDecodeError, FrontMatterMissing, YamlProblem, yaml.YAMLError):
        return None, ""
    return (parsed, body) if isinstance(parsed, dict) else (None, "")


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml with the content resolvers ("10:00" stays text): history has many versions to
    read and this is ten times faster than `parse_yaml`."""

    yaml_implicit_resolvers = ContentLoader.yaml_implicit_resolvers


def _front_matter(front: str):
    """Parse like `parse_yaml` (same values, same refusals), only faster."""
    if "&" in front or "*" in front:   # may hold anchors or aliases, which parse_yaml refuses
        return parse_yaml(front, 2).data
    loader = _FastLoader(front)
    try:
        node = loader.get_single_node()
        return loader.construct_document(node) if node and _plain_keys(node) else None
    finally:
        loader.dispose()


def _plain_keys(node: yaml.Node) -> bool:
    """False for duplicate or non-scalar keys, which `parse_yaml` refuses."""
    if isinstance(node, yaml.MappingNode):
        keys = [key.value if isinstance(key, yaml.ScalarNode) else None for key, _ in node.value]
        return None not in keys and len(set(keys)) == len(keys) and all(
            _plain_keys(value) for _, value in node.value)
    return not isinstance(node, yaml.SequenceNode) or all(map(_plain_keys, node.value))


def _json(value) -> str:
    """A canonical text of a YAML value: mappings compare equal whatever their key order."""
    def plain(v):
        if isinstance(v, dict):
            return {str(k): plain(x) for k, x in v.items()}
        return [plain(x) for x in v] if isinstance(v, list) else v
    return json.dumps(plain(value), sort_keys=True, ensure_ascii=False, default=str)


def head_state(root: Path) -> bytes | None:
    """What of the repository the history is read from: HEAD's commit, where a shallow clone's
    history is cut (a deepening fetch changes the revisions, not HEAD) and the replacement
    refs (None outside a repository). The working files are the rest."""
    head = _git(root, "rev-parse", "HEAD", "--git-path", "shallow")
    if head is None:
        return None
    commit, shallow = head.decode("utf-8", "surrogateescape").splitlines()
    try:
        cut = (root / shallow).read_bytes()
    except OSError:
        cut = b""   # a complete clone
    return b"\0".join([commit.encode(), cut, _git(root, "for-each-ref", "refs/replace/") or b""])


def _git(root: Path, *args: str) -> bytes | None:
    """Run one git command in `root`; None when git is missing or the command fails."""
    try:
        done = subprocess.run(["git", *_CONFIG, *args], cwd=root, capture_output=True, env=_env(),
                              check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _env() -> dict[str, str]:
    """No prompts, and no lazy fetching of missing blobs in partial clones (git ≥ 2.44)."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_NO_LAZY_FETCH": "1", "LC_ALL": "C"}
