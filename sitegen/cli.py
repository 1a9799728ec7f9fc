"""The command line: ``sitegen build|check|new|serve``; prints diagnostics; exit codes.

``python build.py`` is ``sitegen build``. Exit codes: 0 done, 1 content or template errors,
2 usage or configuration errors, 3 a fault of sitegen itself.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import traceback
from dataclasses import replace
from pathlib import Path

from .config import load_config
from .errors import CONTROL_ESCAPES, BuildFailed, Diagnostics, Severity
from .pipeline import BuildOptions, build, check
from .starters import FOLDERS, KINDS, starter


def main(argv: list[str] | None = None) -> int:
    """Run the command line with `argv` and return the exit code.

    A fault of sitegen itself (not of the content) is one line asking for a report, exit 3;
    ``--debug`` adds the traceback.
    """
    parser = _parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return _run(parser, args)
    except OSError as exc:  # the system's refusal (a full disk, a folder not ours), not a fault of ours
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"sitegen {args.command}: {where}{exc.strerror or exc}".translate(CONTROL_ESCAPES),
              file=sys.stderr)
        return 1
    except Exception as exc:  # the one place that turns a fault of ours into a report
        if args.debug:
            traceback.print_exc()
        print((f"sitegen {args.command}: internal error ({type(exc).__name__}: {exc}); this is a bug in "
               "sitegen, please report it with the command you ran"
               + ("" if args.debug else " (--debug shows the details)")).translate(CONTROL_ESCAPES),
              file=sys.stderr)
        return 3


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        now = _parse_now(args.now)
    except ValueError as exc:
        parser.error(str(exc))
    if args.command == "new":
        return _new(args, now)
    root = Path(args.root).resolve()
    output = _path(getattr(args, "output", None))
    if args.command == "serve" and output is None:
        output = root / ".sitegen-serve"  # never the output/ a deploy publishes
    options = BuildOptions.for_project(
        root, content_dir=_path(args.content), templates_dir=_path(args.templates), output_dir=output,
        now=now, built_at=_source_date_epoch(), base_url=getattr(args, "base_url", None),
        strict=args.strict, drafts=args.drafts, workers=getattr(args, "jobs", None))
    if getattr(args, "no_cache", False):
        options = replace(options, cache_dir=None)
    if args.command == "check":
        return _check(options, args.links or args.external, args.external)
    if args.command == "serve":
        from .devserver import serve  # livereload and tornado are needed for serving only
        return serve(options, args.host, args.port, log=print)
    return _build(options, args.timings)


def _build(options: BuildOptions, timings: bool = False) -> int:
    try:
        report = build(options)
    except BuildFailed as failed:
        return _failed(failed, "build", f"{options.output_dir.name}/ left as it was")
    _print_diagnostics(report.diagnostics)
    if report.unchanged:
        print(f"{_shown(options.output_dir, options.root)}/ is up to date: nothing has changed since "
              f"its build ({report.pages} pages, {report.files} files); checked in {report.seconds:.2f} s")
    else:
        print(f"built {report.pages} pages ({report.files} files) into "
              f"{_shown(options.output_dir, options.root)}/ in {report.seconds:.2f} s")
    if timings:
        for stage, seconds in report.stages.items():
            print(f"  {stage}: {seconds:.2f} s")
    return 0


def _check(options: BuildOptions, links: bool, external: bool) -> int:
    try:
        diagnostics = check(options, links, external)
    except BuildFailed as failed:
        return _failed(failed, "check", "nothing was written")
    _print_diagnostics(diagnostics)
    checked = [_shown(options.content_dir, options.root) + "/"]
    if links:
        checked.append(f"the links of {_shown(options.output_dir, options.root)}/")
    found = [f"{len(diagnostics.items)} warning(s)"] if diagnostics.items else []
    if diagnostics.allowed:
        found.append(f"{diagnostics.allowed} allowed by the files")
    print(f"checked {' and '.join(checked)}: no errors" + "".join(f", {f}" for f in found))
    return 0


def _new(args: argparse.Namespace, now: dt.datetime | None) -> int:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", args.slug):
        print(f"sitegen new: '{args.slug}' is not a valid name (lowercase a-z, 0-9 and hyphens)",
              file=sys.stderr)
        return 2
    if args.kind != "person" and not args.lang:
        print(f"sitegen new: a {args.kind} is written in a language: give --lang", file=sys.stderr)
        return 2
    root = Path(args.root).resolve()
    content = _path(args.content) or root / "content"
    if args.lang:
        try:
            codes = load_config(content, root).codes
        except BuildFailed as failed:
            return _failed(failed, "new", "nothing was written")
        if args.lang not in codes:
            print(f"sitegen new: '{args.lang}' is not one of the site's languages ({', '.join(codes)})",
                  file=sys.stderr)
            return 2
    today = (now or dt.datetime.now()).date()
    existing = _existing_translations(content, args.kind, args.slug)
    news_date = dt.date.fromisoformat(existing[0].name[:10]) if existing and args.kind == "news" else None
    relative, text = starter(args.kind, args.slug, args.lang, today,
                             _shown(existing[0], root) if existing else None, news_date)
    path = content / relative
    if path.exists():
        print(f"sitegen new: {_shown(path, root)} exists already; nothing was written", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {_shown(path, root)}")
    return 0


def _existing_translations(content: Path, kind: str, slug: str) -> list[Path]:
    """The files of an item already written in other languages."""
    if kind == "person":
        return []
    pattern = f"????-??-??-{slug}.*.md" if kind == "news" else f"{slug}.*.md"
    return sorted((content / FOLDERS[kind]).glob(pattern))


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a positive whole number")
    return int(value)


def _failed(failed: BuildFailed, command: str, outcome: str) -> int:
    _print_diagnostics(failed.diagnostics)
    errors = sum(d.severity is Severity.ERROR for d in failed.diagnostics.items)
    print(f"{command} failed: {errors} error(s); {outcome}", file=sys.stderr)
    return failed.exit_code


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=".", help="the project folder (default: here)")
    common.add_argument("--content", help="the content folder (default: ROOT/content)")
    common.add_argument("--now", help="the moment that splits upcoming from past meetings, "
                        "ISO 8601 (default: the current time)")
    common.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    site = argparse.ArgumentParser(add_help=False, parents=[common])
    site.add_argument("--templates", help="the templates folder (default: ROOT/templates)")
    site.add_argument("--strict", action="store_true", help="treat warnings as errors")
    site.add_argument("--drafts", action="store_true",
                      help="include drafts and texts whose publish_date is still to come")
    work = argparse.ArgumentParser(add_help=False)   # how the build and the preview's first build run
    work.add_argument("--jobs", type=_positive, metavar="N",
                      help="processes to convert and render with (default: $SITEGEN_WORKERS, "
                      "else one per core)")
    work.add_argument("--no-cache", action="store_true",
                      help="neither read nor write the cache of earlier builds (ROOT/.sitegen-cache)")
    parser = argparse.ArgumentParser(prog="sitegen", description="Build the networks' website.")
    commands = parser.add_subparsers(dest="command")
    build_cmd = commands.add_parser("build", parents=[site, work],
                                    help="render content/ and templates/ into output/")
    build_cmd.add_argument("--output", help="the output folder (default: ROOT/output)")
    build_cmd.add_argument("--base-url", default=os.environ.get("SITEGEN_BASE_URL") or None,
                           help="the URL the site is published at (default: $SITEGEN_BASE_URL, "
                           "else site.yaml's base_url)")
    build_cmd.add_argument("--timings", action="store_true", help="print the seconds each stage took")
    check_cmd = commands.add_parser("check", parents=[site],
                                    help="report every problem in the content; write nothing")
    check_cmd.add_argument("--links", action="store_true",
                           help="also check every internal link and anchor of the built site")
    check_cmd.add_argument("--external", action="store_true",
                           help="also try links to other sites (reported as warnings; implies --links)")
    check_cmd.add_argument("--output", help="the built site to check (default: ROOT/output)")
    new_cmd = commands.add_parser("new", parents=[common], help="write a starter file for a new item")
    new_cmd.add_argument("kind", choices=KINDS)
    new_cmd.add_argument("slug", help="the item's name in URLs: lowercase a-z, 0-9 and hyphens")
    new_cmd.add_argument("--lang", help="the language it is written in (not for a person)")
    serve_cmd = commands.add_parser("serve", parents=[site, work],
                                    help="preview the site, rebuilding and reloading on every change")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve_cmd.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    serve_cmd.add_argument("--output", help="the preview folder (default: ROOT/.sitegen-serve)")
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
