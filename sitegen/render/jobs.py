"""One renderer for every kind of output file: set up once per build, then a job at a time.

Templates are compiled and catalogs loaded once; `render` may be handed a stand-in for the
site (`reads.SiteReads`) so that the preview learns what each file reads.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Protocol

import jinja2

from ..errors import Diagnostics, Location, display_path
from ..i18n import load_catalogs
from ..markup import Markup
from ..reads import Memo, SiteReads
from ..site import Site
from ..templating import compile_all, make_environment
from ..urls import Urls
from ..workers import chunked, map_forked
from .feeds import meetings_feed, news_feed
from .ics import VEventWriter, render_feed, render_occurrence
from .pages import PageRenderer
from .sitemap import robots_txt, sitemap


class Job(Protocol):
    """What rendering needs of a `plan.OutputJob` (plan is a later layer than render)."""

    path: str
    kind: str
    lang: str | None
    slug: str | None
    key: str | None
    source: str | None


class JobRenderer:
    """Renders any job of a build to bytes."""

    # The memo's fragments that are values of their own (a VEVENT, a list item, a link, a feed
    # entry, a meeting's place in a feed), not the site's objects: another process may hand
    # them over (`Memo.since`).
    VALUES = frozenset({"vevent", "order", "in feed", "link", "link item", "meeting item", "meetings entry"})

    def __init__(self, site: Site, urls: Urls, root: Path, templates_dir: Path, markup: Markup,
                 jobs: list[Job]):
        self.site, self.urls, self.markup = site, urls, markup
        self.jobs = jobs
        self.memo = Memo()
        self.catalogs = load_catalogs(site.config)
        self.pages = {lang: PageRenderer(site, make_environment(templates_dir, lang, site.config,
                                                                self.catalogs[lang], urls),
                                         self.catalogs[lang], lang, urls, markup, self.catalogs, self.memo)
                      for lang in site.config.codes}
        self.pages[None] = self.pages[site.config.default_language]
        self._other: dict[str, Callable[[Job, Site], bytes]] = {
            "static": lambda job, site: (root / job.source).read_bytes(),  # source may be absolute
            "atom-news": lambda job, site: news_feed(site, urls, job.lang, self.catalogs[job.lang],
                                                     markup, job.slug),
            "atom-meetings": lambda job, site: meetings_feed(site, urls, job.lang, self.catalogs[job.lang],
                                                             job.slug, self.memo),
            "ics-feed": lambda job, site: render_feed(site, urls, job.lang, self.catalogs[job.lang],
                                                      self.memo, network=job.slug, region=job.key),
            "ics-event": lambda job, site: render_occurrence(site, urls, job.lang, self.catalogs[job.lang],
                                                             self.memo, job.slug, job.key),
            "sitemap": lambda job, site: sitemap(site, urls, self.jobs, int(job.key) if job.key else None),
            "robots": lambda job, site: robots_txt(urls),
        }

    def share_fragments(self, workers: int, recorded: bool = False) -> None:
        """Compute, on up to `workers` processes, the fragments that many files show: each
        meeting's VEVENT in each language is in several feeds, which different workers
        render. Done before those workers start, each would compute them all again. The
        templates are compiled for the same reason. `recorded`: each fragment comes with what
        it read, so that the preview's memo forgets it when that changes."""
        languages = self.site.config.codes
        for lang in languages:
            compile_all(self.pages[lang].env)
        wanted = [(lang, occurrence) for lang in languages for occurrence in self.site.occurrences]

        def compute(chunk: list) -> list:
            site = SiteReads(self.site) if recorded else self.site
            writers = {lang: VEventWriter(site, self.urls, lang, self.catalogs[lang], self.memo)
                       for lang in languages}
            computed = []
            for lang, occurrence in chunk:
                writers[lang].vevent_ical(occurrence)
                computed.append(self.memo.entry(VEventWriter.memo_key_of(lang, occurrence)))
            return computed

        chunks = chunked(wanted, workers)
        for chunk, entries in zip(chunks, map_forked(compute, chunks, workers), strict=True):
            for (lang, occurrence), entry in zip(chunk, entries, strict=True):
                self.memo.adopt(VEventWriter.memo_key_of(lang, occurrence), entry)

    def render(self, job: Job, site: Site | SiteReads | None = None) -> bytes:
        """The bytes of `job`, reading the site through `site` (the build's own by default)."""
        site = site or self.site
        if job.kind in self._other:
            return self._other[job.kind](job, site)
        page = self.pages[job.lang]
        page.site = site
        return page.render(job.kind, job.slug, job.key)


class RenderFailures:
    """The template mistakes met while rendering: each reported once, at its template file
    and line, however many files it broke. Failures of separate slices of the jobs, merged
    in the jobs' order, report exactly what one pass over all of them would."""

    def __init__(self) -> None:
        self.syntax: tuple[str, Location] | None = None   # stops rendering: every file needs it
        self.failures: dict[tuple[Location, str], list[str]] = {}

    def merge(self, other: RenderFailures) -> None:
        if self.syntax is None:
            self.syntax = other.syntax
        for mistake, paths in other.failures.items():
            self.failures.setdefault(mistake, []).extend(paths)

    def report(self, diagnostics: Diagnostics) -> None:
        if self.syntax is not None:
            diagnostics.error("tpl.syntax", *self.syntax)
            return
        for (location, message), paths in self.failures.items():
            more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
            diagnostics.error("tpl.render", f"{message} (rendering {paths[0]}{more})", location)


def render_each(jobs: Iterable[Job], render: Callable[[Job], bytes], root: Path, templates_dir: Path,
                failures: RenderFailures) -> Iterator[tuple[Job, bytes]]:
    """Render each job, noting template mistakes in `failures`; stop at a syntax error."""
    for job in jobs:
        try:
            yield job, render(job)
        except jinja2.TemplateSyntaxError as exc:
            path = display_path(Path(exc.filename), root) if exc.filename else exc.name
            failures.syntax = (exc.message or "syntax error", Location(path, exc.lineno))
            return
        except jinja2.TemplateError as exc:
            mistake = (_template_location(exc, root, templates_dir), str(exc))
            failures.failures.setdefault(mistake, []).append(job.path)


def render_all(jobs: Iterable[Job], render: Callable[[Job], bytes], root: Path, templates_dir: Path,
               diagnostics: Diagnostics) -> Iterator[tuple[Job, bytes]]:
    """Render each job; a template mistake is reported once, at its template file and line."""
    failures = RenderFailures()
    yield from render_each(jobs, render, root, templates_dir, failures)
    failures.report(diagnostics)


def _template_location(exc: Exception, root: Path, templates_dir: Path) -> Location:
    """Return the innermost template line of a render error (Jinja rewrites tracebacks)."""
    location = Location(display_path(templates_dir, root))
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml")):
            location = Location(display_path(Path(filename), root), tb.tb_lineno)
        tb = tb.tb_next
    return location
