"""Broken and odd input files, made on the fly (OCRmyPDF-style failure injection)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen import canvas

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#: What veikart says about corrupt_pdf().
BROKEN_REASON = "not a readable PDF (PDFSyntaxError: No /Root object! - Is this really a PDF?)"


def corrupt_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage")
    return path


def truncated_pptx(src: Path, path: Path) -> Path:
    path.write_bytes(src.read_bytes()[: src.stat().st_size // 3])
    return path


def zip_not_pptx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a presentation")
    return path


def encrypted_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), encrypt="hemmelig")
    c.drawString(72, 720, "Pasientens prøvesvar")
    c.save()
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def binary_garbage(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 8)
    return path


def image_pdf(path: Path, lines: list[str], size: int = 30) -> Path:
    """A small scanned-looking page: ``lines`` drawn as an image, no text layer."""
    placed = [(60, 60 + i * (size + 20), line) for i, line in enumerate(lines)]
    return scan_pdf(path, placed, (1400, 120 + len(lines) * (size + 20)), size)


def scan_pdf(path: Path, placed: list[tuple[int, int, str]], pixels: tuple[int, int],
             size: int = 30, turn: int = 0, speckle: int = 0) -> Path:
    """A scanned page at 200 dpi, no text layer: each (x, y, text) of ``placed`` drawn at that
    pixel on a white page of ``pixels`` (width, height), the sheet then fed turned: it must
    be turned ``turn`` degrees clockwise to read upright. ``speckle`` pixels flipped at
    random (seeded) make a dirty scan."""
    import random

    font = ImageFont.truetype(FONT, size)
    img = Image.new("L", pixels, 255)
    draw = ImageDraw.Draw(img)
    for x, y, text in placed:
        draw.text((x, y), text, font=font, fill=0)
    rng, px = random.Random(1), img.load()
    for _ in range(speckle):
        x, y = rng.randrange(img.width), rng.randrange(img.height)
        px[x, y] = 0 if px[x, y] > 128 else 255
    img = img.rotate(turn, expand=True)  # anticlockwise: the reader turns it back clockwise
    buf = io.BytesIO()
    img.save(buf, "PDF", resolution=200)
    path.write_bytes(buf.getvalue())
    return path


def turned_text_pdf(path: Path, lines: list[str], size: tuple[float, float] = (420, 200),
                    rotate: int = 0, turn: int = 0) -> Path:
    """``lines`` typeset (Helvetica 14) on a page of ``size`` (width, height) as read upright,
    stored so that its content must be turned ``turn`` degrees clockwise to read upright (the
    text drawn turned the other way, as a rotated text matrix), with ``/Rotate rotate``
    (reportlab's ``setPageRotation``) on top. ``rotate=turn`` is how producers store a page
    that displays upright; ``rotate`` alone turns an upright page sideways on screen."""
    width, height = size
    stored = (height, width) if turn in (90, 270) else (width, height)
    # reportlab gives a page it rotates by 90 or 270 the media box of the swapped size
    c = canvas.Canvas(str(path), pagesize=stored[::-1] if rotate in (90, 270) else stored,
                      invariant=1)
    c.setPageRotation(rotate)
    c.translate(*{0: (0, 0), 90: (height, 0), 180: (width, height), 270: (0, width)}[turn])
    c.rotate(turn)
    c.setFont("Helvetica", 14)
    for i, line in enumerate(lines):
        c.drawString(40, height - 50 - 24 * i, line)
    c.showPage()
    c.save()
    return path


def form_xobject_pdf(path: Path, lines: list[str], offsets: list[tuple[float, float]],
                     in_form: bool = True) -> Path:
    """``lines`` drawn inside one Form XObject (reportlab ``beginForm``/``doForm``: an
    embedded sub-page) placed once at each (dx, dy) of ``offsets``; with ``in_form=False``
    the same lines drawn straight onto the page at the same places, to compare with."""
    c = canvas.Canvas(str(path), pagesize=(600, 500), invariant=1)

    def draw() -> None:
        c.setFont("Helvetica", 14)
        for i, line in enumerate(lines):
            c.drawString(40, 440 - 24 * i, line)

    if in_form:
        c.beginForm("subpage")
        draw()
        c.endForm()
    for dx, dy in offsets:
        c.saveState()
        c.translate(dx, dy)
        if in_form:
            c.doForm("subpage")
        else:
            draw()
        c.restoreState()
    c.showPage()
    c.save()
    return path


def incrementally_updated_pdf(path: Path, first: Path, added: Path) -> Path:
    """``first`` with the pages of ``added`` appended as an incremental update (pdfium's
    FPDF_INCREMENTAL save: new objects, a second cross-reference table and trailer)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(str(first))
    doc.import_pages(pdfium.PdfDocument(str(added)))
    buf = io.BytesIO()
    doc.save(buf, flags=pdfium_c.FPDF_INCREMENTAL)
    path.write_bytes(buf.getvalue())
    return path


#: A mail gateway's stamp before a PDF's header (readers accept up to 1024 bytes of it).
BANNER = b"X-Scanned-By: MailGate 4.2 (virus free)\r\nX-Archive: postmottak\r\n\r\n" * 4


def mangled(src: Path, path: Path, *replacements: tuple[bytes, bytes]) -> Path:
    """``src`` with each (old, new) of ``replacements`` made in its bytes (each must occur)."""
    data = src.read_bytes()
    for old, new in replacements:
        assert old in data, old
        data = data.replace(old, new)
    path.write_bytes(data)
    return path


def damaged_text_layer_pdf(path: Path, clean: list[str], damaged: list[str],
                           with_image: bool) -> Path:
    """A PDF whose text layer came from an OCR engine without Norwegian (``damaged``), drawn
    invisibly over an image of the ``clean`` lines when ``with_image`` (a scan), or visibly
    on its own."""
    return damaged_deck_pdf(path, [(clean, damaged)], with_image)


def damaged_deck_pdf(path: Path, pages: list[tuple[list[str], list[str]]],
                     with_image: bool) -> Path:
    """:func:`damaged_text_layer_pdf` with one page per (clean, damaged) pair."""
    from reportlab.lib.utils import ImageReader

    height = 120 + 30 * max(len(clean) for clean, _ in pages)
    c = canvas.Canvas(str(path), pagesize=(600, height), invariant=1)
    for clean, damaged in pages:
        if with_image:
            font = ImageFont.truetype(FONT, 40)
            img = Image.new("L", (1800, height * 3), 255)
            draw = ImageDraw.Draw(img)
            for i, line in enumerate(clean):
                draw.text((120, 150 + i * 90), line, font=font, fill=0)
            c.drawImage(ImageReader(img), 0, 0, 600, height)
        text = c.beginText()
        text.setTextRenderMode(3 if with_image else 0)
        text.setFont("Helvetica", 12)
        for i, line in enumerate(damaged):
            text.setTextOrigin(40, height - 60 - i * 30)
            text.textOut("• " + line)
        c.drawText(text)
        c.showPage()
    c.save()
    return path


def eng_ocr_pdf(src: Path, out: Path, text_only: bool, pages: list[int] | None = None,
                dpi: int = 200) -> Path:
    """``src`` (a PDF) as an OCR engine without Norwegian leaves it: its pages (all, or the
    numbers in ``pages``) rendered at ``dpi`` and read by tesseract's English model into
    ``out``.pdf, with the page images under the text, or the text alone (``text_only``)."""
    import subprocess

    import pdfplumber

    out.parent.mkdir(parents=True, exist_ok=True)
    names = []
    with pdfplumber.open(src) as pdf:
        for page in pdf.pages:
            if pages is None or page.page_number in pages:
                name = out.parent / f"{out.name}-{page.page_number}.png"
                page.to_image(resolution=dpi).original.convert("L").save(name, dpi=(dpi, dpi))
                names.append(str(name))
    listing = out.parent / f"{out.name}-pages.txt"
    listing.write_text("\n".join(names) + "\n")
    subprocess.run(["tesseract", str(listing), str(out), "-l", "eng", "-c",
                    f"textonly_pdf={int(text_only)}", "pdf"], check=True, capture_output=True)
    return out.with_suffix(".pdf")


def typeset_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF whose text layer holds ``lines`` exactly as given, in an embedded TrueType font:
    ligature characters, soft hyphens and decomposed letters reach the file as written."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    c = canvas.Canvas(str(path), pagesize=(600, 100 + 30 * len(lines)), invariant=1)
    c.setFont("DejaVuSans", 14)
    for i, line in enumerate(lines):
        c.drawString(40, 60 + 30 * (len(lines) - i), line)
    c.save()
    return path


def tight_table_pdf(path: Path, rows: list[list[str]], widths: list[float],
                    padding: float = 3.0) -> Path:
    """A table drawn the way office PDF exports draw one: a grey fill per cell with white
    rules between, each cell's first line on the row's baseline, ``padding`` points from
    the cell's left edge; a label long enough to end near its cell's right edge runs up to
    the next cell's text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVuSans", FONT))
    height = 60 + 40 * len(rows)
    c = canvas.Canvas(str(path), pagesize=(40 + sum(widths), height), invariant=1)
    c.setFont("DejaVuSans", 8)
    for r, row in enumerate(rows):
        x, top = 20.0, height - 30 - 40 * r
        for w, text in zip(widths, row, strict=True):
            c.setFillColorRGB(0.95, 0.95, 0.95)
            c.rect(x, top - 38, w, 38, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            for k, part in enumerate(text.split("\n")):
                c.drawString(x + padding, top - 10 - 10 * k, part)
            x += w
        c.setStrokeColorRGB(1, 1, 1)
    for k in range(len(widths) + 1):
        x = 20 + sum(widths[:k])
        c.line(x, 30, x, height - 30)
    c.save()
    return path


def hostile_deck(path: Path, texts: list[str]) -> Path:
    """A small PPTX whose bullets are ``texts`` (hostile markup, names to review...)."""
    from pptx import Presentation
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    frame = slide.shapes.add_textbox(Pt(40), Pt(40), Pt(600), Pt(300)).text_frame
    for i, text in enumerate(texts):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = text
        ppr = p._p.get_or_add_pPr()
        ppr.append(ppr.makeelement(qn("a:buChar"), {"char": "•"}))
    prs.save(str(path))
    return path
