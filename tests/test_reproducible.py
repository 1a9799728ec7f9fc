"""Reproducible builds: the same commit and `--now` give the same bytes on any day.

The builds run as separate processes under `faketime`, so every clock the build could read
(Python's, git's, the search indexer's) says another day.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT, soup

FAKETIME = shutil.which("faketime")
NOW = "2026-11-22T09:00:00+01:00"
COMMITTED = "2026-11-01T10:00:00+01:00"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The sample content as one commit of a git repository."""
    assert FAKETIME, "these tests need faketime: apt-get install faketime (make test installs it)"
    root = tmp_path_factory.mktemp("reproducible")
    shutil.copytree(PROJECT / "content", root / "content")
    env = {**os.environ, "GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED,
           "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}
    for command in (["init", "-q"], ["add", "content"], ["commit", "-q", "-m", "Sample content"]):
        subprocess.run(["git", *command], cwd=root, env=env, check=True)
    return root


def build_on(root, wall_clock: str, output: str, *args: str, **env: str):
    """Build with the system clock showing `wall_clock` in UTC (it ticks on from there)."""
    clean = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    subprocess.run([FAKETIME, "-f", f"@{wall_clock}", sys.executable, "-m", "sitegen", "build",
                    "--root", str(root), "--templates", str(PROJECT / "templates"),
                    "--output", str(root / output), *args],
                   env={**clean, "TZ": "UTC", "FAKETIME_DONT_FAKE_MONOTONIC": "1", **env}, check=True,
                   capture_output=True)
    return root / output


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def updated(output, lang: str) -> str:
    return soup(output / lang / "index.html").find(class_="updated").text


def test_the_fake_clock_reaches_the_build(project):
    output = build_on(project, "2027-03-15 20:30:00", "no-now")
    assert updated(output, "fi") == "Päivitetty 15.3.2027"


def test_builds_of_one_commit_on_different_days_with_the_same_now_are_identical(project):
    first = build_on(project, "2026-11-22 08:00:00", "first", "--now", NOW)
    second = build_on(project, "2027-03-15 20:30:00", "second", "--now", NOW)
    files = snapshot(first)
    assert len(files) > 600 and "pagefind/pagefind-entry.json" in files
    assert snapshot(second) == files


def test_source_date_epoch_is_the_date_pages_say_they_were_updated(project):
    moment = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    output = build_on(project, "2027-03-15 20:30:00", "epoch", "--now", NOW,
                      SOURCE_DATE_EPOCH=str(int(moment.timestamp())))
    assert [updated(output, lang) for lang in ("da", "fi", "en")] == [
        "Opdateret 20. november 2026", "Päivitetty 20.11.2026", "Updated 20 November 2026"]
