"""Fill the staging folder: render every job and write its file, on every core.

Rendering is most of the write phase and each job is independent of the others, so the jobs
are cut into slices that this process and forked workers (`workers`) render and write
straight into the staging folder: a worker is handed only a slice's number, and only counts,
timings and template mistakes come back. The files and the reported mistakes are the same as one process would
give (`render.jobs.RenderFailures` merges slices in the jobs' order).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .render.jobs import Job, RenderFailures, render_each
from .workers import map_slices
from .writer import FolderWriter


@dataclass
class FillReport:
    files: int = 0
    changed: list[str] = field(default_factory=list)   # the files not the same as before
    render_seconds: float = 0.0   # summed over the workers
    write_seconds: float = 0.0
    failures: RenderFailures = field(default_factory=RenderFailures)

    def add(self, other: FillReport) -> None:
        self.files += other.files
        self.changed += other.changed
        self.render_seconds += other.render_seconds
        self.write_seconds += other.write_seconds
        self.failures.merge(other.failures)


def fill_staging(staging: Path, previous: Path | None, jobs: Sequence[Job], render: Callable[[Job], bytes],
                 root: Path, templates_dir: Path, workers: int) -> FillReport:
    """Render `jobs` with `render` into `staging`, on up to `workers` processes; files the
    same as in `previous` (the site being replaced) are links to its files."""

    def fill_slice(bounds: tuple[int, int]) -> FillReport:
        report, writer = FillReport(), FolderWriter(staging, previous)
        started = time.perf_counter()
        for job, data in render_each(jobs[bounds[0]:bounds[1]], render, root, templates_dir,
                                     report.failures):
            rendered = time.perf_counter()
            writer.write(job.path, data)
            report.files += 1
            report.write_seconds += time.perf_counter() - rendered
        report.render_seconds = time.perf_counter() - started - report.write_seconds
        report.changed = writer.changed
        return report

    total = FillReport()
    for report in map_slices(fill_slice, len(jobs), workers):
        total.add(report)
    return total
