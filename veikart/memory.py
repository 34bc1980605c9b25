"""Giving freed memory back to the system, and keeping long-lived data out of the
collector's way.

A parser's trees (python-pptx's lxml parts of a whole deck, pdfminer's layout of a page) are
allocated by C code on glibc's heap; once freed, glibc keeps the pages for later ``malloc``
calls, which Python's own objects (in arenas of their own) never make. So a long deck's
parse stayed in the process's resident set through everything after it, and the peak of a
run was the parse plus all that followed. :func:`give_back` returns those pages.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Iterator

#: A document of this many pages or slides or more is long enough for :func:`give_back`
#: after its parse to matter, and for a full garbage collection (≈ 0.15 s in a loaded
#: process) to cost nothing beside its reading.
LONG_DOCUMENT = 100


@functools.cache
def _trim():
    """glibc's ``malloc_trim``, or None on a C library without it (musl, macOS)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_back() -> bool:
    """Collect garbage (python-pptx's parts refer to each other, so a deck's trees are freed
    only by the collector), then return the heap's free pages to the system; whether it could
    return them (elsewhere than on glibc it only collects).

    >>> give_back() in (True, False)
    True
    """
    gc.collect()
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """For data made in the block that lives as long as the process (hunspell's dictionary:
    334,000 words, each with its lists and sets). The collector is off while it is made
    (loading the dictionary took 4.8 s with it on, 1.6 s off), and everything the process
    holds is then frozen (``gc.freeze``): no later collection walks it. One full collection
    of a worker holding the dictionary took 1.2 s, and it came every few documents. Frozen
    objects are unfrozen when the interpreter exits, so that it frees them as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        _unfreeze_at_exit()
        if enabled:
            gc.enable()


@functools.cache
def _unfreeze_at_exit() -> None:
    atexit.register(gc.unfreeze)
