"""Where documents are extracted: in this process, across local processes, or on a Dask cluster.

Every executor runs the same top-level function on each job and yields results in
completion order; the caller (one writer) commits each result as it arrives. At most
``window`` jobs are in flight, so a killed run loses at most those.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Executor(Protocol):
    name: str

    def map_unordered(
        self,
        fn: Callable[..., Any],
        jobs: Iterable[tuple],
        on_death: Callable[[tuple, int | None], Any] | None = None,
    ) -> Iterator[tuple[tuple, Any]]: ...


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    """Jobs in this process, one after the other (no isolation: a crash here ends the run)."""

    name = "serial"

    def map_unordered(
        self,
        fn: Callable[..., Any],
        jobs: Iterable[tuple],
        on_death: Callable[[tuple, int | None], Any] | None = None,
    ) -> Iterator[tuple[tuple, Any]]:
        for job in jobs:
            yield job, fn(*job)


class WorkerDied(Exception):
    """A job's worker process died (killed by the OOM killer, a signal, a crash in a C library)."""

    def __init__(self, job: tuple, exitcode: int | None):
        self.job, self.exitcode = job, exitcode
        super().__init__(f"worker died (exit code {exitcode})")


def _linux_pdeathsig() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no libc symbol: the watchdog thread remains
        pass


def _watch_parent(parent: int) -> None:  # pragma: no cover - runs in a worker's daemon thread
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(70)


def worker_init(parent: int, memory_mb: int | None) -> None:
    """Initializer of every pool worker: die with the parent; cap the address space.

    The parent's death is caught twice: by ``PR_SET_PDEATHSIG`` (immediate, Linux) and by a
    watchdog thread that polls the parent pid (any POSIX system, and the case where the thread
    that started the worker ends before the process). ``memory_mb`` caps the worker's address
    space (``RLIMIT_AS``): a document that needs more raises ``MemoryError`` in the worker,
    recorded against that document, instead of the kernel killing a worker (or the machine).
    """
    _linux_pdeathsig()
    if os.getppid() != parent:  # the parent died before the call above
        os._exit(70)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="kehoach-parent-watch").start()
    if memory_mb:
        try:
            import resource

            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            cap = memory_mb * 1024 * 1024
            if hard != resource.RLIM_INFINITY:
                cap = min(cap, hard)
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        except (ImportError, ValueError, OSError) as exc:  # pragma: no cover - not POSIX
            log.warning("cannot cap worker memory at %d MB: %s", memory_mb, exc)


@contextlib.contextmanager
def workers_skip_main() -> Iterator[None]:
    """Workers started meanwhile do not import the caller's ``__main__``.

    ``spawn`` runs the parent's main script again in every worker (as ``__mp_main__``), so a plain
    script that calls ``kehoach.ingest`` without an ``if __name__ == "__main__":`` guard would start
    workers from its workers and crash. The jobs are kehoach's own functions: the workers need
    nothing of the caller's script, so its path is hidden from ``spawn`` while the pool starts them.
    """
    main = sys.modules.get("__main__")
    saved: dict[str, Any] = {k: main.__dict__[k] for k in ("__file__", "__spec__") if main and k in main.__dict__}
    try:
        if main is not None:
            for k in saved:
                if k == "__spec__":
                    main.__spec__ = None
                else:
                    del main.__dict__[k]
        yield
    finally:
        if main is not None:
            main.__dict__.update(saved)


class ProcessExecutor:
    """A pool of worker processes (spawned: no state inherited from the parent).

    A worker that dies (out of memory, a signal, a crash in a C library) breaks a
    ``ProcessPoolExecutor`` and every job in flight with it. The pool is then rebuilt and
    each job that was in flight is run again *alone*, in a pool of its own: the ones that
    finish are yielded as usual, the one that kills its worker again is the culprit and is
    yielded as ``on_death(job, exitcode)`` (or raises :class:`WorkerDied` without it).
    """

    name = "processes"

    def __init__(self, workers: int, window: int | None = None, memory_mb: int | None = None):
        self.workers = workers
        self.window = window or 2 * workers
        self.memory_mb = memory_mb

    def _pool(self, workers: int) -> ProcessPoolExecutor:
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=worker_init, initargs=(os.getpid(), self.memory_mb)
        )

    def map_unordered(
        self,
        fn: Callable[..., Any],
        jobs: Iterable[tuple],
        on_death: Callable[[tuple, int | None], Any] | None = None,
    ) -> Iterator[tuple[tuple, Any]]:
        with workers_skip_main():
            yield from self._map(fn, jobs, on_death)

    def _map(
        self,
        fn: Callable[..., Any],
        jobs: Iterable[tuple],
        on_death: Callable[[tuple, int | None], Any] | None = None,
    ) -> Iterator[tuple[tuple, Any]]:
        pending = iter(jobs)
        while True:
            suspects: list[tuple] = []
            pool = self._pool(self.workers)
            try:
                running: dict[Future, tuple] = {}
                self._fill(pool, fn, pending, running, suspects)
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job = running.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            suspects.append(job)
                            continue
                        yield job, result
                    if suspects:  # the pool is broken: every job still in flight is lost with it
                        suspects.extend(running.values())
                        running.clear()
                        break
                    self._fill(pool, fn, pending, running, suspects)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            if not suspects:
                return
            log.warning("a worker died; running the %d job(s) that were in flight one by one", len(suspects))
            for job in suspects:
                yield job, self._alone(fn, job, on_death)

    def _fill(
        self,
        pool: ProcessPoolExecutor,
        fn: Callable[..., Any],
        pending: Iterator[tuple],
        running: dict[Future, tuple],
        suspects: list[tuple],
    ) -> None:
        while len(running) < self.window and not suspects:
            job = next(pending, None)
            if job is None:
                return
            try:
                running[pool.submit(fn, *job)] = job
            except BrokenProcessPool:
                suspects.append(job)

    def _alone(self, fn: Callable[..., Any], job: tuple, on_death: Callable[[tuple, int | None], Any] | None) -> Any:
        """Run one job in a pool of its own: its result, or ``on_death`` if it kills that worker too."""
        pool = self._pool(1)
        try:
            fut = pool.submit(fn, *job)
            procs = list(getattr(pool, "_processes", {}).values())  # started by submit: kept to read the exit code
            try:
                return fut.result()
            except BrokenProcessPool:
                for p in procs:
                    p.join(timeout=15)  # dead already: instant; a loaded machine may take seconds to reap it
                codes = [p.exitcode for p in procs if p.exitcode is not None]
                exitcode = codes[0] if codes else None
                log.warning("job %s killed its worker (exit code %s)", job[:2], exitcode)
                if on_death is None:
                    raise WorkerDied(job, exitcode) from None
                return on_death(job, exitcode)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


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

    def map_unordered(
        self,
        fn: Callable[..., Any],
        jobs: Iterable[tuple],
        on_death: Callable[[tuple, int | None], Any] | None = None,
    ) -> Iterator[tuple[tuple, Any]]:
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


def make_executor(kind: str, jobs: int, scheduler: str | None = None, memory_mb: int | None = None) -> Executor:
    """``local``: in this process for one job, else a process pool; ``processes``: a pool even for one
    worker (isolation: a dying worker costs only its document); ``serial``; ``dask``."""
    if kind == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler tcp://HOST:8786")
        return DaskExecutor(scheduler)
    if kind == "processes":
        return ProcessExecutor(max(1, jobs), memory_mb=memory_mb)
    if kind == "serial":
        return SerialExecutor()
    if kind != "local":
        raise ValueError(f"unknown executor {kind!r}; choose local or dask")
    return SerialExecutor() if jobs <= 1 else ProcessExecutor(jobs, memory_mb=memory_mb)
