"""Builds killed with SIGKILL: output/ is always the old or the new complete site, and the next
build clears what the killed one left beside it.

A generated site (bench/generate.py) is built once with one `--now` ("A") and once with another
("B", a build into a separate folder): the two differ in most files. Each killed build is a real
`python -m sitegen build` process in its own session, killed with `os.killpg(…, SIGKILL)` so that
its Pagefind child dies with it. A watcher polls the project folder every 2 ms to see the build's
phases from outside (the staging folder appears; the marker is written into it, so the pages are
written and Pagefind starts; Pagefind writes its pagefind/ folder; output/ is replaced) and fires
the kill a delay after one of them; the delays are drawn from the phase durations measured on
the two reference builds, so that the kills land in each phase whatever the machine's speed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT
from sitegen import buildcache
from sitegen.search import WORK

TEMPLATES = str(PROJECT / "templates")
NOW_A = "2026-11-22T09:00+01:00"
NOW_B = "2026-06-15T09:00+03:00"
# A build takes about 2 s (0.8 s loading, 0.8 s writing, 0.35 s Pagefind, 0.1 s swapping and
# removing the old site); most of it is fixed (month grids, calendars), so more networks would
# make the phases longer but not different, and the file slower than its 40 s budget.
NETWORKS = 3
POLL = 0.002
PHASES = ("staging", "written", "indexed", "swapped")  # what the watcher sees, in this order


def digests(folder: Path) -> dict[str, str]:
    """path → SHA-256 of every file under `folder` (empty when it does not exist)."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def child_env() -> dict[str, str]:
    """The environment of a build whose output depends only on the content and `--now`."""
    env = dict(os.environ)
    for name in ("SOURCE_DATE_EPOCH", "SITEGEN_BASE_URL"):
        env.pop(name, None)
    return env


def group_members(pgid: int) -> list[str]:
    """The live (not zombie) processes of process group `pgid`, as their command names."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        head, _, tail = stat.rpartition(")")
        name, fields = head.partition("(")[2], tail.split()   # state, ppid, pgrp, …
        state, pgrp = fields[0], int(fields[2])
        if pgrp == pgid and state not in ("Z", "X"):
            found.append(name)
    return found


@dataclasses.dataclass
class Run:
    pid: int
    returncode: int
    seen: dict[str, float]              # phase → seconds after the start when first seen
    killed_at: float | None = None
    group_at_kill: list[str] = dataclasses.field(default_factory=list)
    output: str = ""


def run_build(root: Path, now: str, output: Path | None = None,
              kill: tuple[str, float] | None = None) -> Run:
    """Run a build, watching its phases; with `kill=(phase, delay)`, SIGKILL its process group
    `delay` seconds after `phase` was first seen ("start" is the launch)."""
    output = output or root / "output"
    before = output.stat().st_ino if output.exists() else None
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(root), "--templates", TEMPLATES,
               "--now", now, "--output", str(output)]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=PROJECT, env=child_env(), start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    staging = output.with_name(f".{output.name}.staging-{process.pid}")
    seen = {"start": 0.0}
    run = Run(process.pid, 0, seen)
    try:
        while process.poll() is None:
            moment = time.monotonic() - started
            if "staging" not in seen and staging.exists():
                seen["staging"] = moment
            if "written" not in seen and (staging / ".sitegen-output").exists():
                seen["written"] = moment
            if "indexed" not in seen and (staging / "pagefind").exists():
                seen["indexed"] = moment
            if "swapped" not in seen:
                try:
                    if output.stat().st_ino != before:
                        seen["swapped"] = moment
                except FileNotFoundError:
                    pass
            if kill and kill[0] in seen and moment >= seen[kill[0]] + kill[1]:
                run.group_at_kill = group_members(process.pid)
                os.killpg(process.pid, signal.SIGKILL)
                run.killed_at = time.monotonic() - started
                break
            time.sleep(POLL)
        run.output = process.communicate(timeout=60)[0].decode(errors="replace")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    run.returncode = process.returncode
    seen["exit"] = time.monotonic() - started
    if kill:
        deadline = time.monotonic() + 10
        while group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
    return run


@dataclasses.dataclass
class Project:
    root: Path
    sites: dict[str, Path]              # now → a saved copy of the complete site built for it
    snapshots: dict[str, dict[str, str]]
    phases: dict[str, float]            # phase → measured seconds (mean of the reference builds)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A generated site built for NOW_A into output/ and for NOW_B into a separate folder,
    with saved copies of both sites and the duration of each phase of those builds."""
    base = tmp_path_factory.mktemp("killed")
    spec = importlib.util.spec_from_file_location("bench_generate", PROJECT / "bench/generate.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    root = generator.generate(base / "project", networks=NETWORKS)
    runs = [run_build(root, NOW_A), run_build(root, NOW_B, output=base / "site-b")]
    for run in runs:
        assert run.returncode == 0, run.output
        assert [p for p in ("start", *PHASES, "exit") if p in run.seen] == ["start", *PHASES, "exit"]
    shutil.copytree(root / "output", base / "site-a")
    sites = {NOW_A: base / "site-a", NOW_B: base / "site-b"}
    durations = {}
    for previous, phase in zip(("start", *PHASES), (*PHASES, "exit"), strict=True):
        durations[previous] = sum(r.seen[phase] - r.seen[previous] for r in runs) / len(runs)
    return Project(root, sites, {now: digests(site) for now, site in sites.items()}, durations)


def reset(project: Project, now: str) -> None:
    """Put the complete site built for `now` in output/, with nothing beside it."""
    for entry in project.root.iterdir():
        if entry.name != "content":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.copytree(project.sites[now], project.root / "output")


def beside_output(root: Path) -> list[str]:
    """What lies beside output/ but the cache, which builds keep there on purpose."""
    return sorted(p.name for p in root.iterdir() if p.name != buildcache.FOLDER)


def outcome(project: Project, old: str, new: str) -> str:
    found = digests(project.root / "output")
    if found == project.snapshots[old]:
        return "old"
    if found == project.snapshots[new]:
        return "new"
    as_old = sum(found.get(k) == v for k, v in project.snapshots[old].items())
    as_new = sum(found.get(k) == v for k, v in project.snapshots[new].items())
    return (f"neither: {len(found)} files, {as_old} as in the old site, {as_new} as in the new "
            f"(of {len(project.snapshots[old])} and {len(project.snapshots[new])})")


def kill_plans(phases: dict[str, float], rng: random.Random) -> list[tuple[str, str, float, set[str]]]:
    """(when, the phase the delay counts from, the delay, the outcomes possible) of each kill:
    delays are drawn within the measured duration of the phase they aim at."""
    def within(phase, low, high):
        return phases[phase] * rng.uniform(low, high)

    return [
        ("loading content, before anything is written", "start", within("start", 0.2, 0.8), {"old"}),
        ("writing the staging folder", "staging", within("staging", 0.05, 0.45), {"old"}),
        ("writing the staging folder", "staging", within("staging", 0.55, 0.9), {"old"}),
        ("Pagefind indexing", "written", within("written", 0.1, 0.4), {"old"}),
        ("Pagefind indexing", "written", within("written", 0.4, 0.7), {"old"}),
        ("around the swap", "indexed", within("indexed", 0.0, 1.0) + within("swapped", 0.0, 0.3),
         {"old", "new"}),
        ("removing the old site after the swap", "swapped", 0.0, {"new"}),
        ("removing the old site after the swap", "swapped", within("swapped", 0.0, 0.2), {"new"}),
    ]


@dataclasses.dataclass
class Round:
    when: str
    possible: set[str]
    killed: Run
    outcome: str                        # "old", "new", or how output/ is neither
    left: list[str]                     # the project folder's entries after the kill
    staging_complete: bool              # the killed build's staging folder holds every page
    group_after: list[str]              # processes of the killed build still alive
    next_build: Run
    next_site_is_new: bool
    left_after_next: list[str]


@pytest.fixture(scope="module")
def rounds(project) -> list[Round]:
    """Builds killed at moments spread over a build (seeded), each followed by a build that
    is not killed; they alternate between the two sites, so each kill turns the site it
    replaces ("old") into the other one ("new")."""
    rng = random.Random(20261122)
    reset(project, NOW_A)
    old, new = NOW_A, NOW_B
    done = []
    for when, phase, delay, possible in kill_plans(project.phases, rng):
        killed = run_build(project.root, new, kill=(phase, delay))
        left = beside_output(project.root)
        staging = project.root / f".output.staging-{killed.pid}"
        result = outcome(project, old, new)
        complete = (staging / ".sitegen-output").is_file()
        next_build = run_build(project.root, new)
        done.append(Round(when, possible, killed, result, left, complete, group_members(killed.pid),
                          next_build, digests(project.root / "output") == project.snapshots[new],
                          beside_output(project.root)))
        old, new = new, old
    print("\nphases of a build (s):", {k: round(v, 3) for k, v in project.phases.items()})
    for r in done:
        print(f"killed at {r.killed.killed_at or float('nan'):.3f} s ({r.when}; Pagefind running: "
              f"{len(r.killed.group_at_kill) > 1}): {r.outcome}, left {r.left}")
    return done


def test_a_build_killed_at_any_moment_leaves_exactly_the_old_or_the_new_complete_site(project, rounds):
    a, b = project.snapshots[NOW_A], project.snapshots[NOW_B]
    assert sum(a.get(k) != b.get(k) for k in a.keys() | b.keys()) > len(a) // 2   # most files differ
    for r in rounds:
        assert r.killed.returncode == -signal.SIGKILL, (r.when, r.killed.seen, r.killed.output)
        assert r.outcome in r.possible, (r.when, r.killed.seen, r.killed.killed_at)
    assert {r.outcome for r in rounds} == {"old", "new"}


def test_no_process_of_a_killed_build_lives_on_not_even_its_pagefind_child(rounds):
    assert [r.group_after for r in rounds] == [[]] * len(rounds)
    assert any(len(r.killed.group_at_kill) == 2 for r in rounds if r.when == "Pagefind indexing")


def test_the_next_build_after_a_kill_succeeds_and_leaves_nothing_beside_output(rounds):
    for r in rounds:
        assert r.next_build.returncode == 0, r.next_build.output
        assert r.next_site_is_new, r.when
        assert r.left_after_next == ["content", "output"], r.when


def test_stale_staging_and_old_folders_of_killed_builds_are_removed_by_the_next_build(rounds):
    for r in rounds:
        allowed = {"content", "output", ".output.lock", f".output.staging-{r.killed.pid}",
                   f".output.old-{r.killed.pid}",
                   f".output.staging-{r.killed.pid}{WORK}"}   # the pages Pagefind was reading
        assert set(r.left) <= allowed, r.left
        if "staging" in r.killed.seen and "swapped" not in r.killed.seen:
            assert f".output.staging-{r.killed.pid}" in r.left, r.when
        if r.when == "Pagefind indexing":   # a staging folder with every page written
            assert r.staging_complete
        assert r.left_after_next == ["content", "output"]
    # Killed while removing the old site, which the swap left where the staging folder was.
    assert any(f".output.staging-{r.killed.pid}" in r.left for r in rounds if "swapped" in r.killed.seen)


KILL_AT_SWAP = """\
import os, signal, sys
import sitegen.writer
from sitegen.cli import main

exchange = sitegen.writer._exchange

def exchange_then_die(first, second):
    done = exchange(first, second)
    os.kill(os.getpid(), signal.SIGKILL)   # the new site is in place; the old one not yet removed
    return done

sitegen.writer._exchange = exchange_then_die
sys.exit(main(sys.argv[1:]))
"""


def test_a_build_killed_the_moment_it_swaps_leaves_the_new_site_and_no_gap(project):
    reset(project, NOW_A)
    done = subprocess.run([sys.executable, "-c", KILL_AT_SWAP, "build", "--root", str(project.root),
                           "--templates", TEMPLATES, "--now", NOW_B],
                          cwd=PROJECT, env=child_env(), capture_output=True, start_new_session=True)
    assert done.returncode == -signal.SIGKILL, done
    assert outcome(project, NOW_A, NOW_B) == "new"
    left = beside_output(project.root)
    assert [name for name in left if name.startswith(".output.staging-")], left   # the old site
