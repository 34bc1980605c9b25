"""The local Prefect server a run starts is kept for the next run (VEIKART_SERVER_IDLE) and
stops itself when no run has used it for that long; a run stopped by SIGTERM stops it."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from conftest import DIST, SAMPLES, prefect_servers

EXE = Path(sys.executable).parent / "veikart"


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One Prefect home for the module: its database is made once (10-20 s)."""
    return tmp_path_factory.mktemp("prefect")


def _env(home: Path, idle: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    return {**env, "PREFECT_HOME": str(home), "VEIKART_SERVER_IDLE": idle}


def _inbox(folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLES / name, folder / name)
    return folder


def _ingest(inbox: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(EXE), "ingest", str(inbox), "--out", str(out)], env=env,
                          capture_output=True, text=True, timeout=600)


def _records(home: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in (home / "veikart-servers").glob("*.json")]


def _flow_runs(api: str) -> list[dict]:
    request = urllib.request.Request(api + "/flow_runs/filter", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _gone(home: Path, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not prefect_servers(home) and not list((home / "veikart-servers").glob("*")):
            return True
        time.sleep(0.5)
    return False


def test_the_next_run_reports_to_the_server_an_earlier_run_kept(home, tmp_path):
    """The first run starts a server and says it keeps it; the second reports its flow run
    to that server instead of starting one; with nobody using it, the server stops itself
    and leaves nothing in the registry."""
    env = {**_env(home, "8"), "VEIKART_WEBDAV_PASSWORD": "hemmelig"}
    first = _ingest(_inbox(tmp_path / "a", "prosjektside_digital_dialog.html"),
                    tmp_path / "out-a", env)
    assert first.returncode == 0, first.stderr
    assert "prefect: the local Prefect server (pid" in first.stdout
    assert "stops itself after 8 s unused" in first.stdout
    [record] = _records(home)
    assert record["kept"] and record["owner_pid"] is None
    assert prefect_servers(home) == [record["server_pid"]]
    server_env = psutil.Process(record["server_pid"]).environ()  # it outlives the run:
    assert "VEIKART_WEBDAV_PASSWORD" not in server_env  # no source's credentials
    second = _ingest(_inbox(tmp_path / "b", f"{DIST}.pptx"), tmp_path / "out-b", env)
    assert second.returncode == 0, second.stderr
    assert "prefect:" not in second.stdout  # it started none
    assert prefect_servers(home) == [record["server_pid"]]
    runs = _flow_runs(record["api_url"])
    assert sorted(r["parameters"]["inputs"][0] for r in runs) == [str(tmp_path / "a"),
                                                                  str(tmp_path / "b")]
    assert all(r["state_type"] == "COMPLETED" for r in runs)
    assert _gone(home, 60)


def test_no_server_is_kept_with_idle_zero(home, tmp_path):
    env = _env(home, "0")
    done = _ingest(_inbox(tmp_path / "a", "prosjektside_digital_dialog.html"),
                   tmp_path / "out", env)
    assert done.returncode == 0, done.stderr
    assert "prefect:" not in done.stdout
    assert prefect_servers(home) == [] and _records(home) == []


def test_a_run_stopped_by_sigterm_stops_the_server_it_started(home, tmp_path):
    """Kept only for a run that ends: SIGTERM in the middle of the reading stops the server
    the run started, as Ctrl-C does."""
    inbox = _inbox(tmp_path / "inbox", "produktstyret_mote39_2023-04-20_skannet.pdf")
    out = tmp_path / "out"
    proc = subprocess.Popen([str(EXE), "ingest", str(inbox), "--out", str(out)],
                            env=_env(home, "600"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not prefect_servers(home) and time.monotonic() < deadline:
        time.sleep(0.2)
    while not (out / "state" / "results").exists() and time.monotonic() < deadline:
        time.sleep(0.2)  # the flow runs: the server answered
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert _gone(home, 20)


def test_stop_kept_stops_a_kept_server_nobody_uses(home, tmp_path):
    """What a benchmark calls before its Prefect home goes: the kept server is stopped at
    once, and its pid file and lease folder with it."""
    from flows.server import stop_kept

    done = _ingest(_inbox(tmp_path / "a", "prosjektside_digital_dialog.html"),
                   tmp_path / "out", _env(home, "600"))
    assert done.returncode == 0, done.stderr
    [record] = _records(home)
    assert stop_kept(home) == [record["server_pid"]]
    assert _gone(home, 20)
