"""Parsers for the values editors write: e-mail, phone numbers, dates, times, repeat rules.

Each parser takes the raw YAML value and returns a typed value or raises `FieldError` with a
message an editor can act on. They know nothing about files or lines; `schema.FieldReader`
adds those.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from .records import STATUSES, Move, Online, Phone, Place, Recurrence, Registration
from .schema import FieldError, FieldReader, boolean, choice, integer, list_of, text, url

status = choice(STATUSES)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
            "fourth": 4, "4th": 4, "last": -1}
_DATE = r"(?P<date>\d{4}-\d{1,2}-\d{1,2})"
_TIME = r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
_DATETIME = re.compile(rf"^{_DATE}(?:[T ]+{_TIME})?$")
_CLOCK = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?$")


def email(raw: Any) -> str:
    """An e-mail address, checked for syntax (not for delivery: builds run offline)."""
    value = text(raw)
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise FieldError(f"'{value}' is not a valid e-mail address: {exc}", "field.email") from None


def phone(region: str | None):
    """A parser for phone numbers; local numbers are read as numbers of `region` ("DK")."""
    def parse_phone(raw: Any) -> Phone:
        written = text(raw)
        try:
            number = phonenumbers.parse(written, region)
        except phonenumbers.NumberParseException:
            return Phone(written, None, written)
        if not phonenumbers.is_valid_number(number):
            return Phone(written, None, written)
        return Phone(written, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                     phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    return parse_phone


def date(raw: Any) -> dt.date:
    """A calendar date written YYYY-MM-DD."""
    value = text(raw)
    match = _DATETIME.match(value)
    if not match or match["hour"]:
        raise FieldError(f"'{value}' is not a date (write YYYY-MM-DD)", "field.date")
    return _make_date(match["date"])


def date_or_datetime(raw: Any) -> dt.date | dt.datetime:
    """A date (all day) or a local wall-clock date and time: ``2024-01-26 8:30``.

    The result is naive: the time zone is the event's, applied by the caller.
    """
    value = text(raw)
    match = _DATETIME.match(value)
    if not match:
        if re.search(r"[+-]\d{2}:?\d{2}$|Z$", value):
            raise FieldError(f"'{value}' has a UTC offset; write the local time and set 'timezone'",
                             "field.datetime")
        raise FieldError(f"'{value}' is not a date or date and time (write YYYY-MM-DD HH:MM)",
                         "field.datetime")
    day = _make_date(match["date"])
    if match["hour"] is None:
        return day
    return dt.datetime.combine(day, _make_time(match["hour"], match["minute"], value))


def time_range(raw: Any) -> tuple[dt.time, dt.time | None]:
    """A time of day or a range: ``8.30``, ``10-14``, ``8:30–10:30``."""
    value = text(raw)
    parts = [p.strip() for p in re.split(r"\s*[-–—]\s*", value)]
    if len(parts) > 2 or not all(_CLOCK.match(p) for p in parts):
        raise FieldError(f"'{value}' is not a time or time range (write 10:00-14:00)", "field.time")
    times = [_make_time(m["hour"], m["minute"] or "0", value) for m in map(_CLOCK.match, parts)]
    if len(times) == 2 and times[1] <= times[0]:
        raise FieldError(f"'{value}' ends before it starts", "field.time")
    return times[0], times[1] if len(times) == 2 else None


def _make_date(value: str) -> dt.date:
    year, month, day = (int(p) for p in value.split("-"))
    if not 1900 <= year <= 2999:
        raise FieldError(f"{value} is not a year between 1900 and 2999", "field.date")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise FieldError(f"{value} is not a date that exists", "field.date") from None


def _make_time(hour: str, minute: str, written: str) -> dt.time:
    try:
        return dt.time(int(hour), int(minute))
    except ValueError:
        raise FieldError(f"'{written}' is not a time of day", "field.time") from None


# -- repeat rules -------------------------------------------------------------------------

def repeat_rule(written: str) -> Recurrence:
    """Parse an English repeat rule into a `Recurrence`.

    Understood forms (case does not matter): "every day", "every week", "every friday",
    "every monday and thursday", "every 2 weeks on tuesday", "every other week on friday",
    "every month", "every month on the last friday", "every month on day 15",
    "every year", "every 2 years", "every other year".
    """
    rule = " ".join(written.lower().replace(",", " ").split())
    unit = "(day|week|month|year)s?"
    match = re.fullmatch(rf"every (?:(?P<n>\d+|other) )?{unit}(?: on (?P<on>.+))?", rule)
    if match:
        interval = 2 if match["n"] == "other" else int(match["n"] or 1)
        if interval < 1:
            raise FieldError(f"'{written}': the interval must be at least 1", "field.repeat")
        frequency = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}[match[2]]
        on = match["on"]
    else:
        days = re.fullmatch(r"every (.+)", rule)
        if not days:
            raise FieldError(f"'{written}' is not a repeat rule", "field.repeat",
                             "write for example 'every friday' or 'every month on the last friday'")
        frequency, interval, on = "weekly", 1, days[1]
    weekdays, ordinal, month_day = _repeat_on(on, frequency, written)
    return Recurrence(written=written, frequency=frequency, interval=interval,
                      weekdays=weekdays, ordinal=ordinal, month_day=month_day)


def _repeat_on(on: str | None, frequency: str, written: str):
    if on is None:
        return (), None, None
    if frequency == "weekly":
        return _weekdays(on, written), None, None
    if frequency == "monthly":
        day = re.fullmatch(r"(?:the )?day (\d{1,2})", on)
        if day and 1 <= int(day[1]) <= 31:
            return (), None, int(day[1])
        nth = re.fullmatch(r"(?:the )?(\S+) (\S+)", on)
        if nth and nth[1] in ORDINALS:
            weekday = _weekdays(nth[2], written)
            return weekday, ORDINALS[nth[1]], None
    raise FieldError(f"'{written}': cannot read '{on}'", "field.repeat",
                     "monthly rules take 'on the last friday' or 'on day 15'; weekly rules 'on friday'")


def _weekdays(words: str, written: str) -> tuple[int, ...]:
    names = [w.removesuffix("s") for w in re.split(r"\s+and\s+|\s+", words) if w]
    unknown = [n for n in names if n not in WEEKDAYS]
    if unknown or not names:
        raise FieldError(f"'{written}': '{unknown[0] if unknown else words}' is not a weekday",
                         "field.repeat")
    return tuple(sorted({WEEKDAYS.index(n) for n in names}))


# -- nested mappings ----------------------------------------------------------------------

def read_place(fields: FieldReader) -> Place | None:
    fields.reject_unknown(["name", "address", "postal_code", "city", "country", "latitude",
                           "longitude"])
    name = fields.get("name", text, required=True)
    latitude = fields.get("latitude", coordinate(90))
    longitude = fields.get("longitude", coordinate(180))
    if (latitude is None) != (longitude is None):
        fields.diagnostics.error("field.missing", f"{fields.name('latitude')}: give both latitude "
                                 "and longitude, or neither", fields.location())
    if name is None:
        return None
    return Place(name, fields.get("address", text), fields.get("postal_code", text),
                 fields.get("city", text), fields.get("country", country), latitude, longitude)


def coordinate(limit: int):
    """A parser for a latitude (`limit` 90) or longitude (180) in decimal degrees."""
    def parse_coordinate(raw: Any) -> float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not -limit <= raw <= limit:
            raise FieldError(f"expected decimal degrees between -{limit} and {limit}, got {raw!r}",
                             "field.coordinate")
        return float(raw)
    return parse_coordinate


def read_online(fields: FieldReader) -> Online | None:
    fields.reject_unknown(["service", "url"])
    service = fields.get("service", text, required=True)
    return Online(service, fields.get("url", url)) if service else None


def read_registration(fields: FieldReader) -> Registration:
    fields.reject_unknown(["email", "url", "deadline", "required"])
    return Registration(fields.get("email", email), fields.get("url", url),
                        fields.get("deadline", date), fields.get("required", boolean, default=False))


MAX_COUNT = 1000   # meetings in one series: a weekly one over 19 years; more is a typing mistake


def read_repeat(fields: FieldReader) -> Recurrence | None:
    fields.reject_unknown(["rule", "until", "count", "except", "cancelled", "moved"])
    rule = fields.get("rule", lambda raw: repeat_rule(text(raw)), required=True)
    count = fields.get("count", integer)
    if count is not None and not 1 <= count <= MAX_COUNT:
        fields.diagnostics.error("field.repeat", f"{fields.name('count')}: must be from 1 to {MAX_COUNT}",
                                 fields.location("count"), "for a series without an end, leave count out")
        count = None
    moves = []
    for index, raw in enumerate(fields.get("moved", lambda raw: raw if isinstance(raw, list) else [raw],
                                           default=[])):
        move = read_move(raw, fields, index)
        if move is not None:
            moves.append(move)
    until = fields.get("until", date)
    if until is not None and count is not None:   # RFC 5545 allows one or the other
        fields.diagnostics.error("field.repeat", f"{fields.name('count')}: a series ends by its count or "
                                 "by its until date, not both", fields.location("count"),
                                 "keep the one you mean")
        count = None
    skipped = fields.get("except", list_of(date), default=())
    cancelled = fields.get("cancelled", list_of(date), default=())
    if rule is None:
        return None
    return replace(rule, until=until, count=count, exceptions=skipped, cancelled=cancelled,
                   moved=tuple(moves))


def read_move(raw: Any, fields: FieldReader, index: int) -> Move | None:
    """One ``moved:`` entry: ``{date: 2026-03-27, to: 2026-03-20 17:00, end: …}`` (naive times)."""
    if not isinstance(raw, dict):
        fields.diagnostics.error("field.type", f"{fields.name('moved')}.{index}: expected date, to "
                                 "and optionally end", fields.location("moved", index))
        return None
    move = FieldReader(raw, fields.lines, fields.path, fields.diagnostics,
                       prefix=fields.prefix + ("moved", index),
                       own_line=fields.location("moved", index).line)
    move.reject_unknown(["date", "to", "end"])
    original = move.get("date", date, required=True)
    start = move.get("to", date_or_datetime, required=True)
    end = move.get("end", date_or_datetime)
    return Move(original, start, end) if original and start else None


def country(raw: Any) -> str:
    value = text(raw).upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise FieldError(f"'{raw}' is not a two-letter country code such as FI or DK", "field.country")
    return value
