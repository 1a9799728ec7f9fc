"""Spreading work over the machine's cores: forked worker processes.

Markdown conversion and rendering are pure Python, so threads would share one core. Worker
processes are forked, not spawned: each starts with the parent's memory (the loaded `Site`,
compiled templates, catalogs, the chunks of work) as it is, without pickling or loading it
again. Only the chunks' numbers and the results cross between processes.

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
_numbers = -1                               # … taking their numbers from this pipe (`_numbered`)
NUMBER = 4                                  # bytes


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
    global _task, _chunks, _numbers
    workers = min(workers, len(chunks))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [function(chunk) for chunk in chunks]
    # Objects made before the fork stay shared (copy-on-write) only while nothing writes to
    # them; the cycle collector's passes would touch every one in every worker.
    numbers = _numbered(len(chunks))
    gc.collect()
    gc.freeze()
    _task, _chunks, _numbers = function, chunks, numbers
    try:   # an executor, not a Pool: a worker killed (say, out of memory) fails the build
        with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_drain) for _ in range(workers - 1)]
            try:   # a worker that is done has failed or found no chunk left: stop too
                done = _drain(lambda: any(other.done() for other in others))
            finally:   # no one starts another chunk (after an error here, say)
                _take_the_rest()
            for other in others:
                done.extend(other.result())
    except BrokenProcessPool:
        raise WorkerDied("a worker process ended abruptly (was it out of memory?)") from None
    finally:
        os.close(_numbers)
        _task, _chunks, _numbers = None, (), -1
        gc.unfreeze()
    return [result for _, result in sorted(done, key=lambda pair: pair[0])]


def map_slices(function: Callable[[tuple[int, int]], R], count: int, workers: int) -> list[R]:
    """`function` of the (start, stop) bounds of each slice of `range(count)` (`chunked`),
    computed by up to `workers` processes (`map_forked`): what a worker needs of the items it
    finds in its copy of the parent's memory."""
    return map_forked(function, [(part.start, part.stop) for part in chunked(range(count), workers)], workers)


def _numbered(count: int) -> int:
    """The reading end of a pipe that holds the numbers of `count` chunks and is closed for
    writing. Each process takes the next number with one read, which the system does whole:
    unlike a shared counter's lock, nothing is left held by a worker killed while taking one.
    There are few chunks (`chunked`): their numbers fit in the pipe at once."""
    reading, writing = os.pipe()
    numbers = b"".join(number.to_bytes(NUMBER, "little") for number in range(count))
    os.set_blocking(writing, False)   # too many chunks fail here rather than wait for a reader
    try:
        written = os.write(writing, numbers)
    finally:
        os.close(writing)
    if written != len(numbers):
        os.close(reading)
        raise ValueError(f"{count} chunks: more numbers than a pipe holds")
    return reading


def _drain(stop: Callable[[], bool] = lambda: False) -> list[tuple[int, Any]]:
    """The results of the chunks left, taken one at a time until `stop`, with their numbers."""
    done = []
    while not stop() and (taken := os.read(_numbers, NUMBER)):
        number = int.from_bytes(taken, "little")
        done.append((number, _task(_chunks[number])))
    return done


def _take_the_rest() -> None:
    """Take every number left, so that no process starts another chunk."""
    while os.read(_numbers, NUMBER * 1024):
        pass
