"""Find the content files and split each into front matter and body, keeping line numbers.

The file name is the item's identity: ``networks/<slug>.<lang>.md``, ``people/<id>.yaml``,
``events/<slug>.<lang>.md``, ``news/<yyyy-mm-dd>-<slug>.<lang>.md``, ``pages/<slug>.<lang>.md``.
Nothing here knows what the fields mean; `validate` does.
"""
from __future__ import annotations

import datetime as dt
import os
import pickle
import re
from collections.abc import KeysView
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .buildcache import Table, digest
from .config import CONFIG_FILE, SiteConfig
from .errors import Diagnostic, Diagnostics, Location, display_path
from .filecache import FileCache
from .workers import chunked, map_forked
from .yamlpos import YamlProblem, parse_yaml

MAX_FILE_BYTES = 1_000_000  # far above any real page; stops a runaway file early
KINDS = ("networks", "people", "events", "news", "pages")
FILES = "files"  # content/files/: copied as they are to the site's root (_headers, PDF agendas)
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_TRANSLATED_NAME = re.compile(rf"^(?P<slug>{_SLUG})\.(?P<lang>[a-z]{{2,3}}(?:-[a-z0-9]+)?)\.md$")
_NEWS_SLUG = re.compile(rf"^(?P<date>\d{{4}}-\d{{2}}-\d{{2}})-(?P<slug>{_SLUG})$")
_PERSON_NAME = re.compile(rf"^(?P<slug>{_SLUG})\.yaml$")


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One content file, parsed but not yet validated."""

    path: str            # relative to the project root, POSIX, as messages show it
    kind: str            # one of KINDS
    slug: str
    lang: str | None     # None for files that are not per language (people)
    meta: dict           # the front matter (or the whole YAML file)
    lines: dict          # key path -> line in the file
    body: str
    body_line: int       # the file line where the body starts
    date: str | None = None  # news: the date in the file name
    allows: tuple[tuple[str, int], ...] = ()  # (warning code, line) from "# sitegen: allow" comments


def load_sources(content_dir: Path, root: Path, config: SiteConfig, diagnostics: Diagnostics,
                 cache: FileCache, store: Table | None = None, workers: int = 1) -> list[SourceFile]:
    """Read every content file under `content_dir`, reporting files that cannot be used.

    A `cache` kept between loads parses only the files written since the last one; a `store`
    kept between builds (`buildcache`) only the files whose text it has not seen. Those are
    parsed on up to `workers` processes at once.

    The `store` holds each result pickled, and the site gets its own copy: CPython keeps a
    UTF-8 copy inside every non-ASCII string it pickles, so saving the very strings the site
    holds would double the bodies in memory for the rest of the build.
    """
    store = store or Table(None)
    files = _listing(content_dir, root, cache, diagnostics).files
    scanned = cache.stamps   # the preview's scan; else each file is statted
    stamps = {shown: scanned[path] if path in scanned else cache.stamp(path)
              for shown, (path, _, _) in files.items()}
    loaded = cache.map(stamps, lambda shown, found: _load(*files[shown], shown, config, store, found),
                       diagnostics, config.codes,   # a file's name is checked against the site's languages
                       lambda fresh: _parse_ahead([(*files[shown], shown) for shown in fresh], config, store,
                                                  workers))
    return [source for source in loaded.values() if source is not None]


@dataclass(frozen=True)
class Listing:
    """The content files a walk found, kept while a scan finds the same paths and links."""

    scanned: KeysView[str]            # the paths of the scan it was made with
    files: dict[str, tuple[str, str, str]]   # path as shown -> (path, kind, name in its folder)
    links: dict[str, Any]             # the scan's symbolic links -> their stamp (their target's)
    problems: tuple[Diagnostic, ...]


def _listing(content_dir: Path, root: Path, cache: FileCache, diagnostics: Diagnostics) -> Listing:
    """The content files, walked again unless the cache's scan has the same paths and links
    as the last walk's, each link's target with the same known stamp (a link is refused or
    not by where it leads, which a changed target may tell)."""
    kept = cache.kept
    links = {path: cache.stamps.get(path) for path in cache.links}
    if kept is not None and kept.scanned == cache.stamps.keys() and kept.links == links \
            and None not in links.values():
        diagnostics.items.extend(kept.problems)
        return kept
    found = Diagnostics()
    shown_dir = display_path(content_dir, root)
    files = {}
    for path, relative in _walk(content_dir, root, found):
        shown = f"{shown_dir}/{relative}"
        if relative == CONFIG_FILE:
            continue
        kind, _, name = relative.partition("/")
        if kind == FILES:
            continue  # see `passthrough_files`
        if kind not in KINDS or "/" in name:
            found.error("source.unexpected", f"'{relative}' is not where content goes",
                        Location(shown),
                        f"content files go in {', '.join(k + '/' for k in KINDS)}; "
                        f"files to publish as they are in {FILES}/")
            continue
        files[shown] = (path, kind, name)
    listing = Listing(cache.stamps.keys(), files, links, tuple(found.items))
    cache.kept = listing if cache.stamps else None
    diagnostics.items.extend(listing.problems)
    return listing


def _parse_ahead(files: list[tuple], config: SiteConfig, store: Table, workers: int) -> None:
    """Parse the `files` that `store` does not hold on up to `workers` processes and put them
    in it, where `_load` finds them. Their problems are reported by `_load`, in file order."""
    pending = []
    for path, kind, name, shown in files:
        identity = _identity(kind, name, shown, config, Diagnostics())
        text = _read_text(Path(path), shown, Diagnostics()) if identity else None
        if text is not None:
            key = _key(shown, kind, identity, text)
            if store.get(key) is None:
                pending.append((key, (text, shown, kind, *identity)))
    chunks = chunked(pending, workers)
    for chunk, parsed in zip(chunks, map_forked(_parse_all, chunks, workers), strict=True):
        for (key, _), result in zip(chunk, parsed, strict=True):
            store.put(key, result)


def _parse_all(chunk: list[tuple[bytes, tuple]]) -> list[bytes]:
    return [_parse_pickled(*arguments) for _, arguments in chunk]


def _parse_pickled(*arguments) -> bytes:
    """`_parse`'s result and problems, pickled (as the store holds them)."""
    found = Diagnostics()
    return pickle.dumps((_parse(*arguments, found), tuple(found.items)), pickle.HIGHEST_PROTOCOL)


def _key(shown: str, kind: str, identity: tuple, text: str) -> bytes:
    return digest(shown, kind, repr(identity), text)


def passthrough_files(content_dir: Path, root: Path) -> tuple[tuple[str, str], ...]:
    """The files under ``content/files/`` as (path in the site, path as messages show it).

    They are published as they are, at the site's root: ``content/files/_headers`` becomes
    ``/_headers``. Hidden files, editors' backups and links out of ``content/`` are left out
    here as everywhere; `load_sources`, walking the same folder, reports the links.
    """
    if not (content_dir / FILES).is_dir():
        return ()
    shown_dir = display_path(content_dir, root)
    return tuple((relative.removeprefix(f"{FILES}/"), f"{shown_dir}/{relative}")
                 for _, relative in _walk(content_dir, root, Diagnostics(), FILES))


def _load(path: str, kind: str, name: str, shown: str, config: SiteConfig, store: Table,
          diagnostics: Diagnostics) -> SourceFile | None:
    identity = _identity(kind, name, shown, config, diagnostics)
    if identity is None:
        return None
    text = _read_text(Path(path), shown, diagnostics)
    if text is None:
        return None
    key = _key(shown, kind, identity, text)
    pickled = store.get(key)
    if pickled is None:
        pickled = _parse_pickled(text, shown, kind, *identity)
        store.put(key, pickled)
    source, problems = pickle.loads(pickled)
    diagnostics.items.extend(problems)
    return source


def _walk(content_dir: Path, root: Path, diagnostics: Diagnostics, relative: str = ""):
    """Yield (path, path relative to `content_dir`) of each content file in a stable order;
    refuse links that lead outside `content_dir`."""
    folder = content_dir / relative if relative else content_dir
    with os.scandir(folder) as found:
        entries = sorted(found, key=lambda entry: entry.name)
    for entry in entries:
        name = entry.name
        if name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp")):
            continue  # hidden files and editors' backups and autosaves
        inside = f"{relative}/{name}" if relative else name
        if entry.is_symlink() and not Path(entry.path).resolve().is_relative_to(content_dir.resolve()):
            diagnostics.error("source.symlink", "links to a file outside content/; refused",
                              Location(f"{display_path(content_dir, root)}/{inside}"))
        elif entry.is_dir(follow_symlinks=False):
            yield from _walk(content_dir, root, diagnostics, inside)
        else:
            yield entry.path, inside


def _identity(kind: str, name: str, shown: str, config: SiteConfig, diagnostics: Diagnostics):
    """Return (slug, lang, date) from a file name, or None after reporting why not."""
    if kind == "people":
        match = _PERSON_NAME.match(name)
        if not match:
            diagnostics.error("source.name", "a person file is named <id>.yaml (lowercase a-z, 0-9, hyphens)",
                              Location(shown))
            return None
        return None if _reserved(match["slug"], shown, diagnostics) else (match["slug"], None, None)
    match = _TRANSLATED_NAME.match(name)
    if not match:
        diagnostics.error("source.name", f"a {kind[:-1]} file is named <slug>.<language>.md "
                          "(lowercase a-z, 0-9, hyphens)", Location(shown))
        return None
    slug, lang, date = match["slug"], match["lang"], None
    if _reserved(slug, shown, diagnostics):
        return None
    if lang not in config.codes:
        diagnostics.error("source.language", f"'{lang}' is not one of the site's languages "
                          f"({', '.join(config.codes)})", Location(shown))
        return None
    if kind == "news":
        news = _NEWS_SLUG.match(slug)
        if not news:
            diagnostics.error("source.name", "a news file is named <yyyy-mm-dd>-<slug>.<language>.md",
                              Location(shown))
            return None
        slug, date = news["slug"], news["date"]
        try:
            dt.date.fromisoformat(date)
        except ValueError:
            diagnostics.error("source.name", f"{date} in the file name is not a date that exists",
                              Location(shown))
            return None
    return slug, lang, date


# Names Windows keeps for devices: a folder called so cannot be created or copied there.
_RESERVED = {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))}


def _reserved(slug: str, shown: str, diagnostics: Diagnostics) -> bool:
    if slug not in _RESERVED:
        return False
    diagnostics.error("source.name", f"'{slug}' is a name Windows reserves for a device; the site "
                      "could not be copied to or served from Windows", Location(shown), "rename the file")
    return True


def _read_text(path: Path, shown: str, diagnostics: Diagnostics) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.error("source.unreadable", f"cannot read: {exc.strerror}", Location(shown))
        return None
    if len(data) > MAX_FILE_BYTES:
        diagnostics.error("source.size", f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}",
                          Location(shown))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        diagnostics.error("source.encoding", "not UTF-8 text", Location(shown, line),
                          "save the file as UTF-8")
        return None
    if "\x00" in text:
        diagnostics.error("source.binary", "binary file, not text", Location(shown))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse(text: str, shown: str, kind: str, slug: str, lang: str | None, date: str | None,
           diagnostics: Diagnostics) -> SourceFile | None:
    if kind == "people":
        front, body, first_line, body_line = text, "", 1, 0
    else:
        try:
            front, body, body_line = split_front_matter(text)
        except FrontMatterMissing as exc:
            diagnostics.error(exc.code, str(exc), Location(shown, 1))
            return None
        first_line = 2
    try:
        parsed = parse_yaml(front, first_line)
    except YamlProblem as exc:
        diagnostics.error("fm.yaml", exc.message, Location(shown, exc.line))
        return None
    if not isinstance(parsed.data, dict):
        what = "the file" if kind == "people" else "front matter"
        diagnostics.error("fm.type", f"{what} must be a mapping of fields (key: value)",
                          Location(shown, first_line))
        return None
    return SourceFile(shown, kind, slug, lang, parsed.data, parsed.lines, body, body_line, date,
                      _allows(front, first_line))


_CODE = r"[a-z][a-z0-9]*\.[a-z0-9-]+"   # a diagnostic code: field.phone, i18n.outdated
_ALLOW = re.compile(rf"#\s*sitegen:\s*allow\s+({_CODE}(?:\s*,?\s*{_CODE})*)")


def _allows(front: str, first_line: int) -> tuple[tuple[str, int], ...]:
    """The warnings a file allows: ``# sitegen: allow field.phone`` anywhere in its YAML
    allows them in the whole file; words after the codes are a comment."""
    return tuple((code, first_line + number)
                 for number, line in enumerate(front.split("\n")) if "sitegen" in line
                 for match in _ALLOW.finditer(line) for code in re.findall(_CODE, match[1]))


def allowances(sources: list[SourceFile]) -> dict[str, dict[str, int]]:
    """Each file's allowed warning codes and the line allowing each (see `Diagnostics.allow`)."""
    return {source.path: dict(source.allows) for source in sources if source.allows}


class FrontMatterMissing(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, body's first line); raise `FrontMatterMissing` if there is none.

    Done by lines rather than with python-frontmatter's regex, which swallows blank lines
    after the closing ``---`` and so loses the body's line numbers.
    """
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterMissing("fm.missing", "front matter missing: the file must start with a line '---'")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    raise FrontMatterMissing("fm.unclosed", "front matter is not closed by a line '---'")
