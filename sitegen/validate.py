"""Raw front matter → typed values, every problem a `Diagnostic` with file and line.

Each content file is validated on its own into a `Translation`: the per-language `Text` and
the shared facts the file states. `i18n.group_translations` then merges the translations of
one item and calls the `finish_*` function of its kind to build the record, so that checks
needing every translation's facts (an event's start and end) run once per item.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from babel import Locale

from . import fields as f
from . import schema as s
from .config import SiteConfig
from .errors import Diagnostics, Location, Severity
from .filecache import FileCache
from .records import Event, Network, NewsPost, Page, Person, Recurrence, Text
from .sources import SourceFile

TEXT_FIELDS = ("title", "summary", "draft", "publish_date")  # written per language


@dataclass(frozen=True, slots=True)
class Fact:
    value: Any
    location: Location
    items: tuple[Location, ...] = ()  # where each item of a list is written


@dataclass(frozen=True, slots=True)
class Translation:
    """One per-language content file after validation."""

    kind: str
    slug: str
    text: Text
    facts: dict[str, Fact]
    date: dt.date | None = None
    valid: bool = True   # False: the file had errors; the item is not built (no follow-on errors)


# Facts each kind states once for all languages: value parsers, then nested mappings.
def shared_values(kind: str, region: str | None) -> dict[str, Callable[[Any], Any]]:
    """Return the parsers of the plain shared facts of `kind`; `region` reads local phone numbers."""
    return {
        "networks": {"organisation": s.text, "region": s.text, "contacts": s.list_of(s.slug),
                     "email": f.email, "phone": f.phone(region), "website": s.url},
        "events": {"network": s.slug, "contacts": s.list_of(s.slug), "start": f.date_or_datetime,
                   "end": f.date_or_datetime, "time": f.time_range, "timezone": s.timezone,
                   "status": f.status, "moved_from": f.date_or_datetime, "sequence": s.natural},
        "news": {"network": s.slug, "author": s.text},  # a person's id, or a name as text
        "pages": {},
    }[kind]


SHARED_MAPPINGS: dict[str, dict[str, Callable[[s.FieldReader], Any]]] = {
    "events": {"repeat": f.read_repeat, "place": f.read_place, "online": f.read_online,
               "registration": f.read_registration},
}


def validate_sources(sources: list[SourceFile], config: SiteConfig, today: dt.date, diagnostics: Diagnostics,
                     cache: FileCache) -> tuple[dict[str, Translation], list[Person]]:
    """Validate every source file; return the translations by path and the people.

    `today` decides whether a `publish_date` has come: a text before it is a draft. A `cache`
    kept between loads validates only the files parsed anew.
    """
    by_path = {source.path: source for source in sources}

    def check(path: str, found: Diagnostics) -> Translation | Person | None:
        source = by_path[path]
        if source.kind == "people":
            return validate_person(source, config, found)
        return validate_translation(source, config, today, found)

    valid = cache.map(by_path, check, diagnostics, (config, today))
    translations = {path: value for path, value in valid.items() if isinstance(value, Translation)}
    return translations, [value for value in valid.values() if isinstance(value, Person)]


def validate_translation(source: SourceFile, config: SiteConfig, today: dt.date,
                         diagnostics: Diagnostics) -> Translation | None:
    """Validate one per-language file into its text and the shared facts it states."""
    errors_before = _errors(diagnostics)
    reader = s.FieldReader(source.meta, source.lines, source.path, diagnostics, own_line=1)
    values = shared_values(source.kind, _region(config, source.lang))
    mappings = SHARED_MAPPINGS.get(source.kind, {})
    reader.reject_unknown([*TEXT_FIELDS, *values, *mappings])
    title = reader.get("title", s.text, required=True)
    summary = reader.get("summary", s.text)
    draft = reader.get("draft", s.boolean, default=False)
    publish_date = reader.get("publish_date", f.date)
    facts = {}
    for key, parse in values.items():
        facts[key] = reader.get(key, parse)
    for key, read in mappings.items():
        facts[key] = _read_mapping(reader, key, read)
    facts = {key: Fact(value, reader.location(key), _item_locations(reader, key, value))
             for key, value in facts.items() if value is not None}
    if "phone" in facts:
        _warn_unlinked_phone(facts["phone"], diagnostics)
    if title is None:
        return None
    draft = draft or (publish_date is not None and publish_date > today)
    text = Text(source.lang, source.path, title, summary, source.body, source.body_line, draft)
    date = dt.date.fromisoformat(source.date) if source.date else None
    valid = _errors(diagnostics) == errors_before
    return Translation(source.kind, source.slug, text, facts, date, valid)


def _item_locations(reader: s.FieldReader, key: str, value: Any) -> tuple[Location, ...]:
    if not isinstance(value, tuple) or not isinstance(reader.data.get(key), list):
        return ()
    return tuple(reader.location(key, index) for index in range(len(value)))


def _read_mapping(reader: s.FieldReader, key: str, read: Callable[[s.FieldReader], Any]):
    if key == "repeat" and isinstance(reader.data.get(key), str):
        return reader.get(key, lambda raw: f.repeat_rule(s.text(raw)))  # the short form
    sub = reader.sub(key)
    return read(sub) if sub else None


def validate_person(source: SourceFile, config: SiteConfig, diagnostics: Diagnostics) -> Person | None:
    """Validate a ``people/<id>.yaml`` file; `country` decides how local numbers are read."""
    reader = s.FieldReader(source.meta, source.lines, source.path, diagnostics, own_line=1)
    reader.reject_unknown(["name", "role", "organisation", "email", "phone", "country"])
    country = reader.get("country", f.country)
    name = reader.get("name", s.text, required=True)
    phones = reader.get("phone", s.list_of(f.phone(country)), default=())
    listed = isinstance(source.meta.get("phone"), list)
    for index, number in enumerate(phones):
        location = reader.location("phone", index) if listed else reader.location("phone")
        _warn_unlinked_phone(Fact(number, location), diagnostics)
    role = reader.get("role", s.translated(config.codes))
    organisation = reader.get("organisation", s.text)
    email = reader.get("email", f.email)
    if name is None:
        return None
    return Person(id=source.slug, path=source.path, name=name, role=role,
                  organisation=organisation, email=email, phones=phones)


def _warn_unlinked_phone(fact: Fact, diagnostics: Diagnostics) -> None:
    if fact.value.e164 is None:
        diagnostics.warning("field.phone", f"phone: '{fact.value.written}' is not a valid phone number; "
                            "it is shown as written, without a call link", fact.location,
                            "check the number and write it with its country code, e.g. +45 30 17 78 04")


def _region(config: SiteConfig, lang: str | None) -> str | None:
    if lang is None:
        return None
    return Locale.parse(config.language(lang).locale).territory


# -- records from the merged facts of all translations -------------------------------------

def finish_network(slug: str, texts: dict[str, Text], facts: dict[str, Fact]) -> Network:
    return Network(slug, texts, **_values(facts))


def finish_news(slug: str, texts: dict[str, Text], facts: dict[str, Fact], date: dt.date) -> NewsPost:
    return NewsPost(slug, date, texts, **_values(facts))


def finish_page(slug: str, texts: dict[str, Text]) -> Page:
    return Page(slug, texts)


def finish_event(slug: str, texts: dict[str, Text], facts: dict[str, Fact],
                 config: SiteConfig, diagnostics: Diagnostics) -> Event | None:
    """Build an event, checking what only the merged facts can show: start, end, time zone."""
    values = _values(facts)
    zone = zoneinfo.ZoneInfo(values.get("timezone", config.timezone))
    errors_before = _errors(diagnostics)
    _check_schedule(values, facts, Location(min(t.path for t in texts.values()), 1), diagnostics)
    for key in ("start", "end", "moved_from"):
        if isinstance(values.get(key), dt.datetime):
            values[key] = _in_zone(values[key], zone, facts[key].location, diagnostics)
    if "repeat" in values:
        values["repeat"] = _moves_in_zone(values["repeat"], zone, facts["repeat"].location, diagnostics)
    if _errors(diagnostics) > errors_before:
        return None
    recurrence, start = values.pop("repeat", None), values.get("start")
    if recurrence is not None and start is not None:
        recurrence = _anchor_rule(recurrence, start)
    time, end_time = values.pop("time", (None, None))
    previous_start = values.pop("moved_from", None)
    status = values.pop("status", "moved" if previous_start else "scheduled")
    return Event(slug, texts, values.pop("timezone", config.timezone), time=time, end_time=end_time,
                 recurrence=recurrence, previous_start=previous_start, status=status, **values)


def _check_schedule(values: dict, facts: dict[str, Fact], first: Location,
                    diagnostics: Diagnostics) -> None:
    start, end, recurrence = values.get("start"), values.get("end"), values.get("repeat")
    if start is None and recurrence is None:
        diagnostics.error("field.missing", "start: required field is missing (or give 'repeat' for a series)",
                          first)
    if "time" in values and (start is not None or recurrence is None):
        diagnostics.error("event.time", "time: only for a series without a start; "
                          "otherwise write the time in start and end", facts["time"].location)
    if end is not None and start is not None:
        if isinstance(start, dt.datetime) != isinstance(end, dt.datetime):
            diagnostics.error("event.end", "end: give both start and end with a time, or both as dates",
                              facts["end"].location)
        elif end < start or (end == start and isinstance(end, dt.datetime)):
            diagnostics.error("event.end", f"end: {_shown(end)} is not after start {_shown(start)}",
                              facts["end"].location)
    if recurrence is not None and start is None:
        if recurrence.count is not None:
            diagnostics.error("event.repeat", "repeat.count: counting needs a start; use until instead",
                              facts["repeat"].location)
        has_days = recurrence.weekdays or recurrence.month_day or recurrence.frequency == "daily"
        if recurrence.interval > 1 and has_days:  # which Fridays are "every other"?
            diagnostics.error("event.repeat", f"repeat: '{recurrence.written}' needs a start: the first "
                              "meeting, to count from", facts["repeat"].location)
        if "end" in values:
            diagnostics.error("event.end", "end: a series without a start gives its hours in 'time'",
                              facts["end"].location)
    if "moved_from" in values and values.get("status", "moved") != "moved":
        diagnostics.error("event.status", f"moved_from: the status is '{values['status']}', not 'moved'",
                          facts["moved_from"].location)
    if recurrence is not None and ("status" in values or "moved_from" in values):
        key = "status" if "status" in values else "moved_from"
        diagnostics.error("event.status", f"{key}: a series is cancelled or moved per meeting, "
                          "with repeat.cancelled and repeat.moved", facts[key].location)


def _moves_in_zone(rule: Recurrence, zone: zoneinfo.ZoneInfo, location: Location,
                   diagnostics: Diagnostics) -> Recurrence:
    moves = []
    for move in rule.moved:
        start, end = (_in_zone(t, zone, location, diagnostics) if isinstance(t, dt.datetime) else t
                      for t in (move.start, move.end))
        moves.append(replace(move, start=start, end=end))
    return replace(rule, moved=tuple(moves))


def _errors(diagnostics: Diagnostics) -> int:
    return sum(d.severity is Severity.ERROR for d in diagnostics.items)


def _anchor_rule(rule: Recurrence, start: dt.date) -> Recurrence:
    """Fill in the day a rule leaves to its start ("every week" from a Friday: Fridays)."""
    if rule.frequency == "weekly" and not rule.weekdays:
        return replace(rule, weekdays=(start.weekday(),))
    if rule.frequency == "monthly" and not rule.weekdays and rule.month_day is None:
        return replace(rule, month_day=start.day)
    return rule


def _in_zone(local: dt.datetime, zone: zoneinfo.ZoneInfo, location: Location,
             diagnostics: Diagnostics) -> dt.datetime | None:
    """Attach `zone` to a wall-clock time, refusing one skipped by a daylight-saving change."""
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local:
        diagnostics.error("field.datetime", f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key} "
                          "(the clocks skip it for daylight saving time)", location)
        return None
    return aware


def _shown(value: dt.date | dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if isinstance(value, dt.datetime) else value.isoformat()


def _values(facts: dict[str, Fact]) -> dict[str, Any]:
    return {key: fact.value for key, fact in facts.items()}
