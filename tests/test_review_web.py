"""The review web app in a real headless browser (Debian chromium driven by Playwright)."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import free_port
from fixtures import hostile_deck

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTILE = ["<script>window.__xss = 1</script>", '<img src=x onerror="window.__xss = 2">']
TEXTS = ["Digital dialog", "Helsekontakt for fastleger", "Timer 2.0", *HOSTILE]
SHOTS = os.environ.get("VEIKART_SCREENSHOT_DIR")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")



@pytest.fixture(scope="module")
def site(prefect_harness, tmp_path_factory):
    import uvicorn

    from flows.ingest import ingest_flow
    from review.app import create_app
    from review.service import ReviewService

    base = tmp_path_factory.mktemp("web")
    inbox = base / "inbox"
    inbox.mkdir()
    hostile_deck(inbox / "deck.pptx", TEXTS)
    out = base / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    service = ReviewService(out)
    token = service.store.add_reviewer("kari")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", token, out
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"])
    yield b
    b.close()
    pw.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    yield p
    context.close()


def sign_in(page, url, token):
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def rows(out):
    return pd.read_parquet(out / "roadmap.parquet").set_index("text")


def test_anonymous_requests_are_refused(page, site):
    url, _, out = site
    page.goto(url + "/")
    assert page.url.startswith(url + "/login")
    item_id = rows(out).loc["Digital dialog"].item_id
    response = page.request.post(f"{url}/item/{item_id}/decide",
                                 form={"action": "ignore", "csrf": "x"})
    assert response.status == 401
    assert page.request.get(f"{url}/item/{item_id}/crop.png").status == 401
    assert rows(out).loc["Digital dialog"].match_status == "pending"


def test_reviewer_resolves_an_item_with_the_keyboard(page, site):
    url, token, out = site
    sign_in(page, url, token)
    assert "left" in page.inner_text("#progress")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "review-queue.png"), full_page=True)
    page.click("text=Digital dialog")
    page.wait_for_selector("#mention-text")
    assert page.inner_text("#mention-text") == "Digital dialog"
    evidence = page.inner_text("#layout-evidence")  # why the item sits where it does
    assert "region:" in evidence and "period:" in evidence
    assert page.inner_text("#waiting").startswith("Why it waits: ")  # in plain words
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "review-item.png"), full_page=True)
    first = page.inner_text("ol.candidates li:first-child button")
    with page.expect_navigation():
        page.keyboard.press("1")
    row = rows(out).loc["Digital dialog"]
    assert (row.match_status, row.decided_by, row.decision) == ("reviewed", "kari", "match")
    assert row.initiative_name in first


def test_reviewer_creates_a_new_initiative(page, site):
    url, token, out = site
    sign_in(page, url, token)
    item_id = rows(out).loc["Helsekontakt for fastleger"].item_id
    page.goto(f"{url}/item/{item_id}")
    page.keyboard.press("n")
    page.fill("#new-name", "Helsekontakt for fastleger")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    row = rows(out).loc["Helsekontakt for fastleger"]
    assert (row.match_status, row.initiative_id) == ("reviewed", "helsekontakt-for-fastleger")
    overlay = (out / "state" / "catalogue_overlay.yaml").read_text("utf-8")
    assert "Helsekontakt for fastleger" in overlay


def test_reviewer_searches_and_picks_an_initiative_outside_the_candidates(page, site):
    url, token, out = site
    sign_in(page, url, token)
    row = rows(out).loc["Timer 2.0"]
    offered = {c["initiative_id"] for c in json.loads(row.candidates)}
    page.goto(f"{url}/item/{row.item_id}")
    page.keyboard.press("/")
    page.fill("#search", "legemiddelliste")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    results = page.locator("ul.results li")
    assert results.count() >= 1
    first = results.first
    assert "Pasientens legemiddelliste" in first.inner_text()
    assert "pasientens-legemiddelliste" not in offered
    with page.expect_navigation():
        first.locator("button").click()
    after = rows(out).loc["Timer 2.0"]
    assert (after.match_status, after.initiative_id) == ("reviewed", "pasientens-legemiddelliste")


def test_forged_form_posts_are_refused(page, site):
    url, token, out = site
    sign_in(page, url, token)
    item_id = rows(out).loc["Timer 2.0"].item_id
    before = rows(out).loc["Timer 2.0"].match_status
    for form in ({"action": "ignore", "csrf": "forged"}, {"action": "ignore"}):
        response = page.request.post(f"{url}/item/{item_id}/decide", form=form)
        assert response.status == 403
    assert rows(out).loc["Timer 2.0"].match_status == before


def test_hostile_deck_text_is_shown_as_text(page, site):
    url, token, out = site
    sign_in(page, url, token)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for text in HOSTILE:
        item_id = rows(out).loc[text].item_id
        page.goto(f"{url}/item/{item_id}")
        assert page.inner_text("#mention-text") == text
        assert page.evaluate("window.__xss") is None
    page.goto(url + "/?status=unmatched")
    assert HOSTILE[0] in page.inner_text("table.queue")
    assert page.evaluate("window.__xss") is None and not dialogs
