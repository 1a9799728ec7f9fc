"""Spreading work over the machine's cores: forked worker processes.

Markdown conversion and rendering are pure Python, so threads would share one core. Worker
processes are forked, not spawned: each starts with the parent's memory (the loaded `Site`,
compiled templates, catalogs) as it is, without pickling or loading it again. Only the work's
arguments and results cross between processes.

`map_forked(function, chunks)` calls `function` on each chunk in a worker and returns the
results in the order of the chunks, so what a parallel build writes and reports is the same as
what one process would. One worker, or a system without `fork`, runs everything in this process.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_task: Callable[[Any], Any] | None = None   # the function the forked workers run (inherited)


class WorkerDied(OSError):
    """A worker was killed; what it was doing is lost (a system problem, as a full disk is)."""


def worker_count(requested: int | None = None) -> int:
    """The number of workers: `requested`, else ``$SITEGEN_WORKERS``, else the cores this
    process may use."""
    if requested:
        return max(1, requested)
    configured = os.environ.get("SITEGEN_WORKERS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunked(items: Sequence[T], workers: int, per_worker: int = 4, smallest: int = 50) -> list[Sequence[T]]:
    """`items` cut into about `per_worker` slices per worker, so a slow slice is not the last
    one left while the other workers wait; no slice under `smallest` items (starting a worker
    costs more than a little work): a small site is one slice, done in this process."""
    count = max(1, min(len(items) // smallest, workers * per_worker))
    size = -(-len(items) // count) or 1
    return [items[start:start + size] for start in range(0, len(items), size)]


def map_forked(function: Callable[[T], R], chunks: Sequence[T], workers: int) -> list[R]:
    """`[function(chunk) for chunk in chunks]`, computed by up to `workers` forked processes."""
    global _task
    workers = min(workers, len(chunks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(chunk) for chunk in chunks]
    # Objects made before the fork stay shared (copy-on-write) only while nothing writes to
    # them; the cycle collector's passes would touch every one in every worker.
    gc.collect()
    gc.freeze()
    _task = function
    try:   # an executor, not a Pool: a worker killed (say, out of memory) fails the build
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, chunks))
    except BrokenProcessPool:
        raise WorkerDied("a worker process ended abruptly (was it out of memory?)") from None
    finally:
        _task = None
        gc.unfreeze()


def map_slices(function: Callable[[tuple[int, int]], R], count: int, workers: int) -> list[R]:
    """`function` of the (start, stop) bounds of each slice of `range(count)` (`chunked`),
    computed by up to `workers` forked processes: what a worker needs of the items it finds
    in its copy of the parent's memory."""
    return map_forked(function, [(part.start, part.stop) for part in chunked(range(count), workers)], workers)


def _run(chunk: Any) -> Any:
    return _task(chunk)
