"""What the review page shows of an item's page: a crop rendered from the stored source copy
(a PDF page by pdfium; a slide deck converted to PDF by LibreOffice first, once per content),
widened to take in the labels that placed the item (its period header and region label), and
the text around it taken from its own box and the boxes next to it on the page.

Rendered PDFs and crops are kept in the state folder (``STATE/cache/rendered``,
``STATE/cache/crops``) under content hashes, so a page is drawn once."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from extractors import convert, extraction_of
from veikart.files import atomic_write_bytes, content_id

#: The labels the layout evidence names: ``period: column '2023-2024' (…)``.
_LABEL = re.compile(r"\b(period|region): (column|row|lane) '([^']+)'")
#: Formats drawn by LibreOffice before rendering (slides; their boxes are the slide's).
SLIDES = (".pptx", ".ppt", ".odp")
SCALE = 2.0
MARGIN = 40.0
VERSION = 2  # of the crop drawing: bump to draw cached crops again

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Label:
    what: str  # "period" or "region"
    where: str  # "column", "row" or "lane": how its axis runs
    text: str
    box: Box | None  # on the page, when the label's box was found


def labels(layout_evidence: str | None) -> list[tuple[str, str, str]]:
    """(what, where, label text) of the labels that placed an item.

    >>> labels("period: column '2023-2024' (headers across the top, 100% …); "
    ...        "region: row 'HELSE VEST' (labels down the left, …)")
    [('period', 'column', '2023-2024'), ('region', 'row', 'HELSE VEST')]
    """
    return _LABEL.findall(layout_evidence or "")


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def page_blocks(source: Path, sha256: str, page: int, cache: Path
                ) -> tuple[list, float | None, float | None]:
    """The blocks of ``page`` as the ingest extracted them (kept in the state's extraction
    cache ``cache``), with the page's width and height."""
    doc = extraction_of(source, sha256, cache)
    if not 1 <= page <= len(doc.pages):
        return [], None, None
    p = doc.pages[page - 1]
    return p.blocks, p.width, p.height


def find_labels(blocks: list, wanted: list[tuple[str, str, str]]) -> list[Label]:
    """The boxes of the labels named by the evidence: the line (else the block) whose text
    is the label's."""
    found = []
    for what, where, text in wanted:
        box = None
        for block in blocks:
            if block.bbox is None:
                continue
            lines = [ln for ln in block.lines if _squash(ln.text) == _squash(text)]
            if lines and lines[0].bbox is not None:
                box = tuple(lines[0].bbox)
                break
            if _squash(" ".join(ln.text for ln in block.lines)) == _squash(text):
                box = tuple(block.bbox)
                break
        found.append(Label(what, where, text, box))
    return found


def crop_box(item: Box, page_size: tuple[float, float], found: list[Label],
             margin: float = MARGIN) -> Box:
    """The part of the page to show: the item's box, the boxes of the labels that placed it,
    and where a label's box is unknown a generous band towards it (a header across the top:
    the page's full width from its top edge; a label down the left: from the left edge)."""
    width, height = page_size
    x0, y0, x1, y1 = item
    for label in found:
        if label.box is not None:
            x0, y0 = min(x0, label.box[0]), min(y0, label.box[1])
            x1, y1 = max(x1, label.box[2]), max(y1, label.box[3])
        elif label.where == "column":  # headers across the top
            x0, y0, x1 = 0.0, 0.0, width
        elif label.where == "row":  # labels down the left
            x0 = 0.0
    return (max(0.0, x0 - margin), max(0.0, y0 - margin), min(width, x1 + margin),
            min(height, y1 + margin))


def rendered_pdf(source: Path, sha256: str, cache: Path) -> Path:
    """The PDF to render ``source`` from: itself, or LibreOffice's drawing of a deck."""
    if source.suffix.lower() in SLIDES:
        return convert.to_pdf(source, sha256, cache / "rendered")
    return source


def locate(pdf_page, text: str, near: Box, reach: float = 48.0) -> Box | None:
    """Where ``text`` is drawn on a rendered page, nearest the box ``near``: the union of the
    boxes of its longest runs of words the page's text holds (a slide's line boxes are the
    extractor's estimate from font sizes; LibreOffice's drawing says where the lines are)."""
    textpage = pdf_page.get_textpage()
    height = pdf_page.get_height()
    cy = (near[1] + near[3]) / 2

    def hit(run: str) -> Box | None:
        searcher = textpage.search(run, match_case=True)
        best = None
        while (found := searcher.get_next()) is not None:
            index, count = found
            boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
            box = (min(b[0] for b in boxes), height - max(b[3] for b in boxes),
                   max(b[2] for b in boxes), height - min(b[1] for b in boxes))
            distance = abs((box[1] + box[3]) / 2 - cy) + abs(box[0] - near[0]) / 4
            if abs((box[1] + box[3]) / 2 - cy) <= reach and (best is None or
                                                              distance < best[0]):
                best = (distance, box)
        searcher.close()
        return best[1] if best else None

    words, boxes, i = text.split(), [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            box = hit(" ".join(words[i:j]))
            if box is not None:
                boxes.append(box)
                i = j
                break
        else:
            i += 1  # a word the drawing does not hold as written
    textpage.close()
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def render_crop(pdf: Path, page: int, item: Box, found: list[Label], rotation: int = 0,
                scale: float = SCALE, margin: float = MARGIN, text: str | None = None
                ) -> tuple[bytes, Box]:
    """PNG of the crop around ``item`` on ``page`` of ``pdf``, the item outlined in red and
    the labels that placed it in blue; with the crop's box in points. ``rotation`` is the
    page's (pages.rotation): the page is rendered turned as it was read, upright, which is
    where its boxes are (pdfium turns it by its /Rotate already). With ``text`` (a slide
    drawn by LibreOffice) the item's box is where the drawing has that text near ``item``."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw
    from PIL.PngImagePlugin import PngInfo

    pdf_page = pdfium.PdfDocument(str(pdf))[page - 1]
    if text:
        item = locate(pdf_page, text, item) or item
    extra = (rotation - pdf_page.get_rotation()) % 360
    image = pdf_page.render(scale=scale, rotation=extra).to_pil().convert("RGB")
    size = (image.width / scale, image.height / scale)
    draw = ImageDraw.Draw(image)
    for label in found:
        if label.box is not None:
            bx0, by0, bx1, by1 = (v * scale for v in label.box)
            draw.rectangle((bx0 - 3, by0 - 3, bx1 + 3, by1 + 3), outline=(0, 80, 200), width=3)
    x0, y0, x1, y1 = (v * scale for v in item)
    draw.rectangle((x0 - 3, y0 - 3, x1 + 3, y1 + 3), outline=(220, 0, 0), width=3)
    box = crop_box(item, size, found, margin)
    crop = image.crop(tuple(round(v * scale) for v in box))
    info = PngInfo()  # where on the page the crop is, for whoever reads it from the cache
    info.add_text("veikart-crop-box", json.dumps([round(v, 2) for v in box]))
    buf = io.BytesIO()
    crop.save(buf, "PNG", pnginfo=info)
    return buf.getvalue(), box


def cached_box(png: bytes) -> Box | None:
    """The page box (points) a crop made by :func:`render_crop` shows."""
    from PIL import Image

    text = Image.open(io.BytesIO(png)).text.get("veikart-crop-box")
    return tuple(json.loads(text)) if text else None


def cached_crop(cache: Path, key_parts: tuple, make) -> bytes:
    """The crop kept under ``key_parts`` in ``cache/crops``, made by ``make()`` once."""
    path = cache / "crops" / f"{content_id(*key_parts, VERSION, length=24)}.png"
    if path.is_file():
        return path.read_bytes()
    png = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, png)
    return png


def neighbourhood(blocks: list, char_start: int, char_end: int, reach: float = 36.0,
                  most: int = 4) -> dict | None:
    """The item's own box (the lines before and after it in the same text box or table
    cell) and the boxes next to it on the page (nearest first, at most ``most`` within
    ``reach`` points); None when the item's box is not among ``blocks``."""
    own = next((b for b in blocks if b.char_start <= char_start < max(b.char_end,
                                                                         b.char_start + 1)),
               None)
    if own is None:
        return None
    before = [ln.text for ln in own.lines if ln.char_end <= char_start]
    after = [ln.text for ln in own.lines if ln.char_start >= char_end]
    near = []
    if own.bbox is not None:
        for b in blocks:
            if b is own or b.bbox is None:
                continue
            text = " ".join(" ".join(ln.text for ln in b.lines).split())
            gap = _gap(own.bbox, b.bbox)
            if text and gap <= reach:
                near.append((gap, b.bbox[1], b.bbox[0], text[:160]))
    return {"before": before, "after": after,
            "near": [text for *_, text in sorted(near)[:most]]}


def _gap(a: Box, b: Box) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(0.0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0.0, max(a[1], b[1]) - min(a[3], b[3]))
    return (dx * dx + dy * dy) ** 0.5
