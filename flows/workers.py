"""Documents read in worker processes, one per core, so that a run of several documents keeps
every core busy (in the flow's threads they shared one interpreter lock: CPU time was about
1.0 x wall on two cores).

A Prefect task stays a thread of the flow's process, with its states and its small record;
its body, one call into the document stage, runs in a worker process, which writes the
document's result into the state folder itself and returns that small record. The command
forks the workers before Prefect has started a thread, once the matcher is built: they
inherit every module and the matcher, so they cost nothing to start. Where threads already
run (a flow run of ``veikart serve``, a program that calls the flow), forking is not safe:
the workers come from a fork server that imports the document stage once, which pays only
for a run of at least :data:`FORKSERVER_MIN` documents. Every run with ``VEIKART_WORKERS=1``
reads its documents in the flow's own process.

The command hands the forked workers the run's documents at once (:func:`read_ahead`), so
they are read while the command imports Prefect and starts the flow (≈ 1.2 s); each task then
takes the outcome of its documents. A run of one document has one worker for this, which
builds the matcher itself (spaCy's import among it) while Prefect starts.

The workers ignore Ctrl-C (the run stops them on its way out) and die with the process that
started them (``PR_SET_PDEATHSIG``), so a killed run leaves none reading on.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from typing import Any

#: Fewest documents for which workers started from a fork server are worth their start (the
#: fork server imports the stage, ≈ 1 s, and each worker builds its matcher and fills its
#: caches anew, ≈ 1 s). Measured on a shared 2-core machine, they did not pay at 8 or 24 text
#: PDFs (5.6 s against 4.7 s in threads; 8.6 against 8.1-8.4): kept for backfills.
FORKSERVER_MIN = 50
#: The modules a fork server imports before it forks workers (the stage, and the backends
#: it imports only when a document of their format is read).
PRELOAD = ["outputs.document", "extractors.pdf", "extractors.pptx", "extractors.html",
           "extractors.docx", "extractors.xlsx", "extractors.text"]

_pool: ProcessPoolExecutor | None = None
_size = 0
#: The worker processes that read documents in the open block (their pids).
_readers: set[int] = set()
#: Calls handed to the workers before the tasks that make them ran (see :func:`read_ahead`).
_ahead: dict[tuple, Future] = {}


def cores() -> int:
    """The cores this process may run on, or ``VEIKART_WORKERS`` when it is set."""
    try:
        wanted = int(os.environ.get("VEIKART_WORKERS", "0"))
    except ValueError:
        wanted = 0
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return wanted if wanted > 0 else available


def workers_for(documents: int, forked: bool) -> int:
    """How many worker processes a run of ``documents`` documents is given (0: none, they
    are read in the run's own process)."""
    n = min(cores(), documents)
    if forked:  # one document too: it is read while Prefect starts (see read_ahead)
        return n if cores() >= 2 else 0
    return n if n >= 2 and documents >= FORKSERVER_MIN else 0


def _in_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's: it stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command's (forked): just end
    with suppress(Exception):  # Linux: end when the run (or the fork server) ends
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def active() -> int:
    """The number of worker processes open in this process (0: none)."""
    return _size if _pool is not None else 0


@contextmanager
def document_workers(documents: int) -> Iterator[int]:
    """Worker processes for a run of ``documents`` documents while the block runs (see the
    module's docstring); their number, 0 when the documents are read here. Inside a block
    already open, the workers it opened."""
    global _pool, _size
    if _pool is not None:
        yield _size
        return
    _readers.clear()
    forked = threading.active_count() == 1
    n = workers_for(documents, forked)
    if not n:
        yield 0
        return
    context = multiprocessing.get_context("fork" if forked else "forkserver")
    if not forked:
        context.set_forkserver_preload(PRELOAD)
    pool = ProcessPoolExecutor(n, mp_context=context, initializer=_in_worker)
    # with fork every worker starts at the first submit, now, while no other thread runs; a
    # fork server starts one only for a task no idle worker can take: n at once start n
    warm = [pool.submit(int)] if forked else [pool.submit(time.sleep, 0.05) for _ in range(n)]
    try:
        for started in warm:
            started.result()
    except (BrokenProcessPool, OSError, RuntimeError):
        # (a fork server's worker imports the caller's main module again, as spawn does: a
        # script that calls the flow without `if __name__ == "__main__":` cannot have one)
        _close(pool, wait=False)
        yield 0
        return
    _pool, _size = pool, n
    done = False
    try:
        yield n
        done = True
    finally:
        _pool, _size = None, 0
        _ahead.clear()
        _close(pool, wait=done)


def _close(pool: ProcessPoolExecutor, wait: bool) -> None:
    """Shut the workers down: after their work (``wait``), or at once (Ctrl-C, SIGTERM, an
    error: a document half-read is never written, results are renamed into place whole)."""
    if wait:
        pool.shutdown(wait=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with suppress(Exception):
            proc.terminate()
    for proc in processes:
        with suppress(Exception):
            proc.join(5)


def readers() -> int:
    """How many worker processes have read documents in the open block."""
    return len(_readers)


def read_ahead(fn: Callable[..., Any], calls: list[tuple]) -> None:
    """Hand ``fn(*args)`` for each of ``calls`` to the open workers now, ahead of the tasks
    that will make these calls: :func:`run` and :func:`run_each` then take their outcomes
    instead of calling again. Without open workers, nothing is done."""
    pool = _pool
    if pool is None:
        return
    environ = dict(os.environ)
    for args in calls:
        try:
            _ahead[(fn, args)] = pool.submit(_call, environ, fn, args)
        except (BrokenProcessPool, RuntimeError):
            return  # the calls not handed over are made when their tasks run


def _submit(pool: ProcessPoolExecutor, environ: dict[str, str], fn: Callable[..., Any],
            args: tuple) -> Future:
    """The call handed to the workers ahead, else the call handed to them now."""
    return _ahead.pop((fn, tuple(args)), None) or pool.submit(_call, environ, fn, args)


def _call(environ: dict[str, str], fn: Callable[..., Any], args: tuple) -> tuple[int, Any]:
    """In a worker: ``fn(*args)`` under the caller's environment as it is now (the limits,
    the cache folder: a fork server's copy is as old as the fork server)."""
    for name in set(os.environ) - set(environ):
        del os.environ[name]
    os.environ.update(environ)
    return os.getpid(), fn(*args)


def run_each(fn: Callable[..., Any], calls: list[tuple]) -> list[Any]:
    """``fn(*args)`` for each ``args`` of ``calls``, in order: all handed to the worker
    processes at once while workers are open (they share them out), else one after another
    in this process. A call that raises gives its exception in its place; the other calls
    go on."""
    pool = _pool
    if pool is None or len(calls) < 2:
        return [_caught(run, fn, *args) for args in calls]
    environ = dict(os.environ)
    futures = []
    for args in calls:
        try:
            futures.append(_submit(pool, environ, fn, args))
        except (BrokenProcessPool, RuntimeError):
            futures.append(None)
    results = []
    for args, future in zip(calls, futures, strict=True):
        try:
            if future is None:
                raise BrokenProcessPool("the worker processes have stopped")
            pid, result = future.result()
            _readers.add(pid)
            results.append(result)
        except BrokenProcessPool:
            _broken(pool)
            results.append(_caught(fn, *args))
        except Exception as err:  # noqa: BLE001 - one document's bug, the others go on
            results.append(err)
    return results


def _caught(fn: Callable[..., Any], *args: Any) -> Any:
    try:
        return fn(*args)
    except Exception as err:  # noqa: BLE001 - one document's bug, the others go on
        return err


def _broken(pool: ProcessPoolExecutor) -> None:
    """A worker died (the OOM killer): every later call runs in this process."""
    global _pool
    if _pool is pool:
        _pool = None  # the block that opened it still closes it


def run(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a worker process while workers are open, else in this one. A worker
    that died under it (the OOM killer) breaks the pool: this call and every later one run
    here, as without workers."""
    pool = _pool
    if pool is None:
        return fn(*args)
    try:
        pid, result = _submit(pool, dict(os.environ), fn, args).result()
        _readers.add(pid)
        return result
    except BrokenProcessPool:
        _broken(pool)
        return fn(*args)
