"""Languages: translations of one item grouped into one record, fallbacks, UI catalogs.

An item is one record however many languages it is written in (`group_translations`). A
visitor of a language the item is not written in sees it in the first language of that
language's fallback list (`fallback_order`), marked with its own ``lang``. The interface
strings come from gettext catalogs (``sitegen/locale/<lang>/LC_MESSAGES/messages.po``),
compiled in memory with Babel so that only the ``.po`` files are kept in git.
"""
from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from . import validate
from .config import SiteConfig
from .errors import Diagnostics, Location
from .filecache import FileCache, KindCaches, differing
from .history import TextDates
from .records import Event, Network, NewsPost, Page, Phone, Text, Translated
from .validate import Fact, Translation

LOCALE_DIR = Path(__file__).parent / "locale"


ITEM_KINDS = ("networks", "events", "news", "pages")   # the dicts of `Grouped` (and of `Site`)


@dataclass(frozen=True, slots=True)
class Grouped:
    """Every multilingual item, one record each, keyed by slug."""

    networks: dict[str, Network]
    events: dict[str, Event]
    news: dict[str, NewsPost]
    pages: dict[str, Page]
    facts: Mapping[tuple[str, str, str], Fact]  # (kind, slug, field) -> the fact and where it is written


class ItemFacts(Mapping):
    """The facts of every item by (kind, slug, field), kept in each item's own dict: merging
    them into one would cost a pass over every fact at each of the preview's loads."""

    def __init__(self, by_item: dict[tuple[str, str], dict[tuple[str, str, str], Fact]]):
        self.by_item = by_item

    def __getitem__(self, key: tuple[str, str, str]) -> Fact:
        return self.by_item[key[:2]][key]

    def __iter__(self):
        return (key for facts in self.by_item.values() for key in facts)

    def __len__(self) -> int:
        return sum(map(len, self.by_item.values()))


Item = tuple[str, str]   # (kind, slug)
Record = Network | Event | NewsPost | Page


def group_translations(translations: dict[str, Translation], config: SiteConfig, diagnostics: Diagnostics,
                       cache: FileCache | None = None) -> Grouped:
    """Merge the translations of each item into one record.

    A shared fact may be written in any one translation; when two translations both write it
    and disagree, that is an error naming both files. A `cache` kept between loads regroups
    and merges again only the items with a changed translation (see `Grouping`).
    """
    cache = cache or FileCache()
    last: Grouping | None = cache.kept if cache.kept and cache.kept.config == config else None
    groups = _regroup(translations, last.translations, last.groups) if last else _groups(translations)
    merged = cache.map(groups, lambda item, found: _merge(*item, groups[item], config, found), diagnostics,
                       config)
    grouped = (last and _patched(last.grouped, last.merged, merged)) or _assembled(merged)
    cache.kept = Grouping(config, translations, groups, merged, grouped)
    return grouped


class Grouping(NamedTuple):
    """What `group_translations` keeps of its last call."""

    config: SiteConfig
    translations: dict[str, Translation]
    groups: dict[Item, tuple[Translation, ...]]
    merged: dict[Item, tuple]   # each item's record (None: it has errors) and facts
    grouped: Grouped


def _groups(translations: dict[str, Translation]) -> dict[Item, tuple[Translation, ...]]:
    """The translations of each item, by path; the items in order."""
    by_item: dict[Item, list[Translation]] = defaultdict(list)
    for translation in sorted(translations.values(), key=lambda t: t.text.path):
        by_item[translation.kind, translation.slug].append(translation)
    return {item: tuple(group) for item, group in sorted(by_item.items())}


def _regroup(translations: dict[str, Translation], before: dict[str, Translation],
             groups: dict[Item, tuple[Translation, ...]]) -> dict[Item, tuple[Translation, ...]]:
    """`groups` of the translations `before`, brought up to date: only the items of the
    translations added, removed or changed are grouped again."""
    changed = set(differing(before, translations))
    if not changed:
        return groups
    items = {(t.kind, t.slug) for path in changed for t in (before.get(path), translations.get(path)) if t}
    added = items - groups.keys()
    groups = dict(groups)
    for item in items:
        members = [t for t in groups.get(item, ()) if t.text.path not in changed]
        members += (translations[path] for path in changed
                    if path in translations and (translations[path].kind, translations[path].slug) == item)
        if members:
            groups[item] = tuple(sorted(members, key=lambda t: t.text.path))
        else:
            del groups[item]
    return dict(sorted(groups.items())) if added else groups


def _assembled(merged: dict[Item, tuple]) -> Grouped:
    """The records of the items `merged` (those without errors) and every item's facts."""
    facts_by_item: dict[Item, dict[tuple[str, str, str], Fact]] = {}
    grouped = Grouped({}, {}, {}, {}, ItemFacts(facts_by_item))
    for (kind, slug), (record, facts) in merged.items():
        facts_by_item[kind, slug] = facts
        if record is not None:
            getattr(grouped, kind)[slug] = record
    return grouped


def _patched(grouped: Grouped, before: dict[Item, tuple], merged: dict[Item, tuple]) -> Grouped | None:
    """`grouped` (assembled from `before`) with the items merged again replaced; None when an
    item is new or had errors before, as its record would not be in its place in the order."""
    if merged is before:
        return grouped
    if merged.keys() != before.keys():
        return None
    changed = differing(before, merged)   # the same keys: the items merged again
    if any(before[item][0] is None for item in changed):
        return None
    records = {kind: dict(getattr(grouped, kind)) for kind in {kind for kind, _ in changed}}
    facts_by_item = dict(grouped.facts.by_item)
    for kind, slug in changed:
        record, facts = merged[kind, slug]
        facts_by_item[kind, slug] = facts
        if record is None:
            del records[kind][slug]
        else:
            records[kind][slug] = record
    return replace(grouped, **records, facts=ItemFacts(facts_by_item))


def _merge(kind: str, slug: str, group: list[Translation], config: SiteConfig, diagnostics: Diagnostics
           ) -> tuple[Record | None, dict[tuple[str, str, str], Fact]]:
    """One item's record (None if it has errors) and its facts, by (kind, slug, field)."""
    texts = _texts(group, diagnostics)
    facts = _merge_facts(group, diagnostics)
    if not all(t.valid for t in group):
        return None, {}  # its errors are reported; checks across fields would only repeat them
    located = {(kind, slug, key): fact for key, fact in facts.items()}
    if kind == "news":
        if len({t.date for t in group}) > 1:
            _conflict("date", group[0].text.path, group[-1].text.path, Location(group[-1].text.path),
                      diagnostics)
        return validate.finish_news(slug, texts, facts, group[0].date), located
    if kind == "networks":
        return validate.finish_network(slug, texts, facts), located
    if kind == "pages":
        return validate.finish_page(slug, texts), located
    return validate.finish_event(slug, texts, facts, config, diagnostics), located


def _texts(group: list[Translation], diagnostics: Diagnostics) -> dict[str, Text]:
    texts: dict[str, Text] = {}
    for translation in group:
        lang = translation.text.lang
        if lang in texts:
            diagnostics.error("i18n.duplicate", f"a second '{lang}' text of {translation.kind[:-1]} "
                              f"'{translation.slug}' (the first is {texts[lang].path})",
                              Location(translation.text.path))
            continue
        texts[lang] = translation.text
    return texts


def _merge_facts(group: list[Translation], diagnostics: Diagnostics) -> dict[str, Fact]:
    merged: dict[str, Fact] = {}
    for translation in group:
        for key, fact in translation.facts.items():
            first = merged.setdefault(key, fact)
            if _meaning(first.value) != _meaning(fact.value):
                _conflict(key, str(first.location), translation.text.path, fact.location, diagnostics)
    return merged


def _meaning(value):
    """What a fact says: a phone number by its number, not by how it is written."""
    return value.e164 or value.written if isinstance(value, Phone) else value


def _conflict(key: str, first: str, second: str, location: Location, diagnostics: Diagnostics) -> None:
    diagnostics.error("i18n.conflict", f"{key}: disagrees with {first}",
                      location, "write a shared fact in one translation only, or the same in each")


def published_only(grouped: Grouped, drafts: bool, caches: KindCaches | None = None) -> Grouped:
    """Leave out draft texts (unless `drafts`), and the items with no text left. `caches`
    kept between loads look again only at the items that changed."""
    caches = caches if caches is not None else KindCaches()
    kept = {}
    for kind in ITEM_KINDS:
        items = getattr(grouped, kind)
        shown = caches[kind].map(items, lambda slug, _, items=items: _published(items[slug], drafts),
                                 Diagnostics(), drafts)
        hidden = any(item is None for item in shown.values())
        kept[kind] = {slug: item for slug, item in shown.items() if item is not None} if hidden else shown
    return Grouped(kept["networks"], kept["events"], kept["news"], kept["pages"], grouped.facts)


def _published(item: Record, drafts: bool) -> Record | None:
    """The item with its published texts, None if it has none."""
    texts = {lang: t for lang, t in item.texts.items() if drafts or not t.draft}
    if not texts:
        return None
    return item if len(texts) == len(item.texts) else replace(item, texts=texts)


# -- fallbacks ----------------------------------------------------------------------------

def every_text(grouped: Grouped) -> list[Text]:
    """The texts of every item of `grouped` (or of a `Site`, which has the same four dicts)."""
    return [text for kind in ITEM_KINDS for item in getattr(grouped, kind).values()
            for text in item.texts.values()]


def check_translation_dates(grouped: Grouped, dates: dict[str, TextDates], config: SiteConfig,
                            diagnostics: Diagnostics) -> None:
    """Warn about translations whose original changed after them (`i18n.outdated`).

    An item's original is its text written first (by git history; of texts added together,
    the one in the site's first language). A translation is outdated when the original's text
    (title, summary, body) changed after the translation's text last did.
    """
    order = {code: index for index, code in enumerate(config.codes)}
    for items in (grouped.networks, grouped.events, grouped.news, grouped.pages):
        for item in items.values():
            texts = [text for text in item.texts.values() if text.path in dates]
            if len(texts) < 2:
                continue
            original = min(texts, key=lambda text: (dates[text.path].written, order[text.lang]))
            changed = dates[original.path].changed
            for text in texts:
                if text is not original and changed > dates[text.path].changed:
                    diagnostics.warning(
                        "i18n.outdated", f"the original, {original.path}, changed on {changed:%Y-%m-%d}, "
                        f"after this translation last did ({dates[text.path].changed:%Y-%m-%d})",
                        Location(text.path), "compare it with the original and update it; any change "
                        "to its title, summary or body marks it as current")


def fallback_order(config: SiteConfig, lang: str) -> tuple[str, ...]:
    """Return the languages to try for a page in `lang`: itself, its configured fallbacks,
    the default language, then the others in the site's order."""
    order = [lang]
    for code in (*config.language(lang).fallbacks, config.default_language, *config.codes):
        if code not in order:
            order.append(code)
    return tuple(order)


def pick_text(texts: Mapping[str, Text], lang: str, config: SiteConfig) -> Text:
    """Return the item's text in `lang`, or in the first fallback language it is written in."""
    return texts[next(code for code in fallback_order(config, lang) if code in texts)]


def pick(value: Translated | None, lang: str, config: SiteConfig) -> tuple[str, str] | None:
    """Return ``(text, its language)`` of a translated field for a page in `lang`."""
    if not value:
        return None
    if "*" in value:
        return value["*"], lang
    code = next((code for code in fallback_order(config, lang) if code in value), None)
    return (value[code], code) if code else None


# -- interface catalogs -------------------------------------------------------------------

def load_catalogs(config: SiteConfig, locale_dir: Path = LOCALE_DIR) -> dict[str, Translations]:
    """Compile each language's ``messages.po`` into gettext translations, in memory."""
    catalogs = {}
    for lang in config.codes:
        po_path = locale_dir / lang / "LC_MESSAGES" / "messages.po"
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=config.language(lang).locale)
        mo = io.BytesIO()
        write_mo(mo, catalog, use_fuzzy=False)
        mo.seek(0)
        catalogs[lang] = Translations(mo, domain="messages")
    return catalogs


def missing_catalogs(config: SiteConfig, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Return the site languages that have no interface catalog."""
    return [lang for lang in config.codes
            if not (locale_dir / lang / "LC_MESSAGES" / "messages.po").is_file()]

