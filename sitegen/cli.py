"""The command line: ``sitegen build`` (also ``python build.py``), diagnostics, exit codes.

Exit codes: 0 built, 1 content or template errors, 2 usage or configuration errors.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from .errors import BuildFailed, Diagnostics, Severity
from .pipeline import BuildOptions, build


def main(argv: list[str] | None = None) -> int:
    """Run the command line with `argv` and return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["build", *(argv or [])])
    try:
        now = _parse_now(args.now)
    except ValueError as exc:
        parser.error(str(exc))
    root = Path(args.root).resolve()
    options = BuildOptions.for_project(
        root, content_dir=_path(args.content), templates_dir=_path(args.templates),
        output_dir=_path(args.output), now=now, built_at=_source_date_epoch(),
        base_url=args.base_url, strict=args.strict)
    try:
        report = build(options)
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics)
        errors = sum(d.severity is Severity.ERROR for d in failed.diagnostics.items)
        print(f"build failed: {errors} error(s); {options.output_dir.name}/ left as it was",
              file=sys.stderr)
        return failed.exit_code
    _print_diagnostics(report.diagnostics)
    print(f"built {report.pages} pages ({report.files} files) into "
          f"{_shown(options.output_dir, root)}/ in {report.seconds:.2f} s")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sitegen", description="Build the networks' website.")
    commands = parser.add_subparsers(dest="command")
    build_cmd = commands.add_parser("build", help="render content/ and templates/ into output/")
    build_cmd.add_argument("--root", default=".", help="the project folder (default: here)")
    build_cmd.add_argument("--content", help="the content folder (default: ROOT/content)")
    build_cmd.add_argument("--templates", help="the templates folder (default: ROOT/templates)")
    build_cmd.add_argument("--output", help="the output folder (default: ROOT/output)")
    build_cmd.add_argument("--now", help="the moment that splits upcoming from past meetings, "
                           "ISO 8601 (default: the current time)")
    build_cmd.add_argument("--base-url", help="the URL the site is published at (overrides site.yaml)")
    build_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    return parser


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--now: '{value}' is not an ISO 8601 date and time") from None
    return moment  # without an offset: the site's time zone (see pipeline.load_site)


def _source_date_epoch() -> dt.datetime | None:
    """The build time reproducible builds ask for (https://reproducible-builds.org/specs/)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return dt.datetime.fromtimestamp(int(value), dt.UTC) if value.isdigit() else None


def _path(value: str | None) -> Path | None:
    return Path(value).resolve() if value else None


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _print_diagnostics(diagnostics: Diagnostics) -> None:
    for diagnostic in diagnostics.sorted():
        print(diagnostic.format(), file=sys.stderr)
