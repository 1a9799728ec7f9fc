"""A deterministic synthetic site in sitegen's content format, for benchmarks.

`generate(folder, networks=N, languages=(…), events=…, news=…)` writes N networks, each in
every language, contact persons, events (a tenth of them monthly series) and news posts with
300–600-word Markdown bodies (headings, lists, links, emphasis). The same arguments always
write the same files.
"""
from __future__ import annotations

import random
from pathlib import Path

WORDS = ("verkosto", "tapaaminen", "yhteistyö", "perhe", "palvelu", "kunta", "järjestö",
         "vapaaehtoinen", "ammattilainen", "netværk", "møde", "samarbejde", "familie", "frivillig",
         "kommune", "sogn", "diakoni", "fællesskab", "network", "meeting", "cooperation", "family",
         "service", "volunteer", "parish", "community", "support", "region", "health")
LOCALES = {"da": "da_DK", "fi": "fi_FI", "en": "en_GB", "sv": "sv_SE"}


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random) -> str:
    """300–600 words of Markdown with headings, a list, a link and emphasis."""
    parts, total = [], rng.randint(300, 600)
    while total > 0:
        size = min(total, rng.randint(40, 90))
        parts.append(f"## {paragraph(rng, 3)[:-1]}\n\n{paragraph(rng, size)} *{rng.choice(WORDS)}* "
                     f"and **{rng.choice(WORDS)}**, see <https://example.net/{rng.choice(WORDS)}>.\n\n"
                     f"- {rng.choice(WORDS)}\n- {rng.choice(WORDS)}\n  - {rng.choice(WORDS)}\n")
        total -= size
    return "\n".join(parts)


def generate(folder: Path, networks: int = 100, languages: tuple[str, ...] = ("da", "fi"),
             events: int | None = None, news: int | None = None) -> Path:
    """Write the site into `folder` (its content/ folder); return `folder`."""
    rng = random.Random(networks)
    events = 5 * networks if events is None else events
    news = 5 * networks if news is None else news
    content = folder / "content"
    for sub in ("networks", "people", "events", "news"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    site_languages = "\n".join(f"  - {{code: {lang}, name: {lang.upper()}, locale: {LOCALES[lang]}}}"
                               for lang in languages)
    titles = "\n".join(f"  {lang}: Bench {lang}" for lang in languages)
    (content / "site.yaml").write_text(
        f"title:\n{titles}\nbase_url: https://example.org/\ntimezone: Europe/Helsinki\n"
        f"default_language: {languages[0]}\nlanguages:\n{site_languages}\n", encoding="utf-8")
    for n in range(networks):
        (content / f"people/person-{n}.yaml").write_text(
            f"name: Person {n}\nemail: person{n}@example.org\nphone: '+358 40 {1000000 + n}'\n",
            encoding="utf-8")
        for index, lang in enumerate(languages):
            shared = f"contacts: [person-{n}]\nregion: Region {n % 10}\n" if index == 0 else ""
            (content / f"networks/network-{n}.{lang}.md").write_text(
                f"---\ntitle: Network {n} {lang}\nsummary: {paragraph(rng, 12)}\n{shared}---\n{body(rng)}",
                encoding="utf-8")
    for e in range(events):
        day = 1 + e % 28
        month = 1 + (e // 28) % 12
        when = (f"start: 2026-{month:02d}-{day:02d} 17:00\nend: 2026-{month:02d}-{day:02d} 19:00\n"
                + ("repeat: every month\n" if e % 10 == 0 else ""))
        for index, lang in enumerate(languages):
            shared = f"network: network-{e % networks}\n{when}" if index == 0 else ""
            (content / f"events/event-{e}.{lang}.md").write_text(
                f"---\ntitle: Event {e} {lang}\n{shared}---\n{body(rng)}", encoding="utf-8")
    for p in range(news):
        date = f"2026-{1 + p % 12:02d}-{1 + p % 28:02d}"
        for index, lang in enumerate(languages):
            shared = f"network: network-{p % networks}\n" if index == 0 else ""
            (content / f"news/{date}-post-{p}.{lang}.md").write_text(
                f"---\ntitle: Post {p} {lang}\n{shared}---\n{body(rng)}", encoding="utf-8")
    return folder
