"""The preview's rebuilds: render again only the files whose inputs changed.

Each output file keeps what it read of the `Site` when it was last rendered (`reads`) and a
digest of its bytes. A rebuild loads the content (files unchanged since the last load are not
parsed again: `filecache`), plans, works out which of the recorded reads have a different
value in the new site, and renders only the files that read one of those, the files that are
new, and the ones whose plan entry changed. A change to what every file reads (templates,
interface catalogs, site.yaml, the build's moment) renders everything. Only files whose bytes
differ are written, each atomically; the session's first build streams its files to the folder,
later ones hold theirs until they are known to be good.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed, Diagnostics
from .filecache import LoadCache, stamp
from .i18n import LOCALE_DIR
from .markup import Markup
from .pipeline import BuildOptions, load_site, stop_on_errors
from .plan import OutputJob, plan_outline, plan_site
from .reads import Key, SiteReads, changed_keys
from .render.jobs import JobRenderer, render_all
from .site import Site
from .urls import Urls
from .writer import apply_changes, update_site


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
        self.cache = LoadCache()
        self.markup = Markup()  # converted bodies, kept from one rebuild to the next
        self.site: Site | None = None
        self.renderer: JobRenderer | None = None
        self.setup: tuple | None = None
        self.jobs: list[OutputJob] = []
        self.outline: tuple | None = None
        self.outputs: dict[str, Output] = {}
        self.keys: set[Key] = set()   # everything any output file has read
        self.inputs: tuple | None = None

    def rebuild(self, diagnostics: Diagnostics) -> Changes:
        """Bring the folder up to date; raise `BuildFailed` (the folder as it was) on errors."""
        options = self.options
        inputs = _stamps([options.content_dir, options.templates_dir, LOCALE_DIR])
        if inputs is not None and inputs == self.inputs:
            return Changes((), (), ())   # not one file was written since the last good build
        site = load_site(options, diagnostics, self.markup, self.cache)
        urls = Urls(site.config)
        static_dir = options.templates_dir / "static"
        outline = plan_outline(site, static_dir)
        jobs = self.jobs if outline == self.outline else plan_site(site, urls, static_dir, diagnostics)
        stop_on_errors(diagnostics, options.strict)
        setup = (site.config, site.now, site.built_at, site.window,
                 _digests(options.templates_dir), _digests(LOCALE_DIR))
        if self.renderer is None or setup != self.setup:   # everything reads what changed
            renderer = JobRenderer(site, urls, options.root, options.templates_dir, self.markup, jobs)
            previous, changed = {}, set()
        else:
            renderer, previous = self.renderer, self.outputs
            changed = changed_keys(self.site, site, self.keys)
            renderer.memo.forget(changed)
        kept_memo = renderer.memo.snapshot()
        renderer.site, renderer.jobs = site, jobs
        plan_changed = jobs != self.jobs
        dirty = [job for job in jobs if _dirty(job, previous.get(job.path), changed, plan_changed)]
        outputs = {job.path: previous[job.path] for job in jobs if job.path in previous}

        def render(job: OutputJob) -> bytes:
            recorder = SiteReads(site)
            data = renderer.render(job, recorder)
            outputs[job.path] = Output(job, frozenset(recorder.reads), _digest(data))
            return data

        rendered = render_all(dirty, render, options.root, options.templates_dir, diagnostics)
        if self.renderer is None:  # the session's first build: nothing to keep; stream to the folder
            report = update_site(((job.path, data) for job, data in rendered), options.output_dir)
            stop_on_errors(diagnostics, options.strict)
        else:  # keep the last good files until the new ones are known to be good
            files = [(job.path, data) for job, data in rendered]
            try:
                stop_on_errors(diagnostics, options.strict)
            except BuildFailed:
                renderer.memo.restore(kept_memo)  # its fragments of the failed site would be stale
                raise
            known = self.outputs   # what the folder holds, whether or not it was rendered again
            writes = [(path, data) for path, data in files
                      if path not in known or known[path].digest != outputs[path].digest]
            report = apply_changes(options.output_dir, writes, sorted(known.keys() - outputs.keys()))
        if previous:
            self.keys.update(*(outputs[job.path].reads for job in dirty))
        else:
            self.keys = set().union(*(output.reads for output in outputs.values()))
        self.site, self.renderer, self.setup, self.jobs, self.outputs = site, renderer, setup, jobs, outputs
        self.outline, self.inputs = outline, inputs
        self.markup.forget_unused()
        return Changes(report.written, report.removed, tuple(job.path for job in dirty))


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _dirty(job: OutputJob, previous: Output | None, changed: set[Key], plan_changed: bool) -> bool:
    """Whether `job` must be rendered again."""
    if previous is None or previous.job != job or job.kind == "static":  # assets: re-read, cheap
        return True
    if job.kind == "sitemap" and plan_changed:  # it lists the plan's pages
        return True
    return not changed.isdisjoint(previous.reads)


def _stamps(folders: list[Path]) -> tuple | None:
    """The stamp of every file in `folders`; None if one was written too recently to tell."""
    found = []
    for folder in folders:
        for directory, subfolders, files in os.walk(folder):
            subfolders.sort()
            for name in sorted(files):
                path = os.path.join(directory, name)
                found.append((path, stamp(path)))
                if found[-1][1] is None:
                    return None
    return tuple(found)


def _digests(folder: Path) -> tuple:
    """The contents of the files every page reads (templates, catalogs; assets are jobs).

    Digests, not time stamps: these few small files are cheap to read, and an edit is never
    missed however quickly it follows the last one.
    """
    return tuple((path.as_posix(), hashlib.blake2b(path.read_bytes()).digest())
                 for path in sorted(_files(folder)))


def _files(folder: Path) -> Iterable[Path]:
    return (p for p in folder.rglob("*") if p.is_file() and "static" not in p.relative_to(folder).parts)
