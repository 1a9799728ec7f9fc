"""References between items: every id an item names must exist.

Records refer to each other by id (``network: kemi-perhekeskus``, ``contacts: [...]``). An
unknown id is an error at the line that names it, with the closest existing id as a hint.
"""
from __future__ import annotations

from .errors import Diagnostics, Location, did_you_mean
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


def resolve_references(grouped: Grouped, people: dict[str, Person], diagnostics: Diagnostics) -> None:
    """Report every reference to an item that does not exist."""
    targets = {"networks": grouped.networks, "people": people}
    sources = {"networks": grouped.networks, "events": grouped.events, "news": grouped.news}
    for kind, field, target_kind in REFERENCES:
        known = targets[target_kind]
        for slug, record in sorted(sources[kind].items()):
            value = getattr(record, field)
            for ref in (value if isinstance(value, tuple) else (value,)):
                if ref is not None and ref not in known:
                    noun = "network" if target_kind == "networks" else "person"
                    diagnostics.error(f"ref.{noun}", f"{field}: unknown {noun} '{ref}'",
                                      grouped.locations.get((kind, slug, field), Location(kind)),
                                      did_you_mean(ref, known))

