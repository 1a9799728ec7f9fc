"""The Jinja2 environment of one language: autoescape, strict, gettext, date filters.

One environment per language keeps the installed gettext catalog and date formats fixed for
everything it renders, so no render can see another language's strings.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote

import jinja2
from babel.support import Translations

from .config import SiteConfig
from .dates import Dates
from .records import Place
from .recurrence import describe
from .urls import Urls


def make_environment(templates_dir: Path, lang: str, config: SiteConfig,
                     translations: Translations, urls: Urls) -> jinja2.Environment:
    """Return the environment that renders `lang`'s pages.

    Templates are not checked for changes while it lives (each page would look at each of its
    templates' files again): the preview makes new environments when a template changes.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        auto_reload=False,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n", "jinja2.ext.do"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations, newstyle=True)
    locale = config.language(lang).locale
    dates = Dates.for_language(translations, config, lang)
    env.filters.update(
        date=dates.date,
        date_long=dates.date_long,
        month=dates.month,
        week=dates.week,
        times=lambda value, end=None: dates.times(value, end) if end else dates.times(value),
        when=dates.when,
        rule_in_words=lambda rule: describe(rule, translations, locale),
        isodate=_isoformat,
        map_url=_map_url,
    )
    env.globals.update(lang=lang, config=config, urls=urls)
    return env


def compile_all(env: jinja2.Environment) -> None:
    """Compile every template now, so that processes forked afterwards share the compiled
    code instead of each compiling it. A template with a mistake is left for the page that
    uses it to report."""
    for name in env.list_templates(extensions=["html", "xml"]):
        with contextlib.suppress(jinja2.TemplateError):
            env.get_template(name)


def _map_url(place: Place) -> str:
    """An OpenStreetMap link: at the coordinates when known, else a search for the address."""
    if place.latitude is not None:
        return (f"https://www.openstreetmap.org/?mlat={place.latitude}&mlon={place.longitude}"
                f"#map=17/{place.latitude}/{place.longitude}")
    query = ", ".join(p for p in (place.one_line, place.country) if p)
    return f"https://www.openstreetmap.org/search?query={quote(query)}"


def _isoformat(value) -> str:
    """The machine-readable form for ``<time datetime>``: a date, or a time with its offset."""
    return value.isoformat(timespec="minutes") if hasattr(value, "hour") else value.isoformat()
