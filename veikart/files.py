"""The ground's two file helpers, used by every stage: atomic writes and content hashes.

An atomic write makes the file under a temporary name in the same folder, syncs it to disk
and renames it into place, so a reader sees the old file or the new one, never half of one,
and a failed write leaves nothing behind (:func:`staged` does the same for several files at
once; :func:`sweep_temporaries` removes what a killed writer left). Content hashes are
SHA-256; row ids are a short prefix of the hash of their parts joined by the unit separator
(``\\x1f``), so the same parts always give the same id.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

UNIT_SEPARATOR = "\x1f"
TEMPORARY_SUFFIX = ".tmp"
#: A stored result's folder while it is written (``tempfile.mkdtemp(prefix=".NAME.")``).
TEMPORARY_DIR = re.compile(r"\.[0-9a-f]{64}-[0-9a-f]+\.[a-z0-9_]{8}")


def _fsync(path: Path) -> None:
    """Make ``path`` (a file, or a folder's list of names) durable: a crash right after a
    rename must not leave a renamed file whose bytes never reached the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # a file system that cannot sync a folder (some network mounts)
    finally:
        os.close(fd)


def _remove_temporary(tmp: Path) -> None:
    """A temporary file and what its writer left beside it (DuckDB's ``.wal``)."""
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        if leftover.exists():
            leftover.unlink()


def _temporary(path: Path, mode: int | None) -> Path:
    """A new, uniquely named temporary file beside ``path`` (``.NAME.XXXX.tmp``); with
    ``mode`` it exists with those permissions, else it does not exist yet (some writers
    refuse an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX,
                               dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    if mode is not None:
        os.chmod(tmp_path, mode)
    else:
        tmp_path.unlink()
    return tmp_path


def atomic_write(path: Path, write: Callable[[Path], None], mode: int | None = None) -> Path:
    """Make ``path`` by ``write(temporary path)``, an fsync and a rename. With ``mode`` the
    file has those permissions before it holds anything (a secret is never readable by
    others)."""
    with staged() as stage:
        stage.write(Path(path), write, mode)
    return Path(path)


class Stage:
    """Files written under temporary names, to be renamed into place together."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def write(self, path: Path, write: Callable[[Path], None], mode: int | None = None) -> Path:
        """``write(temporary path)`` now; ``path`` takes its place when the stage ends well."""
        tmp = _temporary(Path(path), mode)
        self.pending.append((tmp, Path(path)))
        write(tmp)
        return Path(path)


@contextmanager
def staged() -> Iterator[Stage]:
    """Write several files so that a reader sees the old set or the new one: each is written
    under a temporary name and synced, and only when every one is written are they renamed
    into place (then their folders synced). If anything fails, the temporary files are
    removed and the old files stay as they were.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> with staged() as stage:
    ...     _ = stage.write(d / "a.txt", lambda p: p.write_text("a"))
    ...     _ = stage.write(d / "b.txt", lambda p: p.write_text("b"))
    >>> sorted(p.name for p in d.iterdir())
    ['a.txt', 'b.txt']
    """
    stage = Stage()
    try:
        yield stage
        for tmp, _ in stage.pending:
            _fsync(tmp)
        for tmp, path in stage.pending:
            os.replace(tmp, path)
        for folder in {path.parent for _, path in stage.pending}:
            _fsync(folder)
    finally:
        for tmp, _ in stage.pending:
            _remove_temporary(tmp)


def sweep_temporaries(folder: Path) -> list[Path]:
    """Remove what writes cut short (a killed run, a full disk) left in ``folder``: its
    ``.NAME.XXXX.tmp`` files (and their ``.wal``) and temporary ``.NAME.XXXX`` folders of
    stored results. Call it only while holding the lock of the writers of ``folder``."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    for entry in Path(folder).iterdir():
        name = entry.name
        if not name.startswith("."):
            continue
        if entry.is_file() and (name.endswith(TEMPORARY_SUFFIX)
                                or name.endswith(TEMPORARY_SUFFIX + ".wal")):
            entry.unlink(missing_ok=True)
            removed.append(entry)
        elif entry.is_dir() and TEMPORARY_DIR.fullmatch(name):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


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
