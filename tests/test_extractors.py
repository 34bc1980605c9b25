"""Each backend on the samples, and every error path on broken files."""

from __future__ import annotations

import pytest
import sample_spec as spec
from conftest import DIST, MOTE39, SAMPLES
from fixtures import (
    binary_garbage,
    corrupt_pdf,
    empty_file,
    encrypted_pdf,
    image_pdf,
    truncated_pptx,
    typeset_pdf,
    zip_not_pptx,
)
from truth import spans_hold

from extractors import Format, detect_format, extract
from extractors.model import Block, Line, Page
from veikart.errors import InputFileError, MissingDependencyError, OcrError


def test_pptx_blocks_have_shape_ids_boxes_and_spans(extracted):
    doc = extracted(f"{MOTE39}.pptx")
    assert doc.origin.format is Format.pptx and doc.origin.page_count == 4
    assert doc.pages[0].width == pytest.approx(960) and doc.pages[0].height == pytest.approx(540)
    grid = doc.pages[2]
    assert all(b.shape_id for b in grid.blocks)
    spans_hold(doc)


def test_pptx_group_transform_puts_grouped_boxes_where_they_are_drawn(extracted):
    """The Helse Vest row is a group whose child space is scaled 2x and offset (as PowerPoint
    leaves it after a resize); positions must come out in slide points anyway."""
    from pptx import Presentation
    from pptx.shapes.group import GroupShape

    doc = extracted(f"{MOTE39}.pptx")
    by_text = {b.lines[0].text: b for b in doc.pages[2].blocks}
    slide = spec.mote39_deck().slides[2]
    grouped = [b for b in slide.boxes if b.group == "row-Vest"]
    assert grouped
    for box in grouped:
        got = by_text[box.paragraphs[0]].bbox
        assert got == pytest.approx((box.x, box.y, box.x + box.w, box.y + box.h), abs=0.1)
    # python-pptx alone reports the child-space numbers, which are far off
    prs = Presentation(str(SAMPLES / f"{MOTE39}.pptx"))
    group = next(s for s in prs.slides[2].shapes if isinstance(s, GroupShape)
                 and any(c.has_text_frame and c.text_frame.text.startswith("Innsyn")
                         for c in s.shapes))
    child = next(c for c in group.shapes if c.text_frame.text.startswith("Innsyn"))
    assert abs(child.left / 12700 - grouped[0].x) > 50


def test_pptx_table_cells_carry_row_and_column(extracted):
    cells = [b for b in extracted(f"{MOTE39}.pptx").pages[3].blocks if b.table_cell]
    assert len(cells) == 16  # 8 rows x 2 columns
    header = [b.text for b in cells if b.table_cell[1] == 0]
    assert header == ["Felles", "Regionale initiativ/prosjekt"]


def test_pdf_text_layer(extracted):
    doc = extracted(f"{MOTE39}.pdf")
    assert doc.extractor == "pdf" and not any(p.ocr for p in doc.pages)
    assert all(p.text_source == "text-layer" for p in doc.pages)
    assert "Innføring dokumentdeling steg 1" in doc.pages[2].text
    spans_hold(doc)


def test_pages_with_images_are_found_without_laying_pages_out(tmp_path):
    """The damage check lays out only the pages pdfium finds an image on; where pdfium
    cannot tell, every page is looked at (None)."""
    from extractors.pdf import pages_with_images

    assert pages_with_images(SAMPLES / f"{MOTE39}_skannet.pdf", 2) == {1, 2}
    assert pages_with_images(SAMPLES / f"{MOTE39}.pdf", 4) == set()
    assert pages_with_images(SAMPLES / f"{MOTE39}.pdf", 5) is None  # pdfminer found 5
    assert pages_with_images(corrupt_pdf(tmp_path / "bad.pdf"), 1) is None
    banner = tmp_path / "banner.pdf"  # junk before the header: read from the header on
    banner.write_bytes(b"X-Gateway: scanned\r\n" + (SAMPLES / f"{MOTE39}_skannet.pdf")
                       .read_bytes())
    assert pages_with_images(banner, 2) == {1, 2}


def test_image_areas_are_measured_as_pdfminer_boxes_them(tmp_path):
    """The damage check asks pdfium how large each page's images are and lays out only a
    page under a page-sized image: a logo does not make its page laid out twice. pdfium's
    areas are the boxes pdfminer gives, for an image on the page, one in a Form XObject
    scaled down and placed, and a full-page scan."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from extractors import pdftext
    from extractors.pdf import PAGE_IMAGE_SHARE, _image_areas, _pdfium, opened

    picture = ImageReader(Image.new("RGB", (40, 20), (200, 30, 30)))
    path = tmp_path / "images.pdf"
    c = canvas.Canvas(str(path), pagesize=(600, 400))
    c.drawString(40, 360, "Veikart Helse Vest")
    c.drawImage(picture, 500, 340, width=80, height=40)  # a logo in the corner
    c.showPage()
    c.beginForm("scan")
    c.drawImage(picture, 0, 0, width=1200, height=800)
    c.endForm()
    c.saveState()
    c.translate(10, 5)
    c.scale(0.45, 0.45)  # the form's image drawn at 540 x 360 points
    c.doForm("scan")
    c.restoreState()
    c.showPage()
    c.drawString(40, 360, "Ingen bilder")
    c.save()
    with opened(path) as pdf, _pdfium(path) as doc, pdftext.LOCK:
        areas = _image_areas(doc, len(pdf.pages))
        boxed = {p.page_number: max((im["x1"] - im["x0"]) * (im["bottom"] - im["top"])
                                    for im in p.images) for p in pdf.pages if p.images}
    assert set(areas) == set(boxed) == {1, 2}
    assert areas == pytest.approx(boxed)
    assert areas[1] == pytest.approx(80 * 40) and areas[2] == pytest.approx(540 * 360)
    assert areas[2] >= PAGE_IMAGE_SHARE * 600 * 400 > areas[1]
    with _pdfium(SAMPLES / f"{MOTE39}_skannet.pdf") as doc, pdftext.LOCK:
        assert all(a >= PAGE_IMAGE_SHARE * 960 * 540 for a in _image_areas(doc, 2).values())


def test_scanned_pdf_is_ocred_per_page_and_finds_its_items(extracted):
    doc = extracted(f"{MOTE39}_skannet.pdf")
    assert doc.extractor == "pdf+ocr"
    assert [p.ocr for p in doc.pages] == [True, True]
    grid = doc.pages[1]
    assert grid.ocr_confidence > 60
    for text in ("Timer 2.0", "Pasientens prøvesvar", "Rekvisisjonshotell", "HELSE SØR-ØST"):
        assert text in grid.text
    # boxes are in points on the page, not pixels
    assert all(0 <= b.bbox[0] < b.bbox[2] <= grid.width + 1 for b in grid.blocks)
    spans_hold(doc)


def test_ocr_only_where_the_text_layer_is_missing(tmp_path, samples):
    """A PDF with one text page and one image page: only the image page is OCR'd."""
    import pypdfium2 as pdfium

    image = image_pdf(tmp_path / "img.pdf", ["Dialog med inneliggende pasient"])
    mixed_doc = pdfium.PdfDocument.new()
    minutes = samples / "referat_produktstyret_mote39_2023-04-20.pdf"
    mixed_doc.import_pages(pdfium.PdfDocument(str(minutes)))
    mixed_doc.import_pages(pdfium.PdfDocument(str(image)))
    mixed = tmp_path / "mixed.pdf"
    mixed_doc.save(str(mixed))
    doc = extract(mixed)
    assert [p.ocr for p in doc.pages] == [False, True]
    assert "inneliggende pasient" in doc.pages[1].text


def test_html_blocks_have_locators(extracted):
    doc = extracted("prosjektside_digital_dialog.html")
    page = doc.pages[0]
    assert doc.title.startswith("Digital dialog med behandlende enhet")
    cells = [b for b in page.blocks if b.table_cell]
    assert cells and all(b.locator.startswith("/html/body/main/table") for b in cells)
    assert all(b.bbox is None for b in page.blocks)
    assert not any("Prosjekter" in b.text for b in page.blocks)  # <nav> is left out
    spans_hold(doc)


def test_pdf_ligatures_soft_hyphens_and_decomposed_letters_read_as_words(tmp_path):
    pdf = typeset_pdf(tmp_path / "typeset.pdf", [
        "Proﬁl og ﬂyt for Ma\u030alet", "Doku\u00admentdeling i Helse Sør-Øst, A\u030arsrapport"])
    doc = extract(pdf)
    assert doc.pages[0].text_source == "text-layer"
    assert [ln.text for b in doc.pages[0].blocks for ln in b.lines] == [
        "Profil og flyt for Målet", "Dokumentdeling i Helse Sør-Øst, Årsrapport"]
    spans_hold(doc)


def test_a_pdf_table_cell_is_not_joined_with_the_next_cell_on_its_baseline(tmp_path):
    """pdfminer joins a label that ends close to its cell's edge with the next cell's first
    line; the line is cut at the cell edge the page draws, and each piece keeps its text."""
    from fixtures import tight_table_pdf

    from extractors import pdf as pdf_module

    path = tight_table_pdf(tmp_path / "tabell.pdf", [
        ["HELSE MIDT-NORGE", "- Timevisning via Helsenorge\n- Samvalg", "- Smarte brev"],
        ["HELSE VEST", "- Timer 2.0", "- Innsyn 12-16"]], widths=[88, 160, 120])
    doc = extract(path)
    blocks = [[ln.text for ln in b.lines] for b in doc.pages[0].blocks]
    assert ["HELSE MIDT-NORGE"] in blocks
    assert ["- Timevisning via Helsenorge", "- Samvalg"] in blocks
    assert all(not any("NORGE -" in t or "NORGE-" in t for t in b) for b in blocks)
    spans_hold(doc)
    # the same cut never falls inside a word: with generous padding nothing is cut at all
    loose = tight_table_pdf(tmp_path / "luftig.pdf", [["Helse Vest", "- Timer 2.0"]],
                            widths=[120, 120], padding=6.0)
    with pdf_module.opened(loose) as plumber:
        page = pdf_module.pdf_pages(plumber, loose)[0]
        plain = pdf_module.text_layer_blocks(page)
        cut = pdf_module.text_layer_blocks(page, pdf_module.page_shapes(page))
    assert [[ln.text for ln in b.lines] for b in plain] == \
        [[ln.text for ln in b.lines] for b in cut]


def test_plain_text(tmp_path):
    path = tmp_path / "notat.txt"
    path.write_text("Veikart\n\n• Timer 2.0\n• Pasientens prøvesvar\n\fSide to\n", "utf-8")
    doc = extract(path)
    assert doc.origin.format is Format.text and len(doc.pages) == 2
    assert doc.pages[0].blocks[1].lines[0].bullet
    spans_hold(doc)


def test_format_is_sniffed_before_the_suffix(tmp_path, samples):
    renamed = tmp_path / "deck.bin"
    renamed.write_bytes((samples / f"{DIST}.pptx").read_bytes())
    assert detect_format(renamed) is Format.pptx
    lying = tmp_path / "notes.pdf"
    lying.write_text("<!DOCTYPE html><html><body><p>Hei</p></body></html>", "utf-8")
    assert detect_format(lying) is Format.html


@pytest.mark.parametrize("make, reason", [
    (lambda d: corrupt_pdf(d / "a.pdf"), "PDF"),
    (lambda d: truncated_pptx(SAMPLES / f"{DIST}.pptx", d / "a.pptx"),
     "a damaged or truncated ZIP package"),
    (lambda d: zip_not_pptx(d / "a.pptx"), "a ZIP archive, but not an Office document"),
    (lambda d: encrypted_pdf(d / "a.pdf"), "encrypted"),
    (lambda d: binary_garbage(d / "a.dat"), "not a PPTX"),
    (lambda d: empty_file(d / "empty.pdf"), "empty"),
    (lambda d: d / "missing.pptx", "no such file"),
])
def test_bad_input_is_one_line_naming_the_file(tmp_path, make, reason):
    path = make(tmp_path)
    with pytest.raises(InputFileError) as info:
        extract(path)
    message = str(info.value)
    assert message.startswith(str(path)) and reason in message and "\n" not in message


def test_missing_tesseract_is_reported(tmp_path, monkeypatch):
    import pytesseract

    from extractors import ocr

    ocr.check_tesseract.cache_clear()
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    try:
        with pytest.raises(MissingDependencyError, match="tesseract"):
            extract(image_pdf(tmp_path / "scan.pdf", ["Timer 2.0"]))
    finally:
        ocr.check_tesseract.cache_clear()


def test_crashing_tesseract_is_an_ocr_error(tmp_path, monkeypatch):
    """A tesseract that dies mid-page (a stand-in script) fails that document cleanly."""
    import pytesseract

    from extractors import ocr

    real = pytesseract.pytesseract.tesseract_cmd
    ocr.check_tesseract(ocr.OCR_LANG)  # the real one passes the (cached) check...
    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault' >&2\nexit 139\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    with pytest.raises(OcrError, match="page 1: tesseract failed"):
        extract(image_pdf(tmp_path / "scan.pdf", ["Timer 2.0"]))
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", real)


def test_finalize_builds_text_and_spans():
    page = Page(1, None, None, [Block("textbox", [Line("a", None), Line("bc", None)], None),
                                Block("textbox", [Line("d", None)], None)]).finalize()
    assert page.text == "a\nbc\n\nd"
    assert page.blocks[1].char_start == 6


def test_cache_entries_are_json_data_and_round_trip(tmp_path, monkeypatch):
    """The extraction cache holds gzipped JSON of the model, never pickles: an entry reads
    back as the same document, and a damaged entry counts as missing."""
    import gzip
    import json

    monkeypatch.setenv("VEIKART_CACHE_DIR", str(tmp_path / "cache"))
    first = extract(SAMPLES / f"{MOTE39}.pptx")
    entries = list((tmp_path / "cache" / "extract").iterdir())
    assert len(entries) == 1 and entries[0].name.endswith(".json.gz")
    json.loads(gzip.decompress(entries[0].read_bytes()))  # plain data
    again = extract(SAMPLES / f"{MOTE39}.pptx")
    assert again == first and again is not first
    entries[0].write_bytes(b"\x80\x04not json")
    assert extract(SAMPLES / f"{MOTE39}.pptx") == first  # read again, not crashed


def test_a_documents_fonts_are_walked_once_per_resource_dictionary():
    """The descents kept from page to page are those a fresh walk gives, and a page whose
    resource dictionary was walked before (LibreOffice gives all pages one) is not walked
    again."""
    from extractors import pdf, pdftext

    with pdf.opened(SAMPLES / f"{MOTE39}.pdf") as plumbed:
        known: dict = {}
        for page in plumbed.pages:
            kept = pdftext.font_descents(page.page_obj, known)
            assert kept == pdftext.font_descents(page.page_obj) and kept
            again = pdf.turned(page, 90)  # another page object, the same resources
            assert pdftext.font_descents(again.page_obj, known) is kept
        assert len(known) == len(plumbed.pages)


def test_a_text_page_read_by_pdfium_is_the_page_pdfminer_reads():
    """pdfium's characters, laid out by pdfminer's analysis, give pdfminer's own lines and
    boxes, and pdfium's paths pdfminer's rectangles, curves and lines; a black border drawn
    in the default colour, which pdfminer leaves without a colour (and so dropped), is a
    shape with its colour (the sample's table cells)."""
    from extractors import pdf, pdftext

    path = SAMPLES / f"{MOTE39}.pdf"
    doc = pdftext.open_document(path)

    def lines(page):
        return [(round(ln["x0"], 2), round(ln["top"], 2), round(ln["bottom"], 2), ln["text"])
                for ln in page.objects["textlinehorizontal"]]

    def shapes(page):
        return [(s.geometry, s.fill, s.line, tuple(round(v, 1) for v in s.bbox))
                for s in pdf.page_shapes(page)]

    with pdf.opened(path) as plumbed:
        for index, page in enumerate(plumbed.pages):
            read = pdftext.PdfiumTextPage.of(page, pdftext.read_page(
                doc, index, pdftext.font_descents(page.page_obj)))
            assert lines(read) == lines(page)
            assert [c["text"] for c in read.chars] == [c["text"] for c in page.chars]
            if index < 3:
                assert shapes(read) == shapes(page)
            else:  # the table: 16 cell borders, stroked in the default black
                assert shapes(page) == []
                assert [(s[0], s[2]) for s in shapes(read)] == [("rect", "000000")] * 16
    doc.close()


def test_ocr_pieces_of_one_bar_are_one_line_and_a_tall_scrap_joins_no_rows():
    """Two ways a scan's words come apart or together wrongly, mended when the blocks are
    merged: a dashed "today" line through a bar cuts its text into pieces a little more
    than a word space apart ("helsetj" | "neste"), which are one line since they lie in one
    bar; a column of box edges read as a tall scrap ("V/ SN", as tall as three boxes) does
    not chain the rows beside it into one line."""
    from extractors.geometry import merge_stacked_blocks
    from extractors.model import Shape

    def block(box, text):
        return Block("ocr_block", [Line(text, box)], box)
    bar = Shape((84, 245, 414, 279), None, "7F7F7F", "rect")
    pieces = [block((100, 257, 224, 267), "Sammenhengende digital"),
              block((232, 257, 263, 267), "helsetj"),
              block((272, 257, 399, 267), "neste (under revurdering)")]
    merged = merge_stacked_blocks(pieces, [bar])
    assert [ln.text for b in merged for ln in b.lines] == [
        "Sammenhengende digital helsetj neste (under revurdering)"]
    # the same pieces on paper, with no bar: a gutter as wide as that parts two columns
    assert len(merge_stacked_blocks(pieces, [])) == 3
    rows = [block((189, 307, 300, 316), "Pasientbrev via Altinn"),
            block((302, 272, 312, 356), "V/ SN"),
            block((314, 280, 470, 289), "Andre skjema til sak/arkiv (NILAR)")]
    texts = sorted(ln.text for b in merge_stacked_blocks(rows, []) for ln in b.lines)
    assert texts == ["Andre skjema til sak/arkiv (NILAR)", "Pasientbrev via Altinn", "V/ SN"]


def test_a_dark_header_the_page_pass_read_unsure_is_read_again_alone():
    """The page pass may read a small header's two lines as one line of junk ("ne oa",
    confidence 2-19) that names no region: the header (already turned dark text on paper)
    is read again alone, and its sure reading replaces those words; a header read surely
    is left as the page pass read it."""
    from PIL import Image, ImageDraw, ImageFont

    from extractors import ocr, pixels

    img = Image.new("L", (900, 200), 255)
    d = ImageDraw.Draw(img)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 34)
    d.text((380, 62), "Helse", fill=0, font=bold)
    d.text((390, 102), "Vest", fill=0, font=bold)
    header = pixels.Found((100, 58, 800, 145), "4D4D4D", None, "rect", 77.0)
    data = {"text": ["ne", "oa", "Nord"], "conf": [19, 2, 96], "left": [380, 430, 40],
            "top": [62, 62, 10], "width": [40, 40, 60], "height": [75, 75, 30]}
    lines = ocr._reread_unsure_headers(img, [header], data, ocr.OCR_LANG, 0.24)
    assert [ln.text for ln in lines] == ["Helse", "Vest"]
    assert data["conf"] == [-1, -1, 96]  # the junk is dropped, the word elsewhere stays
    data["conf"] = [96, 95, 96]
    assert ocr._reread_unsure_headers(img, [header], data, ocr.OCR_LANG, 0.24) == []


def test_a_short_line_the_page_pass_read_unsure_is_read_again_alone():
    """Beside a busy page the page pass may read a lone header's digits as letters ("DET"
    at confidence 22 for "2027+"); read again alone, with room around it, the header is
    read surely and that reading is its text. A sure word, or a speck, is not read again,
    and a page's rereads are counted down."""
    from PIL import Image, ImageDraw, ImageFont

    from extractors import ocr

    img = Image.new("L", (600, 200), 255)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 30)
    ImageDraw.Draw(img).text((100, 80), "2027+", fill=0, font=bold)
    x0, y0, x1, y1 = ImageDraw.Draw(img).textbbox((100, 80), "2027+", font=bold)
    data = {"text": ["DET", "'"], "conf": [22, 30], "left": [x0, 400], "top": [y0, 90],
            "width": [x1 - x0 - 20, 3], "height": [y1 - y0, 3]}
    budget = [2]
    assert ocr._reread_unsure_label(img, data, [0], ocr.OCR_LANG, budget) == "2027+"
    assert ocr._reread_unsure_label(img, data, [1], ocr.OCR_LANG, budget) is None  # a speck
    data["conf"][0] = 96
    assert ocr._reread_unsure_label(img, data, [0], ocr.OCR_LANG, budget) is None
    assert budget == [1]
    data["conf"][0] = 22
    assert ocr._reread_unsure_label(img, data, [0], ocr.OCR_LANG, [0]) is None
