"""A web page as a source, against a real HTTP server on 127.0.0.1: the page and the documents
it links to are ingested, an unchanged run fetches no document bytes, a changed document is
fetched alone, a removed one is reported, a failing one costs only itself (issue: sources)."""

from __future__ import annotations

import http.server
import os
import shutil
import threading

import pandas as pd
import pytest
from conftest import DIST, MOTE39, SAMPLES

from extractors.remote import Retry
from veikart.cli import main
from veikart.errors import ExitCode

INDEX = """<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">
<title>Samarbeidsforum DIST – møte 14. september 2023 – Helse Nord</title></head>
<body><h1>Møtemateriell</h1>
<ul>
<li><a href="filer/veikart.pptx">Veikart (PPTX)</a></li>
<li><a href="/filer/referat.docx#side2">Referat</a></li>
<li><a href="filer/bilde.png">Logo</a></li>
<li><a href="filer/feil.pdf">Vedlegg som feiler</a></li>
<li><a href="https://example.invalid/annet.pdf">Et annet nettsted</a></li>
</ul></body></html>
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files from the test's folder; counts requests and the bodies it sends; /filer/feil.pdf
    answers 500."""

    log: list[tuple[str, int]] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def send_response(self, code, message=None):
        type(self).log.append((self.path, code))
        super().send_response(code, message)

    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path.endswith("feil.pdf"):
            self.send_error(500, "Internal Server Error")
            return
        super().do_GET()


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "www"
    (root / "filer").mkdir(parents=True)
    (root / "index.html").write_text(INDEX, "utf-8")
    shutil.copy(SAMPLES / f"{DIST}.pptx", root / "filer" / "veikart.pptx")
    shutil.copy(SAMPLES / f"referat_{MOTE39}.docx", root / "filer" / "referat.docx")
    (root / "filer" / "bilde.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    class Handler(_Handler):
        log = []

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root, Handler.log
    server.shutdown()


def _bodies(log, name: str) -> int:
    """Full responses (200) the server sent for paths ending in ``name``."""
    return sum(code == 200 for path, code in log if path.split("#")[0].endswith(name))


def test_a_web_page_and_its_documents_incrementally(prefect_harness, site, tmp_path, capsys):
    base, root, log = site
    out = tmp_path / "out"
    args = ["ingest", f"{base}/index.html", "--out", str(out)]
    assert main(args) == ExitCode.partial  # the failing attachment
    err = capsys.readouterr().err
    assert f"{base}/filer/feil.pdf: the server answered 500" in err
    tries = Retry.from_env().retries + 1  # a 5xx is transient: tried again, then reported
    assert f"(tried {tries} times)" in err
    assert sum(path.endswith("feil.pdf") for path, _ in log) == tries
    docs = pd.read_parquet(out / "documents.parquet").set_index("source_path")
    assert docs.loc[f"{base}/filer/veikart.pptx", "status"] == "ok"
    assert docs.loc[f"{base}/filer/referat.docx", "status"] == "ok"
    assert docs.loc[f"{base}/index.html", "status"] == "ok"
    assert docs.loc[f"{base}/filer/bilde.png", "error"] == "unsupported format (.png)"
    assert docs.loc[f"{base}/filer/veikart.pptx", "source_uri"] == f"{base}/filer/veikart.pptx"
    assert "example.invalid" not in " ".join(docs.index)  # another site is not followed
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    deck = roadmap[roadmap.source_path == f"{base}/filer/veikart.pptx"]
    assert len(deck) > 20 and set(deck.source_format) == {"pptx"}
    pages = pd.read_parquet(out / "pages.parquet")
    texts = dict(zip(zip(pages.source_sha256, pages.page, strict=True), pages.text,
                     strict=True))
    for row in deck.itertuples():  # provenance round-trips for rows from the web too
        assert texts[(row.source_sha256, row.page)][row.char_start:row.char_end] \
            == row.mention_text
    assert _bodies(log, "veikart.pptx") == 1 and _bodies(log, "referat.docx") == 1
    assert any(path == "/robots.txt" for path, _ in log)

    # unchanged: conditional requests only, no document bytes
    log.clear()
    main(args)
    assert _bodies(log, "veikart.pptx") == 0 and _bodies(log, "referat.docx") == 0
    assert ("/filer/veikart.pptx", 304) in log
    assert "(0 ok, 1 failed), 3 unchanged" in capsys.readouterr().out

    # a changed document is fetched and read alone; a removed one is reported
    minutes = root / "filer" / "referat.docx"
    minutes.write_bytes(minutes.read_bytes() + b"\0")  # a changed file (zip trailing bytes)
    later = os.stat(minutes).st_mtime + 60
    os.utime(minutes, (later, later))
    (root / "filer" / "veikart.pptx").unlink()
    log.clear()
    main(args)
    said = capsys.readouterr()
    assert _bodies(log, "referat.docx") == 1
    assert f"{base}/filer/veikart.pptx: the server answered 404 Not Found\n" in said.err
    assert sum(path.endswith("veikart.pptx") for path, _ in log) == 1  # a 404: tried once
    assert "(1 ok, 2 failed)" in said.out
    docs = pd.read_parquet(out / "documents.parquet").set_index("source_path")
    assert docs.loc[f"{base}/filer/veikart.pptx", "status"] == "failed"
