"""A small on-disk cache for expensive results (a whole extraction, one OCR'd page), keyed by
content hash plus configuration, so a retry or a crashed run does not redo finished work.
Entries are gzipped JSON of the document model (:mod:`extractors.serial`: data, never
pickles), written atomically; an unreadable or outdated entry is treated as missing."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

from veikart.files import atomic_write_bytes, content_id

from . import serial

CACHE_ENV = "VEIKART_CACHE_DIR"


def cache_dir() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    return Path(value) if value else None


def key(*parts: object) -> str:
    """A file-name-safe key from parts (content hashes, versions, settings).

    >>> key("abc", 3, "nor")
    '0e747a4853ece8783d9df017'
    """
    return content_id(*parts, length=24)


def load(kind: str, name: str, folder: Path | None = None) -> Any | None:
    """The entry ``name`` of ``kind`` in ``folder`` (default: the cache folder of the
    environment), or None when it is missing, unreadable or outdated."""
    folder = folder or cache_dir()
    if folder is None:
        return None
    path = folder / kind / f"{name}.json.gz"
    try:
        return serial.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None


def save(kind: str, name: str, value: Any) -> None:
    folder = cache_dir()
    if folder is None:
        return
    path = folder / kind / f"{name}.json.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, gzip.compress(serial.dumps(value).encode("utf-8"),
                                           compresslevel=3, mtime=0))
