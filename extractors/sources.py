"""Where documents come from. A source yields local paths; folders and single files today.
Another store (an fsspec URL, a mailbox) is a new class with the same ``paths()`` method."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .detect import SUFFIXES

#: Suffixes picked up when walking a folder. Files named explicitly are read whatever their name.
DISCOVER_SUFFIXES = {s for s in SUFFIXES if s != ".md"}


@dataclass(frozen=True)
class FolderSource:
    root: Path

    def paths(self) -> Iterator[Path]:
        """Document files below ``root``, sorted, hidden files and folders skipped."""
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if any(part.startswith(".") for part in rel.parts):
                continue
            if path.is_file() and path.suffix.lower() in DISCOVER_SUFFIXES:
                yield path


def discover(inputs: list[str | Path], exclude: list[str | Path] = ()) -> list[Path]:
    """Files to ingest: each input that is a folder is walked (leaving out the folders in
    ``exclude``: veikart's own output and state); any other input is taken as a file (a
    missing one too, so that it is reported as failed rather than silently dropped)."""
    skip = [Path(e).resolve() for e in exclude]
    found: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            found += [p for p in FolderSource(item).paths()
                      if not any(p.resolve().is_relative_to(s) for s in skip)]
        else:
            found.append(item)
    seen, unique = set(), []
    for path in found:
        if path not in seen:
            seen.add(path)
            unique.append(path)
    return unique
