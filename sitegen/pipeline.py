"""The build in one readable function: load → plan → render → write.

The load phase reads and validates everything into an immutable `Site`, or stops with every
problem it found; nothing touches the output folder before it has succeeded.
"""
from __future__ import annotations

import datetime as dt
import gc
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from .buildcache import FOLDER, BuildCache
from .config import SiteConfig, load_config
from .errors import BuildFailed, Diagnostics, Location, display_path
from .filecache import LoadCache
from .history import event_revisions, history_available, say_why_unavailable, text_dates
from .i18n import (
    LOCALE_DIR,
    check_translation_dates,
    every_text,
    group_translations,
    missing_catalogs,
    published_only,
)
from .linkcheck import check_links
from .markup import Markup
from .plan import plan_site
from .recurrence import check_series
from .render.jobs import JobRenderer
from .resolve import TARGETS, check_languages, resolve_body_links, resolve_references
from .schema import FieldError, url
from .search import SearchIndexFailed, index_site
from .site import Site, build_site
from .sources import allowances, load_sources, passthrough_files
from .staging import FillReport, fill_staging
from .uptodate import fingerprint, record, up_to_date
from .urls import Urls
from .validate import validate_sources
from .workers import worker_count
from .writer import MARKER, OutputBusy, UnsafeOutput, check_output_folder, output_lock, write_site


@dataclass(frozen=True)
class BuildOptions:
    root: Path                       # the project folder; paths in messages are relative to it
    content_dir: Path
    templates_dir: Path
    output_dir: Path
    now: dt.datetime | None = None   # None: the current time; naive: in the site's time zone
    built_at: dt.datetime | None = None  # the build time pages show; None means `now`
    base_url: str | None = None      # overrides site.yaml
    strict: bool = False             # warnings fail the build
    drafts: bool = False             # include drafts and texts whose publish_date is to come
    cache_dir: Path | None = None    # results kept between builds (`buildcache`); None: none kept
    workers: int | None = None       # processes that convert and render; None: one per core

    @classmethod
    def for_project(cls, root: Path, **overrides) -> BuildOptions:
        """Options with the standard layout under `root`."""
        defaults = dict(content_dir=root / "content", templates_dir=root / "templates",
                        output_dir=root / "output", cache_dir=root / FOLDER)
        defaults.update({k: v for k, v in overrides.items() if v is not None})
        return cls(root=root, **defaults)


@dataclass
class BuildReport:
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    stages: dict[str, float] = field(default_factory=dict)   # wall seconds of each stage
    unchanged: bool = False   # the output folder held this build already: nothing was written


def build(options: BuildOptions) -> BuildReport:
    """Build the site into the output folder; raise `BuildFailed` with every problem found.

    Files are written to the staging folder as they are rendered (so they need not all be in
    memory); a template mistake found on the way discards the staging folder before the swap.
    """
    started = time.perf_counter()
    diagnostics = Diagnostics()
    check_output(options, diagnostics)
    try:
        with output_lock(options.output_dir):
            return _build(options, diagnostics, started)
    except OutputBusy as exc:
        diagnostics.error("config.output", str(exc),
                          Location(display_path(options.output_dir, options.root)))
        raise BuildFailed(diagnostics, exit_code=2) from None


def _build(options: BuildOptions, diagnostics: Diagnostics, started: float) -> BuildReport:
    stages = Stopwatch(started)
    workers = worker_count(options.workers)
    cache = BuildCache(options.cache_dir)
    inputs = _fingerprint(options) if options.cache_dir and options.now else None
    done = up_to_date(cache.table("builds"), options.output_dir, inputs) if inputs else None
    if done is not None:
        diagnostics.items.extend(done.diagnostics)
        stop_on_errors(diagnostics, options.strict)
        cache.save()
        stages.lap("nothing changed")
        return BuildReport(done.pages, done.files, time.perf_counter() - started, diagnostics,
                           stages.seconds, unchanged=True)
    markup = Markup(cache.table("bodies"))  # the load phase and the pages share converted bodies
    site = load_site(options, diagnostics, markup, LoadCache(sources=cache.table("sources")), workers)
    stages.lap("load")
    # Every body is converted: the tables are saved, let go of and their memory given back
    # before the render's workers start with a copy of this process.
    cache.save()
    cache.let_go("sources", "bodies")
    markup.store = None
    _give_back_memory()
    stages.lap("cache saved")
    urls = Urls(site.config)
    jobs = plan_site(site, urls, options.templates_dir / "static", diagnostics)
    stop_on_errors(diagnostics, options.strict)
    renderer = JobRenderer(site, urls, options.root, options.templates_dir, markup, jobs)
    stages.lap("plan")
    if workers > 1:
        renderer.share_fragments(workers)
        stages.lap("shared fragments")
    pages = [job.path for job in jobs if job.path.endswith(".html")]
    languages = list(site.config.codes)
    del site, markup   # the renderer holds them, until the files are written
    filled = FillReport()

    def fill(staging: Path, previous: Path | None) -> int:
        nonlocal renderer
        filled.add(fill_staging(staging, previous, jobs, renderer.render, options.root,
                                options.templates_dir, workers))
        stages.lap("render and write")
        filled.failures.report(diagnostics)
        stop_on_errors(diagnostics, options.strict)
        # Pagefind holds a language's index in memory: give back the site's before it runs.
        renderer = None
        _give_back_memory()
        stages.lap("memory freed")
        return filled.files

    def finish(staging: Path, previous: Path | None) -> None:
        pages_changed = any(path.endswith(".html") for path in filled.changed)
        index_site(staging, pages, languages, None if pages_changed else previous)
        stages.lap("search index")

    try:
        written = write_site(fill, options.output_dir, finish)
    except SearchIndexFailed as exc:
        diagnostics.error("search.index", f"the search index could not be made: {exc}")
        raise BuildFailed(diagnostics) from None
    if inputs:
        record(cache.table("builds"), options.output_dir, inputs, len(pages), written.files,
               diagnostics.items)
    cache.save()
    stages.lap("swap and record")
    stages.seconds.update({"render (summed over workers)": filled.render_seconds,
                           "write (summed over workers)": filled.write_seconds})
    return BuildReport(len(pages), written.files, time.perf_counter() - started, diagnostics, stages.seconds)


def _give_back_memory() -> None:
    """Free what is no longer referenced (the renderer's templates and views hold cycles) and
    hand the freed pages back to the system (glibc keeps them for the process otherwise)."""
    gc.collect()
    try:
        import ctypes
        trim = getattr(ctypes.CDLL(None), "malloc_trim", None)   # glibc's; other C libraries lack it
    except (ImportError, OSError):
        return
    if trim is not None:
        trim.argtypes = [ctypes.c_size_t]
        trim(0)


def _fingerprint(options: BuildOptions) -> bytes:
    """Everything the build reads (`uptodate`); the output folder is the record's key."""
    settings = (options.content_dir.resolve(), options.templates_dir.resolve(), options.now,
                options.built_at, options.base_url, options.strict, options.drafts)
    return fingerprint(options.root, [options.content_dir, options.templates_dir, LOCALE_DIR], settings)


class Stopwatch:
    """The wall time of each stage of a build, in order."""

    def __init__(self, started: float):
        self.last = started
        self.seconds: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = now - self.last
        self.last = now


def check_output(options: BuildOptions, diagnostics: Diagnostics, marker: str = MARKER) -> None:
    """Stop (exit 2) before an output folder that must not be replaced is touched."""
    try:
        check_output_folder(options.output_dir, options.root, [options.content_dir, options.templates_dir],
                            marker)
    except UnsafeOutput as exc:
        diagnostics.error("config.output", str(exc), Location(display_path(options.output_dir, options.root)))
        raise BuildFailed(diagnostics, exit_code=2) from None


def check(options: BuildOptions, links: bool = False, external: bool = False) -> Diagnostics:
    """Every problem of the content, and nothing written; with `links`, also every dead link
    and anchor of the site built in the output folder (`external`: links to other sites too)."""
    diagnostics = Diagnostics()
    site = load_site(options, diagnostics)
    plan_site(site, Urls(site.config), options.templates_dir / "static", diagnostics)
    if links:
        check_links(options.output_dir, built_for(options, diagnostics), options.root, diagnostics,
                    external=external)
    stop_on_errors(diagnostics, options.strict)
    return diagnostics


def built_for(options: BuildOptions, diagnostics: Diagnostics) -> str:
    """The base URL the output folder was built for, read from its ``robots.txt`` (a build
    for another address is checked as it was built, whatever the settings say now)."""
    shown = display_path(options.output_dir, options.root)
    try:
        robots = (options.output_dir / "robots.txt").read_text(encoding="utf-8")
        sitemap = next(line.partition(":")[2].strip() for line in robots.splitlines()
                       if line.lower().startswith("sitemap:"))
    except (OSError, StopIteration):
        diagnostics.error("config.output", "--output: no built site here to check the links of",
                          Location(shown), "build the site first")
        raise BuildFailed(diagnostics, exit_code=2) from None
    return sitemap.removesuffix(Urls.SITEMAP)


def load_site(options: BuildOptions, diagnostics: Diagnostics, markup: Markup | None = None,
              cache: LoadCache | None = None, workers: int = 1) -> Site:
    """Read, validate and resolve all content into a `Site`.

    `markup` converts bodies to find their links (on up to `workers` processes); passing the
    renderer's means each body is converted once per build. A `cache` kept between loads (the
    preview's) reads again only the files that changed.
    """
    cache = cache or LoadCache()
    markup = markup or Markup()
    config = load_config(options.content_dir, options.root)
    if not (options.templates_dir / "base.html").is_file():
        diagnostics.error("config.templates", "no templates here (base.html is missing)",
                          Location(display_path(options.templates_dir, options.root)))
        raise BuildFailed(diagnostics, exit_code=2)
    if options.base_url:
        try:
            config = config.with_base_url(url(options.base_url))
        except FieldError as exc:
            diagnostics.error("config.base_url", f"--base-url (or $SITEGEN_BASE_URL): {exc}")
            raise BuildFailed(diagnostics, exit_code=2) from None
    _check_catalogs(config, options, diagnostics)
    zone = zoneinfo.ZoneInfo(config.timezone)
    now = options.now or dt.datetime.now(dt.UTC)
    now = now.replace(tzinfo=zone) if now.tzinfo is None else now.astimezone(zone)
    sources = load_sources(options.content_dir, options.root, config, diagnostics, cache.parsed,
                           cache.sources, workers)
    translations, people_list = validate_sources(sources, config, now.date(), diagnostics, cache.validated)
    every_item = group_translations(translations, config, diagnostics, cache.grouped)
    grouped = published_only(every_item, options.drafts, cache.published)
    people = {person.id: person for person in people_list}
    resolve_references(every_item, grouped, people, {(s.kind, s.slug) for s in sources if s.kind in TARGETS},
                       diagnostics, cache.references)
    if workers > 1:   # else each body is converted where it is first needed
        markup.convert_all((text.body for text in every_text(every_item)), workers)
    body_links = resolve_body_links(every_item, grouped, people, markup, diagnostics, cache.links)
    check_languages(grouped, diagnostics, cache.languages)
    check_series(every_item.events, diagnostics, cache.series)
    built_at = (options.built_at or now).astimezone(dt.UTC).replace(microsecond=0)
    revisions, dates = {}, {}   # without history, every event is at revision 0 (`Site.revision`)
    if history_available(options.root, cache.history):
        event_files = {slug: sorted(t.path for t in event.texts.values())
                       for slug, event in grouped.events.items()}
        revisions = event_revisions(options.root, event_files, built_at, diagnostics, cache.history)
        dates = text_dates(options.root, sorted(text.path for text in every_text(grouped)), built_at,
                           cache.history)
        check_translation_dates(grouped, dates, config, diagnostics)
    elif grouped.events:   # their SEQUENCE numbers cannot be counted
        say_why_unavailable(options.root, diagnostics)
    diagnostics.allow(allowances(sources))
    stop_on_errors(diagnostics, options.strict)
    return build_site(config, grouped, people, now, revisions, built_at, body_links,
                      passthrough_files(options.content_dir, options.root), cache.occurrences)


def _check_catalogs(config: SiteConfig, options: BuildOptions, diagnostics: Diagnostics) -> None:
    for lang in missing_catalogs(config):
        diagnostics.error("config.catalog", f"languages: no interface catalog for '{lang}'",
                          Location(display_path(options.content_dir / "site.yaml", options.root)),
                          "create it with: pybabel init -i sitegen/locale/messages.pot "
                          f"-d sitegen/locale -l {lang}")


def stop_on_errors(diagnostics: Diagnostics, strict: bool) -> None:
    if strict:
        diagnostics.promote_warnings()
    if diagnostics.has_errors:
        raise BuildFailed(diagnostics)
