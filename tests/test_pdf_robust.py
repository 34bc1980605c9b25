"""PDFs and scans as they reach us, not as they should be: text inside Form XObjects, pages
turned by /Rotate or by their text matrices, a banner before the header, a page tree that
leads nowhere, scans fed upside down or sideways, and a scan too dirty to read well."""

from __future__ import annotations

import subprocess

import pandas as pd
import pytest
from conftest import ROOT
from fixtures import (
    BANNER,
    form_xobject_pdf,
    image_pdf,
    incrementally_updated_pdf,
    mangled,
    scan_pdf,
    turned_text_pdf,
)
from truth import spans_hold

from extractors import extract, file_sha256, ocr
from normalize import normalize_document
from veikart.cli import main
from veikart.errors import ExitCode, InputFileError

LINES = ["Veikart Helse Nord", "• Timer 2.0", "• Pasientens prøvesvar"]
#: A small roadmap grid (periods across, regions down), in pixels of a 200 dpi scan.
GRID = [(420, 50, "2023-2024"), (1000, 50, "2025-2026"),
        (40, 160, "HELSE NORD"), (420, 160, "• Timer 2.0"), (1000, 160, "• Pasientens prøvesvar"),
        (40, 300, "HELSE VEST"), (420, 300, "• Digital dialog med fastlegen"),
        (1000, 300, "• Innføring dokumentdeling steg 1")]
GRID_PIXELS = (1600, 420)


def _lines(doc) -> list[tuple[int, str, tuple]]:
    """Every line of a document: page, text and box (rounded to 0.01 pt)."""
    return [(page.number, line.text, tuple(round(v, 2) for v in line.bbox))
            for page in doc.pages for block in page.blocks for line in block.lines]


# ------------------------------------------------------------------ Form XObjects


def test_text_inside_form_xobjects_is_read_where_each_copy_is_drawn(tmp_path):
    """An embedded sub-page placed twice reads like the same lines drawn on the page."""
    offsets = [(0, 0), (250, -200)]
    in_form = extract(form_xobject_pdf(tmp_path / "form.pdf", LINES, offsets))
    drawn = extract(form_xobject_pdf(tmp_path / "drawn.pdf", LINES, offsets, in_form=False))
    assert in_form.pages[0].text_source == "text-layer"
    assert _lines(in_form) == _lines(drawn)
    assert [t for _, t, _ in _lines(in_form)].count("Veikart Helse Nord") == 2
    spans_hold(in_form)


# ------------------------------------------------------------------ rotated pages


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_turned_pages_read_upright_in_the_upright_pages_coordinates(tmp_path, rotate, turn):
    """Whatever /Rotate shows on screen and however the text matrices turn the text, the
    page reads as the upright page does, line by line and box by box, and ``rotation`` is
    the turn from the page's own space to upright (a /Rotate that shows upright text
    sideways, ``turn=0``, turns nothing: such a page reads as it lies)."""
    upright = extract(turned_text_pdf(tmp_path / "upright.pdf", LINES))
    doc = extract(turned_text_pdf(tmp_path / "turned.pdf", LINES, rotate=rotate, turn=turn))
    page = doc.pages[0]
    assert (page.width, page.height) == (upright.pages[0].width, upright.pages[0].height)
    assert _lines(doc) == _lines(upright)
    assert page.rotation == turn
    spans_hold(doc)


def test_a_page_turned_by_rotate_alone_no_longer_reads_one_letter_per_line(tmp_path):
    doc = extract(turned_text_pdf(tmp_path / "rot90.pdf", LINES, rotate=90))
    # the bullet as drawn: Helvetica's WinAnsi bullet has no ToUnicode entry, which pdfium
    # reads by its encoding (pdfminer wrote "(cid:N)", that is U+FFFD)
    assert doc.pages[0].text.splitlines()[:3] == LINES


def test_review_crop_of_a_turned_page_shows_what_the_upright_page_shows(tmp_path):
    """The review app renders a page turned as it was read, so an item's box frames the same
    pixels as on the upright page; rendered as the PDF displays (sideways), it does not."""
    import io

    import numpy as np
    from PIL import Image

    from review.evidence import render_crop

    def crop(pdf, box, rotation: int) -> np.ndarray:
        png, _ = render_crop(pdf, 1, box, [], rotation=rotation, scale=2, margin=10)
        return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=np.float32)

    upright = turned_text_pdf(tmp_path / "upright.pdf", LINES)
    pdf = turned_text_pdf(tmp_path / "rot90.pdf", LINES, rotate=90)
    page = extract(pdf).pages[0]
    box = page.blocks[0].lines[1].bbox
    expected = crop(upright, box, 0)
    got = crop(pdf, box, page.rotation)
    assert got.shape == expected.shape and np.abs(got - expected).mean() < 2.0
    as_displayed = crop(pdf, box, 90)  # pdfium's own rendering, /Rotate 90 applied
    assert as_displayed.shape != expected.shape or np.abs(as_displayed - expected).mean() > 10


# ------------------------------------------------------------------ banner before %PDF-


def test_a_banner_before_the_header_reads_like_the_file_without_it(tmp_path):
    """Junk before ``%PDF-`` shifts every offset in the file; read as it is, pdfminer scans
    for objects instead and stops at the first trailer, losing the incremental update's
    page. Read from the header, it is the same document; the file and its hash stay as they
    were."""
    first = turned_text_pdf(tmp_path / "first.pdf", LINES)
    added = turned_text_pdf(tmp_path / "added.pdf", ["• Digital dialog med fastlegen"],
                            rotate=180)
    clean = incrementally_updated_pdf(tmp_path / "clean.pdf", first, added)
    banner = tmp_path / "banner.pdf"
    banner.write_bytes(BANNER + clean.read_bytes())
    before = banner.read_bytes()
    doc = extract(banner)
    assert len(doc.pages) == 2
    assert _lines(doc) == _lines(extract(clean))
    assert doc.origin.sha256 == file_sha256(banner) != file_sha256(clean)
    assert banner.read_bytes() == before
    spans_hold(doc)


def test_a_scan_behind_a_banner_is_rendered_and_ocred(tmp_path):
    """The page image is rendered from the file read from its header too (a scanned page
    added by an incremental update, which the banner would hide)."""
    first = turned_text_pdf(tmp_path / "first.pdf", LINES)
    scan = image_pdf(tmp_path / "scan.pdf", ["Pasientens prøvesvar i produksjon"])
    clean = incrementally_updated_pdf(tmp_path / "clean.pdf", first, scan)
    banner = tmp_path / "banner.pdf"
    banner.write_bytes(BANNER + clean.read_bytes())
    doc = extract(banner)
    assert [p.ocr for p in doc.pages] == [False, True]
    assert "Pasientens prøvesvar" in doc.pages[1].text
    assert doc.pages[1].text == extract(scan).pages[0].text


# ------------------------------------------------------------------ broken page tree


def _tree_broken(tmp_path, path, how: str):
    """A good PDF (made in ``tmp_path``) whose pages cannot be found, written to ``path``:
    its page tree mangled, and its page object's type too, so that no search finds it."""
    src = turned_text_pdf(tmp_path / "good.pdf", LINES)
    page_type = (b"/Type /Page\n", b"/Type /Pagx\n")
    cases = {
        "pages-and-page-type": [(b"/Type /Pages", b"/Type /Pagez"), page_type],
        "root-and-page-type": [(b"/Root 4 0 R", b"/Root 99 0 R"), page_type],
        "pages-not-an-object": [(b"/Pages 6 0 R", b"/Pages 12345")],
        # pdfminer finds the page by searching, but not its text; pdfium cannot render it
        "kids-not-an-array": [(b"/Kids [ 3 0 R ]", b"/Kids 7      ")],
    }
    return mangled(src, path, *cases[how])


@pytest.mark.parametrize(("how", "reason"), [
    ("pages-and-page-type", "no pages found: the page tree is damaged"),
    ("root-and-page-type", "no pages found: the page tree is damaged"),
    ("pages-not-an-object", "no pages found: the page tree is damaged"),
    ("kids-not-an-array", "page 1 cannot be rendered for OCR"),
])
def test_a_page_tree_that_leads_nowhere_fails_the_document_in_one_line(tmp_path, how, reason):
    path = _tree_broken(tmp_path, tmp_path / "broken.pdf", how)
    with pytest.raises(InputFileError) as info:
        extract(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {reason} (") and "\n" not in message


def test_a_damaged_page_tree_whose_pages_can_still_be_found_is_read(tmp_path):
    """With only ``/Type /Pages`` or ``/Root`` mangled, the page objects are still found."""
    src = turned_text_pdf(tmp_path / "good.pdf", LINES)

    def read_alike(doc) -> list[tuple[int, str, tuple]]:
        # pdfium does not open a file whose /Root points nowhere, so pdfminer reads it
        # alone, and writes the bullet Helvetica has no ToUnicode entry for as U+FFFD
        # (pdfium reads it as "•", a bullet's width wider): the same lines where they
        # start, from top to bottom
        return [(number, text.replace("\ufffd", "•"), (box[0], box[1], box[3]))
                for number, text, box in _lines(doc)]

    for old, new in [(b"/Type /Pages", b"/Type /Pagez"), (b"/Root 4 0 R", b"/Root 99 0 R")]:
        doc = extract(mangled(src, tmp_path / "damaged.pdf", (old, new)))
        assert read_alike(doc) == read_alike(extract(src))


def test_cli_fails_the_broken_document_and_reports_the_dirty_scan(prefect_harness, tmp_path,
                                                                  capsys):
    """Through the CLI: exit code 1 (some documents failed), one error line naming the file
    and why, the failed row in documents; the scan that reads unsure is a line in the run
    report, naming file, page and confidence."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    turned_text_pdf(inbox / "veikart.pdf", LINES, rotate=90, turn=90)
    broken = _tree_broken(tmp_path, inbox / "broken.pdf", "pages-and-page-type")
    dirty = scan_pdf(inbox / "skitten.pdf", [(60, 40, "• Timer 2.0"),
                                             (60, 95, "• Pasientens prøvesvar"),
                                             (60, 150, "• Digital dialog med fastlegen")],
                     (1000, 240), speckle=30000)
    out = tmp_path / "out"
    code = main(["ingest", str(inbox), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == ExitCode.partial
    errors = [ln for ln in err.splitlines() if ln.startswith("veikart: error:")]
    assert errors == [f"veikart: error: {broken}: no pages found: the page tree is damaged "
                      "(no page objects under /Root /Pages)"]
    assert "Traceback" not in err
    docs = pd.read_parquet(out / "documents.parquet").set_index("source_path")
    assert docs.loc[str(broken), "status"] == "failed"
    assert "no pages found" in docs.loc[str(broken), "error"]
    pages = pd.read_parquet(out / "pages.parquet").set_index("source_path")
    assert pages.loc[str(inbox / "veikart.pdf"), "rotation"] == 90
    conf = pages.loc[str(dirty), "ocr_confidence"]
    assert conf < ocr.LOW_CONFIDENCE
    report = (out / "report.html").read_text("utf-8")
    assert f"<li>{dirty}: page 1: OCR confidence {conf:.0f}</li>" in report
    listed = report.split('id="low-confidence"')[1].split("</ul>")[0]
    assert str(inbox / "veikart.pdf") not in listed


# ------------------------------------------------------------------ turned scans


@pytest.fixture(scope="module")
def upright_grid(tmp_path_factory, matcher):
    path = scan_pdf(tmp_path_factory.mktemp("scan") / "upright.pdf", GRID, GRID_PIXELS)
    doc = extract(path)
    return doc, normalize_document(doc, matcher)


def _items(norm) -> list[tuple]:
    return [(it.mention_text, it.initiative_id, it.region, it.period) for it in norm.items]


def test_the_upright_grid_scan_reads_without_asking_osd(tmp_path, matcher, monkeypatch):
    """Orientation detection only runs when a page reads unsure or in vertical lines; the
    grid read well enough to trust (every item in its cell) does not pay for it."""
    from extractors.cache import CACHE_ENV

    # a flow run earlier in the session leaves its cache folder set: OCR here for real
    monkeypatch.delenv(CACHE_ENV, raising=False)
    asked = []
    real = ocr.orientation
    monkeypatch.setattr(ocr, "orientation", lambda *a: asked.append(1) or real(*a))
    doc = extract(scan_pdf(tmp_path / "upright.pdf", GRID, GRID_PIXELS))
    norm = normalize_document(doc, matcher)
    assert asked == [] and doc.pages[0].rotation == 0
    assert ("Timer 2.0", "timer-2-0", "Helse Nord", "2023-2024") in _items(norm)
    assert ("Innføring dokumentdeling steg 1", "innforing-dokumentdeling-steg-1", "Helse Vest",
            "2025-2026") in _items(norm)


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_scan_fed_turned_reads_as_the_upright_scan(tmp_path, matcher, upright_grid, turn):
    """Turned upright by OSD before OCR: the same items in the same cells, boxes in the
    upright page (within a point or two of the upright scan's), ``rotation`` the turn."""
    upright_doc, upright_norm = upright_grid
    doc = extract(scan_pdf(tmp_path / f"turned{turn}.pdf", GRID, GRID_PIXELS, turn=turn))
    page = doc.pages[0]
    assert page.ocr and page.rotation == turn
    assert (page.width, page.height) == pytest.approx(
        (upright_doc.pages[0].width, upright_doc.pages[0].height))
    norm = normalize_document(doc, matcher)
    assert _items(norm) == _items(upright_norm)
    for it, ref in zip(norm.items, upright_norm.items, strict=True):
        assert it.bbox == pytest.approx(ref.bbox, abs=2.0)
    spans_hold(doc)


# ------------------------------------------------------------------ setup


def test_setup_requires_tesseracts_orientation_data(tmp_path):
    """scripts/setup.sh names tesseract-ocr-osd when ``tesseract --list-langs`` lacks osd."""
    fake = tmp_path / "bin" / "tesseract"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\nprintf 'List of available languages (2):\\neng\\nnor\\n'\n")
    fake.chmod(0o755)
    script = (ROOT / "scripts" / "setup.sh").read_text()
    function = script[script.index("missing_system_packages() {"):]
    function = function[:function.index("\n}\n") + 3]
    result = subprocess.run(["bash", "-c", function + "missing_system_packages"],
                            capture_output=True, text=True, check=True,
                            env={"PATH": f"{fake.parent}:/usr/bin:/bin"})
    assert "tesseract-ocr-osd" in result.stdout.split()
    assert "tesseract-ocr-nor" not in result.stdout.split()
