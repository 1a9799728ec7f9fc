"""Spreading work over the machine's cores: forked worker processes.

Markdown conversion and rendering are pure Python, so threads would share one core. Worker
processes are forked, not spawned: each starts with the parent's memory (the loaded `Site`,
compiled templates, catalogs) as it is, without pickling or loading it again. Only the work's
arguments and results cross between processes.

`map_forked(function, chunks)` calls `function` on each chunk and returns the results in the
order of the chunks, so what a parallel build writes and reports is the same as what one process
would. This process works through the chunks too, with one forked worker fewer than asked for:
each page a worker writes to becomes its own copy, so every worker adds to the build's peak
memory, while this process would only wait. One worker, or a system without `fork`, runs
everything here.
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

_task: Callable[[Any], Any] | None = None   # what the forked workers run (inherited) …
_chunks: Sequence[Any] = ()                 # … on which chunks
_next: Any = None                           # the number of the next chunk to take


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
    """`[function(chunk) for chunk in chunks]`, computed by this process and up to
    `workers - 1` forked ones, each taking the next chunk left (a slow chunk holds no one up)."""
    global _task, _chunks, _next
    workers = min(workers, len(chunks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(chunk) for chunk in chunks]
    # Objects made before the fork stay shared (copy-on-write) only while nothing writes to
    # them; the cycle collector's passes would touch every one in every worker.
    gc.collect()
    gc.freeze()
    context = multiprocessing.get_context("fork")
    _task, _chunks, _next = function, chunks, context.Value("l", 0)
    try:   # an executor, not a Pool: a worker killed (say, out of memory) fails the build
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            others = [pool.submit(_drain) for _ in range(workers - 1)]
            try:
                done = _drain()
            finally:   # after an error here, the workers take no more chunks
                with _next.get_lock():
                    _next.value = len(chunks)
            for other in others:
                done.extend(other.result())
    except BrokenProcessPool:
        raise WorkerDied("a worker process ended abruptly (was it out of memory?)") from None
    finally:
        _task = _chunks = _next = None
        gc.unfreeze()
    return [result for _, result in sorted(done, key=lambda pair: pair[0])]


def map_slices(function: Callable[[tuple[int, int]], R], count: int, workers: int) -> list[R]:
    """`function` of the (start, stop) bounds of each slice of `range(count)` (`chunked`),
    computed by up to `workers` processes (`map_forked`): what a worker needs of the items it
    finds in its copy of the parent's memory."""
    return map_forked(function, [(part.start, part.stop) for part in chunked(range(count), workers)], workers)


def _drain() -> list[tuple[int, Any]]:
    """The results of the chunks left, taken one at a time, with their numbers."""
    done = []
    while True:
        with _next.get_lock():
            number = _next.value
            _next.value += 1
        if number >= len(_chunks):
            return done
        done.append((number, _task(_chunks[number])))
