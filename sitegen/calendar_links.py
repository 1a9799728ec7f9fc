"""Links that hand a feed or one meeting to a calendar service: webcal, Google, Outlook.

Pure functions of their arguments (no I/O, no clock), so each link format is pinned by unit
tests: these deep links are undocumented and have changed before. Times go out in UTC with a
trailing ``Z``; all-day meetings as dates with an exclusive end.

How long a meeting without an end lasts is decided by `recurrence.span`, shared with the
listings and the ICS feeds so that a link, a list and the feed agree.
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from .recurrence import Moment, span

GOOGLE_SUBSCRIBE = "https://calendar.google.com/calendar/r"
GOOGLE_ADD = "https://calendar.google.com/calendar/render"
# Outlook.com (personal accounts) and Microsoft 365 (work accounts): same paths, two hosts.
OUTLOOK_HOSTS = {"outlook.com": "https://outlook.live.com",
                 "microsoft365": "https://outlook.office.com"}



def webcal_url(https_url: str) -> str:
    """The feed's ``webcal://`` address: the same URL with the scheme replaced."""
    scheme, sep, rest = https_url.partition("://")
    if not sep or scheme.lower() not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {https_url!r}")
    return f"webcal://{rest}"


def google_subscribe_url(https_url: str) -> str:
    """Google Calendar's "add by URL" shortcut: ``cid=`` is the URL-encoded webcal URL.

    Google rejects the shortcut with an https ``cid``; pages should also explain the
    "From URL" route, since the shortcut is undocumented.
    """
    return f"{GOOGLE_SUBSCRIBE}?{_query({'cid': webcal_url(https_url)})}"


def outlook_subscribe_urls(https_url: str, name: str) -> dict[str, str]:
    """Outlook's "add from web" links, keyed "outlook.com" and "microsoft365".

    The feed's https URL and the calendar name are URL-encoded.
    """
    query = _query({"url": https_url, "name": name})
    return {service: f"{host}/calendar/0/addfromweb?{query}" for service, host in OUTLOOK_HOSTS.items()}


def google_add_url(title: str, start: Moment, end: Moment | None, details: str = "",
                   location: str = "", all_day: bool | None = None) -> str:
    """Google Calendar's "create event" link for one meeting.

    `start` and `end` are aware datetimes, or dates for an all-day meeting (`end` is then the
    last day, inclusive); see `span` for a missing end. `all_day` defaults to whether
    `start` is a date. ``dates`` is ``YYYYMMDDTHHMMSSZ/YYYYMMDDTHHMMSSZ`` in UTC, or
    ``YYYYMMDD/YYYYMMDD`` with an exclusive end; ``ctz`` names the meeting's zone so Google
    shows it in local time.
    """
    first, after = _span(start, end, all_day)
    if _is_date(first):
        dates = f"{first:%Y%m%d}/{after:%Y%m%d}"
    else:
        dates = f"{_utc(first):%Y%m%dT%H%M%SZ}/{_utc(after):%Y%m%dT%H%M%SZ}"
    params = {"action": "TEMPLATE", "text": title, "dates": dates, "details": details,
              "location": location}
    zone = getattr(first, "tzinfo", None)
    if not _is_date(first) and getattr(zone, "key", None):
        params["ctz"] = zone.key
    return f"{GOOGLE_ADD}?{_query(params, keep='/')}"


def outlook_add_urls(title: str, start: Moment, end: Moment | None, details: str = "",
                     location: str = "", all_day: bool | None = None) -> dict[str, str]:
    """Outlook's "compose event" deep links, keyed "outlook.com" and "microsoft365".

    Arguments as for `google_add_url`. ``startdt``/``enddt`` are ``YYYY-MM-DDTHH:MM:SSZ`` in
    UTC, or ``YYYY-MM-DD`` with an exclusive end and ``allday=true``.
    """
    first, after = _span(start, end, all_day)
    if _is_date(first):
        times = {"startdt": first.isoformat(), "enddt": after.isoformat(), "allday": "true"}
    else:
        times = {"startdt": f"{_utc(first):%Y-%m-%dT%H:%M:%SZ}",
                 "enddt": f"{_utc(after):%Y-%m-%dT%H:%M:%SZ}"}
    query = _query({"path": "/calendar/action/compose", "rru": "addevent", **times,
                    "subject": title, "body": details, "location": location}, keep="/:")
    return {service: f"{host}/calendar/deeplink/compose?{query}"
            for service, host in OUTLOOK_HOSTS.items()}


def _span(start: Moment, end: Moment | None, all_day: bool | None) -> tuple[Moment, Moment]:
    if all_day is None:
        all_day = _is_date(start)
    if all_day:
        start = start.date() if isinstance(start, dt.datetime) else start
        end = end.date() if isinstance(end, dt.datetime) else end
    elif _is_date(start):
        raise ValueError("a meeting that is not all day needs a start time")
    return span(start, end)


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a naive time has no place in a calendar link: {moment.isoformat()}")
    return moment.astimezone(dt.UTC)


def _query(params: dict[str, str], keep: str = "") -> str:
    """``k=v&…``, values percent-encoded (spaces as %20) except the characters in `keep`
    (``/`` and ``:`` may stand in a query, and the services' examples write them so); empty
    values are left out."""
    return urlencode({k: v for k, v in params.items() if v}, quote_via=quote, safe=keep)
