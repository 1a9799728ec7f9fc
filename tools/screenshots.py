#!/usr/bin/env python3
"""Screenshots of a built site for reviewers: ``python tools/screenshots.py output screenshots``.

Serves the built folder on 127.0.0.1 and photographs the home page, a network, a meeting and
the calendar in each language, on a desktop (1280 px) and a phone (390 px), with Debian's
Chromium driven by Playwright. Files are named ``<lang>-<page>-<desktop|mobile>.png``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import shutil
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

SCREENS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


def pages(output: Path, lang: str) -> dict[str, str]:
    """The pages to photograph in `lang`: its first network, a meeting still to come, the calendar."""
    folder = output / lang
    networks = sorted(p.parent for p in folder.glob("networks/*/index.html"))
    meetings = sorted(p.parent for p in folder.glob("events/*/*/index.html")
                      if p.parent.name[:4].isdigit() and p.parent.name >= dt.date.today().isoformat())
    meetings = meetings or sorted(p.parent for p in folder.glob("events/*/index.html"))
    chosen = {"home": folder, "network": networks[0] if networks else None,
              "meeting": meetings[0] if meetings else None, "calendar": folder / "calendar"}
    return {name: "/" + path.relative_to(output).as_posix() + "/"
            for name, path in chosen.items() if path is not None}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (e.g. output)")
    parser.add_argument("folder", type=Path, help="where the screenshots go (e.g. screenshots)")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise SystemExit("screenshots need Chromium: apt-get install chromium")
    args.folder.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(args.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    languages = sorted(p.name for p in args.output.iterdir() if (p / "calendar").is_dir())
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for screen, viewport in SCREENS.items():
                page = browser.new_page(viewport=viewport)
                for lang in languages:
                    for name, path in pages(args.output, lang).items():
                        page.goto(base + path)
                        file = args.folder / f"{lang}-{name}-{screen}.png"
                        page.screenshot(path=str(file), full_page=True)
                        print(f"{file}  {path}")
                page.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
