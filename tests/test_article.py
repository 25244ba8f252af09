from __future__ import annotations

import pytest

from translator.language.article import parse, render


def test_example_parts(example_text: str) -> None:
    blocks = parse(example_text).blocks
    assert blocks[0].kind == "headline"
    assert blocks[0].prefix == " date 2022-09 "
    assert blocks[0].text.startswith("Nato-generalsekretær")
    assert blocks[-1].kind == "byline"
    assert blocks[-1].prefix == "/ritzau/Reuters"
    assert sum(b.kind == "dash_quote" for b in blocks) == 5


@pytest.mark.parametrize(
    "text",
    [
        "En linje uden noget.",
        "Overskrift\r\n\r\nAfsnit et.\r\n\r\n- Citat, siger han.\r\n\r\n/ritzau/\r\n",
        "  indrykket\n\n\n\nto tomme linjer før\n",
        "Overskrift\n\nTekst\n/ritzau/AFP",
    ],
)
def test_render_of_parse_is_identity(text: str) -> None:
    assert render(parse(text)) == text


def test_byline_only_at_the_end() -> None:
    kinds = [b.kind for b in parse("/ritzau/\n\nTekst her.\n").blocks]
    assert "byline" not in kinds


def test_dash_quote_keeps_its_dash() -> None:
    block = parse("Titel\n\n– Vi går nu, siger han.\n").blocks[2]
    assert (block.kind, block.prefix, block.text) == ("dash_quote", "– ", "Vi går nu, siger han.")


@pytest.mark.parametrize(
    ("text", "kind", "prefix", "prose"),
    [
        (" date 2022-09 Titel her\n\nTekst.\n", "headline", " date 2022-09 ", "Titel her"),
        (" date 2022-09-21\nTitel her\n\nTekst.\n", "metadata", " date 2022-09-21", ""),
        (
            "KØBENHAVN (Ritzau): Regeringen vil\n\nTekst.\n",
            "headline",
            "KØBENHAVN (Ritzau): ",
            "Regeringen vil",
        ),
        ("Titel uden dato\n\nTekst.\n", "headline", "", "Titel uden dato"),
    ],
)
def test_metadata_is_kept_verbatim(text: str, kind: str, prefix: str, prose: str) -> None:
    first = parse(text).blocks[0]
    assert (first.kind, first.prefix, first.text) == (kind, prefix, prose)
    assert render(parse(text)) == text
