"""The Prefect API servers veikart starts for itself, and the ones a killed run left behind.

Without ``PREFECT_API_URL`` a flow run needs a local API server. Prefect starts one as a child
process and stops it when Python exits normally; a run killed with SIGKILL (or the OOM killer)
cannot, and its server would go on listening, holding ≈ 220 MB, forever. So veikart starts that
server itself (:func:`prefect_api`), in the background while the run goes on, and writes a
pid file for it into ``PREFECT_HOME/veikart-servers/``: the server's pid, start time and URL
beside its owner's. Every later run first stops the servers whose owner is gone
(:func:`stop_orphans`). Start times are compared too, so a pid the system has since given to
another process is never touched. A server registered as shared (``veikart serve``'s) that
answers is used by the runs meanwhile, and none is started.

A server a run started is kept for the runs after it (``VEIKART_SERVER_IDLE`` seconds, default
:data:`IDLE_DEFAULT`; 0 stops it with the run): the run that ends normally hands it over,
and it stops itself once no run has held a lease on it for that long
(``flows/kept_server.py``). A later run with the same Prefect settings takes a lease on it
instead of starting one, and so skips the server's start (≈ 3 s here). A run stopped by
Ctrl-C, SIGTERM or an error stops the server it started, as before.
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import psutil

from veikart.files import atomic_write_text, content_id

REGISTRY = "veikart-servers"
#: Seconds a local server a run started stays up for the next run, by default.
IDLE_DEFAULT = 300.0
IDLE_ENV = "VEIKART_SERVER_IDLE"


def idle_seconds() -> float:
    """How long a local server a run started is kept after it (0: not kept)."""
    try:
        return max(float(os.environ.get(IDLE_ENV, IDLE_DEFAULT)), 0.0)
    except ValueError:
        return IDLE_DEFAULT


def settings_key() -> str:
    """What a server started by this process depends on: this Python (its Prefect) and the
    Prefect settings in the environment (but for logging). A kept server is used only by
    runs with the same key."""
    prefect = sorted((k, v) for k, v in os.environ.items()
                     if k.startswith("PREFECT_") and "LOGGING" not in k)
    return content_id(sys.executable, repr(prefect), length=16)


def registry(home: Path | None = None) -> Path:
    """Where the pid files are: one per server a veikart process started and owns. Read
    from the environment, as Prefect does by default, so that a run that starts no flow
    need not import Prefect to look (or that of Prefect home ``home``)."""
    home = home or os.environ.get("PREFECT_HOME") or "~/.prefect"
    return Path(home).expanduser() / REGISTRY


def _started(pid: int) -> float | None:
    """When process ``pid`` started (None: there is no such process, or it is a zombie)."""
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.create_time()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _same(pid: int, started: float) -> bool:
    now = _started(pid)
    return now is not None and abs(now - started) < 1.0


def folder_of(registry: Path, server_pid: int) -> Path:
    """Where a kept server's lock and leases are (:mod:`flows.kept_server`)."""
    return registry / f"{server_pid}.d"


@contextmanager
def locked(folder: Path, create: bool = True) -> Iterator[bool]:
    """A kept server's lock: held by the server while it decides to stop, by a run while it
    takes a lease on it; whether it is held (without ``create``, not when the folder is
    gone: so is its server, which removes it as it ends)."""
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    try:
        handle = open(folder / "lock", "a")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        yield False
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def take_lease(folder: Path) -> Path:
    """A lease on a kept server for this process, until the file is removed or the process
    ends."""
    leases = folder / "leases"
    leases.mkdir(parents=True, exist_ok=True)
    path = leases / str(os.getpid())
    path.write_text(json.dumps({"pid": os.getpid(), "started": _started(os.getpid())}))
    return path


def live_leases(folder: Path) -> int:
    """How many leases on a kept server are held by processes still running (the others
    are removed)."""
    live = 0
    leases = folder / "leases"
    for path in leases.iterdir() if leases.is_dir() else []:
        try:
            lease = json.loads(path.read_text())
            alive = lease["started"] is not None and _same(lease["pid"], lease["started"])
        except (OSError, ValueError, KeyError, TypeError):
            alive = False
        if alive:
            live += 1
        else:
            path.unlink(missing_ok=True)
    return live


def register(server_pid: int, owner_pid: int | None = None, api_url: str | None = None,
             shared: bool = False, kept: str | None = None) -> Path:
    """Write the pid file of a server that ``owner_pid`` (this process) started, and where
    it answers; a ``shared`` one (``veikart serve``'s) other runs may use while it runs; a
    ``kept`` one (its settings key) runs after its owner, for the runs that share the key."""
    owner = owner_pid or os.getpid()
    record = {"server_pid": server_pid, "server_started": _started(server_pid),
              "owner_pid": owner, "owner_started": _started(owner), "api_url": api_url,
              "shared": shared, "kept": kept}
    return atomic_write_text(registry() / f"{server_pid}.json", json.dumps(record))


def _records(home: Path | None = None) -> Iterator[tuple[Path, dict]]:
    folder = registry(home)
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            record = None
        yield path, record if isinstance(record, dict) else {}


def _say(message: str) -> None:
    print(f"veikart: {message}", file=sys.stderr, flush=True)


def stop_orphans(say: Callable[[str], None] | None = _say) -> list[int]:
    """Stop every registered server whose owner is gone, saying so with ``say``; the pids
    stopped. A pid file that cannot be read, or whose server is gone too, is removed."""
    stopped = []
    folder = registry()
    for path, record in _records():
        try:
            owner, server = record["owner_pid"], record["server_pid"]
            owner_alive = owner is not None and record["owner_started"] is not None and \
                _same(owner, record["owner_started"])
        except (KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        if owner_alive:
            continue
        if owner is None and record.get("kept"):  # handed over: it stops itself
            if record["server_started"] is None or not _same(server, record["server_started"]):
                path.unlink(missing_ok=True)  # (gone without removing its files)
                shutil.rmtree(folder_of(folder, server), ignore_errors=True)
            continue
        if record["server_started"] is not None and _same(server, record["server_started"]):
            _stop(server)
            shutil.rmtree(folder_of(folder, server), ignore_errors=True)
            stopped.append(server)
            if say:
                say(f"stopped the Prefect server (pid {server}) a killed run (pid {owner}) "
                    "left running")
        path.unlink(missing_ok=True)
    return stopped


def _stop(pid: int, grace: float = 10) -> None:
    """SIGTERM to the server and the processes it started, SIGKILL to those still there
    after ``grace`` seconds."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with suppress(psutil.NoSuchProcess):
            proc.terminate()
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for proc in alive:
        with suppress(psutil.NoSuchProcess):
            proc.kill()


def stop_kept(home: Path | None = None) -> list[int]:
    """Stop the kept servers (of Prefect home ``home``) that no run is using now, before
    their home is removed (a benchmark's); the pids stopped."""
    stopped = []
    for path, record in _records(home):
        pid, started = record.get("server_pid"), record.get("server_started")
        if not record.get("kept") or record.get("owner_pid") is not None or started is None:
            continue
        folder = folder_of(registry(home), pid)
        with locked(folder, create=False) as held:
            if held and live_leases(folder):
                continue
            path.unlink(missing_ok=True)
        if _same(pid, started):
            _stop(pid)
            stopped.append(pid)
        shutil.rmtree(folder, ignore_errors=True)
    return stopped


#: The environment Prefect gives the API server it starts for a flow run without a server
#: (``SubprocessASGIServer``): no UI, no background services, its last instance.
EMBEDDED_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1"}
#: uvicorn's exit code when it cannot start (its port taken since it was chosen).
STARTUP_FAILURE = 3
#: Variables of the run's environment its local server is not given (source credentials).
PRIVATE = ("AWS_", "VEIKART_")
#: Prefect's API app, as uvicorn is told to make it.
APP = "prefect.server.api.server:create_app"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(api_url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(api_url + "/health", timeout=timeout) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def shared_server() -> str | None:
    """The API URL of a running server registered to be shared (``veikart serve``'s), if
    one answers; None otherwise."""
    for _, record in _records():
        try:
            url, pid, started = record.get("api_url"), record["server_pid"], \
                record["server_started"]
        except KeyError:
            continue
        if (record.get("shared") and url and started is not None and _same(pid, started)
                and _answers(url)):
            return url
    return None


def kept_server_lease(key: str) -> tuple[str, int, Path] | None:
    """A lease on a kept server with settings ``key`` that answers: its API URL, pid and
    the lease file (removed when the run is done with it); None when there is none."""
    for path, record in _records():
        if record.get("kept") != key or not record.get("api_url"):
            continue
        pid, started = record.get("server_pid"), record.get("server_started")
        if not isinstance(pid, int) or started is None or not _same(pid, started):
            continue
        folder = folder_of(registry(), pid)
        with locked(folder, create=False) as held:  # the server decides to stop under it
            if not held or not path.exists() or not _answers(record["api_url"]):
                continue
            return record["api_url"], pid, take_lease(folder)
    return None


def _configured() -> bool:
    """Whether this process's flow runs already have a server: ``PREFECT_API_URL`` (the
    environment, a Prefect profile, a test harness's settings), or the temporary server
    Prefect started in this process."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return True
    running = sys.modules.get("prefect.server.api.server")
    return bool(running and running.SubprocessASGIServer().running)


class PrefectApi:
    """The Prefect API server of this process's flow runs. :meth:`start` returns at once:
    the local server it starts (when none is configured or shared) imports Prefect's server
    in a process of its own while this one goes on (≈ 3 s on this kind of machine, Prefect's
    own ``SubprocessASGIServer`` imports it here first, ≈ 1.5 s more); :meth:`connected`
    waits until it answers."""

    def __init__(self, verbose: bool = False) -> None:
        self.verbose = verbose
        self._log: IO[bytes] | None = None
        self.process: subprocess.Popen | None = None
        self.api_url: str | None = None
        self.shared = False
        self._pid_file: Path | None = None
        #: The lease this run holds on a kept server (one it started, or an earlier run's).
        self._lease: Path | None = None
        #: The pid of the kept server this run uses, and whether this run started it.
        self.kept_pid: int | None = None
        self.started_kept = False
        #: Set when this run handed the server it started over to the runs after it.
        self.handed_over: str | None = None

    def start(self) -> None:
        if os.environ.get("PREFECT_API_URL") or ("prefect.settings" in sys.modules
                                                 and _configured()):
            return  # (Prefect not imported yet: a profile's URL is seen in connected())
        self.api_url = shared_server()
        if self.api_url:
            self.shared = True
            return
        if idle_seconds() > 0:
            lease = kept_server_lease(settings_key())
            if lease is not None:
                self.api_url, self.kept_pid, self._lease = lease
                return
        self._spawn()

    def _spawn(self) -> None:
        port = _free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        prefect_dir = importlib.util.find_spec("prefect").submodule_search_locations[0]
        idle = idle_seconds()
        # Its output is shown with -v (but for a kept server, which outlives the run's
        # terminal), else kept for the reason it did not start (stopped as it starts, by
        # Ctrl-C, uvicorn prints a traceback: not the user's to read)
        if (idle > 0 or not self.verbose) and self._log is None:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        if idle > 0:  # its own session: a Ctrl-C meant for a later run is not its end
            command = [sys.executable, "-m", "flows.kept_server", APP, "--port", str(port),
                       "--idle", str(idle), "--registry", str(registry())]
        else:
            command = [sys.executable, "-m", "uvicorn", "--app-dir",
                       str(Path(prefect_dir).parent), "--factory", APP, "--host", "127.0.0.1",
                       "--port", str(port), "--log-level", "error", "--lifespan", "on"]
        # (it needs no credentials of veikart's sources, and a kept one outlives the run)
        env = {k: v for k, v in os.environ.items() if not k.startswith(PRIVATE)}
        self.process = subprocess.Popen(
            command, env={**env, **EMBEDDED_ENV}, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=self._log, start_new_session=idle > 0)
        self._pid_file = register(self.process.pid, api_url=self.api_url,
                                  kept=settings_key() if idle > 0 else None)
        if idle > 0:
            self.kept_pid, self.started_kept = self.process.pid, True
            self._lease = take_lease(folder_of(registry(),
                                                                       self.process.pid))

    def _wait(self) -> None:
        timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 120))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll()
            if code == STARTUP_FAILURE:  # the port was taken meanwhile: another one
                self.stop()
                self._spawn()
            elif code is not None:
                said = self._said()
                self.stop()
                raise RuntimeError(f"the local Prefect server exited with {code} as it started"
                                   + (f": {said}" if said else ""))
            elif _answers(self.api_url):
                return
            time.sleep(0.05)
        said = self._said()
        self.stop()
        raise RuntimeError(f"the local Prefect server did not answer in {timeout:.0f} s"
                           + (f": {said}" if said else ""))

    def _said(self) -> str:
        """The last line the server printed (when its output is kept)."""
        if self._log is None:
            return ""
        self._log.seek(0)
        lines = self._log.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1].strip() if lines else ""

    @contextmanager
    def connected(self) -> Iterator[str | None]:
        """Prefect pointed at the server (its URL; None where one was configured already)."""
        if self.api_url is None or _configured():
            self.stop()  # a profile's PREFECT_API_URL or a test harness: theirs, not ours
            yield None
            return
        if self.process is not None:
            self._wait()
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            temporary_settings,
        )

        settings = {PREFECT_API_URL: self.api_url}
        if not self.shared:  # no service of this server reads heartbeats; a flow run's end
            settings[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None  # waited up to 1 s for one
        with temporary_settings(settings):
            try:
                yield self.api_url
            finally:
                _drain()

    def release(self) -> None:
        """The run is done with its server: a kept one (started here or by an earlier run)
        is left running for the next run and stops itself when idle; one started here and
        not kept is stopped."""
        if self.started_kept and self.process is not None and self.process.poll() is None:
            record = {"server_pid": self.process.pid,
                      "server_started": _started(self.process.pid), "owner_pid": None,
                      "owner_started": None, "api_url": self.api_url, "shared": False,
                      "kept": settings_key()}
            atomic_write_text(registry() / f"{self.process.pid}.json", json.dumps(record))
            self.handed_over = (f"the local Prefect server (pid {self.process.pid}, "
                                f"{self.api_url.removesuffix('/api')}) is kept for the next "
                                f"run and stops itself after {idle_seconds():g} s unused "
                                f"({IDLE_ENV}=0: stop it with the run)")
            self.process, self._pid_file, self.started_kept = None, None, False
        self.stop()

    def stop(self) -> None:
        """Stop the server this process started (a shared one is left to its owner, a kept
        one of an earlier run to itself); give up this run's lease."""
        if self._lease is not None:
            self._lease.unlink(missing_ok=True)
            self._lease = None
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self._pid_file is not None:
            self._pid_file.unlink(missing_ok=True)
            self._pid_file = None
        if self.started_kept and self.kept_pid is not None:
            shutil.rmtree(folder_of(registry(), self.kept_pid), ignore_errors=True)
            self.started_kept = False
        if self._log is not None:
            self._log.close()
            self._log = None


def _drain(timeout: float = 5) -> None:
    """Send the run's last logs and events while the server still answers (at exit they
    found it stopped: "Error logging to API" with ``-v``)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        with suppress(Exception):
            service.drain_all(timeout=timeout)


@contextmanager
def prefect_api(verbose: bool = False) -> Iterator[PrefectApi]:
    """The API server for this process's flow runs, started in the background (see
    :class:`PrefectApi`; ``with api.connected():`` around the flow), registered while it
    runs and stopped on the way out (Ctrl-C and SIGTERM included). A configured server
    (``PREFECT_API_URL``), a shared one that answers (``veikart serve``'s) or the one a
    test harness runs is used instead, and left running."""
    api = PrefectApi(verbose)
    try:
        api.start()
        yield api
    except BaseException:
        api.stop()
        raise
    api.release()


def spawn_registered(args: list[str], api_url: str | None = None, shared: bool = False,
                     **popen) -> subprocess.Popen:
    """``subprocess.Popen(args)`` for a server process, registered until it is stopped (the
    scheduler's ``prefect server start``, shared: an ingest run meanwhile reports to it)."""
    proc = subprocess.Popen(args, **popen)
    register(proc.pid, api_url=api_url, shared=shared)
    return proc


def unregister(pid: int) -> None:
    (registry() / f"{pid}.json").unlink(missing_ok=True)
