"""Layouts the samples do not have, read from generated decks (tests/data/layouts/, made by
scripts/layout_generator.py from its development split) and from small synthetic pages:
swimlanes, timelines, tables either way round, colour legends, page regions, evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from extractors.model import Block, Document, Format, Line, Origin, Page, Shape
from normalize import lexicon, normalize_document

FIXTURES = Path(__file__).resolve().parent / "data" / "layouts"
DECKS = sorted(p.stem for p in FIXTURES.glob("*.pptx"))


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _pair(items, truth):
    """Truth record -> the item on its slide whose text is most like its drawn text."""
    out = {}
    for k, rec in enumerate(truth):
        same = [it for it in items if it.page == rec["slide"]]
        best = max(same, key=lambda it: fuzz.ratio(_fold(rec["drawn_text"]),
                                                     _fold(it.mention_text)), default=None)
        if best is not None and fuzz.ratio(_fold(rec["drawn_text"]),
                                           _fold(best.mention_text)) >= 80:
            out[k] = best
    return out


@pytest.mark.parametrize("deck", DECKS)
def test_generated_deck_reads_as_drawn(matcher, deck):
    from extractors import extract

    truth = json.loads((FIXTURES / f"{deck}.truth.json").read_text("utf-8"))["items"]
    norm = normalize_document(extract(FIXTURES / f"{deck}.pptx"), matcher)
    paired = _pair(norm.items, truth)
    assert len(paired) == len(truth), "every item drawn is found"
    wrong = []
    for k, item in paired.items():
        rec = truth[k]
        got = (item.region, item.period, item.period_start, item.period_end)
        want = (rec["region"], rec["period"], rec["period_start"], rec["period_end"])
        if got != want or (rec["status_shown"] and item.status != rec["status"]):
            wrong.append(f"{rec['drawn_text']!r}: {got} {item.status} != {want} "
                         f"{rec['status']} ({item.layout_evidence})")
        if item.match_status == "auto":
            assert item.initiative_id == rec["initiative_id"], rec["drawn_text"]
    assert not wrong, "\n".join(wrong)
    for item in norm.items:
        assert item.layout_evidence.count("region:") == 1, item.layout_evidence
        assert item.layout_evidence.count("period:") == 1, item.layout_evidence


def _doc(blocks, shapes=()):
    origin = Origin("synthetic.pdf", "0" * 64, Format.pdf, 1, 1, "application/pdf")
    page = Page(1, 960, 540, blocks, text_source="text-layer", shapes=list(shapes))
    return Document(origin, [page.finalize()], "pdf")


def _text(x, y, text, w=None, color=None, frame=None, fill=None, geometry=None):
    w = w or 5.0 * len(text)
    return Block("textbox", [Line(text, (x, y, x + w, y + 10), color=color)],
                 (x, y, x + w, y + 10), frame=frame, fill=fill, geometry=geometry)


def test_timeline_bars_give_their_years_and_an_arrow_means_and_later(matcher):
    ticks = [_text(150 + 150 * k, 60, str(2023 + k), 30) for k in range(5)]  # cells 150 wide
    lanes = [_text(20, 100, "HELSE NORD"), _text(20, 200, "HELSE VEST")]
    bars = [
        _text(130, 100, "Timer 2.0", frame=(95, 95, 390, 115)),  # 2023-2024
        _text(430, 200, "Smarte brev", frame=(400, 195, 680, 215)),  # 2025-2026
        _text(600, 130, "Samvalg", frame=(555, 125, 820, 145), geometry="homePlate"),
    ]
    norm = normalize_document(_doc(ticks + lanes + bars), matcher)
    got = {it.text: (it.region, it.period, it.period_start, it.period_end) for it in norm.items}
    assert got["Timer 2.0"] == ("Helse Nord", "2023-2024", 2023, 2024)
    assert got["Smarte brev"] == ("Helse Vest", "2025-2026", 2025, 2026)
    assert got["Samvalg"] == ("Helse Nord", "2026→", 2026, None)
    assert set(got) == {"Timer 2.0", "Smarte brev", "Samvalg"}  # ticks are no items


def test_status_from_text_colour_and_the_legend(matcher):
    blocks = [_text(150, 40, "2023-2024", 60), _text(400, 40, "2025-2026", 60),
              _text(150, 80, "• Timer 2.0", color="2E7D32"),
              _text(150, 95, "• Smarte brev", color="C62828"),
              _text(400, 80, "• Samvalg"),
              _text(20, 500, "Grønn tekst – i drift", color="2E7D32"),
              _text(250, 500, "Rød tekst – under revurdering", color="C62828")]
    norm = normalize_document(_doc(blocks), matcher)
    got = {it.text: (it.status, it.status_source) for it in norm.items}
    assert got["Timer 2.0"] == ("i drift", "text-colour")
    assert got["Smarte brev"] == ("under revurdering", "text-colour")
    assert got["Samvalg"] == (None, None)  # black is in no legend entry
    assert not any("tekst" in t for t in got)  # legend lines are no items


def test_status_from_fill_explained_by_swatches(matcher):
    swatches = [Shape((20, 500, 30, 510), "FFF176"), Shape((200, 500, 210, 510), "B9E3BC")]
    blocks = [_text(150, 40, "2023-2024", 60), _text(400, 40, "2025-2026", 60),
              _text(155, 85, "Timer 2.0", frame=(150, 80, 300, 100), fill="FFF176"),
              _text(405, 85, "Smarte brev", frame=(400, 80, 550, 100), fill="B9E3BC"),
              _text(35, 500, "Pågår", 40), _text(215, 500, "I drift", 40)]
    norm = normalize_document(_doc(blocks, swatches), matcher)
    got = {it.text: (it.status, it.status_source) for it in norm.items}
    assert got == {"Timer 2.0": ("pågår", "fill-colour"), "Smarte brev": ("i drift", "fill-colour")}


def test_one_region_per_slide_from_the_title_and_no_guess_outside_the_grid(matcher):
    blocks = [_text(20, 15, "Veikart for Helse Vest 2023–2027", 300),
              _text(150, 60, "2023-2024", 60), _text(400, 60, "2025-2026", 60),
              _text(150, 90, "• Timer 2.0"), _text(400, 90, "• Smarte brev"),
              _text(20, 520, "Følsomhet Intern (gul)", 120), _text(900, 520, "Side 3", 30)]
    norm = normalize_document(_doc(blocks), matcher)
    got = {it.text: (it.region, it.region_source, it.period) for it in norm.items}
    assert got == {"Timer 2.0": ("Helse Vest", "page-title", "2023-2024"),
                   "Smarte brev": ("Helse Vest", "page-title", "2025-2026")}
    evidence = {it.text: it.layout_evidence for it in norm.items}
    assert "Veikart for Helse Vest" in evidence["Timer 2.0"]


def test_an_item_without_labels_says_why_it_has_no_place(matcher):
    norm = normalize_document(_doc([_text(150, 90, "• Timer 2.0")]), matcher)
    (item,) = norm.items
    assert item.region is None and item.period is None
    assert "region: none" in item.layout_evidence and "period: none" in item.layout_evidence


def test_notes_after_the_name_are_left_out_of_matching(matcher):
    blocks = [_text(150, 60, "2023-2024", 60),
              _text(150, 90, "• Pasientens prøvesvar (NILAR) – Leveransedato: 30.04.2023", 300)]
    (item,) = normalize_document(_doc(blocks), matcher).items
    assert item.match_text == "Pasientens prøvesvar"
    assert item.notes == ["Leveransedato: 30.04.2023", "NILAR"]
    assert item.due_date == "2023-04-30"
    assert (item.match_status, item.initiative_id) == ("auto", "pasientens-provesvar")


def test_time_ticks_and_open_periods():
    assert lexicon.time_tick("K3 2025").start == 2025.5
    assert lexicon.time_tick("2. halvår 2024").start == 2024.5
    assert lexicon.period("Fra 2027").label == "2027→"


@pytest.mark.parametrize("tick", ["{h}. halvår {y}", "H{h} {y}", "{month} {y}"])
def test_timeline_axes_of_halves_and_months(matcher, tick):
    months = ["Januar", "Juli"]  # one tick per half year
    ticks = [_text(170 + 120 * k, 60, tick.format(h=k % 2 + 1, y=2025 + k // 2,
                                                   month=months[k % 2]), 80) for k in range(6)]
    lanes = [_text(20, 100, "HELSE NORD"), _text(20, 200, "HELSE VEST")]
    bars = [_text(160, 100, "Timer 2.0", frame=(152, 95, 388, 115)),  # both halves of 2025
            _text(400, 200, "Smarte brev", frame=(392, 195, 748, 215))]  # 2026 to mid 2027
    norm = normalize_document(_doc(ticks + lanes + bars), matcher)
    got = {it.text: (it.region, it.period_start, it.period_end) for it in norm.items}
    assert got == {"Timer 2.0": ("Helse Nord", 2025, 2025),
                   "Smarte brev": ("Helse Vest", 2026, 2027)}
