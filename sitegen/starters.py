"""Starter files for ``sitegen new``: each builds as it is and says what else can be written.

The comments carry the format's documentation to where editors are; the values are valid
so that a new file never breaks the build before it is filled in.
"""
from __future__ import annotations

import datetime as dt

KINDS = ("network", "event", "person", "news", "page")

_NETWORK = """\
---
title: {title}
summary: One sentence on what the network is and who it is for.
# Facts shared by every language are written in one translation only:
# organisation: The organisation behind it
# region: Päijät-Häme
# contacts: [firstname-lastname]      # ids of files in people/
# email: network@example.org
# phone: "+358 40 123 4567"
# website: https://example.org/
---
Describe the network here, in Markdown. To link a meeting or another content file, link its
file by its path from here (../events/the-meeting.{lang}.md): the site links its page.
"""

_EVENT = """\
---
title: {title}
summary: One sentence on what happens.
start: {start} 09:00                # local time; a date alone means all day
end: {start} 11:00
# timezone: Europe/Helsinki          # default: the site's
# network: network-slug
# contacts: [firstname-lastname]
# place:
#   name: Library
#   address: Street 1
#   postal_code: "00100"
#   city: Helsinki
#   country: FI
# online:
#   service: Microsoft Teams          # add url: … only if the link may be public
# registration:
#   email: someone@example.org
#   deadline: {start}
# A series instead of a single meeting:
# repeat: every month on the last friday
# draft: true                        # leave out of the site until ready
---
What the meeting is about, in Markdown.
"""

_PERSON = """\
name: {title}
# role: {{da: …, fi: …, en: …}}      # or one text for every language
# organisation: …
# email: firstname.lastname@example.org
# phone: "040 123 4567"
# country: FI                        # how numbers without a country code are read
"""

_NEWS = """\
---
title: {title}
summary: One sentence for the news list.
# network: network-slug
# author: firstname-lastname
# draft: true
---
The news, in Markdown.
"""

_PAGE = """\
---
title: {title}
---
The page, in Markdown.
"""


_TRANSLATION = """\
---
title: {title}
summary: One sentence, in this language.
# The shared facts (dates, place, network, contacts …) are in {original}.
---
The text, translated, in Markdown.
"""
FOLDERS = {"network": "networks", "event": "events", "news": "news", "page": "pages"}


def starter(kind: str, slug: str, lang: str | None, today: dt.date,
            translation_of: str | None = None, news_date: dt.date | None = None) -> tuple[str, str]:
    """Return (path under content/, text) of a new `kind` file named `slug`.

    `translation_of` names an existing file of the same item: the new file is then a
    translation, with the translated fields only (shared facts are written once). A news
    translation takes the date of the post (`news_date`).
    """
    title = slug.replace("-", " ").capitalize()
    if kind == "person":
        return f"people/{slug}.yaml", _PERSON.format(title=slug.replace("-", " ").title())
    if translation_of:
        text = _TRANSLATION.format(title=title, original=translation_of)
    else:
        text = {"network": _NETWORK, "event": _EVENT, "news": _NEWS, "page": _PAGE}[kind].format(
            title=title, lang=lang, start=(today + dt.timedelta(days=7)).isoformat())
    name = f"{(news_date or today).isoformat()}-{slug}" if kind == "news" else slug
    return f"{FOLDERS[kind]}/{name}.{lang}.md", text
