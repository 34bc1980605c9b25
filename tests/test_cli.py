"""The veikart command: summaries, exit codes, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import DIST, ROOT, SAMPLES
from fixtures import BROKEN_REASON, corrupt_pdf

from veikart.cli import main
from veikart.errors import ExitCode


def test_ingest_prints_a_summary(prefect_harness, tmp_path, capsys):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "deck.pptx").write_bytes((SAMPLES / f"{DIST}.pptx").read_bytes())
    code = main(["ingest", str(inbox), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == ExitCode.ok
    assert "1 documents: 1 read (1 ok, 0 failed), 0 unchanged" in out
    assert "roadmap items" in out
    assert "auto" in out and str(tmp_path / "out") in out


def test_a_second_run_reads_nothing_and_says_so(prefect_harness, tmp_path, capsys):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "deck.pptx").write_bytes((SAMPLES / f"{DIST}.pptx").read_bytes())
    args = ["ingest", str(inbox), "--out", str(tmp_path / "out")]
    assert main(args) == ExitCode.ok
    capsys.readouterr()
    assert main(args) == ExitCode.ok
    assert "1 documents: 0 read (0 ok, 0 failed), 1 unchanged" in capsys.readouterr().out


def test_an_unchanged_run_starts_no_prefect(prefect_harness, tmp_path, capsys, monkeypatch):
    """With nothing to read and a current dataset, the run is decided before any Prefect
    machinery: it works with the flow unavailable, and still adds its runs row."""
    import pandas as pd

    import flows.ingest

    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "deck.pptx").write_bytes((SAMPLES / f"{DIST}.pptx").read_bytes())
    args = ["ingest", str(inbox), "--out", str(tmp_path / "out")]
    assert main(args) == ExitCode.ok

    def no_flow(*_args, **_kwargs):
        raise AssertionError("the flow was started")

    monkeypatch.setattr(flows.ingest, "flow_for", no_flow)
    assert main(args) == ExitCode.ok
    assert "0 read (0 ok, 0 failed), 1 unchanged" in capsys.readouterr().out
    runs = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    assert list(runs.processed) == [1, 0] and list(runs.skipped) == [0, 1]
    # a new document needs the flow
    (inbox / "notat.txt").write_text("• Timer 2.0\n", "utf-8")
    assert main(args) == ExitCode.other_error
    assert "the flow was started" in capsys.readouterr().err


def test_an_unchanged_run_imports_no_pdf_reader(tmp_path):
    """The backends are imported when a document of their format is read: a run with
    nothing to read (a fresh process, as the morning job is) never imports the PDF stack,
    and a run that reads a web page in its own process (VEIKART_WORKERS=1) imports only the
    HTML reader's; by default a new document is read in a worker forked before Prefect,
    and the run's own process then imports neither its reader nor spaCy."""
    inbox = tmp_path / "in"
    inbox.mkdir()
    page = (SAMPLES / "prosjektside_digital_dialog.html").read_bytes()
    (inbox / "side.html").write_bytes(page)
    script = ("import sys; from veikart.cli import main; "
              f"code = main(['ingest', {str(inbox)!r}, '--out', {str(tmp_path / 'out')!r}]); "
              "print(code, sorted(m for m in ('extractors.pdf', 'pdfminer', 'pypdfium2', "
              "'extractors.docx', 'extractors.html', 'spacy') if m in sys.modules))")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)

    def run(**more: str) -> str:
        done = subprocess.run([sys.executable, "-c", script], env={**env, **more},
                              capture_output=True, text=True, timeout=300)
        return done.stdout.splitlines()[-1] if done.stdout else done.stderr

    assert run(VEIKART_WORKERS="1") == "0 ['extractors.html', 'spacy']"
    (inbox / "ny.html").write_bytes(page + b"<!-- ny -->")
    read = run()  # (one core: read here, as with VEIKART_WORKERS=1)
    assert read == "0 []" or len(os.sched_getaffinity(0)) < 2  # read by the worker
    assert run() == "0 []"  # nothing to read


def test_partial_failure_exit_code_and_one_line_error(prefect_harness, tmp_path, capsys):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "deck.pptx").write_bytes((SAMPLES / f"{DIST}.pptx").read_bytes())
    corrupt_pdf(inbox / "broken.pdf")
    code = main(["ingest", str(inbox), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == ExitCode.partial
    assert err.splitlines() == [f"veikart: error: {inbox / 'broken.pdf'}: {BROKEN_REASON}"]


def test_nothing_to_ingest(prefect_harness, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["ingest", str(empty), "--out", str(tmp_path / "out")]) == ExitCode.input_file
    assert "no documents found" in capsys.readouterr().err


def test_match_prints_json_lines(capsys):
    assert main(["match", "Time 2.0.", "HELSE NORD"]) == ExitCode.ok
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["outcome"] == "auto" and lines[0]["initiative_id"] == "timer-2-0"
    assert lines[1]["outcome"] == "unmatched"
    assert {"text", "candidates", "explanation", "score"} <= set(lines[0])


def test_bad_catalogue_is_one_line(tmp_path, capsys):
    cat = tmp_path / "cat.yaml"
    cat.write_text("- not: a catalogue\n", "utf-8")
    assert main(["match", "x", "--catalogue", str(cat)]) == ExitCode.bad_args
    err = capsys.readouterr().err
    assert err.startswith(f"veikart: error: {cat}") and err.count("\n") == 1


def test_extract_prints_blocks(capsys):
    assert main(["extract", str(SAMPLES / f"{DIST}.pptx")]) == ExitCode.ok
    pages = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(pages) == 2 and pages[1]["blocks"][0]["bbox"]


def test_installed_command_has_no_traceback_on_bad_input(tmp_path):
    """The real console script, as a user runs it (its own embedded Prefect server)."""
    bad = corrupt_pdf(tmp_path / "broken.pdf")
    exe = Path(sys.executable).with_name("veikart")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.run([str(exe), "ingest", str(bad), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert proc.returncode == ExitCode.input_file, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("veikart: error:")]
    assert errors == [f"veikart: error: {bad}: {BROKEN_REASON}"]
