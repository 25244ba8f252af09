from __future__ import annotations

import pytest

from translator.language.quotes import find_quotes


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ('kalder det "farlig og hensynsløs atomretorik".', ["farlig og hensynsløs atomretorik"]),
        ("„Vi kommer,“ siger han.", ["Vi kommer,"]),
        ("“Vi kommer,” siger han.", ["Vi kommer,"]),
        ("»Vi kommer«, siger han.", ["Vi kommer"]),
        ("«Vi kommer», siger han.", ["Vi kommer"]),
        ('"Vi kommer. Vi går," siger han.', ["Vi kommer. Vi går,"]),
        ("»Han sagde 'nej' til mig«, siger hun.", ["Han sagde 'nej' til mig", "nej"]),
        ('Han sagde "nej" og "ja".', ["nej", "ja"]),
        ("FN's chef talte om 90'erne og Macron's plan.", []),
        ("Jesus' ord og Reuters' kilde.", []),
        ("- Det er 'slut', siger han.", []),  # a dash-quote's inner quotes: see below
    ],
)
def test_find_quotes(text: str, inner: list[str]) -> None:
    assert [q.inner(text) for q in find_quotes(text).quotes] == inner


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("Det er 'slut', siger han.", ["slut"]),
        ('Det er "slut", siger han.', ["slut"]),
        ("FN's plan og 90'erne, siger han.", []),
    ],
)
def test_quotes_inside_a_dash_quote(text: str, inner: list[str]) -> None:
    assert [q.inner(text) for q in find_quotes(text, quoted=True).quotes] == inner


@pytest.mark.parametrize("text", ['Han sagde "nej og gik.', "Han sagde nej« og gik.", "„Vi går"])
def test_unbalanced_marks_are_reported_not_raised(text: str) -> None:
    scan = find_quotes(text)
    assert scan.quotes == () and len(scan.stray) == 1
