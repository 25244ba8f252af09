from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE, CopyEngine

from translator import Hypothesis, Translator
from translator.engine_argos import ArgosEngine
from translator.translation_memory import TranslationMemory


class Fingerprinted(CopyEngine):
    def __init__(self, fingerprint: str) -> None:
        super().__init__()
        self.fingerprint = fingerprint


def test_second_translator_reuses_the_memory(tmp_path: Path, example_text: str) -> None:
    tm = tmp_path / "tm.sqlite"
    first_engine, second_engine = Fingerprinted("m1"), Fingerprinted("m1")
    first = Translator(first_engine, translation_memory=tm).translate(example_text)
    second = Translator(second_engine, translation_memory=tm).translate(example_text)
    assert first_engine.calls and second_engine.calls == []
    assert second.text == first.text


def test_another_model_does_not_reuse(tmp_path: Path, example_text: str) -> None:
    tm = tmp_path / "tm.sqlite"
    Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)
    other = Fingerprinted("m2")
    Translator(other, translation_memory=tm).translate(example_text)
    assert other.calls


def test_argos_fingerprint_names_model_and_options(installed_model: Path) -> None:
    assert ArgosEngine(installed_model).fingerprint == ArgosEngine(installed_model).fingerprint
    assert (
        ArgosEngine(installed_model).fingerprint
        != ArgosEngine(installed_model, beam_size=2).fingerprint
    )


def test_memory_round_trip(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "tm.sqlite")
    memory.store("e", [("Hej.", "Hello."), ("Nej.", "No.")])
    assert memory.lookup("e", ["Hej.", "Ja.", "Nej."]) == {"Hej.": "Hello.", "Nej.": "No."}
    assert memory.lookup("other", ["Hej."]) == {}
    memory.close()


def test_real_model_with_memory_gives_the_same_english(
    installed_model: Path, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text("utf-8")
    tm = tmp_path / "tm.sqlite"
    plain = Translator().translate(text)
    Translator(translation_memory=tm).translate(text)
    again = Translator(translation_memory=tm).translate(text)
    assert again.text == plain.text


def test_memory_remembers_detections(tmp_path: Path, monkeypatch, example_text: str) -> None:  # type: ignore[no-untyped-def]
    from translator import pipeline

    tm = tmp_path / "tm.sqlite"
    first = Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)

    def no_detection(text: str) -> None:
        raise AssertionError("detected again")

    monkeypatch.setattr(pipeline, "detect_language", no_detection)
    again = Translator(Fingerprinted("m1"), translation_memory=tm).translate(example_text)
    assert (again.source_language, again.confidence) == (first.source_language, first.confidence)


class Repairing(Fingerprinted):
    """Drops quotation marks in its first hypothesis; the second keeps them."""

    def search(
        self, sentences: list[str], candidates: int = 1, alignment: bool = False
    ) -> list[list[Hypothesis]]:
        self.calls.append(list(sentences))
        damaged = [Hypothesis(s.replace("„", "").replace("“", ""), -1.0) for s in sentences]
        return [
            [d, Hypothesis(s, -1.1)][:candidates] for d, s in zip(damaged, sentences, strict=True)
        ]


def test_repairs_are_remembered_with_their_record(tmp_path: Path) -> None:
    tm, text = tmp_path / "tm.sqlite", "Han kaldte det „farligt“ i går.\n"
    first = Translator(Repairing("m1"), translation_memory=tm).translate(text)
    engine = Repairing("m1")
    second = Translator(engine, translation_memory=tm).translate(text)
    assert engine.calls == []  # neither the first pass nor the repair decoded again
    assert second.text == first.text == text
    assert second.repairs == first.repairs and first.repairs[0].technique == "hypothesis"


def test_other_guarantee_rules_do_not_reuse_final_english(tmp_path: Path) -> None:
    tm, text = tmp_path / "tm.sqlite", "Han kaldte det „farligt“ i går.\n"
    Translator(Fingerprinted("m1"), translation_memory=tm).translate(text)
    result = Translator(Fingerprinted("m1"), translation_memory=tm, quote_style="english")
    assert result.translate(text).text == "Han kaldte det “farligt” i går.\n"
