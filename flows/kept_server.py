"""The local Prefect API server a run keeps for the runs after it, in a process of its own.

``python -m flows.kept_server --idle S --port P prefect.server.api.server:create_app`` serves
Prefect's API app on 127.0.0.1 (as ``uvicorn --factory`` would) and stops itself once no run
has used it for ``S`` seconds. A run that uses it holds a lease: a file named by its pid in
this server's folder (``PREFECT_HOME/veikart-servers/<pid>.d/leases/``), removed when the run
ends; a lease whose process is gone counts for nothing. The server decides to stop under the
folder's lock, and removes its pid file there first, so a run that takes a lease under that
lock either finds it answering and keeps it answering, or does not find it at all.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
from contextlib import suppress
from pathlib import Path

from .server import STARTUP_FAILURE, folder_of, live_leases, locked


def _watch(server, registry: Path, idle: float) -> None:
    """Stop ``server`` once no live lease has been seen for ``idle`` seconds."""
    folder = folder_of(registry, os.getpid())
    busy = time.monotonic()
    while not server.should_exit:
        time.sleep(min(1.0, max(idle / 4, 0.1)))
        if live_leases(folder):
            busy = time.monotonic()
            continue
        if time.monotonic() - busy < idle:
            continue
        with locked(folder):
            if live_leases(folder):
                busy = time.monotonic()
                continue
            _forget(registry)
        server.should_exit = True


def _forget(registry: Path) -> None:
    """Remove this server's pid file (no run finds it after this)."""
    record = registry / f"{os.getpid()}.json"
    with suppress(OSError, ValueError):
        if json.loads(record.read_text()).get("server_pid") == os.getpid():
            record.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.kept_server")
    parser.add_argument("app", help="the ASGI app factory, module:function")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=float, required=True,
                        help="seconds without a live lease after which the server stops")
    parser.add_argument("--registry", type=Path, required=True)
    args = parser.parse_args(argv)
    import uvicorn

    # uvicorn raises the signal that stopped it again once it has shut down: end quietly
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    config = uvicorn.Config(args.app, factory=True, host="127.0.0.1", port=args.port,
                            log_level="error", lifespan="on")
    server = uvicorn.Server(config)
    threading.Thread(target=_watch, args=(server, args.registry, args.idle),
                     daemon=True).start()
    try:
        server.run()
        return 0 if server.started else STARTUP_FAILURE
    finally:
        _forget(args.registry)
        shutil.rmtree(folder_of(args.registry, os.getpid()), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
