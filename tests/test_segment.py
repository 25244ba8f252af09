from __future__ import annotations

from pathlib import Path

import pytest

from translator import split_sentences
from translator.language.segment import boundary_scores, sentence_spans

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Han kom. Hun gik.", ["Han kom.", "Hun gik."]),
        # Abbreviations of sizes and given names, before a number or a name.
        ("Skoen fås i str. 42 og 43.", ["Skoen fås i str. 42 og 43."]),
        ("Bogen er af Vilh. Bergsøe. Den udkom.", ["Bogen er af Vilh. Bergsøe.", "Den udkom."]),
        ("Hun mødte Chr. Hansen.", ["Hun mødte Chr. Hansen."]),
        ("Hun er cand.jur. fra Aarhus.", ["Hun er cand.jur. fra Aarhus."]),
        # The formal "De" inside a sentence starts nothing.
        ("Vil De have kaffe? Ja tak.", ["Vil De have kaffe?", "Ja tak."]),
        ("Hvad mener De om det?", ["Hvad mener De om det?"]),
        # All-caps headlines: one-letter words and acronyms inside them cut nothing.
        ("SKANDALE I DR: CHEF FYRET", ["SKANDALE I DR: CHEF FYRET"]),
        ("STORT BRAND PÅ AMAGER Natten var lang.", ["STORT BRAND PÅ AMAGER", "Natten var lang."]),
        ("GEOLOGI I gennemsnit sker det.", ["GEOLOGI", "I gennemsnit sker det."]),
        ("Han arbejder for NATO I Bruxelles.", ["Han arbejder for NATO I Bruxelles."]),
        ("Hun læste om LEGO Koncernen.", ["Hun læste om LEGO Koncernen."]),
        ("Det sker bl.a. i dag. Hvad nu?", ["Det sker bl.a. i dag.", "Hvad nu?"]),
        ("Vi ses f.eks. i morgen.", ["Vi ses f.eks. i morgen."]),
        ("Mødet er kl. 10.30 i dag. Alle kommer.", ["Mødet er kl. 10.30 i dag.", "Alle kommer."]),
        ("Det koster ca. 2,5 mio. kr. om året.", ["Det koster ca. 2,5 mio. kr. om året."]),
        ("Den 21. september kom han. Så gik han.", ["Den 21. september kom han.", "Så gik han."]),
        ("H.C. Andersen skrev eventyr.", ["H.C. Andersen skrev eventyr."]),
        ("Han mødte J. F. Kennedy i 1961.", ["Han mødte J. F. Kennedy i 1961."]),
        ("Renten steg 0,5 pct. i går.", ["Renten steg 0,5 pct. i går."]),
        ("Der var æbler, pærer osv. Det var godt.", ["Der var æbler, pærer osv.", "Det var godt."]),
        ('- Det er slut, sagde han. "Nu går vi."', ["- Det er slut, sagde han.", '"Nu går vi."']),
        ('"Kom nu!" råbte hun.', ['"Kom nu!" råbte hun.']),
        ("Se nr. 5 og jf. afsnit 3.", ["Se nr. 5 og jf. afsnit 3."]),
        ("Nye udfordringer Og hvad så?", ["Nye udfordringer", "Og hvad så?"]),
        ("Han er medlem af Det Radikale Venstre.", ["Han er medlem af Det Radikale Venstre."]),
        (
            "Nato varsler nye sanktioner\nDet sker i dag.",
            ["Nato varsler nye sanktioner", "Det sker i dag."],
        ),
        ("Listen:\n1. Æbler\n2. Pærer", ["Listen:", "1. Æbler", "2. Pærer"]),
        ("Han kom,\r\nog gik.", ["Han kom,", "og gik."]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_spans_leave_only_whitespace_between_sentences() -> None:
    text = "Han kom.  Hun gik!\tDe blev."
    spans = sentence_spans(text)
    gaps = [text[a[1] : b[0]] for a, b in zip(spans, spans[1:], strict=False)]
    assert all(gap.isspace() for gap in gaps)


GOLD = [
    line for line in (DATA / "da_ddt_dev_sentences.txt").read_text("utf-8").splitlines() if line
]


def test_boundary_f1_on_danish_ddt_dev() -> None:
    # A punctuation regex reaches about 0.93 here; the README reports the figure.
    assert boundary_scores([GOLD])[2] >= 0.98


def test_boundary_f1_on_a_document_with_paragraphs() -> None:
    paragraphs = [GOLD[i : i + 3] for i in range(0, len(GOLD), 3)]
    assert boundary_scores(paragraphs)[2] >= 0.98
