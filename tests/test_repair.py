"""OCR repair: the confusion model, its safety on clean text, properties, and the two routes
a damaged text layer can take through the pipeline (repair, or re-OCR of the page image)."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT
from fixtures import damaged_deck_pdf, damaged_text_layer_pdf, typeset_pdf
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from extractors import extract
from normalize import normalize_document
from normalize.repair import default_repairer

PAIRS = ROOT / "benchmarks" / "data" / "ocr_pairs.tsv"


@pytest.fixture(scope="module")
def repairer():
    return default_repairer()


@pytest.mark.parametrize(("damaged", "clean"), [
    ("mgter", "møter"), ("prgvesvar", "prøvesvar"), ("Fglsomhet", "Følsomhet"),
    ("innfgring", "innføring"), ("aktgrer", "aktører"), ("pa", "på"),
    ("pdrgrende", "pårørende"), ("Madlet", "Målet"), ("veere", "være"),
    ("ordinzere", "ordinære"), ("Sgr-@st", "Sør-Øst"), ("Hese", "Helse"),
    ("Sammenhengend", "Sammenhengende"), ("HELSE S@R-OST", "HELSE SØR-ØST"),
    ("tiltak for 4 redusere", "tiltak for å redusere"),
    ("Ungdom far nå tilgang", "Ungdom får nå tilgang"),
    ("Ting som bor endres", "Ting som bør endres"),
    ("okt med 600 fastleger", "økt med 600 fastleger"), ("Okt kvalitet", "Økt kvalitet"),
    ("Helsenorge har fatt klager", "Helsenorge har fått klager"),
    ("Evaluering av matet", "Evaluering av møtet"), ("i dagens mate", "i dagens møte"),
    ("I produksjon i Helse Sor @st", "I produksjon i Helse Sør Øst"),
    ("Helse Sgr Ost", "Helse Sør Øst"), ("ogsa @ innbefatte", "også å innbefatte"),
    ("Overordnet malsetning", "Overordnet målsetning"),
    ("Status oppfalgingssaker", "Status oppfølgingssaker"),
    ("‘Kunne ikke luke ressurs.", "Kunne ikke luke ressurs."),
])
def test_typical_damage_is_repaired(repairer, damaged, clean):
    assert repairer.repair(damaged, force=True).text == clean


@pytest.mark.parametrize("text", [
    "dokumentdeling og egenbehandlingsplan", "DIPS BDS NHN 12-16 Timer 2.0",
    "Uptime over the past 90 days", "meter", "Fra 2 til 4", "Helsenorge CheckWare HelsaMi",
    "Finn Olav Mjærum, Helse Vest", "Min far og mor", "Hun bor i Bodø",
    "Forgrunn satt", "Tidsgrensen overskredet", "Oppslag av vertsnavn feilet",
    "Tillat all innkommende mDNS-trafikk", "Et GdkImage som skal vises", "Johan Olav Kvan",
    "møte 12. okt 2024", "fikk fatt på saken", "eller null hvis ingen tilstand er sann",
    "‘Sitat’ fra møtet",
])
def test_valid_words_numbers_codes_names_and_english_are_left_alone(repairer, text):
    assert repairer.repair(text, force=True).text == text


def test_clean_text_is_not_taken_for_damaged(repairer):
    clean = (ROOT / "samples" / "prosjektside_digital_dialog.html").read_text("utf-8")
    assert not repairer.looks_damaged(clean)
    assert repairer.looks_damaged("Innfgring av brevlosning pa sykehuset. Forst ute med "
                                  "lasning for pasientforlopet.")


def test_changes_are_recorded_with_positions(repairer):
    text = "Status: Innfgring dokumentdeling steg 1"
    result = repairer.repair(text, force=True)
    (change,) = result.changes
    assert (change.rule, change.before, change.after) == ("confusion", "Innfgring", "Innføring")
    assert text[change.start:change.end] == change.before


def test_benchmark_sample_improves_and_makes_no_line_worse(repairer):
    with PAIRS.open(encoding="utf-8") as fh:
        pairs = list(csv.reader(fh, delimiter="\t"))[1:][:200]
    damaged = [d for d, _ in pairs]
    force = repairer.looks_damaged("\n".join(damaged))
    assert force
    before = after = 0
    for d, c in pairs:
        r = repairer.repair(d, force=force).text
        assert Levenshtein.distance(r, c) <= Levenshtein.distance(d, c), (d, r, c)
        before += Levenshtein.distance(d, c)
        after += Levenshtein.distance(r, c)
    assert after < 0.5 * before


def test_held_out_text_improves_and_almost_no_line_gets_worse(repairer):
    """Norwegian the rules were not written for (gettext messages, other fonts): a guard
    against rules that only fit the seed documents."""
    with PAIRS.with_name("ocr_pairs_heldout.tsv").open(encoding="utf-8") as fh:
        pairs = list(csv.reader(fh, delimiter="\t"))[1:]
    force = repairer.looks_damaged("\n".join(d for d, _ in pairs))
    repaired = [(d, repairer.repair(d, force=force).text, c) for d, c in pairs]
    before = sum(Levenshtein.distance(d, c) for d, _, c in repaired)
    after = sum(Levenshtein.distance(r, c) for _, r, c in repaired)
    worse = [(d, r, c) for d, r, c in repaired
             if Levenshtein.distance(r, c) > Levenshtein.distance(d, c)]
    assert after < 0.4 * before
    assert len(worse) <= 2, worse


words = st.sampled_from(["møter", "prøvesvar", "pårørende", "helse", "og", "på", "Helsenorge",
                         "Timer", "2.0", "dokumentdeling", "innføring", "i", "er", "tjenester",
                         "behandlende", "enhet", "Sør-Øst", "løsning", "være", "å"])


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=10))
def test_lines_of_lexicon_words_never_change(repairer, line_words):
    line = " ".join(line_words)
    assert repairer.repair(line, force=True).text == line


damaged_words = st.sampled_from(["mgter", "prgvesvar", "pa", "innfgring", "Sgr-@st", "veere",
                                 "helse", "og", "Timer", "2.0", "4", "a", "e", "Hese", "lasning"])


@settings(max_examples=60, deadline=None)
@given(st.lists(damaged_words, min_size=1, max_size=10))
def test_repair_is_idempotent(repairer, line_words):
    once = repairer.repair(" ".join(line_words), force=True).text
    assert repairer.repair(once, force=True).text == once


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_unicode_never_crashes_and_keeps_lines(repairer, text):
    result = repairer.repair(text, force=True)
    assert result.text.count("\n") == text.count("\n")
    assert repairer.repair(text).text.count("\n") == text.count("\n")


CLEAN = ["Innføring dokumentdeling steg 1", "Pasientens prøvesvar", "Mine timeavtaler"]
DAMAGED = ["Innfgring dokumentdeling steg 1", "Pasientens prgvesvar", "Mine timeavtaler"]


def test_damaged_text_layer_is_repaired(tmp_path, matcher, repairer):
    pdf = damaged_text_layer_pdf(tmp_path / "layer.pdf", CLEAN, DAMAGED, with_image=False)
    doc = extract(pdf, text_check=repairer.looks_damaged)
    assert doc.pages[0].text_source == "text-layer"  # no page image to OCR again
    norm = normalize_document(doc, matcher, repairer)
    assert norm.page_routes == {1: "text-layer+repair"}
    by_text = {it.text: it for it in norm.items}
    item = by_text["Innføring dokumentdeling steg 1"]
    assert item.mention_text == "Innfgring dokumentdeling steg 1"  # evidence kept
    assert item.repairs[0]["before"] == "Innfgring" and item.repairs[0]["after"] == "Innføring"
    assert (item.match_status, item.initiative_id) == ("auto", "innforing-dokumentdeling-steg-1")
    assert by_text["Pasientens prøvesvar"].initiative_id == "pasientens-provesvar"


def test_damaged_text_layer_over_a_scan_is_ocred_again(tmp_path, matcher, repairer):
    pdf = damaged_text_layer_pdf(tmp_path / "scan.pdf", CLEAN, DAMAGED, with_image=True)
    plain = extract(pdf)
    assert plain.pages[0].text_source == "text-layer" and "Innfgring" in plain.pages[0].text
    doc = extract(pdf, text_check=repairer.looks_damaged)
    assert doc.pages[0].text_source == "re-ocr" and doc.pages[0].ocr
    assert "Innføring dokumentdeling steg 1" in doc.pages[0].text
    norm = normalize_document(doc, matcher, repairer)
    assert norm.page_routes[1].startswith("re-ocr")


SLIDE = (["Møter i Helse Nord"], ["Mgter i Helse Nord"])  # one damaged word: too few alone


def test_a_slide_with_one_damaged_word_is_judged_with_its_deck(tmp_path, matcher, repairer):
    assert not repairer.looks_damaged(SLIDE[1][0])
    pdf = damaged_deck_pdf(tmp_path / "deck.pdf", [(CLEAN, DAMAGED), SLIDE], with_image=False)
    norm = normalize_document(extract(pdf, text_check=repairer.looks_damaged), matcher,
                              repairer)
    assert norm.page_routes == {1: "text-layer+repair", 2: "text-layer+repair"}
    assert "Møter i Helse Nord" in {it.text for it in norm.items}
    scan = damaged_deck_pdf(tmp_path / "scan.pdf", [(CLEAN, DAMAGED), SLIDE], with_image=True)
    doc = extract(scan, text_check=repairer.looks_damaged)
    assert [p.text_source for p in doc.pages] == ["re-ocr", "re-ocr"]
    assert "Møter i Helse Nord" in doc.pages[1].text


def test_minutes_ocred_without_norwegian_give_the_same_items_and_mentions(
        tmp_path, extracted, matcher, repairer):
    """The sample minutes as a text layer from tesseract's English model (bullets read as
    "¢" and "«", "prøvesvar" as "pravesvar"): repaired, they give the clean PDF's items (but
    for the en dash, which OCR reads as a hyphen) and the same prose mentions."""
    from conftest import SAMPLES
    from fixtures import eng_ocr_pdf

    name = "referat_produktstyret_mote39_2023-04-20.pdf"
    clean = normalize_document(extracted(name), matcher, repairer)
    pdf = eng_ocr_pdf(SAMPLES / name, tmp_path / "referat", text_only=True)
    norm = normalize_document(extract(pdf, text_check=repairer.looks_damaged), matcher,
                              repairer)
    assert norm.page_routes == {1: "text-layer+repair"}
    assert [it.text for it in norm.items] == [it.text.replace("–", "-") for it in clean.items]
    assert [(it.initiative_id, it.match_status) for it in norm.items] == [
        (it.initiative_id, it.match_status) for it in clean.items]
    assert sorted(m.initiative_id for m in norm.mentions) == sorted(
        m.initiative_id for m in clean.mentions)


ENGLISH = ["Status of the roadmap: a new booking service for Helse Sor-Ost",
           "Patients can now see a test result and book a time in the app.",
           "The board had a long meeting on the plan for a new portal,",
           "and it was agreed that a pilot starts in Helse Vest next year."]
LATIN = ["Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae,",
         "aliam Aquitani, tertiam qui ipsorum lingua Celtae, nostra Galli appellantur.",
         "Hi omnes lingua, institutis, legibus inter se differunt. Gallos ab Aquitanis",
         "Garumna flumen, a Belgis Matrona et Sequana dividit, qui a cultu absunt."]


@pytest.mark.parametrize(("lines", "language"), [(ENGLISH, "en"), (LATIN, "und")],
                         ids=["english", "latin"])
def test_pages_in_other_languages_pass_through_unrepaired(tmp_path, matcher, repairer, lines,
                                                          language):
    text = "\n".join(lines)
    assert repairer.repair(text, force=True).changes, "the rules would rewrite this text"
    doc = extract(typeset_pdf(tmp_path / "page.pdf", lines), text_check=repairer.looks_damaged)
    norm = normalize_document(doc, matcher, repairer)
    assert norm.page_languages == {1: language}
    assert norm.page_routes == {1: "text-layer"} and norm.page_repairs == {1: 0}
    assert all(not it.repairs and it.text in text for it in norm.items)


def test_damaged_norwegian_still_reads_as_norwegian(tmp_path, matcher, repairer):
    pdf = damaged_text_layer_pdf(tmp_path / "layer.pdf", CLEAN, DAMAGED, with_image=False)
    norm = normalize_document(extract(pdf), matcher, repairer)
    assert norm.page_languages[1] in ("nb", None) and norm.page_routes[1].endswith("+repair")


def test_the_dictionary_is_kept_out_of_the_collectors_walks():
    """hunspell's dictionary (334,000 words, each with its lists and sets) is made with the
    collector off and then frozen: a full collection of a worker holding it took 1.2 s, and
    it came every few documents. The frozen objects are freed at exit as usual (a process
    that exits with them frozen makes duckdb's bindings report leaks)."""
    import subprocess
    import sys

    probe = ("import gc\n"
             "import duckdb\n"
             "from normalize.repair import _load_hunspell\n"
             "assert _load_hunspell() is not None\n"
             "print(gc.get_freeze_count(), len(gc.get_objects()))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    frozen, walked = map(int, done.stdout.split())
    assert frozen > 300_000 and walked < 100_000
    assert "leak" not in done.stderr
