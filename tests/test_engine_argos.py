"""The real Argos path: SentencePiece + CTranslate2 on the tiny package."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from translator import split_sentences
from translator.engines.argos import ArgosEngine
from translator.engines.base import Engine, load_engine
from translator.errors import ModelLoadError

SENTENCES = [
    "Natos generalsekretær, Jens Stoltenberg, taler i dag.",
    "Det er ikke nyt.",
    "I sin tale onsdag morgen dansk tid beskyldte Putin Vesten for atomafpresning mod Rusland.",
]


def test_translates_each_sentence_deterministically(installed_model: Path) -> None:
    engine = ArgosEngine(installed_model)
    first = engine.translate_batch(SENTENCES)
    assert len(first) == len(SENTENCES)
    assert all(isinstance(text, str) and text for text in first)
    assert engine.translate_batch(SENTENCES) == first
    assert engine.translate_batch(SENTENCES[1:2]) == first[1:2]


def test_registry_loads_argos_engine(installed_model: Path) -> None:
    engine = load_engine("argos", package_dir=installed_model, beam_size=2)
    assert isinstance(engine, Engine)


def test_output_length_is_bounded_by_input(installed_model: Path) -> None:
    # Without </s> pressure a random model runs to the cap: the bound must hold.
    import sentencepiece

    engine = ArgosEngine(installed_model, beam_size=1)
    processor = sentencepiece.SentencePieceProcessor(
        model_file=str(installed_model / "sentencepiece.model")
    )
    source = "Det er ikke nyt."
    output = engine.translate_batch([source])[0]
    assert len(processor.encode(output)) <= engine._limit(len(processor.encode(source)))


def test_missing_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match=str(tmp_path)):
        ArgosEngine(tmp_path)


@pytest.mark.slow
def test_same_english_as_argostranslate(
    installed_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decoding matches argostranslate.translate on the same package, sentence by sentence."""
    from argostranslate import settings

    # argostranslate reads its folders once, at first import: point it at ours.
    monkeypatch.setattr(settings, "package_dirs", [installed_model.parent])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import argostranslate.translate as argos

        argos.get_installed_languages.cache_clear()
        translation = argos.get_translation_from_codes("da", "en")

    class OurSplitter:
        def split_sentences(self, text: str) -> list[str]:
            return split_sentences(text)

    # MiniSBD downloads its model at run time; give argostranslate our splitter instead.
    translation.underlying.sentencizer = OurSplitter()
    ours = ArgosEngine(installed_model, length_ratio=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = [translation.translate(sentence) for sentence in SENTENCES]
    assert ours.translate_batch(SENTENCES) == theirs


def test_copy_model_keeps_what_a_trained_model_keeps(copy_model: Path) -> None:
    """Through the real engine, glossary forms and quotation marks survive, as they do
    with a trained model: no repair is needed, the first attempt is accepted."""
    from translator import Translator

    text = 'Natos generalsekretær kalder det "farlig retorik", siger Zelenskyj.\n'
    result = Translator(ArgosEngine(copy_model)).translate(text)
    expected = 'NATO\'s generalsekretær kalder det "farlig retorik", siger Zelensky.\n'
    assert result.text == expected
    assert result.warnings == []


def test_complete_keeps_the_forced_prefix_and_scores_rank_it(installed_model: Path) -> None:
    """A constrained re-decode starts with the forced English and is aligned; any English
    can be scored under the unconstrained model."""
    engine = ArgosEngine(installed_model, beam_size=2)
    source = "Nato-chefen taler i dag."
    own = engine.translate_batch([source])[0]
    forced = engine.complete([source], ["NATO"])[0]
    assert forced.text.startswith("NATO")
    assert forced.alignment is not None
    scores = engine.score([source] * 3, [own, forced.text, "x y z q"])
    assert len(scores) == 3 and all(s < 0 for s in scores)


def test_underscores_the_danish_had_are_kept(copy_model: Path) -> None:
    """argostranslate reads "_" in the English as a space; not where the Danish had
    underscores of its own (URLs, e-mail addresses, hashtags)."""
    engine = ArgosEngine(copy_model)
    pieces = ["▁se", "▁www", ".", "example", ".", "dk", "/", "min", "_", "side"]
    assert engine._decode(pieces, underscores=True) == "se www.example.dk/min_side"
    assert engine._decode(pieces, underscores=False) == "se www.example.dk/min side"
