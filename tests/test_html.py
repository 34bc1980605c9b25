"""The HTML backend on generated pages (every element that holds text, once, in order) and
the heading-and-key-value reading of project pages, with provenance back to the page text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Comment
from truth import spans_hold

from extractors import extract
from normalize.document import normalize_document
from outputs.rows import DocumentOutcome, mention_rows, page_rows, roadmap_rows

SAMPLE = "prosjektside_digital_dialog.html"


def _html(body: str, title: str = "Prosjekter – Helse Vest") -> str:
    return (f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>{title}'
            f"</title><style>.skjult{{display:none}}</style></head><body>{body}</body></html>")


def _write(tmp_path: Path, body: str, name: str = "side.html", **kw) -> Path:
    path = tmp_path / name
    path.write_text(_html(body, **kw), "utf-8")
    return path


def _read(tmp_path: Path, body: str, **kw):
    return extract(_write(tmp_path, body, **kw))


def _by_text(doc) -> dict[str, object]:
    return {b.text: b for b in doc.pages[0].blocks}


def _fold(text: str) -> str:
    return " ".join(text.split())


def _visible_strings(html: str, chrome: set[str] = frozenset()) -> list[str]:
    """Every text node of the body outside scripts and styles, whitespace folded, except
    those inside an element whose own text is listed in ``chrome`` (expected left out)."""
    soup = BeautifulSoup(html, "lxml")
    out = []
    for node in soup.body.find_all(string=True):
        if isinstance(node, Comment) or any(p.name in ("script", "style") for p in node.parents):
            continue
        text = _fold(str(node))
        if text and not any(_fold(p.get_text(" ")) in chrome for p in node.parents):
            out.append(text)
    return out


# --- extraction --------------------------------------------------------------------------

def test_div_text_is_read_with_inline_runs_joined(tmp_path):
    doc = _read(tmp_path, """
      <div class="ingress">Helse Vest innfører <span>digitale</span> <b>skjema</b> i 2023.
        <div class="boks">Kontaktperson: <a href="mailto:x@y.no">Kari Nordmann</a></div>
        Prosjektet eies av <em>Helse Vest IKT</em>.</div>""")
    page = doc.pages[0]
    texts = [b.text for b in page.blocks]
    assert texts == ["Helse Vest innfører digitale skjema i 2023.",
                     "Kontaktperson: Kari Nordmann", "Prosjektet eies av Helse Vest IKT."]
    assert [b.locator for b in page.blocks] == ["/html/body/div", "/html/body/div/div",
                                                 "/html/body/div"]
    assert all(b.kind == "paragraph" and b.bbox is None for b in page.blocks)
    spans_hold(doc)


def test_section_bare_body_text_and_summary(tmp_path):
    doc = _read(tmp_path, """Veikart for pasientrettede tjenester
      <section>Seksjonen beskriver leveranser i 2024.
        <details><summary>Timer 2.0</summary>Nye funksjoner for timeavtaler.</details>
      </section>
      <article><figure><figcaption>Figur 1: Leveranseplan</figcaption></figure></article>""")
    blocks = _by_text(doc)
    assert blocks["Veikart for pasientrettede tjenester"].locator == "/html/body"
    assert blocks["Seksjonen beskriver leveranser i 2024."].locator == "/html/body/section"
    summary = blocks["Timer 2.0"]
    assert (summary.kind, summary.locator) == ("heading", "/html/body/section/details/summary")
    assert blocks["Nye funksjoner for timeavtaler."].locator == "/html/body/section/details"
    assert "Figur 1: Leveranseplan" in blocks
    spans_hold(doc)


def test_br_is_a_line_break_and_source_newlines_are_spaces(tmp_path):
    doc = _read(tmp_path, """<p>Pasientens legemiddelliste
      tas i bruk<br>i Helse Sør-Øst<br><br>  høsten 2024</p>""")
    (block,) = doc.pages[0].blocks
    assert block.text == "Pasientens legemiddelliste tas i bruk\ni Helse Sør-Øst\nhøsten 2024"
    spans_hold(doc)


def test_br_in_a_table_cell_gives_two_items(tmp_path, matcher):
    doc = _read(tmp_path, """<table>
      <tr><th>Leveranse</th><th>Status</th></tr>
      <tr><td>Smarte brev<br>Timer 2.0</td><td>Planlagt</td></tr></table>""")
    norm = normalize_document(doc, matcher)
    assert sorted(it.initiative_id for it in norm.items) == ["smarte-brev", "timer-2-0"]
    assert {it.status for it in norm.items} == {"planlagt"}


def test_lists_keep_bullets_and_nesting(tmp_path):
    doc = _read(tmp_path, """<ul>
      <li><p>Innsyn 12-16</p></li>
      <li>Digitale tjenester 12-16<ul><li>Foreldres tilgang</li></ul></li></ul>
      <dl><dt>Eier</dt><dd>Helse Vest</dd></dl>""")
    ul, dl = doc.pages[0].blocks
    assert [(ln.text, ln.level, ln.bullet) for ln in ul.lines] == [
        ("Innsyn 12-16", 0, True), ("Digitale tjenester 12-16", 0, True),
        ("Foreldres tilgang", 1, True)]
    assert [(ln.text, ln.level) for ln in dl.lines] == [("Eier", 0), ("Helse Vest", 1)]
    assert ul.kind == dl.kind == "list"


def test_nested_table_is_read_once_cell_by_cell(tmp_path):
    doc = _read(tmp_path, """<table id="ramme">
      <tr><td>Helse Vest
            <table><tr><td>Smarte brev</td><td>2023</td></tr>
                   <tr><td>Timer 2.0</td><td>2024</td></tr></table>
            oppdatert mars</td>
          <td>Planlagt</td><td>Planlagt</td></tr></table>""")
    page = doc.pages[0]
    for text in ("Smarte brev", "Timer 2.0", "Helse Vest", "Planlagt"):
        assert len(re.findall(re.escape(text), page.text)) == (2 if text == "Planlagt" else 1)
    cells = {b.text: b for b in page.blocks}
    outer = cells["Helse Vest\noppdatert mars"]
    assert outer.table_cell == (1, 0, 0, 1, 1)
    assert cells["Timer 2.0"].table_cell == (2, 1, 0, 1, 1)
    assert cells["2024"].locator == "/html/body/table/tr/td[1]/table/tr[2]/td[2]"
    # equal-looking cells keep their own place
    planned = [b.locator for b in page.blocks if b.text == "Planlagt"]
    assert planned == ["/html/body/table/tr/td[2]", "/html/body/table/tr/td[3]"]
    spans_hold(doc)


CHROME_PAGE = """<form id="aspnetForm" method="post">
  <nav><a href="/">Forsiden</a> › <a href="/prosjekter">Prosjekter</a></nav>
  <div role="search"><label for="q">Søk i nettstedet</label><input id="q"></div>
  <script>var sporing = "ikke tekst";</script>
  <main><article>
    <h1>Forbedret CheckWare-løsning</h1>
    <p>Skjemaløsningen blir enklere for pasientene.</p>
    <p hidden>Utkast som ikke vises</p><p style="display: none">Skjult avsnitt</p>
    <aside>Fakta: eies av Helse Vest</aside>
    <footer>Sist oppdatert 14. april 2023</footer>
  </article></main>
  <aside>Les også: nyheter fra regionen</aside>
  <footer>Helse Vest RHF – Kontakt oss</footer>
</form>"""
CHROME = {"Forsiden › Prosjekter", "Søk i nettstedet", "Utkast som ikke vises",
          "Skjult avsnitt", "Les også: nyheter fra regionen", "Helse Vest RHF – Kontakt oss"}


def test_page_chrome_is_left_out_and_a_page_wrapped_in_a_form_is_read(tmp_path):
    doc = _read(tmp_path, CHROME_PAGE)
    text = doc.pages[0].text
    assert "Forbedret CheckWare-løsning" in text and "Skjemaløsningen blir enklere" in text
    # a footer or aside inside the article is part of it; outside, it is the site's
    assert "Sist oppdatert 14. april 2023" in text and "Fakta: eies av Helse Vest" in text
    for chrome in CHROME | {"sporing"}:
        assert chrome not in text


PAGES = {
    "chrome": (CHROME_PAGE, CHROME),
    "mixed": ("""Innledning uten element <div>Tekst i div <span>og span</span>
      <section>Seksjon<table><tr><td>Celle <b>fet</b><table><tr><td>Indre</td></tr></table>
      </td></tr></table>hale</section></div><details><summary>Sammendrag</summary>
      <ul><li>Punkt<br>linje to<ol><li>Under</li></ol>etter</li></ul></details>""", set()),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_visible_text_is_read_once(tmp_path, name):
    body, chrome = PAGES[name]
    doc = _read(tmp_path, body)
    text = _fold(doc.pages[0].text)
    for piece in _visible_strings(_html(body), chrome):
        assert text.count(piece) >= 1, piece
    blocks = [_fold(b.text) for b in doc.pages[0].blocks]
    assert len(blocks) == len(set(blocks)), "a text read twice"
    spans_hold(doc)


# --- headings with key-value lines -----------------------------------------------------

PROJECT_PAGE = """<div id="innhold">
  <h1>Innhente pasientinformasjon (skjema)</h1>
  <div class="ingress">Helse Vest gjør det enklere for pasienter å sende inn opplysninger
    før time på sykehuset.</div>
  <h2>Leveranser</h2>
  <h3>Innføre versjon 1 av løsning for innhenting av strukturerte data</h3>
  <div>Ferdigstilt og levert: Ja</div>
  <div>Leveransedato: 15.03.2023</div>
  <h3>Utvikle støtte for digitalt skademeldingsskjema</h3>
  <p>Pasienter melder skade digitalt i stedet for på papir.</p>
  <p>Ferdigstilt og levert: Nei<br>Leveransedato: 30.11.2023</p>
  <h3>Utvikle samsending av skjema og brev</h3>
  <dl><dt>Status</dt><dd>Pågår</dd><dt>Leveransedato</dt><dd>Juni 2024</dd>
      <dt>Periode</dt><dd>2023-2024</dd></dl>
  <h3>Forbedret CheckWare-løsning</h3>
  <table><tr><th>Region</th><td>Helse Vest</td></tr>
         <tr><th>Status</th><td>Under revurdering</td></tr>
         <tr><th>Prosjektleder</th><td>Ola Nordmann</td></tr></table>
  <h3>Andre skjemaer</h3>
  <p>Flere skjemaer vurderes senere.</p>
  <h2>Status</h2>
  <p>Ferdigstilt og levert: Nei</p>
</div>"""


@pytest.fixture
def project(tmp_path, matcher):
    doc = _read(tmp_path, PROJECT_PAGE, title="Innhente pasientinformasjon – Helse Vest")
    return doc, normalize_document(doc, matcher)


def test_headings_with_key_values_are_items(project):
    _, norm = project
    got = {it.initiative_id: (it.match_status, it.due_date, it.status, it.period)
           for it in norm.items}
    assert got == {
        "innhenting-strukturerte-data": ("auto", "2023-03-15", "levert", None),
        "digitalt-skademeldingsskjema": ("auto", "2023-11-30", "ikke levert", None),
        "samsending-skjema-brev": ("auto", "2024-06-30", "pågår", "2023-2024"),
        "forbedret-checkware": ("auto", None, "under revurdering", None),
    }
    # a heading without key-value lines, and headings naming a kind of information, are not
    assert not any(it.text in ("Andre skjemaer", "Leveranser", "Status") for it in norm.items)
    assert all(it.block_kind == "heading" and it.locator.startswith("/html/body/div/h3")
               for it in norm.items)


def test_key_value_evidence_names_the_line(project):
    _, norm = project
    by_id = {it.initiative_id: it for it in norm.items}
    skade = by_id["digitalt-skademeldingsskjema"].layout_evidence
    assert "status: the 'Ferdigstilt og levert' line under the heading" in skade
    assert "due date: the 'Leveransedato' line under the heading" in skade
    assert "period: the 'Periode' entry under the heading" in \
        by_id["samsending-skjema-brev"].layout_evidence
    checkware = by_id["forbedret-checkware"]
    assert "status: the 'Status' row of the table under the heading" in \
        checkware.layout_evidence
    assert (checkware.region, checkware.region_source) == ("Helse Vest", "label")
    # the page title names the region of the others
    assert by_id["samsending-skjema-brev"].region_source == "page-title"


def test_key_value_lines_are_not_items_and_the_status_section_is_the_pages(project):
    _, norm = project
    assert not any(re.match(r"(Leveransedato|Ferdigstilt|Status|Ola)", it.text)
                   for it in norm.items)
    assert norm.page_statuses == {1: "ikke levert"}  # the "Status" section's line


def test_lines_after_a_list_entry_belong_to_it_not_to_the_heading(tmp_path, matcher):
    doc = _read(tmp_path, """<h2>Leveranser 2024</h2>
      <ul><li>Timer 2.0</li><li>Smarte brev</li></ul>
      <p>Status: Pågår</p>""")
    norm = normalize_document(doc, matcher)
    assert sorted(it.initiative_id for it in norm.items) == ["smarte-brev", "timer-2-0"]
    assert all(it.status is None for it in norm.items)


def test_a_table_of_items_under_a_heading_stays_a_table(tmp_path, matcher):
    doc = _read(tmp_path, """<h3>Samvalg</h3>
      <table><tr><th>Region</th><th>Tiltak</th></tr>
             <tr><td>Helse Sør-Øst</td><td>Behandlingsplan</td></tr></table>""")
    norm = normalize_document(doc, matcher)
    assert [it.initiative_id for it in norm.items] == ["behandlingsplan"]


def test_a_status_line_wins_over_delivered_yes_no(tmp_path, matcher):
    doc = _read(tmp_path, """<h1>Prosjektside</h1><h2>Pasientens legemiddelliste</h2>
      <ul><li>Ferdigstilt og levert: Ja</li><li>Status: I drift</li>
          <li>Region: Helse Sør-Øst</li></ul>""", title="Prosjekter")
    norm = normalize_document(doc, matcher)
    (item,) = norm.items
    assert (item.initiative_id, item.status, item.region) == (
        "pasientens-legemiddelliste", "i drift", "Helse Sør-Øst")
    assert "(another line says 'levert')" in item.layout_evidence
    assert norm.page_statuses == {}  # the lines are the item's, not the page's


def test_lines_under_the_page_title_are_the_pages_status_too(tmp_path, matcher):
    doc = _read(tmp_path, """<h1>Samvalg</h1><p>Ferdigstilt og levert: Nei</p>""")
    norm = normalize_document(doc, matcher)
    assert [(it.initiative_id, it.status) for it in norm.items] == [("samvalg", "ikke levert")]
    assert norm.page_statuses == {1: "ikke levert"}


def test_a_status_word_under_a_heading_is_its_status(tmp_path, matcher):
    doc = _read(tmp_path, """
      <div class="kort"><h3>Timer 2.0</h3><span class="merke">Pågår</span></div>
      <div class="kort"><h3>Smarte brev</h3><dl><dt>Status</dt><dd>Levert</dd></dl></div>""")
    norm = normalize_document(doc, matcher)
    assert {(it.initiative_id, it.status) for it in norm.items} == {
        ("timer-2-0", "pågår"), ("smarte-brev", "levert")}
    assert norm.page_statuses == {}  # two cards: neither status is the page's


# --- provenance and the sample ----------------------------------------------------------

def _dataset(doc, norm):
    outcome = DocumentOutcome(doc.origin.path, "ok", document=doc, normalized=norm)
    return (roadmap_rows(outcome, "run"), page_rows(outcome, "run"),
            mention_rows(outcome, "run"))


@pytest.mark.parametrize("source", ["project", "chrome", "sample"])
def test_rows_point_back_to_the_page_text(tmp_path, matcher, extracted, source):
    if source == "sample":
        doc = extracted(SAMPLE)
    else:
        doc = _read(tmp_path, PROJECT_PAGE if source == "project" else CHROME_PAGE)
    roadmap, pages, mentions = _dataset(doc, normalize_document(doc, matcher))
    text = {p["page"]: p["text"] for p in pages}
    assert roadmap or source == "chrome"
    for row in roadmap + mentions:
        assert text[row["page"]][row["char_start"]:row["char_end"]] == row["mention_text"]
    assert all(row["locator"] for row in roadmap)


#: What veikart read from the sample page before every element's text was read (issue 12):
#: text, initiative, status, due date; all auto-matched, all in Helse Nord.
SAMPLE_ROWS = {
    ("Helsekontakt ved innvilget rett til helsehjelp", "helsekontakt-rett-til-helsehjelp",
     "levert", "2023-03-28"),
    ("Standarddialog", "standarddialog", "planlagt", "2023-12-31"),
    ("Fleksibel dialog", "fleksibel-dialog", "planlagt", "2024-05-31"),
    ("Dialog med inneliggende pasient", "dialog-inneliggende-pasient", "under revurdering",
     None),
    ("Pasientbrev DIPS Helsenorge (i drift)", "pasientbrev-dips-helsenorge", "i drift", None),
    ("Digitale tjenester 12-16", "digitale-tjenester-12-16", None, None),
    ("Dokumentdeling via Kjernejournal – Leveransedato: 30.04.2023",
     "dokumentdeling-kjernejournal", None, "2023-04-30"),
}


def test_the_sample_page_gives_at_least_what_it_gave(extracted, matcher):
    norm = normalize_document(extracted(SAMPLE), matcher)
    rows = {(it.mention_text, it.initiative_id, it.status, it.due_date) for it in norm.items
            if it.match_status == "auto" and it.region == "Helse Nord"}
    assert rows >= SAMPLE_ROWS, SAMPLE_ROWS - rows
    assert norm.page_statuses == {1: "ikke levert"}
    phrases = {(m.mention_text, m.initiative_id) for m in norm.mentions
               if m.match_status == "auto"}
    assert ("Digital dialog med behandlende enhet", "digital-dialog-behandlende-enhet") in phrases
    assert (norm.document_date, norm.document_date_source) == ("2023-03-02", "sist-oppdatert")

