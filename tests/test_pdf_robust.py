"""PDFs and scans as they reach us, not as they should be: text inside Form XObjects, pages
turned by /Rotate or by their text matrices, a banner before the header, a page tree that
leads nowhere, scans fed upside down or sideways, and a scan too dirty to read well."""

from __future__ import annotations

import pytest
from fixtures import (
    form_xobject_pdf,
    turned_text_pdf,
)

from extractors import extract

LINES = ["Veikart Helse Nord", "• Timer 2.0", "• Pasientens prøvesvar"]


def _spans_hold(doc) -> None:
    for page in doc.pages:
        for block in page.blocks:
            assert page.text[block.char_start:block.char_end] == block.text
            for line in block.lines:
                assert page.text[line.char_start:line.char_end] == line.text


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
    _spans_hold(in_form)


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
    _spans_hold(doc)


def test_a_page_turned_by_rotate_alone_no_longer_reads_one_letter_per_line(tmp_path):
    doc = extract(turned_text_pdf(tmp_path / "rot90.pdf", LINES, rotate=90))
    assert doc.pages[0].text.splitlines()[:3] == ["Veikart Helse Nord", "\ufffd Timer 2.0",
                                                  "\ufffd Pasientens prøvesvar"]


def test_review_crop_of_a_turned_page_shows_what_the_upright_page_shows(tmp_path):
    """The review app renders a page turned as it was read, so an item's box frames the same
    pixels as on the upright page; rendered as the PDF displays (sideways), it does not."""
    import io

    import numpy as np
    from PIL import Image

    from review.service import render_crop

    def crop(pdf, box, rotation: int) -> np.ndarray:
        png = render_crop(pdf, 1, box, margin=10, scale=2, rotation=rotation)
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
