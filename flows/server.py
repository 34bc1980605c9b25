"""The Prefect API servers veikart starts for itself, and the ones a killed run left behind.

Without ``PREFECT_API_URL`` a flow run needs a local API server. Prefect starts one as a child
process and stops it when Python exits normally; a run killed with SIGKILL (or the OOM killer)
cannot, and its server would go on listening, holding ≈ 220 MB, forever. So veikart starts that
server itself (:func:`embedded_server`) and writes a pid file for it into
``PREFECT_HOME/veikart-servers/``: the server's pid and start time beside its owner's. Every
later run first stops the servers whose owner is gone (:func:`stop_orphans`). Start times are
compared too, so a pid the system has since given to another process is never touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil

from veikart.files import atomic_write_text

REGISTRY = "veikart-servers"


def registry() -> Path:
    """Where the pid files are: one per server a veikart process started and owns. Read
    from the environment, as Prefect does by default, so that a run that starts no flow
    need not import Prefect to look."""
    home = os.environ.get("PREFECT_HOME") or "~/.prefect"
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


def register(server_pid: int, owner_pid: int | None = None) -> Path:
    """Write the pid file of a server that ``owner_pid`` (this process) started."""
    owner = owner_pid or os.getpid()
    record = {"server_pid": server_pid, "server_started": _started(server_pid),
              "owner_pid": owner, "owner_started": _started(owner)}
    return atomic_write_text(registry() / f"{server_pid}.json", json.dumps(record))


def _say(message: str) -> None:
    print(f"veikart: {message}", file=sys.stderr, flush=True)


def stop_orphans(say: Callable[[str], None] | None = _say) -> list[int]:
    """Stop every registered server whose owner is gone, saying so with ``say``; the pids
    stopped. A pid file that cannot be read, or whose server is gone too, is removed."""
    stopped = []
    folder = registry()
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            record = json.loads(path.read_text())
            owner, server = record["owner_pid"], record["server_pid"]
            owner_alive = record["owner_started"] is not None and _same(owner,
                                                                        record["owner_started"])
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            continue
        if owner_alive:
            continue
        if record["server_started"] is not None and _same(server, record["server_started"]):
            _stop(server)
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


@contextmanager
def embedded_server() -> Iterator[str | None]:
    """The local API server for this process's flow runs, registered while it runs and
    stopped on the way out (Ctrl-C and SIGTERM included); its URL, or None when a server is
    configured (``PREFECT_API_URL``) or another part of this process (a test harness)
    already runs one."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        yield None
        return
    server = SubprocessASGIServer()
    if server.running:
        yield None
        return
    server.start()
    pid_file = register(server.server_process.pid)
    try:
        yield server.api_url
    finally:
        server.stop()
        pid_file.unlink(missing_ok=True)


def spawn_registered(args: list[str], **popen) -> subprocess.Popen:
    """``subprocess.Popen(args)`` for a server process, registered until it is stopped (the
    scheduler's ``prefect server start``)."""
    proc = subprocess.Popen(args, **popen)
    register(proc.pid)
    return proc


def unregister(pid: int) -> None:
    (registry() / f"{pid}.json").unlink(missing_ok=True)
