"""Property-based: whatever the article, the pipeline keeps every byte of its structure."""

from __future__ import annotations

from conftest import CopyEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator import Translator
from translator.article import parse

# No glossary and no numbers guarantee: both rightly change words (Nato → NATO, 2,5 → 2.5).
_TRANSLATOR = Translator(CopyEngine(), source_language="da", guarantees=["quotes"])

_LINE = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",), blacklist_characters="\r\n\x85\u2028\u2029"
    ),
    max_size=80,
)
_ENDING = st.sampled_from(["\n", "\r\n", "\n\n", ""])
_ARTICLE = st.lists(st.tuples(_LINE, _ENDING), max_size=12).map(
    lambda lines: "".join(text + end for text, end in lines)
)


class Uppercase:
    """An engine that changes every letter, so kept structure cannot be an accident."""

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [s.upper() for s in sentences]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ARTICLE)
def test_identity_engine_gives_back_every_byte(text: str) -> None:
    if not text.strip():
        return
    assert _TRANSLATOR.translate(text).text == text


@settings(max_examples=150, deadline=None)
@given(_ARTICLE)
def test_structure_survives_any_translation(text: str) -> None:
    if not text.strip():
        return
    result = Translator(Uppercase(), source_language="da", default_glossary=False).translate(text)
    source, english = parse(text), parse(result.text)
    assert [b.kind == "blank" for b in source.blocks] == [b.kind == "blank" for b in english.blocks]
    assert [b.suffix for b in source.blocks] == [b.suffix for b in english.blocks]
    assert result.text.count("\n") == text.count("\n")
