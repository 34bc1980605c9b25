"""The review web app in a real headless browser (Debian chromium driven by Playwright), one
browser and one app for the module: decisions by keyboard and search, the decision in force
and its undo, the confirmation after each decision, Norwegian pages (English on request),
error pages, a phone's width, axe-core's accessibility rules, and a slide's crop rendered by
LibreOffice that shows the period header above the item."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import MOTE39, ROOT, SAMPLES, serving
from fixtures import hostile_deck

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HOSTILE = ["<script>window.__xss = 1</script>", '<img src=x onerror="window.__xss = 2">']
NOTED = "Nytt ventelistesystem for poliklinikk (Q3-Q4 2023) – nasjonalt prosjekt"
TEXTS = ["Digital dialog", "Helsekontakt for fastleger", "Timer 2.0", NOTED, *HOSTILE]
#: The sample deck's item that names two initiatives ("A – B – C"), in its 2023-2024 column.
GRID_ITEM = "Skjema – strukturerte data – Pasientskjema i DIPS"
SHOTS = os.environ.get("VEIKART_SCREENSHOT_DIR")

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")


@pytest.fixture(scope="module")
def site(prefect_harness, tmp_path_factory):
    from flows.ingest import ingest_flow
    from review.app import create_app
    from review.service import ReviewService

    base = tmp_path_factory.mktemp("web")
    inbox = base / "inbox"
    inbox.mkdir()
    hostile_deck(inbox / "deck.pptx", TEXTS)
    shutil.copyfile(SAMPLES / f"{MOTE39}.pptx", inbox / f"{MOTE39}.pptx")
    out = base / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    service = ReviewService(out)
    token = service.store.add_reviewer("kari")
    with serving(create_app(service)) as url:
        yield url, token, out, service


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


def new_page(browser, width=1280, height=800, locale="nb-NO", bypass_csp=False):
    """A page in a fresh context (``bypass_csp``: let Playwright inject axe-core, which the
    app's Content-Security-Policy forbids as any script not its own)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                  bypass_csp=bypass_csp)
    return context, context.new_page()


@pytest.fixture
def page(browser):
    context, p = new_page(browser)
    yield p
    context.close()


def sign_in(page, url, token):
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("input[name=token]", token)
    page.click("form.login button[type=submit]")
    page.wait_for_url(url + "/")


def rows(out, document: str = "deck.pptx"):
    """The roadmap rows of one document of the inbox (by default the hostile deck) by text."""
    table = pd.read_parquet(out / "roadmap.parquet")
    return table[table.source_path.str.endswith(document)].set_index("text")


def grid(out):
    return rows(out, f"{MOTE39}.pptx")


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_anonymous_requests_are_refused(page, site):
    url, _, out, _ = site
    page.goto(url + "/")
    assert page.url.startswith(url + "/login")
    item_id = rows(out).loc["Digital dialog"].item_id
    response = page.request.post(f"{url}/item/{item_id}/decide",
                                 form={"action": "ignore", "csrf": "x"})
    assert response.status == 401 and "Du må logge inn" in response.text()
    assert page.request.get(f"{url}/item/{item_id}/crop.png").status == 401
    assert page.request.post(f"{url}/item/{item_id}/undo", form={"csrf": "x"}).status == 401
    assert rows(out).loc["Digital dialog"].match_status == "pending"


def test_a_session_that_has_ended_gets_the_sign_in_page(browser, site):
    """A reviewer at work whose session ends (a new token from the shell, or signing out
    elsewhere) is shown the sign-in page on the next click, saying why, with nothing
    recorded; signing in again leads back to the item."""
    url, _, out, service = site
    context, page = new_page(browser)
    try:
        sign_in(page, url, service.store.add_reviewer("ola"))
        item_id = rows(out).loc["Timer 2.0"].item_id
        page.goto(f"{url}/item/{item_id}")
        before = len(service.store.decisions())
        token = service.store.add_reviewer("ola")  # re-issued: the old sessions end
        with page.expect_navigation() as answer:
            page.keyboard.press("i")
        assert answer.value.status == 401 and page.inner_text("h1") == "Logg inn"
        assert "Økten din er avsluttet" in page.inner_text("#login-notice")
        assert len(service.store.decisions()) == before
        page.fill("input[name=token]", token)
        page.click("form.login button[type=submit]")
        page.wait_for_url(f"{url}/item/{item_id}")
        stolen = context.cookies()
        with page.expect_navigation():
            page.click("header form button[type=submit]")  # sign out
        other, copy = new_page(browser)
        try:
            other.add_cookies(stolen)  # the cookie from before signing out
            copy.goto(f"{url}/item/{item_id}")
            assert copy.url.startswith(url + "/login") and "Økten din er avsluttet" in \
                copy.inner_text("#flash")
        finally:
            other.close()
    finally:
        context.close()


def test_reviewer_resolves_an_item_with_the_keyboard_and_is_told_what_was_saved(page, site):
    url, token, out, _ = site
    sign_in(page, url, token)
    assert "igjen" in page.inner_text("#progress")
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "review-queue.png"), full_page=True)
    page.click("text=Digital dialog")
    page.wait_for_selector("#mention-text")
    assert page.inner_text("#mention-text") == "Digital dialog"
    placed = page.inner_text("#placed")  # why the item sits where it does, in words
    assert "Region" in placed or "Periode" in placed or page.locator("#layout-evidence")
    assert page.inner_text("#waiting").startswith("Hvorfor det venter: ")
    first = page.inner_text("ol.candidates li:first-child form.pick button")
    with page.expect_navigation():
        page.keyboard.press("1")
    row = rows(out).loc["Digital dialog"]
    assert (row.match_status, row.decided_by, row.decision) == ("reviewed", "kari", "match")
    assert row.initiative_name in first
    flash = page.inner_text("#flash")
    assert flash.startswith(f"Lagret: «Digital dialog» er koblet til «{row.initiative_name}» "
                            f"({row.initiative_id}).") and "igjen i køen" in flash
    page.reload()  # said once, after the redirect
    assert page.locator("#flash").count() == 0


def test_reviewer_creates_a_new_initiative_from_the_text_without_its_notes(page, site):
    url, token, out, _ = site
    sign_in(page, url, token)
    noted = rows(out).loc[NOTED]
    assert noted.match_text == "Nytt ventelistesystem for poliklinikk" and noted.notes
    page.goto(f"{url}/item/{noted.item_id}")
    assert page.input_value("#new-name") == "Nytt ventelistesystem for poliklinikk"
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
    assert "nytt tiltak «Helsekontakt for fastleger» (helsekontakt-for-fastleger)" in \
        page.inner_text("#flash")


def test_reviewer_searches_and_picks_an_initiative_outside_the_candidates(page, site):
    url, token, out, _ = site
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
    assert "(pasientens-legemiddelliste)" in page.inner_text("#flash")


def test_the_decision_in_force_is_shown_and_undone(page, site):
    """After a decision the item page says which initiative, who, when and for which items;
    undo appends to the log and the item is as before (and published so); a defer of a
    decided item is refused with a reason, and the decision stays."""
    url, token, out, service = site
    sign_in(page, url, token)
    item = grid(out).loc[GRID_ITEM]
    assert item.match_status == "pending"
    page.goto(f"{url}/item/{item.item_id}")
    assert page.locator("#in-force").count() == 0
    plain = page.inner_text("#plain-explanation")
    assert "«Pasientskjema i DIPS»" in plain and "p =" not in plain  # numbers: behind a toggle
    assert not page.is_visible("#numbers ul")
    page.click("#numbers summary")
    assert "p = 0," in page.inner_text("#numbers ul")
    second = json.loads(item.candidates)[1]
    with page.expect_navigation():
        page.keyboard.press("2")
    assert grid(out).loc[GRID_ITEM].initiative_id == second["initiative_id"]
    page.goto(f"{url}/item/{item.item_id}")
    shown = page.inner_text("#in-force")
    assert f"«{second['name']}» ({second['initiative_id']})" in shown
    assert "av kari" in shown and "gjelder bare dette elementet" in shown
    with page.expect_navigation():
        page.keyboard.press("d")  # defer a decided item: refused, saying why
    assert "allerede avgjort" in page.inner_text("#flash")
    assert grid(out).loc[GRID_ITEM].match_status == "reviewed"
    with page.expect_navigation():
        page.click("#undo")
    assert page.inner_text("#flash").startswith(
        f"Angret for «{GRID_ITEM}»: Koblet til «{second['name']}» ({second['initiative_id']}),"
        " av kari")
    assert page.locator("#in-force").count() == 0
    back = grid(out).loc[GRID_ITEM]
    assert (back.match_status, back.initiative_id) == ("pending", item.initiative_id)
    log = service.store.decisions()
    assert log[-1].action == "undo" and log[-1].revokes == log[-2].id


def test_pages_are_norwegian_and_english_on_request(browser, site):
    url, token, out, _ = site
    context, page = new_page(browser, locale="en-US")
    try:
        page.goto(url + "/login?lang=nb")  # picked: kept in a cookie over the browser's wish
        assert page.get_attribute("html", "lang") == "nb"
        assert page.inner_text("h1") == "Logg inn"
        page.fill("input[name=token]", token)
        page.click("form.login button[type=submit]")
        page.wait_for_url(url + "/")
        text = page.inner_text("body")
        assert "Gjennomgangskø" in text and "Logg ut" in text
        for english in ("Review queue", "Sign out", "Document", "items", "left"):
            assert english not in text, english
        page.goto(f"{url}/item/{rows(out).loc['Timer 2.0'].item_id}")
        text = page.inner_text("body")
        for english in ("Candidates", "Search", "defer", "not this", "New initiative"):
            assert english not in text, english
        page.click("#switch-language")
        assert page.get_attribute("html", "lang") == "en"
        assert "Suggestions" in page.inner_text("body")
        page.goto(url + "/")
        assert "Review queue" in page.inner_text("h1")  # the choice is remembered
    finally:
        context.close()
    context, page = new_page(browser, locale="en-GB")  # the browser asks for English
    try:
        page.goto(url + "/login")
        assert page.inner_text("h1") == "Sign in"
    finally:
        context.close()


def test_errors_are_pages_of_the_app_in_its_language(page, site, monkeypatch):
    url, token, _, service = site
    sign_in(page, url, token)
    response = page.goto(f"{url}/item/no-such-item")
    assert response.status == 404 and "text/html" in response.headers["content-type"]
    assert page.inner_text("#error-title") == "Finner ikke elementet"
    assert page.goto(f"{url}/nowhere").status == 404
    assert page.inner_text("#error-title") == "Finner ikke siden"
    forged = page.request.post(f"{url}/item/x/decide", form={"action": "ignore", "csrf": "f"})
    assert forged.status == 403 and "Skjemaet ble ikke godtatt" in forged.text()
    as_json = page.request.get(f"{url}/item/no-such-item",
                               headers={"Accept": "application/json"})
    assert as_json.status == 404 and as_json.json() == {"error": 404}

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "search", broken)
    response = page.goto(f"{url}/item/{rows(site[2]).loc['Timer 2.0'].item_id}?q=x")
    assert response.status == 500
    assert page.inner_text("#error-title") == "Noe gikk galt"
    assert "Internal Server Error" not in page.content() and "a bug" not in page.content()


def test_forged_form_posts_are_refused(page, site):
    url, token, out, _ = site
    sign_in(page, url, token)
    item_id = rows(out).loc["Timer 2.0"].item_id
    before = rows(out).loc["Timer 2.0"].match_status
    for form in ({"action": "ignore", "csrf": "forged"}, {"action": "ignore"}):
        response = page.request.post(f"{url}/item/{item_id}/decide", form=form)
        assert response.status == 403
    assert page.request.post(f"{url}/item/{item_id}/undo", form={"csrf": "f"}).status == 403
    assert rows(out).loc["Timer 2.0"].match_status == before


def test_hostile_deck_text_is_shown_as_text(page, site):
    url, token, out, _ = site
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


def test_a_slide_crop_is_rendered_by_libreoffice_with_its_period_header(page, site):
    """The crop of an item in the sample grid is LibreOffice's drawing of the slide,
    widened up to the column's period header and left to the row's region label: the
    header's box lies inside the crop, and OCR reads the header and label on it."""
    import pytesseract
    from PIL import Image, ImageOps

    url, token, out, service = site
    sign_in(page, url, token)
    item = grid(out).loc[GRID_ITEM]
    page.goto(f"{url}/item/{item.item_id}")
    page.wait_for_function("document.getElementById('crop').complete")
    assert page.evaluate("document.getElementById('crop').naturalWidth") > 200
    response = page.request.get(f"{url}/item/{item.item_id}/crop.png")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.body()))
    labels = {label.what: label for label in service.labels(service.item(item.item_id))}
    header, region = labels["period"], labels["region"]
    assert header.text == "2023-2024" and header.box is not None and region.box is not None
    _, (x0, y0, x1, y1) = service.crop(item.item_id)
    assert x0 <= header.box[0] and y0 <= header.box[1] and x1 >= header.box[2]
    assert x0 <= region.box[0] and y1 >= item.bbox_y1
    assert abs(image.height - (y1 - y0) * 2) <= 2 and abs(image.width - (x1 - x0) * 2) <= 2
    image.save(out / "grid-crop.png")

    def read(box) -> str:  # OCR of the crop where a label's box is (inside its blue frame)
        part = image.crop(tuple(round((v - o) * 2) for v, o in zip(box, (x0, y0, x0, y0),
                                                                    strict=True)))
        part = ImageOps.expand(part.resize((part.width * 2, part.height * 2)), 24, "white")
        return pytesseract.image_to_string(part, lang="nor", config="--psm 7").strip()

    assert read(header.box) == "2023-2024"
    assert read(region.box).upper() == "HELSE SØR-ØST"
    drawn = out / "state" / "cache" / "rendered" / f"{item.source_sha256}.pdf"
    made = drawn.stat().st_mtime_ns  # drawn once, kept by content
    service.crop(next(r.item_id for r in grid(out).itertuples() if r.item_id != item.item_id))
    assert drawn.stat().st_mtime_ns == made
    around = page.inner_text("#context")
    assert "I samme boks" in around and GRID_ITEM in around


def test_a_phone_shows_every_page_without_sideways_scrolling(browser, site):
    url, token, out, _ = site
    context, page = new_page(browser, width=390, height=844)
    try:
        sign_in(page, url, token)
        assert no_horizontal_scroll(page)
        for text in (GRID_ITEM, NOTED, HOSTILE[0]):
            table = grid(out) if text == GRID_ITEM else rows(out)
            page.goto(f"{url}/item/{table.loc[text].item_id}")
            page.wait_for_load_state("load")
            assert no_horizontal_scroll(page), text
        if SHOTS:
            page.screenshot(path=str(Path(SHOTS) / "review-phone.png"), full_page=False)
    finally:
        context.close()


def test_on_a_laptop_the_candidates_are_in_view_without_scrolling(page, site):
    url, token, out, _ = site
    sign_in(page, url, token)
    page.goto(f"{url}/item/{grid(out).loc[GRID_ITEM].item_id}")
    page.wait_for_load_state("load")
    last = page.locator("ol.candidates li").last.bounding_box()
    assert last["y"] + last["height"] <= 800
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "review-item.png"), full_page=False)


def test_pages_pass_axe_without_serious_violations(browser, site):
    url, token, out, _ = site
    assert AXE.is_file(), "scripts/setup.sh installs axe-core into node_modules/"
    for width, height in ((1280, 800), (390, 844)):
        context, page = new_page(browser, width, height, bypass_csp=True)
        try:
            page.goto(url + "/login")
            assert serious_violations(page) == [], "login"
            page.fill("input[name=token]", "not-a-token")  # the error is the answer's own
            page.click("form.login button[type=submit]")
            page.wait_for_selector("#login-notice")
            assert serious_violations(page) == [], "login with an error"
            sign_in(page, url, token)
            assert serious_violations(page) == [], "queue"
            for table, text in ((grid(out), GRID_ITEM), (rows(out), "Digital dialog")):
                page.goto(f"{url}/item/{table.loc[text].item_id}?q=dialog")  # pending, decided
                page.wait_for_load_state("load")
                assert serious_violations(page) == [], text
            page.goto(f"{url}/item/no-such-item")
            assert serious_violations(page) == [], "error page"
            page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                          "'<input type=text><img src=/static/none.png>')")
            found = serious_violations(page)  # the checker itself sees what it should
            assert any(v.startswith("image-alt") for v in found), found
        finally:
            context.close()
