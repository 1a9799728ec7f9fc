"""Markdown → sanitised HTML, converted once per distinct body.

Python-Markdown is configured so that what editors see in their git host's preview is what
the site shows (GitHub-style lists, tables, task lists, strikethrough, bare links). The HTML
is then cleaned with nh3 against an allow-list: content can never bring scripts, styles,
event handlers or ``javascript:`` links. A body's ``#`` heading becomes ``h2``: the page
title is the only ``h1``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import unescape

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .buildcache import Table, digest
from .workers import chunked, map_forked


class _TitleIsTheOnlyH1(Treeprocessor):
    """Turn a body's ``# heading`` into ``h2``: the page title is the page's one ``h1``."""

    def run(self, root):
        for element in root.iter("h1"):
            element.tag = "h2"


class _HeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        # After "toc" (priority 5) has given the headings their ids.
        md.treeprocessors.register(_TitleIsTheOnlyH1(md), "title_is_the_only_h1", 4)


EXTENSIONS = ["extra", "sane_lists", "mdx_truly_sane_lists", "toc",
              "pymdownx.magiclink", "pymdownx.tilde", "pymdownx.tasklist", _HeadingsExtension()]
EXTENSION_CONFIGS = {
    "mdx_truly_sane_lists": {"nested_indent": 2, "truly_sane": True},
    "toc": {"permalink": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
}
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "input", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class"},
    "a": {"href", "title"},
    "abbr": {"title"},
    "input": {"type", "checked", "disabled"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


class Markup:
    """Converts Markdown bodies; remembers each result by the body.

    Keyed by the body itself, not a digest: a string keeps its hash, so looking up an
    unchanged body again costs next to nothing. A `store` (`buildcache`) keeps the results
    from one build to the next, by digest and encoded as UTF-8 (a pickled string would keep
    a UTF-8 copy inside it as long as the page's HTML lives); it may be let go of (None)
    once a build is done.
    """

    def __init__(self, store: Table | None = None) -> None:
        self._markdown = markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                                           output_format="html")
        self._cache: dict[str, str] = {}
        self._kept = 0   # bodies held after the last `forget_unused`
        self._text: dict[str, str] = {}
        self.store = store

    def to_html(self, body: str) -> str:
        """Return the sanitised HTML of a Markdown body."""
        html = self._cache.get(body)
        if html is None:
            html = self._stored(body)
            if html is None:
                html = self._cache[body] = self._convert([body])[0]
                self._keep(body, html)
        return html

    def to_text(self, body: str) -> str:
        """The body as plain text on one line (a description for search engines)."""
        text = self._text.get(body)
        if text is None:
            cleaned = nh3.clean(self.to_html(body), tags=set())
            text = self._text[body] = " ".join(unescape(cleaned).split())
        return text

    def convert_all(self, bodies: Iterable[str], workers: int) -> None:
        """Convert every body not converted yet, on up to `workers` processes at once (the
        pages then find them done)."""
        missing = [body for body in dict.fromkeys(bodies)
                   if body not in self._cache and self._stored(body) is None]
        chunks = chunked(missing, workers)
        for chunk, converted in zip(chunks, map_forked(self._convert, chunks, workers), strict=True):
            for body, html in zip(chunk, converted, strict=True):
                self._cache[body] = html
                self._keep(body, html)

    def _stored(self, body: str) -> str | None:
        encoded = self.store.get(digest(body)) if self.store is not None else None
        if encoded is None:
            return None
        html = self._cache[body] = encoded.decode()
        return html

    def _keep(self, body: str, html: str) -> None:
        if self.store is not None:
            self.store.put(digest(body), html.encode())

    def _convert(self, bodies: Sequence[str]) -> list[str]:
        converted = []
        for body in bodies:
            self._markdown.reset()
            converted.append(sanitise(self._markdown.convert(body)))
        return converted

    def forget_unused(self, bodies: Callable[[], Iterable[str]]) -> None:
        """Drop the bodies not among `bodies()` (edited away or deleted), once the converted
        ones have grown by a tenth since the last time: finding them is a pass over every
        body, which one edit's old body is not worth."""
        if len(self._cache) <= self._kept * 1.1 + 16:
            return
        wanted = set(bodies())
        self._cache = {body: html for body, html in self._cache.items() if body in wanted}
        self._text = {body: text for body, text in self._text.items() if body in wanted}
        self._kept = len(self._cache)


# Task lists are the only inputs Markdown makes: any other <input> written in a body becomes
# a disabled checkbox too, never a field a visitor could type into.
FORCED_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": ""}}


def sanitise(html: str) -> str:
    """Keep only allow-listed tags, attributes and link schemes."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer",
                     set_tag_attribute_values=FORCED_ATTRIBUTES, strip_comments=True)
