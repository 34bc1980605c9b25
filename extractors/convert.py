"""Legacy and ODF files (``.ppt``, ``.doc``, ``.xls``, ``.odp``, ``.odt``, ``.ods``) converted by
LibreOffice headless into the OOXML format veikart reads, then read by that format's backend.

Conversions are kept in the cache folder (``$VEIKART_CACHE_DIR/converted``, the state
folder's ``cache/`` during an ingest) under the original's sha256, so a file is converted once.
Each conversion gets a LibreOffice profile of its own, so that runs in parallel (or a desktop
LibreOffice that is open) do not block each other.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from veikart.errors import InputFileError, MissingDependencyError
from veikart.files import atomic_write

from . import cache
from .model import CONVERTED_TO, Format

#: Seconds one conversion may take before the file is given up as failed.
TIMEOUT = 180
PACKAGES = {Format.pptx: "libreoffice-impress-nogui", Format.docx: "libreoffice-writer-nogui",
            Format.xlsx: "libreoffice-calc-nogui"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def version() -> str:
    """LibreOffice's name and version ("LibreOffice 7.4.7.2"), or "LibreOffice"."""
    exe = soffice()
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60,
                             check=False).stdout.split()
    except (OSError, subprocess.TimeoutExpired, TypeError):
        return "LibreOffice"
    return " ".join(out[:2]) if out else "LibreOffice"


def _said(output: str) -> str:
    """LibreOffice's own reason, without its start-up warnings.

    >>> _said("Warning: failed to launch javaldx\\nError: source file could not be loaded")
    'source file could not be loaded'
    """
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln.removeprefix("Error:").strip() for ln in lines if ln.startswith("Error")]
    kept = errors or [ln for ln in lines if not ln.startswith("Warning")]
    return " ".join(" ".join(kept).split())[:160]


def convert(path: Path, fmt: Format, sha256: str) -> tuple[Path, str]:
    """The converted copy of ``path`` (a ``fmt`` file) and a note saying what converted it.
    Raises MissingDependencyError without LibreOffice, InputFileError when it cannot convert
    the file."""
    target = CONVERTED_TO[fmt]
    if soffice() is None:
        raise MissingDependencyError(f"{path}: reading .{fmt.value} files needs LibreOffice "
                                     f"(Debian: apt-get install {PACKAGES[target]})")
    note = f"{version()}: {fmt.value} to {target.value}"
    folder = cache.cache_dir()
    return _converted(path, fmt.value, target.value, sha256,
                      folder / "converted" if folder is not None else None), note


def to_pdf(path: Path, sha256: str, folder: Path) -> Path:
    """A PDF of a slide deck (or any document LibreOffice opens) as LibreOffice draws it, kept
    in ``folder`` under the original's sha256 (made once per content): the review app renders
    a PPTX slide from it as it renders a PDF page. Slide size is page size, so a slide's
    boxes (points, top-left origin) are the page's."""
    if soffice() is None:
        raise MissingDependencyError(f"{path}: rendering a slide needs LibreOffice "
                                     "(Debian: apt-get install libreoffice-impress-nogui)")
    return _converted(path, Path(path).suffix.lstrip(".").lower() or "pptx", "pdf", sha256,
                      Path(folder))


def _converted(path: Path, suffix: str, target: str, sha256: str,
               folder: Path | None) -> Path:
    """``path`` converted by LibreOffice to ``target`` (an extension), kept in ``folder`` (a
    temporary folder when None), or the copy kept there before."""
    if folder is not None:
        kept = folder / f"{sha256}.{target}"
        if kept.is_file() and kept.stat().st_size:
            return kept
    work = Path(tempfile.mkdtemp(prefix="veikart-convert-"))
    try:
        # A copy under a plain name: LibreOffice names its output after the input's stem.
        source = work / f"input.{suffix}"
        shutil.copyfile(path, source)
        profile = work / "profile"
        cmd = [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--convert-to", target, "--outdir", str(work / "out"),
               str(source)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                                  check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputFileError(str(path), f"LibreOffice did not convert it within {TIMEOUT} "
                                 "s") from None
        out = work / "out" / f"input.{target}"
        if not out.is_file() or not out.stat().st_size:
            said = _said(done.stderr or done.stdout or "")
            raise InputFileError(str(path), f"LibreOffice could not convert this .{suffix} "
                                 f"file{': ' + said if said else ''}")
        if folder is None:
            kept = Path(tempfile.mkdtemp(prefix="veikart-converted-")) / out.name
        atomic_write(kept, lambda tmp: shutil.move(str(out), tmp))
        return kept
    finally:
        shutil.rmtree(work, ignore_errors=True)
