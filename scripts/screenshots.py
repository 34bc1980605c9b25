"""Screenshots of the review app on the bundled samples, for the README (docs/*.png).

Ingests samples/ into a temporary folder, starts the app on 127.0.0.1, signs in with
Playwright driving Debian's chromium (a Norwegian browser), and captures the queue, an item
from the scan at 1280x800 and an item of the slide deck on a phone (390x844).
Run: .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def main() -> None:
    import pandas as pd
    import uvicorn
    from playwright.sync_api import sync_playwright

    from flows.ingest import ingest_flow
    from review.app import create_app
    from review.service import ReviewService

    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        ingest_flow(inputs=[str(ROOT / "samples")], out=str(out))
        service = ReviewService(out)
        token = service.store.add_reviewer("kari")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1",
                                               port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        rows = pd.read_parquet(out / "roadmap.parquet")
        pending = rows[rows.match_status == "pending"]
        scanned = pending[pending.ocr]
        item = scanned.iloc[0].item_id if len(scanned) else pending.iloc[0].item_id
        deck = pending[pending.source_format == "pptx"]
        slide = deck.iloc[0].item_id if len(deck) else item
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            context = browser.new_context(viewport={"width": 1280, "height": 800},
                                          locale="nb-NO")
            page = context.new_page()
            page.goto(url + "/login")
            page.fill("input[name=token]", token)
            page.click("form.login button[type=submit]")
            page.wait_for_url(url + "/")
            page.screenshot(path=str(docs / "review-queue.png"), full_page=True)
            page.goto(f"{url}/item/{item}")
            page.wait_for_load_state("load")
            page.screenshot(path=str(docs / "review-item.png"), full_page=True)
            phone = browser.new_context(viewport={"width": 390, "height": 844},
                                        locale="nb-NO", storage_state=context.storage_state())
            small = phone.new_page()
            small.goto(f"{url}/item/{slide}")
            small.wait_for_load_state("load")
            small.screenshot(path=str(docs / "review-phone.png"), full_page=True)
            browser.close()
        server.should_exit = True
    print("screenshots in", docs)


if __name__ == "__main__":
    main()
