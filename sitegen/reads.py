"""What an output file reads of the `Site`, recorded while it renders.

The preview re-renders only the files whose reads changed. Rather than declaring by hand what
each kind of page depends on (and forgetting something), a job renders against `SiteReads`,
a stand-in for the `Site` that notes every record and index it hands out: ``("events",
"kemi")`` for one event, ``("events",)`` for all of them, ``("now",)`` for a plain attribute.
Site methods run on the stand-in too, so ``site.upcoming("kemi")`` records exactly the
occurrences and events it looked at. Finer keys keep an edit of one text from re-rendering the
other languages' files: ``("events", KEYS)`` for which events there are, ``("events", "kemi",
"facts")`` for a record read through `Site.facts`, ``("events", "kemi", "langs")`` and
``("events", "kemi", "text", "fi")`` for its texts read through `Site.texts_of`.
`changed_keys` lists the keys whose values differ between the last build's site and a new one.

`Memo` keeps fragments that many files share (one meeting's VEVENT, the sorted list of
networks) together with their reads: a file using a remembered fragment inherits them, and a
change forgets only the fragments it touched.
"""
from __future__ import annotations

import itertools
import types
from collections.abc import Callable, Container, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .site import Site

Key = tuple  # (site attribute,) or (site attribute, item key), or finer: see above
MISSING = object()
KEYS = ("keys",)   # the item key that stands for the set of keys (no mapping has it as a key)


class SiteReads:
    """A `Site` that records what is read of it into `reads`."""

    __slots__ = ("_site", "reads", "_handed_out")

    def __init__(self, site: Site, reads: set[Key] | None = None):
        self._site = site
        self.reads = reads if reads is not None else set()
        self._handed_out: dict[str, Any] = {}  # mappings and methods, which record on use

    def __getattr__(self, name: str) -> Any:
        found = self._handed_out.get(name)
        if found is not None:
            return found
        member = getattr(type(self._site), name, None)
        if isinstance(member, types.FunctionType):  # runs on the stand-in: its reads are recorded
            found = self._handed_out[name] = types.MethodType(member, self)
            return found
        value = getattr(self._site, name)
        if isinstance(value, dict):
            found = self._handed_out[name] = MappingReads(self, name, value)
            return found
        self.reads.add((name,))
        return value

    def facts(self, kind: str, slug: str) -> Any:
        """`Site.facts`, recorded as a read of the record's facts alone."""
        self.reads.add((kind, slug, "facts"))
        return getattr(self._site, kind)[slug]

    def texts_of(self, kind: str, slug: str) -> Mapping:
        """`Site.texts_of`, recording each text looked up (`TextsReads`)."""
        return TextsReads(self, (kind, slug), getattr(self._site, kind)[slug].texts)

    @contextmanager
    def recording(self) -> Iterator[set[Key]]:
        """Collect the reads of a block on their own (they count for the job as well)."""
        outer, self.reads = self.reads, set()
        try:
            yield self.reads
        finally:
            outer.update(self.reads)
            self.reads = outer


class MappingReads(Mapping):
    """One of the `Site`'s dicts; a lookup records the item, anything wider the whole dict."""

    __slots__ = ("_owner", "_name", "_data")

    def __init__(self, owner: SiteReads, name: str, data: dict):
        self._owner, self._name, self._data = owner, name, data

    def __getitem__(self, key: Hashable) -> Any:
        self._owner.reads.add((self._name, key))
        return self._data[key]

    def get(self, key: Hashable, default: Any = None) -> Any:
        self._owner.reads.add((self._name, key))
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self._owner.reads.add((self._name, key))
        return key in self._data

    def _whole(self) -> dict:
        self._owner.reads.add((self._name,))
        return self._data

    def _keys(self) -> dict:
        self._owner.reads.add((self._name, KEYS))
        return self._data

    def __iter__(self) -> Iterator:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def keys(self):
        return self._keys().keys()

    def items(self):
        return self._whole().items()

    def values(self):
        return self._whole().values()


class TextsReads(Mapping):
    """An item's texts: a lookup records that language's text, anything else which languages
    it is written in (`Mapping` makes `items` and `values` read both)."""

    __slots__ = ("_owner", "_item", "_data")

    def __init__(self, owner: SiteReads, item: tuple[str, str], data: dict):
        self._owner, self._item, self._data = owner, item, data

    def __getitem__(self, lang: str) -> Any:
        self._owner.reads.add((*self._item, "text", lang))
        return self._data[lang]

    def _langs(self) -> dict:
        self._owner.reads.add((*self._item, "langs"))
        return self._data

    def __contains__(self, lang: object) -> bool:
        return lang in self._langs()

    def __iter__(self) -> Iterator:
        return iter(self._langs())

    def __len__(self) -> int:
        return len(self._langs())


def changed_keys(old: Site, new: Site) -> set[Key]:
    """Every key whose value differs between two sites: each differing item of a mapping (and
    the whole mapping, and its keys if they differ) with the finer keys of a record with
    texts, each differing plain attribute.

    The load hands back the very same objects for what did not change, so most items are
    told apart by identity, without comparing their values.
    """
    changed: set[Key] = set()
    for name in Site.__dataclass_fields__:
        before, after = getattr(old, name), getattr(new, name)
        if before is after:
            continue
        if isinstance(before, dict) and isinstance(after, dict):
            items = [key for key, value in after.items()
                     if (was := before.get(key, MISSING)) is not value and was != value]
            items += before.keys() - after.keys()
            changed.update((name, key) for key in items)
            for key in items:
                changed.update(_record_keys((name, key), before.get(key, MISSING), after.get(key, MISSING)))
            if items:
                changed.add((name,))
            if items and before.keys() != after.keys():
                changed.add((name, KEYS))
        elif before != after:
            changed.add((name,))
    return changed


def _record_keys(item: tuple, was: Any, now: Any) -> Iterator[Key]:
    """The finer keys of a changed record with texts: its facts, its languages, each text."""
    before, after = getattr(was, "texts", None), getattr(now, "texts", None)
    if before is None and after is None:
        return
    before, after = before or {}, after or {}
    if was is MISSING or now is MISSING or _facts(was) != _facts(now):
        yield (*item, "facts")
    if before.keys() != after.keys():
        yield (*item, "langs")
    for lang in before.keys() | after.keys():
        if before.get(lang) != after.get(lang):
            yield (*item, "text", lang)


def _facts(record: Any) -> tuple:
    return tuple(getattr(record, name) for name in record.__dataclass_fields__ if name != "texts")


class Memo:
    """Fragments computed once and shared by the files that show them."""

    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[Any, frozenset[Key]]] = {}
        self._readers: dict[Key, set[Hashable]] = {}   # the fragments that read each key (or did)

    def get(self, site: Site | SiteReads, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The fragment `key`, computed by `compute` the first time."""
        entry = self._entries.get(key)
        if entry is None:
            if isinstance(site, SiteReads):
                with site.recording() as reads:
                    value = compute()
                entry = (value, frozenset(reads))
            else:
                entry = (compute(), frozenset())
            self.adopt(key, entry)
        elif isinstance(site, SiteReads):
            site.reads.update(entry[1])
        return entry[0]

    def entry(self, key: Hashable) -> tuple[Any, frozenset[Key]]:
        """The fragment `key` and what it read (a worker's, to send back: `adopt`)."""
        return self._entries[key]

    def adopt(self, key: Hashable, entry: tuple[Any, frozenset[Key]]) -> None:
        """Remember a fragment another process computed, with what it read (unless known)."""
        if key in self._entries:
            return
        self._entries[key] = entry
        for read in entry[1]:
            self._readers.setdefault(read, set()).add(key)

    def __len__(self) -> int:
        return len(self._entries)

    def since(self, mark: int, kinds: Container[str]) -> list[tuple[tuple, tuple[Any, frozenset[Key]]]]:
        """The fragments of `kinds` (the first item of their keys) computed since the memo held
        `mark` of them: what a worker sends back."""
        return [(key, entry) for key, entry in itertools.islice(self._entries.items(), mark, None)
                if key[0] in kinds]

    def forget(self, changed: set[Key]) -> None:
        """Drop the fragments that read any changed key."""
        for read in changed:
            for key in self._readers.pop(read, ()):
                self._entries.pop(key, None)

    def drop_since(self, mark: int) -> None:
        """Drop the fragments computed since the memo held `mark` of them (of a site that
        failed to build). Fragments are only ever added, at the end, so this is an undo."""
        for key in list(itertools.islice(self._entries, mark, None)):
            del self._entries[key]
