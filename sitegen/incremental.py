"""The preview's rebuilds: render again only the files whose inputs changed.

Each output file keeps what it read of the `Site` when it was last rendered (`reads`) and a
digest of its bytes; an index tells which files read each key. A rebuild takes the stamps
of every input file (`watching`: on Linux only the changed ones are statted again; no change:
nothing to do), loads the content (what did not change is not parsed or
worked out again: `filecache`), works out which keys have a different value in the new site,
and renders only the files that read one of those; when files were added or removed, or an
edit changes the plan, it plans again and also renders the files that are new or whose plan
entry changed. A change to what every file reads (templates, interface catalogs, site.yaml,
the build's moment) renders everything. Only files whose bytes differ are written, each
atomically; the session's first build writes its files straight to the folder, later ones
hold theirs until they are known to be good.

The session's first build is a full one: it parses, converts and renders on every core (the
workers send back what each file read and the fragments they made), taking what earlier
builds left in the cache (`buildcache`) and leaving its own results there. Then the cache's
tables are let go of: the session keeps what it needs in memory.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .buildcache import BuildCache
from .errors import BuildFailed, Diagnostics
from .filecache import LoadCache
from .i18n import LOCALE_DIR, every_text
from .markup import Markup
from .pipeline import BuildOptions, load_site, stop_on_errors
from .plan import OutputJob, plan_site, replans
from .reads import Key, Memo, SiteReads, changed_keys
from .render.jobs import JobRenderer, RenderFailures, render_all, render_each
from .site import Site
from .urls import Urls
from .watching import Watcher
from .workers import map_slices, worker_count
from .writer import UpdateReport, apply_changes, remove_others, start_preview, write_differing


@dataclass(frozen=True, slots=True)
class Output:
    job: OutputJob
    reads: frozenset[Key]
    digest: bytes


@dataclass(frozen=True, slots=True)
class Changes:
    written: tuple[str, ...]
    removed: tuple[str, ...]
    rendered: tuple[str, ...]   # the files rendered to find what to write


class IncrementalBuild:
    """The preview folder of a session, and what each of its files read when rendered."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.watcher = Watcher([options.content_dir, options.templates_dir, LOCALE_DIR])
        self.workers = worker_count(options.workers)   # for the first rebuild only: see `rebuild`
        self.stored: BuildCache | None = BuildCache(options.cache_dir)   # until the first good build
        self.cache = LoadCache(sources=self.stored.table("sources"))
        self.markup = Markup(self.stored.table("bodies"))  # converted bodies, kept between rebuilds
        self.site: Site | None = None
        self.renderer: JobRenderer | None = None
        self.setup: tuple | None = None
        self.jobs: list[OutputJob] = []
        self.positions: dict[str, int] = {}   # each job's place in `jobs`
        self.assets: list[str] = []           # the paths of the static jobs, rendered every time
        self.outputs: dict[str, Output] = {}
        self.readers: dict[Key, set[str]] = defaultdict(set)   # the files that read each key
        self.stamps: dict[str, tuple | None] = {}   # of the files of the last good build
        self.links: frozenset[str] = frozenset()     # and its symbolic links (stamped by their targets)

    def rebuild(self, diagnostics: Diagnostics) -> Changes:
        """Bring the folder up to date; raise `BuildFailed` on errors (after the first good
        build, with the folder as it was)."""
        options = self.options
        stamps, links = self.watcher.stamps(), self.watcher.links
        if stamps == self.stamps and links == self.links and None not in stamps.values():
            return Changes((), (), ())   # the files and links are as in the last good build
        # Only the session's first rebuild forks workers: it runs before the server starts.
        # Later ones run in the server's event loop, whose sockets a fork would inherit.
        workers, self.workers = self.workers, 1
        self.cache.scanned(stamps, links)
        site = load_site(options, diagnostics, self.markup, self.cache, workers)
        urls = Urls(site.config)
        setup = (site.config, site.now, site.built_at, site.window,
                 _digests(options.templates_dir), _digests(LOCALE_DIR))
        if self.renderer is None or setup != self.setup:   # everything reads what changed
            jobs = plan_site(site, urls, options.templates_dir / "static", diagnostics)
            stop_on_errors(diagnostics, options.strict)
            renderer = JobRenderer(site, urls, options.root, options.templates_dir, self.markup, jobs)
            previous, changed, plan_changed = {}, set(), True
        else:
            renderer, previous = self.renderer, self.outputs
            changed = changed_keys(self.site, site)
            plan_changed = stamps.keys() != self.stamps.keys() or replans(self.site, site, changed)
            jobs = plan_site(site, urls, options.templates_dir / "static", diagnostics) if plan_changed \
                else self.jobs
            stop_on_errors(diagnostics, options.strict)
            renderer.memo.forget(changed)
        memo_mark = len(renderer.memo)
        renderer.site, renderer.jobs = site, jobs
        dirty = self._dirty(jobs, previous, changed, plan_changed and jobs != self.jobs)
        outputs = dict(previous) if jobs is self.jobs else \
            {job.path: previous[job.path] for job in jobs if job.path in previous}

        def render(job: OutputJob) -> bytes:
            recorder = SiteReads(site)
            data = renderer.render(job, recorder)
            outputs[job.path] = Output(job, frozenset(recorder.reads), _digest(data))
            return data

        if self.renderer is None:  # the session's first build: nothing to keep; straight to the folder
            if workers > 1:
                renderer.share_fragments(workers, recorded=True)   # once, before the workers start
            report = self._fill(dirty, render, outputs, renderer.memo, diagnostics, workers)
            stop_on_errors(diagnostics, options.strict)
        else:  # keep the last good files until the new ones are known to be good
            rendered = render_all(dirty, render, options.root, options.templates_dir, diagnostics)
            files = [(job.path, data) for job, data in rendered]
            try:
                stop_on_errors(diagnostics, options.strict)
            except BuildFailed:
                renderer.memo.drop_since(memo_mark)  # its fragments of the failed site would be stale
                raise
            known = self.outputs   # what the folder holds, whether or not it was rendered again
            writes = [(path, data) for path, data in files
                      if path not in known or known[path].digest != outputs[path].digest]
            removed = () if jobs is self.jobs else sorted(known.keys() - outputs.keys())  # same plan: none
            report = apply_changes(options.output_dir, writes, removed)
        self._index(previous, outputs, [job.path for job in dirty], report.removed)
        if jobs is not self.jobs:
            self.positions = {job.path: number for number, job in enumerate(jobs)}
            self.assets = [job.path for job in jobs if job.kind == "static"]
        self.site, self.renderer, self.setup, self.jobs, self.outputs = site, renderer, setup, jobs, outputs
        self.stamps, self.links = stamps, links
        self.markup.forget_unused(lambda: (text.body for text in every_text(site)))
        if self.stored is not None:
            self._let_go_of_cache()
        return Changes(report.written, report.removed, tuple(job.path for job in dirty))

    def _fill(self, jobs: list[OutputJob], render: Callable[[OutputJob], bytes], outputs: dict[str, Output],
              memo: Memo, diagnostics: Diagnostics, workers: int) -> UpdateReport:
        """Render `jobs` into the folder on up to `workers` processes, each writing the files of
        its slice that differ from the folder's; put what each file read into `outputs`, and
        the fragments the workers made into `memo` (else the first edit makes them all again)."""
        folder = self.options.output_dir
        written = list(start_preview(folder))

        def fill_slice(bounds: tuple[int, int]) -> tuple:
            failures, part, mark = RenderFailures(), jobs[bounds[0]:bounds[1]], len(memo)
            rendered = render_each(part, render, self.options.root, self.options.templates_dir, failures)
            files = write_differing(folder, ((job.path, data) for job, data in rendered))
            # What each file read and its digest (None: a template mistake); the jobs are the parent's.
            found = [(o.reads, o.digest) if (o := outputs.get(job.path)) else None for job in part]
            return bounds, files, found, memo.since(mark, JobRenderer.VALUES), failures

        failures = RenderFailures()
        for (start, stop), files, found, made, part_failures in map_slices(fill_slice, len(jobs), workers):
            written += files
            for job, entry in zip(jobs[start:stop], found, strict=True):
                if entry is not None:
                    outputs[job.path] = Output(job, *entry)
            for key, entry in made:
                memo.adopt(key, entry)
            failures.merge(part_failures)
        failures.report(diagnostics)
        return UpdateReport(tuple(written), remove_others(folder, {job.path for job in jobs}).removed)

    def _let_go_of_cache(self) -> None:
        """Save what the first build computed for later builds and sessions, then let go of
        the tables (every parsed file of the site): the session keeps its own results."""
        self.stored.save()
        self.stored = self.cache.sources = self.markup.store = None

    def _dirty(self, jobs: list[OutputJob], previous: dict[str, Output], changed: set[Key],
               plan_changed: bool) -> list[OutputJob]:
        """The jobs to render again: with the same plan, those that read a changed key and the
        assets (re-read, cheap); else also every new or changed job."""
        if jobs is not self.jobs or not previous:
            return [job for job in jobs if _dirty(job, previous.get(job.path), changed, plan_changed)]
        paths = {path for key in changed for path in self.readers.get(key, ())}.union(self.assets)
        return [jobs[number] for number in sorted(self.positions[path] for path in paths)]

    def _index(self, previous: dict[str, Output], outputs: dict[str, Output], rendered: list[str],
               removed: Iterable[str]) -> None:
        """Bring `readers` up to date with the files rendered and removed."""
        if not previous:   # everything was rendered
            self.readers = defaultdict(set)
        for path in [*rendered, *removed]:
            before = previous[path].reads if path in previous else frozenset()
            after = outputs[path].reads if path in outputs else frozenset()
            for key in before - after:
                self.readers[key].discard(path)
            for key in after - before:
                self.readers[key].add(path)


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _dirty(job: OutputJob, previous: Output | None, changed: set[Key], plan_changed: bool) -> bool:
    """Whether `job` must be rendered again."""
    if previous is None or previous.job != job or job.kind == "static":  # assets: re-read, cheap
        return True
    if job.kind == "sitemap" and plan_changed:  # it lists the plan's pages
        return True
    return not changed.isdisjoint(previous.reads)


def _digests(folder: Path) -> tuple:
    """The contents of the files every page reads (templates, catalogs; assets are jobs).

    Digests, not time stamps: these few small files are cheap to read, and an edit is never
    missed however quickly it follows the last one.
    """
    return tuple((path.as_posix(), hashlib.blake2b(path.read_bytes()).digest())
                 for path in sorted(_files(folder)))


def _files(folder: Path) -> Iterable[Path]:
    return (p for p in folder.rglob("*") if p.is_file() and "static" not in p.relative_to(folder).parts)
