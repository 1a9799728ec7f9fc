"""Typed fields out of a parsed YAML mapping, each problem reported at its line.

Validation code asks a `FieldReader` for one field at a time with a parser (a function from
the raw YAML value to a typed value that raises `FieldError`). The reader turns every failure
into a `Diagnostic` that names the file, the line and the field, so callers never format
messages themselves and one bad field never hides the next.
"""
from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .errors import Diagnostics, Location, did_you_mean

T = TypeVar("T")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class FieldError(ValueError):
    """A raw value that does not fit its field; the message says why, without the field name."""

    def __init__(self, message: str, code: str = "field.value", hint: str | None = None):
        super().__init__(message)
        self.code, self.hint = code, hint


class FieldReader:
    """Reads the fields of one YAML mapping in one file."""

    def __init__(self, data: dict, lines: dict, path: str, diagnostics: Diagnostics,
                 *, prefix: tuple = (), own_line: int = 0):
        self.data, self.lines, self.path = data, lines, path
        self.diagnostics, self.prefix = diagnostics, prefix
        self.own_line = own_line

    def location(self, *keys) -> Location:
        """Return the location of a key (or of this mapping when no key is given)."""
        line = self.lines.get(self.prefix + keys)
        return Location(self.path, line or self.own_line)

    def name(self, key: str) -> str:
        return ".".join(str(k) for k in self.prefix + (key,))

    def get(self, key: str, parse: Callable[[Any], T], *, required: bool = False,
            default: Any = None) -> T | Any:
        """Return the parsed field, or `default` after reporting why it is missing or wrong."""
        raw = self.data.get(key)
        if raw is None:
            if required and key in self.data:
                self.diagnostics.error("field.empty", f"{self.name(key)}: must not be empty",
                                       self.location(key))
            elif required:
                self.diagnostics.error("field.missing", f"{self.name(key)}: required field is missing",
                                       self.location())
            return default
        try:
            return parse(raw)
        except FieldError as exc:
            self.diagnostics.error(exc.code, f"{self.name(key)}: {exc}", self.location(key), exc.hint)
            return default

    def sub(self, key: str) -> FieldReader | None:
        """Return a reader for a nested mapping, or None (reported) if it is not one."""
        raw = self.data.get(key)
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.diagnostics.error("field.type", f"{self.name(key)}: expected a mapping of fields",
                                   self.location(key))
            return None
        return FieldReader(raw, self.lines, self.path, self.diagnostics,
                           prefix=self.prefix + (key,),
                           own_line=self.location(key).line)

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        """Report every key not in `allowed`, with the closest allowed key as a hint."""
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                self.diagnostics.error("field.unknown", f"{self.name(str(key))}: unknown field",
                                       self.location(key), did_you_mean(key, allowed))


# -- parsers for plain values -------------------------------------------------------------

def text(raw: Any) -> str:
    """A non-empty string; numbers are accepted as written."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise FieldError("expected text", "field.type")
    value = str(raw).strip()
    if not value:
        raise FieldError("must not be empty")
    return value


def integer(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise FieldError(f"expected a whole number, got {raw!r}", "field.type")
    return raw


def natural(raw: Any) -> int:
    """A whole number of at least 0 (a count, such as a calendar SEQUENCE)."""
    value = integer(raw)
    if value < 0:
        raise FieldError(f"must be 0 or more, got {value}")
    return value


def boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise FieldError(f"expected true or false, got {raw!r}", "field.type")
    return raw


def slug(raw: Any) -> str:
    """An identifier made of lowercase letters, digits and single hyphens."""
    value = text(raw)
    if not SLUG_RE.match(value):
        raise FieldError(f"'{value}' is not a valid id (lowercase a-z, 0-9 and hyphens)", "field.slug")
    return value


def list_of(parse: Callable[[Any], T]) -> Callable[[Any], tuple[T, ...]]:
    """A parser for a list (or a single value) of items each parsed by `parse`."""
    def parse_list(raw: Any) -> tuple[T, ...]:
        items = raw if isinstance(raw, list) else [raw]
        return tuple(parse(item) for item in items)
    return parse_list


def choice(options: Iterable[str]) -> Callable[[Any], str]:
    options = tuple(options)

    def parse_choice(raw: Any) -> str:
        value = text(raw)
        if value not in options:
            raise FieldError(f"'{value}' is not one of {', '.join(options)}",
                             hint=did_you_mean(value, options))
        return value
    return parse_choice


def translated(languages: Iterable[str]) -> Callable[[Any], dict[str, str]]:
    """Text that is the same in every language, or a mapping ``{language: text}``."""
    languages = tuple(languages)

    def parse_translated(raw: Any) -> dict[str, str]:
        if isinstance(raw, dict):
            unknown = [str(k) for k in raw if k not in languages]
            if unknown:
                raise FieldError(f"unknown language '{unknown[0]}' (the site has {', '.join(languages)})",
                                 "field.language", did_you_mean(unknown[0], languages))
            return {lang: text(value) for lang, value in raw.items()}
        return {"*": text(raw)}
    return parse_translated


def url(raw: Any) -> str:
    """An absolute http(s) URL."""
    value = text(raw)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FieldError(f"'{value}' is not an http(s) URL", "field.url")
    return value


def timezone(raw: Any) -> str:
    """An IANA time zone name such as Europe/Helsinki."""
    value = text(raw)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise FieldError(f"unknown time zone '{value}'", "field.timezone",
                         did_you_mean(value, zoneinfo.available_timezones())) from None
    return value
