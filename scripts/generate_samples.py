"""Rebuild the sample documents in samples/ from scripts/sample_spec.py (``make samples``).

Writes, for each deck in the spec, a PPTX (text boxes, a group shape whose child coordinate
space is scaled, a native table), a PDF export drawn from the same spec, and for the first deck
a scanned PDF (pages rasterized, skewed, noisy, no text layer). Also writes meeting minutes as
a PDF with a text layer and a project web page. Needs reportlab and the DejaVu fonts.
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

from PIL import Image, ImageFilter
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.util import Pt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sample_spec as spec  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "samples"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
FIXED_DATE = "D:20230420120000+02'00'"


# ---------------------------------------------------------------- PPTX
def _set_bullet(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "114300")
    ppr.set("indent", "-114300")
    bu = ppr.makeelement(qn("a:buChar"), {"char": "•"})
    ppr.append(bu)


def _fill_text(frame, paragraphs, size, bold, bullets) -> None:
    frame.word_wrap = True
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Pt(2))
    for i, text in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        if bullets:
            _set_bullet(p)
            p.space_after = Pt(2)


def _add_box(shapes, box: spec.Box) -> None:
    if box.fill:
        shape = shapes.add_shape(MSO_SHAPE.OVAL, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(box.fill)
        shape.line.fill.background()
        return
    shape = shapes.add_textbox(Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
    _fill_text(shape.text_frame, box.paragraphs, box.size, box.bold, box.bullets)


def _rescale_group(group, factor: int = 2) -> None:
    """Give the group a child coordinate space ``factor`` times larger and offset to zero, as
    PowerPoint does after a group is resized: the picture stays, child offsets change."""
    xfrm = group._element.grpSpPr.find(qn("a:xfrm"))
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    ch_off, ch_ext = xfrm.find(qn("a:chOff")), xfrm.find(qn("a:chExt"))
    gx, gy = int(off.get("x")), int(off.get("y"))
    ch_off.set("x", "0")
    ch_off.set("y", "0")
    ch_ext.set("cx", str(int(ext.get("cx")) * factor))
    ch_ext.set("cy", str(int(ext.get("cy")) * factor))
    for child in group.shapes:
        child.left, child.top = (child.left - gx) * factor, (child.top - gy) * factor
        child.width, child.height = child.width * factor, child.height * factor


def _add_table(slide, table: spec.Table) -> None:
    rows, cols = len(table.rows), len(table.col_widths)
    frame = slide.shapes.add_table(rows, cols, Pt(table.x), Pt(table.y),
                                   Pt(sum(table.col_widths)), Pt(sum(table.row_heights)))
    for c, w in enumerate(table.col_widths):
        frame.table.columns[c].width = Pt(w)
    for r, h in enumerate(table.row_heights):
        frame.table.rows[r].height = Pt(h)
        for c in range(cols):
            cell = frame.table.cell(r, c)
            paragraphs = table.rows[r][c]
            _fill_text(cell.text_frame, paragraphs, table.size, r == 0,
                       bullets=len(paragraphs) > 1 or c == 1 and r > 0)


def write_pptx(deck: spec.Deck, path: Path) -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Pt(spec.SLIDE_W), Pt(spec.SLIDE_H)
    prs.core_properties.title = deck.title
    blank = prs.slide_layouts[6]
    for s in deck.slides:
        slide = prs.slides.add_slide(blank)
        groups: dict[str, object] = {}
        for box in s.boxes:
            if box.group:
                if box.group not in groups:
                    groups[box.group] = slide.shapes.add_group_shape()
                _add_box(groups[box.group].shapes, box)
            else:
                _add_box(slide.shapes, box)
        for name, group in groups.items():
            if name.startswith("row-"):
                _rescale_group(group)
        for table in s.tables:
            _add_table(slide, table)
    prs.save(str(path))


# ---------------------------------------------------------------- PDF export of a deck
def _style(size: float, bold: bool, bullets: bool) -> ParagraphStyle:
    return ParagraphStyle("s", fontName="DejaVu-Bold" if bold else "DejaVu", fontSize=size,
                          leading=size * 1.2, leftIndent=9 if bullets else 0,
                          bulletIndent=0, spaceAfter=2 if bullets else 0,
                          bulletFontName="DejaVu")


def _draw_box(c: canvas.Canvas, box: spec.Box, page_h: float) -> None:
    if box.fill:
        c.setFillColorRGB(0.12, 0.43, 0.55)
        c.circle(box.x + box.w / 2, page_h - box.y - box.h / 2, box.w / 2, stroke=0, fill=1)
        c.setFillColorRGB(0, 0, 0)
        return
    style = _style(box.size, box.bold, box.bullets)
    flow = [Paragraph(t.replace("&", "&amp;").replace("<", "&lt;"), style,
                      bulletText="•" if box.bullets else None) for t in box.paragraphs]
    Frame(box.x, page_h - box.y - box.h, box.w, box.h, leftPadding=2, rightPadding=2,
          topPadding=2, bottomPadding=0, showBoundary=0).addFromList(flow, c)


def _draw_table(c: canvas.Canvas, table: spec.Table, page_h: float) -> None:
    y = table.y
    for r, row in enumerate(table.rows):
        x = table.x
        for col, paragraphs in enumerate(row):
            w, h = table.col_widths[col], table.row_heights[r]
            c.rect(x, page_h - y - h, w, h, stroke=1, fill=0)
            bullets = len(paragraphs) > 1 or col == 1 and r > 0
            _draw_box(c, spec.Box(x + 2, y + 1, w - 4, h - 1, paragraphs, size=table.size,
                                  bold=r == 0, bullets=bullets), page_h)
            x += w
        y += table.row_heights[r]


def write_deck_pdf(deck: spec.Deck, path: Path) -> None:
    c = canvas.Canvas(str(path), pagesize=(spec.SLIDE_W, spec.SLIDE_H), invariant=1)
    c.setTitle(deck.title)
    for s in deck.slides:
        for box in s.boxes:
            _draw_box(c, box, spec.SLIDE_H)
        for table in s.tables:
            _draw_table(c, table, spec.SLIDE_H)
        c.showPage()
    c.save()


# ---------------------------------------------------------------- scan
def write_scan(pdf_path: Path, path: Path, pages: list[int], dpi: int = 200,
               seed: int = 39) -> None:
    """Rasterize ``pages`` (1-based) of a PDF like a cheap scanner would: grey, slightly
    rotated, blurred, with speckle noise, JPEG-compressed, no text layer."""
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    for number in pages:
        img = pdf[number - 1].render(scale=dpi / 72).to_pil().convert("L")
        img = img.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False,
                         fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        px = img.load()
        w, h = img.size
        for _ in range(w * h // 400):
            x, y = rng.randrange(w), rng.randrange(h)
            px[x, y] = rng.choice((0, 90, 170))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=70)
        images.append(Image.open(io.BytesIO(buf.getvalue())))
    images[0].save(str(path), "PDF", resolution=dpi, save_all=True, append_images=images[1:])


# ---------------------------------------------------------------- minutes
MINUTES = [
    ("h", "Referat – Produktstyret for Helsenorge, møte #39"),
    ("p", "Dato: 20. april 2023, kl. 12.00–14.50. Sted: Teams og Norsk helsenett, Oslo."),
    ("h2", "Dagsorden"),
    ("b", "1-39/23 Godkjenning av referat og dagsorden (tilslutning)"),
    ("b", "2-39/23 Status oppfølgingssaker (orientering)"),
    ("b", "3-39/23 Statusgjennomgang Helsenorge (orientering)"),
    ("b", "4-39/23 Temasak: Spesialisthelsetjenestene og Helsenorge (drøfting)"),
    ("b", "5-39/23 Innføringsstrategi for Helsenorge i kommunale helse- og omsorgstjenester"),
    ("b", "6-39/23 Bruk av Helsenorge for forskning og helseundersøkelser"),
    ("h2", "Sak 2-39/23 Status oppfølgingssaker"),
    ("p", "Helse Nord ønsker å presentere sitt arbeid med egenbehandlingsplaner i et senere "
          "produktstyremøte. Nasjonalt senter for e-helseforskning inviteres inn til et senere "
          "produktstyremøte."),
    ("p", "Vedtak: Produktstyret tar saken til orientering."),
    ("h2", "Sak 4-39/23 Temasak: Spesialisthelsetjenestene og Helsenorge"),
    ("p", "Samarbeidsforum DIST presenterte det felles veikartet for spesialisthelsetjenesten. "
          "Veikartet er dynamisk og vil oppdateres fortløpende. Følgende tjenester ble "
          "trukket fram som felles for flere regioner:"),
    ("b", "Mine timeavtaler (Timer 2.0)"),
    ("b", "Digital dialog med behandlende enhet"),
    ("b", "Pasientens prøvesvar – nasjonalt prosjekt"),
    ("b", "Digitale tjenester 12-16"),
    ("p", "Helse Midt-Norge opplyste at Timevisning via Helsenorge er i drift. Vise "
          "dokumentbaserte prøvesvar på Helsenorge er under revurdering i Helse Sør-Øst."),
    ("p", "Vedtak: Produktstyret slutter seg til at veikartet legges til grunn for videre "
          "prioritering. Medlemmene legger fram resultatet av undersøkelsene i juni-møtet."),
    ("h2", "Sak 6-39/23 Bruk av Helsenorge for forskning og helseundersøkelser"),
    ("p", "Aktører som bruker Helsenorge for forskning og undersøkelser, må ha sentrale "
          "funksjoner som har ansvar for kvalitet og opplæring. Produktstyret ønsker å "
          "involveres i videre drøfting."),
    ("p", "Neste møte: 15. juni 2023."),
]


def write_minutes(path: Path) -> None:
    from reportlab.platypus import SimpleDocTemplate

    styles = {
        "h": ParagraphStyle("h", fontName="DejaVu-Bold", fontSize=15, leading=19, spaceAfter=8),
        "h2": ParagraphStyle("h2", fontName="DejaVu-Bold", fontSize=11.5, leading=15,
                             spaceBefore=10, spaceAfter=4),
        "p": ParagraphStyle("p", fontName="DejaVu", fontSize=10, leading=13.5, spaceAfter=6),
        "b": ParagraphStyle("b", fontName="DejaVu", fontSize=10, leading=13.5, leftIndent=14,
                            spaceAfter=2, bulletFontName="DejaVu"),
    }
    story = [Paragraph(text, styles[kind], bulletText="•" if kind == "b" else None)
             for kind, text in MINUTES]
    doc = SimpleDocTemplate(str(path), pagesize=A4, title="Referat møte #39",
                            invariant=1, leftMargin=60, rightMargin=60)
    doc.build(story)


#: The minutes' follow-up table (Word minutes keep one): initiatives from the roadmap grid,
#: with the region, period and status the deck gives them, and who follows each up.
FOLLOW_UP = [
    ("Tiltak", "Region", "Periode", "Status", "Ansvarlig"),
    ("Timevisning via Helsenorge", "Helse Midt-Norge", "2023-2024", "I drift",
     "Hemit"),
    ("Single Sign-On for HelsaMi/Helsenorge", "Helse Midt-Norge", "2023-2024", "",
     "Hemit"),
    ("Pasientbrev DIPS Helsenorge", "Helse Nord", "2023-2024", "", "Helse Nord IKT"),
    ("Radiologibrev Helsenorge", "Helse Nord", "2025-2026", "", "Helse Nord IKT"),
    ("Innføring av brevløsning radiologi", "Helse Vest", "2023-2024", "", "Helse Vest IKT"),
    ("Samvalg", "Helse Sør-Øst", "Lenger sikt", "Under revurdering", "Sykehuspartner"),
]


def write_minutes_docx(path: Path) -> None:
    """The minutes as Word keeps them: styled headings, a numbered agenda, bullets, a
    follow-up table whose Region cells are merged down where one region has two rows, a
    header and a footer, and a page break before the last case."""
    import docx

    document = docx.Document()
    document.core_properties.title = "Referat møte #39"
    section = document.sections[0]
    section.header.paragraphs[0].text = "Produktstyret for Helsenorge – referat"
    section.footer.paragraphs[0].text = "Følsomhet: Intern"
    for kind, text in MINUTES:
        if kind == "h":
            document.add_heading(text, 0)
        elif kind == "h2":
            if text.startswith("Sak 6"):
                document.add_page_break()
            document.add_heading(text, 1)
        elif kind == "b":
            style = "List Number" if text[:1].isdigit() else "List Bullet"
            document.add_paragraph(text, style=style)
        else:
            document.add_paragraph(text)
            if text.startswith("Helse Midt-Norge opplyste"):
                document.add_paragraph("Oppfølging av det felles veikartet:")
                table = document.add_table(rows=len(FOLLOW_UP), cols=len(FOLLOW_UP[0]))
                table.style = "Table Grid"
                for r, row in enumerate(FOLLOW_UP):
                    for c, value in enumerate(row):
                        if c == 1 and r > 1 and value == FOLLOW_UP[r - 1][1]:
                            continue  # merged into the cell above
                        table.cell(r, c).text = value
                for r in range(len(FOLLOW_UP) - 1, 1, -1):
                    if FOLLOW_UP[r][1] == FOLLOW_UP[r - 1][1]:
                        table.cell(r - 1, 1).merge(table.cell(r, 1))
    document.save(str(path))


# ---------------------------------------------------------------- HTML project page
HTML_PAGE = """<!DOCTYPE html>
<html lang="nb">
<head><meta charset="utf-8"><title>Digital dialog med behandlende enhet – Helse Nord</title>
<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto}td,th{padding:.3rem .6rem;
border:1px solid #ccc}</style></head>
<body>
<nav><a href="/">Helse Nord</a> › <a href="/prosjekter">Prosjekter</a></nav>
<main>
<h1>Digital dialog med behandlende enhet</h1>
<p>Prosjekteier: Helse Nord RHF. Sist oppdatert 2. mars 2023.</p>
<p>Pasienter skal kunne sende og få meldinger fra sin behandlende enhet via Helsenorge.
Prosjektet er en del av den felles tjenesten Digital dialog med behandlende enhet i
spesialisthelsetjenesten.</p>
<h2>Leveranser</h2>
<table>
<thead><tr><th>Leveranse</th><th>Leveransedato</th><th>Status</th></tr></thead>
<tbody>
<tr><td>Helsekontakt ved innvilget rett til helsehjelp</td><td>28.03.2023</td><td>Levert</td></tr>
<tr><td>Standarddialog</td><td>31.12.2023</td><td>Planlagt</td></tr>
<tr><td>Fleksibel dialog</td><td>31.05.2024</td><td>Planlagt</td></tr>
<tr><td>Dialog med inneliggende pasient</td><td>2025</td><td>Under revurdering</td></tr>
</tbody>
</table>
<h2>Relaterte tjenester</h2>
<ul>
<li>Pasientbrev DIPS Helsenorge (i drift)</li>
<li>Digitale tjenester 12-16</li>
<li>Dokumentdeling via Kjernejournal – Leveransedato: 30.04.2023</li>
</ul>
<h2>Status</h2>
<p>Ferdigstilt og levert: Nei</p>
</main>
</body>
</html>
"""


def main() -> None:
    deck = spec.mote39_deck()
    write_pptx(deck, OUT / f"{deck.name}.pptx")
    write_deck_pdf(deck, OUT / f"{deck.name}.pdf")
    write_scan(OUT / f"{deck.name}.pdf", OUT / f"{deck.name}_skannet.pdf", pages=[1, 3])
    dist = spec.dist_deck()
    write_pptx(dist, OUT / f"{dist.name}.pptx")
    write_minutes(OUT / "referat_produktstyret_mote39_2023-04-20.pdf")
    write_minutes_docx(OUT / "referat_produktstyret_mote39_2023-04-20.docx")
    (OUT / "prosjektside_digital_dialog.html").write_text(HTML_PAGE, encoding="utf-8")
    print("samples written to", OUT)


if __name__ == "__main__":
    main()
