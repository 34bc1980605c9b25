"""The broken corpus: one generated file (or link, or folder) per kind of bad input an inbox
receives, each with the reason veikart must give for it (issue: reliability). Made on the fly
from the samples (OCRmyPDF-style failure injection), never committed: ``write(folder)``
makes them all and returns what is expected of each.

Run ``python tests/broken.py DIR`` to make the corpus in DIR and look at it.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import fixtures  # noqa: E402

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DECK = SAMPLES / "samarbeidsforum_dist_2023-09-14.pptx"
PDF = SAMPLES / "produktstyret_mote39_2023-04-20.pdf"
DOCX = SAMPLES / "referat_produktstyret_mote39_2023-04-20.docx"
#: The header of an OLE2 compound file (legacy Office, and password-protected OOXML).
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Case:
    """One bad input: the name it has in the corpus, how it is made (given its path and the
    corpus folder), the status veikart gives it and a pattern its reason must match."""

    name: str
    make: Callable[[Path, Path], object]
    status: str
    reason: str


def _zip(path: Path, parts: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _replace_part(src: Path, path: Path, part: str, data: bytes | None) -> None:
    """``src`` (an Office package) with ``part`` replaced by ``data`` (None: left out)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != part:
                zout.writestr(info, zin.read(info.filename))
            elif data is not None:
                zout.writestr(info, data)


def _first_slide(src: Path) -> str:
    with zipfile.ZipFile(src) as zf:
        return sorted(n for n in zf.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n))[0]


def _zip_bomb(path: Path, corpus: Path) -> None:
    """A real deck whose first slide holds 1.1 GiB of spaces inside its XML: a 1 MB file."""
    slide = _first_slide(DECK)
    with zipfile.ZipFile(DECK) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != slide:
                zout.writestr(info, zin.read(info.filename))
                continue
            xml = zin.read(slide)
            cut = xml.index(b"<p:cSld")
            with zout.open(slide, "w", force_zip64=True) as fh:
                fh.write(xml[:cut])
                chunk = b" " * (1 << 24)
                for _ in range(70):  # 70 x 16 MiB
                    fh.write(chunk)
                fh.write(xml[cut:])


def _shifted_xref(path: Path, corpus: Path) -> None:
    """The sample PDF with 7 bytes put in after its header: every xref offset points 7 bytes
    early (readers repair it by scanning for the objects)."""
    data = PDF.read_bytes()
    end = data.index(b"\n") + 1
    path.write_bytes(data[:end] + b"%shift\n" + data[end:])


def _no_pages(path: Path, corpus: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                     b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
                     b"trailer << /Root 1 0 R >>\n%%EOF\n")


def _giant_page(path: Path, corpus: Path) -> None:
    """One 14,400 pt square page (200 inches) holding only an image: a scan to OCR."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(14_400, 14_400), invariant=1)
    c.drawImage(ImageReader(Image.new("L", (400, 400), 255)), 0, 0, 14_400, 14_400)
    c.showPage()
    c.save()


def _bad_image_scan(path: Path, corpus: Path) -> None:
    """A scanned page whose JPEG stream is cut short."""
    fixtures.image_pdf(path, ["Timer 2.0"])
    data = path.read_bytes()
    start = data.index(b"stream", data.index(b"/Subtype /Image")) + 7
    path.write_bytes(data[:start + 40] + b"\0" * 200 + data[start + 240:])


def _nul_html(path: Path, corpus: Path) -> None:
    path.write_bytes(b"<html><body><h1>Veikart</h1><ul><li>Timer\x002.0</li>"
                     b"<li>Digital\x00dialog</li></ul></body></html>")


def _nul_pdf(path: Path, corpus: Path) -> None:
    """A text PDF whose strings hold NUL and other control bytes (``\\000`` in its content
    stream), written object by object."""
    content = (b"BT /F1 14 Tf 40 140 Td (\\225 Timer\\0002.0) Tj 0 -30 Td "
               b"(\\225 Digital\\007dialog med behandlende enhet\\033) Tj ET")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 200] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>"]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(data)


def _latin1_html(path: Path, corpus: Path) -> None:
    path.write_bytes("<html><body><ul><li>Pasientens prøvesvar på nett</li>"
                     "<li>Innsyn i journal for foreldre</li></ul></body></html>".encode("cp1252"))


def _huge_html(path: Path, corpus: Path) -> None:
    """2 MB of list items (the limit in the test is 1 MB)."""
    item = "<li>Timer 2.0 i drift</li>\n"
    path.write_text("<html><body><ul>" + item * (2_000_000 // len(item)) + "</ul></body></html>")


def _fifo(path: Path, corpus: Path) -> None:
    os.mkfifo(path)


def _non_utf8_name(path: Path, corpus: Path) -> None:
    Path(os.fsdecode(bytes(corpus) + b"/m\xf8tenotat.txt")).write_text("• Timer 2.0\n")


def _link_out(path: Path, corpus: Path) -> None:
    outside = corpus.parent / "utenfor.txt"
    outside.write_text("Hemmelig: ikke les meg\n")
    path.symlink_to(outside)


CASES: list[Case] = [
    # --- any format
    Case("tom.pptx", lambda p, c: p.write_bytes(b""), "failed", r"the file is empty"),
    Case("tom.pdf", lambda p, c: p.write_bytes(b""), "failed", r"the file is empty"),
    Case("tom.docx", lambda p, c: p.write_bytes(b""), "failed", r"the file is empty"),
    Case("tom.html", lambda p, c: p.write_bytes(b""), "failed", r"the file is empty"),
    Case("søppel.pptx", lambda p, c: fixtures.binary_garbage(p), "failed",
         r"not a PPTX, PDF, DOCX, XLSX, HTML, text, or legacy/ODF office file"),
    Case("søppel.xlsx", lambda p, c: fixtures.binary_garbage(p), "failed",
         r"not a PPTX, PDF, DOCX, XLSX, HTML, text, or legacy/ODF office file"),
    # content first, as docling: plain text named .pdf is read as the text it is
    Case("tekst-med-feil-endelse.pdf", lambda p, c: p.write_text("Timer 2.0\n"), "ok", r""),
    # --- PPTX
    Case("avkuttet.pptx", lambda p, c: fixtures.truncated_pptx(DECK, p), "failed",
         r"a damaged or truncated ZIP package"),
    Case("zip-uten-presentasjon.pptx", lambda p, c: fixtures.zip_not_pptx(p), "failed",
         r"a ZIP archive, but not an Office document"),
    Case("zip-bombe.pptx", _zip_bomb, "failed", r"its parts expand to 1120 MB, the limit is "
         r"1024 MB \(VEIKART_MAX_UNZIPPED_MB\): a ZIP bomb"),
    Case("mangler-lysbilde.pptx", lambda p, c: _replace_part(DECK, p, _first_slide(DECK), None),
         "failed", r"cannot read this pptx file: .*no relationship"),
    Case("ødelagt-xml.pptx",
         lambda p, c: _replace_part(DECK, p, _first_slide(DECK), b"<p:sld><unclosed"), "failed",
         r"cannot read this pptx file: .*line 1, column"),
    Case("passord.pptx", lambda p, c: p.write_bytes(
        _OLE2 + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 2048),
        "failed", r"a password-protected \(encrypted\) Office file"),
    # --- PDF
    Case("ødelagt.pdf", lambda p, c: fixtures.corrupt_pdf(p), "failed",
         re.escape(fixtures.BROKEN_REASON)),
    Case("avkuttet.pdf", lambda p, c: p.write_bytes(PDF.read_bytes()[: PDF.stat().st_size // 3]),
         "failed", r"not a readable PDF \(PSEOF"),
    Case("kryptert.pdf", lambda p, c: fixtures.encrypted_pdf(p), "failed",
         r"the PDF is encrypted \(password protected\)"),
    Case("forskjøvet-xref.pdf", _shifted_xref, "ok", r""),
    Case("ingen-sider.pdf", _no_pages, "failed", r"no pages found: the page tree is damaged"),
    # rendered at the resolution that fits the pixel limit; a blank page is not OCR'd
    Case("kjempeside.pdf", _giant_page, "ok", r""),
    # pdfium draws what the damaged image stream holds: a page without text
    Case("ødelagt-bilde.pdf", _bad_image_scan, "ok", r""),
    Case("nul-tegn.pdf", _nul_pdf, "ok", r""),
    # --- DOCX / XLSX / legacy
    Case("avkuttet.docx", lambda p, c: p.write_bytes(DOCX.read_bytes()[: DOCX.stat().st_size // 3]),
         "failed", r"a damaged or truncated ZIP package"),
    Case("ødelagt-xml.docx", lambda p, c: _replace_part(DOCX, p, "word/document.xml", b"<w:d"),
         "failed", r"cannot read this docx file: .*line 1, column"),
    Case("avkuttet.doc", lambda p, c: p.write_bytes(_OLE2 + b"\0" * 600), "failed",
         r"LibreOffice could not convert this .doc file"),
    # --- HTML and text
    Case("nul-tegn.html", _nul_html, "ok", r""),
    Case("latin1.html", _latin1_html, "ok", r""),
    Case("stor.html", _huge_html, "failed", r"too big for a web page or text: 1.9 MB, the limit "
         r"is 1 MB \(VEIKART_MAX_HTML_MB\)"),
    # --- the file system
    Case("rør.pdf", _fifo, "skipped", r"not a regular file"),
    Case("lenke-ut.txt", _link_out, "skipped", r"out of the folder"),
    Case("lenke-til-ingenting.pptx", lambda p, c: p.symlink_to(c / "finnes-ikke.pptx"),
         "skipped", r"link to nothing"),
    Case("løkke", lambda p, c: p.symlink_to(p), "skipped", r"loop"),
    Case("ugyldig-navn", _non_utf8_name, "skipped", r"not valid UTF-8"),
]


#: The limits the corpus is read under: the defaults, but a smaller web page limit (the
#: corpus's page would otherwise be 5 MB to make).
ENVIRONMENT = {"VEIKART_MAX_HTML_MB": "1"}


def write(folder: Path) -> list[Case]:
    """Make every case of :data:`CASES` in ``folder`` (created); the cases made."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        case.make(folder / case.name, folder)
    return CASES


if __name__ == "__main__":
    made = write(Path(sys.argv[1]))
    print(f"{len(made)} broken inputs in {sys.argv[1]}")
