"""`content/site.yaml` → a frozen `SiteConfig`: languages, titles, base URL, time zone.

Configuration problems are reported like content problems (file, line, field) but stop the
build with exit code 2: nothing else can be checked against a broken configuration.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from babel import Locale, UnknownLocaleError

from . import schema
from .errors import BuildFailed, Diagnostics, Location, display_path
from .yamlpos import YamlProblem, parse_yaml

CONFIG_FILE = "site.yaml"


@dataclass(frozen=True, slots=True)
class Language:
    code: str          # URL prefix and file-name suffix: "da"
    name: str          # the language named in itself: "Dansk"
    locale: str        # Babel locale for dates: "da_DK"
    fallbacks: tuple[str, ...]  # languages to link to when an item is not written in this one
    timezone: str | None = None  # its readers' zone: times elsewhere get a label ("Tanskan aikaa")


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: dict[str, str]
    description: dict[str, str]
    languages: tuple[Language, ...]
    default_language: str
    base_url: str      # always ends with "/"
    timezone: str

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def with_base_url(self, base_url: str) -> SiteConfig:
        return replace(self, base_url=normalise_base_url(base_url))


def normalise_base_url(value: str) -> str:
    return value if value.endswith("/") else value + "/"


def load_config(content_dir: Path, root: Path) -> SiteConfig:
    """Read and validate ``site.yaml`` in `content_dir`; raise `BuildFailed` (exit 2) on errors."""
    path = content_dir / CONFIG_FILE
    shown = display_path(path, root)
    diagnostics = Diagnostics()
    try:
        parsed = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        diagnostics.error("config.missing", f"no {CONFIG_FILE} here", Location(shown))
        raise BuildFailed(diagnostics, exit_code=2) from None
    except (UnicodeDecodeError, OSError) as exc:
        diagnostics.error("config.unreadable", f"cannot read: {exc}", Location(shown))
        raise BuildFailed(diagnostics, exit_code=2) from None
    except YamlProblem as exc:
        diagnostics.error("config.yaml", exc.message, Location(shown, exc.line))
        raise BuildFailed(diagnostics, exit_code=2) from None
    if not isinstance(parsed.data, dict):
        diagnostics.error("config.type", "site.yaml must be a mapping of settings", Location(shown, 1))
        raise BuildFailed(diagnostics, exit_code=2)
    config = _validate(schema.FieldReader(parsed.data, parsed.lines, shown, diagnostics, own_line=1))
    if diagnostics.has_errors:
        raise BuildFailed(diagnostics, exit_code=2)
    return config


def _validate(fields: schema.FieldReader) -> SiteConfig | None:
    fields.reject_unknown(["title", "description", "languages", "default_language",
                           "base_url", "timezone"])
    languages = _languages(fields)
    codes = [lang.code for lang in languages]
    # Without valid languages there is nothing to check the default language against.
    default = fields.get("default_language", schema.choice(codes) if codes else schema.text,
                         required=True)
    in_languages = schema.translated(codes)
    title = fields.get("title", in_languages, required=True)
    description = fields.get("description", in_languages, default={})
    base_url = fields.get("base_url", schema.url, required=True)
    timezone = fields.get("timezone", schema.timezone, required=True)
    if title and "*" not in title:
        for code in codes:
            if code not in title:
                fields.diagnostics.error("config.title", f"title: no title for '{code}'",
                                         fields.location("title"))
    if None in (default, title, base_url, timezone) or not languages:
        return None
    return SiteConfig(title=title, description=description, languages=tuple(languages),
                      default_language=default, base_url=normalise_base_url(base_url),
                      timezone=timezone)


def _languages(fields: schema.FieldReader) -> list[Language]:
    raw = fields.get("languages", lambda value: value, required=True)
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        fields.diagnostics.error("field.type", "languages: expected a list of languages",
                                 fields.location("languages"))
        return []
    codes = [item.get("code") for item in raw if isinstance(item, dict)]
    languages = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            fields.diagnostics.error("field.type", f"languages.{index}: expected a mapping "
                                     "with code, name and locale", fields.location("languages", index))
            continue
        entry = schema.FieldReader(item, fields.lines, fields.path, fields.diagnostics,
                                   prefix=("languages", index),
                                   own_line=fields.location("languages", index).line)
        entry.reject_unknown(["code", "name", "locale", "fallbacks", "timezone"])
        code = entry.get("code", schema.slug, required=True)
        name = entry.get("name", schema.text, required=True)
        locale = entry.get("locale", _locale, required=True)
        fallbacks = entry.get("fallbacks", schema.list_of(schema.choice([c for c in codes if c != code])),
                              default=())
        zone = entry.get("timezone", schema.timezone)
        if None not in (code, name, locale):
            languages.append(Language(code, name, locale, fallbacks, zone))
    seen = set()
    for index, language in enumerate(languages):
        if language.code in seen:
            fields.diagnostics.error("config.language", f"languages: '{language.code}' is listed twice",
                                     fields.location("languages", index))
        seen.add(language.code)
    return languages


def _locale(raw) -> str:
    value = schema.text(raw)
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError):
        raise schema.FieldError(f"unknown locale '{value}' (use a CLDR name such as fi_FI)",
                                "field.locale") from None
    return value

