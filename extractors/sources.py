"""Where local documents come from: folders and single files, and the rules by which a walk
reads or skips what it finds (remote listings, :mod:`extractors.listing`, use the same rules
for names)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .detect import SUFFIXES

#: Suffixes picked up when walking a folder. Files named explicitly are read whatever their name.
DISCOVER_SUFFIXES = {s for s in SUFFIXES if s != ".md"}
#: Office's lock files ("~$deck.pptx") and editor backups: copies of nothing.
_LOCK = re.compile(r"^(?:~\$|\.~lock\.)|~$")


def shown(path: Path | str) -> str:
    """A path as text that can be written anywhere: bytes of a name that are not UTF-8 are
    shown as ``\\xe9`` escapes.

    >>> shown(Path(os.fsdecode(b"in/d\\xe9ck.txt")))
    'in/d\\\\xe9ck.txt'
    """
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")


def _unreadable_name(path: Path) -> bool:
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def absolute(path: str | Path) -> Path:
    """``path`` from the root: its folders resolved (symbolic links and ``..`` included), its
    own name kept as found, so that a link inside the inbox stays a name of its own. The
    same file reached from any working directory has the same absolute path.

    >>> str(absolute("/tmp/../tmp/deck.pptx"))
    '/tmp/deck.pptx'
    """
    whole = Path(os.path.abspath(path))
    return whole if whole.parent == whole else whole.parent.resolve() / whole.name


def name_reason(name: str) -> str | None:
    """Why a file found by a walk or a remote listing is not read, judged by its name alone:
    an editor's lock file, a ``.md`` file (read only when named), another format. None: it
    is read.

    >>> name_reason("deck.pptx"), name_reason("~$deck.pptx"), name_reason("logo.png")
    (None, "an editor's lock or backup file", 'unsupported format (.png)')
    """
    suffix = Path(name).suffix.lower()
    if _LOCK.search(name):
        return "an editor's lock or backup file"
    if suffix in DISCOVER_SUFFIXES:
        return None
    if suffix in SUFFIXES:
        return (f"{suffix} files are read only when named on the command line (a folder's "
                "README is not a document)")
    return "unsupported format" + (f" ({suffix})" if suffix else " (no suffix)")


def listed_reason(relative: str) -> tuple[str, str] | None:
    """Why an object a remote listing names (by its path below the source's root, parts
    separated by ``/``) is not read, by the folder walk's rules for names: (the part of the
    path the reason is about, reason); None: it is read. A hidden folder is the reason for
    everything in it.

    >>> listed_reason("2023/deck.pptx") is None
    True
    >>> listed_reason("2023/.trash/old/deck.pptx")
    ('2023/.trash', 'hidden folder')
    """
    parts = relative.strip("/").split("/")
    for depth, part in enumerate(parts[:-1]):
        if part.startswith("."):
            return "/".join(parts[:depth + 1]), "hidden folder"
    if parts[-1].startswith("."):
        return relative, "hidden file"
    why = name_reason(parts[-1])
    return None if why is None else (relative, why)


@dataclass(frozen=True)
class Skipped:
    """A file (or folder) a folder walk found and does not read, and why."""

    path: Path
    reason: str

    @property
    def shown(self) -> str:
        return shown(self.path)


@dataclass(frozen=True)
class FolderSource:
    root: Path

    def walk(self, exclude: list[Path] = ()) -> Iterator[Path | Skipped]:
        """Every file below ``root`` in sorted order: a path to read, or a :class:`Skipped`
        with its reason. A hidden or excluded folder is one Skipped entry, not one per file;
        a symbolic link is followed only when it stays inside ``root``."""
        yield from self._walk(self.root, [Path(e).resolve() for e in exclude], set())

    def _link(self, path: Path) -> Skipped | None:
        """Why a symbolic link is not followed (None: it may be)."""
        try:
            target = path.resolve(strict=True)
        except RuntimeError:
            return Skipped(path, "a symbolic link loop")
        except OSError:
            return Skipped(path, "a symbolic link to nothing")
        if not target.is_relative_to(self.root.resolve()):
            return Skipped(path, "a symbolic link out of the folder (not followed)")
        return None

    def _walk(self, folder: Path, exclude: list[Path],
              seen: set[Path]) -> Iterator[Path | Skipped]:
        real = folder.resolve()
        if real in seen:
            yield Skipped(folder, "a symbolic link back into a folder already read")
            return
        seen.add(real)
        try:
            entries = sorted(folder.iterdir())
        except OSError as err:
            yield Skipped(folder, f"folder cannot be listed ({err.strerror})")
            return
        for path in entries:
            if path.is_symlink() and (why := self._link(path)) is not None:
                yield why
            elif _unreadable_name(path):
                yield Skipped(path, "its name is not valid UTF-8 (rename it to have it read)")
            elif path.name.startswith("."):
                kind = "folder" if path.is_dir() else "file"
                yield Skipped(path, f"hidden {kind}")
            elif any(path.resolve() == e for e in exclude):
                yield Skipped(path, "veikart's own output or state folder")
            elif path.is_dir():
                yield from self._walk(path, exclude, seen)
            elif not path.is_file():
                yield Skipped(path, "not a regular file")
            elif (why := name_reason(path.name)) is not None:
                yield Skipped(path, why)
            else:
                yield path

    def paths(self) -> Iterator[Path]:
        """Document files below ``root``, sorted, hidden files and folders skipped."""
        return (p for p in self.walk() if isinstance(p, Path))


def walk(inputs: list[str | Path], exclude: list[str | Path] = ()) -> tuple[list[Path],
                                                                            list[Skipped]]:
    """Files to ingest, and the files found but not read with their reasons: each input that
    is a folder is walked (leaving out the folders in ``exclude``: veikart's own output and
    state); any other input is taken as a file (a missing one too, so that it is reported as
    failed rather than silently dropped)."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    for item in map(Path, inputs):
        if item.is_dir():
            for entry in FolderSource(item).walk([Path(e) for e in exclude]):
                (found if isinstance(entry, Path) else skipped).append(entry)
        elif _unreadable_name(item):
            skipped.append(Skipped(item, "its name is not valid UTF-8 (rename it to have it "
                                         "read)"))
        else:
            found.append(item)
    seen, unique = set(), []
    for path in found:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique, skipped


def discover(inputs: list[str | Path], exclude: list[str | Path] = ()) -> list[Path]:
    """The files :func:`walk` would read."""
    return walk(inputs, exclude)[0]
