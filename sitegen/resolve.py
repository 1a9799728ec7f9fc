"""References between items: every id an item names must exist.

Records refer to each other by id (``network: kemi-perhekeskus``, ``contacts: [...]``). An
unknown id is an error at the line that names it, with the closest existing id as a hint.
"""
from __future__ import annotations

from .errors import Diagnostics, did_you_mean
from .i18n import Grouped
from .records import Person

# (kind, field, the kind it refers to)
REFERENCES = (
    ("networks", "contacts", "people"),
    ("events", "network", "networks"),
    ("events", "contacts", "people"),
    ("news", "network", "networks"),
    ("news", "author", "people"),
)


def resolve_references(grouped: Grouped, people: dict[str, Person], existing: set[tuple[str, str]],
                       diagnostics: Diagnostics) -> None:
    """Report every reference to an item that does not exist.

    `existing` holds (kind, id) of every content file, valid or not: a reference to an item
    whose own file has errors is not wrong, and saying so would only mislead.
    """
    sources = {"networks": grouped.networks, "events": grouped.events, "news": grouped.news}
    for kind, field, target_kind in REFERENCES:
        known = {slug for k, slug in existing if k == target_kind}
        for slug, record in sorted(sources[kind].items()):
            value = getattr(record, field)
            fact = grouped.facts.get((kind, slug, field))
            refs = value if isinstance(value, tuple) else (value,)
            for index, ref in enumerate(refs):
                if ref is not None and ref not in known:
                    noun = "network" if target_kind == "networks" else "person"
                    where = fact.items[index] if fact and fact.items else fact.location if fact else None
                    diagnostics.error(f"ref.{noun}", f"{field}: unknown {noun} '{ref}'", where,
                                      did_you_mean(ref, known))
