"""Reviewers' decisions: the store, scopes, catalogue edits, re-runs, and the CLI."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from contextlib import contextmanager

import httpx
import pandas as pd
import pytest
from conftest import DIST, SAMPLES, serving
from fixtures import damaged_text_layer_pdf, hostile_deck

from review.service import ReviewService
from state import Store
from veikart.cli import main

REVIEW_TEXTS = ["Pasientskjema i DIPS – Skjema – strukturerte data", "Digital dialog",
                "Timer 2.0", "Helsekontakt for fastleger"]


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    hostile_deck(folder / "a.pptx", REVIEW_TEXTS)
    return folder


@pytest.fixture
def ingested_inbox(prefect_harness, inbox, tmp_path):
    from flows.ingest import ingest_flow

    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    return inbox, out


def roadmap(out):
    return pd.read_parquet(out / "roadmap.parquet").set_index("text")


def test_store_is_wal_migrated_and_append_only(tmp_path):
    store = Store(tmp_path / "state")
    with store.connect() as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.decide("kari", "i1", "timer 2.0", "ignore")
    with store.connect() as con, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM decisions")
    assert Store(tmp_path / "state").decisions()[0].reviewer == "kari"  # reopening keeps it


def test_pending_items_are_queued_with_candidates(ingested_inbox, capsys):
    _, out = ingested_inbox
    assert main(["review", "list", "--out", str(out), "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    texts = {r["text"] for r in rows}
    assert "Digital dialog" in texts
    assert all({"item_id", "text", "candidates"} <= set(r) for r in rows)
    assert all({"initiative_id", "name", "score"} == set(c) for r in rows for c in r["candidates"])


def test_decide_updates_outputs_at_once(ingested_inbox, capsys):
    _, out = ingested_inbox
    item = roadmap(out).loc["Digital dialog"]
    assert item.match_status == "pending"
    code = main(["review", "decide", item.item_id, "--out", str(out), "--initiative",
                 "digital-dialog-behandlende-enhet", "--reviewer", "kari"])
    assert code == 0
    after = roadmap(out).loc["Digital dialog"]
    assert (after.match_status, after.initiative_id, after.decided_by, after.decision) == (
        "reviewed", "digital-dialog-behandlende-enhet", "kari", "match")
    con = pd.read_csv(out / "roadmap.csv", encoding="utf-8-sig").set_index("text")
    assert con.loc["Digital dialog"].match_status == "reviewed"


def test_all_identical_resolves_a_later_document_and_reruns_keep_decisions(
        ingested_inbox, tmp_path):
    from flows.ingest import ingest_flow

    inbox, out = ingested_inbox
    item = roadmap(out).loc["Helsekontakt for fastleger"]
    assert item.match_status in ("pending", "unmatched")
    service = ReviewService(out)
    service.decide(item.item_id, "ola", "new", new_name="Helsekontakt for fastleger",
                   all_identical=True)
    overlay = (out / "state" / "catalogue_overlay.yaml").read_text("utf-8")
    assert "Helsekontakt for fastleger" in overlay
    hostile_deck(inbox / "b_later.pptx", ["Helsekontakt for fastleger", "Smarte brev"])
    ingest_flow(inputs=[str(inbox)], out=str(out))  # a re-run with one more document
    rows = pd.read_parquet(out / "roadmap.parquet")
    same = rows[rows.text == "Helsekontakt for fastleger"]
    assert len(same) == 2 and set(same.match_status) == {"reviewed"}
    assert set(same.initiative_id) == {"helsekontakt-for-fastleger"}
    assert "Helsekontakt for fastleger" not in {r["text"] for r in service.queue()}


def test_names_reviewers_give_are_words_ocr_repair_knows(ingested_inbox):
    """A new initiative's name joins the repair lexicon: a damaged scan that arrives later
    has it repaired (and matched), while its mention_text stays as read."""
    from flows.ingest import ingest_flow

    inbox, out = ingested_inbox
    item = roadmap(out).loc["Helsekontakt for fastleger"]
    ReviewService(out).decide(item.item_id, "ola", "new", new_name="Helsekontakt Bjørgøy")
    damaged_text_layer_pdf(
        inbox / "b_skannet.pdf", ["Helsekontakt Bjørgøy", "Møter på sykehuset"],
        ["Helsekontakt Bjgrgoy", "Mgter pa sykehuset", "Innfgring av brevlosning"],
        with_image=False)
    ingest_flow(inputs=[str(inbox)], out=str(out))
    rows = pd.read_parquet(out / "roadmap.parquet")
    scan = rows[rows.source_path.str.endswith("b_skannet.pdf")].set_index("mention_text")
    assert scan.loc["Helsekontakt Bjgrgoy"].text == "Helsekontakt Bjørgøy"
    assert scan.loc["Helsekontakt Bjgrgoy"].initiative_id == "helsekontakt-bjorgoy"


def test_a_decision_for_a_removed_initiative_comes_back(ingested_inbox, tmp_path):
    _, out = ingested_inbox
    item = roadmap(out).loc["Timer 2.0"]
    service = ReviewService(out)
    service.decide(item.item_id, "kari", "match", initiative_id="smarte-brev")
    assert roadmap(out).loc["Timer 2.0"].match_status == "reviewed"
    smaller = tmp_path / "catalogue.yaml"
    text = (SAMPLES.parent / "normalize" / "data" / "catalogue.yaml").read_text("utf-8")
    smaller.write_text("\n".join(ln for ln in text.splitlines() if "id: smarte-brev," not in ln),
                       "utf-8")
    from outputs.publish import publish

    publish(out, service.store, catalogue=str(smaller))
    back = roadmap(out).loc["Timer 2.0"]
    assert back.match_status == "pending" and "no longer in the catalogue" in back.review_note


def test_reject_reranks_and_alias_teaches_the_catalogue(ingested_inbox):
    _, out = ingested_inbox
    service = ReviewService(out)
    item = roadmap(out).loc["Digital dialog"]
    first = json.loads(item.candidates)[0]["initiative_id"]
    service.decide(item.item_id, "kari", "reject", initiative_id=first)
    after = roadmap(out).loc["Digital dialog"]
    assert first not in after.candidates and after.match_status == "pending"
    service.decide(item.item_id, "kari", "alias", initiative_id="fleksibel-dialog")
    assert roadmap(out).loc["Digital dialog"].initiative_id == "fleksibel-dialog"
    assert "Digital dialog" in service.catalogue().by_id["fleksibel-dialog"].aliases


def test_export_and_import_round_trip(ingested_inbox, tmp_path, capsys):
    _, out = ingested_inbox
    item = roadmap(out).loc["Digital dialog"]
    main(["review", "decide", item.item_id, "--out", str(out), "--ignore", "--reviewer", "kari"])
    dump = tmp_path / "decisions.json"
    assert main(["review", "export", str(dump), "--out", str(out)]) == 0
    other = tmp_path / "other_state"
    assert main(["review", "import", str(dump), "--out", str(out), "--state", str(other)]) == 0
    assert "imported 1 decisions" in capsys.readouterr().out
    assert Store(other).decisions()[0].action == "ignore"
    assert main(["review", "import", str(dump), "--out", str(out), "--state", str(other)]) == 0
    assert len(Store(other).decisions()) == 1  # importing twice adds nothing


def test_review_without_a_dataset_is_one_line(tmp_path, capsys):
    assert main(["review", "list", "--out", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no dataset here" in err


def test_sample_queue_is_small(prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    ingest_flow(inputs=[str(SAMPLES / f"{DIST}.pptx")], out=str(tmp_path / "o"))
    left, total = ReviewService(tmp_path / "o").progress()
    assert left == total


def test_a_decision_keeps_the_catalogue_the_dataset_was_built_with(prefect_harness, tmp_path):
    """After ``ingest --catalogue X`` a review decision publishes with X too: an initiative
    only X has stays matched, and a decision for it stays in force."""
    import yaml

    from flows.ingest import ingest_flow

    bundled = SAMPLES.parent / "normalize" / "data" / "catalogue.yaml"
    data = yaml.safe_load(bundled.read_text("utf-8"))
    data["initiatives"].append({"id": "veikart-testtjeneste", "kind": "project",
                                "name": "Veikart testtjeneste for pasienter", "aliases": [],
                                "regions": []})
    own = tmp_path / "own.yaml"
    own.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "notat.txt").write_text("Tiltak:\n• Veikart testtjeneste for pasienter\n"
                                     "• Timer 2.0\n", "utf-8")
    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out), catalogue=str(own))
    rows = roadmap(out)
    assert rows.loc["Veikart testtjeneste for pasienter"].initiative_id == "veikart-testtjeneste"
    service = ReviewService(out)
    service.decide(rows.loc["Timer 2.0"].item_id, "kari", "match",
                   initiative_id="veikart-testtjeneste")
    after = roadmap(out)
    assert after.loc["Veikart testtjeneste for pasienter"].initiative_id == "veikart-testtjeneste"
    assert after.loc["Timer 2.0"].match_status == "reviewed"
    assert after.loc["Timer 2.0"].initiative_id == "veikart-testtjeneste"


def test_catalogue_search_finds_initiatives_with_their_group_and_regions(ingested_inbox):
    _, out = ingested_inbox
    service = ReviewService(out)
    hits = service.search("prøvesvar")
    assert hits and hits[0]["initiative_id"] == "pasientens-provesvar"
    assert "Helse Nord" in hits[0]["regions"] and hits[0]["aliases"]
    fuzzy = service.search("pasient skjema dips")  # no name holds it whole: the matcher ranks
    assert any(h["initiative_id"].startswith("pasientskjema") or "skjema" in h["name"].lower()
               for h in fuzzy)
    assert service.search("   ") == []


def test_the_newest_decision_wins_whatever_its_scope(prefect_harness, tmp_path):
    """An item decided on its own, then every item with its text decided otherwise: the
    newer, text-wide decision holds for all of them (and an older text-wide decision gives
    way to a newer one for a single item)."""
    from flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.pptx", "b.pptx", "c.pptx"):
        hostile_deck(inbox / name, ["Digital dialog", f"Smarte brev {name[0]}"])
    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    rows = pd.read_parquet(out / "roadmap.parquet")
    same = rows[rows.text == "Digital dialog"]
    assert len(same) == 3
    service = ReviewService(out)
    first = same.item_id.iloc[0]
    service.decide(first, "kari", "match", initiative_id="smarte-brev")
    service.decide(same.item_id.iloc[1], "ola", "match",
                   initiative_id="digital-dialog-behandlende-enhet", all_identical=True)
    after = pd.read_parquet(out / "roadmap.parquet").set_index("item_id")
    assert set(after.loc[list(same.item_id), "initiative_id"]) == {
        "digital-dialog-behandlende-enhet"}
    service.decide(first, "kari", "match", initiative_id="smarte-brev")
    after = pd.read_parquet(out / "roadmap.parquet").set_index("item_id")
    assert after.loc[first, "initiative_id"] == "smarte-brev"
    assert set(after.loc[list(same.item_id[1:]), "initiative_id"]) == {
        "digital-dialog-behandlende-enhet"}


def test_undo_appends_to_the_log_and_gives_back_what_was_before(ingested_inbox, capsys):
    """Undo takes back the decision in force: the log only grows, the item is as it would
    be without that decision (an earlier decision, else the model's), and the published
    dataset says so at once."""
    _, out = ingested_inbox
    service = ReviewService(out)
    item = roadmap(out).loc["Digital dialog"]
    model = (item.match_status, item.initiative_id)
    service.decide(item.item_id, "kari", "match", initiative_id="smarte-brev")
    service.decide(item.item_id, "ola", "ignore")
    assert roadmap(out).loc["Digital dialog"].match_status == "ignored"
    assert service.in_force(item.item_id).action == "ignore"
    done = service.undo(item.item_id, "kari")
    assert (done.undone.action, done.undone.reviewer, done.status) == ("ignore", "ola",
                                                                       "reviewed")
    after = roadmap(out).loc["Digital dialog"]
    assert (after.match_status, after.initiative_id, after.decided_by) == (
        "reviewed", "smarte-brev", "kari")
    assert main(["review", "undo", item.item_id, "--out", str(out), "--reviewer", "ola"]) == 0
    assert "undid match smarte-brev by kari" in capsys.readouterr().out
    back = roadmap(out).loc["Digital dialog"]
    assert (back.match_status, back.initiative_id) == model and pd.isna(back.decided_by)
    log = service.store.decisions()
    assert [d.action for d in log] == ["match", "ignore", "undo", "undo"]
    assert [d.revokes for d in log[2:]] == [log[1].id, log[0].id]
    with pytest.raises(Exception, match="no decision to undo"):
        service.undo(item.item_id, "kari")
    assert main(["review", "undo", item.item_id, "--out", str(out)]) == 7


def test_undo_of_a_decision_for_every_identical_text_reopens_all_of_them(
        prefect_harness, tmp_path):
    from flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a.pptx", "b.pptx"):
        hostile_deck(inbox / name, ["Digital dialog", f"Smarte brev {name[0]}"])
    out = tmp_path / "out"
    ingest_flow(inputs=[str(inbox)], out=str(out))
    same = pd.read_parquet(out / "roadmap.parquet").query("text == 'Digital dialog'")
    service = ReviewService(out)
    done = service.decide(same.item_id.iloc[0], "kari", "ignore", all_identical=True)
    assert (done.scope, done.items) == ("text", 2)
    undone = service.undo(same.item_id.iloc[1], "ola")  # from the other item: same decision
    assert undone.undone.scope == "text" and undone.items == 2
    assert set(pd.read_parquet(out / "roadmap.parquet").query(
        "text == 'Digital dialog'").match_status) == {"pending"}


def test_defer_never_reopens_a_decided_item(ingested_inbox):
    """Deferring a decided item is refused with a message saying why; and a defer that
    reaches the log anyway (an item-wide one from the CLI's --all-identical, an import)
    keeps the decision in force."""
    from review.service import Refused

    _, out = ingested_inbox
    service = ReviewService(out)
    item = roadmap(out).loc["Digital dialog"]
    service.decide(item.item_id, "kari", "match", initiative_id="smarte-brev")
    with pytest.raises(Refused, match="undo that decision first") as refused:
        service.decide(item.item_id, "kari", "defer")
    assert refused.value.key == "err_defer_decided"
    assert roadmap(out).loc["Digital dialog"].match_status == "reviewed"
    from outputs.publish import norm_key

    service.store.decide("ola", item.item_id, norm_key("Digital dialog"), "defer", "text")
    service.republish()
    after = roadmap(out).loc["Digital dialog"]
    assert (after.match_status, after.decision, after.initiative_id) == (
        "reviewed", "match", "smarte-brev")
    pending = roadmap(out).loc["Timer 2.0"]
    if pending.match_status == "pending":  # an undecided item can be deferred
        service.decide(pending.item_id, "kari", "defer")
        assert roadmap(out).loc["Timer 2.0"].decision == "defer"


def old_state(folder, migrations: int) -> sqlite3.Connection:
    """A state folder as a release that had only the first ``migrations`` made it; the
    connection is left open to fill it."""
    from state.store import MIGRATIONS, _statements

    folder.mkdir()
    con = sqlite3.connect(folder / "state.sqlite", isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:migrations], start=1):
        for statement in _statements(script):
            con.execute(statement)
        con.execute(f"PRAGMA user_version = {number}")
    return con


def test_a_state_folder_from_before_undo_is_migrated_with_its_log(tmp_path):
    from state.store import MIGRATIONS

    folder = tmp_path / "state"
    con = old_state(folder, 5)
    con.execute("INSERT INTO decisions(at, reviewer, item_id, norm_text, scope, action, "
                "initiative_id) VALUES ('2024-01-01T00:00:00+00:00', 'kari', 'i1', 'x', "
                "'item', 'match', 'timer-2-0')")
    con.close()
    store = Store(folder)
    assert store.version == len(MIGRATIONS)
    (old,) = store.decisions()
    assert (old.reviewer, old.action, old.revokes) == ("kari", "match", None)
    store.undo("ola", old)
    with store.connect() as con, pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE decisions SET reviewer = 'x'")
    dump = store.export_json()
    other = Store(tmp_path / "other")
    assert other.import_json(dump) == 2 and other.import_json(dump) == 0
    first, undo = other.decisions()
    assert undo.revokes == first.id


def test_every_message_of_the_review_app_is_in_both_languages():
    """One catalogue per language with the same keys, and every key the templates and the
    app ask for is in it (a missing one would be an error page, not a word in English)."""
    import re

    from conftest import ROOT

    from review import i18n

    assert set(i18n.NB) == set(i18n.EN)
    assert all(i18n.NB[k] != i18n.EN[k] or k.startswith("other_") for k in i18n.NB
               if k not in ("region", "status"))
    for key in i18n.NB:  # the same placeholders in both
        assert set(re.findall(r"{(\w+)}", i18n.NB[key])) == set(
            re.findall(r"{(\w+)}", i18n.EN[key])), key
    used = set()
    for path in [*(ROOT / "review" / "templates").glob("*.html"),
                 *(p for p in (ROOT / "review").glob("*.py") if p.name != "i18n.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", path.read_text("utf-8")))
    used |= {f"st_{s}" for s in ("pending", "auto", "reviewed", "unmatched", "ignored")}
    used |= {f"in_force_{a}" for a in ("match", "new", "alias", "ignore", "reject", "defer")}
    used |= {f"done_{a}" for a in ("match", "new", "alias", "ignore", "reject", "defer")}
    assert used - set(i18n.NB) == set()


def test_plain_explanations_name_what_matched_without_jargon():
    from review.explain import explain
    from review.i18n import Translator

    def row(text, *cands, status="pending", **extra):
        return {"match_text": text, "text": text, "match_status": status, **extra,
                "candidates": json.dumps([{"initiative_id": f"i{n}", "name": name,
                                           "via": via, "score": p}
                                          for n, (name, via, p) in enumerate(cands)])}

    nb, en = Translator("nb"), Translator("en")
    alias = row("Timer 2.0", ("Timer – pasienten booker selv", "Timer 2.0", 0.6),
                ("Timer til screening BDS", "Timer til screening BDS", 0.55))
    plain = explain(alias, nb)
    assert plain.sentence == ("Samme navn som alias «Timer 2.0» (et annet navn for «Timer – "
                              "pasienten booker selv»); nesten like godt: «Timer til "
                              "screening BDS».")
    assert "p=" not in plain.sentence and any("p = 0,600" in n for n in plain.numbers)
    assert plain.waiting.startswith("To tiltak passer nesten like godt")
    numbers = explain(row("Timer 3.0", ("Timer 2.0", "Timer 2.0", 0.5)), en)
    assert "the numbers differ: 3.0 in the text, 2.0 in the name" in numbers.sentence
    assert numbers.waiting.startswith("Its numbers differ")
    rejected = explain(row("Digital dialog", ("Fleksibel dialog", "Fleksibel dialog", 0.3),
                           review_note="not: smarte-brev"), nb, {"smarte-brev": "Smarte brev"})
    assert rejected.waiting == ("Dere har sagt nei til «Smarte brev»; de andre forslagene er "
                                "ikke sikre nok.")
    assert explain(row("Timer 2.0", ("Timer 2.0", "Timer 2.0", 0.99), status="auto"),
                   nb).waiting is None


# ---------------------------------------------------------------- hostile requests (#15)
# The real app over real HTTP (uvicorn on 127.0.0.1, configured as `veikart review` runs it).
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options",
                    "referrer-policy")


@pytest.fixture(scope="module")
def guarded(prefect_harness, tmp_path_factory):
    """A dataset of its own for the tests below (they add reviewers and decisions)."""
    from flows.ingest import ingest_flow

    base = tmp_path_factory.mktemp("guarded")
    (base / "inbox").mkdir()
    hostile_deck(base / "inbox" / "a.pptx", REVIEW_TEXTS)
    ingest_flow(inputs=[str(base / "inbox")], out=str(base / "out"))
    return base / "out"


@contextmanager
def app_at(out, **settings):
    """The review app over ``out`` served on 127.0.0.1, with ``settings`` (review.settings)
    where given; yields (url, service)."""
    from review.app import create_app
    from review.settings import Settings

    service = ReviewService(out)
    with serving(create_app(service, Settings(**settings))) as url:
        yield url, service


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(url: str, token: str) -> httpx.Client:
    """A client signed in with ``token`` (its CSRF token in ``client.csrf``)."""
    client = httpx.Client(base_url=url)
    answer = client.post("/login", data={"token": token, "next": "/",
                                         "csrf": csrf_of(client.get("/login").text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text
    client.csrf = csrf_of(client.get("/").text)
    return client


def first_bytes(url: str, head: list[str], body: bytes = b"") -> bytes:
    """Send a request's head and the first bytes of its body, never the rest, and return
    the head of the answer. A server that waits for the whole body answers nothing: the
    socket's timeout then fails the test."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(("\r\n".join([*head, f"Host: {host}:{port}", "", ""])).encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer


def item_of(out, text: str) -> str:
    return roadmap(out).loc[text].item_id


def test_a_body_is_not_read_before_the_sign_in_check_nor_beyond_the_limit(guarded):
    """An anonymous POST declaring 900 MB is answered at once (401, the sign-in page) from
    its head alone; a signed-in reviewer's, or one to the open sign-in form, gets 413; a
    body sent in chunks is cut off once it passes the limit."""
    with app_at(guarded, max_body=64 * 1024) as (url, service):
        item = item_of(guarded, "Digital dialog")
        form = ["Content-Type: application/x-www-form-urlencoded", "Content-Length: 900000000"]
        answer = first_bytes(url, [f"POST /item/{item}/decide HTTP/1.1", *form], b"a" * 1000)
        assert answer.startswith(b"HTTP/1.1 401 ")
        assert b"content-security-policy" in answer.lower()
        answer = first_bytes(url, ["POST /login HTTP/1.1", *form], b"token=")
        assert answer.startswith(b"HTTP/1.1 413 ")
        client = sign_in(url, service.store.add_reviewer("bodil"))
        cookie = f"Cookie: veikart_review={client.cookies['veikart_review']}"
        answer = first_bytes(url, [f"POST /item/{item}/decide HTTP/1.1", *form, cookie])
        assert answer.startswith(b"HTTP/1.1 413 ")
        chunk = b"%x\r\n%s\r\n" % (16 * 1024, b"a" * 16 * 1024)
        answer = first_bytes(url, [f"POST /item/{item}/decide HTTP/1.1", form[0], cookie,
                                   "Transfer-Encoding: chunked"], chunk * 8)  # no last chunk
        assert answer.startswith(b"HTTP/1.1 413 ")
        big = client.post(f"/item/{item}/decide", data={"csrf": client.csrf, "action": "ignore",
                                                        "new_name": "x" * 70_000})
        assert big.status_code == 413 and "For mye på en gang" in big.text
        assert service.store.decisions() == []  # nothing of it was recorded
        small = client.post(f"/item/{item}/decide", data={"csrf": client.csrf,
                                                          "action": "defer"})
        assert small.status_code == 303 and service.store.decisions()[-1].action == "defer"


def test_no_route_answers_without_a_good_session(guarded):
    """The routes leave the sign-in check to the gate: every one of them, by every method it
    takes, sends a client without a session to the sign-in page (a page by a redirect, the
    rest with 401) and does nothing; only the sign-in form and the static files are open."""
    from fastapi.routing import APIRoute

    from review.app import create_app

    service = ReviewService(guarded)
    app = create_app(service)
    before = len(service.store.decisions())
    routes = [(method, re.sub(r"{\w+}", "x", r.path)) for r in app.routes
              if isinstance(r, APIRoute) and r.path != "/login" for method in r.methods]
    assert len(routes) >= 6
    with serving(app) as url:
        client = httpx.Client(base_url=url)
        for method, path in routes:
            answer = client.request(method, path, data={"action": "ignore"})
            if method == "GET" and not path.endswith(".png"):
                assert (answer.status_code, answer.headers["location"].split("?")[0]) == (
                    303, "/login"), path
            else:
                assert answer.status_code == 401 and 'action="/login"' in answer.text, path
        assert client.get("/login").status_code == 200
        assert client.get("/static/review.css").status_code == 200
    assert len(service.store.decisions()) == before


def test_failed_sign_ins_are_limited_per_client_address(guarded):
    """After the allowed failures the sign-in form answers 429 with Retry-After, even for
    the right token, and a forged X-Forwarded-For does not make a new client of it."""
    with app_at(guarded, login_tries=3, login_window=600) as (url, service):
        token = service.store.add_reviewer("tor")
        client = httpx.Client(base_url=url)
        csrf = csrf_of(client.get("/login").text)
        for n in range(3):
            wrong = client.post("/login", data={"token": f"wrong-{n}", "csrf": csrf})
            assert wrong.status_code == 401 and "Ukjent tilgangsnøkkel" in wrong.text
        for headers in ({}, {"X-Forwarded-For": "10.9.8.7"}):
            refused = client.post("/login", data={"token": token, "csrf": csrf},
                                  headers=headers)
            assert refused.status_code == 429 and "For mange mislykkede" in refused.text
            assert 0 < int(refused.headers["retry-after"]) <= 600
            assert all(h in refused.headers for h in SECURITY_HEADERS)
        assert client.get("/").status_code == 303  # not signed in
    with app_at(guarded, login_tries=3) as (url, service):  # another app: its own count
        sign_in(url, token)


def test_only_local_host_names_are_answered(guarded):
    """DNS rebinding: a page of another site whose name points to 127.0.0.1 sends its own
    name as Host; the app answers only 127.0.0.1, localhost and the names it is given."""
    with app_at(guarded) as (url, _):
        port = url.rsplit(":", 1)[1]
        evil = httpx.get(url + "/login", headers={"Host": f"rebind.example:{port}"})
        assert evil.status_code == 400 and "Logg inn" not in evil.text
        assert all(h in evil.headers for h in SECURITY_HEADERS)
        for name in ("127.0.0.1", "localhost"):
            assert httpx.get(url + "/login", headers={"Host": f"{name}:{port}"}).status_code == 200
    from review.settings import LOCAL_HOSTS

    with app_at(guarded, hosts=(*LOCAL_HOSTS, "review.lan")) as (url, _):
        assert httpx.get(url + "/login", headers={"Host": "review.lan"}).status_code == 200


def test_the_sign_in_page_shows_no_text_of_the_query(guarded):
    """Nothing of the query comes back (the language link kept all of it), and `?error=`
    shows no message: an error is said only by the answer to a failed sign-in."""
    with app_at(guarded) as (url, _):
        page = httpx.get(url + "/login", params={"error": "Ring 555-EVIL", "x": "Ring 666-EVIL",
                                                 "next": "/Ring 777-EVIL"})
        assert page.status_code == 200 and "EVIL" not in page.text
        assert "login-notice" not in page.text


def test_a_sign_in_leads_only_to_a_page_of_the_app(guarded):
    """`next` is the queue or an item: one that leads off the site (browsers read `/\\host`
    as `//host`) leads to the queue."""
    with app_at(guarded) as (url, service):
        client = httpx.Client(base_url=url)
        item = item_of(guarded, "Timer 2.0")
        assert f'name="next" value="/item/{item}"' in client.get(
            "/login", params={"next": f"/item/{item}"}).text
        token = service.store.add_reviewer("siri")
        for off_site in ("/\\evil.example", "//evil.example", "https://evil.example"):
            csrf = csrf_of(client.get("/login").text)
            done = client.post("/login", data={"token": token, "csrf": csrf, "next": off_site})
            assert done.headers["location"] == "/", off_site


def test_signing_out_ends_every_session_of_the_reviewer(guarded):
    """A copied session cookie stops working when its reviewer signs out: the copy gets the
    sign-in page (saying the session ended), and its decision is not recorded."""
    with app_at(guarded) as (url, service):
        client = sign_in(url, service.store.add_reviewer("ola"))
        stolen = dict(client.cookies)

        def copy() -> httpx.Client:
            return httpx.Client(base_url=url, cookies=stolen)

        item = item_of(guarded, "Helsekontakt for fastleger")
        assert copy().get(f"/item/{item}").status_code == 200
        assert client.post("/logout", data={"csrf": client.csrf}).status_code == 303
        later = copy()
        again = later.get(f"/item/{item}")
        assert again.status_code == 303 and again.headers["location"] == \
            f"/login?next=%2Fitem%2F{item}"
        assert "Økten din er avsluttet" in later.get(again.headers["location"]).text
        before = len(service.store.decisions())
        late = copy().post(f"/item/{item}/decide", data={"csrf": client.csrf,
                                                         "action": "ignore"})
        assert late.status_code == 401 and 'action="/login"' in late.text
        assert "Økten din er avsluttet" in late.text
        assert all(h in late.headers for h in SECURITY_HEADERS)
        assert len(service.store.decisions()) == before


def test_a_new_token_ends_the_sessions_of_the_old_one(guarded, capsys):
    with app_at(guarded) as (url, service):
        old = service.store.add_reviewer("kai")
        client = sign_in(url, old)
        assert main(["review", "add-reviewer", "kai", "--out", str(guarded)]) == 0
        new = capsys.readouterr().out.split("token ")[1].split()[0]
        assert client.get("/").status_code == 303  # to the sign-in page
        wrong = httpx.Client(base_url=url)
        csrf = csrf_of(wrong.get("/login").text)
        assert wrong.post("/login", data={"token": old, "csrf": csrf}).status_code == 401
        sign_in(url, new)


def test_a_removed_reviewer_is_signed_out_and_their_decisions_stay(guarded, capsys):
    with app_at(guarded) as (url, service):
        token = service.store.add_reviewer("per")
        client = sign_in(url, token)
        item = item_of(guarded, "Pasientskjema i DIPS – Skjema – strukturerte data")
        assert client.post(f"/item/{item}/decide", data={"csrf": client.csrf,
                                                         "action": "ignore"}).status_code == 303
        assert main(["review", "remove-reviewer", "per", "--out", str(guarded)]) == 0
        assert "per removed" in capsys.readouterr().out
        assert "per" not in service.store.reviewers()
        assert client.get("/").status_code == 303
        fresh = httpx.Client(base_url=url)
        csrf = csrf_of(fresh.get("/login").text)
        assert fresh.post("/login", data={"token": token, "csrf": csrf}).status_code == 401
        assert [d.reviewer for d in service.store.decisions() if d.item_id == item] == ["per"]
        row = roadmap(guarded).loc["Pasientskjema i DIPS – Skjema – strukturerte data"]
        assert (row.match_status, row.decided_by) == ("ignored", "per")
    assert main(["review", "remove-reviewer", "per", "--out", str(guarded)]) == 7
    assert "no reviewer 'per' to remove" in capsys.readouterr().err
    assert main(["review", "add-reviewer", "per", "--out", str(guarded)]) == 0  # back again


def test_every_error_answer_is_a_page_with_the_security_headers(guarded, monkeypatch):
    """A bad form, a forged form, an unknown page or method, a body too big, an unknown
    decision action (refused, said on the item page) and a server error: each answer has
    the headers, and none records anything."""
    with app_at(guarded, max_body=4096) as (url, service):
        client = sign_in(url, service.store.add_reviewer("eva"))
        item = item_of(guarded, "Timer 2.0")
        before = len(service.store.decisions())
        answers = {
            400: client.post(f"/item/{item}/decide", data={"csrf": client.csrf},
                             files={"action": ("a.txt", b"match")}),
            403: client.post(f"/item/{item}/decide", data={"csrf": "forged", "action": "ignore"}),
            404: client.get("/item/no-such-item"),
            405: client.get("/logout"),
            413: client.post(f"/item/{item}/decide", data={"csrf": client.csrf,
                                                           "action": "x" * 5000}),
        }
        unknown = client.post(f"/item/{item}/decide", data={"csrf": client.csrf,
                                                             "action": "explode"})
        assert unknown.status_code == 303 and unknown.headers["location"] == f"/item/{item}"
        shown = client.get(f"/item/{item}")
        assert "Ukjent handling «explode»" in shown.text
        monkeypatch.setattr(service, "queue", lambda *a, **k: 1 / 0)
        answers[500] = client.get("/")
        for code, answer in answers.items():
            assert answer.status_code == code, (code, answer.text[:200])
            assert 'id="error-title"' in answer.text, code
            assert all(h in answer.headers for h in SECURITY_HEADERS), code
        for answer in (unknown, shown):
            assert all(h in answer.headers for h in SECURITY_HEADERS)
        assert len(service.store.decisions()) == before


def test_a_state_folder_from_before_token_versions_keeps_its_reviewers_and_log(tmp_path):
    """The migration adds the token version: the old reviewers sign in with their tokens
    (version 1), the decision log is as it was and stays append-only."""
    from state.store import MIGRATIONS, _hash

    folder = tmp_path / "state"
    con = old_state(folder, 6)
    con.execute("INSERT INTO reviewers(name, token_sha256, created_at) VALUES "
                "('kari', ?, '2024-01-01T00:00:00+00:00')", (_hash("kari-token"),))
    for action, revokes in (("match", None), ("undo", 1), ("ignore", None)):
        con.execute("INSERT INTO decisions(at, reviewer, item_id, norm_text, scope, action, "
                    "initiative_id, revokes) VALUES ('2024-01-01T00:00:00+00:00', 'kari', "
                    "'i1', 'timer 2.0', 'item', ?, 'timer-2-0', ?)", (action, revokes))
    old_log = [tuple(r) for r in con.execute("SELECT * FROM decisions ORDER BY id")]
    con.close()
    store = Store(folder)
    assert store.version == len(MIGRATIONS) == 7
    assert store.session_for("kari-token") == ("kari", 1) and store.token_version("kari") == 1
    with store.connect() as con:
        assert [tuple(r) for r in con.execute("SELECT * FROM decisions ORDER BY id")] == old_log
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            con.execute("DELETE FROM decisions")
    store.end_sessions("kari")
    assert store.session_for("kari-token") == ("kari", 2)
    assert store.remove_reviewer("kari") and store.session_for("kari-token") is None


@pytest.mark.parametrize("args, says", [
    (["review", "import", "missing.json"], "cannot read it"),
    (["review", "import", "."], "cannot read it"),
    (["review", "import", "binary.json"], "not UTF-8"),
    (["review", "import", "broken.json"], "not JSON"),
    (["review", "import", "list.json"], "no list of decisions"),
    (["review", "import", "half.json"], "decision 2 has no at"),
    (["review", "import", "bad_time.json"], "not ISO 8601"),
    (["review", "import", "orphan_undo.json"], "an undo of a decision the export does not"),
    (["review", "add-reviewer", ""], "not a reviewer name"),
    (["review", "add-reviewer", "kari nordmann"], "not a reviewer name"),
    (["review", "--port", "99999"], "not a port"),
    (["review", "decide", "x"], "one of the arguments"),
    (["review", "list", "--status", "done"], "not a match status"),
])
def test_review_mistakes_exit_2_in_one_line(args, says, tmp_path, monkeypatch, capsys):
    """Argument mistakes and bad import files are the user's (exit code 2): one line, no
    traceback; a bad import appends nothing, not even its good entries."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "roadmap.parquet").write_bytes(b"")  # a dataset is there (none is read)
    good = {"at": "2024-01-01T00:00:00+00:00", "reviewer": "kari", "item_id": "i1",
            "norm_text": "x", "scope": "item", "action": "ignore", "id": 1}
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe{}")
    (tmp_path / "broken.json").write_text("{", "utf-8")
    (tmp_path / "list.json").write_text("[1, 2]", "utf-8")
    for name, second in (("half", {"id": 2, "reviewer": "ola"}),
                         ("bad_time", {**good, "id": 2, "at": "igår"}),
                         ("orphan_undo", {**good, "id": 2, "action": "undo", "revokes": 9})):
        (tmp_path / f"{name}.json").write_text(json.dumps({"decisions": [good, second]}))
    assert main([*args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "Traceback" not in err, err
    assert Store(out / "state").decisions() == []


def test_an_export_that_cannot_be_written_is_an_output_error(ingested_inbox, capsys):
    _, out = ingested_inbox
    assert main(["review", "export", str(out / "no" / "such" / "folder.json"), "--out",
                 str(out)]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the export" in err


def test_the_clis_statuses_are_the_match_statuses():
    from normalize.model import MatchStatus
    from veikart.cli import STATUSES

    assert set(STATUSES) == {s.value for s in MatchStatus}
