"""Nothing lost, nothing misattributed: odd file names, links, copies and renames, encodings
without a declaration, damaged outputs and results, and two ingests at once (issue:
reliability)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DIST, SAMPLES, prefect_servers

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


def test_a_document_over_its_time_fails_with_the_limit_named(tmp_path, monkeypatch):
    """The document's own time limit cuts a helper that has its own time left: the reason
    names the document's limit, and a blank page is not OCR'd at all."""
    import pytesseract
    from fixtures import image_pdf, scan_pdf

    from extractors import extract, limits
    from veikart.errors import InputFileError

    slow = tmp_path / "tesseract"
    slow.write_text("#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'tesseract 5.3.0'; "
                    "exit 0; fi\nif [ \"$1\" = --list-langs ]; then printf 'x\\nnor\\nosd\\n';"
                    " exit 0; fi\nsleep 30\n")
    slow.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(slow))
    monkeypatch.setenv("VEIKART_MAX_DOCUMENT_S", "2")
    monkeypatch.setenv("VEIKART_CACHE_DIR", str(tmp_path / "cache"))
    blank = scan_pdf(tmp_path / "blank.pdf", [], (1400, 900))
    with limits.time_limit(blank):
        assert extract(blank).pages[0].blocks == []  # the slow tesseract never asked
    page = image_pdf(tmp_path / "scan.pdf", ["Timer 2.0"])
    with limits.time_limit(page), pytest.raises(
            InputFileError, match=r"scan.pdf: not read within 2 s, the limit per document "
                                  r"\(VEIKART_MAX_DOCUMENT_S\)"):
        extract(page)


@pytest.mark.parametrize("stop, code, said", [
    ("SIGTERM", 143, "stopped (SIGTERM)"), ("SIGINT", 130, "interrupted")])
def test_a_stopped_run_ends_in_seconds_and_the_next_run_goes_on(tmp_path, stop, code, said):
    """A service manager stopping the run (SIGTERM), or Ctrl-C (SIGINT): it ends within
    seconds with its exit code and one line, leaves no Prefect server and no lock, and the
    next run reads what is left."""
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
    proc.send_signal(getattr(signal, stop))
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == code, err  # the line says why (an internal error: which)
    assert said in err and "Traceback" not in err
    assert prefect_servers(tmp_path / "prefect") == []  # its server stopped with it
    done = subprocess.run([str(exe), "ingest", str(inbox), "--out", str(out), "--wait", "5"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(pd.read_parquet(out / "roadmap.parquet")) > 0


@pytest.mark.parametrize("stop, code, said", [
    ("SIGTERM", ExitCode.terminated, "stopped (SIGTERM)"),
    ("SIGINT", ExitCode.interrupted, "interrupted")])
def test_a_stop_keeps_its_exit_code_when_the_unwinding_fails(monkeypatch, tmp_path, capsys,
                                                             stop, code, said):
    """Ctrl-C or SIGTERM landing in the middle of a call whose cleanup then fails (a library
    reporting the stop to its API over a connection the signal cut): the run still ends as
    stopped, with its exit code, and the line names the error; not as an internal error."""
    import signal
    import time

    from veikart import cli

    def stopped_while_cleaning_up(args):
        try:
            os.kill(os.getpid(), getattr(signal, stop))
            time.sleep(10)
        finally:
            raise RuntimeError("the API refused the crash report")  # noqa: B012

    monkeypatch.setattr(cli, "cmd_ingest", stopped_while_cleaning_up)
    assert main(["ingest", str(tmp_path), "--out", str(tmp_path / "out")]) == code
    err = capsys.readouterr().err
    assert said in err and "RuntimeError while stopping: the API refused" in err
    assert "internal error" not in err
    # the next call, with no stop, reports its own error as it is
    monkeypatch.setattr(cli, "cmd_ingest", lambda args: 1 / 0)
    assert main(["ingest", str(tmp_path), "--out", str(tmp_path / "out")]) == \
        ExitCode.other_error
    assert "internal error: ZeroDivisionError" in capsys.readouterr().err


def test_a_killed_runs_prefect_server_is_stopped_by_the_next_run(tmp_path):
    """SIGKILL leaves no chance to stop the API server a run started: its pid file does,
    and the next run (here one with nothing to read, which starts no flow) stops it."""
    import signal
    import subprocess
    import sys
    import time

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "produktstyret_mote39_2023-04-20_skannet.pdf", inbox)
    out, home = tmp_path / "out", tmp_path / "prefect"
    exe = Path(sys.executable).parent / "veikart"
    env = {**os.environ, "PREFECT_HOME": str(home)}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([str(exe), "ingest", str(inbox), "--out", str(out)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list((home / "veikart-servers").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    servers = prefect_servers(home)
    assert len(servers) == 1  # left running, listening
    (tmp_path / "empty").mkdir()
    nxt = subprocess.run([str(exe), "ingest", str(tmp_path / "empty"), "--out",
                          str(tmp_path / "out2")], env=env, capture_output=True, text=True,
                         timeout=120)
    assert f"stopped the Prefect server (pid {servers[0]}) a killed run" in nxt.stderr
    assert prefect_servers(home) == [] and not list((home / "veikart-servers").glob("*"))


def test_another_working_directory_keeps_every_document(prefect_harness, tmp_path,
                                                        monkeypatch):
    """The same output folder reached from another directory: the documents are known by
    their absolute paths, so the same files are the same documents (unchanged, not read
    again) and every earlier row stays. A ledger an earlier release keyed by relative paths
    takes the absolute ones."""
    from flows.ingest import ingest_flow
    from state import Store

    (tmp_path / "a" / "inbox").mkdir(parents=True)
    deck = tmp_path / "a" / "inbox" / "deck.pptx"
    shutil.copy(SAMPLES / f"{DIST}.pptx", deck)
    monkeypatch.chdir(tmp_path / "a")
    first = ingest_flow(inputs=["inbox"], out="out")
    items = first["items"]
    assert items > 20
    monkeypatch.chdir(tmp_path)
    second = ingest_flow(inputs=["a/inbox"], out="a/out")
    assert second["items"] == items and second["skipped"] == [str(deck)]
    docs = pd.read_parquet(tmp_path / "a" / "out" / "documents.parquet")
    assert list(docs.status) == ["ok"]
    roadmap = pd.read_parquet(tmp_path / "a" / "out" / "roadmap.parquet")
    assert roadmap.item_id.is_unique and set(roadmap.source_path) == {str(deck)}
    # as an earlier release left it: keyed by the path relative to where it ran
    Store(tmp_path / "a" / "out" / "state").move_ledger(str(deck), "inbox/deck.pptx")
    monkeypatch.chdir(tmp_path / "a")
    third = ingest_flow(inputs=["inbox"], out="out")
    assert third["skipped"] == [str(deck)] and third["items"] == items
    assert list(Store(tmp_path / "a" / "out" / "state").ledger()) == [str(deck)]


@pytest.fixture
def small_disk(tmp_path):
    """A 2.6 MB file system (tmpfs): room for one small deck's dataset, not for three."""
    import subprocess

    where = tmp_path / "disk"
    where.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2600k", "tmpfs", str(where)],
                          capture_output=True)
    if made.returncode:
        pytest.skip("mounting a small tmpfs needs root: " + made.stderr.decode().strip())
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_full_disk_exits_4_and_keeps_the_dataset_whole(prefect_harness, small_disk, inbox,
                                                         capsys):
    """The dataset does not fit: one line, exit 4, no temporary file left, the earlier
    dataset whole and readable (Parquet and DuckDB alike), and once there is room again the
    next run writes it without reading the documents again."""
    import subprocess

    import duckdb

    out = small_disk / "out"
    assert main(["ingest", str(inbox), "--out", str(out)]) == ExitCode.ok
    before = pd.read_parquet(out / "roadmap.parquet")
    shutil.copy(SAMPLES / "produktstyret_mote39_2023-04-20.pptx", inbox)
    shutil.copy(SAMPLES / "produktstyret_mote39_2023-04-20.pdf", inbox)
    capsys.readouterr()
    assert main(["ingest", str(inbox), "--out", str(out)]) == ExitCode.output_error
    err = capsys.readouterr().err
    assert f"{out}: cannot write the dataset (No space left on device)" in err
    assert "Traceback" not in err
    assert not [p for p in small_disk.rglob(".*") if ".tmp" in p.name]
    assert pd.read_parquet(out / "roadmap.parquet").equals(before)
    with duckdb.connect(str(out / "veikart.duckdb"), read_only=True) as con:
        assert con.execute('SELECT count(*) FROM roadmap').fetchall() == [(len(before),)]
    subprocess.run(["mount", "-o", "remount,size=50m", str(small_disk)], check=True)
    assert main(["ingest", str(inbox), "--out", str(out)]) == ExitCode.ok
    assert "0 read (0 ok, 0 failed), 3 unchanged" in capsys.readouterr().out
    assert len(pd.read_parquet(out / "roadmap.parquet")) > len(before)


def test_an_output_folder_that_cannot_be_made_exits_4_in_one_line(tmp_path, inbox, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    assert main(["ingest", str(inbox), "--out", str(tmp_path / "a-file" / "out")]) == \
        ExitCode.output_error
    err = capsys.readouterr().err.strip()
    assert err == f"veikart: error: {tmp_path / 'a-file' / 'out'}: cannot be made (Not a directory)"


def test_three_ingests_at_once_each_keep_their_run_row(tmp_path):
    """Three ingests started together on one output folder: they take turns (the lock), all
    three succeed, and the runs table holds a row for each."""
    import subprocess
    import sys

    inboxes = []
    for i, name in enumerate((f"{DIST}.pptx", "produktstyret_mote39_2023-04-20.pptx",
                              "prosjektside_digital_dialog.html")):
        inboxes.append(tmp_path / f"inbox{i}")
        inboxes[-1].mkdir()
        shutil.copy(SAMPLES / name, inboxes[-1])
    out = tmp_path / "out"
    exe = Path(sys.executable).parent / "veikart"
    procs = [subprocess.Popen([str(exe), "ingest", str(inbox), "--out", str(out), "--wait",
                               "300"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for inbox in inboxes]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert any("waiting for it" in err for _, err in results)  # they did take turns
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 3 and runs.run_id.is_unique
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 3 and set(docs.status) == {"ok"}
