"""Every core busy, and the fixed cost of a run (issue #14): documents read in worker
processes, the same rows as read in the run's own process; a run's Prefect server started
in the background, or a running ``veikart serve``'s server used instead; nothing left
running after a run that was stopped."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pandas as pd
import psutil
import pytest
from conftest import DIST, MOTE39, SAMPLES, free_port, interrupt_group

EXE = Path(sys.executable).parent / "veikart"
ROOT = Path(__file__).resolve().parent.parent
TABLES = ("roadmap", "mentions", "pages", "documents")
two_cores = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs 2 cores")


def _inbox(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _env(home: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return {**env, "PREFECT_HOME": str(home), **more}


def _ingest(inbox: Path, out: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), "ingest", str(inbox), "--out", str(out), *extra],
                          env=env, capture_output=True, text=True, timeout=600)


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(out / f"{t}.parquet").drop(columns="run_id") for t in TABLES}


@two_cores
def test_documents_are_read_in_worker_processes_with_the_same_rows(tmp_path):
    """A run of several documents reads them in two worker processes (Prefect's log says how
    many read documents); its tables equal those of a run that reads every document in its
    own process (VEIKART_WORKERS=1), which starts none."""
    inbox = _inbox(tmp_path / "inbox", [f"{DIST}.pptx", f"{MOTE39}.pptx", f"{MOTE39}.pdf",
                                        "prosjektside_digital_dialog.html"])
    home = tmp_path / "prefect"
    pooled = _ingest(inbox, tmp_path / "pooled", _env(home, PREFECT_LOGGING_LEVEL="INFO"), "-v")
    assert pooled.returncode == 0, pooled.stderr
    said = pooled.stdout + pooled.stderr
    assert "reading 4 documents in 2 worker processes" in said
    assert "2 worker processes read the documents" in said
    alone = _ingest(inbox, tmp_path / "alone", _env(home, VEIKART_WORKERS="1",
                                                    PREFECT_LOGGING_LEVEL="INFO"), "-v")
    assert alone.returncode == 0, alone.stderr
    assert "worker processes" not in alone.stdout + alone.stderr
    for name, table in _tables(tmp_path / "pooled").items():
        pd.testing.assert_frame_equal(table, _tables(tmp_path / "alone")[name], obj=name)


@two_cores
def test_a_flow_run_among_running_threads_takes_workers_from_a_fork_server(
        prefect_harness, tmp_path, monkeypatch):
    """Called where threads already run (here: a test harness; in production a served flow
    run), the flow cannot fork: a large enough run gets workers from a fork server, and they
    read under the caller's environment as it is at the call; a run of one document is read
    in the flow's own process."""
    from flows import workers
    from flows.ingest import ingest_flow

    monkeypatch.setattr(workers, "FORKSERVER_MIN", 8)  # (50 by default: a backfill)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    page = (SAMPLES / "prosjektside_digital_dialog.html").read_text("utf-8")
    for i in range(workers.FORKSERVER_MIN):
        (inbox / f"side_{i}.html").write_text(page + f"\n<!-- {i} -->\n", "utf-8")
    summary = ingest_flow(inputs=[str(inbox)], out=str(tmp_path / "out"))
    assert {d["status"] for d in summary["documents"]} == {"ok"}
    assert summary["worker_processes"] == 2
    # the environment of the call, not the fork server's: a 5-byte limit fails every page
    monkeypatch.setenv("VEIKART_MAX_HTML_MB", str(5 / 2**20))
    for i in range(workers.FORKSERVER_MIN):
        (inbox / f"ny_{i}.html").write_text(page + f"\n<!-- ny {i} -->\n", "utf-8")
    summary = ingest_flow(inputs=[str(inbox)], out=str(tmp_path / "out"))
    # read by the workers (pages failing at once may all go to whichever worker is free
    # first, so how many of them read is the scheduler's, not this test's)
    assert summary["worker_processes"] >= 1
    assert {d["status"] for d in summary["documents"]} == {"failed"}
    assert all("VEIKART_MAX_HTML_MB" in d["error"] for d in summary["documents"])
    monkeypatch.delenv("VEIKART_MAX_HTML_MB")
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "side.html").write_text(page, "utf-8")
    summary = ingest_flow(inputs=[str(tmp_path / "en")], out=str(tmp_path / "out-en"))
    assert summary["worker_processes"] == 0 and len(summary["documents"]) == 1


def _workers(children: list[psutil.Process]) -> list[psutil.Process]:
    """The worker processes among a run's children (the other one is its Prefect server)."""
    found = []
    for child in children:
        try:
            if "uvicorn" not in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def _cpu(procs: list[psutil.Process]) -> float:
    try:
        return sum(p.cpu_times().user for p in procs) if len(procs) == 2 else 0.0
    except psutil.Error:
        return 0.0


def _running(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            pass
    return alive


@two_cores
def test_a_run_stopped_while_workers_read_leaves_no_process(tmp_path):
    """SIGTERM while two worker processes OCR: the run ends in seconds with its exit code,
    and neither its workers nor its Prefect server go on running."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    scan = SAMPLES / f"{MOTE39}_skannet.pdf"
    for i in range(3):  # distinct copies: each OCR'd (slow)
        (inbox / f"skann_{i}.pdf").write_bytes(scan.read_bytes() + f"\n% {i}\n".encode())
    env = _env(tmp_path / "prefect")
    proc = subprocess.Popen([str(EXE), "ingest", str(inbox), "--out", str(tmp_path / "out")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    children: list[psutil.Process] = []
    while time.monotonic() < deadline and _cpu(_workers(children)) < 1.0:  # both reading
        children = root.children()
        time.sleep(0.2)
    assert len(_workers(children)) == 2, children
    assert all(w.cpu_times().user > 0.3 for w in _workers(children))
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "stopped (SIGTERM)" in err and "Traceback" not in err
    pids = [c.pid for c in children]
    deadline = time.monotonic() + 10
    while _running(pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _running(pids) == []


def test_an_ingest_uses_the_server_of_a_running_serve_and_leaves_it_running(tmp_path):
    """While `veikart serve` runs, an ingest reports its flow run to serve's Prefect server
    (registered as shared) instead of starting one of its own, and that server goes on
    answering after the ingest."""
    home = tmp_path / "prefect"
    env = _env(home)
    port = free_port()
    serve_inbox = _inbox(tmp_path / "serve-inbox", ["prosjektside_digital_dialog.html"])
    serve = subprocess.Popen([str(EXE), "serve", "--source", str(serve_inbox), "--out",
                              str(tmp_path / "serve-out"), "--port", str(port)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not _answers(api):
            assert serve.poll() is None
            time.sleep(0.5)
        inbox = _inbox(tmp_path / "inbox", [f"{DIST}.pptx"])
        done = _ingest(inbox, tmp_path / "out", env)
        assert done.returncode == 0, done.stderr
        runs = _post(api + "/flow_runs/filter", {})
        ours = [r for r in runs if r["parameters"].get("inputs") == [str(inbox)]]
        assert len(ours) == 1 and ours[0]["state_type"] == "COMPLETED"
        assert _answers(api)  # left running for serve
        records = [json.loads(p.read_text()) for p in (home / "veikart-servers").glob("*.json")]
        assert [r["shared"] for r in records] == [True]  # the ingest registered none
    finally:
        interrupt_group(serve)


def _answers(api: str) -> bool:
    try:
        with urllib.request.urlopen(api + "/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _post(url: str, body: dict) -> list[dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_batches_amortise_prefect_bookkeeping_and_keep_every_worker_busy():
    """Without workers (or on Dask) a task reads one document; with them, a task reads up
    to BATCH_MAX documents, at least four tasks per worker, every document once, in order."""
    from flows.ingest import BATCH_MAX, batches

    paths = [f"/inbox/{i:03d}.pptx" for i in range(60)]
    assert batches(paths, 0) == [[p] for p in paths]
    two = batches(paths, 2)
    assert [p for b in two for p in b] == paths
    assert len(two) >= 8 and max(map(len, two)) == BATCH_MAX
    assert batches(paths[:6], 2) == [[p] for p in paths[:6]]  # few: one each
    assert batches(paths[:10], 2) == [paths[i:i + 2] for i in range(0, 10, 2)]


@two_cores
def test_a_batch_hands_its_documents_to_the_workers_at_once_and_a_bug_costs_one(monkeypatch):
    """run_each: every call of a batch goes to the worker processes at once (both read),
    each result in its place; a call that raises gives its exception and the others go
    on; without workers the calls run here, the same way."""
    from flows import workers

    monkeypatch.setattr(workers, "FORKSERVER_MIN", 2)  # (threads may run: a harness)
    calls = [("1",), ("x",), ("3",), ("4",)]
    with workers.document_workers(4) as processes:
        assert processes == 2
        got = workers.run_each(int, calls)
        assert workers.readers() >= 1
    assert got[0] == 1 and got[2:] == [3, 4] and isinstance(got[1], ValueError)
    alone = workers.run_each(int, calls)
    assert alone[0] == 1 and alone[2:] == [3, 4] and isinstance(alone[1], ValueError)


@two_cores
def test_calls_handed_to_the_workers_ahead_are_taken_not_made_again(monkeypatch, tmp_path):
    """read_ahead: calls handed over before their tasks run are made once, by a worker;
    run and run_each then take their outcomes (each call here makes one file)."""
    import tempfile

    from flows import workers

    monkeypatch.setattr(workers, "FORKSERVER_MIN", 2)  # (threads may run: a harness)
    calls = [("", f"{i}-", str(tmp_path)) for i in range(3)]
    with workers.document_workers(3) as processes:
        assert processes == 2
        workers.read_ahead(tempfile.mkstemp, calls)
        first = workers.run(tempfile.mkstemp, *calls[0])
        rest = workers.run_each(tempfile.mkstemp, [list(c) for c in calls[1:]])
        again = workers.run(tempfile.mkstemp, *calls[0])  # not handed over: made now
    made = sorted(p.name for p in tmp_path.iterdir())
    assert [m[:2] for m in made] == ["0-", "0-", "1-", "2-"]
    assert {first[1], *(r[1] for r in rest), again[1]} == {str(tmp_path / m) for m in made}
    workers.read_ahead(tempfile.mkstemp, calls)  # no workers open: nothing is done
    assert len(list(tmp_path.iterdir())) == 4


@two_cores
def test_a_run_with_workers_reads_its_documents_in_batches(tmp_path):
    """Ten web pages with two workers: five Prefect task runs of two documents each (on
    the server the run kept, asked afterwards), every document read and recorded."""
    from flows.server import stop_kept

    page = (SAMPLES / "prosjektside_digital_dialog.html").read_text("utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(10):
        (inbox / f"side_{i}.html").write_text(page + f"\n<!-- {i} -->\n", "utf-8")
    home = tmp_path / "prefect"
    try:
        done = _ingest(inbox, tmp_path / "out", _env(home, VEIKART_SERVER_IDLE="120"))
        assert done.returncode == 0, done.stderr
        [record] = [json.loads(p.read_text()) for p in (home / "veikart-servers").glob("*.json")]
        tasks = _post(record["api_url"] + "/task_runs/filter", {})
    finally:
        stop_kept(home)
    names = sorted(t["name"] for t in tasks if t["name"].startswith("ingest "))
    assert len(names) == 5 and all(n.endswith(" and 1 more") for n in names)
    assert {t["state_type"] for t in tasks} == {"COMPLETED"}
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert len(docs) == 10 and set(docs.status) == {"ok"}


def test_a_stop_python_swallowed_in_a_weakref_callback_is_delivered_again():
    """SIGTERM handled while Python ran a ``__del__`` (an import's module-lock callback, in
    the CI run that hung): the stop raised there is printed as "Exception ignored" and
    dropped, and the run went on reading for a minute. veikart sends the signal again, so
    the run unwinds in ordinary code."""
    script = textwrap.dedent("""
        import os, signal, sys, time
        from veikart import cli
        cli._handle_stops()

        class Dying:
            def __del__(self):  # the signal is handled here, where exceptions are dropped
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)

        try:
            Dying()
            for _ in range(100):  # the run reading on
                time.sleep(0.02)
            print("went on")
        except cli.Terminated:
            print("stopped")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.stdout.strip() == "stopped", (done.stdout, done.stderr)
