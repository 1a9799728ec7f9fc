"""The content model: frozen records that the load phase produces and the write phase reads.

An item written in several languages is one record: facts that are the same in every
language (dates, places, references, contact details) are fields of the record, and what is
translated lives in `texts`, one `Text` per language the item is written in. References to
other items are ids, looked up through `Site`, never object pointers.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

# Text that is the same in every language is stored under "*"; see `i18n.pick`.
Translated = Mapping[str, str]
# What became of a meeting: schema.org's EventStatus values, in editors' words.
STATUSES = ("scheduled", "cancelled", "postponed", "moved")


@dataclass(frozen=True, slots=True)
class Phone:
    written: str           # as the editor wrote it
    e164: str | None       # "+4530177804"; None when the number could not be understood
    display: str           # "+45 30 17 78 04", or `written` when not understood

    @property
    def tel(self) -> str | None:
        return f"tel:{self.e164}" if self.e164 else None


@dataclass(frozen=True, slots=True)
class Text:
    """The part of an item that is written per language: one content file."""

    lang: str
    path: str
    title: str
    summary: str | None
    body: str              # Markdown
    body_line: int
    draft: bool = False    # `draft: true`, or a `publish_date` still to come: built with --drafts only


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None   # ISO 3166 code: "FI", "DK"
    latitude: float | None = None
    longitude: float | None = None

    @property
    def one_line(self) -> str:
        town = " ".join(p for p in (self.postal_code, self.city) if p)
        return ", ".join(p for p in (self.name, self.address, town) if p)


@dataclass(frozen=True, slots=True)
class Online:
    service: str               # "Microsoft Teams"
    url: str | None = None     # None: the link is sent on request


@dataclass(frozen=True, slots=True)
class Registration:
    email: str | None = None
    url: str | None = None
    deadline: dt.date | None = None
    required: bool = False


@dataclass(frozen=True, slots=True)
class Move:
    """One meeting of a series held at another time than its rule says."""

    date: dt.date                          # the date the rule gives
    start: dt.datetime | dt.date           # the new start (aware once validated)
    end: dt.datetime | dt.date | None = None


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeat rule as editors write it ("every month on the last friday"), parsed."""

    written: str
    frequency: str                       # "daily", "weekly", "monthly", "yearly"
    interval: int = 1
    weekdays: tuple[int, ...] = ()        # 0 = Monday
    ordinal: int | None = None           # 1..4, or -1 for "last" (with one weekday)
    month_day: int | None = None
    until: dt.date | None = None
    count: int | None = None
    exceptions: tuple[dt.date, ...] = ()   # dates with no meeting at all
    cancelled: tuple[dt.date, ...] = ()    # dates whose meeting is called off (still listed)
    moved: tuple[Move, ...] = ()


@dataclass(frozen=True, slots=True)
class Network:
    slug: str
    texts: Mapping[str, Text]
    organisation: str | None = None
    region: str | None = None
    contacts: tuple[str, ...] = ()
    email: str | None = None
    phone: Phone | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    path: str
    name: str
    role: Translated | None = None
    organisation: str | None = None
    email: str | None = None
    phones: tuple[Phone, ...] = ()


@dataclass(frozen=True, slots=True)
class Event:
    """A meeting: a single one (`start`) or a series (`recurrence`).

    Times are wall-clock times in `timezone`. A series may lack a `start` when the source
    gives only its rule ("every Friday 10-14"); it then carries `time` and `end_time`.
    """

    slug: str
    texts: Mapping[str, Text]
    timezone: str
    network: str | None = None
    contacts: tuple[str, ...] = ()
    start: dt.datetime | dt.date | None = None
    end: dt.datetime | dt.date | None = None
    time: dt.time | None = None
    end_time: dt.time | None = None
    recurrence: Recurrence | None = None
    place: Place | None = None
    online: Online | None = None
    registration: Registration | None = None
    status: str = "scheduled"                         # one of STATUSES
    previous_start: dt.datetime | dt.date | None = None  # a moved single meeting's old start
    sequence: int | None = None                       # overrides the count from history

    @property
    def attendance(self) -> str:
        """"offline", "online" or "mixed" (schema.org's attendance modes)."""
        if self.online and self.place:
            return "mixed"
        return "online" if self.online else "offline"

    @property
    def all_day(self) -> bool:
        return self.start is not None and not isinstance(self.start, dt.datetime)


@dataclass(frozen=True, slots=True)
class Revision:
    """How often an event's significant facts (time, place, status, title) have changed.

    Calendar apps update a meeting they already know only when its SEQUENCE goes up; both
    values come from the content's git history so that builds stay reproducible.
    """

    sequence: int
    last_modified: dt.datetime   # aware, UTC


@dataclass(frozen=True, slots=True)
class NewsPost:
    slug: str
    date: dt.date
    texts: Mapping[str, Text]
    network: str | None = None
    author: str | None = None    # a person id


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    texts: Mapping[str, Text]
