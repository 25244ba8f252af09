"""The pipeline: structure, detection policy, and the glossary and quotation guarantees."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from conftest import CopyEngine
from damaging import ALL, DamagingEngine

from translator import Translation, Translator
from translator.errors import EngineError, UnsupportedLanguageError
from translator.language.glossary import DEBRIS, Glossary, count_term
from translator.language.quotes import find_quotes

TERMS_AND_QUOTES = (
    "FN's Generalforsamling mødes i New York. Zelenskyjs tale blev kaldt „historisk“ af "
    "Nato-chefen.\n\n"
    "- Vi står 'sammen' med Ukraine, sagde Natos generalsekretær. »Han sagde 'aldrig' til "
    "mig«, tilføjede han.\n\n"
    'Rusland kalder det "en provokation mod Nato", siger Kreml ifølge Reuters.\n'
)
NORWEGIAN = (
    "Regjeringen sier at den ikke vil gjøre noe med saken før etter valget. "
    "Statsministeren har ikke kommentert saken, men partiet hennes vil møtes neste uke.\n"
)


def line_holds(before: str, after: str, glossary: Glossary) -> bool:
    """Whether every glossary term and quotation of a source line is in its English."""
    matches = glossary.find(before)
    for target in {m.target for m in matches}:
        expected = sum(count_term(m.target, target) for m in matches)
        if count_term(after, target) < expected:
            return False
    for leftover in glossary.find(after):
        if leftover.form != leftover.target and not any(
            after.startswith(leftover.entry.target, start)
            for start in range(max(0, leftover.start - 40), leftover.start + 1)
        ):
            return False
    if DEBRIS.search(after):
        return False
    wanted = [q.depth for q in find_quotes(before, True).quotes]
    return not wanted or [q.depth for q in find_quotes(after, True).quotes] == wanted


def assert_guarantees(source: str, result: Translation, glossary: Glossary) -> None:
    """What every user may rely on, whatever the engine did: structure, and each line's
    terms and quotations either kept or reported by a warning naming the line."""
    source_lines, output_lines = source.splitlines(), result.text.splitlines()
    assert len(output_lines) == len(source_lines)
    reported = {int(w.split(":")[0].split()[1]) for w in result.warnings if w.startswith("line ")}
    for number, (before, after) in enumerate(zip(source_lines, output_lines, strict=True), 1):
        assert bool(before.strip()) == bool(after.strip())
        assert line_holds(before, after, glossary) or number in reported, (number, after)
        if before.lstrip().startswith("- "):
            assert after.lstrip().startswith("- ")


def test_copy_engine_keeps_structure(example_text: str, copy_engine: CopyEngine) -> None:
    result = Translator(copy_engine).translate(example_text)
    assert result.source_language == "da" and result.translated
    assert result.text.startswith(" date 2022-09 NATO-generalsekretær")
    assert result.text.endswith("\n\n/ritzau/Reuters")
    assert result.text.count("\n") == example_text.count("\n")
    assert "Natos" not in result.text and "NATO's generalsekretær" in result.text
    assert result.warnings == []


def test_report_lists_quotes_and_glossary_hits(example_text: str, copy_engine: CopyEngine) -> None:
    result = Translator(copy_engine).translate(example_text)
    kinds = Counter(q.kind for q in result.quotes)
    assert kinds == {"dash": 5, "inline": 2}
    inline = [q for q in result.quotes if q.kind == "inline"]
    assert inline[0].source == inline[0].translation == "farlig og hensynsløs atomretorik"
    nato = next(hit for hit in result.glossary_hits if hit.term == "Nato")
    assert nato.target == "NATO" and nato.count == 7
    assert sorted(nato.forms) == ["Nato", "Natos"]
    assert "forms" in result.to_dict()["glossary_hits"][0]


def test_translate_many_sends_one_batch(example_text: str, copy_engine: CopyEngine) -> None:
    results = Translator(copy_engine).translate_many([example_text, TERMS_AND_QUOTES])
    assert len(results) == 2
    assert len(copy_engine.calls) == 1


def test_identical_sentences_are_translated_once(copy_engine: CopyEngine) -> None:
    sentence = "Det regner, så vi bliver hjemme."
    Translator(copy_engine).translate(f"{sentence} {sentence}\n\n{sentence}\n")
    assert copy_engine.calls == [[sentence]]


def test_english_passes_through(copy_engine: CopyEngine) -> None:
    text = "This is an English sentence about the weather.\n"
    result = Translator(copy_engine).translate(text)
    assert (result.text, result.translated, result.source_language) == (text, False, "en")
    assert "already English" in result.warnings[0]
    assert copy_engine.calls == []


def test_norwegian_is_refused(copy_engine: CopyEngine) -> None:
    with pytest.raises(UnsupportedLanguageError) as raised:
        Translator(copy_engine).translate(NORWEGIAN, "norsk.txt")
    assert raised.value.exit_code == 3
    assert "norsk.txt" in str(raised.value) and "'nb'" in str(raised.value)


def test_forced_language_translates(copy_engine: CopyEngine) -> None:
    result = Translator(copy_engine, source_language="nb").translate(NORWEGIAN)
    assert result.source_language == "nb" and copy_engine.calls


def test_crlf_is_kept(copy_engine: CopyEngine) -> None:
    text = "Overskrift om Nato\r\n\r\nNato siger nej i dag.\r\n"
    assert Translator(copy_engine).translate(text).text == (
        "Overskrift om NATO\r\n\r\nNATO siger nej i dag.\r\n"
    )


def test_english_quote_style(copy_engine: CopyEngine) -> None:
    result = Translator(copy_engine, quote_style="english").translate(TERMS_AND_QUOTES)
    assert "“historisk”" in result.text
    assert "‘Han sagde “aldrig” til mig’" in result.text  # inside a dash-quote: inner
    assert "- Vi står ‘sammen’ med" in result.text
    assert "\n- Vi står" in result.text


def test_unbalanced_quote_warns(copy_engine: CopyEngine) -> None:
    result = Translator(copy_engine).translate('Han sagde "nej og gik sin vej fra mødet i dag.\n')
    assert result.text == 'Han sagde "nej og gik sin vej fra mødet i dag.\n'
    assert any("unbalanced quotation mark" in w for w in result.warnings)


@pytest.mark.parametrize("engine", ALL, ids=repr)
@pytest.mark.parametrize("text_name", ["example", "terms_and_quotes"])
def test_guarantees_hold_with_damaging_engines(
    engine: DamagingEngine, text_name: str, example_text: str
) -> None:
    text = example_text if text_name == "example" else TERMS_AND_QUOTES
    translator = Translator(engine)
    result = translator.translate(text)
    assert_guarantees(text, result, translator.glossary)


@pytest.mark.parametrize("text_name", ["example", "terms_and_quotes"])
def test_guarantees_hold_with_tiny_real_model(
    installed_model: Path, text_name: str, example_text: str
) -> None:
    text = example_text if text_name == "example" else TERMS_AND_QUOTES
    translator = Translator()
    result = translator.translate(text)
    assert_guarantees(text, result, translator.glossary)


class Faulty:
    """An engine with a fault: raises on one sentence, or returns the wrong things."""

    def __init__(self, fault: str) -> None:
        self.fault = fault

    def translate_batch(self, sentences: list[str]) -> list[object]:
        if self.fault == "raises" and any("BOOM" in s for s in sentences):
            raise RuntimeError("CUDA out of memory")
        if self.fault == "count":
            return sentences[:-1]
        if self.fault == "type":
            return [None for _ in sentences]
        if self.fault == "newline":
            return [s.replace(" ", "\n", 1) for s in sentences]
        return list(sentences)


def test_an_engine_fault_fails_only_its_article() -> None:
    texts = ["Det regner i dag.\n", "Det er BOOM i dag.\n", "Solen skinner i dag.\n"]
    results = Translator(Faulty("raises"), source_language="da").translate_results(texts)
    assert isinstance(results[1], EngineError) and "CUDA out of memory" in str(results[1])
    assert [r.text for r in (results[0], results[2])] == [texts[0], texts[2]]  # type: ignore[union-attr]


@pytest.mark.parametrize("fault", ["count", "type"])
def test_wrong_engine_output_is_an_engine_error(fault: str) -> None:
    with pytest.raises(EngineError):
        Translator(Faulty(fault), source_language="da").translate("Det regner. Det sner.\n")


def test_line_breaks_from_an_engine_never_change_the_structure() -> None:
    result = Translator(Faulty("newline"), source_language="da").translate("Det regner i dag.\n")
    assert result.text == "Det regner i dag.\n"


def test_engine_is_checked_at_construction() -> None:
    with pytest.raises(EngineError, match="no translate_batch"):
        Translator(object())  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["/ritzau/Reuters\n", " date 2022-09\n", "12 345 678\n"])
def test_texts_without_prose_pass_through(text: str, copy_engine: CopyEngine) -> None:
    result = Translator(copy_engine).translate(text)
    assert (result.text, result.translated) == (text, False)
    assert "no prose to translate" in result.warnings[0]


def test_an_empty_translation_never_changes_the_structure() -> None:
    class Empty:
        def translate_batch(self, sentences: list[str]) -> list[str]:
            return ["" for _ in sentences]

    text = "Overskrift\n\nDet regner i dag.\n"
    result = Translator(Empty(), source_language="da").translate(text)
    assert result.text == text
    assert any("the translation is empty" in w for w in result.warnings)
