"""sitegen's build benchmark: cold, warm and edited builds of a generated site, beside its peers.

    python bench/run.py --n 100            # sitegen alone
    python bench/run.py --n 1000 --peers   # and Pelican, Hugo, Eleventy on the same content

Generates a deterministic site (`generate.py`: N networks, 5N events, 5N news posts, in
Danish and Finnish), then measures, each build a process of its own:

- sitegen's cold build (no cache, no earlier output), with its stages (`--timings`);
- the warm build: the same build again, cache and output in place, nothing changed;
- a build after one edited event, cache in place;
- the preview (`serve`) rebuilding after one edited event;
- the floor: Python-Markdown alone converting every body, divided by the cores;
- with `--peers`, each peer's build of the same texts (`peers.py`), taking turns with
  sitegen's cold build `--rounds` times; the medians are compared.

Prints pages written, wall and CPU seconds, pages/s, peak memory (the proportional set size
of the build and all its worker processes, sampled) and the ratios to the targets, and writes
everything to bench/results/<date>-n<N>.json.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(PROJECT))

from generate import generate  # noqa: E402
from peers import PEERS, count_pages, expected_pages  # noqa: E402

NOW = "2026-06-15T12:00"
RESULTS = BENCH / "results"


@dataclass
class Run:
    """One measured process."""
    wall: float
    cpu: float
    peak_mb: float
    pages: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    output: str = ""

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall if self.wall else 0.0


def measure(command: list[str], cwd: Path, output: Path | None = None) -> Run:
    """Run `command`; its wall and CPU seconds (its own and its children's) and the peak of
    the memory it and its descendants hold together."""
    before = os.times()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env={**os.environ, "NO_COLOR": "1"})
    peak = [0]
    sampler = threading.Thread(target=_sample_memory, args=(process, peak), daemon=True)
    sampler.start()
    printed = process.communicate()[0]
    wall = time.perf_counter() - started
    sampler.join()
    after = os.times()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{printed}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    stages = {name: float(seconds) for name, seconds in re.findall(r"^  (.+): ([\d.]+) s$", printed, re.M)}
    return Run(wall, cpu, peak[0] / 1024, count_pages(output) if output else 0, stages, printed.strip())


def _sample_memory(process: subprocess.Popen, peak: list[int]) -> None:
    """Keep in `peak` the largest sum of the proportional set sizes (KB) of the process tree."""
    while process.poll() is None:
        peak[0] = max(peak[0], sum(_pss(pid) for pid in _tree(process.pid)))
        time.sleep(0.05)


def _tree(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next(int(line.split()[1]) for line in rollup if line.startswith("Pss:"))
    except (OSError, StopIteration, ValueError):
        return 0


def sitegen_build(site: Path, *extra: str) -> Run:
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(site), "--templates",
               str(PROJECT / "templates"), "--now", NOW, "--timings", *extra]
    return measure(command, PROJECT, site / "output")


def cold_build(site: Path) -> Run:
    """A build with no cache and no earlier output."""
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    return sitegen_build(site)


def edit_event(site: Path, number: int) -> None:
    event = site / f"content/events/event-{number}.da.md"
    text = event.read_text(encoding="utf-8")
    event.write_text(text.replace(f"title: Event {number} ", f"title: Edited event {number} ", 1),
                     encoding="utf-8")


def preview_edit(site: Path) -> Run:
    """The preview's rebuilds, in a process of its own (`incremental.py`: its last lines are the
    rebuilds after the first and the next edited event)."""
    return measure([sys.executable, str(BENCH / "incremental.py"), "--site", str(site)], PROJECT)


def markdown_floor(site: Path, cores: int) -> dict[str, float]:
    """CPU seconds of Python-Markdown converting every body once: with sitegen's extensions,
    and plain; and the floor, the former divided by the cores."""
    import markdown

    from sitegen.markup import EXTENSION_CONFIGS, EXTENSIONS
    from sitegen.sources import split_front_matter

    bodies = [split_front_matter(path.read_text(encoding="utf-8"))[1]
              for path in sorted((site / "content").rglob("*.md"))]
    seconds = {}
    for name, converter in (("configured", markdown.Markdown(extensions=EXTENSIONS,
                                                              extension_configs=EXTENSION_CONFIGS)),
                            ("plain", markdown.Markdown())):
        started = time.process_time()
        for body in bodies:
            converter.reset()
            converter.convert(body)
        seconds[name] = time.process_time() - started
    return {"bodies": len(bodies), "configured_cpu": seconds["configured"], "plain_cpu": seconds["plain"],
            "cores": cores, "floor": seconds["configured"] / cores, "plain_floor": seconds["plain"] / cores}


def peer_builds(site: Path, work: Path, names: list[str]) -> dict[str, Path]:
    """Install and prepare the peers that can run here; their project folders by name."""
    ready = {}
    for name in names:
        peer = PEERS[name]
        if reason := peer.missing():
            print(f"{name}: skipped, {reason}")
            continue
        peer.install()
        (work / name).mkdir()
        peer.prepare(site, work / name)
        ready[name] = work / name
    return ready


def run_peer(name: str, project: Path) -> Run:
    peer = PEERS[name]
    shutil.rmtree(peer.output(project), ignore_errors=True)
    return measure(peer.command(project), project, peer.output(project))


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.wall)[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="networks (default 100)")
    parser.add_argument("--peers", nargs="*", metavar="PEER",
                        help=f"also build with these peers (default when given alone: {' '.join(PEERS)})")
    parser.add_argument("--rounds", type=int, default=1, help="turns of sitegen and the peers (median)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="sitegen-bench-") as folder:
        site = generate(Path(folder) / "site", networks=args.n)
        files = sum(1 for _ in (site / "content").rglob("*.*"))
        print(f"site: {args.n} networks, {files} content files; {cores} cores")
        peers = peer_builds(site, Path(folder), args.peers or list(PEERS)) if args.peers is not None else {}
        runs: dict[str, list[Run]] = {"sitegen": [], **{name: [] for name in peers}}
        for _ in range(args.rounds):   # interleaved, so a busy moment of the machine hits all
            runs["sitegen"].append(cold_build(site))
            for name, project in peers.items():
                runs[name].append(run_peer(name, project))
        cold = {name: median_run(measured) for name, measured in runs.items()}
        expected = expected_pages(site / "content")
        for name in peers:
            if cold[name].pages != expected:
                print(f"{name} wrote {cold[name].pages} pages, not {expected}: compare with care")
        warm = sitegen_build(site)
        edit_event(site, 2)
        edited = sitegen_build(site)
        preview = preview_edit(site)
        floor = markdown_floor(site, cores)
    report(args.n, files, cold, warm, edited, preview, floor, args.results)


def report(n: int, files: int, cold: dict[str, Run], warm: Run, edited: Run, preview: Run,
           floor: dict[str, float], results: Path) -> None:
    ours = cold["sitegen"]
    print(f"\n{'build':<26}{'pages':>8}{'wall s':>9}{'CPU s':>9}{'pages/s':>9}{'peak MB':>9}")
    rows = [("sitegen cold", ours), ("sitegen warm, no change", warm),
            ("sitegen, one event edited", edited),
            *((f"{name} cold", run) for name, run in cold.items() if name != "sitegen")]
    for name, run in rows:
        print(f"{name:<26}{run.pages:>8}{run.wall:>9.2f}{run.cpu:>9.2f}{run.pages_per_second:>9.0f}"
              f"{run.peak_mb:>9.0f}")
    print("\nsitegen cold, by stage (wall s):")
    for stage, seconds in ours.stages.items():
        print(f"  {stage:<32}{seconds:>8.2f}")
    print("\npreview:", *preview.output.splitlines()[-2:], sep="\n")
    print(f"Markdown floor: {floor['bodies']} bodies, {floor['configured_cpu']:.1f} s CPU with sitegen's "
          f"extensions ({floor['plain_cpu']:.1f} s plain) / {floor['cores']} cores = {floor['floor']:.1f} s")
    ratios = {"cold wall / Markdown floor (target ≤ 1.5)": ours.wall / floor["floor"],
              "cold wall / plain Markdown floor": ours.wall / floor["plain_floor"],
              "peak memory GB (target < 1)": ours.peak_mb / 1024}
    for name, run in cold.items():
        if name != "sitegen":
            ratios[f"pages/s vs {name}" + (" (target ≥ 5)" if name == "pelican" else "")] = \
                ours.pages_per_second / run.pages_per_second
            if name == "hugo":
                ratios["warm wall / Hugo cold wall (target < 1)"] = warm.wall / run.wall
    print()
    for name, value in ratios.items():
        print(f"{name:<48}{value:>8.2f}")
    results.mkdir(parents=True, exist_ok=True)
    result = results / f"{dt.date.today().isoformat()}-n{n}.json"
    result.write_text(json.dumps({
        "networks": n, "content_files": files, "cores": floor["cores"],
        "cold": {name: _plain(run) for name, run in cold.items()}, "warm": _plain(warm),
        "one_event_edited": _plain(edited), "preview_one_event_edited": _plain(preview),
        "markdown_floor": floor, "ratios": ratios}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {result}")


def _plain(run: Run) -> dict:
    return {**asdict(run), "pages_per_second": run.pages_per_second}


if __name__ == "__main__":
    main()
