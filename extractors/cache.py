"""A small on-disk cache for expensive results (a whole extraction, one OCR'd page), keyed by
content hash plus configuration, so a retry or a crashed run does not redo finished work.
Entries are written atomically; an unreadable entry is treated as missing."""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

CACHE_ENV = "VEIKART_CACHE_DIR"


def cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


def key(*parts: object) -> str:
    """A file-name-safe key from parts (content hashes, versions, settings).

    >>> key("abc", 3, "nor")
    '0e747a4853ece8783d9df017'
    """
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:24]


def load(kind: str, name: str) -> Any | None:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / kind / f"{name}.pkl"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def save(kind: str, name: str, value: Any) -> None:
    folder = cache_dir()
    if folder is None:
        return
    path = folder / kind / f"{name}.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
