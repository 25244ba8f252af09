"""HTML fragments: every tag and attribute kept, inline elements around the right words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translator import Translator
from translator.engines.argos import ArgosEngine
from translator.formats import html as html_mod
from translator.markup import translate_html

TAG = re.compile(r"<[^>]+>")


def identity(fragment: str) -> str:
    """The fragment rendered back with its own text in place of the English."""
    parsed = html_mod.parse(fragment)
    runs = []
    for run in parsed.runs:
        spans, _ = html_mod.place(run, run.text, lambda start, end: (start, end))
        runs.append(html_mod.render_run(run, run.text, spans))
    return parsed.render(runs)


@pytest.mark.parametrize(
    "fragment",
    [
        '<p>Nato-chefen <b>Jens Stoltenberg</b> taler i <a href="x?a=1&amp;b=2">dag</a>.</p>',
        "<div><b><i>Hej</i></b> verden &amp; mere<script>var a = '<p>';</script></div><!-- c -->",
        "<p>Han kom<br>hjem <img src='a.png' alt=\"billede\"> igen.</p>",
        "<ul><li>én</li><li>to <em>tre</em></li></ul>",
        "Ren tekst uden tags",
        '<p translate="no">Bevar mig</p><p class="x notranslate">og mig</p>',
    ],
)
def test_a_fragment_renders_back_as_written(fragment: str) -> None:
    assert identity(fragment) == fragment


def test_inline_elements_are_spans_of_their_blocks_text() -> None:
    parsed = html_mod.parse(
        "<p>Nato-chefen <b>Jens <i>Stoltenberg</i></b> taler.</p><p>Nyt afsnit</p>"
    )
    first, second = parsed.runs
    assert first.text == "Nato-chefen Jens Stoltenberg taler."
    bold, italic = first.inlines
    assert first.text[bold.start : bold.end] == "Jens Stoltenberg"
    assert first.text[italic.start : italic.end] == "Stoltenberg" and italic.parent == 0
    assert second.text == "Nyt afsnit"


def test_code_and_untranslated_elements_are_not_runs() -> None:
    parsed = html_mod.parse('<p>Kør <code>ls -l</code> nu</p><p translate="no">Bevar</p>')
    assert [run.text for run in parsed.runs] == ["Kør", "nu"]


def test_placement_nests_and_never_overlaps() -> None:
    run = html_mod.parse("<p><b>a <i>b</i></b> <u>c</u></p>").runs[0]
    spans, guessed = html_mod.place(run, "x y z", lambda start, end: (0, 5))
    bold, italic, underline = spans
    assert bold == (0, 5) and bold[0] <= italic[0] <= italic[1] <= bold[1]
    assert underline[0] >= bold[1] or underline[1] <= bold[0]
    assert guessed == 0


@pytest.fixture(scope="module")
def copying(copy_model: Path) -> Translator:
    return Translator(ArgosEngine(copy_model), source_language="da")


def test_the_guarantees_hold_inside_markup(copying: Translator) -> None:
    fragment = (
        '<p>Natos <a href="https://x.dk/a_b?c=1">generalsekretær</a> møder <b>Zelenskyj</b>.</p>'
    )
    (result,) = translate_html(copying, [fragment])
    assert not isinstance(result, Exception)
    assert result.text == (
        '<p>NATO\'s <a href="https://x.dk/a_b?c=1">generalsekretær</a> møder <b>Zelensky</b>.</p>'
    )


def test_english_passes_through_unchanged(copy_model: Path) -> None:
    fragment = "<p>The <b>Prime Minister</b> met the press in Copenhagen this morning to talk.</p>"
    (result,) = translate_html(Translator(ArgosEngine(copy_model)), [fragment])
    assert not isinstance(result, Exception)
    assert result.text == fragment and not result.translated


@pytest.fixture(scope="module")
def tiny(installed_model: Path) -> Translator:
    return Translator(ArgosEngine(installed_model), source_language="da")


WORDS = st.sampled_from(["Nato", "taler", "i", "dag", "om", "Ukraine", "og", "krigen", "5.000"])
INLINE = st.sampled_from(["b", "i", "em", "strong", "span", "q"])


@st.composite
def fragments(draw: st.DrawFn) -> str:
    """A paragraph or two of Danish words with nested inline elements and markers."""
    blocks = []
    for _ in range(draw(st.integers(1, 2))):
        parts = []
        for _ in range(draw(st.integers(2, 6))):
            words = " ".join(draw(st.lists(WORDS, min_size=1, max_size=3)))
            kind = draw(st.integers(0, 3))
            if kind == 1:
                tag = draw(INLINE)
                words = f'<{tag} class="c">{words}</{tag}>'
            elif kind == 2:
                words = f'{words} <img src="x.png">'
            elif kind == 3:
                words = f'<a href="https://x.dk/?q={len(parts)}"><b>{words}</b></a>'
            parts.append(words)
        blocks.append("<p>" + " ".join(parts) + ".</p>")
    return "\n".join(blocks)


@settings(max_examples=25, deadline=None)
@given(fragment=fragments())
def test_no_tag_is_dropped_doubled_or_moved_out_of_its_block(
    tiny: Translator, fragment: str
) -> None:
    """Whatever the model writes, every tag of the Danish is in the English, once, in
    the same block, and the inline elements still nest."""
    (result,) = translate_html(tiny, [fragment])
    assert not isinstance(result, Exception)
    for danish, english in zip(fragment.split("\n"), result.text.split("\n"), strict=True):
        assert sorted(TAG.findall(danish)) == sorted(TAG.findall(english))
        opened: list[str] = []
        for tag in TAG.findall(english):
            name = re.match(r"</?(\w+)", tag).group(1)  # type: ignore[union-attr]
            if tag.startswith("</"):
                assert opened.pop() == name
            elif name != "img":
                opened.append(name)
        assert opened == []
