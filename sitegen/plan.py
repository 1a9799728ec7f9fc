"""Every output file as an `OutputJob`: what to write where, decided before rendering.

Item pages exist in the languages the item is written in; listings exist in every language.
Two jobs for the same path are an error naming both sources.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Diagnostics, Location
from .i18n import ITEM_KINDS
from .render.sitemap import indexable, sitemap_files
from .site import Site
from .urls import Urls, page_count

LISTINGS = ("home", "networks", "events", "contacts", "calendar", "search")


@dataclass(frozen=True, slots=True)
class OutputJob:
    path: str                  # output file, relative to output/, POSIX
    kind: str                  # a page kind (its template's name), "ics-feed", "ics-event", "static"
    lang: str | None = None
    slug: str | None = None    # the item, or the network of a network's calendar
    key: str | None = None     # an occurrence (YYYYMMDD), a month (YYYY-MM) or a region
    source: str | None = None  # the file it comes from: content text or static asset


def plan_site(site: Site, urls: Urls, static_dir: Path, diagnostics: Diagnostics) -> list[OutputJob]:
    """Return every job of the build, sorted by output path."""
    jobs = [OutputJob("index.html", "root"), OutputJob("404.html", "not-found")]
    for lang in site.config.codes:
        for listing in LISTINGS:
            url = urls.home(lang) if listing == "home" else urls.section(lang, listing)
            jobs.append(OutputJob(urls.output_path(url), listing, lang))
        for number in range(1, page_count(len(site.news)) + 1):
            jobs.append(OutputJob(urls.output_path(urls.news_page(lang, number)), "news", lang,
                                  key=str(number)))
    for kind, job_kind, items in (("networks", "network", site.networks),
                                  ("events", "event", site.events),
                                  ("news", "news-post", site.news),
                                  ("pages", "page", site.pages)):
        for slug, item in sorted(items.items()):
            for lang, text in sorted(item.texts.items()):
                jobs.append(OutputJob(urls.output_path(urls.item(kind, slug, lang)), job_kind,
                                      lang, slug, source=text.path))
    jobs.extend(_calendar_jobs(site, urls))
    jobs.extend(_feed_jobs(site, urls))
    jobs.extend(_sitemap_files(jobs, urls))
    jobs.extend(OutputJob(path, "static", source=source) for path, source in _assets(site, static_dir))
    _report_collisions(jobs, diagnostics)
    return sorted(jobs, key=lambda job: job.path)


def replans(old: Site, new: Site, changed: set[tuple]) -> bool:
    """Whether the plan of `new` may differ from that of `old`, which differ in the `changed`
    keys (`reads.changed_keys`) and have the same files (a file added or removed replans).

    The preview plans again only then; an edit of a text or a fact seldom changes the plan.
    Keep it in step with `plan_site`.
    """
    for key in changed:
        if len(key) == 1:
            if key[0] in ("config", "window", "occurrences", "files"):
                return True
        elif key[0] in ITEM_KINDS and _outline(getattr(old, key[0]).get(key[1])) != \
                _outline(getattr(new, key[0]).get(key[1])):
            return True
    return False


def _outline(item) -> tuple | None:
    """What `plan_site` reads of one item: its texts, whether it repeats, its region."""
    if item is None:
        return None
    return (tuple((lang, text.path) for lang, text in item.texts.items()),
            getattr(item, "recurrence", None) is not None, getattr(item, "region", None))


def _assets(site: Site, static_dir: Path) -> tuple[tuple[str, str], ...]:
    """Files copied as they are, as (output path, source): the templates' assets under
    ``static/``, and the content's own files (`sources.passthrough_files`) at the root."""
    static = sorted(p for p in static_dir.rglob("*") if p.is_file()) if static_dir.is_dir() else []
    return (*((f"static/{p.relative_to(static_dir).as_posix()}", p.as_posix()) for p in static),
            *site.files)


def _calendar_jobs(site: Site, urls: Urls) -> list[OutputJob]:
    """Calendar pages and feeds: per language, per network, per region, per month, per meeting."""
    jobs = []
    for lang in site.config.codes:
        jobs.append(OutputJob(_file(urls, urls.calendar_feed(lang)), "ics-feed", lang))
        for month in calendar_months(site):
            jobs.append(OutputJob(urls.output_path(urls.calendar_month(lang, month)), "calendar-month",
                                  lang, key=month))
        for region in site.regions():
            jobs.append(OutputJob(urls.output_path(urls.calendar_region(lang, region)), "calendar",
                                  lang, key=region))
            jobs.append(OutputJob(_file(urls, urls.calendar_feed(lang, region=region)), "ics-feed",
                                  lang, key=region))
    for slug, network in sorted(site.networks.items()):
        for lang in sorted(network.texts):
            jobs.append(OutputJob(urls.output_path(urls.calendar(lang, slug)), "calendar", lang, slug))
            jobs.append(OutputJob(urls.output_path(urls.news_page(lang, 1, slug)), "news", lang, slug, "1"))
            jobs.append(OutputJob(_file(urls, urls.calendar_feed(lang, slug)), "ics-feed", lang, slug))
    for occurrence in site.occurrences:
        event = site.events[occurrence.event]
        for lang in sorted(event.texts):
            jobs.append(OutputJob(_file(urls, urls.occurrence_ics(event.slug, occurrence.key, lang)),
                                  "ics-event", lang, event.slug, occurrence.key))
            if event.recurrence:
                url = urls.occurrence(event.slug, occurrence.key, lang, series=True)
                jobs.append(OutputJob(urls.output_path(url), "occurrence", lang, event.slug,
                                      occurrence.key))
    return jobs


def _feed_jobs(site: Site, urls: Urls) -> list[OutputJob]:
    """Atom feeds of news and of meetings, per language and per network; sitemap and robots."""
    jobs = [OutputJob(_file(urls, urls.sitemap()), "sitemap"),
            OutputJob("robots.txt", "robots")]
    places = [(lang, None) for lang in site.config.codes]
    places += [(lang, slug) for slug, network in sorted(site.networks.items())
               for lang in sorted(network.texts)]
    for lang, network in places:
        jobs.append(OutputJob(_file(urls, urls.news_feed(lang, network)), "atom-news", lang, network))
        jobs.append(OutputJob(_file(urls, urls.meetings_feed(lang, network)), "atom-meetings",
                              lang, network))
    return jobs


def _sitemap_files(jobs: list[OutputJob], urls: Urls) -> list[OutputJob]:
    """The files that ``sitemap.xml`` is the index of, when the pages are too many for one."""
    files = sitemap_files(sum(map(indexable, jobs)))
    return [OutputJob(_file(urls, urls.sitemap(part)), "sitemap", key=str(part))
            for part in range(1, files + 1)] if files > 1 else []


def _file(urls: Urls, url: str) -> str:
    return url[len(urls.prefix):]


def calendar_months(site: Site) -> list[str]:
    """Every month of the calendar's horizon, "YYYY-MM", in order."""
    first, last = site.window
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


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
