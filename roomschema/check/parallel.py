"""Running ``roomschema check``'s cold work on every core: validation, reading migrations, verifying.

A fork-based pool, started only when there is work for more than one core: a warm check has none,
and starting the workers costs more than a few small jobs.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator


def _pool(jobs: int):
    """A fork-based pool when there is more than one job and core; None means run inline."""
    workers = min(jobs, os.cpu_count() or 1)
    if workers < 2:
        return None  # before the imports: a warm cache has no jobs, and multiprocessing costs 7 ms
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


# What the forked workers of ``parallel_map`` run, by index: inherited at fork, so no schema is pickled.
_JOBS: list = []
# While the workers of ``in_background`` have the cores, a map started here runs in this process.
_BUSY = False


def _call(i: int):
    fn, args = _JOBS[i]
    return fn(*args)


def _chunk(jobs: int, contiguous: bool) -> int:
    # Otherwise one job at a time: a job is a millisecond or more, its round trip a tenth of one,
    # and larger chunks left one worker alone on the last of them.
    return -(-jobs // min(jobs, os.cpu_count() or 1)) if contiguous else 1


def parallel_map(fn, args: list, contiguous: bool = False, least: int = 2) -> list:
    """``[fn(*a) for a in args]`` on every core when there are at least ``least`` jobs. ``contiguous``
    gives each worker one run of neighbouring jobs (versions in order repeat their tables, which
    validation remembers)."""
    with in_background(fn, args, contiguous, least) as results:
        pass
    return results


@contextmanager
def in_background(fn, args: list, contiguous: bool = False, least: int = 2) -> Iterator[list]:
    """``parallel_map(fn, args, contiguous, least)`` on the workers while the body of the ``with``
    runs in this process, which meanwhile runs any map of its own inline; the list it gives holds
    the results, in order, once the block is left. Without workers (one core, few jobs) the jobs
    run here after the block."""
    global _JOBS, _BUSY
    results: list = []
    pool = _pool(len(args)) if len(args) >= least and not _BUSY else None
    if pool is None:
        yield results
        results.extend(fn(*a) for a in args)
        return
    _JOBS = [(fn, a) for a in args]
    try:
        with pool:
            done = pool.map(_call, range(len(args)), chunksize=_chunk(len(args), contiguous))
            _BUSY = True
            try:
                yield results
            finally:
                _BUSY = False
            results.extend(done)
    finally:
        _JOBS = []
