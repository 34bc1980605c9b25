"""One ingest at a time per state folder: an exclusive ``flock`` on ``STATE/ingest.lock``,
held for the whole run. A second ingest waits for it (saying so), and gives up after its
time with :class:`LockedError`. The lock is re-entrant within a process (the command line
holds it around the flow, which takes it too), and the system drops it when the holder dies,
so a killed run never leaves it stuck."""

from __future__ import annotations

import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from veikart.errors import LockedError

LOCK_FILE = "ingest.lock"
#: Held while the dataset is written, by an ingest and by a review decision alike: the
#: review app keeps serving during an ingest, and the two never write at the same time.
PUBLISH_LOCK = "publish.lock"
_held: dict[Path, int] = {}  # lock path -> depth, in this process
_guard = threading.Lock()


def _say(message: str) -> None:
    print(f"veikart: {message}", file=sys.stderr, flush=True)


def publishing(state: Path) -> AbstractContextManager[None]:
    """Hold the state folder's publish lock (:data:`PUBLISH_LOCK`) while the dataset is
    written, waiting for it silently: the other writer's publish takes seconds."""
    return locked(state, say=None, name=PUBLISH_LOCK)


@contextmanager
def locked(state: Path, wait: float | None = None,
           say: Callable[[str], None] = _say, name: str = LOCK_FILE) -> Iterator[None]:
    """Hold the state folder's ingest lock (or the lock ``name``); wait up to ``wait`` seconds
    for it (None: as long as it takes)."""
    path = (Path(state) / name).resolve()
    with _guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _guard:
                _held[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and say:
                    say(f"another ingest is writing to {state}; waiting for it"
                        + (f" (at most {wait:.0f} s)" if wait is not None else ""))
                    told = True
                if wait is not None and time.monotonic() - start >= wait:
                    raise LockedError(f"{state}: another ingest still holds it after "
                                      f"{wait:.0f} s") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        with _guard:
            _held[path] = 1
        try:
            yield
        finally:
            with _guard:
                _held.pop(path, None)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
