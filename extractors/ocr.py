"""OCR backend: tesseract (Norwegian model ``nor``) through pytesseract, word boxes grouped
into tesseract's own blocks, paragraphs and lines, converted from pixels to points."""

from __future__ import annotations

import functools
import os
import shutil

import pytesseract
from PIL import Image, ImageFilter

from veikart.errors import MissingDependencyError, OcrError

from .model import Block, Line

#: Rendering resolution for OCR. 300 dpi is tesseract's sweet spot for slide-sized text.
DEFAULT_DPI = int(os.environ.get("VEIKART_OCR_DPI", "300"))
OCR_LANG = os.environ.get("VEIKART_OCR_LANG", "nor")
# Tesseract's OpenMP threads fight each other on small machines (a page took 5x longer on two
# cores); pages run in parallel at the task level instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@functools.cache
def check_tesseract(lang: str) -> str:
    """Tesseract's version, or MissingDependencyError naming what to install (cached)."""
    not_installed = MissingDependencyError(
        "tesseract is not installed: run `make setup` (Debian: apt-get install "
        "tesseract-ocr tesseract-ocr-nor)")
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise not_installed
    try:
        langs = set(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError:
        raise not_installed from None
    missing = [part for part in lang.split("+") if part not in langs]
    if missing:
        raise MissingDependencyError(
            f"tesseract has no language data for {', '.join(missing)}: "
            f"apt-get install {' '.join('tesseract-ocr-' + m for m in missing)}")
    return str(pytesseract.get_tesseract_version())


def ocr_blocks(image: Image.Image, scale: float, lang: str = OCR_LANG,
               psm: int = 3) -> tuple[list[Block], float | None]:
    """OCR ``image``; boxes are multiplied by ``scale`` (points per pixel).

    Returns the blocks (one per tesseract paragraph, one Line per tesseract line) and the mean
    word confidence (0-100), or None when no word was found.
    """
    check_tesseract(lang)
    # A 3x3 median removes scanner speckle, which otherwise turns into stray letters.
    image = image.convert("L").filter(ImageFilter.MedianFilter(3))
    try:
        data = pytesseract.image_to_data(image, lang=lang, config=f"--psm {psm}",
                                         output_type=pytesseract.Output.DICT)
    except (pytesseract.TesseractError, OSError, RuntimeError) as err:
        message = " ".join(str(err).split())[:200]
        raise OcrError(f"tesseract failed: {message or type(err).__name__}") from None
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            lines.setdefault(key, []).append(i)
    paragraphs: dict[tuple[int, int], list[Line]] = {}
    confs: list[float] = []
    for (block, par, _), idx in lines.items():
        x0 = min(data["left"][i] for i in idx) * scale
        y0 = min(data["top"][i] for i in idx) * scale
        x1 = max(data["left"][i] + data["width"][i] for i in idx) * scale
        y1 = max(data["top"][i] + data["height"][i] for i in idx) * scale
        text = " ".join(data["text"][i].strip() for i in idx)
        confs += [float(data["conf"][i]) for i in idx]
        paragraphs.setdefault((block, par), []).append(Line(text, (x0, y0, x1, y1)))
    blocks = []
    for plines in paragraphs.values():
        box = (min(ln.bbox[0] for ln in plines), min(ln.bbox[1] for ln in plines),
               max(ln.bbox[2] for ln in plines), max(ln.bbox[3] for ln in plines))
        blocks.append(Block("ocr_block", plines, box))
    return blocks, (sum(confs) / len(confs) if confs else None)
