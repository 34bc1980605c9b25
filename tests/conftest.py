"""Shared fixtures: one Prefect test harness per session, the samples, one ingest of them."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT / "scripts"))  # sample_spec: the ground truth of the samples

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# Remote sources retry transient failures after a pause: keep the pauses short in tests.
os.environ.setdefault("VEIKART_RETRY_BACKOFF", "0.01")
# A run's local Prefect server stops with it: no test leaves one for the next to find
# (tests/test_kept_server.py sets VEIKART_SERVER_IDLE itself).
os.environ.setdefault("VEIKART_SERVER_IDLE", "0")

MOTE39 = "produktstyret_mote39_2023-04-20"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app):
    """``app`` served by uvicorn on a free port of 127.0.0.1, configured as ``veikart review``
    serves it (``review.app.server``); yields its URL."""
    import threading
    import time

    from review.app import server

    port = free_port()
    running = server(app, port, log_level="critical")
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not running.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def page_texts(out: Path) -> dict[tuple[str, int], str]:
    """(source_sha256, page) -> page text, from a dataset's pages table."""
    import pandas as pd

    pages = pd.read_parquet(out / "pages.parquet")
    return {(s, p): t for s, p, t in zip(pages.source_sha256, pages.page, pages.text,
                                         strict=True)}
DIST = "samarbeidsforum_dist_2023-09-14"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120), temporary_settings(
            {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def catalogue():
    from normalize import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session")
def matcher(catalogue):
    from normalize import Matcher

    return Matcher(catalogue)


@pytest.fixture(scope="session")
def extracted():
    """Each sample extracted once per session (OCR is the slow part)."""
    from extractors import extract

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = extract(SAMPLES / name)
        return cache[name]

    return get


@pytest.fixture(scope="session")
def ingested(prefect_harness, tmp_path_factory):
    """The flow run once over samples/: (output folder, summary)."""
    from flows.ingest import ingest_flow

    out = tmp_path_factory.mktemp("out")
    summary = ingest_flow(inputs=[str(SAMPLES)], out=str(out))
    return out, summary


def prefect_servers(home: Path) -> list[int]:
    """The pids of the Prefect API servers running with ``home`` as their PREFECT_HOME."""
    import psutil

    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "environ"]):
        try:
            env, cmd = proc.info["environ"] or {}, " ".join(proc.info["cmdline"] or [])
        except psutil.Error:
            continue
        if env.get("PREFECT_HOME") == str(home) and "prefect.server.api.server" in cmd:
            found.append(proc.info["pid"])
    return found


def interrupt_group(proc, timeout: float = 60) -> None:
    """Ctrl-C to ``proc``'s process group (a ``veikart serve`` started with
    ``start_new_session``), as a user stops it; killed when it has not ended in ``timeout``."""
    import os
    import signal
    import subprocess

    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
