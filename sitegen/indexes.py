"""The site's lookups: items by network, occurrences in time order, by network, event and month.

Pages never scan all records for "the meetings of this network": `Site` holds these indexes,
worked out once per load. The preview's load after an edit patches the last ones instead:
only the keys (networks, events, months) of the events and news posts that changed are
worked out again, each in the order a full pass gives, so the result is the same either way.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from .filecache import differing
from .records import Event, NewsPost
from .recurrence import Expansion, Occurrence, in_time_order

Index = dict[Hashable, tuple]


@dataclass(frozen=True)
class Indexes:
    events: dict[str, Event]              # what they were worked out from
    news: dict[str, NewsPost]
    expanded: dict[str, Expansion]
    occurrences: tuple[Occurrence, ...]   # every occurrence in time order
    occurrences_by_network: Index         # each in time order
    occurrences_by_event: Index
    occurrences_by_month: Index           # by (year, month), local
    events_by_network: Index              # slugs, sorted
    news_by_network: Index


def indexed(events: dict[str, Event], news: dict[str, NewsPost], expanded: dict[str, Expansion],
            last: Indexes | None = None) -> Indexes:
    """The indexes of `events` (expanded: `expand_each`) and `news`; patched from `last`, the
    indexes of an earlier load over the same window, when given."""
    if last is None:
        occurrences = in_time_order(expanded)
        return Indexes(events, news, expanded, occurrences,
                       _grouped(occurrences, lambda o: events[o.event].network),
                       _grouped(occurrences, lambda o: o.event),
                       _grouped(occurrences, _month),
                       _grouped(sorted(events), lambda slug: events[slug].network or None),
                       _grouped(sorted(news), lambda slug: news[slug].network or None))
    changed = set(differing(last.events, events))
    gone = [o for slug in changed for _, o in last.expanded.get(slug, ())]
    new = [o for slug in changed for _, o in sorted(expanded.get(slug, ()), key=itemgetter(0))]

    def of_changed(occurrence: Occurrence) -> bool:
        return occurrence.event in changed

    def occurrences_by(old_key: Callable, new_key: Callable, index: Index) -> Index:
        return _patched(index, gone, new, old_key, new_key, of_changed, Occurrence.sort_key)

    def items_by_network(index: Index, before: dict, after: dict) -> Index:
        slugs = set(differing(before, after))
        return _patched(index, [s for s in slugs if s in before], [s for s in slugs if s in after],
                        lambda slug: before[slug].network or None, lambda slug: after[slug].network or None,
                        slugs.__contains__)

    return Indexes(
        events, news, expanded, _resorted(last.occurrences, gone, new),
        occurrences_by(lambda o: last.events[o.event].network, lambda o: events[o.event].network,
                       last.occurrences_by_network),
        occurrences_by(lambda o: o.event, lambda o: o.event, last.occurrences_by_event),
        occurrences_by(_month, _month, last.occurrences_by_month),
        items_by_network(last.events_by_network, last.events, events),
        items_by_network(last.news_by_network, last.news, news))


def _month(occurrence: Occurrence) -> tuple[int, int]:
    return occurrence.start.year, occurrence.start.month


def _grouped(members: Iterable, key: Callable) -> Index:
    """`members` by `key` (None: in none), each group in the members' order."""
    found: dict[Hashable, list] = defaultdict(list)
    for member in members:
        found[key(member)].append(member)
    found.pop(None, None)
    return {group: tuple(listed) for group, listed in found.items()}


def _patched(index: Index, gone: list, new: list, old_key: Callable, new_key: Callable,
             leaves: Callable[[object], bool], order: Callable | None = None) -> Index:
    """`index` without the members `gone` (grouped by `old_key`; `leaves` tells them apart)
    and with the `new` ones (by `new_key`); each group it touched sorted again by `order`,
    as `_grouped` lists them."""
    if not gone and not new:
        return index
    arriving: dict[Hashable, list] = defaultdict(list)
    for member in new:
        arriving[new_key(member)].append(member)
    index = dict(index)
    for group in {old_key(member) for member in gone} | arriving.keys():
        if group is None:
            continue
        kept = [member for member in index.get(group, ()) if not leaves(member)]
        listed = sorted(kept + arriving.get(group, []), key=order)
        if listed:
            index[group] = tuple(listed)
        else:
            index.pop(group, None)
    return index


def _resorted(occurrences: tuple[Occurrence, ...], gone: list[Occurrence], new: list[Occurrence]
              ) -> tuple[Occurrence, ...]:
    """`occurrences` (in time order) without `gone` and with `new` (each in its event's order),
    in time order: a stable sort of them all would list them so."""
    if not gone and not new:
        return occurrences
    listed = list(occurrences)
    for occurrence in gone:
        del listed[bisect.bisect_left(listed, occurrence.sort_key(), key=Occurrence.sort_key)]
    for occurrence in new:
        bisect.insort_right(listed, occurrence, key=Occurrence.sort_key)
    return tuple(listed)

