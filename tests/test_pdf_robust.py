"""PDFs and scans as they reach us, not as they should be: text inside Form XObjects, pages
turned by /Rotate or by their text matrices, a banner before the header, a page tree that
leads nowhere, scans fed upside down or sideways, and a scan too dirty to read well."""

from __future__ import annotations

from fixtures import form_xobject_pdf

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
