"""The ground's two file helpers, used by every stage: atomic writes and content hashes.

An atomic write makes the file under a temporary name in the same folder and renames it into
place, so a reader sees the old file or the new one, never half of one, and a failed write
leaves nothing behind. Content hashes are SHA-256; row ids are a short prefix of the hash of
their parts joined by the unit separator (``\\x1f``), so the same parts always give the
same id.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

UNIT_SEPARATOR = "\x1f"


def atomic_write(path: Path, write: Callable[[Path], None], mode: int | None = None) -> Path:
    """Make ``path`` by ``write(temporary path)`` and a rename. With ``mode`` the file has
    those permissions before it holds anything (a secret is never readable by others)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        if mode is not None:
            os.chmod(tmp_path, mode)
        else:
            tmp_path.unlink()  # let ``write`` create it (some writers refuse an existing file)
        write(tmp_path)
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
    return path


def atomic_write_bytes(path: Path, data: bytes, mode: int | None = None) -> Path:
    """Write ``data`` to ``path`` atomically.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a" / "b.txt"
    >>> atomic_write_bytes(p, b"hei").read_bytes()
    b'hei'
    """
    if mode is None:
        return atomic_write(path, lambda p: p.write_bytes(data))
    return atomic_write(path, lambda p: p.open("r+b").write(data), mode)


def atomic_write_text(path: Path, text: str, mode: int | None = None) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), mode)


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def content_id(*parts: object, length: int = 16) -> str:
    """A short id from the hash of ``parts`` (their ``str``, joined by the unit separator).

    >>> content_id("ab", 1, 0, 5, "Timer")
    '1545649f4ca05732'
    """
    key = UNIT_SEPARATOR.join(map(str, parts)).encode("utf-8")
    return hashlib.sha256(key).hexdigest()[:length]
