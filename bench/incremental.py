"""Time the preview's rebuilds on a generated site: cold, after no change, after one edit.

    python bench/incremental.py --networks 100 --languages da fi en
    python bench/incremental.py --site FOLDER     # a site generated already (bench/run.py)

Prints seconds, pages/s and peak memory for each rebuild, and the ratio to the targets
(one-event edit 0.3 s, no-change rebuild 0.5 s). The first edit after the session's first
build makes again the fragments that build's workers could not send back (those holding the
site's own records); the next edit is what editing feels like from then on. The site goes
to a temporary folder. Each rebuild is timed as the editor waits for it: the collection of
its garbage that follows (`Preview.tidy`, run by the server a second later) is not.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from sitegen.devserver import Preview  # noqa: E402
from sitegen.pipeline import BuildOptions  # noqa: E402

TARGETS = {"no change": 0.5, "first event edited": 0.3, "next event edited": 0.3}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--networks", type=int, default=100)
    parser.add_argument("--languages", nargs="+", default=["da", "fi", "en"])
    parser.add_argument("--events", type=int)
    parser.add_argument("--news", type=int)
    parser.add_argument("--site", type=Path, help="a generated site to use instead (it is edited)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = args.site or generate(Path(folder), args.networks, tuple(args.languages), args.events,
                                     args.news)
        age_files(root / "content")
        project = Path(__file__).resolve().parents[1]
        options = BuildOptions.for_project(root, templates_dir=project / "templates",
                                           output_dir=Path(folder) / "preview",
                                           now=dt.datetime(2026, 6, 15, 12, 0))
        preview = Preview(options)
        files = sum(1 for _ in (root / "content").rglob("*.*"))
        print(f"site: {files} content files")
        report("cold", preview)
        report("no change", preview)
        for number, name in ((1, "first event edited"), (3, "next event edited")):
            event = root / f"content/events/event-{number}.da.md"
            text = event.read_text(encoding="utf-8")
            event.write_text(text.replace(f"title: Event {number}", "title: Edited"), encoding="utf-8")
            report(name, preview)


def age_files(folder: Path) -> None:
    """Date the generated files an hour back, as a checkout's files are: the preview reads a
    file written in the last two seconds again every time (its time stamp could be stale)."""
    hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (hour_ago, hour_ago))


def report(name: str, preview: Preview) -> None:
    started = time.perf_counter()
    rebuild = preview.rebuild()
    seconds = time.perf_counter() - started
    preview.tidy()   # as the server does once the browser has its pages
    assert rebuild.ok, "\n".join(d.format() for d in rebuild.diagnostics.sorted()[:5])
    pages = len(preview.build.outputs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    target = TARGETS.get(name)
    versus = f", {seconds / target:.1f}× the {target} s target" if target else ""
    print(f"{name:>18}: {seconds:6.2f} s, {len(rebuild.rendered):6d} of {pages} files rendered, "
          f"{len(rebuild.written):6d} written, peak memory {peak:.0f} MB{versus}")


if __name__ == "__main__":
    main()
