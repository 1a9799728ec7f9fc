"""The preview: build, serve, watch, rebuild what changed, reload the browser.

`Preview` owns the only mutable state of a serving session: the last good build. A change
that breaks the content leaves that build served, with the diagnostics shown over every page
until the file is fixed; the server never needs a restart. The preview is written to its
own folder (``.sitegen-serve/``), never to the ``output/`` a deploy would publish.
"""
from __future__ import annotations

import datetime as dt
import gc
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape

from .errors import BuildFailed, Diagnostics
from .incremental import IncrementalBuild
from .pipeline import BuildOptions, check_output
from .writer import PREVIEW_MARKER, UpdateReport, apply_changes, update_site

TIDY_AFTER = 1.0   # seconds after a rebuild: the browser has reloaded its page by then

# Styled by the theme's stylesheet (#sitegen-errors), as the pages' Content-Security-Policy
# allows no inline styles; unstyled, it is still the first thing on the page.
OVERLAY = """<div id="sitegen-errors" role="alert">\
<strong>The last change could not be built; this is the last good page.</strong>
{}</div>"""


@dataclass(frozen=True, slots=True)
class Rebuild:
    ok: bool
    seconds: float
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    diagnostics: Diagnostics | None = None
    rendered: tuple[str, ...] = ()


class Preview:
    """Rebuilds the preview folder; shows errors over the last good pages until they are fixed."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.build = IncrementalBuild(options)
        self.overlay: bytes | None = None   # the errors now shown over every page
        self.untidy: bool | None = None      # whether a rebuild's garbage awaits `tidy` (None: no build yet)

    def tidy(self) -> None:
        """Collect what the last rebuilds left behind, then set what lives on (the site,
        converted bodies, what each file read) aside from the cycle collector, whose full
        passes over a large site take seconds. It holds no reference cycles, so reference
        counting frees it when a later rebuild replaces it.

        A pass takes about 20 ms at 1000 networks: the server runs it once the browser has
        its pages (`TIDY_AFTER`), not while the editor waits for them."""
        if self.untidy is not False:
            gc.collect()
            gc.freeze()
            self.untidy = False

    def rebuild(self) -> Rebuild:
        """Build again; write only what changed, or the last good pages with the errors."""
        started = time.perf_counter()
        first, self.untidy = self.untidy is None, True
        diagnostics = Diagnostics()
        pages_shown = self._pages() if self.overlay else []
        try:
            changes = self.build.rebuild(diagnostics)
        except BuildFailed as failed:
            report = self._show_errors(failed.diagnostics)
            return Rebuild(False, time.perf_counter() - started, report.written, report.removed,
                           failed.diagnostics)
        written = changes.written
        if self.overlay is not None:  # the pages not rewritten still show the errors
            cleaned = [(path, self._read(path)) for path in pages_shown
                       if path not in written and path in self.build.outputs]
            written += apply_changes(self.options.output_dir, cleaned, ()).written
            self.overlay = None
        if first:   # the session's first build: its pages wait for nothing else
            self.tidy()
        return Rebuild(True, time.perf_counter() - started, written, changes.removed, diagnostics,
                       changes.rendered)

    def _show_errors(self, diagnostics: Diagnostics) -> UpdateReport:
        overlay = OVERLAY.format(escape("\n".join(d.format() for d in diagnostics.sorted()))).encode()
        if not self.build.outputs:  # broken from the start: a page that shows the errors anywhere
            page = b"<!DOCTYPE html><title>sitegen</title><body>" + overlay + b"</body>"
            return update_site([("index.html", page), ("404.html", page)], self.options.output_dir)
        writes = []
        for path in self._pages():
            data = self._read(path).replace(b"</body>", overlay + b"\n</body>", 1)
            writes.append((path, data))
        self.overlay = overlay
        return apply_changes(self.options.output_dir, writes, ())

    def _pages(self) -> list[str]:
        return [path for path in self.build.outputs if path.endswith(".html")]

    def _read(self, path: str) -> bytes:
        """A page as served, without the error overlay it may show."""
        data = (self.options.output_dir / path).read_bytes()
        return data.replace(self.overlay + b"\n", b"", 1) if self.overlay else data


def serve(options: BuildOptions, host: str, port: int, log: Callable[[str], None]) -> int:
    """Serve the preview on http://host:port/ until interrupted; return the exit code."""
    from livereload import Server  # only the preview needs the server and its event loop
    from tornado.ioloop import IOLoop  # livereload's event loop

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
        IOLoop.current().call_later(TIDY_AFTER, preview.tidy)

    log(describe(preview.rebuild()))
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
    summary = (f"rebuilt in {rebuild.seconds:.2f} s ({len(rebuild.rendered)} file(s) rendered): "
               f"{len(changed)} file(s) changed")
    return f"{summary}: {shown}" if changed else summary
