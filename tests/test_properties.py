"""Property-based: structure survives any article; any interruption resumes to the same output."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from conftest import CopyEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translator import Translator, bulk
from translator.language.article import parse

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
    if result.units:  # the pieces rebuild both texts (what XLIFF export relies on)
        assert "".join(u.source for u in result.units) == text
        assert "".join(u.target for u in result.units) == result.text


_TEXTS = st.lists(
    st.sampled_from(["Det regner i dag.", "Solen skinner.", "Han sagde „nej“.", "", "Ja."]),
    min_size=1,
    max_size=9,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=_TEXTS, stop=st.integers(min_value=0, max_value=9), jsonl=st.booleans())
def test_any_interruption_resumes_to_the_uninterrupted_output(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], stop: int, jsonl: bool
) -> None:
    work = tmp_path_factory.mktemp("resume")
    archive = work / "in.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for i, text in enumerate(texts):
            data = text.encode()
            info = tarfile.TarInfo(f"{i:02}.txt")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    whole, cut = (work / name for name in (("a.jsonl", "b.jsonl") if jsonl else ("a", "b")))
    list(bulk.run(archive, whole, _danish(), batch_size=2))
    running = bulk.run(archive, cut, _danish(), batch_size=2)
    for _ in zip(range(stop), running, strict=False):  # the run stops after `stop` items
        pass
    running.close()
    list(bulk.run(archive, cut, _danish(), batch_size=2))
    assert _contents(cut) == _contents(whole)


def _danish() -> Translator:
    return Translator(CopyEngine(), source_language="da", guarantees=["quotes"])


def _contents(output: Path) -> dict[str, bytes]:
    if output.is_file():
        return {"": output.read_bytes()}
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*.en.txt")}
