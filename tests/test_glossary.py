from __future__ import annotations

from pathlib import Path

import pytest

from translator.errors import GlossaryError
from translator.formats import glossary
from translator.language.glossary import Glossary


@pytest.fixture(scope="module")
def news() -> Glossary:
    return glossary.build()


def test_default_glossary_is_large_and_clean() -> None:
    assert len(glossary.build().entries) >= 200
    shipped = Path(__file__).parent.parent / "glossaries" / "news.da-en.tsv"
    assert glossary.check_file(shipped) == []


@pytest.mark.parametrize(
    ("text", "forms", "targets"),
    [
        ("Natos generalsekretær", ["Natos"], ["NATO's"]),
        ("Nato-chefen gør det klart", ["Nato"], ["NATO"]),
        ("Nato-landene mødes", ["Nato"], ["NATO"]),
        ("FN-chefen taler", ["FN"], ["UN"]),
        (
            "mens FN's Generalforsamling afholdes",
            ["FN's Generalforsamling"],
            ["UN General Assembly"],
        ),
        ("FN's Sikkerhedsråd mødes", ["FN's Sikkerhedsråd"], ["UN Security Council"]),
        ("FN's chef", ["FN's"], ["UN's"]),
        ("Zelenskyjs tale", ["Zelenskyjs"], ["Zelensky's"]),
        ("Volodymyr Zelenskyj siger", ["Volodymyr Zelenskyj"], ["Volodymyr Zelensky"]),
        ("NATO og Nato", ["NATO", "Nato"], ["NATO", "NATO"]),
        ("en Putin-kritiker", ["Putin"], ["Putin"]),
        ("en putinsk retorik", [], []),
        ("Putinsk retorik", [], []),
        ("natoen", [], []),
        ("i Kijev og Moskva", ["Kijev", "Moskva"], ["Kyiv", "Moscow"]),
        ("Reuters' kilde", ["Reuters'"], ["Reuters'"]),
        ("'Nato' sagde han", ["Nato"], ["NATO"]),
    ],
)
def test_danish_inflections(
    news: Glossary, text: str, forms: list[str], targets: list[str]
) -> None:
    found = news.find(text)
    assert [m.form for m in found] == forms
    assert [m.target for m in found] == targets


def test_user_glossary_overrides_default(tmp_path: Path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text(
        "# house rules\nda\ten\tnote\nNato\tNato\tour style\nSkat\tthe Danish Tax Agency\n"
    )
    merged = glossary.build([mine])
    assert merged.entries["Nato"].target == "Nato"
    assert merged.entries["Skat"].target == "the Danish Tax Agency"
    assert merged.entries["FN"].target == "UN"


@pytest.mark.parametrize(
    ("content", "lines"),
    [
        ("da\ten\nNato\tNATO\nNato\tNATO\n", [(3, "duplicate of line 2")]),
        ("da\ten\nNato\tNATO\nNato\tNato\n", [(3, "conflicts ('NATO') with line 2")]),
        ("da\ten\nNato\t\n", [(2, "empty Danish or English field")]),
        ("da\ten\nNato NATO\n", [(2, "no tab")]),
        ("en\tda\nNato\tNATO\n", [(1, "header must start with 'da<TAB>en'")]),
    ],
)
def test_check_file(tmp_path: Path, content: str, lines: list[tuple[int, str]]) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(content, "utf-8")
    problems = glossary.check_file(path)
    assert len(problems) == len(lines)
    pairs = zip(problems, lines, strict=True)
    assert all(p.line == line and m in p.message for p, (line, m) in pairs)


def test_check_file_bad_encoding(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_bytes("da\ten\nNato\tNATO\nKøbenhavn\tCopenhagen\n".encode("cp1252"))
    assert [(p.line, "UTF-8" in p.message) for p in glossary.check_file(path)] == [(3, True)]
    with pytest.raises(GlossaryError, match=":3: not UTF-8"):
        glossary.load(path)


class _Says:
    """An engine that writes one fixed English for every sentence."""

    def __init__(self, english: str) -> None:
        self.english = english

    def translate_batch(self, sentences: list[str]) -> list[str]:
        return [self.english for _ in sentences]


@pytest.mark.parametrize(
    ("danish", "english", "kept"),
    [
        ("USA støtter planen fuldt ud.", "The United States of America supports the plan.",
         "The US supports the plan."),
        ("USA og Kina mødes i dag.", "The United States and China meet today.",
         "The US and China meet today."),
        ("Verdenssundhedsorganisationen siger nej.", "The World Health Organisation says no.",
         "The World Health Organization says no."),
        ("Læger uden Grænser hjælper i dag.", "Læger without Borders help today.",
         "Doctors Without Borders help today."),
        ("Det siger Stoltenberg til Reuters i dag.", "Tltenberg's aide says to Reuters today.",
         "Stoltenberg's aide says to Reuters today."),
        # no USA in the Danish: its English stays as the model wrote it
        ("De Forenede Stater er store.", "The United States is big.", "The United States is big."),
    ],
)  # fmt: skip
def test_avoided_british_half_translated_or_misspelt_terms_become_the_target(
    danish: str, english: str, kept: str
) -> None:
    from translator import Translator

    result = Translator(_Says(english), source_language="da").translate(danish + "\n")
    assert result.text == kept + "\n"
    assert not any("glossary" in w and "kept the model" in w for w in result.warnings)


def test_the_avoid_column_is_read_by_name(tmp_path: Path) -> None:
    path = tmp_path / "house.tsv"
    path.write_text("da\ten\tavoid\tnote\nSkat\tthe Danish Tax Agency\tSKAT|the tax office\tx\n")
    (entry,) = glossary.load(path).entries.values()
    assert entry.avoid == ("SKAT", "the tax office") and entry.note == "x"
    assert glossary.check_file(path) == []
