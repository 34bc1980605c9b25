"""Shapes, fills and text colours read from a page image (what a scan shows besides its
words), on page images drawn here with known boxes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractors import colors, pixels

DPI = 150
PT = 72 / DPI  # points per pixel
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DATA = Path(__file__).parent / "data"


def px(v: float) -> int:
    return round(v / PT)


@pytest.fixture(scope="module")
def page() -> tuple[Image.Image, dict]:
    """A 960 x 540 pt slide at 150 dpi: a pale green box with dark text, a navy header with
    white text, a white box with a grey outline, a yellow arrow (pentagon), a swimlane rule
    touching the green box, red text on paper."""
    img = Image.new("RGB", (px(960), px(540)), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, px(11))
    boxes = {
        "green": (100, 100, 300, 140),
        "navy": (100, 30, 500, 60),
        "outlined": (400, 100, 560, 140),
        "arrow": (600, 100, 820, 140),
    }
    d.rectangle([px(v) for v in boxes["green"]], fill="#B9E3BC")
    d.text((px(110), px(112)), "Digital dialog", fill="black", font=font)
    d.rectangle([px(v) for v in boxes["navy"]], fill="#1F3864")
    d.text((px(120), px(38)), "2025-2026", fill="white", font=font)
    d.rectangle([px(v) for v in boxes["outlined"]], outline="#7F7F7F", width=2)
    d.text((px(410), px(112)), "Timer 2.0", fill="black", font=font)
    x0, y0, x1, y1 = boxes["arrow"]
    d.polygon([(px(x0), px(y0)), (px(x1 - 25), px(y0)), (px(x1), px((y0 + y1) / 2)),
               (px(x1 - 25), px(y1)), (px(x0), px(y1))], fill="#FFF176")
    d.text((px(610), px(112)), "Skjema", fill="black", font=font)
    d.line([(px(20), px(141)), (px(940), px(141))], fill="#7F7F7F", width=2)
    d.text((px(100), px(300)), "Under revurdering", fill="#C00000", font=font)
    d.text((px(100), px(340)), "Svart tekst", fill="black", font=font)
    return img, boxes


def _near(found: pixels.Found, box, tol: float = 4.0) -> bool:
    return all(abs(a * PT - b) <= tol for a, b in zip(found.box, box, strict=True))


def _find(shapes, box):
    hits = [s for s in shapes if _near(s, box)]
    assert hits, f"no shape at {box}: {[tuple(round(v * PT) for v in s.box) for s in shapes]}"
    return hits[0]


def test_fills_outlines_and_arrows_are_found_with_their_colours(page):
    img, boxes = page
    shapes = pixels.find_shapes(img, PT)
    green = _find(shapes, boxes["green"])
    assert colors.family(green.fill) == "green" and colors.distance(green.fill, "B9E3BC") < 0.1
    navy = _find(shapes, boxes["navy"])
    assert colors.family(navy.fill) == "blue"
    outlined = _find(shapes, boxes["outlined"])
    assert outlined.fill is None and colors.family(outlined.line) == "grey"
    arrow = _find(shapes, boxes["arrow"])
    assert arrow.geometry == "homePlate" and colors.family(arrow.fill) == "yellow"
    assert green.geometry == "rect"
    # text on paper and the rule are not shapes
    assert not [s for s in shapes if s.box[1] * PT > 250]
    assert not [s for s in shapes if s.box[2] * PT - s.box[0] * PT > 800]


def test_a_grey_scan_gives_shapes_without_fill_colours(page):
    img, boxes = page
    grey = img.convert("L").convert("RGB")
    assert pixels.in_colour(img) and not pixels.in_colour(grey)
    shapes = pixels.find_shapes(grey, PT)
    green = _find(shapes, boxes["green"])
    assert green.fill is None and green.level is not None


def test_text_colour_is_read_and_black_is_the_default(page):
    img, _ = page
    red = pixels.text_colour(img, (px(98), px(298), px(215), px(316)))
    assert red is not None and colors.family(red) == "red"
    assert pixels.text_colour(img, (px(98), px(338), px(190), px(356))) is None
    # dark text on a pale fill: the fill is the background, not the ink
    assert pixels.text_colour(img, (px(105), px(108), px(200), px(128))) is None


def test_cleaning_turns_fills_to_paper_and_keeps_the_text(page):
    img, boxes = page
    shapes = pixels.find_shapes(img, PT)
    grey = img.convert("L")
    clean = np.asarray(pixels.clean_for_ocr(grey, shapes, PT), dtype=np.int16)
    before = np.asarray(grey, dtype=np.int16)
    x0, y0, x1, y1 = (px(v) for v in boxes["green"])
    fill = clean[y0 + 3:y0 + 8, x0 + 3:x1 - 3]
    assert fill.mean() > 250  # the fill is paper now
    text = (slice(px(110), px(128)), slice(px(110), px(190)))
    assert clean[text].min() < 80 and before[text].min() < 80  # the dark text stays dark
    # white text on the navy header is dark text on paper
    x0, y0, x1, y1 = (px(v) for v in boxes["navy"])
    header = clean[y0 + 4:y1 - 4, x0 + 4:x1 - 4]
    assert header.mean() > 200 and header.min() < 100
    # outside every shape nothing changes
    assert (clean[px(290):px(320), px(90):px(260)] == before[px(290):px(320),
                                                             px(90):px(260)]).all()


def test_a_short_label_the_page_pass_left_out_is_read_from_its_ink():
    """A code standing alone beside an icon ("HV") that tesseract's page segmentation drops
    is read again from the dark strokes no word covers; the icon (a solid square) and
    scanner specks are not read as words."""
    from extractors import ocr

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 36)
    image = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "Pasienten booker time selv", font=font, fill=0)
    draw.rectangle((40, 180, 80, 220), fill=60)  # the icon
    draw.text((110, 178), "HV", font=font, fill=0)
    for x, y in ((500, 200), (620, 240), (700, 190)):
        draw.point((x, y), fill=0)
    data = ocr._tesseract(image, ocr.OCR_LANG, 11)
    for i, top in enumerate(data["top"]):  # as a page pass that left the row out
        if top > 150:
            data["text"][i] = ""
    found = ocr._unread_words(image, image.filter(ImageFilter.MedianFilter(3)), data,
                              ocr.OCR_LANG)
    assert [ln.text for ln in found] == ["HV"]
    x0, y0, x1, y1 = found[0].bbox
    assert 100 <= x0 < x1 <= 200 and 170 <= y0 < y1 <= 230


def test_a_wide_box_outlined_by_a_hairline_is_found_on_a_sharp_scan():
    """At 300 dpi a box's 1-pixel outline greys out of the ink when the page is reduced to
    look for shapes, and a wide box's top and bottom edges are as long as rules: the box is
    found all the same (an item's own box on a scanned slide)."""
    dpi = 300
    pt = 72 / dpi
    img = Image.new("RGB", (round(960 / pt), round(540 / pt)), "white")
    d = ImageDraw.Draw(img)
    box = (330, 110, 626, 136)  # 296 pt wide: over a fifth of the page
    d.rectangle([round(v / pt) for v in box], fill="white", outline="#6E6E6E", width=1)
    d.text((round(340 / pt), round(116 / pt)), "Nye skjemaer på Helsenorge", fill="black",
           font=ImageFont.truetype(FONT, round(11 / pt)))
    shapes = pixels.find_shapes(img, pt)
    hits = [s for s in shapes if all(abs(a * pt - b) <= 4 for a, b in zip(s.box, box,
                                                                           strict=True))]
    assert hits, [tuple(round(v * pt) for v in s.box) for s in shapes]


def test_a_table_s_dark_header_cells_drawn_against_each_other_are_cleaned_each_alone():
    """A table's header: a navy "Region" cell two rows high beside a navy "Periode" cell,
    and under "Periode" the navy period cells, each a hairline of paper apart, their boxes
    found as coarsely as a reduced scan finds them ("Region"'s reaching over the hairline,
    "Periode"'s a few pixels inside its fill). Each cell's white text becomes dark text
    on paper; "Region" and "Periode" are not one band cut by text, which took in the row
    under "Periode" and turned its text twice (back to light, its fill to black)."""
    img = Image.new("L", (px(960), px(540)), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, px(11))
    cells = {"Region": (22, 75, 130, 114), "Periode": (131, 75, 940, 94),
             "2025-2026": (131, 95, 401, 114), "2027-2028": (402, 95, 670, 114),
             "Lenger sikt": (671, 95, 940, 114)}
    found = []
    for text, (x0, y0, x1, y1) in cells.items():
        d.rectangle([px(x0), px(y0), px(x1) - 1, px(y1) - 1], fill=82)
        d.text((px((x0 + x1) / 2 - 25), px(y0 + 2)), text, fill=255, font=font)
        right = px(x1) + 2 if text == "Region" else px(x1) - 3
        found.append(pixels.Found((px(x0) + 3, px(y0) + 2, right, px(y1) - 3),
                                  "305697", None, "rect", 82.0))
    clean = np.asarray(pixels.clean_for_ocr(img, found, PT), dtype=np.int16)
    for text, (x0, y0, x1, y1) in cells.items():
        inner = clean[px(y0) + 3:px(y1) - 3, px(x0) + 3:px(x1) - 3]
        # paper with dark text on it: its strokes, not a dark box around the text
        assert inner.min() < 100 and (inner < 128).mean() < 0.06, text


def test_pieces_of_one_dark_header_cut_where_its_edge_jumps_are_one_shape():
    """Two-line white text taller than its header ("Helse" / "Nord") makes the header's
    fill jump at the text, and the shape is found as pieces that touch; they are one
    shape to clean, so the text across the cut is not cut into letters."""
    arr = np.full((100, 300), 255.0, dtype=np.float32)
    arr[10:40, 0:200] = 82.0
    pieces = [pixels.Found((0, 10, 120, 40), "01677E", None, "rect", 82.0),
              pixels.Found((120, 14, 140, 36), "01677E", None, "rect", 82.0),
              pixels.Found((140, 10, 200, 40), "01677E", None, "rect", 82.0)]
    joined = pixels._joined_across_text(arr, pieces, reach=8)
    assert [f.box for f in joined] == [(0, 10, 200, 40)]


def test_an_outlined_arrow_is_a_home_plate():
    """A white pentagon with a grey outline (a timeline bar that goes on: "and later") is
    found as an outlined box whose geometry is "homePlate"; an outlined rectangle is not."""
    img = Image.new("RGB", (px(960), px(540)), "white")
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = 600, 100, 820, 125
    d.polygon([(px(x0), px(y0)), (px(x1 - 12), px(y0)), (px(x1), px((y0 + y1) / 2)),
               (px(x1 - 12), px(y1)), (px(x0), px(y1))], fill="white", outline="#7F7F7F",
              width=2)
    d.rectangle([px(100), px(100), px(320), px(125)], fill="white", outline="#7F7F7F",
                width=2)
    shapes = pixels.find_shapes(img, PT)
    assert _find(shapes, (x0, y0, x1, y1)).geometry == "homePlate"
    assert _find(shapes, (100, 100, 320, 125)).geometry == "rect"


def test_a_box_whose_last_columns_hold_only_a_speckled_shadow_is_no_home_plate():
    """The filled mask of an outlined box on a scan, with its soft shadow beside its right
    edge broken into specks: its last columns are thinly filled from near its top to near
    its bottom, around its middle, as a point's would be, but its edge does not recede to
    the top and bottom, so it is a "rect" (such a box had been read as an open bar, "and
    later"). A pentagon's point still is a "homePlate"."""
    h, w = 100, 540
    box = np.ones((h, w), dtype=bool)
    box[:, w - 9:] = False
    box[5:96:3, w - 9:] = True  # the shadow's specks, every third row
    assert pixels._geometry(box) == "rect"
    point = np.ones((h, w), dtype=bool)
    for r in range(h):
        point[r, w - 40 + 40 * (50 - abs(50 - r)) // 50:] = False
    assert pixels._geometry(point) == "homePlate"


def test_two_lanes_joined_by_a_shadow_are_two_fills_with_their_white_boxes():
    """Two pale swimlanes one above the other with the export's shadow line between them
    (paint like them, so it had joined them into one fill reaching into the second lane),
    and on the first a white box whose grey outline the scan lost: each lane is found as its
    own fill, ending at the shadow, and the white box as a box outlined in the lane's
    colour (where the item's text is read, and whose bar it is)."""
    img = Image.new("RGB", (px(960), px(540)), "white")
    d = ImageDraw.Draw(img)
    d.rectangle([px(v) for v in (20, 100, 820, 235)], fill="#E9F0F8")
    for i, grey in enumerate((185, 182, 195, 205, 213)):  # the shadow, dark to light
        d.line([(px(20), px(235.5 + i * 0.8)), (px(820), px(235.5 + i * 0.8))],
               fill=(grey, grey, grey), width=2)
    d.rectangle([px(v) for v in (20, 240, 820, 372)], fill="#E6EEE6")
    d.rounded_rectangle([px(v) for v in (300, 150, 470, 185)], radius=px(6), fill="white")
    d.text((px(320), px(160)), "Innsyn 12-16", fill="#555555",
           font=ImageFont.truetype(FONT, px(10)))
    shapes = pixels.find_shapes(img, PT, True)
    top = _find(shapes, (20, 100, 820, 235))
    assert top.fill is not None and top.level is not None
    assert any(_near(s, (20, 240, 820, 372), tol=6) for s in shapes if s.level is not None)
    white = _find(shapes, (300, 150, 470, 185))
    assert white.fill is None and white.level is None and white.line is not None


def test_two_lanes_parted_by_a_grey_line_a_box_sits_on_and_specks_beside_are_two_fills():
    """Two pale swimlanes parted by a grey line (not darker than a pink box that sits on it
    for a stretch), with the scan's specks just beside the line: each lane is its own fill.
    The specks and the box had cut the line into pieces shorter than a seam, and one fill
    had run from the top lane's top into the bottom lane."""
    img = Image.new("RGB", (px(960), px(540)), "white")
    d = ImageDraw.Draw(img)
    d.rectangle([px(v) for v in (20, 90, 585, 296)], fill="#EAF1F4")
    d.rectangle([px(v) for v in (20, 298, 585, 508)], fill="#F1F1F1")
    d.line([(px(20), px(297)), (px(585), px(297))], fill=(211, 211, 211), width=2)
    d.rounded_rectangle([px(v) for v in (137, 263, 277, 296)], radius=px(4), fill="#F0B6B6")
    rng = np.random.default_rng(7)
    for x in rng.uniform(25, 580, 40):  # specks 3 to 5 pt from the line
        y = 297 + rng.choice([-1, 1]) * rng.uniform(3, 5)
        d.ellipse([px(x), px(y), px(x) + 1, px(y) + 1], fill="black")
    shapes = pixels.find_shapes(img, PT, True)
    lanes = [s for s in shapes if s.fill and s.box[2] * PT - s.box[0] * PT > 400]
    assert lanes and all(s.box[1] * PT > 292 or s.box[3] * PT < 302 for s in lanes), [
        tuple(round(v * PT) for v in s.box) for s in lanes]
    assert any(_near(s, (20, 90, 585, 296), tol=6) for s in lanes)


def test_drawn_boxes_the_page_pass_read_nothing_in_are_read_alone():
    """Tesseract's page pass sometimes drops a header's white text (turned dark for it) and
    whole boxes of pale text: each drawn box with no word read in it is read alone, and a
    box with its words read is not read again."""
    from extractors import ocr

    img = Image.new("RGB", (px(960), px(300)), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", px(12))
    for x, text in ((140, "2025"), (320, "2026")):
        d.polygon([(px(x), px(75)), (px(x + 150), px(75)), (px(x + 160), px(85)),
                   (px(x + 150), px(96)), (px(x), px(96))], fill="#1F6E8D")
        d.text((px(x + 55), px(79)), text, fill="white", font=font)
    d.rectangle([px(v) for v in (20, 120, 820, 260)], fill="#E9F0F8")
    d.rounded_rectangle([px(v) for v in (300, 160, 470, 195)], radius=px(6), fill="white")
    d.text((px(320), px(170)), "Felles tillitsmodell", fill="#777777",
           font=ImageFont.truetype(FONT, px(10)))
    grey = img.convert("L")
    found = pixels.find_shapes(img, PT, True)
    turned = pixels.turned_shapes(grey, found, PT)
    assert len(turned) == 2
    clean = pixels.clean_for_ocr(grey, found, PT)
    data = ocr._tesseract(clean, ocr.OCR_LANG, 11)
    for i, word in enumerate(data["text"]):  # as a page pass that read only "2025"
        if word.strip() != "2025":
            data["text"][i] = ""
    assert "2025" in data["text"]
    read = ocr._unread_shapes(clean, turned, found, data, ocr.OCR_LANG, PT)
    assert [ln.text for ln in read] == ["2026", "Felles tillitsmodell"]
    x0, y0, x1, y1 = (v * PT for v in read[0].bbox)
    assert 360 <= x0 < x1 <= 430 and 75 <= y0 < y1 <= 96


def test_a_region_the_page_pass_left_out_is_read_in_one_sparse_pass():
    """When the page pass leaves more pieces of ink unread than are worth reading one by one
    (it took a whole region for a picture), one sparse pass over the page with what was
    read whited out reads them, the ticks of a time axis ("2026") too."""
    from extractors import ocr

    font = ImageFont.truetype(FONT, 30)
    image = Image.new("L", (1800, 900), 255)
    draw = ImageDraw.Draw(image)
    words = ["Samvalg", "Timer", "Kurve", "Skjema", "Innsyn", "Brev", "Dialog", "Video",
             "Booking", "Arena", "Plan", "Varsel", "Prosjekt", "Henvisning"]
    for k, word in enumerate(words):
        draw.text((60 + (k % 4) * 420, 200 + (k // 4) * 150), word, font=font, fill=0)
    draw.text((60, 60), "Veikart 2025", font=font, fill=0)
    draw.text((900, 60), "2026", font=font, fill=0)
    data = ocr._tesseract(image, ocr.OCR_LANG, 11)
    for i, top in enumerate(data["top"]):  # as a page pass that read only the first line
        if top > 100 or data["left"][i] > 800:
            data["text"][i] = ""
    assert "Veikart" in data["text"]
    found = ocr._unread_words(image, image.filter(ImageFilter.MedianFilter(3)), data,
                              ocr.OCR_LANG)
    texts = [ln.text for ln in found]
    assert "2026" in texts and "Veikart" not in " ".join(texts)
    assert set(words) <= set(texts)


def test_a_faint_blurred_rule_across_the_page_is_a_rule_where_it_is_darkest():
    """A grey hairline between two swimlanes, blurred by the scan into a broad shade just
    above paper, is a rule when it runs across most of the page (reported thin, where it
    is darkest); a shade as faint but short (a pale box's edge) is not."""
    from extractors import ocr

    img = Image.new("L", (4000, 2250), 252)
    d = ImageDraw.Draw(img)
    d.line([(80, 880), (3900, 880)], fill=150, width=3)  # the hairline...
    d.line([(1000, 1500), (1800, 1500)], fill=150, width=3)  # ...and a short shade
    blurred = img.filter(ImageFilter.GaussianBlur(6))
    assert np.asarray(blurred)[870:890, 2000].min() > 228  # too faint for a rule's grey
    rules = ocr.find_rules(blurred)
    assert len(rules) == 1, rules
    x0, y0, x1, y1 = rules[0]
    assert x0 < 150 and x1 > 3800 and abs((y0 + y1) / 2 - 880) <= 6 and y1 - y0 <= 12


def test_a_pale_lane_fill_cut_by_lighter_specks_is_no_rule():
    """A swimlane's fill just under the faint rules' grey, with lighter specks here and there
    (the scan's noise): the rows the specks leave whole are no rules (they had been, a
    dozen of them, and every two made a box the lane's label was put on)."""
    from extractors import ocr

    img = Image.new("L", (px(960), px(540)), 252)
    d = ImageDraw.Draw(img)
    d.rectangle([px(v) for v in (20, 90, 585, 296)], fill=239)
    rng = np.random.default_rng(3)
    for _ in range(60):
        x, y = rng.uniform(300, 560), rng.uniform(95, 290)
        d.rectangle([px(x), px(y), px(x) + 2, px(y) + 2], fill=250)
    d.line([(px(20), px(400)), (px(900), px(400))], fill=235, width=2)  # a faint rule on paper
    rules = ocr.find_rules(img)
    assert [round((r[1] + r[3]) / 2 * PT) for r in rules] == [400], [
        tuple(round(v * PT) for v in r) for r in rules]


def test_box_outlines_close_to_their_text_are_turned_to_paper_for_ocr():
    """Rounded boxes in a grid, their text 2 pt from the outline, blurred as a scan is:
    tesseract read each outline into the word beside it ("[rmebeoking", "||smarte").
    Cleaned for OCR, the outlines are paper and every word is read as drawn, and the text
    inside keeps its ink."""
    from extractors import ocr

    img = Image.new("RGB", (px(960), px(300)), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, px(9))
    texts = ["Timebooking (Nasjonal)", "Dokumentdeling via", "Pasientbrev DIPS",
             "Digitale skjema", "Smarte brev", "Innsyn 12-16", "Kurve i nord", "Samvalg",
             "Standarddialog"]
    for k, text in enumerate(texts):
        x0, y0 = 40 + (k % 3) * 150, 40 + (k // 3) * 30
        d.rounded_rectangle([px(x0), px(y0), px(x0 + 146), px(y0 + 26)], radius=px(4),
                            outline="#505050", width=2)
        d.text((px(x0 + 2), px(y0 + 8)), text, fill="black", font=font)
    img = img.rotate(1.5, resample=Image.Resampling.BICUBIC, fillcolor="white").rotate(
        -1.5, resample=Image.Resampling.BICUBIC, fillcolor="white").filter(
        ImageFilter.GaussianBlur(0.7))
    grey = img.convert("L")
    found = pixels.find_shapes(img, PT)
    assert len([f for f in found if f.line is not None or f.level is None]) >= 9
    clean = pixels.clean_for_ocr(grey, found, PT, ocr.find_rules(grey))
    data = ocr._tesseract(clean.filter(ImageFilter.MedianFilter(3)), ocr.OCR_LANG, 3)
    assert [w for w in data["text"] if w.strip()] == " ".join(texts).split()
    x0, y0 = px(40), px(40)
    assert np.asarray(clean, dtype=np.int16)[y0 + px(8):y0 + px(18),
                                              x0 + px(2):x0 + px(60)].min() < 80


def test_a_light_grid_line_in_a_dark_table_header_is_not_turned_into_a_bar():
    """A scanned table header (tests/data/scan_table_header.png: the top of a generated
    deck's scan at 250 dpi, straightened): navy "Region" and "Periode" cells over the
    period cells, a white grid line between the rows. Turning the cells' white text dark
    had turned the grid line within their reach into a black bar over "2023 - 2024", which
    the page pass read as letters ("VIDERE 2024"). The line stays paper and the label is
    read."""
    from pathlib import Path

    from extractors import ocr

    img = Image.open(Path(__file__).parent / "data" / "scan_table_header.png")
    pt = 72 / 250
    clean = pixels.clean_for_ocr(img, pixels.find_shapes(img, pt, False), pt,
                                 ocr.find_rules(img))
    cell = np.asarray(clean, dtype=np.int16)[:, 490:1400] < 128  # the "2023 - 2024" cell
    longest = max(len(run) for row in cell for run in
                  "".join("#" if v else "." for v in row).split("."))
    assert longest * pt < 10, f"a dark run of {longest * pt:.0f} pt across the cell"
    words = [w for w in ocr._tesseract(clean, ocr.OCR_LANG, 11)["text"] if w.strip()]
    assert "2023" in words and "2024" in words and "Region" in words, words


def test_a_small_arrow_after_a_year_label_is_read_as_and_later():
    """A period label "2027 →" on a 150-dpi scan: tesseract reads the year and drops the
    small arrow after it. The line reads "2027 →" (and later), and a year with nothing
    after it stays as it is."""
    from extractors import ocr

    img = Image.new("L", (px(960), px(200)), 255)
    d = ImageDraw.Draw(img)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", px(9))
    d.text((px(20), px(60)), "2027", fill=0, font=bold)
    d.text((px(51), px(61)), "→", fill=140, font=ImageFont.truetype(FONT, px(5)))
    d.text((px(20), px(120)), "2025", fill=0, font=bold)
    d.text((px(200), px(60)), "Behandlingshjelpemidler", fill=0,
           font=ImageFont.truetype(FONT, px(9)))
    img = img.filter(ImageFilter.GaussianBlur(0.5))
    blocks = ocr.ocr_blocks(img, PT)[0]
    texts = [ln.text for b in blocks for ln in b.lines]
    assert "2027 →" in texts and "2025" in texts, texts


def test_an_icon_before_a_label_is_not_read_as_letters():
    """A grid's period labels drawn beside a dot and a square (and a legend's swatch
    beside its word), on a 150-dpi scan: tesseract read the icons as letters ("OG
    2023-24", "Nil 2025-26"), and the labels were no periods. The words read on the icons
    are left out and the icons are still found as shapes; a small dark badge with white
    text keeps its text."""
    from extractors import ocr

    img = Image.new("RGB", (px(960), px(200)), "white")
    d = ImageDraw.Draw(img)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", px(11))
    d.ellipse([px(20), px(40), px(32), px(52)], fill="#2F5596")
    d.text((px(40), px(40)), "2023-24", fill=0, font=bold)
    d.rectangle([px(20), px(100), px(33), px(113)], fill="#2F5596")
    d.text((px(40), px(101)), "2025-26", fill=0, font=bold)
    d.rectangle([px(300), px(40), px(336), px(53)], fill="#2F5596")
    d.text((px(303), px(41)), "Nytt", fill="white", font=bold)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    blocks, _, shapes = ocr.ocr_blocks(img, PT)
    texts = [ln.text for b in blocks for ln in b.lines]
    assert "2023-24" in texts and "2025-26" in texts, texts
    assert "Nytt" in " ".join(texts), texts
    icons = [s for s in shapes if s.fill and s.bbox[2] < 40]
    assert len(icons) == 2, [(s.bbox, s.fill) for s in shapes]


def test_a_header_s_pieces_are_joined_past_a_shape_elsewhere_on_the_page():
    """Two pieces of one dark header cut by its text ("Helse" / "Vest"), with a bold
    letter's filled bowl in the title above coming between them in left-to-right order:
    the pieces are still one shape (they had been three: the text between them stayed
    white on dark, and OCR read no region there)."""
    arr = np.full((200, 400), 255.0, dtype=np.float32)
    arr[100:130, 50:350] = 82.0
    arr[104:126, 170:230] = 250.0  # the text's ink, light on the fill
    pieces = [pixels.Found((50, 100, 170, 130), "2F5596", None, "rect", 82.0),
              pixels.Found((200, 10, 215, 25), "020202", None, "rect", 5.0),
              pixels.Found((230, 102, 350, 130), "2F5596", None, "rect", 82.0)]
    joined = pixels._joined_across_text(arr, pieces, reach=8)
    assert (50, 100, 350, 130) in [f.box for f in joined], [f.box for f in joined]


def test_a_big_header_s_stems_are_not_taken_for_grid_lines():
    """White 18-pt capitals on a dark header 34 pt high: their stems are longer than a
    grid line's shortest run, and had been made paper with the light grid lines, so OCR
    read the header without its I's and L's. A line down the header's whole height is
    still a grid line."""
    img = Image.new("L", (px(960), px(200)), 255)
    d = ImageDraw.Draw(img)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", px(18))
    d.rectangle([px(20), px(40), px(400), px(74)], fill=82)
    d.text((px(40), px(46)), "HELSE LIL", fill=255, font=bold)
    d.line([(px(300), px(40)), (px(300), px(74))], fill=255, width=2)
    found = pixels.find_shapes(img, PT, False)
    clean = np.asarray(pixels.clean_for_ocr(img, found, PT), dtype=np.int16)
    header = clean[px(40):px(74), px(20):px(400)] < 128
    stems = header[:, px(40) - px(20):px(290) - px(20)]
    grid = header[:, px(296) - px(20):px(304) - px(20)]
    assert stems.sum() > 0.8 * (np.asarray(img)[px(40):px(74), px(40):px(290)] > 128).sum()
    assert not grid.any()


def test_pieces_of_a_header_a_hairline_apart_are_one_where_its_fill_runs_through():
    """White two-line text filling a small dark header edge to edge ("Helse" / "Vest")
    cuts its fill where a letter stands on both lines: the pieces lie a hairline apart, as
    cells drawn side by side do, but the fill runs on through the hairline between the
    lines. They are one header (as two, the text across the cut was read "ne oa"); cells
    with paper, a white grid line, or one blurred as dark as the fill, down the hairline
    stay two (a table's header row joined had lost its columns)."""
    arr = np.full((100, 300), 255.0, dtype=np.float32)
    arr[10:40, 0:200] = 82.0
    arr[10:22, 118:124] = 250.0  # a letter's stem on the first line...
    arr[28:40, 118:124] = 250.0  # ... and on the second; the fill shows between them
    pieces = [pixels.Found((0, 10, 118, 40), "4D4D4D", None, "rect", 82.0),
              pixels.Found((124, 10, 200, 40), "4D4D4D", None, "rect", 82.0)]
    assert [f.box for f in pixels._joined_across_text(arr, pieces, reach=17)] == [
        (0, 10, 200, 40)]
    arr[10:40, 118:124] = 255.0  # paper all the way down: two cells side by side
    assert len(pixels._joined_across_text(arr, pieces, reach=17)) == 2
    arr[10:40, 118:124] = 90.0  # a grid line a blurred scan made as dark as the fill
    assert len(pixels._joined_across_text(arr, pieces, reach=17)) == 2
    arr[10:40, 119:121] = 200.0  # a white grid line, light from top to bottom
    assert len(pixels._joined_across_text(arr, pieces, reach=17)) == 2


def test_an_outlined_arrow_with_a_long_point_is_a_home_plate():
    """A white bar outlined in grey whose point is long (a timeline bar that goes on): with
    its inside filled it covers less of its bounding box than a rectangle (on a scan, an
    outlined arrow 400 pt long with a 20 pt point and a speck on its edge covered 0.89 and
    was not found: its bar's "and later" was lost), and it is still found, as a
    "homePlate"."""
    img = Image.new("RGB", (px(960), px(540)), "white")
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = 300, 200, 700, 228
    point = 100  # with its inside filled, it covers 1 - 100 / (2 * 400) = 0.875 of its box
    d.polygon([(px(x0), px(y0)), (px(x1 - point), px(y0)), (px(x1), px((y0 + y1) / 2)),
               (px(x1 - point), px(y1)), (px(x0), px(y1))], fill="white", outline="#7F7F7F",
              width=2)
    assert _find(pixels.find_shapes(img, PT), (x0, y0, x1, y1)).geometry == "homePlate"



def test_an_arrow_band_touching_the_tip_of_the_band_before_it_is_found_under_its_text():
    """A row of a timeline's period scheme cut from a generated 300 dpi scan (straightened):
    a pentagon band ("2026-2027") and, touching its tip, a right arrow shorter than a rule
    with white text taller than its shaft ("Lenger sikt"). The long run through the
    pentagon's tip went on along the shaft's rows, was taken for a thin rule and cut out of
    the shaft, whose two strips were too thin to be found: the label was read as "enger" /
    "sik" on no band, and the items under it got bare years. The shaft is found on both
    sides of its text and joined across it."""
    img = Image.open(DATA / "scan_arrow_band_row.png")
    scale = 0.24  # points per pixel (300 dpi)
    found = pixels.find_shapes(img, scale, colour=False)
    turned = pixels.turned_shapes(img, found, scale, [])
    bands = [tuple(round(v * scale) for v in f.box) for f in turned]
    assert any(b[0] <= 675 and b[2] >= 810 and b[0] > 660 for b in bands), bands



def test_two_outlined_bars_a_scan_ran_together_and_a_dashed_line_across_are_two_boxes():
    """Two outlined timeline bars stacked two points apart, the lower one longer, and a
    dashed "today" line across both, cut from a generated 300 dpi scan (straightened).
    Reduced for the search, the facing edges run into one line, so the two outlines
    covered too little of their bounding box to be a box: neither bar was found, and the
    upper one's item got the years of its text alone (2025, not 2025-2026)."""
    img = Image.open(DATA / "scan_stacked_bars.png")
    scale = 0.24  # points per pixel (300 dpi); the crop's top is at 290.4 pt on its page
    found = [tuple(round(v * scale) for v in f.box)
             for f in pixels.find_shapes(img, scale, colour=False)]
    upper, lower = (255, 21, 528, 50), (116, 52, 528, 80)
    assert all(any(all(abs(a - b) <= 3 for a, b in zip(box, want, strict=True))
                   for box in found) for want in (upper, lower)), found
