"""References between items: every id an item names must exist.

Records refer to each other by id (``network: kemi-perhekeskus``, ``contacts: [...]``). An
unknown id is an error at the line that names it, with the closest existing id as a hint.
"""
from __future__ import annotations

import functools
import html
import posixpath
import re

from .errors import Diagnostics, Location, did_you_mean
from .filecache import FileCache, KindCaches, differing
from .i18n import ITEM_KINDS, Grouped
from .markup import Markup
from .records import Event, Network, Person
from .schema import SLUG_RE

# Of each kind: (field, the kind it refers to)
REFERENCES = {
    "networks": (("contacts", "people"),),
    "events": (("network", "networks"), ("contacts", "people")),
    "news": (("network", "networks"), ("author", "people")),
}
TARGETS = ("networks", "people")   # the kinds referred to


def resolve_references(grouped: Grouped, published: Grouped, people: dict[str, Person],
                       existing: set[tuple[str, str]], diagnostics: Diagnostics,
                       caches: KindCaches | None = None) -> None:
    """Report every reference to an item that does not exist, or that a published item makes
    to one that is not published.

    `grouped` holds every item, drafts too, so that a draft is checked before the day it is
    published; `published` what is built. `existing` holds (kind, id) of every content file
    of the `TARGETS` kinds, valid or not: a reference to an item whose own file has errors is
    not wrong, and saying so would only mislead. `caches` kept between loads check again only
    the items merged again (`group_translations` hands back the very record, with the very
    facts and their lines, of an item it did not merge again), while the items referred to
    are the same.
    """
    caches = caches if caches is not None else KindCaches()
    targets = {"networks": published.networks, "people": people}
    all_targets = {"networks": grouped.networks, "people": people}
    known = {kind: frozenset(slug for k, slug in existing if k == kind) for kind in TARGETS}
    context = (*(found.keys() for found in (*targets.values(), *all_targets.values())), *known.values())

    def check(kind: str, slug: str, found: Diagnostics) -> None:
        record = getattr(grouped, kind)[slug]
        for field, target_kind in REFERENCES[kind]:
            value = getattr(record, field)
            fact = grouped.facts.get((kind, slug, field))
            refs = value if isinstance(value, tuple) else (value,)
            for index, ref in enumerate(refs):
                if ref is None or ref in targets[target_kind] or not SLUG_RE.match(ref):
                    continue  # (not an id: an author written as a name)
                noun = "network" if target_kind == "networks" else "person"
                where = fact.items[index] if fact and fact.items else fact.location if fact else None
                if ref in all_targets[target_kind]:
                    if slug in getattr(published, kind):  # a draft may name a draft
                        found.error("ref.draft", f"{field}: {noun} '{ref}' is not published yet "
                                    "(a draft, or its publish_date is to come)", where,
                                    "publish it too, or build with --drafts")
                elif ref not in known[target_kind]:
                    found.error(f"ref.{noun}", f"{field}: unknown {noun} '{ref}'", where,
                                did_you_mean(ref, known[target_kind]))

    for kind in REFERENCES:   # by identity: a record merged again may have its facts on other lines
        caches[kind].map(getattr(grouped, kind), functools.partial(check, kind), diagnostics, context,
                         identity=True)


# The links Markdown made: read from the HTML, so code, footnotes and references count as
# Markdown itself reads them.
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"')
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CONTENT_FILE = re.compile(
    r"^(?P<kind>networks|events|news|pages)/(?:\d{4}-\d{2}-\d{2}-)?(?P<slug>[a-z0-9-]+?)"
    r"(?:\.[a-z]{2,3})?\.md$|^people/(?P<person>[a-z0-9-]+)\.yaml$")

BodyLinks = dict[str, dict[str, tuple[str, str]]]  # text path -> link target -> (kind, id)


def resolve_body_links(grouped: Grouped, published: Grouped, people: dict[str, Person], markup: Markup,
                       diagnostics: Diagnostics, caches: KindCaches | None = None) -> BodyLinks:
    """Find the links in Markdown bodies to other content files; report those that lead nowhere.

    Editors link files as their git host's preview does (``[the network](../networks/kemi.fi.md)``,
    with or without the language); the site turns each into the item's page for the reader's
    language. A relative link to anything but a content file would be dead on the site, and
    so would a link from a published text to a draft. Drafts' own links are checked too.
    `caches` kept between loads read again only the items that changed, while the items there
    are to link to are the same.
    """
    caches = caches if caches is not None else KindCaches()
    items = {"networks": grouped.networks, "events": grouped.events, "news": grouped.news,
             "pages": grouped.pages, "people": people}
    shown = {"networks": published.networks, "events": published.events, "news": published.news,
             "pages": published.pages, "people": people}
    context = tuple(found.keys() for found in (*items.values(), *shown.values()))

    def links(kind: str, slug: str, found: Diagnostics) -> BodyLinks:
        shown_record = shown[kind].get(slug)
        shown_langs = shown_record.texts if shown_record else ()
        return {text.path: _links_of(text, markup, shown if lang in shown_langs else items, found)
                for lang, text in items[kind][slug].texts.items()}

    before, kept = caches.kept or ({}, {})
    by_kind = {kind: caches[kind].map(items[kind], functools.partial(links, kind), diagnostics, context)
               for kind in ITEM_KINDS}
    found = kept
    for kind, by_item in by_kind.items():
        was = before.get(kind, {})
        if by_item is was:
            continue
        if found is kept:
            found = dict(kept)
        changed = differing(was, by_item)
        for slug in changed:
            for path in was.get(slug, ()):
                del found[path]
        for slug in changed:
            found.update(by_item.get(slug, {}))
    caches.kept = by_kind, found
    return found


def _links_of(text, markup: Markup, items: dict, diagnostics: Diagnostics) -> dict[str, tuple[str, str]]:
    links = {}
    for target in _relative_links(markup.to_html(text.body)):
        content = posixpath.dirname(posixpath.dirname(text.path))
        path = posixpath.normpath(posixpath.join(posixpath.dirname(text.path), target.split("#")[0]))
        named = _CONTENT_FILE.match(posixpath.relpath(path, content or "."))
        item = None
        if named:
            item = ("people", named["person"]) if named["person"] else (named["kind"], named["slug"])
        if item is None or item[1] not in items[item[0]]:
            written = text.body.find(target)
            line = text.body_line + (text.body.count("\n", 0, written) if written >= 0 else 0)
            diagnostics.error("link.dead", f"body: the link '{target}' leads to no published item",
                              Location(text.path, line),
                              "link another content file, e.g. ../networks/<slug>.fi.md")
            continue
        links[target] = item
    return links


@functools.lru_cache(maxsize=1 << 16)
def _relative_links(body_html: str) -> tuple[str, ...]:
    """The relative link targets of a body, once each: the ones that may name content files."""
    targets = dict.fromkeys(html.unescape(href) for href in _HREF.findall(body_html))
    return tuple(t for t in targets if t and not t.startswith(("#", "/")) and not _SCHEME.match(t))


def check_languages(grouped: Grouped, diagnostics: Diagnostics, cache: FileCache | None = None) -> None:
    """Warn where a meeting is written in a language its network is not.

    Such a page works (the network link falls back to another language), but readers of that
    language usually meet a page they cannot read; editors may want to translate the network.
    A `cache` kept between loads checks again only the meetings or networks that changed.
    """
    stamps = {slug: (event, grouped.networks.get(event.network) if event.network else None)
              for slug, event in grouped.events.items()}
    cache = cache or FileCache()
    cache.map(stamps, lambda slug, found: _check_languages(*stamps[slug], found), diagnostics)


def _check_languages(event: Event, network: Network | None, diagnostics: Diagnostics) -> None:
    if network is None:
        return
    for lang, text in sorted(event.texts.items()):
        if lang not in network.texts:
            written = ", ".join(sorted(network.texts))
            diagnostics.warning("i18n.network", f"network: '{event.network}' is not written in "
                                f"'{lang}' (only {written}); its link leads to another language",
                                Location(text.path, 1), f"translate the network into '{lang}'")
