"""Running ``roomschema check``'s cold work on every core: validation, reading migrations, verifying.

A fork-based pool, started only when there is work for more than one core: a warm check has none,
and starting the workers costs more than a few small jobs.
"""
from __future__ import annotations

import os


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


def _call(i: int):
    fn, args = _JOBS[i]
    return fn(*args)


def parallel_map(fn, args: list, contiguous: bool = False, least: int = 2) -> list:
    """``[fn(*a) for a in args]`` on every core when there are at least ``least`` jobs. ``contiguous``
    gives each worker one run of neighbouring jobs (versions in order repeat their tables, which
    validation remembers)."""
    global _JOBS
    pool = _pool(len(args)) if len(args) >= least else None
    if pool is None:
        return [fn(*a) for a in args]
    _JOBS = [(fn, a) for a in args]
    try:
        with pool:
            workers = min(len(args), os.cpu_count() or 1)
            chunk = -(-len(args) // workers) if contiguous else max(1, len(args) // (workers * 4))
            return list(pool.map(_call, range(len(args)), chunksize=chunk))
    finally:
        _JOBS = []
