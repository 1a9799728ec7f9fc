"""The preview: build, serve, watch, rebuild what changed, reload the browser.

`Preview` owns the only mutable state of a serving session: the last good build. A change
that breaks the content leaves that build served, with the diagnostics shown over every page
until the file is fixed; the server never needs a restart. The preview is written to its
own folder (``.sitegen-serve/``), never to the ``output/`` a deploy would publish.
"""
from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape

from .errors import BuildFailed, Diagnostics
from .markup import Markup
from .pipeline import BuildOptions, check_output, produce
from .writer import PREVIEW_MARKER, UpdateReport, update_site

OVERLAY = """<div id="sitegen-errors" role="alert" style="position:fixed;inset:0 0 auto 0;z-index:9999;\
max-height:60vh;overflow:auto;margin:0;padding:1rem 1.5rem;background:#fff3f3;color:#5c0000;\
border-bottom:3px solid #b00020;font:14px/1.5 monospace;white-space:pre-wrap">\
<strong>The last change could not be built; this is the last good page.</strong>
{}</div>"""


@dataclass(frozen=True, slots=True)
class Rebuild:
    ok: bool
    seconds: float
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    diagnostics: Diagnostics | None = None


class Preview:
    """Rebuilds the preview folder; remembers the last good files to show errors over them."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.last_good: dict[str, bytes] = {}
        self.markup = Markup()  # remembers converted bodies from one rebuild to the next

    def rebuild(self) -> Rebuild:
        """Build again; write only what changed, or the last good pages with the errors."""
        started = time.perf_counter()
        diagnostics = Diagnostics()
        try:
            _, files = produce(self.options, diagnostics, self.markup)
        except BuildFailed as failed:
            report = update_site(self._with_overlay(failed.diagnostics), self.options.output_dir)
            return Rebuild(False, time.perf_counter() - started, report.written, report.removed,
                           failed.diagnostics)
        self.last_good = dict(files)
        report: UpdateReport = update_site(files, self.options.output_dir)
        return Rebuild(True, time.perf_counter() - started, report.written, report.removed, diagnostics)

    def _with_overlay(self, diagnostics: Diagnostics) -> list[tuple[str, bytes]]:
        overlay = OVERLAY.format(escape("\n".join(d.format() for d in diagnostics.sorted())))
        if not self.last_good:  # broken from the start: a page that shows the errors anywhere
            page = f"<!DOCTYPE html><title>sitegen</title><body>{overlay}</body>".encode()
            return [("index.html", page), ("404.html", page)]
        shown = []
        for path, data in self.last_good.items():
            if path.endswith(".html"):
                data = data.replace(b"</body>", overlay.encode("utf-8") + b"\n</body>", 1)
            shown.append((path, data))
        return shown


def serve(options: BuildOptions, host: str, port: int, log: Callable[[str], None]) -> int:
    """Serve the preview on http://host:port/ until interrupted; return the exit code."""
    from livereload import Server  # only the preview needs the server and its event loop

    # One moment for the whole session, so rebuilds differ only where the content does.
    now = options.now or dt.datetime.now(dt.UTC)
    options = replace(options, base_url=f"http://{_url_host(host)}:{port}/", now=now,
                      built_at=options.built_at or now)
    diagnostics = Diagnostics()
    try:
        check_output(options, diagnostics, PREVIEW_MARKER)
    except BuildFailed as failed:
        log("\n".join(d.format() for d in failed.diagnostics.sorted()))
        return failed.exit_code
    problem = _port_problem(host, port)
    if problem:
        log(f"cannot serve on {host}:{port}: {problem}")
        return 2
    preview = Preview(options)

    def rebuild() -> None:
        log(describe(preview.rebuild()))

    rebuild()
    server = Server()
    for folder in (options.content_dir, options.templates_dir):
        server.watch(str(folder), rebuild)
    log(f"serving {options.output_dir} on http://{_url_host(host)}:{port}/ (Ctrl-C stops)")
    server.serve(root=str(options.output_dir), host=host, port=port, open_url_delay=None,
                 restart_delay=0)  # returns when interrupted
    return 0


def _port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port, found before anything is built."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def describe(rebuild: Rebuild) -> str:
    """One log entry: what was rewritten and how long it took, or what is wrong."""
    if not rebuild.ok:
        problems = "\n".join(d.format() for d in rebuild.diagnostics.sorted())
        return f"{problems}\nnot rebuilt ({rebuild.seconds:.2f} s); the last good site stays served"
    changed = [*rebuild.written, *(f"{path} (removed)" for path in rebuild.removed)]
    shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
    summary = f"rebuilt in {rebuild.seconds:.2f} s: {len(changed)} file(s) changed"
    return f"{summary}: {shown}" if changed else summary
