"""Scheduled ingestion: serve the ingest flow as a Prefect deployment with a cron schedule.

Prefect's embedded mode cannot schedule, so when PREFECT_API_URL is not set ``serve`` starts
a local Prefect server on 127.0.0.1, waits until it answers, restarts it if it dies, and
stops it on the way out; with PREFECT_API_URL set, the configured server is used. The user
runs one command either way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .server import spawn_registered, stop_orphans, unregister

DEPLOYMENT = "veikart-ingest/scheduled"


class LocalPrefectServer:
    """``prefect server start`` on 127.0.0.1, supervised."""

    def __init__(self, port: int, home: Path | None = None, restarts: int = 3):
        self.port = port
        self.url = f"http://127.0.0.1:{port}/api"
        self.home = home
        self.restarts = restarts
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._log = None

    def _spawn(self) -> None:
        env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
               "PREFECT_UI_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        if self.home:
            env["PREFECT_HOME"] = str(self.home)
            self.home.mkdir(parents=True, exist_ok=True)
            self._log = open(self.home / "server.log", "ab")  # noqa: SIM115
        self.process = spawn_registered(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
             "--port", str(self.port)], api_url=self.url, shared=True, env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True)

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self, timeout: float = 90) -> None:
        self._spawn()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Prefect server exited with {self.process.returncode}")
            if self.healthy():
                threading.Thread(target=self._supervise, daemon=True).start()
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the Prefect server did not answer on {self.url} in {timeout:.0f} s")

    def _supervise(self) -> None:
        while not self._stopping.wait(2):
            if self.process and self.process.poll() is not None and self.restarts > 0:
                self.restarts -= 1
                unregister(self.process.pid)
                print(f"veikart: the Prefect server stopped ({self.process.returncode}); "
                      "starting it again", file=sys.stderr)
                self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        if self.process:
            unregister(self.process.pid)


def _run_soon(deployment: str, api: str) -> None:
    """Trigger one run of the deployment as soon as it is registered (in its own thread,
    which does not inherit the settings context: hence ``api``)."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api}):
        for _ in range(120):
            try:
                run_deployment(deployment, timeout=0)
                return
            except Exception:  # noqa: BLE001 - not registered yet
                time.sleep(1)


def serve(sources: list[str], out: str, cron: str, catalogue: str | None = None,
          state: str | None = None, dask_address: str | None = None,
          timezone: str = "Europe/Oslo", port: int = 4200, run_now: bool = False) -> int:
    """Serve the ingest flow on ``cron`` until interrupted; returns an exit code."""
    from prefect.schedules import Cron
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from .ingest import flow_for

    server = None
    api = os.environ.get("PREFECT_API_URL")
    stop_orphans()
    if not api:
        home = Path(state) if state else Path(out) / "state"
        server = LocalPrefectServer(port, home / "prefect")
        print(f"veikart: starting a Prefect server on http://127.0.0.1:{port}", flush=True)
        server.start()
        api = server.url
    try:
        with temporary_settings({PREFECT_API_URL: api}):
            flow = flow_for(dask_address)
            if run_now:
                threading.Thread(target=_run_soon, args=(DEPLOYMENT, api), daemon=True).start()
            print(f"veikart: serving {DEPLOYMENT} on '{cron}' ({timezone}); Ctrl-C stops",
                  flush=True)
            flow.serve(name="scheduled", schedules=[Cron(cron, timezone=timezone)],
                       parameters={"inputs": sources, "out": out, "catalogue": catalogue,
                                   "state": state},
                       pause_on_shutdown=False, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        if server:
            server.stop()
    return 0
