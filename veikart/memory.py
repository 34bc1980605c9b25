"""Giving freed memory back to the system.

A parser's trees (python-pptx's lxml parts of a whole deck, pdfminer's layout of a page) are
allocated by C code on glibc's heap; once freed, glibc keeps the pages for later ``malloc``
calls, which Python's own objects (in arenas of their own) never make. So a long deck's
parse stayed in the process's resident set through everything after it, and the peak of a
run was the parse plus all that followed. :func:`give_back` returns those pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc

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
