"""Nothing lost, nothing misattributed: odd file names, links, copies and renames, encodings
without a declaration, damaged outputs and results, and two ingests at once (issue:
reliability)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DIST, SAMPLES

from veikart.cli import main
from veikart.errors import ExitCode


def _docs(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents.parquet").set_index("source_path")


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SAMPLES / f"{DIST}.pptx", folder / "deck.pptx")
    return folder


def test_names_links_and_copies_are_accounted_for(prefect_harness, inbox, tmp_path, capsys):
    bad_name = os.fsdecode(bytes(inbox) + b"/notat-\xe9.txt")
    Path(bad_name).write_text("• Timer 2.0\n", "utf-8")
    outside = tmp_path / "hemmelig.txt"
    outside.write_text("Hemmelig passord: 1234\n", "utf-8")
    (inbox / "lenke.txt").symlink_to(outside)
    (inbox / "inne.pptx").symlink_to(inbox / "deck.pptx")  # inside: followed, a copy
    (inbox / "sub").mkdir()
    (inbox / "sub" / "tilbake").symlink_to(inbox)  # a loop
    shutil.copy(inbox / "deck.pptx", inbox / "kopi.pptx")
    out = tmp_path / "out"
    assert main(["ingest", str(inbox), "--out", str(out)]) == ExitCode.ok
    docs = _docs(out)
    assert docs.loc[str(inbox / "notat-\\xe9.txt"), "status"] == "skipped"
    assert "not valid UTF-8" in docs.loc[str(inbox / "notat-\\xe9.txt"), "error"]
    assert "out of the folder" in docs.loc[str(inbox / "lenke.txt"), "error"]
    assert docs.loc[str(inbox / "sub" / "tilbake"), "status"] == "skipped"
    # three names, one content: one document, its rows once, the others named as copies
    assert docs.loc[str(inbox / "deck.pptx"), "status"] == "ok"
    for copy in ("inne.pptx", "kopi.pptx"):
        assert docs.loc[str(inbox / copy), "status"] == "duplicate"
        assert docs.loc[str(inbox / copy), "error"] == f"the same content as {inbox / 'deck.pptx'}"
    assert set(docs.loc[str(inbox / "deck.pptx"), "other_paths"].split("; ")) == {
        str(inbox / "inne.pptx"), str(inbox / "kopi.pptx")}
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    assert roadmap.item_id.is_unique and set(roadmap.source_path) == {str(inbox / "deck.pptx")}
    pages = pd.read_parquet(out / "pages.parquet")
    assert "Hemmelig" not in " ".join(pages.text)  # nothing from outside the inbox
    # a rename is a move: the rows follow the file to its new name
    for name in ("deck.pptx", "kopi.pptx", "inne.pptx"):
        (inbox / name).unlink()
    shutil.copy(SAMPLES / f"{DIST}.pptx", inbox / "nytt-navn.pptx")
    assert main(["ingest", str(inbox), "--out", str(out)]) == ExitCode.ok
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    assert set(roadmap.source_path) == {str(inbox / "nytt-navn.pptx")}
    assert roadmap.item_id.is_unique


def test_html_without_a_declared_charset_is_read_as_windows_1252(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    page = tmp_path / "side.html"
    page.write_bytes("<html><body><ul><li>Pasientens prøvesvar</li><li>Innføring av "
                     "brevløsning radiologi</li></ul></body></html>".encode("cp1252"))
    out = tmp_path / "out"
    ingest_flow(inputs=[str(page)], out=str(out))
    roadmap = pd.read_parquet(out / "roadmap.parquet")
    assert set(roadmap.text) == {"Pasientens prøvesvar", "Innføring av brevløsning radiologi"}
    assert set(roadmap.match_status) == {"auto"}


def test_damaged_runs_table_and_result_are_rebuilt(prefect_harness, inbox, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["ingest", str(inbox), "--out", str(out)]
    assert main(args) == ExitCode.ok
    items = len(pd.read_parquet(out / "roadmap.parquet"))
    (out / "runs.parquet").write_bytes(b"garbage, not parquet")
    capsys.readouterr()
    assert main(args) == ExitCode.ok
    said = capsys.readouterr().out
    assert "recovered:" in said and "runs were taken from veikart.duckdb" in said
    assert len(pd.read_parquet(out / "runs.parquet")) == 2
    # a stored result cut short (its footer lost): the document is read again
    result = next((out / "state" / "results").glob("*/roadmap.parquet"))
    result.write_bytes(result.read_bytes()[:100])
    assert main(args) == ExitCode.ok
    assert "1 read (1 ok, 0 failed)" in capsys.readouterr().out
    assert len(pd.read_parquet(out / "roadmap.parquet")) == items
    # a damaged output table is published again
    (out / "roadmap.parquet").write_bytes(b"PAR1 cut")
    assert main(args) == ExitCode.ok
    assert len(pd.read_parquet(out / "roadmap.parquet")) == items


def test_a_second_ingest_waits_for_the_first_then_gives_up(prefect_harness, inbox, tmp_path,
                                                           capsys):
    import subprocess
    import sys

    out = tmp_path / "out"
    holder = subprocess.Popen(  # another ingest holds the state folder for a while
        [sys.executable, "-c", "import sys, time; from state import locked\n"
         f"with locked({str(out / 'state')!r}):\n    print('held', flush=True); time.sleep(30)"],
        cwd=str(SAMPLES.parent), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code = main(["ingest", str(inbox), "--out", str(out), "--wait", "0.5"])
    finally:
        holder.kill()
        holder.wait()
    assert code == ExitCode.locked
    err = capsys.readouterr().err
    assert "another ingest is writing to" in err and "still holds it after" in err
    assert not (out / "roadmap.parquet").exists()
    assert main(["ingest", str(inbox), "--out", str(out), "--wait", "0.5"]) == ExitCode.ok


def test_limits_fail_one_document_with_its_reason(tmp_path, monkeypatch):
    """A ZIP bomb is refused from its directory before any part is decompressed; a document
    over the page limit or the size limit fails with the limit's name; a giant page is
    rendered at a resolution that fits the pixel limit."""
    import zipfile

    from extractors import extract, limits
    from veikart.errors import InputFileError

    bomb = tmp_path / "bombe.pptx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ppt/presentation.xml", "<p/>")
        zf.writestr("ppt/slides/slide1.xml", b"\0" * (3 << 20))  # 3 MB of nothing
    monkeypatch.setenv("VEIKART_MAX_UNZIPPED_MB", "2")
    with pytest.raises(InputFileError, match="bombe.pptx: its parts expand to 3 MB.*ZIP bomb"):
        extract(bomb)
    monkeypatch.setenv("VEIKART_MAX_PAGES", "1")
    with pytest.raises(InputFileError, match=r"2 pages, the limit is 1 \(VEIKART_MAX_PAGES\)"):
        extract(SAMPLES / f"{DIST}.pptx")
    monkeypatch.setenv("VEIKART_MAX_FILE_MB", "0.01")
    with pytest.raises(InputFileError, match="too big"):
        extract(SAMPLES / f"{DIST}.pptx")
    monkeypatch.setenv("VEIKART_MAX_PAGE_MEGAPIXELS", "1")
    dpi = limits.render_dpi(14_400, 14_400, 200)
    assert (14_400 / 72 * dpi) ** 2 <= 1_000_000 * 1.0001


def test_a_hung_tesseract_is_cut_off(tmp_path, monkeypatch):
    """tesseract runs under a time limit: a call that hangs fails its document with the
    limit named, instead of hanging the run."""
    from PIL import Image

    from extractors import ocr
    from veikart.errors import OcrError

    slow = tmp_path / "tesseract"
    slow.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'tesseract 5.3.0'; "
                    "exit 0; fi\nsleep 30\n")
    slow.chmod(0o755)
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(slow))
    monkeypatch.setenv("VEIKART_OCR_TIMEOUT_S", "1")
    with pytest.raises(OcrError, match="did not finish within 1 s"):
        ocr._tesseract(Image.new("L", (200, 100), 255), "nor", 3)


def test_sigterm_stops_a_run_with_143_and_the_next_run_goes_on(tmp_path):
    """A service manager stopping the run: it ends within seconds with exit code 143 and one
    line, keeps no lock, and the next run reads what is left."""
    import signal
    import subprocess
    import sys
    import time

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "produktstyret_mote39_2023-04-20_skannet.pdf", inbox)  # OCR: slow
    out = tmp_path / "out"
    exe = Path(sys.executable).parent / "veikart"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    proc = subprocess.Popen([str(exe), "ingest", str(inbox), "--out", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not (out / "state" / "ingest.lock").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # into the work
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143
    assert "stopped (SIGTERM)" in err and "Traceback" not in err
    done = subprocess.run([str(exe), "ingest", str(inbox), "--out", str(out), "--wait", "5"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(out / "roadmap.parquet")) > 0


def test_another_working_directory_keeps_every_document(prefect_harness, tmp_path,
                                                        monkeypatch):
    """The same output folder reached from another directory: the stored results are still
    found, the earlier rows stay, the same files under their new relative names are one
    document each."""
    from flows.ingest import ingest_flow

    (tmp_path / "a" / "inbox").mkdir(parents=True)
    shutil.copy(SAMPLES / f"{DIST}.pptx", tmp_path / "a" / "inbox" / "deck.pptx")
    monkeypatch.chdir(tmp_path / "a")
    first = ingest_flow(inputs=["inbox"], out="out")
    items = first["items"]
    assert items > 20
    monkeypatch.chdir(tmp_path)
    second = ingest_flow(inputs=["a/inbox"], out="a/out")
    assert second["items"] == items
    docs = pd.read_parquet(tmp_path / "a" / "out" / "documents.parquet")
    assert set(docs.status) == {"ok", "duplicate"}
    roadmap = pd.read_parquet(tmp_path / "a" / "out" / "roadmap.parquet")
    assert roadmap.item_id.is_unique and set(roadmap.source_path) == {"a/inbox/deck.pptx"}
