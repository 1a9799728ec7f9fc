"""Link checking of a built site: every link must lead somewhere.

It reads the output folder, not the content, so it sees what a host serves: links from templates,
Markdown, feeds, the sitemap and calendars alike. Internal links are checked against the files and
page ids; external ones only on request, politely and within a deadline, and only as warnings,
since another site's trouble is not an error of this one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.parsers import expat

from .errors import Diagnostics, Location, display_path
from .linkprobe import UNCHECKED, probe_all
from .workers import chunked, map_forked, worker_count

INTERNAL_SCHEMES = frozenset({"http", "https", "webcal"})

# Which attributes of which elements hold URLs; `srcset` holds several.
URL_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "form": ("action",), "object": ("data",),
    "script": ("src",), "iframe": ("src",), "audio": ("src",), "track": ("src",), "embed": ("src",),
    "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"),
}
META_URLS = frozenset({"og:url", "og:image", "twitter:image"})
XML_LINKS = frozenset({"http://www.w3.org/2005/Atom link", "http://www.w3.org/1999/xhtml link"})
SITEMAP_LOC = "http://www.sitemaps.org/schemas/sitemap/0.9 loc"
ATOM_CONTENT = "http://www.w3.org/2005/Atom content"

# A target that does not depend on the page it is on: it has a scheme or starts with "/".
PAGE_INDEPENDENT = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/")
WRITTEN_OUT = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://|//")  # an address with its host
SRCSET_URL = re.compile(r"[\s,]*([^\s,]\S*)")
ICS_URL = re.compile(r'URL(?:;(?:[^:"]|"[^"]*")*)?:(.*)', re.IGNORECASE)
ROBOTS_SITEMAP = re.compile(r"\s*sitemap\s*:\s*(\S+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LinkReport:
    files: int     # files whose links were read
    links: int     # internal links checked, once per file and target
    external: int  # distinct external URLs checked (0 unless external=True)


@dataclass(frozen=True, slots=True)
class _Target:
    """What a link leads to: `kind` is skip, external, file, or the code of an error."""

    kind: str
    value: str = ""  # the external URL, the file within the output folder, or what is wrong
    fragment: str | None = None  # an anchor to look up in the file, when it is a page


_SKIP = _Target("skip")
_INVALID = _Target("link.invalid", "is not a valid URL")
_DEAD = _Target("link.dead", "leads to no file in the site")


@dataclass(slots=True)
class _Usage:
    """Where an external address is used: its first URL and place, and in how many files."""

    url: str
    rel: str
    line: int
    last: str  # the last file counted
    files: int = 1


def check_links(output_dir: Path, base_url: str, root: Path, diagnostics: Diagnostics, *,
                external: bool = False, timeout: float = 10.0, workers: int = 8,
                per_host: int = 2, deadline: float = 120.0) -> LinkReport:
    """Check every link of the site built into `output_dir` for `base_url`: broken internal
    links are errors; with `external`, failing external URLs are warnings."""
    checker = _Checker(_Site(output_dir, base_url), output_dir, root, diagnostics, external)
    files = sorted(checker.site.files)
    cores = worker_count()
    chunks = chunked(files, cores)   # parsing is the slow part: on every core
    for chunk, read in zip(chunks, map_forked(partial(_read_files, output_dir), chunks, cores), strict=True):
        for rel, found in zip(chunk, read, strict=True):
            checker.take(rel, found)
    checker.check_anchors()
    checked = _check_external(checker, timeout, workers, per_host, deadline) if checker.usages else 0
    return LinkReport(checker.files, checker.links, checked)


class _Site:
    """The output folder as its host serves it: which URL leads to which file."""

    def __init__(self, output_dir: Path, base_url: str):
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        parts = urlsplit(base_url)
        self.base_url = base_url
        self.host = parts.netloc.lower()
        self.path = unquote(parts.path) or "/"
        self.outside = _Target("link.outside", f"is outside the site's path {self.path}")
        self.files = frozenset(p.relative_to(output_dir).as_posix()
                               for p in output_dir.rglob("*") if p.is_file())
        self.known: dict[str, _Target] = {}

    def resolve(self, page_url: str, target: str) -> _Target:
        """Return what `target`, written on the page at `page_url`, leads to; targets that do not
        depend on the page (they repeat across thousands of pages) are resolved once."""
        if not PAGE_INDEPENDENT.match(target):
            return self.classify(page_url, target)
        found = self.known.get(target)
        if found is None:
            found = self.known[target] = self.classify(self.base_url, target)
        return found

    def classify(self, page_url: str, target: str) -> _Target:
        try:
            url = urljoin(page_url, target)
            parts = urlsplit(url)
            host, scheme = parts.netloc.lower(), parts.scheme.lower()
        except ValueError:
            return _INVALID
        if scheme not in INTERNAL_SCHEMES:
            return _SKIP
        path = unquote(parts.path) or "/"
        if path + "/" == self.path:
            path = self.path
        if host != self.host or not path.startswith(self.path) and WRITTEN_OUT.match(target):
            # another site, or another site on this host (an address written out in full)
            return _SKIP if scheme == "webcal" else _Target("external", url.partition("#")[0])
        if not path.startswith(self.path):
            return self.outside
        file = self.file_for(path[len(self.path):])
        if file is None:
            return _DEAD
        fragment = unquote(parts.fragment)
        wanted = file.endswith(".html") and fragment.lower() not in ("", "top")
        return _Target("file", file, fragment if wanted else None)

    def file_for(self, rel: str) -> str | None:
        """Return the file a path within the site names: `x/` is x/index.html, `x` x or x/index.html."""
        directory = rel == "" or rel.endswith("/")
        candidates = (rel + "index.html",) if directory else (rel, rel + "/index.html")
        return next((c for c in candidates if c in self.files), None)


class _Checker:
    """Reads each file once, checks its links as it goes and keeps what must wait for later files."""

    def __init__(self, site: _Site, output_dir: Path, root: Path, diagnostics: Diagnostics, external: bool):
        self.site, self.output_dir, self.root, self.diagnostics = site, output_dir, root, diagnostics
        self.external = external
        self.ids: dict[str, frozenset[str]] = {}
        self.anchors: list[tuple[str, str, str, int, str]] = []  # file, fragment, rel, line, target
        self.usages: dict[str, _Usage] = {}
        self.files = self.links = 0

    def where(self, rel: str, line: int = 0) -> Location:
        return Location(display_path(self.output_dir / rel, self.root), line)

    def take(self, rel: str, found: _Read) -> None:
        """Check the links `_read_file` found in the file `rel`."""
        if found is None:
            return
        if isinstance(found, _NotXml):
            self.diagnostics.error("link.unreadable", f"file: not well-formed XML "
                                   f"({expat.ErrorString(found.code)})", self.where(rel, found.line))
            return
        links, ids = found
        self.files += 1
        if ids is not None:
            self.ids[rel] = ids
        page_url = self.site.base_url + quote(rel)
        for target, line in links.items():
            self.check(rel, line, target, self.site.resolve(page_url, target))

    def check(self, rel: str, line: int, target: str, found: _Target) -> None:
        if found.kind == "external" and self.external:
            self.use(found.value, rel, line)
        if found.kind in ("external", "skip"):
            return
        self.links += 1
        if found.kind != "file":
            self.diagnostics.error(found.kind, f"link: '{target}' {found.value}", self.where(rel, line))
        elif found.fragment is not None:
            self.anchors.append((found.value, found.fragment, rel, line, target))

    def check_anchors(self) -> None:
        """Check the fragments of links once every page's ids are known."""
        for file, fragment, rel, line, target in self.anchors:
            if fragment not in self.ids.get(file, frozenset()):
                page = display_path(self.output_dir / file, self.root)
                self.diagnostics.error("link.anchor", f"link: '{target}' names no element of {page}",
                                       self.where(rel, line))

    def use(self, url: str, rel: str, line: int) -> None:
        """Count a file using `url` by its address without the query (hundreds of "add to
        calendar" links differ only in it); files are read in order, so the first use stays first."""
        address = url.partition("?")[0]
        usage = self.usages.get(address)
        if usage is None:
            self.usages[address] = _Usage(url, rel, line, rel)
        elif usage.last != rel:
            usage.last = rel
            usage.files += 1


# Reading links ------------------------------------------------------------------------------
_Links = dict[str, int]  # target as written → line of its first use (0 when the file has no lines)


@dataclass(frozen=True)
class _NotXml:
    line: int
    code: int


_Read = tuple[_Links, frozenset[str] | None] | _NotXml | None   # None: a file without links


def _read_files(output_dir: Path, rels: list[str]) -> list[_Read]:
    return [_read_file(output_dir, rel) for rel in rels]


def _read_file(output_dir: Path, rel: str) -> _Read:
    """The links (and, of a page, the ids) of the file `rel`, by its kind."""
    reader = _read_robots if rel == "robots.txt" else _READERS.get(PurePosixPath(rel).suffix)
    if reader is None:
        return None
    try:
        return reader(output_dir / rel)
    except expat.ExpatError as error:
        return _NotXml(error.lineno, error.code)


class _PageReader(HTMLParser):
    """Collects a page's link targets and the ids (and `a name`s) its fragments can name."""

    def __init__(self):
        super().__init__()
        self.links: _Links = {}
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        names = (values.get("id"), values.get("name") if tag == "a" else None)
        self.ids.update(name for name in names if name)
        for name in URL_ATTRIBUTES.get(tag, ()):
            value = values.get(name)
            if value is not None:
                self.add(_srcset_urls(value) if name == "srcset" else (value,))
        if tag == "meta" and (values.get("property") or values.get("name") or "").lower() in META_URLS:
            self.add((values.get("content") or "",))

    def add(self, targets) -> None:
        line = self.getpos()[0]
        for target in targets:
            self.links.setdefault(target.strip(), line)


def _srcset_urls(value: str) -> list[str]:
    """Return the URLs of a `srcset`, skipping descriptors ("a.jpg 1x, b.jpg 2x")."""
    urls, position = [], 0
    while match := SRCSET_URL.match(value, position):
        url, position = match[1], match.end()
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            position = value.find(",", position) + 1 or len(value)
        urls.append(url)
    return urls


def _read_page(path: Path) -> tuple[_Links, frozenset[str]]:
    reader = _PageReader()
    reader.feed(path.read_text(encoding="utf-8", errors="replace"))
    reader.close()
    return reader.links, frozenset(reader.ids)


def _read_xml(path: Path) -> tuple[_Links, None]:
    """Read the `link href`s of Atom feeds and sitemaps, the `loc`s of sitemaps, and the links
    in the HTML of Atom entries' `content` (at the line the content starts)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    links: _Links = {}
    inside: list = []  # inside a <loc> or an HTML <content>: its line, then its text in pieces

    def start(name: str, attrs: dict[str, str]) -> None:
        if name in XML_LINKS and "href" in attrs:
            links.setdefault(attrs["href"].strip(), parser.CurrentLineNumber)
        elif name == SITEMAP_LOC or name == ATOM_CONTENT and attrs.get("type") == "html":
            inside[:] = [parser.CurrentLineNumber]

    def text(data: str) -> None:
        if inside:
            inside.append(data)

    def end(name: str) -> None:
        if inside and name == SITEMAP_LOC:
            links.setdefault("".join(inside[1:]).strip(), inside[0])
        elif inside and name == ATOM_CONTENT:
            reader = _PageReader()
            reader.feed("".join(inside[1:]))
            for target in reader.links:
                links.setdefault(target, inside[0])
        inside.clear()

    parser.StartElementHandler, parser.CharacterDataHandler, parser.EndElementHandler = start, text, end
    parser.Parse(path.read_bytes(), True)
    return links, None


def _read_ics(path: Path) -> tuple[_Links, None]:
    """Read the `URL` properties of a calendar, at the line each starts on."""
    links: _Links = {}
    start, content = 0, ""
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    for number, raw in enumerate([*lines, ""], 1):  # the empty last line ends the last property
        raw = raw.rstrip("\r")
        if raw[:1] in (" ", "\t"):  # a folded line continues the property above
            content += raw[1:]
            continue
        if match := ICS_URL.fullmatch(content):
            links.setdefault(match[1].strip(), start)
        start, content = number, raw
    return links, None


def _read_robots(path: Path) -> tuple[_Links, None]:
    links: _Links = {}
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if match := ROBOTS_SITEMAP.match(line):
            links.setdefault(match[1], number)
    return links, None


# Each reader returns a file's links and, for pages, the ids their fragments can name.
_READERS = {".html": _read_page, ".xml": _read_xml, ".ics": _read_ics}


# External links ------------------------------------------------------------------------------
def _check_external(checker: _Checker, timeout: float, workers: int, per_host: int, deadline: float) -> int:
    """Probe every external URL in use; warn of failures at their first use. Return how many were probed."""
    results = probe_all((usage.url for usage in checker.usages.values()), timeout, workers, per_host,
                        deadline)
    unchecked = 0
    for url, problem in sorted(results.items()):
        if problem == UNCHECKED:
            unchecked += 1
        elif problem is not None:
            usage = checker.usages[url.partition("?")[0]]
            plural = "" if usage.files == 1 else "s"
            checker.diagnostics.warning("link.external", f"link: '{url}' {problem} "
                                        f"(used in {usage.files} file{plural})",
                                        checker.where(usage.rel, usage.line))
    if unchecked:
        checker.diagnostics.warning("link.unchecked", f"link: {unchecked} external link(s) not checked "
                                    f"within {deadline:g} s")
    return len(results) - unchecked
