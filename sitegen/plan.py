"""Every output file as an `OutputJob`: what to write where, decided before rendering.

Item pages exist in the languages the item is written in; listings exist in every language.
Two jobs for the same path are an error naming both sources.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostics, Location
from .site import Site
from .urls import Urls

LISTINGS = ("home", "networks", "events", "news", "contacts")


@dataclass(frozen=True, slots=True)
class OutputJob:
    path: str                  # output file, relative to output/, POSIX
    kind: str                  # "root", a listing, "network", "event", "news-post", "page", "static"
    lang: str | None = None
    slug: str | None = None
    source: str | None = None  # the file it comes from: content text or static asset


def plan_site(site: Site, urls: Urls, static_dir: Path, diagnostics: Diagnostics) -> list[OutputJob]:
    """Return every job of the build, sorted by output path."""
    jobs = [OutputJob("index.html", "root")]
    for lang in site.config.codes:
        for listing in LISTINGS:
            url = urls.home(lang) if listing == "home" else urls.section(lang, listing)
            jobs.append(OutputJob(urls.output_path(url), listing, lang))
    for kind, job_kind, items in (("networks", "network", site.networks),
                                  ("events", "event", site.events),
                                  ("news", "news-post", site.news),
                                  ("pages", "page", site.pages)):
        for slug, item in sorted(items.items()):
            for lang, text in sorted(item.texts.items()):
                jobs.append(OutputJob(urls.output_path(urls.item(kind, slug, lang)), job_kind,
                                      lang, slug, text.path))
    if static_dir.is_dir():
        for asset in sorted(p for p in static_dir.rglob("*") if p.is_file()):
            relative = asset.relative_to(static_dir).as_posix()
            jobs.append(OutputJob(f"static/{relative}", "static", source=asset.as_posix()))
    _report_collisions(jobs, diagnostics)
    return sorted(jobs, key=lambda job: job.path)


def _report_collisions(jobs: list[OutputJob], diagnostics: Diagnostics) -> None:
    seen: dict[str, OutputJob] = {}
    for job in jobs:
        first = seen.setdefault(job.path, job)
        if first is not job:
            blamed, other = (job, first) if job.source else (first, job)
            diagnostics.error("url.collision",
                              f"output {job.path} is also written by {_describe(other)}",
                              Location(blamed.source or job.path), "rename the file (its slug is its URL)")


def _describe(job: OutputJob) -> str:
    return job.source or f"the {job.kind} listing"
