"""Every grid item gets the right region and period, in each format (issue: layout)."""

from __future__ import annotations

import pytest
from conftest import DIST, MOTE39, SAMPLES
from fixtures import eng_ocr_pdf
from truth import find, grid_truth, pair_up

from extractors import extract
from normalize import normalize_document
from normalize.repair import default_repairer

CASES = [
    (f"{MOTE39}.pptx", MOTE39, 3, 100),
    (f"{MOTE39}.pdf", MOTE39, 3, 100),
    (f"{MOTE39}_skannet.pdf", MOTE39, 2, 88),  # OCR text: compared fuzzily
    (f"{DIST}.pptx", DIST, 2, 100),  # other column order, no Midt-Norge, labels "NORD"
]


@pytest.mark.parametrize(("sample", "deck", "page", "min_ratio"), CASES,
                         ids=[c[0] for c in CASES])
def test_every_grid_item_has_region_and_period(extracted, matcher, sample, deck, page,
                                               min_ratio):
    norm = normalize_document(extracted(sample), matcher)
    items = [it for it in norm.items if it.page == page]
    wrong = pair_up(items, grid_truth(deck), min_ratio)
    assert not wrong, "\n".join(wrong)
    assert len(items) == len(grid_truth(deck)), "one item per grid entry, no extra rows"


@pytest.mark.parametrize("deck", [MOTE39, DIST])
@pytest.mark.parametrize(("text_only", "route"), [(False, "re-ocr"), (True, "text-layer+repair")],
                         ids=["page-image-ocr-again", "text-only-repaired"])
def test_grid_read_by_ocr_without_norwegian(tmp_path, matcher, deck, text_only, route):
    """The grid slide as an English-model OCR engine leaves it (tesseract eng, at 200 dpi):
    with the page image under its text, veikart reads the page again with ``nor``; as bare
    text, it repairs the text. Either way every entry lands in its cell. The DIST deck (bare
    "NORD" labels behind an icon OCR reads as "oe"/"e@") is drawn to a PDF first."""
    if deck == DIST:
        import sample_spec
        from generate_samples import write_deck_pdf

        source, page = tmp_path / "dist.pdf", 2
        write_deck_pdf(sample_spec.dist_deck(), source)
    else:
        source, page = SAMPLES / f"{MOTE39}.pdf", 3
    pdf = eng_ocr_pdf(source, tmp_path / "eng", text_only, pages=[page])
    repairer = default_repairer()
    norm = normalize_document(extract(pdf, text_check=repairer.looks_damaged), matcher, repairer)
    assert norm.page_routes == {1: route}
    wrong = pair_up(norm.items, grid_truth(deck), 88)
    assert not wrong, "\n".join(wrong)
    assert len(norm.items) == len(grid_truth(deck))


def test_open_periods_are_normalized(extracted, matcher):
    norm = normalize_document(extracted(f"{DIST}.pptx"), matcher)
    long_term = [it for it in norm.items if it.period == "2027→"]
    assert long_term and all(it.period_start == 2027 and it.period_end is None
                             for it in long_term)
    short = [it for it in norm.items if it.period == "2023-2024"]
    assert short and all((it.period_start, it.period_end) == (2023, 2024) for it in short)


def test_common_services_table_sets_group_and_region_codes(extracted, matcher):
    norm = normalize_document(extracted(f"{MOTE39}.pptx"), matcher)
    table = [it for it in norm.items if it.page == 4]
    timer = find(table, "Timer 2.0 (HV)")
    assert timer.group_name == "Mine timeavtaler (Timer 2.0)"
    assert (timer.region, timer.region_source) == ("Helse Vest", "code")
    provesvar = find(table, "Pasientens prøvesvar (HSØ, HN, HV)")
    assert provesvar.region is None
    assert provesvar.regions == ["Helse Sør-Øst", "Helse Nord", "Helse Vest"]
    assert provesvar.group_name == "Pasientens prøvesvar"
    # the "Felles" column is the group, not an item of its own
    assert find(table, "Innhente pasientinformasjon (skjema)") is None
    assert all(it.group_name for it in table)


def test_inline_status_is_read_and_kept_out_of_matching(extracted, matcher):
    norm = normalize_document(extracted(f"{MOTE39}.pptx"), matcher)
    item = find(norm.items, "Timevisning via Helsenorge (i drift)")
    assert item.status == "i drift"
    assert item.initiative_id == "timevisning-via-helsenorge" and item.match_status == "auto"
    samvalg = find(norm.items, "Samvalg (under revurdering)")
    assert samvalg.status == "under revurdering"


def test_html_deliveries_have_due_dates_and_status(extracted, matcher):
    norm = normalize_document(extracted("prosjektside_digital_dialog.html"), matcher)
    by_text = {it.text: it for it in norm.items}
    expected = {
        "Helsekontakt ved innvilget rett til helsehjelp": ("2023-03-28", "levert"),
        "Standarddialog": ("2023-12-31", "planlagt"),
        "Fleksibel dialog": ("2024-05-31", "planlagt"),
    }
    for text, (due, status) in expected.items():
        assert (by_text[text].due_date, by_text[text].status) == (due, status)
    assert by_text["Dialog med inneliggende pasient"].status == "under revurdering"
    inline = by_text["Dokumentdeling via Kjernejournal – Leveransedato: 30.04.2023"]
    assert inline.due_date == "2023-04-30"
    assert all(it.region == "Helse Nord" for it in norm.items)  # from the page title
    assert norm.page_statuses == {1: "ikke levert"}  # "Ferdigstilt og levert: Nei"
    assert (norm.document_date, norm.document_date_source) == ("2023-03-02", "sist-oppdatert")


def test_document_dates(extracted, matcher):
    assert normalize_document(extracted(f"{MOTE39}.pptx"), matcher).document_date == "2023-04-20"
    assert normalize_document(extracted(f"{DIST}.pptx"), matcher).document_date == "2023-09-14"
