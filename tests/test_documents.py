"""DOCX minutes, XLSX roadmaps, legacy/ODF files through LibreOffice, and a folder walk that
accounts for every file (issue: documents)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
import subprocess

import docx
import pytest
import sample_spec as spec
from conftest import MOTE39, SAMPLES
from lxml import etree
from openpyxl import Workbook
from truth import grid_truth, pair_up, spans_hold

from extractors import Format, detect_format, extract, walk
from extractors.model import CONVERTED_TO
from normalize import normalize_document
from veikart.errors import InputFileError, MissingDependencyError

MINUTES = SAMPLES / f"referat_{MOTE39}.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None,
                                   reason="LibreOffice not installed")


# ---------------------------------------------------------------- DOCX


def test_docx_minutes_give_their_table_rows_and_prose_mentions(matcher):
    doc = extract(MINUTES)
    assert doc.origin.format is Format.docx and doc.extractor == "docx"
    spans_hold(doc)
    norm = normalize_document(doc, matcher)
    rows = {it.initiative_id: it for it in norm.items if it.block_kind == "table_cell"}
    for name, region, period, status, responsible in spec_rows():
        item = next((it for it in rows.values() if it.text == name), None)
        assert item is not None, name
        assert item.match_status == "auto"
        assert (item.region, item.period) == (region, period), name
        assert item.status == (status.lower() or None), name
        assert item.responsible == responsible
        assert item.locator.startswith("/body/tbl[1]/tr[") and item.bbox is None
    # the agenda (case numbers) and the header/footer are not items; the bulleted services are
    texts = [it.text for it in norm.items]
    assert not any(t[:1].isdigit() for t in texts)
    assert "Mine timeavtaler (Timer 2.0)" in texts
    assert not any("Følsomhet" in t or "referat" in t.lower() for t in texts)
    # the prose names initiatives: mentions, not rows
    assert any(m.initiative_name.startswith("Timevisning") for m in norm.mentions)
    assert norm.document_date == "2023-04-20"


def spec_rows():
    """The sample minutes' follow-up table, as generate_samples wrote it (region carried down
    where its cell is merged)."""
    import generate_samples

    rows, region = [], None
    for name, reg, period, status, responsible in generate_samples.FOLLOW_UP[1:]:
        region = reg or region
        rows.append((name, region, period, status, responsible))
    return rows


def test_docx_merged_region_cell_spans_its_rows():
    doc = extract(MINUTES)
    cells = [b for b in doc.pages[0].blocks if b.table_cell and b.text == "Helse Midt-Norge"]
    assert len(cells) == 1 and cells[0].table_cell[3] == 2  # one cell, two rows


def test_docx_pages_follow_rendered_page_breaks_then_hard_breaks(tmp_path):
    document = docx.Document()
    document.add_paragraph("Første side")
    document.add_page_break()
    document.add_paragraph("Andre side")
    path = tmp_path / "hard.docx"
    document.save(path)
    doc = extract(path)
    assert [(p.number, [b.text for b in p.blocks]) for p in doc.pages] == [
        (1, ["Første side"]), (2, ["Andre side"])]
    # Word's own layout marks win: a lastRenderedPageBreak inside the third paragraph
    document = docx.Document()
    for text in ("En", "To", "Tre"):
        document.add_paragraph(text)
    run = document.paragraphs[2].runs[0]._r
    run.insert(0, etree.SubElement(run, f"{W}lastRenderedPageBreak"))
    path = tmp_path / "rendered.docx"
    document.save(path)
    doc = extract(path)
    assert [[b.text for b in p.blocks] for p in doc.pages] == [["En", "To"], ["Tre"]]


def test_docx_text_boxes_soft_breaks_and_headers_are_read_apart(tmp_path, matcher):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Timer 2.0 – topptekst"
    para = document.add_paragraph("Status per tjeneste:")
    # a text box anchored in the paragraph (as Word writes one), holding two entries
    box = copy.deepcopy(etree.fromstring(
        f'<w:r xmlns:w="{W[1:-1]}"><w:pict><w:txbxContent>'
        '<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>'
        "<w:r><w:t>Pasientens prøvesvar</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr>'
        "<w:r><w:t>Digital dialog med behandlende enhet</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></w:r>"))
    para._p.append(box)
    soft = document.add_paragraph("Mine timeavtaler (Timer 2.0)", style="List Bullet")
    soft.runs[0].add_break()
    soft.add_run("Digitale tjenester 12-16")
    path = tmp_path / "boxes.docx"
    document.save(path)
    doc = extract(path)
    spans_hold(doc)
    kinds = {b.kind: b for b in doc.pages[0].blocks}
    assert kinds["paragraph"].text == "Status per tjeneste:"  # the box's text is not in it
    assert kinds["textbox"].text == "Pasientens prøvesvar\nDigital dialog med behandlende enhet"
    assert kinds["textbox"].locator == "/body/p[1]/txbx[1]"
    assert kinds["header"].text == "Timer 2.0 – topptekst"
    names = sorted(it.initiative_name for it in normalize_document(doc, matcher).items)
    assert names == ["Digital dialog med behandlende enhet", "Digitale tjenester 12-16",
                     "Mine timeavtaler (Timer 2.0)", "Pasientens prøvesvar"]


# ---------------------------------------------------------------- XLSX


def _grid_workbook(path, region_names=None) -> None:
    """The sample deck's roadmap grid kept as a spreadsheet: a title, an empty row, periods
    across, regions down, the cell's items on lines of their own (Alt+Enter)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Veikart 2023"
    ws["A1"] = spec.GRID_TITLE
    ws.append([])
    ws.append(["Region", "2023-2024", "2025-2026", "Lenger sikt"])
    for region, cells in spec.MOTE39_GRID:
        row = [region_names(region) if region_names else f"Helse {region}"]
        for cell in cells:
            parts = cell if isinstance(cell, tuple) else (cell,)
            row.append("\n".join(t for part in parts for t in part) or None)
        ws.append(row)
    ws2 = wb.create_sheet("Leveranser")
    ws2.append(["Prosjekt", "Region", "Status", "Leveransedato", "Ansvarlig", "Kommentar"])
    ws2.append(["Mine timeavtaler (Timer 2.0)", "Helse Vest", "I drift", dt.datetime(2023, 4, 30),
                "Helse Vest IKT", "Pilot på Haukeland"])
    ws2.merge_cells("F3:F4")
    wb.save(path)


def test_xlsx_roadmap_gives_the_same_rows_as_the_deck(tmp_path, matcher):
    path = tmp_path / "veikart.xlsx"
    _grid_workbook(path)
    doc = extract(path)
    assert [p.name for p in doc.pages] == ["Veikart 2023", "Leveranser"]
    spans_hold(doc)
    norm = normalize_document(doc, matcher)
    grid = [it for it in norm.items if it.page == 1]
    assert not pair_up(grid, grid_truth(MOTE39))
    assert len(grid) == len(grid_truth(MOTE39))
    deck = normalize_document(extract(SAMPLES / f"{MOTE39}.pptx"), matcher)
    on_slide = {(it.initiative_id, it.region, it.period) for it in deck.items if it.page == 3}
    assert {(it.initiative_id, it.region, it.period) for it in grid} == on_slide
    first = next(it for it in grid if it.text == spec.MOTE39_GRID[0][1][0][0])
    assert first.locator == "'Veikart 2023'!B4" and first.block_kind == "table_cell"
    listed = [it for it in norm.items if it.page == 2]
    assert len(listed) == 1
    row = listed[0]
    assert (row.region, row.status, row.due_date, row.responsible) == (
        "Helse Vest", "i drift", "2023-04-30", "Helse Vest IKT")
    assert "Pilot på Haukeland" in row.notes
    assert row.locator == "Leveranser!A2"


def test_xlsx_short_region_labels_and_merged_cells(tmp_path, matcher):
    path = tmp_path / "kort.xlsx"
    _grid_workbook(path, region_names=lambda r: {"Nord": "HN", "Vest": "Helse Vest",
                                                 "Sør-Øst": "HSØ", "Midt-Norge": "Midt"}[r])
    norm = normalize_document(extract(path), matcher)
    assert not pair_up([it for it in norm.items if it.page == 1], grid_truth(MOTE39))


# ---------------------------------------------------------------- legacy and ODF


def _soffice_convert(src, fmt, outdir):
    profile = outdir / "profile"
    subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless",
                    "--convert-to", fmt, "--outdir", str(outdir), str(src)],
                   check=True, capture_output=True, timeout=180)
    return outdir / f"{src.stem}.{fmt}"


@needs_soffice
@pytest.mark.parametrize(("source", "fmt"), [(f"{MOTE39}.pptx", "odp"),
                                             (MINUTES.name, "doc")])
def test_legacy_and_odf_files_are_converted_and_read_the_same(tmp_path, matcher, monkeypatch,
                                                               source, fmt):
    legacy = _soffice_convert(SAMPLES / source, fmt, tmp_path)
    monkeypatch.setenv("VEIKART_CACHE_DIR", str(tmp_path / "cache"))
    doc = extract(legacy)
    assert doc.origin.format.value == fmt and doc.origin.path == str(legacy)
    assert doc.origin.converted.startswith("LibreOffice") and f"{fmt} to" in doc.origin.converted
    assert doc.extractor == CONVERTED_TO[Format(fmt)].value
    # converted once, into the cache, under the original's sha256
    kept = list((tmp_path / "cache" / "converted").iterdir())
    assert [p.name for p in kept] == [f"{doc.origin.sha256}.{doc.extractor}"]
    original = normalize_document(extract(SAMPLES / source), matcher)
    again = normalize_document(doc, matcher)

    def key(it):
        return (it.initiative_id, it.region, it.period, it.status)

    assert sorted(map(key, again.items), key=str) == sorted(map(key, original.items), key=str)


def test_legacy_file_without_libreoffice_names_the_package(tmp_path, monkeypatch):
    legacy = tmp_path / "gammel.ppt"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert detect_format(legacy) is Format.ppt
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on it
    with pytest.raises(MissingDependencyError, match="gammel.ppt: .*libreoffice-impress"):
        extract(legacy)


@needs_soffice
def test_damaged_legacy_file_is_one_line(tmp_path):
    whole = _soffice_convert(MINUTES, "doc", tmp_path).read_bytes()
    legacy = tmp_path / "skadet.doc"
    legacy.write_bytes(whole[: len(whole) // 3])  # cut off in transfer
    with pytest.raises(InputFileError) as err:
        extract(legacy)
    message = str(err.value)
    assert message.startswith(f"{legacy}: LibreOffice could not convert this .doc file")
    assert "\n" not in message and "Warning" not in message


# ---------------------------------------------------------------- sniffing and walking


def test_office_packages_are_told_apart_by_content(tmp_path):
    for src in (MINUTES, SAMPLES / f"{MOTE39}.pptx"):
        disguised = tmp_path / f"{src.stem}.bin"
        shutil.copyfile(src, disguised)
        assert detect_format(disguised) is Format(src.suffix[1:])
    book = tmp_path / "ark"
    Workbook().save(book)
    assert detect_format(book) is Format.xlsx
    banner = tmp_path / "banner.pdf"
    banner.write_bytes(b"X-Scanned-By: gateway\r\n" * 20 + b"%PDF-1.4\n%%EOF\n")
    assert detect_format(banner) is Format.pdf


def test_folder_walk_accounts_for_every_file(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "2023" / ".git").mkdir(parents=True)
    (inbox / "out").mkdir()
    shutil.copyfile(MINUTES, inbox / "2023" / "referat.docx")
    for name in ("logo.png", ".DS_Store", "~$referat.docx", "2023/.git/config", "LESMEG.md",
                 "out/roadmap.csv", "2023/veikart.xlsx"):
        (inbox / name).write_bytes(b"x")
    read, skipped = walk([inbox], exclude=[inbox / "out"])
    assert [p.relative_to(inbox).as_posix() for p in read] == ["2023/referat.docx",
                                                               "2023/veikart.xlsx"]
    reasons = {s.path.relative_to(inbox).as_posix(): s.reason for s in skipped}
    assert reasons == {
        ".DS_Store": "hidden file", "2023/.git": "hidden folder",
        "LESMEG.md": reasons["LESMEG.md"], "logo.png": "unsupported format (.png)",
        "out": "veikart's own output or state folder",
        "~$referat.docx": "an editor's lock or backup file"}
    assert "named on the command line" in reasons["LESMEG.md"]


def test_ingest_lists_what_it_does_not_read(prefect_harness, tmp_path):
    import pandas as pd

    from flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(MINUTES, inbox / MINUTES.name)
    (inbox / "bilde.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    out = tmp_path / "out"
    summary = ingest_flow(inputs=[str(inbox)], out=str(out))
    assert summary["not_read"] == [f"{inbox / 'bilde.png'}: unsupported format (.png)"]
    docs = pd.read_parquet(out / "documents.parquet").set_index("source_path")
    assert docs.loc[str(inbox / "bilde.png"), "status"] == "skipped"
    assert docs.loc[str(inbox / MINUTES.name), "source_format"] == "docx"
    assert pd.read_parquet(out / "runs.parquet").not_read.tolist() == [1]
    assert "bilde.png" in (out / "report.html").read_text()
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    pages = pd.read_parquet(out / "pages.parquet").set_index("page")
    for row in roadmap.itertuples():
        assert pages.loc[row.page, "text"][row.char_start:row.char_end] == row.mention_text


def test_password_protected_office_file_says_so(tmp_path):
    """Office saves a password-protected .docx as an OLE2 container with an EncryptedPackage
    stream: one line that says what it is, not "not a ... file"."""
    locked = tmp_path / "referat.docx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
                       + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500)
    with pytest.raises(InputFileError, match="referat.docx: a password-protected"):
        extract(locked)
