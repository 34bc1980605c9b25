"""Grid shapes the samples do not have: centred labels and headers, a box overlapping a column
boundary, region labels written under items, a page whose title names its region."""

from __future__ import annotations

from extractors.model import Block, Document, Format, Line, Origin, Page, Shape
from normalize import normalize_document

LINE_H = 10.0


def box(x: float, y: float, lines: list[str], w: float = 180, bullets: bool = True) -> Block:
    out = []
    for i, text in enumerate(lines):
        top = y + i * (LINE_H + 2)
        out.append(Line(("• " if bullets else "") + text, (x, top, x + w, top + LINE_H)))
    return Block("textbox", out, (x, y, x + w, y + len(lines) * (LINE_H + 2)))


def label(x: float, y: float, text: str, w: float = 90) -> Block:
    return Block("textbox", [Line(text, (x, y, x + w, y + LINE_H))], (x, y, x + w, y + LINE_H))


def doc_of(*pages: list[Block], title: str | None = None) -> Document:
    origin = Origin("synthetic.pdf", "0" * 64, Format.pdf, 1, len(pages), "application/pdf")
    return Document(origin, [Page(i + 1, 960, 540, blocks, text_source="text-layer").finalize()
                             for i, blocks in enumerate(pages)], "pdf", title)


def normalized_page(matcher, blocks: list[Block], shapes: list[Shape], source: str,
                    title: str | None = None):
    """One 960 x 540 page of ``blocks`` drawn over ``shapes``, read as ``source`` says
    ("text-layer", "ocr"), normalized."""
    origin = Origin("synthetic.pdf", "0" * 64, Format.pdf, 1, 1, "application/pdf")
    page = Page(1, 960, 540, blocks, text_source=source, shapes=shapes).finalize()
    return normalize_document(Document(origin, [page], "pdf", title), matcher)


def read_by_ocr(matcher, read: list[tuple[tuple, str]], shapes: list[Shape]):
    """A page OCR read as these lines (box, text), each a block of its own as tesseract's
    paragraphs come, over ``shapes``, normalized."""
    blocks = [Block("ocr_block", [Line(text, bbox)], bbox) for bbox, text in read]
    return normalized_page(matcher, blocks, shapes, "ocr")


def placed(matcher, *pages, **kw) -> dict[str, tuple]:
    norm = normalize_document(doc_of(*pages, **kw), matcher)
    return {it.text: (it.region, it.period) for it in norm.items}


def test_centred_headers_and_vertically_centred_region_labels(matcher):
    # headers centred over 200-pt columns starting at 150, 360, 570
    blocks = [label(215, 40, "2023 - 2024", 70), label(425, 40, "2025 - 2026", 70),
              label(640, 40, "Lenger sikt", 60)]
    # rows 70-170 and 180-280; labels centred in them
    blocks += [label(20, 115, "HELSE NORD"), label(20, 225, "HELSE VEST")]
    blocks += [box(150, 72, ["Skjemabasert triagering", "Smarte brev", "Samvalg",
                             "Rekvisisjonshotell", "Behandlingsplan", "Innsyn 12-16",
                             "Timer 2.0", "Standarddialog"])]
    blocks += [box(360, 182, ["Fleksibel dialog"]), box(570, 260, ["Kurve i nord"])]
    got = placed(matcher, blocks)
    assert got["Skjemabasert triagering"] == ("Helse Nord", "2023-2024")
    assert got["Standarddialog"] == ("Helse Nord", "2023-2024")  # low in its tall row
    assert got["Fleksibel dialog"] == ("Helse Vest", "2025-2026")
    assert got["Kurve i nord"] == ("Helse Vest", "Lenger sikt")


def test_a_box_overlapping_the_next_column_stays_in_its_own(matcher):
    blocks = [label(150, 40, "2023-2024"), label(360, 40, "2025-2026"),
              label(20, 70, "HELSE SØR-ØST"), label(20, 170, "HELSE MIDT-NORGE", 110)]
    blocks += [box(150, 70, ["Pasientens legemiddelliste"], w=230),  # runs 20 pt past 360
               box(362, 70, ["Samvalg"]), box(152, 172, ["Timevisning via Helsenorge"])]
    got = placed(matcher, blocks)
    assert got["Pasientens legemiddelliste"] == ("Helse Sør-Øst", "2023-2024")
    assert got["Samvalg"] == ("Helse Sør-Øst", "2025-2026")
    assert got["Timevisning via Helsenorge"] == ("Helse Midt-Norge", "2023-2024")


def test_region_labels_under_items(matcher):
    blocks = [label(150, 40, "2023 - 2024"), label(400, 40, "2025 - 2026")]
    blocks += [box(150, 70, ["Pasienten booker time selv"], bullets=False),
               label(150, 84, "HELSE VEST 2023-24 HELSE SØR-ØST 2024 HELSE NORD", 240),
               box(400, 70, ["Mine timeavtaler (Timer 2.0)"], bullets=False),
               label(400, 84, "HELSE SØR-ØST HELSE NORD 2025-26 HELSE VEST 2026→", 240)]
    norm = normalize_document(doc_of(blocks), matcher)
    by_text = {it.text: it for it in norm.items}
    assert set(by_text) == {"Pasienten booker time selv", "Mine timeavtaler (Timer 2.0)"}
    booker = by_text["Pasienten booker time selv"]
    assert booker.regions == ["Helse Vest", "Helse Sør-Øst", "Helse Nord"]
    assert (booker.region, booker.region_source, booker.period) == (
        "Helse Vest", "label", "2023-2024")
    timer = by_text["Mine timeavtaler (Timer 2.0)"]
    assert timer.region == "Helse Sør-Øst" and timer.period == "2025-2026"


def test_page_title_names_the_region(matcher):
    title = Block("title", [Line("Utvikling og etablering av tjenester på Helsenorge – Helse Vest",
                                 (20, 10, 900, 30))], (20, 10, 900, 30))
    blocks = [title, label(150, 40, "2023 - 2024"), label(400, 40, "2025 – 2026"),
              label(650, 40, "2027 →"),
              box(150, 70, ["Pasientoppgave -", "registrere informasjon", "(skjema)"],
                  bullets=False),
              box(650, 70, ["Behandlings-", "hjelpemidler"], bullets=False)]
    norm = normalize_document(doc_of(blocks), matcher)
    by_text = {it.text: it for it in norm.items}
    assert set(by_text) == {"Pasientoppgave - registrere informasjon (skjema)",
                            "Behandlingshjelpemidler"}
    wrapped = by_text["Behandlingshjelpemidler"]
    assert (wrapped.region, wrapped.region_source) == ("Helse Vest", "page-title")
    assert (wrapped.period, wrapped.period_start, wrapped.period_end) == ("2027→", 2027, None)
    assert wrapped.initiative_id == "behandlingshjelpemidler" and wrapped.match_status == "auto"
    assert wrapped.mention_text == "Behandlings-\nhjelpemidler"


def test_a_roadmap_drawn_as_a_pptx_table(tmp_path, matcher):
    """Periods as column headers (one spanning two columns), regions down the first column,
    items as paragraphs in the cells, and a body placeholder whose bullets come from the
    layout."""
    from pptx import Presentation
    from pptx.util import Pt

    from extractors import extract

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Felles veikart"
    rows = [["", "2023-2024", "2025-26", "Lenger sikt", ""],
            ["HELSE NORD", "Timebooking", "Smarte brev", "Rekvisisjonshotell", "Samvalg"],
            ["HELSE VEST", "Innsyn 12-16\nTimer 2.0", "", "Behandlingsplan", ""]]
    frame = slide.shapes.add_table(3, 5, Pt(20), Pt(100), Pt(680), Pt(200))
    table = frame.table
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            parts = text.split("\n")
            cell.text_frame.text = parts[0]
            for extra in parts[1:]:
                cell.text_frame.add_paragraph().text = extra
    table.cell(0, 3).merge(table.cell(0, 4))
    path = tmp_path / "table-grid.pptx"
    prs.save(str(path))
    norm = normalize_document(extract(path), matcher)
    got = {it.text: (it.region, it.period) for it in norm.items}
    assert got == {
        "Timebooking": ("Helse Nord", "2023-2024"), "Smarte brev": ("Helse Nord", "2025-2026"),
        "Rekvisisjonshotell": ("Helse Nord", "Lenger sikt"),
        "Samvalg": ("Helse Nord", "Lenger sikt"),
        "Innsyn 12-16": ("Helse Vest", "2023-2024"), "Timer 2.0": ("Helse Vest", "2023-2024"),
        "Behandlingsplan": ("Helse Vest", "Lenger sikt")}


def test_body_placeholder_paragraphs_are_list_entries(tmp_path, matcher):
    from pptx import Presentation

    from extractors import extract

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])  # title and content
    slide.shapes.title.text = "Nye tjenester"
    body = slide.placeholders[1].text_frame
    body.text = "Pasientens prøvesvar"
    for text in ("Mine henvisninger fase 2", "Digitale kurs og opplæring"):
        body.add_paragraph().text = text
    path = tmp_path / "body.pptx"
    prs.save(str(path))
    norm = normalize_document(extract(path), matcher)
    assert [it.text for it in norm.items] == ["Pasientens prøvesvar", "Mine henvisninger fase 2",
                                              "Digitale kurs og opplæring"]


def test_items_in_a_table_cell_split_by_line_breaks_quotes_and_dashes(tmp_path, matcher):
    """Line breaks (``<a:br/>``) inside one paragraph part items, except where the text goes
    on: a version number, a dash or a quote that only the catalogue can tell from a new
    item. Dashes that start every paragraph are bullets; a row heading column is told from
    short items at the start of a wider first column."""
    from pptx import Presentation
    from pptx.util import Pt

    from extractors import extract

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[5])
    slide.shapes.title.text = "Felles veikart"
    cells = [["", "2023-2024", "2025-2026"],
             ["Helse Vest", "Timer 3.0\vSmarte brev\v«Ny» innføring av Digital dialog med "
              "helsefaglig kontakt", "- Samvalg\n- Timebooking"],
             ["Helse Nord", "Barn og unge\v- Nekting periode",
              "Digital behandlings- og egenbehandlingsplan\v2.0 – nasjonalt prosjekt"]]
    table = slide.shapes.add_table(3, 3, Pt(20), Pt(100), Pt(680), Pt(200)).table
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            parts = text.split("\n")
            table.cell(r, c).text_frame.text = parts[0]
            for extra in parts[1:]:
                table.cell(r, c).text_frame.add_paragraph().text = extra
    path = tmp_path / "breaks.pptx"
    prs.save(str(path))
    norm = normalize_document(extract(path), matcher)
    got = {it.text: (it.region, it.period, it.initiative_id)
           for it in norm.items}
    assert got["Smarte brev"][:2] == ("Helse Vest", "2023-2024")
    assert got["«Ny» innføring av Digital dialog med helsefaglig kontakt"][2] == \
        "ny-innforing-dialog-helsefaglig-kontakt"
    assert "Timer 3.0" in got and "Samvalg" in got and "Timebooking" in got
    assert got["Barn og unge - Nekting periode"] == (
        "Helse Nord", "2023-2024", "barn-unge-nektingperiode")
    whole = [t for t in got if t.startswith("Digital behandlings- og egenbehandlingsplan 2.0")]
    assert len(whole) == 1 and got[whole[0]][2] == "egenbehandlingsplan-2-0"
    assert len(got) == 7


def test_short_items_at_the_start_of_a_wide_first_column_are_not_row_headings(matcher):
    """A header centred over a wide first column leaves its short items ("Samvalg") left of
    the header's own box; they are items, not a column of row headings."""
    page = [label(260, 40, "2023-2024", w=60), label(560, 40, "2025-2026", w=60),
            label(20, 80, "Helse Vest", w=60), label(20, 200, "Helse Nord", w=60),
            box(150, 80, ["Digitale kurs og opplæring for pasienter"], w=220),
            box(150, 104, ["Samvalg"], w=60), box(150, 200, ["Timebooking"], w=70),
            box(450, 80, ["Smarte brev"], w=120)]
    got = placed(matcher, page)
    assert got["Samvalg"] == ("Helse Vest", "2023-2024")
    assert got["Timebooking"] == ("Helse Nord", "2023-2024")


def test_headers_that_lead_wide_columns_of_sub_columns(matcher):
    """Short headers at the left of wide periods, each heading two sub-columns (the last
    one's first sub-column empty): an item belongs to the header left of it, even where the
    white space between sub-columns is wider than the one before the next header."""
    page = [label(20, 60, "2023", w=50), label(300, 60, "2025-2026", w=60),
            label(620, 60, "Lenger sikt", w=60),
            box(40, 90, ["Timebooking", "Samvalg"], w=90),
            box(180, 90, ["Smarte brev"], w=90),  # 2023's second sub-column
            box(310, 90, ["Rekvisisjonshotell"], w=90),
            box(450, 90, ["Behandlingsplan", "Timer 2.0"], w=150),  # ends 20 pt before a header
            box(800, 90, ["Innsyn 12-16"], w=90),  # Lenger sikt's second sub-column
            label(20, 520, "3", w=8)]  # a bare page number under every column votes on nothing
    got = placed(matcher, page)
    assert {t: p for t, (_, p) in got.items()} == {
        "Timebooking": "2023", "Samvalg": "2023", "Smarte brev": "2023",
        "Rekvisisjonshotell": "2025-2026", "Behandlingsplan": "2025-2026",
        "Timer 2.0": "2025-2026", "Innsyn 12-16": "Lenger sikt"}


def test_a_bar_whose_name_runs_out_of_it_keeps_its_fill_colour_status(matcher):
    """A PDF draws a short timeline bar and its wrapped name apart; the name sticking out
    above and below the bar still takes the bar's fill, and the legend's status with it."""

    green, yellow = "C6EFCE", "FFEB9C"
    blocks = [label(20, 40, "2025", w=40), label(260, 40, "2026", w=40),
              label(500, 40, "2027", w=40),
              box(262, 76, ["Pasienten", "booker time", "selv"], w=50, bullets=False),
              box(30, 80, ["Samsending av skjema og brev"], w=200, bullets=False),
              label(40, 500, "Grønn boks – i drift", w=100),
              label(300, 500, "Gul boks – pågår", w=100)]
    shapes = [Shape((260, 80, 330, 104), green, None, "rect"),  # the text runs 4 pt over
              Shape((25, 76, 240, 96), yellow, None, "rect"),
              Shape((20, 498, 130, 512), green, None, "rect"),
              Shape((290, 498, 410, 512), yellow, None, "rect")]
    norm = normalized_page(matcher, blocks, shapes, "text-layer")
    got = {it.text: (it.status, it.status_source) for it in norm.items}
    assert got["Pasienten booker time selv"] == ("i drift", "fill-colour")
    assert got["Samsending av skjema og brev"] == ("pågår", "fill-colour")



def test_time_axis_ticks_joined_into_one_line_by_the_text_layer(matcher):
    """pdfminer writes a row of tick labels set close together as one line; each tick is
    still a tick, and a bar's extent on the axis gives its years."""
    ticks = " ".join(f"{h}. halvår {y}" for y in (2024, 2025, 2026, 2027) for h in (1, 2))
    page = [label(100, 40, ticks, w=800),  # eight ticks, 100 pt each
            label(20, 80, "Helse Vest", w=60), label(20, 200, "Helse Nord", w=60),
            box(105, 80, ["Smarte brev"], w=90, bullets=False),  # 1. halvår 2024
            box(310, 80, ["Timebooking"], w=180, bullets=False),  # 2025
            box(505, 200, ["Samvalg"], w=290, bullets=False)]  # 2026 to 1. halvår 2027
    got = {it.text: (it.region, it.period_start, it.period_end)
           for it in normalize_document(doc_of(page), matcher).items}
    assert got == {"Smarte brev": ("Helse Vest", 2024, 2024),
                   "Timebooking": ("Helse Vest", 2025, 2025),
                   "Samvalg": ("Helse Nord", 2026, 2027)}


def test_period_bands_drawn_end_to_end_end_where_their_shapes_meet(matcher):
    """A timeline's own periods as two chevrons laid end to end over its year ticks, and a
    "today" line further left: a bar inside the first chevron's years is in that period,
    however the line and the white space between the bars lie."""

    blocks = [label(140, 40, "2024-2025", w=390), label(532, 40, "Lenger sikt", w=400),
              label(220, 60, "2024", w=30), label(420, 60, "2025", w=30),
              label(620, 60, "2026", w=30), label(820, 60, "2027", w=30),
              label(20, 100, "Helse Vest", w=60),
              box(145, 100, ["Smarte brev"], w=180, bullets=False),          # 2024
              box(345, 130, ["Timebooking"], w=180, bullets=False),          # 2025
              box(540, 160, ["Samvalg"], w=180, bullets=False)]              # 2026
    shapes = [Shape((139, 38, 530, 52), "2F5597", None, "chevron"),
              Shape((532, 38, 937, 52), "2F5597", None, "chevron"),
              Shape((334, 56, 335, 520), None, "C00000", "line")]  # "today", between bars
    norm = normalized_page(matcher, blocks, shapes, "text-layer")
    got = {it.text: (it.period, it.period_start, it.period_end) for it in norm.items}
    assert got["Smarte brev"] == ("2024-2025", 2024, 2024)
    assert got["Timebooking"] == ("2024-2025", 2025, 2025)
    assert got["Samvalg"] == ("Lenger sikt", 2026, 2026)


def test_a_bar_reaching_into_the_next_period_does_not_take_the_first_ones_name(matcher):
    """A bar under the deck's "2025" band that runs a fifth of its length into 2026 is
    2025-2026: the deck's own period names it only when the bar's years lie within it."""
    quarters = [f"K{q} {y}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    blocks = [label(100, 40, "2025", w=30), label(500, 40, "2026", w=30)]
    blocks += [label(100 + 100 * k, 60, text, w=40) for k, text in enumerate(quarters)]
    blocks += [label(20, 100, "Helse Vest", w=60),
               box(105, 100, ["Samvalg"], w=380, bullets=False),  # 2025 only
               box(105, 130, ["Timebooking"], w=480, bullets=False)]  # into K1 2026
    norm = normalized_page(matcher, blocks, [], "text-layer")
    got = {it.text: (it.period, it.period_start, it.period_end) for it in norm.items}
    assert got["Samvalg"] == ("2025", 2025, 2025)
    assert got["Timebooking"] == ("2025-2026", 2025, 2026)


def test_a_two_line_label_cut_into_two_blocks_is_one_label(matcher):
    """OCR cuts a two-line header on a dark band into two blocks ("Helse" / "Mest.", its
    "Vest" misread); the line right under goes on with it. A label of its own under a
    merged header cell ("Periode" over "2025-2026") is not joined to it."""
    page = [label(150, 30, "Helse", w=30), label(148, 41, "Nord", w=34),
              label(350, 30, "Helse", w=30), label(349, 41, "Mest.", w=32),
              label(20, 70, "2023-2024", w=50),
              label(20, 20, "Periode", w=40), label(20, 170, "2025-2026", w=50),
              box(130, 70, ["Timebooking"], w=100), box(330, 70, ["Smarte brev"], w=100),
              box(330, 170, ["Samvalg"], w=100)]
    got = placed(matcher, page)
    assert got["Timebooking"] == ("Helse Nord", "2023-2024")
    assert got["Smarte brev"] == ("Helse Vest", "2023-2024")
    assert got["Samvalg"] == ("Helse Vest", "2025-2026")


def test_a_swimlane_fill_is_no_items_status(matcher):
    """Items drawn on a pale swimlane that holds several of them (the extractor found no
    box of their own) take no status from the lane's fill, even where a legend names a
    colour near it."""

    lane = (20, 90, 820, 290)
    items = []
    for k, text in enumerate(["Smarte brev", "Timebooking"]):
        b = box(100 + 300 * k, 150, [text], w=150, bullets=False)
        items.append(Block(b.kind, b.lines, b.bbox, frame=lane, fill="E6E6E6"))
    blocks = [label(100, 40, "2023-2024", w=60), label(400, 40, "2025-2026", w=60),
              label(22, 150, "Helse Vest", w=60), *items,
              label(850, 60, "Grønn: i drift", w=90), label(850, 90, "Grå: planlagt", w=90)]
    shapes = [Shape(lane, "E6E6E6", None, "rect"),
              Shape((835, 60, 845, 70), "00B050", None, "rect"),
              Shape((835, 90, 845, 100), "D9D9D9", None, "rect")]
    norm = normalized_page(matcher, blocks, shapes, "ocr")
    got = {it.text: (it.period, it.status) for it in norm.items}
    assert got["Smarte brev"] == ("2023-2024", None)
    assert got["Timebooking"] == ("2025-2026", None)


def test_month_ticks_written_over_two_lines_make_a_time_axis(matcher):
    """Month ticks wrapped under their year ("aug" / "2024"), each line a block of its own
    as OCR reads them, are ticks: a bar's extent on them gives its years."""
    months = [("sep", 2024), ("okt", 2024), ("nov", 2024), ("des", 2024), ("jan", 2025),
              ("feb", 2025), ("mar", 2025), ("apr", 2025)]
    blocks = []
    for k, (month, year) in enumerate(months):
        blocks += [label(100 + 100 * k, 40, month, w=20), label(96 + 100 * k, 51, str(year),
                                                                  w=28)]
    blocks += [label(20, 100, "Helse Vest", w=60), label(20, 200, "Helse Nord", w=60),
               box(102, 100, ["Smarte brev"], w=290, bullets=False),  # sep to des 2024
               box(302, 200, ["Timebooking"], w=380, bullets=False)]  # nov 2024 to feb 2025
    got = {it.text: (it.region, it.period_start, it.period_end)
           for it in normalize_document(doc_of(blocks), matcher).items}
    assert got == {"Smarte brev": ("Helse Vest", 2024, 2024),
                   "Timebooking": ("Helse Nord", 2024, 2025)}


def test_a_header_centred_over_two_sub_columns_despite_text_across_the_bands(matcher):
    """OCR reads a drawn period band as a line of junk across three columns; that text fits
    no reading of the headers, so it does not decide between them, and the last header,
    centred over two sub-columns, takes both."""
    page = [label(201, 82, "2023", w=21), label(365, 82, "2024", w=20),
            label(517, 82, "2025-2026", w=44), label(760, 82, "Lenger sikt", w=48),
            label(241, 94, "EEE TETE EDGE —E EDGE EE", w=375),
            label(20, 120, "Helse Vest", w=40), label(20, 200, "Helse Nord", w=40),
            box(134, 110, ["Smarte brev"], w=130), box(296, 110, ["Samvalg"], w=140),
            box(465, 110, ["Timer 2.0"], w=130), box(627, 110, ["Timebooking"], w=130),
            box(791, 110, ["Kurve i nord"], w=130), box(627, 200, ["Innsyn 12-16"], w=130),
            box(134, 200, ["Rekvisisjonshotell"], w=130)]
    got = placed(matcher, page)
    assert {t: p for t, (_, p) in got.items() if t != "EEE TETE EDGE —E EDGE EE"} == {
        "Smarte brev": "2023", "Samvalg": "2024", "Timer 2.0": "2025-2026",
        "Timebooking": "Lenger sikt", "Kurve i nord": "Lenger sikt",
        "Innsyn 12-16": "Lenger sikt", "Rekvisisjonshotell": "2023"}


def test_a_column_whose_header_could_not_be_read_gets_no_period(matcher):
    """One region per slide, three columns of boxes, the middle header unreadable (OCR made
    '27-24' of white text on a dark band): its items get no period, with the reason, rather
    than a neighbour's; the headers centred over the other two keep theirs."""
    page = [label(118, 56, "2025-2026", w=98), label(761, 59, "Lenger sikt", w=58),
            box(26, 91, ["Pasientskjema i DIPS"], w=280, bullets=False),
            box(147, 120, ["Samvalg"], w=34, bullets=False),
            box(336, 91, ["Nye skjemaer på Helsenorge"], w=290, bullets=False),
            box(336, 130, ["Timebooking"], w=290, bullets=False),
            box(646, 91, ["Kurve i nord"], w=290, bullets=False),
            box(646, 130, ["Innsyn 12-16"], w=290, bullets=False)]
    norm = normalize_document(doc_of(page, title="Helse Vest – veikart 2025–2027"), matcher)
    by_text = {it.text: it for it in norm.items}
    assert by_text["Pasientskjema i DIPS"].period == "2025-2026"
    assert by_text["Samvalg"].period == "2025-2026"
    assert by_text["Kurve i nord"].period == "Lenger sikt"
    for text in ("Nye skjemaer på Helsenorge", "Timebooking"):
        assert by_text[text].period is None and by_text[text].region == "Helse Vest"
        assert "column whose label could not be read" in by_text[text].layout_evidence


def test_a_scan_s_half_year_ticks_with_stray_letters_and_a_dashed_today_line(matcher):
    """OCR reads half-year ticks with a chevron's edge beside them ("hå H1 2023",
    "Hl 2024 i"), joins three of them with stray letters between, reads a region code with
    a rule after it ("HMN —") and the dashed "today" line as a column of strokes across
    every lane: the ticks still make a time axis, the code a lane, and the strokes are no
    item, so the rule between two lanes still parts them."""
    blocks = [label(132, 100, "hå H1 2023", w=67), label(223, 100, "i H2 2023", w=68),
              label(345, 100, "Hl 2024 i", w=53),
              label(442, 100, "H2 2024 EN H1 2025 OE H2 2025 i", w=234),
              label(22, 118, "HMN —", w=44), label(22, 249, "Vest", w=22),
              label(23, 440, "HELSE SØR-ØST —", w=115),
              Block("textbox", [Line("I l 1 I I I I I I 3 3 I I I I 1 å 1 I I I 3",
                                     (332, 188, 348, 380))], (332, 188, 348, 380)),
              box(326, 120, ["Målbilde dokumentdeling"], w=270, bullets=False),  # H1 24-H1 25
              box(419, 290, ["Forbedret brev og skjema løsning"], w=180, bullets=False),
              box(231, 385, ["Digital utsending av brev til pårørende"], w=275,
                  bullets=False)]  # H2 2023 to H2 2024
    shapes = [Shape((20, 246, 700, 248), None, None, "line"),
              Shape((20, 378, 700, 379), None, None, "line")]
    origin = Origin("tidslinje.pdf", "0" * 64, Format.pdf, 1, 1, "application/pdf")
    page = Page(1, 720, 540, blocks, text_source="ocr", shapes=shapes).finalize()
    norm = normalize_document(Document(origin, [page], "pdf", None), matcher)
    got = {it.text: (it.region, it.period_start, it.period_end) for it in norm.items}
    assert got == {"Målbilde dokumentdeling": ("Helse Midt-Norge", 2024, 2025),
                   "Forbedret brev og skjema løsning": ("Helse Vest", 2024, 2025),
                   "Digital utsending av brev til pårørende": ("Helse Sør-Øst", 2023, 2024)}


def test_region_labels_in_a_column_each_aligned_its_own_way(matcher):
    """A column of lane labels, one centred in its box and the others left-aligned (their
    texts overlap across, no edge or centre lines up): all three are the region axis."""
    blocks = [label(235, 66, "2023-24", w=41), label(455, 66, "2025 - 2026", w=59),
              label(25, 154, "Helse Nord", w=57), label(66, 288, "Helse Vest", w=28),
              label(25, 436, "HELSE SØR-ØST", w=100),
              box(147, 125, ["Skjemabasert triagering"], w=200, bullets=False),
              box(165, 250, ["Rekvisisjonsportal"], w=180, bullets=False),
              box(380, 290, ["Pasienten booker time selv"], w=180, bullets=False),
              box(150, 420, ["Digitale skjema via Helsenorge"], w=180, bullets=False)]
    got = placed(matcher, blocks)
    assert got == {"Skjemabasert triagering": ("Helse Nord", "2023-2024"),
                   "Rekvisisjonsportal": ("Helse Vest", "2023-2024"),
                   "Pasienten booker time selv": ("Helse Vest", "2025-2026"),
                   "Digitale skjema via Helsenorge": ("Helse Sør-Øst", "2023-2024")}


def test_a_year_and_the_plus_after_it_read_apart_mean_and_later(matcher):
    """OCR reads a header "2027 +" as "2027" and a "+" of its own: together they are the
    open period "2027→", not the year 2027."""
    page = [label(239, 68, "2023 - 2024", w=49), label(519, 67, "2025-26", w=32),
            label(793, 68, "2027", w=19), label(820, 68, "+", w=3),
            box(142, 91, ["Samvalg"], w=120, bullets=False),
            box(420, 91, ["Timer 2.0"], w=120, bullets=False),
            box(687, 91, ["Kurve i nord"], w=120, bullets=False)]
    got = placed(matcher, page, title="Helse Vest – veikart")
    assert got["Kurve i nord"] == ("Helse Vest", "2027→")
    assert got["Samvalg"] == ("Helse Vest", "2023-2024")


def test_an_ocr_line_after_an_item_that_ends_in_its_status_is_the_next_item(matcher):
    """In a bulleted OCR block whose bullets were lost, a line starting with a quote
    («Ny» …) after one that ends in the item's status ("… – i drift") starts a new item."""
    lines = [Line("• Pasienten booker time selv", (145, 169, 287, 176)),
             Line("Behandlingshjelpemidler – i drift", (154, 179, 274, 186)),
             Line("«Ny» innføring av Digital dialog med helsefaglig kontakt",
                  (154, 190, 349, 197))]
    page = [label(150, 40, "2025-2026", w=60), label(500, 40, "Lenger sikt", w=60),
            Block("ocr_block", lines, (145, 169, 349, 197))]
    got = placed(matcher, page, title="Helse Vest – veikart")
    assert got["Behandlingshjelpemidler – i drift"] == ("Helse Vest", "2025-2026")
    assert got["«Ny» innføring av Digital dialog med helsefaglig kontakt"] == (
        "Helse Vest", "2025-2026")


def test_a_legend_s_statuses_under_the_columns_do_not_move_their_edges(matcher):
    """Headers lead their columns, one heading two sub-columns; under them all a legend's
    statuses, their swatches read by OCR as letters ("fl Under revurdering"), run across
    the white space between two columns. A bare status is no item, so it does not say
    where the columns part."""
    page = [label(130, 65, "2025-2026", w=70), label(275, 60, "2027-2028", w=74),
            label(569, 59, "LENGER SIKT", w=90),
            label(24, 127, "HELSE NORD", w=78), label(22, 216, "HELSE VEST", w=74),
            box(166, 120, ["Innsyn 12-16"], w=90), box(311, 120, ["Samvalg"], w=85),
            box(456, 120, ["DIPS-skjema (arketype)"], w=85),
            box(595, 120, ["Datadeling DHO (DEIS)"], w=90),
            box(456, 216, ["Kritisk info"], w=55), box(593, 216, ["Smarte brev"], w=70),
            label(189, 497, "fl Pågår", w=37), label(359, 498, "fl Planlagt", w=47),
            label(529, 498, "fl Under revurdering", w=87)]
    got = placed(matcher, page)
    assert got["DIPS-skjema (arketype)"] == ("Helse Nord", "2027-2028")
    assert got["Kritisk info"] == ("Helse Vest", "2027-2028")
    assert got["Smarte brev"] == ("Helse Vest", "Lenger sikt")
    assert not any(text.startswith("fl ") for text in got)


def test_a_wider_label_in_a_column_of_wrapped_ones_is_read_as_unknown_not_skipped(matcher):
    """In a column of region labels wrapped over two lines ("Helse" / "Nord"), one label on
    one line is wider, and OCR misread it ("Halen Våst"): it still stands in the column, as
    a label veikart cannot read, so its row's items get no region rather than the row
    above's."""
    blocks = [label(140, 63, "2025 - 2026", w=58), label(547, 62, "Lenger sikt", w=58),
              Block("textbox", [Line("Helse", (23, 94, 48, 103)),
                                Line("Nord", (23, 105, 45, 114))], (23, 94, 48, 114)),
              Block("textbox", [Line("Halen Våst", (22, 155, 71, 163))], (22, 155, 71, 163)),
              label(24, 197, "HMN", w=21),
              box(165, 88, ["Konsept digital poliklinikk"], w=150),
              box(165, 137, ["Smarte brev"], w=150), box(586, 134, ["Samvalg"], w=150),
              box(165, 195, ["Timevisning via Helsenorge"], w=150)]
    got = placed(matcher, blocks)
    assert got["Konsept digital poliklinikk"] == ("Helse Nord", "2025-2026")
    assert got["Smarte brev"] == (None, "2025-2026")
    assert got["Samvalg"] == (None, "Lenger sikt")
    assert got["Timevisning via Helsenorge"] == ("Helse Midt-Norge", "2025-2026")


def test_a_header_shape_whose_text_was_not_read_takes_its_column_with_no_period(matcher):
    """Four header chevrons in a row, the last one's white text lost by OCR: its column is
    a header veikart cannot read, so the items under it get no period (and the reason)
    rather than the previous header's."""
    heads = [(21, 75, 237, 96, "2023"), (260, 75, 470, 96, "2024"),
             (495, 75, 705, 96, "2025-2026"), (729, 75, 939, 97, None)]
    blocks, shapes = [], []
    for x0, y0, x1, y1, text in heads:
        shapes.append(Shape((x0, y0, x1, y1), None, None, "homePlate"))
        if text:
            blocks.append(Block("ocr_block", [Line(text, (x0 + 80, 81, x0 + 110, 90))],
                                (x0 + 80, 81, x0 + 110, 90)))
    blocks += [box(25, 110, ["Timevisning via Helsenorge"], w=200, bullets=False),
               box(260, 110, ["Utvidet videofunksjonalitet"], w=200, bullets=False),
               box(495, 110, ["Kurve i nord"], w=200, bullets=False),
               box(722, 110, ["Nasjonal timetjeneste"], w=200, bullets=False),
               box(722, 140, ["Tilbakemeldingsskjema"], w=200, bullets=False)]
    norm = normalized_page(matcher, blocks, shapes, "ocr", title="Veikart for Helse Vest")
    by_text = {it.text: it for it in norm.items}
    assert by_text["Kurve i nord"].period == "2025-2026"
    assert by_text["Timevisning via Helsenorge"].period == "2023"
    for text in ("Nasjonal timetjeneste", "Tilbakemeldingsskjema"):
        assert by_text[text].period is None, text
        assert "no period veikart can read" in by_text[text].layout_evidence


def test_bars_past_the_last_read_tick_and_across_a_dashed_today_line(matcher):
    """A scanned timeline whose last ticks OCR lost: with evenly spaced ticks a bar that
    runs past the last one read goes on at the axis's pitch (not cut at that tick's year);
    and the strokes OCR reads from a dashed "today" line across a bar ("I I I": three
    letters, as many as a short word has) do not keep the bar from being its item's own."""
    blocks = [label(184, 76, "2024", w=35), label(354, 76, "2025", w=24),
              label(516, 76, "2026", w=21),
              label(20, 200, "HELSE VEST", w=60), label(20, 300, "Sør-Øst", w=45),
              box(135, 224, ["Pasienten booker time selv"], w=107, bullets=False),
              Block("ocr_block", [Line("I I I", (410, 225, 412, 239))], (410, 225, 412, 239)),
              box(620, 110, ["Digitale kurs og opplæring"], w=110, bullets=False)]
    shapes = [Shape((130, 215, 443, 242), None, "000000", "rect"),  # 2024 into 2025
              Shape((611, 98, 914, 130), None, "000000", "rect")]  # 2027 and 2028
    norm = normalized_page(matcher, blocks, shapes, "ocr")
    got = {it.text: (it.region, it.period_start, it.period_end) for it in norm.items}
    assert got["Pasienten booker time selv"] == ("Helse Vest", 2024, 2025)
    assert got["Digitale kurs og opplæring"] == ("Helse Vest", 2027, 2028)
    assert "I I I" not in got


def test_a_bar_past_an_unevenly_spaced_time_axis_gets_no_years(matcher):
    """Ticks spaced unevenly (a compressed later stretch) cannot be extended: a bar running
    past the last tick gets no period, and the reason."""
    blocks = [label(184, 76, "2024", w=30), label(354, 76, "2025", w=30),
              label(430, 76, "2026", w=30),
              box(620, 110, ["Digitale kurs og opplæring"], w=110, bullets=False)]
    shapes = [Shape((611, 98, 914, 130), None, "000000", "rect")]
    norm = normalized_page(matcher, blocks, shapes, "ocr", title="Veikart for Helse Vest")
    item = next(it for it in norm.items if it.text == "Digitale kurs og opplæring")
    assert item.period is None and "do not lie evenly" in item.layout_evidence


def test_ticks_missing_from_the_middle_of_a_time_axis_change_no_bar_s_years(matcher):
    """Month ticks with January to May 2025 not read (a text layer joined them, or OCR lost
    them): time still runs evenly along the axis, so a bar over February to April 2025 is
    in 2025, not in the December 2024 tick's cell stretched over the gap."""
    months = ["jul", "aug", "sep", "okt", "nov", "des", "jan", "feb", "mar", "apr", "mai",
              "jun", "jul", "aug"]
    blocks = []
    for k, month in enumerate(months):
        year = 2024 if k < 6 else 2025
        if not 6 <= k <= 10:  # January to May 2025 missing
            blocks.append(label(40 + 50 * k, 76, f"{month} {year}", w=40))
    blocks += [box(385, 110, ["Samvalg"], w=140, bullets=False),  # feb to apr 2025
               box(130, 140, ["Digitale kurs og opplæring"], w=190, bullets=False)]  # 2024
    norm = normalize_document(doc_of(blocks, title="Helse Sør-Øst: veikart"), matcher)
    got = {it.text: (it.period_start, it.period_end) for it in norm.items}
    assert got == {"Samvalg": (2025, 2025), "Digitale kurs og opplæring": (2024, 2024)}


def test_a_short_item_right_of_the_region_labels_is_no_label_of_theirs(matcher):
    """A short item just right of a column of lane labels, level with none of them, is an
    item of its lane, not a label of the column that veikart cannot read."""
    blocks = [label(221, 79, "2023", w=24), label(423, 79, "2024", w=24),
              label(24, 146, "Helse Midt-Norge", w=91), label(24, 243, "Vest", w=23),
              label(65, 340, "HN", w=16), label(61, 437, "HSØ", w=24),
              box(134, 368, ["Innsyn 16-18 år"], w=60, bullets=False),
              box(423, 330, ["Smarte brev"], w=80, bullets=False)]
    got = placed(matcher, blocks)
    assert got["Innsyn 16-18 år"] == ("Helse Nord", "2023")
    assert got["Smarte brev"] == ("Helse Nord", "2024")


def test_narrow_header_shapes_over_the_first_of_their_sub_columns_lead_them(matcher):
    """Narrow header boxes, each drawn at the left of its period and about centred over the
    first of the period's sub-columns: a reading of centred headers puts its edges through
    the middle of the next sub-columns' items; the leading reading's edges fall in the white
    space, so each sub-column belongs to the header left of it."""
    heads = [(150, "2024"), (277, "2025"), (341, "2026"), (468, "2027")]
    shapes = [Shape((x, 58, x + 50, 79), "1F6E8D", None, "rect") for x, _ in heads]
    blocks = [Block("textbox", [Line(t, (x + 3, 64, x + 25, 72))], (x + 3, 64, x + 25, 72))
              for x, t in heads]
    columns = {167: ["Timebooking", "Samvalg"], 232: ["Smarte brev", "Innsyn 12-16"],
               296: ["Rekvisisjonshotell"], 358: ["Behandlingsplan"],
               422: ["Timer 2.0", "Kurve i nord"], 485: ["Standarddialog"],
               549: ["Fleksibel dialog"]}
    for x, texts in columns.items():
        blocks += [box(x, 90 + 60 * i, [t], w=32) for i, t in enumerate(texts)]
    norm = normalized_page(matcher, blocks, shapes, "text-layer", title="Helse Vest veikart")
    got = {it.text: it.period for it in norm.items}
    assert got == {"Timebooking": "2024", "Samvalg": "2024", "Smarte brev": "2024",
                   "Innsyn 12-16": "2024", "Rekvisisjonshotell": "2025",
                   "Behandlingsplan": "2026", "Timer 2.0": "2026", "Kurve i nord": "2026",
                   "Standarddialog": "2027", "Fleksibel dialog": "2027"}


def test_headers_a_little_left_of_their_first_sub_column_lead_them_all(matcher):
    """Short headers each standing a little left of the first of its sub-columns, by the
    same indent every time; read as centred, the first would head one sub-column and the
    others the ones either side of them. The same indent in every band is what says they
    lead, so each sub-column belongs to the header left of it."""
    page = [label(127, 60, "2024", w=28), label(458, 60, "2023", w=28),
            label(790, 60, "Lenger sikt", w=60)]
    columns = {152: ["Timebooking", "Samvalg"], 319: ["Smarte brev"],
               487: ["Rekvisisjonshotell"], 652: ["Behandlingsplan", "Timer 2.0"],
               818: ["Innsyn 12-16"]}
    for x, texts in columns.items():
        page += [box(x, 90 + 40 * i, [t], w=100) for i, t in enumerate(texts)]
    got = {t: p for t, (_, p) in placed(matcher, page, title="Helse Vest").items()}
    assert got == {"Timebooking": "2024", "Samvalg": "2024", "Smarte brev": "2024",
                   "Rekvisisjonshotell": "2023", "Behandlingsplan": "2023",
                   "Timer 2.0": "2023", "Innsyn 12-16": "Lenger sikt"}


def test_a_lane_rule_just_inside_the_next_lane_s_fill_still_parts_the_lanes(matcher):
    """Swimlanes on a scan (boxes as OCR read them): the middle lane's fill was not found
    (too pale), and the lane below's fill was found 2 pt over the rule that ends the lane
    above. The rule still parts them: the items low in the middle lane, above the rule,
    stay in it rather than going to the lane below by the white space between items."""
    shapes = [Shape((20, 105, 662, 237), "E9F0F8", None, "rect"),
              Shape((23, 370, 147, 460), "E6EEE6", None, "rect"),
              Shape((19, 372, 824, 374), None, "000000", "line")]
    read = [((209, 78, 232, 91), "2024"), ((384, 81, 406, 89), "2025"),
            ((556, 81, 578, 89), "2026"), ((721, 81, 754, 89), "2027 →"),
            ((66, 166, 86, 173), "Vest"), ((19, 302, 61, 310), "Sør-Øst"),
            ((65, 438, 87, 446), "HMN"),
            ((497, 143, 607, 168), "Sammenhengende digital helsetjeneste"),
            ((667, 180, 774, 187), "Forbedret CheckWare-løsning"),
            ((316, 202, 362, 209), "Innsyn 12-16"), ((720, 217, 753, 223), "Timer 2.0"),
            ((697, 268, 800, 277), "Nye skjemaer på Helsenorge"),
            ((687, 297, 801, 305), "Innføring dokumentdeling steg 2"),
            ((497, 272, 573, 289), "Pasientskjema i DIPS"), ((208, 279, 239, 288), "Samvalg"),
            ((148, 345, 282, 353), "Digital utsending av brev til pårørende"),
            ((694, 345, 759, 362), "Ny API løsning for skjema"),
            ((692, 389, 784, 397), "Digitale kurs og opplæring"),
            ((160, 392, 289, 419), "Brev til pasient via Helsenorge"),
            ((535, 395, 596, 413), "Nytt regime for mottak og testing"),
            ((347, 401, 440, 409), "Digital dialog med fastlege"),
            ((700, 423, 762, 430), "Felles tillitsmodell"),
            ((327, 437, 468, 458), "Pasientoppgave - registrere informasjon (skjema)"),
            ((696, 457, 785, 474), "Digital behandlings- og egenbehandlingsplan 2.0"),
            ((488, 477, 604, 495), "Checkware skjema integrert med Helsenorge")]
    norm = read_by_ocr(matcher, read, shapes)
    region = {it.text: it.region for it in norm.items}
    for text in ("Samvalg", "Digital utsending av brev til pårørende",
                 "Ny API løsning for skjema"):
        assert region[text] == "Helse Sør-Øst", text
    for text in ("Digital dialog med fastlege", "Felles tillitsmodell",
                 "Checkware skjema integrert med Helsenorge"):
        assert region[text] == "Helse Midt-Norge", text


def test_the_one_header_read_of_a_row_of_drawn_headers_is_no_page_region(matcher):
    """A scan's header row of two navy bands: "Vest" read on the right one, the left one's
    two-line white text ("Helse" / "Midt-Norge") taller than its band, which was found in
    pieces and read as letters. The lone "Vest" near the top of the page is not the page's
    region: the left band is a header of unknown value, its items get no region (and the
    reason), the right band's items are Vest's."""
    shapes = [Shape((122, 75, 306, 90), "1F6E8C", None, "rect"),
              Shape((327, 75, 526, 90), "1F6E8C", None, "rect"),
              Shape((536, 76, 941, 98), "1F6E8C", None, "rect")]
    read = [((22, 21, 459, 44), "Veikart digitale innbyggertjenester"),
            ((723, 82, 752, 91), "Vest"), ((273, 87, 361, 96), "— Mysa SNE"),
            ((23, 142, 77, 151), "2023-24"), ((24, 200, 94, 209), "2025-2026"),
            ((126, 108, 355, 120), "• Timebooking (Nasjonal timetjeneste)"),
            ((126, 125, 299, 136), "• Timevisning via Helsenorge"),
            ((539, 109, 884, 121), "• Dialog med inneliggende pasient"),
            ((539, 125, 700, 138), "• Smarte brev"),
            ((125, 198, 272, 210), "• Tilbakemeldingsskjema"),
            ((538, 201, 708, 213), "• Ny videoleverandør")]
    norm = read_by_ocr(matcher, read, shapes)
    by_text = {it.text: it for it in norm.items}
    for text in ("Timebooking (Nasjonal timetjeneste)", "Tilbakemeldingsskjema"):
        assert by_text[text].region is None, text
        assert "names no region" in by_text[text].layout_evidence
    assert by_text["Smarte brev"].region == "Helse Vest"
    assert by_text["Ny videoleverandør"].region == "Helse Vest"
    assert by_text["Ny videoleverandør"].period == "2025-2026"
    assert all(it.region != "Helse Vest" for it in norm.items if it.bbox[2] < 530)


def test_a_wrapped_header_hanging_from_the_row_s_top_is_one_of_the_row(matcher):
    """Region headers across the top as OCR boxes them: three on one line, the fourth
    wrapped over two ("Helse" / "Midt-Norge"), its middle a line lower. It hangs from the
    same top as the others: one row of four, and its column's items are Midt-Norge's, not
    the column's before it."""
    heads = [((229, 64, 251, 74), ["Nord"]), ((433, 64, 453, 72), ["Vest"]),
             ((625, 61, 662, 73), ["Sør-Øst"]), ((802, 66, 889, 92), ["Helse", "Midt-Norge"])]
    blocks = []
    for (x0, y0, x1, y1), lines in heads:
        step = (y1 - y0) / len(lines)
        blocks.append(Block("ocr_block", [Line(t, (x0, y0 + k * step, x1, y0 + (k + 1) * step))
                                          for k, t in enumerate(lines)], (x0, y0, x1, y1)))
    blocks += [label(23, 120, "2023 - 2024", 50), label(22, 230, "2025-2026", 45)]
    for k, (x, _) in enumerate([(180, 0), (390, 0), (590, 0), (790, 0)]):
        blocks += [box(x, 110, [("Samvalg", "Smarte brev", "Timer 2.0", "Kurve i nord")[k]],
                       w=150, bullets=False),
                   box(x, 225, [("Innsyn 12-16", "Standarddialog", "Behandlingsplan",
                                 "Utvidet videofunksjonalitet")[k]], w=150, bullets=False)]
    got = placed(matcher, blocks)
    assert got["Kurve i nord"] == ("Helse Midt-Norge", "2023-2024")
    assert got["Utvidet videofunksjonalitet"] == ("Helse Midt-Norge", "2025-2026")
    assert got["Timer 2.0"] == ("Helse Sør-Øst", "2023-2024")


def test_a_lane_between_two_rules_whose_label_was_not_read_gives_its_items_no_region(matcher):
    """Three swimlanes parted by rules; OCR missed the middle lane's small label. Its
    items are in a lane of their own whose label could not be read: no region, and the
    reason, rather than the lane above's."""
    shapes = [Shape((20, 118, 940, 119.5), None, "000000", "line"),
              Shape((20, 242, 940, 243.5), None, "000000", "line"),
              Shape((20, 371, 940, 372.5), None, "000000", "line")]
    blocks = [label(150, 100, "2024", 30), label(450, 100, "2025", 30),
              label(750, 100, "2026", 30),
              label(22, 125, "HMN", 25), label(23, 440, "HELSE SØR-ØST", 90)]
    blocks += [box(150, 135, ["Målbilde dokumentdeling"], w=160, bullets=False),
               box(450, 190, ["Innhente pasientinformasjon"], w=160, bullets=False),
               box(750, 256, ["Delt behandlingsplan"], w=160, bullets=False),
               box(450, 294, ["Forbedret brev og skjema løsning"], w=160, bullets=False),
               box(150, 325, ["Digitalt skademeldingsskjema"], w=160, bullets=False),
               box(450, 389, ["Digital utsending av brev til pårørende"], w=200, bullets=False),
               box(150, 430, ["Digitale kurs og opplæring"], w=160, bullets=False)]
    norm = normalized_page(matcher, blocks, shapes, "ocr")
    by_text = {it.text: it for it in norm.items}
    for text in ("Målbilde dokumentdeling", "Innhente pasientinformasjon"):
        assert by_text[text].region == "Helse Midt-Norge", text
    for text in ("Delt behandlingsplan", "Forbedret brev og skjema løsning",
                 "Digitalt skademeldingsskjema"):
        assert by_text[text].region is None, text
        assert "lane whose label could not be read" in by_text[text].layout_evidence
    for text in ("Digital utsending av brev til pårørende", "Digitale kurs og opplæring"):
        assert by_text[text].region == "Helse Sør-Øst", text


def test_the_edges_of_a_row_of_bars_are_no_lane_rules(matcher):
    """Swimlanes parted by rules across the page, each label where its lane's items allow
    (the last one near its lane's bottom). A scan's line search also took the bottom
    edges of two bars side by side, and the top edge of a long bar, for rules (shorter
    ones). They had cut lanes of their own out of the lanes (no region), or moved the
    edge between two lanes to a bar's edge (the items over it given the lane above)."""
    shapes = [Shape((19, 77, 700, 78), None, "000000", "line"),
              Shape((19, 185, 700, 186), None, "000000", "line"),
              Shape((20, 401, 701, 402), None, "000000", "line"),
              Shape((280, 108, 694, 110), None, "000000", "line"),   # two bars' bottoms
              Shape((209, 432, 540, 434), None, "000000", "line"),   # a long bar's top
              Shape((209, 458, 540, 460), None, "000000", "line")]   # ... and its bottom
    read = [((180, 60, 210, 67), "2024"), ((400, 60, 430, 67), "2025"),
            ((22, 85, 69, 92), "Helse Nord"), ((22, 300, 55, 311), "Sør-Øst"),
            ((22, 453, 112, 460), "HELSE MIDT-NORGE"),
            ((300, 95, 420, 102), "Felles tillitsmodell"),
            ((480, 119, 560, 126), "Kurve i nord"),
            ((300, 200, 420, 207), "Nye skjemaer på Helsenorge"),
            ((440, 410, 480, 427), "Kritisk info"),
            ((250, 440, 420, 447), "Digital dialog med fastlege")]
    norm = read_by_ocr(matcher, read, shapes)
    got = {it.text: it.region for it in norm.items}
    assert got["Felles tillitsmodell"] == got["Kurve i nord"] == "Helse Nord", got
    assert got["Nye skjemaer på Helsenorge"] == "Helse Sør-Øst", got
    assert got["Kritisk info"] == got["Digital dialog med fastlege"] == "Helse Midt-Norge", got


def test_words_a_narrow_column_broke_across_lines_are_joined_again(matcher):
    """A PDF of a deck with narrow columns: the export broke words where the box ended,
    without a hyphen ("Timebo" / "oking", "Behan" / "dlingsh" / "jelpemi" / "dler").
    The pieces are joined again (a repair the row records) and the items match; two
    words each on its own line stay two."""
    from normalize.repair import default_repairer

    blocks = [label(150, 60, "2024", 30), label(22, 100, "Helse Nord", 60),
              Block("textbox", [Line(t, (150, 100 + 11 * i, 180, 110 + 11 * i)) for i, t in
                                enumerate(["• Timebo", "oking", "• Behan", "dlingsh",
                                           "jelpemi", "dler", "• Delt", "behandlingsplan"])],
                    (150, 100, 180, 188))]
    origin = Origin("synthetic.pdf", "0" * 64, Format.pdf, 1, 1, "application/pdf")
    page = Page(1, 960, 540, blocks, text_source="text-layer").finalize()
    norm = normalize_document(Document(origin, [page], "pdf", None), matcher,
                              default_repairer())
    got = {it.text: it for it in norm.items}
    assert set(got) == {"Timebooking", "Behandlingshjelpemidler", "Delt behandlingsplan"}, got
    assert all(it.match_status == "auto" for it in got.values()), \
        [(it.text, it.match_status) for it in got.values()]
    assert [r["rule"] for r in got["Timebooking"].repairs] == ["broken-word"]


def test_a_lane_label_on_a_piece_of_its_lane_s_fill_keeps_the_items_below_it(matcher):
    """Swimlanes on a scan: the first lane's fill was found only in part, round its label
    ("Vest", centred in its lane), and two of its items lie above the label, three below.
    The items fall into runs whose gaps had put the lanes' edge through the label itself
    (its band taken from its fill piece, not its text), and the rule at the lane's top
    counted as an edge between it and the next lane: the items below "Vest" were given
    Helse Sør-Øst."""
    shapes = [Shape((18, 94, 943, 96), None, "000000", "line"),
              Shape((20, 366, 940, 370), None, "000000", "line"),
              Shape((22, 93, 401, 192), "F0F0F0", None, "rect")]
    read = [((270, 75, 330, 83), "2023 - 2024"), ((600, 75, 660, 83), "2025 - 2026"),
            ((53, 151, 73, 163), "Vest"), ((24, 288, 60, 307), "Helse Sør-Øst"),
            ((32, 429, 94, 448), "HELSE MIDT-NORGE"),
            ((531, 106, 564, 112), "Timer 2.0"), ((700, 107, 800, 115), "Samvalg"),
            ((409, 179, 496, 189), "Behandlingshjelpemidler"),
            ((148, 203, 345, 211), "Digitale kurs og opplæring"),
            ((166, 243, 330, 255), "Skjema – strukturerte data"),
            ((600, 321, 700, 335), "Smarte brev"),
            ((226, 406, 332, 414), "Pasientbrev DIPS Helsenorge"),
            ((600, 466, 700, 474), "Innhente pasientinformasjon")]
    got = {it.text: it.region for it in read_by_ocr(matcher, read, shapes).items}
    for text in ("Timer 2.0", "Samvalg", "Behandlingshjelpemidler",
                 "Digitale kurs og opplæring"):
        assert got[text] == "Helse Vest", (text, got)
    assert got["Skjema – strukturerte data"] == got["Smarte brev"] == "Helse Sør-Øst", got
    assert got["Pasientbrev DIPS Helsenorge"] == "Helse Midt-Norge", got


def test_a_lane_fill_reaching_into_the_next_label_is_no_lane_of_its_own_label(matcher):
    """Two swimlanes parted by a rule; the scan found the first lane's fill and the
    second's, where they touch, as one piece that runs from the first label
    down into the second label's text. That piece had ended the first label's band (below
    the rule), so the second lane's top items were given the first lane's region."""
    shapes = [Shape((20, 189, 940, 191), None, "000000", "line"),
              Shape((22, 89, 400, 247), "DEEAF4", None, "rect")]
    read = [((300, 60, 330, 68), "2024"), ((700, 60, 760, 68), "2025-2026"),
            ((43, 135, 108, 143), "Helse Sør-Øst"), ((65, 243, 85, 255), "Vest"),
            ((300, 120, 420, 128), "Skjema – strukturerte data"),
            ((300, 215, 370, 223), "Rekvisisjonsportal"),
            ((700, 220, 880, 228), "Digitalt skademeldingsskjema"),
            ((300, 262, 440, 269), "Smarte brev")]
    got = {it.text: it.region for it in read_by_ocr(matcher, read, shapes).items}
    assert got["Skjema – strukturerte data"] == "Helse Sør-Øst", got
    for text in ("Rekvisisjonsportal", "Digitalt skademeldingsskjema", "Smarte brev"):
        assert got[text] == "Helse Vest", (text, got)


def test_rows_that_can_be_read_two_ways_leave_the_disputed_items_without_a_period(matcher):
    """Period labels down the left, each centred on its group of stacked boxes, packed so
    close that the white space between the groups is no wider than inside them; the first
    label OCR read as "23 2008" (no period) and the footer line stands in the label column.
    Read with labels at the top of their rows, the boxes just above "2027 →" would be
    2025-2026's; read with labels in the middle, they are 2027's. Both readings fit badly
    (a band left empty), and about equally: the boxes they dispute get no period, the ones
    both put in one band keep it, and none gets a wrong one."""
    def bar(x0, y0, x1, y1, text):
        cy = (y0 + y1) / 2
        return (((x0 + 6, cy - 4.5, x0 + 6 + 5.5 * len(text), cy + 4.5), text),
                Shape((x0, y0, x1, y1), None, "7F7F7F", "rect"))
    nord = [(87, 113, "Pasientbrev DIPS Helsenorge", "2023-2024"),
            (115, 141, "Standarddialog", "2023-2024"),
            (145, 167, "Ny videoleverandør", "2023-2024"),
            (176, 201, "Innføring dokumentdeling steg 2", "2025-2026"),
            (207, 233, "Timebooking (Nasjonal timetjeneste)", "2027→"),
            (238, 260, "Digital dialog behandler-pasient", "2027→"),
            (266, 287, "Felles tillitsmodell", "2027→")]
    midt = [(86, 121, "Brev til pasient tilhørende Helseplattformen", "2023-2024"),
            (123, 149, "Pasienten booker time selv", "2023-2024"),
            (175, 201, "Barn og unge – tilgang Helsenorge", "2025-2026"),
            (210, 236, "Pasientoppgave", "2027→"),
            (238, 264, "Kurve i nord", "2027→")]
    read = [((319, 67, 384, 75), "HELSE NORD"), ((709, 67, 791, 77), "Helse Midt-Norge"),
            ((23, 125, 71, 131), "23 2008"), ((23, 179, 71, 186), "2025 - 2026"),
            ((23, 247, 53, 253), "2027 →"), ((22, 521, 100, 526), "Eiet annratert 13.03.2023")]
    shapes, truth = [], {}
    for x0, x1, rows in ((160, 540, nord), (556, 937, midt)):
        for y0, y1, text, period in rows:
            line, shape = bar(x0, y0, x1, y1, text)
            read.append(line)
            shapes.append(shape)
            truth[text] = period
    got = {it.text: it.period for it in read_by_ocr(matcher, read, shapes).items}
    wrong = {t: (p, truth[t]) for t, p in got.items() if t in truth and p not in (None,
                                                                                 truth[t])}
    assert not wrong, wrong
    assert got["Innføring dokumentdeling steg 2"] == "2025-2026"
    assert got["Felles tillitsmodell"] == got["Kurve i nord"] == "2027→"


def test_an_item_on_two_cells_a_scan_found_as_one_takes_the_column_of_its_text(matcher):
    """A table read by OCR whose white border between two cells of a row the scan lost: the
    two cells are one shape, half under "2025 - 2026" and half under "2027+". Its item's
    text lies in the first: that is its column (not the later one, by a hair's share)."""
    read = [((250, 63, 302, 70), "2023-2024"), ((512, 58, 571, 70), "2025 - 2026"),
            ((791, 63, 822, 70), "2027+"), ((25, 90, 48, 97), "Nord"),
            ((25, 139, 78, 147), "Helse Vest"),
            ((413, 90, 565, 99), "Dokumentdeling via Kjernejournal"),
            ((147, 90, 242, 99), "Delt behandlingsplan"),
            ((148, 138, 219, 148), "Innsyn 12-16"),
            ((679, 139, 790, 148), "Ny API løsning for skjema")]
    shapes = [Shape((144, 58, 409, 86), "595959", None, "rect"),
              Shape((410, 58, 674, 86), "595959", None, "rect"),
              Shape((676, 58, 940, 86), "595959", None, "rect"),
              Shape((145, 87, 409, 136), "D9D9D9", None, "rect"),
              Shape((410, 87, 941, 136), "D9D9D9", None, "rect"),  # two cells as one
              Shape((145, 137, 409, 172), "EDEDED", None, "rect"),
              Shape((411, 137, 675, 172), "EDEDED", None, "rect"),
              Shape((676, 137, 941, 172), "EDEDED", None, "rect")]
    got = {it.text: it.period for it in read_by_ocr(matcher, read, shapes).items}
    assert got["Dokumentdeling via Kjernejournal"] == "2025-2026", got
    assert got["Ny API løsning for skjema"] == "2027→", got


def test_a_header_year_ocr_misread_by_one_digit_is_read_as_the_one_that_carries_on(matcher):
    """Headers "2023-2024", "2025-2026", "2077 →" (OCR read 2027 as 2077): the last is
    2027→, the year one digit away that carries the sequence on, and the evidence says so;
    a header whose year is far off and not one digit from it gives its items no period."""
    def page(last: str) -> dict:
        blocks = [label(150, 40, "2023-2024"), label(360, 40, "2025-2026"),
                  label(570, 40, last), label(20, 70, "HELSE NORD")]
        blocks += [box(150, 72, ["Smarte brev"]), box(360, 72, ["Samvalg"]),
                   box(570, 72, ["Kurve i nord"])]
        norm = normalize_document(doc_of(blocks), matcher)
        return {it.text: (it.period, it.layout_evidence) for it in norm.items}
    got = page("2077 →")
    assert got["Kurve i nord"][0] == "2027→"
    assert "read as '2027→'" in got["Kurve i nord"][1]
    assert got["Samvalg"][0] == "2025-2026"
    got = page("2091 →")
    assert got["Kurve i nord"][0] is None and got["Samvalg"][0] == "2025-2026"


def test_on_a_gantt_over_year_columns_an_item_whose_bar_was_lost_gets_no_period(matcher):
    """Year headers over a Gantt chart read by OCR ("2024", "2026" unreadable: "208",
    "206."), too few for a time axis; the bars of two items are found, the third's pale bar
    was lost on the scan, leaving its text, which starts in 2023's column and runs a little
    into the next. Its years are the bar's, not
    where its text lies: it gets no period, and the evidence says why; the found bars keep
    theirs."""
    read = [((190, 54, 217, 72), "2023"), ((284, 53, 330, 72), "208"),
            ((431, 58, 491, 71), "2025"), ((604, 55, 650, 72), "206."),
            ((22, 128, 80, 137), "HELSE NORD"), ((22, 236, 106, 251), "HELSE VEST"),
            ((150, 130, 260, 139), "Smarte brev"), ((440, 160, 560, 169), "Samvalg"),
            ((201, 237, 308, 245), "Forbedret CheckWare")]
    shapes = [Shape((140, 124, 540, 146), "E3EFD9", None, "rect"),
              Shape((432, 155, 590, 175), "DEEAF5", None, "rect")]
    got = {it.text: (it.period, it.layout_evidence)
           for it in read_by_ocr(matcher, read, shapes).items}
    assert got["Forbedret CheckWare"][0] is None, got
    assert "bar was not found" in got["Forbedret CheckWare"][1]
    assert got["Samvalg"][0] == "2025", got


def test_a_lane_fill_a_scan_cut_in_two_around_a_white_box_is_one_lane(matcher):
    """A swimlane's pale fill around a white item box low in the lane, found on a scan as
    two pieces: the part above the box, and a narrow part left of it that ends where the
    first starts. The narrow piece is no lane of its own with an unread label: the items
    beside it are the lane's (they had lost their region, or taken the next lane's)."""
    read = [((248, 64, 277, 73), "2024"), ((510, 64, 560, 73), "2025-26"),
            ((25, 149, 42, 157), "HN"), ((36, 285, 109, 293), "HELSE VEST"),
            ((250, 110, 380, 119), "Digital poliklinikk"),
            ((155, 185, 350, 194), "Innføring dokumentdeling steg 2"),
            ((250, 230, 400, 239), "Forbedret CheckWare-løsning")]
    shapes = [Shape((133, 60, 396, 80), "1F6E8C", None, "homePlate"),
              Shape((410, 60, 665, 80), "1F6E8C", None, "homePlate"),
              Shape((21, 89, 409, 173), "EDF2F6", None, "rect"),
              Shape((21, 173, 149, 220), "EDF2F6", None, "rect"),  # cut from the one above
              Shape((150, 178, 357, 205), "FFFFFF", "7F7F7F", "rect"),
              Shape((25, 256, 144, 349), "F2F2F2", None, "rect"),  # the rest of a lane
              Shape((145, 224, 940, 256), "F2F2F2", None, "rect"),
              Shape((21, 358, 154, 441), "F0F7EF", None, "rect"),
              Shape((155, 358, 940, 441), "F0F7EF", None, "rect")]
    read += [((60, 420, 85, 429), "HSØ"), ((250, 380, 380, 389), "Pasientskjema i DIPS")]
    got = {it.text: it.region for it in read_by_ocr(matcher, read, shapes).items}
    assert got["Innføring dokumentdeling steg 2"] == "Helse Nord", got
    assert got["Digital poliklinikk"] == "Helse Nord", got
    assert got["Forbedret CheckWare-løsning"] == "Helse Vest", got


def test_a_scheme_header_drawn_on_a_long_band_ends_its_band_where_the_band_ends(matcher):
    """A timeline scanned: the deck's period scheme above its year ticks, "2024-2025" on a
    dark band over 2024 and 2025, "Lenger sikt" whose band the scan lost (its text alone,
    near the middle of 2027), and a bar across the two, so that no white space between
    the bars marks the edge. A bar in 2026 lies under "Lenger sikt": the first band ends
    where its shape does, not just before the next label's text."""
    read = [((310, 76, 367, 87), "2024-2025"), ((712, 76, 770, 87), "Lenger sikt"),
            ((225, 100, 250, 110), "2024"), ((425, 100, 450, 110), "2025"),
            ((625, 100, 650, 110), "2026"), ((825, 100, 850, 110), "2027"),
            ((22, 135, 80, 145), "HSØ"), ((22, 235, 90, 245), "Helse Nord"),
            ((545, 135, 680, 145), "Skjema – strukturerte data"),
            ((145, 235, 300, 245), "Tilbakemeldingsskjema"),
            ((445, 165, 620, 175), "Pasientoppgave (skjema)")]
    shapes = [Shape((138, 75, 536, 92), "1F3864", None, "rect"),
              Shape((540, 130, 720, 150), "DEEAF5", None, "rect"),
              Shape((440, 160, 640, 180), "DEEAF5", None, "rect"),  # across the two
              Shape((140, 230, 520, 250), "DEEAF5", None, "rect")]
    got = {it.text: (it.period, it.period_start, it.period_end)
           for it in read_by_ocr(matcher, read, shapes).items}
    assert got["Skjema – strukturerte data"] == ("Lenger sikt", 2026, 2026), got
    assert got["Tilbakemeldingsskjema"] == ("2024-2025", 2024, 2025), got


def test_a_lane_label_centred_on_boxes_packed_as_close_as_the_lanes(matcher):
    """Region labels down the left, two at the top of their lanes and one ("Helse Vest")
    in the middle of its lane, over two columns of boxes packed 3 pt apart, as close as the
    lanes are: read as heading their lanes, the labels put an edge at "Helse Vest" that cuts
    a box, and the boxes above it in Vest's lane would go to Helse Nord. Those between the
    edge and the last white space before the label get no region; the rest keep theirs."""

    def drawn(x: float, y0: float, y1: float, text: str) -> Block:  # a box its text fills
        return Block("textbox", [Line(text, (x, y0, x + 150, y1))], (x, y0, x + 150, y1))

    left = [(80, 100, "Timer 2.0"), (103, 123, "Samvalg"), (126, 146, "Smarte brev"),
            (149, 169, "Kurve i nord"), (172, 192, "Standarddialog"),
            (195, 215, "Innsyn 12-16"), (218, 238, "Rekvisisjonshotell"),
            (241, 261, "Behandlingsplan"), (264, 284, "Skjemabasert triagering"),
            (287, 307, "Fleksibel dialog")]
    right = [(85, 120, "Digitale skjema via Helsenorge"),
             (121, 165, "Pasienten booker time selv"), (175, 210, "Delt behandlingsplan"),
             (211, 256, "Rekvisisjonsportal"), (266, 305, "Felles tillitsmodell")]
    blocks = [label(150, 40, "2023 - 2024", 70), label(400, 40, "2025 - 2026", 70),
              label(20, 80, "Helse Nord"), label(20, 211, "Helse Vest"),
              label(20, 264, "Helse Sør-Øst")]
    blocks += [drawn(150, *b) for b in left] + [drawn(400, *b) for b in right]
    regions = {text: region for text, (region, _) in placed(matcher, blocks).items()}
    assert regions["Kurve i nord"] == regions["Pasienten booker time selv"] == "Helse Nord"
    assert regions["Standarddialog"] is None and regions["Delt behandlingsplan"] is None
    assert regions["Rekvisisjonshotell"] == regions["Rekvisisjonsportal"] == "Helse Vest"
    assert regions["Skjemabasert triagering"] == "Helse Sør-Øst"


def test_period_labels_taller_than_the_bands_they_are_written_across(matcher):
    """A scan's period scheme: two bands laid end to end, each label read taller than its
    band (white text over an arrow's shaft, turned dark for OCR beyond the shaft's edges),
    and half-year ticks below. The labels are on their bands, so the bands end where the
    shapes meet: a bar in 2026, right of where the first band ends but left of the middle
    between the two labels' texts, is in "Lenger sikt" (it got bare years)."""
    ticks = [f"{h}. halvår {y}" for y in (2024, 2025, 2026, 2027) for h in (1, 2)]
    read = [((311, 72, 367, 92), "2024-2025"), ((712, 73, 770, 92), "Lenger sikt")]
    read += [((148 + 100 * k, 100, 226 + 100 * k, 110), t) for k, t in enumerate(ticks)]
    read += [((20, 130, 80, 140), "Helse Vest"),
             ((545, 130, 685, 141), "Skjema – strukturerte data"),  # 1. halvår 2026 on
             ((250, 160, 367, 171), "Tilbakemeldingsskjema")]
    shapes = [Shape((138, 75, 536, 93), "1E6D8B", None, "rect"),
              Shape((538, 80, 946, 89), "1E6D8B", None, "rect")]
    norm = read_by_ocr(matcher, read, shapes)
    got = {it.text: (it.period, it.period_start, it.period_end) for it in norm.items}
    assert got["Skjema – strukturerte data"] == ("Lenger sikt", 2026, 2026)
    assert got["Tilbakemeldingsskjema"] == ("2024-2025", 2024, 2025)
