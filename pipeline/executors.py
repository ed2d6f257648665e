"""Where documents are extracted: in this process, across local processes, or on a Dask cluster.

Every executor runs the same top-level function on each job and yields results in
completion order; the caller (one writer) commits each result as it arrives. At most
``window`` jobs are in flight, so a killed run loses at most those.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol


class Executor(Protocol):
    name: str

    def map_unordered(self, fn: Callable[..., Any], jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]: ...


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    name = "serial"

    def map_unordered(self, fn: Callable[..., Any], jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        for job in jobs:
            yield job, fn(*job)


class ProcessExecutor:
    """A pool of worker processes (spawned: no state inherited from the parent)."""

    name = "processes"

    def __init__(self, workers: int, window: int | None = None):
        self.workers = workers
        self.window = window or 2 * workers

    def map_unordered(self, fn: Callable[..., Any], jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        pending = iter(jobs)
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx) as pool:
            running: dict[Future, tuple] = {}
            for job in pending:
                running[pool.submit(fn, *job)] = job
                if len(running) >= self.window:
                    break
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    job = running.pop(fut)
                    yield job, fut.result()
                    nxt = next(pending, None)
                    if nxt is not None:
                        running[pool.submit(fn, *nxt)] = nxt


class DaskExecutor:
    """Runs the jobs on a Dask distributed cluster (``pip install 'kehoach[cluster]'``).

    Workers must see the input files at the same paths (shared or copied storage); results
    come back to this process, which stays the only writer of Parquet and DuckDB.
    """

    name = "dask"

    def __init__(self, scheduler: str | Any, window: int | None = None):
        try:
            from dask.distributed import Client
        except ImportError as exc:  # the optional extra is not installed
            raise RuntimeError("the dask executor needs: pip install 'kehoach[cluster]'") from exc
        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._own = not isinstance(scheduler, Client)
        n = max(1, len(self.client.scheduler_info().get("workers", {})))
        self.window = window or 4 * n

    def map_unordered(self, fn: Callable[..., Any], jobs: Iterable[tuple]) -> Iterator[tuple[tuple, Any]]:
        from dask.distributed import as_completed

        pending = iter(jobs)
        running: dict[Any, tuple] = {}
        futures = as_completed()

        def submit(job: tuple) -> None:
            f = self.client.submit(fn, *job, pure=False)
            running[f] = job
            futures.add(f)

        for job in itertools.islice(pending, self.window):
            submit(job)
        try:
            for fut in futures:
                job = running.pop(fut)
                yield job, fut.result()
                nxt = next(pending, None)
                if nxt is not None:
                    submit(nxt)
        finally:
            if self._own:
                self.client.close()


def make_executor(kind: str, jobs: int, scheduler: str | None = None) -> Executor:
    if kind == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler tcp://HOST:8786")
        return DaskExecutor(scheduler)
    if kind == "processes":  # a pool even for one worker (benchmarks compare like with like)
        return ProcessExecutor(max(1, jobs))
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}; choose local or dask")
    return SerialExecutor() if jobs <= 1 else ProcessExecutor(jobs)
