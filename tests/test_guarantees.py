"""The guarantee seam, each guarantee's public check, and the repair techniques."""

from __future__ import annotations

import pickle
import re

import pytest

from translator import Translator
from translator import guarantees as seam
from translator.engines.base import Alignment, Hypothesis, search
from translator.errors import UnknownGuaranteeError
from translator.formats.glossary import parse
from translator.guarantees import Problem, Segment, Settings, repair
from translator.guarantees.fluency import repeated
from translator.guarantees.numbers import NumberGuarantee, find_numbers
from translator.guarantees.quotation import QuoteGuarantee
from translator.guarantees.terms import GlossaryGuarantee

GLOSSARY = parse("da\ten\nNato\tNATO\nZelenskyj\tZelensky\nØstersøen\tBaltic Sea\nUSA\tUS\n")


def segment(guarantee: seam.Guarantee, text: str, quoted: bool = False) -> Segment:
    return Segment(text, quoted, 1, {guarantee.name: guarantee.find(text, quoted).spans})


# -- the seam -----------------------------------------------------------------------------


class Shouting(seam.BaseGuarantee):
    """A guarantee written for this test: the English must not be in capitals."""

    name = "shouting"

    def check(self, segment: Segment, output: str) -> list[Problem]:
        return [Problem(self.name, "caps", "in capitals")] if output.isupper() else []


def test_a_new_guarantee_is_one_class_and_one_registration_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(seam.GUARANTEES, "shouting", f"{__name__}:Shouting")

    class Loud:
        def translate_batch(self, sentences: list[str]) -> list[str]:
            return [s.upper() for s in sentences]

    result = Translator(Loud(), guarantees=["shouting"], source_language="da").translate(
        "Det regner i dag.\n"
    )
    assert result.warnings == ["line 1: shouting: in capitals; kept the model's translation"]


def test_unknown_guarantee_is_refused() -> None:
    with pytest.raises(UnknownGuaranteeError, match="unknown guarantee 'spelling'"):
        Translator(guarantees=["spelling"])


def test_an_error_missing_a_field_still_has_a_message() -> None:
    from translator.errors import ModelNotInstalledError

    error = ModelNotInstalledError(from_code="da")  # no to_code, no reason
    assert str(error) == "no Argos da→? model is installed?"


def test_problems_are_data_and_errors_pickle() -> None:
    problem = Problem("quotes", "quotation", "0 quotation(s) instead of 1")
    assert (problem.kind, problem.repairable) == ("quotation", True)
    error = pickle.loads(pickle.dumps(UnknownGuaranteeError(name="x", known="a, b")))
    assert isinstance(error, UnknownGuaranteeError) and str(error).startswith("unknown")


# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("danish", "english"),
    [
        ("Prisen steg 2,5 procent.", ["2.5%"]),
        ("Der kom 1.000 mennesker.", ["1,000"]),
        ("Budgettet er 2.500.000 kroner.", ["2,500,000"]),
        ("Arbejdsløsheden er 12 pct.", ["12%"]),
        ("Mødet begynder kl. 10.30 i morgen.", ["10:30"]),
        ("Han kom den 21. september til byen.", ["21 September"]),
        ("Det koster 1,5 mia. kr.", ["1.5 billion"]),
        ("Hun sluttede som nr. 3. i løbet.", ["3rd"]),
        ("I 2005 kom 4 mus.", ["2005", "4"]),
        ("Standarden 802.11n er hurtig.", ["802.11n"]),
        ("Den kører på 2,4GHz og 5GHz.", ["2.4GHz", "5GHz"]),
        ("Mødet er kl. 22.", ["22:00"]),
        ("Klokken var 07:19.", ["07:19"]),
        ("Det var år 5.000 f.Kr. Så kom isen.", ["5,000"]),
        ("Hun løb på 4:41,30 og 1:09:02,5.", ["4:41.30", "1:09:02.5"]),
    ],
)
def test_numbers_found_with_house_style(danish: str, english: list[str]) -> None:
    assert [number.english for _, _, number in find_numbers(danish)] == english


@pytest.mark.parametrize(
    ("danish", "english", "problems"),
    [
        ("Mødet er kl. 22.", "The meeting is at 10 p.m.", []),
        ("Mødet er kl. 10:00.", "The meeting is at 10 p.m.", ["missing"]),
        ("Standarden 802.11n er hurtig.", "The 80211 standard is fast.", ["missing"]),
        ("Den kører på 2,4GHz.", "It runs at 2.4 GHz.", []),
        ("Det var år 5.000 f.Kr.", "It was the year 5 000 p.m.", ["era"]),
        ("Det var år 5.000 f.Kr.", "It was the year 5,000 BC.", []),
        ("Der kom 4 mus.", "Four mice came.", []),
        ("Hun løb på 4:41,30.", "She ran at 4 41.30.", ["missing"]),
        ("Hun løb på 4:41,30.", "She ran at 4:41.30.", []),
        ("Byen er fra det 10. århundrede f.kr.", "The city is from the tenth century.", ["era"]),
        ("Byen er fra det 10. århundrede f.kr.", "The city is from the 10th century BC.", []),
    ],
)
def test_numbers_checked_in_every_form(danish: str, english: str, problems: list[str]) -> None:
    """Clock times in any form, codes as written, eras kept: nothing is lost silently."""
    guarantee = NumberGuarantee(Settings())
    segment = Segment(danish, spans={"numbers": guarantee.find(danish, False).spans})
    found = guarantee.check(segment, guarantee.normalize(segment, english))
    assert [p.kind for p in found] == problems


@pytest.mark.parametrize(
    ("danish", "english", "normalised"),
    [
        ("Mødet er kl. 22.", "The meeting is at 10 p.m.", "The meeting is at 22:00"),
        ("Der kom 4 mus.", "Four mice came.", "4 mice came."),
        ("Den kører på 2,4GHz.", "It runs at 2.4 GHz.", "It runs at 2.4GHz."),
    ],
)
def test_numbers_normalised_to_house_style(danish: str, english: str, normalised: str) -> None:
    guarantee = NumberGuarantee(Settings())
    segment = Segment(danish, spans={"numbers": guarantee.find(danish, False).spans})
    assert guarantee.normalize(segment, english).rstrip(".") == normalised.rstrip(".")


@pytest.mark.parametrize(
    ("danish", "model", "fixed"),
    [
        ("Prisen steg 2,5 procent.", "The price rose by 2,5 per cent.", "The price rose by 2.5%."),
        ("Der kom 1.000 mennesker.", "1 000 people came.", "1,000 people came."),
        ("Det koster 2,5 mio. kr.", "It costs DKK 2.5 million.", "It costs DKK 2.5 million."),
        ("Det sker kl. 20.30.", "It happens at 8.30 p.m.", "It happens at 20:30."),
    ],
)
def test_numbers_normalised_and_accepted(danish: str, model: str, fixed: str) -> None:
    numbers = NumberGuarantee(Settings())
    unit = segment(numbers, danish)
    assert numbers.normalize(unit, model) == fixed
    assert numbers.check(unit, fixed) == []


@pytest.mark.parametrize(
    ("danish", "model"),
    [
        ("I 1978 kom han til byen.", "In 1987 he came to the city."),
        ("Det koster 2,5 mio. kr.", "It costs DKK 2.5."),
        ("Der kom 330.000 mennesker.", "300 000 people came."),
    ],
)
def test_numbers_changed_by_the_model_are_problems(danish: str, model: str) -> None:
    numbers = NumberGuarantee(Settings())
    unit = segment(numbers, danish)
    problems = numbers.check(unit, numbers.normalize(unit, model))
    assert [p.kind for p in problems] == ["missing"]


# -- glossary, quotes, fluency ------------------------------------------------------------


def test_glossary_respells_copied_danish_and_recases() -> None:
    terms = GlossaryGuarantee(Settings(GLOSSARY))
    unit = segment(terms, "Natos chef mødte Zelenskyj.")
    fixed = terms.normalize(unit, "Natos chief met Zelenskyj.")
    assert fixed == "NATO's chief met Zelensky."
    assert terms.check(unit, fixed) == []
    assert terms.normalize(unit, "The nato's chief met Zelensky.") == (
        "The NATO's chief met Zelensky."
    )


def test_glossary_reports_a_dropped_term() -> None:
    terms = GlossaryGuarantee(Settings(GLOSSARY))
    unit = segment(terms, "Nato mødes i dag.")
    assert [p.kind for p in terms.check(unit, "The alliance meets today.")] == ["missing"]


@pytest.mark.parametrize(
    ("model", "fixed"),
    [
        ("He called it 'dangerous'.", "He called it „dangerous“."),
        ("He called it “dangerous”.", "He called it „dangerous“."),
    ],
)
def test_quotes_restyled_from_any_marks(model: str, fixed: str) -> None:
    quotes = QuoteGuarantee(Settings())
    unit = segment(quotes, "Han kaldte det „farligt“.")
    assert quotes.normalize(unit, model) == fixed
    assert quotes.check(unit, fixed) == []


def test_quotes_dropped_is_a_problem_but_added_is_not() -> None:
    quotes = QuoteGuarantee(Settings())
    assert quotes.check(segment(quotes, "Han kaldte det „farligt“."), "He called it dangerous.")
    assert quotes.check(segment(quotes, "Sig nej."), "Say 'no'.") == []


@pytest.mark.parametrize(
    ("text", "loop"),
    [
        ("He added to him his added add add add addict.", "add"),
        ("as well as, as well as, as well as, and", "as well as ,"),
        ("Wait..........", ".........."),
        ("He came, he saw, he won.", None),
    ],
)
def test_repetition_is_found(text: str, loop: str | None) -> None:
    assert repeated(text) == loop


# -- repair techniques --------------------------------------------------------------------


def word_alignment(source: str, target: str) -> Alignment:
    """An alignment for an engine that keeps the words in place: the i-th word to the i-th."""
    pairs = zip(re.finditer(r"\S+", source), re.finditer(r"\S+", target), strict=True)
    return Alignment(tuple((s.start(), s.end(), t.start(), t.end()) for s, t in pairs))


class Searching:
    """A search engine whose first hypothesis has ``damage`` applied; others are clean."""

    def __init__(self, damage: object, clean_alternative: bool) -> None:
        self.damage = damage
        self.clean_alternative = clean_alternative
        self.searches: list[int] = []

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [found[0].text for found in self.search(sentences)]

    def search(
        self, sentences: list[str], candidates: int = 1, alignment: bool = False
    ) -> list[list[Hypothesis]]:
        self.searches.append(candidates)
        results = []
        for sentence in sentences:
            damaged = self.damage(sentence)  # type: ignore[operator]
            same_words = len(damaged.split()) == len(sentence.split())
            links = word_alignment(sentence, damaged) if alignment and same_words else None
            found = [Hypothesis(damaged, -1.0, True, links)]
            if candidates > 1 and self.clean_alternative:
                found.append(Hypothesis(sentence, -1.2, True, None))
            results.append(found[:candidates])
        return results


def drop_marks(text: str) -> str:
    return text.replace("„", "").replace("“", "")


def test_another_hypothesis_repairs_a_dropped_quotation() -> None:
    engine = Searching(drop_marks, clean_alternative=True)
    result = Translator(engine, source_language="da").translate("Han kaldte det „farligt“.\n")
    assert result.text == "Han kaldte det „farligt“.\n"
    assert [r.technique for r in result.repairs] == ["hypothesis"]
    assert result.warnings[0].startswith("line 1: repaired by hypothesis (quotes:")


def test_alignment_places_the_marks_back() -> None:
    engine = Searching(drop_marks, clean_alternative=False)
    result = Translator(engine, source_language="da").translate("Han kaldte det „farligt“ i går.\n")
    assert result.text == "Han kaldte det „farligt“ i går.\n"
    assert [r.technique for r in result.repairs] == ["alignment"]


def test_alignment_places_a_mangled_term() -> None:
    engine = Searching(lambda s: s.replace("Østersøen", "Baltik"), clean_alternative=False)
    translator = Translator(engine, source_language="da", glossaries=[], default_glossary=False)
    translator.guarantees[0] = GlossaryGuarantee(Settings(GLOSSARY))
    translator._guard.guarantees[0] = translator.guarantees[0]
    result = translator.translate("Skibet sejler over Østersøen i dag.\n")
    assert result.text == "Skibet sejler over Baltic Sea i dag.\n"


def test_fluent_translation_is_kept_when_nothing_repairs() -> None:
    engine = Searching(lambda s: "He said it.", clean_alternative=False)
    result = Translator(engine, source_language="da").translate("Han sagde „nej“ til Nato.\n")
    assert result.text == "He said it.\n"
    assert result.repairs[0].technique == ""
    assert "kept the model's translation" in result.warnings[0]


def test_a_cut_translation_is_split_at_clauses() -> None:
    class Cutting:
        def translate_batch(self, sentences: list[str]) -> list[str]:
            return [found[0].text for found in self.search(sentences)]

        def search(
            self, sentences: list[str], candidates: int = 1, alignment: bool = False
        ) -> list[list[Hypothesis]]:
            return [[Hypothesis(s[:50], None, len(s) <= 50)] for s in sentences]

    text = "Regeringen vil i dag fremlægge sit forslag, men oppositionen er imod det.\n"
    result = Translator(Cutting(), source_language="da").translate(text)
    assert result.text == text
    assert [r.technique for r in result.repairs] == ["split"]


# -- constrained re-decoding --------------------------------------------------------------


class ForcingEngine:
    """A constrained engine: the model paraphrases USA as "the United States", and
    continues any forced prefix with the rest of the sentence; scores are given."""

    FIRST = "The United States and Denmark agree."

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.prefixes: list[str] = []
        self.searches: list[tuple[int, int, bool]] = []

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [self.FIRST for _ in sentences]

    def search(
        self, sentences: list[str], candidates: int = 1, alignment: bool = False
    ) -> list[list[Hypothesis]]:
        self.searches.append((len(sentences), candidates, alignment))
        # USA (0-3) went to "United States" (4-17), "og Danmark" to "and Denmark".
        links = Alignment(((0, 3, 4, 10), (0, 3, 11, 17), (4, 6, 18, 21), (7, 14, 22, 29)))
        return [[Hypothesis(self.FIRST, -0.2, True, links)] for _ in sentences]

    def complete(self, sentences: list[str], prefixes: list[str]) -> list[Hypothesis]:
        self.prefixes += prefixes
        return [Hypothesis(f"{p} and Denmark agree.", None, True, None) for p in prefixes]

    def score(self, sentences: list[str], outputs: list[str]) -> list[float]:
        return [self.scores.get(o, -0.5) for o in outputs]


def _resolve(engine: object, danish: str = "USA og Danmark er enige.") -> repair.Outcome:
    guard = repair.Guard([GlossaryGuarantee(Settings(GLOSSARY))])
    unit = segment(guard.guarantees[0], danish)
    found = search(engine, [danish], repair.CANDIDATES, alignment=True)  # type: ignore[arg-type]
    return repair.resolve(guard, engine, [unit], found, lambda s: [])[0]  # type: ignore[arg-type]


def test_a_paraphrased_term_is_forced_in_context() -> None:
    engine = ForcingEngine({ForcingEngine.FIRST: -0.4})
    outcome = _resolve(engine)
    assert outcome.technique == "constrained"
    assert outcome.text == "The US and Denmark agree."
    assert "The US" in engine.prefixes  # the model's own words up to the term, then the term
    assert [p.kind for p in outcome.fixed] == ["missing"] and not outcome.problems


def test_a_forced_translation_far_worse_than_the_fluent_one_is_not_taken() -> None:
    engine = ForcingEngine({ForcingEngine.FIRST: -0.2})
    engine.scores.update({"The US and Denmark agree.": -0.2 - repair.REPAIR_MARGIN - 0.5})
    outcome = _resolve(engine)
    assert outcome.technique == "" and outcome.text == ForcingEngine.FIRST
    assert [p.kind for p in outcome.problems] == ["missing"]


def test_a_repair_decodes_nothing_twice() -> None:
    # The first decode brings the beam's hypotheses, aligned: the repair takes them from
    # there and only forces the term, so the article costs one search, not two.
    engine = ForcingEngine({ForcingEngine.FIRST: -0.4})
    translator = Translator(engine, source_language="da", glossary=GLOSSARY)
    result = translator.translate("USA og Danmark er enige.\n")
    assert result.text == "The US and Denmark agree.\n"
    assert engine.searches == [(1, repair.CANDIDATES, True)]
    again = translator.translate("USA og Danmark er enige.\n\nDet er godt.\n")
    assert again.text.startswith("The US and Denmark agree.")
    # The cached sentence comes back without its beam: only it is searched again.
    assert engine.searches[1:] == [(1, repair.CANDIDATES, True), (1, repair.CANDIDATES, True)]
